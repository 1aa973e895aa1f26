"""Writes to reward policies and distributions. A distribution takes part-amounts of a
result's ledger entries, is computed by :mod:`calc` under the policy in force on its date,
and moves draft → approved → executed (frozen from then on) or is cancelled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from datong.core import audit
from datong.core.permissions import require_staff
from datong.notifications.services import notify
from datong.results.timeline import append_event

from . import calc
from .ledger import with_balance
from .models import (
    HOLDING_STATUSES,
    Channel,
    DealType,
    Distribution,
    DistributionLine,
    DistributionStatus,
    EntryCategory,
    EntryKind,
    LedgerEntry,
    Reward,
    RewardPolicy,
)
from .policies import shares_for, validate_policy

POLICY_FIELDS = (
    "version",
    "effective_from",
    "source",
    "team_share",
    "institution_share",
    "department_share",
    "office_share",
    "equity_team_share",
    "main_contributor_share",
    "tiers",
    "note",
)
TAX_FACTS = ("recipients_listed", "withheld", "job_result", "contract_registered")


# --- policies --------------------------------------------------------------------------------


@transaction.atomic
def policy_create(
    *,
    actor,
    institution,
    version: str,
    effective_from: dt.date,
    source: str,
    team_share: Decimal,
    institution_share: Decimal,
    department_share: Decimal = Decimal("0"),
    office_share: Decimal = Decimal("0"),
    equity_team_share: Decimal | None = None,
    main_contributor_share: Decimal = Decimal("50"),
    tiers: list | None = None,
    note: str = "",
) -> RewardPolicy:
    """A new version of the institution's reward policy, from a date on. Policies are never
    edited: a change is a new version, so every past figure keeps the rule that made it."""
    require_staff(actor, institution.pk)
    errors = {}
    if not (version or "").strip():
        errors["version"] = _("Name the version, e.g. the document number.")
    if not (source or "").strip():
        errors["source"] = _("Name the document that sets the policy.")
    if effective_from is None:
        errors["effective_from"] = _("Give the date from which the policy applies.")
    if errors:
        raise ValidationError(errors)
    if equity_team_share is None:
        equity_team_share = team_share
    validate_policy(
        institution=institution,
        effective_from=effective_from,
        team_share=team_share,
        institution_share=institution_share,
        department_share=department_share,
        office_share=office_share,
        equity_team_share=equity_team_share,
        main_contributor_share=main_contributor_share,
        tiers=tiers,
    )
    if RewardPolicy.objects.filter(institution=institution, effective_from=effective_from).exists():
        raise ValidationError(
            {"effective_from": _("A policy version already starts on this date.")}
        )
    policy = RewardPolicy.objects.create(
        institution=institution,
        version=version.strip()[:40],
        effective_from=effective_from,
        source=source.strip()[:300],
        team_share=team_share,
        institution_share=institution_share,
        department_share=department_share,
        office_share=office_share,
        equity_team_share=equity_team_share,
        main_contributor_share=main_contributor_share,
        tiers=[
            {
                "up_to": None if t.get("up_to") in (None, "") else str(t["up_to"]),
                "team": str(t["team"]),
            }
            for t in (tiers or [])
        ],
        note=note or "",
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="income.policy",
        obj=policy,
        changes=audit.snapshot(policy, POLICY_FIELDS),
    )
    return policy


# --- distributions ---------------------------------------------------------------------------


def _require_draft(distribution: Distribution) -> None:
    if distribution.status != DistributionStatus.DRAFT:
        raise ValidationError(
            {
                "status": _("Only a draft distribution can be changed; this one is %(status)s.")
                % {"status": distribution.get_status_display()}
            }
        )


def _fits(entry: LedgerEntry, deal_type: str) -> bool:
    """Shares obtained are distributed only by equity deals, which take nothing else."""
    if deal_type == DealType.EQUITY:
        return entry.category == EntryCategory.EQUITY
    return entry.category != EntryCategory.EQUITY


def _takings(result, takings, deal_type, *, exclude=None) -> list[tuple[LedgerEntry, Decimal]]:
    """Validate part-amounts of the result's entries (all remaining balances when None)."""
    entries = with_balance(
        LedgerEntry.objects.select_for_update(of=("self",))
        .filter(result=result)
        .select_related("contract"),
        exclude_distribution=exclude,
    )
    balances = {entry.pk: entry for entry in entries}
    if takings is None:
        return [
            (e, e.remaining) for e in balances.values() if e.remaining > 0 and _fits(e, deal_type)
        ]
    chosen: list[tuple[LedgerEntry, Decimal]] = []
    problems: list[str] = []
    seen: set[int] = set()
    for entry, amount in takings:
        pk = getattr(entry, "pk", entry)
        current = balances.get(pk)
        if current is None:
            problems.append(_("Entry %(id)s is not on this result's ledger.") % {"id": pk})
            continue
        if pk in seen:
            problems.append(_("Entry %(id)s is taken twice.") % {"id": pk})
            continue
        seen.add(pk)
        if not _fits(current, deal_type):
            problems.append(
                _(
                    "%(entry)s: shares obtained are distributed only by an equity deal, which "
                    "takes nothing else."
                )
                % {"entry": current}
            )
            continue
        amount = calc.money(Decimal(amount))
        if amount <= 0:
            continue
        if amount > current.remaining:
            problems.append(
                _("%(entry)s: %(amount)s is more than its remaining balance %(remaining)s.")
                % {"entry": current, "amount": amount, "remaining": current.remaining}
            )
            continue
        chosen.append((current, amount))
    if problems:
        raise ValidationError({"takings": problems})
    return chosen


