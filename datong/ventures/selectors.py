"""Scoped reads of companies and equity investments.

Companies are the transfer office's records: the institution's office staff (and technology
managers) see them; anyone else gets 404. The annual-report figures at the end take the actor as
well and count only what the actor may see.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from datong.core.audit import history_for
from datong.core.models import AuditEntry
from datong.core.permissions import scope_for, visible_to, works_in_an_office

from . import services
from .models import (
    BoardSeat,
    Company,
    CompanyState,
    EquityInvestment,
    EquityStep,
    Founder,
    HolderKind,
    ListingStatus,
    Shareholding,
)

ZERO = Decimal("0")

#: Pseudo-value of the listing filter: any market.
LISTED = "listed"


def can_see_companies(user) -> bool:
    return works_in_an_office(user)


def visible_companies(*, actor) -> QuerySet[Company]:
    return visible_to(actor, Company.objects.select_related("institution", "industry", "incubator"))


def _search(qs: QuerySet, q: str) -> QuerySet:
    for term in q.split():
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(name_en__icontains=term)
            | Q(credit_code__icontains=term)
            | Q(stock_code__icontains=term)
            | Q(city__icontains=term)
            | Q(founders__name__icontains=term)
            | Q(results__title__icontains=term)
            | Q(results__number__icontains=term)
        )
    return qs.distinct()


def company_list(
    *,
    actor,
    state: str = "",
    listing: str = "",
    region: str = "",
    year: str | int = "",
    q: str = "",
    institution: str = "",
) -> QuerySet[Company]:
    """The actor's companies, filtered: ``listing`` is a listing status or ``listed`` (any
    market); ``year`` the year of incorporation; ``institution`` a slug."""
    qs = visible_companies(actor=actor)
    if state in CompanyState.values:
        qs = qs.filter(state=state)
    if listing == LISTED:
        qs = qs.exclude(listing_status=ListingStatus.UNLISTED)
    elif listing in ListingStatus.values:
        qs = qs.filter(listing_status=listing)
    if region:
        qs = qs.filter(region=region)
    if str(year).isdigit():
        qs = qs.filter(incorporated_on__year=int(year))
    if institution:
        qs = qs.filter(institution__slug=institution)
    q = (q or "").strip()
    if q:
        qs = _search(qs, q)
    return qs.order_by("-incorporated_on", "-created_at", "-pk")


def company_get(*, actor, pk) -> Company:
    try:
        return visible_companies(actor=actor).get(pk=pk)
    except (Company.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc


def state_counts(qs: QuerySet[Company]) -> dict[str, int]:
    return dict(qs.order_by().values_list("state").annotate(n=Count("pk")))


def company_years(*, actor) -> list[int]:
    years = visible_companies(actor=actor).filter(incorporated_on__isnull=False)
    return sorted({d.year for d in years.values_list("incorporated_on", flat=True)}, reverse=True)


def company_regions(*, actor) -> list[str]:
    return sorted(
        set(visible_companies(actor=actor).exclude(region="").values_list("region", flat=True))
    )


def company_history(*, actor, company: Company) -> QuerySet[AuditEntry]:
    company_get(actor=actor, pk=company.pk)  # 404 outside scope
    return history_for(company)


def result_companies(*, actor, result) -> QuerySet[Company]:
    """The companies linked to a result, among those the actor may see (the result page)."""
    return visible_companies(actor=actor).filter(results=result).order_by("name", "pk")


# --- cap table -------------------------------------------------------------------------------


def cap_table(company: Company, on: dt.date | None = None) -> dict:
    """The holdings in force on ``on`` (today by default), biggest first, with the total and
    the unallocated rest."""
    on = on or timezone.localdate()
    rows = sorted(services.holdings_on(company, on), key=lambda h: (-h.percentage, h.pk))
    total = sum((h.percentage for h in rows), ZERO)
    return {
        "on": on,
        "rows": rows,
        "total": total,
        "rest": max(Decimal("100") - total, ZERO),
        "by_kind": {
            kind: sum((h.percentage for h in rows if h.holder_kind == kind), ZERO)
            for kind in HolderKind.values
        },
    }


def cap_table_chart(table: dict) -> list[dict]:
    """Pie-chart data: one slice per holding (and the unallocated rest)."""
    data = [
        {"name": h.holder_name, "value": float(h.percentage), "kind": h.holder_kind}
        for h in table["rows"]
    ]
    if table["rest"] > ZERO and table["rows"]:
        data.append({"name": _("Not recorded"), "value": float(table["rest"]), "kind": "rest"})
    return data


def holding_dates(company: Company) -> list[dt.date]:
    """The days the cap table changed, newest first (for the date picker)."""
    days = set()
    for since, until in company.shareholdings.values_list("since", "until"):
        days.add(since)
        if until:
            days.add(until)
    return sorted(days, reverse=True)


# --- equity investments ----------------------------------------------------------------------


def visible_investments(*, actor) -> QuerySet[EquityInvestment]:
    return visible_to(
        actor,
        EquityInvestment.objects.select_related("company", "institution", "evaluator", "contract"),
    )


def investment_list(*, actor, step: str = "", company=None) -> QuerySet[EquityInvestment]:
    qs = visible_investments(actor=actor)
    if step in EquityStep.values:
        qs = qs.filter(step=step)
    if company is not None:
        qs = qs.filter(company=company)
    return qs


def investment_get(*, actor, pk) -> EquityInvestment:
    try:
        return visible_investments(actor=actor).get(pk=pk)
    except (EquityInvestment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc


def investment_history(*, actor, investment: EquityInvestment) -> QuerySet[AuditEntry]:
    investment_get(actor=actor, pk=investment.pk)
    return history_for(investment)


def equity_progress(investment: EquityInvestment) -> list[dict]:
    """One step per stage of the path: done, current or to do (with its date when done)."""
    path = services.EQUITY_PATH
    labels = dict(EquityStep.choices)
    reached = investment.abandoned_at_step or investment.step
    index = path.index(reached) if reached in path else 0
    dates = {
        EquityStep.APPRAISAL: investment.appraised_on,
        EquityStep.APPROVAL: max(
            (dt.date.fromisoformat(a["on"]) for a in investment.approvals or [] if a.get("on")),
            default=None,
        )
        if index > 1
        else None,
        EquityStep.FILING: investment.filed_on,
        EquityStep.REGISTRATION: investment.registered_on,
        EquityStep.DONE: investment.completed_on,
    }
    steps = []
    for i, step in enumerate(path):
        done = i < index or (step == EquityStep.DONE and investment.step == EquityStep.DONE)
        if step == EquityStep.REGISTRATION and investment.registered_on:
            done = True
        if done:
            state = "done"
        elif i == index and investment.step != EquityStep.ABANDONED:
            state = "current"
        elif i == index:
            state = "stopped"
        else:
            state = "todo"
        if (
            state == "todo"
            and step == EquityStep.DONE
            and investment.step == EquityStep.REGISTRATION
            and investment.registered_on
        ):
            state = "current"
        steps.append({"step": step, "label": labels[step], "state": state, "on": dates[step]})
    return steps


# --- figures for the annual report ---------------------------------------------------------------


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def companies_created(*, actor, year: int, institution=None) -> QuerySet[Company]:
    """Companies incorporated in ``year`` (the institution's spin-offs)."""
    qs = visible_companies(actor=actor).filter(incorporated_on__year=year)
    if institution is not None:
        qs = qs.filter(institution=institution)
    return qs


def companies_invested(*, actor, year: int, institution=None) -> QuerySet[Company]:
    """Companies in which the institution's equity investment was completed in ``year``."""
    investments = visible_investments(actor=actor).filter(
        step=EquityStep.DONE, completed_on__year=year
    )
    if institution is not None:
        investments = investments.filter(institution=institution)
    return visible_companies(actor=actor).filter(pk__in=investments.values("company_id"))


def founders_on_leave(*, actor, year: int, institution=None) -> QuerySet[Founder]:
    """Staff on leave to found a company (离岗创业) at some time in ``year``."""
    first, last = _year_bounds(year)
    companies = visible_companies(actor=actor)
    if institution is not None:
        companies = companies.filter(institution=institution)
    return (
        Founder.objects.filter(company__in=companies.values("pk"), on_leave=True)
        .filter(leave_from__lte=last)
        .filter(Q(leave_until__isnull=True) | Q(leave_until__gte=first))
        .select_related("company", "user")
        .order_by("company__name", "position", "pk")
    )


def institution_holdings(*, actor, institution=None, on: dt.date | None = None) -> list[dict]:
    """The institution's holdings in force on ``on``: one row per company."""
    on = on or timezone.localdate()
    companies = visible_companies(actor=actor)
    if institution is not None:
        companies = companies.filter(institution=institution)
    holdings = (
        Shareholding.objects.filter(
            company__in=companies.values("pk"), holder_kind=HolderKind.INSTITUTION, since__lte=on
        )
        .filter(Q(until__isnull=True) | Q(until__gt=on))
        .select_related("company", "company__institution")
        .order_by("company__name", "pk")
    )
    return [
        {
            "company": h.company,
            "percentage": h.percentage,
            "capital": h.capital,
            "contribution": h.contribution,
            "since": h.since,
        }
        for h in holdings
    ]


def annual_figures(*, actor, year: int, institution=None) -> dict:
    """The companies' figures of the annual report (DOMAIN.md §5) for one year."""
    last = dt.date(year, 12, 31)
    holdings = institution_holdings(actor=actor, institution=institution, on=last)
    return {
        "year": year,
        "companies_created": companies_created(
            actor=actor, year=year, institution=institution
        ).count(),
        "companies_invested": companies_invested(
            actor=actor, year=year, institution=institution
        ).count(),
        "staff_on_leave": founders_on_leave(actor=actor, year=year, institution=institution)
        .values("name", "company__institution")
        .distinct()
        .count(),
        "holdings": len(holdings),
        "holdings_capital": sum((h["capital"] for h in holdings), ZERO),
    }


def dashboard_count(*, actor) -> int:
    return (
        visible_companies(actor=actor)
        .filter(state__in=(CompanyState.PREPARING, CompanyState.ACTIVE))
        .count()
    )


def board_on(company: Company, on: dt.date | None = None) -> list[BoardSeat]:
    on = on or timezone.localdate()
    return [s for s in company.board_seats.all() if s.until is None or s.until > on]


def is_office(actor, company: Company) -> bool:
    return scope_for(actor).is_staff_of(company.institution_id)
