"""Scoped reads of the review. A reviewer reaches only their own assignments (with blind review,
without the applicant's name, team, institution or department); the programme owner's office
reaches the pool, the assignments, the ranking and the decision. Anyone else gets 404."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from datong.accounts.models import User
from datong.core.permissions import scope_for, visible_to
from datong.core.roles import Role
from datong.poc.models import Application, ApplicationStatus, Call, Programme

from . import limits
from .conflicts import ConflictIndex
from .models import (
    Assignment,
    AssignmentStatus,
    ConflictDeclaration,
    Decision,
    PoolMember,
)
from .ranking import call_ranking, rubric_of

S = ApplicationStatus


def _not_found() -> Http404:
    return Http404(_("Not found."))


# --- who sees what ---------------------------------------------------------------------------


def office_programmes(*, actor) -> QuerySet[Programme]:
    """Programmes the actor's offices run (every one for a site administrator)."""
    scope = scope_for(actor)
    qs = Programme.objects.select_related("owner")
    if scope.is_superuser:
        return qs
    return qs.filter(owner_id__in=sorted(scope.staff_institution_ids))


def sees_reviews(user) -> bool:
    """For the menu: reviewers with an assignment or a place in a pool, and programme offices."""
    scope = scope_for(user)
    if scope.user_id is None:
        return False
    if Assignment.objects.filter(reviewer_id=user.pk).exists():
        return True
    if PoolMember.objects.filter(user_id=user.pk, is_active=True).exists():
        return True
    return office_programmes(actor=user).exists()


def office_programme(*, actor, code: str) -> Programme:
    try:
        return office_programmes(actor=actor).get(code=code)
    except Programme.DoesNotExist as exc:
        raise _not_found() from exc


def office_call(*, actor, pk) -> Call:
    """A call of a programme the actor's office runs, or 404 (reviewers and applicants too)."""
    try:
        return Call.objects.select_related("programme__owner").get(
            pk=pk, programme__in=office_programmes(actor=actor)
        )
    except (Call.DoesNotExist, ValueError, TypeError) as exc:
        raise _not_found() from exc


def office_calls(*, actor) -> QuerySet[Call]:
    """The calls of the actor's programmes with their review figures, newest first."""
    return (
        Call.objects.filter(programme__in=office_programmes(actor=actor))
        .select_related("programme")
        .annotate(
            under_review=Count(
                "applications", filter=Q(applications__status=S.UNDER_REVIEW), distinct=True
            ),
            open_reviews=Count(
                "applications__review_assignments",
                filter=Q(applications__review_assignments__status=AssignmentStatus.OPEN),
                distinct=True,
            ),
        )
        .order_by("-opens_on", "-pk")
    )


def office_application(*, actor, call: Call, pk) -> Application:
    try:
        return Application.objects.select_related("result").get(pk=pk, call=call)
    except (Application.DoesNotExist, ValueError, TypeError) as exc:
        raise _not_found() from exc


def office_assignment(*, actor, pk) -> Assignment:
    qs = Assignment.objects.select_related("application__call__programme", "reviewer")
    try:
        return qs.get(pk=pk, application__call__programme__in=office_programmes(actor=actor))
    except (Assignment.DoesNotExist, ValueError, TypeError) as exc:
        raise _not_found() from exc


def office_any_application(*, actor, pk) -> Application:
    """An application to a programme the actor's office runs, or 404."""
    try:
        return Application.objects.select_related("call__programme").get(
            pk=pk, call__programme__in=office_programmes(actor=actor)
        )
    except (Application.DoesNotExist, ValueError, TypeError) as exc:
        raise _not_found() from exc


def office_expert(*, actor, user_id) -> User:
    """A person in the pool of a programme the actor's office runs, or 404."""
    try:
        return (
            User.objects.filter(review_pools__programme__in=office_programmes(actor=actor))
            .distinct()
            .get(pk=user_id)
        )
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise _not_found() from exc


