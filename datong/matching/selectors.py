"""Scoped reads of the matching app: the records a user may see matches for, the judgements
a user may see, and the evaluation set built from them."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from datong.core.permissions import require_staff, scope_for
from datong.institutions.models import Institution, InstitutionKind
from datong.market import selectors as market

from .documents import KINDS
from .models import MatchFeedback, SourceKind, TargetKind


def demand_for_matching(*, actor, pk):
    """A demand the actor may see (its matches are shown to whoever sees the demand)."""
    return market.demand_get(actor=actor, pk=pk)


def listing_for_matching(*, actor, pk):
    """A listing whose matching demands and enterprises the actor may see: its office only."""
    listing = market.listing_get(actor=actor, pk=pk)
    require_staff(actor, listing.institution_id)
    return listing


def match_source(*, actor, kind: str, pk):
    if kind == SourceKind.DEMAND:
        return demand_for_matching(actor=actor, pk=pk)
    if kind == SourceKind.LISTING:
        return listing_for_matching(actor=actor, pk=pk)
    raise PermissionDenied(_("This kind of match does not exist."))


def match_target(kind: str, pk: int):
    """A record that may be shown as a match now (public), or None."""
    if kind == TargetKind.ENTERPRISE:
        return Institution.objects.filter(pk=pk, kind=InstitutionKind.ENTERPRISE).first()
    return KINDS[kind].indexable().filter(pk=pk).first()


def feedback_visible(*, actor) -> QuerySet[MatchFeedback]:
    """Judgements the actor may see: their own, and those about their offices' technologies
    and experts; every one for a site administrator."""
    scope = scope_for(actor)
    qs = MatchFeedback.objects.select_related("user", "institution")
    if scope.is_superuser:
        return qs
    return qs.filter(Q(user_id=scope.user_id) | Q(institution_id__in=scope.staff_institution_ids))


def feedback_for(*, actor, source_kind: str, source_id: int) -> dict[tuple[str, int], bool]:
    """The actor's own verdicts on one source's matches: (target kind, id) → useful."""
    rows = MatchFeedback.objects.filter(
        user=actor, source_kind=source_kind, source_id=source_id
    ).values_list("target_kind", "target_id", "useful")
    return {(kind, target_id): useful for kind, target_id, useful in rows}


#: The text of each side of a judgement, by kind, for the evaluation set.
def _texts(kind: str, ids) -> dict[int, str]:
    if kind == TargetKind.ENTERPRISE:
        spec = KINDS["enterprises"]
        qs = spec.model.objects.filter(institution_id__in=ids).select_related("institution")
        return {p.institution_id: spec.text(p) for p in qs}
    spec = KINDS[kind]
    qs = spec.model.objects.filter(pk__in=ids).select_related(*spec.related)
    return {obj.pk: spec.text(obj) for obj in qs}


def _corpus(kind: str) -> dict[int, str]:
    if kind == TargetKind.ENTERPRISE:
        spec = KINDS["enterprises"]
        return {p.institution_id: spec.text(p) for p in spec.indexable()}
    spec = KINDS[kind]
    return {obj.pk: spec.text(obj) for obj in spec.indexable()}


def evaluation_set(feedback: QuerySet[MatchFeedback], target_kind: str) -> dict[str, str]:
    """The files of ``datong match evaluate`` from judgements of one kind of match:
    ``docs.jsonl`` (every record that can be matched now), ``queries.jsonl`` (the judged
    sources), ``qrels.tsv`` (the pairs judged useful) and ``judgements.tsv`` (every verdict,
    1 useful / 0 not, with the rank and score that were shown)."""
    rows = list(
        feedback.filter(target_kind=target_kind).values_list(
            "source_kind", "source_id", "target_id", "useful", "rank", "score"
        )
    )
    corpus = _corpus(target_kind)
    by_source: dict[str, set[int]] = {}
    for source_kind, source_id, *_rest in rows:
        by_source.setdefault(source_kind, set()).add(source_id)
    queries = []
    for source_kind, ids in sorted(by_source.items()):
        for pk, text in sorted(_texts(source_kind, ids).items()):
            queries.append({"id": f"{source_kind}:{pk}", "text": text})
    # A judged document that is no longer public stays out of the corpus and the qrels.
    qrels, judgements = [], ["query_id\tdoc_id\tuseful\trank\tscore"]
    for source_kind, source_id, target_id, useful, rank, score in sorted(rows):
        query_id, doc_id = f"{source_kind}:{source_id}", f"{target_kind}:{target_id}"
        if target_id not in corpus:
            continue
        if useful:
            qrels.append(f"{query_id}\t{doc_id}")
        judgements.append(
            f"{query_id}\t{doc_id}\t{int(useful)}\t{rank if rank else ''}\t"
            f"{'' if score is None else round(score, 4)}"
        )
    docs = [{"id": f"{target_kind}:{pk}", "text": text} for pk, text in sorted(corpus.items())]

    def jsonl(items):
        return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)

    return {
        "docs.jsonl": jsonl(docs),
        "queries.jsonl": jsonl(queries),
        "qrels.tsv": "".join(line + "\n" for line in qrels),
        "judgements.tsv": "".join(line + "\n" for line in judgements),
    }
