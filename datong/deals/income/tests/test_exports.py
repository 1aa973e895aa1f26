"""Statement files: the PDF is a PDF, the workbook opens and holds the figures and, on every
line, the rule behind it."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from datong.deals.income import exports, selectors, services

from .conftest import book
from .test_views import executed


def _statement(w, user=None, name=""):
    return selectors.statement(
        actor=w["office"], year=2026, institution=w["uni"], user=user, name=name
    )


def test_pdf_is_a_pdf_with_text(iw):
    executed(iw)
    data = exports.statement_pdf(_statement(iw, user=iw["researcher"]))
    assert data.startswith(b"%PDF")
    assert len(data) > 2000


def test_workbook_holds_the_figures_and_the_rules(iw):
    w = iw
    executed(w)
    # A second, research-account reward in the same year for the same person.
    book(w, "income", "royalty", "200000", dt.date(2026, 6, 1))
    d = services.distribution_create(
        actor=w["office"],
        result=w["result"],
        deal_type="licence",
        decided_on=dt.date(2026, 6, 2),
        channels={w["zhang"].pk: "research_account"},
    )
    services.distribution_approve(actor=w["office"], distribution=d)
    services.distribution_execute(actor=w["office"], distribution=d, paid_on=dt.date(2026, 6, 3))
    statement = _statement(w, user=w["researcher"])
    sheet = load_workbook(io.BytesIO(exports.statement_xlsx(statement))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index((None,) * len(rows[0])) + 1  # the title rows, a blank row, the header
    lines = rows[header + 1 : header + 3]
    assert [line[1] for line in lines] == ["FP-2026-001", "FP-2026-002"]
    first, second = lines
    assert (Decimal(str(first[5])), Decimal(str(first[6])), Decimal(str(first[7]))) == (
        Decimal("270000"),
        Decimal("135000"),
        Decimal("10980"),
    )
    assert first[9] == "cs-2018-58" and "58" in first[10]
    assert first[11] == "law-2015-art45"
    # 200 000 × 50 % × 60 % = 60 000 credited, not taxed.
    assert (Decimal(str(second[5])), Decimal(str(second[6]))) == (Decimal("60000"), Decimal("0"))
    assert second[9] == "research_account"
    total = rows[header + 3]
    assert Decimal(str(total[5])) == Decimal("330000")
    assert Decimal(str(total[6])) == Decimal("135000")
    assert statement["credited"] == Decimal("60000.00")


def test_statement_downloads_through_the_page(client, iw):
    executed(iw)
    client.force_login(iw["researcher"])
    url = reverse("income-statement") + "?institution=uni&year=2026&format=xlsx"
    response = client.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [v for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert "FP-2026-001" in values
    assert any(isinstance(v, int | float | Decimal) and Decimal(str(v)) == 270000 for v in values)
    # Someone without rewards gets an empty statement of their own, never another's.
    client.force_login(iw["other_office"])
    empty = client.get(reverse("income-statement") + "?institution=uni&year=2026&format=xlsx")
    sheet = load_workbook(io.BytesIO(empty.content)).active
    values = [v for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert "FP-2026-001" not in values
