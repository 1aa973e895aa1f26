"""Scoped reads of disclosures and results."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from datong.core.permissions import get_visible_or_404, scope_for, visible_to

from . import quality
from .models import (
    Classification,
    Disclosure,
    DisclosureComment,
    DisclosureStatus,
    Inventor,
    Result,
    ResultInventor,
    ResultStatus,
    Scheme,
)


def disclosure_list(*, actor, box: str = "mine", status: str = "", q: str = "") -> QuerySet:
    """``box``: ``mine`` (disclosed by me or naming me), ``office`` (my institutions' queue)."""
    qs = visible_to(actor, Disclosure.objects.all()).select_related(
        "institution", "created_by", "manager"
    )
    scope = scope_for(actor)
    if box == "office":
        if not scope.is_superuser:
            qs = qs.filter(institution_id__in=sorted(scope.staff_institution_ids))
        qs = qs.exclude(status=DisclosureStatus.DRAFT)
    else:
        qs = qs.filter(Q(created_by=actor) | Q(inventors__user=actor)).distinct()
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(number__icontains=q) | Q(title_en__icontains=q))
    return qs.order_by("-updated_at")


def open_disclosure_count(*, actor) -> int:
    """Disclosures not yet decided among those the actor may see (their own and, for the
    office, their institutions')."""
    return visible_to(actor, Disclosure.objects.exclude(status=DisclosureStatus.DECIDED)).count()


def disclosure_get(*, actor, pk: int) -> Disclosure:
    qs = Disclosure.objects.select_related(
        "institution", "department", "created_by", "manager", "industry", "sei", "result"
    )
    return get_visible_or_404(actor, qs, pk=pk)


def disclosure_comments(*, actor, disclosure: Disclosure) -> QuerySet:
    """Inventors see the comments addressed to them; the office sees every comment."""
    qs = DisclosureComment.objects.filter(disclosure=disclosure).select_related("author")
    if not scope_for(actor).is_staff_of(disclosure.institution_id):
        qs = qs.filter(for_inventors=True)
    return qs


def my_inventorship(*, actor, disclosure: Disclosure) -> Inventor | None:
    return disclosure.inventors.filter(user=actor).first()


def similar_to_disclosure(*, actor, disclosure: Disclosure) -> dict:
    """Similar results in the same institution (with scores) and, as a count only, elsewhere
    in the institution's alliances."""
    return similar_to_text(
        institution=disclosure.institution,
        title=disclosure.title,
        abstract=disclosure.abstract,
        keywords=disclosure.keywords,
    )


def _registry_rows(qs):
    return qs.exclude(status=ResultStatus.MERGED).values(
        "id", "number", "title", "abstract", "keywords"
    )


def similarity_indexes(institution) -> tuple[quality.SimilarityIndex, quality.SimilarityIndex]:
    """Indexes over the institution's own registry and over its alliance partners' registries
    (the latter is only ever reported as a count: other members' records stay confidential)."""
    own = quality.SimilarityIndex(
        list(_registry_rows(Result.objects.filter(institution=institution)))
    )
    partners = (
        Result.objects.filter(
            institution__alliance_memberships__alliance__memberships__institution=institution
        )
        .exclude(institution=institution)
        .distinct()
    )
    return own, quality.SimilarityIndex(list(_registry_rows(partners)))


def similar_to_text(
    *, institution, title: str, abstract: str = "", keywords=(), indexes=None
) -> dict:
    own, partners = indexes or similarity_indexes(institution)
    return {
        "matches": own.query(title, abstract, keywords),
        "alliance_count": len(partners.query(title, abstract, keywords, limit=10_000)),
    }


def _search_terms(q: str) -> list[str]:
    return [t for t in unicodedata.normalize("NFKC", q).lower().split() if t]