def call_assignments(*, call: Call) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(application__call=call)
        .select_related("application", "reviewer")
        .order_by("application_id", "pk")
    )


def office_pool_member(*, actor, programme: Programme, pk) -> PoolMember:
    try:
        return PoolMember.objects.select_related("user").get(pk=pk, programme=programme)
    except (PoolMember.DoesNotExist, ValueError, TypeError) as exc:
        raise _not_found() from exc


def active_expert(*, programme: Programme, user_id) -> PoolMember:
    """An expert in the pool (for the office, which the caller checked), or a refusal."""
    member = (
        PoolMember.objects.filter(programme=programme, is_active=True, user_id=_int(user_id))
        .select_related("user")
        .first()
    )
    if member is None:
        raise ValidationError({"reviewer": _("Choose an expert of the pool.")})
    return member


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


# --- the pool --------------------------------------------------------------------------------


def pool(*, programme: Programme) -> QuerySet[PoolMember]:
    """The pool of a programme (the caller checked the office), with each expert's load."""
    return (
        PoolMember.objects.filter(programme=programme)
        .select_related("user")
        .annotate(
            open_count=Count(
                "user__review_assignments",
                filter=Q(
                    user__review_assignments__application__call__programme=programme,
                    user__review_assignments__status=AssignmentStatus.OPEN,
                ),
                distinct=True,
            ),
            done_count=Count(
                "user__review_assignments",
                filter=Q(
                    user__review_assignments__application__call__programme=programme,
                    user__review_assignments__status=AssignmentStatus.SUBMITTED,
                ),
                distinct=True,
            ),
        )
        .order_by("-is_active", "kind", "user__name", "pk")
    )


def pool_candidates(*, actor, programme: Programme, q: str = "") -> QuerySet[User]:
    """People the office may add: anyone it can see (its institutions' members) and anyone
    holding the reviewer role somewhere (external experts), not already in the pool."""
    visible = visible_to(actor, User.objects.all()).values("pk")
    qs = User.objects.filter(
        Q(pk__in=visible) | Q(memberships__role=Role.REVIEWER), is_active=True
    ).exclude(review_pools__programme=programme, review_pools__is_active=True)
    for term in (q or "").split():
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(name_en__icontains=term)
            | Q(username__icontains=term)
            | Q(email__icontains=term)
        )
    return qs.distinct().order_by("name", "username")


def pool_candidate_get(*, actor, programme: Programme, pk=None, username=None) -> User:
    lookup = {"pk": pk} if pk not in (None, "") else {"username": username}
    try:
        return pool_candidates(actor=actor, programme=programme).get(**lookup)
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise _not_found() from exc


def declared_conflicts(*, programme: Programme) -> QuerySet[ConflictDeclaration]:
    """Declarations of the pool's experts with this programme's applications or with an
    institution."""
    experts = PoolMember.objects.filter(programme=programme).values("user_id")
    return (
        ConflictDeclaration.objects.filter(reviewer_id__in=experts)
        .filter(Q(institution__isnull=False) | Q(application__call__programme=programme))
        .select_related("reviewer", "application", "institution")
    )


# --- the reviewer's side ---------------------------------------------------------------------


def my_assignments(*, actor) -> QuerySet[Assignment]:
    if scope_for(actor).user_id is None:
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(reviewer_id=actor.pk)
        .select_related("application__call__programme")
        .order_by("status", "application__call__review_by", "-created_at", "-pk")
    )


def my_assignment(*, actor, pk) -> Assignment:
    """One of the actor's own assignments; anyone else's is 404, office staff included (they
    use the console)."""
    try:
        return my_assignments(actor=actor).get(pk=pk)
    except (Assignment.DoesNotExist, ValueError, TypeError) as exc:
        raise _not_found() from exc


@dataclass
class Brief:
    """What a reviewer reads of an application. With blind review the names are ``None``."""

    blind: bool
    title: str
    stage: str
    summary: str
    academic_route: str
    market_route: str
    trl_now: int | None
    trl_target: int | None
    milestones: list
    needs: list
    requests: list
    team_roles: list[str]
    applicant: str | None = None
    institution: str | None = None
    department: str | None = None
    result: str | None = None
    team: list | None = None


