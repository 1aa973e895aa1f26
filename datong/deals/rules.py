"""Rule data of contracts, read from ``data/*.json``: the minimum announcement period of an
agreed price and the legal-entity type codes of the registration form."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA = Path(__file__).resolve().parent / "data"


@cache
def _load(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def announcement_rule() -> dict:
    """``minimum_working_days`` and ``source`` of the agreed-price announcement (协议定价公示)."""
    return _load("announcement.json")


def minimum_announcement_days() -> int:
    return int(announcement_rule()["minimum_working_days"])


def entity_types() -> list[dict]:
    return list(_load("entity_types.json")["types"])


def entity_type_source() -> str:
    return _load("entity_types.json")["source"]


def entity_type_codes() -> frozenset[str]:
    return frozenset(t["code"] for t in entity_types())


def entity_type_name(code: str) -> str:
    english = (get_language() or "").startswith("en")
    for item in entity_types():
        if item["code"] == code:
            return item["name_en"] if english else item["name"]
    return code


def entity_type_choices() -> list[tuple[str, str]]:
    english = (get_language() or "").startswith("en")
    return [
        (t["code"], f"{t['code']} {t['name_en'] if english else t['name']}") for t in entity_types()
    ]
