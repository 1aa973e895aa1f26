"""Writes of the review and selection: the reviewer pool, declared conflicts, assignments (by
hand and automatically, never past a conflict of interest), scores, and the funding decision
from the optimiser's proposal to the final award. The programme owner's transfer office runs it
all; reviewers score and declare conflicts on their own assignments."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datong.accounts.models import User
from datong.core import audit
from datong.core.permissions import require, require_staff, scope_for
from datong.core.validation import length_errors
from datong.poc import workflow
from datong.poc.models import (
    Application,
    ApplicationStatus,
    Call,
    CallStatus,
    FundingRequest,
    Objection,
    Programme,
)
from datong.poc.workflow import can_move

from . import limits, selection
from .conflicts import ConflictIndex
from .models import (
    Assignment,
    AssignmentStatus,
    ChangeAction,
    ConflictDeclaration,
    Decision,
    DecisionChange,
    DecisionStatus,
    ExpertKind,
    PoolMember,
    Score,
)
from .ranking import call_ranking

S = ApplicationStatus
MAX_REVIEWERS = 10
MAX_RESERVE = 100


def _programme_office(actor, programme: Programme) -> None:
    require_staff(actor, programme.owner_id)


def _text(value) -> str:
    return (value or "").strip() if isinstance(value, str) or value is None else str(value)


# --- the reviewer pool -----------------------------------------------------------------------


def default_affiliation(user: User) -> str:
    first = user.memberships.select_related("institution").order_by("pk").first()
    return first.institution.display_name if first else ""


@transaction.atomic
def pool_add(
    *,
    actor,
    programme: Programme,
    user: User,
    kind: str,
    affiliation: str = "",
    expertise: str = "",
) -> PoolMember:
    """Put ``user`` in the programme's pool (again, if they were taken out)."""
    _programme_office(actor, programme)
    data = {
        "kind": kind,
        "affiliation": _text(affiliation) or default_affiliation(user),
        "expertise": _text(expertise),
    }
    errors = length_errors(PoolMember, data)
    if kind not in ExpertKind.values:
        errors["kind"] = _("Choose internal or external expert.")
    if not user.is_active:
        errors["user"] = _("This account is disabled.")
    member = PoolMember.objects.filter(programme=programme, user=user).first()
    if member is not None and member.is_active:
        errors["user"] = _("%(name)s is already in the pool.") % {"name": user.get_full_name()}
    if errors:
        raise ValidationError(errors)
    if member is None:
        member = PoolMember(programme=programme, user=user, added_by=actor)
    changes = audit.apply_changes(member, {**data, "is_active": True}, (*data, "is_active"))
    member.save()
    audit.record(actor=actor, action="poc_review.pool_add", obj=member, changes=changes)
    return member


@transaction.atomic
def pool_update(*, actor, member: PoolMember, data: dict) -> PoolMember:
    _programme_office(actor, member.programme)
    fields = ("kind", "affiliation", "expertise")
    cleaned = {k: _text(v) for k, v in data.items() if k in fields}
    errors = length_errors(PoolMember, cleaned)
    if "kind" in cleaned and cleaned["kind"] not in ExpertKind.values:
        errors["kind"] = _("Choose internal or external expert.")
    if errors:
        raise ValidationError(errors)
    changes = audit.apply_changes(member, cleaned, fields)
    if changes:
        member.save()
        audit.record(actor=actor, action="poc_review.pool_update", obj=member, changes=changes)
    return member


@transaction.atomic
def pool_remove(*, actor, member: PoolMember) -> PoolMember:
    """Take an expert out of the pool; their submitted reviews stay, open ones must go first."""
    _programme_office(actor, member.programme)
    open_count = Assignment.objects.filter(
        reviewer=member.user,
        application__call__programme=member.programme,
        status=AssignmentStatus.OPEN,
    ).count()
    if open_count:
        raise ValidationError(
            {
                "user": _(
                    "%(name)s still has %(count)d open review(s) in this programme: remove "
                    "those assignments first."
                )
                % {"name": member.user.get_full_name(), "count": open_count}
            }
        )
    if not member.is_active:
        raise ValidationError({"user": _("This expert is no longer in the pool.")})
    member.is_active = False
    member.save(update_fields=["is_active", "updated_at"])
    audit.record(
        actor=actor,
        action="poc_review.pool_remove",
        obj=member,
        changes={"is_active": [True, False]},
    )
    return member


