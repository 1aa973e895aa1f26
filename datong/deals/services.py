"""Writes to technology contracts: the contract and its parties, the agreed-price announcement,
signing, registration, licence grants, the payment schedule, royalty reports and payments.

Every write is keyword-only, atomic, allowed only to the transfer office of the contract's
institution and recorded in the audit log.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

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
from datong.institutions.models import Institution, InstitutionKind
from datong.institutions.regions import PROVINCES
from datong.notifications.services import notify
from datong.results.models import Classification, Result, Scheme
from datong.results.timeline import append_event

from . import licensing, rules, workdays
from .models import (
    ZERO,
    Contract,
    ContractParty,
    ContractStatus,
    ContractType,
    Exclusivity,
    LicenceGrant,
    PartyRole,
    Payment,
    PaymentTerm,
    PricingMethod,
    RoyaltyReport,
    TermKind,
)

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")
REGISTRATION_RE = re.compile(r"^\d{16}$")
PROVINCE_PREFIXES = frozenset(code[:2] for code, _zh, _en in PROVINCES)

#: Statuses in which a contract is still being prepared or is in force (writable).
OPEN_STATUSES = (ContractStatus.DRAFT, ContractStatus.ANNOUNCED, ContractStatus.SIGNED)
#: Statuses under which money is owed and received.
MONEY_STATUSES = (ContractStatus.SIGNED, ContractStatus.COMPLETED, ContractStatus.TERMINATED)
EXCLUSIVE_KINDS = (Exclusivity.EXCLUSIVE, Exclusivity.SOLE)

CONTRACT_FIELDS = (
    "number",
    "title",
    "contract_type",
    "pricing_method",
    "exclusivity",
    "amount",
    "starts_on",
    "ends_on",
    "manager",
    "announcement_url",
    "note",
)


# --- helpers ---------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _money(value, field: str, *, allow_zero: bool = True, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: _("Enter an amount in yuan.")})
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("Enter an amount in yuan, such as 150000.00.")}) from exc
    if not amount.is_finite():
        raise ValidationError({field: _("Enter an amount in yuan, such as 150000.00.")})
    if amount != amount.quantize(CENT):
        raise ValidationError({field: _("Amounts have at most two decimal places (fen).")})
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: _("The amount must be greater than zero.")})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: _("This amount is too large.")})
    return amount.quantize(CENT)


def _date(value, field: str, *, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: _("Enter a date.")})
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError({field: _("Enter a date as YYYY-MM-DD.")}) from exc


def _not_future(day: dt.date, field: str) -> None:
    if day > _today():
        raise ValidationError({field: _("This date cannot be in the future.")})


def _text(value, field: str, limit: int, *, required_message: str = "") -> str:
    value = (value or "").strip()
    if required_message and not value:
        raise ValidationError({field: required_message})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(limit)d characters.") % {"limit": limit}})
    return value


def _require_open(contract: Contract, field: str = "status") -> None:
    if contract.status not in OPEN_STATUSES:
        raise ValidationError(
            {
                field: _("This contract is %(status)s; it can no longer be changed.")
                % {"status": contract.get_status_display()}
            }
        )


def _lock(contract: Contract) -> Contract:
    """Reload the contract under a row lock so that concurrent writes queue up."""
    fresh = Contract.objects.select_for_update().get(pk=contract.pk)
    for field in ("status", "signed_on", "announcement_end", "amount"):
        setattr(contract, field, getattr(fresh, field))
    return contract


def staff_users(institution_id: int):
    """Who may manage a contract: the institution's office staff and technology managers."""
    return (
        User.objects.filter(
            memberships__institution_id=institution_id,
            memberships__role__in=(Role.TTO_STAFF, Role.TECH_MANAGER),
            is_active=True,
        )
        .distinct()
        .order_by("name", "pk")
    )


def can_manage(user, institution_id: int | None) -> bool:
    return scope_for(user).is_staff_of(institution_id)


# --- parties, results, filings -------------------------------------------------------------------


def _party(row: Mapping[str, Any], position: int) -> dict:
    """One party's cleaned values, or a ValidationError keyed ``parties``."""

    def fail(message: str):
        raise ValidationError(
            {"parties": _("Party %(n)d: %(message)s") % {"n": position + 1, "message": message}}
        )

    role = row.get("role") or ""
    if role not in PartyRole.values:
        fail(_("choose the party's role."))
    name = (row.get("name") or "").strip()
    if not name:
        fail(_("enter the party's name."))
    if len(name) > 200:
        fail(_("the name has at most 200 characters."))
    credit_code = (row.get("credit_code") or "").strip().upper()
    if credit_code and not re.match(r"^[0-9A-Z]{18}$", credit_code):
        fail(_("a unified social credit code has 18 digits or capital letters."))
    region = (row.get("region") or "").strip()
    if region and not (re.match(r"^\d{6}$", region) and region[:2] in PROVINCE_PREFIXES):
        fail(_("the region is a six-digit GB/T 2260 code of a province or a place in one."))
    entity_type = (row.get("entity_type") or "").strip()
    if entity_type and entity_type not in rules.entity_type_codes():
        fail(_("choose a legal-entity type from the list."))
    institution = row.get("institution")
    if institution is not None and not isinstance(institution, Institution):
        institution = Institution.objects.filter(pk=institution).first()
    return {
        "role": role,
        "name": name,
        "credit_code": credit_code,
        "region": region,
        "entity_type": entity_type,
        "is_sme": bool(row.get("is_sme")),
        "institution": institution,
        "position": position,
    }


