"""Patent value scoring after GB/T 42748-2023 (legal, technical and economic value), with the
weights per purpose as data (``data/value_weights.json``) and every number explained.

Each indicator present for a family is normalised to 0–100 by the rule stated in the data file;
a group's score is the weighted mean of its present indicators, and the total the weighted sum of
the groups present. A missing indicator (no claims count, no linked result …) is named, and its
weight is shared among the present ones of its group, so the contributions always add up to the
total.

The facts are read in bulk (:func:`load_facts`), so a portfolio of 100 000 families is scored
without a query per family.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import EventKind, Filing, FilingEvent, IPFamily, LegalStatus, Route
from .terms import add_years, term_end, term_years

DATA = Path(__file__).resolve().parent / "data" / "value_weights.json"
GROUPS = ("legal", "technical", "economic")
GROUP_LABELS = {
    "legal": gettext_lazy("Legal value"),
    "technical": gettext_lazy("Technical value"),
    "economic": gettext_lazy("Economic value"),
}
INDICATOR_LABELS = {
    "legal_status": gettext_lazy("Legal status"),
    "remaining_term": gettext_lazy("Remaining term"),
    "claims_count": gettext_lazy("Claims"),
    "independent_claims": gettext_lazy("Independent claims"),
    "forward_citations": gettext_lazy("Forward citations"),
    "ipc_classes": gettext_lazy("IPC subclasses"),
    "family_size": gettext_lazy("Family size"),
    "family_countries": gettext_lazy("Countries abroad"),
    "transactions": gettext_lazy("Licences, transfers and pledges"),
    "sei": gettext_lazy("Strategic emerging industry"),
}
MISSING_REASONS = {
    "legal_status": gettext_lazy("no filing recorded"),
    "remaining_term": gettext_lazy("no filing date or no fixed term"),
    "claims_count": gettext_lazy("the claims count is not recorded"),
    "independent_claims": gettext_lazy("the independent claims are not recorded"),
    "forward_citations": gettext_lazy("the forward citations are not recorded"),
    "ipc_classes": gettext_lazy("no IPC code recorded"),
    "family_size": gettext_lazy("no filing recorded"),
    "family_countries": gettext_lazy("no filing recorded"),
    "transactions": gettext_lazy("no filing recorded"),
    "sei": gettext_lazy("no linked result"),
}
ENDED = frozenset(
    {
        LegalStatus.EXPIRED,
        LegalStatus.LAPSED,
        LegalStatus.WITHDRAWN,
        LegalStatus.REJECTED,
        LegalStatus.INVALIDATED,
    }
)
IN_FORCE = frozenset({LegalStatus.GRANTED, LegalStatus.REGISTERED})
_PLEDGE_AMOUNT = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*万元")


@cache
def rules() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def purposes() -> list[str]:
    return list(rules()["purposes"])


def purpose_or_default(purpose: str | None) -> str:
    return purpose if purpose in rules()["purposes"] else "licensing"


# --- facts --------------------------------------------------------------------------------


@dataclass
class FamilyFacts:
    """What scoring and the portfolio analytics need of one family, read in bulk."""

    pk: int
    title: str = ""
    reference: str = ""
    ip_type: str = ""
    ipc_codes: list = field(default_factory=list)
    claims_count: int | None = None
    independent_claims: int | None = None
    forward_citations: int | None = None
    result_id: int | None = None
    sei: str = ""  # the linked result's SEI name ("" none)
    industry: str = ""  # the linked result's industry ("" none)
    # the primary (Chinese) filing
    filing_id: int | None = None
    application_number: str = ""
    kind: str = ""
    filing_date: dt.date | None = None
    legal_status: str = ""
    term_extension_days: int = 0
    granted_on: dt.date | None = None
    filings: int = 0
    countries: list = field(default_factory=list)  # outside China
    licences: int = 0
    transfers: int = 0
    pledges: int = 0
    pledge_amount: Decimal | None = None  # the largest pledge, 10 000 yuan

    @property
    def transactions(self) -> int:
        return self.licences + self.transfers + self.pledges


def load_facts(families: QuerySet[IPFamily] | list[IPFamily]) -> list[FamilyFacts]:
    """Facts for every family of ``families`` (a queryset already scoped by a selector, or a
    list of families) in six queries."""
    if isinstance(families, QuerySet):
        ids_query = families.values("pk")
        rows = families.values_list(
            "pk",
            "title",
            "reference",
            "ip_type",
            "ipc_codes",
            "claims_count",
            "independent_claims",
            "forward_citations",
            "result_id",
            "result__sei__name",
            "result__industry__code",
            "result__industry__name",
        )
    else:
        ids_query = [f.pk for f in families]
        rows = IPFamily.objects.filter(pk__in=ids_query).values_list(
            "pk",
            "title",
            "reference",
            "ip_type",
            "ipc_codes",
            "claims_count",
            "independent_claims",
            "forward_citations",
            "result_id",
            "result__sei__name",
            "result__industry__code",
            "result__industry__name",
        )
    facts: dict[int, FamilyFacts] = {}
    for pk, title, ref, ip_type, codes, claims, indep, cites, rid, sei, ind_code, ind in rows:
        facts[pk] = FamilyFacts(
            pk=pk,
            title=title,
            reference=ref,
            ip_type=ip_type,
            ipc_codes=codes or [],
            claims_count=claims,
            independent_claims=indep,
            forward_citations=cites,
            result_id=rid,
            sei=sei or "",
            industry=f"{ind_code} {ind}" if ind_code else "",
        )
    if not facts:
        return []
    filings = (
        Filing.objects.filter(family__in=ids_query)
        .order_by("family_id", "filing_date", "pk")
        .values_list(
            "family_id",
            "pk",
            "route",
            "country",
            "kind",
            "application_number",
            "filing_date",
            "legal_status",
            "term_extension_days",
        )
    )
    primary_ids = {}
    for fam, pk, route, country, kind, number, filed, status, ext in filings:
        item = facts.get(fam)
        if item is None:
            continue
        item.filings += 1
        if country != "CN" and country not in item.countries:
            item.countries.append(country)
        chinese = country == "CN" and route in (Route.CN, Route.NATIONAL_PHASE)
        if item.filing_id is None or (chinese and primary_ids.get(fam) == "other"):
            item.filing_id, item.application_number, item.kind = pk, number, kind
            item.filing_date, item.legal_status, item.term_extension_days = filed, status, ext
            primary_ids[fam] = "cn" if chinese else "other"
    counted = (
        FilingEvent.objects.filter(
            filing__family__in=ids_query,
            kind__in=[EventKind.LICENSED, EventKind.ASSIGNED, EventKind.PLEDGED],
        )
        .values_list("filing__family_id", "kind")
        .annotate(n=Count("pk"))
    )
    for fam, kind, n in counted:
        item = facts.get(fam)
        if item is None:
            continue
        if kind == EventKind.LICENSED:
            item.licences += n
        elif kind == EventKind.ASSIGNED:
            item.transfers += n
        else:
            item.pledges += n
    for fam, note in FilingEvent.objects.filter(
        filing__family__in=ids_query, kind=EventKind.PLEDGED, note__contains="万元"
    ).values_list("filing__family_id", "note"):
        match = _PLEDGE_AMOUNT.search(note)
        item = facts.get(fam)
        if match and item is not None:
            amount = Decimal(match.group(1))
            if item.pledge_amount is None or amount > item.pledge_amount:
                item.pledge_amount = amount
    primary = {item.filing_id: item for item in facts.values() if item.filing_id}
    for filing_id, day in FilingEvent.objects.filter(
        filing__family__in=ids_query, kind=EventKind.GRANTED
    ).values_list("filing_id", "date"):
        item = primary.get(filing_id)
        if item is not None and (item.granted_on is None or day < item.granted_on):
            item.granted_on = day
    return list(facts.values())


def facts_for(family: IPFamily) -> FamilyFacts:
    return load_facts(IPFamily.objects.filter(pk=family.pk))[0]


# --- indicators ---------------------------------------------------------------------------


def _years(start: dt.date, end: dt.date) -> float:
    return (end - start).days / 365.25


def indicator_values(facts: FamilyFacts, today: dt.date) -> dict[str, dict | None]:
    """Each indicator's value and a short text, or None when it is missing."""
    values: dict[str, dict | None] = dict.fromkeys(INDICATOR_LABELS)
    if facts.filings:
        status = facts.legal_status or LegalStatus.PENDING
        values["legal_status"] = {"value": status, "text": str(LegalStatus(status).label)}
        values["family_size"] = {"value": facts.filings, "text": str(facts.filings)}
        values["family_countries"] = {
            "value": len(facts.countries),
            "text": ", ".join(facts.countries) or "—",
        }
        values["transactions"] = {
            "value": facts.transactions,
            "text": _("%(l)d licences, %(t)d transfers, %(p)d pledges")
            % {"l": facts.licences, "t": facts.transfers, "p": facts.pledges},
        }
        if facts.filing_date:
            full = term_years(facts.kind, facts.filing_date)
            end = term_end(facts.kind, facts.filing_date, facts.term_extension_days)
            if full and end:
                left = 0.0 if status in ENDED else max(0.0, _years(today, end))
                values["remaining_term"] = {
                    "value": round(left, 1),
                    "full": full,
                    "text": _("%(left).1f of %(full)d years") % {"left": left, "full": full},
                }
    for name in ("claims_count", "independent_claims", "forward_citations"):
        value = getattr(facts, name)
        if value is not None:
            values[name] = {"value": value, "text": str(value)}
    subclasses = sorted({str(c)[:4] for c in facts.ipc_codes if c})
    if subclasses:
        values["ipc_classes"] = {"value": len(subclasses), "text": ", ".join(subclasses)}
    if facts.result_id:
        values["sei"] = {
            "value": bool(facts.sei),
            "text": facts.sei or _("not in a strategic emerging industry"),
        }
    return values


