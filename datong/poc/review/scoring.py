"""Review scores to a ranking, pure (no database): the weighted total of one review on a 0–100
scale, each reviewer's z-scores, an application's normalised score and the ranking.

* Weighted total: ``100 × Σ weight × score / highest score ÷ Σ weight`` over the rubric's
  criteria (a missing score counts as 0; a submitted review has every score).
* z-score: per reviewer, over every review they submitted in the call,
  ``(total − their mean) / their standard deviation`` (population standard deviation). A reviewer
  with a single review, or who gave every application the same total, has no spread to
  normalise by: their z-scores are 0 (they neither lift nor sink anyone).
* Normalised score of an application: the mean of its reviewers' z-scores. The raw score is the
  mean of its weighted totals; the ranking orders by normalised score, then raw score.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Rubric:
    #: (criterion id, weight, highest score) of each criterion.
    criteria: tuple[tuple[int, Decimal, int], ...]

    def total(self, scores: Mapping[int, Decimal]) -> float:
        weights = sum((w for _id, w, _top in self.criteria), Decimal(0))
        if not weights:
            return 0.0
        points = sum(
            (w * Decimal(scores.get(cid, 0)) / top for cid, w, top in self.criteria if top),
            Decimal(0),
        )
        return float(100 * points / weights)


@dataclass(frozen=True)
class Review:
    reviewer: int
    application: int
    total: float


@dataclass
class RankedApplication:
    application: int
    #: Each review's (reviewer id, weighted total, z-score).
    reviews: list[tuple[int, float, float]] = field(default_factory=list)
    rank: int | None = None

    @property
    def raw(self) -> float | None:
        return _mean([total for _r, total, _z in self.reviews])

    @property
    def normalised(self) -> float | None:
        return _mean([z for _r, _total, z in self.reviews])


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def z_scores(reviews: Iterable[Review]) -> dict[tuple[int, int], float]:
    """``(reviewer, application) → z`` for every review."""
    by_reviewer: dict[int, list[Review]] = defaultdict(list)
    for review in reviews:
        by_reviewer[review.reviewer].append(review)
    result = {}
    for reviewer, own in by_reviewer.items():
        mean = sum(r.total for r in own) / len(own)
        spread = math.sqrt(sum((r.total - mean) ** 2 for r in own) / len(own))
        for r in own:
            z = 0.0 if len(own) < 2 or spread < 1e-9 else (r.total - mean) / spread
            result[(reviewer, r.application)] = z
    return result


def rank(application_ids: Iterable[int], reviews: Sequence[Review]) -> list[RankedApplication]:
    """Every application of ``application_ids``, ranked: reviewed ones by normalised then raw
    score (then id), the ones without a submitted review after them, unranked. The z-scores
    use every review given, also of applications not in ``application_ids``."""
    zs = z_scores(reviews)  # over every review, including those of applications not ranked
    rows = {pk: RankedApplication(pk) for pk in application_ids}
    for review in reviews:
        if review.application in rows:
            z = zs[(review.reviewer, review.application)]
            rows[review.application].reviews.append((review.reviewer, review.total, z))
    scored = sorted(
        (row for row in rows.values() if row.reviews),
        key=lambda row: (-round(row.normalised, 12), -round(row.raw, 12), row.application),
    )
    for position, row in enumerate(scored, start=1):
        row.rank = position
    unscored = sorted(
        (row for row in rows.values() if not row.reviews), key=lambda r: r.application
    )
    return scored + unscored