def _clean_parties(parties: Iterable[Mapping[str, Any]]) -> list[dict]:
    rows = [_party(row, i) for i, row in enumerate(parties)]
    roles = {row["role"] for row in rows}
    if PartyRole.BUYER not in roles and PartyRole.INVESTEE not in roles:
        raise ValidationError(
            {"parties": _("Name the other side of the contract (a buyer, licensee or company).")}
        )
    return rows


def _seller(institution: Institution) -> dict:
    return {
        "role": PartyRole.SELLER,
        "name": institution.name,
        "credit_code": institution.credit_code,
        "region": institution.province or "",
        "entity_type": "021"
        if institution.kind == InstitutionKind.RESEARCH_INSTITUTE
        else "022"
        if institution.kind == InstitutionKind.UNIVERSITY
        else "",
        "is_sme": False,
        "institution": institution,
    }


def _write_parties(contract: Contract, rows: list[dict]) -> list[str]:
    contract.parties.all().delete()
    if not any(r["role"] == PartyRole.SELLER for r in rows):
        rows = [{**_seller(contract.institution), "position": 0}] + [
            {**r, "position": r["position"] + 1} for r in rows
        ]
    ContractParty.objects.bulk_create(ContractParty(contract=contract, **r) for r in rows)
    return [f"{r['role']}: {r['name']}" for r in rows]


def _check_results(institution_id: int, results, filings) -> tuple[list, list]:
    results = list(results or [])
    filings = list(filings or [])
    if any(r.institution_id != institution_id for r in results):
        raise ValidationError({"results": _("Only the institution's own results can be covered.")})
    if any(f.family.institution_id != institution_id for f in filings):
        raise ValidationError({"filings": _("Only the institution's own filings can be covered.")})
    return results, filings


# --- the contract --------------------------------------------------------------------------------


def _clean_contract(institution_id: int, data: Mapping[str, Any], current: Contract | None) -> dict:
    values = {key: data[key] for key in CONTRACT_FIELDS if key in data}
    errors = length_errors(Contract, values)
    if errors:
        raise ValidationError(errors)
    if "number" in values or current is None:
        values["number"] = _text(
            values.get("number"), "number", 40, required_message=_("Enter the contract number.")
        )
        clash = Contract.objects.filter(institution_id=institution_id, number=values["number"])
        if current is not None:
            clash = clash.exclude(pk=current.pk)
        if clash.exists():
            raise ValidationError(
                {"number": _("The institution already has a contract with this number.")}
            )
    if "title" in values or current is None:
        values["title"] = _text(
            values.get("title"), "title", 200, required_message=_("Enter the contract's title.")
        )
    kind = values.get("contract_type", current.contract_type if current else "")
    if kind not in ContractType.values:
        raise ValidationError({"contract_type": _("Choose the type of contract.")})
    pricing = values.get("pricing_method", current.pricing_method if current else "") or ""
    if pricing and pricing not in PricingMethod.values:
        raise ValidationError({"pricing_method": _("Choose a pricing method from the list.")})
    if kind in (ContractType.TRANSFER, ContractType.LICENCE, ContractType.EQUITY) and not pricing:
        raise ValidationError(
            {
                "pricing_method": _(
                    "A transfer, licence or equity contract states how its price was set."
                )
            }
        )
    values["pricing_method"] = pricing
    exclusivity = values.get("exclusivity", current.exclusivity if current else "") or ""
    if kind == ContractType.LICENCE:
        if exclusivity not in Exclusivity.values:
            raise ValidationError(
                {"exclusivity": _("A licence is exclusive, sole or non-exclusive: choose one.")}
            )
    else:
        exclusivity = ""
    values["exclusivity"] = exclusivity
    if "amount" in values or current is None:
        values["amount"] = _money(values.get("amount", ZERO), "amount")
    for key in ("starts_on", "ends_on"):
        if key in values:
            values[key] = _date(values[key], key, required=False)
    starts = values.get("starts_on", current.starts_on if current else None)
    ends = values.get("ends_on", current.ends_on if current else None)
    if starts and ends and ends < starts:
        raise ValidationError({"ends_on": _("The contract cannot end before it starts.")})
    if values.get("manager") is not None:
        manager = values["manager"]
        if not staff_users(institution_id).filter(pk=getattr(manager, "pk", manager)).exists():
            raise ValidationError(
                {
                    "manager": _(
                        "The manager must be office staff or a technology manager of the "
                        "institution."
                    )
                }
            )
    if "note" in values:
        values["note"] = (values["note"] or "").strip()
    return values


