"""Writes to spin-off companies and equity investments.

Every function is keyword-only, atomic, permission-checked (the institution's office staff only),
validated (a ``ValidationError`` per field, nothing half-written) and audited. Every company event
is appended to the timeline of each result linked to the company.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datong.accounts.models import User
from datong.core import audit
from datong.core.permissions import require_staff
from datong.core.validation import length_errors
from datong.institutions import credit_code
from datong.institutions.models import Institution
from datong.institutions.regions import PROVINCES
from datong.results.models import Classification, Result, Scheme
from datong.results.timeline import append_event

from .models import (
    BoardSeat,
    Company,
    CompanyState,
    Contribution,
    EquityInvestment,
    EquityStep,
    FinancingRound,
    Founder,
    HolderKind,
    ListingStatus,
    Shareholding,
)

HUNDRED = Decimal("100")
ZERO = Decimal("0")
CENT = Decimal("0.01")
PCT = Decimal("0.0001")
REGIONS = frozenset(code for code, _zh, _en in PROVINCES)

#: Allowed state changes: from → the states it may move to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    CompanyState.PREPARING: (CompanyState.ACTIVE, CompanyState.REFUSED),
    CompanyState.ACTIVE: (CompanyState.DORMANT, CompanyState.DISSOLVED),
    CompanyState.DORMANT: (CompanyState.ACTIVE, CompanyState.DISSOLVED),
    CompanyState.REFUSED: (),
    CompanyState.DISSOLVED: (),
}

#: The forward path of an equity investment (abandoned is off the path).
EQUITY_PATH = (
    EquityStep.APPRAISAL,
    EquityStep.APPROVAL,
    EquityStep.FILING,
    EquityStep.REGISTRATION,
    EquityStep.DONE,
)

APPROVED = "approved"
DECISIONS = ("approved", "rejected", "pending")

COMPANY_FIELDS = (
    "name",
    "name_en",
    "credit_code",
    "region",
    "city",
    "incubator",
    "industry",
    "registered_capital",
    "approved_on",
    "entered_on",
    "exited_on",
    "listing_status",
    "stock_code",
    "listed_on",
    "description",
)


# --- helpers -------------------------------------------------------------------------------


def can_manage(user, institution_id: int | None) -> bool:
    from datong.core.permissions import scope_for

    return scope_for(user).is_staff_of(institution_id)


def _require(actor, company_or_institution_id) -> None:
    institution_id = getattr(company_or_institution_id, "institution_id", company_or_institution_id)
    require_staff(actor, institution_id)


def _today() -> dt.date:
    return timezone.localdate()


def _text(data: dict, field: str, *, required: str = "") -> str:
    value = str(data.get(field) or "").strip()
    if required and not value:
        raise ValidationError({field: required})
    return value


def _date(value, field: str, *, required: str = "") -> dt.date | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: required})
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError({field: _("Enter a valid date (YYYY-MM-DD).")}) from exc


def _decimal(value, field: str, *, places: Decimal = CENT, required: str = "") -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: required})
        return None
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("Enter a number.")}) from exc
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    return number.quantize(places)


def _percentage(value, field: str, *, allow_zero: bool = False) -> Decimal:
    number = _decimal(value, field, places=PCT, required=_("Give the percentage."))
    if number < ZERO or number > HUNDRED or (number == ZERO and not allow_zero):
        raise ValidationError({field: _("A percentage must be more than 0 and at most 100.")})
    return number


def _not_future(day: dt.date | None, field: str) -> None:
    if day is not None and day > _today():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _check_lengths(model, data: dict) -> None:
    errors = length_errors(model, data)
    if errors:
        raise ValidationError(errors)


def _events(company: Company, kind: str, summary: str, *, actor, obj=None, data=None) -> None:
    """Append one event to the timeline of each result linked to the company."""
    for result in company.results.all():
        append_event(
            result=result,
            kind=kind,
            actor=actor,
            summary=summary,
            obj=obj or company,
            data={"company": company.pk, **(data or {})},
        )


def _pct(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    return f"{text}%"


# --- companies -----------------------------------------------------------------------------


def _clean_company(institution: Institution, data: dict, *, partial: bool) -> dict:
    """Validate the given fields; returns only those present in ``data`` (all when creating)."""
    keys = [k for k in COMPANY_FIELDS if k in data] if partial else list(COMPANY_FIELDS)
    cleaned: dict = {}
    errors: dict[str, str] = {}
    for key in keys:
        value = data.get(key)
        try:
            if key == "name":
                cleaned[key] = _text(data, key, required=_("Give the company's name."))
            elif key in ("name_en", "city", "stock_code", "description"):
                cleaned[key] = _text(data, key)
            elif key == "credit_code":
                code = credit_code.normalise(str(value or ""))
                if code and not credit_code.is_valid(code):
                    raise ValidationError(
                        {key: _("This is not a valid unified social credit code.")}
                    )
                cleaned[key] = code
            elif key == "region":
                region = str(value or "").strip()
                if region and region not in REGIONS:
                    raise ValidationError({key: _("Choose a province from the list.")})
                cleaned[key] = region
            elif key == "incubator":
                if value in (None, ""):
                    cleaned[key] = None
                else:
                    incubator = (
                        value
                        if isinstance(value, Institution)
                        else Institution.objects.filter(pk=value).first()
                    )
                    if incubator is None:
                        raise ValidationError({key: _("Choose an institution from the list.")})
                    cleaned[key] = incubator
            elif key == "industry":
                if value in (None, ""):
                    cleaned[key] = None
                else:
                    qs = Classification.objects.filter(scheme=Scheme.INDUSTRY)
                    if isinstance(value, Classification):
                        industry = qs.filter(pk=value.pk).first()
                    else:
                        industry = qs.filter(code=str(value)).first() or (
                            qs.filter(pk=value).first() if str(value).isdigit() else None
                        )
                    if industry is None:
                        raise ValidationError(
                            {key: _("Choose an industry of GB/T 4754-2017 from the list.")}
                        )
                    cleaned[key] = industry
            elif key == "registered_capital":
                capital = _decimal(value, key)
                if capital is not None and capital <= ZERO:
                    raise ValidationError({key: _("The registered capital must be more than 0.")})
                cleaned[key] = capital
            elif key in ("approved_on", "entered_on", "exited_on", "listed_on"):
                day = _date(value, key)
                _not_future(day, key)
                cleaned[key] = day
            elif key == "listing_status":
                status = str(value or ListingStatus.UNLISTED)
                if status not in ListingStatus.values:
                    raise ValidationError({key: _("Choose a listing status from the list.")})
                cleaned[key] = status
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    _check_lengths(Company, cleaned)
    return cleaned


def _check_company(company: Company) -> None:
    """Cross-field rules on the company as it would be saved."""
    errors = {}
    if company.listing_status != ListingStatus.UNLISTED:
        if not company.stock_code:
            errors["stock_code"] = _("A listed company needs its stock code.")
        if company.listed_on is None:
            errors["listed_on"] = _("A listed company needs its listing date.")
        if company.state not in (CompanyState.ACTIVE, CompanyState.DORMANT):
            errors["listing_status"] = _("Only an incorporated company can be listed.")
    if company.entered_on and company.exited_on and company.exited_on < company.entered_on:
        errors["exited_on"] = _("The exit cannot be before the entry.")
    if company.incubator_id and company.incubator_id == company.institution_id:
        pass  # the university's own science park is a valid base
    if errors:
        raise ValidationError(errors)


def _clean_results(institution: Institution, results: Iterable | None) -> list[Result] | None:
    if results is None:
        return None
    items = list(results)
    ids = [r.pk if isinstance(r, Result) else r for r in items]
    found = list(Result.objects.filter(pk__in=ids, institution=institution))
    if len(found) != len(set(ids)):
        raise ValidationError(
            {"results": _("Only results of the company's institution can be linked.")}
        )
    return found


@transaction.atomic
def company_create(
    *, actor: User, institution: Institution, data: dict, results: Iterable | None = None
) -> Company:
    """A company in preparation (or already incorporated when ``incorporated_on`` is given)."""
    _require(actor, institution.pk)
    cleaned = _clean_company(institution, data, partial=False)
    linked = _clean_results(institution, results) or []
    company = Company(institution=institution, created_by=actor, state=CompanyState.PREPARING)
    for key, value in cleaned.items():
        setattr(company, key, value)
    company.state_since = cleaned.get("approved_on") or _today()
    _check_company(company)
    company.save()
    company.results.set(linked)
    changes = audit.snapshot(company, (*COMPANY_FIELDS, "state"))
    if linked:
        changes["results"] = [None, [str(r) for r in linked]]
    audit.record(actor=actor, action="ventures.company_create", obj=company, changes=changes)
    _events(
        company,
        "company.created",
        _("Company in preparation: %(name)s") % {"name": company.name},
        actor=actor,
    )
    return company


@transaction.atomic
def company_update(
    *, actor: User, company: Company, data: dict, results: Iterable | None = None
) -> Company:
    """Edit the company's facts and linked results (the state changes through
    :func:`company_state_change`)."""
    _require(actor, company)
    company = Company.objects.select_for_update().get(pk=company.pk)
    cleaned = _clean_company(company.institution, data, partial=True)
    was_listed = company.listing_status != ListingStatus.UNLISTED
    changes = audit.apply_changes(company, cleaned, COMPANY_FIELDS)
    _check_company(company)
    linked = _clean_results(company.institution, results)
    added: list[Result] = []
    if linked is not None:
        before = set(company.results.values_list("pk", flat=True))
        after = {r.pk for r in linked}
        if before != after:
            added = [r for r in linked if r.pk not in before]
            changes["results"] = [
                [str(r) for r in Result.objects.filter(pk__in=before)],
                [str(r) for r in linked],
            ]
            company.results.set(linked)
    if not changes:
        return company
    company.save()
    audit.record(actor=actor, action="ventures.company_update", obj=company, changes=changes)
    for result in added:
        append_event(
            result=result,
            kind="company.created",
            actor=actor,
            summary=_("Linked to the company %(name)s (%(state)s)")
            % {"name": company.name, "state": company.get_state_display()},
            obj=company,
            data={"company": company.pk},
        )
    if not was_listed and company.listing_status != ListingStatus.UNLISTED:
        _events(
            company,
            "company.listed",
            _("%(name)s listed on the %(market)s (%(code)s)")
            % {
                "name": company.name,
                "market": company.get_listing_status_display(),
                "code": company.stock_code,
            },
            actor=actor,
            data={"listing_status": company.listing_status, "stock_code": company.stock_code},
        )
    return company


def allowed_states(company: Company) -> tuple[str, ...]:
    return TRANSITIONS.get(company.state, ())


@transaction.atomic
def company_state_change(
    *, actor: User, company: Company, state: str, on=None, reason: str = ""
) -> Company:
    """Move the company through its states: preparing → active (needs the incorporation date)
    or refused (needs a reason); active ↔ dormant; active or dormant → dissolved (needs the
    date)."""
    _require(actor, company)
    company = Company.objects.select_for_update().get(pk=company.pk)
    if state not in CompanyState.values:
        raise ValidationError({"state": _("Choose a state from the list.")})
    if state not in allowed_states(company):
        labels = dict(CompanyState.choices)
        allowed = "、".join(str(labels[s]) for s in allowed_states(company)) or _("none")
        raise ValidationError(
            {
                "state": _(
                    "A company in the state “%(current)s” cannot become “%(target)s” "
                    "(possible: %(allowed)s)."
                )
                % {
                    "current": company.get_state_display(),
                    "target": labels[state],
                    "allowed": allowed,
                }
            }
        )
    day = _date(on, "on")
    reason = (reason or "").strip()
    before = company.state
    changes: dict = {"state": [before, state]}
    kind = "company.state"
    if state == CompanyState.ACTIVE and before == CompanyState.PREPARING:
        day = _date(on, "on", required=_("Give the date of incorporation."))
        _not_future(day, "on")
        if company.approved_on and day < company.approved_on:
            raise ValidationError(
                {"on": _("The company cannot be incorporated before it was approved.")}
            )
        changes["incorporated_on"] = [None, day.isoformat()]
        company.incorporated_on = day
        kind = "company.incorporated"
    elif state == CompanyState.REFUSED:
        if not reason:
            raise ValidationError({"reason": _("Give the reason for the refusal.")})
        _check_lengths(Company, {"refusal_reason": reason})
        company.refusal_reason = reason
        changes["refusal_reason"] = [None, reason]
    elif state == CompanyState.DISSOLVED:
        day = _date(on, "on", required=_("Give the date of dissolution."))
        _not_future(day, "on")
        if company.incorporated_on and day < company.incorporated_on:
            raise ValidationError(
                {"on": _("The company cannot be dissolved before it was incorporated.")}
            )
        company.dissolved_on = day
        changes["dissolved_on"] = [None, day.isoformat()]
    else:
        _not_future(day, "on")
    day = day or _today()
    company.state = state
    company.state_since = day
    if state == CompanyState.DISSOLVED and company.listing_status != ListingStatus.UNLISTED:
        pass  # a delisting is recorded with company_update; the history keeps the listing
    company.save()
    audit.record(
        actor=actor,
        action="ventures.company_state",
        obj=company,
        changes=changes,
        message=reason,
    )
    if kind == "company.incorporated":
        summary = _("%(name)s incorporated on %(day)s") % {"name": company.name, "day": day}
    else:
        summary = _("%(name)s: %(before)s → %(after)s") % {
            "name": company.name,
            "before": dict(CompanyState.choices)[before],
            "after": company.get_state_display(),
        }
    _events(company, kind, summary, actor=actor, data={"state": state, "on": day.isoformat()})
    return company


# --- founders ------------------------------------------------------------------------------


def _clean_founder(data: dict) -> dict:
    name = _text(data, "name", required=_("Give the founder's name."))
    role = _text(data, "role")
    on_leave = bool(data.get("on_leave"))
    leave_from = _date(data.get("leave_from"), "leave_from")
    leave_until = _date(data.get("leave_until"), "leave_until")
    if on_leave and leave_from is None:
        raise ValidationError(
            {"leave_from": _("Give the day the leave to found the company began.")}
        )
    if leave_from and leave_until and leave_until < leave_from:
        raise ValidationError({"leave_until": _("The leave cannot end before it begins.")})
    if not on_leave:
        leave_from = leave_until = None
    user = data.get("user")
    if user is not None and not isinstance(user, User):
        user = User.objects.filter(pk=user).first()
    cleaned = {
        "name": name,
        "role": role,
        "on_leave": on_leave,
        "leave_from": leave_from,
        "leave_until": leave_until,
        "user": user,
    }
    _check_lengths(Founder, cleaned)
    return cleaned


FOUNDER_FIELDS = ("name", "role", "on_leave", "leave_from", "leave_until", "user")


@transaction.atomic
def founder_add(*, actor: User, company: Company, data: dict) -> Founder:
    """A founder; staff on leave to found the company (离岗创业) with the dates of the leave."""
    _require(actor, company)
    cleaned = _clean_founder(data)
    position = company.founders.count()
    founder = Founder.objects.create(company=company, position=position, **cleaned)
    audit.record(
        actor=actor,
        action="ventures.founder_add",
        obj=company,
        message=founder.name
        + (" · " + _("on leave to found the company") if founder.on_leave else ""),
    )
    return founder


@transaction.atomic
def founder_update(*, actor: User, founder: Founder, data: dict) -> Founder:
    _require(actor, founder.company)
    cleaned = _clean_founder({**{f: getattr(founder, f) for f in FOUNDER_FIELDS}, **data})
    changes = audit.apply_changes(founder, cleaned, FOUNDER_FIELDS)
    if changes:
        founder.save()
        audit.record(
            actor=actor,
            action="ventures.founder_update",
            obj=founder.company,
            message=f"{founder.name}: "
            + "、".join(str(Founder._meta.get_field(k).verbose_name) for k in changes),
        )
    return founder


@transaction.atomic
def founder_remove(*, actor: User, founder: Founder) -> None:
    company = founder.company
    _require(actor, company)
    name = founder.name
    founder.delete()
    audit.record(
        actor=actor,
        action="ventures.founder_remove",
        obj=company,
        message=name,
    )


# --- shareholdings ---------------------------------------------------------------------------


def holdings_on(company: Company, day: dt.date) -> list[Shareholding]:
    """The holdings in force on ``day``: since ≤ day < until."""
    return [
        h
        for h in company.shareholdings.all()
        if h.since <= day and (h.until is None or h.until > day)
    ]


def _total_on(rows: list[tuple[dt.date, dt.date | None, Decimal]], day: dt.date) -> Decimal:
    return sum(
        (p for since, until, p in rows if since <= day and (until is None or until > day)), ZERO
    )


def _check_cap_table(company: Company, start: dt.date) -> None:
    """Refuse a cap table over 100 % on any date from ``start`` on."""
    rows = list(company.shareholdings.values_list("since", "until", "percentage"))
    days = (
        {start}
        | {s for s, _u, _p in rows if s >= start}
        | {u for _s, u, _p in rows if u is not None and u >= start}
    )
    for day in sorted(days):
        total = _total_on(rows, day)
        if total > HUNDRED:
            raise ValidationError(
                {
                    "percentage": _(
                        "The shareholdings would add up to %(total)s %% on %(day)s; they cannot "
                        "exceed 100 %%."
                    )
                    % {"total": f"{total.normalize():f}", "day": day.isoformat()}
                }
            )


def _holding_set(
    *,
    actor,
    company: Company,
    holder_kind: str,
    holder_name: str,
    percentage,
    capital=None,
    contribution: str,
    since,
    reward=None,
) -> Shareholding | None:
    if holder_kind not in HolderKind.values:
        raise ValidationError({"holder_kind": _("Choose the kind of holder from the list.")})
    holder_name = (holder_name or "").strip()
    if not holder_name:
        raise ValidationError({"holder_name": _("Give the holder's name.")})
    percentage = _percentage(percentage, "percentage", allow_zero=True)
    capital = _decimal(capital, "capital") or ZERO
    if capital < ZERO:
        raise ValidationError({"capital": _("The capital cannot be negative.")})
    if contribution not in Contribution.values:
        raise ValidationError({"contribution": _("Choose cash or in kind.")})
    since = _date(since, "since", required=_("Give the date from which the holding counts."))
    _not_future(since, "since")
    _check_lengths(Shareholding, {"holder_name": holder_name})
    previous = list(
        company.shareholdings.select_for_update().filter(
            holder_kind=holder_kind, holder_name=holder_name
        )
    )
    if any(h.since >= since for h in previous):
        raise ValidationError(
            {
                "since": _(
                    "This holder already has a holding from %(day)s; a change must be dated "
                    "after it."
                )
                % {"day": max(h.since for h in previous).isoformat()}
            }
        )
    closed = [h for h in previous if h.until is None or h.until > since]
    for holding in closed:
        holding.until = since
        holding.save(update_fields=["until"])
    created = None
    if percentage > ZERO:
        created = Shareholding.objects.create(
            company=company,
            holder_kind=holder_kind,
            holder_name=holder_name,
            percentage=percentage,
            capital=capital,
            contribution=contribution,
            since=since,
            reward=reward,
        )
    elif not closed:
        raise ValidationError({"percentage": _("This holder has no holding to end.")})
    _check_cap_table(company, since)
    audit.record(
        actor=actor,
        action="ventures.shareholding_set",
        obj=company,
        message=_("%(holder)s: %(before)s → %(after)s from %(day)s")
        % {
            "holder": holder_name,
            "before": "、".join(_pct(h.percentage) for h in closed) or "—",
            "after": _pct(percentage) if created else "—",
            "day": since.isoformat(),
        },
    )
    if holder_kind == HolderKind.INSTITUTION:
        dates: dict = {}
        if created is not None and company.entered_on is None:
            company.entered_on = since
            dates["entered_on"] = [None, since.isoformat()]
        still = company.shareholdings.filter(holder_kind=HolderKind.INSTITUTION, until__isnull=True)
        if created is None and not still.exists():
            dates["exited_on"] = [
                company.exited_on.isoformat() if company.exited_on else None,
                since.isoformat(),
            ]
            company.exited_on = since
        if dates:
            company.save(update_fields=["entered_on", "exited_on", "updated_at"])
            audit.record(actor=actor, action="ventures.company_update", obj=company, changes=dates)
    return created


@transaction.atomic
def shareholding_set(
    *,
    actor: User,
    company: Company,
    holder_kind: str,
    holder_name: str,
    percentage,
    capital=None,
    contribution: str = Contribution.CASH,
    since=None,
) -> Shareholding | None:
    """Record a holder's holding from ``since`` on: the holder's previous holding ends that day
    (``until = since``). A percentage of 0 ends the holding (an exit). Refused when the cap table
    would exceed 100 % on any date. Returns the new holding (``None`` for an exit)."""
    _require(actor, company)
    company = Company.objects.select_for_update().get(pk=company.pk)
    return _holding_set(
        actor=actor,
        company=company,
        holder_kind=holder_kind,
        holder_name=holder_name,
        percentage=percentage,
        capital=capital,
        contribution=contribution,
        since=since if since is not None else _today(),
    )


# --- board seats and financing rounds --------------------------------------------------------


@transaction.atomic
def board_seat_add(*, actor: User, company: Company, data: dict) -> BoardSeat:
    _require(actor, company)
    name = _text(data, "name", required=_("Give the director's name."))
    since = _date(data.get("since"), "since", required=_("Give the date the seat was taken."))
    until = _date(data.get("until"), "until")
    if until and until < since:
        raise ValidationError({"until": _("The seat cannot end before it begins.")})
    cleaned = {
        "name": name,
        "nominated_by": _text(data, "nominated_by"),
        "role": _text(data, "role"),
        "for_institution": bool(data.get("for_institution")),
        "since": since,
        "until": until,
    }
    _check_lengths(BoardSeat, cleaned)
    seat = BoardSeat.objects.create(company=company, **cleaned)
    audit.record(
        actor=actor,
        action="ventures.board_seat_add",
        obj=company,
        message=f"{seat.name} {seat.role}".strip(),
    )
    return seat


@transaction.atomic
def board_seat_end(*, actor: User, seat: BoardSeat, until) -> BoardSeat:
    _require(actor, seat.company)
    if seat.until is not None:
        raise ValidationError({"until": _("This seat has already ended.")})
    day = _date(until, "until", required=_("Give the date the seat ended."))
    if day < seat.since:
        raise ValidationError({"until": _("The seat cannot end before it begins.")})
    seat.until = day
    seat.save(update_fields=["until"])
    audit.record(
        actor=actor,
        action="ventures.board_seat_end",
        obj=seat.company,
        message=f"{seat.name} · {day.isoformat()}",
    )
    return seat


@transaction.atomic
def round_add(*, actor: User, company: Company, data: dict) -> FinancingRound:
    """A financing round: the amount raised (> 0) and the post-money valuation (≥ the amount)."""
    _require(actor, company)
    company = Company.objects.get(pk=company.pk)
    name = _text(data, "name", required=_("Name the round (for example 天使轮 or A轮)."))
    closed_on = _date(data.get("closed_on"), "closed_on", required=_("Give the closing date."))
    _not_future(closed_on, "closed_on")
    amount = _decimal(data.get("amount"), "amount", required=_("Give the amount raised."))
    if amount <= ZERO:
        raise ValidationError({"amount": _("The amount raised must be more than 0.")})
    post_money = _decimal(data.get("post_money"), "post_money")
    if post_money is not None and post_money < amount:
        raise ValidationError(
            {"post_money": _("The post-money valuation cannot be less than the amount raised.")}
        )
    if company.state in (CompanyState.PREPARING, CompanyState.REFUSED):
        raise ValidationError({"name": _("Only an incorporated company raises financing rounds.")})
    cleaned = {
        "name": name,
        "closed_on": closed_on,
        "amount": amount,
        "post_money": post_money,
        "investors": _text(data, "investors"),
    }
    _check_lengths(FinancingRound, cleaned)
    financing = FinancingRound.objects.create(company=company, **cleaned)
    audit.record(
        actor=actor,
        action="ventures.round_add",
        obj=company,
        message=f"{name} ¥{amount:,.2f}",
    )
    _events(
        company,
        "company.round",
        _("%(name)s closed its %(round)s: ¥%(amount)s")
        % {"name": company.name, "round": name, "amount": f"{amount:,.2f}"},
        actor=actor,
        obj=financing,
        data={"round": name, "amount": str(amount)},
    )
    return financing


@transaction.atomic
def round_remove(*, actor: User, financing: FinancingRound) -> None:
    company = financing.company
    _require(actor, company)
    label = f"{financing.name} {financing.amount}"
    financing.delete()
    audit.record(actor=actor, action="ventures.round_remove", obj=company, message=label)


# --- equity investments ------------------------------------------------------------------------


def _investment(investment: EquityInvestment) -> EquityInvestment:
    return (
        EquityInvestment.objects.select_for_update().select_related("company").get(pk=investment.pk)
    )


def _require_step(investment: EquityInvestment, *steps: str) -> None:
    if investment.step not in steps:
        raise ValidationError(
            {
                "step": _("This action is not possible at the step “%(step)s”.")
                % {"step": investment.get_step_display()}
            }
        )


def _equity_event(investment: EquityInvestment, summary: str, *, actor, step: str) -> None:
    results = list(investment.results.all()) or list(investment.company.results.all())
    for result in results:
        append_event(
            result=result,
            kind="equity.step",
            actor=actor,
            summary=summary,
            obj=investment,
            data={"company": investment.company_id, "investment": investment.pk, "step": step},
        )


def _advance(investment: EquityInvestment, actor, step: str, changes: dict, summary: str) -> None:
    before = investment.step
    investment.step = step
    investment.save()
    audit.record(
        actor=actor,
        action="ventures.equity_step",
        obj=investment,
        changes={"step": [before, step], **changes},
    )
    _equity_event(investment, summary, actor=actor, step=step)


def is_evaluator(institution: Institution | None) -> bool:
    """An institution of the provider directory listed with the category “evaluator”."""
    if institution is None:
        return False
    from datong.providers.models import ProviderCategory, ProviderProfile

    profile = ProviderProfile.objects.filter(institution=institution).first()
    return profile is not None and ProviderCategory.EVALUATOR in (profile.categories or [])


@transaction.atomic
def equity_investment_create(
    *,
    actor: User,
    company: Company,
    results: Iterable | None = None,
    contract=None,
    note: str = "",
) -> EquityInvestment:
    """Start contributing results to the company for shares (作价投资): the appraisal comes
    first."""
    _require(actor, company)
    if company.state in (CompanyState.REFUSED, CompanyState.DISSOLVED):
        raise ValidationError(
            {"company": _("No equity investment in a refused or dissolved company.")}
        )
    linked = _clean_results(company.institution, results)
    if linked is None:
        linked = list(company.results.all())
    if contract is not None:
        from datong.deals.models import ContractType

        if contract.institution_id != company.institution_id:
            raise ValidationError({"contract": _("The contract must be the institution's own.")})
        if contract.contract_type != ContractType.EQUITY:
            raise ValidationError({"contract": _("Choose an equity-investment contract.")})
        if EquityInvestment.objects.filter(contract=contract).exists():
            raise ValidationError(
                {"contract": _("This contract already belongs to another equity investment.")}
            )
    investment = EquityInvestment.objects.create(
        institution_id=company.institution_id,
        company=company,
        contract=contract,
        note=(note or "").strip(),
        created_by=actor,
    )
    investment.results.set(linked)
    audit.record(
        actor=actor,
        action="ventures.equity_create",
        obj=investment,
        changes={
            "company": [None, company.name],
            "results": [None, [str(r) for r in linked]],
            **({"contract": [None, str(contract)]} if contract is not None else {}),
        },
    )
    _equity_event(
        investment,
        _("Equity investment in %(name)s started: appraisal") % {"name": company.name},
        actor=actor,
        step=EquityStep.APPRAISAL,
    )
    return investment


@transaction.atomic
def equity_appraisal_record(
    *,
    actor: User,
    investment: EquityInvestment,
    evaluator: Institution | None,
    appraised_value,
    report_number: str,
    appraised_on,
) -> EquityInvestment:
    """The appraisal by an evaluator of the provider directory; moves on to the approvals."""
    _require(actor, investment)
    investment = _investment(investment)
    _require_step(investment, EquityStep.APPRAISAL)
    if not is_evaluator(evaluator):
        raise ValidationError(
            {
                "evaluator": _(
                    "The evaluator must be an institution listed in the provider directory as an "
                    "evaluator."
                )
            }
        )
    value = _decimal(appraised_value, "appraised_value", required=_("Give the appraised value."))
    if value <= ZERO:
        raise ValidationError({"appraised_value": _("The appraised value must be more than 0.")})
    report_number = (report_number or "").strip()
    if not report_number:
        raise ValidationError({"appraisal_report": _("Give the appraisal report's number.")})
    _check_lengths(EquityInvestment, {"appraisal_report": report_number})
    day = _date(appraised_on, "appraised_on", required=_("Give the date of the appraisal report."))
    _not_future(day, "appraised_on")
    investment.evaluator = evaluator
    investment.appraised_value = value
    investment.appraisal_report = report_number
    investment.appraised_on = day
    _advance(
        investment,
        actor,
        EquityStep.APPROVAL,
        {
            "evaluator": [None, evaluator.name],
            "appraised_value": [None, str(value)],
            "appraisal_report": [None, report_number],
            "appraised_on": [None, day.isoformat()],
        },
        _("Results appraised at ¥%(value)s by %(evaluator)s (report %(number)s)")
        % {"value": f"{value:,.2f}", "evaluator": evaluator.name, "number": report_number},
    )
    return investment


@transaction.atomic
def equity_approval_record(
    *,
    actor: User,
    investment: EquityInvestment,
    body: str,
    decision: str,
    on,
    reference: str = "",
) -> EquityInvestment:
    """One internal body's decision (a body decided again replaces its earlier entry)."""
    _require(actor, investment)
    investment = _investment(investment)
    _require_step(investment, EquityStep.APPROVAL)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Name the body that decided.")})
    if len(body) > 100:
        raise ValidationError({"body": _("At most %(limit)d characters.") % {"limit": 100}})
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("Choose the decision from the list.")})
    day = _date(on, "on", required=_("Give the date of the decision."))
    _not_future(day, "on")
    if investment.appraised_on and day < investment.appraised_on:
        raise ValidationError({"on": _("A decision cannot come before the appraisal.")})
    reference = (reference or "").strip()[:100]
    entry = {"body": body, "decision": decision, "on": day.isoformat(), "reference": reference}
    before = list(investment.approvals or [])
    approvals = [a for a in before if a.get("body") != body] + [entry]
    investment.approvals = approvals
    investment.save(update_fields=["approvals", "updated_at"])
    audit.record(
        actor=actor,
        action="ventures.equity_approval",
        obj=investment,
        message=f"{body}: {decision} {day.isoformat()} {reference}".strip(),
    )
    return investment


