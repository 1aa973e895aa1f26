"""Ranked matches with their reasons: demand → technologies and experts, technology → demands
and enterprises.

A match's score (0–1) is ``0.8 × text + 0.2 × fields``. *text* is the hybrid search's fused
score (keyword BM25 over segmented text and dense similarity, engine.relative_score_fusion) of
the candidate for the source record's text; *fields* is a weighted mean of field features:

=========  ======  =================================================================
feature    weight  value
=========  ======  =================================================================
industry   0.35    1 same GB/T 4754 division, 0.5 same section, 0 otherwise
ipc        0.25    1 a shared IPC subclass (H01M), 0.5 a shared class (H01), 0 none
readiness  0.25    1 TRL at or above what the demand needs, minus 1/3 per level short
region     0.15    1 same province, 0 otherwise
=========  ======  =================================================================

A feature that one side does not state counts as 0.5 (neutral). Every candidate is checked
against the database after the search, so only what is public now can be shown, whatever the
index still holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.translation import gettext as _

from datong.institutions.regions import province_name

from . import store
from .documents import KINDS, demand_text, listing_text
from .engine import Hit

TEXT_WEIGHT = 0.8
FEATURE_WEIGHTS = {"industry": 0.35, "ipc": 0.25, "readiness": 0.25, "region": 0.15}
NEUTRAL = 0.5
CANDIDATES = 50


class IndexNotReady(Exception):
    """The kind's index has not been built yet (a rebuild has been queued)."""


# --------------------------------------------------------------------------- field profiles


@dataclass
class Profile:
    """What the field features compare: industry path, IPC codes, readiness, province."""

    industry: list[str] = field(default_factory=list)  # codes from the section down
    industry_label: str = ""
    ipc: list[str] = field(default_factory=list)
    trl: int | None = None
    min_trl: int | None = None
    province: str = ""


@lru_cache(maxsize=1)
def _industry_parents() -> dict[str, str | None]:
    from datong.results.models import Classification, Scheme

    rows = Classification.objects.filter(scheme=Scheme.INDUSTRY).values_list("code", "parent__code")
    return dict(rows)


def industry_path(code: str | None) -> list[str]:
    """``"3841"`` → ``["C", "38", "384", "3841"]`` (section first)."""
    parents = _industry_parents()
    path: list[str] = []
    while code and code not in path:
        path.append(code)
        code = parents.get(code)
    return path[::-1]


def _industry(classification) -> tuple[list[str], str]:
    if classification is None:
        return [], ""
    return industry_path(classification.code), str(classification)


def listing_profile(listing) -> Profile:
    codes: list[str] = []
    for family in listing.result.ip_families.all():
        codes.extend(family.ipc_codes or [])
    path, label = _industry(listing.result.industry)
    return Profile(
        industry=path,
        industry_label=label,
        ipc=list(dict.fromkeys(codes)),
        trl=listing.trl,
        province=listing.institution.province,
    )


def demand_profile(demand) -> Profile:
    path, label = _industry(demand.industry)
    return Profile(
        industry=path,
        industry_label=label,
        ipc=list(getattr(demand, "ipc_codes", None) or []),
        min_trl=getattr(demand, "min_trl", None),
        province=demand.region or demand.institution.province,
    )


def expert_profile(profile) -> Profile:
    path, label = _industry(profile.industry)
    return Profile(industry=path, industry_label=label, province=profile.institution.province)


def enterprise_profile(profile) -> Profile:
    path, label = _industry(profile.industry)
    return Profile(industry=path, industry_label=label, province=profile.institution.province)


# ---------------------------------------------------------------------------------- features


def _ipc_key(code: str, length: int) -> str:
    return code.replace(" ", "")[:length].upper()


def features(need: Profile, offer: Profile) -> dict[str, dict]:
    """Each feature's value (None when a side does not state it) and what it found."""
    out: dict[str, dict] = {}
    if need.industry and offer.industry:
        division = lambda path: path[1] if len(path) > 1 else path[0]  # noqa: E731
        if division(need.industry) == division(offer.industry):
            value = 1.0
        elif need.industry[0] == offer.industry[0]:
            value = 0.5
        else:
            value = 0.0
        out["industry"] = {"value": value, "label": offer.industry_label}
    else:
        out["industry"] = {"value": None}
    if need.ipc and offer.ipc:
        shared = sorted({_ipc_key(c, 4) for c in need.ipc} & {_ipc_key(c, 4) for c in offer.ipc})
        if shared:
            out["ipc"] = {"value": 1.0, "shared": shared}
        else:
            classes = sorted(
                {_ipc_key(c, 3) for c in need.ipc} & {_ipc_key(c, 3) for c in offer.ipc}
            )
            out["ipc"] = {"value": 0.5 if classes else 0.0, "shared": classes}
    else:
        out["ipc"] = {"value": None}
    needed = need.min_trl if need.min_trl is not None else offer.min_trl
    have = offer.trl if offer.trl is not None else need.trl
    if needed and have:
        gap = needed - have
        out["readiness"] = {
            "value": 1.0 if gap <= 0 else max(0.0, 1 - gap / 3),
            "trl": have,
            "needed": needed,
        }
    else:
        out["readiness"] = {"value": None}
    if need.province and offer.province:
        same = need.province == offer.province
        out["region"] = {"value": 1.0 if same else 0.0, "province": offer.province}
    else:
        out["region"] = {"value": None}
    return out


def feature_score(found: dict[str, dict]) -> float:
    total = sum(FEATURE_WEIGHTS.values())
    return (
        sum(
            weight * (NEUTRAL if found[name]["value"] is None else found[name]["value"])
            for name, weight in FEATURE_WEIGHTS.items()
        )
        / total
    )


