"""Template filters of the contract pages: money, territories, regions, entity types."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import get_language

from datong.core.templatetags.datong import wan, yuan
from datong.institutions.regions import province_name

from .. import licensing, rules

register = template.Library()


register.filter("yuan", yuan)
register.filter("wan", wan)


@register.filter
def territory(code: str) -> str:
    return licensing.territory_label(code)


@register.filter
def region(code: str) -> str:
    if not code:
        return "—"
    name = province_name(code[:2] + "0000", get_language() or "zh-hans")
    return name or code


@register.filter
def entity_type(code: str) -> str:
    return f"{code} {rules.entity_type_name(code)}" if code else "—"


@register.filter
def percent(value) -> str:
    if value in (None, ""):
        return "—"
    return f"{Decimal(value).normalize():f} %"


@register.filter
def local_pair(pair) -> str:
    """The English or the Chinese of a (Chinese, English) pair, by the current language."""
    zh, en = pair
    return en if (get_language() or "").startswith("en") else zh


@register.simple_tag(takes_context=True)
def result_contracts(context, result) -> dict:
    """The contracts of ``result`` for the result page's partial: only the office of the
    result's institution sees them (``visible`` is False for everyone else)."""
    from datong.core.permissions import scope_for

    from ..selectors import contracts_of_result

    request = context.get("request")
    user = getattr(request, "user", None)
    visible = result is not None and scope_for(user).is_staff_of(result.institution_id)
    contracts = list(contracts_of_result(actor=user, result=result)) if visible else []
    return {"visible": visible, "contracts": contracts}
