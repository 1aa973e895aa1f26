"""Writes to cooperation agreements and their yearly figures.

Keyword-only, atomic, permission-checked (the institution's transfer office only), validated
(a ``ValidationError`` per field, nothing half-written) and audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from datong.core import audit
from datong.core.permissions import require_staff, scope_for
from datong.core.validation import length_errors
from datong.institutions.models import Institution
from datong.institutions.regions import PROVINCES

from .models import AgreementYear, CooperationAgreement

AGREEMENT_FIELDS = (
    "title",
    "partner_province",
    "partner_city",
    "signed_year",
    "year_from",
    "year_to",
    "centre_name",
    "note",
)
PROVINCE_CODES = frozenset(code for code, _zh, _en in PROVINCES)
FIRST_YEAR, LAST_YEAR = 1949, 2100
CENT = Decimal("0.01")
MAX_TOTAL = Decimal("999999999999.99")


def can_manage(user, institution_id: int | None) -> bool:
    """Whether ``user`` writes the agreements of the institution (its office, a site admin)."""
    return scope_for(user).is_staff_of(institution_id)


# --- cleaning ----------------------------------------------------------------------------------


def _year(value, field: str, *, required: bool = False) -> int | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: _("Enter a year.")})
        return None
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise ValidationError({field: _("Enter a year, e.g. 2018.")}) from exc
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            {
                field: _("Enter a year between %(low)d and %(high)d.")
                % {"low": FIRST_YEAR, "high": LAST_YEAR}
            }
        )
    return year


def _clean_agreement(data: Mapping[str, Any]) -> dict[str, Any]:
    """The agreement's fields from ``data``, cleaned; every error at once."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for field in ("title", "partner_city", "centre_name", "note"):
        clean[field] = str(data.get(field) or "").strip()
    if not clean["title"]:
        errors["title"] = _("Give the agreement a title.")
    province = str(data.get("partner_province") or "").strip()
    if province not in PROVINCE_CODES:
        errors["partner_province"] = _("Choose the partner region's province.")
    clean["partner_province"] = province
    for field, required in (("signed_year", False), ("year_from", True), ("year_to", False)):
        try:
            clean[field] = _year(data.get(field), field, required=required)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if (
        "year_from" not in errors
        and "year_to" not in errors
        and clean.get("year_to") is not None
        and clean["year_to"] < clean["year_from"]
    ):
        errors["year_to"] = _("The last year cannot come before the first.")
    if (
        "signed_year" not in errors
        and clean.get("signed_year") is not None
        and clean.get("year_to") is not None
        and clean["signed_year"] > clean["year_to"]
    ):
        errors["signed_year"] = _("The agreement cannot be signed after its last year.")
    errors.update(
        {k: v for k, v in length_errors(CooperationAgreement, clean).items() if k not in errors}
    )
    if errors:
        raise ValidationError(errors)
    return clean


def _clean_figures(agreement: CooperationAgreement, year, projects, contract_total) -> tuple:
    errors: dict[str, str] = {}
    try:
        year = _year(year, "year", required=True)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    else:
        if year < agreement.year_from or (agreement.year_to and year > agreement.year_to):
            errors["year"] = _("The year lies outside the agreement's years (%(years)s).") % {
                "years": agreement.years_display
            }
    try:
        projects = int(str(projects if projects not in (None, "") else 0).strip())
        if projects < 0:
            raise ValueError
    except (TypeError, ValueError):
        errors["projects"] = _("Enter a whole number of projects, zero or more.")
    try:
        total = Decimal(
            str(contract_total if contract_total not in (None, "") else 0).replace(",", "")
        )
        if not total.is_finite() or total < 0 or total > MAX_TOTAL:
            raise InvalidOperation
        total = total.quantize(CENT)
    except (InvalidOperation, ValueError):
        errors["contract_total"] = _("Enter the contract total in yuan, zero or more.")
        total = None
    if errors:
        raise ValidationError(errors)
    return year, projects, total


