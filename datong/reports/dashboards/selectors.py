"""Scoped reads of the dashboards: an institution's series, an alliance's member aggregates and
the cooperation agreements.

Every series is an aggregate computed with a few ``GROUP BY`` queries per source table
(contracts, payments, parties, results, …), never by loading rows into Python, so the
institution dashboard stays under two seconds with a million contracts (see
``docs/dashboards.md``). Nothing here returns another institution's rows: the alliance view
returns counts and sums per member only.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import (
    CharField,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Concat, ExtractYear, Substr
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from datong.cases.models import CaseStage, MatchCase
from datong.core.permissions import (
    get_visible_or_404,
    require_alliance_view,
    scope_for,
    visible_to,
)
from datong.deals.income.models import Channel, DealType, DistributionStatus, Reward
from datong.deals.models import (
    Contract,
    ContractParty,
    ContractStatus,
    ContractType,
    PartyRole,
    Payment,
)
from datong.institutions.models import Alliance, Department, Institution
from datong.institutions.regions import PROVINCES, province_name
from datong.ip.models import EventKind, Filing, FilingEvent, IPFamily
from datong.market.models import Demand, DemandStatus, Listing
from datong.poc.models import Application, ApplicationStatus, FundingRequest, Programme
from datong.providers.models import ProviderProfile
from datong.results.models import Classification, Decision, Disclosure, Scheme
from datong.ventures.models import Company

from .models import AgreementYear, CooperationAgreement

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
#: Contracts that count as deals: signed (later completed or terminated).
DEAL_STATUSES = (ContractStatus.SIGNED, ContractStatus.COMPLETED, ContractStatus.TERMINATED)
#: Filing events that count as a grant (patents) or a registration (copyright, layouts, varieties).
GRANT_EVENTS = (EventKind.GRANTED, EventKind.REGISTERED)
#: Applications counted as awarded (an award renounced later was still awarded).
AWARDED_STATUSES = (ApplicationStatus.AWARDED, ApplicationStatus.RENOUNCED)
#: How far back the dashboard looks by default.
DEFAULT_YEARS = 5
#: The unclassified bucket of the industry and region tables.
UNKNOWN = "?"

COUNT, YUAN, PERCENT = "count", "yuan", "percent"


def metric_labels() -> dict[str, tuple[str, str]]:
    """Every figure of the dashboard: key → (label, unit)."""
    return {
        "disclosures": (_("Disclosures"), COUNT),
        "filings": (_("IP filings"), COUNT),
        "grants": (_("Grants and registrations"), COUNT),
        "applications": (_("Programme applications"), COUNT),
        "awarded": (_("Applications awarded"), COUNT),
        "awarded_amount": (_("Funding awarded"), YUAN),
        "listings": (_("Listings published"), COUNT),
        "cases": (_("Match cases opened"), COUNT),
        "deals": (_("Contracts signed"), COUNT),
        "contract_amount": (_("Contract amount"), YUAN),
        "received": (_("Payments received"), YUAN),
        "reward_cash": (_("Cash rewards"), YUAN),
        "reward_credit": (_("Rewards credited to research accounts"), YUAN),
        "reward_equity": (_("Equity rewards (person-times)"), COUNT),
        "reward_people": (_("Reward person-times"), COUNT),
        "companies": (_("Companies founded"), COUNT),
    }


YEAR_METRICS = tuple(metric_labels())
TYPE_METRICS = ("deals", "contract_amount", "received")
INDUSTRY_METRICS = (
    "disclosures",
    "filings",
    "listings",
    "deals",
    "contract_amount",
    "reward_people",
    "companies",
)
REGION_METRICS = ("deals", "contract_amount", "companies")
REWARD_METRICS = ("reward_people", "amount", "shares")


# --- helpers -----------------------------------------------------------------------------------


def _money(value) -> Decimal:
    if value is None:
        return ZERO
    if not isinstance(value, Decimal):
        value = Decimal(str(round(float(value), 2)))
    return value.quantize(CENT)


def _bounds(year_from: int, year_to: int) -> tuple[dt.date, dt.date, dt.datetime, dt.datetime]:
    start, end = dt.date(year_from, 1, 1), dt.date(year_to + 1, 1, 1)
    tz = timezone.get_current_timezone()
    return (
        start,
        end,
        dt.datetime(year_from, 1, 1, tzinfo=tz),
        dt.datetime(year_to + 1, 1, 1, tzinfo=tz),
    )


def _section(path: str = "") -> Coalesce:
    """The GB/T 4754 section (A–T) of the industry at ``path`` (a division's parent)."""
    return Coalesce(
        F(f"{path}industry__parent__code"),
        F(f"{path}industry__code"),
        Value(UNKNOWN),
        output_field=CharField(),
    )


def _province(field: str) -> Concat:
    """The province code (``xx0000``) of a GB/T 2260 region code of any depth."""
    return Concat(Substr(field, 1, 2), Value("0000"), output_field=CharField())


def _industry_names() -> dict[str, str]:
    names = {
        code: f"{code} {Classification(name=name, name_en=name_en).display_name}"
        for code, name, name_en in Classification.objects.filter(
            scheme=Scheme.INDUSTRY, parent__isnull=True
        ).values_list("code", "name", "name_en")
    }
    names[UNKNOWN] = _("Not classified")
    return names


def _province_names() -> dict[str, str]:
    language = get_language() or "zh-hans"
    names = {code: province_name(code, language) for code, _zh, _en in PROVINCES}
    names[UNKNOWN] = _("Not recorded")
    return names


def _distinct_groups(qs: QuerySet, *, row: str, group, amount: str | None = None) -> dict:
    """``{group: (rows, amount)}`` counting each ``row`` once per group even when a join
    repeats it (a contract with two buyers in one province, two results in one industry)."""
    fields = {"rid": F(row), "grp": group}
    if amount:
        fields["amt"] = F(amount)
    inner = qs.order_by().values(**fields).distinct()
    sql, params = inner.query.sql_with_params()
    amount_sql = "SUM(t.amt)" if amount else "0"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.grp, COUNT(*), {amount_sql} FROM ({sql}) t GROUP BY t.grp",  # noqa: S608
            params,
        )
        return {grp or UNKNOWN: (n, _money(total)) for grp, n, total in cursor.fetchall()}