# --- declared conflicts ----------------------------------------------------------------------


def _may_record_conflict(actor, reviewer: User, application, institution) -> bool:
    """The reviewer themself, or the office of a programme whose pool holds them (of the
    application's programme, for a conflict with an application)."""
    if actor.pk == reviewer.pk:
        return True
    scope = scope_for(actor)
    if application is not None:
        return scope.is_staff_of(application.call.programme.owner_id)
    owners = PoolMember.objects.filter(user=reviewer).values_list("programme__owner_id", flat=True)
    return scope.is_superuser or any(scope.is_staff_of(owner) for owner in owners)


@transaction.atomic
def conflict_declare(
    *, actor, reviewer: User, reason: str, application=None, institution=None
) -> ConflictDeclaration:
    """Record a conflict of ``reviewer`` with an application or with an institution. Open
    assignments it touches are withdrawn; no later assignment can cross it."""
    require(
        getattr(actor, "is_authenticated", False)
        and _may_record_conflict(actor, reviewer, application, institution)
    )
    reason = _text(reason)
    errors = {}
    if not reason:
        errors["reason"] = _("Say what the conflict is.")
    if (application is None) == (institution is None):
        errors["application"] = _("Name either an application or an institution.")
    if errors:
        raise ValidationError(errors)
    declaration = ConflictDeclaration.objects.create(
        reviewer=reviewer,
        application=application,
        institution=institution,
        reason=reason,
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        action="poc_review.conflict_declare",
        obj=declaration,
        changes=audit.snapshot(declaration, ("reviewer", "application", "institution", "reason")),
    )
    touched = Assignment.objects.filter(reviewer=reviewer, status=AssignmentStatus.OPEN)
    touched = (
        touched.filter(application=application)
        if application is not None
        else touched.filter(application__institution=institution)
    )
    for assignment in touched.select_related("application__call__programme"):
        _withdraw(actor, assignment, reason)
    return declaration


def _withdraw(actor, assignment: Assignment, reason: str) -> None:
    assignment.status = AssignmentStatus.WITHDRAWN
    assignment.withdrawn_reason = reason
    assignment.save(update_fields=["status", "withdrawn_reason", "updated_at"])
    audit.record(
        actor=actor,
        action="poc_review.unassign",
        obj=assignment,
        changes={"status": [AssignmentStatus.OPEN, AssignmentStatus.WITHDRAWN]},
        message=reason,
    )


@transaction.atomic
def assignment_decline(*, actor, assignment: Assignment, reason: str) -> Assignment:
    """The reviewer declares a conflict with the application: the assignment is withdrawn."""
    require(actor.pk == assignment.reviewer_id, _("Only the reviewer may decline this review."))
    if assignment.status != AssignmentStatus.OPEN:
        raise ValidationError({"status": _("Only an open review can be declined.")})
    conflict_declare(actor=actor, reviewer=actor, reason=reason, application=assignment.application)
    assignment.refresh_from_db()
    return assignment


# --- assignments -----------------------------------------------------------------------------


def _check_assignable(application: Application, reviewer: User, index: ConflictIndex) -> None:
    errors = []
    programme = application.call.programme
    if application.status != S.UNDER_REVIEW:
        raise ValidationError(
            {"application": _("Only an application under review can be assigned reviewers.")}
        )
    if not PoolMember.objects.filter(programme=programme, user=reviewer, is_active=True).exists():
        errors.append(
            _("%(name)s is not in the programme's reviewer pool.")
            % {"name": reviewer.get_full_name()}
        )
    if Assignment.objects.filter(application=application, reviewer=reviewer).exists():
        errors.append(
            _("%(name)s is already assigned to this application.")
            % {"name": reviewer.get_full_name()}
        )
    errors += [
        _("Conflict of interest: %(reason)s") % {"reason": reason}
        for reason in index.reasons(reviewer.pk, application)
    ]
    if errors:
        raise ValidationError({"reviewer": errors})