def review_brief(assignment: Assignment) -> Brief:
    """The application as the reviewer may see it (the caller got ``assignment`` from
    :func:`my_assignment`)."""
    app = assignment.application
    programme = app.call.programme
    team = list(app.team.all())
    brief = Brief(
        blind=programme.blind_review,
        title=app.title,
        stage=app.get_stage_display(),
        summary=app.summary,
        academic_route=app.academic_route,
        market_route=app.market_route,
        trl_now=app.trl_now,
        trl_target=app.trl_target,
        milestones=list(app.planned_milestones.select_related("funding_line")),
        needs=list(app.verification_needs.all()),
        requests=list(app.requests.select_related("funding_line")),
        team_roles=[m.get_role_display() for m in team],
    )
    if not programme.blind_review:
        brief.applicant = app.applicant.get_full_name()
        brief.institution = app.institution.display_name
        brief.department = app.department.display_name if app.department_id else ""
        brief.result = f"{app.result.number} {app.result.title}"
        brief.team = team
    return brief


def weighted_total(assignment: Assignment) -> float | None:
    """The review's weighted total (0–100), once submitted."""
    if assignment.status != AssignmentStatus.SUBMITTED:
        return None
    rubric = rubric_of(assignment.application.call.programme)
    return rubric.total({s.criterion_id: s.value for s in assignment.scores.all()})


def score_sheet(assignment: Assignment) -> list[tuple]:
    """(criterion, score or None, comment) for each criterion of the rubric."""
    given = {s.criterion_id: s for s in assignment.scores.all()}
    return [
        (
            c,
            given[c.pk].value if c.pk in given else None,
            given[c.pk].comment if c.pk in given else "",
        )
        for c in assignment.application.call.programme.criteria.all()
    ]


# --- the office console ----------------------------------------------------------------------


@dataclass
class MatrixRow:
    application: Application
    cells: list  # per pool expert: Assignment, a list of conflicts, or None (free)
    active: int = 0
    submitted: int = 0


@dataclass
class Matrix:
    experts: list[PoolMember]
    rows: list[MatrixRow]
    load: Counter = field(default_factory=Counter)

    @property
    def totals(self) -> dict:
        return {
            "applications": len(self.rows),
            "assigned": sum(r.active for r in self.rows),
            "submitted": sum(r.submitted for r in self.rows),
            "uncovered": sum(1 for r in self.rows if not r.active),
        }


def assignment_matrix(*, call: Call) -> Matrix:
    """Applications under review (and those with assignments) against the pool's experts:
    each cell the assignment, the conflicts that forbid one, or nothing."""
    applications = list(
        Application.objects.filter(
            Q(status=S.UNDER_REVIEW) | Q(review_assignments__isnull=False), call=call
        )
        .select_related("result", "applicant", "institution")
        .distinct()
        .order_by("number", "pk")
    )
    experts = list(
        PoolMember.objects.filter(programme_id=call.programme_id, is_active=True)
        .select_related("user")
        .order_by("kind", "user__name", "pk")
    )
    assignments = {
        (a.application_id, a.reviewer_id): a
        for a in Assignment.objects.filter(application__call=call).select_related("reviewer")
    }
    index = ConflictIndex(applications, [e.user_id for e in experts])
    matrix = Matrix(experts=experts, rows=[])
    for app in applications:
        row = MatrixRow(app, [])
        for expert in experts:
            assignment = assignments.get((app.pk, expert.user_id))
            row.cells.append(assignment or index.reasons(expert.user_id, app) or None)
        for (app_id, _reviewer), a in assignments.items():
            if app_id == app.pk and a.status != AssignmentStatus.WITHDRAWN:
                row.active += 1
                row.submitted += a.status == AssignmentStatus.SUBMITTED
                matrix.load[a.reviewer_id] += 1
        matrix.rows.append(row)
    return matrix


