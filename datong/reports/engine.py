"""The declarative query of one indicator: validation against the sources' allow-lists, and its
computation with a handful of GROUP BY aggregates.

A query, as a template writes it::

    {"source": "contracts",                       # a key of sources.registry()
     "filter": {"contract_type__in": ["transfer", "licence", "equity"]},
     "exclude": {"contract_amount": 0},           # optional, same grammar as filter
     "date": "signed_on",                         # the date field the report year applies to
     "period": "year",                            # year | to_end (up to the year's end) | overlap
     "until": "leave_until",                      # overlap only: the field ending the period
     "measure": "sum:amount",                     # count | count_distinct:F | sum:F | avg:F
     "by": "contract_type",                       # optional: a groupable field or "band:F"
     "bands": [{"key": "lt100k", "lt": "100000", "label": {"zh": "…", "en": "…"}}],
     "columns": ["number", "buyer", "amount"]}    # list indicators: the columns listed

Filter keys are ``field`` or ``field__op`` with op in ``OPERATORS``; every field must be one the
source allows for that use. Nothing in a template reaches the ORM without passing ``validate``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection
from django.db.models import Avg, Case, CharField, Count, F, Q, QuerySet, Sum, Value, When, lookups

from . import sources
from .sources import BOOL, CHOICE, DATE, DATETIME, NUMBER, TAGS, Source

OPERATORS = ("", "in", "gte", "gt", "lte", "lt", "isnull", "ne")
PERIODS = ("year", "to_end", "overlap", "none")
MEASURES = ("count", "count_distinct", "sum", "avg")
UNITS = ("count", "yuan", "person-times", "percent")
KINDS = ("figure", "list")
QUERY_KEYS = {
    "source",
    "filter",
    "exclude",
    "date",
    "period",
    "until",
    "measure",
    "by",
    "bands",
    "columns",
}
CENT = Decimal("0.01")
TEN_THOUSANDTH = Decimal("0.0001")


# --- validation ------------------------------------------------------------------------------


def _split(key: str) -> tuple[str, str]:
    name, _sep, op = key.partition("__")
    return name, op


def _check_value(f: sources.Field, op: str, value: Any) -> str | None:
    if op == "isnull":
        return None if isinstance(value, bool) else "isnull takes true or false"
    if op == "in":
        if not isinstance(value, list) or not value:
            return "in takes a non-empty list"
        for item in value:
            problem = _check_value(f, "", item)
            if problem:
                return problem
        return None
    if f.kind == BOOL:
        return None if isinstance(value, bool) else "a true/false field"
    if f.kind == NUMBER:
        if isinstance(value, bool):
            return "a number field"
        try:
            Decimal(str(value))
        except InvalidOperation:
            return "a number field"
        return None
    if f.kind in (DATE, DATETIME):
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            return "a date field (YYYY-MM-DD)"
        return None
    if f.kind == TAGS:
        return "a list field: group by it, do not filter on it"
    if not isinstance(value, str):
        return "a text field"
    if f.kind == CHOICE and f.choices is not None and value not in dict(f.choices()):
        return f"no such value {value!r}"
    return None


def _check_conditions(source: Source, conditions: Any, where: str) -> list[str]:
    if conditions in (None, {}):
        return []
    if not isinstance(conditions, dict):
        return [f"{where} must be an object"]
    errors = []
    for key, value in conditions.items():
        name, op = _split(str(key))
        f = source.fields.get(name)
        if f is None or not f.filter:
            errors.append(f"{where}: {source.key} cannot be filtered on {name!r}")
            continue
        if op not in OPERATORS:
            errors.append(f"{where}: operator {op!r} is not allowed")
            continue
        problem = _check_value(f, op, value)
        if problem:
            errors.append(f"{where}: {key}: {problem}")
    return errors


def _check_bands(bands: Any) -> list[str]:
    if not isinstance(bands, list) or not bands:
        return ["bands must be a non-empty list"]
    errors, keys = [], set()
    for band in bands:
        if not isinstance(band, dict) or not band.get("key"):
            errors.append("each band needs a key")
            continue
        if band["key"] in keys:
            errors.append(f"band {band['key']!r} appears twice")
        keys.add(band["key"])
        for edge in ("gte", "lt"):
            if edge in band:
                try:
                    Decimal(str(band[edge]))
                except InvalidOperation:
                    errors.append(f"band {band['key']!r}: {edge} must be a number")
        if not _bilingual(band.get("label")):
            errors.append(f"band {band['key']!r} needs a label with zh and en")
    return errors


def _bilingual(value: Any) -> bool:
    return isinstance(value, dict) and bool(value.get("zh")) and bool(value.get("en"))


def validate_query(query: Any, *, kind: str = "figure") -> list[str]:
    """Problems with one indicator's query (empty when it may run)."""
    if not isinstance(query, dict):
        return ["the query must be an object"]
    errors = [f"unknown key {k!r}" for k in query if k not in QUERY_KEYS]
    source = sources.get(str(query.get("source", "")))
    if source is None:
        return [*errors, f"unknown source {query.get('source')!r}"]
    errors += _check_conditions(source, query.get("filter"), "filter")
    errors += _check_conditions(source, query.get("exclude"), "exclude")
    period = query.get("period", "year")
    if period not in PERIODS:
        errors.append(f"period must be one of {', '.join(PERIODS)}")
    date = query.get("date")
    if period != "none":
        if date not in source.date_fields():
            errors.append(f"date must be one of {', '.join(source.date_fields())}")
        if period == "overlap" and query.get("until") not in source.date_fields():
            errors.append("an overlap period needs an until date field")
    if kind == "list":
        columns = query.get("columns")
        if not isinstance(columns, list) or not columns:
            errors.append("a list needs columns")
        else:
            for name in columns:
                f = source.fields.get(name)
                if f is None or not f.column:
                    errors.append(f"{source.key} has no column {name!r}")
        return errors
    measure = str(query.get("measure", "count"))
    how, _sep, target = measure.partition(":")
    if how not in MEASURES:
        errors.append(f"measure must be one of {', '.join(MEASURES)}")
    elif how == "count" and target:
        errors.append("count takes no field")
    elif how != "count":
        f = source.fields.get(target)
        if f is None:
            errors.append(f"{source.key} has no field {target!r}")
        elif how in ("sum", "avg") and not f.measure:
            errors.append(f"{source.key}.{target} cannot be summed")
    by = query.get("by")
    if by:
        if str(by).startswith("band:"):
            f = source.fields.get(str(by)[5:])
            if f is None or f.kind != NUMBER or not f.filter:
                errors.append(f"bands need a number field of {source.key}")
            errors += _check_bands(query.get("bands"))
        else:
            f = source.fields.get(str(by))
            if f is None or not f.group:
                errors.append(f"{source.key} cannot be grouped by {by!r}")
            elif f.kind == TAGS and how != "count":
                errors.append("a list field can only be counted")
    return errors


