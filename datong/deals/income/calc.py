"""The reward engine: net income → the institution's part → the team pool → each inventor, and
each cash reward's tax treatment. Pure functions over Decimals (no database), so the calculator
page, the API preview and a saved distribution compute exactly the same figures.

Order of the computation (DOMAIN.md §2–3):

1. net income = income − costs (never negative);
2. where the result is co-owned, this institution's part = net × its ownership share;
3. team pool = that part × the team's share, band by band when the policy has amount tiers
   (marginal, like tax brackets: the result does not depend on how payments are grouped);
   the rest goes to the institution, its department and the transfer office in the ratio of
   their shares;
4. the pool is shared among the inventors this institution pays, their contribution shares
   rescaled over that group; main contributors together get at least the floor;
5. each cash reward: the conditions of 财税〔2018〕58号, each shown holding or not; when all
   hold, 50 % is taxable wage income, else all of it; a research-account credit is not taxed;
   the income-tax estimate uses the annual bracket table. Equity rewards are not taxed on
   receipt (财税字〔1999〕45号) and may elect deferral (财税〔2016〕101号).

Every amount is rounded to the fen; shares of a whole are allocated by largest remainder so
the parts always add up to the whole.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from . import rules

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")
SHARE_PLACES = Decimal("0.000001")

DEAL_TYPES = ("transfer", "licence", "equity")
CASH = "cash"
RESEARCH_ACCOUNT = "research_account"


class RewardError(ValueError):
    """Input the engine cannot compute: ``field`` names what to correct."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def allocate(total: Decimal, weights: list[Decimal], unit: Decimal = FEN) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights`` into multiples of ``unit`` that add up to
    exactly ``total`` (largest remainder; ties to the earlier weight)."""
    whole = sum(weights, Decimal(0))
    if not weights:
        return []
    if whole <= 0:
        return [Decimal(0).quantize(unit) for _ in weights]
    exact = [total * w / whole for w in weights]
    floors = [x.quantize(unit, rounding=ROUND_DOWN) for x in exact]
    left = int(((total - sum(floors, Decimal(0))) / unit).to_integral_value(ROUND_HALF_UP))
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += unit
    return floors


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- inputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shares:
    """The split of an institution's net income, in percent (a policy or the statutory one)."""

    team: Decimal
    institution: Decimal
    department: Decimal
    office: Decimal
    equity_team: Decimal
    main_contributors: Decimal
    #: ((upper bound or None, team percent), ...) ascending, the last open.
    tiers: tuple[tuple[Decimal | None, Decimal], ...] = ()
    citation: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Inventor:
    name: str
    share: Decimal
    paid_here: bool = True
    is_main: bool = False
    channel: str = CASH
    key: Any = None
    #: Equity: this inventor elects the 财税〔2016〕101号 deferral.
    deferral_elected: bool = False


@dataclass(frozen=True)
class TaxFacts:
    """What the 58号 conditions and the estimate need; ``None`` means not known."""

    ip_types: tuple[str, ...] = ()
    payer_kind: str | None = None
    job_result: bool | None = True
    income_received_on: dt.date | None = None
    paid_on: dt.date | None = None
    contract_registered: bool | None = None
    recipients_listed: bool | None = None
    withheld: bool | None = None
    #: The person's other taxable comprehensive income of the year (for a marginal estimate).
    other_income: Decimal = ZERO
    deferral_elected: bool = False


# --- outputs -------------------------------------------------------------------------------


@dataclass
class Condition:
    code: str
    label: str
    holds: bool | None
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "holds": self.holds, "detail": self.detail}


@dataclass
class InventorReward:
    name: str
    share: Decimal
    key: Any
    paid_here: bool
    is_main: bool
    channel: str
    pool_share: Decimal = ZERO
    amount: Decimal = ZERO
    shares: Decimal | None = None
    taxable: Decimal = ZERO
    tax_estimate: Decimal = ZERO
    tax_rule: str = ""
    half_rate: bool = False
    conditions: list[Condition] = field(default_factory=list)
    deferral_elected: bool = False


