"""Template filters of the project pages: money in yuan."""

from __future__ import annotations

from django import template

from ..ledger import yuan as _yuan

register = template.Library()


@register.filter
def yuan(value) -> str:
    """¥1,234,567.80; an empty value stays a dash."""
    if value in (None, ""):
        return "—"
    return _yuan(value)


@register.filter
def wan(value) -> str:
    """An amount in 10,000 yuan (万元), as offices quote budgets: 150.00."""
    if value in (None, ""):
        return "—"
    return f"{value / 10000:,.2f}"


@register.filter
def local_name(item) -> str:
    """``name_en`` of a record or mapping in English (when set), else ``name``."""
    from django.utils.translation import get_language

    if item is None or item == "":
        return "—"
    get = (
        item.get
        if isinstance(item, dict)
        else (lambda key, default="": getattr(item, key, default))
    )
    english = (get_language() or "").startswith("en")
    return (get("name_en", "") if english else "") or get("name", "")
