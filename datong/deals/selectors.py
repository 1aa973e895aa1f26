"""Scoped reads of contracts: lists, one contract, what a result still has free to license, and
receivables (what is due so far, received, outstanding and overdue).

Contracts are the transfer office's records: only the staff of the contract's institution see
them (404 for anyone else).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from datong.core.audit import history_for
from datong.core.permissions import get_visible_or_404, scope_for, visible_to, works_in_an_office
from datong.results.models import Result

from . import licensing
from .models import (
    ZERO,
    Contract,
    ContractStatus,
    ContractType,
    Exclusivity,
    LicenceGrant,
    PartyRole,
    PaymentTerm,
    TermKind,
)
from .services import EXCLUSIVE_KINDS, MONEY_STATUSES, grant_conflicts


def _base() -> QuerySet[Contract]:
    return Contract.objects.select_related("institution", "manager", "match_case")


def visible_contracts(*, actor) -> QuerySet[Contract]:
    return visible_to(actor, _base())


def contract_list(
    *,
    actor,
    contract_type: str = "",
    status: str = "",
    year: str = "",
    q: str = "",
    institution: str = "",
) -> QuerySet[Contract]:
    qs = visible_contracts(actor=actor)
    if contract_type:
        qs = qs.filter(contract_type=contract_type)
    if status:
        qs = qs.filter(status=status)
    if str(year).isdigit():
        year = int(year)
        qs = qs.filter(Q(signed_on__year=year) | Q(signed_on__isnull=True, created_at__year=year))
    if institution:
        qs = qs.filter(institution__slug=institution)
    for term in (q or "").split():
        qs = qs.filter(
            Q(number__icontains=term)
            | Q(title__icontains=term)
            | Q(parties__name__icontains=term)
            | Q(results__number__icontains=term)
            | Q(results__title__icontains=term)
            | Q(registration_number__icontains=term)
        ).distinct()
    return qs.order_by("-signed_on", "-created_at", "-pk")


def contract_years(*, actor) -> list[int]:
    qs = visible_contracts(actor=actor)
    years = {d.year for d in qs.exclude(signed_on=None).dates("signed_on", "year")}
    return sorted(years, reverse=True)


def contract_get(*, actor, pk) -> Contract:
    return get_visible_or_404(actor, _base(), pk=pk)


def contract_history(*, actor, contract: Contract):
    if not scope_for(actor).is_staff_of(contract.institution_id):
        raise Http404(_("Not found."))
    return history_for(contract)


def can_see_contracts(user) -> bool:
    return works_in_an_office(user)


def contracts_of_result(*, actor, result: Result) -> QuerySet[Contract]:
    """The contracts covering ``result`` that the actor may see (none for non-staff)."""
    return visible_contracts(actor=actor).filter(results=result).order_by("-signed_on", "-pk")


def result_for_licences(*, actor, pk) -> Result:
    """A result whose licences the actor may read: the office of the result's institution."""
    result = Result.objects.filter(pk=pk).select_related("institution", "industry").first()
    if result is None or not scope_for(actor).is_staff_of(result.institution_id):
        raise Http404(_("Not found."))
    return result


# --- what is free to license ------------------------------------------------------------------


def _live_grants(result: Result) -> QuerySet[LicenceGrant]:
    return (
        LicenceGrant.objects.filter(result=result)
        .exclude(contract__status=ContractStatus.TERMINATED)
        .select_related("contract", "field_of_use")
        .order_by("starts_on", "pk")
    )


def licence_availability(*, actor, result: Result, on: dt.date | None = None) -> dict:
    """What ``result`` has granted on ``on`` and later: exclusive and sole grants in force or to
    come are taken; non-exclusive grants are listed beside them (they block only a new exclusive
    grant)."""
    result = result_for_licences(actor=actor, pk=result.pk)
    on = on or timezone.localdate()
    grants = list(_live_grants(result).filter(ends_on__gte=on))
    taken = [g for g in grants if g.exclusivity in EXCLUSIVE_KINDS]
    shared = [g for g in grants if g.exclusivity == Exclusivity.NON_EXCLUSIVE]
    for grant in grants:
        grant.current = grant.starts_on <= on
        grant.territory_label = licensing.territory_label(grant.territory)
    past = list(_live_grants(result).filter(ends_on__lt=on))
    for grant in past:
        grant.territory_label = licensing.territory_label(grant.territory)
    return {
        "result": result,
        "on": on,
        "taken": taken,
        "shared": shared,
        "past": past,
        "worldwide_free": not taken,
    }


