"""The registry of record sources a report indicator may count: each knows its model, the path to
its institution, and the fields a template may filter on, measure, group by or list.

Templates name fields by these aliases only, never by ORM paths, so data cannot reach a lookup
the code did not allow. Adding a field here is a code change; adding an indicator over the
fields here is a JSON edit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Concat, Substr
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from datong.institutions.regions import province_name

# Field kinds: what a template may do with a field and which values a filter accepts.
TEXT = "text"
CHOICE = "choice"
BOOL = "bool"
NUMBER = "number"
DATE = "date"
DATETIME = "datetime"
TAGS = "tags"  # a JSON list of codes (a record may carry several)


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _choices(model: str, field_name: str) -> Callable[[], list[tuple[str, str]]]:
    def load() -> list[tuple[str, str]]:
        model_field = apps.get_model(model)._meta.get_field(field_name)
        return [(str(k), str(v)) for k, v in model_field.choices]

    return load


def _classification(scheme: str) -> Callable[[], list[tuple[str, str]]]:
    def load() -> list[tuple[str, str]]:
        classification = apps.get_model("results", "Classification")
        rows = classification.objects.filter(scheme=scheme, parent__isnull=True).order_by(
            "position"
        )
        return [(c.code, c.name_en if _english() and c.name_en else c.name) for c in rows]

    return load


def _province_label(code: str) -> str:
    return province_name(code, get_language() or "zh-hans")


@dataclass(frozen=True)
class Field:
    name: str
    label: Any
    kind: str
    #: An ORM path, or a function of the report year returning an expression.
    expr: str | Callable[[int], Any]
    choices: Callable[[], list[tuple[str, str]]] | None = None
    #: Label of one group key when the keys are not a closed list (regions).
    key_label: Callable[[str], str] | None = None
    filter: bool = True
    group: bool = False
    measure: bool = False
    column: bool = True
    #: Money (yuan) for display and export.
    money: bool = False

    def expression(self, year: int):
        return F(self.expr) if isinstance(self.expr, str) else self.expr(year)

    def label_for(self, key: str) -> str:
        if self.choices is not None:
            return dict(self.choices()).get(key, key)
        if self.key_label is not None:
            return self.key_label(key) or key
        return key


@dataclass(frozen=True)
class Source:
    key: str
    label: Any
    model: str
    institution: str
    fields: dict[str, Field]
    #: The fields a drill-down lists, in order, and the page a row links to.
    drill_columns: tuple[str, ...] = ()
    url_name: str = ""
    url_pk: str = "pk"
    related: tuple[str, ...] = ()
    ordering: tuple[str, ...] = ("-pk",)
    extra: dict = field(default_factory=dict)

    @property
    def model_class(self):
        return apps.get_model(self.model)

    def date_fields(self) -> list[str]:
        return [name for name, f in self.fields.items() if f.kind in (DATE, DATETIME)]


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


# --- contracts ---------------------------------------------------------------------------------

#: The receiving side of a contract: the buyer or licensee, or the company invested in.
BUYER_ROLES = ("buyer", "investee")


def _buyer(contract_path: str):
    party = apps.get_model("deals", "ContractParty")
    return party.objects.filter(contract_id=OuterRef(contract_path), role__in=BUYER_ROLES).order_by(
        "position", "pk"
    )


def _buyer_name(path: str) -> Callable[[int], Any]:
    return lambda year: Subquery(_buyer(path).values("name")[:1])


def _buyer_province(path: str) -> Callable[[int], Any]:
    def build(year: int):
        first = (
            _buyer(path)
            .annotate(province=Concat(Substr("region", 1, 2), Value("0000")))
            .exclude(region="")
        )
        return Coalesce(Subquery(first.values("province")[:1]), Value(""))

    return build


def _buyer_is_sme(path: str) -> Callable[[int], Any]:
    def build(year: int):
        party = apps.get_model("deals", "ContractParty")
        return Exists(
            party.objects.filter(contract_id=OuterRef(path), role__in=BUYER_ROLES, is_sme=True)
        )

    return build


def _contract_industry(path: str) -> Callable[[int], Any]:
    """The GB/T 4754 section of the contract's first result's industry."""

    def build(year: int):
        link = apps.get_model("deals", "Contract").results.through
        first = link.objects.filter(contract_id=OuterRef(path)).order_by("pk")
        section = Coalesce("result__industry__parent__code", "result__industry__code")
        return Coalesce(Subquery(first.values(section=section)[:1]), Value(""))

    return build


def _contract_results(year: int):
    link = apps.get_model("deals", "Contract").results.through
    counted = (
        link.objects.filter(contract_id=OuterRef("pk"))
        .order_by()
        .values("contract_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted[:1]), Value(0))


def _received(path: str, *, in_year: bool) -> Callable[[int], Any]:
    def build(year: int):
        payment = apps.get_model("deals", "Payment")
        rows = payment.objects.filter(contract_id=OuterRef(path))
        if in_year:
            start, end = _year_bounds(year)
            rows = rows.filter(received_on__gte=start, received_on__lt=end)
        total = rows.order_by().values("contract_id").annotate(s=Sum("amount")).values("s")
        return Coalesce(
            Subquery(total[:1]),
            Value(0),
            output_field=DecimalField(max_digits=16, decimal_places=2),
        )

    return build


def _contract_fields(prefix: str = "") -> dict[str, Field]:
    """The contract's fields, seen from the contract itself or through ``prefix`` (payments)."""
    pk_path = f"{prefix}pk" if not prefix else f"{prefix}id"
    p = prefix
    return {
        "contract_type": Field(
            "contract_type",
            _("contract type"),
            CHOICE,
            f"{p}contract_type",
            choices=_choices("deals.Contract", "contract_type"),
            group=True,
        ),
        "status": Field(
            "status",
            _("contract status"),
            CHOICE,
            f"{p}status",
            choices=_choices("deals.Contract", "status"),
            group=True,
        ),
        "number": Field("number", _("contract number"), TEXT, f"{p}number", filter=False),
        "title": Field("title", _("title"), TEXT, f"{p}title", filter=False),
        "signed_on": Field("signed_on", _("signed on"), DATE, f"{p}signed_on"),
        "contract_amount": Field(
            "contract_amount",
            _("contract amount (yuan)"),
            NUMBER,
            f"{p}amount",
            measure=True,
            money=True,
        ),
        "registration_number": Field(
            "registration_number", _("registration number"), TEXT, f"{p}registration_number"
        ),
        "approved_tech_income": Field(
            "approved_tech_income",
            _("approved technology income (yuan)"),
            NUMBER,
            f"{p}approved_tech_income",
            measure=True,
            money=True,
        ),
        "buyer": Field("buyer", _("buyer"), TEXT, _buyer_name(pk_path), filter=False),
        "buyer_province": Field(
            "buyer_province",
            _("buyer's province"),
            TEXT,
            _buyer_province(pk_path),
            key_label=_province_label,
            group=True,
        ),
        "buyer_is_sme": Field(
            "buyer_is_sme", _("buyer is an SME"), BOOL, _buyer_is_sme(pk_path), column=False
        ),
        "industry": Field(
            "industry",
            _("industry of the result"),
            TEXT,
            _contract_industry(pk_path),
            choices=_classification("GB/T 4754-2017"),
            group=True,
        ),
    }