def _table(key: str, title: str, dimension: str, columns, rows) -> dict:
    labels = metric_labels()
    extra = {"amount": (_("Amount"), YUAN), "shares": (_("Shares (%)"), PERCENT)}
    return {
        "key": key,
        "title": title,
        "dimension": dimension,
        "columns": [
            {
                "key": c,
                "label": str((labels.get(c) or extra[c])[0]),
                "unit": (labels.get(c) or extra[c])[1],
            }
            for c in columns
        ],
        "rows": rows,
    }


def _empty(columns) -> dict:
    units = {k: u for k, (_l, u) in metric_labels().items()}
    units.update({"amount": YUAN, "shares": PERCENT})
    return {c: (ZERO if units[c] in (YUAN, PERCENT) else 0) for c in columns}


def default_years(today: dt.date | None = None) -> tuple[int, int]:
    year = (today or timezone.localdate()).year
    return year - DEFAULT_YEARS + 1, year


# --- who may see what --------------------------------------------------------------------------


def can_see_dashboard(user) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.staff_institution_ids)


def dashboard_institutions(*, actor) -> QuerySet[Institution]:
    """The institutions whose dashboard the actor may open: where they work in the office (a
    site administrator: every university and research institute, and any that has records)."""
    scope = scope_for(actor)
    if scope.is_superuser:
        return Institution.objects.filter(
            Q(kind__in=("university", "research_institute"))
            | Q(pk__in=Contract.objects.values("institution_id"))
        ).order_by("name")
    return Institution.objects.filter(pk__in=sorted(scope.staff_institution_ids)).order_by("name")


def dashboard_institution(*, actor, slug: str = "") -> Institution:
    """The institution asked for (or the actor's first one); 404 outside the actor's reach."""
    qs = dashboard_institutions(actor=actor)
    item = qs.filter(slug=slug).first() if slug else qs.first()
    if item is None:
        if slug and scope_for(actor).is_superuser:
            return get_object_or_404(Institution, slug=slug)
        raise Http404(_("Not found."))
    return item


def _check(actor, institution: Institution, year_from: int, year_to: int, department):
    if not scope_for(actor).is_staff_of(institution.pk):
        raise Http404(_("Not found."))
    errors = {}
    if not (1949 <= int(year_from) <= 2100 and 1949 <= int(year_to) <= 2100):
        errors["year_from"] = _("Enter years between 1949 and 2100.")
    elif int(year_to) < int(year_from):
        errors["year_to"] = _("The last year cannot come before the first.")
    elif int(year_to) - int(year_from) > 50:
        errors["year_to"] = _("Choose at most 50 years.")
    dept_id = getattr(department, "pk", department)
    if dept_id not in (None, ""):
        try:
            dept_id = int(dept_id)
        except (TypeError, ValueError):
            dept_id = None
        if (
            dept_id is None
            or not Department.objects.filter(pk=dept_id, institution_id=institution.pk).exists()
        ):
            errors["department"] = _("Choose a department of this institution.")
    else:
        dept_id = None
    if errors:
        raise ValidationError(errors)
    return int(year_from), int(year_to), dept_id


