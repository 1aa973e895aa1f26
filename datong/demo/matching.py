"""Demo judgements of matches: enterprise users rate the technologies matched to their demands,
technology managers the demands matched to their listings — so the judgements page and its
evaluation-set export open with data."""

from __future__ import annotations

import datetime as dt
import random

from datong.core.roles import Role
from datong.institutions.models import Membership
from datong.market.models import Demand, DemandStatus, Listing, ListingStatus
from datong.matching.models import MatchFeedback, SourceKind, TargetKind


def _section(classification) -> str | None:
    if classification is None:
        return None
    return classification.parent.code if classification.parent_id else classification.code


def _first_user(institution_id: int, roles) -> int | None:
    return (
        Membership.objects.filter(institution_id=institution_id, role__in=roles)
        .order_by("pk")
        .values_list("user_id", flat=True)
        .first()
    )


def build_judgements(rng: random.Random, now: dt.datetime) -> dict:
    listings = list(
        Listing.objects.filter(status=ListingStatus.PUBLISHED).select_related(
            "result__industry__parent"
        )
    )
    demands = list(
        Demand.objects.filter(status=DemandStatus.OPEN).select_related("industry__parent")
    )
    by_section: dict[str | None, list[Listing]] = {}
    for listing in listings:
        by_section.setdefault(_section(listing.result.industry), []).append(listing)
    rows: list[MatchFeedback] = []

    def add(user_id, source_kind, source_id, target_kind, target, useful, institution_id):
        rank = rng.randint(1, 4) if useful else rng.randint(3, 10)
        score = round(rng.uniform(0.62, 0.93) if useful else rng.uniform(0.31, 0.6), 4)
        rows.append(
            MatchFeedback(
                user_id=user_id,
                source_kind=source_kind,
                source_id=source_id,
                target_kind=target_kind,
                target_id=target.pk,
                useful=useful,
                rank=rank,
                score=score,
                institution_id=institution_id,
            )
        )

    for demand in demands:
        if rng.random() > 0.6:
            continue
        user_id = demand.author_id or _first_user(demand.institution_id, [Role.ENTERPRISE_USER])
        if user_id is None:
            continue
        near = by_section.get(_section(demand.industry), [])
        chosen = rng.sample(near, min(len(near), rng.randint(1, 3)))
        far = [x for x in rng.sample(listings, min(len(listings), 4)) if x not in chosen][:2]
        for listing in chosen:
            add(
                user_id,
                SourceKind.DEMAND,
                demand.pk,
                TargetKind.LISTING,
                listing,
                True,
                listing.institution_id,
            )
        for listing in far:
            add(
                user_id,
                SourceKind.DEMAND,
                demand.pk,
                TargetKind.LISTING,
                listing,
                False,
                listing.institution_id,
            )
    for listing in rng.sample(listings, min(len(listings), len(listings) // 4)):
        user_id = listing.contact_id
        if user_id is None:
            continue
        section = _section(listing.result.industry)
        for demand in rng.sample(demands, min(len(demands), 3)):
            useful = _section(demand.industry) == section
            add(
                user_id,
                SourceKind.LISTING,
                listing.pk,
                TargetKind.DEMAND,
                demand,
                useful,
                listing.institution_id,
            )
    unique = {(r.user_id, r.source_kind, r.source_id, r.target_kind, r.target_id): r for r in rows}
    created = MatchFeedback.objects.bulk_create(unique.values())
    # Spread the judgements over the last three months.
    for item in created:
        moment = now - dt.timedelta(days=rng.randint(0, 90), minutes=rng.randint(0, 600))
        MatchFeedback.objects.filter(pk=item.pk).update(created_at=moment, updated_at=moment)
    return {"judgements": len(created)}
