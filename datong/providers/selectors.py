"""Scoped reads of the service-provider directory, and the agency recommendation."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from datong.core.permissions import get_visible_or_404, require_staff, scope_for, visible_to
from datong.institutions.models import Institution, InstitutionKind, Membership
from datong.ip.models import Filing
from datong.results.models import Classification, Disclosure, Scheme

from . import performance
from .models import ProviderCategory, ProviderProfile, ProviderReview
from .services import normalise_ipc_field

PROVIDER_SORTS = ("rating", "cases", "name")


def _providers(actor) -> QuerySet[Institution]:
    return visible_to(
        actor, Institution.objects.filter(kind=InstitutionKind.SERVICE_PROVIDER)
    ).select_related("provider_profile")


def _annotated(qs: QuerySet[Institution]) -> QuerySet[Institution]:
    cases = (
        Filing.objects.filter(agency=OuterRef("pk"))
        .order_by()
        .values("agency")
        .annotate(n=Count("pk"))
        .values("n")
    )
    reviews = ProviderReview.objects.filter(provider=OuterRef("pk")).order_by().values("provider")
    return qs.annotate(
        case_count=Coalesce(Subquery(cases, output_field=IntegerField()), Value(0)),
        review_count=Coalesce(
            Subquery(reviews.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
            Value(0),
        ),
        rating=Subquery(reviews.annotate(a=Avg("rating")).values("a")),
    )


def field_tags(code: str) -> list[str]:
    """The tags a profile may carry to cover ``code``: the code and the codes above it."""
    code = (code or "").strip()
    if not code:
        return []
    ipc = normalise_ipc_field(code)
    if ipc and not code.isdigit():
        return [ipc[:n] for n in (4, 3, 1) if len(ipc) >= n]
    tags = [code.upper() if code.isalpha() else code]
    parent = (
        Classification.objects.filter(scheme=Scheme.INDUSTRY, code=code)
        .values_list("parent__code", flat=True)
        .first()
    )
    if parent:
        tags.append(parent)
    return tags


def provider_list(
    *,
    actor,
    q: str = "",
    category: str = "",
    field: str = "",
    province: str = "",
    recommended: bool = False,
    sort: str = "rating",
) -> QuerySet[Institution]:
    """Service-provider institutions the actor may see, with ``case_count``, ``review_count``
    and ``rating`` annotated."""
    qs = _providers(actor)
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(name_en__icontains=q)
            | Q(short_name__icontains=q)
            | Q(city__icontains=q)
            | Q(provider_profile__services__icontains=q)
        )
    if category:
        qs = qs.filter(provider_profile__tags__contains=f"|{category}|")
    if field:
        condition = Q(pk__in=[])
        for tag in field_tags(field):
            condition |= Q(provider_profile__tags__contains=f"|{tag}|")
        qs = qs.filter(condition)
    if province:
        qs = qs.filter(province=province)
    if recommended:
        qs = qs.filter(provider_profile__is_recommended=True)
    qs = _annotated(qs)
    order = {
        "rating": (
            F("rating").desc(nulls_last=True),
            "-review_count",
            "-provider_profile__is_recommended",
            "name",
        ),
        "cases": ("-case_count", "name"),
        "name": ("name",),
    }.get(sort, ("name",))
    return qs.order_by(*order)


def provider_get(*, actor, slug: str) -> Institution:
    return get_visible_or_404(actor, _annotated(_providers(actor)), slug=slug)


def provider_profile(*, actor, provider: Institution) -> ProviderProfile | None:
    return visible_to(actor, ProviderProfile.objects.filter(institution=provider)).first()


def provider_people(*, actor, provider: Institution) -> QuerySet[Membership]:
    """A provider's people (its memberships): names and positions, for every signed-in user who
    sees the provider."""
    if not scope_for(actor).user_id:
        return Membership.objects.none()
    return (
        Membership.objects.filter(institution=provider)
        .select_related("user")
        .order_by("role", "user__name")
    )


def provider_performance(*, actor, provider: Institution) -> performance.Performance:
    """Aggregates only: every signed-in user who sees the provider sees its figures."""
    if not scope_for(actor).user_id:
        raise Http404(_("Not found."))
    return performance.performance_for(provider.pk)


@dataclass
class ReviewView:
    review: ProviderReview
    #: The filing behind the review: shown to the reviewing institution's members only.
    engagement: str = ""


def review_list(*, actor, provider: Institution) -> list[ReviewView]:
    scope = scope_for(actor)
    reviews = visible_to(
        actor,
        ProviderReview.objects.filter(provider=provider).select_related(
            "reviewer_institution", "author", "filing"
        ),
    )
    return [
        ReviewView(
            review=r,
            engagement=str(r.filing)
            if r.filing_id and scope.is_member(r.reviewer_institution_id)
            else "",
        )
        for r in reviews
    ]


def rating_summary(*, actor, provider: Institution) -> dict:
    agg = visible_to(actor, ProviderReview.objects.filter(provider=provider)).aggregate(
        average=Avg("rating"), count=Count("pk")
    )
    return {"average": agg["average"], "count": agg["count"]}


def reviewable_engagements(*, actor, provider: Institution) -> QuerySet[Filing]:
    """The filings naming ``provider`` that the actor's offices may review, not yet reviewed."""
    scope = scope_for(actor)
    qs = Filing.objects.filter(agency=provider, provider_reviews__isnull=True).select_related(
        "family"
    )
    if not scope.is_superuser:
        qs = qs.filter(family__institution_id__in=sorted(scope.staff_institution_ids))
    return qs.order_by("-filing_date", "-pk")


