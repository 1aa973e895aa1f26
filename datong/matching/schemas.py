# No "from __future__ import annotations": django-ninja reads the annotations at import time.
from ninja import Schema


class SearchRowOut(Schema):
    kind: str
    id: int
    title: str
    institution: str
    snippet: str
    key_terms: list[str]
    score: float | None
    url: str


class MatchOut(Schema):
    rank: int
    kind: str
    id: int
    title: str
    institution: str
    url: str
    score: float
    text_score: float
    semantic: float | None
    key_terms: list[str]
    features: dict
    reasons: list[str]
    via_demand: int | None = None


class FeedbackIn(Schema):
    source_kind: str
    source_id: int
    target_kind: str
    target_id: int
    useful: bool
    rank: int | None = None
    score: float | None = None


class FeedbackOut(Schema):
    id: int
    source_kind: str
    source_id: int
    target_kind: str
    target_id: int
    useful: bool
    rank: int | None
    score: float | None
