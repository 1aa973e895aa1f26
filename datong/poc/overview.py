"""A programme's figures for the programme view (计划概况): applications per status and per call,
the funnel and the acceptance rate, money per funding line, projects per stage and state,
outcomes and conversions, and where the projects landed.

Definitions (also shown on the page):

* an application counts once it is handed in (drafts are the applicant's and never counted);
* it *reached* a step (admitted, reviewed, awarded) when its timeline records the step or its
  status lies beyond it;
* *decided*: awarded (even if the award was renounced later), on the reserve list, or rejected
  (at admission or after the review); the *acceptance rate* is awarded ÷ decided;
* money per funding line comes from :func:`datong.poc.projects.figures.programme_figures`;
* conversions are counted from the projects' outcome records (a licence or transfer, a spin-off
  company), as the deals and companies modules do not exist yet.

Who reads them: the office running the programme, and for an alliance programme the alliance
secretariat's administrators and observers (aggregates only: no project is named to them).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from datong.core.permissions import scope_for, visible_to
from datong.institutions.regions import province_name

from .models import Application, Call, CallStatus, FundingRequest, FundKind, Programme, Stage
from .models import ApplicationStatus as S
from .projects.figures import programme_figures
from .projects.models import Outcome, Project, ProjectState

ZERO = Decimal("0")
HUNDRED = Decimal("100")
#: Statuses that lie beyond a step of the funnel (an application there has passed the step).
BEYOND = {
    S.ADMITTED: {S.ADMITTED, S.UNDER_REVIEW, S.PROVISIONAL, S.AWARDED, S.RESERVE},
    S.UNDER_REVIEW: {S.UNDER_REVIEW, S.PROVISIONAL, S.AWARDED, S.RESERVE},
    S.AWARDED: {S.AWARDED},
}
#: The columns of the per-call table: key → the statuses counted.
CALL_COLUMNS = (
    ("reserve", {S.RESERVE}),
    ("rejected", {S.REJECTED}),
    ("withdrawn", {S.WITHDRAWN, S.RENOUNCED}),
    ("in_progress", {S.SUBMITTED, S.CORRECTION, S.ADMITTED, S.UNDER_REVIEW, S.PROVISIONAL}),
)


# --- who may read them -----------------------------------------------------------------------


def is_office(user, programme: Programme) -> bool:
    """The transfer office of the institution running the programme (or a site admin)."""
    return scope_for(user).is_staff_of(programme.owner_id)


def can_view(user, programme: Programme) -> bool:
    """The office, or for an alliance programme its secretariat's administrators and observers."""
    if is_office(user, programme):
        return True
    alliance = programme.alliance_id if programme.kind == FundKind.ALLIANCE else None
    return bool(alliance) and scope_for(user).can_view_alliance(alliance)


def programme_for_overview(*, actor, code: str) -> Programme:
    """The programme whose figures ``actor`` may read: 403 when they may see the programme but
    not its figures, 404 when they may not see it at all."""
    programme = (
        Programme.objects.select_related("owner", "alliance").filter(code=str(code)[:64]).first()
    )
    if programme is None:
        raise Http404(_("Not found."))
    if can_view(actor, programme):
        return programme
    if visible_to(actor, Programme.objects.filter(pk=programme.pk)).exists():
        raise PermissionDenied(
            _(
                "Only the office running this programme (and, for an alliance programme, the "
                "alliance's secretariat) may see its figures."
            )
        )
    raise Http404(_("Not found."))


# --- applications ----------------------------------------------------------------------------


def _handed_in(qs: QuerySet[Application]) -> QuerySet[Application]:
    return qs.exclude(status=S.DRAFT)


def _reached(qs: QuerySet[Application], step: str) -> int:
    condition = Q(status__in=sorted(BEYOND[step])) | Q(events__status_to=step)
    return qs.filter(condition).values("pk").distinct().count()