# ----------------------------------------------------------------------------------- matches


@dataclass
class Match:
    kind: str
    obj: object
    score: float
    text_score: float
    semantic: float | None
    keyword_rank: int | None
    key_terms: list[str]
    features: dict[str, dict]
    rank: int = 0
    via: object = None  # for an enterprise: the demand that matched best
    verdict: bool | None = None  # the viewing user's judgement, set by the page

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def reasons(self) -> list[str]:
        """The "why" of the match, one short sentence per finding."""
        out = []
        if self.key_terms:
            out.append(_("Shared key terms: %s") % "、".join(self.key_terms[:8]))
        if self.semantic is not None:
            out.append(_("Semantic similarity %d%%") % round(max(self.semantic, 0) * 100))
        industry = self.features.get("industry", {})
        if industry.get("value") == 1.0:
            out.append(_("Same industry: %s") % industry["label"])
        elif industry.get("value") == 0.5:
            out.append(_("Related industry: %s") % industry["label"])
        ipc = self.features.get("ipc", {})
        if ipc.get("value"):
            out.append(_("IPC overlap: %s") % ", ".join(ipc["shared"]))
        readiness = self.features.get("readiness", {})
        if readiness.get("value") is not None:
            if readiness["value"] >= 1:
                out.append(_("Readiness TRL %(trl)s meets the TRL %(needed)s needed") % readiness)
            else:
                out.append(
                    _("Readiness TRL %(trl)s is below the TRL %(needed)s needed") % readiness
                )
        region = self.features.get("region", {})
        if region.get("value") == 1.0:
            out.append(_("Same region: %s") % province_name(region["province"]))
        return out


def _hits(kind: str, text: str, k: int) -> list[Hit]:
    index = store.get_index(kind)
    if index is None:
        store.queue_rebuild(kind)
        raise IndexNotReady(kind)
    return index.search_hybrid(text, k=k)


def _rank(
    kind: str, text: str, need: Profile, objects_for, profile_for, *, k: int, flip=False
) -> list[Match]:
    hits = _hits(kind, text, CANDIDATES)
    objects = objects_for([int(h.id) for h in hits])
    matches = []
    for hit in hits:
        obj = objects.get(int(hit.id))
        if obj is None:
            continue
        offer = profile_for(obj)
        found = features(offer, need) if flip else features(need, offer)
        matches.append(
            Match(
                kind=kind,
                obj=obj,
                score=TEXT_WEIGHT * hit.score + (1 - TEXT_WEIGHT) * feature_score(found),
                text_score=hit.score,
                semantic=hit.dense_score,
                keyword_rank=hit.keyword_rank,
                key_terms=hit.key_terms,
                features=found,
            )
        )
    matches.sort(key=lambda m: -m.score)
    for rank, match in enumerate(matches[:k], start=1):
        match.rank = rank
    return matches[:k]


def _by_pk(qs, ids) -> dict:
    return {obj.pk: obj for obj in qs.filter(pk__in=ids)}


def _listings(ids):
    qs = KINDS["listings"].indexable().select_related("institution", "result__industry")
    return _by_pk(qs.prefetch_related("result__ip_families"), ids)


def _demands(ids):
    qs = KINDS["demands"].indexable().select_related("institution", "industry")
    return _by_pk(qs, ids)


def _experts(ids):
    qs = KINDS["experts"].indexable().select_related("institution", "industry", "department")
    return _by_pk(qs, ids)


def technologies_for_demand(demand, k: int = 10) -> list[Match]:
    need = demand_profile(demand)
    return _rank("listings", demand_text(demand), need, _listings, listing_profile, k=k)


def experts_for_demand(demand, k: int = 10) -> list[Match]:
    need = demand_profile(demand)
    return _rank("experts", demand_text(demand), need, _experts, expert_profile, k=k)


def demands_for_listing(listing, k: int = 10) -> list[Match]:
    offer = listing_profile(listing)
    return _rank("demands", listing_text(listing), offer, _demands, demand_profile, k=k, flip=True)


def enterprises_for_listing(listing, k: int = 10) -> list[Match]:
    """Enterprises ranked by their best-matching open demand and by what their profile says
    they work on; each match's ``via`` names the demand when one matched."""
    offer = listing_profile(listing)
    best: dict[int, Match] = {}
    for match in demands_for_listing(listing, k=CANDIDATES):
        enterprise = match.obj.institution
        if enterprise.pk not in best:
            match.via = match.obj
            best[enterprise.pk] = match
    try:
        profiles = _rank(
            "enterprises",
            listing_text(listing),
            offer,
            _enterprises,
            enterprise_profile,
            k=CANDIDATES,
            flip=True,
        )
    except IndexNotReady:
        profiles = []
    for match in profiles:
        enterprise = match.obj.institution
        current = best.get(enterprise.pk)
        if current is None or match.score > current.score:
            match.via = current.via if current else None
            best[enterprise.pk] = match
    out = []
    for match in sorted(best.values(), key=lambda m: -m.score)[:k]:
        enterprise = match.obj.institution
        out.append(
            Match(
                kind="enterprises",
                obj=enterprise,
                score=match.score,
                text_score=match.text_score,
                semantic=match.semantic,
                keyword_rank=match.keyword_rank,
                key_terms=match.key_terms,
                features=match.features,
                rank=len(out) + 1,
                via=match.via,
            )
        )
    return out


def _enterprises(ids):
    qs = KINDS["enterprises"].indexable().select_related("institution", "industry")
    return _by_pk(qs, ids)