def _create_assignment(actor, application: Application, reviewer: User) -> Assignment:
    assignment = Assignment.objects.create(
        application=application, reviewer=reviewer, assigned_by=actor
    )
    audit.record(
        actor=actor,
        action="poc_review.assign",
        obj=assignment,
        changes=audit.snapshot(assignment, ("reviewer", "application")),
    )
    return assignment


@transaction.atomic
def assignment_create(*, actor, application: Application, reviewer: User) -> Assignment:
    """Assign ``reviewer`` to ``application``; refused, naming the conflict, when there is one."""
    _programme_office(actor, application.call.programme)
    _check_assignable(application, reviewer, ConflictIndex([application], [reviewer.pk]))
    return _create_assignment(actor, application, reviewer)


@transaction.atomic
def assignment_remove(*, actor, assignment: Assignment) -> None:
    """Remove an assignment nobody has scored yet."""
    _programme_office(actor, assignment.application.call.programme)
    if assignment.status == AssignmentStatus.SUBMITTED:
        raise ValidationError({"status": _("A submitted review cannot be removed.")})
    audit.record(
        actor=actor,
        action="poc_review.unassign",
        obj=assignment,
        changes={"reviewer": [str(assignment.reviewer), None]},
    )
    assignment.delete()


@dataclass
class Uncovered:
    application: Application
    missing: int
    eligible: int
    conflicted: int


@dataclass
class AutoAssignReport:
    created: list[Assignment] = field(default_factory=list)
    uncovered: list[Uncovered] = field(default_factory=list)


def _active_counts(call: Call) -> tuple[Counter, Counter, set]:
    per_application, per_reviewer, pairs = Counter(), Counter(), set()
    for app_id, reviewer_id, status in Assignment.objects.filter(
        application__call=call
    ).values_list("application_id", "reviewer_id", "status"):
        pairs.add((app_id, reviewer_id))
        if status != AssignmentStatus.WITHDRAWN:
            per_application[app_id] += 1
            per_reviewer[reviewer_id] += 1
    return per_application, per_reviewer, pairs


@transaction.atomic
def auto_assign(*, actor, call: Call, per_application: int) -> AutoAssignReport:
    """Give each application under review ``per_application`` reviewers from the pool: the
    least loaded reviewers without a conflict, the applications with the fewest possible
    reviewers first. Reports the applications that could not be covered."""
    programme = call.programme
    _programme_office(actor, programme)
    if not 1 <= per_application <= MAX_REVIEWERS:
        raise ValidationError(
            {
                "per_application": _("Give a number of reviewers from 1 to %(max)d.")
                % {"max": MAX_REVIEWERS}
            }
        )
    applications = list(
        Application.objects.filter(call=call, status=S.UNDER_REVIEW).select_related("result")
    )
    pool = list(
        User.objects.filter(
            review_pools__programme=programme, review_pools__is_active=True, is_active=True
        ).order_by("pk")
    )
    if not applications:
        raise ValidationError({"call": _("No application of this call is under review.")})
    if not pool:
        raise ValidationError({"call": _("The reviewer pool is empty.")})
    index = ConflictIndex(applications, [u.pk for u in pool])
    per_app, load, pairs = _active_counts(call)
    options = {}
    conflicted = {}
    for app in applications:
        free = [u for u in pool if (app.pk, u.pk) not in pairs]
        clean = [u for u in free if not index.reasons(u.pk, app)]
        options[app.pk], conflicted[app.pk] = clean, len(free) - len(clean)
    report = AutoAssignReport()
    for app in sorted(applications, key=lambda a: (len(options[a.pk]), a.pk)):
        need = max(0, per_application - per_app[app.pk])
        chosen = sorted(options[app.pk], key=lambda u: (load[u.pk], u.pk))[:need]
        for reviewer in chosen:
            report.created.append(_create_assignment(actor, app, reviewer))
            load[reviewer.pk] += 1
        if len(chosen) < need:
            report.uncovered.append(
                Uncovered(app, need - len(chosen), len(options[app.pk]), conflicted[app.pk])
            )
    audit.record(
        actor=actor,
        action="poc_review.auto_assign",
        obj=call,
        changes={"per_application": [None, per_application]},
        message=_("%(created)d assigned, %(uncovered)d not fully covered")
        % {"created": len(report.created), "uncovered": len(report.uncovered)},
    )
    return report


