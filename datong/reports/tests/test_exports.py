"""Word, Excel and PDF carry the page's figures; the console command writes the same files."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from datong.reports import exports, services
from datong.reports.report import build

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def _xlsx_values(content: bytes):
    workbook = load_workbook(io.BytesIO(content))
    values = {}
    for sheet in workbook.worksheets:
        values[sheet.title] = [list(r) for r in sheet.iter_rows(values_only=True)]
    return workbook, values


def test_the_docx_has_headings_tables_figures_and_narrative(rw):
    services.narrative_save(
        actor=rw["office"],
        institution=rw["uni"],
        year=YEAR,
        section="work",
        text="今年成果转化稳步推进。",
    )
    content = exports.to_docx(build(rw["uni"], YEAR))
    document = Document(io.BytesIO(content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading 1")]
    assert len(headings) == 6 and headings[0].startswith("1. ") and headings[5].startswith("6. ")
    text = _docx_text(content)
    assert "今年成果转化稳步推进。" in text
    assert "转化合同数 | 3 |" in text
    assert "转化合同金额 | 2,000,000.00 |" in text
    assert "转化合同当年到账金额 | 920,000.00 |" in text
    assert "个人现金奖励金额 | 120,000.00 |" in text
    # the project list: every conversion contract of the year, with buyer, type, amount, received
    assert (
        "C2 | 合同C2 | 转让 | 北京乙公司 | 北京市 | 2025-06-01 | "
        "1,200,000.00 | 600,000.00 | 1,200,000.00" in text
    )
    assert len(document.tables) > 6


def test_the_xlsx_has_one_sheet_per_section_with_the_figures(rw):
    workbook, values = _xlsx_values(exports.to_xlsx(build(rw["uni"], YEAR)))
    assert len(workbook.worksheets) == 6
    assert [s.title[:2] for s in workbook.worksheets] == ["1 ", "2 ", "3 ", "4 ", "5 ", "6 "]
    conversion = values[workbook.worksheets[2].title]
    by_label = {row[0]: row[1] for row in conversion if row and row[0]}
    assert by_label["转化合同数"] == 3
    assert by_label["转化合同金额"] == 2000000
    assert by_label["转化合同当年到账金额"] == 920000
    assert by_label["转化合同平均金额"] == pytest.approx(666666.67)
    income = {row[0]: row[1] for row in values[workbook.worksheets[4].title] if row and row[0]}
    assert income["获得现金奖励人次"] == 2 and income["个人所得税估算"] == 6960
    projects = values[workbook.worksheets[5].title]
    numbers = [row[0] for row in projects if row and row[0] in ("C1", "C2", "C5")]
    assert numbers == ["C1", "C2", "C5"]


def test_the_pdf_is_a_pdf(rw):
    content = exports.to_pdf(build(rw["uni"], YEAR))
    assert content.startswith(b"%PDF")
    assert len(content) > 5000


def test_the_command_writes_every_format(rw, tmp_path):
    for fmt in exports.FORMATS:
        path = tmp_path / f"out.{fmt}"
        call_command(
            "report",
            "annual",
            "--institution",
            "uni",
            "--year",
            str(YEAR),
            "--format",
            fmt,
            "--output",
            str(path),
        )
        assert path.exists() and path.stat().st_size > 1000
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
    text = _docx_text((tmp_path / "out.docx").read_bytes())
    page = _docx_text(exports.to_docx(build(rw["uni"], YEAR)))
    # the same report as the page, bar the time it was generated
    strip = lambda s: "\n".join(line for line in s.splitlines() if "2026.1" not in line)  # noqa: E731
    assert strip(text) == strip(page)


def test_the_command_in_english_and_its_errors(rw, tmp_path):
    path = tmp_path / "report.xlsx"
    call_command(
        "report",
        "annual",
        "--institution",
        "uni",
        "--year",
        str(YEAR),
        "--output",
        str(path),
        "--language",
        "en",
    )
    workbook = load_workbook(path)
    assert workbook.worksheets[2].title.startswith("3 Conversions")
    with pytest.raises(CommandError):
        call_command(
            "report",
            "annual",
            "--institution",
            "nowhere",
            "--year",
            str(YEAR),
            "--output",
            str(path),
        )
    with pytest.raises(CommandError):
        call_command(
            "report",
            "annual",
            "--institution",
            "uni",
            "--year",
            str(YEAR),
            "--output",
            str(tmp_path / "report.txt"),
        )