def normalise(name: str, value: dict) -> float:
    """The 0–100 score of one indicator by its rule in the data file."""
    spec = rules()["indicators"][name]
    rule, raw = spec["rule"], value["value"]
    if rule == "map":
        score = float(spec["map"].get(raw, 0))
    elif rule == "ratio":
        score = 100.0 * raw / value["full"] if value.get("full") else 0.0
    elif rule == "linear":
        score = 100.0 * raw / spec["cap"]
    elif rule == "log":
        score = 100.0 * math.log1p(raw) / math.log1p(spec["cap"])
    elif rule == "flag":
        score = 100.0 if raw else 0.0
    else:  # pragma: no cover - a data error
        raise ValueError(f"unknown rule {rule!r} for {name}")
    return max(0.0, min(100.0, score))


@dataclass
class Score:
    purpose: str
    total: float
    groups: dict[str, float | None]
    items: list[dict]
    missing: list[dict]


def score(facts: FamilyFacts, purpose: str = "licensing", today: dt.date | None = None) -> Score:
    today = today or timezone.localdate()
    purpose = purpose_or_default(purpose)
    config = rules()["purposes"][purpose]
    spec = rules()["indicators"]
    values = indicator_values(facts, today)
    present: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
    missing = []
    for name, value in values.items():
        group = spec[name]["group"]
        weight = float(config["weights"].get(name, 0))
        if value is None:
            missing.append(
                {
                    "name": name,
                    "label": str(INDICATOR_LABELS[name]),
                    "group": group,
                    "weight": weight,
                    "reason": str(MISSING_REASONS[name]),
                }
            )
        elif weight > 0:
            present[group].append((name, normalise(name, value), weight))
    group_weights = {g: float(config["groups"][g]) for g in GROUPS if present.get(g)}
    group_sum = sum(group_weights.values()) or 1.0
    items, groups, total = [], {}, 0.0
    for group in GROUPS:
        members = present.get(group)
        if not members:
            groups[group] = None
            continue
        inner = sum(w for _n, _s, w in members)
        group_share = group_weights[group] / group_sum
        groups[group] = sum(s * w for _n, s, w in members) / inner
        for name, normalised, weight in members:
            effective = group_share * weight / inner
            contribution = normalised * effective
            total += contribution
            items.append(
                {
                    "name": name,
                    "label": str(INDICATOR_LABELS[name]),
                    "group": group,
                    "value": values[name]["value"],
                    "value_text": values[name]["text"],
                    "normalised": round(normalised, 1),
                    "weight": weight,
                    "effective_weight": round(effective, 4),
                    "contribution": contribution,
                    "rule": spec[name]["rule_text"],
                }
            )
    return Score(purpose, total, groups, items, missing)


