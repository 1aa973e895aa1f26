"""Protection terms as data (``data/terms.json``), chosen by the filing's own date."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@cache
def _rules() -> list[dict]:
    return json.loads((DATA / "terms.json").read_text(encoding="utf-8"))["rules"]


def term_years(kind: str, filing_date: dt.date) -> int | None:
    """The term in years for ``kind`` filed on ``filing_date`` (None: no fixed term)."""
    for rule in _rules():
        if rule["kind"] != kind:
            continue
        start = dt.date.fromisoformat(rule["from"]) if rule["from"] else dt.date.min
        until = dt.date.fromisoformat(rule["until"]) if rule["until"] else dt.date.max
        if start <= filing_date < until:
            return rule["years"]
    return None


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def term_end(kind: str, filing_date: dt.date | None, extension_days: int = 0) -> dt.date | None:
    """The last day of protection, with term compensation where granted."""
    if filing_date is None:
        return None
    years = term_years(kind, filing_date)
    if years is None:
        return None
    return add_years(filing_date, years) - dt.timedelta(days=1) + dt.timedelta(days=extension_days)
