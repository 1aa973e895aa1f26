"""The programme view: its figures on a fixture computed by hand, who may read them (page, Excel
workbook, API), and the link from the programme page.

The fixture (yuan), on the ``world`` programme (lines early-rd and pre-incubation):

====  ======  ==========================================  ==========================
app   call    path                                        requested (awarded)
====  ======  ==========================================  ==========================
A1    first   … → awarded, project started                early 1,000,000 (1,000,000),
                                                          inc 500,000 (400,000)
A2    first   … → awarded                                 early 800,000 (800,000)
A3    first   … → under review → reserve                  early 600,000
A4    first   submitted → rejected at admission           early 300,000
A5    first   … → under review → rejected                 inc 200,000
A6    first   submitted → admitted → withdrawn            early 100,000
A7    first   … → under review                            early 400,000
A8    first   draft (never counted)                       early 999,999
A9    second  … → awarded → renounced                     early 700,000 (700,000)
A10   second  submitted                                   inc 250,000
====  ======  ==========================================  ==========================

Handed in 9; reached admission 7, review 6, award 3; decided 3 + 1 reserve + 2 rejected = 6;
acceptance rate 3 ÷ 6 = 50 %. Committed (status awarded): early 1,800,000, inc 400,000.
Project P1 (A1, stage 1→10): advances early 400,000 and inc 100,000; M1 (early 600,000)
accepted; equipment 300,000 spent on early; market 50,000 spent and travel 20,000 rejected on
inc (eligible there: market, travel). Outcome: a licence, a company, landed at 南通中央创新区
(江苏). The second call opened earlier than the first, so it comes first in the per-call table.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from datong.core.roles import Role
from datong.core.testing import assert_api_error
from datong.institutions.factories import AllianceFactory, AllianceMemberFactory, member_of
from datong.poc import overview, workflow
from datong.poc.factories import CallFactory
from datong.poc.models import (
    Application,
    CallStatus,
    CostRule,
    FundingRequest,
    FundKind,
    PlannedMilestone,
)
from datong.poc.projects import services as project_services

from .conftest import bearer, days, make_result

D = Decimal
pytestmark = pytest.mark.django_db

PATHS = {
    "awarded": ("submitted", "admitted", "under_review", "provisional", "awarded"),
    "reserve": ("submitted", "admitted", "under_review", "reserve"),
    "rejected_at_admission": ("submitted", "rejected"),
    "rejected": ("submitted", "admitted", "under_review", "rejected"),
    "withdrawn": ("submitted", "admitted", "withdrawn"),
    "under_review": ("submitted", "admitted", "under_review"),
    "draft": (),
    "renounced": ("submitted", "admitted", "under_review", "provisional", "awarded", "renounced"),
    "submitted": ("submitted",),
}


def application(world, call, number, path, requests, stage="0-1"):
    """An application of ``world``'s university taken along ``path``; ``requests`` maps a line
    key ("early", "incubation") to (requested, awarded or None)."""
    result = make_result(world["uni"], f"OV-{number}", world["researcher"])
    app = Application.objects.create(
        call=call,
        result=result,
        institution=world["uni"],
        applicant=world["researcher"],
        number=f"JIA-POC-{number:03d}",
        title=f"项目{number}",
        stage=stage,
        trl_now=4,
        trl_target=6,
    )
    for key, (amount, awarded) in requests.items():
        FundingRequest.objects.create(
            application=app, funding_line=world[key], amount=D(amount), awarded=awarded
        )
    for status in PATHS[path]:
        workflow.move(app, status, actor=world["office"])
    return app


@pytest.fixture
def figures_world(world):
    second = CallFactory(
        programme=world["programme"],
        name="2025年第二批",
        opens_on=days(-300),
        closes_on=days(-250),
        budget=D("5000000"),
        status=CallStatus.DECIDED,
    )
    first = world["call"]
    a1 = application(
        world,
        first,
        1,
        "awarded",
        {"early": ("1000000", D("1000000")), "incubation": ("500000", D("400000"))},
        stage="1-10",
    )
    application(world, first, 2, "awarded", {"early": ("800000", D("800000"))})
    application(world, first, 3, "reserve", {"early": ("600000", None)})
    application(world, first, 4, "rejected_at_admission", {"early": ("300000", None)})
    application(world, first, 5, "rejected", {"incubation": ("200000", None)})
    application(world, first, 6, "withdrawn", {"early": ("100000", None)})
    application(world, first, 7, "under_review", {"early": ("400000", None)})
    application(world, first, 8, "draft", {"early": ("999999", None)})
    application(world, second, 9, "renounced", {"early": ("700000", D("700000"))})
    application(world, second, 10, "submitted", {"incubation": ("250000", None)})
    _run_project(world, a1)
    world["second"] = second
    return world


def _run_project(world, app):
    office, early, inc = world["office"], world["early"], world["incubation"]
    for cost_type in ("market", "travel"):
        CostRule.objects.create(funding_line=inc, cost_type=cost_type)
    m1 = PlannedMilestone.objects.create(
        application=app, title="样品", due_on=days(-20), budget=D("600000"), funding_line=early
    )
    m2 = PlannedMilestone.objects.create(
        application=app, title="中试", due_on=days(100), budget=D("300000"), funding_line=inc
    )
    project = project_services.project_start(
        actor=office,
        application=app,
        starts_on=days(-100),
        ends_on=days(200),
        agreement_number="JIA-XY-001",
        agreement_signed_on=days(-101),
        tranches=[
            {"milestone": m1.pk, "funding_line": early.pk, "amount": "600000"},
            {"milestone": m2.pk, "funding_line": inc.pk, "amount": "300000"},
        ],
        advances={early.pk: "400000", inc.pk: "100000"},
    )
    milestone = project.milestones.get(title="样品")
    project_services.milestone_report(actor=world["researcher"], milestone=milestone, evidence="ok")
    project_services.milestone_accept(actor=office, milestone=milestone)

    def spend(line, cost_type, amount):
        return project_services.expense_record(
            actor=world["researcher"],
            project=project,
            data={
                "funding_line": line.pk,
                "cost_type": cost_type,
                "spent_on": days(-10),
                "amount": amount,
                "payee": "某供应商",
            },
        )

    spend(early, "equipment", "300000")
    spend(inc, "market", "50000")
    project_services.expense_reject(
        actor=office, expense=spend(inc, "travel", "20000"), reason="与项目无关"
    )
    project_services.outcome_record(
        actor=world["researcher"],
        project=project,
        data={
            "licence": "普通许可某医疗器械企业",
            "company_name": "南通某智能医疗科技有限公司",
            "landing_base": "南通中央创新区",
            "landing_province": "320000",
        },
    )
    return project


# --- the figures -----------------------------------------------------------------------------


def test_application_figures(figures_world):
    apps = overview.application_figures(figures_world["programme"])
    assert {k: apps[k] for k in ("handed_in", "admitted", "reviewed", "awarded", "decided")} == {
        "handed_in": 9,
        "admitted": 7,
        "reviewed": 6,
        "awarded": 3,
        "decided": 6,
    }
    assert apps["rate"] == D("50.0")
    counts = {row["code"]: row["count"] for row in apps["by_status"]}
    assert "draft" not in counts
    assert counts == {
        "submitted": 1,
        "correction_requested": 0,
        "admitted": 0,
        "under_review": 1,
        "provisional": 0,
        "awarded": 2,
        "reserve": 1,
        "rejected": 2,
        "withdrawn": 1,
        "renounced": 1,
    }
    assert [s["count"] for s in apps["steps"]] == [9, 7, 6, 3]


def test_call_rows(figures_world):
    second, first = overview.call_rows(figures_world["programme"])  # oldest first
    assert first["call"] == figures_world["call"] and second["call"] == figures_world["second"]
    keys = ("handed_in", "admitted", "reviewed", "awarded", "decided", "reserve", "rejected")
    assert [first[k] for k in keys] == [7, 6, 5, 2, 5, 1, 2]
    assert (first["withdrawn"], first["in_progress"], first["rate"]) == (1, 1, D("40.0"))
    assert (first["requested"], first["committed"]) == (D("3900000"), D("2200000"))
    assert [second[k] for k in keys] == [2, 1, 1, 1, 1, 0, 0]
    assert (second["withdrawn"], second["in_progress"], second["rate"]) == (1, 1, D("100.0"))
    assert (second["requested"], second["committed"]) == (D("950000"), D("0"))


def test_money_projects_outcomes(figures_world):
    data = overview.overview(figures_world["programme"], detail=True)
    early, inc = data["money"]["lines"]
    keys = ("committed", "awarded", "released", "spent", "rejected", "to_release", "remaining")
    assert [early[k] for k in keys] == [
        D("1800000"),
        D("1000000"),
        D("1000000"),
        D("300000"),
        D("0"),
        D("0"),
        D("700000"),
    ]
    assert [inc[k] for k in keys] == [
        D("400000"),
        D("400000"),
        D("100000"),
        D("50000"),
        D("20000"),
        D("300000"),
        D("350000"),
    ]
    money = data["money"]
    assert money["totals"]["committed"] == D("2200000")
    assert money["totals"]["remaining"] == D("1050000")
    assert money["uncommitted"] == D("27800000")
    assert money["committed_share"] == D("7.3")
    assert money["call_budget"] == D("15000000")
    projects = data["projects"]
    assert projects["total"] == 1
    stage = {row["code"]: row for row in projects["by_stage"]}
    assert stage["1-10"]["count"] == 1 and stage["1-10"]["states"][0] == 1
    assert stage["0-1"]["count"] == 0
    assert {row["code"]: row["count"] for row in data["outcomes"]} == {
        "recorded": 1,
        "licences": 1,
        "companies": 1,
        "landed": 1,
    }
    assert data["landed"] == [
        {"base": "南通中央创新区", "province": "320000", "province_name": "江苏省", "projects": 1}
    ]
    assert [o.company_name for o in data["outcome_list"]] == ["南通某智能医疗科技有限公司"]
    charts = overview.chart_data(data)
    assert charts["money"]["series"]["committed"] == [1800000, 400000]
    assert charts["funnel"][-1]["value"] == 3
    json.dumps(charts)  # plain JSON for the page


def test_an_empty_programme_has_no_rate(world):
    data = overview.overview(world["programme"])
    assert data["applications"]["handed_in"] == 0
    assert data["applications"]["rate"] is None
    assert data["projects"]["total"] == 0 and data["landed"] == []


# --- who may read them -----------------------------------------------------------------------


def url(world, **query):
    path = reverse("poc-programme-overview", args=[world["programme"].code])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def page(user, path, language="zh-hans"):
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(path, HTTP_ACCEPT_LANGUAGE=language)


def test_the_office_sees_the_page_with_charts_and_tables(figures_world):
    response = page(figures_world["office"], url(figures_world))
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("funnel", "money", "stages", "outcomes", "landed"):
        assert f'data-chart="{key}"' in html
    for table in ("funnel", "status", "calls", "money", "stages", "outcomes", "landed"):
        assert f'data-table="{table}"' in html
    assert "vendor/echarts/echarts.min.js" in html
    assert 'id="ov-data"' in html
    assert "南通中央创新区" in html and "50.0 %" in html and "¥1,800,000" in html
    assert "南通某智能医疗科技有限公司" in html  # the office sees the outcome records
    english = page(figures_world["office"], url(figures_world), "en").content.decode()
    assert "Acceptance rate" in english and "Money per funding line" in english


def test_the_office_exports_a_workbook_with_a_sheet_per_block(figures_world):
    response = page(figures_world["office"], url(figures_world, export="xlsx"), "en")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="programme-jia-poc-')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Summary",
        "Applications per status",
        "Calls",
        "Money per funding line",
        "Projects per stage",
        "Outcomes",
        "Landed per base",
        "Outcome records",
    ]
    money = list(book["Money per funding line"].iter_rows(values_only=True))
    assert money[1][0] == "Early R&D" and money[1][2] == 1800000
    assert money[-1][0] == "Total" and money[-1][2] == 2200000
    calls = list(book["Calls"].iter_rows(values_only=True))
    assert calls[2][3:7] == (7, 6, 5, 2)


def test_others_may_not_see_the_figures(figures_world):
    path = url(figures_world)
    for who in ("researcher", "bystander", "partner_office", "other_office"):
        assert page(figures_world[who], path).status_code == 403, who
    anonymous = page(None, path)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    programme = figures_world["programme"]
    programme.is_active = False
    programme.save()
    assert page(figures_world["other_office"], path).status_code == 404
    assert page(figures_world["office"], path).status_code == 200
    missing = reverse("poc-programme-overview", args=["no-such-programme"])
    assert page(figures_world["office"], missing).status_code == 404


def test_the_alliance_secretariat_sees_an_alliance_programme_without_project_names(
    figures_world,
):
    alliance = AllianceFactory()
    AllianceMemberFactory(alliance=alliance, institution=figures_world["uni"])
    admin = member_of(alliance.secretariat, Role.ALLIANCE_ADMIN)
    observer = member_of(alliance.secretariat, Role.OBSERVER)
    other_alliance = AllianceFactory()
    outsider = member_of(other_alliance.secretariat, Role.ALLIANCE_ADMIN)
    path = url(figures_world)
    # While the programme is the institution's own, the secretariat has no say.
    assert page(admin, path).status_code == 403
    programme = figures_world["programme"]
    programme.kind, programme.alliance = FundKind.ALLIANCE, alliance
    programme.save()
    for viewer in (admin, observer):
        response = page(viewer, path)
        assert response.status_code == 200
        html = response.content.decode()
        assert "¥1,800,000" in html and "南通中央创新区" in html
        assert "南通某智能医疗科技有限公司" not in html  # aggregates only
    assert page(outsider, path).status_code == 403
    workbook = load_workbook(io.BytesIO(page(observer, url(figures_world, export="xlsx")).content))
    assert len(workbook.sheetnames) == 7  # no sheet naming the projects


def test_the_programme_page_links_to_the_figures(figures_world):
    detail = reverse("poc-programme", args=[figures_world["programme"].code])
    link = reverse("poc-programme-overview", args=[figures_world["programme"].code])
    assert link in page(figures_world["office"], detail).content.decode()
    assert link not in page(figures_world["researcher"], detail).content.decode()


# --- the API ---------------------------------------------------------------------------------


def api_path(world) -> str:
    return f"/api/v1/poc/programmes/{world['programme'].code}/figures"


def test_the_api_gives_the_same_figures(figures_world, client):
    response = client.get(api_path(figures_world), **bearer(figures_world["office"]))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["code"] == "jia-poc"
    assert body["applications"]["handed_in"] == 9
    assert D(body["applications"]["acceptance_rate"]) == D("50.0")
    lines = {line["code"]: line for line in body["funding_lines"]}
    assert D(lines["early-rd"]["committed"]) == D("1800000")
    assert D(lines["pre-incubation"]["rejected"]) == D("20000")
    assert D(body["totals"]["released"]) == D("1100000")
    assert [c["handed_in"] for c in body["calls"]] == [2, 7]
    stage = {row["code"]: row for row in body["projects"]["by_stage"]}
    assert stage["1-10"]["by_state"]["active"] == 1
    assert {row["code"]: row["count"] for row in body["outcomes"]}["companies"] == 1
    assert body["landed"][0]["base"] == "南通中央创新区"


def test_the_api_refuses_others(figures_world, client):
    path = api_path(figures_world)
    assert_api_error(client.get(path, **bearer(figures_world["researcher"])), 403, "forbidden")
    assert_api_error(client.get(path), 401, "unauthorized")
    missing = "/api/v1/poc/programmes/nothing-here/figures"
    assert_api_error(client.get(missing, **bearer(figures_world["office"])), 404, "not_found")
