"""The optimiser against brute force on small random cases, and its timing on a large one."""

from __future__ import annotations

import itertools
import random
import time
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from datong.poc.review.selection import (
    Candidate,
    branch_and_bound,
    capacity_units,
    request_units,
    select,
    shift_for,
)

LINES = ("rd", "pre")


def brute_force(candidates, budget, caps):
    """The best objective over every subset that fits (shifted scores, as ``select``)."""
    shift = shift_for([c.score for c in candidates])
    best = 0.0
    for size in range(len(candidates) + 1):
        for subset in itertools.combinations(candidates, size):
            if feasible(subset, budget, caps):
                best = max(best, sum(c.score + shift for c in subset))
    return best


def feasible(chosen, budget, caps) -> bool:
    if sum(c.total for c in chosen) > budget:
        return False
    return all(
        cap is None or sum(c.requests.get(code, 0) for c in chosen) <= cap
        for code, cap in caps.items()
    )


candidate = st.builds(
    lambda i, score, rd, pre: Candidate(i, score, {"rd": rd, "pre": pre}),
    st.integers(0, 10**6),
    st.one_of(
        st.floats(-3, 3, allow_nan=False, allow_infinity=False),
        st.sampled_from([-1.0, 0.0, 0.5, 1.0]),  # ties
    ),
    st.integers(0, 25),
    st.integers(0, 25),
)
cap = st.one_of(st.none(), st.integers(0, 80))


@settings(max_examples=300, deadline=None)
@given(
    candidates=st.lists(candidate, max_size=12, unique_by=lambda c: c.id),
    budget=st.integers(0, 150),
    rd_cap=cap,
    pre_cap=cap,
    max_cells=st.sampled_from([2048, 5]),
)
def test_select_matches_brute_force(candidates, budget, rd_cap, pre_cap, max_cells):
    caps = {"rd": rd_cap, "pre": pre_cap}
    result = select(candidates, budget=budget, caps=caps, max_cells=max_cells)
    by_id = {c.id: c for c in candidates}
    chosen = [by_id[i] for i in result.ids]
    assert feasible(chosen, budget, caps)
    shift = shift_for([c.score for c in candidates])
    assert abs(result.objective - sum(c.score + shift for c in chosen)) < 1e-9
    assert abs(result.objective - brute_force(candidates, budget, caps)) < 1e-9
    assert result.spent == sum(c.total for c in chosen)


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.floats(0.5, 5), min_size=1, max_size=12),
    data=st.data(),
    max_cells=st.sampled_from([2048, 3]),
)
def test_branch_and_bound_matches_brute_force(values, data, max_cells):
    """The search with several limits directly (``select`` may not need it)."""
    n = len(values)
    limits = data.draw(st.integers(2, 3))
    weights = [
        data.draw(st.lists(st.integers(0, 20), min_size=n, max_size=n)) for _ in range(limits)
    ]
    capacities = [data.draw(st.integers(0, 60)) for _ in range(limits)]
    chosen = branch_and_bound(values, weights, capacities, max_cells=max_cells)
    assert all(sum(w[i] for i in chosen) <= c for w, c in zip(weights, capacities, strict=True))
    best = max(
        sum(values[i] for i in subset)
        for size in range(n + 1)
        for subset in itertools.combinations(range(n), size)
        if all(sum(w[i] for i in subset) <= c for w, c in zip(weights, capacities, strict=True))
    )
    assert abs(sum(values[i] for i in chosen) - best) < 1e-9


def test_shift_makes_every_score_positive():
    candidates = [Candidate(1, -2.5, {"rd": 10}), Candidate(2, 0.5, {"rd": 10})]
    result = select(candidates, budget=20, caps={})
    assert result.shift == 3.5
    assert result.ids == (1, 2)  # both fit: a below-average project still adds to the objective
    assert result.objective == 1.0 + 4.0


def test_units_round_requests_up_and_capacities_down():
    assert request_units(Decimal("1500000.00")) == (1500, False)
    assert request_units(Decimal("1500000.01")) == (1501, True)
    assert request_units(Decimal("999")) == (1, True)
    assert capacity_units(Decimal("30000999.99")) == 30000
    assert capacity_units(Decimal("-5")) == 0


def _large_case(seed: int, n: int = 300):
    rng = random.Random(seed)
    return [
        Candidate(
            i, rng.gauss(0, 1), {"rd": rng.randrange(300, 1501), "pre": rng.randrange(0, 1001)}
        )
        for i in range(n)
    ]


def test_three_hundred_applications_and_thirty_million_in_well_under_a_second():
    """300 applications asking 0.3–1.5 million (early R&D) plus up to 1 million
    (pre-incubation) each, a 30-million budget and binding caps on both lines."""
    for caps in ({}, {"rd": 18000, "pre": 12000}, {"rd": 15000, "pre": 9000}):
        candidates = _large_case(7)
        started = time.perf_counter()
        result = select(candidates, budget=30000, caps=caps)
        elapsed = time.perf_counter() - started
        assert elapsed < 1.0, elapsed
        assert result.spent <= 30000
        assert all(result.per_line[code] <= limit for code, limit in caps.items())