# --- the institution dashboard -----------------------------------------------------------------


def institution_dashboard(
    *, actor, institution: Institution, year_from: int, year_to: int, department=None
) -> dict:
    """Every series of the institution's dashboard for the years ``year_from``–``year_to``
    (and one department, by id or instance): by year, by type, by industry section, by buyer /
    landing province, and the conversion funnel. Aggregates only."""
    year_from, year_to, dept = _check(actor, institution, year_from, year_to, department)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The joins of a million contracts with their payments and parties hash in memory
            # instead of spilling to disk in batches (this transaction only).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '128MB'")
        return _dashboard(institution, year_from, year_to, dept)


def _dashboard(institution: Institution, year_from: int, year_to: int, dept: int | None) -> dict:
    start, end, start_at, end_at = _bounds(year_from, year_to)
    years = list(range(year_from, year_to + 1))
    by_year = {y: _empty(YEAR_METRICS) for y in years}
    by_industry: dict[str, dict] = defaultdict(lambda: _empty(INDUSTRY_METRICS))
    by_region: dict[str, dict] = defaultdict(lambda: _empty(REGION_METRICS))
    pk = institution.pk

    # Disclosures, by the year they were first submitted.
    disclosures = Disclosure.objects.filter(
        institution_id=pk, submitted_at__gte=start_at, submitted_at__lt=end_at
    )
    if dept:
        disclosures = disclosures.filter(department_id=dept)
    decisions: dict[str, int] = defaultdict(int)
    for row in (
        disclosures.order_by()
        .values(y=ExtractYear("submitted_at"), d=F("decision"), s=_section())
        .annotate(n=Count("pk"))
    ):
        by_year[row["y"]]["disclosures"] += row["n"]
        decisions[row["d"] or ""] += row["n"]
        by_industry[row["s"]]["disclosures"] += row["n"]

    # IP: filings by filing date, grants and registrations by the event's date.
    filings = Filing.objects.filter(
        family__institution_id=pk, filing_date__gte=start, filing_date__lt=end
    )
    grants = FilingEvent.objects.filter(
        filing__family__institution_id=pk, kind__in=GRANT_EVENTS, date__gte=start, date__lt=end
    )
    if dept:
        filings = filings.filter(family__result__department_id=dept)
        grants = grants.filter(filing__family__result__department_id=dept)
    ip_types: dict[str, dict] = defaultdict(lambda: {"filings": 0, "grants": 0})
    for row in (
        filings.order_by()
        .values(y=ExtractYear("filing_date"), k=F("kind"), s=_section("family__result__"))
        .annotate(n=Count("pk"))
    ):
        by_year[row["y"]]["filings"] += row["n"]
        ip_types[row["k"]]["filings"] += row["n"]
        by_industry[row["s"]]["filings"] += row["n"]
    for row in (
        grants.order_by().values(y=ExtractYear("date"), k=F("filing__kind")).annotate(n=Count("pk"))
    ):
        by_year[row["y"]]["grants"] += row["n"]
        ip_types[row["k"]]["grants"] += row["n"]

    # Programmes: applications handed in, and those awarded (by the decision's year).
    applications = Application.objects.filter(institution_id=pk)
    if dept:
        applications = applications.filter(department_id=dept)
    programmes: dict[int, dict] = defaultdict(
        lambda: _empty(("applications", "awarded", "awarded_amount"))
    )
    for row in (
        applications.filter(submitted_at__gte=start_at, submitted_at__lt=end_at)
        .order_by()
        .values(y=ExtractYear("submitted_at"), p=F("call__programme_id"))
        .annotate(n=Count("pk"))
    ):
        by_year[row["y"]]["applications"] += row["n"]
        programmes[row["p"]]["applications"] += row["n"]
    awarded = applications.filter(
        status__in=AWARDED_STATUSES, decided_at__gte=start_at, decided_at__lt=end_at
    )
    for row in (
        awarded.order_by()
        .values(y=ExtractYear("decided_at"), p=F("call__programme_id"))
        .annotate(n=Count("pk"))
    ):
        by_year[row["y"]]["awarded"] += row["n"]
        programmes[row["p"]]["awarded"] += row["n"]
    for row in (
        FundingRequest.objects.filter(application__in=awarded.values("pk"))
        .order_by()
        .values(y=ExtractYear("application__decided_at"), p=F("application__call__programme_id"))
        .annotate(a=Sum("awarded"))
    ):
        by_year[row["y"]]["awarded_amount"] += _money(row["a"])
        programmes[row["p"]]["awarded_amount"] += _money(row["a"])

    # Listings by the year first published; match cases by the year opened.
    listings = Listing.objects.filter(
        institution_id=pk, published_at__gte=start_at, published_at__lt=end_at
    )
    cases = MatchCase.objects.filter(
        institution_id=pk, created_at__gte=start_at, created_at__lt=end_at
    )
    if dept:
        listings = listings.filter(result__department_id=dept)
        cases = cases.filter(listing__result__department_id=dept)
    for row in (
        listings.order_by()
        .values(y=ExtractYear("published_at"), s=_section("result__"))
        .annotate(n=Count("pk"))
    ):
        by_year[row["y"]]["listings"] += row["n"]
        by_industry[row["s"]]["listings"] += row["n"]
    stages: dict[str, int] = defaultdict(int)
    for row in (
        cases.order_by().values(y=ExtractYear("created_at"), st=F("stage")).annotate(n=Count("pk"))
    ):
        by_year[row["y"]]["cases"] += row["n"]
        stages[row["st"]] += row["n"]

    # Deals: contracts signed, by year and type; payments received, by year and type.
    def deal_filter(prefix: str = "") -> Q:
        condition = Q(
            **{
                f"{prefix}institution_id": pk,
                f"{prefix}status__in": DEAL_STATUSES,
                f"{prefix}signed_on__gte": start,
                f"{prefix}signed_on__lt": end,
            }
        )
        if dept:
            condition &= Q(**{f"{prefix}pk__in": _contracts_in(dept)})
        return condition

    payments = Payment.objects.filter(
        contract__institution_id=pk, received_on__gte=start, received_on__lt=end
    )
    if dept:
        payments = payments.filter(contract_id__in=_contracts_in(dept))
    types: dict[str, dict] = defaultdict(lambda: _empty(TYPE_METRICS))
    for row in (
        Contract.objects.filter(deal_filter())
        .order_by()
        .values(y=ExtractYear("signed_on"), t=F("contract_type"))
        .annotate(n=Count("pk"), a=Sum("amount"))
    ):
        by_year[row["y"]]["deals"] += row["n"]
        by_year[row["y"]]["contract_amount"] += _money(row["a"])
        types[row["t"]]["deals"] += row["n"]
        types[row["t"]]["contract_amount"] += _money(row["a"])
    for row in (
        payments.order_by()
        .values(y=ExtractYear("received_on"), t=F("contract__contract_type"))
        .annotate(a=Sum("amount"))
    ):
        by_year[row["y"]]["received"] += _money(row["a"])
        types[row["t"]]["received"] += _money(row["a"])
    # Where deals land (each buyer's province) and the industries they serve (their results').
    buyers = ContractParty.objects.filter(deal_filter("contract__"), role=PartyRole.BUYER)
    for code, (n, amount) in _distinct_groups(
        buyers, row="contract_id", group=_province("region"), amount="contract__amount"
    ).items():
        code = code if code != "0000" else UNKNOWN
        by_region[code]["deals"] += n
        by_region[code]["contract_amount"] += amount
    links = Contract.results.through.objects.filter(deal_filter("contract__"))
    for code, (n, amount) in _distinct_groups(
        links, row="contract_id", group=_section("result__"), amount="contract__amount"
    ).items():
        by_industry[code]["deals"] += n
        by_industry[code]["contract_amount"] += amount

    # Rewards of executed distributions, by the year paid (or decided): cash, credit, equity.
    rewards = (
        Reward.objects.filter(
            distribution__institution_id=pk, distribution__status=DistributionStatus.EXECUTED
        )
        .annotate(day=Coalesce("paid_on", "distribution__decided_on", output_field=DateField()))
        .filter(day__gte=start, day__lt=end)
    )
    if dept:
        rewards = rewards.filter(distribution__result__department_id=dept)
    reward_kinds: dict[str, dict] = defaultdict(lambda: _empty(REWARD_METRICS))
    for row in (
        rewards.order_by()
        .values(
            y=ExtractYear("day"),
            deal=F("distribution__deal_type"),
            ch=F("channel"),
            s=_section("distribution__result__"),
        )
        .annotate(n=Count("pk"), a=Sum("amount"), sh=Sum("shares"))
    ):
        kind = "equity" if row["deal"] == DealType.EQUITY else row["ch"]
        year = by_year[row["y"]]
        year["reward_people"] += row["n"]
        if kind == "equity":
            year["reward_equity"] += row["n"]
        elif kind == Channel.RESEARCH_ACCOUNT:
            year["reward_credit"] += _money(row["a"])
        else:
            year["reward_cash"] += _money(row["a"])
        reward_kinds[kind]["reward_people"] += row["n"]
        reward_kinds[kind]["amount"] += _money(row["a"])
        reward_kinds[kind]["shares"] += Decimal(row["sh"] or 0)
        by_industry[row["s"]]["reward_people"] += row["n"]

    # Companies founded (incorporated), where they land and their industry.
    companies = Company.objects.filter(
        institution_id=pk, incorporated_on__gte=start, incorporated_on__lt=end
    )
    if dept:
        companies = companies.filter(
            pk__in=Company.results.through.objects.filter(result__department_id=dept).values(
                "company_id"
            )
        )
    for row in (
        companies.order_by()
        .values(y=ExtractYear("incorporated_on"), r=_province("region"), s=_section())
        .annotate(n=Count("pk"))
    ):
        by_year[row["y"]]["companies"] += row["n"]
        by_region[row["r"] if row["r"] != "0000" else UNKNOWN]["companies"] += row["n"]
        by_industry[row["s"]]["companies"] += row["n"]

    funnel = _funnel(disclosures)
    totals = _empty(YEAR_METRICS)
    for values in by_year.values():
        for key in YEAR_METRICS:
            totals[key] += values[key]
    return {
        "institution": institution,
        "year_from": year_from,
        "year_to": year_to,
        "department": dept,
        "years": years,
        "totals": totals,
        "funnel": funnel,
        "tables": _tables(
            by_year,
            types,
            ip_types,
            decisions,
            programmes,
            stages,
            reward_kinds,
            by_industry,
            by_region,
        ),
    }