# --- agreements --------------------------------------------------------------------------------


@transaction.atomic
def agreement_create(
    *, actor, institution: Institution, data: Mapping[str, Any]
) -> CooperationAgreement:
    require_staff(actor, institution.pk)
    clean = _clean_agreement(data)
    agreement = CooperationAgreement.objects.create(
        institution=institution,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **clean,
    )
    audit.record(
        actor=actor,
        action="dashboards.agreement_create",
        obj=agreement,
        changes=audit.snapshot(agreement, AGREEMENT_FIELDS),
    )
    return agreement


@transaction.atomic
def agreement_update(
    *, actor, agreement: CooperationAgreement, data: Mapping[str, Any]
) -> CooperationAgreement:
    require_staff(actor, agreement.institution_id)
    merged = {field: getattr(agreement, field) for field in AGREEMENT_FIELDS}
    merged.update({k: v for k, v in data.items() if k in AGREEMENT_FIELDS})
    clean = _clean_agreement(merged)
    outside = agreement.years.exclude(year__gte=clean["year_from"])
    if clean["year_to"] is not None:
        outside = agreement.years.exclude(year__gte=clean["year_from"], year__lte=clean["year_to"])
    if outside.exists():
        raise ValidationError(
            {"year_from": _("Figures are recorded for years outside these; remove them first.")}
        )
    changes = audit.apply_changes(agreement, clean, AGREEMENT_FIELDS)
    if changes:
        agreement.save()
        audit.record(
            actor=actor, action="dashboards.agreement_update", obj=agreement, changes=changes
        )
    return agreement


@transaction.atomic
def agreement_delete(*, actor, agreement: CooperationAgreement) -> None:
    require_staff(actor, agreement.institution_id)
    audit.record(
        actor=actor,
        action="dashboards.agreement_delete",
        obj=agreement,
        changes=audit.snapshot(agreement, AGREEMENT_FIELDS),
    )
    agreement.years.all().delete()
    agreement.delete()


# --- yearly figures ----------------------------------------------------------------------------


@transaction.atomic
def agreement_year_set(
    *,
    actor,
    agreement: CooperationAgreement,
    year,
    projects=0,
    contract_total=0,
    note: str = "",
) -> AgreementYear:
    """Record (or correct) one year's figures of the agreement."""
    require_staff(actor, agreement.institution_id)
    year, projects, total = _clean_figures(agreement, year, projects, contract_total)
    note = str(note or "").strip()
    if len(note) > 300:
        raise ValidationError({"note": _("At most %(limit)d characters.") % {"limit": 300}})
    row = AgreementYear.objects.filter(agreement=agreement, year=year).first()
    if row is None:
        row = AgreementYear.objects.create(
            agreement=agreement, year=year, projects=projects, contract_total=total, note=note
        )
        changes = audit.snapshot(row, ("year", "projects", "contract_total", "note"))
    else:
        changes = audit.apply_changes(
            row,
            {"projects": projects, "contract_total": total, "note": note},
            ("projects", "contract_total", "note"),
        )
        if not changes:
            return row
        row.save()
        changes = {"year": [year, year], **changes}
    audit.record(
        actor=actor,
        action="dashboards.agreement_year",
        obj=agreement,
        changes=changes,
        message=str(year),
    )
    return row


@transaction.atomic
def agreement_year_delete(*, actor, agreement: CooperationAgreement, year) -> None:
    require_staff(actor, agreement.institution_id)
    row = AgreementYear.objects.filter(agreement=agreement, year=year).first()
    if row is None:
        raise ValidationError({"year": _("No figures are recorded for this year.")})
    audit.record(
        actor=actor,
        action="dashboards.agreement_year_delete",
        obj=agreement,
        changes=audit.snapshot(row, ("year", "projects", "contract_total")),
        message=str(row.year),
    )
    row.delete()
