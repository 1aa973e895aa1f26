# No ``from __future__ import annotations`` here: django-ninja reads the annotations at runtime.
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from datong.accounts.models import User
from datong.institutions.selectors import institution_get

from . import selectors, services
from .models import Scheme
from .schemas import (
    AssignIn,
    ClassificationOut,
    CommentIn,
    CommentOut,
    DecideIn,
    DisclosureCreate,
    DisclosureDetailOut,
    DisclosureIn,
    DisclosureOut,
    EventOut,
    InventorIn,
    InventorOut,
    MergeIn,
    ReportIn,
    ReportOut,
    ResultDetailOut,
    ResultIn,
    ResultOut,
    ReturnIn,
    ScoresIn,
    SimilarListOut,
)

router = Router(tags=["disclosures"])


class DisclosureFilter(Schema):
    box: str = "mine"
    status: str = ""
    q: str = ""


class ResultFilter(Schema):
    q: str = ""
    institution: str = ""
    status: str = ""
    industry: str = ""
    trl: str = ""
    ip_type: str = ""
    department: str = ""
    completeness_below: str = ""
    sort: str = "-created"


def _disclosure(request, pk: int):
    return selectors.disclosure_get(actor=request.user, pk=pk)


@router.get(
    "/classifications/{scheme}",
    response=list[ClassificationOut],
    tags=["reference"],
    summary="Reference data: industry, sei, trl, ip, review",
)
def classifications(request: HttpRequest, scheme: str):
    names = {
        "industry": Scheme.INDUSTRY,
        "sei": Scheme.SEI,
        "trl": Scheme.TRL,
        "ip": Scheme.IP,
        "review": Scheme.REVIEW,
    }
    return list(selectors.classifications(names.get(scheme, scheme)))


@router.get(
    "/disclosures", response=list[DisclosureOut], summary="Your disclosures or the office queue"
)
@paginate(PageNumberPagination, page_size=25)
def disclosures(request: HttpRequest, filters: Query[DisclosureFilter]):
    return selectors.disclosure_list(actor=request.user, **filters.dict())


@router.post("/disclosures", response={201: DisclosureDetailOut}, summary="Start a disclosure")
def disclosure_create(request: HttpRequest, payload: DisclosureCreate):
    data = payload.dict(exclude_none=True)
    institution = institution_get(actor=request.user, slug=data.pop("institution"))
    return 201, services.disclosure_create(actor=request.user, institution=institution, **data)


@router.get("/disclosures/{pk}", response=DisclosureDetailOut, summary="One disclosure")
def disclosure(request: HttpRequest, pk: int):
    return _disclosure(request, pk)


@router.patch("/disclosures/{pk}", response=DisclosureDetailOut, summary="Edit a draft")
def disclosure_update(request: HttpRequest, pk: int, payload: DisclosureIn):
    item = _disclosure(request, pk)
    return services.disclosure_update(
        actor=request.user, disclosure=item, data=payload.dict(exclude_unset=True)
    )


@router.put(
    "/disclosures/{pk}/inventors",
    response=list[InventorOut],
    summary="Replace the inventors (shares must total 100)",
)
def inventors_set(request: HttpRequest, pk: int, payload: list[InventorIn]):
    item = _disclosure(request, pk)
    rows = []
    for row in payload:
        data = row.dict()
        if data["paid_here"] is None:
            data.pop("paid_here")
        rows.append(data)
    return services.inventors_set(actor=request.user, disclosure=item, inventors=rows)


@router.post("/disclosures/{pk}/confirm", response=InventorOut, summary="Confirm your own share")
def inventor_confirm(request: HttpRequest, pk: int):
    item = _disclosure(request, pk)
    mine = selectors.my_inventorship(actor=request.user, disclosure=item)
    if mine is None:
        raise Http404
    return services.inventor_confirm(actor=request.user, inventor=mine)


@router.post("/disclosures/{pk}/submit", response=DisclosureDetailOut, summary="Submit")
def disclosure_submit(request: HttpRequest, pk: int):
    return services.disclosure_submit(actor=request.user, disclosure=_disclosure(request, pk))


@router.get(
    "/disclosures/{pk}/similar",
    response=SimilarListOut,
    summary="Similar results (count only elsewhere in the alliance)",
)
def disclosure_similar(request: HttpRequest, pk: int):
    found = selectors.similar_to_disclosure(actor=request.user, disclosure=_disclosure(request, pk))
    return {
        "matches": [m.__dict__ for m in found["matches"]],
        "alliance_count": found["alliance_count"],
    }


