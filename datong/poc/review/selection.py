"""Which applications to fund: the subset with the highest total normalised score that fits the
call's budget and the remaining caps of its funding lines. Pure Python and numpy, no Django.

The problem is a 0/1 knapsack with one constraint per limit (the budget, and each funding line
that has a cap). Money is counted in whole units of :data:`UNIT` yuan (1 000 yuan): requests are
rounded *up* to the next unit and capacities *down*, so a selection that fits in units fits in
yuan (see :func:`request_units`).

Scores are shifted first so that every one is at least 1 (``score - min + 1``): with a positive
value per project, adding a project that fits never lowers the objective, and a normalised score
below the mean (a negative z-score) still counts for something instead of being avoided.

How it is solved exactly:

1. Limits that all the candidates together stay within are dropped (they cannot bind), and so are
   candidates that alone exceed a limit.
2. With one limit left, a dynamic programme over the capacity (in units, divided by the greatest
   common divisor of the amounts) gives the optimum: O(n × capacity), vectorised with numpy.
3. With several limits, the dynamic programme of each limit alone is a relaxation. If one of their
   optima also respects the other limits, it is the answer. Otherwise a depth-first branch and
   bound explores the candidates, best value per money first; a branch is cut when its value plus
   the smallest of the single-limit bounds of what is left (dynamic programmes over the suffixes,
   on a grid of at most ``max_cells`` cells per limit, amounts rounded down, capacities rounded
   down: still a valid upper bound) cannot beat the best selection found.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import reduce

import numpy as np

#: Yuan per unit of money in the optimisation.
UNIT = 1000
#: Two objectives closer than this are equal.
EPSILON = 1e-9


def request_units(amount: Decimal | int) -> tuple[int, bool]:
    """A requested amount in units, rounded up; and whether it had to be rounded."""
    units = (Decimal(amount) / UNIT).to_integral_value(rounding=ROUND_CEILING)
    return int(units), units * UNIT != Decimal(amount)


def capacity_units(amount: Decimal | int) -> int:
    """A budget or cap in units, rounded down (never negative)."""
    return max(0, int((Decimal(amount) / UNIT).to_integral_value(rounding=ROUND_FLOOR)))


@dataclass(frozen=True)
class Candidate:
    id: int
    #: The normalised score (any sign); shifted before optimising.
    score: float
    #: Requested units per funding line code.
    requests: Mapping[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.requests.values())


@dataclass(frozen=True)
class Selection:
    #: Chosen candidate ids, in the order the candidates were given.
    ids: tuple[int, ...]
    #: Sum of the chosen candidates' shifted scores.
    objective: float
    #: What was added to every score (1 - the lowest score).
    shift: float
    #: Units spent in all, and per funding line.
    spent: int
    per_line: dict[str, int]


@dataclass
class _Limit:
    name: str
    capacity: int
    weights: list[int]


def shift_for(scores: Sequence[float]) -> float:
    return 1.0 - min(scores) if scores else 0.0


def select(
    candidates: Sequence[Candidate],
    *,
    budget: int,
    caps: Mapping[str, int | None] | None = None,
    max_cells: int = 2048,
) -> Selection:
    """The best-scoring subset of ``candidates`` within ``budget`` units and the ``caps`` (units
    per funding line code; ``None`` or absent: no cap)."""
    candidates = list(candidates)
    shift = shift_for([c.score for c in candidates])
    values = [c.score + shift for c in candidates]
    limits = [_Limit("", max(0, budget), [c.total for c in candidates])]
    for code, cap in sorted((caps or {}).items()):
        if cap is not None:
            limits.append(_Limit(code, max(0, cap), [c.requests.get(code, 0) for c in candidates]))
    chosen = solve(values, limits, max_cells=max_cells)
    picked = [candidates[i] for i in sorted(chosen)]
    lines = sorted({code for c in candidates for code in c.requests})
    return Selection(
        ids=tuple(c.id for c in picked),
        objective=sum(values[i] for i in chosen),
        shift=shift,
        spent=sum(c.total for c in picked),
        per_line={code: sum(c.requests.get(code, 0) for c in picked) for code in lines},
    )


def fits(weights: Sequence[Sequence[int]], capacities: Sequence[int], chosen) -> bool:
    return all(
        sum(weights[c][i] for i in chosen) <= capacity for c, capacity in enumerate(capacities)
    )


def solve(values: Sequence[float], limits: Sequence[_Limit], *, max_cells: int = 2048) -> set[int]:
    """Indices of the items maximising the sum of ``values`` (all positive) within ``limits``."""
    items = [
        i for i in range(len(values)) if all(limit.weights[i] <= limit.capacity for limit in limits)
    ]
    free = {i for i in items if all(limit.weights[i] == 0 for limit in limits)}
    items = [i for i in items if i not in free]
    binding = [limit for limit in limits if sum(limit.weights[i] for i in items) > limit.capacity]
    if not binding:
        return free | set(items)
    sub_values = [values[i] for i in items]
    sub_limits = [_reduced(limit, items) for limit in binding]
    if len(sub_limits) == 1:
        _value, chosen = _knapsack(sub_values, sub_limits[0].weights, sub_limits[0].capacity)
    else:
        chosen = _several_limits(sub_values, sub_limits, max_cells)
    return free | {items[i] for i in chosen}


def _reduced(limit: _Limit, items: Sequence[int]) -> _Limit:
    """The limit over ``items`` only, amounts divided by their greatest common divisor."""
    weights = [limit.weights[i] for i in items]
    divisor = reduce(math.gcd, weights, 0) or 1
    return _Limit(limit.name, limit.capacity // divisor, [w // divisor for w in weights])


def _knapsack(values, weights, capacity) -> tuple[float, list[int]]:
    """The exact single-limit optimum by dynamic programming, with the items chosen."""
    capacity = min(capacity, sum(weights))
    best = np.zeros(capacity + 1)
    took = np.zeros((len(values), capacity + 1), dtype=bool)
    for i, (value, weight) in enumerate(zip(values, weights, strict=True)):
        if weight > capacity:
            continue
        with_item = best[: capacity + 1 - weight] + value
        tail = best[weight:]
        took[i, weight:] = with_item > tail
        np.maximum(tail, with_item, out=tail)
    chosen, room = [], capacity
    for i in range(len(values) - 1, -1, -1):
        if took[i, room]:
            chosen.append(i)
            room -= weights[i]
    return float(best[capacity]), chosen


def _several_limits(values, limits: Sequence[_Limit], max_cells: int) -> list[int]:
    weights = [limit.weights for limit in limits]
    capacities = [limit.capacity for limit in limits]
    return branch_and_bound(values, weights, capacities, max_cells=max_cells)


def branch_and_bound(values, weights, capacities, *, max_cells: int = 2048) -> list[int]:
    """The exact optimum under several limits (``weights[c][i]`` within ``capacities[c]``)."""
    problem = _Problem(values, weights, capacities)
    multipliers, lagrangian = problem.multipliers()
    chosen = max(
        (problem.greedy(problem.density(multipliers)), problem.greedy(problem.density())),
        key=problem.value,
    )
    fixed_in, free = problem.fix(multipliers, lagrangian, problem.value(chosen))
    free.sort(key=problem.density(multipliers).__getitem__, reverse=True)
    search = _Search(problem, free, fixed_in, multipliers, max_cells)
    picked = set(chosen)
    if picked.issuperset(fixed_in):  # always, unless rounding fooled the fixing
        search.best = [k for k, i in enumerate(free) if i in picked]
        search.best_value = sum(search.val[k] for k in search.best)
    search.visit(0, 0.0)
    return list(fixed_in) + [free[k] for k in search.best]


class _Problem:
    def __init__(self, values, weights, capacities):
        self.values = list(values)
        self.weights = [list(w) for w in weights]
        self.capacities = list(capacities)
        self.n, self.m = len(self.values), len(self.capacities)

    def value(self, chosen) -> float:
        return sum(self.values[i] for i in chosen)

    def density(self, multipliers=None) -> list[float]:
        """Value per money: per weighted money (``multipliers``) or per share of every limit."""
        prices = multipliers if multipliers is not None and any(multipliers) else None
        if prices is None:
            prices = [1 / max(capacity, 1) for capacity in self.capacities]
        return [
            self.values[i] / (sum(prices[c] * self.weights[c][i] for c in range(self.m)) or 1e-12)
            for i in range(self.n)
        ]

    def greedy(self, density) -> list[int]:
        room, chosen = list(self.capacities), []
        for i in sorted(range(self.n), key=lambda i: (-density[i], i)):
            if all(self.weights[c][i] <= room[c] for c in range(self.m)):
                chosen.append(i)
                for c in range(self.m):
                    room[c] -= self.weights[c][i]
        return chosen

    def multipliers(self, rounds: int = 400) -> tuple[list[float], float]:
        """Lagrange multipliers of the limits (a subgradient method) and the upper bound
        ``L(λ) = λ·C + Σ max(0, v − λ·w)`` they give; any λ ≥ 0 gives a valid bound."""
        values = np.array(self.values)
        # Each limit as shares of its capacity, so that the method does not depend on units.
        scale = np.array([max(capacity, 1) for capacity in self.capacities], dtype=float)
        weights = np.array(self.weights, dtype=float) / scale[:, None]
        capacities = np.array(self.capacities, dtype=float) / scale
        target = self.value(self.greedy(self.density()))
        lam = np.zeros(self.m)
        best_lam, best = lam, float(values.sum())
        theta, stalled = 1.0, 0
        for _ in range(rounds):
            reduced = values - lam @ weights
            taken = reduced > 0
            bound = float(lam @ capacities + reduced[taken].sum())
            if bound < best - EPSILON:
                best_lam, best, stalled = lam.copy(), bound, 0
            else:
                stalled += 1
                if stalled >= 10:
                    theta, stalled = theta / 2, 0
            gradient = capacities - weights[:, taken].sum(axis=1)
            norm = float(gradient @ gradient)
            if norm == 0 or theta < 1e-6:
                break
            step = theta * max(bound - target, 1e-6) / norm
            lam = np.maximum(0.0, lam - step * gradient)
        return [float(x) for x in best_lam / scale], best

    def fix(self, multipliers, bound: float, incumbent: float) -> tuple[list[int], list[int]]:
        """Items in every optimum and items the search may still choose: with reduced value
        ``d = v − λ·w``, a selection holding an item with ``d < 0`` is worth at most
        ``L + d``, one without an item with ``d > 0`` at most ``L − d``; below the incumbent, it
        cannot be optimal. The others are dropped."""
        fixed_in, free = [], []
        margin = 1e-7 * max(1.0, abs(bound))
        for i in range(self.n):
            reduced = self.values[i] - sum(
                multipliers[c] * self.weights[c][i] for c in range(self.m)
            )
            if reduced > 0 and bound - reduced < incumbent - margin:
                fixed_in.append(i)
            elif not (reduced < 0 and bound + reduced < incumbent - margin):
                free.append(i)
        return fixed_in, free


class _Search:
    """Depth-first search over the free items, pruned with single-limit bounds."""

    def __init__(self, problem: _Problem, free, fixed_in, multipliers, max_cells: int):
        m = problem.m
        self.n = len(free)
        self.val = [problem.values[i] for i in free]
        self.wt = [[problem.weights[c][i] for i in free] for c in range(m)]
        self.room = [
            problem.capacities[c] - sum(problem.weights[c][i] for i in fixed_in) for c in range(m)
        ]
        if any(multipliers):
            # The limits added up with integer weights: one limit, a tighter bound.
            top = max(multipliers)
            mu = [round(x * 1000 / top) for x in multipliers]
            self.wt.append(
                [sum(mu[c] * w[k] for c, w in enumerate(self.wt)) for k in range(self.n)]
            )
            self.room.append(sum(mu[c] * self.room[c] for c in range(m)))
        self.steps = [max(1, math.ceil(max(r, 0) / max_cells)) for r in self.room]
        self.tables = [
            _suffix_table(self.val, w, max(r, 0) // s, s)
            for w, r, s in zip(self.wt, self.room, self.steps, strict=True)
        ]
        self.limits = range(len(self.room))
        self.best_value = 0.0
        self.best: list[int] = []
        self.current: list[int] = []

    def bound(self, k: int) -> float:
        return min(self.tables[c][k, self.room[c] // self.steps[c]] for c in self.limits)

    def visit(self, k: int, value: float) -> None:
        if value > self.best_value + EPSILON:
            self.best_value, self.best = value, list(self.current)
        if k == self.n or value + self.bound(k) <= self.best_value + EPSILON:
            return
        wt, room = self.wt, self.room
        if all(wt[c][k] <= room[c] for c in self.limits):
            for c in self.limits:
                room[c] -= wt[c][k]
            self.current.append(k)
            self.visit(k + 1, value + self.val[k])
            self.current.pop()
            for c in self.limits:
                room[c] += wt[c][k]
        self.visit(k + 1, value)


def _suffix_table(values, weights, cells: int, step: int) -> np.ndarray:
    """``table[k][r]``: the best value of items ``k…`` within ``r`` cells of ``step`` units,
    each item's amount rounded down to whole cells (an upper bound of the true best)."""
    n = len(values)
    table = np.zeros((n + 1, cells + 1))
    for k in range(n - 1, -1, -1):
        row = table[k + 1].copy()
        size = weights[k] // step
        if size <= cells:
            row[size:] = np.maximum(row[size:], table[k + 1][: cells + 1 - size] + values[k])
        table[k] = row
    return table