def validate_sections(sections: Any) -> list[str]:
    """Problems with a whole template's sections (empty when it is usable)."""
    if not isinstance(sections, list) or not sections:
        return ["sections must be a non-empty list"]
    errors: list[str] = []
    section_codes: set[str] = set()
    indicator_codes: set[str] = set()
    for position, section in enumerate(sections, start=1):
        if not isinstance(section, dict):
            errors.append(f"section {position} must be an object")
            continue
        code = str(section.get("code", ""))
        where = f"section {code or position}"
        if not code:
            errors.append(f"{where}: a code is required")
        elif code in section_codes:
            errors.append(f"{where}: the code appears twice")
        section_codes.add(code)
        if not _bilingual(section.get("title")):
            errors.append(f"{where}: the title needs zh and en")
        indicators = section.get("indicators", [])
        if not isinstance(indicators, list):
            errors.append(f"{where}: indicators must be a list")
            continue
        for indicator in indicators:
            if not isinstance(indicator, dict):
                errors.append(f"{where}: each indicator must be an object")
                continue
            icode = str(indicator.get("code", ""))
            iwhere = f"indicator {icode or '?'}"
            if not icode:
                errors.append(f"{where}: an indicator has no code")
            elif icode in indicator_codes:
                errors.append(f"{iwhere}: the code appears twice")
            indicator_codes.add(icode)
            if not _bilingual(indicator.get("label")):
                errors.append(f"{iwhere}: the label needs zh and en")
            if indicator.get("definition") is not None and not _bilingual(
                indicator.get("definition")
            ):
                errors.append(f"{iwhere}: the definition needs zh and en")
            kind = indicator.get("kind", "figure")
            if kind not in KINDS:
                errors.append(f"{iwhere}: kind must be figure or list")
                continue
            if kind == "figure" and indicator.get("unit") not in UNITS:
                errors.append(f"{iwhere}: unit must be one of {', '.join(UNITS)}")
            errors += [f"{iwhere}: {e}" for e in validate_query(indicator.get("query"), kind=kind)]
    return errors


