# No "from __future__ import annotations": django-ninja must resolve Query[...] under @paginate.
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from datong.institutions.models import Institution, InstitutionKind

from . import selectors, services
from .models import DemandStatus
from .schemas import (
    ContactIn,
    ContactOut,
    DemandCreate,
    DemandOut,
    DemandPatch,
    EnterpriseDetailOut,
    EnterpriseOut,
    EnterpriseProfileIn,
    ExpertDetailOut,
    ExpertIn,
    ExpertOut,
    ListingOut,
)

router = Router(tags=["market"])


class ListingFilter(Schema):
    q: str = ""
    institution: str = ""
    readiness: str = ""
    mode: str = ""


class ExpertFilter(Schema):
    q: str = ""
    institution: str = ""
    industry: str = ""


class EnterpriseFilter(Schema):
    q: str = ""
    industry: str = ""
    region: str = ""
    size: str = ""


class DemandFilter(Schema):
    q: str = ""
    mode: str = ""
    region: str = ""
    industry: str = ""
    status: str = DemandStatus.OPEN


@router.get(
    "/market/listings",
    response=list[ListingOut],
    auth=None,
    summary="Published marketplace listings (public)",
)
@paginate(PageNumberPagination, page_size=25)
def listings(request: HttpRequest, filters: Query[ListingFilter]):
    return selectors.listing_list(**filters.dict())


@router.get(
    "/market/listings/{listing_id}",
    response=ListingOut,
    auth=None,
    summary="One published listing (public)",
)
def listing(request: HttpRequest, listing_id: int):
    return selectors.listing_get_public(pk=listing_id)


@router.post(
    "/market/listings/{listing_id}/contact",
    response=ContactOut,
    summary="Write to the listing's technology manager",
)
def listing_contact(request: HttpRequest, listing_id: int, payload: ContactIn):
    item = selectors.listing_get(actor=request.user, pk=listing_id)
    services.listing_contact(actor=request.user, listing=item, message=payload.message)
    return {"sent": True}


@router.get("/market/demands", response=list[DemandOut], summary="Technology demands")
@paginate(PageNumberPagination, page_size=25)
def demands(request: HttpRequest, filters: Query[DemandFilter]):
    return selectors.demand_list(actor=request.user, **filters.dict())


@router.post(
    "/market/demands",
    response={201: DemandOut},
    summary="Post a technology demand (the enterprise's own users)",
)
def demand_create(request: HttpRequest, payload: DemandCreate):
    institution = get_object_or_404(
        Institution, slug=payload.institution, kind=InstitutionKind.ENTERPRISE
    )
    data = payload.dict(exclude={"institution"})
    demand = services.demand_create(actor=request.user, institution=institution, data=data)
    return 201, demand


@router.get("/market/demands/{demand_id}", response=DemandOut, summary="One technology demand")
def demand(request: HttpRequest, demand_id: int):
    return selectors.demand_get(actor=request.user, pk=demand_id)


@router.patch(
    "/market/demands/{demand_id}",
    response=DemandOut,
    summary="Edit a technology demand, or close it with status=closed",
)
def demand_update(request: HttpRequest, demand_id: int, payload: DemandPatch):
    item = selectors.demand_get(actor=request.user, pk=demand_id)
    data = payload.dict(exclude_unset=True)
    status = data.pop("status", None)
    if status not in (None, DemandStatus.OPEN, DemandStatus.CLOSED):
        raise ValidationError({"status": _("Give the status as open or closed.")})
    if data:
        item = services.demand_update(actor=request.user, demand=item, data=data)
    if status == DemandStatus.CLOSED:
        item = services.demand_close(actor=request.user, demand=item)
    return item


# --- experts ---------------------------------------------------------------------------------


@router.get(
    "/market/experts",
    response=list[ExpertOut],
    auth=None,
    summary="Public expert profiles (public)",
)
@paginate(PageNumberPagination, page_size=25)
def experts(request: HttpRequest, filters: Query[ExpertFilter]):
    return selectors.expert_list_public(**filters.dict())


@router.get("/market/experts/me", response=ExpertOut, summary="My expert profile")
def expert_me(request: HttpRequest):
    profile = selectors.own_expert_profile(actor=request.user)
    if profile is None:
        raise Http404(_("Not found."))
    return profile


@router.put(
    "/market/experts/me",
    response=ExpertOut,
    summary="Create or edit my expert profile; is_public publishes it",
)
def expert_me_update(request: HttpRequest, payload: ExpertIn):
    data = payload.dict(exclude_unset=True)
    public = data.pop("is_public", None)
    profile = selectors.own_expert_profile(actor=request.user)
    if data or profile is None:
        profile = services.expert_profile_save(actor=request.user, user=request.user, data=data)
    if public is True and not profile.is_public:
        profile = services.expert_profile_publish(actor=request.user, profile=profile)
    elif public is False and profile.is_public:
        profile = services.expert_profile_unpublish(actor=request.user, profile=profile)
    return profile


@router.get(
    "/market/experts/{expert_id}",
    response=ExpertDetailOut,
    auth=None,
    summary="One public expert profile, with their listings (public)",
)
def expert(request: HttpRequest, expert_id: int):
    return selectors.expert_get_public(pk=expert_id)


# --- enterprises -----------------------------------------------------------------------------


@router.get("/market/enterprises", response=list[EnterpriseOut], summary="Enterprises")
@paginate(PageNumberPagination, page_size=25)
def enterprises(request: HttpRequest, filters: Query[EnterpriseFilter]):
    return selectors.enterprise_list(actor=request.user, **filters.dict())


@router.get(
    "/market/enterprises/{slug}",
    response=EnterpriseDetailOut,
    summary="One enterprise, with its open demands",
)
def enterprise(request: HttpRequest, slug: str):
    institution = selectors.enterprise_get(actor=request.user, slug=slug)
    institution.open_demands = list(
        selectors.enterprise_demands(actor=request.user, institution=institution)
    )
    return institution


@router.put(
    "/market/enterprise/profile",
    response=EnterpriseOut,
    summary="Describe an enterprise (its own users); ?institution=slug",
)
def enterprise_profile(request: HttpRequest, institution: str, payload: EnterpriseProfileIn):
    item = selectors.enterprise_get(actor=request.user, slug=institution)
    services.enterprise_profile_save(
        actor=request.user, institution=item, data=payload.dict(exclude_unset=True)
    )
    return selectors.enterprise_get(actor=request.user, slug=institution)