@dataclass
class Outcome:
    deal_type: str
    income: Decimal
    costs: Decimal
    net_income: Decimal
    ownership_share: Decimal
    own_net_income: Decimal
    team_pool: Decimal
    institution_amount: Decimal
    department_amount: Decimal
    office_amount: Decimal
    inventors: list[InventorReward]
    rules: list[dict[str, Any]]
    shares_obtained: Decimal | None = None
    team_shares: Decimal | None = None
    notes: list[str] = field(default_factory=list)


# --- the steps -----------------------------------------------------------------------------


def statutory_shares(deal_type: str, on: dt.date, province: str = "") -> Shares:
    """No own rule: the team gets the statutory floor, the institution the rest."""
    floor, entry = rules.reward_floor(
        deal_type if deal_type in DEAL_TYPES else "transfer", on, province
    )
    equity_floor, _entry = rules.reward_floor("equity", on, province)
    main, _main_entry = rules.main_contributor_floor(on, province)
    return Shares(
        team=floor,
        institution=HUNDRED - floor,
        department=Decimal(0),
        office=Decimal(0),
        equity_team=equity_floor,
        main_contributors=main,
        citation=entry,
    )


def team_pool(amount: Decimal, shares: Shares, deal_type: str) -> Decimal:
    """The team's part of ``amount``; amount tiers apply band by band (not to equity)."""
    if deal_type == "equity":
        return money(amount * shares.equity_team / HUNDRED)
    if not shares.tiers:
        return money(amount * shares.team / HUNDRED)
    pool, lower = Decimal(0), Decimal(0)
    for upper, percent in shares.tiers:
        top = amount if upper is None else min(amount, upper)
        if top > lower:
            pool += (top - lower) * percent / HUNDRED
        if upper is None or amount <= upper:
            break
        lower = upper
    return money(pool)


def pool_weights(inventors: list[Inventor], main_floor: Decimal) -> list[Decimal]:
    """Each paid-here inventor's part of the pool (fractions adding up to 1): contribution
    shares rescaled over the group; main contributors together at least ``main_floor`` %."""
    group = [inv for inv in inventors if inv.paid_here]
    total = sum((inv.share for inv in group), Decimal(0))
    if not group:
        raise RewardError("inventors", _("No inventor of this result is paid by this institution."))
    if total <= 0:
        raise RewardError(
            "inventors", _("The contribution shares of the inventors paid here add up to zero.")
        )
    weights = [inv.share / total for inv in group]
    floor = main_floor / HUNDRED
    main_total = sum((w for w, inv in zip(weights, group, strict=True) if inv.is_main), Decimal(0))
    others_total = 1 - main_total
    if any(inv.is_main for inv in group) and others_total > 0 and main_total < floor:
        weights = [
            (w * floor / main_total) if inv.is_main else (w * (1 - floor) / others_total)
            for w, inv in zip(weights, group, strict=True)
        ]
    return weights


def _months_between_ok(received: dt.date, paid: dt.date, months: int) -> bool:
    return paid <= add_months(received, months)


