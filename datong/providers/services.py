"""Writes to the service-provider directory: profiles, curation and reviews."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datong.accounts.models import User
from datong.core import audit
from datong.core.permissions import require, require_staff, scope_for
from datong.core.roles import Role
from datong.core.validation import length_errors
from datong.institutions.models import Institution, InstitutionKind
from datong.ip.models import Filing
from datong.results.models import Classification, Scheme

from .models import ProviderCategory, ProviderProfile, ProviderReview

PROFILE_FIELDS = (
    "categories",
    "qualifications",
    "ipc_fields",
    "industry_fields",
    "services",
    "contact_name",
    "contact_phone",
    "contact_email",
)
QUALIFICATION_KEYS = ("name", "number", "issued_by", "valid_until")
_IPC = re.compile(r"^[A-H](\d\d[A-Z]?)?$")
_SPLIT = re.compile(r"[,，;；、\s]+")


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [item for item in _SPLIT.split(value) if item]
    return [str(item).strip() for item in value if str(item).strip()]


_PUNCT = re.compile(r"[,，;；、\n]+")
_GROUP = re.compile(r"^[A-Za-z]\d\d[A-Za-z]\s*\d+\s*/\s*\d+$")


def _ipc_items(value) -> list[str]:
    """Split a list of IPC codes on punctuation, and on spaces except inside ``H01M 10/052``."""
    if not isinstance(value, str):
        return _as_list(value)
    items = []
    for part in _PUNCT.split(value):
        part = part.strip()
        if _GROUP.match(part):
            items.append(part)
        else:
            items.extend(part.split())
    return items


def normalise_ipc_field(raw: str) -> str | None:
    """``h01m 10/052`` → ``H01M``; a section, class or subclass as it is; None when not IPC."""
    code = raw.strip().upper().replace(" ", "")
    code = code.split("/")[0]
    code = re.sub(r"^([A-H]\d\d[A-Z])\d+$", r"\1", code)
    return code if _IPC.match(code) else None


def can_edit_profile(user, institution: Institution) -> bool:
    """The provider's own provider-user members, or a site administrator."""
    scope = scope_for(user)
    return scope.is_superuser or scope.has_role(institution.pk, Role.PROVIDER_USER)


def can_curate(user) -> bool:
    """Alliance administrators (at an alliance secretariat) and site administrators."""
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    ids = [i for i in scope.roles if scope.has_role(i, Role.ALLIANCE_ADMIN)]
    return Institution.objects.filter(
        pk__in=ids, kind=InstitutionKind.ALLIANCE_SECRETARIAT
    ).exists()


def _clean_qualifications(raw) -> tuple[list[dict], str | None]:
    cleaned: list[dict] = []
    for index, item in enumerate(raw or [], start=1):
        if not isinstance(item, dict):
            message = _("Qualification %(n)d: give a name, number, issuer and date.")
            return [], message % {"n": index}
        row = {k: str(item.get(k) or "").strip() for k in QUALIFICATION_KEYS}
        if not any(row.values()):
            continue
        if not row["name"]:
            return [], _("Qualification %(n)d: give its name.") % {"n": index}
        if any(len(row[k]) > 200 for k in QUALIFICATION_KEYS):
            return [], _("Qualification %(n)d: at most 200 characters a field.") % {"n": index}
        if row["valid_until"]:
            try:
                row["valid_until"] = dt.date.fromisoformat(row["valid_until"]).isoformat()
            except ValueError:
                return [], _("Qualification %(n)d: give the date as YYYY-MM-DD.") % {"n": index}
        cleaned.append(row)
    return cleaned, None