@router.get("/disclosures/{pk}/comments", response=list[CommentOut], summary="Comments")
def comments(request: HttpRequest, pk: int):
    return list(
        selectors.disclosure_comments(actor=request.user, disclosure=_disclosure(request, pk))
    )


@router.post("/disclosures/{pk}/comments", response={201: CommentOut}, summary="Comment")
def comment_add(request: HttpRequest, pk: int, payload: CommentIn):
    return 201, services.disclosure_comment(
        actor=request.user, disclosure=_disclosure(request, pk), **payload.dict()
    )


@router.post(
    "/disclosures/{pk}/assign",
    response=DisclosureDetailOut,
    summary="Assign a technology manager (office)",
)
def disclosure_assign(request: HttpRequest, pk: int, payload: AssignIn):
    manager = get_object_or_404(User, pk=payload.manager, is_active=True)
    return services.disclosure_assign(
        actor=request.user, disclosure=_disclosure(request, pk), manager=manager
    )


@router.post("/disclosures/{pk}/scores", response=dict, summary="Score the review checklist")
def disclosure_score(request: HttpRequest, pk: int, payload: ScoresIn):
    saved = services.disclosure_score(
        actor=request.user,
        disclosure=_disclosure(request, pk),
        scores={code: (s.score, s.comment) for code, s in payload.scores.items()},
    )
    return {row.criterion.code: row.score for row in saved}


@router.post(
    "/disclosures/{pk}/reports", response={201: ReportOut}, summary="Attach a patentability report"
)
def report_add(request: HttpRequest, pk: int, payload: ReportIn):
    return 201, services.disclosure_report_add(
        actor=request.user, disclosure=_disclosure(request, pk), **payload.dict()
    )


@router.post(
    "/disclosures/{pk}/return", response=DisclosureDetailOut, summary="Return for more information"
)
def disclosure_return(request: HttpRequest, pk: int, payload: ReturnIn):
    return services.disclosure_return(
        actor=request.user, disclosure=_disclosure(request, pk), message=payload.message
    )


@router.post("/disclosures/{pk}/decide", response=DisclosureDetailOut, summary="Decide")
def disclosure_decide(request: HttpRequest, pk: int, payload: DecideIn):
    item = _disclosure(request, pk)
    target = (
        selectors.result_get(actor=request.user, pk=payload.merge_into)
        if payload.merge_into
        else None
    )
    return services.disclosure_decide(
        actor=request.user,
        disclosure=item,
        decision=payload.decision,
        protection_type=payload.protection_type,
        merge_into=target,
        note=payload.note,
    )


@router.get("/results", response=list[ResultOut], tags=["results"], summary="The registry")
@paginate(PageNumberPagination, page_size=25)
def results(request: HttpRequest, filters: Query[ResultFilter]):
    return selectors.result_list(actor=request.user, **filters.dict())


@router.get("/results/{pk}", response=ResultDetailOut, tags=["results"], summary="One result")
def result(request: HttpRequest, pk: int):
    return selectors.result_get(actor=request.user, pk=pk)


@router.patch(
    "/results/{pk}", response=ResultDetailOut, tags=["results"], summary="Edit a result (office)"
)
def result_update(request: HttpRequest, pk: int, payload: ResultIn):
    item = selectors.result_get(actor=request.user, pk=pk)
    return services.result_update(
        actor=request.user, result=item, data=payload.dict(exclude_unset=True)
    )


@router.get(
    "/results/{pk}/timeline",
    response=list[EventOut],
    tags=["results"],
    summary="The result's timeline",
)
def result_timeline(request: HttpRequest, pk: int):
    item = selectors.result_get(actor=request.user, pk=pk)
    return list(selectors.result_timeline(actor=request.user, result=item))


@router.post(
    "/results/{pk}/merge",
    response=ResultDetailOut,
    tags=["results"],
    summary="Merge this result into another (office)",
)
def result_merge(request: HttpRequest, pk: int, payload: MergeIn):
    source = selectors.result_get(actor=request.user, pk=pk)
    target = selectors.result_get(actor=request.user, pk=payload.target)
    return services.result_merge(actor=request.user, source=source, target=target)
