"""The match-case endpoints of /api/v1/."""

from __future__ import annotations

import json

import pytest

from datong.cases.models import CaseStage, MatchCase
from datong.cases.tests.conftest import backdate, bearer, open_case
from datong.core.testing import Unchanged, assert_api_error
from datong.market.models import Demand

pytestmark = pytest.mark.django_db


def post(client, url, payload, **auth):
    return client.post(url, data=json.dumps(payload), content_type="application/json", **auth)


def test_an_enterprise_user_opens_a_case(client, cw):
    auth = bearer(cw["buyer"])
    demand = Demand.objects.create(institution=cw["firm"], title="储能")
    payload = {"listing": cw["listing"].pk, "message": "请报价", "demand": demand.pk}
    response = post(client, "/api/v1/cases", payload, **auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stage"] == "assigned" and body["demand"] == demand.pk
    assert body["manager"] == cw["manager"].pk and body["enterprise_slug"] == "firm"
    assert body["overdue"] is None and body["closing_note"] is None  # internal
    assert [t["stage"] for t in body["stage_times"]] == ["assigned"]
    again = post(client, "/api/v1/cases", {"listing": cw["listing"].pk, "message": "补充"}, **auth)
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert MatchCase.objects.count() == 1


def test_opening_is_refused_to_others(client, cw):
    payload = {"listing": cw["listing"].pk, "message": "hi"}
    tokens = {who: bearer(cw[who]) for who in ("researcher", "office", "other_office", "buyer")}
    with Unchanged():
        assert_api_error(post(client, "/api/v1/cases", payload), 401, "unauthorized")
        for who in ("researcher", "office", "other_office"):
            response = post(client, "/api/v1/cases", payload, **tokens[who])
            assert_api_error(response, 403, "forbidden")
        auth = tokens["buyer"]
        response = post(client, "/api/v1/cases", {**payload, "message": ""}, **auth)
        body = assert_api_error(response, 422, "invalid")
        assert "message" in body["errors"]
        response = post(client, "/api/v1/cases", {**payload, "listing": 999999}, **auth)
        assert_api_error(response, 404, "not_found")


def test_the_office_runs_a_case(client, cw):
    case = open_case(cw)
    office = bearer(cw["office"])
    url = f"/api/v1/cases/{case.pk}"
    body = client.get(url, **office).json()
    assert body["overdue"] is False and body["closing_note"] == ""
    response = post(client, f"{url}/advance", {"stage": "contacted", "note": "已联系"}, **office)
    assert response.status_code == 200 and response.json()["stage"] == "contacted"
    assert response.json()["stage_times"][1]["note"] == "已联系"
    with Unchanged():
        response = post(client, f"{url}/advance", {"stage": "assigned"}, **office)
        assert_api_error(response, 422, "invalid")
        response = post(client, f"{url}/advance", {"stage": "deal"}, **office)
        assert "deal_reference" in assert_api_error(response, 422, "invalid")["errors"]
        response = post(client, f"{url}/close", {"reason": "", "note": ""}, **office)
        assert "reason" in assert_api_error(response, 422, "invalid")["errors"]
        response = post(client, f"{url}/assign", {"manager": cw["researcher"].pk}, **office)
        assert "manager" in assert_api_error(response, 422, "invalid")["errors"]
    response = post(client, f"{url}/assign", {"manager": cw["manager2"].pk}, **office)
    assert response.status_code == 200 and response.json()["manager_name"] == "钱经理"
    response = post(
        client, f"{url}/advance", {"stage": "deal", "deal_reference": "HT-001"}, **office
    )
    assert response.json()["stage"] == CaseStage.DEAL and response.json()["closed_at"]


def test_the_enterprise_reads_but_does_not_act(client, cw):
    case = open_case(cw)
    post(
        client,
        f"/api/v1/cases/{case.pk}/advance",
        {"stage": "nda", "note": "内部"},
        **bearer(cw["office"]),
    )
    auth = bearer(cw["buyer"])
    body = client.get(f"/api/v1/cases/{case.pk}", **auth).json()
    assert body["stage"] == "nda" and body["closing_note"] is None and body["overdue"] is None
    assert [t["note"] for t in body["stage_times"]] == [None, None]
    with Unchanged():
        for action, payload in (
            ("advance", {"stage": "negotiation"}),
            ("close", {"reason": "withdrawn"}),
            ("assign", {"manager": cw["manager2"].pk}),
        ):
            response = post(client, f"/api/v1/cases/{case.pk}/{action}", payload, **auth)
            assert_api_error(response, 403, "forbidden")


@pytest.mark.parametrize("who", ["other_office", "other_buyer", "researcher"])
def test_other_users_get_404(client, cw, who):
    case = open_case(cw)
    auth = bearer(cw[who])
    assert client.get("/api/v1/cases", **auth).json()["items"] == []
    with Unchanged():
        assert_api_error(client.get(f"/api/v1/cases/{case.pk}", **auth), 404, "not_found")
        for action, payload in (
            ("advance", {"stage": "contacted"}),
            ("close", {"reason": "other"}),
            ("assign", {"manager": cw["manager2"].pk}),
        ):
            response = post(client, f"/api/v1/cases/{case.pk}/{action}", payload, **auth)
            assert_api_error(response, 404, "not_found")


def test_the_list_filters(client, cw):
    late = backdate(open_case(cw), 30)
    other = open_case(cw, who="other_buyer")
    office = bearer(cw["office"])

    def ids(**params):
        response = client.get("/api/v1/cases", params, **office)
        assert response.status_code == 200
        return sorted(item["id"] for item in response.json()["items"])

    assert ids() == sorted([late.pk, other.pk])
    assert ids(overdue="true") == [late.pk]
    assert ids(q="丁公司") == [other.pk]
    assert ids(stage="contacted") == []
    assert ids(manager=str(cw["manager"].pk)) == sorted([late.pk, other.pk])
    assert ids(manager="none") == []
    buyer = client.get("/api/v1/cases?overdue=true", **bearer(cw["buyer"])).json()
    assert buyer["items"] == []  # whether a case waits too long is internal
