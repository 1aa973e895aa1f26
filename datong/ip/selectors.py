"""Scoped reads of IP records."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from datong.core.permissions import get_visible_or_404, visible_to

from .models import Filing, IPFamily


def family_list(
    *,
    actor,
    q: str = "",
    institution: str = "",
    ip_type: str = "",
    legal_status: str = "",
    sort: str = "-created",
) -> QuerySet[IPFamily]:
    qs = visible_to(actor, IPFamily.objects.select_related("institution", "result"))
    if q:
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(title_en__icontains=q)
            | Q(reference__icontains=q)
            | Q(filings__application_number__icontains=q.replace(" ", ""))
        ).distinct()
    if institution:
        qs = qs.filter(institution__slug=institution)
    if ip_type:
        qs = qs.filter(ip_type=ip_type)
    if legal_status:
        qs = qs.filter(filings__legal_status=legal_status).distinct()
    qs = qs.annotate(filing_count=Count("filings", distinct=True))
    order = {
        "-created": ("-created_at", "-pk"),
        "title": ("title", "pk"),
        "reference": ("reference", "pk"),
    }.get(sort, ("-created_at", "-pk"))
    return qs.order_by(*order)


def family_get(*, actor, pk: int) -> IPFamily:
    return get_visible_or_404(
        actor, IPFamily.objects.select_related("institution", "result"), pk=pk
    )


def filing_list(*, actor, family: IPFamily | None = None) -> QuerySet[Filing]:
    """Filings of the families the actor may see."""
    qs = visible_to(actor, Filing.objects.select_related("family", "agency", "parent"))
    return qs.filter(family=family) if family is not None else qs


def filing_get(*, actor, pk: int) -> Filing:
    return get_visible_or_404(actor, Filing.objects.select_related("family", "agency"), pk=pk)