def approvals_missing(investment: EquityInvestment) -> list[str]:
    """The bodies whose decision is not (yet) an approval."""
    return [a.get("body", "") for a in investment.approvals or [] if a.get("decision") != APPROVED]


@transaction.atomic
def equity_approvals_complete(*, actor: User, investment: EquityInvestment) -> EquityInvestment:
    """Every body approved: on to the state-asset filing."""
    _require(actor, investment)
    investment = _investment(investment)
    _require_step(investment, EquityStep.APPROVAL)
    if not investment.approvals:
        raise ValidationError({"approvals": _("Record the decision of each internal body first.")})
    missing = approvals_missing(investment)
    if missing:
        raise ValidationError(
            {
                "approvals": _("Not every body has approved yet: %(bodies)s.")
                % {"bodies": "、".join(missing)}
            }
        )
    bodies = "、".join(a["body"] for a in investment.approvals)
    _advance(
        investment,
        actor,
        EquityStep.FILING,
        {},
        _("Internal approvals complete (%(bodies)s)") % {"bodies": bodies},
    )
    return investment


@transaction.atomic
def equity_filing_record(
    *, actor: User, investment: EquityInvestment, filing_number: str, filed_on
) -> EquityInvestment:
    """The state-asset filing record (国有资产评估备案); on to the company's registration."""
    _require(actor, investment)
    investment = _investment(investment)
    _require_step(investment, EquityStep.FILING)
    filing_number = (filing_number or "").strip()
    if not filing_number:
        raise ValidationError({"filing_number": _("Give the filing record's number.")})
    _check_lengths(EquityInvestment, {"filing_number": filing_number})
    day = _date(filed_on, "filed_on", required=_("Give the filing date."))
    _not_future(day, "filed_on")
    if investment.appraised_on and day < investment.appraised_on:
        raise ValidationError({"filed_on": _("The filing cannot come before the appraisal.")})
    investment.filing_number = filing_number
    investment.filed_on = day
    _advance(
        investment,
        actor,
        EquityStep.REGISTRATION,
        {"filing_number": [None, filing_number], "filed_on": [None, day.isoformat()]},
        _("State-asset filing recorded: %(number)s") % {"number": filing_number},
    )
    return investment


