"""Scoped reads of institutions, departments and alliances."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from datong.core.permissions import get_visible_or_404, require_alliance_view, scope_for, visible_to

from .models import (
    Alliance,
    AllianceMember,
    Department,
    Institution,
    InstitutionKind,
    Membership,
)


def institution_list(
    *,
    actor,
    q: str = "",
    kind: str = "",
    province: str = "",
    alliance: str = "",
    sort: str = "name",
) -> QuerySet[Institution]:
    qs = visible_to(actor, Institution.objects.all())
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(name_en__icontains=q)
            | Q(short_name__icontains=q)
            | Q(city__icontains=q)
            | Q(slug__iexact=q)
        )
    if kind:
        qs = qs.filter(kind=kind)
    if province:
        qs = qs.filter(province=province)
    if alliance:
        qs = qs.filter(alliance_memberships__alliance__slug=alliance)
    qs = qs.annotate(department_count=Count("departments", distinct=True))
    order = {
        "name": ("name",),
        "-name": ("-name",),
        "kind": ("kind", "name"),
        "province": ("province", "name"),
        "newest": ("-created_at", "name"),
    }.get(sort, ("name",))
    return qs.order_by(*order)


def institution_get(*, actor, slug: str) -> Institution:
    return get_visible_or_404(actor, Institution.objects.all(), slug=slug)


def institution_get_by_id(*, actor, pk: int) -> Institution:
    return get_visible_or_404(actor, Institution.objects.all(), pk=pk)


def department_list(*, actor, institution: Institution) -> QuerySet[Department]:
    return (
        visible_to(actor, Department.objects.filter(institution=institution))
        .annotate(people_count=Count("memberships__user", distinct=True))
        .order_by("name")
    )


def member_list(*, actor, institution: Institution) -> QuerySet[Membership]:
    """The people of an institution with their roles — for its own members only."""
    if not scope_for(actor).is_member(institution.pk):
        return Membership.objects.none()
    return (
        Membership.objects.filter(institution=institution)
        .select_related("user", "department")
        .order_by("role", "user__name")
    )


def alliance_list(*, actor) -> QuerySet[Alliance]:
    return visible_to(actor, Alliance.objects.select_related("secretariat")).annotate(
        member_count=Count("memberships", distinct=True)
    )


def alliance_get(*, actor, slug: str) -> Alliance:
    return get_visible_or_404(actor, Alliance.objects.select_related("secretariat"), slug=slug)


def alliance_members(*, actor, alliance: Alliance) -> QuerySet[AllianceMember]:
    """Who belongs: public to signed-in users, but unlisted members only to those who see them."""
    visible = visible_to(actor, Institution.objects.all()).values("pk")
    return (
        AllianceMember.objects.filter(alliance=alliance, institution__in=visible)
        .select_related("institution")
        .order_by("institution__name")
    )


def alliance_figures(*, actor, alliance_slug: str) -> dict:
    """Aggregate figures per member and for the alliance: secretariat administrators and observers.

    Aggregates only: counts, never the records behind them.
    """
    alliance = get_object_or_404(Alliance, slug=alliance_slug)
    require_alliance_view(actor, alliance.pk)
    rows = list(
        Institution.objects.filter(alliance_memberships__alliance=alliance)
        .annotate(
            people=Count("memberships__user", distinct=True),
            researchers=Count(
                "memberships__user", filter=Q(memberships__role="researcher"), distinct=True
            ),
            office_staff=Count(
                "memberships__user",
                filter=Q(memberships__role__in=["tto_staff", "tech_manager"]),
                distinct=True,
            ),
            departments_n=Count("departments", distinct=True),
        )
        .order_by("name")
        .values(
            "slug",
            "name",
            "name_en",
            "kind",
            "province",
            "people",
            "researchers",
            "office_staff",
            "departments_n",
        )
    )
    totals = {
        key: sum(row[key] for row in rows)
        for key in ("people", "researchers", "office_staff", "departments_n")
    }
    return {"alliance": alliance, "members": rows, "totals": totals, "member_count": len(rows)}


def dashboard_figures(*, actor) -> dict:
    """The counts that exist so far, each scoped to what the actor may see."""
    from datong.accounts.selectors import people_list

    scope = scope_for(actor)
    institutions = visible_to(actor, Institution.objects.all())
    by_kind = dict(
        institutions.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    my_memberships = list(
        Membership.objects.filter(user=actor).select_related("institution", "department")
    )
    my_institution_ids = {m.institution_id for m in my_memberships}
    viewable_alliances = list(
        Alliance.objects.filter(pk__in=sorted(scope.alliance_ids)).order_by("name")
        if not scope.is_superuser
        else Alliance.objects.order_by("name")
    )
    return {
        "institution_count": institutions.count(),
        "institutions_by_kind": [
            (label, by_kind.get(value, 0)) for value, label in InstitutionKind.choices
        ],
        "people_count": people_list(actor=actor).count(),
        "department_count": Department.objects.filter(institution_id__in=my_institution_ids).count()
        if not scope.is_superuser
        else Department.objects.count(),
        "alliance_count": visible_to(actor, Alliance.objects.all()).count(),
        "my_memberships": my_memberships,
        "viewable_alliances": viewable_alliances,
        "is_staff_somewhere": bool(scope.staff_institution_ids) or scope.is_superuser,
    }
