"""Writes to the marketplace: listings (by the transfer office) and demands (by enterprises)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from datong.accounts.models import User
from datong.accounts.services import USERNAME_RE, user_create
from datong.core import audit
from datong.core.permissions import require, require_staff, scope_for
from datong.core.roles import Role
from datong.core.validation import length_errors
from datong.institutions import credit_code
from datong.institutions.models import Department, Institution, InstitutionKind, Membership
from datong.institutions.regions import PROVINCES
from datong.institutions.services import institution_create, membership_grant
from datong.ip.numbers import normalise_ipc
from datong.notifications.services import notify
from datong.results.models import Classification, Result, ResultStatus, Scheme
from datong.results.services import split_keywords

from .models import (
    Demand,
    DemandStatus,
    EngagementMode,
    EnterpriseProfile,
    EnterpriseSize,
    ExpertProfile,
    Listing,
    ListingStatus,
)

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
    "ipc_codes",
    "min_trl",
)
MANAGER_ROLES = (Role.TECH_MANAGER, Role.TTO_STAFF)
MAX_MESSAGE = 2000
MAX_IPC_CODES = 20


def _strip(data: dict, fields) -> dict:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in fields}


def _clean_trl(cleaned: dict, errors: dict, field: str) -> None:
    """A readiness level from 1 to 9 (or nothing) in ``cleaned[field]``."""
    if field not in cleaned:
        return
    value = cleaned[field]
    if value in ("", None):
        cleaned[field] = None
        return
    try:
        cleaned[field] = int(value)
        if not 1 <= cleaned[field] <= 9:
            raise ValueError
    except (TypeError, ValueError):
        errors[field] = _("Give a readiness level from 1 to 9.")


def _clean_industry(cleaned: dict, errors: dict) -> None:
    """A GB/T 4754 classification (or nothing) in ``cleaned["industry"]``, from its code."""
    if "industry" not in cleaned:
        return
    value = cleaned["industry"]
    if value in ("", None):
        cleaned["industry"] = None
    elif not isinstance(value, Classification):
        cleaned["industry"] = Classification.objects.filter(
            scheme=Scheme.INDUSTRY, code=str(value).strip().upper()
        ).first()
        if cleaned["industry"] is None:
            errors["industry"] = _("Not a GB/T 4754 industry code.")
    elif value.scheme != Scheme.INDUSTRY:
        errors["industry"] = _("Not a GB/T 4754 industry code.")


def _clean_ipc_codes(value, errors: dict) -> list[str]:
    """IPC classes from a list or from text separated by commas, semicolons or new lines,
    normalised (``h01m10/052`` → ``H01M 10/052``) and without repeats."""
    if isinstance(value, str):
        parts = re.split(r"[,，;；、\n]+", value)
    else:
        parts = [str(v) for v in (value or [])]
    parts = [p.strip() for p in parts if p and p.strip()]
    codes = [normalise_ipc(p) for p in parts]
    bad = [p for p, code in zip(parts, codes, strict=True) if code is None]
    if bad:
        errors["ipc_codes"] = _("Not an IPC code: %(codes)s (write e.g. H01M 10/052).") % {
            "codes": "、".join(bad[:5])
        }
    elif len(set(codes)) > MAX_IPC_CODES:
        errors["ipc_codes"] = _("At most %(count)d IPC classes.") % {"count": MAX_IPC_CODES}
    return list(dict.fromkeys(c for c in codes if c))


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
    _clean_trl(cleaned, errors, "trl")
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
    _clean_industry(cleaned, errors)
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
    _clean_trl(cleaned, errors, "min_trl")
    if "ipc_codes" in cleaned:
        cleaned["ipc_codes"] = _clean_ipc_codes(cleaned["ipc_codes"], errors)
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


# --- expert profiles -------------------------------------------------------------------------

EXPERT_FIELDS = (
    "institution",
    "department",
    "title",
    "fields",
    "keywords",
    "bio",
    "publications",
    "industry",
)
EXPERT_KINDS = (InstitutionKind.UNIVERSITY, InstitutionKind.RESEARCH_INSTITUTE)
MAX_PUBLICATIONS = 50


def expert_institutions(user) -> QuerySet[Institution]:
    """The universities and research institutes where ``user`` holds a role: where their expert
    profile may sit."""
    if not getattr(user, "pk", None):
        return Institution.objects.none()
    return (
        Institution.objects.filter(memberships__user_id=user.pk, kind__in=EXPERT_KINDS)
        .distinct()
        .order_by("name")
    )


def can_edit_expert(actor, profile: ExpertProfile) -> bool:
    scope = scope_for(actor)
    return scope.user_id is not None and (
        scope.user_id == profile.user_id or scope.is_staff_of(profile.institution_id)
    )


def _require_expert_editor(actor, user: User, institution_ids: set[int]) -> None:
    scope = scope_for(actor)
    allowed = scope.user_id is not None and (
        scope.user_id == user.pk
        or (bool(institution_ids) and all(scope.is_staff_of(i) for i in institution_ids))
    )
    require(
        allowed,
        _("Only the expert themself or their institution's transfer office may edit this profile."),
    )


def _as_instance(model, value, *lookups: str):
    """``value`` as a row of ``model``: the row itself, or found by one of ``lookups``; None for
    blank, False when nothing matches."""
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    for lookup in lookups:
        try:
            found = model.objects.filter(**{lookup: value}).first()
        except (TypeError, ValueError):
            continue
        if found is not None:
            return found
    return False


def _clean_publications(value: str, errors: dict) -> str:
    lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
    if len(lines) > MAX_PUBLICATIONS:
        errors["publications"] = _(
            "At most %(count)d publications, one a line (this has %(given)d)."
        ) % {"count": MAX_PUBLICATIONS, "given": len(lines)}
    return "\n".join(lines)


def _clean_expert(data: dict, user: User, profile: ExpertProfile | None) -> dict:
    cleaned = _strip(data, EXPERT_FIELDS)
    for name in ("title", "fields", "bio", "publications"):
        if name in cleaned and cleaned[name] is None:
            cleaned[name] = ""
    errors = length_errors(ExpertProfile, cleaned)
    if "institution" in cleaned:
        institution = _as_instance(Institution, cleaned["institution"], "slug", "pk")
        if not institution or not expert_institutions(user).filter(pk=institution.pk).exists():
            errors["institution"] = _(
                "Choose a university or research institute where the person holds a role."
            )
        cleaned["institution"] = institution or None
    institution = cleaned.get("institution") or (profile.institution if profile else None)
    if "department" in cleaned:
        department = _as_instance(Department, cleaned["department"], "pk")
        if department is False or (
            department is not None
            and institution is not None
            and department.institution_id != institution.pk
        ):
            errors["department"] = _("The department belongs to another institution.")
        cleaned["department"] = department or None
    elif (
        profile is not None
        and institution is not None
        and profile.department_id
        and profile.department.institution_id != institution.pk
    ):
        cleaned["department"] = None  # the old department stays behind with the old institution
    if "keywords" in cleaned:
        cleaned["keywords"] = split_keywords(cleaned["keywords"])
    if "publications" in cleaned:
        cleaned["publications"] = _clean_publications(cleaned["publications"], errors)
    _clean_industry(cleaned, errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _first_membership(user: User) -> Membership | None:
    return (
        Membership.objects.filter(user=user, institution__kind__in=EXPERT_KINDS)
        .select_related("institution", "department")
        .order_by("pk")
        .first()
    )


@transaction.atomic
def expert_profile_save(*, actor: User, user: User, data: dict) -> ExpertProfile:
    """Create (on the first save) or edit ``user``'s expert profile: the person themself, or the
    transfer office of the profile's institution. A new profile sits by default at the first
    university or institute where the person holds a role."""
    profile = ExpertProfile.objects.select_for_update().filter(user=user).first()
    data = dict(data)
    requested = _as_instance(Institution, data.get("institution"), "slug", "pk")
    ids = {i for i in (profile and profile.institution_id, requested and requested.pk) if i}
    if profile is None and not requested:
        membership = _first_membership(user)
        if membership is None:
            raise ValidationError(
                {
                    "institution": _(
                        "An expert profile needs a role at a university or research institute."
                    )
                }
            )
        data.setdefault("institution", membership.institution)
        data.setdefault("department", membership.department)
        ids.add(membership.institution_id)
    _require_expert_editor(actor, user, ids)
    cleaned = _clean_expert(data, user, profile)
    if profile is None:
        profile = ExpertProfile(user=user, institution=cleaned["institution"])
        audit.apply_changes(profile, cleaned, EXPERT_FIELDS)
        profile.save()
        audit.record(
            actor=actor,
            action="market.expert_create",
            obj=profile,
            changes=audit.snapshot(profile, ("institution", "department", "title", "fields")),
        )
        return profile
    changes = audit.apply_changes(profile, cleaned, EXPERT_FIELDS)
    if changes:
        profile.save()
        audit.record(actor=actor, action="market.expert_update", obj=profile, changes=changes)
    return profile


def _set_expert_public(actor: User, profile: ExpertProfile, public: bool) -> ExpertProfile:
    _require_expert_editor(actor, profile.user, {profile.institution_id})
    if profile.is_public == public:
        message = _("The profile is already public.") if public else _("The profile is not public.")
        raise ValidationError({"is_public": message})
    if public and not profile.fields.strip():
        raise ValidationError({"fields": _("Describe the research fields before publishing.")})
    profile.is_public = public
    profile.save(update_fields=["is_public", "updated_at"])
    audit.record(
        actor=actor,
        action="market.expert_publish" if public else "market.expert_unpublish",
        obj=profile,
        changes={"is_public": [not public, public]},
    )
    return profile


@transaction.atomic
def expert_profile_publish(*, actor: User, profile: ExpertProfile) -> ExpertProfile:
    """Show the profile to every visitor of the marketplace."""
    return _set_expert_public(actor, profile, True)


@transaction.atomic
def expert_profile_unpublish(*, actor: User, profile: ExpertProfile) -> ExpertProfile:
    """Take the profile off the public pages: only the person and their office see it."""
    return _set_expert_public(actor, profile, False)


# --- enterprise profiles ---------------------------------------------------------------------

ENTERPRISE_PROFILE_FIELDS = (
    "industry",
    "size",
    "employees",
    "founded_year",
    "main_products",
    "tech_fields",
)
#: What the enterprise's own users may change of its directory entry alongside the profile.
ENTERPRISE_INSTITUTION_FIELDS = ("province", "city", "website", "description")
FIRST_FOUNDED_YEAR = 1800
MAX_EMPLOYEES = 10_000_000


def can_edit_enterprise(user, institution: Institution) -> bool:
    """The enterprise's own users (and site administrators) describe the enterprise."""
    return can_post_demand(user, institution)


