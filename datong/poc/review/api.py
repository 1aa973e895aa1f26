# No "from __future__ import annotations": django-ninja resolves the annotations at import.
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from datong.institutions.models import Institution

from . import selectors, services
from .schemas import (
    AssignIn,
    AssignmentOut,
    AutoAssignIn,
    AutoAssignOut,
    ChangeIn,
    ConflictIn,
    ConflictOut,
    DecisionOut,
    DeclineIn,
    FinaliseOut,
    MyReviewDetailOut,
    MyReviewOut,
    PoolMemberIn,
    PoolMemberOut,
    PromoteIn,
    PublishIn,
    RankOut,
    ScoresIn,
)

router = Router(tags=["programme review"])


# --- pool and conflicts ----------------------------------------------------------------------


@router.get(
    "/poc/review/programmes/{code}/pool",
    response=list[PoolMemberOut],
    summary="The reviewer pool of a programme (its office)",
)
def pool(request: HttpRequest, code: str):
    programme = selectors.office_programme(actor=request.user, code=code)
    return list(selectors.pool(programme=programme))


@router.post(
    "/poc/review/programmes/{code}/pool",
    response={201: PoolMemberOut},
    summary="Add an expert to the pool, by user id or user name (its office)",
)
def pool_add(request: HttpRequest, code: str, payload: PoolMemberIn):
    programme = selectors.office_programme(actor=request.user, code=code)
    user = selectors.pool_candidate_get(
        actor=request.user, programme=programme, pk=payload.user_id, username=payload.username
    )
    member = services.pool_add(
        actor=request.user,
        programme=programme,
        user=user,
        kind=payload.kind,
        affiliation=payload.affiliation,
        expertise=payload.expertise,
    )
    return 201, member


@router.delete(
    "/poc/review/programmes/{code}/pool/{member_id}",
    response=PoolMemberOut,
    summary="Take an expert out of the pool (its office)",
)
def pool_remove(request: HttpRequest, code: str, member_id: int):
    programme = selectors.office_programme(actor=request.user, code=code)
    member = selectors.office_pool_member(actor=request.user, programme=programme, pk=member_id)
    return services.pool_remove(actor=request.user, member=member)


@router.post(
    "/poc/review/conflicts",
    response={201: ConflictOut},
    summary="Declare a conflict of interest with an application or an institution",
)
def conflict_declare(request: HttpRequest, payload: ConflictIn):
    reviewer = request.user
    if payload.reviewer_id not in (None, request.user.pk):
        reviewer = selectors.office_expert(actor=request.user, user_id=payload.reviewer_id)
    application = None
    if payload.application_id is not None:
        application = _application_for_conflict(request, reviewer, payload.application_id)
    institution = (
        get_object_or_404(Institution, slug=payload.institution) if payload.institution else None
    )
    declaration = services.conflict_declare(
        actor=request.user,
        reviewer=reviewer,
        application=application,
        institution=institution,
        reason=payload.reason,
    )
    return 201, declaration


def _application_for_conflict(request, reviewer, application_id: int):
    """The application of one of the caller's own assignments, or of the office's calls."""
    if reviewer.pk == request.user.pk:
        own = selectors.my_assignments(actor=request.user).filter(application_id=application_id)
        if own.exists():
            return own.first().application
    return selectors.office_any_application(actor=request.user, pk=application_id)


# --- assignments -----------------------------------------------------------------------------


@router.get(
    "/poc/review/calls/{call_id}/assignments",
    response=list[AssignmentOut],
    summary="Assignments of a call (its office)",
)
def assignments(request: HttpRequest, call_id: int):
    call = selectors.office_call(actor=request.user, pk=call_id)
    return list(selectors.call_assignments(call=call))


@router.post(
    "/poc/review/calls/{call_id}/assignments",
    response={201: AssignmentOut},
    summary="Assign a reviewer; refused, naming it, when there is a conflict of interest",
)
def assign(request: HttpRequest, call_id: int, payload: AssignIn):
    call = selectors.office_call(actor=request.user, pk=call_id)
    application = selectors.office_application(
        actor=request.user, call=call, pk=payload.application_id
    )
    member = selectors.active_expert(programme=call.programme, user_id=payload.reviewer_id)
    assignment = services.assignment_create(
        actor=request.user, application=application, reviewer=member.user
    )
    return 201, assignment


