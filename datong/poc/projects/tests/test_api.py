"""The projects API: start, milestones and tranches, expenses, reports, gates, extensions,
termination, outcome, resources and matches."""

from __future__ import annotations

import json

from datong.core.testing import assert_api_error
from datong.poc.projects import services

from .conftest import bearer, days


def post(client, url, user, payload, method="post"):
    send = getattr(client, method)
    return send(
        url, data=json.dumps(payload, default=str), content_type="application/json", **bearer(user)
    )


def test_start_then_run_a_project_through_the_api(client, world):
    office, researcher = world["owner_office"], world["researcher"]
    refused = post(
        client,
        "/api/v1/projects",
        researcher,
        {"application": world["application"].pk, "starts_on": days(-100), "ends_on": days(200)},
    )
    assert_api_error(refused, 404, "not_found")
    response = post(
        client,
        "/api/v1/projects",
        office,
        {"application": world["application"].pk, "starts_on": days(-100), "ends_on": days(200)},
    )
    assert response.status_code == 201, response.content
    project = response.json()
    assert project["state"] == "active" and project["programme"] == "nt-fund"
    base = f"/api/v1/projects/{project['id']}"

    milestones = client.get(f"{base}/milestones", **bearer(researcher)).json()
    first = milestones[0]
    assert first["tranche"] == "100000.00"
    report = post(
        client, f"{base}/milestones/{first['id']}/report", researcher, {"evidence": "样品"}
    )
    assert report.json()["status"] == "reported"
    assert_api_error(
        post(client, f"{base}/milestones/{first['id']}/decision", researcher, {"accept": True}),
        403,
        "forbidden",
    )
    accepted = post(client, f"{base}/milestones/{first['id']}/decision", office, {"accept": True})
    assert accepted.json()["status"] == "accepted"
    tranches = client.get(f"{base}/tranches", **bearer(researcher)).json()
    assert [(t["kind"], t["amount"], t["funding_line"]) for t in tranches] == [
        ("milestone", "100000.00", "rd")
    ]

    expense = {
        "funding_line": "rd",
        "cost_type": "experts",
        "spent_on": str(days(-5)),
        "amount": "40000",
        "payee": "专家",
    }
    blocked = post(client, f"{base}/expenses", researcher, expense)
    body = assert_api_error(blocked, 422, "invalid")
    assert "¥30,000.00" in body["errors"]["amount"][0]
    expense["amount"] = "20000"
    created = post(client, f"{base}/expenses", researcher, expense)
    assert created.status_code == 201 and created.json()["status"] == "recorded"
    rejected = post(
        client, f"{base}/expenses/{created.json()['id']}/reject", office, {"reason": "不合规"}
    )
    assert rejected.json()["status"] == "rejected"

    submitted = post(
        client,
        f"{base}/reports",
        researcher,
        {"kind": "interim", "period_start": days(-100), "period_end": days(0), "narrative": "中期"},
    )
    assert submitted.status_code == 201
    assert submitted.json()["snapshot"]["totals"]["released"] == "100000.00"
    decided = post(
        client, f"{base}/reports/{submitted.json()['id']}/decision", office, {"accept": True}
    )
    assert decided.json()["status"] == "accepted"

    gate = post(
        client,
        f"{base}/gates",
        office,
        {
            "held_on": days(0),
            "kind": "stage_end",
            "decision": "continue",
            "reasons": "达标",
            "trl_assessed": 5,
        },
    )
    assert gate.status_code == 201
    extension = post(
        client, f"{base}/extensions", researcher, {"new_end": days(260), "reason": "设备"}
    )
    assert extension.status_code == 201
    approved = post(
        client,
        f"{base}/extensions/{extension.json()['id']}/decision",
        office,
        {"accept": True},
    )
    assert approved.json()["status"] == "approved"

    outcome = post(
        client,
        f"{base}/outcome",
        researcher,
        {"technical_route": "干法", "company_name": "南通某公司", "trl_after": 6},
        method="put",
    )
    assert outcome.status_code == 200 and outcome.json()["company_name"] == "南通某公司"
    assert client.get(f"{base}/outcome", **bearer(office)).json()["trl_after"] == 6

    assert_api_error(client.get(f"{base}/termination", **bearer(office)), 404, "not_found")
    terminated = post(client, f"{base}/termination", office, {"reason": "停止"})
    assert terminated.status_code == 201
    # rd: released 100,000, rejected 20,000 → unspent 80,000, payback 100,000; inc: nothing.
    assert terminated.json()["payback"] == "100000.00"
    detail = client.get(base, **bearer(researcher)).json()
    assert detail["state"] == "terminated" and detail["ends_on"] == str(days(260))


def test_resources_and_matches(client, world, project):
    services.resource_create(
        actor=world["owner_office"],
        listed_by=world["owner"],
        data={
            "name": "上海锂电中试线",
            "kind": "pilot_line",
            "capabilities": "固态电解质 中试放大",
            "region": "310000",
        },
    )
    listed = client.get(
        "/api/v1/verification-resources?kind=pilot_line", **bearer(world["colleague"])
    )
    assert listed.json()["count"] == 1
    need = world["application"].verification_needs.get()
    url = f"/api/v1/projects/{project.pk}/needs/{need.pk}/matches"
    found = client.get(url, **bearer(world["researcher"])).json()
    assert found["matches"][0]["resource"]["name"] == "上海锂电中试线"
    assert found["matches"][0]["reasons"]
    assert_api_error(client.get(url, **bearer(world["colleague"])), 404, "not_found")
