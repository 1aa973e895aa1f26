"""Scoped reads of match cases.

The listing's institution's office and the case's manager see a case whole; the enterprise's
users see their own cases without the internal fields (see :data:`INTERNAL_FIELDS`); anyone
else gets 404.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from datong.accounts.models import User
from datong.core.audit import history_for
from datong.core.models import AuditEntry
from datong.core.permissions import ScopeRule, scope_for, visible_to, works_in_an_office
from datong.market.services import MANAGER_ROLES

from . import services
from .models import OPEN_STAGES, PATH, CaseStage, CaseStageTime, MatchCase, wait_days

#: The enterprise's users see the cases their enterprise opened.
ENTERPRISE_RULE = ScopeRule(institution="enterprise")

#: Fields only the office and the manager read. The stage notes, the audit history and
#: whether a case waits too long are internal as well; the enterprise sees none of them.
INTERNAL_FIELDS = ("closing_note",)

#: Pseudo-stages of the stage filter.
OPEN, ENDED = "open", "ended"


def _base() -> QuerySet[MatchCase]:
    return MatchCase.objects.select_related(
        "listing", "institution", "enterprise", "manager", "requester", "demand"
    )


def visible_cases(*, actor) -> QuerySet[MatchCase]:
    """Every case the actor may see."""
    qs = _base()
    return visible_to(actor, qs) | visible_to(actor, qs, ENTERPRISE_RULE)


def office_cases(*, actor) -> QuerySet[MatchCase]:
    """The cases the actor runs: their offices' cases and the cases they manage."""
    return visible_to(actor, _base())


def overdue_condition(now: dt.datetime | None = None) -> Q:
    """Open cases that have waited longer than their stage allows (whole days, as
    :attr:`MatchCase.is_overdue` counts them)."""
    now = now or timezone.now()
    condition = Q(pk__in=[])
    for stage, days in wait_days().items():
        cutoff = now - dt.timedelta(days=days + 1)
        condition |= Q(stage=stage, stage_entered_at__lte=cutoff)
    return condition


def _search(qs: QuerySet, q: str) -> QuerySet:
    for term in q.split():
        qs = qs.filter(
            Q(listing__title__icontains=term)
            | Q(enterprise__name__icontains=term)
            | Q(enterprise__name_en__icontains=term)
            | Q(institution__name__icontains=term)
            | Q(manager__name__icontains=term)
            | Q(deal_reference__icontains=term)
            | Q(message__icontains=term)
        )
    return qs


def case_list(
    *, actor, stage: str = "", manager: str = "", overdue: bool = False, q: str = ""
) -> QuerySet[MatchCase]:
    """The actor's visible cases, filtered: ``stage`` is a stage, ``open`` or ``ended``;
    ``manager`` a user id, ``me`` or ``none`` (no manager)."""
    qs = visible_cases(actor=actor)
    if stage == OPEN:
        qs = qs.filter(stage__in=OPEN_STAGES)
    elif stage == ENDED:
        qs = qs.exclude(stage__in=OPEN_STAGES)
    elif stage in CaseStage.values:
        qs = qs.filter(stage=stage)
    if manager == "me":
        qs = qs.filter(manager_id=scope_for(actor).user_id)
    elif manager == "none":
        qs = qs.filter(manager__isnull=True)
    elif str(manager).isdigit():
        qs = qs.filter(manager_id=int(manager))
    if overdue:  # internal: only among the cases the actor runs
        qs = qs.filter(overdue_condition(), pk__in=office_cases(actor=actor).values("pk"))
    q = (q or "").strip()
    if q:
        qs = _search(qs, q)
    return qs.order_by("-created_at", "-pk")


