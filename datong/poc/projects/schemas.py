"""API shapes of funded projects and verification resources (amounts in yuan)."""

import datetime as dt
from decimal import Decimal

from ninja import Schema


class FundingOut(Schema):
    line: str
    name: str
    awarded: Decimal
    released: Decimal
    spent: Decimal
    rejected: Decimal
    available: Decimal
    remaining: Decimal


class ProjectOut(Schema):
    id: int
    number: str
    title: str
    application_id: int
    programme: str
    institution: str
    stage: str
    state: str
    agreement_number: str
    agreement_signed_on: dt.date
    starts_on: dt.date
    planned_end: dt.date
    ends_on: dt.date
    trl_before: int | None
    trl_now: int | None
    mentor: str | None
    mentor_kind: str
    closed_on: dt.date | None

    @staticmethod
    def resolve_programme(obj) -> str:
        return obj.programme.code

    @staticmethod
    def resolve_institution(obj) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_mentor(obj) -> str | None:
        return obj.mentor.get_full_name() if obj.mentor_id else None


class ProjectDetailOut(ProjectOut):
    funding: list[FundingOut]

    @staticmethod
    def resolve_funding(obj) -> list[dict]:
        from .ledger import LINE_AMOUNTS, project_ledger

        return [
            {"line": row.line.code, "name": row.name}
            | {name: getattr(row, name) for name in LINE_AMOUNTS}
            for row in project_ledger(obj).lines
        ]


class ProjectStartIn(Schema):
    application: int
    starts_on: dt.date
    ends_on: dt.date
    agreement_number: str = ""
    agreement_signed_on: dt.date | None = None
    #: Omit both to use the proposed plan (the award shared by the milestones' budgets).
    tranches: list[dict] | None = None
    advances: dict[int, Decimal] | None = None


class MilestoneOut(Schema):
    id: int
    position: int
    title: str
    deliverable: str
    due_on: dt.date
    funding_line: str | None
    tranche: Decimal
    status: str
    accepted_on: dt.date | None

    @staticmethod
    def resolve_funding_line(obj) -> str | None:
        return obj.funding_line.code if obj.funding_line_id else None


class MilestoneReportIn(Schema):
    evidence: str


class MilestoneDecisionIn(Schema):
    accept: bool
    note: str = ""
    released_on: dt.date | None = None


class TrancheOut(Schema):
    id: int
    funding_line: str
    kind: str
    milestone_id: int | None
    amount: Decimal
    released_on: dt.date

    @staticmethod
    def resolve_funding_line(obj) -> str:
        return obj.funding_line.code


class ExpenseIn(Schema):
    funding_line: str
    cost_type: str
    spent_on: dt.date
    amount: Decimal
    payee: str
    description: str = ""
    invoice_number: str = ""


class ExpenseOut(Schema):
    id: int
    funding_line: str
    cost_type: str
    spent_on: dt.date
    amount: Decimal
    payee: str
    description: str
    invoice_number: str
    status: str
    rejection_reason: str

    @staticmethod
    def resolve_funding_line(obj) -> str:
        return obj.funding_line.code


class ReasonIn(Schema):
    reason: str


class ReportIn(Schema):
    kind: str
    period_start: dt.date
    period_end: dt.date
    narrative: str


class ReportOut(Schema):
    id: int
    kind: str
    period_start: dt.date
    period_end: dt.date
    snapshot: dict
    narrative: str
    status: str
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    office_note: str


class DecisionIn(Schema):
    accept: bool
    note: str = ""


class GateIn(Schema):
    held_on: dt.date
    kind: str
    decision: str
    reasons: str
    trl_assessed: int | None = None
    stage_after: str = ""


class GateOut(Schema):
    id: int
    held_on: dt.date
    kind: str
    decision: str
    reasons: str
    trl_assessed: int | None
    stage_after: str


class ExtensionIn(Schema):
    new_end: dt.date
    reason: str


class ExtensionOut(Schema):
    id: int
    previous_end: dt.date
    new_end: dt.date
    reason: str
    status: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    note: str


class TerminationIn(Schema):
    reason: str
    decided_on: dt.date | None = None


class TerminationOut(Schema):
    decided_on: dt.date
    reason: str
    gate_id: int | None
    released: Decimal
    spent: Decimal
    ineligible: Decimal
    unspent: Decimal
    payback: Decimal
    breakdown: list[dict]


class OutcomeIn(Schema):
    technical_route: str = ""
    ip_families: list[int] = []
    patent_notes: str = ""
    business_model: str = ""
    trl_after: int | None = None
    licence: str = ""
    licence_contract: str = ""
    company_name: str = ""
    company_note: str = ""
    landing_base: str = ""
    landing_province: str = ""


class OutcomeOut(Schema):
    technical_route: str
    ip_families: list[int]
    patent_notes: str
    business_model: str
    trl_after: int | None
    licence: str
    licence_contract: str
    company_name: str
    company_note: str
    landing_base: str
    landing_province: str

    @staticmethod
    def resolve_ip_families(obj) -> list[int]:
        return sorted(obj.ip_families.values_list("pk", flat=True))


class ResourceOut(Schema):
    id: int
    name: str
    kind: str
    institution: str
    region: str
    city: str
    capabilities: str
    price_terms: str
    booking_terms: str
    certifications: str
    contact: str
    is_public: bool

    @staticmethod
    def resolve_institution(obj) -> str:
        return obj.institution.display_name


class ResourceMatchOut(Schema):
    resource: ResourceOut
    score: float
    reasons: list[str]


class MatchesOut(Schema):
    need_id: int
    index_used: bool
    matches: list[ResourceMatchOut]
