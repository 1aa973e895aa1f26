# No "from __future__ import annotations": django-ninja reads these annotations at runtime.
"""A programme's figures at ``GET /api/v1/poc/programmes/{code}/figures``: the same figures, the
same definitions and the same readers as the programme view (the office running the programme,
and for an alliance programme the alliance secretariat's administrators and observers; 403 for
others who may see the programme, 404 for the rest)."""

from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from . import overview

router = Router(tags=["programmes"])


class CountOut(Schema):
    code: str
    label: str
    count: int


class ApplicationFiguresOut(Schema):
    handed_in: int
    admitted: int
    reviewed: int
    awarded: int
    decided: int
    acceptance_rate: Decimal | None
    by_status: list[CountOut]


class CallFiguresOut(Schema):
    id: int
    name: str
    status: str
    budget: Decimal
    handed_in: int
    admitted: int
    reviewed: int
    awarded: int
    decided: int
    reserve: int
    rejected: int
    withdrawn: int
    in_progress: int
    acceptance_rate: Decimal | None
    requested: Decimal
    committed: Decimal


class LineFiguresOut(Schema):
    code: str
    name: str
    per_project_cap: Decimal
    total_cap: Decimal | None
    committed: Decimal
    awarded: Decimal
    released: Decimal
    spent: Decimal
    rejected: Decimal
    to_release: Decimal
    remaining: Decimal
    uncommitted: Decimal | None


class MoneyTotalsOut(Schema):
    committed: Decimal
    awarded: Decimal
    released: Decimal
    spent: Decimal
    rejected: Decimal
    to_release: Decimal
    remaining: Decimal


class StageOut(Schema):
    code: str
    label: str
    count: int
    by_state: dict[str, int]


class ProjectFiguresOut(Schema):
    total: int
    by_stage: list[StageOut]
    by_state: list[CountOut]


class LandedOut(Schema):
    base: str
    province: str
    province_name: str
    projects: int


class ProgrammeFiguresOut(Schema):
    code: str
    name: str
    total_budget: Decimal
    call_budget: Decimal
    uncommitted: Decimal
    payback: Decimal
    applications: ApplicationFiguresOut
    calls: list[CallFiguresOut]
    funding_lines: list[LineFiguresOut]
    totals: MoneyTotalsOut
    projects: ProjectFiguresOut
    outcomes: list[CountOut]
    landed: list[LandedOut]


def _call(row: dict) -> dict:
    keys = (
        "handed_in",
        "admitted",
        "reviewed",
        "awarded",
        "decided",
        "reserve",
        "rejected",
        "withdrawn",
        "in_progress",
        "budget",
        "requested",
        "committed",
    )
    return {
        "id": row["call"].pk,
        "name": row["name"],
        "status": row["status"],
        "acceptance_rate": row["rate"],
        **{key: row[key] for key in keys},
    }


def _stages(projects: dict) -> list[dict]:
    states = [row["code"] for row in projects["by_state"]]
    return [
        {
            "code": row["code"],
            "label": row["label"],
            "count": row["count"],
            "by_state": dict(zip(states, row["states"], strict=True)),
        }
        for row in projects["by_stage"]
    ]


def figures_payload(programme, data: dict) -> dict:
    apps, money, projects = data["applications"], data["money"], data["projects"]
    return {
        "code": programme.code,
        "name": programme.name,
        "total_budget": money["budget"],
        "call_budget": money["call_budget"],
        "uncommitted": money["uncommitted"],
        "payback": money["payback"],
        "applications": {**apps, "acceptance_rate": apps["rate"]},
        "calls": [_call(row) for row in data["calls"]],
        "funding_lines": money["lines"],
        "totals": money["totals"],
        "projects": {
            "total": projects["total"],
            "by_stage": _stages(projects),
            "by_state": projects["by_state"],
        },
        "outcomes": data["outcomes"],
        "landed": data["landed"],
    }


@router.get(
    "/poc/programmes/{code}/figures",
    response=ProgrammeFiguresOut,
    summary="A programme's figures: applications, money per funding line, projects, outcomes",
)
def programme_figures(request: HttpRequest, code: str):
    programme = overview.programme_for_overview(actor=request.user, code=code)
    return figures_payload(programme, overview.overview(programme))
