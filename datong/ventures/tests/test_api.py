"""The company and equity-investment endpoints of /api/v1/."""

from __future__ import annotations

import json

import pytest

from datong.core.testing import Unchanged, assert_api_error
from datong.market.tests.conftest import bearer
from datong.ventures.models import Company, Shareholding
from datong.ventures.tests.conftest import days_ago, make_company

pytestmark = pytest.mark.django_db


def post(client, url, payload, method="post", **auth):
    call = getattr(client, method)
    return call(url, data=json.dumps(payload), content_type="application/json", **auth)


def test_companies_crud_and_state(client, vw):
    auth = bearer(vw["office"])
    response = post(
        client,
        "/api/v1/companies",
        {
            "name": "北京丙感知科技有限公司",
            "region": "110000",
            "industry": "65",
            "incubator": "park",
            "results": [vw["result"].pk],
            "registered_capital": "5000000",
        },
        **auth,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "preparing" and body["industry"] == "65"
    assert body["incubator"] == "park" and body["registered_capital"] == "5000000.00"
    url = f"/api/v1/companies/{body['id']}"
    response = post(client, url, {"city": "北京", "description": "传感器"}, method="patch", **auth)
    assert response.status_code == 200 and response.json()["city"] == "北京"
    with Unchanged():
        body = assert_api_error(
            post(client, f"{url}/state", {"state": "active"}, **auth), 422, "invalid"
        )
        assert "on" in body["errors"]
    response = post(
        client, f"{url}/state", {"state": "active", "on": days_ago(10).isoformat()}, **auth
    )
    assert response.json()["state"] == "active"
    listed = client.get("/api/v1/companies", {"state": "active"}, **auth).json()
    assert listed["count"] == 1 and listed["items"][0]["name"] == "北京丙感知科技有限公司"
    assert client.get("/api/v1/companies", {"state": "dormant"}, **auth).json()["count"] == 0


def test_shareholdings_rounds_board(client, vw):
    company = make_company(vw)
    auth = bearer(vw["office"])
    url = f"/api/v1/companies/{company.pk}"
    payload = {
        "holder_kind": "investor",
        "holder_name": "某基金",
        "percentage": "60",
        "contribution": "cash",
        "capital": "600000.00",
        "since": days_ago(9).isoformat(),
    }
    response = post(client, f"{url}/shareholdings", payload, **auth)
    assert response.status_code == 201 and response.json()["percentage"] == "60.0000"
    with Unchanged():
        body = assert_api_error(
            post(client, f"{url}/shareholdings", {**payload, "holder_name": "另一基金"}, **auth),
            422,
            "invalid",
        )
        assert "120" in body["errors"]["percentage"][0]
    rows = client.get(f"{url}/shareholdings", **auth).json()
    assert [r["holder_name"] for r in rows] == ["某基金"] and rows[0]["capital"] == "600000.00"
    ended = post(
        client,
        f"{url}/shareholdings",
        {**payload, "percentage": "0", "since": days_ago(2).isoformat()},
        **auth,
    )
    assert ended.status_code == 200 and ended.json() == {"ended": True}
    assert client.get(f"{url}/shareholdings", **auth).json() == []
    assert len(client.get(f"{url}/shareholdings", {"history": True}, **auth).json()) == 1
    post(client, f"{url}/state", {"state": "active", "on": days_ago(20).isoformat()}, **auth)
    response = post(
        client,
        f"{url}/rounds",
        {
            "name": "A轮",
            "amount": "10000000",
            "post_money": "80000000",
            "closed_on": days_ago(1).isoformat(),
        },
        **auth,
    )
    assert response.status_code == 201 and response.json()["amount"] == "10000000.00"
    assert client.get(f"{url}/rounds", **auth).json()[0]["post_money"] == "80000000.00"
    response = post(
        client,
        f"{url}/board-seats",
        {"name": "刘办", "for_institution": True, "since": days_ago(1).isoformat()},
        **auth,
    )
    assert response.status_code == 201
    assert client.get(f"{url}/board-seats", **auth).json()[0]["for_institution"] is True
    response = post(
        client,
        f"{url}/founders",
        {"name": "张研", "on_leave": True, "leave_from": days_ago(5).isoformat()},
        **auth,
    )
    assert response.status_code == 201


def test_an_equity_investment_through_the_api(client, vw):
    company = make_company(vw, registered_capital="1000000")
    auth = bearer(vw["office"])
    response = post(client, f"/api/v1/companies/{company.pk}/equity-investments", {}, **auth)
    assert response.status_code == 201
    url = f"/api/v1/equity-investments/{response.json()['id']}"
    with Unchanged():
        body = assert_api_error(
            post(
                client,
                f"{url}/appraisal",
                {
                    "evaluator": "law",
                    "appraised_value": "100",
                    "report_number": "R",
                    "appraised_on": days_ago(9).isoformat(),
                },
                **auth,
            ),
            422,
            "invalid",
        )
        assert "evaluator" in body["errors"]
    steps = [
        (
            "appraisal",
            {
                "evaluator": "eval",
                "appraised_value": "2000000.00",
                "report_number": "R-9",
                "appraised_on": days_ago(9).isoformat(),
            },
        ),
        (
            "approvals",
            {"body": "校长办公会", "decision": "approved", "on": days_ago(8).isoformat()},
        ),
        ("approvals/complete", {}),
        ("filing", {"filing_number": "F-9", "filed_on": days_ago(7).isoformat()}),
        ("registration", {"registered_on": days_ago(6).isoformat()}),
    ]
    for action, payload in steps:
        response = post(client, f"{url}/{action}", payload, **auth)
        assert response.status_code == 200, (action, response.content)
    with Unchanged():
        body = assert_api_error(
            post(client, f"{url}/complete", {"shares_total": "30", "team_percentage": "5"}, **auth),
            422,
            "invalid",
        )
        assert "law-2015-art45" in body["errors"]["team_percentage"][0]
    response = post(
        client, f"{url}/complete", {"shares_total": "30", "team_percentage": "15"}, **auth
    )
    body = response.json()
    assert body["step"] == "done" and body["institution_percentage"] == "15.0000"
    assert body["appraised_value"] == "2000000.00" and body["evaluator"] == "eval"
    assert Shareholding.objects.count() == 2
    assert client.get("/api/v1/equity-investments", **auth).json()["count"] == 1


def test_others_get_404_and_researchers_403(client, vw):
    company = make_company(vw)
    url = f"/api/v1/companies/{company.pk}"
    for who in ("researcher", "other_office"):
        auth = bearer(vw[who])
        with Unchanged():
            assert_api_error(client.get(url, **auth), 404, "not_found")
            assert_api_error(
                post(client, f"{url}/state", {"state": "refused", "reason": "x"}, **auth),
                404,
                "not_found",
            )
            assert client.get("/api/v1/companies", **auth).json()["count"] == 0
    researcher = bearer(vw["researcher"])
    with Unchanged():
        response = post(
            client, "/api/v1/companies", {"name": "x", "institution": "uni"}, **researcher
        )
        assert_api_error(response, 403, "forbidden")
        assert_api_error(post(client, "/api/v1/companies", {"name": "x"}), 401, "unauthorized")
    assert Company.objects.count() == 1