def engagement_get(*, actor, provider: Institution, pk) -> Filing:
    try:
        return reviewable_engagements(actor=actor, provider=provider).get(pk=pk)
    except (Filing.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc


# --- recommendation --------------------------------------------------------------------------

FIELD_POINTS = 40
PERFORMANCE_POINTS = 30
REVIEW_POINTS = 20
RECOMMENDED_POINTS = 10


@dataclass
class Recommendation:
    provider: Institution
    profile: ProviderProfile | None
    score: float
    reasons: list[str] = field(default_factory=list)
    performance: performance.Performance | None = None
    rating: float | None = None
    review_count: int = 0


def _disclosure_ipc(disclosure: Disclosure) -> list[str]:
    if not disclosure.result_id:
        return []
    codes: list[str] = []
    for family_codes in disclosure.result.ip_families.values_list("ipc_codes", flat=True):
        for code in family_codes or []:
            normalised = normalise_ipc_field(code)
            if normalised:
                codes.append(normalised)
    return list(dict.fromkeys(codes))


def _field_fit(disclosure: Disclosure, ipc: list[str], profile) -> tuple[float, list[str]]:
    """0–1 and the matched codes: IPC subclass 1, class 0.7, section 0.4; industry division
    0.8, section 0.4; a keyword named in the services offered 0.3 each (at most 0.6)."""
    if profile is None:
        return 0.0, []
    best, matched = 0.0, []
    own_ipc = set(profile.ipc_fields)
    for code in ipc:
        for length, weight in ((4, 1.0), (3, 0.7), (1, 0.4)):
            if len(code) >= length and code[:length] in own_ipc:
                best = max(best, weight)
                matched.append(code[:length])
                break
    industry = disclosure.industry
    if industry is not None:
        if industry.code in profile.industry_fields:
            best = max(best, 0.8)
            matched.append(industry.code)
        elif industry.parent_id and industry.parent.code in profile.industry_fields:
            best = max(best, 0.4)
            matched.append(industry.parent.code)
    words = [w for w in (disclosure.keywords or []) if w and w in (profile.services or "")]
    if words:
        best = max(best, min(0.6, 0.3 * len(words)))
        matched.extend(words)
    return best, list(dict.fromkeys(matched))


def recommend_agencies(*, actor, disclosure: Disclosure, limit: int = 10) -> list[Recommendation]:
    """Patent agencies ranked for ``disclosure``, each with its score (0–100) and the reasons:
    field fit (40), measured grant rate (30), member reviews (20), the alliance's
    recommendation (10). For the office of the disclosure's institution."""
    require_staff(actor, disclosure.institution_id)
    ipc = _disclosure_ipc(disclosure)
    candidates = list(
        _annotated(
            _providers(actor).filter(
                Q(provider_profile__tags__contains=f"|{ProviderCategory.PATENT_AGENCY}|")
                | Q(agency_filings__isnull=False)
            )
        )
        .distinct()
        .select_related("provider_profile")
    )
    figures = performance.agency_performance([c.pk for c in candidates])
    ranked = []
    for provider in candidates:
        profile = getattr(provider, "provider_profile", None)
        perf = figures[provider.pk]
        reasons: list[str] = []
        fit, matched = _field_fit(disclosure, ipc, profile)
        score = FIELD_POINTS * fit
        if matched:
            reasons.append(_("fields match: %(codes)s") % {"codes": ", ".join(matched)})
        if perf.grant_rate.shown:
            # Confidence grows with the cases behind the rate (full weight from 20 decided).
            weight = min(1.0, perf.grant_rate.cases / 20)
            score += PERFORMANCE_POINTS * perf.grant_rate.value * (0.5 + 0.5 * weight)
            reasons.append(
                _("grant rate %(rate)d %% over %(n)d cases")
                % {"rate": perf.grant_rate.percent, "n": perf.grant_rate.cases}
            )
        if provider.review_count:
            score += REVIEW_POINTS * (provider.rating / 5) * min(1.0, provider.review_count / 3)
            reasons.append(
                _("%(rating)s/5 from %(n)d reviews")
                % {"rating": f"{provider.rating:.1f}", "n": provider.review_count}
            )
        if profile is not None and profile.is_recommended:
            score += RECOMMENDED_POINTS
            reasons.append(_("recommended by the alliance"))
        ranked.append(
            Recommendation(
                provider=provider,
                profile=profile,
                score=round(score, 1),
                reasons=reasons,
                performance=perf,
                rating=provider.rating,
                review_count=provider.review_count,
            )
        )
    ranked.sort(key=lambda r: (-r.score, r.provider.name))
    return ranked[:limit]
