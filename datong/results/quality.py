"""Data quality of the registry: completeness, search text, similar records and inventor names."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Field, weight, label, and the test that it is "filled" well enough. Weights total 100.
COMPLETENESS_RULES = [
    ("title", 10, _("title"), lambda r: bool(r.title)),
    ("title_en", 5, _("English title"), lambda r: bool(r.title_en)),
    ("abstract", 20, _("abstract (at least 50 characters)"), lambda r: len(r.abstract or "") >= 50),
    ("industry", 10, _("industry"), lambda r: r.industry_id is not None),
    ("sei", 5, _("strategic emerging industry"), lambda r: r.sei_id is not None),
    ("keywords", 10, _("keywords (at least three)"), lambda r: len(r.keywords or []) >= 3),
    ("trl", 10, _("readiness level"), lambda r: r.trl is not None),
    ("ip_types", 10, _("protection"), lambda r: bool(r.ip_types)),
    ("department", 5, _("department"), lambda r: r.department_id is not None),
    ("inventors", 15, _("inventors"), lambda r: r.pk is not None and r.inventors.exists()),
]


def completeness(result) -> tuple[int, list[str]]:
    """The score (0–100) and the names of the missing fields."""
    score, missing = 0, []
    for _field, weight, label, filled in COMPLETENESS_RULES:
        if filled(result):
            score += weight
        else:
            missing.append(str(label))
    return score, missing


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, no spaces or punctuation."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return re.sub(r"[\s\W_]+", "", text)


def search_text(result) -> str:
    """Text that the registry search matches: titles, abstract, keywords, inventors, number."""
    parts = [
        result.number,
        result.title,
        result.title_en,
        result.abstract,
        " ".join(result.keywords or []),
    ]
    if result.pk:
        parts.extend(result.inventors.values_list("name", flat=True))
    return unicodedata.normalize("NFKC", " ".join(p for p in parts if p)).lower()


def refresh(result, save: bool = True) -> None:
    """Recompute the stored completeness and search text."""
    result.completeness, _missing = completeness(result)
    result.search_text = search_text(result)
    if save and result.pk:
        result.save(update_fields=["completeness", "search_text", "updated_at"])


# --- similar records ---------------------------------------------------------------------


def shingles(text: str) -> frozenset[str]:
    """Character bigrams of the normalised text: robust for Chinese without segmentation."""
    text = normalise(text)
    return frozenset(text[i : i + 2] for i in range(max(len(text) - 1, 1))) if text else frozenset()


Fingerprint = tuple[frozenset[str], frozenset[str]]
TITLE_WEIGHT = 0.6  # the title says what a result is; abstracts share much boilerplate


def fingerprint(title: str, abstract: str = "", keywords=()) -> Fingerprint:
    """Title bigrams and body bigrams (keywords and the start of the abstract), kept apart."""
    return shingles(title), shingles(f"{' '.join(keywords or [])}{(abstract or '')[:400]}")


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """0–1: the titles' overlap weighted 0.6, the bodies' 0.4 (the title alone when a body is
    missing)."""
    title = jaccard(a[0], b[0])
    if not a[1] or not b[1]:
        return title
    return TITLE_WEIGHT * title + (1 - TITLE_WEIGHT) * jaccard(a[1], b[1])


@dataclass(frozen=True)
class Match:
    result_id: int
    number: str
    title: str
    score: float


SIMILARITY_THRESHOLD = 0.5


def duplicate_pairs(rows: list[dict], threshold: float = SIMILARITY_THRESHOLD) -> list[tuple]:
    """Suspected duplicate pairs within one institution's registry. Titles are bucketed by their
    bigrams so only records that share a bigram are compared."""
    prints = {
        row["id"]: fingerprint(row["title"], row["abstract"], row["keywords"]) for row in rows
    }
    title_bigrams = {row["id"]: shingles(row["title"]) for row in rows}
    buckets: dict[str, list[int]] = defaultdict(list)
    for rid, grams in title_bigrams.items():
        for gram in grams:
            buckets[gram].append(rid)
    by_id = {row["id"]: row for row in rows}
    seen, pairs = set(), []
    for members in buckets.values():
        if len(members) > 200:  # a bigram shared by everyone says nothing
            continue
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                key = (a, b) if a < b else (b, a)
                if key in seen:
                    continue
                seen.add(key)
                score = similarity(prints[a], prints[b])
                if score >= threshold:
                    pairs.append((by_id[key[0]], by_id[key[1]], round(score, 2)))
    pairs.sort(key=lambda p: -p[2])
    return pairs


# --- inventor identity -------------------------------------------------------------------


def name_key(name: str) -> str:
    return normalise(name)


def inventor_name_groups(
    names: list[tuple[str, int | None]], accounts: dict[int, tuple[str, str]]
) -> list[list[str]]:
    """Groups of differently written names that are probably one person.

    ``names``: (name as written, linked user id or None). ``accounts``: user id → (name, pinyin).
    Two spellings fall together when they normalise alike (full/half width, spaces, case) or
    when an account links a Chinese name to its pinyin."""
    alias: dict[str, str] = {}
    for _uid, (name, pinyin) in accounts.items():
        if pinyin:
            alias[name_key(pinyin)] = name_key(name)
    groups: dict[str, set[str]] = defaultdict(set)
    for name, _user_id in names:
        key = name_key(name)
        key = alias.get(key, key)
        groups[key].add(name)
    return [sorted(spellings) for spellings in groups.values() if len(spellings) > 1]


class SimilarityIndex:
    """Similar-record lookup over many results without comparing against every one: candidates
    come from an inverted index of title bigrams (bigrams that half the registry shares, such as
    一种, are skipped), then the full fingerprints decide."""

    def __init__(self, rows, max_posting: int = 500):
        self.rows = {row["id"]: row for row in rows}
        self.prints: dict[int, frozenset[str]] = {}
        postings: dict[str, list[int]] = defaultdict(list)
        for rid, row in self.rows.items():
            self.prints[rid] = fingerprint(row["title"], row["abstract"], row["keywords"])
            for gram in shingles(row["title"]):
                postings[gram].append(rid)
        self.postings = {g: ids for g, ids in postings.items() if len(ids) <= max_posting}

    def query(
        self,
        title: str,
        abstract: str = "",
        keywords=(),
        *,
        exclude_id: int | None = None,
        limit: int = 5,
        threshold: float = SIMILARITY_THRESHOLD,
        candidates: int = 30,
    ) -> list[Match]:
        counts: dict[int, int] = defaultdict(int)
        for gram in shingles(title):
            for rid in self.postings.get(gram, ()):
                counts[rid] += 1
        probe = fingerprint(title, abstract, keywords)
        best = sorted(counts, key=counts.__getitem__, reverse=True)[:candidates]
        matches = []
        for rid in best:
            if rid == exclude_id:
                continue
            score = similarity(probe, self.prints[rid])
            if score >= threshold:
                row = self.rows[rid]
                matches.append(Match(rid, row["number"], row["title"], round(score, 2)))
        matches.sort(key=lambda m: -m.score)
        return matches[:limit]
