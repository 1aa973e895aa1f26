"""Working days of mainland China: weekends, public holidays and the adjusted working weekend
days (调休) of the State Council's yearly notice, kept as data in ``data/cn_holidays.json``.

For a date outside the years the data covers only weekends count as days off;
:func:`is_covered` tells callers so that a page can say the count is approximate.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "cn_holidays.json"
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Calendar:
    holidays: dict[dt.date, tuple[str, str]]  # date → (Chinese name, English name)
    working_days: frozenset[dt.date]
    years: frozenset[int]
    sources: dict[int, str]
    note: str


@cache
def calendar() -> Calendar:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    holidays: dict[dt.date, tuple[str, str]] = {}
    working: set[dt.date] = set()
    sources: dict[int, str] = {}
    for year, spec in raw["years"].items():
        sources[int(year)] = spec["source"]
        for first, last, name, name_en in spec["holidays"]:
            day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
            while day <= end:
                holidays[day] = (name, name_en)
                day += ONE_DAY
        working.update(dt.date.fromisoformat(d) for d in spec["working_days"])
    return Calendar(
        holidays=holidays,
        working_days=frozenset(working),
        years=frozenset(sources),
        sources=sources,
        note=raw["note"],
    )


def is_covered(day: dt.date) -> bool:
    """Whether the holiday data covers ``day``'s year (else only weekends are days off)."""
    return day.year in calendar().years


def covers(first: dt.date, last: dt.date) -> bool:
    """Whether every year from ``first`` to ``last`` is covered by the data."""
    years = calendar().years
    return all(year in years for year in range(first.year, last.year + 1))


def source_for(day: dt.date) -> str:
    return calendar().sources.get(day.year, "")


def holiday_name(day: dt.date) -> tuple[str, str] | None:
    """(Chinese, English) name of the public holiday ``day`` falls in, if any."""
    return calendar().holidays.get(day)


def is_working_day(day: dt.date) -> bool:
    cal = calendar()
    if day in cal.working_days:
        return True
    if day in cal.holidays:
        return False
    return day.weekday() < 5


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += ONE_DAY
    return day


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The last day of a period of ``n`` working days beginning on ``start``: ``start`` counts
    as day 1 when it is a working day, otherwise counting begins on the next working day."""
    if n < 1:
        raise ValueError("a period has at least one working day")
    day = next_working_day(start)
    counted = 1
    while counted < n:
        day += ONE_DAY
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(first: dt.date, last: dt.date) -> int:
    """Working days from ``first`` to ``last``, both included (0 when ``last`` is earlier)."""
    count, day = 0, first
    while day <= last:
        if is_working_day(day):
            count += 1
        day += ONE_DAY
    return count


def holidays_between(first: dt.date, last: dt.date) -> list[tuple[str, str]]:
    """The public holidays (names, once each, in order) that fall from ``first`` to ``last``."""
    seen: list[tuple[str, str]] = []
    day = first
    while day <= last:
        name = holiday_name(day)
        if name and name not in seen:
            seen.append(name)
        day += ONE_DAY
    return seen