@dataclass
class Check:
    free_exclusive: bool
    free_non_exclusive: bool
    conflicts: list = field(default_factory=list)  # overlapping grants of any kind
    exclusive_conflicts: list = field(default_factory=list)

    @property
    def contracts(self) -> list[Contract]:
        seen: dict[int, Contract] = {}
        for grant in self.conflicts:
            seen.setdefault(grant.contract_id, grant.contract)
        return list(seen.values())


def licence_check(
    *, actor, result: Result, field, territory: str, starts_on: dt.date, ends_on: dt.date
) -> Check:
    """Is this field × territory × term of ``result`` free? For an exclusive (or sole) licence
    no live grant may overlap it; for a non-exclusive one no exclusive or sole grant may."""
    result_for_licences(actor=actor, pk=result.pk)
    territory = licensing.normalise_territory(territory)
    conflicts = grant_conflicts(
        result=result,
        field=field,
        territory=territory,
        starts_on=starts_on,
        ends_on=ends_on,
        exclusivity=Exclusivity.EXCLUSIVE,
    )
    exclusive = [g for g in conflicts if g.exclusivity in EXCLUSIVE_KINDS]
    for grant in conflicts:
        grant.territory_label = licensing.territory_label(grant.territory)
    return Check(
        free_exclusive=not conflicts,
        free_non_exclusive=not exclusive,
        conflicts=conflicts,
        exclusive_conflicts=exclusive,
    )


# --- receivables ------------------------------------------------------------------------------


@dataclass
class Item:
    """One amount a contract's schedule makes due: an instalment, a milestone or a royalty
    report."""

    kind: str
    label: str
    amount: Decimal | None
    due_on: dt.date | None
    term: PaymentTerm | None = None
    report: object = None
    paid: Decimal = ZERO
    state: str = ""  # paid / overdue / due / upcoming / pending

    @property
    def outstanding(self) -> Decimal:
        return max(ZERO, (self.amount or ZERO) - self.paid)


@dataclass
class Receivable:
    contract: Contract
    items: list[Item]
    due: Decimal
    received: Decimal
    outstanding: Decimal
    overdue: Decimal
    scheduled: Decimal

    @property
    def overdue_items(self) -> list[Item]:
        return [i for i in self.items if i.state == "overdue"]

    @property
    def oldest_overdue(self) -> dt.date | None:
        days = [i.due_on for i in self.overdue_items if i.due_on]
        return min(days) if days else None


def receivable(contract: Contract, today: dt.date | None = None) -> Receivable:
    """The schedule of one contract against the money received.

    Instalments fall due on their date, milestones on the day they are reached, royalties on
    the due date of each report. Payments recorded against a term pay that term's items first
    (a royalty term's reports oldest first); payments without a term, and any surplus, pay the
    remaining items in order of their due date. An item unpaid after its due date is overdue.
    """
    today = today or timezone.localdate()
    items: list[Item] = []
    terms = list(contract.terms.all())
    reports = list(contract.royalty_reports.all())
    for term in terms:
        if term.kind == TermKind.INSTALMENT:
            items.append(
                Item(term.kind, term.label or _("Instalment"), term.amount, term.due_on, term)
            )
        elif term.kind == TermKind.MILESTONE:
            items.append(Item(term.kind, term.label, term.amount, term.reached_on, term))
    for report in reports:
        label = _("Royalty %(start)s – %(end)s") % {
            "start": report.period_start.isoformat(),
            "end": report.period_end.isoformat(),
        }
        items.append(
            Item(TermKind.ROYALTY, label, report.royalty, report.due_on, report.term, report)
        )
    items.sort(key=lambda i: (i.due_on is None, i.due_on or dt.date.max, i.kind))
    payments = list(contract.payments.all())
    received = sum((p.amount for p in payments), ZERO)
    pool = ZERO
    by_term: dict[int, Decimal] = {}
    for payment in payments:
        if payment.term_id:
            by_term[payment.term_id] = by_term.get(payment.term_id, ZERO) + payment.amount
        else:
            pool += payment.amount
    due_items = [i for i in items if i.due_on is not None and i.due_on <= today]
    # payments against a term
    for item in items:
        if item.term is None or item.due_on is None:
            continue
        left = by_term.get(item.term.pk, ZERO)
        take = min(left, item.outstanding)
        item.paid += take
        by_term[item.term.pk] = left - take
    pool += sum(by_term.values(), ZERO)
    # the rest, oldest due first, then upcoming
    for item in [i for i in items if i.due_on is not None]:
        take = min(pool, item.outstanding)
        item.paid += take
        pool -= take
    for item in items:
        if item.due_on is None:
            item.state = "pending"
        elif item.outstanding == ZERO:
            item.state = "paid"
        elif item.due_on < today:
            item.state = "overdue"
        elif item.due_on == today:
            item.state = "due"
        else:
            item.state = "upcoming"
    due = sum((i.amount or ZERO for i in due_items), ZERO)
    scheduled = sum((i.amount or ZERO for i in items), ZERO)
    return Receivable(
        contract=contract,
        items=items,
        due=due,
        received=received,
        outstanding=max(ZERO, due - received),
        overdue=sum((i.outstanding for i in items if i.state == "overdue"), ZERO),
        scheduled=scheduled,
    )


