"""Read-only helpers of the IP record pages: choices, the family tree, ownership, costs and
events arranged for display. They read only through selectors (or from records a selector
already returned)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datong.core.permissions import scope_for
from datong.institutions import selectors as institution_selectors
from datong.institutions.models import InstitutionKind
from datong.results import selectors as result_selectors

from . import selectors
from .models import Filing, IPFamily, LegalStatus, Relation
from .terms import term_end

#: Sort orders of the family list (keys understood by ``selectors.family_list``).
SORTS = (
    ("-created", gettext_lazy("Newest first")),
    ("title", gettext_lazy("Title")),
    ("reference", gettext_lazy("Docket reference")),
)

#: Filing kinds, labelled (the service's ``KINDS``).
KIND_LABELS = {
    "invention": gettext_lazy("Invention"),
    "utility_model": gettext_lazy("Utility model"),
    "design": gettext_lazy("Design"),
    "pct_invention": gettext_lazy("PCT invention entering China"),
    "pct_utility_model": gettext_lazy("PCT utility model entering China"),
    "software_copyright": gettext_lazy("Software copyright"),
    "ic_layout": gettext_lazy("IC layout design"),
    "plant_variety": gettext_lazy("Plant variety"),
    "biomedical_variety": gettext_lazy("Biomedical variety"),
}

#: The tone of a legal-status badge.
STATUS_TONES = {
    LegalStatus.PENDING: "wait",
    LegalStatus.PUBLISHED: "wait",
    LegalStatus.EXAMINATION: "wait",
    LegalStatus.GRANTED: "ok",
    LegalStatus.REGISTERED: "ok",
    LegalStatus.EXPIRED: "off",
    LegalStatus.LAPSED: "bad",
    LegalStatus.WITHDRAWN: "off",
    LegalStatus.REJECTED: "bad",
    LegalStatus.INVALIDATED: "bad",
}


def kind_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in KIND_LABELS.items()]


def kind_label(code: str) -> str:
    return str(KIND_LABELS.get(code, code))


def ip_type_choices() -> list[tuple[str, str]]:
    return [(c.code, c.display_name) for c in result_selectors.classifications("IP")]


def ip_type_labels() -> dict[str, str]:
    return dict(ip_type_choices())


def is_office(actor) -> bool:
    scope = scope_for(actor)
    return scope.is_superuser or bool(scope.staff_institution_ids)


def is_staff_of(actor, institution_id: int) -> bool:
    return scope_for(actor).is_staff_of(institution_id)


def staff_institutions(actor):
    """The institutions whose IP records the user may write (every one for a superuser)."""
    visible = institution_selectors.institution_list(actor=actor)
    if actor.is_superuser:
        return visible.exclude(kind=InstitutionKind.SERVICE_PROVIDER)
    return visible.filter(pk__in=sorted(scope_for(actor).staff_institution_ids))


def agencies(actor):
    """Patent agencies: the service providers of the directory."""
    return institution_selectors.institution_list(
        actor=actor, kind=InstitutionKind.SERVICE_PROVIDER
    )


def results_of(actor, institutions):
    """Results the family may be linked to: those of the given institutions the user sees."""
    ids = [i.pk for i in institutions]
    return result_selectors.result_list(actor=actor).filter(institution_id__in=ids)


# --- the list --------------------------------------------------------------------------------


def attach_filings(actor, families) -> list[IPFamily]:
    """Give each family of a page its filings (``family.filing_rows``) in one query."""
    families = list(families)
    by_family: dict[int, list[Filing]] = defaultdict(list)
    if families:
        rows = selectors.filing_list(actor=actor).filter(family__in=[f.pk for f in families])
        for filing in rows.order_by("filing_date", "pk"):
            by_family[filing.family_id].append(filing)
    for family in families:
        family.filing_rows = by_family.get(family.pk, [])
        family.statuses = statuses_of(family.filing_rows)
    return families


def statuses_of(filings) -> list[tuple[str, str, str]]:
    """(status, label, tone) of the distinct legal statuses of some filings, in their order."""
    seen = []
    for filing in filings:
        if filing.legal_status not in seen:
            seen.append(filing.legal_status)
    return [(s, str(LegalStatus(s).label), STATUS_TONES.get(s, "wait")) for s in seen]


def export_rows(actor, families):
    labels = ip_type_labels()
    families = list(families.iterator(chunk_size=500))
    for chunk_start in range(0, len(families), 500):
        chunk = attach_filings(actor, families[chunk_start : chunk_start + 500])
        for family in chunk:
            yield (
                family.reference,
                family.title,
                family.title_en,
                labels.get(family.ip_type, family.ip_type),
                family.institution.display_name,
                "; ".join(family.ipc_codes or []),
                "; ".join(family.inventors or []),
                "; ".join(
                    f"{f.country} {f.application_number}".strip() for f in family.filing_rows
                ),
                "; ".join(label for _s, label, _t in family.statuses),
                family.claims_count,
                family.forward_citations,
                family.result.number if family.result_id else "",
                family.created_at.date().isoformat(),
            )


# --- the detail page -------------------------------------------------------------------------


@dataclass
class FilingRow:
    filing: Filing
    depth: int = 0
    relation: str = ""
    events: list = field(default_factory=list)
    costs: list = field(default_factory=list)
    cost_total: Decimal = Decimal("0.00")
    term_end: object = None
    tone: str = "wait"


def family_tree(filings: list[Filing]) -> list[FilingRow]:
    """The filings in tree order: each root, then the filings that claim it as parent, indented."""
    ids = {f.pk for f in filings}
    children: dict[int | None, list[Filing]] = defaultdict(list)
    for filing in filings:
        parent = filing.parent_id if filing.parent_id in ids else None
        children[parent].append(filing)
    rows: list[FilingRow] = []
    seen: set[int] = set()

    def walk(parent_id, depth):
        for filing in children.get(parent_id, []):
            if filing.pk in seen:
                continue
            seen.add(filing.pk)
            relation = Relation(filing.relation).label if filing.relation else ""
            rows.append(
                FilingRow(filing=filing, depth=depth, relation=str(relation) if depth else "")
            )
            walk(filing.pk, depth + 1)

    walk(None, 0)
    for filing in filings:  # a cycle left out by the walk still shows
        if filing.pk not in seen:
            rows.append(FilingRow(filing=filing))
    return rows


def filing_rows(filings: list[Filing]) -> list[FilingRow]:
    """The family's filings in tree order, each with its events, costs and term end."""
    rows = family_tree(filings)
    for row in rows:
        f = row.filing
        row.events = sorted(f.events.all(), key=lambda e: (e.date, e.pk), reverse=True)
        row.costs = list(f.costs.all())
        row.cost_total = sum((c.amount for c in row.costs), Decimal("0.00"))
        row.term_end = term_end(f.kind, f.filing_date, f.term_extension_days)
        row.tone = STATUS_TONES.get(f.legal_status, "wait")
    return rows


def ownership_rows(family: IPFamily) -> list[dict]:
    """The ownership periods, newest first, with their holders and whether each is open."""
    rows = []
    for period in family.ownership.all().order_by("-start", "-pk"):
        rows.append(
            {
                "period": period,
                "open": period.end is None,
                "holders": [
                    {"name": h.get("name", ""), "share": Decimal(str(h.get("share", "0")))}
                    for h in period.holders or []
                ],
            }
        )
    return rows


def current_holders(family: IPFamily) -> list[dict]:
    period = family.ownership.filter(end__isnull=True).first()
    return [
        {"name": h.get("name", ""), "share": Decimal(str(h.get("share", "0")))}
        for h in (period.holders if period else [])
    ]


def cost_summary(rows: list[FilingRow]) -> dict:
    by_kind: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for row in rows:
        for cost in row.costs:
            by_kind[cost.get_kind_display()] += cost.amount
    return {
        "total": sum((r.cost_total for r in rows), Decimal("0.00")),
        "by_kind": sorted(by_kind.items(), key=lambda kv: -kv[1]),
    }


def filing_label(filing: Filing) -> str:
    number = filing.application_number or _("no number yet")
    return f"{filing.country} {number} · {kind_label(filing.kind)}"