# --- scoring ---------------------------------------------------------------------------------


def _clean_score(raw, top: int, label: str, errors: dict, key: str) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        errors[key] = _("%(criterion)s: give a number.") % {"criterion": label}
        return None
    if not value.is_finite() or value != value.quantize(Decimal("0.1"), ROUND_HALF_UP):
        errors[key] = _("%(criterion)s: at most one decimal place.") % {"criterion": label}
    elif not 0 <= value <= top:
        errors[key] = _("%(criterion)s: give a score from 0 to %(top)d.") % {
            "criterion": label,
            "top": top,
        }
    else:
        return value.quantize(Decimal("0.1"))
    return None


@transaction.atomic
def scores_save(
    *,
    actor,
    assignment: Assignment,
    scores: dict,
    overall_comment: str = "",
    submit: bool = False,
) -> Assignment:
    """Save the reviewer's scores (``{criterion id: {"score": …, "comment": …}}``) and overall
    comment; with ``submit`` every criterion must be scored, and the review is then frozen."""
    require(actor.pk == assignment.reviewer_id, _("Only the assigned reviewer may score."))
    if assignment.is_frozen:
        raise ValidationError(
            {"status": _("This review was submitted or withdrawn: its scores are frozen.")}
        )
    if assignment.application.status != S.UNDER_REVIEW:
        raise ValidationError({"status": _("The application is no longer under review.")})
    criteria = list(assignment.application.call.programme.criteria.all())
    errors: dict[str, str] = {}
    cleaned = {}
    for criterion in criteria:
        given = scores.get(criterion.pk) or scores.get(str(criterion.pk)) or {}
        key = f"score_{criterion.pk}"
        value = _clean_score(given.get("score"), criterion.max_score, criterion.name, errors, key)
        comment = _text(given.get("comment"))
        if submit and value is None and key not in errors:
            errors[key] = _("%(criterion)s: give a score.") % {"criterion": criterion.name}
        cleaned[criterion] = (value, comment)
    overall_comment = _text(overall_comment)
    if submit and not overall_comment:
        errors["overall_comment"] = _("Write an overall comment before submitting.")
    if errors:
        raise ValidationError(errors)
    for criterion, (value, comment) in cleaned.items():
        if value is None:
            Score.objects.filter(assignment=assignment, criterion=criterion).delete()
        else:
            Score.objects.update_or_create(
                assignment=assignment,
                criterion=criterion,
                defaults={"value": value, "comment": comment},
            )
    changes = audit.apply_changes(
        assignment, {"overall_comment": overall_comment}, ("overall_comment",)
    )
    changes["scores"] = [None, {c.name: str(v) for c, (v, _c) in cleaned.items() if v is not None}]
    action = "poc_review.scores_save"
    if submit:
        assignment.status = AssignmentStatus.SUBMITTED
        assignment.submitted_at = timezone.now()
        changes["status"] = [AssignmentStatus.OPEN, AssignmentStatus.SUBMITTED]
        action = "poc_review.scores_submit"
    assignment.save()
    audit.record(actor=actor, action=action, obj=assignment, changes=changes)
    return assignment


