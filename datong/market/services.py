"""Writes to the marketplace: listings (by the transfer office) and demands (by enterprises)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from datong.accounts.models import User
from datong.core import audit
from datong.core.permissions import require, require_staff, scope_for
from datong.core.roles import Role
from datong.core.validation import length_errors
from datong.institutions.models import Institution, InstitutionKind, Membership
from datong.institutions.regions import PROVINCES
from datong.notifications.services import notify
from datong.results.models import Classification, Result, ResultStatus, Scheme
from datong.results.services import split_keywords

from .models import Demand, DemandStatus, EngagementMode, Listing, ListingStatus

LISTING_FIELDS = (
    "title",
    "summary",
    "key_points",
    "applications",
    "engagement_modes",
    "ip_status",
    "trl",
    "contact",
)
DEMAND_FIELDS = (
    "title",
    "problem",
    "key_points",
    "goals",
    "keywords",
    "budget",
    "cooperation_mode",
    "industry",
    "region",
    "deadline",
)
MANAGER_ROLES = (Role.TECH_MANAGER, Role.TTO_STAFF)
MAX_MESSAGE = 2000


def _strip(data: dict, fields) -> dict:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in fields}


def contact_candidates(institution_id: int):
    """The users who may be named as a listing's contact: the institution's technology managers
    and transfer-office staff."""
    return (
        User.objects.filter(
            memberships__institution_id=institution_id, memberships__role__in=MANAGER_ROLES
        )
        .distinct()
        .order_by("name", "pk")
    )


def _as_user(value) -> User | None:
    if value in (None, ""):
        return None
    if isinstance(value, User):
        return value
    try:
        return User.objects.get(pk=int(value))
    except (User.DoesNotExist, TypeError, ValueError):
        return False  # type: ignore[return-value]


def _clean_listing(data: dict, institution_id: int) -> dict:
    cleaned = _strip(data, LISTING_FIELDS)
    errors = length_errors(Listing, cleaned)
    if "title" in cleaned and not cleaned["title"]:
        errors["title"] = _("Give the public title.")
    if "engagement_modes" in cleaned:
        modes = cleaned["engagement_modes"] or []
        if isinstance(modes, str):
            modes = [m for m in modes.replace("，", ",").split(",") if m.strip()]
        modes = [str(m).strip() for m in modes]
        if any(m not in EngagementMode.values for m in modes):
            errors["engagement_modes"] = _("Choose engagement modes from the list.")
        cleaned["engagement_modes"] = list(dict.fromkeys(modes))
    if "trl" in cleaned:
        trl = cleaned["trl"]
        if trl in ("", None):
            cleaned["trl"] = None
        else:
            try:
                cleaned["trl"] = int(trl)
                if not 1 <= cleaned["trl"] <= 9:
                    raise ValueError
            except (TypeError, ValueError):
                errors["trl"] = _("Give a readiness level from 1 to 9.")
    if "contact" in cleaned:
        user = _as_user(cleaned["contact"])
        if user is False or (
            user is not None
            and not Membership.objects.filter(
                user=user, institution_id=institution_id, role__in=MANAGER_ROLES
            ).exists()
        ):
            errors["contact"] = _(
                "The contact must be a technology manager or transfer-office staff member of "
                "the institution."
            )
        cleaned["contact"] = user or None
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def listing_create(*, actor: User, result: Result, data: dict | None = None) -> Listing:
    """A draft listing of ``result``: the public title and summary default from the result's
    title and abstract; nothing confidential is copied."""
    require_staff(actor, result.institution_id)
    if result.status == ResultStatus.MERGED:
        raise ValidationError({"result": _("A merged result cannot be listed.")})
    data = dict(data or {})
    data.setdefault("title", result.title)
    data.setdefault("summary", result.abstract)
    data.setdefault("trl", result.trl)
    cleaned = _clean_listing(data, result.institution_id)
    listing = Listing(result=result, institution_id=result.institution_id)
    audit.apply_changes(listing, cleaned, LISTING_FIELDS)
    listing.save()
    audit.record(
        actor=actor,
        action="market.listing_create",
        obj=listing,
        changes=audit.snapshot(listing, ("title", "status")),
    )
    return listing


@transaction.atomic
def listing_update(*, actor: User, listing: Listing, data: dict) -> Listing:
    require_staff(actor, listing.institution_id)
    cleaned = _clean_listing(data, listing.institution_id)
    changes = audit.apply_changes(listing, cleaned, LISTING_FIELDS)
    if changes:
        listing.save()
        audit.record(actor=actor, action="market.listing_update", obj=listing, changes=changes)
    return listing


@transaction.atomic
def listing_publish(*, actor: User, listing: Listing) -> Listing:
    require_staff(actor, listing.institution_id)
    errors = {}
    if listing.status == ListingStatus.PUBLISHED:
        errors["status"] = _("The listing is already published.")
    if not listing.summary.strip():
        errors["summary"] = _("Write the public summary before publishing.")
    if not listing.engagement_modes:
        errors["engagement_modes"] = _("Choose at least one engagement mode before publishing.")
    if listing.contact_id is None:
        errors["contact"] = _("Name the technology manager to contact before publishing.")
    if errors:
        raise ValidationError(errors)
    before = listing.status
    listing.status = ListingStatus.PUBLISHED
    listing.published_at = timezone.now()
    listing.save()
    audit.record(
        actor=actor,
        action="market.listing_publish",
        obj=listing,
        changes={"status": [before, listing.status]},
    )
    return listing


@transaction.atomic
def listing_withdraw(*, actor: User, listing: Listing) -> Listing:
    require_staff(actor, listing.institution_id)
    if listing.status != ListingStatus.PUBLISHED:
        raise ValidationError({"status": _("Only a published listing can be withdrawn.")})
    listing.status = ListingStatus.WITHDRAWN
    listing.save()
    audit.record(
        actor=actor,
        action="market.listing_withdraw",
        obj=listing,
        changes={"status": [ListingStatus.PUBLISHED, listing.status]},
    )
    return listing


@transaction.atomic
def listing_contact(*, actor: User, listing: Listing, message: str) -> Listing:
    """A signed-in user writes to the listing's technology manager."""
    require(
        getattr(actor, "is_authenticated", False), _("Log in to contact the technology manager.")
    )
    require(
        listing.status == ListingStatus.PUBLISHED
        or scope_for(actor).is_staff_of(listing.institution_id)
    )
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Write your message.")})
    if len(message) > MAX_MESSAGE:
        raise ValidationError({"message": _("At most 2000 characters.")})
    if listing.contact_id is None:
        raise ValidationError({"message": _("This listing names no technology manager.")})
    name = actor.get_full_name() or actor.get_username()
    notify(
        users=[listing.contact],
        title=_("%(name)s asks about “%(title)s”") % {"name": name, "title": listing.title},
        body=message,
        url=reverse("market-detail", args=[listing.pk]),
        actor=actor,
    )
    audit.record(actor=actor, action="market.listing_contact", obj=listing, message=message)
    return listing


