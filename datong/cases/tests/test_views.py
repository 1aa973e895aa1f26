"""Match-case pages: the interest form, the list and its export, the board, one case."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from datong.cases import services
from datong.cases.models import CaseStage, MatchCase
from datong.cases.tests.conftest import backdate, open_case
from datong.core.testing import Unchanged
from datong.market.models import Demand

pytestmark = pytest.mark.django_db


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- the interest form on the listing page ---------------------------------------------------


def test_the_listing_page_offers_the_interest_form_to_enterprise_users_only(client, cw):
    url = reverse("market-detail", args=[cw["listing"].pk])
    action = reverse("case-interest", args=[cw["listing"].pk])
    assert action not in page(client, url)  # anonymous
    for who in ("researcher", "office"):
        client.force_login(cw[who])
        assert action not in page(client, url)
    client.force_login(cw["buyer"])
    assert action in page(client, url)


def test_an_enterprise_user_expresses_interest_and_then_adds_to_the_case(client, cw):
    client.force_login(cw["buyer"])
    url = reverse("case-interest", args=[cw["listing"].pk])
    with Unchanged():
        response = client.post(url, {"message": ""})
        assert response.status_code == 400 and "<textarea" in response.content.decode()
    demand = Demand.objects.create(institution=cw["firm"], title="储能安全")
    response = client.post(url, {"message": "请介绍授权方式", "demand": demand.pk})
    case = MatchCase.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert case.demand == demand and case.manager == cw["manager"]
    listing_page = page(client, reverse("market-detail", args=[cw["listing"].pk]))
    assert reverse("case-detail", args=[case.pk]) in listing_page
    response = client.post(url, {"message": "补充说明"}, follow=True)
    assert MatchCase.objects.count() == 1
    assert "已有" in response.content.decode() or "already" in response.content.decode()


def test_interest_is_refused_to_other_users(client, cw):
    url = reverse("case-interest", args=[cw["listing"].pk])
    other = Demand.objects.create(institution=cw["firm2"], title="别家的需求")
    with Unchanged():
        response = client.post(url, {"message": "hi"})
        assert response.status_code == 302 and reverse("login") in response["Location"]
        for who in ("researcher", "other_office"):
            client.force_login(cw[who])
            assert client.post(url, {"message": "hi"}).status_code == 403
        client.force_login(cw["buyer"])
        assert client.post(url, {"message": "hi", "demand": other.pk}).status_code == 400


# --- the list and its export ------------------------------------------------------------------


def test_the_list_shows_each_user_their_cases(client, cw):
    mine = open_case(cw)
    theirs = open_case(cw, who="other_buyer", message="另一家")
    services.case_advance(actor=cw["manager"], case=theirs, stage="nda")
    url = reverse("case-list")
    client.force_login(cw["office"])
    html = page(client, url)
    assert f"/cases/{mine.pk}/" in html and f"/cases/{theirs.pk}/" in html
    html = page(client, url, stage="nda")
    assert f"/cases/{theirs.pk}/" in html and f"/cases/{mine.pk}/" not in html
    assert f"/cases/{mine.pk}/" not in page(client, url, q="丁公司")
    assert f"/cases/{mine.pk}/" in page(client, url, manager=str(cw["manager"].pk))
    client.force_login(cw["buyer"])
    html = page(client, url)
    assert f"/cases/{mine.pk}/" in html and f"/cases/{theirs.pk}/" not in html
    for who in ("other_office", "researcher"):
        client.force_login(cw[who])
        html = page(client, url)
        assert f"/cases/{mine.pk}/" not in html and f"/cases/{theirs.pk}/" not in html


def test_the_export_has_stage_durations(client, cw):
    case = open_case(cw)
    backdate(case, 5)
    services.case_advance(actor=cw["manager"], case=case, stage="contacted", note="内部")
    client.force_login(cw["office"])
    response = client.get(reverse("case-list"), {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, row = rows[0], rows[1]
    assert len(rows) == 2 and row[0] == case.pk
    assert len(header) == len(row) == 20
    assert row[-4:] == (5, 0, None, None)  # days per open stage: assigned, contacted, …
    response = client.get(reverse("case-list"), {"export": "csv"})
    text = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[1][0] == str(case.pk) and "高安全固态电池电解质" in lines[1]
    # the enterprise's export leaves the internal columns empty
    services.case_close(actor=cw["office"], case=case, reason="price", note="内部备注")
    client.force_login(cw["buyer"])
    text = client.get(reverse("case-list"), {"export": "csv"}).content.decode("utf-8-sig")
    assert "内部备注" not in text and "高安全固态电池电解质" in text


# --- the board --------------------------------------------------------------------------------


@override_settings(DATONG_CASE_WAIT_DAYS={"assigned": 3, "contacted": 14})
def test_the_board_shows_overdue_cases_in_red(client, cw):
    late = backdate(open_case(cw, message="等了很久"), 10)
    fresh = open_case(cw, who="other_buyer")
    client.force_login(cw["manager"])
    html = page(client, reverse("case-board"))
    assert html.count('class="cs-card late"') == 1
    late_card = html.index(f'href="/cases/{late.pk}/"')
    assert html.rfind('class="cs-card late"', 0, late_card + 40) > html.rfind("<li>", 0, late_card)
    assert f'href="/cases/{fresh.pk}/"' in html
    assert re.search(r"\b10 (天|days)", html)
    # office staff pick another manager's board
    client.force_login(cw["office"])
    html = page(client, reverse("case-board"), manager=cw["manager2"].pk)
    assert f"/cases/{late.pk}/" not in html
    html = page(client, reverse("case-board"), manager=cw["manager"].pk)
    assert f"/cases/{late.pk}/" in html
    assert client.get(reverse("case-board"), {"manager": cw["other_office"].pk}).status_code == 404


def test_the_board_is_for_the_office(client, cw):
    open_case(cw)
    for who in ("buyer", "researcher"):
        client.force_login(cw[who])
        assert client.get(reverse("case-board")).status_code == 403
    client.force_login(cw["other_office"])
    html = page(client, reverse("case-board"))
    assert "/cases/" not in html.split('class="cs-board"')[1].split("</section>\n<section")[0]


# --- one case -------------------------------------------------------------------------------


def test_the_case_page_for_the_office(client, cw):
    case = open_case(cw)
    services.case_advance(actor=cw["manager"], case=case, stage="contacted", note="首次电话沟通")
    client.force_login(cw["office"])
    url = reverse("case-detail", args=[case.pk])
    html = page(client, url)
    for text in ("我们想了解授权条件。", "首次电话沟通", reverse("case-advance", args=[case.pk])):
        assert text in html
    assert reverse("case-assign", args=[case.pk]) in html
    response = client.post(reverse("case-advance", args=[case.pk]), {"stage": "deal"})
    html = response.content.decode()
    assert response.status_code == 400 and 'name="deal_reference"' in html
    assert 'class="error"' in html
    response = client.post(reverse("case-close", args=[case.pk]), {"reason": "", "note": ""})
    assert response.status_code == 400
    response = client.post(
        reverse("case-advance", args=[case.pk]), {"stage": "nda", "note": "已签"}
    )
    assert response.status_code == 302
    response = client.post(reverse("case-assign", args=[case.pk]), {"manager": cw["manager2"].pk})
    assert response.status_code == 302
    response = client.post(
        reverse("case-close", args=[case.pk]), {"reason": "price", "note": "报价差距大"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == CaseStage.CLOSED and case.manager == cw["manager2"]
    html = page(client, url)
    assert "报价差距大" in html and ("价格未谈拢" in html or "Price not agreed" in html)
    assert reverse("case-advance", args=[case.pk]) not in html


def test_the_enterprise_reads_its_case_without_internal_fields(client, cw):
    case = open_case(cw)
    services.case_advance(
        actor=cw["manager"], case=case, stage="contacted", note="内部：对方预算偏低"
    )
    services.case_close(actor=cw["office"], case=case, reason="price", note="内部：不再跟进")
    client.force_login(cw["buyer"])
    url = reverse("case-detail", args=[case.pk])
    html = page(client, url)
    assert "我们想了解授权条件。" in html
    assert "价格未谈拢" in html or "Price not agreed" in html
    for secret in ("内部：对方预算偏低", "内部：不再跟进", "cases.close", 'class="timeline"'):
        assert secret not in html
    with Unchanged():
        for name in ("case-advance", "case-close", "case-assign"):
            response = client.post(reverse(name, args=[case.pk]), {"stage": "nda"})
            assert response.status_code in (400, 403)


def test_the_enterprise_cannot_act_on_an_open_case(client, cw):
    case = open_case(cw)
    client.force_login(cw["buyer"])
    with Unchanged():
        assert (
            client.post(reverse("case-advance", args=[case.pk]), {"stage": "nda"}).status_code
            == 403
        )
        response = client.post(reverse("case-close", args=[case.pk]), {"reason": "withdrawn"})
        assert response.status_code == 403
        response = client.post(
            reverse("case-assign", args=[case.pk]), {"manager": cw["manager2"].pk}
        )
        assert response.status_code == 403


@pytest.mark.parametrize("who", ["other_office", "other_buyer", "researcher"])
def test_anyone_else_gets_404(client, cw, who):
    case = open_case(cw)
    client.force_login(cw[who])
    with Unchanged():
        assert client.get(reverse("case-detail", args=[case.pk])).status_code == 404
        for name in ("case-advance", "case-close", "case-assign"):
            assert client.post(reverse(name, args=[case.pk]), {}).status_code == 404