# --- computation -----------------------------------------------------------------------------


@dataclass
class Group:
    key: str
    label: str
    value: Any


@dataclass
class Figure:
    value: Any = None
    groups: list[Group] = field(default_factory=list)
    rows: list[dict] | None = None


_LOOKUPS = {
    "": lookups.Exact,
    "in": lookups.In,
    "gte": lookups.GreaterThanOrEqual,
    "gt": lookups.GreaterThan,
    "lte": lookups.LessThanOrEqual,
    "lt": lookups.LessThan,
    "isnull": lookups.IsNull,
}


def _lookup(source: Source, name: str, op: str, value: Any, year: int) -> Q:
    """One validated condition: ORM paths through the ORM's own lookup, computed fields (buyer's
    province, SME buyer) through the lookup expression over the computed value."""
    f = source.fields[name]
    negate = op == "ne"
    op = "" if negate else op
    if f.kind == NUMBER and op not in ("isnull", "in") and value is not None:
        value = Decimal(str(value))
    if isinstance(f.expr, str):
        q = Q(**{f"{f.expr}__{op}" if op else f.expr: value})
    else:
        q = Q(_LOOKUPS[op](f.expression(year), value))
    return ~q if negate else q


def _condition(source: Source, conditions: dict | None, year: int) -> Q:
    """The conditions ANDed, plain columns first: the database tests them in this order, so a
    computed field's subquery runs only for the rows the cheap tests kept."""
    items = sorted(
        (conditions or {}).items(),
        key=lambda item: not isinstance(source.fields[_split(item[0])[0]].expr, str),
    )
    q = Q()
    for key, value in items:
        name, op = _split(key)
        q &= _lookup(source, name, op, value, year)
    return q


def _query_condition(source: Source, query: dict, year: int) -> Q:
    q = _condition(source, query.get("filter"), year)
    exclude = query.get("exclude")
    if exclude:
        q &= ~_condition(source, exclude, year)
    return q


def _tag(source: Source, name: str, code: str) -> Q:
    """The JSON list holds ``code``: containment (``@>``) on PostgreSQL, the quoted code in the
    list's text elsewhere (SQLite has no JSON containment)."""
    path = source.fields[name].expr
    if connection.vendor == "postgresql":
        return Q(**{f"{path}__contains": [code]})
    return Q(**{f"{path}__icontains": f'"{code}"'})


def base_queryset(source: Source, query: dict, institution_id: int, year: int) -> QuerySet:
    """The source's rows of the institution in the query's period (no indicator filter yet)."""
    qs = source.model_class._default_manager.filter(**{source.institution: institution_id})
    period = query.get("period", "year")
    if period == "none":
        return qs.order_by()
    date = source.fields[query["date"]]
    start, end = sources.bounds(date, year)
    path = date.expr
    if period == "year":
        qs = qs.filter(**{f"{path}__gte": start, f"{path}__lt": end})
    elif period == "to_end":
        qs = qs.filter(**{f"{path}__lt": end})
    else:
        until = source.fields[query["until"]].expr
        qs = qs.filter(**{f"{path}__lt": end}).filter(
            Q(**{f"{until}__isnull": True}) | Q(**{f"{until}__gte": start})
        )
    return qs.order_by()


def _measure(source: Source, query: dict, q: Q, year: int):
    how, _sep, target = str(query.get("measure", "count")).partition(":")
    if how == "count":
        return Count("pk", filter=q)
    expression = source.fields[target].expression(year)
    if how == "count_distinct":
        return Count(expression, distinct=True, filter=q)
    if how == "sum":
        return Sum(expression, filter=q)
    return Avg(expression, filter=q)


def _clean(value: Any, query: dict) -> Any:
    how = str(query.get("measure", "count")).partition(":")[0]
    if how in ("count", "count_distinct"):
        return int(value or 0)
    if value is None:
        return Decimal("0.00") if how == "sum" else None
    value = Decimal(str(value))
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        # shares carry more places; keep four, money two
        return value.quantize(TEN_THOUSANDTH if _is_share(query) else CENT)
    return value.quantize(CENT) if exponent > -2 else value


def _is_share(query: dict) -> bool:
    target = str(query.get("measure", "")).partition(":")[2]
    return target in ("shares", "shares_total")