def _clean_whole_number(cleaned: dict, errors: dict, field: str, low: int, high: int, message):
    if field not in cleaned:
        return
    value = cleaned[field]
    if value in ("", None):
        cleaned[field] = None
        return
    try:
        cleaned[field] = int(value)
        if not low <= cleaned[field] <= high:
            raise ValueError
    except (TypeError, ValueError):
        errors[field] = message


def _clean_institution_part(data: dict, errors: dict) -> dict:
    cleaned = _strip(data, ENTERPRISE_INSTITUTION_FIELDS)
    cleaned = {k: "" if v is None else v for k, v in cleaned.items()}
    errors.update(length_errors(Institution, cleaned))
    if cleaned.get("province") and cleaned["province"] not in {c for c, _zh, _en in PROVINCES}:
        errors["province"] = _("Choose a province from the list.")
    if cleaned.get("website"):
        try:
            URLValidator(schemes=["http", "https"])(cleaned["website"])
        except ValidationError:
            errors["website"] = _("Enter a full web address starting with http:// or https://.")
    return cleaned


def _clean_enterprise_profile(data: dict) -> tuple[dict, dict]:
    cleaned = _strip(data, ENTERPRISE_PROFILE_FIELDS)
    for name in ("size", "main_products", "tech_fields"):
        if name in cleaned and cleaned[name] is None:
            cleaned[name] = ""
    errors = length_errors(EnterpriseProfile, cleaned)
    if cleaned.get("size") and cleaned["size"] not in EnterpriseSize.values:
        errors["size"] = _("Choose a size from the list.")
    _clean_whole_number(
        cleaned,
        errors,
        "employees",
        0,
        MAX_EMPLOYEES,
        _("Give the number of employees as a whole number."),
    )
    year = timezone.localdate().year
    message = _("Give a year between %(first)d and %(last)d.")
    message %= {"first": FIRST_FOUNDED_YEAR, "last": year}
    _clean_whole_number(cleaned, errors, "founded_year", FIRST_FOUNDED_YEAR, year, message)
    _clean_industry(cleaned, errors)
    institution_part = _clean_institution_part(data, errors)
    if errors:
        raise ValidationError(errors)
    return cleaned, institution_part


