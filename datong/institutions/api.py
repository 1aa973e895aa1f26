# No "from __future__ import annotations": django-ninja must resolve Query[...] under @paginate.
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from datong.core.selectors import object_history

from . import selectors, services
from .schemas import (
    AllianceFiguresOut,
    AllianceOut,
    DepartmentOut,
    HistoryOut,
    InstitutionDetailOut,
    InstitutionOut,
    InstitutionPatch,
    MemberOut,
)

router = Router(tags=["institutions"])


class InstitutionFilter(Schema):
    q: str = ""
    kind: str = ""
    province: str = ""
    alliance: str = ""
    sort: str = "name"


@router.get("/institutions", response=list[InstitutionOut], summary="Institutions you may see")
@paginate(PageNumberPagination, page_size=25)
def institutions(request: HttpRequest, filters: Query[InstitutionFilter]):
    return selectors.institution_list(actor=request.user, **filters.dict())


@router.get("/institutions/{slug}", response=InstitutionDetailOut, summary="One institution")
def institution(request: HttpRequest, slug: str):
    return selectors.institution_get(actor=request.user, slug=slug)


@router.patch(
    "/institutions/{slug}",
    response=InstitutionDetailOut,
    summary="Edit an institution's profile (its transfer office)",
)
def institution_patch(request: HttpRequest, slug: str, payload: InstitutionPatch):
    item = selectors.institution_get(actor=request.user, slug=slug)
    data = payload.dict(exclude_unset=True, exclude_none=True)
    return services.institution_update(actor=request.user, institution=item, data=data)


@router.get("/institutions/{slug}/departments", response=list[DepartmentOut], summary="Departments")
def departments(request: HttpRequest, slug: str):
    item = selectors.institution_get(actor=request.user, slug=slug)
    return list(selectors.department_list(actor=request.user, institution=item))


@router.get(
    "/institutions/{slug}/members",
    response=list[MemberOut],
    summary="People and roles (members of the institution only)",
)
@paginate(PageNumberPagination, page_size=50)
def members(request: HttpRequest, slug: str):
    item = selectors.institution_get(actor=request.user, slug=slug)
    return selectors.member_list(actor=request.user, institution=item)


@router.get(
    "/institutions/{slug}/history",
    response=list[HistoryOut],
    summary="The institution's audit history (its staff only)",
)
@paginate(PageNumberPagination, page_size=50)
def history(request: HttpRequest, slug: str):
    item = selectors.institution_get(actor=request.user, slug=slug)
    return object_history(actor=request.user, obj=item, institution_id=item.pk)


@router.get("/alliances", response=list[AllianceOut], tags=["alliances"], summary="Alliances")
def alliances(request: HttpRequest):
    return list(selectors.alliance_list(actor=request.user))


@router.get(
    "/alliances/{slug}/figures",
    response=AllianceFiguresOut,
    tags=["alliances"],
    summary="Aggregate figures per member (secretariat administrators and observers)",
)
def alliance_figures(request: HttpRequest, slug: str):
    return selectors.alliance_figures(actor=request.user, alliance_slug=slug)