def _band_case(source: Source, query: dict, year: int) -> Case:
    name = str(query["by"])[5:]
    whens = []
    for band in query["bands"]:
        q = Q()
        if "gte" in band:
            q &= _lookup(source, name, "gte", band["gte"], year)
        if "lt" in band:
            q &= _lookup(source, name, "lt", band["lt"], year)
        whens.append(When(q, then=Value(band["key"])))
    return Case(*whens, default=Value(""), output_field=CharField())


def _pick(text: Any, english: bool) -> str:
    if isinstance(text, dict):
        return str(text.get("en" if english else "zh") or text.get("zh") or "")
    return str(text or "")


def _group_expression(source: Source, query: dict, year: int):
    by = str(query["by"])
    if by.startswith("band:"):
        return _band_case(source, query, year)
    return source.fields[by].expression(year)


def _period_key(query: dict) -> tuple:
    return (
        query["source"],
        query.get("period", "year"),
        query.get("date"),
        query.get("until"),
    )


def _how(query: dict) -> str:
    return str(query.get("measure", "count")).partition(":")[0]


def _is_tags(source: Source, query: dict) -> bool:
    by = query.get("by")
    f = source.fields.get(str(by)) if by else None
    return f is not None and f.kind == TAGS


def _restricted(qs: QuerySet, conditions: list[Q]) -> QuerySet:
    """Keep only the rows some indicator counts, so the computed fields (subqueries) are not
    evaluated for rows every aggregate filters out. An empty condition means every row."""
    if not conditions or any(not c for c in conditions):
        return qs
    where = conditions[0]
    for condition in conditions[1:]:
        where |= condition
    return qs.filter(where)


def compute(
    indicators: list[dict], institution_id: int, year: int, *, english: bool = False
) -> dict[str, Figure]:
    """Every figure-indicator's total and groups with a few GROUP BY queries: one per grouping
    (source, period, group-by); the totals of counts, sums and averages ride on one of the
    period's grouped queries (summed over its groups), and only distinct counts, tag counts and
    periods without any grouping need a plain aggregate. List indicators are left to
    ``list_rows``."""
    figures: dict[str, Figure] = {}
    periods: dict[tuple, list[dict]] = defaultdict(list)
    grouped: dict[tuple, list[dict]] = defaultdict(list)
    for indicator in indicators:
        if indicator.get("kind", "figure") != "figure":
            continue
        query = indicator["query"]
        source = sources.get(query["source"])
        figures[indicator["code"]] = Figure()
        periods[_period_key(query)].append(indicator)
        by = query.get("by")
        if by and not _is_tags(source, query):
            bands = json.dumps(query.get("bands"), sort_keys=True) if by.startswith("band") else ""
            grouped[(*_period_key(query), by, bands)].append(indicator)

    # which grouped query carries each period's summable totals: a plain column if there is one
    carriers: dict[tuple, tuple] = {}
    for key in grouped:
        period = key[:4]
        plain = isinstance(
            sources.get(key[0]).fields.get(key[4], sources.Field("", "", "", None)).expr, str
        )
        if period not in carriers or (plain and not carriers[period][1]):
            carriers[period] = (key, plain)
    riders: dict[tuple, list[dict]] = defaultdict(list)

    for period, batch in periods.items():
        source = sources.get(period[0])
        plain_batch = []
        for indicator in batch:
            query = indicator["query"]
            if (
                period in carriers
                and _how(query) in ("count", "sum", "avg")
                and not _is_tags(source, query)
            ):
                riders[carriers[period][0]].append(indicator)
            else:
                plain_batch.append(indicator)
        if not plain_batch:
            continue
        qs = base_queryset(source, batch[0]["query"], institution_id, year)
        aggregates = {}
        tag_lists: dict[str, list[tuple[str, str]]] = {}
        conditions = []
        for n, indicator in enumerate(plain_batch):
            query = indicator["query"]
            q = _query_condition(source, query, year)
            conditions.append(q)
            aggregates[f"i{n}"] = _measure(source, query, q, year)
            if _is_tags(source, query):
                by = query["by"]
                tag_lists[indicator["code"]] = source.fields[by].choices()
                for t, (code, _label) in enumerate(tag_lists[indicator["code"]]):
                    aggregates[f"i{n}_t{t}"] = Count("pk", filter=q & _tag(source, by, code))
        row = _restricted(qs, conditions).aggregate(**aggregates)
        for n, indicator in enumerate(plain_batch):
            figure = figures[indicator["code"]]
            figure.value = _clean(row[f"i{n}"], indicator["query"])
            for t, (code, label) in enumerate(tag_lists.get(indicator["code"], [])):
                count = int(row[f"i{n}_t{t}"] or 0)
                if count:
                    figure.groups.append(Group(code, label, count))

    for key, batch in grouped.items():
        source = sources.get(key[0])
        first = batch[0]["query"]
        qs = base_queryset(source, first, institution_id, year)
        aggregates = {}
        conditions = []
        for n, indicator in enumerate(batch):
            q = _query_condition(source, indicator["query"], year)
            conditions.append(q)
            aggregates[f"i{n}"] = _measure(source, indicator["query"], q, year)
        ride = riders.get(key, [])
        for n, indicator in enumerate(ride):
            query = indicator["query"]
            q = _query_condition(source, query, year)
            conditions.append(q)
            if _how(query) == "avg":
                target = source.fields[query["measure"].partition(":")[2]].expression(year)
                aggregates[f"t{n}"] = Sum(target, filter=q)
                aggregates[f"t{n}_n"] = Count(target, filter=q)
            else:
                aggregates[f"t{n}"] = _measure(source, query, q, year)
        rows = list(
            _restricted(qs, conditions)
            .annotate(g=_group_expression(source, first, year))
            .values("g")
            .annotate(**aggregates)
            .order_by("g")
        )
        results = {str(r["g"] if r["g"] is not None else ""): r for r in rows}
        for n, indicator in enumerate(batch):
            query = indicator["query"]
            figures[indicator["code"]].groups = _ordered_groups(
                source, query, results, f"i{n}", english
            )
        for n, indicator in enumerate(ride):
            query = indicator["query"]
            total = sum((r[f"t{n}"] or 0) for r in rows)
            if _how(query) == "avg":
                count = sum((r[f"t{n}_n"] or 0) for r in rows)
                total = (Decimal(str(total)) / count) if count else None
            figures[indicator["code"]].value = _clean(total, query)
    return figures


