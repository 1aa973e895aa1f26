"""The dashboards as files: an Excel workbook with one sheet per series, and the chart data as
one long CSV (series, row, column, value) that any tool can pivot."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from datong.core.exports import XLSX, safe_sheet_title, write_sheet


def _sheet(workbook: Workbook, title: str, headers: Sequence, rows: Iterable[Sequence]) -> None:
    sheet = workbook.create_sheet(title=safe_sheet_title(workbook, title))
    write_sheet(sheet, headers, rows, freeze="B2")


def _headers(table: dict, first: str) -> list[str]:
    return [first, *(column["label"] for column in table["columns"])]


def _table_rows(table: dict) -> list[list]:
    return [
        [row["label"], *(row["values"][column["key"]] for column in table["columns"])]
        for row in table["rows"]
    ]


def dimension_label(dimension: str) -> str:
    return {
        "year": _("Year"),
        "type": _("Type"),
        "industry": _("Industry"),
        "region": _("Province"),
        "stage": _("Stage"),
    }.get(dimension, dimension)


def workbook_response(
    stem: str, summary: Sequence[Sequence], tables: Iterable[dict], extra=()
) -> HttpResponse:
    """``summary`` rows on the first sheet, then one sheet per table (and per ``extra``
    ``(title, headers, rows)``)."""
    workbook = Workbook()
    first = workbook.active
    first.title = safe_sheet_title(workbook, _("Summary"))
    for row in summary:
        first.append(["" if v is None else v for v in row])
    first.column_dimensions["A"].width = 36
    first.column_dimensions["B"].width = 24
    for table in tables:
        _sheet(
            workbook,
            table["title"],
            _headers(table, dimension_label(table["dimension"])),
            _table_rows(table),
        )
    for title, headers, rows in extra:
        _sheet(workbook, title, headers, rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{stem}-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response


def long_rows(tables: Iterable[dict]) -> Iterable[list]:
    for table in tables:
        for row in table["rows"]:
            for column in table["columns"]:
                yield [
                    table["key"],
                    table["title"],
                    row["key"],
                    row["label"],
                    column["key"],
                    column["label"],
                    column["unit"],
                    row["values"][column["key"]],
                ]


def csv_response(stem: str, rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{stem}-{timezone.localdate():%Y%m%d}.csv"'
    )
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    writer = csv.writer(response)
    writer.writerow(
        ["series", _("Series"), "row", _("Row"), "column", _("Column"), "unit", _("Value")]
    )
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return response
