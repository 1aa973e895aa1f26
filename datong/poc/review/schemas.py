import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class PoolMemberOut(Schema):
    id: int
    user_id: int
    username: str
    name: str
    kind: str
    affiliation: str
    expertise: str
    is_active: bool

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.user.username

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.user.get_full_name()


class PoolMemberIn(Schema):
    user_id: int | None = None
    username: str = ""
    kind: str
    affiliation: str = ""
    expertise: str = ""


class ConflictIn(Schema):
    reviewer_id: int | None = Field(None, description="Default: the caller")
    application_id: int | None = None
    institution: str = Field("", description="Short code of the institution")
    reason: str


class ConflictOut(Schema):
    id: int
    reviewer_id: int
    application_id: int | None
    institution_id: int | None
    reason: str
    created_at: dt.datetime


class AssignmentOut(Schema):
    id: int
    application_id: int
    application_title: str
    reviewer_id: int
    reviewer_name: str
    status: str
    submitted_at: dt.datetime | None

    @staticmethod
    def resolve_application_title(obj) -> str:
        return obj.application.title

    @staticmethod
    def resolve_reviewer_name(obj) -> str:
        return obj.reviewer.get_full_name()


class AssignIn(Schema):
    application_id: int
    reviewer_id: int


class AutoAssignIn(Schema):
    per_application: int = 3


class UncoveredOut(Schema):
    application_id: int
    title: str
    missing: int
    eligible: int
    conflicted: int


class AutoAssignOut(Schema):
    created: list[AssignmentOut]
    uncovered: list[UncoveredOut]


class ScoreOut(Schema):
    criterion_id: int
    criterion: str
    weight: Decimal
    max_score: int
    score: Decimal | None
    comment: str


class TeamMemberOut(Schema):
    name: str
    role: str
    affiliation: str


class RequestOut(Schema):
    funding_line: str
    amount: Decimal


class MyReviewOut(Schema):
    """An assignment as its reviewer sees it: with blind review, no applicant, team names,
    institution or department (they are null)."""

    id: int
    status: str
    programme: str
    call: str
    review_by: dt.date | None
    blind: bool
    title: str
    stage: str
    applicant: str | None
    institution: str | None
    department: str | None


class MyReviewDetailOut(MyReviewOut):
    summary: str
    academic_route: str
    market_route: str
    trl_now: int | None
    trl_target: int | None
    team_roles: list[str]
    team: list[TeamMemberOut] | None
    requests: list[RequestOut]
    scores: list[ScoreOut]
    overall_comment: str
    submitted_at: dt.datetime | None


class ScoreIn(Schema):
    criterion_id: int
    score: Decimal | None = None
    comment: str = ""


class ScoresIn(Schema):
    scores: list[ScoreIn]
    overall_comment: str = ""
    submit: bool = False


class DeclineIn(Schema):
    reason: str


class ReviewScoreOut(Schema):
    reviewer: str
    raw: float
    z: float


class RankOut(Schema):
    rank: int | None
    application_id: int
    number: str
    title: str
    applicant: str
    status: str
    raw: float | None = Field(description="Mean weighted total, 0–100")
    normalised: float | None = Field(description="Mean of the reviewers' z-scores")
    reviews: list[ReviewScoreOut]
    requested: Decimal


class LineOut(Schema):
    funding_line_id: int
    name: str
    selected: Decimal
    cap_left: Decimal | None


class ChangeOut(Schema):
    application_id: int
    action: str
    reason: str
    actor: str
    at: dt.datetime


class DecisionOut(Schema):
    status: str | None
    proposal: list[int] = Field(description="Application ids the optimiser chose")
    selected: list[int] = Field(description="The list after the committee's changes")
    objective: float | None
    budget: Decimal
    total: Decimal
    lines: list[LineOut]
    overruns: list[str]
    changes: list[ChangeOut]
    published_on: dt.date | None
    finalised_at: dt.datetime | None


class ChangeIn(Schema):
    application_id: int
    action: str = Field(description="add or remove")
    reason: str


class PublishIn(Schema):
    reserve_count: int = 0


class PromoteIn(Schema):
    application_id: int
    reason: str


class FinaliseOut(Schema):
    awarded: list[int]
    objected: list[int]
    on_notice: list[int]