def score_value(facts: FamilyFacts, purpose: str, today: dt.date) -> float:
    return round(score(facts, purpose, today).total, 1)


# --- the high-value flag ------------------------------------------------------------------


@dataclass
class HighValue:
    eligible: bool  # an invention patent
    in_force: bool
    reasons: list[str]
    not_assessed: list[str]

    @property
    def flag(self) -> bool:
        return self.eligible and self.in_force and bool(self.reasons)

    def as_dict(self) -> dict:
        return {
            "flag": self.flag,
            "eligible": self.eligible,
            "in_force": self.in_force,
            "reasons": self.reasons,
            "not_assessed": self.not_assessed,
        }


def high_value(facts: FamilyFacts, today: dt.date | None = None) -> HighValue:
    """The national statistics' "high-value invention patent": an invention patent in force that
    is in a strategic emerging industry, has an overseas family member, has been maintained for
    more than 10 years, was pledged for a relatively high amount, or won a national award."""
    today = today or timezone.localdate()
    config = rules()["high_value"]
    reasons = []
    if facts.sei:
        reasons.append(
            _("In the strategic emerging industry “%(name)s” (through the linked result).")
            % {"name": facts.sei}
        )
    if facts.countries:
        reasons.append(
            _("Has family members abroad: %(countries)s.")
            % {"countries": ", ".join(facts.countries)}
        )
    in_force = facts.legal_status in IN_FORCE
    if in_force and facts.filing_date:
        years = _years(facts.filing_date, today)
        if today > add_years(facts.filing_date, config["maintained_years"]):
            reasons.append(
                _("Maintained for %(years).1f years since filing (more than %(limit)d).")
                % {"years": years, "limit": config["maintained_years"]}
            )
    threshold = Decimal(str(config["pledge_amount_10k_yuan"]))
    if facts.pledge_amount is not None and facts.pledge_amount >= threshold:
        reasons.append(
            _("Pledged for %(amount)s × 10 000 yuan (at least %(limit)s).")
            % {"amount": facts.pledge_amount, "limit": threshold}
        )
    not_assessed = [_("National science award or China Patent Award: not recorded in Datong.")]
    return HighValue(facts.ip_type in config["ip_types"], in_force, reasons, not_assessed)


