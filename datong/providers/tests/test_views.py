"""Directory pages: list, filters, export, detail, review and curation forms, edit, recommend."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from datong.core.testing import Unchanged
from datong.providers.models import ProviderReview
from datong.providers.tests.test_selectors import disclosure

pytestmark = pytest.mark.django_db


def test_the_list_filters_and_exports(client, world):
    client.force_login(world["office"])
    url = reverse("provider-list")
    page = client.get(url).content.decode()
    assert "北京甲专利代理事务所" in page and "北京丙律师事务所" in page and "67 %" in page
    page = client.get(url, {"category": "law_firm"}).content.decode()
    assert "北京丙律师事务所" in page and "甲专利代理" not in page
    page = client.get(url, {"field": "G06F"}, HTTP_HX_REQUEST="true").content.decode()
    assert "乙专利代理" in page and "甲专利代理" not in page and "<html" not in page
    response = client.get(url, {"export": "xlsx", "sort": "cases"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[1][0] == "agency-a" and rows[1][6] == 4 and rows[1][7] == 67
    assert len(rows) == 4


def test_the_list_needs_a_login(client, world):
    assert client.get(reverse("provider-list")).status_code == 302


def test_the_detail_shows_measured_figures_and_the_review_form_to_the_engaging_office(
    client, world
):
    url = reverse("provider-detail", args=["agency-a"])
    client.force_login(world["office"])
    page = client.get(url).content.decode()
    assert "67 %" in page and "案件数不足" in page  # the pages speak Chinese by default
    assert 'action="/providers/agency-a/review/"' in page
    assert 'action="/providers/agency-a/curate/"' not in page
    assert "李代理" in page  # the provider's people
    client.force_login(world["other_office"])
    page = client.get(url).content.decode()
    assert "/review/" not in page


def test_posting_a_review(client, world):
    filing = world["filings_a"][0]
    url = reverse("provider-review", args=["agency-a"])
    client.force_login(world["other_office"])
    with Unchanged():
        assert client.post(url, {"filing": filing.pk, "rating": 5}).status_code == 403
    client.force_login(world["researcher"])
    with Unchanged():
        assert client.post(url, {"filing": filing.pk, "rating": 5}).status_code == 403
    client.force_login(world["office"])
    with Unchanged():
        # A filing of agency B is not an engagement of agency A.
        response = client.post(url, {"filing": world["filings_b"][0].pk, "rating": 5})
        assert response.status_code == 400
    response = client.post(url, {"filing": filing.pk, "rating": 4, "comment": "答复及时"})
    assert response.status_code == 302
    review = ProviderReview.objects.get()
    assert review.rating == 4 and review.author == world["office"]
    page = client.get(reverse("provider-detail", args=["agency-a"])).content.decode()
    assert "答复及时" in page


def test_curation_from_the_detail_page(client, world):
    url = reverse("provider-curate", args=["agency-b"])
    client.force_login(world["office"])
    with Unchanged():
        assert client.post(url, {"recommended": "1", "reason": "好"}).status_code == 403
    client.force_login(world["alliance_admin"])
    detail = client.get(reverse("provider-detail", args=["agency-b"])).content.decode()
    assert 'action="/providers/agency-b/curate/"' in detail
    assert client.post(url, {"recommended": "1", "reason": "服务好"}).status_code == 302
    world["agency_b"].provider_profile.refresh_from_db()
    assert world["agency_b"].provider_profile.is_recommended
    with Unchanged():
        assert client.post(url, {"recommended": "0", "reason": ""}).status_code == 400


def test_editing_a_profile(client, world):
    url = reverse("provider-edit", args=["agency-a"])
    client.force_login(world["office"])
    assert client.get(url).status_code == 403
    client.force_login(world["agent_b"])
    assert client.get(url).status_code == 403
    client.force_login(world["agent_a"])
    assert client.get(url).status_code == 200
    data = {
        "categories": ["patent_agency"],
        "services": "专利申请",
        "ipc_fields": "H01M, H02J",
        "industry_fields": "38",
        "qualifications": "专利代理机构执业许可证 | 11001 | 国家知识产权局 | ",
        "contact_name": "李代理",
        "contact_phone": "010-12345678",
        "contact_email": "ip@example.com",
    }
    assert client.post(url, data).status_code == 302
    profile = world["agency_a"].provider_profile
    profile.refresh_from_db()
    assert profile.ipc_fields == ["H01M", "H02J"]
    assert profile.qualifications[0]["number"] == "11001"
    with Unchanged():
        response = client.post(url, {**data, "ipc_fields": "ZZZ"})
    assert response.status_code == 200 and "H01M" in response.content.decode()


def test_english_pages(client, world):
    client.force_login(world["office"])
    client.cookies["datong_language"] = "en"
    page = client.get(reverse("provider-detail", args=["agency-a"])).content.decode()
    assert "not enough cases" in page and "Measured performance" in page


def test_the_recommendation_page(client, world):
    d = disclosure(world)
    url = reverse("provider-recommend", args=[d.pk])
    client.force_login(world["office"])
    page = client.get(url).content.decode()
    assert page.index("北京甲专利代理事务所") < page.index("上海乙专利代理事务所")
    client.force_login(world["researcher"])  # the discloser sees it, but it is the office's tool
    assert client.get(url).status_code == 403
    client.force_login(world["other_office"])
    assert client.get(url).status_code == 404