@transaction.atomic
def equity_registration_record(
    *, actor: User, investment: EquityInvestment, registered_on
) -> EquityInvestment:
    """The company's registration of the contribution; a company in preparation becomes active,
    incorporated that day."""
    _require(actor, investment)
    investment = _investment(investment)
    _require_step(investment, EquityStep.REGISTRATION)
    if investment.registered_on is not None:
        raise ValidationError({"registered_on": _("The registration is already recorded.")})
    day = _date(registered_on, "registered_on", required=_("Give the registration date."))
    _not_future(day, "registered_on")
    if investment.filed_on and day < investment.filed_on:
        raise ValidationError(
            {"registered_on": _("The registration cannot come before the filing.")}
        )
    company = investment.company
    if company.state == CompanyState.PREPARING:
        company_state_change(actor=actor, company=company, state=CompanyState.ACTIVE, on=day)
    elif company.state not in (CompanyState.ACTIVE, CompanyState.DORMANT):
        raise ValidationError(
            {
                "registered_on": _("The company is %(state)s.")
                % {"state": company.get_state_display()}
            }
        )
    investment.registered_on = day
    investment.save(update_fields=["registered_on", "updated_at"])
    audit.record(
        actor=actor,
        action="ventures.equity_registration",
        obj=investment,
        changes={"registered_on": [None, day.isoformat()]},
    )
    _equity_event(
        investment,
        _("Contribution to %(name)s registered on %(day)s")
        % {"name": company.name, "day": day.isoformat()},
        actor=actor,
        step=EquityStep.REGISTRATION,
    )
    return investment


