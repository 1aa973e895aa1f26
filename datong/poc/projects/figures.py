"""A programme's figures from its funded projects, for the programme view.

These are aggregates: the caller checks that the user may see the programme's figures."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.db.models import Count, Q, Sum

from datong.institutions.regions import province_name
from datong.poc.models import ApplicationStatus, FundingRequest, Programme, Stage

from .ledger import ZERO, line_name
from .models import (
    CLOSED_STATES,
    Expense,
    ExpenseStatus,
    Outcome,
    Project,
    ProjectFunding,
    ProjectState,
    Termination,
    Tranche,
)


def _by_line(qs, value: str = "amount") -> dict[int, Decimal]:
    rows = qs.values("funding_line_id").annotate(total=Sum(value))
    return {row["funding_line_id"]: row["total"] or ZERO for row in rows}


def _money_lines(programme: Programme) -> list[dict]:
    projects = Project.objects.filter(programme=programme)
    committed = _by_line(
        FundingRequest.objects.filter(
            application__call__programme=programme, application__status=ApplicationStatus.AWARDED
        ),
        "awarded",
    )
    awarded = _by_line(ProjectFunding.objects.filter(project__in=projects), "awarded")
    open_awarded = _by_line(
        ProjectFunding.objects.filter(project__in=projects.exclude(state__in=CLOSED_STATES)),
        "awarded",
    )
    released = _by_line(Tranche.objects.filter(project__in=projects))
    open_released = _by_line(
        Tranche.objects.filter(project__in=projects.exclude(state__in=CLOSED_STATES))
    )
    spent = _by_line(Expense.objects.filter(project__in=projects, status=ExpenseStatus.RECORDED))
    rejected = _by_line(Expense.objects.filter(project__in=projects, status=ExpenseStatus.REJECTED))
    lines = []
    for line in programme.funding_lines.all():
        pk = line.pk
        row = {
            "line": line,
            "code": line.code,
            "name": line_name(line),
            "committed": committed.get(pk, ZERO),
            "awarded": awarded.get(pk, ZERO),
            "released": released.get(pk, ZERO),
            "spent": spent.get(pk, ZERO),
            "rejected": rejected.get(pk, ZERO),
            "to_release": open_awarded.get(pk, ZERO) - open_released.get(pk, ZERO),
        }
        row["remaining"] = row["awarded"] - row["spent"]
        lines.append(row)
    return lines


def _landed(outcomes) -> list[dict]:
    counts = Counter(
        (o.landing_base.strip(), o.landing_province) for o in outcomes if o.landing_base.strip()
    )
    return [
        {
            "base": base,
            "province": province,
            "province_name": province_name(province),
            "projects": n,
        }
        for (base, province), n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def programme_figures(programme: Programme) -> dict:
    """The programme's money, projects and outcomes.

    ``lines``: per funding line (in the programme's order) ``line`` (the FundingLine), ``code``,
    ``name`` and, in yuan: ``committed`` (awarded to applications with the status "awarded",
    started or not), ``awarded`` (frozen in its projects), ``released`` (tranches paid),
    ``spent`` (eligible expenses), ``rejected`` (expenses rejected as ineligible),
    ``remaining`` (awarded − spent) and ``to_release`` (awarded − released, projects still
    open). ``totals``: the same sums over the lines.
    ``projects``: how many; ``by_state`` and ``by_stage``: code → count (every code present);
    ``outcomes``: ``recorded``, ``licences`` (a licence or transfer recorded), ``companies`` (a
    spin-off named), ``landed`` (a landing location named); ``landed``: one row per base
    (``base``, ``province``, ``province_name``, ``projects``), most projects first;
    ``payback``: the money to pay back recorded at terminations.
    """
    lines = _money_lines(programme)
    names = ("committed", "awarded", "released", "spent", "rejected", "remaining", "to_release")
    totals = {name: sum((row[name] for row in lines), ZERO) for name in names}
    projects = Project.objects.filter(programme=programme)
    by_state = dict.fromkeys(ProjectState.values, 0)
    by_state.update(dict(projects.values_list("state").annotate(n=Count("pk"))))
    by_stage = dict.fromkeys(Stage.values, 0)
    by_stage.update(dict(projects.values_list("stage").annotate(n=Count("pk"))))
    outcomes = list(Outcome.objects.filter(project__in=projects))
    counts = Outcome.objects.filter(project__in=projects).aggregate(
        recorded=Count("pk"),
        licences=Count("pk", filter=~Q(licence="") | ~Q(licence_contract="")),
        companies=Count("pk", filter=~Q(company_name="")),
        landed=Count("pk", filter=~Q(landing_base="")),
    )
    payback = Termination.objects.filter(project__in=projects).aggregate(s=Sum("payback"))["s"]
    return {
        "lines": lines,
        "totals": totals,
        "projects": sum(by_state.values()),
        "by_state": by_state,
        "by_stage": by_stage,
        "outcomes": counts,
        "landed": _landed(outcomes),
        "payback": payback or ZERO,
    }
