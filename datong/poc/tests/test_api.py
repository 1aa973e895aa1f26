"""The programme endpoints of /api/v1/."""

from __future__ import annotations

import json

import pytest

from datong.core.testing import Unchanged, assert_api_error
from datong.poc import applications, workflow
from datong.poc.models import Application, ApplicationStatus, Programme
from datong.poc.tests.conftest import bearer, days

pytestmark = pytest.mark.django_db

S = ApplicationStatus


def post(client, url, payload, method="post", **auth):
    return getattr(client, method)(
        url, data=json.dumps(payload, default=str), content_type="application/json", **auth
    )


def draft_payload(world, **changes) -> dict:
    payload = {
        "result": world["result"].pk,
        "title": "固态电解质中试验证",
        "stage": "1-10",
        "summary": "摘要",
        "academic_route": "学术路线",
        "market_route": "市场路线",
        "trl_now": 4,
        "trl_target": 6,
        "requests": [{"funding_line": "early-rd", "amount": "1000000"}],
        "milestones": [
            {
                "title": "样品",
                "due_on": days(90).isoformat(),
                "budget": "1000000",
                "funding_line": "early-rd",
            }
        ],
        "needs": [{"kind": "testing", "description": "检测"}],
        "team": [
            {"name": "张研", "user": world["researcher"].username, "role": "leader"},
            {"name": "李同事", "user": world["colleague"].username, "role": "researcher"},
        ],
    }
    payload.update(changes)
    return payload


def test_programmes_are_listed_and_read(client, world):
    auth = bearer(world["partner_researcher"])
    assert_api_error(client.get("/api/v1/poc/programmes"), 401, "unauthorized")
    body = client.get("/api/v1/poc/programmes", **auth).json()
    assert [p["code"] for p in body["items"]] == ["jia-poc"]
    detail = client.get("/api/v1/poc/programmes/jia-poc", **auth).json()
    assert detail["owner"] == "uni" and detail["industries"] == ["C"]
    assert [line["code"] for line in detail["funding_lines"]] == ["early-rd", "pre-incubation"]
    assert detail["funding_lines"][0]["cost_rules"][0]["cost_type"] == "equipment"
    assert [c["name"] for c in detail["criteria"]] == ["技术先进性", "市场前景"]
    assert detail["calls"][0]["id"] == world["call"].pk
    assert_api_error(client.get("/api/v1/poc/programmes/nope", **auth), 404, "not_found")
    call = client.get(f"/api/v1/poc/calls/{world['call'].pk}", **auth).json()
    assert call["programme"] == "jia-poc" and call["accepts_applications"] is True


def test_the_office_creates_a_programme_with_lines_and_rubric(client, world):
    payload = {
        "owner": "uni",
        "kind": "regional_fund",
        "name": "南通概念验证基金",
        "code": "nantong",
        "total_budget": "30000000",
        "stages": ["0-1"],
        "funding_lines": [
            {"code": "early", "name": "早期研发", "per_project_cap": "1500000"},
            {
                "code": "incubation",
                "name": "预孵化",
                "per_project_cap": "1000000",
                "cost_rules": [{"cost_type": "market", "cap_share": "20"}],
            },
        ],
        "criteria": [{"name": "技术", "weight": "70"}, {"name": "市场", "weight": "30"}],
    }
    researcher, auth = bearer(world["researcher"]), bearer(world["office"])
    with Unchanged():
        response = post(client, "/api/v1/poc/programmes", payload, **researcher)
        assert_api_error(response, 403, "forbidden")
    bad = {**payload, "funding_lines": [{"code": "x", "name": "", "per_project_cap": "1"}]}
    with Unchanged():
        body = assert_api_error(post(client, "/api/v1/poc/programmes", bad, **auth), 422, "invalid")
    assert "funding_lines[0].name" in body["errors"]
    with Unchanged():
        weights = {**payload, "criteria": [{"name": "技术", "weight": "70"}]}
        body = assert_api_error(
            post(client, "/api/v1/poc/programmes", weights, **auth), 422, "invalid"
        )
    assert "weights" in body["errors"]
    response = post(client, "/api/v1/poc/programmes", payload, **auth)
    assert response.status_code == 201, response.content
    assert [line["code"] for line in response.json()["funding_lines"]] == ["early", "incubation"]
    assert Programme.objects.get(code="nantong").criteria.count() == 2


