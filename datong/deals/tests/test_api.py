"""The contract endpoints of /api/v1/."""

from __future__ import annotations

import json

import pytest

from datong.core.testing import Unchanged, assert_api_error
from datong.deals.models import Contract
from datong.deals.tests.conftest import bearer, grant, make_contract, signed

pytestmark = pytest.mark.django_db


def post(client, url, payload, method="post", **auth):
    return getattr(client, method)(
        url, data=json.dumps(payload), content_type="application/json", **auth
    )


def test_the_office_runs_a_contract_through_the_api(client, dw):
    auth = bearer(dw["office"])
    payload = {
        "number": "API-1",
        "title": "接口许可",
        "contract_type": "licence",
        "pricing_method": "agreed",
        "exclusivity": "exclusive",
        "amount": "300000.00",
        "parties": [
            {"role": "buyer", "name": "丙科技有限公司", "region": "320000", "entity_type": "033"}
        ],
        "results": [dw["result"].pk],
    }
    response = post(client, "/api/v1/deals/contracts", payload, **auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == "300000.00" and body["status"] == "draft"
    assert [p["role"] for p in body["parties"]] == ["seller", "buyer"]
    url = f"/api/v1/deals/contracts/{body['id']}"
    response = post(client, f"{url}/announce", {"start": "2025-09-29"}, **auth)
    assert response.json()["announcement_end"] == "2025-10-24"
    response = post(client, f"{url}/sign", {"signed_on": "2025-10-24"}, **auth)
    assert "2025-10-24" in assert_api_error(response, 422, "invalid")["message"] + str(
        response.json()
    )
    grant_body = {
        "result": dw["result"].pk,
        "field_of_use": "C",
        "territory": "CN",
        "starts_on": "2025-11-01",
        "ends_on": "2030-10-31",
    }
    response = post(client, f"{url}/grants", grant_body, **auth)
    assert response.status_code == 201 and response.json()["field_of_use"] == "C"
    assert (
        post(client, f"{url}/sign", {"signed_on": "2025-10-27"}, **auth).json()["status"]
        == "signed"
    )
    response = post(
        client,
        f"{url}/register",
        {
            "registration_number": "1100002025000001",
            "registered_on": "2025-11-03",
            "approved_tech_income": "300000.00",
        },
        **auth,
    )
    assert response.json()["approved_tech_income"] == "300000.00"
    response = post(
        client,
        f"{url}/terms",
        {"kind": "instalment", "amount": "100000.00", "due_on": "2025-12-01"},
        **auth,
    )
    term_id = response.json()["id"]
    response = post(client, f"{url}/terms", {"kind": "royalty", "royalty_rate": "2.5"}, **auth)
    royalty_id = response.json()["id"]
    response = post(
        client,
        f"{url}/royalty-reports",
        {
            "term": royalty_id,
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "sales": "80000.00",
            "due_on": "2026-04-30",
        },
        **auth,
    )
    assert response.status_code == 201 and response.json()["royalty"] == "2000.00"
    response = post(
        client,
        f"{url}/payments",
        {"received_on": "2025-12-03", "amount": "100000.00", "term": term_id},
        **auth,
    )
    assert response.status_code == 201 and response.json()["amount"] == "100000.00"
    body = client.get(f"{url}/receivable", **auth).json()
    assert body["received"] == "100000.00" and body["overdue"] == "2000.00"
    rows = client.get("/api/v1/deals/receivables?overdue=true", **auth).json()["items"]
    assert [r["contract_number"] for r in rows] == ["API-1"]
    listing = client.get("/api/v1/deals/contracts?contract_type=licence", **auth).json()
    assert listing["count"] == 1


def test_the_overlap_check_and_refusal(client, dw):
    first = make_contract(dw, number="HT-A", title="独占甲")
    grant(dw, first, field="C", territory="CN")
    second = make_contract(dw, number="HT-B")
    auth = bearer(dw["office"])
    with Unchanged():
        response = post(
            client,
            f"/api/v1/deals/contracts/{second.pk}/grants",
            {
                "result": dw["result"].pk,
                "field_of_use": "38",
                "territory": "440000",
                "starts_on": "2027-01-01",
                "ends_on": "2027-12-31",
            },
            **auth,
        )
        body = assert_api_error(response, 422, "invalid")
        assert "HT-A" in json.dumps(body, ensure_ascii=False)
    url = f"/api/v1/deals/results/{dw['result'].pk}/licences"
    check = post(
        client,
        f"{url}/check",
        {
            "field_of_use": "38",
            "territory": "440000",
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
        },
        **auth,
    ).json()
    assert check["free"] is False and check["conflicts"][0]["contract_number"] == "HT-A"
    check = post(
        client,
        f"{url}/check",
        {
            "field_of_use": "M",
            "territory": "CN",
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
        },
        **auth,
    ).json()
    assert check["free"] is True and check["conflicts"] == []
    assert [g["contract_number"] for g in client.get(url, **auth).json()["taken"]] == ["HT-A"]


def test_others_are_refused(client, dw):
    contract = make_contract(dw)
    url = f"/api/v1/deals/contracts/{contract.pk}"
    assert_api_error(client.get(url), 401, "unauthorized")
    tokens = {who: bearer(dw[who]) for who in ("researcher", "other_office", "buyer")}
    researcher, other_office = tokens["researcher"], tokens["other_office"]
    for auth in tokens.values():
        assert_api_error(client.get(url, **auth), 404, "not_found")
        assert client.get("/api/v1/deals/contracts", **auth).json()["count"] == 0
        assert_api_error(
            client.get(f"/api/v1/deals/results/{dw['result'].pk}/licences", **auth),
            404,
            "not_found",
        )
    with Unchanged():
        response = post(
            client,
            "/api/v1/deals/contracts",
            {
                "number": "X",
                "title": "x",
                "contract_type": "service",
                "institution": "uni",
                "parties": [{"role": "buyer", "name": "甲"}],
            },
            **researcher,
        )
        assert_api_error(response, 403, "forbidden")
        response = post(client, f"{url}/sign", {"signed_on": "2026-03-01"}, **other_office)
        assert_api_error(response, 404, "not_found")
    assert Contract.objects.count() == 1


def test_a_bad_registration_number_is_refused(client, dw):
    contract = signed(dw, make_contract(dw))
    auth = bearer(dw["office"])
    with Unchanged():
        response = post(
            client,
            f"/api/v1/deals/contracts/{contract.pk}/register",
            {
                "registration_number": "12345",
                "registered_on": "2026-03-10",
                "approved_tech_income": "1.00",
            },
            **auth,
        )
        assert "registration_number" in assert_api_error(response, 422, "invalid")["errors"]