def tax_conditions(deal_type: str, facts: TaxFacts, on: dt.date) -> tuple[list[Condition], dict]:
    """Every condition of the half-rate rule in force on the payment date, each with whether it
    holds (None: not known, which counts as not holding)."""
    entry = rules.rule("tax_half_rate", facts.paid_on or on)
    months = int(entry["months"])
    eligible = set(entry["eligible_ip"])

    def yes_no(value: bool | None, yes: str, no: str, unknown: str) -> tuple[bool | None, str]:
        if value is None:
            return None, unknown
        return value, (yes if value else no)

    conditions: list[Condition] = []
    holds = deal_type in entry["deal_types"]
    conditions.append(
        Condition(
            "deal_type",
            _("Income from transferring or licensing the result"),
            holds,
            _("Transfer or licence income.") if holds else _("Not a transfer or licence."),
        )
    )
    holds, detail = yes_no(
        facts.job_result,
        _("A job-related result (职务科技成果)."),
        _("Not a job-related result."),
        _("Not stated whether the result is job-related."),
    )
    conditions.append(Condition("job_result", _("Job-related result"), holds, detail))
    if facts.payer_kind is None:
        holds, detail = None, _("The paying unit's kind is not known.")
    else:
        holds = facts.payer_kind in entry["payer_kinds"]
        detail = (
            _("Paid by a non-profit university or research institute.")
            if holds
            else _("The paying unit is not a non-profit university or research institute.")
        )
    conditions.append(
        Condition("payer", _("Paid by a university or research institute"), holds, detail)
    )
    if not facts.ip_types:
        holds, detail = None, _("The result's protection is not recorded.")
    else:
        holds = bool(eligible & set(facts.ip_types))
        detail = (
            _(
                "Protected as a patent, software copyright, IC layout, plant variety or "
                "biomedical variety."
            )
            if holds
            else _(
                "Not protected as a patent, software copyright, IC layout, plant variety or "
                "biomedical variety."
            )
        )
    conditions.append(Condition("ip_type", _("Eligible protection"), holds, detail))
    if facts.income_received_on is None or facts.paid_on is None:
        holds, detail = None, _("The date of the income or of the payment is missing.")
    else:
        limit = add_months(facts.income_received_on, months)
        holds = _months_between_ok(facts.income_received_on, facts.paid_on, months)
        detail = (
            _(
                "Paid on %(paid)s, within %(months)d months of the income of %(received)s "
                "(by %(limit)s)."
            )
            if holds
            else _(
                "Paid on %(paid)s, more than %(months)d months after the income of "
                "%(received)s (limit %(limit)s)."
            )
        ) % {
            "paid": facts.paid_on.isoformat(),
            "received": facts.income_received_on.isoformat(),
            "months": months,
            "limit": limit.isoformat(),
        }
    conditions.append(
        Condition("within_months", _("Paid within 36 months of the income"), holds, detail)
    )
    holds, detail = yes_no(
        facts.contract_registered,
        _("The technology contract is registered (技术合同认定登记)."),
        _("The technology contract is not registered."),
        _("Not known whether the contract is registered."),
    )
    conditions.append(Condition("registered", _("Contract registered"), holds, detail))
    holds, detail = yes_no(
        facts.recipients_listed,
        _("The recipients and amounts were publicly listed in the unit."),
        _("The recipients were not publicly listed."),
        _("Not known whether the recipients were publicly listed."),
    )
    conditions.append(Condition("listed", _("Recipients publicly listed"), holds, detail))
    holds, detail = yes_no(
        facts.withheld,
        _("The unit withholds the tax and files the reward."),
        _("The unit does not withhold and file."),
        _("Not known whether the unit withholds and files."),
    )
    conditions.append(Condition("withheld", _("Withheld and filed by the unit"), holds, detail))
    return conditions, entry


def income_tax(taxable: Decimal, on: dt.date, other_income: Decimal = ZERO) -> tuple[Decimal, dict]:
    """The extra annual individual income tax ``taxable`` causes on top of ``other_income``."""
    table, entry = rules.brackets(on)

    def tax(income: Decimal) -> Decimal:
        if income <= 0:
            return Decimal(0)
        for top, rate, deduction in table:
            if top is None or income <= top:
                return income * rate / HUNDRED - deduction
        raise AssertionError("the bracket table has no open top bracket")

    return money(tax(other_income + taxable) - tax(other_income)), entry