def test_an_application_through_the_api(client, world):
    auth = bearer(world["researcher"])
    url = f"/api/v1/poc/calls/{world['call'].pk}/applications"
    response = post(client, url, draft_payload(world), **auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["total_requested"] in ("1000000.00", 1000000)
    assert body["team"][1]["user"] == world["colleague"].username
    pk = body["id"]
    patched = post(
        client, f"/api/v1/poc/applications/{pk}", {"summary": "新摘要"}, method="patch", **auth
    )
    assert patched.json()["summary"] == "新摘要" and len(patched.json()["milestones"]) == 1
    submitted = post(client, f"/api/v1/poc/applications/{pk}/submit", {}, **auth)
    assert submitted.status_code == 200 and submitted.json()["number"]
    listed = client.get("/api/v1/poc/applications?status=submitted", **auth).json()["items"]
    assert [item["id"] for item in listed] == [pk]
    office = bearer(world["office"])
    moved = post(client, f"/api/v1/poc/applications/{pk}/transition", {"to": "admitted"}, **office)
    assert moved.json()["status"] == "admitted"
    with Unchanged():
        refused = post(
            client, f"/api/v1/poc/applications/{pk}/transition", {"to": "admitted"}, **auth
        )
        assert_api_error(refused, 403, "forbidden")
    withdrawn = post(
        client, f"/api/v1/poc/applications/{pk}/transition", {"to": "withdrawn"}, **auth
    )
    assert withdrawn.json()["status"] == "withdrawn"
    with Unchanged():
        again = post(
            client, f"/api/v1/poc/applications/{pk}/transition", {"to": "under_review"}, **office
        )
        assert_api_error(again, 422, "invalid")


def test_submission_answers_every_problem(client, world):
    auth = bearer(world["researcher"])
    url = f"/api/v1/poc/calls/{world['call'].pk}/applications"
    payload = draft_payload(
        world,
        trl_now=8,
        trl_target=9,
        requests=[{"funding_line": "early-rd", "amount": "2000000"}],
        team=[],
    )
    pk = post(client, url, payload, **auth).json()["id"]
    with Unchanged():
        body = assert_api_error(
            post(client, f"/api/v1/poc/applications/{pk}/submit", {}, **auth), 422, "invalid"
        )
    assert {"trl_now", "requests", "milestones", "team"} <= set(body["errors"])


def test_refusals_of_a_draft(client, world):
    url = f"/api/v1/poc/calls/{world['call'].pk}/applications"
    bystander, researcher = bearer(world["bystander"]), bearer(world["researcher"])
    with Unchanged():
        response = post(client, url, draft_payload(world), **bystander)
        assert_api_error(response, 404, "not_found")
        response = post(
            client,
            url,
            draft_payload(world, requests=[{"funding_line": "nope", "amount": "1"}]),
            **researcher,
        )
        assert_api_error(response, 422, "invalid")


def test_objections_and_the_agreement(client, world):
    application = applications.application_create(
        actor=world["researcher"], call=world["call"], result=world["result"], data={}
    )
    Application.objects.filter(pk=application.pk).update(
        status=S.UNDER_REVIEW, notice_published_on=days(-1), objection_until=days(3)
    )
    application.refresh_from_db()
    workflow.move(application, S.PROVISIONAL, actor=world["office"])
    office, researcher = bearer(world["office"]), bearer(world["researcher"])
    base = f"/api/v1/poc/applications/{application.pk}"
    payload = {"raised_by": "来信", "received_on": days(0).isoformat(), "text": "有异议"}
    with Unchanged():
        assert_api_error(
            post(client, f"{base}/objections", payload, **researcher), 403, "forbidden"
        )
    created = post(client, f"{base}/objections", payload, **office)
    assert created.status_code == 201
    objection_id = created.json()["id"]
    listed = client.get(f"{base}/objections", **researcher).json()
    assert [o["id"] for o in listed] == [objection_id]
    resolved = post(
        client,
        f"/api/v1/poc/objections/{objection_id}/resolve",
        {"resolution": "属实", "upheld": True, "outcome": "rejected"},
        **office,
    )
    assert resolved.json()["upheld"] is True
    application.refresh_from_db()
    assert application.status == S.REJECTED
    with Unchanged():
        refused = post(
            client,
            f"{base}/agreement",
            {"number": "HT-1", "signed_on": days(0).isoformat()},
            **office,
        )
        assert_api_error(refused, 422, "invalid")


def test_the_agreement_of_an_awarded_application(client, world):
    application = applications.application_create(
        actor=world["researcher"], call=world["call"], result=world["result"], data={}
    )
    Application.objects.filter(pk=application.pk).update(status=S.PROVISIONAL)
    application.refresh_from_db()
    workflow.move(application, S.AWARDED, actor=world["office"])
    url = f"/api/v1/poc/applications/{application.pk}/agreement"
    payload = {"number": "HT-1", "signed_on": days(0).isoformat()}
    researcher, office = bearer(world["researcher"]), bearer(world["office"])
    with Unchanged():
        assert_api_error(post(client, url, payload, **researcher), 403, "forbidden")
    body = post(client, url, payload, **office).json()
    assert body["agreement_number"] == "HT-1"
    assert body["agreement_signed_on"] == payload["signed_on"]
