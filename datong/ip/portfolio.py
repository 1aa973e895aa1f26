"""Portfolio analytics (专利摸底): how an institution's patents are spread (IPC section, industry,
age, legal status, value band), what their annuities will cost over the next five years, and
which families to offer for licence or to let lapse.

Reads only, scoped by the acting user: :func:`member_institutions` and :func:`portfolio_families`
return nothing the user may not see. Everything is computed from bulk reads
(:func:`datong.ip.scoring.load_facts`), without a query per family.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datong.core.permissions import scope_for, visible_to
from datong.institutions.models import Institution

from . import scoring
from .models import IPFamily, LegalStatus, Renewal, RenewalStatus
from .scoring import ENDED, IN_FORCE, FamilyFacts
from .terms import add_years, term_years

IPC_SECTIONS = {
    "A": gettext_lazy("A Human necessities"),
    "B": gettext_lazy("B Performing operations; transporting"),
    "C": gettext_lazy("C Chemistry; metallurgy"),
    "D": gettext_lazy("D Textiles; paper"),
    "E": gettext_lazy("E Fixed constructions"),
    "F": gettext_lazy("F Mechanical engineering; lighting; heating; weapons"),
    "G": gettext_lazy("G Physics"),
    "H": gettext_lazy("H Electricity"),
}
AGE_BANDS = ((0, 3, "0–2"), (3, 6, "3–5"), (6, 11, "6–10"), (11, 16, "11–15"), (16, 999, "16+"))
OPEN_RENEWALS = (RenewalStatus.DUE, RenewalStatus.REMINDED, RenewalStatus.INSTRUCTED)
YEARS_AHEAD = 5


# --- scoping ------------------------------------------------------------------------------


def member_institutions(user) -> QuerySet[Institution]:
    """The institutions whose portfolio ``user`` may see (all of them for a superuser)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Institution.objects.filter(ip_families__isnull=False).distinct().order_by("name")
    return Institution.objects.filter(pk__in=scope.institution_ids).order_by("name")


def choose_institution(user, slug: str = "") -> Institution | None:
    """The institution named by ``slug`` among the user's (404 for any other), else the user's
    first institution that holds IP families, else their first; None when they have none."""
    institutions = member_institutions(user)
    if slug:
        institution = institutions.filter(slug=slug).first()
        if institution is None:
            raise Http404(_("Not found."))
        return institution
    return institutions.filter(ip_families__isnull=False).first() or institutions.first()


def portfolio_families(*, actor, institution: Institution) -> QuerySet[IPFamily]:
    return visible_to(actor, IPFamily.objects.filter(institution=institution))


# --- annuities ----------------------------------------------------------------------------


def annuity_amount(kind: str, year: int) -> Decimal | None:
    """The estimated CN annuity (yuan) for patent ``year`` of a filing of ``kind``."""
    table = scoring.rules()["annuity_estimate"]["tables"].get(kind)
    for first, last, amount in table or ():
        if first <= year <= last:
            return Decimal(amount)
    return None


def estimated_fees(
    facts: FamilyFacts, today: dt.date, end: dt.date
) -> list[tuple[dt.date, Decimal]]:
    """The annuities of a granted filing in force due from ``today`` to ``end``: patent year n
    falls due on the (n−1)th anniversary of the filing date, until the end of the term."""
    if facts.legal_status not in IN_FORCE or not facts.filing_date:
        return []
    full = term_years(facts.kind, facts.filing_date) or 0
    due = []
    for year in range(2, full + 1):
        day = add_years(facts.filing_date, year - 1)
        if day < today:
            continue
        if day > end:
            break
        amount = annuity_amount(facts.kind, year)
        if amount is not None:
            due.append((day, amount))
    return due


def annuity_burden(
    families: QuerySet[IPFamily], facts: list[FamilyFacts], today: dt.date
) -> tuple[dict, dict[int, Decimal]]:
    """Fees per calendar year for the next five years (Renewal rows where a filing has them, the
    fee table's estimate for granted filings that have none) and the fees per family."""
    years = [today.year + i for i in range(YEARS_AHEAD)]
    end = dt.date(years[-1], 12, 31)
    scheduled = set(
        Renewal.objects.filter(filing__family__in=families.values("pk"))
        .values_list("filing_id", flat=True)
        .distinct()
    )
    per_year = {y: {"renewals": Decimal("0"), "estimate": Decimal("0")} for y in years}
    per_family: dict[int, Decimal] = defaultdict(Decimal)
    for family_id, due, amount, reduced in Renewal.objects.filter(
        filing__family__in=families.values("pk"),
        due_date__gte=today,
        due_date__lte=end,
        status__in=OPEN_RENEWALS,
    ).values_list("filing__family_id", "due_date", "amount", "reduced_amount"):
        value = reduced if reduced is not None else amount
        per_year[due.year]["renewals"] += value
        per_family[family_id] += value
    for item in facts:
        if item.filing_id in scheduled:
            continue
        for due, amount in estimated_fees(item, today, end):
            per_year[due.year]["estimate"] += amount
            per_family[item.pk] += amount
    return (
        {
            "years": [str(y) for y in years],
            "renewals": [float(per_year[y]["renewals"]) for y in years],
            "estimate": [float(per_year[y]["estimate"]) for y in years],
            "total": float(sum(v["renewals"] + v["estimate"] for v in per_year.values())),
            "source": scoring.rules()["annuity_estimate"]["source"],
        },
        per_family,
    )


# --- analytics ----------------------------------------------------------------------------


