"""The disclosures and results API: the same rules as the pages."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from datong.accounts.services import api_token_create
from datong.core.roles import Role
from datong.core.testing import Unchanged, assert_api_error, bearer
from datong.institutions.factories import InstitutionFactory, member_of

pytestmark = pytest.mark.django_db


def auth(user):
    _token, plain = api_token_create(actor=user, user=user, name="t")
    return bearer(plain)


def call(client, method, path, user, data=None):
    kwargs = dict(user.api_headers)
    if data is not None:
        kwargs.update(data=json.dumps(data), content_type="application/json")
    return getattr(client, method)(f"/api/v1{path}", **kwargs)


@pytest.fixture
def world():
    a = InstitutionFactory(slug="uni-a")
    b = InstitutionFactory(slug="uni-b")
    people = {
        "alice": member_of(a, Role.RESEARCHER, name="张丽"),
        "bob": member_of(a, Role.RESEARCHER, name="王波"),
        "office": member_of(a, Role.TTO_STAFF),
        "manager": member_of(a, Role.TECH_MANAGER),
        "b_office": member_of(b, Role.TTO_STAFF),
    }
    for user in people.values():  # tokens made up front, so Unchanged() counts only the call
        user.api_headers = auth(user)
    return {"a": a, **people}


def draft(client, world):
    response = call(
        client,
        "post",
        "/disclosures",
        world["alice"],
        {
            "institution": "uni-a",
            "title": "一种柔性钙钛矿太阳能电池",
            "abstract": "柔性基底上的钙钛矿电池",
            "problem": "柔性器件效率低",
            "industry": "38",
            "trl": 3,
            "intended_protection": ["invention_patent"],
            "keywords": ["钙钛矿", "柔性"],
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_full_flow_through_the_api(client, world):
    created = draft(client, world)
    pk = created["id"]
    assert created["status"] == "draft" and created["inventors"][0]["share"] == "100.00"
    inventors = [
        {"user": world["alice"].pk, "share": "70", "is_main": True},
        {"user": world["bob"].pk, "share": "30"},
    ]
    response = call(client, "put", f"/disclosures/{pk}/inventors", world["alice"], inventors)
    assert response.status_code == 200, response.content
    body = assert_api_error(
        call(client, "post", f"/disclosures/{pk}/submit", world["alice"]), 422, "invalid"
    )
    assert "王波" in body["message"] or any("王波" in m for m in body["errors"]["__all__"])
    assert call(client, "post", f"/disclosures/{pk}/confirm", world["bob"]).status_code == 200
    assert call(client, "post", f"/disclosures/{pk}/submit", world["alice"]).status_code == 200
    queue = call(client, "get", "/disclosures?box=office", world["office"]).json()
    assert [d["id"] for d in queue["items"]] == [pk]
    assert (
        call(
            client,
            "post",
            f"/disclosures/{pk}/assign",
            world["office"],
            {"manager": world["manager"].pk},
        ).status_code
        == 200
    )
    scores = {"scores": {"novelty": {"score": 4}, "market": {"score": 3, "comment": "需市场调研"}}}
    assert call(client, "post", f"/disclosures/{pk}/scores", world["manager"], scores).json() == {
        "novelty": 4,
        "market": 3,
    }
    report = {
        "conclusion": "patentable",
        "summary": "未检索到相同技术方案",
        "report_date": timezone.localdate().isoformat(),
    }
    assert (
        call(client, "post", f"/disclosures/{pk}/reports", world["manager"], report).status_code
        == 201
    )
    decided = call(
        client,
        "post",
        f"/disclosures/{pk}/decide",
        world["manager"],
        {"decision": "protect", "protection_type": "invention_patent"},
    ).json()
    assert decided["status"] == "decided" and decided["result"]
    result = call(client, "get", f"/results/{decided['result']}", world["alice"]).json()
    assert result["status"] == "protecting"
    timeline = call(client, "get", f"/results/{decided['result']}/timeline", world["office"]).json()
    assert [e["kind"] for e in timeline][-1] == "result.created"
    listing = call(client, "get", "/results?q=钙钛矿", world["office"]).json()
    assert listing["count"] == 1


def test_shares_off_by_ten_percent(client, world):
    pk = draft(client, world)["id"]
    with Unchanged():
        body = assert_api_error(
            call(
                client,
                "put",
                f"/disclosures/{pk}/inventors",
                world["alice"],
                [{"user": world["alice"].pk, "share": "60"}, {"name": "外部专家", "share": "30"}],
            ),
            422,
            "invalid",
        )
    assert "10.00" in body["errors"]["inventors"][0]


def test_other_institution_and_colleagues_get_404(client, world):
    pk = draft(client, world)["id"]
    assert_api_error(call(client, "get", f"/disclosures/{pk}", world["b_office"]), 404, "not_found")
    assert_api_error(call(client, "get", f"/disclosures/{pk}", world["bob"]), 404, "not_found")
    assert_api_error(
        call(
            client,
            "post",
            f"/disclosures/{pk}/assign",
            world["b_office"],
            {"manager": world["manager"].pk},
        ),
        404,
        "not_found",
    )
    assert call(client, "get", f"/disclosures/{pk}", world["office"]).status_code == 200


def test_researchers_cannot_run_the_review(client, world):
    pk = draft(client, world)["id"]
    call(client, "post", f"/disclosures/{pk}/submit", world["alice"])
    with Unchanged():
        assert_api_error(
            call(
                client, "post", f"/disclosures/{pk}/decide", world["alice"], {"decision": "release"}
            ),
            403,
            "forbidden",
        )


def test_reference_data(client, world):
    trl = call(client, "get", "/classifications/trl", world["alice"]).json()
    assert [t["code"] for t in trl] == [str(i) for i in range(1, 10)]
    industry = call(client, "get", "/classifications/industry", world["alice"]).json()
    assert {"code": "38", "parent": "C"}.items() <= next(
        i for i in industry if i["code"] == "38"
    ).items()