def _contracts_in(dept: int) -> QuerySet:
    """Ids of the contracts with at least one result of the department."""
    return Contract.results.through.objects.filter(result__department_id=dept).values("contract_id")


def _funnel(disclosures: QuerySet[Disclosure]) -> list[dict]:
    """How far the disclosures of the period went: each stage counts the disclosures whose
    result reached it or a later one, so the funnel never widens."""
    result = OuterRef("result_id")
    deal_links = Contract.results.through.objects.filter(
        result_id=result, contract__status__in=DEAL_STATUSES
    )
    qs = disclosures.annotate(
        has_ip=Exists(IPFamily.objects.filter(result_id=result)),
        has_listing=Exists(Listing.objects.filter(result_id=result, published_at__isnull=False)),
        has_case=Exists(MatchCase.objects.filter(listing__result_id=result)),
        has_deal=Exists(deal_links)
        | Exists(MatchCase.objects.filter(listing__result_id=result, stage=CaseStage.DEAL)),
    )
    deal = Q(has_deal=True)
    interest = deal | Q(has_case=True)
    listed = interest | Q(has_listing=True)
    protected = listed | Q(has_ip=True)
    counts = qs.order_by().aggregate(
        disclosed=Count("pk"),
        protected=Count("pk", filter=protected),
        listed=Count("pk", filter=listed),
        interest=Count("pk", filter=interest),
        deal=Count("pk", filter=deal),
    )
    labels = {
        "disclosed": _("Disclosed"),
        "protected": _("IP filed"),
        "listed": _("Listed"),
        "interest": _("Enterprise interest"),
        "deal": _("Deal"),
    }
    stages, previous, first = [], None, counts["disclosed"]
    for key, label in labels.items():
        value = counts[key]
        stages.append(
            {
                "key": key,
                "label": str(label),
                "value": value,
                "of_first": round(100 * value / first, 1) if first else None,
                "of_previous": round(100 * value / previous, 1) if previous else None,
            }
        )
        previous = value
    return stages