def _check_case(institution: Institution, case) -> None:
    from datong.cases.models import CaseStage

    if case.institution_id != institution.pk:
        raise ValidationError({"match_case": _("The match case belongs to another institution.")})
    if case.stage != CaseStage.DEAL:
        raise ValidationError(
            {"match_case": _("Only a match case that ended in a deal can become a contract.")}
        )


@transaction.atomic
def contract_create(
    *,
    actor,
    institution: Institution,
    data: Mapping[str, Any],
    parties: Iterable[Mapping[str, Any]] = (),
    results=(),
    filings=(),
    match_case=None,
) -> Contract:
    """A new draft contract of ``institution``; the institution itself is added as the seller
    party when no seller is named."""
    require_staff(actor, institution.pk)
    values = _clean_contract(institution.pk, data, None)
    rows = _clean_parties(parties)
    results, filings = _check_results(institution.pk, results, filings)
    if match_case is not None:
        _check_case(institution, match_case)
    if values["contract_type"] in (ContractType.TRANSFER, ContractType.LICENCE) and not results:
        raise ValidationError(
            {"results": _("Name the result(s) this contract transfers or licenses.")}
        )
    contract = Contract(
        institution=institution,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        match_case=match_case,
        **values,
    )
    if contract.manager_id is None and match_case is not None:
        contract.manager_id = match_case.manager_id
    contract.save()
    party_names = _write_parties(contract, rows)
    contract.results.set(results)
    contract.filings.set(filings)
    changes = audit.snapshot(contract, (*CONTRACT_FIELDS, "match_case"))
    changes["parties"] = [None, party_names]
    if results:
        changes["results"] = [None, [str(r) for r in results]]
    if filings:
        changes["filings"] = [None, [str(f) for f in filings]]
    audit.record(actor=actor, action="deals.create", obj=contract, changes=changes)
    return contract


@transaction.atomic
def contract_update(
    *,
    actor,
    contract: Contract,
    data: Mapping[str, Any],
    parties: Iterable[Mapping[str, Any]] | None = None,
    results=None,
    filings=None,
) -> Contract:
    """Change a contract still in preparation or in force. Once the price has been announced
    or the contract signed, its type, pricing method and amount stay as they were."""
    require_staff(actor, contract.institution_id)
    _lock(contract)
    _require_open(contract)
    values = _clean_contract(contract.institution_id, data, contract)
    if contract.status != ContractStatus.DRAFT:
        for key in ("contract_type", "pricing_method", "amount"):
            if key in data and values.get(key) != getattr(contract, key):
                raise ValidationError(
                    {
                        key: _(
                            "This was announced or signed as it is; terminate the contract and "
                            "make a new one to change it."
                        )
                    }
                )
    changing_type = values.get("contract_type", contract.contract_type) != contract.contract_type
    if changing_type and contract.grants.exists():
        raise ValidationError(
            {"contract_type": _("Remove the licence grants before changing the type.")}
        )
    rows = _clean_parties(parties) if parties is not None else None
    checked_results, checked_filings = _check_results(
        contract.institution_id,
        results if results is not None else [],
        filings if filings is not None else [],
    )
    kind = values.get("contract_type", contract.contract_type)
    if results is not None:
        granted = set(contract.grants.values_list("result_id", flat=True))
        missing = granted - {r.pk for r in checked_results}
        if missing:
            raise ValidationError(
                {
                    "results": _(
                        "A result with licence grants cannot be removed; remove its grants first."
                    )
                }
            )
    final_results = checked_results if results is not None else list(contract.results.all())
    if kind in (ContractType.TRANSFER, ContractType.LICENCE) and not final_results:
        raise ValidationError(
            {"results": _("Name the result(s) this contract transfers or licenses.")}
        )
    changes = audit.apply_changes(contract, values, CONTRACT_FIELDS)
    contract.save()
    if rows is not None:
        before = [f"{p.role}: {p.name}" for p in contract.parties.all()]
        after = _write_parties(contract, rows)
        if before != after:
            changes["parties"] = [before, after]
    if results is not None:
        _set_related(contract, "results", checked_results, changes)
    if filings is not None:
        _set_related(contract, "filings", checked_filings, changes)
    audit.record(actor=actor, action="deals.update", obj=contract, changes=changes)
    return contract


def _set_related(contract: Contract, name: str, items: list, changes: dict) -> None:
    manager = getattr(contract, name)
    before = sorted(str(x) for x in manager.all())
    manager.set(items)
    after = sorted(str(x) for x in items)
    if before != after:
        changes[name] = [before, after]


