"""Ledgers: a result's incomes and costs, each with the balance distributions have not taken.

A distribution takes part-amounts of entries; what it takes is gone from the balance while the
distribution is a draft, approved or executed (a cancelled one gives it back), so a cost is
deducted exactly once however many distributions follow.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from datong.core import audit
from datong.core.permissions import require_staff

from .calc import allocate, money
from .models import (
    HOLDING_STATUSES,
    INCOME_CATEGORIES,
    DistributionLine,
    EntryCategory,
    EntryKind,
    LedgerEntry,
)

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)


def with_balance(queryset: QuerySet[LedgerEntry], *, exclude_distribution=None) -> QuerySet:
    """Annotate ``taken`` and ``remaining`` (taken by distributions that hold their takings)."""
    takings = DistributionLine.objects.filter(
        entry=OuterRef("pk"), distribution__status__in=HOLDING_STATUSES
    )
    if exclude_distribution is not None:
        takings = takings.exclude(distribution=exclude_distribution)
    taken = Subquery(
        takings.values("entry").annotate(total=Sum("amount")).values("total")[:1],
        output_field=MONEY,
    )
    return queryset.annotate(taken=Coalesce(taken, Value(ZERO), output_field=MONEY)).annotate(
        remaining=Coalesce("amount", Value(ZERO), output_field=MONEY)
        - Coalesce(taken, Value(ZERO), output_field=MONEY)
    )


def totals(entries) -> dict[str, Decimal]:
    """Income, costs and their remaining balances over annotated entries."""
    out = {"income": ZERO, "cost": ZERO, "income_remaining": ZERO, "cost_remaining": ZERO}
    for entry in entries:
        out[entry.kind] += entry.amount
        out[f"{entry.kind}_remaining"] += entry.remaining
    out["net_remaining"] = out["income_remaining"] - out["cost_remaining"]
    return out


def _check_category(kind: str, category: str) -> None:
    if kind not in EntryKind.values:
        raise ValidationError({"kind": _("Choose income or cost.")})
    if category not in EntryCategory.values:
        raise ValidationError({"category": _("Choose a category from the list.")})
    if (category in INCOME_CATEGORIES) != (kind == EntryKind.INCOME):
        raise ValidationError({"category": _("This category does not fit an entry of this kind.")})


@transaction.atomic
def ledger_entry_add(
    *,
    actor,
    result,
    kind: str,
    category: str,
    date: dt.date,
    amount: Decimal,
    description: str = "",
    filing=None,
    contract=None,
    payment=None,
) -> LedgerEntry:
    """Book one income or cost on a result's ledger (its office's staff only)."""
    if actor is not None:
        require_staff(actor, result.institution_id)
    _check_category(kind, category)
    errors: dict[str, str] = {}
    if amount is None or amount <= 0:
        errors["amount"] = _("The amount must be more than zero.")
    if date is None:
        errors["date"] = _("Give the date.")
    elif date > timezone.localdate():
        errors["date"] = _("The date cannot be in the future.")
    if filing is not None and filing.family.result_id != result.pk:
        errors["filing"] = _("The filing must be one of this result's.")
    if contract is not None and contract.institution_id != result.institution_id:
        errors["contract"] = _("The contract must be one of the institution's.")
    if len(description or "") > 300:
        errors["description"] = _("At most %(limit)d characters.") % {"limit": 300}
    if errors:
        raise ValidationError(errors)
    entry = LedgerEntry.objects.create(
        institution_id=result.institution_id,
        result=result,
        filing=filing,
        kind=kind,
        category=category,
        date=date,
        amount=money(amount),
        description=(description or "").strip(),
        contract=contract,
        payment=payment,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action="income.entry",
        obj=entry,
        changes=audit.snapshot(entry, ("result", "kind", "category", "date", "amount")),
    )
    return entry


def record_payment_income(*, actor, payment) -> list[LedgerEntry]:
    """Book a payment received under a transfer or licence contract as income of the
    contract's results (split evenly, to the fen, when it covers several). Other contracts'
    payments, and contracts without results, book nothing. Call inside the payment's
    transaction."""
    from datong.deals.models import CONVERSION_TYPES, TermKind

    contract = payment.contract
    if contract.contract_type not in CONVERSION_TYPES or contract.contract_type == "equity":
        # Equity contracts pay in shares, booked at their appraised value on their own.
        return []
    results = list(contract.results.order_by("pk"))
    if not results:
        return []
    royalty = payment.term_id is not None and payment.term.kind == TermKind.ROYALTY
    category = EntryCategory.ROYALTY if royalty else EntryCategory.CONTRACT
    parts = allocate(money(payment.amount), [Decimal(1)] * len(results))
    entries = []
    for result, part in zip(results, parts, strict=True):
        if part <= 0:
            continue
        entries.append(
            ledger_entry_add(
                actor=actor,
                result=result,
                kind=EntryKind.INCOME,
                category=category,
                date=payment.received_on,
                amount=part,
                description=_("Payment under %(number)s") % {"number": contract.number},
                contract=contract,
                payment=payment,
            )
        )
    return entries
