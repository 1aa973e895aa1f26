"""API shapes of ledgers, reward policies, distributions, rewards, statements and the reward
preview. Amounts are decimal strings with two places."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

Money = str


def _money(value) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


# --- the reward preview ----------------------------------------------------------------------


class PreviewInventorIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    share: Decimal = Field(..., ge=0, le=100)
    paid_here: bool = True
    channel: Literal["cash", "research_account"] = "cash"
    is_main: bool = False
    other_income: Decimal = Field(Decimal("0"), ge=0)


class PreviewIn(Schema):
    deal_type: Literal["transfer", "licence", "equity"]
    income: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2)
    costs: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    institution: str | None = None
    inventors: list[PreviewInventorIn] = Field(..., min_length=1, max_length=50)
    ownership_share: Decimal = Field(Decimal("100"), gt=0, le=100)
    on: dt.date | None = None
    income_received_on: dt.date | None = None
    paid_on: dt.date | None = None
    ip_types: list[str] = ["invention_patent"]
    contract_registered: bool | None = True
    recipients_listed: bool | None = True
    withheld: bool | None = True
    job_result: bool | None = True
    shares_obtained: Decimal | None = Field(None, gt=0, le=100)
    deferral_elected: bool = False


class ConditionOut(Schema):
    code: str
    label: str
    holds: bool | None
    detail: str


class RuleOut(Schema):
    id: str
    version: str = ""
    source: str = ""
    effective_from: str = ""
    verify: bool = False
    applies_to: str = ""


class PreviewInventorOut(Schema):
    name: str
    share: str
    paid_here: bool
    is_main: bool
    channel: str
    pool_share: str
    amount: Money
    shares: str | None
    taxable: Money
    tax_estimate: Money
    half_rate: bool
    tax_rule: str
    conditions: list[ConditionOut]
    deferral_elected: bool


class PolicyRefOut(Schema):
    version: str
    effective_from: str
    source: str


class PreviewOut(Schema):
    deal_type: str
    institution: str | None
    policy: PolicyRefOut | None
    income: Money
    costs: Money
    net_income: Money
    ownership_share: str
    own_net_income: Money
    team_pool: Money
    institution_amount: Money
    department_amount: Money
    office_amount: Money
    shares_obtained: str | None
    team_shares: str | None
    inventors: list[PreviewInventorOut]
    rules: list[RuleOut]


# --- policies --------------------------------------------------------------------------------


class TierIn(Schema):
    up_to: Decimal | None = None
    team: Decimal


class PolicyIn(Schema):
    institution: str
    version: str = Field(..., max_length=40)
    effective_from: dt.date
    source: str = Field(..., max_length=300)
    team_share: Decimal
    institution_share: Decimal
    department_share: Decimal = Decimal("0")
    office_share: Decimal = Decimal("0")
    equity_team_share: Decimal | None = None
    main_contributor_share: Decimal = Decimal("50")
    tiers: list[TierIn] = []
    note: str = ""


class PolicyOut(Schema):
    id: int
    institution: str
    version: str
    effective_from: dt.date
    source: str
    team_share: str
    institution_share: str
    department_share: str
    office_share: str
    equity_team_share: str
    main_contributor_share: str
    tiers: list[dict[str, Any]]
    note: str

    @staticmethod
    def resolve_institution(obj) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_team_share(obj) -> str:
        return str(obj.team_share)

    @staticmethod
    def resolve_institution_share(obj) -> str:
        return str(obj.institution_share)

    @staticmethod
    def resolve_department_share(obj) -> str:
        return str(obj.department_share)

    @staticmethod
    def resolve_office_share(obj) -> str:
        return str(obj.office_share)

    @staticmethod
    def resolve_equity_team_share(obj) -> str:
        return str(obj.equity_team_share)

    @staticmethod
    def resolve_main_contributor_share(obj) -> str:
        return str(obj.main_contributor_share)


# --- ledgers ---------------------------------------------------------------------------------


class EntryIn(Schema):
    kind: Literal["income", "cost"]
    category: str
    date: dt.date
    amount: Decimal = Field(..., max_digits=14, decimal_places=2)
    description: str = ""
    filing: int | None = None


class EntryOut(Schema):
    id: int
    result: int
    filing: int | None
    kind: str
    category: str
    date: dt.date
    amount: Money
    taken: Money
    remaining: Money
    description: str
    contract: str | None

    @staticmethod
    def resolve_result(obj) -> int:
        return obj.result_id

    @staticmethod
    def resolve_filing(obj) -> int | None:
        return obj.filing_id

    @staticmethod
    def resolve_amount(obj) -> str:
        return _money(obj.amount)

    @staticmethod
    def resolve_taken(obj) -> str:
        return _money(getattr(obj, "taken", Decimal("0")))

    @staticmethod
    def resolve_remaining(obj) -> str:
        return _money(getattr(obj, "remaining", obj.amount))

    @staticmethod
    def resolve_contract(obj) -> str | None:
        return obj.contract.number if obj.contract_id else None


class LedgerTotalsOut(Schema):
    income: Money
    cost: Money
    income_remaining: Money
    cost_remaining: Money
    net_remaining: Money


class LedgerOut(Schema):
    result: int
    entries: list[EntryOut]
    totals: LedgerTotalsOut


# --- distributions ---------------------------------------------------------------------------


class TakingIn(Schema):
    entry: int
    amount: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2)


class DistributionIn(Schema):
    result: int
    deal_type: Literal["transfer", "licence", "equity"]
    decided_on: dt.date | None = None
    takings: list[TakingIn] | None = None
    ownership_share: Decimal = Decimal("100")
    contract: int | None = None
    #: Inventor id (of the result) → "cash" | "research_account".
    channels: dict[int, str] = {}
    deferrals: dict[int, bool] = {}
    tax_facts: dict[str, bool | None] = {}
    shares_obtained: Decimal | None = None
    note: str = ""


class DistributionUpdateIn(Schema):
    takings: list[TakingIn] | None = None
    ownership_share: Decimal | None = None
    decided_on: dt.date | None = None
    channels: dict[int, str] | None = None
    deferrals: dict[int, bool] | None = None
    tax_facts: dict[str, bool | None] | None = None
    shares_obtained: Decimal | None = None


class ExecuteIn(Schema):
    paid_on: dt.date | None = None


class CancelIn(Schema):
    reason: str


class LineOut(Schema):
    entry: int
    kind: str
    category: str
    date: dt.date
    amount: Money

    @staticmethod
    def resolve_entry(obj) -> int:
        return obj.entry_id

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.entry.kind

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.entry.category

    @staticmethod
    def resolve_date(obj) -> dt.date:
        return obj.entry.date

    @staticmethod
    def resolve_amount(obj) -> str:
        return _money(obj.amount)


class RewardOut(Schema):
    id: int
    distribution: int
    distribution_number: str
    institution: str
    result: int
    result_title: str
    inventor: int | None
    user: int | None
    name: str
    share: str
    pool_share: str
    is_main: bool
    channel: str
    amount: Money
    shares: str | None
    taxable: Money
    tax_estimate: Money
    tax_rule: str
    conditions: list[ConditionOut]
    paid_on: dt.date | None
    deferral_elected: bool

    @staticmethod
    def resolve_distribution(obj) -> int:
        return obj.distribution_id

    @staticmethod
    def resolve_distribution_number(obj) -> str:
        return obj.distribution.number

    @staticmethod
    def resolve_institution(obj) -> str:
        return obj.distribution.institution.slug

    @staticmethod
    def resolve_result(obj) -> int:
        return obj.distribution.result_id

    @staticmethod
    def resolve_result_title(obj) -> str:
        return obj.distribution.result.title

    @staticmethod
    def resolve_inventor(obj) -> int | None:
        return obj.inventor_id

    @staticmethod
    def resolve_user(obj) -> int | None:
        return obj.user_id

    @staticmethod
    def resolve_share(obj) -> str:
        return str(obj.share)

    @staticmethod
    def resolve_pool_share(obj) -> str:
        return str(obj.pool_share)

    @staticmethod
    def resolve_amount(obj) -> str:
        return _money(obj.amount)

    @staticmethod
    def resolve_shares(obj) -> str | None:
        return None if obj.shares is None else str(obj.shares)

    @staticmethod
    def resolve_taxable(obj) -> str:
        return _money(obj.taxable)

    @staticmethod
    def resolve_tax_estimate(obj) -> str:
        return _money(obj.tax_estimate)


class DistributionOut(Schema):
    id: int
    number: str
    institution: str
    result: int
    result_title: str
    contract: int | None
    deal_type: str
    status: str
    decided_on: dt.date
    policy: str | None
    ownership_share: str
    income_total: Money
    cost_total: Money
    net_income: Money
    own_net_income: Money
    team_pool: Money
    institution_amount: Money
    department_amount: Money
    office_amount: Money
    shares_obtained: str | None
    team_shares: str | None
    rules: list[RuleOut]
    tax_facts: dict[str, bool | None]
    note: str
    approved_at: dt.datetime | None
    executed_at: dt.datetime | None

    @staticmethod
    def resolve_institution(obj) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_result(obj) -> int:
        return obj.result_id

    @staticmethod
    def resolve_result_title(obj) -> str:
        return obj.result.title

    @staticmethod
    def resolve_contract(obj) -> int | None:
        return obj.contract_id

    @staticmethod
    def resolve_policy(obj) -> str | None:
        return obj.policy.version if obj.policy_id else None

    @staticmethod
    def resolve_ownership_share(obj) -> str:
        return str(obj.ownership_share)

    @staticmethod
    def resolve_income_total(obj) -> str:
        return _money(obj.income_total)

    @staticmethod
    def resolve_cost_total(obj) -> str:
        return _money(obj.cost_total)

    @staticmethod
    def resolve_net_income(obj) -> str:
        return _money(obj.net_income)

    @staticmethod
    def resolve_own_net_income(obj) -> str:
        return _money(obj.own_net_income)

    @staticmethod
    def resolve_team_pool(obj) -> str:
        return _money(obj.team_pool)

    @staticmethod
    def resolve_institution_amount(obj) -> str:
        return _money(obj.institution_amount)

    @staticmethod
    def resolve_department_amount(obj) -> str:
        return _money(obj.department_amount)

    @staticmethod
    def resolve_office_amount(obj) -> str:
        return _money(obj.office_amount)

    @staticmethod
    def resolve_shares_obtained(obj) -> str | None:
        return None if obj.shares_obtained is None else str(obj.shares_obtained)

    @staticmethod
    def resolve_team_shares(obj) -> str | None:
        return None if obj.team_shares is None else str(obj.team_shares)


class DistributionDetailOut(DistributionOut):
    lines: list[LineOut]
    rewards: list[RewardOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.select_related("entry"))

    @staticmethod
    def resolve_rewards(obj) -> list:
        return list(obj.rewards.select_related("distribution__institution", "distribution__result"))


# --- statements ------------------------------------------------------------------------------


class StatementLineOut(Schema):
    reward: int
    date: dt.date | None
    number: str
    distribution: int
    result: str
    deal_type: str
    channel: str
    amount: Money
    shares: str | None
    taxable: Money
    tax_estimate: Money
    tax_rule: RuleOut
    share_rule: RuleOut | None


class StatementOut(Schema):
    institution: str
    year: int
    person: str
    user: int | None
    total: Money
    cash: Money
    credited: Money
    taxable: Money
    tax_estimate: Money
    equity_shares: str
    lines: list[StatementLineOut]


class StatementPersonOut(Schema):
    user: int | None
    name: str
    amount: Money
    taxable: Money
    tax_estimate: Money
