"""The programme view (``/poc/programmes/<code>/overview/``): a programme's figures as charts with
their tables, and the same figures as an Excel workbook (one sheet per block, ``?export=xlsx``).
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from datong.core.exports import XLSX, write_sheet

from . import overview


@login_required
def programme_overview(request, code: str):
    programme = overview.programme_for_overview(actor=request.user, code=code)
    office = overview.is_office(request.user, programme)
    data = overview.overview(programme, detail=office)
    if request.GET.get("export") == "xlsx":
        return _workbook_response(f"programme-{programme.code}", _sheets(programme, data, office))
    return render(
        request,
        "poc/overview.html",
        {
            "programme": programme,
            "is_office": office,
            "data": data,
            "charts": overview.chart_data(data),
            "chart_labels": _chart_labels(),
            "today": timezone.localdate(),
        },
    )


def _chart_labels() -> dict:
    return {
        "committed": _("Committed"),
        "released": _("Released"),
        "spent": _("Spent"),
        "remaining": _("Remaining of the award"),
        "projects": _("Projects"),
    }


# --- the workbook ----------------------------------------------------------------------------


def _summary_rows(programme, data: dict) -> list[list]:
    money, apps, projects = data["money"], data["applications"], data["projects"]
    totals = money["totals"]
    landed = sum(row["projects"] for row in data["landed"])
    return [
        [_("Programme"), programme.display_name],
        [_("Run by"), programme.owner.display_name],
        [_("Kind of fund"), programme.get_kind_display()],
        [_("Total budget (yuan)"), money["budget"]],
        [_("Shared among calls (yuan)"), money["call_budget"]],
        [_("Committed (yuan)"), totals["committed"]],
        [_("Released (yuan)"), totals["released"]],
        [_("Spent (yuan)"), totals["spent"]],
        [_("Remaining of the award (yuan)"), totals["remaining"]],
        [_("Budget not yet committed (yuan)"), money["uncommitted"]],
        [_("Applications handed in"), apps["handed_in"]],
        [_("Applications decided"), apps["decided"]],
        [_("Applications awarded"), apps["awarded"]],
        [_("Acceptance rate (%)"), apps["rate"] if apps["rate"] is not None else "—"],
        [_("Funded projects"), projects["total"]],
        [_("Projects landed at a base or park"), landed],
        [_("To pay back after terminations (yuan)"), money["payback"]],
    ]


def _call_rows(data: dict) -> list[list]:
    return [
        [
            row["name"],
            row["call"].get_status_display(),
            row["budget"],
            row["handed_in"],
            row["admitted"],
            row["reviewed"],
            row["awarded"],
            row["reserve"],
            row["rejected"],
            row["withdrawn"],
            row["in_progress"],
            row["rate"] if row["rate"] is not None else "—",
            row["requested"],
            row["committed"],
        ]
        for row in data["calls"]
    ]


def _line_rows(data: dict) -> list[list]:
    keys = (
        "total_cap",
        "committed",
        "awarded",
        "released",
        "spent",
        "rejected",
        "to_release",
        "remaining",
        "uncommitted",
    )
    rows = [[row["name"], *(row[k] for k in keys)] for row in data["money"]["lines"]]
    totals = data["money"]["totals"]
    rows.append([_("Total"), "", *(totals[k] for k in keys[1:-1]), ""])
    return rows


def _sheets(programme, data: dict, office: bool) -> list[tuple[str, list, list]]:
    states = [row["label"] for row in data["projects"]["by_state"]]
    sheets = [
        (_("Summary"), [_("Figure"), _("Value")], _summary_rows(programme, data)),
        (
            _("Applications per status"),
            [_("Status"), _("Number of applications")],
            [[row["label"], row["count"]] for row in data["applications"]["by_status"]]
            + [
                [_("Funnel: %(step)s") % {"step": s["label"]}, s["count"]]
                for s in data["applications"]["steps"]
            ],
        ),
        (
            _("Calls"),
            [
                _("Call"),
                _("Status"),
                _("Budget (yuan)"),
                _("Handed in"),
                _("Admitted"),
                _("Reviewed"),
                _("Awarded"),
                _("Reserve list"),
                _("Rejected"),
                _("Withdrawn or renounced"),
                _("In progress"),
                _("Acceptance rate (%)"),
                _("Requested (yuan)"),
                _("Committed (yuan)"),
            ],
            _call_rows(data),
        ),
        (
            _("Money per funding line"),
            [
                _("Funding line"),
                _("Cap for the line (yuan)"),
                _("Committed (yuan)"),
                _("Awarded to projects (yuan)"),
                _("Released (yuan)"),
                _("Spent (yuan)"),
                _("Rejected expenses (yuan)"),
                _("Still to release (yuan)"),
                _("Remaining of the award (yuan)"),
                _("Cap not yet committed (yuan)"),
            ],
            _line_rows(data),
        ),
        (
            _("Projects per stage"),
            [_("Stage"), *states, _("Total")],
            [[row["label"], *row["states"], row["count"]] for row in data["projects"]["by_stage"]],
        ),
        (
            _("Outcomes"),
            [_("Figure"), _("Projects")],
            [[row["label"], row["count"]] for row in data["outcomes"]],
        ),
        (
            _("Landed per base"),
            [_("Base or park"), _("Province"), _("Projects")],
            [[row["base"], row["province_name"], row["projects"]] for row in data["landed"]],
        ),
    ]
    if office:
        sheets.append(_outcome_sheet(data))
    return sheets


def _outcome_sheet(data: dict) -> tuple[str, list, list]:
    headers = [
        _("Project"),
        _("Number"),
        _("Applicant institution"),
        _("State"),
        _("Licence or transfer"),
        _("Contract reference"),
        _("Spin-off company"),
        _("Landing location"),
        _("Province"),
        _("Readiness after (TRL)"),
    ]
    rows = [
        [
            o.project.title,
            o.project.number,
            o.project.institution.display_name,
            o.project.get_state_display(),
            o.licence,
            o.licence_contract,
            o.company_name,
            o.landing_base,
            o.get_landing_province_display() if o.landing_province else "",
            o.trl_after,
        ]
        for o in data["outcome_list"]
    ]
    return (_("Outcome records"), headers, rows)


def _write_sheet(sheet, headers: list, rows: list) -> None:
    write_sheet(
        sheet,
        headers,
        ([v if v is None or isinstance(v, int | float) else _cell(v) for v in row] for row in rows),
    )


def _cell(value):
    return value if isinstance(value, Decimal) else str(value)


def _workbook_response(stem: str, sheets: list[tuple[str, list, list]]) -> HttpResponse:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in sheets:
        _write_sheet(workbook.create_sheet(str(title)[:31]), headers, rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    day = timezone.localdate()
    response["Content-Disposition"] = f'attachment; filename="{stem}-{day:%Y%m%d}.xlsx"'
    return response
