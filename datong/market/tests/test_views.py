"""Marketplace pages: public list and detail, office management, demand pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from datong.core.testing import Unchanged
from datong.market import services
from datong.market.models import Demand, Listing, ListingStatus
from datong.market.tests.conftest import future
from datong.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_public_list_works_anonymously_with_search_and_filters(client, world):
    url = reverse("market-list")
    page = client.get(url).content.decode()
    assert "高安全固态电池电解质" in page and reverse("login") in page
    assert "user-menu" not in page
    assert "高安全" in client.get(url, {"q": "solid electrolyte"}).content.decode()
    assert "高安全" in client.get(url, {"q": "离子电导率"}).content.decode()
    assert "高安全" not in client.get(url, {"q": "不存在的词"}).content.decode()
    assert "高安全" in client.get(url, {"readiness": "4-6", "mode": "licence"}).content.decode()
    assert "高安全" not in client.get(url, {"readiness": "7-9"}).content.decode()
    assert "高安全" not in client.get(url, {"mode": "equity"}).content.decode()
    assert "高安全" not in client.get(url, {"institution": "other"}).content.decode()


def test_the_public_detail_offers_a_login_link_to_anonymous_visitors(client, world):
    url = reverse("market-detail", args=[world["listing"].pk])
    page = client.get(url).content.decode()
    assert "赵经理" in page and f"{reverse('login')}?next=" in page
    assert "<textarea" not in page


def test_a_draft_is_404_publicly_and_for_another_institution(client, world):
    draft = services.listing_create(actor=world["office"], result=world["result"])
    url = reverse("market-detail", args=[draft.pk])
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/market/listings/{draft.pk}").status_code == 404
    for who in ("other_office", "buyer", "researcher"):
        client.force_login(world[who])
        assert client.get(url).status_code == 404
    client.force_login(world["office"])
    assert client.get(url).status_code == 200
    assert "高安全" in client.get(reverse("market-manage")).content.decode()


def test_a_signed_in_user_contacts_the_manager(client, world):
    client.force_login(world["buyer"])
    url = reverse("market-contact", args=[world["listing"].pk])
    with Unchanged():
        assert client.post(url, {"message": ""}).status_code == 400
    response = client.post(url, {"message": "请联系我们"})
    assert response.status_code == 302
    assert Notification.objects.filter(user=world["manager"], body="请联系我们").exists()


def test_anonymous_contact_is_sent_to_log_in(client, world):
    url = reverse("market-contact", args=[world["listing"].pk])
    with Unchanged():
        response = client.post(url, {"message": "hi"})
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_office_creates_edits_and_publishes(client, world):
    client.force_login(world["office"])
    page = client.get(reverse("market-create"), {"result": world["result"].pk})
    assert page.status_code == 200 and "固态电池电解质" in page.content.decode()
    response = client.post(
        reverse("market-create"),
        {
            "result": world["result"].pk,
            "title": "新的展示",
            "summary": "摘要",
            "engagement_modes": ["transfer"],
            "contact": world["manager"].pk,
        },
    )
    assert response.status_code == 302
    listing = Listing.objects.get(title="新的展示")
    assert listing.status == ListingStatus.DRAFT
    response = client.post(
        reverse("market-edit", args=[listing.pk]),
        {
            "title": "改过的展示",
            "summary": "摘要",
            "engagement_modes": ["transfer", "equity"],
            "contact": world["manager"].pk,
        },
    )
    assert response.status_code == 302
    client.post(reverse("market-publish", args=[listing.pk]))
    listing.refresh_from_db()
    assert listing.title == "改过的展示" and listing.status == ListingStatus.PUBLISHED
    client.post(reverse("market-withdraw", args=[listing.pk]))
    listing.refresh_from_db()
    assert listing.status == ListingStatus.WITHDRAWN


def test_others_cannot_create_edit_or_publish(client, world):
    draft = services.listing_create(actor=world["office"], result=world["result"])
    listing = world["listing"]
    for who in ("other_office", "researcher", "buyer"):
        client.force_login(world[who])
        with Unchanged():
            assert (
                client.get(reverse("market-create"), {"result": world["result"].pk}).status_code
                == 404
            )
            assert client.post(reverse("market-publish", args=[draft.pk])).status_code == 404
            assert client.post(reverse("market-withdraw", args=[listing.pk])).status_code == 403
            assert client.get(reverse("market-edit", args=[listing.pk])).status_code == 403
    client.force_login(world["buyer"])
    assert client.get(reverse("market-manage")).status_code == 403


def test_demand_pages(client, world):
    assert client.get(reverse("demand-list")).status_code == 302
    client.force_login(world["buyer"])
    response = client.post(
        reverse("demand-create"),
        {
            "institution": world["firm"].pk,
            "title": "储能电池热失控预警",
            "budget": "80",
            "deadline": future().isoformat(),
            "keywords": "储能 热失控",
        },
    )
    assert response.status_code == 302, response.content.decode()
    demand = Demand.objects.get()
    bad = client.post(
        reverse("demand-edit", args=[demand.pk]), {"title": "x", "deadline": "2001-01-01"}
    )
    assert bad.status_code == 200 and "has-error" in bad.content.decode()
    client.post(reverse("demand-edit", args=[demand.pk]), {"title": "储能预警", "budget": "90"})
    demand.refresh_from_db()
    assert demand.title == "储能预警"
    client.force_login(world["researcher"])
    page = client.get(reverse("demand-list"), {"q": "储能"}).content.decode()
    assert "储能预警" in page
    assert "储能预警" in client.get(reverse("demand-detail", args=[demand.pk])).content.decode()
    for who in ("other_buyer", "researcher"):
        client.force_login(world[who])
        with Unchanged():
            assert client.get(reverse("demand-edit", args=[demand.pk])).status_code == 403
            assert client.post(reverse("demand-close", args=[demand.pk])).status_code == 403
    with Unchanged():
        assert client.get(reverse("demand-create")).status_code == 403  # the researcher
        response = client.post(
            reverse("demand-create"), {"institution": world["firm"].pk, "title": "x"}
        )
        assert response.status_code == 403


def test_nav_entries_for_signed_in_users(client, world):
    client.force_login(world["researcher"])
    page = client.get(reverse("demand-list")).content.decode()
    assert 'data-nav="market"' in page and 'data-nav="demands"' in page