def _ordered_groups(source: Source, query: dict, results: dict, column: str, english: bool):
    """Groups in the order of their closed list (choices, bands), else by value, largest first;
    empty groups of open lists are left out."""
    by = str(query["by"])
    groups = []
    if by.startswith("band:"):
        for band in query["bands"]:
            row = results.get(band["key"])
            groups.append(
                Group(
                    band["key"], _pick(band["label"], english), _clean(row and row[column], query)
                )
            )
        return groups
    f = source.fields[by]
    if f.choices is not None and f.kind == CHOICE:
        for code, label in f.choices():
            row = results.get(code)
            value = _clean(row and row[column], query)
            if row is not None and _nonzero(value):
                groups.append(Group(code, label, value))
        known = dict(f.choices())
        extra = [k for k in results if k not in known]
    else:
        extra = list(results)
    others = []
    for key in extra:
        value = _clean(results[key][column], query)
        if _nonzero(value):
            label = f.label_for(key) if key else ""
            others.append(Group(key, label, value))
    others.sort(key=lambda g: (g.key == "", -(g.value or 0), g.key))
    return groups + others


def _nonzero(value: Any) -> bool:
    return value not in (None, 0, Decimal("0"), Decimal("0.00"))


def records(
    source: Source, query: dict, institution_id: int, year: int, *, group: str | None = None
) -> QuerySet:
    """The rows behind one indicator (or one of its groups), with the source's columns
    annotated as ``c_<name>``."""
    qs = base_queryset(source, query, institution_id, year)
    qs = qs.filter(_query_condition(source, query, year))
    by = str(query.get("by") or "")
    if group is not None and by:
        f = source.fields.get(by)
        if f is not None and f.kind == TAGS:
            qs = qs.filter(_tag(source, by, group))
        else:
            qs = qs.annotate(g=_group_expression(source, query, year)).filter(g=group)
    columns = list(query.get("columns") or source.drill_columns)
    qs = qs.annotate(**{f"c_{c}": source.fields[c].expression(year) for c in columns})
    if source.related:
        qs = qs.select_related(*source.related)
    return qs.order_by(*source.ordering)


def list_rows(source: Source, query: dict, institution_id: int, year: int, *, limit=None):
    """A list indicator's rows as dicts of its columns, plus ``_pk`` (the linked record)."""
    columns = list(query["columns"])
    qs = records(source, query, institution_id, year)
    pk_path = source.url_pk
    values = qs.values(*[f"c_{c}" for c in columns], link_pk=F(pk_path))
    if limit is not None:
        values = values[:limit]
    return [{**{c: row[f"c_{c}"] for c in columns}, "_pk": row["link_pk"]} for row in values]