@dataclass
class RankRow:
    rank: int | None
    application: Application
    raw: float | None
    normalised: float | None
    reviews: list  # (reviewer name, raw total, z)
    requests: dict[int, Decimal]

    @property
    def total_requested(self) -> Decimal:
        return sum(self.requests.values(), Decimal(0))


def ranking(*, call: Call) -> list[RankRow]:
    rows = call_ranking(call)
    applications = Application.objects.select_related("applicant").in_bulk(
        [r.application for r in rows]
    )
    reviewers = User.objects.in_bulk({rid for r in rows for rid, _t, _z in r.reviews})
    names = {pk: user.get_full_name() for pk, user in reviewers.items()}
    requests = limits.requests_of(applications)
    return [
        RankRow(
            rank=row.rank,
            application=applications[row.application],
            raw=row.raw,
            normalised=row.normalised,
            reviews=[(names.get(rid) or str(rid), total, z) for rid, total, z in row.reviews],
            requests=requests.get(row.application, {}),
        )
        for row in rows
    ]


@dataclass
class LineFigure:
    line: object
    selected: Decimal
    cap: Decimal | None

    @property
    def left(self) -> Decimal | None:
        return None if self.cap is None else self.cap - self.selected


@dataclass
class DecisionView:
    decision: Decision | None
    selected: list[RankRow]
    others: list[RankRow]
    budget: Decimal
    total: Decimal
    lines: list[LineFigure]
    changes: list
    overruns: list[str]
    rounded: list[Application]

    @property
    def left(self) -> Decimal:
        return self.budget - self.total


def decision_view(*, call: Call, rows: list[RankRow] | None = None) -> DecisionView:
    """The proposal (with the committee's changes) against the budget and the lines' caps."""
    rows = rows if rows is not None else ranking(call=call)
    decision = Decision.objects.filter(call=call).first()
    money = limits.limits_for(call)
    selected_ids = decision.selected_ids() if decision else []
    by_id = {r.application.pk: r for r in rows}
    selected = [by_id[pk] for pk in selected_ids if pk in by_id]
    selected.sort(key=lambda r: (r.rank is None, r.rank or 0))
    others = [r for r in rows if r.application.pk not in set(selected_ids)]
    per_line: dict[int, Decimal] = defaultdict(Decimal)
    for row in selected:
        for line_id, amount in row.requests.items():
            per_line[line_id] += amount
    return DecisionView(
        decision=decision,
        selected=selected,
        others=others,
        budget=money.budget,
        total=sum(per_line.values(), Decimal(0)),
        lines=[
            LineFigure(line, per_line[line.pk], money.caps.get(line.pk)) for line in money.lines
        ],
        changes=list(decision.changes.select_related("application", "actor")) if decision else [],
        overruns=money.overruns([r.requests for r in selected]),
        rounded=[
            r.application for r in rows if any(amount % 1000 for amount in r.requests.values())
        ],
    )


def progress(*, call: Call) -> dict:
    """Counts of the call's applications by status and of its reviews by status."""
    statuses = dict(
        Application.objects.filter(call=call)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    reviews = dict(
        Assignment.objects.filter(application__call=call)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    total_reviews = reviews.get(AssignmentStatus.OPEN, 0) + reviews.get(
        AssignmentStatus.SUBMITTED, 0
    )
    return {
        "statuses": statuses,
        "admitted": statuses.get(S.ADMITTED, 0),
        "under_review": statuses.get(S.UNDER_REVIEW, 0),
        "open": reviews.get(AssignmentStatus.OPEN, 0),
        "submitted": reviews.get(AssignmentStatus.SUBMITTED, 0),
        "withdrawn": reviews.get(AssignmentStatus.WITHDRAWN, 0),
        "percent": round(100 * reviews.get(AssignmentStatus.SUBMITTED, 0) / total_reviews)
        if total_reviews
        else 0,
    }
