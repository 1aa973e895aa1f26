"""The annual report as Word (python-docx), Excel (openpyxl, one sheet per section) and PDF
(WeasyPrint): the same ``report.Report`` the page renders, so every export says what the page says.
"""

from __future__ import annotations

import io
import re

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .report import IndicatorView, Report

FORMATS = ("docx", "xlsx", "pdf")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
CJK_FONT = "Noto Sans CJK SC"


def filename(report: Report, fmt: str) -> str:
    return f"annual-report-{report.institution.slug}-{report.year}.{fmt}"


def render(report: Report, fmt: str) -> bytes:
    if fmt == "docx":
        return to_docx(report)
    if fmt == "xlsx":
        return to_xlsx(report)
    if fmt == "pdf":
        return to_pdf(report)
    raise ValueError(fmt)


def _heading(report: Report) -> tuple[str, str]:
    title = _("%(institution)s %(year)s %(title)s") % {
        "institution": report.institution.display_name,
        "year": report.year,
        "title": report.title,
    }
    meta = _("Template %(version)s · generated %(at)s") % {
        "version": report.template.version,
        "at": report.generated_at.strftime("%Y-%m-%d %H:%M"),
    }
    return title, meta


def _group_rows(indicator: IndicatorView) -> list[tuple[str, str]]:
    rows = [(g.label, g.text) for g in indicator.groups]
    rows.append((_("Total"), indicator.text))
    return rows


# --- Word ------------------------------------------------------------------------------------


def _docx_font(run, size=None, bold=None):
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = CJK_FONT
    r_pr = run._element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(r_fonts)
    r_fonts.set(qn("w:eastAsia"), CJK_FONT)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold


def _docx_table(document, headers: list[str], rows: list[list[str]], numeric: set[int]):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for i, text in enumerate(headers):
        cell = table.rows[0].cells[i]
        cell.text = ""
        _docx_font(cell.paragraphs[0].add_run(str(text)), 9, True)
    for row in rows:
        cells = table.add_row().cells
        for i, text in enumerate(row):
            cells[i].text = ""
            paragraph = cells[i].paragraphs[0]
            _docx_font(paragraph.add_run(str(text)), 9)
            if i in numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return table


def to_docx(report: Report) -> bytes:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = CJK_FONT
    normal.font.size = Pt(10.5)
    title, meta = _heading(report)
    heading = document.add_heading(level=0)
    _docx_font(heading.add_run(title), 18)
    _docx_font(document.add_paragraph().add_run(meta), 9)
    for section in report.sections:
        h = document.add_heading(level=1)
        _docx_font(h.add_run(f"{section.number}. {section.title}"), 14)
        if section.intro:
            _docx_font(document.add_paragraph().add_run(section.intro), 9)
        if section.narrative:
            text = section.text or _("(No text written yet.)")
            for paragraph in [p for p in re.split(r"\n\s*\n|\n", text) if p.strip()]:
                _docx_font(document.add_paragraph().add_run(paragraph.strip()))
        figures = section.figures
        if figures:
            _docx_table(
                document,
                [_("Indicator"), _("Value"), _("Unit")],
                [[i.label, i.text, i.unit_label] for i in figures],
                {1},
            )
        for indicator in figures:
            if not indicator.has_groups:
                continue
            h = document.add_heading(level=3)
            _docx_font(h.add_run(indicator.label), 11)
            _docx_table(
                document,
                ["", f"{_('Value')} ({indicator.unit_label})"],
                [list(r) for r in _group_rows(indicator)],
                {1},
            )
        for indicator in section.lists:
            h = document.add_heading(level=2)
            _docx_font(h.add_run(indicator.label), 12)
            rows = indicator.table() or [
                [_("None in this year.")] + [""] * (len(indicator.columns) - 1)
            ]
            _docx_table(
                document,
                [c.label for c in indicator.columns],
                rows,
                {n for n, c in enumerate(indicator.columns) if c.money},
            )
        document.add_paragraph()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- Excel -----------------------------------------------------------------------------------


def _sheet_title(number_: int, title: str, used: set[str]) -> str:
    clean = re.sub(r"[\[\]\*\?/\\:]", " ", f"{number_} {title}")[:31].strip()
    name, n = clean, 2
    while name in used:
        name = f"{clean[:28]} {n}"
        n += 1
    used.add(name)
    return name


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F4E79")
    money_format = "#,##0.00"

    def header(sheet, values):
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")

    def put(sheet, row, unit):
        sheet.append(row)
        cell = sheet.cell(row=sheet.max_row, column=2)
        if unit == "yuan":
            cell.number_format = money_format

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    title, meta = _heading(report)
    for section in report.sections:
        sheet = workbook.create_sheet(_sheet_title(section.number, section.title, used))
        sheet.append([f"{section.number}. {section.title}"])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([title])
        sheet.append([meta])
        if section.intro:
            sheet.append([section.intro])
        if section.narrative:
            sheet.append([])
            sheet.append([_("Narrative")])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
            sheet.append([section.text or _("(No text written yet.)")])
            sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(
                wrap_text=True, vertical="top"
            )
        if section.figures:
            sheet.append([])
            header(sheet, [_("Indicator"), _("Value"), _("Unit"), _("Code"), _("Definition")])
            for i in section.figures:
                put(sheet, [i.label, _xl(i.value), i.unit_label, i.code, i.definition], i.unit)
            for i in section.figures:
                if not i.has_groups:
                    continue
                sheet.append([])
                header(
                    sheet,
                    [
                        _("Breakdown: %(indicator)s") % {"indicator": i.label},
                        f"{_('Value')} ({i.unit_label})",
                        _("Key"),
                    ],
                )
                for g in i.groups:
                    put(sheet, [g.label, _xl(g.value), g.key], i.unit)
                put(sheet, [_("Total"), _xl(i.value), ""], i.unit)
                sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for indicator in section.lists:
            sheet.append([])
            sheet.append([indicator.label])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
            header(sheet, [c.label for c in indicator.columns])
            for row in indicator.rows:
                values = []
                for c in indicator.columns:
                    raw = row["values"].get(c.name)
                    values.append(_xl(raw) if c.money else row["cells"][c.name])
                sheet.append(values)
                for n, c in enumerate(indicator.columns, start=1):
                    if c.money:
                        sheet.cell(row=sheet.max_row, column=n).number_format = money_format
        sheet.column_dimensions["A"].width = 46
        for letter in "BCDEFGHIJ":
            sheet.column_dimensions[letter].width = 18
        sheet.column_dimensions["E"].width = 60 if section.figures else 18
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xl(value):
    """Numbers stay numbers in Excel: openpyxl writes Decimal cells as they are."""
    return value


# --- PDF -------------------------------------------------------------------------------------


def to_pdf(report: Report) -> bytes:
    from weasyprint import HTML

    title, meta = _heading(report)
    html = render_to_string(
        "reports/annual_pdf.html",
        {"report": report, "title": title, "meta": meta, "font": CJK_FONT},
    )
    return HTML(string=html).write_pdf()