def _contracts() -> Source:
    fields = _contract_fields()
    fields["amount"] = Field(
        "amount", _("contract amount (yuan)"), NUMBER, "amount", measure=True, money=True
    )
    fields["results_count"] = Field(
        "results_count", _("results"), NUMBER, _contract_results, column=False
    )
    fields["received_in_year"] = Field(
        "received_in_year",
        _("received in the year (yuan)"),
        NUMBER,
        _received("pk", in_year=True),
        filter=False,
        money=True,
    )
    fields["received_total"] = Field(
        "received_total",
        _("received in total (yuan)"),
        NUMBER,
        _received("pk", in_year=False),
        filter=False,
        money=True,
    )
    return Source(
        "contracts",
        _("Contracts"),
        "deals.Contract",
        "institution_id",
        fields,
        drill_columns=(
            "number",
            "title",
            "contract_type",
            "buyer",
            "signed_on",
            "amount",
            "received_in_year",
        ),
        url_name="deal-detail",
        ordering=("signed_on", "number", "pk"),
    )


def _payments() -> Source:
    fields = _contract_fields("contract__")
    fields.pop("contract_amount")
    fields["received_on"] = Field("received_on", _("received on"), DATE, "received_on")
    fields["amount"] = Field(
        "amount", _("amount received (yuan)"), NUMBER, "amount", measure=True, money=True
    )
    fields["reference"] = Field("reference", _("bank reference"), TEXT, "reference", filter=False)
    return Source(
        "payments",
        _("Payments received"),
        "deals.Payment",
        "contract__institution_id",
        fields,
        drill_columns=("received_on", "number", "title", "contract_type", "buyer", "amount"),
        url_name="deal-detail",
        url_pk="contract_id",
        related=("contract",),
        ordering=("received_on", "pk"),
    )