def rate(part: int, whole: int) -> Decimal | None:
    """``part`` as a percentage of ``whole``, one decimal; None when nothing is decided."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"))


def _funnel(qs: QuerySet[Application]) -> dict:
    handed_in = qs.count()
    admitted = _reached(qs, S.ADMITTED)
    reviewed = _reached(qs, S.UNDER_REVIEW)
    awarded = _reached(qs, S.AWARDED)
    decided = awarded + qs.filter(status__in=[S.RESERVE, S.REJECTED]).count()
    return {
        "handed_in": handed_in,
        "admitted": admitted,
        "reviewed": reviewed,
        "awarded": awarded,
        "decided": decided,
        "rate": rate(awarded, decided),
    }


def application_figures(programme: Programme) -> dict:
    """Counts per status, the funnel (handed in → admitted → reviewed → awarded) and the rate."""
    qs = _handed_in(Application.objects.filter(call__programme=programme))
    counts = dict(qs.values_list("status").annotate(n=Count("pk")))
    by_status = [
        {"code": code, "label": str(label), "count": counts.get(code, 0)}
        for code, label in S.choices
        if code != S.DRAFT
    ]
    funnel = _funnel(qs)
    steps = [
        ("handed_in", _("Handed in")),
        ("admitted", _("Admitted")),
        ("reviewed", _("Reviewed")),
        ("awarded", _("Awarded")),
    ]
    return {
        **funnel,
        "by_status": by_status,
        "steps": [{"code": key, "label": str(label), "count": funnel[key]} for key, label in steps],
    }


def _money_by_call(programme: Programme, field: str, statuses) -> dict[int, Decimal]:
    rows = (
        FundingRequest.objects.filter(
            application__call__programme=programme, application__status__in=statuses
        )
        .values("application__call_id")
        .annotate(total=Sum(field))
    )
    return {row["application__call_id"]: row["total"] or ZERO for row in rows}


def call_rows(programme: Programme) -> list[dict]:
    """One row per call (oldest first): budget, the funnel, the outcomes, the money."""
    handed_in_statuses = [s for s in S.values if s != S.DRAFT]
    requested = _money_by_call(programme, "amount", handed_in_statuses)
    committed = _money_by_call(programme, "awarded", [S.AWARDED])
    rows = []
    calls = Call.objects.filter(programme=programme).order_by("opens_on", "pk")
    for call in calls:
        qs = _handed_in(Application.objects.filter(call=call))
        if call.status == CallStatus.DRAFT and not qs.exists():
            continue
        counts = Counter(dict(qs.values_list("status").annotate(n=Count("pk"))))
        row = {"call": call, "name": call.display_name, "status": call.status}
        row.update(_funnel(qs))
        for key, statuses in CALL_COLUMNS:
            row[key] = sum(counts[s] for s in statuses)
        row["budget"] = call.budget
        row["requested"] = requested.get(call.pk, ZERO)
        row["committed"] = committed.get(call.pk, ZERO)
        rows.append(row)
    return rows


# --- money, projects, outcomes ---------------------------------------------------------------


def money_figures(programme: Programme, figures: dict) -> dict:
    """The funding lines' money (see ``programme_figures``) with each line's cap left
    uncommitted, and the programme's budget against what is committed."""
    lines = []
    for row in figures["lines"]:
        line = row["line"]
        cap = line.total_cap
        lines.append(
            {
                **{k: v for k, v in row.items() if k != "line"},
                "per_project_cap": line.per_project_cap,
                "total_cap": cap,
                "uncommitted": cap - row["committed"] if cap is not None else None,
            }
        )
    totals = figures["totals"]
    call_budget = programme.calls.aggregate(total=Sum("budget"))["total"] or ZERO
    return {
        "lines": lines,
        "totals": totals,
        "budget": programme.total_budget,
        "call_budget": call_budget,
        "uncommitted": programme.total_budget - totals["committed"],
        "committed_share": rate_of_money(totals["committed"], programme.total_budget),
        "payback": figures["payback"],
    }


def rate_of_money(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * HUNDRED / whole).quantize(Decimal("0.1"))