def _clean_profile(data: dict) -> dict:
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    errors = length_errors(
        ProviderProfile,
        {k: v for k, v in cleaned.items() if k in ("contact_name", "contact_phone")},
    )
    if "categories" in cleaned:
        codes = _as_list(cleaned["categories"])
        bad = [c for c in codes if c not in ProviderCategory.values]
        if bad:
            errors["categories"] = _("Choose categories from the list.")
        cleaned["categories"] = list(dict.fromkeys(codes))
    if "qualifications" in cleaned:
        cleaned["qualifications"], message = _clean_qualifications(cleaned["qualifications"])
        if message:
            errors["qualifications"] = message
    if "ipc_fields" in cleaned:
        codes, bad = [], []
        for item in _ipc_items(cleaned["ipc_fields"]):
            code = normalise_ipc_field(item)
            (codes if code else bad).append(code or item)
        if bad:
            errors["ipc_fields"] = _(
                "Not an IPC section, class or subclass: %(codes)s (write e.g. H01M)."
            ) % {"codes": ", ".join(bad)}
        cleaned["ipc_fields"] = list(dict.fromkeys(codes))
    if "industry_fields" in cleaned:
        codes = [c.upper() if c.isalpha() else c for c in _as_list(cleaned["industry_fields"])]
        known = set(
            Classification.objects.filter(scheme=Scheme.INDUSTRY, code__in=codes).values_list(
                "code", flat=True
            )
        )
        bad = [c for c in codes if c not in known]
        if bad:
            errors["industry_fields"] = _(
                "Not a GB/T 4754 section or division: %(codes)s (write e.g. C or 38)."
            ) % {"codes": ", ".join(bad)}
        cleaned["industry_fields"] = list(dict.fromkeys(codes))
    if cleaned.get("contact_email"):
        try:
            validate_email(cleaned["contact_email"])
        except ValidationError:
            errors["contact_email"] = _("Enter a valid e-mail address.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _tags(profile: ProviderProfile) -> str:
    codes = [*profile.categories, *profile.ipc_fields, *profile.industry_fields]
    return ("|" + "|".join(codes) + "|") if codes else ""


def _require_provider(institution: Institution) -> None:
    if institution.kind != InstitutionKind.SERVICE_PROVIDER:
        raise ValidationError(
            {"institution": _("Only service-provider institutions have a directory profile.")}
        )


@transaction.atomic
def profile_save(*, actor: User | None, institution: Institution, data: dict) -> ProviderProfile:
    """Create or edit a provider's profile: its own provider users or a site administrator."""
    if actor is not None:
        require(
            can_edit_profile(actor, institution),
            _("Only the provider's own users may edit its profile."),
        )
    _require_provider(institution)
    cleaned = _clean_profile({k: v for k, v in data.items() if k in PROFILE_FIELDS})
    profile = ProviderProfile.objects.select_for_update().filter(institution=institution).first()
    created = profile is None
    if created:
        profile = ProviderProfile(institution=institution)
    changes = audit.apply_changes(profile, cleaned, PROFILE_FIELDS)
    if changes or created:
        profile.tags = _tags(profile)
        profile.save()
        audit.record(
            actor=actor,
            action="provider.profile_create" if created else "provider.profile_update",
            obj=profile,
            changes=changes,
        )
    return profile


@transaction.atomic
def profile_recommend(
    *, actor: User | None, institution: Institution, recommended: bool, reason: str
) -> ProviderProfile:
    """Curate: recommend a provider (or withdraw the recommendation), always with a reason."""
    if actor is not None:
        require(
            can_curate(actor),
            _("Only an alliance administrator recommends providers."),
        )
    _require_provider(institution)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("At most 300 characters.")})
    profile = ProviderProfile.objects.select_for_update().filter(institution=institution).first()
    if profile is None:
        profile = ProviderProfile.objects.create(institution=institution)
    if profile.is_recommended == bool(recommended):
        raise ValidationError(
            {
                "recommended": _("The provider is already recommended.")
                if recommended
                else _("The provider is not recommended.")
            }
        )
    before = profile.is_recommended
    profile.is_recommended = bool(recommended)
    profile.recommendation_reason = reason
    profile.recommended_by = actor if getattr(actor, "is_authenticated", False) else None
    profile.recommended_at = timezone.now()
    profile.save()
    audit.record(
        actor=actor,
        action="provider.recommend" if recommended else "provider.unrecommend",
        obj=profile,
        changes={"is_recommended": [before, profile.is_recommended], "reason": [None, reason]},
    )
    return profile


def engaging_institution_id(filing: Filing) -> int:
    return filing.family.institution_id


@transaction.atomic
def review_create(
    *, actor: User | None, filing: Filing, rating, comment: str = ""
) -> ProviderReview:
    """A review of the agency a filing names, by the office of the institution that filed it."""
    institution_id = engaging_institution_id(filing)
    if actor is not None:
        require_staff(actor, institution_id)
    errors = {}
    if filing.agency_id is None:
        errors["filing"] = _("This filing names no agency.")
    try:
        rating = int(rating)
        if not 1 <= rating <= 5:
            raise ValueError
    except (TypeError, ValueError):
        errors["rating"] = _("Give a rating from 1 to 5.")
    comment = (comment or "").strip()
    if len(comment) > 2000:
        errors["comment"] = _("At most 2000 characters.")
    if ProviderReview.objects.filter(filing=filing).exists():
        errors["filing"] = _("This engagement has already been reviewed.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            review = ProviderReview.objects.create(
                provider_id=filing.agency_id,
                reviewer_institution_id=institution_id,
                author=actor if getattr(actor, "is_authenticated", False) else None,
                filing=filing,
                rating=rating,
                comment=comment,
            )
    except IntegrityError as exc:  # a concurrent review of the same engagement
        raise ValidationError({"filing": _("This engagement has already been reviewed.")}) from exc
    audit.record(
        actor=actor,
        action="provider.review",
        obj=review,
        changes={"rating": [None, rating], "filing": [None, str(filing)]},
    )
    return review
