# No "from __future__ import annotations": django-ninja reads these annotations at runtime.
import datetime as dt
from decimal import Decimal

from ninja import Schema


class CostRuleOut(Schema):
    cost_type: str
    cap_share: Decimal | None
    cap_amount: Decimal | None


class FundingLineOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    per_project_cap: Decimal
    total_cap: Decimal | None
    cost_rules: list[CostRuleOut]

    @staticmethod
    def resolve_cost_rules(obj):
        return list(obj.cost_rules.all())


class CriterionOut(Schema):
    id: int
    name: str
    name_en: str
    description: str
    weight: Decimal
    max_score: int


class CallSummaryOut(Schema):
    id: int
    name: str
    name_en: str
    opens_on: dt.date
    closes_on: dt.date
    review_by: dt.date | None
    budget: Decimal
    status: str


class ProgrammeOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    owner: str
    owner_name: str
    alliance: str | None
    description: str
    partners: str
    total_budget: Decimal
    stages: list[str]
    min_trl: int | None
    max_trl: int | None
    industries: list[str]
    eligible_institutions: list[str]
    blind_review: bool
    objection_days: int
    starts_on: dt.date | None
    ends_on: dt.date | None
    is_active: bool
    funding_lines: list[FundingLineOut]
    criteria: list[CriterionOut]
    calls: list[CallSummaryOut]

    @staticmethod
    def resolve_owner(obj) -> str:
        return obj.owner.slug

    @staticmethod
    def resolve_owner_name(obj) -> str:
        return obj.owner.display_name

    @staticmethod
    def resolve_alliance(obj) -> str | None:
        return obj.alliance.slug if obj.alliance_id else None

    @staticmethod
    def resolve_eligible_institutions(obj) -> list[str]:
        return [i.slug for i in obj.eligible_institutions.all()]

    @staticmethod
    def resolve_funding_lines(obj):
        return list(obj.funding_lines.all())

    @staticmethod
    def resolve_criteria(obj):
        return list(obj.criteria.all())

    @staticmethod
    def resolve_calls(obj):
        return getattr(obj, "visible_calls", [])


class CostRuleIn(Schema):
    cost_type: str
    cap_share: Decimal | None = None
    cap_amount: Decimal | None = None


class FundingLineIn(Schema):
    code: str
    name: str
    name_en: str = ""
    per_project_cap: Decimal
    total_cap: Decimal | None = None
    cost_rules: list[CostRuleIn] = []


class CriterionIn(Schema):
    name: str
    name_en: str = ""
    description: str = ""
    weight: Decimal
    max_score: int = 10


class ProgrammeIn(Schema):
    """A programme with, optionally, its funding lines and rubric: all written or none."""

    owner: str
    kind: str
    alliance: str | None = None
    name: str
    name_en: str = ""
    code: str
    description: str = ""
    partners: str = ""
    total_budget: Decimal
    stages: list[str] = []
    min_trl: int | None = None
    max_trl: int | None = None
    industries: list[str] = []
    eligible_institutions: list[str] = []
    blind_review: bool = False
    objection_days: int = 5
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    is_active: bool = True
    funding_lines: list[FundingLineIn] = []
    criteria: list[CriterionIn] = []


class CallOut(CallSummaryOut):
    programme: str
    guidelines: str
    accepts_applications: bool

    @staticmethod
    def resolve_programme(obj) -> str:
        return obj.programme.code

    @staticmethod
    def resolve_accepts_applications(obj) -> bool:
        from django.utils import timezone

        return obj.accepts_on(timezone.localdate())


class RequestIn(Schema):
    funding_line: str
    amount: Decimal


class MilestoneIn(Schema):
    title: str
    deliverable: str = ""
    due_on: dt.date
    budget: Decimal
    funding_line: str | None = None


class NeedIn(Schema):
    kind: str
    description: str


class TeamMemberIn(Schema):
    name: str = ""
    user: str | None = None
    role: str
    affiliation: str = ""
    effort: int | None = None