# --- the funding decision --------------------------------------------------------------------


def _decision(call: Call) -> Decision | None:
    return Decision.objects.filter(call=call).first()


def _office_decision(actor, call: Call, *, status: str | None = DecisionStatus.DRAFT) -> Decision:
    _programme_office(actor, call.programme)
    decision = _decision(call)
    if decision is None:
        raise ValidationError({"decision": _("Compute the proposal first.")})
    if status is not None and decision.status != status:
        raise ValidationError(
            {"decision": _("The provisional list is already published: the list is fixed.")}
        )
    return decision


@dataclass
class Proposal:
    decision: Decision
    #: Applications whose requests are not whole thousands of yuan (rounded up to optimise).
    rounded: list[int]
    #: Applications under review left out because no review was submitted.
    unscored: list[int]


def _units(requests: dict[int, Decimal]) -> tuple[dict[str, int], bool]:
    units, rounded = {}, False
    for line_id, amount in requests.items():
        units[str(line_id)], was_rounded = selection.request_units(amount)
        rounded = rounded or was_rounded
    return units, rounded


@transaction.atomic
def decision_propose(*, actor, call: Call) -> Proposal:
    """Run the optimiser over the call's applications under review that have a submitted
    review; keep the committee's earlier changes (they apply on top of the new proposal)."""
    _programme_office(actor, call.programme)
    decision = _decision(call)
    if decision is not None and decision.status != DecisionStatus.DRAFT:
        raise ValidationError(
            {"decision": _("The provisional list is already published: the list is fixed.")}
        )
    under_review = list(
        Application.objects.filter(call=call, status=S.UNDER_REVIEW).values_list("pk", flat=True)
    )
    ranking = call_ranking(call, under_review)
    scored = [row for row in ranking if row.reviews]
    requests = limits.requests_of(row.application for row in scored)
    money = limits.limits_for(call)
    candidates, rounded = [], []
    for row in scored:
        units, was_rounded = _units(requests[row.application])
        candidates.append(selection.Candidate(row.application, row.normalised, units))
        if was_rounded:
            rounded.append(row.application)
    caps = {
        str(line_id): None if cap is None else selection.capacity_units(cap)
        for line_id, cap in money.caps.items()
    }
    result = selection.select(candidates, budget=selection.capacity_units(money.budget), caps=caps)
    chosen = set(result.ids)
    before = list(decision.proposal) if decision else []
    decision = decision or Decision(call=call)
    decision.proposal = [row.application for row in scored if row.application in chosen]
    decision.objective = result.objective
    decision.proposed_at = timezone.now()
    decision.proposed_by = actor
    decision.save()
    audit.record(
        actor=actor,
        action="poc_review.propose",
        obj=decision,
        changes={"proposal": [before, decision.proposal]},
    )
    return Proposal(decision, rounded, [row.application for row in ranking if not row.reviews])


@transaction.atomic
def decision_change(
    *, actor, call: Call, application: Application, action: str, reason: str
) -> DecisionChange:
    """The committee adds an application to the list or removes one, with its reason; an
    addition that breaks the budget or a line's cap is refused, naming the overrun."""
    decision = _office_decision(actor, call)
    reason = _text(reason)
    errors = {}
    if not reason:
        errors["reason"] = _("Record the committee's reason.")
    if action not in (ChangeAction.ADD, ChangeAction.REMOVE):
        errors["action"] = _("Choose to add or to remove.")
    if application.call_id != call.pk:
        errors["application"] = _("This application belongs to another call.")
    if errors:
        raise ValidationError(errors)
    selected = decision.selected_ids()
    if action == ChangeAction.ADD:
        if application.pk in selected:
            raise ValidationError({"application": _("The application is already on the list.")})
        if application.status != S.UNDER_REVIEW:
            raise ValidationError(
                {"application": _("Only an application under review can be added.")}
            )
        over = _overruns(call, [*selected, application.pk])
        if over:
            raise ValidationError({"application": over})
    elif application.pk not in selected:
        raise ValidationError({"application": _("The application is not on the list.")})
    change = DecisionChange.objects.create(
        decision=decision,
        application=application,
        action=action,
        reason=reason,
        actor=actor,
        at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action="poc_review.change",
        obj=decision,
        changes={"selected": [selected, decision.selected_ids()]},
        message=f"{change.get_action_display()}: {application.title} — {reason}",
    )
    return change


