# No ``from __future__ import annotations`` here: django-ninja reads the annotations at runtime.
"""Portfolio analytics, value scores and candidate lists over the API (token or session)."""

from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from . import portfolio, scoring
from .selectors import family_get

router = Router(tags=["ip"])


class NamedCount(Schema):
    name: str
    value: int


class Annuities(Schema):
    years: list[str]
    renewals: list[float]
    estimate: list[float]
    total: float
    source: str


class Charts(Schema):
    ipc: list[NamedCount]
    industry: list[NamedCount]
    age: list[NamedCount]
    status: list[NamedCount]
    score: list[NamedCount]
    annuities: Annuities


class Totals(Schema):
    families: int
    in_force: int
    pending: int
    ended: int
    high_value: int
    fees_5y: float
    market: int
    lapse: int


class AnalyticsOut(Schema):
    institution: str
    purpose: str
    totals: Totals
    charts: Charts


class CandidateOut(Schema):
    id: int
    reference: str
    title: str
    application_number: str
    legal_status: str
    filing_date: str | None
    score: float
    fees_5y: float
    transactions: int
    high_value: bool


class IndicatorOut(Schema):
    name: str
    label: str
    group: str
    value: float | int | bool | str | None
    value_text: str
    normalised: float
    weight: float
    effective_weight: float
    contribution: float
    rule: str


class MissingOut(Schema):
    name: str
    label: str
    group: str
    weight: float
    reason: str


class GroupOut(Schema):
    name: str
    label: str
    weight: float
    score: float | None


class HighValueOut(Schema):
    flag: bool
    eligible: bool
    in_force: bool
    reasons: list[str]
    not_assessed: list[str]


class ScoreOut(Schema):
    family: int
    purpose: str
    purpose_label: str
    total: float
    groups: list[GroupOut]
    indicators: list[IndicatorOut]
    missing: list[MissingOut]
    high_value: HighValueOut


def _families(request, institution: str):
    chosen = portfolio.choose_institution(request.user, institution)
    if chosen is None:
        return None, None
    return chosen, portfolio.portfolio_families(actor=request.user, institution=chosen)


@router.get(
    "/ip/portfolio/analytics",
    response=AnalyticsOut,
    summary="Portfolio distributions, totals and the annuity burden of the next five years",
)
def portfolio_analytics(request: HttpRequest, institution: str = "", purpose: str = "licensing"):
    chosen, families = _families(request, institution)
    if chosen is None:
        raise Http404
    data = portfolio.analytics(families, purpose=purpose)
    return {
        "institution": chosen.slug,
        "purpose": data["purpose"],
        "totals": data["totals"],
        "charts": data["charts"],
    }


@router.get(
    "/ip/families/{family_id}/score",
    response=ScoreOut,
    summary="A family's value score with every indicator, weight and contribution",
)
def family_score(request: HttpRequest, family_id: int, purpose: str = "licensing"):
    family = family_get(actor=request.user, pk=family_id)
    return scoring.explain(family, purpose)


@router.get(
    "/ip/portfolio/candidates",
    response=list[CandidateOut],
    summary="Families to offer for licence (market) or to let lapse (lapse)",
)
def portfolio_candidates(
    request: HttpRequest,
    kind: Literal["market", "lapse"] = "market",
    institution: str = "",
    limit: int = 200,
):
    chosen, families = _families(request, institution)
    if chosen is None:
        return []
    items = portfolio.candidates(families, kind)
    return [c.as_dict() for c in items[: max(0, min(limit, 5000))]]
