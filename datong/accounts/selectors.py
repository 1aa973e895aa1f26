"""Scoped reads of people and tokens."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from datong.core.permissions import get_visible_or_404, scope_for, visible_to
from datong.institutions.models import Membership

from .models import ApiToken, User


def _visible_memberships(actor) -> QuerySet[Membership]:
    """Memberships the actor may see: those in their own institutions, and their own."""
    scope = scope_for(actor)
    qs = Membership.objects.select_related("institution", "department")
    if scope.is_superuser:
        return qs
    return qs.filter(Q(institution_id__in=sorted(scope.institution_ids)) | Q(user_id=scope.user_id))


def people_list(
    *,
    actor,
    q: str = "",
    institution: str = "",
    role: str = "",
    department: int | str | None = None,
    sort: str = "name",
) -> QuerySet[User]:
    qs = visible_to(actor, User.objects.filter(is_active=True))
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(name_en__icontains=q)
            | Q(username__icontains=q)
            | Q(email__icontains=q)
        )
    membership_filter = Q()
    if institution:
        membership_filter &= Q(institution__slug=institution)
    if role:
        membership_filter &= Q(role=role)
    if department:
        membership_filter &= Q(department_id=department)
    if membership_filter:
        qs = qs.filter(
            pk__in=_visible_memberships(actor).filter(membership_filter).values("user_id")
        )
    order = {"name": ("name", "username"), "-name": ("-name",), "newest": ("-date_joined",)}
    return qs.order_by(*order.get(sort, ("name", "username"))).prefetch_related(
        Prefetch("memberships", queryset=_visible_memberships(actor), to_attr="visible_memberships")
    )


def person_get(*, actor, pk: int) -> User:
    qs = User.objects.filter(is_active=True).prefetch_related(
        Prefetch("memberships", queryset=_visible_memberships(actor), to_attr="visible_memberships")
    )
    return get_visible_or_404(actor, qs, pk=pk)


def token_list(*, actor) -> QuerySet[ApiToken]:
    return visible_to(actor, ApiToken.objects.filter(user_id=actor.pk))


def token_get(*, actor, pk: int) -> ApiToken:
    return get_visible_or_404(actor, ApiToken.objects.filter(user_id=actor.pk), pk=pk)
