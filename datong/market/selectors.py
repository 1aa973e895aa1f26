"""Scoped reads of the marketplace. Published listings are public (anonymous visitors too);
nothing here reads the confidential disclosure behind a result."""

from __future__ import annotations

import json

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from datong.core.permissions import get_visible_or_404, scope_for, visible_to
from datong.institutions.models import Institution, InstitutionKind
from datong.results.models import Result, ResultStatus

from .models import (
    Demand,
    DemandStatus,
    EnterpriseProfile,
    ExpertProfile,
    Listing,
    ListingStatus,
)

#: Readiness bands of the public filter: code → (lowest, highest) TRL.
READINESS_BANDS = {"1-3": (1, 3), "4-6": (4, 6), "7-9": (7, 9)}


def _search(qs: QuerySet, q: str, fields: tuple[str, ...]) -> QuerySet:
    for term in q.split():
        condition = Q(pk__in=[])
        for name in fields:
            condition |= Q(**{f"{name}__icontains": term})
        qs = qs.filter(condition)
    return qs


def _published() -> QuerySet[Listing]:
    return Listing.objects.filter(status=ListingStatus.PUBLISHED).select_related("institution")


def listing_list(
    *, actor=None, q: str = "", institution: str = "", readiness: str = "", mode: str = ""
) -> QuerySet[Listing]:
    """Published listings, for everyone (signed in or not)."""
    qs = _published()
    q = (q or "").strip()
    if q:
        qs = _search(
            qs,
            q,
            (
                "title",
                "summary",
                "key_points",
                "applications",
                "institution__name",
                "institution__name_en",
            ),
        )
    if institution:
        qs = qs.filter(institution__slug=institution)
    if readiness in READINESS_BANDS:
        low, high = READINESS_BANDS[readiness]
        qs = qs.filter(trl__gte=low, trl__lte=high)
    if mode:
        qs = qs.filter(engagement_modes__icontains=f'"{mode}"')
    return qs.order_by("-published_at", "-pk")


def listing_institutions() -> QuerySet[Institution]:
    """The institutions with a published listing, for the public filter."""
    return Institution.objects.filter(listings__status=ListingStatus.PUBLISHED).distinct()


def listing_get(*, actor, pk) -> Listing:
    """A published listing for anyone; a draft or withdrawn one only for its office."""
    qs = Listing.objects.select_related("institution", "contact", "result")
    if scope_for(actor).user_id is None:
        try:
            return _published().select_related("contact").get(pk=pk)
        except (Listing.DoesNotExist, ValueError, TypeError) as exc:
            raise Http404(_("Not found.")) from exc
    return get_visible_or_404(actor, qs, pk=pk)