def _overruns(call: Call, application_ids) -> list[str]:
    requests = limits.requests_of(application_ids)
    return limits.limits_for(call).overruns(requests[pk] for pk in application_ids)


def _notice(application: Application, today: dt.date) -> None:
    application.notice_published_on = today
    application.objection_until = today + dt.timedelta(
        days=application.call.programme.objection_days
    )


def _award_requested(application: Application) -> None:
    for request in FundingRequest.objects.filter(application=application):
        request.awarded = request.amount
        request.save(update_fields=["awarded"])


@transaction.atomic
def decision_publish(
    *, actor, call: Call, reserve_count: int = 0, today: dt.date | None = None
) -> Decision:
    """Publish the provisional list: the selected applications go on the public notice with
    their requested money awarded, the next ``reserve_count`` by rank to the reserve list, the
    others are rejected. Refused while a review is open or the list does not fit."""
    decision = _office_decision(actor, call)
    today = today or timezone.localdate()
    if not 0 <= reserve_count <= MAX_RESERVE:
        raise ValidationError(
            {"reserve_count": _("Give a number of reserve places from 0 to 100.")}
        )
    under_review = list(
        Application.objects.filter(call=call, status=S.UNDER_REVIEW).select_related(
            "call__programme"
        )
    )
    errors = _publish_errors(call, decision, under_review)
    if errors:
        raise ValidationError({"decision": errors})
    selected = set(decision.selected_ids())
    ranking = call_ranking(call, [a.pk for a in under_review])
    reserve = [
        row.application for row in ranking if row.application not in selected and row.reviews
    ][:reserve_count]
    note = _("Decision of the review committee")
    for application in under_review:
        if application.pk in selected:
            _notice(application, today)
            workflow.move(
                application, S.PROVISIONAL, actor=actor, note=note, action="poc_review.publish"
            )
            _award_requested(application)
        elif application.pk in reserve:
            workflow.move(
                application, S.RESERVE, actor=actor, note=note, action="poc_review.publish"
            )
        else:
            workflow.move(
                application, S.REJECTED, actor=actor, note=note, action="poc_review.publish"
            )
    decision.status = DecisionStatus.PUBLISHED
    decision.reserve_count = reserve_count
    decision.published_on = today
    decision.published_by = actor
    decision.save()
    audit.record(
        actor=actor,
        action="poc_review.publish",
        obj=decision,
        changes={"status": [DecisionStatus.DRAFT, DecisionStatus.PUBLISHED]},
    )
    return decision


def _publish_errors(call: Call, decision: Decision, under_review) -> list[str]:
    errors = []
    open_reviews = Assignment.objects.filter(
        application__call=call, status=AssignmentStatus.OPEN
    ).count()
    if open_reviews:
        errors.append(
            _("%(count)d review(s) are still open: wait for them or remove the assignments.")
            % {"count": open_reviews}
        )
    reviewed = set(
        Assignment.objects.filter(
            application__call=call, status=AssignmentStatus.SUBMITTED
        ).values_list("application_id", flat=True)
    )
    unreviewed = [a for a in under_review if a.pk not in reviewed]
    if unreviewed:
        errors.append(
            _("%(count)d application(s) under review have no submitted review.")
            % {"count": len(unreviewed)}
        )
    if (
        decision.proposed_at
        and Assignment.objects.filter(
            application__call=call, submitted_at__gt=decision.proposed_at
        ).exists()
    ):
        errors.append(
            _("Reviews were submitted after the proposal was computed: compute it again.")
        )
    ids = {a.pk for a in under_review}
    gone = [pk for pk in decision.selected_ids() if pk not in ids]
    if gone:
        titles = Application.objects.filter(pk__in=gone).values_list("title", flat=True)
        errors.append(
            _("No longer under review, take off the list first: %(titles)s")
            % {"titles": "、".join(titles)}
        )
    errors += _overruns(call, decision.selected_ids())
    return errors