@router.post(
    "/poc/review/calls/{call_id}/auto-assign",
    response=AutoAssignOut,
    summary="Give each application under review N reviewers from the pool, without conflicts",
)
def auto_assign(request: HttpRequest, call_id: int, payload: AutoAssignIn):
    call = selectors.office_call(actor=request.user, pk=call_id)
    report = services.auto_assign(
        actor=request.user, call=call, per_application=payload.per_application
    )
    return {
        "created": report.created,
        "uncovered": [
            {
                "application_id": gap.application.pk,
                "title": gap.application.title,
                "missing": gap.missing,
                "eligible": gap.eligible,
                "conflicted": gap.conflicted,
            }
            for gap in report.uncovered
        ],
    }


@router.delete(
    "/poc/review/assignments/{assignment_id}",
    response={204: None},
    summary="Remove an assignment not yet submitted (the office)",
)
def unassign(request: HttpRequest, assignment_id: int):
    assignment = selectors.office_assignment(actor=request.user, pk=assignment_id)
    services.assignment_remove(actor=request.user, assignment=assignment)
    return 204, None


# --- the reviewer ----------------------------------------------------------------------------


def _my_review(assignment, detail: bool = False) -> dict:
    brief = selectors.review_brief(assignment)
    call = assignment.application.call
    data = {
        "id": assignment.pk,
        "status": assignment.status,
        "programme": call.programme.display_name,
        "call": call.display_name,
        "review_by": call.review_by,
        "blind": brief.blind,
        "title": brief.title,
        "stage": brief.stage,
        "applicant": brief.applicant,
        "institution": brief.institution,
        "department": brief.department,
    }
    if detail:
        data.update(
            summary=brief.summary,
            academic_route=brief.academic_route,
            market_route=brief.market_route,
            trl_now=brief.trl_now,
            trl_target=brief.trl_target,
            team_roles=brief.team_roles,
            team=None
            if brief.team is None
            else [
                {"name": m.name, "role": m.get_role_display(), "affiliation": m.affiliation}
                for m in brief.team
            ],
            requests=[
                {"funding_line": r.funding_line.display_name, "amount": r.amount}
                for r in brief.requests
            ],
            scores=[
                {
                    "criterion_id": c.pk,
                    "criterion": c.display_name,
                    "weight": c.weight,
                    "max_score": c.max_score,
                    "score": value,
                    "comment": comment,
                }
                for c, value, comment in selectors.score_sheet(assignment)
            ],
            overall_comment=assignment.overall_comment,
            submitted_at=assignment.submitted_at,
        )
    return data


@router.get("/poc/review/mine", response=list[MyReviewOut], summary="My review assignments")
def my_reviews(request: HttpRequest):
    return [_my_review(a) for a in selectors.my_assignments(actor=request.user)]


@router.get(
    "/poc/review/mine/{assignment_id}",
    response=MyReviewDetailOut,
    summary="One of my assignments: the application (blind review hides names) and my scores",
)
def my_review(request: HttpRequest, assignment_id: int):
    return _my_review(selectors.my_assignment(actor=request.user, pk=assignment_id), True)


@router.put(
    "/poc/review/mine/{assignment_id}/scores",
    response=MyReviewDetailOut,
    summary="Save my scores; submit=true submits the review, which then cannot change",
)
def my_review_scores(request: HttpRequest, assignment_id: int, payload: ScoresIn):
    assignment = selectors.my_assignment(actor=request.user, pk=assignment_id)
    services.scores_save(
        actor=request.user,
        assignment=assignment,
        scores={s.criterion_id: {"score": s.score, "comment": s.comment} for s in payload.scores},
        overall_comment=payload.overall_comment,
        submit=payload.submit,
    )
    return _my_review(selectors.my_assignment(actor=request.user, pk=assignment_id), True)


@router.post(
    "/poc/review/mine/{assignment_id}/decline",
    response=MyReviewOut,
    summary="Declare a conflict of interest with the application: the assignment is withdrawn",
)
def my_review_decline(request: HttpRequest, assignment_id: int, payload: DeclineIn):
    assignment = selectors.my_assignment(actor=request.user, pk=assignment_id)
    assignment = services.assignment_decline(
        actor=request.user, assignment=assignment, reason=payload.reason
    )
    return _my_review(assignment)


# --- ranking and decision --------------------------------------------------------------------


