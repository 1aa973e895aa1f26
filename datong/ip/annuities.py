"""CN annuities: the fee tables as data (``data/annuity_fees.json``), the schedule of a granted
filing and the renewal workflow.

Annuities start with the patent year in which the grant falls (counted from the filing date), fall
due on each filing anniversary (the grant year's one at the grant), and stop at expiry, term
compensation included. :func:`schedule` runs after every status refresh
(``services.refresh_hooks``). A renewal moves due → reminded → instructed → paid → confirmed, or is
abandoned / lapses (from due, reminded or instructed), which ends the filing through a "lapsed"
event. Years whose grace period had already ended when the grant was recorded here are taken as
settled and not scheduled.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from datong.core import audit
from datong.core.permissions import ScopeRule, get_visible_or_404, require_staff, visible_to

from . import services
from .docket import add_months
from .models import (
    EventKind,
    Filing,
    FilingEvent,
    LegalStatus,
    Renewal,
    RenewalDecision,
    RenewalStatus,
    Route,
)
from .terms import add_years, term_end

DATA = Path(__file__).resolve().parent / "data"
CENT = Decimal("0.01")
HUNDRED = Decimal("100")
ROUTES = (Route.CN, Route.NATIONAL_PHASE)

#: Renewals still waiting for the money (these can be abandoned or lapse).
UNPAID = (RenewalStatus.DUE, RenewalStatus.REMINDED, RenewalStatus.INSTRUCTED)
#: Renewals the office still acts on (the deadlines page lists them).
OPEN = (*UNPAID, RenewalStatus.PAID)

#: action → (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "remind": ((RenewalStatus.DUE,), RenewalStatus.REMINDED),
    "instruct": ((RenewalStatus.DUE, RenewalStatus.REMINDED), RenewalStatus.INSTRUCTED),
    "pay": ((RenewalStatus.INSTRUCTED,), RenewalStatus.PAID),
    "confirm": ((RenewalStatus.PAID,), RenewalStatus.CONFIRMED),
    "abandon": (UNPAID, RenewalStatus.ABANDONED),
    "lapse": (UNPAID, RenewalStatus.LAPSED),
}

RENEWAL_SCOPE = ScopeRule(institution="filing__family__institution", staff_only=True)


# --- the fee data ----------------------------------------------------------------------------


@cache
def fee_data() -> dict:
    return json.loads((DATA / "annuity_fees.json").read_text(encoding="utf-8"))


def table_for(kind: str, due: dt.date) -> dict | None:
    for table in fee_data()["tables"]:
        if kind not in table["kinds"]:
            continue
        start = dt.date.fromisoformat(table["valid_from"]) if table["valid_from"] else dt.date.min
        until = dt.date.fromisoformat(table["valid_until"]) if table["valid_until"] else dt.date.max
        if start <= due < until:
            return table
    return None


def fee(
    kind: str, year: int, due: dt.date, grant_year: int | None = None
) -> tuple[Decimal, Decimal | None, str] | None:
    """(normal amount, reduced amount or None, table code) for patent ``year`` of ``kind``."""
    table = table_for(kind, due)
    if table is None:
        return None
    for band in table["years"]:
        if band["from"] <= year <= band["to"]:
            amount = Decimal(band["amount"]).quantize(CENT)
            reduction = fee_data()["reduction"]
            reduced = None
            within = reduction.get("within_years_of_grant")
            if grant_year is None or within is None or year < grant_year + int(within):
                reduced = (amount * Decimal(reduction["pays_percent"]) / HUNDRED).quantize(
                    CENT, ROUND_HALF_UP
                )
            return amount, reduced, table["code"]
    return None


def grace_end(due: dt.date) -> dt.date:
    """The last day an annuity due on ``due`` may be paid (with the surcharge)."""
    return add_months(due, int(fee_data()["surcharge"]["grace_months"]))


def late_percent(due: dt.date, paid_on: dt.date) -> Decimal | None:
    """The surcharge in per cent for paying on ``paid_on``; None once the grace period is over."""
    rule = fee_data()["surcharge"]
    if paid_on <= due:
        return Decimal("0")
    month = 1
    while paid_on > add_months(due, month):
        month += 1
        if month > int(rule["grace_months"]):
            return None
    if month <= int(rule["free_months"]):
        return Decimal("0")
    percent = Decimal(rule["percent_per_month"]) * (month - int(rule["free_months"]))
    return min(percent, Decimal(rule["max_percent"]))


def late_fee(renewal: Renewal, paid_on: dt.date) -> Decimal:
    """The surcharge (yuan) for paying ``renewal`` on ``paid_on``; refused after the grace."""
    percent = late_percent(renewal.due_date, paid_on)
    if percent is None:
        raise ValidationError(
            {
                "paid_on": _("The grace period ended on %(day)s.")
                % {"day": grace_end(renewal.due_date)}
            }
        )
    base = renewal.amount
    if fee_data()["surcharge"].get("base") == "reduced" and renewal.reduced_amount:
        base = renewal.reduced_amount
    return (base * percent / HUNDRED).quantize(CENT, ROUND_HALF_UP)


# --- the schedule ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Annuity:
    year: int
    due_date: dt.date
    amount: Decimal
    reduced_amount: Decimal | None
    fee_rule: str


def patent_year(filing_date: dt.date, day: dt.date) -> int:
    """The patent year (1 = the first year from the filing date) that ``day`` falls in."""
    year = max(1, day.year - filing_date.year)
    while year > 1 and add_years(filing_date, year - 1) > day:
        year -= 1
    while add_years(filing_date, year) <= day:
        year += 1
    return year


def _grant_event(events: list[FilingEvent]) -> FilingEvent | None:
    granted = [e for e in events if e.kind == EventKind.GRANTED]
    return min(granted, key=lambda e: (e.date, e.pk or 0)) if granted else None


def plan(filing: Filing, events: list[FilingEvent] | None = None) -> list[Annuity]:
    """Every annuity of a granted CN filing, grant year to expiry (pure: writes nothing)."""
    if filing.country != "CN" or filing.route not in ROUTES or filing.filing_date is None:
        return []
    if events is None:
        events = list(filing.events.all())
    granted = _grant_event(events)
    end = term_end(filing.kind, filing.filing_date, filing.term_extension_days)
    if granted is None or end is None:
        return []
    first = patent_year(filing.filing_date, granted.date)
    annuities = []
    year = first
    while True:
        start = add_years(filing.filing_date, year - 1)
        if start > end:
            break
        due = granted.date if year == first else start
        price = fee(filing.kind, year, due, grant_year=first)
        if price is None:
            break
        annuities.append(Annuity(year, due, *price))
        year += 1
    return annuities


def schedule(filing: Filing, actor=None) -> list[Renewal]:
    """Create the missing renewals of a granted filing, move unpaid ones after a date correction,
    and drop the unpaid ones after the filing ended. Returns the renewals created."""
    created: list[Renewal] = []
    with transaction.atomic():
        events = list(filing.events.all())
        existing = {r.year: r for r in filing.renewals.select_for_update()}
        if filing.legal_status != LegalStatus.GRANTED:
            if filing.legal_status in (
                LegalStatus.LAPSED,
                LegalStatus.WITHDRAWN,
                LegalStatus.REJECTED,
                LegalStatus.INVALIDATED,
            ):
                ends = [e.date for e in events if e.kind == filing.legal_status]
                end = max(ends) if ends else timezone.localdate()
                for renewal in existing.values():
                    if renewal.status in (RenewalStatus.DUE, RenewalStatus.REMINDED) and (
                        renewal.due_date > end
                    ):
                        renewal.delete()
            return created
        annuities = {a.year: a for a in plan(filing, events)}
        granted = _grant_event(events)
        recorded = max(
            timezone.localdate(filing.created_at) if filing.created_at else timezone.localdate(),
            timezone.localdate(granted.created_at)
            if granted and granted.created_at
            else dt.date.min,
        )
        for year, renewal in existing.items():
            if renewal.status not in (RenewalStatus.DUE, RenewalStatus.REMINDED):
                continue
            annuity = annuities.get(year)
            if annuity is None:
                renewal.delete()
                continue
            fields = []
            for field in ("due_date", "amount", "reduced_amount", "fee_rule"):
                if getattr(renewal, field) != getattr(annuity, field):
                    setattr(renewal, field, getattr(annuity, field))
                    fields.append(field)
            if fields:
                renewal.save(update_fields=fields)
        for year, annuity in annuities.items():
            if year in existing or grace_end(annuity.due_date) < recorded:
                continue
            created.append(
                Renewal.objects.create(
                    filing=filing,
                    year=year,
                    due_date=annuity.due_date,
                    amount=annuity.amount,
                    reduced_amount=annuity.reduced_amount,
                    fee_rule=annuity.fee_rule,
                )
            )
        if created:
            audit.record(
                actor=actor,
                action="ip.annuities",
                obj=filing,
                changes={"years": [None, [r.year for r in created]]},
            )
    return created


def _refresh_hook(filing: Filing, actor=None) -> None:
    schedule(filing, actor)


def register_hook() -> None:
    """Put :func:`schedule` in ``services.refresh_hooks`` once (also after a module reload)."""
    hooks = services.refresh_hooks
    for index, hook in enumerate(hooks):
        if getattr(hook, "__module__", None) == __name__ and hook.__name__ == "_refresh_hook":
            hooks[index] = _refresh_hook
            return
    hooks.append(_refresh_hook)


register_hook()


# --- the renewal workflow --------------------------------------------------------------------


def _move(actor, renewal: Renewal, action: str, **changes) -> Renewal:
    """Check the actor and the transition, apply ``changes`` and the new status, audit."""
    institution_id = renewal.filing.family.institution_id
    if actor is not None:
        require_staff(actor, institution_id)
    allowed, target = TRANSITIONS[action]
    if renewal.status not in allowed:
        raise ValidationError(
            {
                "status": _("A renewal that is “%(status)s” cannot be %(action)s.")
                % {"status": renewal.get_status_display(), "action": _action_label(action)}
            }
        )
    before = renewal.status
    for field, value in changes.items():
        setattr(renewal, field, value)
    renewal.status = target
    renewal.save(update_fields=["status", *changes])
    audit.record(
        actor=actor,
        action=f"ip.renewal_{action}",
        obj=renewal,
        changes={
            "status": [before, target],
            **{k: [None, None if v is None else str(v)] for k, v in changes.items()},
        },
        institution_id=institution_id,
    )
    return renewal


def _action_label(action: str) -> str:
    return {
        "remind": _("reminded"),
        "instruct": _("instructed"),
        "pay": _("paid"),
        "confirm": _("confirmed"),
        "abandon": _("abandoned"),
        "lapse": _("lapsed"),
    }[action]


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    return reason[:300]


@transaction.atomic
def renewal_remind(*, actor, renewal: Renewal) -> Renewal:
    return _move(actor, renewal, "remind")


@transaction.atomic
def renewal_instruct(*, actor, renewal: Renewal) -> Renewal:
    """The office instructs payment (to the agency or its own finance office)."""
    changes = {}
    if not renewal.decision:
        changes["decision"] = RenewalDecision.MAINTAIN
    return _move(actor, renewal, "instruct", **changes)


@transaction.atomic
def renewal_pay(*, actor, renewal: Renewal, amount, paid_on: dt.date, note: str = "") -> Renewal:
    """Record the payment: a cost entry of kind annuity and a "renewal paid" event."""
    if actor is not None:
        require_staff(actor, renewal.filing.family.institution_id)
    errors = {}
    try:
        value = Decimal(str(amount)).quantize(CENT)
        if value <= 0:
            raise InvalidOperation
    except (InvalidOperation, ValueError, TypeError):
        errors["amount"] = _("The amount is a positive number of yuan.")
        value = None
    if paid_on is None or paid_on > timezone.localdate():
        errors["paid_on"] = _("Give the payment date (not in the future).")
    if errors:
        raise ValidationError(errors)
    surcharge = late_fee(renewal, paid_on)
    renewal = _move(actor, renewal, "pay", paid_amount=value, paid_on=paid_on)
    text = _("Annuity, year %(year)d") % {"year": renewal.year}
    if surcharge:
        text += _(" (late surcharge %(fee)s)") % {"fee": surcharge}
    if note:
        text += f" · {note.strip()}"
    services.cost_add(
        actor=actor, filing=renewal.filing, kind="annuity", amount=value, date=paid_on, note=text
    )
    services.filing_event_add(
        actor=actor, filing=renewal.filing, kind=EventKind.RENEWAL_PAID, date=paid_on, note=text
    )
    return renewal


@transaction.atomic
def renewal_confirm(*, actor, renewal: Renewal) -> Renewal:
    """The office received the official receipt."""
    return _move(actor, renewal, "confirm")


@transaction.atomic
def renewal_decide(*, actor, renewal: Renewal, decision: str, reason: str) -> Renewal:
    """Record the maintain / abandon / offer-for-licence decision with its reason; abandoning
    ends the filing (see :func:`renewal_abandon`)."""
    if actor is not None:
        require_staff(actor, renewal.filing.family.institution_id)
    if decision not in RenewalDecision.values:
        raise ValidationError({"decision": _("Choose maintain, abandon or offer for licence.")})
    reason = _reason(reason)
    if decision == RenewalDecision.ABANDON:
        return renewal_abandon(actor=actor, renewal=renewal, reason=reason)
    if renewal.status not in UNPAID:
        raise ValidationError({"status": _("This renewal is no longer open for a decision.")})
    before = [renewal.decision, renewal.reason]
    renewal.decision, renewal.reason = decision, reason
    renewal.save(update_fields=["decision", "reason"])
    audit.record(
        actor=actor,
        action="ip.renewal_decide",
        obj=renewal,
        changes={"decision": [before[0], decision], "reason": [before[1], reason]},
        institution_id=renewal.filing.family.institution_id,
    )
    return renewal


def _end_filing(actor, renewal: Renewal, note: str) -> None:
    """Add the "lapsed" event that ends the filing: on the due date (the end of the last paid
    year) when that is past, else today (an event cannot be dated in the future)."""
    filing = renewal.filing
    if filing.legal_status != LegalStatus.GRANTED:
        return
    day = min(renewal.due_date, timezone.localdate())
    if filing.filing_date and day < filing.filing_date:
        day = filing.filing_date
    services.filing_event_add(
        actor=actor, filing=filing, kind=EventKind.LAPSED, date=day, note=note
    )


@transaction.atomic
def renewal_abandon(*, actor, renewal: Renewal, reason: str) -> Renewal:
    """Let the patent go: the renewal is abandoned and the filing lapses."""
    if actor is not None:
        require_staff(actor, renewal.filing.family.institution_id)
    reason = _reason(reason)
    renewal = _move(actor, renewal, "abandon", decision=RenewalDecision.ABANDON, reason=reason)
    _end_filing(
        actor,
        renewal,
        _("Annuity for year %(year)d not paid: %(reason)s")
        % {"year": renewal.year, "reason": reason},
    )
    return renewal


def lapse_overdue(today: dt.date | None = None) -> int:
    """Lapse every filing whose renewal is still unpaid after its grace period. Safe to rerun."""
    today = today or timezone.localdate()
    count = 0
    candidates = (
        Renewal.objects.filter(status__in=UNPAID, filing__legal_status=LegalStatus.GRANTED)
        .select_related("filing", "filing__family")
        .order_by("due_date", "pk")
    )
    for renewal in candidates:
        if grace_end(renewal.due_date) >= today:
            continue
        with transaction.atomic():
            renewal = (
                Renewal.objects.select_for_update().select_related("filing").get(pk=renewal.pk)
            )
            renewal.filing.refresh_from_db()
            if renewal.status not in UNPAID or renewal.filing.legal_status != LegalStatus.GRANTED:
                continue
            _move(None, renewal, "lapse")
            _end_filing(
                None,
                renewal,
                _("Annuity for year %(year)d not paid within the grace period.")
                % {"year": renewal.year},
            )
            count += 1
    return count


# --- reads -----------------------------------------------------------------------------------


def renewal_list(
    *, actor, days: int | None = None, overdue: bool = False, today: dt.date | None = None
) -> QuerySet[Renewal]:
    """Renewals the actor's offices still act on: due within ``days``, overdue, or all open."""
    today = today or timezone.localdate()
    qs = visible_to(
        actor,
        Renewal.objects.filter(status__in=OPEN).select_related(
            "filing", "filing__family", "filing__family__institution"
        ),
        RENEWAL_SCOPE,
    )
    if overdue:
        qs = qs.filter(due_date__lt=today, status__in=UNPAID)
    elif days is not None:
        qs = qs.filter(due_date__lte=today + dt.timedelta(days=days)).exclude(
            due_date__lt=today, status__in=UNPAID
        )
    return qs.order_by("due_date", "pk")


def renewal_get(*, actor, pk: int) -> Renewal:
    return get_visible_or_404(
        actor,
        Renewal.objects.select_related("filing", "filing__family"),
        RENEWAL_SCOPE,
        pk=pk,
    )


def amount_to_pay(renewal: Renewal, paid_on: dt.date | None = None) -> Decimal:
    """The suggested payment: the reduced fee where there is one, plus any surcharge."""
    paid_on = paid_on or timezone.localdate()
    base = renewal.reduced_amount or renewal.amount
    if late_percent(renewal.due_date, paid_on) is None:
        return base
    return base + late_fee(renewal, paid_on)