def _rewards() -> Source:
    fields = {
        "name": Field("name", _("recipient"), TEXT, "name"),
        "channel": Field(
            "channel",
            _("paid as"),
            CHOICE,
            "channel",
            choices=_choices("income.Reward", "channel"),
            group=True,
        ),
        "deal_type": Field(
            "deal_type",
            _("deal type"),
            CHOICE,
            "distribution__deal_type",
            choices=_choices("income.Distribution", "deal_type"),
            group=True,
        ),
        "distribution_status": Field(
            "distribution_status",
            _("distribution status"),
            CHOICE,
            "distribution__status",
            choices=_choices("income.Distribution", "status"),
            column=False,
        ),
        "distribution": Field(
            "distribution", _("distribution"), TEXT, "distribution__number", filter=False
        ),
        "paid_on": Field("paid_on", _("paid on"), DATE, "paid_on"),
        "decided_on": Field("decided_on", _("distribution date"), DATE, "distribution__decided_on"),
        "amount": Field("amount", _("reward (yuan)"), NUMBER, "amount", measure=True, money=True),
        "shares": Field("shares", _("shares (%)"), NUMBER, "shares", measure=True),
        "taxable": Field(
            "taxable", _("taxable amount (yuan)"), NUMBER, "taxable", measure=True, money=True
        ),
        "tax_estimate": Field(
            "tax_estimate",
            _("estimated income tax (yuan)"),
            NUMBER,
            "tax_estimate",
            measure=True,
            money=True,
        ),
    }
    return Source(
        "rewards",
        _("Rewards"),
        "income.Reward",
        "distribution__institution_id",
        fields,
        drill_columns=(
            "paid_on",
            "name",
            "distribution",
            "deal_type",
            "channel",
            "amount",
            "shares",
        ),
        url_name="income-distribution-detail",
        url_pk="distribution_id",
        related=("distribution",),
        ordering=("paid_on", "distribution_id", "pk"),
    )


def _companies() -> Source:
    fields = {
        "name": Field("name", _("company name"), TEXT, "name", filter=False),
        "state": Field(
            "state",
            _("state"),
            CHOICE,
            "state",
            choices=_choices("ventures.Company", "state"),
            group=True,
        ),
        "incorporated_on": Field("incorporated_on", _("incorporated on"), DATE, "incorporated_on"),
        "region": Field(
            "region",
            _("landing region"),
            TEXT,
            lambda year: Concat(Substr("region", 1, 2), Value("0000")),
            key_label=_province_label,
            group=True,
        ),
        "registered_capital": Field(
            "registered_capital",
            _("registered capital (yuan)"),
            NUMBER,
            "registered_capital",
            measure=True,
            money=True,
        ),
    }
    return Source(
        "companies",
        _("Companies"),
        "ventures.Company",
        "institution_id",
        fields,
        drill_columns=("name", "state", "incorporated_on", "region", "registered_capital"),
        url_name="company-detail",
        ordering=("incorporated_on", "name", "pk"),
    )


def _founders() -> Source:
    fields = {
        "name": Field("name", _("name"), TEXT, "name", filter=False),
        "company": Field("company", _("company"), TEXT, "company__name", filter=False),
        "role": Field("role", _("role in the company"), TEXT, "role", filter=False),
        "on_leave": Field("on_leave", _("on leave to found the company"), BOOL, "on_leave"),
        "leave_from": Field("leave_from", _("leave from"), DATE, "leave_from"),
        "leave_until": Field("leave_until", _("leave until"), DATE, "leave_until"),
    }
    return Source(
        "founders",
        _("Founders"),
        "ventures.Founder",
        "company__institution_id",
        fields,
        drill_columns=("name", "company", "role", "leave_from", "leave_until"),
        url_name="company-detail",
        url_pk="company_id",
        related=("company",),
        ordering=("leave_from", "pk"),
    )


def _equity_investments() -> Source:
    fields = {
        "company": Field("company", _("company"), TEXT, "company__name", filter=False),
        "step": Field(
            "step",
            _("step"),
            CHOICE,
            "step",
            choices=_choices("ventures.EquityInvestment", "step"),
            group=True,
        ),
        "completed_on": Field("completed_on", _("shares held since"), DATE, "completed_on"),
        "appraised_value": Field(
            "appraised_value",
            _("appraised value (yuan)"),
            NUMBER,
            "appraised_value",
            measure=True,
            money=True,
        ),
        "shares_total": Field(
            "shares_total", _("shares obtained (%)"), NUMBER, "shares_total", measure=True
        ),
    }
    return Source(
        "equity_investments",
        _("Equity investments"),
        "ventures.EquityInvestment",
        "institution_id",
        fields,
        drill_columns=("company", "step", "completed_on", "appraised_value", "shares_total"),
        url_name="equity-detail",
        related=("company",),
        ordering=("completed_on", "pk"),
    )


