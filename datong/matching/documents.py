"""What the search indexes hold: one kind per indexed model, the records that belong in it and
the text that represents each. Only public marketplace text is indexed: published listings (the
office's text for industry, never the disclosure), open demands, public expert profiles, and
the public verification resources of proof-of-concept projects."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db.models import QuerySet


def _join(*parts) -> str:
    return "\n".join(str(p).strip() for p in parts if p and str(p).strip())


def listing_text(listing) -> str:
    return _join(listing.title, listing.summary, listing.key_points, listing.applications)


def demand_text(demand) -> str:
    return _join(
        demand.title, demand.problem, demand.key_points, demand.goals, " ".join(demand.keywords)
    )


def expert_text(profile) -> str:
    user = profile.user
    return _join(
        user.get_full_name(),
        profile.title,
        profile.fields,
        " ".join(profile.keywords or []),
        profile.bio,
        profile.publications,
    )


def enterprise_text(profile) -> str:
    institution = profile.institution
    return _join(
        institution.name,
        profile.main_products,
        profile.tech_fields,
        institution.description,
    )


def resource_text(resource) -> str:
    return _join(
        resource.name,
        resource.capabilities,
        resource.price_terms,
        resource.booking_terms,
        resource.certifications,
    )


@dataclass(frozen=True)
class Kind:
    """One index: ``name`` is also its directory under the index root."""

    name: str
    model_label: str
    text: Callable[[object], str]
    public_filter: dict
    related: tuple[str, ...] = ()

    @property
    def model(self):
        return apps.get_model(self.model_label)

    def indexable(self) -> QuerySet:
        """The records that belong in the index (and may be shown as matches)."""
        return self.model.objects.filter(**self.public_filter).select_related(*self.related)

    def documents(self, ids=None, chunk: int = 500) -> Iterator[list[tuple[str, str]]]:
        """``(id, text)`` pairs of the indexable records, in chunks, by primary key."""
        qs = self.indexable().order_by("pk")
        if ids is not None:
            qs = qs.filter(pk__in=list(ids))
        batch: list[tuple[str, str]] = []
        for obj in qs.iterator(chunk_size=chunk):
            batch.append((str(obj.pk), self.text(obj)))
            if len(batch) >= chunk:
                yield batch
                batch = []
        if batch:
            yield batch


KINDS: dict[str, Kind] = {
    "listings": Kind("listings", "market.Listing", listing_text, {"status": "published"}),
    "demands": Kind("demands", "market.Demand", demand_text, {"status": "open"}),
    "experts": Kind("experts", "market.ExpertProfile", expert_text, {"is_public": True}, ("user",)),
    "enterprises": Kind(
        "enterprises",
        "market.EnterpriseProfile",
        enterprise_text,
        {"institution__kind": "enterprise"},
        ("institution",),
    ),
    "resources": Kind(
        "resources", "poc_projects.VerificationResource", resource_text, {"is_public": True}
    ),
}


def kind_for_model(model) -> Kind | None:
    label = model._meta.label
    return next((k for k in KINDS.values() if k.model_label == label), None)


def available_kinds() -> list[Kind]:
    """The kinds whose model exists in this installation."""
    out = []
    for kind in KINDS.values():
        try:
            kind.model  # noqa: B018 - raises LookupError when the model is not installed
        except LookupError:
            continue
        out.append(kind)
    return out
