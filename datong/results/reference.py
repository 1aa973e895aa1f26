"""Reference data as data: classifications loaded from ``data/*.json``, each with its source.

``load_reference_data`` is idempotent (it updates rows by scheme and code), so a corrected file
is applied by running it again: ``datong manage load_reference``.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
FILES = {
    "GB/T 4754-2017": "industry_gbt4754_2017.json",
    "SEI-2018": "strategic_emerging_industries_2018.json",
    "TRL": "trl_levels.json",
    "IP": "ip_types.json",
    "REVIEW-2026": "review_criteria.json",
    "GRACE": "grace_period.json",
}
_EXTRA_KEYS = ("weight", "term_years", "note", "stage", "value")


@cache
def read_scheme(scheme: str) -> dict:
    return json.loads((DATA / FILES[scheme]).read_text(encoding="utf-8"))


def load_reference_data(model=None) -> int:
    """Create or update every classification; returns how many rows were written."""
    if model is None:
        from .models import Classification as model  # noqa: N813 - the same class, either way
    written = 0
    for scheme in FILES:
        document = read_scheme(scheme)
        effective = document.get("effective_from")
        by_code = {}
        for position, item in enumerate(document["items"]):
            row, _created = model.objects.update_or_create(
                scheme=scheme,
                code=item["code"],
                defaults={
                    "name": item["name"],
                    "name_en": item.get("name_en", ""),
                    "description": item.get("description", ""),
                    "description_en": item.get("description_en", ""),
                    "extra": {k: item[k] for k in _EXTRA_KEYS if k in item},
                    "source": document.get("source", "")[:255],
                    "effective_from": dt.date.fromisoformat(effective) if effective else None,
                    "position": position,
                },
            )
            by_code[item["code"]] = row
            written += 1
        for item in document["items"]:
            parent = by_code.get(item.get("parent") or "")
            row = by_code[item["code"]]
            if row.parent_id != (parent.pk if parent else None):
                row.parent = parent
                row.save(update_fields=["parent"])
    return written


def grace_period_months() -> int:
    item = next(i for i in read_scheme("GRACE")["items"] if i["code"] == "cn_grace_months")
    return int(item["value"])


def ip_type_codes() -> list[str]:
    return [item["code"] for item in read_scheme("IP")["items"]]
