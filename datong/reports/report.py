"""One institution's annual report of one year as plain data: sections, their figures, the
project list and the narrative. The page, the API and every export render this same structure.

``build`` is unscoped; callers check the actor first (``selectors.annual_report``) or are the
trusted console (``manage.py report``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language

from . import engine, sources
from .formatting import cell, number, unit_label
from .models import ReportNarrative, ReportTemplate

#: Rows of a list indicator shown on the page (exports carry them all).
PAGE_ROWS = 200


@dataclass
class Column:
    name: str
    label: str
    money: bool = False
    group: str | None = None  # the choices' label lookup for coded columns


@dataclass
class GroupView:
    key: str
    label: str
    value: Any
    text: str


@dataclass
class IndicatorView:
    code: str
    label: str
    definition: str
    unit: str
    kind: str
    source: str
    value: Any = None
    text: str = ""
    groups: list[GroupView] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)

    @property
    def unit_label(self) -> str:
        return unit_label(self.unit)

    @property
    def is_list(self) -> bool:
        return self.kind == "list"

    @property
    def has_groups(self) -> bool:
        return bool(self.groups)

    @property
    def money_positions(self) -> list[int]:
        return [n for n, c in enumerate(self.columns) if c.money]

    def table(self) -> list[list[str]]:
        """A list indicator's rows as display strings, in column order."""
        return [[row["cells"][c.name] for c in self.columns] for row in self.rows]


@dataclass
class SectionView:
    code: str
    number: int
    title: str
    intro: str
    narrative: bool
    text: str = ""
    indicators: list[IndicatorView] = field(default_factory=list)

    @property
    def figures(self) -> list[IndicatorView]:
        return [i for i in self.indicators if not i.is_list]

    @property
    def lists(self) -> list[IndicatorView]:
        return [i for i in self.indicators if i.is_list]


@dataclass
class Report:
    institution: Any
    year: int
    template: ReportTemplate
    sections: list[SectionView]
    generated_at: Any

    @property
    def title(self) -> str:
        return _pick({"zh": self.template.title, "en": self.template.title_en}, _english())

    def indicator(self, code: str) -> IndicatorView | None:
        for section in self.sections:
            for indicator in section.indicators:
                if indicator.code == code:
                    return indicator
        return None


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _pick(text: Any, english: bool) -> str:
    if isinstance(text, dict):
        return str(text.get("en" if english else "zh") or text.get("zh") or "")
    return str(text or "")


DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "data" / "annual_report_2026.json"


def install_default_template() -> ReportTemplate:
    """The bundled template (also installed by migration 0002): reference data, put back when a
    wipe of the tables (the demo loader's) removed it."""
    doc = json.loads(DEFAULT_TEMPLATE.read_text(encoding="utf-8"))
    template, _created = ReportTemplate.objects.get_or_create(
        code=doc["code"],
        version=doc["version"],
        defaults={
            "effective_year": doc["effective_year"],
            "title": doc["title"]["zh"],
            "title_en": doc["title"]["en"],
            "source": doc.get("source", ""),
            "sections": doc["sections"],
        },
    )
    return template


def template_for(year: int, code: str = "annual") -> ReportTemplate | None:
    """The newest active version in force for ``year`` (else the oldest one, for early years)."""
    versions = ReportTemplate.objects.filter(code=code, is_active=True)
    if code == "annual" and not ReportTemplate.objects.filter(code=code).exists():
        install_default_template()
    return (
        versions.filter(effective_year__lte=year).order_by("-effective_year", "-pk").first()
        or versions.order_by("effective_year", "pk").first()
    )


def indicators_of(template: ReportTemplate) -> list[dict]:
    return [i for s in template.sections for i in s.get("indicators", [])]


def find_indicator(template: ReportTemplate, code: str) -> dict | None:
    return next((i for i in indicators_of(template) if i.get("code") == code), None)


def columns_for(source: sources.Source, names: list[str]) -> list[Column]:
    return [
        Column(name, str(source.fields[name].label), source.fields[name].money) for name in names
    ]