# --- the explanation ----------------------------------------------------------------------


def explain(family: IPFamily | FamilyFacts, purpose: str = "licensing", today=None) -> dict:
    """Every indicator with its value, normalised score, weight and contribution; the missing
    indicators; the group scores, the total and the high-value flag with its reasons."""
    facts = family if isinstance(family, FamilyFacts) else facts_for(family)
    today = today or timezone.localdate()
    result = score(facts, purpose, today)
    config = rules()["purposes"][result.purpose]
    items = [dict(item, contribution=round(item["contribution"], 2)) for item in result.items]
    return {
        "family": facts.pk,
        "purpose": result.purpose,
        "purpose_label": config["label_zh"] if _zh() else config["label"],
        "total": round(result.total, 1),
        "groups": [
            {
                "name": g,
                "label": str(GROUP_LABELS[g]),
                "weight": float(config["groups"][g]),
                "score": None if result.groups[g] is None else round(result.groups[g], 1),
            }
            for g in GROUPS
        ],
        "indicators": items,
        "missing": result.missing,
        "high_value": high_value(facts, today).as_dict(),
        "rules": {
            "scheme": rules()["scheme"],
            "version": rules()["version"],
            "source": rules()["source"],
        },
    }


def _zh() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "zh-hans").startswith("zh")


def band(value: float) -> int:
    """The index of the score band (0–20, 20–40 … 80–100)."""
    edges = rules()["bands"]
    for index in range(len(edges) - 1):
        if value < edges[index + 1]:
            return index
    return len(edges) - 2