def result_list(
    *,
    actor,
    q: str = "",
    institution: str = "",
    status: str = "",
    industry: str = "",
    trl: str = "",
    ip_type: str = "",
    department: str = "",
    completeness_below: str = "",
    sort: str = "-created",
) -> QuerySet:
    qs = visible_to(actor, Result.objects.all()).select_related(
        "institution", "department", "industry"
    )
    for term in _search_terms(q):
        qs = qs.filter(search_text__contains=term)
    if institution:
        qs = qs.filter(institution__slug=institution)
    if status:
        qs = qs.filter(status=status)
    if industry:
        qs = qs.filter(Q(industry__code=industry) | Q(industry__parent__code=industry))
    if trl and trl.isdigit():
        qs = qs.filter(trl=int(trl))
    if ip_type:
        qs = qs.filter(ip_types__icontains=f'"{ip_type}"')
    if department and department.isdigit():
        qs = qs.filter(department_id=int(department))
    if completeness_below and completeness_below.isdigit():
        qs = qs.filter(completeness__lt=int(completeness_below))
    order = {
        "-created": ("-created_at", "-pk"),
        "created": ("created_at", "pk"),
        "title": ("title", "pk"),
        "number": ("number",),
        "trl": ("-trl", "-pk"),
        "completeness": ("completeness", "pk"),
    }.get(sort, ("-created_at", "-pk"))
    return qs.order_by(*order)


def result_get(*, actor, pk: int) -> Result:
    qs = Result.objects.select_related(
        "institution", "department", "industry", "sei", "merged_into", "created_by"
    )
    return get_visible_or_404(actor, qs, pk=pk)


def result_timeline(*, actor, result: Result) -> QuerySet:
    """The result's events (the result itself was already checked with ``result_get``)."""
    return result.events.select_related("actor").order_by("at", "pk")


def classifications(scheme: str) -> QuerySet:
    return Classification.objects.filter(scheme=scheme).select_related("parent")


def industry_divisions() -> QuerySet:
    return classifications(Scheme.INDUSTRY).filter(parent__isnull=False)


# --- data quality ----------------------------------------------------------------------------


def quality_report(*, actor, institution) -> dict:
    """The data-quality report of one institution: its office's view of its registry."""
    if not scope_for(actor).is_staff_of(institution.pk):
        raise Http404(_("Not found."))
    results = Result.objects.filter(institution=institution).exclude(status=ResultStatus.MERGED)
    total = results.count()
    bands = [(0, 40), (40, 60), (60, 80), (80, 101)]
    distribution = [
        (
            f"{low}–{min(high, 100)}",
            results.filter(completeness__gte=low, completeness__lt=high).count(),
        )
        for low, high in bands
    ]
    incomplete = list(results.filter(completeness__lt=60).order_by("completeness", "pk")[:200])
    missing = {r.pk: quality.completeness(r)[1] for r in incomplete}
    rows = list(results.values("id", "number", "title", "abstract", "keywords"))
    pairs = quality.duplicate_pairs(rows)
    names = list(
        ResultInventor.objects.filter(result__institution=institution).values_list(
            "name", "user_id"
        )
    )
    accounts = {
        uid: (name, pinyin)
        for uid, name, pinyin in ResultInventor.objects.filter(
            result__institution=institution, user__isnull=False
        )
        .values_list("user_id", "user__name", "user__name_en")
        .distinct()
    }
    stale_before = timezone.now() - dt.timedelta(days=90)
    stale = (
        Disclosure.objects.filter(
            institution=institution, status=DisclosureStatus.DRAFT, updated_at__lt=stale_before
        )
        .select_related("created_by")
        .order_by("updated_at")
    )
    by_status = dict(
        results.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {
        "institution": institution,
        "total": total,
        "average": round(sum(results.values_list("completeness", flat=True)) / total)
        if total
        else 0,
        "distribution": distribution,
        "incomplete": [(r, missing[r.pk]) for r in incomplete],
        "duplicates": pairs[:200],
        "name_groups": quality.inventor_name_groups(names, accounts),
        "stale_drafts": list(stale[:200]),
        "by_status": [(label, by_status.get(value, 0)) for value, label in ResultStatus.choices],
    }