@transaction.atomic
def enterprise_profile_save(
    *, actor: User, institution: Institution, data: dict
) -> EnterpriseProfile:
    """Create (on the first save) or edit the enterprise's profile, and its region, city, website
    and description: the enterprise's own users."""
    require(
        can_edit_enterprise(actor, institution),
        _("Only the enterprise's own users may edit its profile."),
    )
    cleaned, institution_part = _clean_enterprise_profile(data)
    profile = EnterpriseProfile.objects.select_for_update().filter(institution=institution).first()
    created = profile is None
    if created:
        profile = EnterpriseProfile(institution=institution)
    changes = audit.apply_changes(profile, cleaned, ENTERPRISE_PROFILE_FIELDS)
    moved = audit.apply_changes(institution, institution_part, ENTERPRISE_INSTITUTION_FIELDS)
    if moved:
        institution.save()
    if created or changes or moved:
        profile.save()
        action = "enterprise_profile_create" if created else "enterprise_profile_update"
        audit.record(
            actor=actor, action=f"market.{action}", obj=profile, changes={**changes, **moved}
        )
    return profile


# --- enterprise self-registration ------------------------------------------------------------

REGISTRATION_FIELDS = (
    "name",
    "credit_code",
    "province",
    "city",
    "industry",
    "size",
    "contact_name",
    "phone",
    "email",
    "username",
    "password",
)