# --- announcement, signing, registration, end ----------------------------------------------------


def announcement_end(start: dt.date, days: int) -> dt.date:
    return workdays.add_working_days(start, days)


@transaction.atomic
def contract_announce(
    *, actor, contract: Contract, start, days: int | None = None, url: str = ""
) -> Contract:
    """Publish an agreed price (协议定价公示): from ``start`` for ``days`` working days (at
    least the rule's minimum); the end date is computed on the holiday calendar."""
    require_staff(actor, contract.institution_id)
    _lock(contract)
    if contract.status not in (ContractStatus.DRAFT, ContractStatus.ANNOUNCED):
        raise ValidationError({"start": _("Only a contract not yet signed can be announced.")})
    if contract.pricing_method != PricingMethod.AGREED:
        raise ValidationError({"start": _("Only an agreed price needs a public announcement.")})
    start = _date(start, "start")
    minimum = rules.minimum_announcement_days()
    days = minimum if days in (None, "") else int(days)
    if days < minimum:
        raise ValidationError(
            {
                "days": _("The announcement lasts at least %(n)d working days (%(source)s).")
                % {"n": minimum, "source": rules.announcement_rule()["source"]}
            }
        )
    if days > 250:
        raise ValidationError({"days": _("At most 250 working days.")})
    url = _text(url, "url", 200)
    if url and not re.match(r"^https?://", url):
        raise ValidationError(
            {"url": _("Enter the address of the announcement page (http or https).")}
        )
    end = announcement_end(start, days)
    before = {
        "announcement_start": contract.announcement_start,
        "announcement_days": contract.announcement_days,
        "announcement_end": contract.announcement_end,
        "status": contract.status,
    }
    contract.announcement_start = start
    contract.announcement_days = days
    contract.announcement_end = end
    if url:
        contract.announcement_url = url
    contract.status = ContractStatus.ANNOUNCED
    contract.save()
    after = {
        "announcement_start": start,
        "announcement_days": days,
        "announcement_end": end,
        "status": contract.status,
    }
    changes = {
        k: [audit._jsonable(before[k]), audit._jsonable(v)]
        for k, v in after.items()
        if before[k] != v
    }
    audit.record(actor=actor, action="deals.announce", obj=contract, changes=changes)
    return contract