def cell_formatter(source: sources.Source, columns: list[Column]):
    """A function turning one row's values into display strings; code lists (types, regions,
    industries) are looked up once, not per row."""
    plans = []
    for column in columns:
        f = source.fields[column.name]
        labels = dict(f.choices()) if f.choices is not None else None
        plans.append((column, f, labels))

    def format_row(row: dict) -> dict[str, str]:
        cells = {}
        for column, f, labels in plans:
            value = row.get(column.name)
            if value in (None, ""):
                cells[column.name] = ""
            elif labels is not None:
                cells[column.name] = labels.get(str(value), str(value))
            elif f.key_label is not None:
                cells[column.name] = f.key_label(str(value)) or str(value)
            else:
                cells[column.name] = cell(value, money=column.money)
        return cells

    return format_row


def build(institution, year: int, *, template: ReportTemplate | None = None, rows=None) -> Report:
    """Compute every figure of the report (``rows``: cap on list rows, None for all)."""
    template = template or template_for(year)
    if template is None:
        raise LookupError("no report template is installed")
    english = _english()
    figures = engine.compute(indicators_of(template), institution.pk, year, english=english)
    narratives = dict(
        ReportNarrative.objects.filter(institution=institution, year=year).values_list(
            "section", "text"
        )
    )
    sections = []
    for spec in template.sections:
        section = SectionView(
            code=spec["code"],
            number=int(spec.get("number") or len(sections) + 1),
            title=_pick(spec.get("title"), english),
            intro=_pick(spec.get("intro"), english),
            narrative=bool(spec.get("narrative")),
            text=narratives.get(spec["code"], ""),
        )
        for ispec in spec.get("indicators", []):
            kind = ispec.get("kind", "figure")
            query = ispec["query"]
            source = sources.get(query["source"])
            view = IndicatorView(
                code=ispec["code"],
                label=_pick(ispec.get("label"), english),
                definition=_pick(ispec.get("definition"), english),
                unit=ispec.get("unit", "count"),
                kind=kind,
                source=source.key,
            )
            if kind == "list":
                view.columns = columns_for(source, list(query["columns"]))
                raw = engine.list_rows(source, query, institution.pk, year, limit=rows)
                format_row = cell_formatter(source, view.columns)
                view.rows = [{"pk": r["_pk"], "values": r, "cells": format_row(r)} for r in raw]
                view.value = len(view.rows)
            else:
                figure = figures[view.code]
                view.value = figure.value
                view.text = number(figure.value, view.unit)
                view.groups = [
                    GroupView(g.key, g.label or "—", g.value, number(g.value, view.unit))
                    for g in figure.groups
                ]
            section.indicators.append(view)
        sections.append(section)
    return Report(
        institution=institution,
        year=year,
        template=template,
        sections=sections,
        generated_at=timezone.localtime(),
    )


def as_json(report: Report) -> dict:
    """The report's figures for the API (values as strings where they are Decimal)."""

    def plain(value):
        return None if value is None else str(value) if not isinstance(value, int) else value

    return {
        "institution": report.institution.slug,
        "year": report.year,
        "template": {"code": report.template.code, "version": report.template.version},
        "sections": [
            {
                "code": s.code,
                "number": s.number,
                "title": s.title,
                "narrative": s.text if s.narrative else None,
                "indicators": [
                    {
                        "code": i.code,
                        "label": i.label,
                        "definition": i.definition,
                        "kind": i.kind,
                        "unit": i.unit if not i.is_list else None,
                        "value": plain(i.value),
                        "groups": [
                            {"key": g.key, "label": g.label, "value": plain(g.value)}
                            for g in i.groups
                        ],
                        "columns": [c.name for c in i.columns],
                        "rows": [
                            {c.name: plain(r["values"].get(c.name)) for c in i.columns}
                            for r in i.rows
                        ],
                    }
                    for i in s.indicators
                ],
            }
            for s in report.sections
        ],
    }
