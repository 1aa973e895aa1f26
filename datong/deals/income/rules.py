"""The statutory rules behind every reward and tax figure, read from ``data/rules.json``.

Each rule is a dated, sourced entry; the one in force on a date is the latest whose
``effective_from`` is on or before it. Every figure the engine produces carries the
:func:`cite` of the rules that produced it, so a user sees which version made a number.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import get_language

DATA = Path(__file__).resolve().parent / "data" / "rules.json"


@cache
def _load() -> dict[str, list[dict[str, Any]]]:
    with DATA.open(encoding="utf-8") as handle:
        raw = json.load(handle)
    return {key: value for key, value in raw.items() if isinstance(value, list)}


def all_rules() -> dict[str, list[dict[str, Any]]]:
    """Every rule of every kind, as the data file lists them (for the page that shows them)."""
    return _load()


def _in_force(kind: str, on: dt.date, *, province: str | None = None) -> dict[str, Any] | None:
    entries = [
        entry
        for entry in _load()[kind]
        if dt.date.fromisoformat(entry["effective_from"]) <= on
        and (province is None or entry.get("province", "") in ("", province))
    ]
    if not entries:
        return None
    return max(entries, key=lambda entry: (entry["effective_from"], bool(entry.get("province"))))


def rule(kind: str, on: dt.date) -> dict[str, Any]:
    """The rule of ``kind`` in force on ``on`` (the earliest one for dates before them all)."""
    found = _in_force(kind, on)
    return found if found is not None else min(_load()[kind], key=lambda e: e["effective_from"])


def cite(entry: dict[str, Any], *, applies_to: str = "") -> dict[str, Any]:
    """What a figure shows about the rule behind it."""
    english = (get_language() or "").startswith("en")
    return {
        "id": entry["id"],
        "version": entry.get("version", ""),
        "source": entry.get("source_en") if english and entry.get("source_en") else entry["source"],
        "effective_from": entry["effective_from"],
        "verify": bool(entry.get("verify", False)),
        "applies_to": applies_to,
    }


def reward_floor(deal_type: str, on: dt.date, province: str = "") -> tuple[Decimal, dict]:
    """The minimum team share (percent) for a deal type: the highest of the national rule and the
    province's own, in force on ``on``."""
    candidates = []
    for entry in _load()["reward_floors"]:
        if dt.date.fromisoformat(entry["effective_from"]) > on:
            continue
        if entry.get("province", "") not in ("", province):
            continue
        candidates.append(entry)
    # Within one scope (national / this province) the latest version is in force.
    latest: dict[str, dict] = {}
    for entry in candidates:
        scope = entry.get("province", "")
        if scope not in latest or entry["effective_from"] > latest[scope]["effective_from"]:
            latest[scope] = entry
    if not latest:
        entry = min(_load()["reward_floors"], key=lambda e: e["effective_from"])
        return Decimal(entry["floors"][deal_type]), entry
    best = max(latest.values(), key=lambda e: Decimal(e["floors"][deal_type]))
    return Decimal(best["floors"][deal_type]), best


def main_contributor_floor(on: dt.date, province: str = "") -> tuple[Decimal, dict]:
    """The least part (percent) of the reward pool that goes to the main contributors."""
    entry = _in_force("main_contributors", on, province=province) or rule("main_contributors", on)
    return Decimal(entry["share"]), entry


def equity_team_floor(institution, on: dt.date) -> tuple[Decimal, dict]:
    """The least part (percent) of the shares obtained that goes to the team: the statutory
    floor, or the institution's policy in force when that is higher."""
    floor, entry = reward_floor("equity", on, getattr(institution, "province", "") or "")
    from .policies import policy_in_force  # the policies read the floors too

    policy = policy_in_force(institution, on) if institution is not None else None
    if policy is not None and policy.equity_team_share > floor:
        return policy.equity_team_share, policy_citation(policy)
    return floor, entry


def policy_citation(policy) -> dict[str, Any]:
    """A policy as a rule entry, in the same shape as the statutory ones."""
    return {
        "id": f"policy:{policy.institution.slug}:{policy.version}",
        "version": policy.version,
        "source": policy.source,
        "effective_from": policy.effective_from.isoformat(),
    }


def brackets(on: dt.date) -> tuple[list[tuple[Decimal | None, Decimal, Decimal]], dict]:
    entry = rule("income_tax_brackets", on)
    table = [
        (Decimal(top) if top is not None else None, Decimal(rate), Decimal(deduction))
        for top, rate, deduction in entry["brackets"]
    ]
    return table, entry
