"""Spreadsheet export of any list page: the user gets what they see, filters applied."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filename(stem: str, ext: str) -> str:
    return f"{stem}-{timezone.localdate():%Y%m%d}.{ext}"


HEAD_FONT = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="1F4E79")


def write_sheet(sheet, headers: Sequence, rows: Iterable[Sequence], *, freeze: str = "A2") -> None:
    """A header row in the house colours, the rows, columns as wide as their text (capped)."""
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font, cell.fill = HEAD_FONT, HEAD_FILL
    widths = [max(8, len(str(h)) * 2 + 2) for h in headers]
    for row in rows:
        values = ["" if v is None else v for v in row]
        sheet.append(values)
        for i, value in enumerate(values):
            if i < len(widths):
                widths[i] = min(60, max(widths[i], len(str(value)) * 2 + 2))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = freeze


def safe_sheet_title(workbook, title: str) -> str:
    r"""A sheet name Excel accepts (31 characters, no []:*?/\), unique in the workbook."""
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in str(title))[:31] or "Sheet"
    name, n = clean, 2
    while name in workbook.sheetnames:
        suffix = f" ({n})"
        name, n = clean[: 31 - len(suffix)] + suffix, n + 1
    return name


def xlsx_response(
    stem: str, title: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> HttpResponse:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    write_sheet(sheet, headers, rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, "xlsx")}"'
    return response


def csv_response(stem: str, headers: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, "csv")}"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    writer = csv.writer(response)
    writer.writerow([str(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return response


def export_response(request, stem: str, title: str, headers, rows) -> HttpResponse:
    """``?export=csv`` gives CSV, anything else the Excel workbook."""
    if request.GET.get("export") == "csv":
        return csv_response(stem, headers, rows)
    return xlsx_response(stem, title, headers, rows)
