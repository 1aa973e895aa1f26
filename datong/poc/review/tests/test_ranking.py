"""Weighted totals, z-scores per reviewer and the ranking, on a hand-computed example."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from datong.poc.review.ranking import call_ranking
from datong.poc.review.scoring import Review, Rubric, rank, z_scores

from .conftest import make_application, submit

RUBRIC = Rubric(((1, Decimal("40"), 10), (2, Decimal("30"), 10), (3, Decimal("30"), 5)))


def test_weighted_total_is_on_a_hundred_point_scale():
    assert RUBRIC.total({1: Decimal(10), 2: Decimal(10), 3: Decimal(5)}) == 100
    # 40 × 10/10 + 30 × 0/10 + 30 × 2.5/5 = 55
    assert RUBRIC.total({1: Decimal(10), 2: Decimal(0), 3: Decimal("2.5")}) == 55
    # Weights need not add up to 100.
    assert Rubric(((1, Decimal(1), 10), (2, Decimal(3), 10))).total({1: 10, 2: 0}) == 25


def test_z_scores_by_hand():
    """Reviewer 1 gives 80, 60, 70: mean 70, population deviation √(200/3) = 8.165, so
    z = +1.2247, −1.2247, 0. Reviewer 2 (harsher) gives 50, 30: mean 40, deviation 10,
    z = +1, −1. Reviewer 3 reviewed once: z = 0. Reviewer 4 gave 70 twice: no spread, z = 0."""
    reviews = [
        Review(1, 101, 80),
        Review(1, 102, 60),
        Review(1, 103, 70),
        Review(2, 101, 50),
        Review(2, 102, 30),
        Review(3, 103, 90),
        Review(4, 101, 70),
        Review(4, 103, 70),
    ]
    z = z_scores(reviews)
    assert z[(1, 101)] == pytest.approx(10 / math.sqrt(200 / 3))
    assert z[(1, 101)] == pytest.approx(1.224745, abs=1e-6)
    assert z[(1, 102)] == pytest.approx(-1.224745, abs=1e-6)
    assert z[(1, 103)] == 0
    assert (z[(2, 101)], z[(2, 102)]) == (1, -1)
    assert z[(3, 103)] == 0
    assert z[(4, 101)] == z[(4, 103)] == 0
    rows = rank([101, 102, 103, 104], reviews)
    by_id = {row.application: row for row in rows}
    # 101: (1.2247 + 1 + 0) / 3; raw (80 + 50 + 70) / 3
    assert by_id[101].normalised == pytest.approx((1.224745 + 1) / 3, abs=1e-6)
    assert by_id[101].raw == pytest.approx(200 / 3)
    # 103 has the highest raw mean (76.7) but its reviewers were lenient: second.
    assert by_id[103].raw == pytest.approx(230 / 3)
    assert by_id[103].normalised == 0
    assert [row.application for row in rows] == [101, 103, 102, 104]
    assert [row.rank for row in rows] == [1, 2, 3, None]


def test_ties_on_normalised_score_go_by_raw_score():
    reviews = [Review(1, 1, 60), Review(2, 2, 80)]  # one review each: both z = 0
    assert [row.application for row in rank([1, 2], reviews)] == [2, 1]


def test_call_ranking_from_submitted_reviews(rw):
    second = make_application(rw, "第二项")
    submit(rw, rw["internal"], rw["app"], [8, 8, 8])  # 80
    submit(rw, rw["internal"], second, [6, 6, 6])  # 60
    submit(rw, rw["external"], rw["app"], [5, 5, 5])  # 50
    submit(rw, rw["external"], second, [3, 3, 3])  # 30
    rows = call_ranking(rw["call"])
    assert [row.application for row in rows] == [rw["app"].pk, second.pk]
    assert rows[0].raw == pytest.approx(65)
    assert rows[0].normalised == pytest.approx(1)
    assert rows[1].normalised == pytest.approx(-1)