def _facts(distribution: Distribution, chosen, paid_on: dt.date) -> calc.TaxFacts:
    incomes = [e.date for e, _amount in chosen if e.kind == EntryKind.INCOME]
    # The contracts the income came from (and the distribution's own): all must be registered.
    contracts = {e.contract for e, _a in chosen if e.kind == EntryKind.INCOME and e.contract_id}
    if distribution.contract is not None:
        contracts.add(distribution.contract)
    facts = distribution.tax_facts or {}
    return calc.TaxFacts(
        ip_types=tuple(distribution.result.ip_types or ()),
        payer_kind=distribution.institution.kind,
        job_result=facts.get("job_result", True),
        income_received_on=min(incomes) if incomes else None,
        paid_on=paid_on,
        contract_registered=(
            all(bool(c.registration_number) for c in contracts)
            if contracts
            else facts.get("contract_registered")
        ),
        recipients_listed=facts.get("recipients_listed"),
        withheld=facts.get("withheld"),
    )


def _compute(distribution: Distribution, chosen, *, channels, deferrals, paid_on) -> calc.Outcome:
    income = sum((a for e, a in chosen if e.kind == EntryKind.INCOME), Decimal("0"))
    costs = sum((a for e, a in chosen if e.kind == EntryKind.COST), Decimal("0"))
    shares, policy = shares_for(
        distribution.institution, distribution.deal_type, distribution.decided_on
    )
    distribution.policy = policy
    inventors = [
        calc.Inventor(
            name=inv.name,
            share=inv.share,
            paid_here=inv.paid_here,
            is_main=inv.is_main,
            channel=channels.get(inv.pk, calc.CASH),
            key=inv,
            deferral_elected=(
                distribution.deal_type == DealType.EQUITY and bool(deferrals.get(inv.pk))
            ),
        )
        for inv in distribution.result.inventors.all()
    ]
    facts = _facts(distribution, chosen, paid_on)
    earlier = Distribution.objects.filter(
        result=distribution.result,
        status__in=HOLDING_STATUSES,
        deal_type__in=(DealType.TRANSFER, DealType.LICENCE),
    )
    if distribution.pk is not None:
        earlier = earlier.filter(pk__lt=distribution.pk)
    prior = earlier.aggregate(total=Sum("own_net_income"))["total"] or Decimal("0")
    try:
        outcome = calc.compute(
            deal_type=distribution.deal_type,
            income=income,
            costs=costs,
            inventors=inventors,
            shares=shares,
            on=distribution.decided_on,
            ownership_share=distribution.ownership_share,
            facts=facts,
            shares_obtained=distribution.shares_obtained,
            prior_net=prior,
        )
    except calc.RewardError as exc:
        raise ValidationError({exc.field: exc.message}) from exc
    return outcome