@router.get(
    "/poc/review/calls/{call_id}/ranking",
    response=list[RankOut],
    summary="Ranking of a call: raw and normalised scores side by side (its office)",
)
def ranking(request: HttpRequest, call_id: int):
    call = selectors.office_call(actor=request.user, pk=call_id)
    return [
        {
            "rank": row.rank,
            "application_id": row.application.pk,
            "number": row.application.number,
            "title": row.application.title,
            "applicant": row.application.applicant.get_full_name(),
            "status": row.application.status,
            "raw": row.raw,
            "normalised": row.normalised,
            "reviews": [{"reviewer": n, "raw": t, "z": z} for n, t, z in row.reviews],
            "requested": row.total_requested,
        }
        for row in selectors.ranking(call=call)
    ]


def _decision(call) -> dict:
    view = selectors.decision_view(call=call)
    decision = view.decision
    return {
        "status": decision.status if decision else None,
        "proposal": decision.proposal if decision else [],
        "selected": decision.selected_ids() if decision else [],
        "objective": decision.objective if decision else None,
        "budget": view.budget,
        "total": view.total,
        "lines": [
            {
                "funding_line_id": f.line.pk,
                "name": f.line.display_name,
                "selected": f.selected,
                "cap_left": f.cap,
            }
            for f in view.lines
        ],
        "overruns": view.overruns,
        "changes": [
            {
                "application_id": c.application_id,
                "action": c.action,
                "reason": c.reason,
                "actor": c.actor.get_full_name() if c.actor_id else "",
                "at": c.at,
            }
            for c in view.changes
        ],
        "published_on": decision.published_on if decision else None,
        "finalised_at": decision.finalised_at if decision else None,
    }


@router.get(
    "/poc/review/calls/{call_id}/decision",
    response=DecisionOut,
    summary="The funding proposal with the committee's changes, against budget and caps",
)
def decision(request: HttpRequest, call_id: int):
    return _decision(selectors.office_call(actor=request.user, pk=call_id))


@router.post(
    "/poc/review/calls/{call_id}/decision/propose",
    response=DecisionOut,
    summary="Compute the proposal: the best total normalised score within budget and caps",
)
def decision_propose(request: HttpRequest, call_id: int):
    call = selectors.office_call(actor=request.user, pk=call_id)
    services.decision_propose(actor=request.user, call=call)
    return _decision(call)


@router.post(
    "/poc/review/calls/{call_id}/decision/changes",
    response=DecisionOut,
    summary="The committee adds or removes an application, with its reason",
)
def decision_change(request: HttpRequest, call_id: int, payload: ChangeIn):
    call = selectors.office_call(actor=request.user, pk=call_id)
    application = selectors.office_application(
        actor=request.user, call=call, pk=payload.application_id
    )
    services.decision_change(
        actor=request.user,
        call=call,
        application=application,
        action=payload.action,
        reason=payload.reason,
    )
    return _decision(call)


@router.post(
    "/poc/review/calls/{call_id}/decision/publish",
    response=DecisionOut,
    summary="Publish the provisional list (public notice, reserve list, rejections)",
)
def decision_publish(request: HttpRequest, call_id: int, payload: PublishIn):
    call = selectors.office_call(actor=request.user, pk=call_id)
    services.decision_publish(actor=request.user, call=call, reserve_count=payload.reserve_count)
    return _decision(call)


@router.post(
    "/poc/review/calls/{call_id}/decision/finalise",
    response=FinaliseOut,
    summary="After the public notice, award the applications without a pending objection",
)
def decision_finalise(request: HttpRequest, call_id: int):
    call = selectors.office_call(actor=request.user, pk=call_id)
    report = services.decision_finalise(actor=request.user, call=call)
    return {
        "awarded": [a.pk for a in report.awarded],
        "objected": [a.pk for a in report.objected],
        "on_notice": [a.pk for a in report.on_notice],
    }


@router.post(
    "/poc/review/calls/{call_id}/decision/promote",
    response=DecisionOut,
    summary="Promote a reserve application to the public notice (budget checked)",
)
def decision_promote(request: HttpRequest, call_id: int, payload: PromoteIn):
    call = selectors.office_call(actor=request.user, pk=call_id)
    application = selectors.office_application(
        actor=request.user, call=call, pk=payload.application_id
    )
    services.reserve_promote(actor=request.user, application=application, reason=payload.reason)
    return _decision(call)
