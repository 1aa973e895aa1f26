"""The IP records API: the same rules as the pages, with a personal access token."""

from __future__ import annotations

import json

import pytest

from datong.accounts.services import api_token_create
from datong.core.roles import Role
from datong.core.testing import Unchanged, assert_api_error, bearer
from datong.institutions.factories import InstitutionFactory, member_of
from datong.ip.numbers import check_character

pytestmark = pytest.mark.django_db


def cn(year, kind, serial):
    body = f"{year}{kind}{serial:07d}"
    return f"{body}.{check_character(body)}"


def headers(user):
    """One token per user, created before any ``Unchanged`` block counts the rows."""
    if not hasattr(user, "api_headers"):
        _token, plain = api_token_create(actor=user, user=user, name="t")
        user.api_headers = bearer(plain)
    return user.api_headers


def call(client, method, path, user, data=None, **params):
    kwargs = dict(headers(user))
    if data is not None:
        kwargs.update(data=json.dumps(data), content_type="application/json")
    elif params:
        kwargs["data"] = params
    return getattr(client, method)(f"/api/v1{path}", **kwargs)


@pytest.fixture
def world():
    a = InstitutionFactory(slug="uni-a")
    b = InstitutionFactory(slug="uni-b")
    people = {
        "office": member_of(a, Role.TTO_STAFF),
        "researcher": member_of(a, Role.RESEARCHER),
        "b_office": member_of(b, Role.TTO_STAFF),
    }
    for user in people.values():
        headers(user)
    return {"a": a, "b": b, **people}


FAMILY = {
    "institution": "uni-a",
    "title": "一种锂硫电池正极材料",
    "ip_type": "invention_patent",
    "ipc_codes": "h01m10/052",
    "inventors": ["李明", "王芳"],
    "claims_count": 8,
}


def test_the_api_flow_with_a_token(client, world):
    office = world["office"]
    response = call(client, "post", "/ip/families", office, FAMILY)
    assert response.status_code == 201, response.content
    family = response.json()
    assert family["ipc_codes"] == ["H01M 10/052"] and family["filings"] == []
    pk = family["id"]

    number = cn(2022, 1, 123456)
    response = call(
        client,
        "post",
        f"/ip/families/{pk}/filings",
        office,
        {
            "route": "cn",
            "kind": "invention",
            "application_number": f"CN{number}",
            "filing_date": "2022-03-01",
        },
    )
    assert response.status_code == 201, response.content
    filing = response.json()
    assert filing["application_number"] == number and filing["legal_status"] == "pending"

    response = call(
        client,
        "post",
        f"/ip/filings/{filing['id']}/events",
        office,
        {"kind": "granted", "date": "2023-05-01"},
    )
    assert response.status_code == 201 and response.json()["legal_status"] == "granted"

    response = call(
        client,
        "patch",
        f"/ip/filings/{filing['id']}",
        office,
        {"attorney": "张律师", "filing_date": "2022-03-02"},
    )
    assert response.status_code == 200 and response.json()["filing_date"] == "2022-03-02"

    response = call(client, "patch", f"/ip/families/{pk}", office, {"forward_citations": 4})
    assert response.status_code == 200 and response.json()["forward_citations"] == 4
    assert response.json()["legal_statuses"] == ["granted"]

    response = call(
        client,
        "post",
        f"/ip/families/{pk}/ownership",
        office,
        {
            "start": "2022-03-01",
            "holders": [{"name": "测试大学", "share": "60"}, {"name": "李明", "share": "40"}],
        },
    )
    assert response.status_code == 201 and response.json()["end"] is None

    response = call(
        client,
        "post",
        f"/ip/filings/{filing['id']}/costs",
        office,
        {"kind": "official", "amount": "900.00", "date": "2022-03-01"},
    )
    assert response.status_code == 201 and response.json()["amount"] == "900.00"

    listing = call(client, "get", "/ip/families", office, legal_status="granted")
    assert listing.json()["count"] == 1
    assert call(client, "get", "/ip/families", office, ip_type="design").json()["count"] == 0
    detail = call(client, "get", f"/ip/families/{pk}", office).json()
    assert len(detail["filings"]) == 1 and len(detail["ownership"]) == 1
    assert len(call(client, "get", f"/ip/families/{pk}/filings", office).json()) == 1


def test_a_wrong_check_character_is_a_422_and_writes_nothing(client, world):
    office = world["office"]
    pk = call(client, "post", "/ip/families", office, FAMILY).json()["id"]
    good = cn(2022, 1, 123456)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with Unchanged():
        response = call(
            client,
            "post",
            f"/ip/families/{pk}/filings",
            office,
            {"route": "cn", "kind": "invention", "application_number": bad},
        )
    body = assert_api_error(response, 422, "invalid")
    assert "application_number" in body["errors"]


def test_another_institution_gets_404_and_a_researcher_403(client, world):
    office = world["office"]
    pk = call(client, "post", "/ip/families", office, FAMILY).json()["id"]
    filing = call(
        client,
        "post",
        f"/ip/families/{pk}/filings",
        office,
        {"route": "cn", "kind": "invention", "application_number": cn(2022, 1, 7)},
    ).json()
    outsider = world["b_office"]
    with Unchanged():
        assert_api_error(call(client, "get", f"/ip/families/{pk}", outsider), 404, "not_found")
        assert_api_error(
            call(client, "get", f"/ip/families/{pk}/filings", outsider), 404, "not_found"
        )
        assert_api_error(
            call(client, "patch", f"/ip/filings/{filing['id']}", outsider, {"attorney": "x"}),
            404,
            "not_found",
        )
        assert_api_error(
            call(
                client,
                "post",
                f"/ip/filings/{filing['id']}/events",
                outsider,
                {"kind": "granted", "date": "2023-01-01"},
            ),
            404,
            "not_found",
        )
        assert call(client, "get", "/ip/families", outsider).json()["count"] == 0
        assert_api_error(call(client, "post", "/ip/families", outsider, FAMILY), 403, "forbidden")
    researcher = world["researcher"]
    assert call(client, "get", f"/ip/families/{pk}", researcher).status_code == 200
    with Unchanged():
        assert_api_error(call(client, "post", "/ip/families", researcher, FAMILY), 403, "forbidden")
        assert_api_error(
            call(client, "patch", f"/ip/families/{pk}", researcher, {"title": "x"}),
            403,
            "forbidden",
        )
        assert_api_error(
            call(
                client,
                "post",
                f"/ip/filings/{filing['id']}/costs",
                researcher,
                {"kind": "official", "amount": "1", "date": "2022-03-01"},
            ),
            403,
            "forbidden",
        )


def test_without_a_token_the_api_answers_401(client):
    assert_api_error(client.get("/api/v1/ip/families"), 401, "unauthorized")