def _store(distribution: Distribution, chosen, outcome: calc.Outcome, paid_on) -> None:
    for name in (
        "income_total",
        "cost_total",
        "net_income",
        "own_net_income",
        "team_pool",
        "institution_amount",
        "department_amount",
        "office_amount",
    ):
        source = {
            "income_total": "income",
            "cost_total": "costs",
            "own_net_income": "own_net_income",
        }.get(name, name)
        setattr(distribution, name, getattr(outcome, source))
    distribution.team_shares = outcome.team_shares
    distribution.rules = outcome.rules
    distribution.save()
    distribution.lines.all().delete()
    DistributionLine.objects.bulk_create(
        [DistributionLine(distribution=distribution, entry=e, amount=a) for e, a in chosen]
    )
    distribution.rewards.all().delete()
    Reward.objects.bulk_create(
        [
            Reward(
                distribution=distribution,
                inventor=r.key,
                user_id=getattr(r.key, "user_id", None),
                name=r.name,
                share=r.share,
                pool_share=r.pool_share,
                is_main=r.is_main,
                channel=r.channel,
                amount=r.amount,
                shares=r.shares,
                taxable=r.taxable,
                tax_estimate=r.tax_estimate,
                conditions=[c.as_dict() for c in r.conditions],
                tax_rule=r.tax_rule,
                paid_on=paid_on,
                deferral_elected=r.deferral_elected,
            )
            for r in outcome.inventors
            if r.paid_here
        ]
    )


def _number(institution, year: int) -> str:
    prefix = f"FP-{year}-"
    taken = Distribution.objects.filter(institution=institution, number__startswith=prefix).count()
    return f"{prefix}{taken + 1:03d}"