def funnel_table(funnel: list[dict]) -> dict:
    """The funnel as a table like the others (for the exports)."""
    return {
        "key": "funnel",
        "title": _("Conversion funnel"),
        "dimension": "stage",
        "columns": [
            {"key": "value", "label": _("Disclosures"), "unit": COUNT},
            {"key": "of_first", "label": _("Share of disclosed (%)"), "unit": PERCENT},
            {"key": "of_previous", "label": _("Share of the stage before (%)"), "unit": PERCENT},
        ],
        "rows": [
            {
                "key": stage["key"],
                "label": stage["label"],
                "values": {k: stage[k] for k in ("value", "of_first", "of_previous")},
            }
            for stage in funnel
        ],
    }


def _rows(items, columns, names=None, order=None) -> list[dict]:
    keys = order if order is not None else sorted(items)
    names = names or {}
    return [
        {
            "key": str(key),
            "label": str(names.get(key, key)),
            "values": {c: items[key][c] for c in columns},
        }
        for key in keys
        if key in items
    ]


def _tables(
    by_year, types, ip_types, decisions, programmes, stages, reward_kinds, by_industry, by_region
):
    from datong.ip.presenters import KIND_LABELS

    contract_types = dict(ContractType.choices)
    type_order = [t for t in ContractType.values if t in types] + sorted(
        t for t in types if t not in ContractType.values
    )
    decision_labels = {"": _("Not decided yet"), **dict(Decision.choices)}
    decision_rows = {k: {"disclosures": n} for k, n in decisions.items()}
    programme_names = {
        p.pk: p.display_name for p in Programme.objects.filter(pk__in=list(programmes))
    }
    stage_rows = {k: {"cases": n} for k, n in stages.items()}
    reward_names = {
        Channel.CASH: _("Cash"),
        Channel.RESEARCH_ACCOUNT: _("Credit to a research account"),
        "equity": _("Equity"),
    }
    industry_names = _industry_names()
    province_names = _province_names()
    industry_order = sorted(k for k in by_industry if k != UNKNOWN) + [UNKNOWN]
    region_order = sorted(
        (k for k in by_region if k != UNKNOWN),
        key=lambda k: (-by_region[k]["contract_amount"], -by_region[k]["companies"], k),
    ) + [UNKNOWN]
    return {
        "by_year": _table(
            "by_year", _("By year"), "year", YEAR_METRICS, _rows(by_year, YEAR_METRICS)
        ),
        "contracts_by_type": _table(
            "contracts_by_type",
            _("Contracts by type"),
            "type",
            TYPE_METRICS,
            _rows(types, TYPE_METRICS, contract_types, type_order),
        ),
        "ip_by_kind": _table(
            "ip_by_kind",
            _("IP by kind"),
            "type",
            ("filings", "grants"),
            _rows(ip_types, ("filings", "grants"), KIND_LABELS),
        ),
        "disclosures_by_decision": _table(
            "disclosures_by_decision",
            _("Disclosures by decision"),
            "type",
            ("disclosures",),
            _rows(decision_rows, ("disclosures",), decision_labels, ["", *Decision.values]),
        ),
        "programmes": _table(
            "programmes",
            _("Programmes"),
            "type",
            ("applications", "awarded", "awarded_amount"),
            _rows(
                programmes,
                ("applications", "awarded", "awarded_amount"),
                programme_names,
                sorted(programmes, key=lambda p: str(programme_names.get(p, p))),
            ),
        ),
        "cases_by_stage": _table(
            "cases_by_stage",
            _("Match cases by stage"),
            "type",
            ("cases",),
            _rows(stage_rows, ("cases",), dict(CaseStage.choices), CaseStage.values),
        ),
        "rewards_by_kind": _table(
            "rewards_by_kind",
            _("Rewards by kind"),
            "type",
            REWARD_METRICS,
            _rows(
                reward_kinds,
                REWARD_METRICS,
                reward_names,
                [Channel.CASH, Channel.RESEARCH_ACCOUNT, "equity"],
            ),
        ),
        "by_industry": _table(
            "by_industry",
            _("By industry"),
            "industry",
            INDUSTRY_METRICS,
            _rows(by_industry, INDUSTRY_METRICS, industry_names, industry_order),
        ),
        "by_region": _table(
            "by_region",
            _("By province (buyers and companies)"),
            "region",
            REGION_METRICS,
            _rows(by_region, REGION_METRICS, province_names, region_order),
        ),
    }


