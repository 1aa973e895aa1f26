# No "from __future__ import annotations": django-ninja must resolve Query[...] under @paginate.
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from . import matches, selectors, services
from .models import Outcome
from .schemas import (
    DecisionIn,
    ExpenseIn,
    ExpenseOut,
    ExtensionIn,
    ExtensionOut,
    GateIn,
    GateOut,
    MatchesOut,
    MilestoneDecisionIn,
    MilestoneOut,
    MilestoneReportIn,
    OutcomeIn,
    OutcomeOut,
    ProjectDetailOut,
    ProjectOut,
    ProjectStartIn,
    ReasonIn,
    ReportIn,
    ReportOut,
    ResourceOut,
    TerminationIn,
    TerminationOut,
    TrancheOut,
)

router = Router(tags=["programme projects"])


class ProjectFilter(Schema):
    q: str = ""
    state: str = ""
    programme: str = ""
    stage: str = ""


class ResourceFilter(Schema):
    q: str = ""
    kind: str = ""
    region: str = ""
    institution: str = ""


def _project(request, project_id):
    return selectors.project_get(actor=request.user, pk=project_id)


def _child(qs, pk):
    item = qs.filter(pk=pk).first()
    if item is None:
        raise Http404(_("Not found."))
    return item


@router.get("/projects", response=list[ProjectOut], summary="Funded projects the user may see")
@paginate(PageNumberPagination, page_size=25)
def projects(request: HttpRequest, filters: Query[ProjectFilter]):
    return selectors.project_list(actor=request.user, **filters.dict())


@router.post(
    "/projects",
    response={201: ProjectDetailOut},
    summary="Start the project of an awarded application (the programme's office)",
)
def project_start(request: HttpRequest, payload: ProjectStartIn):
    application = selectors.startable_application_get(actor=request.user, pk=payload.application)
    kwargs = payload.dict(exclude={"application"})
    project = services.project_start(actor=request.user, application=application, **kwargs)
    return 201, project


@router.get(
    "/projects/{project_id}",
    response=ProjectDetailOut,
    summary="One project, with its money per funding line",
)
def project(request: HttpRequest, project_id: int):
    return _project(request, project_id)


@router.get("/projects/{project_id}/milestones", response=list[MilestoneOut], summary="Milestones")
def milestones(request: HttpRequest, project_id: int):
    return selectors.project_milestones(_project(request, project_id))


@router.post(
    "/projects/{project_id}/milestones/{milestone_id}/report",
    response=MilestoneOut,
    summary="Report a milestone delivered (the team)",
)
def milestone_report(
    request: HttpRequest, project_id: int, milestone_id: int, payload: MilestoneReportIn
):
    item = _project(request, project_id)
    milestone = _child(item.milestones, milestone_id)
    services.milestone_report(actor=request.user, milestone=milestone, evidence=payload.evidence)
    milestone.refresh_from_db()
    return milestone


@router.post(
    "/projects/{project_id}/milestones/{milestone_id}/decision",
    response=MilestoneOut,
    summary="Accept a reported milestone (its tranche is released) or send it back",
)
def milestone_decide(
    request: HttpRequest, project_id: int, milestone_id: int, payload: MilestoneDecisionIn
):
    item = _project(request, project_id)
    milestone = _child(item.milestones, milestone_id)
    if payload.accept:
        services.milestone_accept(
            actor=request.user,
            milestone=milestone,
            note=payload.note,
            released_on=payload.released_on,
        )
    else:
        services.milestone_reject(actor=request.user, milestone=milestone, note=payload.note)
    milestone.refresh_from_db()
    return milestone


@router.get(
    "/projects/{project_id}/tranches", response=list[TrancheOut], summary="Tranches released"
)
def tranches(request: HttpRequest, project_id: int):
    return selectors.project_tranches(_project(request, project_id))


@router.get("/projects/{project_id}/expenses", response=list[ExpenseOut], summary="Expenses")
def expenses(request: HttpRequest, project_id: int, status: str = ""):
    return selectors.project_expenses(_project(request, project_id), status)


@router.post(
    "/projects/{project_id}/expenses",
    response={201: ExpenseOut},
    summary="Record an expense (checked against eligibility, caps and the money released)",
)
def expense_create(request: HttpRequest, project_id: int, payload: ExpenseIn):
    item = _project(request, project_id)
    data = payload.dict()
    funding = item.funding.filter(funding_line__code=payload.funding_line).first()
    data["funding_line"] = funding.funding_line_id if funding else None
    return 201, services.expense_record(actor=request.user, project=item, data=data)


@router.post(
    "/projects/{project_id}/expenses/{expense_id}/reject",
    response=ExpenseOut,
    summary="Reject an expense as ineligible (the programme's office)",
)
def expense_reject(request: HttpRequest, project_id: int, expense_id: int, payload: ReasonIn):
    item = _project(request, project_id)
    expense = _child(item.expenses, expense_id)
    return services.expense_reject(actor=request.user, expense=expense, reason=payload.reason)