def _clean_inputs(deal_type, ownership_share, tax_facts, channels, shares_obtained):
    errors = {}
    if deal_type not in DealType.values:
        errors["deal_type"] = _("The deal type must be transfer, licence or equity.")
    if ownership_share is None or not (Decimal(0) < ownership_share <= Decimal(100)):
        errors["ownership_share"] = _("The ownership share must be more than 0 and at most 100 %.")
    if any(value not in Channel.values for value in (channels or {}).values()):
        errors["channels"] = _("Pay each reward as cash or as a research-account credit.")
    if deal_type == DealType.EQUITY and (
        shares_obtained is None or not (Decimal(0) < shares_obtained <= Decimal(100))
    ):
        errors["shares_obtained"] = _("Give the percentage of the company's shares obtained.")
    unknown = set(tax_facts or {}) - set(TAX_FACTS)
    if unknown:
        errors["tax_facts"] = _("Unknown tax facts: %(names)s.") % {
            "names": ", ".join(sorted(unknown))
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def distribution_create(
    *,
    actor,
    result,
    deal_type: str,
    decided_on: dt.date | None = None,
    takings: list[tuple[Any, Decimal]] | None = None,
    ownership_share: Decimal = Decimal("100"),
    contract=None,
    channels: dict[int, str] | None = None,
    deferrals: dict[int, bool] | None = None,
    tax_facts: dict[str, bool] | None = None,
    shares_obtained: Decimal | None = None,
    note: str = "",
) -> Distribution:
    """A draft distribution of part-amounts of the result's ledger (all that remains when
    ``takings`` is None), computed under the policy in force on ``decided_on``."""
    require_staff(actor, result.institution_id)
    decided_on = decided_on or timezone.localdate()
    _clean_inputs(deal_type, ownership_share, tax_facts, channels, shares_obtained)
    if contract is not None and (
        contract.institution_id != result.institution_id
        or not contract.results.filter(pk=result.pk).exists()
    ):
        raise ValidationError({"contract": _("The contract must cover this result.")})
    chosen = _takings(result, takings, deal_type)
    if not any(e.kind == EntryKind.INCOME for e, _a in chosen):
        raise ValidationError(
            {
                "takings": _("Book the appraised value of the shares obtained first.")
                if deal_type == DealType.EQUITY
                else _("Take at least one income of the result.")
            }
        )
    distribution = Distribution(
        institution_id=result.institution_id,
        result=result,
        contract=contract,
        deal_type=deal_type,
        decided_on=decided_on,
        ownership_share=ownership_share,
        shares_obtained=shares_obtained if deal_type == DealType.EQUITY else None,
        tax_facts=dict(tax_facts or {}),
        note=note or "",
        created_by=actor,
    )
    outcome = _compute(
        distribution, chosen, channels=channels or {}, deferrals=deferrals or {}, paid_on=decided_on
    )
    for _attempt in range(5):
        distribution.number = _number(result.institution, decided_on.year)
        try:
            with transaction.atomic():
                _store(distribution, chosen, outcome, None)
            break
        except IntegrityError:
            distribution.pk = None
    else:  # pragma: no cover - five concurrent creations on one number
        raise ValidationError({"number": _("Please try again.")})
    audit.record(
        actor=actor,
        action="income.distribution_create",
        obj=distribution,
        changes=audit.snapshot(
            distribution, ("result", "deal_type", "net_income", "team_pool", "decided_on")
        ),
    )
    return distribution


@transaction.atomic
def distribution_update(
    *,
    actor,
    distribution: Distribution,
    takings: list[tuple[Any, Decimal]] | None = None,
    ownership_share: Decimal | None = None,
    decided_on: dt.date | None = None,
    channels: dict[int, str] | None = None,
    deferrals: dict[int, bool] | None = None,
    tax_facts: dict[str, bool] | None = None,
    shares_obtained: Decimal | None = None,
) -> Distribution:
    """Change a draft and compute it again (``takings`` None keeps the current ones)."""
    require_staff(actor, distribution.institution_id)
    distribution = Distribution.objects.select_for_update().get(pk=distribution.pk)
    _require_draft(distribution)
    before = {
        "net_income": distribution.net_income,
        "team_pool": distribution.team_pool,
        "ownership_share": distribution.ownership_share,
    }
    if ownership_share is not None:
        distribution.ownership_share = ownership_share
    if decided_on is not None:
        distribution.decided_on = decided_on
    if tax_facts is not None:
        distribution.tax_facts = {**distribution.tax_facts, **tax_facts}
    if shares_obtained is not None:
        distribution.shares_obtained = shares_obtained
    current = {r.inventor_id: r for r in distribution.rewards.all()}
    channels = channels if channels is not None else {k: r.channel for k, r in current.items()}
    deferrals = (
        deferrals if deferrals is not None else {k: r.deferral_elected for k, r in current.items()}
    )
    _clean_inputs(
        distribution.deal_type,
        distribution.ownership_share,
        tax_facts,
        channels,
        distribution.shares_obtained,
    )
    if takings is None:
        takings = [(line.entry_id, line.amount) for line in distribution.lines.all()]
    chosen = _takings(distribution.result, takings, distribution.deal_type, exclude=distribution)
    outcome = _compute(
        distribution,
        chosen,
        channels=channels,
        deferrals=deferrals,
        paid_on=distribution.decided_on,
    )
    _store(distribution, chosen, outcome, None)
    after = {k: getattr(distribution, k) for k in before}
    audit.record(
        actor=actor,
        action="income.distribution_update",
        obj=distribution,
        changes={k: [str(before[k]), str(after[k])] for k in before if before[k] != after[k]},
    )
    return distribution


@transaction.atomic
def distribution_approve(*, actor, distribution: Distribution) -> Distribution:
    require_staff(actor, distribution.institution_id)
    distribution = Distribution.objects.select_for_update().get(pk=distribution.pk)
    _require_draft(distribution)
    distribution.status = DistributionStatus.APPROVED
    distribution.approved_by = actor
    distribution.approved_at = timezone.now()
    distribution.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit.record(
        actor=actor,
        action="income.distribution_approve",
        obj=distribution,
        changes={"status": [DistributionStatus.DRAFT, DistributionStatus.APPROVED]},
    )
    return distribution


@transaction.atomic
def distribution_execute(
    *, actor, distribution: Distribution, paid_on: dt.date | None = None
) -> Distribution:
    """Pay the rewards of an approved distribution on ``paid_on``: the tax treatment is fixed
    on that date (the 36-month condition counts to it) and the distribution is frozen."""
    require_staff(actor, distribution.institution_id)
    distribution = Distribution.objects.select_for_update().get(pk=distribution.pk)
    if distribution.status != DistributionStatus.APPROVED:
        raise ValidationError(
            {
                "status": _(
                    "Only an approved distribution can be executed; this one is %(status)s."
                )
                % {"status": distribution.get_status_display()}
            }
        )
    paid_on = paid_on or timezone.localdate()
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The payment date cannot be in the future.")})
    if paid_on < distribution.decided_on:
        raise ValidationError(
            {"paid_on": _("The rewards cannot be paid before the distribution's date.")}
        )
    chosen = [
        (line.entry, line.amount) for line in distribution.lines.select_related("entry__contract")
    ]
    current = {r.inventor_id: r for r in distribution.rewards.all()}
    outcome = _compute(
        distribution,
        chosen,
        channels={k: r.channel for k, r in current.items()},
        deferrals={k: r.deferral_elected for k, r in current.items()},
        paid_on=paid_on,
    )
    distribution.status = DistributionStatus.EXECUTED
    distribution.executed_by = actor
    distribution.executed_at = timezone.now()
    _store(distribution, chosen, outcome, paid_on)
    audit.record(
        actor=actor,
        action="income.distribution_execute",
        obj=distribution,
        changes={
            "status": [DistributionStatus.APPROVED, DistributionStatus.EXECUTED],
            "paid_on": [None, paid_on.isoformat()],
        },
    )
    append_event(
        result=distribution.result,
        kind="income.distributed",
        actor=actor,
        summary=f"{distribution.number} · ¥{distribution.team_pool:,.2f}",
        obj=distribution,
        data={"team_pool": str(distribution.team_pool), "net_income": str(distribution.net_income)},
    )
    recipients = [r.user for r in distribution.rewards.select_related("user") if r.user_id]
    notify(
        users=recipients,
        title=_("Your reward from %(number)s has been paid") % {"number": distribution.number},
        url=reverse("income-my-rewards"),
        actor=actor,
    )
    return distribution


@transaction.atomic
def distribution_cancel(*, actor, distribution: Distribution, reason: str) -> Distribution:
    """Cancel a draft or approved distribution; what it took returns to the ledgers."""
    require_staff(actor, distribution.institution_id)
    distribution = Distribution.objects.select_for_update().get(pk=distribution.pk)
    if distribution.is_frozen:
        raise ValidationError({"status": _("An executed or cancelled distribution is frozen.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the distribution is cancelled.")})
    before = distribution.status
    distribution.status = DistributionStatus.CANCELLED
    distribution.note = f"{distribution.note}\n{reason}".strip()
    distribution.save(update_fields=["status", "note", "updated_at"])
    audit.record(
        actor=actor,
        action="income.distribution_cancel",
        obj=distribution,
        changes={"status": [before, DistributionStatus.CANCELLED]},
        message=reason,
    )
    return distribution
