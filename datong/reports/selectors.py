"""Reads of the annual report: only the institution's office staff see its report, the records
behind a figure and the check list (an alliance secretariat sees aggregates elsewhere, never a
member's records)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datong.core.permissions import require_staff, scope_for, visible_to, works_in_an_office
from datong.institutions.models import Institution

from . import engine, sources
from .report import Report, build, find_indicator, template_for

#: The years a report can be asked for.
FIRST_YEAR = 2000


def can_see_reports(user) -> bool:
    return works_in_an_office(user)


def default_year() -> int:
    """The report filed each spring is for the year before."""
    return timezone.localdate().year - 1


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404(_("Not found."))
    return year


def report_institutions(*, actor) -> QuerySet:
    """The institutions whose report the actor may open."""
    scope = scope_for(actor)
    qs = Institution.objects.order_by("name")
    if scope.is_superuser:
        return qs
    return qs.filter(pk__in=sorted(scope.staff_institution_ids))


def institution_for_report(*, actor, slug: str) -> Institution:
    """The institution by slug, refused unless the actor is on its office staff."""
    institution = Institution.objects.filter(slug=slug).first()
    if institution is None:
        raise Http404(_("Not found."))
    require_staff(actor, institution.pk)
    return institution


def annual_report(*, actor, institution: Institution, year: int, rows=None) -> Report:
    require_staff(actor, institution.pk)
    return build(institution, check_year(year), rows=rows)


@dataclass
class Drill:
    indicator: dict
    source: sources.Source
    group: str | None
    group_label: str
    queryset: QuerySet
    columns: list = field(default_factory=list)


def indicator_records(
    *, actor, institution: Institution, year: int, code: str, group: str | None = None
) -> Drill:
    """The records behind one figure (or one group of it), scoped twice: the actor must be on the
    institution's office staff, and the rows pass the source model's own scope rule."""
    require_staff(actor, institution.pk)
    check_year(year)
    template = template_for(year)
    indicator = find_indicator(template, code) if template else None
    if indicator is None:
        raise Http404(_("Not found."))
    query = indicator["query"]
    source = sources.get(query["source"])
    qs = engine.records(source, query, institution.pk, year, group=group or None)
    qs = visible_to(actor, qs) if getattr(source.model_class, "scope_rule", None) else qs
    group_label = ""
    if group:
        by = str(query.get("by") or "")
        if by.startswith("band:"):
            band = next((b for b in query.get("bands", []) if b["key"] == group), None)
            if band is None:
                raise Http404(_("Not found."))
            group_label = engine._pick(band["label"], _english())
        elif by:
            group_label = source.fields[by].label_for(group)
    return Drill(indicator, source, group or None, group_label, qs)


def _english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "").startswith("en")


# --- the check before export -----------------------------------------------------------------


@dataclass
class CheckItem:
    label: str
    detail: str
    url: str


@dataclass
class CheckGroup:
    code: str
    title: str
    explanation: str
    items: list[CheckItem]


CHECKS = {
    "contract_type": (
        gettext_lazy("Contracts without a type"),
        gettext_lazy("They are counted under no type: set the contract type."),
    ),
    "contract_amount": (
        gettext_lazy("Signed contracts with a zero amount"),
        gettext_lazy("They lower the amounts and the average: enter the contract amount."),
    ),
    "signed_undated": (
        gettext_lazy("Signed contracts without a signing date"),
        gettext_lazy("No year can count them: enter the date the contract was signed."),
    ),
    "payment_undated": (
        gettext_lazy("Payments without a date"),
        gettext_lazy("They are missing from the income received: enter the date received."),
    ),
    "payment_early": (
        gettext_lazy("Payments dated before the contract was signed"),
        gettext_lazy("Check the date received or the signing date."),
    ),
    "reward_unnamed": (
        gettext_lazy("Rewards without a recipient name"),
        gettext_lazy("Person-times and the people rewarded cannot count them: name the person."),
    ),
    "conversion_no_results": (
        gettext_lazy("Conversion contracts without results"),
        gettext_lazy(
            "Transfers, licences and equity investments should name the results they convert."
        ),
    ),
}
CHECK_LIMIT = 200
CONVERSION = ("transfer", "licence", "equity")
SIGNED = ("signed", "completed")


def _contract_item(contract) -> CheckItem:
    return CheckItem(
        label=contract.number,
        detail=contract.title,
        url=reverse("deal-detail", args=[contract.pk]),
    )


def report_check(*, actor, institution: Institution, year: int) -> list[CheckGroup]:
    """Records that would make the year's report wrong, each linked to its page."""
    from datong.deals.income.models import Reward
    from datong.deals.models import Contract, ContractType, Payment

    require_staff(actor, institution.pk)
    check_year(year)
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    contracts = visible_to(actor, Contract.objects.filter(institution=institution)).order_by(
        "number", "pk"
    )
    in_year = Q(signed_on__gte=start, signed_on__lt=end)
    groups: dict[str, list[CheckItem]] = {}
    groups["contract_type"] = [
        _contract_item(c)
        for c in contracts.filter(in_year | Q(signed_on__isnull=True))
        .exclude(contract_type__in=ContractType.values)
        .exclude(status__in=["draft", "terminated"])[:CHECK_LIMIT]
    ]
    groups["contract_amount"] = [
        _contract_item(c)
        for c in contracts.filter(in_year, status__in=SIGNED).filter(
            Q(amount__lte=0) | Q(amount__isnull=True)
        )[:CHECK_LIMIT]
    ]
    groups["signed_undated"] = [
        _contract_item(c)
        for c in contracts.filter(status__in=[*SIGNED, "terminated"], signed_on__isnull=True)[
            :CHECK_LIMIT
        ]
    ]
    payments = visible_to(actor, Contract.objects.filter(institution=institution)).values("pk")
    payment_rows = Payment.objects.filter(contract_id__in=payments).select_related("contract")
    groups["payment_undated"] = [
        CheckItem(
            p.contract.number, f"{p.amount:,.2f}", reverse("deal-detail", args=[p.contract_id])
        )
        for p in payment_rows.filter(received_on__isnull=True).order_by("pk")[:CHECK_LIMIT]
    ]
    from django.db.models import F

    groups["payment_early"] = [
        CheckItem(
            p.contract.number,
            f"{p.received_on:%Y-%m-%d} {p.amount:,.2f}",
            reverse("deal-detail", args=[p.contract_id]),
        )
        for p in payment_rows.filter(
            received_on__gte=start, received_on__lt=end, contract__signed_on__gt=F("received_on")
        ).order_by("received_on", "pk")[:CHECK_LIMIT]
    ]
    rewards = visible_to(
        actor, Reward.objects.filter(distribution__institution=institution)
    ).select_related("distribution")
    groups["reward_unnamed"] = [
        CheckItem(
            r.distribution.number,
            f"{r.amount:,.2f}",
            reverse("income-distribution-detail", args=[r.distribution_id]),
        )
        for r in rewards.filter(
            Q(paid_on__gte=start, paid_on__lt=end)
            | Q(
                paid_on__isnull=True,
                distribution__decided_on__gte=start,
                distribution__decided_on__lt=end,
            )
        )
        .exclude(distribution__status="cancelled")
        .filter(Q(name="") | Q(name__regex=r"^\s+$"))
        .order_by("distribution__number", "pk")[:CHECK_LIMIT]
    ]
    groups["conversion_no_results"] = [
        _contract_item(c)
        for c in contracts.filter(in_year, status__in=SIGNED, contract_type__in=CONVERSION)
        .filter(results__isnull=True)
        .distinct()[:CHECK_LIMIT]
    ]
    return [
        CheckGroup(code, str(CHECKS[code][0]), str(CHECKS[code][1]), items)
        for code, items in groups.items()
    ]


def check_count(groups: list[CheckGroup]) -> int:
    return sum(len(g.items) for g in groups)