def _required_errors(cleaned: dict) -> dict:
    messages = {
        "name": _("Give the company's registered name."),
        "credit_code": _("Give the unified social credit code."),
        "province": _("Choose the province."),
        "industry": _("Choose the industry."),
        "size": _("Choose the enterprise size."),
        "contact_name": _("Give the contact person's name."),
        "email": _("Give an e-mail address."),
        "username": _("Choose a user name."),
        "password": _("Choose a password."),
    }
    return {field: text for field, text in messages.items() if not cleaned.get(field)}


def _clean_credit_code(cleaned: dict, errors: dict) -> None:
    code = credit_code.normalise(cleaned.get("credit_code") or "")
    cleaned["credit_code"] = code
    if not code or "credit_code" in errors:
        return
    if not credit_code.is_valid(code):
        errors["credit_code"] = _(
            "This is not a valid unified social credit code: it has 18 characters and the "
            "last one is a check character."
        )
    elif Institution.objects.filter(credit_code__iexact=code).exists():
        errors["credit_code"] = _(
            "An enterprise with this unified social credit code is already registered. Ask one "
            "of its users to add you, or write to the platform administrator."
        )


def _clean_account(cleaned: dict, errors: dict) -> None:
    username = cleaned.get("username") or ""
    if username and not USERNAME_RE.match(username):
        errors["username"] = _("Use 3–150 letters, digits or the characters _ . @ + -.")
    elif username and User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("This user name is already taken.")
    if cleaned.get("email"):
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address.")
    if cleaned.get("password"):
        candidate = User(username=username, name=cleaned.get("contact_name") or "")
        candidate.email = cleaned.get("email") or ""
        try:
            password_validation.validate_password(cleaned["password"], candidate)
        except ValidationError as exc:
            errors["password"] = exc.messages