@transaction.atomic
def contract_sign(
    *, actor, contract: Contract, signed_on, starts_on=None, ends_on=None
) -> Contract:
    """Record the signature. An agreed price must have been announced, and the announcement
    must have ended, before the signature."""
    require_staff(actor, contract.institution_id)
    _lock(contract)
    if contract.status not in (ContractStatus.DRAFT, ContractStatus.ANNOUNCED):
        raise ValidationError(
            {
                "signed_on": _("This contract is %(status)s; it cannot be signed again.")
                % {"status": contract.get_status_display()}
            }
        )
    signed_on = _date(signed_on, "signed_on")
    _not_future(signed_on, "signed_on")
    if contract.pricing_method == PricingMethod.AGREED:
        if contract.announcement_end is None:
            raise ValidationError(
                {
                    "signed_on": _(
                        "An agreed price must be publicly announced before the contract is signed."
                    )
                }
            )
        if signed_on <= contract.announcement_end:
            raise ValidationError(
                {
                    "signed_on": _(
                        "The announcement of the agreed price runs until %(end)s; the contract "
                        "can be signed from %(next)s."
                    )
                    % {
                        "end": contract.announcement_end.isoformat(),
                        "next": (contract.announcement_end + dt.timedelta(days=1)).isoformat(),
                    }
                }
            )
    if (
        contract.contract_type in (ContractType.TRANSFER, ContractType.LICENCE)
        and not contract.results.exists()
    ):
        raise ValidationError(
            {"signed_on": _("Name the result(s) this contract transfers or licenses.")}
        )
    starts_on = _date(starts_on, "starts_on", required=False) or contract.starts_on or signed_on
    ends_on = _date(ends_on, "ends_on", required=False) or contract.ends_on
    if ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The contract cannot end before it starts.")})
    values = {
        "status": ContractStatus.SIGNED,
        "signed_on": signed_on,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    changes = audit.apply_changes(contract, values, values)
    contract.save()
    audit.record(actor=actor, action="deals.sign", obj=contract, changes=changes)
    for result in contract.results.all():
        append_event(
            result=result,
            kind="deal.signed",
            actor=actor,
            summary=f"{contract.number} · {contract.get_contract_type_display()} · "
            f"¥{contract.amount:,.2f}",
            obj=contract,
            data={"contract_type": contract.contract_type, "amount": str(contract.amount)},
        )
    return contract


def registration_number_errors(number: str) -> str:
    if not REGISTRATION_RE.match(number or ""):
        return _("A registration number has exactly 16 digits.")
    return ""


@transaction.atomic
def contract_register(
    *, actor, contract: Contract, registration_number: str, registered_on, approved_tech_income
) -> Contract:
    """Record the technology-contract registration (技术合同认定登记)."""
    require_staff(actor, contract.institution_id)
    _lock(contract)
    if contract.status not in (ContractStatus.SIGNED, ContractStatus.COMPLETED):
        raise ValidationError(
            {"registration_number": _("Only a signed contract can be registered.")}
        )
    number = re.sub(r"[\s-]", "", registration_number or "")
    message = registration_number_errors(number)
    if message:
        raise ValidationError({"registration_number": message})
    clash = Contract.objects.filter(registration_number=number).exclude(pk=contract.pk)
    if clash.exists():
        raise ValidationError(
            {"registration_number": _("Another contract already has this registration number.")}
        )
    registered_on = _date(registered_on, "registered_on")
    _not_future(registered_on, "registered_on")
    if contract.signed_on and registered_on < contract.signed_on:
        raise ValidationError({"registered_on": _("A contract is registered after it is signed.")})
    income = _money(approved_tech_income, "approved_tech_income")
    if income > contract.amount:
        raise ValidationError(
            {
                "approved_tech_income": _(
                    "The approved technology income cannot exceed the contract amount (%(amount)s "
                    "yuan)."
                )
                % {"amount": contract.amount}
            }
        )
    values = {
        "registration_number": number,
        "registered_on": registered_on,
        "approved_tech_income": income,
    }
    changes = audit.apply_changes(contract, values, values)
    contract.save()
    audit.record(actor=actor, action="deals.register", obj=contract, changes=changes)
    return contract


@transaction.atomic
def contract_complete(*, actor, contract: Contract) -> Contract:
    """A signed contract whose obligations are fulfilled."""
    require_staff(actor, contract.institution_id)
    _lock(contract)
    if contract.status != ContractStatus.SIGNED:
        raise ValidationError({"status": _("Only a signed contract can be completed.")})
    contract.status = ContractStatus.COMPLETED
    contract.save()
    audit.record(
        actor=actor,
        action="deals.complete",
        obj=contract,
        changes={"status": [ContractStatus.SIGNED, ContractStatus.COMPLETED]},
    )
    return contract


@transaction.atomic
def contract_terminate(*, actor, contract: Contract, on=None, reason: str = "") -> Contract:
    """End a contract early (or abandon a draft). Its licence grants no longer hold anything."""
    require_staff(actor, contract.institution_id)
    _lock(contract)
    _require_open(contract)
    on = _date(on, "terminated_on", required=False) or _today()
    _not_future(on, "terminated_on")
    if contract.signed_on and on < contract.signed_on:
        raise ValidationError({"terminated_on": _("A contract ends after it was signed.")})
    reason = _text(reason, "reason", 2000, required_message=_("Say why the contract ends."))
    before = contract.status
    contract.status = ContractStatus.TERMINATED
    contract.terminated_on = on
    contract.termination_reason = reason
    contract.save()
    audit.record(
        actor=actor,
        action="deals.terminate",
        obj=contract,
        changes={"status": [before, contract.status], "terminated_on": [None, on.isoformat()]},
        message=reason,
    )
    return contract


# --- licence grants ----------------------------------------------------------------------------


def grant_conflicts(
    *,
    result,
    field,
    territory: str,
    starts_on: dt.date,
    ends_on: dt.date,
    exclusivity: str = Exclusivity.EXCLUSIVE,
    exclude_contract_id: int | None = None,
) -> list[LicenceGrant]:
    """The existing grants of non-terminated contracts on ``result`` that a new grant with these
    terms would collide with: any overlapping grant for an exclusive or sole one, an overlapping
    exclusive or sole grant for a non-exclusive one."""
    qs = (
        LicenceGrant.objects.filter(result=result, starts_on__lte=ends_on, ends_on__gte=starts_on)
        .exclude(contract__status=ContractStatus.TERMINATED)
        .select_related("contract", "field_of_use__parent__parent__parent")
    )
    if exclude_contract_id is not None:
        qs = qs.exclude(contract_id=exclude_contract_id)
    if exclusivity not in EXCLUSIVE_KINDS:
        qs = qs.filter(exclusivity__in=EXCLUSIVE_KINDS)
    return [
        g
        for g in qs
        if licensing.grants_overlap(
            g, field=field, territory=territory, starts_on=starts_on, ends_on=ends_on
        )
    ]


def conflict_message(conflicts: list[LicenceGrant]) -> str:
    names = "；".join(
        f"{g.contract.number}《{g.contract.title}》"
        for g in {g.contract_id: g for g in conflicts}.values()
    )
    return _("This grant overlaps a licence already given: %(contracts)s.") % {"contracts": names}


def _clean_grant(contract: Contract, data: Mapping[str, Any]) -> dict:
    result = data.get("result")
    if result is None or not contract.results.filter(pk=result.pk).exists():
        raise ValidationError({"result": _("Choose one of the results this contract covers.")})
    field = data.get("field_of_use")
    if field is not None and (
        not isinstance(field, Classification) or field.scheme != Scheme.INDUSTRY
    ):
        raise ValidationError(
            {"field_of_use": _("The field of use is an industry of GB/T 4754-2017.")}
        )
    territory = licensing.normalise_territory(data.get("territory") or licensing.CHINA)
    if not licensing.is_valid_territory(territory):
        raise ValidationError(
            {"territory": _("The territory is WORLD, a country code (CN, US…) or a province code.")}
        )
    starts_on = _date(data.get("starts_on") or contract.starts_on, "starts_on")
    ends_on = _date(data.get("ends_on") or contract.ends_on, "ends_on")
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The grant cannot end before it starts.")})
    exclusivity = data.get("exclusivity") or contract.exclusivity
    if exclusivity not in Exclusivity.values:
        raise ValidationError({"exclusivity": _("Choose exclusive, sole or non-exclusive.")})
    return {
        "result": result,
        "field_of_use": field,
        "territory": territory,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "exclusivity": exclusivity,
        "sublicensable": bool(data.get("sublicensable")),
    }


@transaction.atomic
def licence_grant_add(*, actor, contract: Contract, data: Mapping[str, Any]) -> LicenceGrant:
    """Add what a licence grants on one of its results. Refused when it would collide with a
    grant of another live contract (the message names the contracts)."""
    require_staff(actor, contract.institution_id)
    _lock(contract)
    _require_open(contract)
    if contract.contract_type != ContractType.LICENCE:
        raise ValidationError(
            {"contract": _("Only a licence contract grants fields, territories and terms.")}
        )
    values = _clean_grant(contract, data)
    # queue concurrent grants on the same result behind this one
    Result.objects.select_for_update().filter(pk=values["result"].pk).first()
    conflicts = grant_conflicts(
        result=values["result"],
        field=values["field_of_use"],
        territory=values["territory"],
        starts_on=values["starts_on"],
        ends_on=values["ends_on"],
        exclusivity=values["exclusivity"],
    )
    if conflicts:
        raise ValidationError({"__all__": conflict_message(conflicts)})
    grant = LicenceGrant.objects.create(contract=contract, **values)
    audit.record(
        actor=actor,
        action="deals.grant_add",
        obj=contract,
        changes={"grant": [None, grant_summary(grant)]},
    )
    return grant


def grant_summary(grant: LicenceGrant) -> str:
    field = grant.field_of_use.code if grant.field_of_use_id else "*"
    return (
        f"{grant.result.number} · {field} · {grant.territory} · "
        f"{grant.starts_on}–{grant.ends_on} · {grant.exclusivity}"
    )


@transaction.atomic
def licence_grant_remove(*, actor, grant: LicenceGrant) -> None:
    contract = grant.contract
    require_staff(actor, contract.institution_id)
    _lock(contract)
    if contract.status != ContractStatus.DRAFT and contract.status != ContractStatus.ANNOUNCED:
        raise ValidationError({"grant": _("The grants of a signed contract stay as signed.")})
    summary = grant_summary(grant)
    grant.delete()
    audit.record(
        actor=actor, action="deals.grant_remove", obj=contract, changes={"grant": [summary, None]}
    )


# --- payment schedule ----------------------------------------------------------------------------


def _clean_term(contract: Contract, data: Mapping[str, Any], term: PaymentTerm | None) -> dict:
    kind = data.get("kind", term.kind if term else "")
    if kind not in TermKind.values:
        raise ValidationError({"kind": _("Choose instalment, milestone or running royalty.")})
    label = _text(data.get("label", term.label if term else ""), "label", 200)
    due_on = _date(data.get("due_on", term.due_on if term else None), "due_on", required=False)
    amount = data.get("amount", term.amount if term else None)
    rate = data.get("royalty_rate", term.royalty_rate if term else None)
    values = {"kind": kind, "label": label, "due_on": due_on, "amount": None, "royalty_rate": None}
    if kind == TermKind.INSTALMENT:
        if due_on is None:
            raise ValidationError({"due_on": _("An instalment has a due date.")})
        values["amount"] = _money(amount, "amount", allow_zero=False)
    elif kind == TermKind.MILESTONE:
        if not label:
            raise ValidationError(
                {"label": _("Describe the milestone that makes this payment due.")}
            )
        values["amount"] = _money(amount, "amount", allow_zero=False)
    else:
        if contract.contract_type != ContractType.LICENCE:
            raise ValidationError({"kind": _("Running royalties belong to licence contracts.")})
        try:
            rate = Decimal(str(rate).strip())
        except (InvalidOperation, ValueError) as exc:
            raise ValidationError(
                {"royalty_rate": _("Enter the royalty as a percentage of sales.")}
            ) from exc
        if (
            not rate.is_finite()
            or rate <= 0
            or rate > 100
            or rate != rate.quantize(Decimal("0.001"))
        ):
            raise ValidationError(
                {
                    "royalty_rate": _(
                        "The royalty rate is a percentage above 0 and at most 100, with at most "
                        "three decimals."
                    )
                }
            )
        values["royalty_rate"] = rate
        values["due_on"] = None
    fixed = (
        contract.terms.exclude(kind=TermKind.ROYALTY)
        .exclude(pk=term.pk if term else None)
        .values_list("amount", flat=True)
    )
    total = sum((a or ZERO for a in fixed), ZERO) + (values["amount"] or ZERO)
    if values["amount"] is not None and total > contract.amount:
        raise ValidationError(
            {
                "amount": _(
                    "Instalments and milestones would add up to %(total)s yuan, more than the "
                    "contract amount of %(amount)s yuan."
                )
                % {"total": total, "amount": contract.amount}
            }
        )
    return values


def _term_summary(term: PaymentTerm) -> str:
    if term.kind == TermKind.ROYALTY:
        return f"{term.kind} {term.royalty_rate}%"
    return f"{term.kind} {term.label} {term.due_on or ''} {term.amount}".replace("  ", " ")


@transaction.atomic
def payment_term_add(*, actor, contract: Contract, data: Mapping[str, Any]) -> PaymentTerm:
    require_staff(actor, contract.institution_id)
    _lock(contract)
    _require_open(contract)
    values = _clean_term(contract, data, None)
    position = contract.terms.count()
    term = PaymentTerm.objects.create(contract=contract, position=position, **values)
    audit.record(
        actor=actor,
        action="deals.term_add",
        obj=contract,
        changes={"term": [None, _term_summary(term)]},
    )
    return term


@transaction.atomic
def payment_term_update(*, actor, term: PaymentTerm, data: Mapping[str, Any]) -> PaymentTerm:
    contract = term.contract
    require_staff(actor, contract.institution_id)
    _lock(contract)
    _require_open(contract)
    if (
        "kind" in data
        and data["kind"] != term.kind
        and (term.payments.exists() or term.royalty_reports.exists())
    ):
        raise ValidationError(
            {"kind": _("Payments or reports refer to this term; its kind stays.")}
        )
    before = _term_summary(term)
    values = _clean_term(contract, data, term)
    for key, value in values.items():
        setattr(term, key, value)
    term.save()
    after = _term_summary(term)
    audit.record(
        actor=actor,
        action="deals.term_update",
        obj=contract,
        changes={"term": [before, after]} if before != after else {},
    )
    return term


@transaction.atomic
def payment_term_remove(*, actor, term: PaymentTerm) -> None:
    contract = term.contract
    require_staff(actor, contract.institution_id)
    _lock(contract)
    _require_open(contract)
    if term.payments.exists() or term.royalty_reports.exists():
        raise ValidationError(
            {"term": _("Payments or royalty reports refer to this term; it cannot be removed.")}
        )
    summary = _term_summary(term)
    term.delete()
    audit.record(
        actor=actor, action="deals.term_remove", obj=contract, changes={"term": [summary, None]}
    )


@transaction.atomic
def payment_term_reach(*, actor, term: PaymentTerm, reached_on) -> PaymentTerm:
    """A milestone was reached: its payment falls due on that day."""
    contract = term.contract
    require_staff(actor, contract.institution_id)
    _lock(contract)
    if contract.status not in (ContractStatus.SIGNED, ContractStatus.COMPLETED):
        raise ValidationError({"reached_on": _("Milestones are reached under a signed contract.")})
    if term.kind != TermKind.MILESTONE:
        raise ValidationError(
            {"reached_on": _("Only a milestone payment is due on reaching a milestone.")}
        )
    reached_on = _date(reached_on, "reached_on")
    _not_future(reached_on, "reached_on")
    if contract.signed_on and reached_on < contract.signed_on:
        raise ValidationError(
            {"reached_on": _("A milestone is reached after the contract was signed.")}
        )
    before = term.reached_on
    term.reached_on = reached_on
    term.save(update_fields=["reached_on"])
    audit.record(
        actor=actor,
        action="deals.term_reach",
        obj=contract,
        changes={"reached_on": [before and before.isoformat(), reached_on.isoformat()]},
        message=term.label,
    )
    return term


# --- royalty reports and payments -------------------------------------------------------------


def royalty_amount(sales: Decimal, rate: Decimal) -> Decimal:
    """Royalty = sales × rate / 100, rounded half up to the fen."""
    return (sales * rate / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


def _require_money_status(contract: Contract, field: str) -> None:
    if contract.status not in MONEY_STATUSES:
        raise ValidationError({field: _("Money is recorded under a signed contract.")})


@transaction.atomic
def royalty_report_record(
    *,
    actor,
    contract: Contract,
    term: PaymentTerm,
    period_start,
    period_end,
    sales,
    due_on,
    reported_on=None,
    note: str = "",
) -> RoyaltyReport:
    """A licensee's sales report for one period; the royalty it owes is computed. The office
    records it, or the licensee's own users submit it (the office is told)."""
    by_licensee = not scope_for(actor).is_staff_of(contract.institution_id)
    if by_licensee:
        require(
            is_licensee(actor, contract),
            _("Only the institution's office or the licensee may report royalties."),
        )
    _lock(contract)
    _require_money_status(contract, "sales")
    if term is None or term.contract_id != contract.pk or term.kind != TermKind.ROYALTY:
        raise ValidationError({"term": _("Choose a running-royalty term of this contract.")})
    period_start = _date(period_start, "period_start")
    period_end = _date(period_end, "period_end")
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period cannot end before it starts.")})
    reported_on = _date(reported_on, "reported_on", required=False) or _today()
    _not_future(reported_on, "reported_on")
    due_on = _date(due_on, "due_on")
    if term.royalty_reports.filter(
        period_start__lte=period_end, period_end__gte=period_start
    ).exists():
        raise ValidationError(
            {"period_start": _("Another report of this term already covers part of this period.")}
        )
    sales = _money(sales, "sales")
    note = _text(note, "note", 300)
    report = RoyaltyReport.objects.create(
        contract=contract,
        term=term,
        period_start=period_start,
        period_end=period_end,
        sales=sales,
        royalty=royalty_amount(sales, term.royalty_rate),
        due_on=due_on,
        reported_on=reported_on,
        note=note,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action="deals.royalty_report",
        obj=contract,
        changes={
            "period": [None, f"{period_start}–{period_end}"],
            "sales": [None, str(sales)],
            "royalty": [None, str(report.royalty)],
            "due_on": [None, due_on.isoformat()],
        },
        message=_("Submitted by the licensee") if by_licensee else "",
    )
    if by_licensee:
        notify(
            users=contract_contacts(contract),
            title=_("%(licensee)s reported sales of %(period)s under %(number)s")
            % {
                "licensee": actor.get_full_name() or actor.get_username(),
                "period": f"{period_start}–{period_end}",
                "number": contract.number,
            },
            body=_("Sales %(sales)s yuan, royalty %(royalty)s yuan, due %(due)s.")
            % {"sales": f"{sales:,.2f}", "royalty": f"{report.royalty:,.2f}", "due": due_on},
            url=reverse("deal-detail", args=[contract.pk]),
            actor=actor,
        )
    return report


def licensee_institution_ids(user) -> list[int]:
    """The enterprises where ``user`` holds the enterprise-user role."""
    scope = scope_for(user)
    return [i for i in scope.roles if scope.has_role(i, Role.ENTERPRISE_USER)]


def is_licensee(user, contract: Contract) -> bool:
    """``user`` works for an enterprise that is the buyer / licensee party of ``contract``."""
    ids = licensee_institution_ids(user)
    return (
        bool(ids) and contract.parties.filter(role=PartyRole.BUYER, institution_id__in=ids).exists()
    )


def contract_contacts(contract: Contract) -> list:
    """Who hears about a contract: its manager, or else the institution's transfer-office staff."""
    if contract.manager_id and contract.manager.is_active:
        return [contract.manager]
    return list(
        User.objects.filter(
            memberships__institution_id=contract.institution_id,
            memberships__role=Role.TTO_STAFF,
            is_active=True,
        ).distinct()
    )


@transaction.atomic
def payment_record(
    *,
    actor,
    contract: Contract,
    received_on,
    amount,
    term: PaymentTerm | None = None,
    reference: str = "",
    note: str = "",
) -> Payment:
    """Money received under a contract; the income is booked on its results' ledgers."""
    require_staff(actor, contract.institution_id)
    _lock(contract)
    _require_money_status(contract, "amount")
    amount = _money(amount, "amount", allow_zero=False)
    received_on = _date(received_on, "received_on")
    _not_future(received_on, "received_on")
    if term is not None and term.contract_id != contract.pk:
        raise ValidationError({"term": _("Choose a payment term of this contract.")})
    if contract.signed_on and received_on < contract.signed_on - dt.timedelta(days=366):
        raise ValidationError(
            {"received_on": _("This date is long before the contract was signed.")}
        )
    reference = _text(reference, "reference", 60)
    note = _text(note, "note", 300)
    payment = Payment.objects.create(
        contract=contract,
        term=term,
        received_on=received_on,
        amount=amount,
        reference=reference,
        note=note,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action="deals.payment",
        obj=contract,
        changes={
            "amount": [None, str(amount)],
            "received_on": [None, received_on.isoformat()],
            **({"term": [None, str(term)]} if term else {}),
        },
    )
    from datong.deals.income.ledger import record_payment_income

    record_payment_income(actor=actor, payment=payment)
    return payment
