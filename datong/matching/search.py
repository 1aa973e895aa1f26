"""One search over the marketplace: listed technologies, enterprise demands and experts, in
Chinese or English, with filters, sorting and highlighted snippets.

With a query, the kind's hybrid index ranks the candidates and the database applies the filters
(and decides what the actor may see); without one, the database lists and sorts. Where an index
has not been built yet, a plain text match in the database stands in until it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import ranking, store
from .documents import KINDS
from .engine import segment

SEARCH_DEPTH = 300
#: A hit without any query term is kept only when its meaning is this close (cosine): it lets
#: an English query find a Chinese record without listing every record for every query.
SEMANTIC_FLOOR = 0.4
READINESS_BANDS = {"1-3": (1, 3), "4-6": (4, 6), "7-9": (7, 9)}
TABS = ("listings", "demands", "experts")
SORTS = {
    "listings": ("relevance", "newest", "readiness"),
    "demands": ("relevance", "newest", "budget", "deadline"),
    "experts": ("relevance", "newest"),
}
_ORDER = {
    "newest": ("-created_at", "-pk"),
    "readiness": ("-trl", "-pk"),
    "budget": ("-budget", "-pk"),
    "deadline": ("deadline", "pk"),
}


@dataclass
class Params:
    tab: str = "listings"
    q: str = ""
    industry: str = ""
    ipc: str = ""
    readiness: str = ""
    region: str = ""
    institution: str = ""
    ip_type: str = ""
    mode: str = ""
    sort: str = ""

    @classmethod
    def from_query(cls, data) -> Params:
        values = {name: (data.get(name) or "").strip() for name in cls.__dataclass_fields__}
        params = cls(**values)
        if params.tab not in TABS:
            params.tab = "listings"
        if params.sort not in SORTS[params.tab]:
            params.sort = "relevance" if params.q else "newest"
        return params


@dataclass
class Row:
    obj: object
    score: float | None = None
    terms: list[str] = field(default_factory=list)

    def snippet(self, text: str, width: int = 150) -> SafeString:
        return highlight(text, self.terms, width)


def industry_codes(code: str) -> list[str]:
    """The code and every code below it in GB/T 4754."""
    return [c for c in ranking._industry_parents() if code in ranking.industry_path(c)]


def _filtered(params: Params, actor) -> QuerySet:
    from datong.core.permissions import visible_to

    kind = KINDS[params.tab]
    qs = kind.indexable()
    if params.tab == "demands":
        qs = visible_to(actor, qs).select_related("institution", "industry")
    elif params.tab == "listings":
        qs = qs.select_related("institution", "result__industry")
    else:
        qs = qs.select_related("institution", "department", "industry", "user")
    industry_field = "result__industry__code" if params.tab == "listings" else "industry__code"
    if params.industry:
        qs = qs.filter(**{f"{industry_field}__in": industry_codes(params.industry)})
    if params.ipc:
        code = params.ipc.replace(" ", "").upper()
        if params.tab == "listings":
            qs = qs.filter(result__ip_families__ipc_codes__icontains=code[:4]).distinct()
        elif params.tab == "demands":
            qs = qs.filter(ipc_codes__icontains=code[:4])
    if params.readiness in READINESS_BANDS:
        low, high = READINESS_BANDS[params.readiness]
        trl = "trl" if params.tab == "listings" else "min_trl"
        if params.tab != "experts":
            qs = qs.filter(**{f"{trl}__gte": low, f"{trl}__lte": high})
    if params.region:
        if params.tab == "demands":
            own = Q(region="", institution__province=params.region)
            qs = qs.filter(Q(region=params.region) | own)
        else:
            qs = qs.filter(institution__province=params.region)
    if params.institution:
        qs = qs.filter(institution__slug=params.institution)
    if params.ip_type and params.tab == "listings":
        qs = qs.filter(result__ip_types__icontains=f'"{params.ip_type}"')
    if params.mode:
        if params.tab == "listings":
            qs = qs.filter(engagement_modes__icontains=f'"{params.mode}"')
        elif params.tab == "demands":
            qs = qs.filter(cooperation_mode=params.mode)
    return qs


_FALLBACK_FIELDS = {
    "listings": ("title", "summary", "key_points", "applications"),
    "demands": ("title", "problem", "key_points", "goals"),
    "experts": ("fields", "bio", "publications", "user__name"),
}


def search(params: Params, actor) -> tuple[list[Row] | QuerySet, bool]:
    """The rows to show and whether the search index answered (False: database fallback)."""
    qs = _filtered(params, actor)
    if not params.q:
        return qs.order_by(*_ORDER.get(params.sort, _ORDER["newest"])), True
    index = store.get_index(params.tab)
    terms = segment(params.q)
    if index is None:
        store.queue_rebuild(params.tab)
        condition = Q(pk__in=[])
        for term in terms or [params.q]:
            for name in _FALLBACK_FIELDS[params.tab]:
                condition |= Q(**{f"{name}__icontains": term})
        return [Row(obj, None, terms) for obj in qs.filter(condition).order_by("-pk")], False
    hits = [
        h
        for h in index.search_hybrid(params.q, k=SEARCH_DEPTH)
        if h.keyword_rank is not None or (h.dense_score or 0) >= SEMANTIC_FLOOR
    ]
    found = {obj.pk: obj for obj in qs.filter(pk__in=[int(h.id) for h in hits])}
    rows = [
        Row(found[int(h.id)], h.score, h.key_terms or terms) for h in hits if int(h.id) in found
    ]
    if params.sort in _ORDER:
        key, *_ = _ORDER[params.sort]
        attr = key.lstrip("-")
        missing = [r for r in rows if getattr(r.obj, attr) is None]
        present = [r for r in rows if getattr(r.obj, attr) is not None]
        present.sort(key=lambda r: getattr(r.obj, attr), reverse=key.startswith("-"))
        rows = present + missing
    return rows, True


def highlight(text: str, terms: list[str], width: int = 150) -> SafeString:
    """A window of *text* around the first query term, HTML-escaped, terms in ``<mark>``."""
    text = " ".join((text or "").split())
    terms = sorted({t for t in terms if t.strip()}, key=len, reverse=True)
    if not terms:
        return escape(text[:width] + ("…" if len(text) > width else ""))
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, first.start() - 30) if first else 0
    window = text[start : start + width]
    parts = ["…" if start else ""]
    position = 0
    for found in pattern.finditer(window):
        parts.append(escape(window[position : found.start()]))
        parts.append(f"<mark>{escape(found.group())}</mark>")
        position = found.end()
    parts.append(escape(window[position:]))
    if start + width < len(text):
        parts.append("…")
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above