# --- demands ---------------------------------------------------------------------------------


def can_post_demand(user, institution: Institution) -> bool:
    scope = scope_for(user)
    return institution.kind == InstitutionKind.ENTERPRISE and (
        scope.is_superuser or scope.has_role(institution.pk, Role.ENTERPRISE_USER)
    )


def demand_institutions(user):
    """The enterprises the user may post demands for."""
    scope = scope_for(user)
    qs = Institution.objects.filter(kind=InstitutionKind.ENTERPRISE)
    if scope.is_superuser:
        return qs
    ids = [i for i in scope.roles if scope.has_role(i, Role.ENTERPRISE_USER)]
    return qs.filter(pk__in=ids)


def _require_enterprise_user(actor, institution: Institution) -> None:
    require(
        can_post_demand(actor, institution),
        _("Only the enterprise's own users may post or edit its demands."),
    )


def _clean_demand(data: dict) -> dict:
    cleaned = _strip(data, DEMAND_FIELDS)
    errors = length_errors(Demand, cleaned)
    if "title" in cleaned and not cleaned["title"]:
        errors["title"] = _("Give the title.")
    if "keywords" in cleaned:
        cleaned["keywords"] = split_keywords(cleaned["keywords"])
    if "budget" in cleaned:
        budget = cleaned["budget"]
        if budget in ("", None):
            cleaned["budget"] = None
        else:
            try:
                budget = Decimal(str(budget)).quantize(Decimal("0.01"))
                if budget < 0:
                    errors["budget"] = _("The budget cannot be negative.")
                elif budget >= Decimal("10000000000"):
                    errors["budget"] = _("The budget is too large.")
                cleaned["budget"] = budget
            except (InvalidOperation, ValueError):
                errors["budget"] = _("Give the budget as a number of 10,000 yuan.")
    if cleaned.get("cooperation_mode") and cleaned["cooperation_mode"] not in (
        EngagementMode.values
    ):
        errors["cooperation_mode"] = _("Choose a cooperation mode from the list.")
    if "cooperation_mode" in cleaned and cleaned["cooperation_mode"] is None:
        cleaned["cooperation_mode"] = ""
    if "industry" in cleaned:
        value = cleaned["industry"]
        if value in ("", None):
            cleaned["industry"] = None
        elif not isinstance(value, Classification):
            cleaned["industry"] = Classification.objects.filter(
                scheme=Scheme.INDUSTRY, code=str(value)
            ).first()
            if cleaned["industry"] is None:
                errors["industry"] = _("Not a GB/T 4754 industry code.")
        elif value.scheme != Scheme.INDUSTRY:
            errors["industry"] = _("Not a GB/T 4754 industry code.")
    if cleaned.get("region") and cleaned["region"] not in {c for c, _zh, _en in PROVINCES}:
        errors["region"] = _("Choose a province from the list.")
    if "region" in cleaned and cleaned["region"] is None:
        cleaned["region"] = ""
    if "deadline" in cleaned:
        deadline = cleaned["deadline"]
        if deadline in ("", None):
            cleaned["deadline"] = None
        else:
            if isinstance(deadline, str):
                try:
                    deadline = dt.date.fromisoformat(deadline)
                except ValueError:
                    deadline = None
                    errors["deadline"] = _("Give the date as YYYY-MM-DD.")
            if deadline is not None and deadline < timezone.localdate():
                errors["deadline"] = _("The deadline cannot be in the past.")
            cleaned["deadline"] = deadline
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def demand_create(*, actor: User, institution: Institution, data: dict) -> Demand:
    _require_enterprise_user(actor, institution)
    data = dict(data)
    data.setdefault("title", "")
    cleaned = _clean_demand(data)
    demand = Demand(institution=institution, author=actor)
    audit.apply_changes(demand, cleaned, DEMAND_FIELDS)
    demand.save()
    audit.record(
        actor=actor,
        action="market.demand_create",
        obj=demand,
        changes=audit.snapshot(demand, ("title", "budget", "deadline")),
    )
    return demand


@transaction.atomic
def demand_update(*, actor: User, demand: Demand, data: dict) -> Demand:
    _require_enterprise_user(actor, demand.institution)
    if demand.status != DemandStatus.OPEN:
        raise ValidationError(_("A closed demand cannot be edited."))
    cleaned = _clean_demand(data)
    changes = audit.apply_changes(demand, cleaned, DEMAND_FIELDS)
    if changes:
        demand.save()
        audit.record(actor=actor, action="market.demand_update", obj=demand, changes=changes)
    return demand


@transaction.atomic
def demand_close(*, actor: User, demand: Demand) -> Demand:
    _require_enterprise_user(actor, demand.institution)
    if demand.status == DemandStatus.CLOSED:
        raise ValidationError({"status": _("The demand is already closed.")})
    demand.status = DemandStatus.CLOSED
    demand.save()
    audit.record(
        actor=actor,
        action="market.demand_close",
        obj=demand,
        changes={"status": [DemandStatus.OPEN, DemandStatus.CLOSED]},
    )
    return demand