def _clean_registration(data: dict) -> dict:
    cleaned = {k: ("" if v is None else v) for k, v in _strip(data, REGISTRATION_FIELDS).items()}
    errors: dict = _required_errors(cleaned)
    errors.update(
        {k: v for k, v in length_errors(Institution, {"name": cleaned.get("name") or ""}).items()}
    )
    errors.update(length_errors(Institution, {"city": cleaned.get("city") or ""}))
    errors.update(length_errors(User, {"email": cleaned.get("email") or ""}))
    if len(cleaned.get("contact_name") or "") > User._meta.get_field("name").max_length:
        errors["contact_name"] = _("At most %(limit)d characters (this has %(length)d).") % {
            "limit": User._meta.get_field("name").max_length,
            "length": len(cleaned["contact_name"]),
        }
    _clean_credit_code(cleaned, errors)
    if cleaned.get("province") and cleaned["province"] not in {c for c, _zh, _en in PROVINCES}:
        errors["province"] = _("Choose a province from the list.")
    if cleaned.get("size") and cleaned["size"] not in EnterpriseSize.values:
        errors["size"] = _("Choose a size from the list.")
    if cleaned.get("industry"):
        _clean_industry(cleaned, errors)
    _clean_account(cleaned, errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _enterprise_slug(code: str) -> str:
    base = f"ent-{code.lower()}"
    slug, number = base, 1
    while Institution.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def enterprise_register(*, actor, data: dict) -> User:
    """An enterprise registers itself: the enterprise, its first user (an enterprise user), the
    membership and the enterprise profile, in one transaction; nothing is written when any part
    is refused. Returns the new user."""
    require(
        not getattr(actor, "is_authenticated", False),
        _("You are signed in: log out before registering a new enterprise."),
    )
    cleaned = _clean_registration(data)
    institution = institution_create(
        actor=None,
        slug=_enterprise_slug(cleaned["credit_code"]),
        name=cleaned["name"],
        kind=InstitutionKind.ENTERPRISE,
        province=cleaned["province"],
        city=cleaned.get("city", ""),
        email=cleaned["email"],
        phone=cleaned.get("phone", ""),
        credit_code=cleaned["credit_code"],
    )
    language = get_language() or ""
    user = user_create(
        actor=None,
        username=cleaned["username"],
        password=cleaned["password"],
        name=cleaned["contact_name"],
        email=cleaned["email"],
        phone=cleaned.get("phone", ""),
        check_password=False,  # checked above, with the other fields
        **({"language": language} if language in dict(settings.LANGUAGES) else {}),
    )
    membership_grant(actor=None, user=user, institution=institution, role=Role.ENTERPRISE_USER)
    profile = EnterpriseProfile.objects.create(
        institution=institution, industry=cleaned["industry"], size=cleaned["size"]
    )
    audit.record(
        actor=user,
        action="market.enterprise_register",
        obj=profile,
        changes={
            **audit.snapshot(institution, ("name", "credit_code", "province", "city")),
            **audit.snapshot(profile, ("industry", "size")),
            "username": [None, user.username],
        },
    )
    return user
