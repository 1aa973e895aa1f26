# No "from __future__ import annotations": django-ninja must resolve Query[...] under @paginate.
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from datong.market import selectors as market_selectors

from . import selectors, services
from .schemas import CaseAdvance, CaseAssign, CaseClose, CaseOpen, CaseOut

router = Router(tags=["cases"])


class CaseFilter(Schema):
    stage: str = ""
    manager: str = ""
    overdue: bool = False
    q: str = ""


def _case(request, case_id: int):
    return selectors.case_get(actor=request.user, pk=case_id)


@router.get("/cases", response=list[CaseOut], summary="Match cases the user may see")
@paginate(PageNumberPagination, page_size=25)
def cases(request: HttpRequest, filters: Query[CaseFilter]):
    return selectors.case_list(actor=request.user, **filters.dict()).prefetch_related("stage_times")


@router.get("/cases/{case_id}", response=CaseOut, summary="One match case")
def case(request: HttpRequest, case_id: int):
    return _case(request, case_id)


@router.post(
    "/cases",
    response={200: CaseOut, 201: CaseOut},
    summary="Express an enterprise's interest in a listing (201: a new case; 200: added to "
    "the enterprise's open case on that listing)",
)
def case_open(request: HttpRequest, payload: CaseOpen):
    listing = market_selectors.listing_get(actor=request.user, pk=payload.listing)
    demand = None
    if payload.demand is not None:
        demand = market_selectors.demand_get(actor=request.user, pk=payload.demand)
    enterprise = None
    if payload.enterprise:
        enterprise = (
            services.interest_enterprises(request.user).filter(slug=payload.enterprise).first()
        )
        if enterprise is None:
            raise ValidationError({"enterprise": _("Choose the enterprise you write for.")})
    item, created = services.case_open(
        actor=request.user,
        listing=listing,
        message=payload.message,
        demand=demand,
        enterprise=enterprise,
    )
    return (201 if created else 200), item


@router.post("/cases/{case_id}/advance", response=CaseOut, summary="Move a case forward")
def case_advance(request: HttpRequest, case_id: int, payload: CaseAdvance):
    return services.case_advance(actor=request.user, case=_case(request, case_id), **payload.dict())


@router.post("/cases/{case_id}/close", response=CaseOut, summary="Close a case with a reason")
def case_close(request: HttpRequest, case_id: int, payload: CaseClose):
    return services.case_close(actor=request.user, case=_case(request, case_id), **payload.dict())


@router.post("/cases/{case_id}/assign", response=CaseOut, summary="Hand a case to another manager")
def case_assign(request: HttpRequest, case_id: int, payload: CaseAssign):
    item = _case(request, case_id)
    manager = services.manager_candidates(item.institution_id).filter(pk=payload.manager).first()
    return services.case_assign(actor=request.user, case=item, manager=manager)