@dataclass
class Candidate:
    pk: int
    reference: str
    title: str
    application_number: str
    legal_status: str
    filing_date: dt.date | None
    score: float
    fees: Decimal
    transactions: int
    high_value: bool

    @property
    def status_label(self) -> str:
        return str(dict(LegalStatus.choices).get(self.legal_status, self.legal_status))

    def as_dict(self) -> dict:
        return {
            "id": self.pk,
            "reference": self.reference,
            "title": self.title,
            "application_number": self.application_number,
            "legal_status": self.legal_status,
            "filing_date": self.filing_date.isoformat() if self.filing_date else None,
            "score": self.score,
            "fees_5y": float(self.fees),
            "transactions": self.transactions,
            "high_value": self.high_value,
        }


def _pairs(counter: Counter, order=None, labels=None) -> list[dict]:
    keys = order if order is not None else [k for k, _v in counter.most_common()]
    return [{"name": str((labels or {}).get(k, k)), "value": counter.get(k, 0)} for k in keys]


def analytics(
    families: QuerySet[IPFamily], *, purpose: str = "licensing", today: dt.date | None = None
) -> dict:
    """Every number of the portfolio page (JSON-ready), plus the candidate lists."""
    today = today or timezone.localdate()
    purpose = scoring.purpose_or_default(purpose)
    facts = scoring.load_facts(families)
    fees, per_family = annuity_burden(families, facts, today)
    config = scoring.rules()["candidates"]
    ipc, industry, age, status, bands = Counter(), Counter(), Counter(), Counter(), Counter()
    scores: dict[str, dict[int, float]] = {p: {} for p in scoring.purposes()}
    high_values = 0
    market, lapse = [], []
    for item in facts:
        for name in scores:
            scores[name][item.pk] = scoring.score_value(item, name, today)
        section = str(item.ipc_codes[0])[:1] if item.ipc_codes else ""
        ipc[section if section in IPC_SECTIONS else "?"] += 1
        industry[item.industry or "—"] += 1
        if item.filing_date:
            years = int((today - item.filing_date).days // 365.25)
            label = next(lbl for low, high, lbl in AGE_BANDS if low <= years < high)
            age[label] += 1
        status[item.legal_status or LegalStatus.PENDING] += 1
        value = scores[purpose][item.pk]
        bands[scoring.band(value)] += 1
        flag = scoring.high_value(item, today).flag
        high_values += flag
        candidate = Candidate(
            item.pk,
            item.reference,
            item.title,
            item.application_number,
            item.legal_status,
            item.filing_date,
            0.0,
            per_family.get(item.pk, Decimal("0")),
            item.transactions,
            flag,
        )
        market_score = scores[config["market"]["purpose"]][item.pk]
        if (
            market_score >= config["market"]["min_score"]
            and item.legal_status not in ENDED
            and item.licences + item.transfers == 0
        ):
            market.append((candidate, market_score))
        lapse_score = scores[config["lapse"]["purpose"]][item.pk]
        if (
            lapse_score <= config["lapse"]["max_score"]
            and item.legal_status in IN_FORCE
            and candidate.fees >= config["lapse"]["min_fees"]
        ):
            lapse.append((candidate, lapse_score))
    market.sort(key=lambda c: (-c[1], c[0].pk))
    lapse.sort(key=lambda c: (-c[0].fees, c[1], c[0].pk))
    for group in (market, lapse):
        for candidate, value in group:
            candidate.score = value
    edges = scoring.rules()["bands"]
    band_labels = {i: f"{edges[i]}–{edges[i + 1]}" for i in range(len(edges) - 1)}
    status_order = [s for s in LegalStatus.values if status.get(s)]
    return {
        "institution_families": len(facts),
        "purpose": purpose,
        "totals": {
            "families": len(facts),
            "in_force": sum(status[s] for s in IN_FORCE),
            "pending": sum(
                status[s]
                for s in (LegalStatus.PENDING, LegalStatus.PUBLISHED, LegalStatus.EXAMINATION)
            ),
            "ended": sum(status[s] for s in ENDED),
            "high_value": high_values,
            "fees_5y": fees["total"],
            "market": len(market),
            "lapse": len(lapse),
        },
        "charts": {
            "ipc": _pairs(
                ipc,
                order=[s for s in [*IPC_SECTIONS, "?"] if ipc.get(s)],
                labels={**IPC_SECTIONS, "?": _("No IPC code")},
            ),
            "industry": _pairs(industry, labels={"—": _("No linked result")}),
            "age": _pairs(age, order=[lbl for _l, _h, lbl in AGE_BANDS]),
            "status": _pairs(
                status, order=status_order, labels={s.value: s.label for s in LegalStatus}
            ),
            "score": _pairs(bands, order=list(band_labels), labels=band_labels),
            "annuities": fees,
        },
        "market": [c for c, _v in market],
        "lapse": [c for c, _v in lapse],
        "market_total": len(market),
        "lapse_total": len(lapse),
    }


def candidates(families: QuerySet[IPFamily], kind: str, today: dt.date | None = None) -> list:
    data = analytics(families, today=today)
    return data["market"] if kind == "market" else data["lapse"]


CANDIDATE_HEADERS = (
    gettext_lazy("Reference"),
    gettext_lazy("Title"),
    gettext_lazy("Application number"),
    gettext_lazy("Legal status"),
    gettext_lazy("Filing date"),
    gettext_lazy("Score"),
    gettext_lazy("Annuities, next 5 years (yuan)"),
    gettext_lazy("Licences, transfers and pledges"),
    gettext_lazy("High-value patent"),
)


def candidate_rows(items: list[Candidate]):
    labels = dict(LegalStatus.choices)
    for c in items:
        yield (
            c.reference,
            c.title,
            c.application_number,
            str(labels.get(c.legal_status, c.legal_status)),
            c.filing_date.isoformat() if c.filing_date else "",
            c.score,
            float(c.fees),
            c.transactions,
            _("yes") if c.high_value else "",
        )
