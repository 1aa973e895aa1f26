import datetime as dt
from decimal import Decimal

from ninja import Schema


class ClassificationOut(Schema):
    scheme: str
    code: str
    name: str
    name_en: str
    parent: str | None = None

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


class InventorOut(Schema):
    id: int
    user_id: int | None
    name: str
    institution_name: str
    share: Decimal
    paid_here: bool
    is_main: bool
    confirmed: bool = False

    @staticmethod
    def resolve_confirmed(obj) -> bool:
        return getattr(obj, "confirmed_at", None) is not None or not hasattr(obj, "confirmed_at")


class InventorIn(Schema):
    user: int | None = None
    name: str = ""
    institution_name: str = ""
    share: Decimal
    paid_here: bool | None = None
    is_main: bool = False


class DisclosureOut(Schema):
    id: int
    number: str
    institution: str
    title: str
    title_en: str
    status: str
    created_by: int
    manager: int | None
    decision: str
    result: int | None
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    updated_at: dt.datetime

    @staticmethod
    def resolve_institution(obj) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_created_by(obj) -> int:
        return obj.created_by_id

    @staticmethod
    def resolve_manager(obj) -> int | None:
        return obj.manager_id

    @staticmethod
    def resolve_result(obj) -> int | None:
        return obj.result_id


class DisclosureDetailOut(DisclosureOut):
    abstract: str
    problem: str
    advantages: str
    applications: str
    department: int | None
    industry: str | None
    sei: str | None
    keywords: list[str]
    trl: int | None
    intended_protection: list[str]
    funding: list[dict]
    prior_disclosures: list[dict]
    protection_type: str
    decision_note: str
    inventors: list[InventorOut]

    @staticmethod
    def resolve_department(obj) -> int | None:
        return obj.department_id

    @staticmethod
    def resolve_industry(obj) -> str | None:
        return obj.industry.code if obj.industry_id else None

    @staticmethod
    def resolve_sei(obj) -> str | None:
        return obj.sei.code if obj.sei_id else None

    @staticmethod
    def resolve_inventors(obj) -> list:
        return list(obj.inventors.all())


class DisclosureIn(Schema):
    title: str | None = None
    title_en: str | None = None
    abstract: str | None = None
    problem: str | None = None
    advantages: str | None = None
    applications: str | None = None
    department: int | None = None
    industry: str | None = None
    sei: str | None = None
    keywords: list[str] | None = None
    trl: int | None = None
    intended_protection: list[str] | None = None
    funding: list[dict] | None = None
    prior_disclosures: list[dict] | None = None


class DisclosureCreate(DisclosureIn):
    institution: str
    title: str


class CommentIn(Schema):
    body: str
    for_inventors: bool = True


class CommentOut(Schema):
    id: int
    author: str
    body: str
    for_inventors: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_author(obj) -> str:
        return obj.author.get_full_name()


class AssignIn(Schema):
    manager: int


class ScoreIn(Schema):
    score: int
    comment: str = ""


class ScoresIn(Schema):
    #: criterion code (novelty, market, ip_position, team) → score 1–5 and a comment
    scores: dict[str, ScoreIn]


class ReportIn(Schema):
    conclusion: str
    summary: str
    report_date: dt.date
    provider_name: str = ""


class ReportOut(Schema):
    id: int
    conclusion: str
    summary: str
    report_date: dt.date
    provider_name: str


class ReturnIn(Schema):
    message: str


class DecideIn(Schema):
    decision: str
    protection_type: str = ""
    merge_into: int | None = None
    note: str = ""


class SimilarOut(Schema):
    result_id: int
    number: str
    title: str
    score: float


class SimilarListOut(Schema):
    matches: list[SimilarOut]
    alliance_count: int


class ResultOut(Schema):
    id: int
    number: str
    institution: str
    title: str
    title_en: str
    status: str
    trl: int | None
    industry: str | None
    ip_types: list[str]
    keywords: list[str]
    completeness: int
    created_at: dt.datetime

    @staticmethod
    def resolve_institution(obj) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_industry(obj) -> str | None:
        return obj.industry.code if obj.industry_id else None


class ResultDetailOut(ResultOut):
    abstract: str
    department: int | None
    sei: str | None
    source: str
    merged_into: int | None
    inventors: list[InventorOut]

    @staticmethod
    def resolve_department(obj) -> int | None:
        return obj.department_id

    @staticmethod
    def resolve_sei(obj) -> str | None:
        return obj.sei.code if obj.sei_id else None

    @staticmethod
    def resolve_merged_into(obj) -> int | None:
        return obj.merged_into_id

    @staticmethod
    def resolve_inventors(obj) -> list:
        return list(obj.inventors.all())


class ResultIn(Schema):
    title: str | None = None
    title_en: str | None = None
    abstract: str | None = None
    department: int | None = None
    industry: str | None = None
    sei: str | None = None
    keywords: list[str] | None = None
    trl: int | None = None
    ip_types: list[str] | None = None


class MergeIn(Schema):
    target: int


class EventOut(Schema):
    at: dt.datetime
    kind: str
    label: str
    summary: str
    actor: str | None

    @staticmethod
    def resolve_label(obj) -> str:
        from .timeline import kind_label

        return kind_label(obj.kind)

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.get_full_name() if obj.actor_id else None
