# No ``from __future__ import annotations`` here: django-ninja reads the annotations at runtime.
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from datong.institutions.selectors import institution_get, institution_get_by_id
from datong.results import selectors as result_selectors

from . import selectors, services
from .schemas import (
    CostIn,
    CostOut,
    EventIn,
    EventOut,
    FamilyCreate,
    FamilyDetailOut,
    FamilyIn,
    FamilyOut,
    FilingCreate,
    FilingIn,
    FilingOut,
    OwnershipIn,
    OwnershipOut,
)

router = Router(tags=["ip"])


class FamilyFilter(Schema):
    q: str = ""
    institution: str = ""
    ip_type: str = ""
    legal_status: str = ""
    sort: str = "-created"


def _family(request, pk: int):
    return selectors.family_get(actor=request.user, pk=pk)


def _filing(request, pk: int):
    return selectors.filing_get(actor=request.user, pk=pk)


def _family_refs(request, data: dict) -> dict:
    if data.get("result") is not None:
        data["result"] = result_selectors.result_get(actor=request.user, pk=data["result"])
    return data


def _filing_refs(request, data: dict) -> dict:
    if data.get("parent") is not None:
        data["parent"] = selectors.filing_get(actor=request.user, pk=data["parent"])
    if data.get("agency") is not None:
        data["agency"] = institution_get_by_id(actor=request.user, pk=data["agency"])
    return data


def _detail(request, family):
    family.filing_rows = list(selectors.filing_list(actor=request.user, family=family))
    return family


@router.get("/ip/families", response=list[FamilyOut], summary="IP families you may see")
@paginate(PageNumberPagination, page_size=25)
def families(request: HttpRequest, filters: Query[FamilyFilter]):
    return selectors.family_list(actor=request.user, **filters.dict()).prefetch_related("filings")


@router.post(
    "/ip/families", response={201: FamilyDetailOut}, summary="Create an IP family (office)"
)
def family_create(request: HttpRequest, payload: FamilyCreate):
    data = _family_refs(request, payload.dict())
    institution = institution_get(actor=request.user, slug=data.pop("institution"))
    family = services.family_create(actor=request.user, institution=institution, **data)
    return 201, _detail(request, family)


@router.get("/ip/families/{pk}", response=FamilyDetailOut, summary="One IP family")
def family(request: HttpRequest, pk: int):
    return _detail(request, _family(request, pk))


@router.patch("/ip/families/{pk}", response=FamilyDetailOut, summary="Edit an IP family")
def family_update(request: HttpRequest, pk: int, payload: FamilyIn):
    item = _family(request, pk)
    data = _family_refs(request, payload.dict(exclude_unset=True))
    services.family_update(actor=request.user, family=item, data=data)
    return _detail(request, item)


@router.get("/ip/families/{pk}/filings", response=list[FilingOut], summary="A family's filings")
def filings(request: HttpRequest, pk: int):
    return list(selectors.filing_list(actor=request.user, family=_family(request, pk)))


@router.post(
    "/ip/families/{pk}/filings",
    response={201: FilingOut},
    summary="Add a filing (Chinese numbers are normalised and checked)",
)
def filing_create(request: HttpRequest, pk: int, payload: FilingCreate):
    item = _family(request, pk)
    data = _filing_refs(request, payload.dict())
    return 201, services.filing_create(actor=request.user, family=item, **data)


@router.patch(
    "/ip/filings/{pk}",
    response=FilingOut,
    summary="Correct a filing (status and deadlines follow)",
)
def filing_update(request: HttpRequest, pk: int, payload: FilingIn):
    item = _filing(request, pk)
    data = _filing_refs(request, payload.dict(exclude_unset=True))
    return services.filing_update(actor=request.user, filing=item, data=data)


@router.post(
    "/ip/filings/{pk}/events",
    response={201: EventOut},
    summary="Record an event; the legal status is derived from the events",
)
def filing_event(request: HttpRequest, pk: int, payload: EventIn):
    item = _filing(request, pk)
    return 201, services.filing_event_add(actor=request.user, filing=item, **payload.dict())


@router.post(
    "/ip/families/{pk}/ownership",
    response={201: OwnershipOut},
    summary="Open a new ownership period (shares total 100)",
)
def ownership_change(request: HttpRequest, pk: int, payload: OwnershipIn):
    item = _family(request, pk)
    data = payload.dict()
    return 201, services.ownership_change(actor=request.user, family=item, **data)


@router.post("/ip/filings/{pk}/costs", response={201: CostOut}, summary="Record a cost")
def cost_add(request: HttpRequest, pk: int, payload: CostIn):
    item = _filing(request, pk)
    return 201, services.cost_add(actor=request.user, filing=item, **payload.dict())
