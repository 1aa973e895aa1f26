"""The provider endpoints of /api/v1/."""

from __future__ import annotations

import json

import pytest

from datong.accounts import services as account_services
from datong.core.testing import Unchanged, assert_api_error
from datong.core.testing import bearer as token_header
from datong.providers.models import ProviderReview
from datong.providers.tests.test_selectors import disclosure

pytestmark = pytest.mark.django_db


def bearer(user):
    _token, plain = account_services.api_token_create(actor=user, user=user, name="test")
    return token_header(plain)


def test_directory_and_profile(client, world):
    auth = bearer(world["office"])
    body = client.get("/api/v1/providers?category=patent_agency&sort=cases", **auth).json()
    assert [p["slug"] for p in body["items"]] == ["agency-a", "agency-b"]
    assert body["items"][0]["cases"] == 4
    detail = client.get("/api/v1/providers/agency-a", **auth).json()
    assert detail["ipc_fields"] == ["H01M"] and detail["people"][0]["name"] == "李代理"
    assert_api_error(client.get("/api/v1/providers/uni", **auth), 404, "not_found")
    assert client.get("/api/v1/providers").status_code == 401


def test_performance(client, world):
    auth = bearer(world["other_office"])
    body = client.get("/api/v1/providers/agency-a/performance", **auth).json()
    assert body["cases"] == 4
    assert body["grant_rate"] == {"value": pytest.approx(0.667, abs=1e-3), "cases": 3}
    assert body["months_to_grant"] == {"value": None, "cases": 2}


def test_reviews(client, world):
    filing = world["filings_a"][0]
    url = "/api/v1/providers/agency-a/reviews"
    payload = json.dumps({"filing": filing.pk, "rating": 5, "comment": "好"})
    for who in ("other_office", "researcher"):
        auth = bearer(world[who])
        with Unchanged():
            response = client.post(url, data=payload, content_type="application/json", **auth)
        assert response.status_code in (403, 404)
    response = client.post(
        url, data=payload, content_type="application/json", **bearer(world["office"])
    )
    assert response.status_code == 201, response.content
    assert ProviderReview.objects.count() == 1
    outsider = client.get(url, **bearer(world["other_office"])).json()
    assert outsider[0]["rating"] == 5 and outsider[0]["engagement"] == ""
    own = client.get(url, **bearer(world["office"])).json()
    assert own[0]["engagement"]


def test_recommended_agencies(client, world):
    d = disclosure(world)
    url = f"/api/v1/disclosures/{d.pk}/recommended-agencies"
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="en", **bearer(world["office"])).json()
    assert [r["slug"] for r in body] == ["agency-a", "agency-b"]
    assert "grant rate 67 % over 3 cases" in body[0]["reasons"]
    assert_api_error(client.get(url, **bearer(world["researcher"])), 403, "forbidden")
    assert_api_error(client.get(url, **bearer(world["other_office"])), 404, "not_found")