def team_floor(institution: Institution, on: dt.date) -> tuple[Decimal, dict]:
    """The least part (percent) of the shares obtained that goes to the team, and its rule."""
    from datong.deals.income.rules import equity_team_floor

    return equity_team_floor(institution, on)


def equity_distribution(investment: EquityInvestment):
    """The executed equity distribution of the investment's contract, if any."""
    if investment.contract_id is None:
        return None
    from datong.deals.income.models import DealType, Distribution, DistributionStatus

    return (
        Distribution.objects.filter(
            contract_id=investment.contract_id,
            deal_type=DealType.EQUITY,
            status=DistributionStatus.EXECUTED,
        )
        .order_by("-decided_on", "-pk")
        .first()
    )


def _rule_name(rule: dict) -> str:
    return " ".join(str(rule.get(k, "")) for k in ("id", "version") if rule.get(k)) + (
        f" — {rule['source']}" if rule.get("source") else ""
    )


@transaction.atomic
def equity_complete(
    *,
    actor: User,
    investment: EquityInvestment,
    shares_total,
    team_percentage=None,
    team_holder_name: str = "",
) -> EquityInvestment:
    """Shares held: the percentage of the company obtained, split between the institution and
    the team. The team's part respects the floor (statute or the institution's policy); the
    holdings are created from the registration date."""
    _require(actor, investment)
    investment = _investment(investment)
    _require_step(investment, EquityStep.REGISTRATION)
    if investment.registered_on is None:
        raise ValidationError({"registered_on": _("Record the company's registration first.")})
    company = Company.objects.select_for_update().get(pk=investment.company_id)
    total = _percentage(shares_total, "shares_total")
    distribution = equity_distribution(investment)
    rewards = []
    if distribution is not None:
        rewards = [r for r in distribution.rewards.all() if r.shares and r.shares > ZERO]
    if team_percentage in (None, "") and rewards:
        team = sum((Decimal(r.shares) for r in rewards), ZERO).quantize(PCT)
    else:
        team = _decimal(
            team_percentage,
            "team_percentage",
            places=PCT,
            required=_("Give the team's part of the shares."),
        )
    if team < ZERO or team > total:
        raise ValidationError(
            {"team_percentage": _("The team's part must be between 0 and the shares obtained.")}
        )
    floor, rule = team_floor(company.institution, investment.registered_on)
    least = (total * floor / HUNDRED).quantize(PCT)
    if team < least:
        raise ValidationError(
            {
                "team_percentage": _(
                    "The team must receive at least %(floor)s %% of the shares obtained "
                    "(%(least)s %% of the company), by the rule %(rule)s."
                )
                % {
                    "floor": f"{floor.normalize():f}",
                    "least": f"{least.normalize():f}",
                    "rule": _rule_name(rule),
                }
            }
        )
    if rewards:
        granted = sum((Decimal(r.shares) for r in rewards), ZERO).quantize(PCT)
        if abs(granted - team) > PCT:
            raise ValidationError(
                {
                    "team_percentage": _(
                        "The equity distribution %(number)s gives the team %(granted)s %%, not "
                        "%(team)s %%."
                    )
                    % {
                        "number": distribution.number,
                        "granted": f"{granted.normalize():f}",
                        "team": f"{team.normalize():f}",
                    }
                }
            )
    institution_part = total - team
    since = investment.registered_on
    capital_base = company.registered_capital

    def capital(pct: Decimal) -> Decimal:
        return (capital_base * pct / HUNDRED).quantize(CENT) if capital_base else ZERO

    if institution_part > ZERO:
        # a further investment adds to the holding the institution already has
        held = [
            h
            for h in holdings_on(company, since)
            if h.holder_kind == HolderKind.INSTITUTION and h.holder_name == company.institution.name
        ]
        already = sum((h.percentage for h in held), ZERO)
        _holding_set(
            actor=actor,
            company=company,
            holder_kind=HolderKind.INSTITUTION,
            holder_name=company.institution.name,
            percentage=already + institution_part,
            capital=sum((h.capital for h in held), ZERO) + capital(institution_part),
            contribution=Contribution.IN_KIND,
            since=since,
        )
    team_name = (team_holder_name or "").strip()
    if rewards:
        for reward in rewards:
            _holding_set(
                actor=actor,
                company=company,
                holder_kind=HolderKind.TEAM,
                holder_name=reward.name,
                percentage=Decimal(reward.shares).quantize(PCT),
                capital=capital(Decimal(reward.shares)),
                contribution=Contribution.IN_KIND,
                since=since,
                reward=reward,
            )
    elif team > ZERO:
        team_name = team_name or _("Research team of %(name)s") % {"name": company.name}
        _holding_set(
            actor=actor,
            company=company,
            holder_kind=HolderKind.TEAM,
            holder_name=team_name[:200],
            percentage=team,
            capital=capital(team),
            contribution=Contribution.IN_KIND,
            since=since,
        )
    investment.shares_total = total
    investment.team_percentage = team
    investment.institution_percentage = institution_part
    investment.team_holder_name = team_name[:200]
    investment.completed_on = since
    _advance(
        investment,
        actor,
        EquityStep.DONE,
        {
            "shares_total": [None, str(total)],
            "institution_percentage": [None, str(institution_part)],
            "team_percentage": [None, str(team)],
            "rule": [None, _rule_name(rule)],
        },
        _("Shares held in %(name)s: %(total)s of the company (institution %(inst)s, team %(team)s)")
        % {
            "name": company.name,
            "total": _pct(total),
            "inst": _pct(institution_part),
            "team": _pct(team),
        },
    )
    return investment


@transaction.atomic
def equity_abandon(*, actor: User, investment: EquityInvestment, reason: str) -> EquityInvestment:
    """Give up the investment at any step before the shares are held, for a stated reason."""
    _require(actor, investment)
    investment = _investment(investment)
    if investment.step in (EquityStep.DONE, EquityStep.ABANDONED):
        raise ValidationError({"reason": _("This equity investment has already ended.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for abandoning.")})
    _check_lengths(EquityInvestment, {"abandon_reason": reason})
    investment.abandoned_at_step = investment.step
    investment.abandon_reason = reason
    investment.abandoned_on = _today()
    _advance(
        investment,
        actor,
        EquityStep.ABANDONED,
        {"abandon_reason": [None, reason]},
        _("Equity investment in %(name)s abandoned: %(reason)s")
        % {"name": investment.company.name, "reason": reason},
    )
    return investment
