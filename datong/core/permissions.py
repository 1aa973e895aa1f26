"""Permission scoping: the one way selectors return only what the acting user may see.

A scoped model declares a :class:`ScopeRule` as ``scope_rule``; a selector passes its queryset
through :func:`visible_to` with the acting user. A record outside the user's scope is simply
absent, so a guessed page URL or API id answers 404, never 403, and leaks nothing.

Three kinds of reach, as the product needs them:

* **own records** — ``owner``: a lookup path to the user who owns the row;
* **own institution** — ``institution``: a lookup path to the owning institution's id; with
  ``staff_only`` only the institution's staff roles (transfer office, technology managers,
  alliance administrators) reach it, otherwise every member does;
* **public** — ``public``: a ``Q`` of rows every signed-in user may see.

Alliance aggregates are not rows: selectors that compute them call :func:`require_alliance_view`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .roles import ALLIANCE_VIEW_ROLES, STAFF_ROLES


@dataclass(frozen=True)
class Scope:
    """What one user can reach, computed once per request from their memberships."""

    user_id: int | None
    is_superuser: bool = False
    roles: dict[int, frozenset[str]] = field(default_factory=dict)
    alliance_ids: frozenset[int] = frozenset()

    @property
    def institution_ids(self) -> frozenset[int]:
        return frozenset(self.roles)

    @property
    def staff_institution_ids(self) -> frozenset[int]:
        return frozenset(i for i, roles in self.roles.items() if roles & STAFF_ROLES)

    def has_role(self, institution_id: int | None, *roles: str) -> bool:
        return bool(self.roles.get(institution_id, frozenset()) & set(roles))

    def is_member(self, institution_id: int | None) -> bool:
        return self.is_superuser or institution_id in self.roles

    def is_staff_of(self, institution_id: int | None) -> bool:
        return self.is_superuser or institution_id in self.staff_institution_ids

    def can_view_alliance(self, alliance_id: int) -> bool:
        return self.is_superuser or alliance_id in self.alliance_ids


ANONYMOUS = Scope(user_id=None)
_CACHE_ATTR = "_datong_scope"


def scope_for(user) -> Scope:
    """The user's scope, cached on the user object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    membership = apps.get_model("institutions", "Membership")
    alliance = apps.get_model("institutions", "Alliance")
    roles: dict[int, set[str]] = {}
    for institution_id, role in membership.objects.filter(user_id=user.pk).values_list(
        "institution_id", "role"
    ):
        roles.setdefault(institution_id, set()).add(role)
    viewer_institutions = [i for i, r in roles.items() if r & ALLIANCE_VIEW_ROLES]
    alliance_ids = frozenset(
        alliance.objects.filter(secretariat_id__in=viewer_institutions).values_list("pk", flat=True)
    )
    scope = Scope(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        roles={k: frozenset(v) for k, v in roles.items()},
        alliance_ids=alliance_ids,
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after the user's memberships changed."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


@dataclass(frozen=True)
class ScopeRule:
    institution: str | None = None
    #: One lookup path to the owning user, or several (any of them makes the row "own").
    owner: str | tuple[str, ...] | None = None
    public: Q | None = None
    staff_only: bool = False
    #: Set when ``institution`` or ``owner`` crosses a to-many relation, to avoid duplicate rows.
    distinct: bool = False

    def condition(self, scope: Scope) -> Q:
        condition = Q(pk__in=[])
        if self.public is not None:
            condition |= self.public
        owners = (self.owner,) if isinstance(self.owner, str) else (self.owner or ())
        for path in owners:
            condition |= Q(**{path: scope.user_id})
        if self.institution:
            ids = scope.staff_institution_ids if self.staff_only else scope.institution_ids
            if ids:
                condition |= Q(**{f"{self.institution}__in": sorted(ids)})
        return condition


def visible_to(user, queryset: QuerySet, rule: ScopeRule | None = None) -> QuerySet:
    """Narrow ``queryset`` to the rows ``user`` may see under ``rule`` (default: the model's)."""
    rule = rule or getattr(queryset.model, "scope_rule", None)
    if rule is None:
        raise TypeError(f"{queryset.model.__name__} declares no scope_rule")
    scope = scope_for(user)
    if scope.is_superuser:
        return queryset
    if scope.user_id is None:
        return queryset.none()
    condition = rule.condition(scope)
    if rule.distinct:
        manager = queryset.model._default_manager
        return queryset.filter(pk__in=manager.filter(condition).values("pk"))
    return queryset.filter(condition)


def get_visible_or_404(user, queryset: QuerySet, rule: ScopeRule | None = None, **lookup) -> Model:
    """One row the user may see, or 404 — the same answer whether it is hidden or absent."""
    try:
        return visible_to(user, queryset, rule).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError) as exc:
        raise Http404(_("Not found.")) from exc


def require(condition: bool, message: str | None = None) -> None:
    """Refuse a write the acting user is not allowed to make."""
    if not condition:
        raise PermissionDenied(message or _("You do not have permission to do this."))


def require_staff(user, institution_id: int | None) -> None:
    require(
        scope_for(user).is_staff_of(institution_id),
        _("Only the transfer office of this institution may do this."),
    )


def require_alliance_view(user, alliance_id: int) -> None:
    """Alliance aggregates: secretariat administrators and observers (404 for anyone else)."""
    if not scope_for(user).can_view_alliance(alliance_id):
        raise Http404(_("Not found."))


def works_in_an_office(user) -> bool:
    """Transfer-office staff (or technology manager, alliance administrator) somewhere, or a
    site administrator: for menu entries of office pages."""
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.staff_institution_ids)
