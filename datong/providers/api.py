# No "from __future__ import annotations": django-ninja must resolve Query[...] under @paginate.
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from datong.results.selectors import disclosure_get

from . import selectors, services
from .schemas import (
    PerformanceOut,
    ProviderDetailOut,
    ProviderOut,
    RecommendationOut,
    ReviewIn,
    ReviewOut,
)

router = Router(tags=["providers"])


class ProviderFilter(Schema):
    q: str = ""
    category: str = ""
    field: str = ""
    province: str = ""
    recommended: bool = False
    sort: str = "rating"


def _review(item) -> dict:
    r = item.review
    return {
        "id": r.pk,
        "reviewer_institution": r.reviewer_institution.display_name,
        "rating": r.rating,
        "comment": r.comment,
        "created_at": r.created_at.isoformat(),
        "engagement": item.engagement,
    }


@router.get("/providers", response=list[ProviderOut], summary="The service-provider directory")
@paginate(PageNumberPagination, page_size=25)
def providers(request: HttpRequest, filters: Query[ProviderFilter]):
    return selectors.provider_list(actor=request.user, **filters.dict())


@router.get("/providers/{slug}", response=ProviderDetailOut, summary="One provider's profile")
def provider(request: HttpRequest, slug: str):
    item = selectors.provider_get(actor=request.user, slug=slug)
    item.people = list(selectors.provider_people(actor=request.user, provider=item))
    return item


@router.get(
    "/providers/{slug}/performance",
    response=PerformanceOut,
    summary="Measured performance from the filings naming the provider as agency",
)
def provider_performance(request: HttpRequest, slug: str):
    item = selectors.provider_get(actor=request.user, slug=slug)
    return selectors.provider_performance(actor=request.user, provider=item).as_dict()


@router.get("/providers/{slug}/reviews", response=list[ReviewOut], summary="Member reviews")
def provider_reviews(request: HttpRequest, slug: str):
    item = selectors.provider_get(actor=request.user, slug=slug)
    return [_review(r) for r in selectors.review_list(actor=request.user, provider=item)]


@router.post(
    "/providers/{slug}/reviews",
    response={201: ReviewOut},
    summary="Review an engagement (the office of the institution that engaged the provider)",
)
def provider_review_create(request: HttpRequest, slug: str, payload: ReviewIn):
    item = selectors.provider_get(actor=request.user, slug=slug)
    filing = selectors.engagement_get(actor=request.user, provider=item, pk=payload.filing)
    review = services.review_create(
        actor=request.user, filing=filing, rating=payload.rating, comment=payload.comment
    )
    return 201, _review(selectors.ReviewView(review=review, engagement=str(filing)))


@router.get(
    "/disclosures/{disclosure_id}/recommended-agencies",
    response=list[RecommendationOut],
    tags=["providers", "results"],
    summary="Patent agencies ranked for a disclosure, with reasons (its office only)",
)
def recommended_agencies(request: HttpRequest, disclosure_id: int):
    disclosure = disclosure_get(actor=request.user, pk=disclosure_id)
    return [
        {
            "slug": r.provider.slug,
            "name": r.provider.display_name,
            "score": r.score,
            "reasons": r.reasons,
            "is_recommended": bool(r.profile and r.profile.is_recommended),
            "cases": r.performance.cases if r.performance else 0,
            "rating": round(r.rating, 2) if r.rating is not None else None,
            "review_count": r.review_count,
        }
        for r in selectors.recommend_agencies(actor=request.user, disclosure=disclosure)
    ]
