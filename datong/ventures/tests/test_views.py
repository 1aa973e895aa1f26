"""Company pages: list, export, detail, forms and the equity-investment steps, in both
languages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from datong.core.testing import Unchanged
from datong.results.models import TimelineEvent
from datong.ventures import services
from datong.ventures.models import Company, EquityStep
from datong.ventures.tests.conftest import days_ago, make_company, run_to_registration

pytestmark = pytest.mark.django_db


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def full(vw):
    company = make_company(vw, registered_capital="10000000", industry="65")
    inv = run_to_registration(vw, company)
    services.equity_complete(
        actor=vw["office"], investment=inv, shares_total="30", team_percentage="20"
    )
    services.founder_add(
        actor=vw["office"],
        company=company,
        data={"name": "张研", "on_leave": True, "leave_from": days_ago(40)},
    )
    services.round_add(
        actor=vw["office"],
        company=company,
        data={"name": "天使轮", "closed_on": days_ago(5), "amount": "3000000"},
    )
    services.board_seat_add(
        actor=vw["office"],
        company=company,
        data={"name": "刘办", "for_institution": True, "since": days_ago(20)},
    )
    return company


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pages_render_in_both_languages(client, vw, full, language):
    client.force_login(vw["office"])
    client.cookies["datong_language"] = language
    inv = full.investments.get()
    with translation.override(language):
        # the Chinese catalogue is compiled by the lead: check the page's language here
        lang = {"zh-hans": 'lang="zh-CN"', "en": 'lang="en"'}[language]
        html = page(client, reverse("company-list"))
        assert full.name in html and lang in html
        html = page(client, reverse("company-detail", args=[full.pk]))
        assert lang in html and "vt-cap-data" in html and "天使轮" in html
        if language == "en":
            assert "Cap table" in html and "Financing rounds" in html
        assert "echarts" in html
        html = page(client, reverse("equity-detail", args=[inv.pk]))
        assert "丙评报字" in html
        page(client, reverse("company-create"))
        page(client, reverse("company-edit", args=[full.pk]))
        page(client, reverse("company-list"), q="甲", state="active", year=days_ago(30).year)


def test_the_cap_table_on_an_earlier_date(client, vw, full):
    client.force_login(vw["office"])
    url = reverse("company-detail", args=[full.pk])
    assert 'id="vt-cap-data"' in page(client, url)
    html = page(client, url, on=days_ago(60).isoformat())
    assert 'id="vt-cap-data"' not in html  # no holding then
    assert days_ago(60).isoformat() in html


def test_export(client, vw, full):
    client.force_login(vw["office"])
    response = client.get(reverse("company-list"), {"export": "xlsx"})
    sheet = load_workbook(filename=__import__("io").BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[1][0] == full.name and "张研" in rows[1]
    response = client.get(reverse("company-list"), {"export": "csv"})
    assert full.name in response.content.decode("utf-8-sig")


def test_create_edit_and_state_through_the_pages(client, vw):
    client.force_login(vw["office"])
    with Unchanged():
        response = client.post(
            reverse("company-create"), {"name": "", "listing_status": "unlisted"}
        )
        assert response.status_code == 400
    response = client.post(
        reverse("company-create"),
        {
            "name": "北京乙芯科技有限公司",
            "listing_status": "unlisted",
            "region": "110000",
            "results": [vw["result"].pk],
        },
    )
    company = Company.objects.get(name="北京乙芯科技有限公司")
    assert response.status_code == 302
    response = client.post(reverse("company-state", args=[company.pk]), {"state": "active"})
    assert response.status_code == 400  # no incorporation date
    response = client.post(
        reverse("company-state", args=[company.pk]),
        {"state": "active", "on": days_ago(3).isoformat()},
    )
    company.refresh_from_db()
    assert response.status_code == 302 and company.state == "active"
    response = client.post(
        reverse("company-holding-add", args=[company.pk]),
        {
            "holder_kind": "investor",
            "holder_name": "某基金",
            "percentage": "120",
            "contribution": "cash",
            "since": days_ago(1).isoformat(),
        },
    )
    assert response.status_code == 400
    response = client.post(
        reverse("company-edit", args=[company.pk]),
        {
            "name": "北京乙芯科技有限公司",
            "listing_status": "unlisted",
            "city": "北京",
            "results": [vw["result"].pk],
        },
    )
    assert response.status_code == 302
    assert TimelineEvent.objects.filter(kind="company.incorporated").count() == 1


def test_equity_steps_through_the_pages(client, vw):
    company = make_company(vw)
    inv = services.equity_investment_create(actor=vw["office"], company=company)
    client.force_login(vw["office"])
    url = lambda action: reverse("equity-action", args=[inv.pk, action])  # noqa: E731
    with Unchanged():
        response = client.post(
            url("appraisal"),
            {
                "evaluator": vw["lawyer"].pk,
                "appraised_value": "100",
                "report_number": "R",
                "appraised_on": days_ago(3).isoformat(),
            },
        )
        assert response.status_code == 400
    response = client.post(
        url("appraisal"),
        {
            "evaluator": vw["evaluator"].pk,
            "appraised_value": "1000000",
            "report_number": "R-1",
            "appraised_on": days_ago(3).isoformat(),
        },
    )
    assert response.status_code == 302
    response = client.post(url("approvals-complete"), follow=True)
    inv.refresh_from_db()
    assert inv.step == EquityStep.APPROVAL
    client.post(
        url("approval"),
        {"body": "校长办公会", "decision": "approved", "on": days_ago(2).isoformat()},
    )
    client.post(url("approvals-complete"))
    client.post(url("filing"), {"filing_number": "F-1", "filed_on": days_ago(2).isoformat()})
    client.post(url("registration"), {"registered_on": days_ago(1).isoformat()})
    html = page(client, reverse("equity-detail", args=[inv.pk]))
    assert "law-2015-art45" in html or "促进科技成果转化法" in html
    with Unchanged():
        response = client.post(url("complete"), {"shares_total": "20", "team_percentage": "1"})
        assert response.status_code == 400
    response = client.post(url("complete"), {"shares_total": "20", "team_percentage": "12"})
    inv.refresh_from_db()
    assert response.status_code == 302 and inv.step == EquityStep.DONE


@pytest.mark.parametrize("who", ["researcher", "other_office"])
def test_others_are_refused(client, vw, full, who):
    inv = full.investments.get()
    client.force_login(vw[who])
    with Unchanged():
        assert client.get(reverse("company-detail", args=[full.pk])).status_code == 404
        assert client.get(reverse("equity-detail", args=[inv.pk])).status_code == 404
        response = client.post(reverse("company-state", args=[full.pk]), {"state": "dormant"})
        assert response.status_code == 404
        response = client.post(reverse("equity-action", args=[inv.pk, "abandon"]), {"reason": "x"})
        assert response.status_code == 404
        assert full.name not in client.get(reverse("company-list")).content.decode()


def test_researchers_have_no_company_pages(client, vw):
    client.force_login(vw["researcher"])
    assert client.get(reverse("company-list")).status_code == 403
    assert client.get(reverse("company-create")).status_code == 403
    assert reverse("company-list") not in page(client, reverse("dashboard"))


def test_the_result_partial(client, vw, full):
    from django.template.loader import render_to_string

    from datong.ventures import selectors

    html = render_to_string(
        "ventures/partials/result_companies.html",
        {"companies": selectors.result_companies(actor=vw["office"], result=vw["result"])},
    )
    assert full.name in html and reverse("company-detail", args=[full.pk]) in html
    html = render_to_string(
        "ventures/partials/result_companies.html",
        {"companies": selectors.result_companies(actor=vw["researcher"], result=vw["result"])},
    )
    assert full.name not in html