def department_choices(*, actor, institution: Institution) -> QuerySet[Department]:
    return visible_to(actor, Department.objects.filter(institution=institution)).order_by("name")


# --- the alliance view -------------------------------------------------------------------------


#: The figures compared across members: key → (label, unit).
def alliance_metrics() -> dict[str, tuple[str, str]]:
    labels = metric_labels()
    return {
        "disclosures": labels["disclosures"],
        "filings": labels["filings"],
        "listings": labels["listings"],
        "cases": labels["cases"],
        "deals": labels["deals"],
        "contract_amount": labels["contract_amount"],
        "received": labels["received"],
        "rewards": (_("Rewards paid"), YUAN),
        "companies": labels["companies"],
        "open_demands": (_("Open technology demands"), COUNT),
        "agreements": (_("Cooperation agreements"), COUNT),
        "agreement_projects": (_("Projects landed under agreements"), COUNT),
        "agreement_amount": (_("Contract totals under agreements"), YUAN),
    }


def can_see_alliances(user) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.alliance_ids)


def viewable_alliances(*, actor) -> QuerySet[Alliance]:
    scope = scope_for(actor)
    qs = Alliance.objects.select_related("secretariat")
    return qs if scope.is_superuser else qs.filter(pk__in=sorted(scope.alliance_ids))