@router.get("/projects/{project_id}/reports", response=list[ReportOut], summary="Spending reports")
def reports(request: HttpRequest, project_id: int):
    return selectors.project_reports(_project(request, project_id))


@router.post(
    "/projects/{project_id}/reports",
    response={201: ReportOut},
    summary="Submit a spending report (its figures are frozen now)",
)
def report_submit(request: HttpRequest, project_id: int, payload: ReportIn):
    item = _project(request, project_id)
    return 201, services.report_submit(actor=request.user, project=item, data=payload.dict())


@router.post(
    "/projects/{project_id}/reports/{report_id}/decision",
    response=ReportOut,
    summary="Accept a spending report or return it (the programme's office)",
)
def report_decide(request: HttpRequest, project_id: int, report_id: int, payload: DecisionIn):
    item = _project(request, project_id)
    report = _child(item.reports, report_id)
    return services.report_decide(
        actor=request.user, report=report, accept=payload.accept, note=payload.note
    )


@router.get("/projects/{project_id}/gates", response=list[GateOut], summary="Gate reviews")
def gates(request: HttpRequest, project_id: int):
    return selectors.project_gates(_project(request, project_id))


@router.post(
    "/projects/{project_id}/gates",
    response={201: GateOut},
    summary="Record a gate review: continue, pivot or stop (stop terminates the project)",
)
def gate_create(request: HttpRequest, project_id: int, payload: GateIn):
    item = _project(request, project_id)
    return 201, services.gate_record(actor=request.user, project=item, data=payload.dict())


@router.get("/projects/{project_id}/extensions", response=list[ExtensionOut], summary="Extensions")
def extensions(request: HttpRequest, project_id: int):
    return _project(request, project_id).extensions.all()


@router.post(
    "/projects/{project_id}/extensions",
    response={201: ExtensionOut},
    summary="Ask for an extension",
)
def extension_create(request: HttpRequest, project_id: int, payload: ExtensionIn):
    item = _project(request, project_id)
    return 201, services.extension_request(actor=request.user, project=item, **payload.dict())


@router.post(
    "/projects/{project_id}/extensions/{extension_id}/decision",
    response=ExtensionOut,
    summary="Approve or refuse an extension (the programme's office)",
)
def extension_decide(request: HttpRequest, project_id: int, extension_id: int, payload: DecisionIn):
    item = _project(request, project_id)
    extension = _child(item.extensions, extension_id)
    return services.extension_decide(
        actor=request.user, extension=extension, approve=payload.accept, note=payload.note
    )


@router.get(
    "/projects/{project_id}/termination",
    response=TerminationOut,
    summary="The termination and the money to pay back",
)
def termination(request: HttpRequest, project_id: int):
    item = _project(request, project_id)
    found = getattr(item, "termination", None)
    if found is None:
        raise Http404(_("Not found."))
    return found


@router.post(
    "/projects/{project_id}/termination",
    response={201: TerminationOut},
    summary="Terminate the project; the money to pay back is computed and recorded",
)
def terminate(request: HttpRequest, project_id: int, payload: TerminationIn):
    item = _project(request, project_id)
    return 201, services.project_terminate(actor=request.user, project=item, **payload.dict())


@router.get("/projects/{project_id}/outcome", response=OutcomeOut, summary="The outcome")
def outcome(request: HttpRequest, project_id: int):
    item = _project(request, project_id)
    found = Outcome.objects.filter(project=item).first()
    if found is None:
        raise Http404(_("Not found."))
    return found


@router.put(
    "/projects/{project_id}/outcome",
    response=OutcomeOut,
    summary="Record or correct the outcome (IP links: the institution's, filed during the project)",
)
def outcome_record(request: HttpRequest, project_id: int, payload: OutcomeIn):
    item = _project(request, project_id)
    return services.outcome_record(actor=request.user, project=item, data=payload.dict())


@router.get(
    "/projects/{project_id}/needs/{need_id}/matches",
    response=MatchesOut,
    summary="Verification resources matching one need of the project, with the reasons",
)
def need_matches(request: HttpRequest, project_id: int, need_id: int):
    item = _project(request, project_id)
    need = selectors.project_need_get(item, need_id)
    found, used_index = matches.resource_matches(item, need)
    return {
        "need_id": need.pk,
        "index_used": used_index,
        "matches": [
            {"resource": m.resource, "score": m.score, "reasons": m.reasons} for m in found
        ],
    }


@router.get(
    "/verification-resources",
    response=list[ResourceOut],
    summary="Verification resources: labs, pilot lines, test platforms, clinical sites",
)
@paginate(PageNumberPagination, page_size=25)
def resources(request: HttpRequest, filters: Query[ResourceFilter]):
    return selectors.resource_list(actor=request.user, **filters.dict())


@router.get(
    "/verification-resources/{resource_id}",
    response=ResourceOut,
    summary="One verification resource",
)
def resource(request: HttpRequest, resource_id: int):
    return selectors.resource_get(actor=request.user, pk=resource_id)
