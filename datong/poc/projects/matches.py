"""The verification resources that suit one need of a project.

The "resources" search index (``datong.matching``: keyword and meaning, fused) ranks public
resources by the need's text; a resource of the kind the need asks for gets a bonus, and one in
the project's province a smaller one. Where the index has not been built yet, a kind and text
match in the database stands in (and a rebuild is queued). Each match says why it was chosen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from datong.institutions.regions import province_name
from datong.matching import store
from datong.matching.documents import KINDS
from datong.matching.engine import segment

from .models import Project, VerificationResource

INDEX = "resources"
DEPTH = 50
TOP = 5
KIND_BONUS = 0.5
REGION_BONUS = 0.15
#: A hit without a shared term is kept only when it is this close in meaning (cosine).
SEMANTIC_FLOOR = 0.4
TEXT_FIELDS = ("name", "capabilities", "price_terms", "booking_terms", "certifications")


@dataclass
class ResourceMatch:
    resource: VerificationResource
    score: float
    reasons: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)


def need_text(need) -> str:
    return f"{need.get_kind_display()} {need.description}".strip()


def _candidates():
    return KINDS[INDEX].indexable().select_related("institution")


def _bonus(resource, need, region: str) -> tuple[float, list[str]]:
    score, reasons = 0.0, []
    if resource.kind == need.kind:
        score += KIND_BONUS
        reasons.append(_("The kind asked for: %(kind)s") % {"kind": resource.get_kind_display()})
    if region and resource.region == region:
        score += REGION_BONUS
        reasons.append(
            _("In %(province)s, like the project")
            % {"province": resource.get_region_display() or province_name(region)}
        )
    return score, reasons


def _term_reason(terms: list[str]) -> list[str]:
    if not terms:
        return []
    return [_("Shares the terms: %(terms)s") % {"terms": "、".join(terms[:6])}]


def _from_index(index, need, region: str) -> list[ResourceMatch]:
    hits = index.search_hybrid(need_text(need), k=DEPTH)
    by_id = {int(h.id): h for h in hits}
    qs = _candidates().filter(Q(pk__in=list(by_id)) | Q(kind=need.kind))
    out = []
    for resource in qs:
        hit = by_id.get(resource.pk)
        close = hit is not None and (hit.dense_score or 0) >= SEMANTIC_FLOOR
        shares = hit is not None and hit.keyword_rank is not None
        if resource.kind != need.kind and not shares and not close:
            continue  # the province alone does not make a match
        score, reasons = _bonus(resource, need, region)
        terms: list[str] = []
        if hit is not None:
            score += hit.score
            terms = [t for t in hit.key_terms if len(t) > 1]
            reasons += _term_reason(terms)
            if close:
                reasons.append(_("Close in meaning to the need"))
        out.append(ResourceMatch(resource, round(score, 4), reasons, terms))
    return out


def _from_database(need, region: str) -> list[ResourceMatch]:
    terms = list(dict.fromkeys(t for t in segment(need.description) if len(t) > 1))
    condition = Q(kind=need.kind)
    for term in terms:
        for name in TEXT_FIELDS:
            condition |= Q(**{f"{name}__icontains": term})
    out = []
    for resource in _candidates().filter(condition):
        score, reasons = _bonus(resource, need, region)
        text = " ".join(str(getattr(resource, n) or "") for n in TEXT_FIELDS).lower()
        shared = [t for t in terms if t in text]
        if terms:
            score += 0.5 * len(shared) / len(terms)
        reasons += _term_reason(shared)
        out.append(ResourceMatch(resource, round(score, 4), reasons, shared))
    return out


def resource_matches(project: Project, need, limit: int = TOP) -> tuple[list[ResourceMatch], bool]:
    """The best public resources for ``need``, best first, and whether the index answered."""
    region = project.institution.province
    index = store.get_index(INDEX)
    if index is None:
        store.queue_rebuild(INDEX)
        found, used_index = _from_database(need, region), False
    else:
        found, used_index = _from_index(index, need, region), True
    found.sort(key=lambda m: (-m.score, m.resource.name, m.resource.pk))
    return found[:limit], used_index
