"""Writes to IP records: families, filings, events, ownership and costs.

A filing's legal status is never typed in: ``filing_event_add`` (and any date correction) calls
``filing_refresh`` which derives it from the events and the term, then lets the docket and the
annuity schedule follow (``refresh_hooks``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datong.accounts.models import User
from datong.core import audit
from datong.core.permissions import require_staff
from datong.core.validation import length_errors
from datong.institutions.models import Institution, InstitutionKind
from datong.results.models import Result
from datong.results.reference import ip_type_codes
from datong.results.timeline import append_event

from .models import (
    TERMINAL_EVENTS,
    CostEntry,
    CostKind,
    EventKind,
    Filing,
    FilingEvent,
    IPFamily,
    LegalStatus,
    OwnershipPeriod,
    Relation,
    Route,
)
from .numbers import check_application_number, normalise_ipc
from .terms import term_end

FAMILY_FIELDS = (
    "reference",
    "ip_type",
    "title",
    "title_en",
    "abstract",
    "ipc_codes",
    "inventors",
    "claims_count",
    "independent_claims",
    "forward_citations",
    "result",
)
FILING_FIELDS = (
    "route",
    "country",
    "kind",
    "application_number",
    "filing_date",
    "priority_date",
    "publication_number",
    "grant_number",
    "parent",
    "relation",
    "agency",
    "attorney",
    "term_extension_days",
)
HUNDRED = Decimal("100")
#: Filing kinds by IP type for registrations and CN applications.
KINDS = (
    "invention",
    "utility_model",
    "design",
    "pct_invention",
    "pct_utility_model",
    "software_copyright",
    "ic_layout",
    "plant_variety",
    "biomedical_variety",
)

#: Called with the filing after its status was derived (the docket and annuities register here).
refresh_hooks: list[Callable[[Filing, User | None], None]] = []


# --- families --------------------------------------------------------------------------------


def _clean_family(data: dict, institution: Institution) -> dict:
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    errors = length_errors(IPFamily, cleaned)
    if "title" in cleaned and not cleaned["title"]:
        errors["title"] = _("The title is required.")
    if "ip_type" in cleaned and cleaned["ip_type"] not in ip_type_codes():
        errors["ip_type"] = _("Choose one of the IP types.")
    if "ipc_codes" in cleaned:
        codes, bad = [], []
        raw = cleaned["ipc_codes"]
        items = raw.replace("；", ";").replace(",", ";").split(";") if isinstance(raw, str) else raw
        for item in items or []:
            if not str(item).strip():
                continue
            code = normalise_ipc(str(item))
            (codes if code else bad).append(code or str(item).strip())
        if bad:
            errors["ipc_codes"] = _("Not an IPC code: %(codes)s (write e.g. H01M 10/052).") % {
                "codes": ", ".join(bad)
            }
        cleaned["ipc_codes"] = list(dict.fromkeys(codes))
    for field in ("claims_count", "independent_claims", "forward_citations"):
        value = cleaned.get(field)
        if value in ("", None):
            cleaned[field] = None if field in cleaned else cleaned.get(field)
            continue
        try:
            cleaned[field] = int(value)
            if cleaned[field] < 0:
                raise ValueError
        except (TypeError, ValueError):
            errors[field] = _("A whole number, zero or more.")
    if (cleaned.get("independent_claims") or 0) > (cleaned.get("claims_count") or 10**6):
        errors["independent_claims"] = _("There cannot be more independent claims than claims.")
    result = cleaned.get("result")
    if result is not None and (
        not isinstance(result, Result) or result.institution_id != institution.pk
    ):
        errors["result"] = _("Choose a result of this institution.")
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def family_create(
    *, actor: User | None, institution: Institution, title: str, ip_type: str, **data
) -> IPFamily:
    if actor is not None:
        require_staff(actor, institution.pk)
    cleaned = _clean_family({"title": title, "ip_type": ip_type, **data}, institution)
    family = IPFamily.objects.create(
        institution=institution,
        created_by=actor,
        **{k: v for k, v in cleaned.items() if k in FAMILY_FIELDS},
    )
    audit.record(
        actor=actor,
        action="ip.family_create",
        obj=family,
        changes=audit.snapshot(family, ("reference", "ip_type", "title", "result")),
    )
    if family.result_id:
        append_event(
            result=family.result, kind="ip.family", actor=actor, obj=family, summary=family.title
        )
    return family


@transaction.atomic
def family_update(*, actor: User, family: IPFamily, data: dict) -> IPFamily:
    require_staff(actor, family.institution_id)
    cleaned = _clean_family(
        {k: v for k, v in data.items() if k in FAMILY_FIELDS}, family.institution
    )
    changes = audit.apply_changes(family, cleaned, FAMILY_FIELDS)
    if changes:
        family.save()
        audit.record(actor=actor, action="ip.family_update", obj=family, changes=changes)
    return family


# --- filings ---------------------------------------------------------------------------------


def _clean_filing(data: dict, family: IPFamily, instance: Filing | None = None) -> dict:
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    errors = length_errors(Filing, cleaned)
    if "route" in cleaned and cleaned["route"] not in Route.values:
        errors["route"] = _("Choose a route.")
    if "kind" in cleaned and cleaned["kind"] not in KINDS:
        errors["kind"] = _("Choose the kind of filing.")
    if "country" in cleaned:
        cleaned["country"] = (cleaned["country"] or "").upper()
        if not (2 <= len(cleaned["country"]) <= 4 and cleaned["country"].isalpha()):
            errors["country"] = _("Give the country or office code, e.g. CN, WO, EP, US, HK.")
    country = cleaned.get("country", instance.country if instance else "CN")
    number = cleaned.get("application_number")
    if (
        number
        and country == "CN"
        and cleaned.get("route", getattr(instance, "route", "")) in (Route.CN, Route.NATIONAL_PHASE)
    ):
        check = check_application_number(number)
        if not check.valid:
            errors["application_number"] = check.message
        else:
            cleaned["application_number"] = check.normalised
            kind = cleaned.get("kind", getattr(instance, "kind", None))
            if (
                kind
                and check.kind
                and kind != check.kind
                and not (kind == "invention" and check.kind == "pct_invention")
            ):
                errors["kind"] = _("The number says %(number_kind)s, not %(kind)s.") % {
                    "number_kind": check.kind,
                    "kind": kind,
                }
    for field in ("filing_date", "priority_date"):
        value = cleaned.get(field)
        if isinstance(value, str):
            try:
                cleaned[field] = dt.date.fromisoformat(value) if value else None
            except ValueError:
                errors[field] = _("Give the date as YYYY-MM-DD.")
    filing_date = cleaned.get("filing_date", getattr(instance, "filing_date", None))
    priority_date = cleaned.get("priority_date", getattr(instance, "priority_date", None))
    if filing_date and filing_date > timezone.localdate():
        errors["filing_date"] = _("The filing date is in the future.")
    if priority_date and filing_date and priority_date > filing_date:
        errors["priority_date"] = _("The priority date cannot be after the filing date.")
    parent = cleaned.get("parent")
    if parent is not None:
        if parent.family_id != family.pk:
            errors["parent"] = _("The related filing must belong to the same family.")
        if instance is not None and parent.pk == instance.pk:
            errors["parent"] = _("A filing cannot relate to itself.")
        if not cleaned.get("relation", getattr(instance, "relation", "")):
            errors["relation"] = _("Say how the filings are related.")
    if cleaned.get("relation") and cleaned["relation"] not in Relation.values:
        errors["relation"] = _("Choose a relation.")
    agency = cleaned.get("agency")
    if agency is not None and agency.kind != InstitutionKind.SERVICE_PROVIDER:
        errors["agency"] = _("The agency must be a service provider of the directory.")
    if cleaned.get("term_extension_days") in (None, ""):
        cleaned.pop("term_extension_days", None)
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def filing_create(*, actor: User | None, family: IPFamily, route: str, kind: str, **data) -> Filing:
    if actor is not None:
        require_staff(actor, family.institution_id)
    cleaned = _clean_filing({"route": route, "kind": kind, **data}, family)
    try:
        with transaction.atomic():
            filing = Filing.objects.create(
                family=family, **{k: v for k, v in cleaned.items() if k in FILING_FIELDS}
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"application_number": _("Another filing already has this application number.")}
        ) from exc
    audit.record(
        actor=actor,
        action="ip.filing_create",
        obj=filing,
        changes=audit.snapshot(
            filing, ("route", "country", "kind", "application_number", "filing_date")
        ),
    )
    if filing.filing_date:
        FilingEvent.objects.create(
            filing=filing, kind=EventKind.FILED, date=filing.filing_date, actor=actor
        )
    filing_refresh(filing, actor)
    if family.result_id:
        append_event(
            result=family.result,
            kind="ip.filed",
            actor=actor,
            obj=filing,
            summary=f"{filing.country} {filing.application_number}".strip(),
            at=_noon(filing.filing_date),
        )
    return filing


@transaction.atomic
def filing_update(*, actor: User, filing: Filing, data: dict) -> Filing:
    """Correct a filing; the status, docket and annuities follow the corrected dates."""
    require_staff(actor, filing.family.institution_id)
    cleaned = _clean_filing(
        {k: v for k, v in data.items() if k in FILING_FIELDS}, filing.family, instance=filing
    )
    changes = audit.apply_changes(filing, cleaned, FILING_FIELDS)
    if changes:
        try:
            with transaction.atomic():
                filing.save()
        except IntegrityError as exc:
            raise ValidationError(
                {"application_number": _("Another filing already has this application number.")}
            ) from exc
        if "filing_date" in changes and filing.filing_date:
            filed = filing.events.filter(kind=EventKind.FILED).first()
            if filed:
                filed.date = filing.filing_date
                filed.save(update_fields=["date"])
        audit.record(actor=actor, action="ip.filing_update", obj=filing, changes=changes)
        filing_refresh(filing, actor)
    return filing


def _noon(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())


def derive_legal_status(filing: Filing, events, today: dt.date) -> str:
    """The legal status that the events (in date order) and the term give on ``today``."""
    status = LegalStatus.PENDING
    for event in sorted(events, key=lambda e: (e.date, e.pk or 0)):
        if event.date > today:
            continue
        kind = event.kind
        if kind in TERMINAL_EVENTS:
            status = LegalStatus(kind)
        elif kind == EventKind.RESTORED and status == LegalStatus.LAPSED:
            status = LegalStatus.GRANTED
        elif status in (LegalStatus.PENDING, LegalStatus.PUBLISHED, LegalStatus.EXAMINATION):
            status = {
                EventKind.PUBLISHED: LegalStatus.PUBLISHED,
                EventKind.EXAM_REQUESTED: LegalStatus.EXAMINATION,
                EventKind.OFFICE_ACTION: LegalStatus.EXAMINATION,
                EventKind.RESPONSE_FILED: LegalStatus.EXAMINATION,
                EventKind.GRANTED: LegalStatus.GRANTED,
                EventKind.REGISTERED: LegalStatus.REGISTERED,
            }.get(kind, status)
    if status in (LegalStatus.GRANTED, LegalStatus.REGISTERED):
        end = term_end(filing.kind, filing.filing_date, filing.term_extension_days)
        if end is not None and end < today:
            status = LegalStatus.EXPIRED
    return status


def filing_refresh(filing: Filing, actor: User | None = None) -> str:
    """Derive and store the legal status; let the docket and annuity schedule follow."""
    status = derive_legal_status(filing, list(filing.events.all()), timezone.localdate())
    if status != filing.legal_status:
        Filing.objects.filter(pk=filing.pk).update(legal_status=status)
        filing.legal_status = status
    for hook in refresh_hooks:
        hook(filing, actor)
    return status


@transaction.atomic
def filing_event_add(
    *, actor: User | None, filing: Filing, kind: str, date: dt.date, note: str = ""
) -> FilingEvent:
    if actor is not None:
        require_staff(actor, filing.family.institution_id)
    if kind not in EventKind.values:
        raise ValidationError({"kind": _("Choose an event.")})
    if date is None or date > timezone.localdate():
        raise ValidationError({"date": _("Give the event's date (not in the future).")})
    if filing.filing_date and date < filing.filing_date and kind != EventKind.FILED:
        raise ValidationError({"date": _("The event cannot be before the filing date.")})
    if kind == EventKind.FILED and filing.events.filter(kind=EventKind.FILED).exists():
        raise ValidationError(
            {"kind": _("The filing is already recorded; correct its date on the filing instead.")}
        )
    event = FilingEvent.objects.create(
        filing=filing, kind=kind, date=date, actor=actor, note=(note or "").strip()[:300]
    )
    if kind == EventKind.FILED and not filing.filing_date:
        filing.filing_date = date
        filing.save(update_fields=["filing_date", "updated_at"])
    before = filing.legal_status
    after = filing_refresh(filing, actor)
    audit.record(
        actor=actor,
        action="ip.event",
        obj=filing,
        changes={
            "event": [None, f"{date} {event.get_kind_display()}"],
            **({"legal_status": [before, after]} if before != after else {}),
        },
    )
    family = filing.family
    if family.result_id:
        append_event(
            result=family.result,
            kind=f"ip.{kind}",
            actor=actor,
            obj=filing,
            at=_noon(date),
            summary=f"{filing} · {event.get_kind_display()}",
        )
    return event


# --- ownership -------------------------------------------------------------------------------


def _clean_holders(holders: list[dict]) -> list[dict]:
    if not holders:
        raise ValidationError({"holders": _("Name at least one holder.")})
    cleaned, total = [], Decimal("0")
    for index, holder in enumerate(holders, start=1):
        name = (holder.get("name") or "").strip()
        if not name:
            raise ValidationError({"holders": _("Holder %(n)d: give the name.") % {"n": index}})
        try:
            share = Decimal(str(holder.get("share"))).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError) as exc:
            raise ValidationError(
                {"holders": _("Holder %(n)d: the share is a number.") % {"n": index}}
            ) from exc
        if not Decimal("0") < share <= HUNDRED:
            raise ValidationError(
                {"holders": _("Holder %(n)d: the share is between 0 and 100.") % {"n": index}}
            )
        total += share
        cleaned.append(
            {"name": name[:200], "institution": holder.get("institution"), "share": f"{share:.2f}"}
        )
    if total != HUNDRED:
        raise ValidationError(
            {
                "holders": _("The holders' shares total %(total)s %%, not 100 %%.")
                % {"total": f"{total:.2f}"}
            }
        )
    return cleaned


@transaction.atomic
def ownership_change(
    *, actor: User | None, family: IPFamily, start: dt.date, holders: list[dict], note: str = ""
) -> OwnershipPeriod:
    """Open a new ownership period from ``start`` (an assignment, co-ownership, 赋权), closing the
    open one the day before. Periods never overlap and only one is open."""
    if actor is not None:
        require_staff(actor, family.institution_id)
    cleaned = _clean_holders(holders)
    current = family.ownership.filter(end__isnull=True).first()
    if family.ownership.filter(start__gte=start).exists():
        raise ValidationError(
            {
                "start": _(
                    "A later ownership period already exists; the new one must start after it."
                )
            }
        )
    if current is not None:
        current.end = start
        current.save(update_fields=["end"])
    period = OwnershipPeriod.objects.create(
        family=family, start=start, holders=cleaned, note=(note or "").strip()[:300]
    )
    audit.record(
        actor=actor,
        action="ip.ownership",
        obj=family,
        changes={
            "holders": [current.holders if current else None, cleaned],
            "from": [None, start.isoformat()],
        },
    )
    return period


# --- costs -----------------------------------------------------------------------------------


@transaction.atomic
def cost_add(
    *, actor: User | None, filing: Filing, kind: str, amount, date: dt.date, note: str = ""
) -> CostEntry:
    if actor is not None:
        require_staff(actor, filing.family.institution_id)
    errors = {}
    if kind not in CostKind.values:
        errors["kind"] = _("Choose the kind of cost.")
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
        if value <= 0:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["amount"] = _("The amount is a positive number of yuan.")
        value = None
    if date is None or date > timezone.localdate():
        errors["date"] = _("Give the date (not in the future).")
    if errors:
        raise ValidationError(errors)
    entry = CostEntry.objects.create(
        filing=filing,
        kind=kind,
        amount=value,
        date=date,
        note=(note or "").strip()[:300],
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="ip.cost",
        obj=filing,
        changes={"cost": [None, f"{entry.get_kind_display()} {value}"]},
    )
    return entry
