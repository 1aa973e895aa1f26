"""When two licence grants overlap: field of use × territory × term.

* Field of use: a GB/T 4754 industry; none means every field. Two fields overlap when one is
  the other or its ancestor.
* Territory: ``WORLD`` covers everything; ``CN`` covers every province code (GB/T 2260); a
  province overlaps itself, ``CN`` and ``WORLD``; any other ISO country overlaps itself and
  ``WORLD``.
* Term: the two date ranges (both ends included) intersect.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from datong.institutions.regions import PROVINCES, province_name

WORLD, CHINA = "WORLD", "CN"
PROVINCE_CODES = frozenset(code for code, _zh, _en in PROVINCES)
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")

#: A few countries offered in the territory list (any ISO 3166 alpha-2 code is accepted).
COUNTRIES = (
    ("US", "美国", "United States"),
    ("EU", "欧盟", "European Union"),
    ("JP", "日本", "Japan"),
    ("KR", "韩国", "Republic of Korea"),
    ("DE", "德国", "Germany"),
    ("GB", "英国", "United Kingdom"),
    ("SG", "新加坡", "Singapore"),
)


def normalise_territory(value: str) -> str:
    return (value or "").strip().upper()


def is_valid_territory(value: str) -> bool:
    return value in (WORLD, CHINA) or value in PROVINCE_CODES or bool(COUNTRY_RE.match(value))


def territories_overlap(a: str, b: str) -> bool:
    if WORLD in (a, b) or a == b:
        return True
    return (a == CHINA and b in PROVINCE_CODES) or (b == CHINA and a in PROVINCE_CODES)


def territory_label(code: str) -> str:
    english = (get_language() or "").startswith("en")
    if code == WORLD:
        return _("Worldwide")
    if code == CHINA:
        return _("Mainland China (all provinces)")
    if code in PROVINCE_CODES:
        return province_name(code, "en" if english else "zh-hans")
    for iso, zh, en in COUNTRIES:
        if iso == code:
            return en if english else zh
    return code


def territory_choices() -> list[tuple[str, str]]:
    rows = [(WORLD, territory_label(WORLD)), (CHINA, territory_label(CHINA))]
    rows += [(code, territory_label(code)) for code, _zh, _en in PROVINCES]
    rows += [(iso, territory_label(iso)) for iso, _zh, _en in COUNTRIES]
    return rows


def lineage(classification) -> set[int]:
    """The ids of a classification and all its ancestors (empty for "every field")."""
    ids: set[int] = set()
    node = classification
    while node is not None and node.pk not in ids:
        ids.add(node.pk)
        node = node.parent
    return ids


def fields_overlap(a, b) -> bool:
    """``a`` and ``b`` are Classifications or ``None`` (every field of use)."""
    if a is None or b is None:
        return True
    return a.pk in lineage(b) or b.pk in lineage(a)


def terms_overlap(s1: dt.date, e1: dt.date, s2: dt.date, e2: dt.date) -> bool:
    return s1 <= e2 and s2 <= e1


def grants_overlap(grant, *, field, territory: str, starts_on: dt.date, ends_on: dt.date) -> bool:
    return (
        terms_overlap(grant.starts_on, grant.ends_on, starts_on, ends_on)
        and territories_overlap(grant.territory, territory)
        and fields_overlap(grant.field_of_use, field)
    )
