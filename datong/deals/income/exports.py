"""A person's reward statement for one institution and year, as PDF (WeasyPrint) and Excel
(openpyxl). Every line names the rule behind its figures: the tax rule of the reward and the
share rule (the institution's policy or the statute) of its distribution."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .models import Channel, DealType

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZERO = Decimal("0.00")


def _cited(distribution, rule_id: str) -> dict[str, Any] | None:
    return next((r for r in distribution.rules or [] if r.get("id") == rule_id), None)


def reward_rules(reward) -> dict[str, Any]:
    """The rules behind one reward: its tax rule and its distribution's share rule."""
    distribution = reward.distribution
    shares = next((r for r in distribution.rules or [] if r.get("applies_to") == "shares"), None)
    if reward.tax_rule == "research_account":
        tax = {
            "id": "research_account",
            "source": _("Credit to a research account: not taxable income"),
            "version": "",
            "effective_from": "",
        }
    else:
        tax = _cited(distribution, reward.tax_rule) or {
            "id": reward.tax_rule,
            "source": "",
            "version": "",
            "effective_from": "",
        }
    return {"tax": tax, "shares": shares}


def statement_lines(statement: dict) -> list[dict[str, Any]]:
    """The statement's rows, ready for a page, a PDF or a workbook."""
    deal_types = dict(DealType.choices)
    channels = dict(Channel.choices)
    lines = []
    for reward in statement["rows"]:
        distribution = reward.distribution
        rules = reward_rules(reward)
        lines.append(
            {
                "reward": reward,
                "date": reward.paid_on,
                "number": distribution.number,
                "distribution_id": distribution.pk,
                "result": distribution.result.title,
                "deal_type": str(deal_types.get(distribution.deal_type, distribution.deal_type)),
                "channel": str(channels.get(reward.channel, reward.channel)),
                "amount": reward.amount,
                "shares": reward.shares,
                "taxable": reward.taxable,
                "tax_estimate": reward.tax_estimate,
                "half_rate": bool(reward.conditions)
                and all(c.get("holds") for c in reward.conditions),
                "deferral": reward.deferral_elected,
                "tax_rule": rules["tax"],
                "share_rule": rules["shares"],
            }
        )
    return lines


def _file_stem(statement: dict) -> str:
    user = statement.get("user")
    who = f"u{user.pk}" if user is not None else "person"
    return f"reward-statement-{statement['institution'].slug}-{statement['year']}-{who}"


def statement_pdf(statement: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "income/statement_pdf.html",
        {
            "s": statement,
            "lines": statement_lines(statement),
            "printed": timezone.localtime(),
        },
    )
    return HTML(string=html).write_pdf()


def statement_xlsx(statement: dict) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(statement["year"])
    institution = statement["institution"]
    bold = Font(bold=True)
    sheet.append([_("Reward statement %(year)s") % {"year": statement["year"]}])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Person"), statement["person"]])
    sheet.append([_("Paid by"), institution.display_name])
    sheet.append([_("Printed"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    sheet.append([])
    headers = [
        pgettext("reward", "Paid on"),
        _("Distribution"),
        _("Result"),
        _("Deal type"),
        _("Paid as"),
        _("Amount (yuan)"),
        _("Taxable (yuan)"),
        _("Estimated income tax (yuan)"),
        _("Shares (%)"),
        _("Tax rule"),
        _("Tax rule source"),
        _("Share rule"),
        _("Share rule source"),
    ]
    sheet.append(headers)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for line in statement_lines(statement):
        share_rule = line["share_rule"] or {}
        sheet.append(
            [
                line["date"],
                line["number"],
                line["result"],
                line["deal_type"],
                line["channel"],
                line["amount"],
                line["taxable"],
                line["tax_estimate"],
                line["shares"],
                line["tax_rule"]["id"],
                line["tax_rule"]["source"],
                share_rule.get("id", ""),
                share_rule.get("source", ""),
            ]
        )
        row = sheet.max_row
        sheet.cell(row, 1).number_format = "yyyy-mm-dd"
        for column in (6, 7, 8):
            sheet.cell(row, column).number_format = "#,##0.00"
    sheet.append(
        [
            _("Total"),
            "",
            "",
            "",
            "",
            statement["total"],
            statement["taxable"],
            statement["tax_estimate"],
            statement["equity_shares"] or None,
        ]
    )
    total_row = sheet.max_row
    for column in (1, 6, 7, 8, 9):
        sheet.cell(total_row, column).font = bold
    for column in (6, 7, 8):
        sheet.cell(total_row, column).number_format = "#,##0.00"
    sheet.append([_("Of which cash through payroll"), "", "", "", "", statement["cash"]])
    sheet.append(
        [_("Of which credited to research accounts"), "", "", "", "", statement["credited"]]
    )
    for row in (sheet.max_row - 1, sheet.max_row):
        sheet.cell(row, 6).number_format = "#,##0.00"
    sheet.append([])
    sheet.append(
        [
            _(
                "The tax figures are estimates under the rules named on each line; the "
                "institution's payroll withholding is what counts."
            )
        ]
    )
    widths = [12, 14, 30, 14, 22, 16, 16, 18, 10, 16, 36, 22, 36]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def statement_response(statement: dict, fmt: str) -> HttpResponse:
    """``fmt`` "pdf" or "xlsx"; anything else is the caller's mistake."""
    if fmt == "pdf":
        response = HttpResponse(statement_pdf(statement), content_type=PDF)
        ext = "pdf"
    else:
        response = HttpResponse(statement_xlsx(statement), content_type=XLSX)
        ext = "xlsx"
    response["Content-Disposition"] = f'attachment; filename="{_file_stem(statement)}.{ext}"'
    return response