def _money_contracts(actor) -> QuerySet[Contract]:
    return (
        visible_contracts(actor=actor)
        .filter(status__in=MONEY_STATUSES)
        .prefetch_related("terms", "royalty_reports", "payments")
    )


def receivables(*, actor, overdue_only: bool = False, q: str = "", today=None) -> list[Receivable]:
    """Every signed (or since ended) contract with money outstanding, most overdue first."""
    qs = _money_contracts(actor)
    for term in (q or "").split():
        qs = qs.filter(
            Q(number__icontains=term) | Q(title__icontains=term) | Q(parties__name__icontains=term)
        ).distinct()
    rows = [receivable(c, today) for c in qs]
    rows = [r for r in rows if r.outstanding > 0 or r.overdue > 0]
    if overdue_only:
        rows = [r for r in rows if r.overdue > 0]
    rows.sort(key=lambda r: (-(r.overdue), r.oldest_overdue or dt.date.max, -r.outstanding))
    return rows


def receivable_totals(rows: list[Receivable]) -> dict:
    return {
        "due": sum((r.due for r in rows), ZERO),
        "received": sum((r.received for r in rows), ZERO),
        "outstanding": sum((r.outstanding for r in rows), ZERO),
        "overdue": sum((r.overdue for r in rows), ZERO),
        "overdue_items": sum(len(r.overdue_items) for r in rows),
        "contracts": len(rows),
    }


def overdue_count(*, actor) -> int:
    """Overdue schedule items (instalments, milestones, royalties) of the actor's contracts."""
    return sum(len(receivable(c).overdue_items) for c in _money_contracts(actor))


def status_counts(qs: QuerySet[Contract]) -> dict[str, int]:
    from django.db.models import Count

    return dict(qs.order_by().values_list("status").annotate(n=Count("pk")))


# --- the licensee's side ----------------------------------------------------------------------


def licensee_contracts(*, actor) -> QuerySet[Contract]:
    """Signed contracts with a running royalty whose licensee is one of the actor's
    enterprises: what its users report sales under. Nothing else of the contract is shown."""
    from .services import licensee_institution_ids

    ids = licensee_institution_ids(actor)
    if not ids:
        return Contract.objects.none()
    return (
        Contract.objects.filter(
            parties__role=PartyRole.BUYER,
            parties__institution_id__in=ids,
            status__in=MONEY_STATUSES,
            terms__kind=TermKind.ROYALTY,
        )
        .distinct()
        .select_related("institution")
        .prefetch_related("royalty_reports", "terms")
        .order_by("-signed_on", "pk")
    )


def licensee_contract_get(*, actor, pk) -> Contract:
    try:
        return licensee_contracts(actor=actor).get(pk=pk)
    except (Contract.DoesNotExist, ValueError) as exc:
        raise Http404(_("Not found.")) from exc


def is_a_licensee(user) -> bool:
    """For the menu: the user reports royalties under at least one contract."""
    return licensee_contracts(actor=user).exists()


def equity_contracts(
    *, actor, institution_id: int, unused_only: bool = False
) -> QuerySet[Contract]:
    """The institution's equity-investment contracts the actor may see (newest first); with
    ``unused_only`` those no equity investment records yet."""
    qs = visible_contracts(actor=actor).filter(
        institution_id=institution_id, contract_type=ContractType.EQUITY
    )
    if unused_only:
        qs = qs.filter(equity_investment__isnull=True)
    return qs.order_by("-pk")