def _results() -> Source:
    fields = {
        "number": Field("number", _("number"), TEXT, "number", filter=False),
        "title": Field("title", _("title"), TEXT, "title", filter=False),
        "status": Field(
            "status",
            _("status"),
            CHOICE,
            "status",
            choices=_choices("results.Result", "status"),
            group=True,
        ),
        "source": Field(
            "source",
            _("source"),
            CHOICE,
            "source",
            choices=_choices("results.Result", "source"),
            group=True,
        ),
        "ip_type": Field(
            "ip_type",
            _("protection"),
            TAGS,
            "ip_types",
            choices=_classification("IP"),
            group=True,
            column=False,
        ),
        "industry": Field(
            "industry",
            _("industry"),
            TEXT,
            lambda year: Coalesce("industry__parent__code", "industry__code", Value("")),
            choices=_classification("GB/T 4754-2017"),
            group=True,
        ),
        "department": Field(
            "department",
            _("department"),
            TEXT,
            lambda year: Coalesce("department__name", Value("")),
            group=True,
        ),
        "created_at": Field("created_at", _("registered"), DATETIME, "created_at"),
    }
    return Source(
        "results",
        _("Results"),
        "results.Result",
        "institution_id",
        fields,
        drill_columns=("number", "title", "status", "source", "industry", "created_at"),
        url_name="result-detail",
        ordering=("created_at", "pk"),
    )


def _filing_kinds() -> list[tuple[str, str]]:
    from datong.ip.presenters import KIND_LABELS

    return [(code, str(label)) for code, label in KIND_LABELS.items()]


def _filings() -> Source:
    fields = {
        "family": Field("family", _("IP family"), TEXT, "family__title", filter=False),
        "application_number": Field(
            "application_number", _("application number"), TEXT, "application_number", filter=False
        ),
        "kind": Field("kind", _("kind"), CHOICE, "kind", choices=_filing_kinds, group=True),
        "route": Field(
            "route",
            _("route"),
            CHOICE,
            "route",
            choices=_choices("ip.Filing", "route"),
            group=True,
        ),
        "country": Field("country", _("country or office"), TEXT, "country", group=True),
        "legal_status": Field(
            "legal_status",
            _("legal status"),
            CHOICE,
            "legal_status",
            choices=_choices("ip.Filing", "legal_status"),
            group=True,
        ),
        "filing_date": Field("filing_date", _("filing date"), DATE, "filing_date"),
    }
    return Source(
        "filings",
        _("Patent and IP filings"),
        "ip.Filing",
        "family__institution_id",
        fields,
        drill_columns=("application_number", "family", "kind", "country", "filing_date"),
        url_name="ip-family-detail",
        url_pk="family_id",
        related=("family",),
        ordering=("filing_date", "pk"),
    )


def _disclosures() -> Source:
    fields = {
        "number": Field("number", _("number"), TEXT, "number", filter=False),
        "title": Field("title", _("title"), TEXT, "title", filter=False),
        "status": Field(
            "status",
            _("status"),
            CHOICE,
            "status",
            choices=_choices("results.Disclosure", "status"),
            group=True,
        ),
        "submitted_at": Field("submitted_at", _("submitted"), DATETIME, "submitted_at"),
    }
    return Source(
        "disclosures",
        _("Invention disclosures"),
        "results.Disclosure",
        "institution_id",
        fields,
        drill_columns=("number", "title", "status", "submitted_at"),
        url_name="disclosure-detail",
        ordering=("submitted_at", "pk"),
    )


_BUILDERS = (
    _contracts,
    _payments,
    _rewards,
    _companies,
    _founders,
    _equity_investments,
    _results,
    _filings,
    _disclosures,
)
_REGISTRY: dict[str, Source] = {}


def registry() -> dict[str, Source]:
    if not _REGISTRY:
        for build in _BUILDERS:
            source = build()
            _REGISTRY[source.key] = source
    return _REGISTRY


def get(key: str) -> Source | None:
    return registry().get(key)


def bounds(field: Field, year: int) -> tuple:
    """The half-open range [start, end) of ``year`` for ``field``: local dates, or aware
    datetimes for datetime fields."""
    start, end = _year_bounds(year)
    if field.kind == DATETIME:
        from django.utils import timezone

        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(end, dt.time.min, tzinfo=tz)
    return start, end