def listing_get_public(*, pk) -> Listing:
    """A published listing only, whoever asks (the public API)."""
    try:
        return _published().select_related("contact").get(pk=pk)
    except (Listing.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc


def office_listings(*, actor, status: str = "") -> QuerySet[Listing]:
    """Every listing of the actor's offices, whatever its status."""
    scope = scope_for(actor)
    qs = Listing.objects.select_related("institution", "result", "contact")
    if not scope.is_superuser:
        qs = qs.filter(institution_id__in=sorted(scope.staff_institution_ids))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-updated_at", "-pk")


def listable_results(*, actor) -> QuerySet[Result]:
    """Results the actor's offices may list on the marketplace."""
    scope = scope_for(actor)
    qs = Result.objects.exclude(status=ResultStatus.MERGED).select_related("institution")
    if not scope.is_superuser:
        qs = qs.filter(institution_id__in=sorted(scope.staff_institution_ids))
    return qs.order_by("-created_at", "-pk")


def listable_result_get(*, actor, pk) -> Result:
    try:
        return listable_results(actor=actor).get(pk=pk)
    except (Result.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc


def demand_list(
    *,
    actor,
    q: str = "",
    mode: str = "",
    region: str = "",
    industry: str = "",
    status: str = DemandStatus.OPEN,
) -> QuerySet[Demand]:
    """Open demands for every signed-in user; closed ones only for their enterprise."""
    qs = visible_to(actor, Demand.objects.select_related("institution", "industry"))
    q = (q or "").strip()
    if q:
        qs = _search(qs, q, ("title", "problem", "key_points", "goals", "institution__name"))
    if mode:
        qs = qs.filter(cooperation_mode=mode)
    if region:
        qs = qs.filter(region=region)
    if industry:
        qs = qs.filter(Q(industry__code=industry) | Q(industry__parent__code=industry))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def demand_get(*, actor, pk) -> Demand:
    return get_visible_or_404(
        actor, Demand.objects.select_related("institution", "industry", "author"), pk=pk
    )


# --- expert profiles -------------------------------------------------------------------------

EXPERT_SEARCH_FIELDS = (
    "user__name",
    "user__name_en",
    "title",
    "fields",
    "bio",
    "institution__name",
    "institution__name_en",
    "department__name",
)


def _search_keywords(qs: QuerySet, q: str, fields: tuple[str, ...]) -> QuerySet:
    """``_search`` over ``fields`` and the JSON ``keywords`` list. SQLite keeps JSON with
    non-ASCII characters escaped, so each term is also matched in its escaped form."""
    for term in q.split():
        escaped = json.dumps(term)[1:-1]
        condition = Q(keywords__icontains=term) | Q(keywords__icontains=escaped)
        for name in fields:
            condition |= Q(**{f"{name}__icontains": term})
        qs = qs.filter(condition)
    return qs


def _industry_filter(qs: QuerySet, code: str, path: str = "industry") -> QuerySet:
    """A division code, or a section code for every division of the section."""
    return qs.filter(Q(**{f"{path}__code": code}) | Q(**{f"{path}__parent__code": code}))


def _experts(actor) -> QuerySet[ExpertProfile]:
    """Public profiles for everyone; for a signed-in user also their own and, for office staff,
    their institution's unpublished ones."""
    qs = ExpertProfile.objects.filter(user__is_active=True).select_related(
        "user", "institution", "department", "industry"
    )
    if scope_for(actor).user_id is None:
        return qs.filter(is_public=True)
    return visible_to(actor, qs)


def expert_list(
    *, actor=None, q: str = "", institution: str = "", industry: str = ""
) -> QuerySet[ExpertProfile]:
    qs = _experts(actor)
    q = (q or "").strip()
    if q:
        qs = _search_keywords(qs, q, EXPERT_SEARCH_FIELDS)
    if institution:
        qs = qs.filter(institution__slug=institution)
    if industry:
        qs = _industry_filter(qs, industry)
    return qs.order_by("-is_public", "institution__name", "user__name", "pk")


def expert_list_public(**filters) -> QuerySet[ExpertProfile]:
    """Public profiles only, whoever asks (the public API)."""
    return expert_list(actor=None, **filters)


def expert_get(*, actor, pk) -> ExpertProfile:
    """A public profile for anyone; an unpublished one for the person and their office."""
    try:
        return _experts(actor).get(pk=pk)
    except (ExpertProfile.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc


def expert_get_public(*, pk) -> ExpertProfile:
    return expert_get(actor=None, pk=pk)


def expert_institutions() -> QuerySet[Institution]:
    """The institutions with a public expert, for the filter."""
    return Institution.objects.filter(
        expert_profiles__is_public=True, expert_profiles__user__is_active=True
    ).distinct()


def expert_listings(*, expert: ExpertProfile) -> QuerySet[Listing]:
    """The expert's results on the marketplace (published listings only: public anyway)."""
    return expert.published_listings()


def own_expert_profile(*, actor) -> ExpertProfile | None:
    if scope_for(actor).user_id is None:
        return None
    return (
        ExpertProfile.objects.select_related("institution", "department", "industry")
        .filter(user_id=actor.pk)
        .first()
    )


# --- enterprises -----------------------------------------------------------------------------

ENTERPRISE_SEARCH_FIELDS = (
    "name",
    "name_en",
    "short_name",
    "city",
    "description",
    "enterprise_profile__main_products",
    "enterprise_profile__tech_fields",
)


def _enterprises(actor) -> QuerySet[Institution]:
    """Enterprises the user may see (listed ones, and their own), with their profile."""
    qs = Institution.objects.filter(kind=InstitutionKind.ENTERPRISE).select_related(
        "enterprise_profile", "enterprise_profile__industry"
    )
    return visible_to(actor, qs)


def enterprise_list(
    *, actor, q: str = "", industry: str = "", region: str = "", size: str = ""
) -> QuerySet[Institution]:
    qs = _enterprises(actor)
    q = (q or "").strip()
    if q:
        qs = _search(qs, q, ENTERPRISE_SEARCH_FIELDS)
    if industry:
        qs = _industry_filter(qs, industry, "enterprise_profile__industry")
    if region:
        qs = qs.filter(province=region)
    if size:
        qs = qs.filter(enterprise_profile__size=size)
    open_demands = Count("demands", filter=Q(demands__status=DemandStatus.OPEN))
    return qs.annotate(open_demand_count=open_demands).order_by("name", "pk")


def enterprise_get(*, actor, slug) -> Institution:
    return get_visible_or_404(actor, _enterprises(actor), slug=slug)


def enterprise_profile_of(institution: Institution) -> EnterpriseProfile | None:
    """The enterprise's profile, or None before its users wrote one."""
    try:
        return institution.enterprise_profile
    except EnterpriseProfile.DoesNotExist:
        return None


def enterprise_demands(*, actor, institution: Institution) -> QuerySet[Demand]:
    """The enterprise's open demands (what every signed-in user sees of them)."""
    return demand_list(actor=actor).filter(institution=institution)
