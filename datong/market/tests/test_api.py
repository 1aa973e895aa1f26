"""The marketplace endpoints of /api/v1/."""

from __future__ import annotations

import json

import pytest

from datong.core.testing import Unchanged, assert_api_error
from datong.market.models import Demand, DemandStatus
from datong.market.tests.conftest import bearer, future
from datong.notifications.models import Notification

pytestmark = pytest.mark.django_db


def post(client, url, payload, method="post", **auth):
    return getattr(client, method)(
        url, data=json.dumps(payload), content_type="application/json", **auth
    )


def test_public_listings(client, world):
    body = client.get("/api/v1/market/listings").json()
    assert [item["title"] for item in body["items"]] == ["高安全固态电池电解质"]
    item = body["items"][0]
    assert item["engagement_modes"] == ["licence", "joint_development"]
    assert item["contact_name"] == "赵经理" and item["institution_slug"] == "uni"
    assert client.get("/api/v1/market/listings?mode=equity").json()["items"] == []
    detail = client.get(f"/api/v1/market/listings/{world['listing'].pk}").json()
    assert detail["id"] == world["listing"].pk and "result" not in detail
    assert_api_error(client.get("/api/v1/market/listings/999999"), 404, "not_found")


def test_contact(client, world):
    url = f"/api/v1/market/listings/{world['listing'].pk}/contact"
    buyer = bearer(world["buyer"])
    with Unchanged():
        assert_api_error(post(client, url, {"message": "hi"}), 401, "unauthorized")
        assert_api_error(post(client, url, {"message": ""}, **buyer), 422, "invalid")
    response = post(client, url, {"message": "请报价"}, **bearer(world["buyer"]))
    assert response.status_code == 200 and response.json() == {"sent": True}
    assert Notification.objects.filter(user=world["manager"], body="请报价").exists()


def test_demands(client, world):
    auth = bearer(world["buyer"])
    payload = {
        "institution": "firm",
        "title": "储能电池热失控预警",
        "budget": "120.50",
        "keywords": ["储能"],
        "industry": "38",
        "deadline": future().isoformat(),
    }
    response = post(client, "/api/v1/market/demands", payload, **auth)
    assert response.status_code == 201, response.content
    demand_id = response.json()["id"]
    assert response.json()["budget"] in ("120.50", 120.5)
    for who in ("other_buyer", "office"):
        refused = bearer(world[who])
        with Unchanged():
            response = post(client, "/api/v1/market/demands", payload, **refused)
            assert_api_error(response, 403, "forbidden")
            response = post(
                client,
                f"/api/v1/market/demands/{demand_id}",
                {"title": "x"},
                method="patch",
                **refused,
            )
            assert_api_error(response, 403, "forbidden")
    with Unchanged():
        bad = post(client, "/api/v1/market/demands", {**payload, "budget": "-5"}, **auth)
        assert_api_error(bad, 422, "invalid")
    other = bearer(world["researcher"])
    listed = client.get("/api/v1/market/demands?q=储能", **other).json()["items"]
    assert [d["id"] for d in listed] == [demand_id]
    assert client.get(f"/api/v1/market/demands/{demand_id}", **other).json()["industry"] == "38"
    assert client.get("/api/v1/market/demands").status_code == 401
    url = f"/api/v1/market/demands/{demand_id}"
    response = post(
        client, url, {"goals": "十分钟预警", "status": "closed"}, method="patch", **auth
    )
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert Demand.objects.get().status == DemandStatus.CLOSED
    # A closed demand is no longer listed to others, and 404 for them.
    assert client.get("/api/v1/market/demands", **other).json()["items"] == []
    assert_api_error(client.get(url, **other), 404, "not_found")
