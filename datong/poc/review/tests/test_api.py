"""The review API: blind review hides names, conflicts answer 422 with the reason, other
programmes' reviewers get 404, the office runs the decision."""

from __future__ import annotations

import json

import pytest

from datong.core.roles import Role
from datong.core.testing import assert_api_error
from datong.institutions.factories import InstitutionFactory, member_of
from datong.poc.factories import ProgrammeFactory
from datong.poc.models import ApplicationStatus
from datong.poc.review import services
from datong.poc.review.models import Assignment, AssignmentStatus

from .conftest import bearer, make_application
from .test_views import NAMES

BASE = "/api/v1/poc/review"


def call_api(client, method, path, user, body=None):
    kwargs = bearer(user)
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(f"{BASE}{path}", **kwargs)


@pytest.fixture
def assigned(rw):
    rw["assignment"] = services.assignment_create(
        actor=rw["office"], application=rw["app"], reviewer=rw["external"]
    )
    return rw


def test_blind_review_hides_names_in_the_api(client, assigned):
    programme = assigned["programme"]
    programme.blind_review = True
    programme.save()
    for path in ("/mine", f"/mine/{assigned['assignment'].pk}"):
        response = call_api(client, "get", path, assigned["external"])
        assert response.status_code == 200
        text = json.dumps(response.json(), ensure_ascii=False)
        assert assigned["app"].title in text
        for name in NAMES:
            assert name not in text, (path, name)
    detail = call_api(
        client, "get", f"/mine/{assigned['assignment'].pk}", assigned["external"]
    ).json()
    assert detail["blind"] is True
    assert detail["applicant"] is None and detail["team"] is None
    programme.blind_review = False
    programme.save()
    detail = call_api(
        client, "get", f"/mine/{assigned['assignment'].pk}", assigned["external"]
    ).json()
    assert detail["applicant"] == "张申请" and detail["institution"] == "甲大学"


def test_reviewer_scores_through_the_api(client, assigned):
    c1, c2, c3 = assigned["criteria"]
    path = f"/mine/{assigned['assignment'].pk}/scores"
    body = {
        "scores": [
            {"criterion_id": c1.pk, "score": 8},
            {"criterion_id": c2.pk, "score": 7.5, "comment": "市场清晰"},
            {"criterion_id": c3.pk, "score": 11},
        ],
        "overall_comment": "推荐",
        "submit": True,
    }
    body_error = assert_api_error(
        call_api(client, "put", path, assigned["external"], body), 422, "invalid"
    )
    assert f"score_{c3.pk}" in body_error["errors"]
    body["scores"][2]["score"] = 9
    response = call_api(client, "put", path, assigned["external"], body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == AssignmentStatus.SUBMITTED
    assert [s["score"] for s in data["scores"]] == ["8.0", "7.5", "9.0"]
    assert_api_error(call_api(client, "put", path, assigned["external"], body), 422, "invalid")
    # Someone else's assignment is not found.
    assert_api_error(call_api(client, "put", path, assigned["external2"], body), 404, "not_found")


def test_conflicted_assignment_is_refused_with_the_reason(client, rw, settings):
    settings.LANGUAGE_CODE = "en"
    response = call_api(
        client,
        "post",
        f"/calls/{rw['call'].pk}/assignments",
        rw["office"],
        {"application_id": rw["app"].pk, "reviewer_id": rw["coinventor"].pk},
    )
    body = assert_api_error(response, 422, "invalid")
    assert "co-inventor" in body["message"]
    assert not Assignment.objects.filter(reviewer=rw["coinventor"]).exists()
    response = call_api(
        client,
        "post",
        f"/calls/{rw['call'].pk}/auto-assign",
        rw["office"],
        {"per_application": 4},
    )
    assert response.status_code == 200
    report = response.json()
    assert len(report["created"]) == 3
    assert report["uncovered"][0]["conflicted"] == 3


def test_declaring_a_conflict_through_the_api(client, assigned):
    path = f"/mine/{assigned['assignment'].pk}/decline"
    response = call_api(client, "post", path, assigned["external"], {"reason": "合作者"})
    assert response.status_code == 200
    assert response.json()["status"] == AssignmentStatus.WITHDRAWN
    response = call_api(
        client,
        "post",
        "/conflicts",
        assigned["office"],
        {"reviewer_id": assigned["external2"].pk, "institution": "uni", "reason": "兼职"},
    )
    assert response.status_code == 201, response.content


def test_a_reviewer_of_another_programme_gets_404(client, assigned):
    elsewhere = InstitutionFactory()
    office = member_of(elsewhere, Role.TTO_STAFF)
    outsider = member_of(elsewhere, Role.REVIEWER)
    services.pool_add(
        actor=office, programme=ProgrammeFactory(owner=elsewhere), user=outsider, kind="external"
    )
    call = assigned["call"]
    for method, path in (
        ("get", f"/mine/{assigned['assignment'].pk}"),
        ("get", f"/calls/{call.pk}/ranking"),
        ("get", f"/calls/{call.pk}/decision"),
        ("get", f"/calls/{call.pk}/assignments"),
        ("get", f"/programmes/{assigned['programme'].code}/pool"),
        ("post", f"/calls/{call.pk}/decision/propose"),
    ):
        assert_api_error(call_api(client, method, path, outsider), 404, "not_found")
    assert call_api(client, "get", "/mine", outsider).json() == []


def test_office_runs_the_decision_through_the_api(client, rw):
    from .conftest import submit

    second = make_application(rw, "第二项", rd=1_500_000, pre=1_000_000)
    third = make_application(rw, "第三项", rd=1_500_000, pre=0)
    for app, values in ((rw["app"], [9, 9, 9]), (second, [7, 7, 7]), (third, [5, 5, 5])):
        submit(rw, rw["internal"], app, values)
        submit(rw, rw["external"], app, values)
    office, call = rw["office"], rw["call"]
    ranking = call_api(client, "get", f"/calls/{call.pk}/ranking", office).json()
    assert [r["title"] for r in ranking] == ["固态电池", "第二项", "第三项"]
    assert ranking[0]["raw"] == 90 and ranking[0]["normalised"] > 0
    decision = call_api(client, "post", f"/calls/{call.pk}/decision/propose", office).json()
    assert decision["total"] <= decision["budget"]
    # Budget 4 million, early R&D capped at 3 million: 1.0 + 1.5 on the line, 4.0 in all.
    assert decision["selected"] == [rw["app"].pk, second.pk]
    response = call_api(
        client,
        "post",
        f"/calls/{call.pk}/decision/changes",
        office,
        {"application_id": third.pk, "action": "add", "reason": "战略"},
    )
    body = assert_api_error(response, 422, "invalid")
    assert "¥" in body["message"]
    response = call_api(
        client,
        "post",
        f"/calls/{call.pk}/decision/publish",
        office,
        {"reserve_count": 1},
    )
    assert response.status_code == 200 and response.json()["status"] == "published"
    third.refresh_from_db()
    assert third.status == ApplicationStatus.RESERVE
    response = call_api(client, "post", f"/calls/{call.pk}/decision/finalise", office)
    body = assert_api_error(response, 422, "invalid")