class ApplicationIn(Schema):
    """A draft application: everything but the result may be left out and filled in later."""

    result: int
    title: str | None = None
    stage: str = ""
    summary: str = ""
    academic_route: str = ""
    market_route: str = ""
    trl_now: int | None = None
    trl_target: int | None = None
    requests: list[RequestIn] = []
    milestones: list[MilestoneIn] = []
    needs: list[NeedIn] = []
    team: list[TeamMemberIn] = []


class ApplicationPatch(Schema):
    """Only the fields sent change; a list sent replaces the whole list."""

    title: str | None = None
    stage: str | None = None
    summary: str | None = None
    academic_route: str | None = None
    market_route: str | None = None
    trl_now: int | None = None
    trl_target: int | None = None
    requests: list[RequestIn] | None = None
    milestones: list[MilestoneIn] | None = None
    needs: list[NeedIn] | None = None
    team: list[TeamMemberIn] | None = None


class RequestOut(Schema):
    funding_line: str
    amount: Decimal
    awarded: Decimal | None

    @staticmethod
    def resolve_funding_line(obj) -> str:
        return obj.funding_line.code


class MilestoneOut(Schema):
    title: str
    deliverable: str
    due_on: dt.date
    budget: Decimal
    funding_line: str | None

    @staticmethod
    def resolve_funding_line(obj) -> str | None:
        return obj.funding_line.code if obj.funding_line_id else None


class NeedOut(Schema):
    kind: str
    description: str


class TeamMemberOut(Schema):
    name: str
    user: str | None
    role: str
    affiliation: str
    effort: int | None

    @staticmethod
    def resolve_user(obj) -> str | None:
        return obj.user.username if obj.user_id else None


class ApplicationSummaryOut(Schema):
    id: int
    number: str
    call: int
    programme: str
    title: str
    stage: str
    status: str
    institution: str
    applicant: str
    result: int
    total_requested: Decimal | None
    submitted_at: dt.datetime | None

    @staticmethod
    def resolve_call(obj) -> int:
        return obj.call_id

    @staticmethod
    def resolve_programme(obj) -> str:
        return obj.call.programme.code

    @staticmethod
    def resolve_institution(obj) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_applicant(obj) -> str:
        return obj.applicant.get_full_name()

    @staticmethod
    def resolve_result(obj) -> int:
        return obj.result_id

    @staticmethod
    def resolve_total_requested(obj):
        total = getattr(obj, "total_requested", None)
        if total is None:
            total = sum((r.amount for r in obj.requests.all()), Decimal("0"))
        return total


class ApplicationOut(ApplicationSummaryOut):
    result_number: str
    result_title: str
    summary: str
    academic_route: str
    market_route: str
    trl_now: int | None
    trl_target: int | None
    correction_note: str
    notice_published_on: dt.date | None
    objection_until: dt.date | None
    decided_at: dt.datetime | None
    decision_note: str
    agreement_number: str
    agreement_signed_on: dt.date | None
    requests: list[RequestOut]
    milestones: list[MilestoneOut]
    needs: list[NeedOut]
    team: list[TeamMemberOut]

    @staticmethod
    def resolve_result_number(obj) -> str:
        return obj.result.number

    @staticmethod
    def resolve_result_title(obj) -> str:
        return obj.result.title

    @staticmethod
    def resolve_requests(obj):
        return list(obj.requests.select_related("funding_line"))

    @staticmethod
    def resolve_milestones(obj):
        return list(obj.planned_milestones.select_related("funding_line"))

    @staticmethod
    def resolve_needs(obj):
        return list(obj.verification_needs.all())

    @staticmethod
    def resolve_team(obj):
        return list(obj.team.select_related("user"))


class TransitionIn(Schema):
    to: str
    note: str = ""


class ObjectionIn(Schema):
    raised_by: str
    received_on: dt.date
    text: str


class ObjectionOut(Schema):
    id: int
    raised_by: str
    received_on: dt.date
    text: str
    resolution: str
    upheld: bool | None
    resolved_at: dt.datetime | None


class ResolveIn(Schema):
    resolution: str
    upheld: bool
    outcome: str = ""


class AgreementIn(Schema):
    number: str
    signed_on: dt.date
