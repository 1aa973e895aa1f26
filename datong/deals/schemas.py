"""API shapes of contracts. Amounts travel as decimal strings ("150000.00")."""

import datetime as dt

from ninja import Schema

from . import licensing


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


class PartyIn(Schema):
    role: str
    name: str
    credit_code: str = ""
    region: str = ""
    entity_type: str = ""
    is_sme: bool = False


class PartyOut(PartyIn):
    institution: str | None = None

    @staticmethod
    def resolve_institution(obj) -> str | None:
        return obj.institution.slug if obj.institution_id else None


class GrantIn(Schema):
    result: int
    field_of_use: str | None = None  # GB/T 4754 code, e.g. "C" or "38"; null = every field
    territory: str = "CN"
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    exclusivity: str | None = None
    sublicensable: bool = False


class GrantOut(Schema):
    id: int
    contract: int
    contract_number: str
    result: int
    result_number: str
    field_of_use: str | None
    territory: str
    territory_label: str
    starts_on: dt.date
    ends_on: dt.date
    exclusivity: str
    sublicensable: bool

    @staticmethod
    def resolve_contract(obj) -> int:
        return obj.contract_id

    @staticmethod
    def resolve_contract_number(obj) -> str:
        return obj.contract.number

    @staticmethod
    def resolve_result(obj) -> int:
        return obj.result_id

    @staticmethod
    def resolve_result_number(obj) -> str:
        return obj.result.number

    @staticmethod
    def resolve_field_of_use(obj) -> str | None:
        return obj.field_of_use.code if obj.field_of_use_id else None

    @staticmethod
    def resolve_territory_label(obj) -> str:
        return str(licensing.territory_label(obj.territory))


class TermIn(Schema):
    kind: str
    label: str = ""
    due_on: dt.date | None = None
    amount: str | None = None
    royalty_rate: str | None = None


class TermOut(Schema):
    id: int
    kind: str
    label: str
    due_on: dt.date | None
    amount: str | None
    royalty_rate: str | None
    reached_on: dt.date | None

    @staticmethod
    def resolve_amount(obj) -> str | None:
        return _money(obj.amount)

    @staticmethod
    def resolve_royalty_rate(obj) -> str | None:
        return None if obj.royalty_rate is None else str(obj.royalty_rate)


class ReachIn(Schema):
    reached_on: dt.date


class ContractIn(Schema):
    number: str
    title: str
    contract_type: str
    pricing_method: str = ""
    exclusivity: str = ""
    amount: str = "0.00"
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    manager: int | None = None
    note: str = ""
    parties: list[PartyIn] = []
    results: list[int] = []
    filings: list[int] = []
    match_case: int | None = None
    #: The institution's slug; needed only by staff of several institutions.
    institution: str | None = None


class ContractPatch(Schema):
    number: str | None = None
    title: str | None = None
    contract_type: str | None = None
    pricing_method: str | None = None
    exclusivity: str | None = None
    amount: str | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    manager: int | None = None
    note: str | None = None
    parties: list[PartyIn] | None = None
    results: list[int] | None = None
    filings: list[int] | None = None


class ContractOut(Schema):
    id: int
    institution: str
    number: str
    title: str
    contract_type: str
    status: str
    pricing_method: str
    exclusivity: str
    amount: str
    announcement_start: dt.date | None
    announcement_days: int | None
    announcement_end: dt.date | None
    signed_on: dt.date | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    registration_number: str
    registered_on: dt.date | None
    approved_tech_income: str | None
    manager: int | None
    match_case: int | None
    terminated_on: dt.date | None
    parties: list[PartyOut]
    results: list[int]
    filings: list[int]
    grants: list[GrantOut]
    terms: list[TermOut]

    @staticmethod
    def resolve_institution(obj) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_amount(obj) -> str:
        return _money(obj.amount)

    @staticmethod
    def resolve_approved_tech_income(obj) -> str | None:
        return _money(obj.approved_tech_income)

    @staticmethod
    def resolve_manager(obj) -> int | None:
        return obj.manager_id

    @staticmethod
    def resolve_match_case(obj) -> int | None:
        return obj.match_case_id

    @staticmethod
    def resolve_parties(obj) -> list:
        return list(obj.parties.all())

    @staticmethod
    def resolve_results(obj) -> list[int]:
        return [r.pk for r in obj.results.all()]

    @staticmethod
    def resolve_filings(obj) -> list[int]:
        return [f.pk for f in obj.filings.all()]

    @staticmethod
    def resolve_grants(obj) -> list:
        return list(obj.grants.select_related("contract", "result", "field_of_use"))

    @staticmethod
    def resolve_terms(obj) -> list:
        return list(obj.terms.all())


class AnnounceIn(Schema):
    start: dt.date
    days: int | None = None
    url: str = ""


class SignIn(Schema):
    signed_on: dt.date
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


class RegisterIn(Schema):
    registration_number: str
    registered_on: dt.date
    approved_tech_income: str


class TerminateIn(Schema):
    terminated_on: dt.date | None = None
    reason: str


class CheckIn(Schema):
    field_of_use: str | None = None
    territory: str
    starts_on: dt.date
    ends_on: dt.date


class ConflictOut(Schema):
    contract: int
    contract_number: str
    contract_title: str
    exclusivity: str
    field_of_use: str | None
    territory: str
    starts_on: dt.date
    ends_on: dt.date


class CheckOut(Schema):
    free: bool  # free for an exclusive (or sole) licence
    free_non_exclusive: bool
    conflicts: list[ConflictOut]


class AvailabilityOut(Schema):
    result: int
    on: dt.date
    taken: list[GrantOut]
    shared: list[GrantOut]


class PaymentIn(Schema):
    received_on: dt.date
    amount: str
    term: int | None = None
    reference: str = ""
    note: str = ""


class PaymentOut(Schema):
    id: int
    contract: int
    term: int | None
    received_on: dt.date
    amount: str
    reference: str
    note: str

    @staticmethod
    def resolve_contract(obj) -> int:
        return obj.contract_id

    @staticmethod
    def resolve_term(obj) -> int | None:
        return obj.term_id

    @staticmethod
    def resolve_amount(obj) -> str:
        return _money(obj.amount)


class RoyaltyIn(Schema):
    term: int
    period_start: dt.date
    period_end: dt.date
    sales: str
    due_on: dt.date
    reported_on: dt.date | None = None
    note: str = ""


class RoyaltyOut(Schema):
    id: int
    contract: int
    term: int
    period_start: dt.date
    period_end: dt.date
    sales: str
    royalty: str
    due_on: dt.date
    reported_on: dt.date

    @staticmethod
    def resolve_contract(obj) -> int:
        return obj.contract_id

    @staticmethod
    def resolve_term(obj) -> int:
        return obj.term_id

    @staticmethod
    def resolve_sales(obj) -> str:
        return _money(obj.sales)

    @staticmethod
    def resolve_royalty(obj) -> str:
        return _money(obj.royalty)


class ItemOut(Schema):
    kind: str
    label: str
    due_on: dt.date | None
    amount: str | None
    paid: str
    outstanding: str
    state: str


class ReceivableOut(Schema):
    contract: int
    contract_number: str
    contract_title: str
    due: str
    received: str
    outstanding: str
    overdue: str
    items: list[ItemOut]