def _stage_state_counts(programme: Programme) -> Counter:
    rows = (
        Project.objects.filter(programme=programme)
        .values("stage", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Counter({(row["stage"], row["state"]): row["n"] for row in rows})


def project_figures(programme: Programme, figures: dict) -> dict:
    """Projects per stage (with their states) and per state, labelled."""
    pairs = _stage_state_counts(programme)
    states = [
        {"code": code, "label": str(label), "count": figures["by_state"].get(code, 0)}
        for code, label in ProjectState.choices
    ]
    stages = [
        {
            "code": code,
            "label": str(label),
            "count": figures["by_stage"].get(code, 0),
            "states": [pairs[(code, state)] for state in ProjectState.values],
        }
        for code, label in Stage.choices
    ]
    return {"total": figures["projects"], "by_stage": stages, "by_state": states}


def outcome_figures(figures: dict) -> list[dict]:
    """Outcome records and the conversions counted from them."""
    counts = figures["outcomes"]
    labels = (
        ("recorded", _("Outcomes recorded")),
        ("licences", _("Licences and transfers")),
        ("companies", _("Spin-off companies")),
        ("landed", _("Landed at a base or park")),
    )
    return [{"code": key, "label": str(label), "count": counts[key]} for key, label in labels]


def landed_rows(figures: dict) -> list[dict]:
    """Projects landed per base (most first), the province named in the page's language."""
    language = get_language() or "zh-hans"
    return [
        {
            **row,
            "province_name": province_name(row["province"], language) if row["province"] else "",
        }
        for row in figures["landed"]
    ]


def landed_provinces(rows: list[dict]) -> list[dict]:
    counts: Counter = Counter()
    names = {}
    for row in rows:
        counts[row["province"]] += row["projects"]
        names[row["province"]] = row["province_name"] or _("Province not given")
    return [
        {"province": code, "province_name": names[code], "projects": n}
        for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def outcome_list(programme: Programme) -> list[Outcome]:
    """The outcome records, with their project, for the programme's office (names projects)."""
    return list(
        Outcome.objects.filter(project__programme=programme)
        .select_related("project__institution")
        .order_by("project__starts_on", "project__pk")
    )


# --- the whole view --------------------------------------------------------------------------


def overview(programme: Programme, *, detail: bool = False) -> dict:
    """Every block of the programme view; ``detail`` adds the list naming the projects (for
    the programme's office only)."""
    figures = programme_figures(programme)
    landed = landed_rows(figures)
    return {
        "applications": application_figures(programme),
        "calls": call_rows(programme),
        "money": money_figures(programme, figures),
        "projects": project_figures(programme, figures),
        "outcomes": outcome_figures(figures),
        "outcome_counts": figures["outcomes"],
        "landed": landed,
        "provinces": landed_provinces(landed),
        "outcome_list": outcome_list(programme) if detail else [],
    }


def _yuan(value) -> int:
    """Whole yuan for a chart (the tables show the exact amounts)."""
    return int((value or ZERO).quantize(Decimal("1")))


def chart_data(data: dict) -> dict:
    """What the charts draw, as plain JSON (money in whole yuan)."""
    money = data["money"]
    return {
        "funnel": [
            {"name": s["label"], "value": s["count"]} for s in data["applications"]["steps"]
        ],
        "money": {
            "lines": [row["name"] for row in money["lines"]],
            "series": {
                key: [_yuan(row[key]) for row in money["lines"]]
                for key in ("committed", "released", "spent", "remaining")
            },
        },
        "stages": {
            "names": [row["label"] for row in data["projects"]["by_stage"]],
            "states": [row["label"] for row in data["projects"]["by_state"]],
            "values": [row["states"] for row in data["projects"]["by_stage"]],
        },
        "outcomes": [{"name": row["label"], "value": row["count"]} for row in data["outcomes"]],
        "landed": [{"name": row["base"], "value": row["projects"]} for row in data["landed"]],
    }
