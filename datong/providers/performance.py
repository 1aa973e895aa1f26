"""Measured performance of patent agencies, computed from the IP records — never typed in.

For an agency, from the filings that name it as agency:

* **cases** — filings handled;
* **grant rate** — granted ÷ decided, where *decided* means a grant (or registration) or a
  rejection was recorded; pending and withdrawn filings do not count as decided;
* **months to grant** — median of filing date → date of the grant event, in months;
* **relative fees** — the agency's median agency fee per filing (the sum of its ``agency``
  cost entries) divided by the median agency fee per filing across every agency's filings.

Each figure carries the number of cases behind it and is shown only from
:data:`MIN_CASES` cases on. The figures are aggregates: no record behind them is revealed.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from datong.ip.models import CostEntry, CostKind, EventKind, Filing, FilingEvent

MIN_CASES = 3
DAYS_PER_MONTH = 365.25 / 12
GRANT_EVENTS = (EventKind.GRANTED, EventKind.REGISTERED)


@dataclass(frozen=True)
class Figure:
    """One measured figure and the number of cases behind it."""

    value: float | None
    cases: int

    @property
    def shown(self) -> bool:
        return self.value is not None and self.cases >= MIN_CASES

    @property
    def percent(self) -> int | None:
        return round(self.value * 100) if self.shown else None


@dataclass
class Performance:
    agency_id: int
    cases: int = 0
    grant_rate: Figure = field(default_factory=lambda: Figure(None, 0))
    months_to_grant: Figure = field(default_factory=lambda: Figure(None, 0))
    fee_ratio: Figure = field(default_factory=lambda: Figure(None, 0))

    @property
    def enough_cases(self) -> bool:
        return self.cases >= MIN_CASES

    def as_dict(self) -> dict:
        def figure(f: Figure, digits: int) -> dict:
            return {"value": round(f.value, digits) if f.shown else None, "cases": f.cases}

        return {
            "cases": self.cases,
            "enough_cases": self.enough_cases,
            "min_cases": MIN_CASES,
            "grant_rate": figure(self.grant_rate, 3),
            "months_to_grant": figure(self.months_to_grant, 1),
            "fee_ratio": figure(self.fee_ratio, 2),
        }


def _median(values) -> float | None:
    values = list(values)
    return float(statistics.median(values)) if values else None


def agency_performance(agency_ids=None) -> dict[int, Performance]:
    """Performance of every agency named on a filing (or of ``agency_ids`` only).

    Relative fees always compare with every agency's filings, whatever ``agency_ids`` is.
    """
    filings = Filing.objects.filter(agency__isnull=False)
    rows = list(filings.values_list("pk", "agency_id", "filing_date"))
    wanted = None if agency_ids is None else set(agency_ids)

    grants: dict[int, object] = {}
    rejected: set[int] = set()
    events = FilingEvent.objects.filter(
        filing__agency__isnull=False,
        kind__in=[*GRANT_EVENTS, EventKind.REJECTED],
    ).order_by("date", "pk")
    for filing_id, kind, date in events.values_list("filing_id", "kind", "date"):
        if kind in GRANT_EVENTS:
            grants.setdefault(filing_id, date)
        else:
            rejected.add(filing_id)

    fees: dict[int, Decimal] = dict(
        CostEntry.objects.filter(filing__agency__isnull=False, kind=CostKind.AGENCY)
        .values("filing_id")
        .annotate(total=Sum("amount"))
        .values_list("filing_id", "total")
    )
    overall_fee = _median(fees.values())

    by_agency: dict[int, list] = defaultdict(list)
    for row in rows:
        if wanted is None or row[1] in wanted:
            by_agency[row[1]].append(row)

    result: dict[int, Performance] = {}
    for agency_id in wanted if wanted is not None else by_agency:
        own = by_agency.get(agency_id, [])
        granted = [pk for pk, _a, _d in own if pk in grants]
        decided = [pk for pk, _a, _d in own if pk in grants or pk in rejected]
        durations = [
            (grants[pk] - filed).days / DAYS_PER_MONTH
            for pk, _a, filed in own
            if pk in grants and filed is not None
        ]
        own_fees = [fees[pk] for pk, _a, _d in own if pk in fees]
        own_fee = _median(own_fees)
        result[agency_id] = Performance(
            agency_id=agency_id,
            cases=len(own),
            grant_rate=Figure(len(granted) / len(decided) if decided else None, len(decided)),
            months_to_grant=Figure(_median(durations), len(durations)),
            fee_ratio=Figure(
                own_fee / overall_fee if own_fee is not None and overall_fee else None,
                len(own_fees),
            ),
        )
    return result


def performance_for(agency_id: int) -> Performance:
    return agency_performance([agency_id])[agency_id]
