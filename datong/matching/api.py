# No "from __future__ import annotations": django-ninja must resolve Query[...] under @paginate.
import dataclasses
import re

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from pydantic import create_model

from datong.api import error

from . import ranking, search, selectors, services
from .schemas import FeedbackIn, FeedbackOut, MatchOut, SearchRowOut

router = Router(tags=["matching"])

_TAGS = re.compile(r"<[^>]+>")


#: The query parameters of the search: the same as the search page's (search.Params).
SearchFilter = create_model(
    "SearchFilter",
    __base__=Schema,
    **{f.name: (str, f.default) for f in dataclasses.fields(search.Params)},
)


def _describe(kind: str, obj) -> tuple[str, str, str, str]:
    """Title, institution, text for the snippet and page address of a record of *kind*."""
    if kind == "listings":
        return obj.title, obj.institution.name, obj.summary, reverse("market-detail", args=[obj.pk])
    if kind == "demands":
        return obj.title, obj.institution.name, obj.problem, reverse("demand-detail", args=[obj.pk])
    if kind == "experts":
        url = reverse("expert-detail", args=[obj.pk])
        return obj.user.get_full_name(), obj.institution.name, obj.fields, url
    url = reverse("enterprise-detail", args=[obj.slug])
    return obj.name, obj.name, "", url


def _plain(html: str) -> str:
    return _TAGS.sub("", str(html)).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


@router.get(
    "/search",
    response=list[SearchRowOut],
    auth=None,
    summary="Search technologies, demands (signed in) or experts, with filters",
)
@paginate(PageNumberPagination, page_size=25)
def search_records(request: HttpRequest, filters: Query[SearchFilter]):
    params = search.Params.from_query(filters.dict())
    if params.tab == "demands" and not request.user.is_authenticated:
        return []
    rows, _indexed = search.search(params, request.user)
    if not isinstance(rows, list):
        rows = [search.Row(obj) for obj in rows]
    out = []
    for row in rows:
        title, institution, text, url = _describe(params.tab, row.obj)
        out.append(
            {
                "kind": params.tab,
                "id": row.obj.pk,
                "title": title,
                "institution": institution,
                "snippet": _plain(row.snippet(text)),
                "key_terms": row.terms,
                "score": row.score,
                "url": url,
            }
        )
    return out


def _out(matches) -> list[dict]:
    out = []
    for m in matches:
        title, institution, _text, url = _describe(m.kind, m.obj)
        out.append(
            {
                "rank": m.rank,
                "kind": m.kind,
                "id": m.obj.pk,
                "title": title,
                "institution": institution,
                "url": url,
                "score": round(m.score, 4),
                "text_score": round(m.text_score, 4),
                "semantic": None if m.semantic is None else round(m.semantic, 4),
                "key_terms": m.key_terms,
                "features": m.features,
                "reasons": m.reasons,
                "via_demand": m.via.pk if m.via is not None else None,
            }
        )
    return out


FINDERS = {
    ("demands", "listings"): ranking.technologies_for_demand,
    ("demands", "experts"): ranking.experts_for_demand,
    ("listings", "demands"): ranking.demands_for_listing,
    ("listings", "enterprises"): ranking.enterprises_for_listing,
}


def _matches(request, source_kind: str, source_id: int, target: str, k: int):
    finder = FINDERS.get((source_kind, target))
    if finder is None:
        return error(request, 400, "invalid", "Unknown kind of match.")
    source = selectors.match_source(actor=request.user, kind=source_kind, pk=source_id)
    try:
        return _out(finder(source, k=max(1, min(k, 50))))
    except ranking.IndexNotReady:
        return error(
            request, 503, "index_not_ready", "The search index is being built; try again soon."
        )


@router.get(
    "/matches/demands/{demand_id}",
    response={200: list[MatchOut]},
    summary="Technologies (target=listings) or experts (target=experts) for a demand",
)
def demand_matches(request: HttpRequest, demand_id: int, target: str = "listings", k: int = 10):
    return _matches(request, "demands", demand_id, target, k)


@router.get(
    "/matches/listings/{listing_id}",
    response={200: list[MatchOut]},
    summary="Demands (target=demands) or enterprises (target=enterprises) for a listing "
    "(its office)",
)
def listing_matches(request: HttpRequest, listing_id: int, target: str = "demands", k: int = 10):
    return _matches(request, "listings", listing_id, target, k)


@router.post(
    "/matches/feedback",
    response={201: FeedbackOut},
    summary="Judge a match useful or not (a later verdict on the same pair replaces it)",
)
def feedback(request: HttpRequest, payload: FeedbackIn):
    source = selectors.match_source(
        actor=request.user, kind=payload.source_kind, pk=payload.source_id
    )
    item = services.feedback_record(
        actor=request.user,
        source_kind=payload.source_kind,
        source=source,
        target_kind=payload.target_kind,
        target_id=payload.target_id,
        useful=payload.useful,
        rank=payload.rank,
        score=payload.score,
    )
    return 201, item


@router.get(
    "/matches/feedback",
    response=list[FeedbackOut],
    summary="Judgements the user may see (their own and their offices')",
)
@paginate(PageNumberPagination, page_size=50)
def feedback_list(request: HttpRequest):
    return selectors.feedback_visible(actor=request.user)