@dataclass
class FinaliseReport:
    awarded: list[Application] = field(default_factory=list)
    objected: list[Application] = field(default_factory=list)
    on_notice: list[Application] = field(default_factory=list)


@transaction.atomic
def decision_finalise(*, actor, call: Call, today: dt.date | None = None) -> FinaliseReport:
    """After the public notice: applications on it with no objection awaiting an answer are
    awarded; those with one wait for the office (run again once it is handled)."""
    decision = _office_decision(actor, call, status=None)
    if decision.status == DecisionStatus.DRAFT:
        raise ValidationError({"decision": _("Publish the provisional list first.")})
    today = today or timezone.localdate()
    report = FinaliseReport()
    provisional = Application.objects.filter(call=call, status=S.PROVISIONAL).order_by("pk")
    for application in provisional:
        if application.objection_until and application.objection_until >= today:
            report.on_notice.append(application)
        elif Objection.objects.filter(application=application, upheld__isnull=True).exists():
            report.objected.append(application)
        else:
            workflow.move(
                application,
                S.AWARDED,
                actor=actor,
                note=_("No objection upheld during the public notice"),
                action="poc_review.finalise",
            )
            report.awarded.append(application)
    if not report.awarded:
        raise ValidationError({"decision": _finalise_refusal(report)})
    if not report.objected and not report.on_notice:
        decision.status = DecisionStatus.FINALISED
        call.status = CallStatus.DECIDED
        call.save(update_fields=["status", "updated_at"])
    decision.finalised_at = timezone.now()
    decision.save()
    audit.record(
        actor=actor,
        action="poc_review.finalise",
        obj=decision,
        changes={"awarded": [None, [a.title for a in report.awarded]]},
    )
    return report


def _finalise_refusal(report: FinaliseReport) -> list[str]:
    messages = []
    if report.on_notice:
        last = max(a.objection_until for a in report.on_notice)
        messages.append(
            _("The public notice runs until %(date)s: finalise after that day.")
            % {"date": last.isoformat()}
        )
    if report.objected:
        messages.append(
            _("%(count)d application(s) have an objection awaiting an answer.")
            % {"count": len(report.objected)}
        )
    return messages or [_("No application is on the public notice.")]


@transaction.atomic
def reserve_promote(
    *, actor, application: Application, reason: str, today: dt.date | None = None
) -> Application:
    """Promote a reserve application (after an award was renounced, say): it goes on the public
    notice with its requested money, if the committed money still fits."""
    call = application.call
    decision = _office_decision(actor, call, status=None)
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": _("Record the reason for the promotion.")})
    if application.status != S.RESERVE or not can_move(application, S.PROVISIONAL):
        raise ValidationError({"application": _("Only a reserve application can be promoted.")})
    committed = limits.committed_in(call)
    requests = limits.requests_of([application.pk])[application.pk]
    over = limits.limits_for(call).overruns([*committed.values(), requests])
    if over:
        raise ValidationError({"application": over})
    _notice(application, today or timezone.localdate())
    workflow.move(application, S.PROVISIONAL, actor=actor, note=reason, action="poc_review.promote")
    _award_requested(application)
    DecisionChange.objects.create(
        decision=decision,
        application=application,
        action=ChangeAction.PROMOTE,
        reason=reason,
        actor=actor,
        at=timezone.now(),
    )
    if decision.status == DecisionStatus.FINALISED:
        decision.status = DecisionStatus.PUBLISHED
        decision.save(update_fields=["status", "updated_at"])
    return application
