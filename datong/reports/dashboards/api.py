# No "from __future__ import annotations": django-ninja must resolve Query[...] under @paginate.
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from . import selectors, services
from .schemas import (
    AgreementIn,
    AgreementOut,
    AgreementPatch,
    AllianceAgreementOut,
    AllianceOut,
    DashboardOut,
    YearIn,
    YearOut,
    alliance_out,
    dashboard_out,
)

router = Router(tags=["dashboards"])


class DashboardFilter(Schema):
    institution: str = ""
    year_from: int | None = None
    year_to: int | None = None
    department: int | None = None


class YearsFilter(Schema):
    year_from: int | None = None
    year_to: int | None = None


class AgreementFilter(Schema):
    institution: str = ""
    q: str = ""


@router.get(
    "/dashboards/institution",
    response=DashboardOut,
    summary="An institution's dashboard series (by year, type, industry, province; funnel)",
)
def dashboard(request: HttpRequest, filters: Query[DashboardFilter]):
    institution = selectors.dashboard_institution(actor=request.user, slug=filters.institution)
    low, high = selectors.default_years()
    data = selectors.institution_dashboard(
        actor=request.user,
        institution=institution,
        year_from=filters.year_from or low,
        year_to=filters.year_to or high,
        department=filters.department,
    )
    return dashboard_out(data)


@router.get(
    "/dashboards/alliances/{slug}",
    response=AllianceOut,
    summary="An alliance's member aggregates, totals and medians (secretariat and observers)",
)
def alliance(request: HttpRequest, slug: str, filters: Query[YearsFilter]):
    item = selectors.alliance_for_view(actor=request.user, slug=slug)
    low, high = selectors.default_years()
    data = selectors.alliance_overview(
        actor=request.user,
        alliance=item,
        year_from=filters.year_from or low,
        year_to=filters.year_to or high,
    )
    return alliance_out(data)


@router.get(
    "/dashboards/alliances/{slug}/agreements",
    response=list[AllianceAgreementOut],
    summary="Members' cooperation agreements with their totals (secretariat and observers)",
)
def alliance_agreements(request: HttpRequest, slug: str):
    item = selectors.alliance_for_view(actor=request.user, slug=slug)
    return selectors.alliance_agreements(actor=request.user, alliance=item)


# --- cooperation agreements --------------------------------------------------------------------


def _agreement(request, agreement_id: int):
    return selectors.agreement_get(actor=request.user, pk=agreement_id)


def _fresh(request, agreement):
    return selectors.agreement_get(actor=request.user, pk=agreement.pk)


@router.get("/agreements", response=list[AgreementOut], summary="Cooperation agreements")
@paginate(PageNumberPagination, page_size=25)
def agreements(request: HttpRequest, filters: Query[AgreementFilter]):
    institution = None
    if filters.institution:
        institution = selectors.dashboard_institution(actor=request.user, slug=filters.institution)
    return selectors.agreement_list(
        actor=request.user, institution=institution, q=filters.q
    ).prefetch_related("years")


@router.get("/agreements/{agreement_id}", response=AgreementOut, summary="One agreement")
def agreement(request: HttpRequest, agreement_id: int):
    return _agreement(request, agreement_id)


@router.post("/agreements", response={201: AgreementOut}, summary="Record an agreement")
def agreement_create(request: HttpRequest, payload: AgreementIn):
    data = payload.dict()
    slug = data.pop("institution")
    institutions = selectors.dashboard_institutions(actor=request.user)
    institution = institutions.filter(slug=slug).first() if slug else institutions.first()
    if institution is None:
        raise Http404(_("Not found."))
    item = services.agreement_create(actor=request.user, institution=institution, data=data)
    return 201, _fresh(request, item)


@router.patch("/agreements/{agreement_id}", response=AgreementOut, summary="Edit an agreement")
def agreement_update(request: HttpRequest, agreement_id: int, payload: AgreementPatch):
    item = _agreement(request, agreement_id)
    data = payload.dict(exclude_unset=True)
    services.agreement_update(actor=request.user, agreement=item, data=data)
    return _fresh(request, item)


@router.delete("/agreements/{agreement_id}", response={204: None}, summary="Delete an agreement")
def agreement_delete(request: HttpRequest, agreement_id: int):
    services.agreement_delete(actor=request.user, agreement=_agreement(request, agreement_id))
    return 204, None


@router.get(
    "/agreements/{agreement_id}/years",
    response=list[YearOut],
    summary="An agreement's yearly figures",
)
def agreement_years(request: HttpRequest, agreement_id: int):
    return selectors.agreement_years(_agreement(request, agreement_id))


@router.put(
    "/agreements/{agreement_id}/years/{year}",
    response=YearOut,
    summary="Record or correct one year's figures",
)
def agreement_year_set(request: HttpRequest, agreement_id: int, year: int, payload: YearIn):
    data = payload.dict()
    data["year"] = year
    return services.agreement_year_set(
        actor=request.user, agreement=_agreement(request, agreement_id), **data
    )


@router.delete(
    "/agreements/{agreement_id}/years/{year}",
    response={204: None},
    summary="Remove one year's figures",
)
def agreement_year_delete(request: HttpRequest, agreement_id: int, year: int):
    services.agreement_year_delete(
        actor=request.user, agreement=_agreement(request, agreement_id), year=year
    )
    return 204, None