def alliance_for_view(*, actor, slug: str) -> Alliance:
    alliance = get_object_or_404(Alliance.objects.select_related("secretariat"), slug=slug)
    require_alliance_view(actor, alliance.pk)
    return alliance


def _per_member(qs: QuerySet, path: str, **aggregates) -> dict[int, dict]:
    return {row.pop("m"): row for row in qs.order_by().values(m=F(path)).annotate(**aggregates)}


def alliance_overview(*, actor, alliance: Alliance, year_from: int, year_to: int) -> dict:
    """Each member's aggregate figures for the years, the alliance totals and medians, and
    each member's position against the median. Counts and sums only, never a row."""
    require_alliance_view(actor, alliance.pk)
    if year_to < year_from:
        raise ValidationError({"year_to": _("The last year cannot come before the first.")})
    start, end, start_at, end_at = _bounds(year_from, year_to)
    members = list(
        Institution.objects.filter(alliance_memberships__alliance=alliance).order_by("name")
    )
    ids = [m.pk for m in members]
    sources = {
        "disclosures": _per_member(
            Disclosure.objects.filter(
                institution_id__in=ids, submitted_at__gte=start_at, submitted_at__lt=end_at
            ),
            "institution_id",
            v=Count("pk"),
        ),
        "filings": _per_member(
            Filing.objects.filter(
                family__institution_id__in=ids, filing_date__gte=start, filing_date__lt=end
            ),
            "family__institution_id",
            v=Count("pk"),
        ),
        "listings": _per_member(
            Listing.objects.filter(
                institution_id__in=ids, published_at__gte=start_at, published_at__lt=end_at
            ),
            "institution_id",
            v=Count("pk"),
        ),
        "cases": _per_member(
            MatchCase.objects.filter(
                institution_id__in=ids, created_at__gte=start_at, created_at__lt=end_at
            ),
            "institution_id",
            v=Count("pk"),
        ),
        "received": _per_member(
            Payment.objects.filter(
                contract__institution_id__in=ids, received_on__gte=start, received_on__lt=end
            ),
            "contract__institution_id",
            v=Sum("amount"),
        ),
        "rewards": _per_member(
            Reward.objects.filter(
                distribution__institution_id__in=ids,
                distribution__status=DistributionStatus.EXECUTED,
            )
            .annotate(day=Coalesce("paid_on", "distribution__decided_on", output_field=DateField()))
            .filter(day__gte=start, day__lt=end),
            "distribution__institution_id",
            v=Sum("amount"),
        ),
        "companies": _per_member(
            Company.objects.filter(
                institution_id__in=ids, incorporated_on__gte=start, incorporated_on__lt=end
            ),
            "institution_id",
            v=Count("pk"),
        ),
        "open_demands": _per_member(
            Demand.objects.filter(institution_id__in=ids, status=DemandStatus.OPEN),
            "institution_id",
            v=Count("pk"),
        ),
    }
    deals = _per_member(
        Contract.objects.filter(
            institution_id__in=ids,
            status__in=DEAL_STATUSES,
            signed_on__gte=start,
            signed_on__lt=end,
        ),
        "institution_id",
        n=Count("pk"),
        a=Sum("amount"),
    )
    agreements = _per_member(
        CooperationAgreement.objects.filter(institution_id__in=ids)
        .filter(Q(year_to__isnull=True) | Q(year_to__gte=year_from))
        .filter(year_from__lte=year_to),
        "institution_id",
        v=Count("pk"),
    )
    agreement_years = _per_member(
        AgreementYear.objects.filter(
            agreement__institution_id__in=ids, year__gte=year_from, year__lte=year_to
        ),
        "agreement__institution_id",
        p=Sum("projects"),
        a=Sum("contract_total"),
    )
    metrics = alliance_metrics()
    rows = []
    for member in members:
        values = {}
        for key, (_label, unit) in metrics.items():
            if key in sources:
                raw = sources[key].get(member.pk, {}).get("v")
            elif key == "deals":
                raw = deals.get(member.pk, {}).get("n")
            elif key == "contract_amount":
                raw = deals.get(member.pk, {}).get("a")
            elif key == "agreements":
                raw = agreements.get(member.pk, {}).get("v")
            elif key == "agreement_projects":
                raw = agreement_years.get(member.pk, {}).get("p")
            else:
                raw = agreement_years.get(member.pk, {}).get("a")
            values[key] = _money(raw) if unit == YUAN else int(raw or 0)
        rows.append({"institution": member, "values": values})
    totals, medians = {}, {}
    for key, (_label, unit) in metrics.items():
        column = [row["values"][key] for row in rows]
        totals[key] = sum(column, ZERO if unit == YUAN else 0)
        if column:
            median = statistics.median(column)
            if unit == YUAN:
                medians[key] = _money(median)
            elif float(median).is_integer():
                medians[key] = int(median)
            else:
                medians[key] = Decimal(str(median))
        else:
            medians[key] = ZERO if unit == YUAN else 0
    for row in rows:
        row["position"] = {
            key: ("above" if value > medians[key] else "below" if value < medians[key] else "at")
            for key, value in row["values"].items()
        }
    return {
        "alliance": alliance,
        "year_from": year_from,
        "year_to": year_to,
        "metrics": [
            {"key": k, "label": str(label), "unit": unit} for k, (label, unit) in metrics.items()
        ],
        "members": rows,
        "totals": totals,
        "medians": medians,
        "member_count": len(rows),
    }