def case_get(*, actor, pk) -> MatchCase:
    try:
        return visible_cases(actor=actor).get(pk=pk)
    except (MatchCase.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc


def is_office_view(actor, case: MatchCase) -> bool:
    """Whether the actor sees the case's internal fields (the office and the manager)."""
    return services.can_act(actor, case)


def case_history(*, actor, case: MatchCase) -> QuerySet[AuditEntry] | list:
    """The case's audit history: internal, so only for the office and the manager."""
    if not is_office_view(actor, case):
        return []
    return history_for(case)


# --- stage times -----------------------------------------------------------------------------


def stage_days(case: MatchCase) -> dict[str, int]:
    """Whole days the case spent in each stage it passed through (its stays summed)."""
    totals: dict[str, dt.timedelta] = defaultdict(dt.timedelta)
    for row in case.stage_times.all():
        totals[row.stage] += row.duration
    return {stage: max(0, total.days) for stage, total in totals.items()}


def progress(case: MatchCase) -> list[dict]:
    """One step per stage of the forward path: its label, whether the case passed, is in or
    skipped it, and the days it spent there."""
    rows = {row.stage: row for row in case.stage_times.all()}
    days = stage_days(case)
    reached = case.step if case.stage in PATH else _last_open_step(case)
    labels = dict(CaseStage.choices)
    steps = []
    for index, stage in enumerate(PATH, start=1):
        if stage == case.stage and case.is_open:
            state = "current"
        elif index <= reached and stage in rows:
            state = "done"
        elif index < reached:
            state = "skipped"
        else:
            state = "todo"
        steps.append(
            {
                "stage": stage,
                "label": labels[stage],
                "state": state,
                "days": days.get(stage),
                "entered_at": rows[stage].entered_at if stage in rows else None,
                "overdue": state == "current" and case.is_overdue,
            }
        )
    return steps


def _last_open_step(case: MatchCase) -> int:
    """For a closed case: the step of the last open stage it reached."""
    open_rows = [r.stage for r in case.stage_times.all() if r.stage in OPEN_STAGES]
    return max((PATH.index(s) + 1 for s in open_rows), default=0)


def stage_averages(cases: QuerySet[MatchCase]) -> list[tuple[str, str, float | None, int]]:
    """(stage, label, average days, stays) over the finished stays of ``cases`` in each open
    stage: how long cases take where."""
    rows = CaseStageTime.objects.filter(
        case__in=cases.values("pk"), stage__in=OPEN_STAGES, left_at__isnull=False
    ).values_list("stage", "entered_at", "left_at")
    sums: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for stage, entered, left in rows:
        sums[stage] += (left - entered).total_seconds() / 86400
        counts[stage] += 1
    labels = dict(CaseStage.choices)
    return [
        (s, labels[s], round(sums[s] / counts[s], 1) if counts[s] else None, counts[s])
        for s in OPEN_STAGES
    ]


# --- the manager's board -----------------------------------------------------------------------


def can_see_board(actor) -> bool:
    scope = scope_for(actor)
    if works_in_an_office(actor):
        return True
    return scope.user_id is not None and MatchCase.objects.filter(manager_id=scope.user_id).exists()


def board_managers(*, actor) -> QuerySet[User]:
    """The managers whose board the actor may open: every technology manager and office staff
    member of the institutions where the actor works in the office."""
    scope = scope_for(actor)
    qs = User.objects.filter(memberships__role__in=MANAGER_ROLES)
    if not scope.is_superuser:
        qs = qs.filter(memberships__institution_id__in=sorted(scope.staff_institution_ids))
    return qs.distinct().order_by("name", "pk")


def board(*, actor, manager: User | None) -> dict:
    """The open cases of ``manager`` (all the actor's open cases when ``None``), one column
    per open stage, longest waiting first."""
    mine = office_cases(actor=actor)
    if manager is not None:
        mine = mine.filter(manager=manager)
    qs = mine.filter(stage__in=OPEN_STAGES).order_by("stage_entered_at", "pk")
    limits = wait_days()
    labels = dict(CaseStage.choices)
    columns = {stage: [] for stage in OPEN_STAGES}
    for case in qs:
        columns[case.stage].append(case)
    result = []
    for stage in OPEN_STAGES:
        cards = columns[stage]
        result.append(
            {
                "stage": stage,
                "label": labels[stage],
                "cases": cards,
                "count": len(cards),
                "overdue": sum(1 for c in cards if c.is_overdue),
                "limit": limits[stage],
            }
        )
    return {
        "columns": result,
        "total": sum(c["count"] for c in result),
        "overdue": sum(c["overdue"] for c in result),
        "averages": stage_averages(mine),
    }


# --- counts ----------------------------------------------------------------------------------


def open_count(*, actor) -> int:
    return visible_cases(actor=actor).filter(stage__in=OPEN_STAGES).count()


def overdue_count(*, actor) -> int:
    return office_cases(actor=actor).filter(overdue_condition()).count()


def stage_counts(qs: QuerySet[MatchCase]) -> dict[str, int]:
    return dict(qs.order_by().values_list("stage").annotate(n=Count("pk")))


def open_case_for(*, actor, listing) -> MatchCase | None:
    """The open case of one of the actor's enterprises on ``listing``, if any."""
    return (
        visible_cases(actor=actor)
        .filter(
            listing=listing,
            enterprise__in=services.interest_enterprises(actor),
            stage__in=OPEN_STAGES,
        )
        .first()
    )