def compute(
    *,
    deal_type: str,
    income: Decimal,
    costs: Decimal,
    inventors: list[Inventor],
    shares: Shares,
    on: dt.date,
    ownership_share: Decimal = HUNDRED,
    facts: TaxFacts | None = None,
    shares_obtained: Decimal | None = None,
    prior_net: Decimal = ZERO,
) -> Outcome:
    """The whole distribution of one deal's income (or shares). ``prior_net`` is this
    institution's net income of the result already distributed: amount tiers continue from
    there, so splitting income over several distributions gives the team the same in all."""
    if deal_type not in DEAL_TYPES:
        raise RewardError("deal_type", _("The deal type must be transfer, licence or equity."))
    if income < 0 or costs < 0:
        raise RewardError("income", _("Income and costs cannot be negative."))
    if not (Decimal(0) < ownership_share <= HUNDRED):
        raise RewardError(
            "ownership_share", _("The ownership share must be more than 0 and at most 100 %.")
        )
    facts = facts or TaxFacts()
    net = money(income - costs)
    if net < 0:
        raise RewardError(
            "costs",
            _(
                "The costs (%(costs)s) exceed the income (%(income)s): the net income cannot be "
                "negative."
            )
            % {"costs": money(costs), "income": money(income)},
        )
    citations = [rules.cite(shares.citation, applies_to="shares")]
    own = money(net * ownership_share / HUNDRED)
    if shares.tiers and deal_type != "equity" and prior_net > 0:
        pool = team_pool(prior_net + own, shares, deal_type) - team_pool(
            prior_net, shares, deal_type
        )
    else:
        pool = team_pool(own, shares, deal_type)
    rest_weights = [shares.institution, shares.department, shares.office]
    institution_amount, department_amount, office_amount = allocate(own - pool, rest_weights)
    outcome = Outcome(
        deal_type=deal_type,
        income=money(income),
        costs=money(costs),
        net_income=net,
        ownership_share=ownership_share,
        own_net_income=own,
        team_pool=pool,
        institution_amount=institution_amount,
        department_amount=department_amount,
        office_amount=office_amount,
        inventors=[],
        rules=citations,
    )
    weights = pool_weights(inventors, shares.main_contributors)
    group = [inv for inv in inventors if inv.paid_here]
    amounts = allocate(pool, weights)
    if deal_type == "equity" and shares_obtained is not None:
        outcome.shares_obtained = shares_obtained
        outcome.team_shares = (shares_obtained * shares.equity_team / HUNDRED).quantize(
            SHARE_PLACES, rounding=ROUND_HALF_UP
        )
        person_shares = allocate(outcome.team_shares, weights, SHARE_PLACES)
    else:
        person_shares = [None] * len(group)
    if any(inv.is_main for inv in group):
        _floor, main_entry = rules.main_contributor_floor(on)
        if shares.main_contributors <= _floor:
            citations.append(rules.cite(main_entry, applies_to="main_contributors"))
    by_key = iter(zip(group, weights, amounts, person_shares, strict=True))
    paid = {id(inv): next(by_key) for inv in group}
    needs_estimate = False
    for inv in inventors:
        reward = InventorReward(
            name=inv.name,
            share=inv.share,
            key=inv.key,
            paid_here=inv.paid_here,
            is_main=inv.is_main,
            channel=inv.channel,
        )
        outcome.inventors.append(reward)
        if not inv.paid_here:
            continue
        _inv, weight, amount, person_share = paid[id(inv)]
        reward.pool_share = (weight * HUNDRED).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)
        reward.amount = amount
        reward.shares = person_share
        reward.deferral_elected = inv.deferral_elected or facts.deferral_elected
        _treat_tax(reward, deal_type, facts, on, citations)
        needs_estimate = needs_estimate or reward.taxable > 0
    if needs_estimate:
        _table, entry = rules.brackets(facts.paid_on or on)
        citations.append(rules.cite(entry, applies_to="tax_estimate"))
    return outcome


def _add(citations: list[dict], entry: dict, applies_to: str) -> None:
    if not any(c["id"] == entry["id"] for c in citations):
        citations.append(rules.cite(entry, applies_to=applies_to))


def _treat_tax(
    reward: InventorReward, deal_type: str, facts: TaxFacts, on: dt.date, citations: list[dict]
) -> None:
    if deal_type == "equity":
        entry = rules.rule("equity_reward", on)
        reward.tax_rule = entry["id"]
        _add(citations, entry, "equity")
        if reward.deferral_elected:
            _add(citations, rules.rule("equity_deferral", on), "deferral")
        return
    if reward.channel == RESEARCH_ACCOUNT:
        reward.tax_rule = "research_account"
        return
    conditions, entry = tax_conditions(deal_type, facts, on)
    reward.conditions = conditions
    reward.tax_rule = entry["id"]
    _add(citations, entry, "taxable")
    reward.half_rate = all(c.holds for c in conditions)
    percent = Decimal(entry["taxable_percent"]) if reward.half_rate else HUNDRED
    reward.taxable = money(reward.amount * percent / HUNDRED)
    reward.tax_estimate, _entry = income_tax(
        reward.taxable, facts.paid_on or on, facts.other_income
    )