def alliance_shared_lists(*, actor, alliance: Alliance, limit: int = 8) -> dict:
    """What the secretariat shares with every member: the providers the alliance recommends and
    the open demands of the marketplace (both public to signed-in users)."""
    require_alliance_view(actor, alliance.pk)
    providers = (
        visible_to(actor, ProviderProfile.objects.filter(is_recommended=True))
        .select_related("institution")
        .order_by("-recommended_at", "institution__name")[:limit]
    )
    demands = (
        visible_to(actor, Demand.objects.filter(status=DemandStatus.OPEN))
        .select_related("institution")
        .order_by("-created_at", "-pk")[:limit]
    )
    return {"providers": list(providers), "demands": list(demands)}


# --- cooperation agreements ---------------------------------------------------------------------


def _agreements() -> QuerySet[CooperationAgreement]:
    return CooperationAgreement.objects.select_related("institution").annotate(
        projects_total=Coalesce(Sum("years__projects"), 0),
        amount_total=Coalesce(Sum("years__contract_total"), Value(ZERO)),
        year_count=Count("years"),
    )


def agreement_list(*, actor, institution: Institution | None = None, q: str = "") -> QuerySet:
    """The agreements of the institutions where the actor works in the office, with their
    projects and contract totals."""
    qs = visible_to(actor, _agreements())
    if institution is not None:
        qs = qs.filter(institution=institution)
    for term in (q or "").split():
        qs = qs.filter(
            Q(title__icontains=term)
            | Q(partner_city__icontains=term)
            | Q(centre_name__icontains=term)
            | Q(institution__name__icontains=term)
        )
    return qs.order_by("institution__name", "-year_from", "pk")


def agreement_get(*, actor, pk) -> CooperationAgreement:
    return get_visible_or_404(actor, _agreements(), pk=pk)


def agreement_years(agreement: CooperationAgreement) -> list[AgreementYear]:
    return list(agreement.years.order_by("year"))


def agreement_chart(agreement: CooperationAgreement) -> dict:
    """Projects and contract totals per year, with the running totals, over the agreement's
    years (years without figures show as zero)."""
    rows = {row.year: row for row in agreement.years.all()}
    last = agreement.year_to or max([*rows, agreement.year_from, timezone.localdate().year])
    years = list(range(agreement.year_from, last + 1))
    projects, amounts, cumulative = [], [], []
    running = 0
    for year in years:
        row = rows.get(year)
        projects.append(row.projects if row else 0)
        amounts.append(row.contract_total if row else ZERO)
        running += projects[-1]
        cumulative.append(running)
    return {"years": years, "projects": projects, "amounts": amounts, "cumulative": cumulative}


def can_see_agreements(user) -> bool:
    return can_see_dashboard(user)


def alliance_agreements(*, actor, alliance: Alliance) -> list[dict]:
    """Members' agreements for the secretariat: partner, years, centre and their totals
    (no yearly rows, no notes)."""
    require_alliance_view(actor, alliance.pk)
    qs = (
        _agreements()
        .filter(institution__alliance_memberships__alliance=alliance)
        .order_by("institution__name", "-year_from", "pk")
    )
    return [
        {
            "id": a.pk,
            "institution": a.institution,
            "title": a.title,
            "partner_province": a.partner_province,
            "partner": a.partner_display,
            "years": a.years_display,
            "year_from": a.year_from,
            "year_to": a.year_to,
            "centre_name": a.centre_name,
            "projects": a.projects_total,
            "amount": _money(a.amount_total),
        }
        for a in qs
    ]
