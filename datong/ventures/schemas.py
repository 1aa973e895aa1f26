"""API shapes of companies and equity investments. Amounts and percentages are decimal
strings."""

import datetime as dt

from ninja import Schema

from datong.market.schemas import InstitutionOut


def _s(value) -> str | None:
    return None if value is None else str(value)


class FounderOut(Schema):
    id: int
    name: str
    role: str
    on_leave: bool
    leave_from: dt.date | None
    leave_until: dt.date | None


class ShareholdingOut(Schema):
    id: int
    holder_kind: str
    holder_name: str
    percentage: str
    capital: str
    contribution: str
    since: dt.date
    until: dt.date | None
    reward: int | None

    @staticmethod
    def resolve_percentage(obj) -> str:
        return str(obj.percentage)

    @staticmethod
    def resolve_capital(obj) -> str:
        return str(obj.capital)

    @staticmethod
    def resolve_reward(obj) -> int | None:
        return obj.reward_id


class BoardSeatOut(Schema):
    id: int
    name: str
    role: str
    nominated_by: str
    for_institution: bool
    since: dt.date
    until: dt.date | None


class RoundOut(Schema):
    id: int
    name: str
    closed_on: dt.date
    amount: str
    post_money: str | None
    investors: str

    @staticmethod
    def resolve_amount(obj) -> str:
        return str(obj.amount)

    @staticmethod
    def resolve_post_money(obj) -> str | None:
        return _s(obj.post_money)


class CompanyOut(InstitutionOut):
    id: int
    name: str
    name_en: str
    credit_code: str
    state: str
    state_label: str
    state_since: dt.date | None
    refusal_reason: str
    approved_on: dt.date | None
    incorporated_on: dt.date | None
    entered_on: dt.date | None
    exited_on: dt.date | None
    dissolved_on: dt.date | None
    registered_capital: str | None
    region: str
    city: str
    incubator: str | None
    industry: str | None
    listing_status: str
    stock_code: str
    listed_on: dt.date | None
    description: str
    results: list[int]
    founders: list[FounderOut]

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_registered_capital(obj) -> str | None:
        return _s(obj.registered_capital)

    @staticmethod
    def resolve_incubator(obj) -> str | None:
        return obj.incubator.slug if obj.incubator_id else None

    @staticmethod
    def resolve_industry(obj) -> str | None:
        return obj.industry.code if obj.industry_id else None

    @staticmethod
    def resolve_results(obj) -> list[int]:
        return [r.pk for r in obj.results.all()]

    @staticmethod
    def resolve_founders(obj) -> list:
        return list(obj.founders.all())


class CompanyIn(Schema):
    """``institution`` (a slug) only when creating; omitted fields are left as they are on an
    update. ``incubator`` is an institution's slug, ``industry`` a GB/T 4754-2017 code."""

    institution: str | None = None
    name: str | None = None
    name_en: str | None = None
    credit_code: str | None = None
    region: str | None = None
    city: str | None = None
    incubator: str | None = None
    industry: str | None = None
    registered_capital: str | None = None
    approved_on: dt.date | None = None
    entered_on: dt.date | None = None
    exited_on: dt.date | None = None
    listing_status: str | None = None
    stock_code: str | None = None
    listed_on: dt.date | None = None
    description: str | None = None
    results: list[int] | None = None


class StateIn(Schema):
    state: str
    on: dt.date | None = None
    reason: str = ""


class ShareholdingIn(Schema):
    holder_kind: str
    holder_name: str
    percentage: str
    capital: str | None = None
    contribution: str = "cash"
    since: dt.date | None = None


class BoardSeatIn(Schema):
    name: str
    role: str = ""
    nominated_by: str = ""
    for_institution: bool = False
    since: dt.date | None = None
    until: dt.date | None = None


class RoundIn(Schema):
    name: str
    closed_on: dt.date | None = None
    amount: str
    post_money: str | None = None
    investors: str = ""


class FounderIn(Schema):
    name: str
    role: str = ""
    on_leave: bool = False
    leave_from: dt.date | None = None
    leave_until: dt.date | None = None


class InvestmentOut(InstitutionOut):
    id: int
    company: int
    company_name: str
    contract: int | None
    results: list[int]
    step: str
    step_label: str
    evaluator: str | None
    appraisal_report: str
    appraised_value: str | None
    appraised_on: dt.date | None
    approvals: list[dict]
    filing_number: str
    filed_on: dt.date | None
    registered_on: dt.date | None
    shares_total: str | None
    institution_percentage: str | None
    team_percentage: str | None
    completed_on: dt.date | None
    abandoned_on: dt.date | None
    abandon_reason: str
    note: str

    @staticmethod
    def resolve_company(obj) -> int:
        return obj.company_id

    @staticmethod
    def resolve_company_name(obj) -> str:
        return obj.company.name

    @staticmethod
    def resolve_contract(obj) -> int | None:
        return obj.contract_id

    @staticmethod
    def resolve_results(obj) -> list[int]:
        return [r.pk for r in obj.results.all()]

    @staticmethod
    def resolve_step_label(obj) -> str:
        return str(obj.get_step_display())

    @staticmethod
    def resolve_evaluator(obj) -> str | None:
        return obj.evaluator.slug if obj.evaluator_id else None

    @staticmethod
    def resolve_appraised_value(obj) -> str | None:
        return _s(obj.appraised_value)

    @staticmethod
    def resolve_shares_total(obj) -> str | None:
        return _s(obj.shares_total)

    @staticmethod
    def resolve_institution_percentage(obj) -> str | None:
        return _s(obj.institution_percentage)

    @staticmethod
    def resolve_team_percentage(obj) -> str | None:
        return _s(obj.team_percentage)


class InvestmentIn(Schema):
    results: list[int] | None = None
    contract: int | None = None
    note: str = ""


class AppraisalIn(Schema):
    evaluator: str
    appraised_value: str
    report_number: str
    appraised_on: dt.date | None = None


class ApprovalIn(Schema):
    body: str
    decision: str
    on: dt.date | None = None
    reference: str = ""


class FilingIn(Schema):
    filing_number: str
    filed_on: dt.date | None = None


class RegistrationIn(Schema):
    registered_on: dt.date | None = None


class CompleteIn(Schema):
    shares_total: str
    team_percentage: str | None = None
    team_holder_name: str = ""


class AbandonIn(Schema):
    reason: str
