"""Scoped reads of the marketplace. Published listings are public (anonymous visitors too);
nothing here reads the confidential disclosure behind a result."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from datong.core.permissions import get_visible_or_404, scope_for, visible_to
from datong.institutions.models import Institution
from datong.results.models import Result, ResultStatus

from .models import Demand, DemandStatus, Listing, ListingStatus

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
