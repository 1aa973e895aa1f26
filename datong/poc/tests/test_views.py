"""Programme pages: the list, the programme and its set-up, calls, the application form and page,
the office's and the applicant's buttons."""

from __future__ import annotations

import pytest
from django.urls import reverse

from datong.core.testing import Unchanged
from datong.poc import applications, workflow
from datong.poc.models import Application, ApplicationStatus, Programme
from datong.poc.tests.conftest import days, full_data

pytestmark = pytest.mark.django_db

S = ApplicationStatus


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def application_post(world, **extra) -> dict:
    data = {
        "result": world["result"].pk,
        "title": "固态电解质中试验证",
        "stage": "1-10",
        "summary": "摘要",
        "academic_route": "学术路线",
        "market_route": "市场路线",
        "trl_now": "4",
        "trl_target": "6",
        f"req-line_{world['early'].pk}": "1000000",
        **management("ms", 2),
        "ms-0-title": "样品",
        "ms-0-due_on": days(90).isoformat(),
        "ms-0-budget": "1000000",
        "ms-0-funding_line": str(world["early"].pk),
        **management("need", 1),
        "need-0-kind": "testing",
        "need-0-description": "第三方检测",
        **management("team", 2),
        "team-0-name": "张研",
        "team-0-user": str(world["researcher"].pk),
        "team-0-role": "leader",
        "team-0-effort": "50",
    }
    data.update(extra)
    return data


def test_the_programme_list_and_detail(client, world):
    client.force_login(world["partner_researcher"])
    page = client.get(reverse("poc-list")).content.decode()
    assert "概念验证基金" in page and "2026年第一批" in page and "¥30,000,000" in page
    assert reverse("poc-apply", args=[world["call"].pk]) in page
    assert reverse("poc-programme-create") not in page
    detail = client.get(reverse("poc-programme", args=["jia-poc"])).content.decode()
    assert "早期研发" in detail and "技术先进性" in detail and "¥1,500,000" in detail
    assert reverse("poc-programme-edit", args=["jia-poc"]) not in detail


def test_the_programme_list_in_english(client, world):
    client.force_login(world["office"])
    page = client.get(reverse("poc-list"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200


def test_the_office_creates_and_edits_a_programme(client, world):
    client.force_login(world["office"])
    url = reverse("poc-programme-create")
    assert client.get(url).status_code == 200
    with Unchanged():
        response = client.post(url, {"owner": world["uni"].pk, "kind": "institution"})
    assert response.status_code == 400
    response = client.post(
        url,
        {
            "owner": world["uni"].pk,
            "kind": "regional_fund",
            "name": "南通基金",
            "code": "nantong",
            "total_budget": "30000000",
            "stages": ["0-1", "1-10"],
            "industries": "C",
            "objection_days": "7",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    programme = Programme.objects.get(code="nantong")
    assert programme.kind == "regional_fund" and programme.objection_days == 7
    edit = reverse("poc-programme-edit", args=["nantong"])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {
            "kind": "regional_fund",
            "name": "南通概念验证基金",
            "code": "nantong",
            "total_budget": "30000000",
            "objection_days": "7",
        },
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.name == "南通概念验证基金" and not programme.is_active


def test_a_researcher_cannot_open_the_office_pages(client, world):
    client.force_login(world["researcher"])
    for url in (
        reverse("poc-programme-create"),
        reverse("poc-programme-edit", args=["jia-poc"]),
        reverse("poc-rubric", args=["jia-poc"]),
        reverse("poc-line-create", args=["jia-poc"]),
        reverse("poc-call-create", args=["jia-poc"]),
        reverse("poc-call-edit", args=[world["call"].pk]),
    ):
        assert client.get(url).status_code == 403, url
    with Unchanged():
        assert client.post(reverse("poc-call-close", args=[world["call"].pk])).status_code == 403


def test_the_rubric_page_says_how_far_the_weights_are_from_100(client, world):
    client.force_login(world["office"])
    url = reverse("poc-rubric", args=["jia-poc"])
    criteria = list(world["programme"].criteria.all())
    post = {
        **management("crit", 2, 2),
        "crit-0-id": str(criteria[0].pk),
        "crit-0-name": "技术先进性",
        "crit-0-weight": "60",
        "crit-0-max_score": "10",
        "crit-1-id": str(criteria[1].pk),
        "crit-1-name": "市场前景",
        "crit-1-weight": "30",
        "crit-1-max_score": "10",
    }
    with Unchanged():
        response = client.post(url, post, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "add 10 %" in response.content.decode()
    post["crit-1-weight"] = "40"
    assert client.post(url, post).status_code == 302


def test_the_funding_line_page_with_cost_rules(client, world):
    client.force_login(world["office"])
    url = reverse("poc-line-edit", args=["jia-poc", world["early"].pk])
    page = client.get(url).content.decode()
    assert "早期研发" in page and 'name="rule-0-cost_type"' in page
    response = client.post(
        url,
        {
            "code": "early-rd",
            "name": "早期研发",
            "per_project_cap": "1500000",
            **management("rule", 2, 1),
            "rule-0-cost_type": "equipment",
            "rule-0-cap_share": "35",
            "rule-1-cost_type": "testing",
            "rule-1-cap_amount": "200000",
        },
    )
    assert response.status_code == 302
    assert world["early"].cost_rules.count() == 2


def test_the_call_pages(client, world):
    client.force_login(world["office"])
    response = client.post(
        reverse("poc-call-create", args=["jia-poc"]),
        {"name": "第二批", "opens_on": days(40), "closes_on": days(70), "budget": "5000000"},
    )
    assert response.status_code == 302
    call = world["programme"].calls.get(name="第二批")
    page = client.get(response["Location"]).content.decode()
    assert "第二批" in page and reverse("poc-call-open", args=[call.pk]) in page
    assert client.post(reverse("poc-call-open", args=[call.pk])).status_code == 302
    call.refresh_from_db()
    assert call.status == "open"


def test_applying_through_the_form_and_submitting(client, world):
    client.force_login(world["researcher"])
    url = reverse("poc-apply", args=[world["call"].pk])
    page = client.get(url, {"result": world["result"].pk}).content.decode()
    assert "R-1" in page and 'name="ms-TOTAL_FORMS"' in page
    response = client.post(url, application_post(world))
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.get(result=world["result"])
    assert application.status == S.DRAFT and application.planned_milestones.count() == 1
    edit = reverse("poc-application-edit", args=[application.pk])
    assert "样品" in client.get(edit).content.decode()
    data = application_post(world, **management("ms", 1, 1), **management("team", 1, 1))
    data.pop("result")
    response = client.post(edit, {**data, "submit": "1"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_a_submission_with_problems_keeps_the_draft_and_lists_them(client, world):
    client.force_login(world["researcher"])
    url = reverse("poc-apply", args=[world["call"].pk])
    post = application_post(world, **{"ms-0-budget": "10"}, submit="1")
    response = client.post(url, post, follow=True)
    application = Application.objects.get(result=world["result"])
    assert application.status == S.DRAFT
    page = response.content.decode()
    assert "差额" in page or "difference" in page or "¥999,990" in page


def test_a_bad_row_is_shown_next_to_its_section(client, world):
    client.force_login(world["researcher"])
    url = reverse("poc-apply", args=[world["call"].pk])
    with Unchanged():
        response = client.post(url, application_post(world, **{"team-0-role": ""}))
    assert response.status_code == 400
    assert "pg-problems" in response.content.decode()


def test_the_application_page_for_the_applicant_and_the_office(client, world):
    application = applications.application_create(
        actor=world["researcher"], call=world["call"], result=world["result"], data=full_data(world)
    )
    url = reverse("poc-application", args=[application.pk])
    client.force_login(world["researcher"])
    page = client.get(url).content.decode()
    assert "样品制备" in page and "外部顾问" in page
    assert reverse("poc-application-action", args=[application.pk, "submit"]) in page
    response = client.post(reverse("poc-application-action", args=[application.pk, "submit"]))
    assert response.status_code == 302
    client.force_login(world["office"])
    page = client.get(url).content.decode()
    assert reverse("poc-application-action", args=[application.pk, "admit"]) in page
    with Unchanged():
        client.post(reverse("poc-application-action", args=[application.pk, "correct"]), {})
    client.post(
        reverse("poc-application-action", args=[application.pk, "correct"]), {"note": "补充"}
    )
    application.refresh_from_db()
    assert application.status == S.CORRECTION
    client.force_login(world["researcher"])
    assert "补充" in client.get(url).content.decode()
    client.post(reverse("poc-application-action", args=[application.pk, "withdraw"]))
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    unknown = reverse("poc-application-action", args=[application.pk, "x"])
    assert client.post(unknown).status_code == 404


def test_objections_and_the_agreement_through_the_page(client, world):
    application = applications.application_submit(
        actor=world["researcher"],
        application=applications.application_create(
            actor=world["researcher"],
            call=world["call"],
            result=world["result"],
            data=full_data(world),
        ),
    )
    applications.application_admit(actor=world["office"], application=application)
    applications.application_send_to_review(actor=world["office"], application=application)
    application.refresh_from_db()
    application.notice_published_on, application.objection_until = days(-1), days(4)
    workflow.move(application, S.PROVISIONAL, actor=world["office"])
    client.force_login(world["office"])
    url = reverse("poc-application", args=[application.pk])
    assert reverse("poc-objection-add", args=[application.pk]) in client.get(url).content.decode()
    client.post(
        reverse("poc-objection-add", args=[application.pk]),
        {"raised_by": "来信", "received_on": days(0).isoformat(), "text": "有异议"},
    )
    objection = application.objections.get()
    page = client.get(url).content.decode()
    assert "有异议" in page and reverse("poc-objection-resolve", args=[objection.pk]) in page
    client.post(
        reverse("poc-objection-resolve", args=[objection.pk]),
        {"resolution": "不属实", "upheld": "false"},
    )
    objection.refresh_from_db()
    assert objection.upheld is False
    workflow.move(application, S.AWARDED, actor=world["office"])
    client.post(
        reverse("poc-agreement", args=[application.pk]),
        {"agreement_number": "HT-001", "agreement_signed_on": days(0).isoformat()},
    )
    application.refresh_from_db()
    assert application.agreement_number == "HT-001"
    assert "HT-001" in client.get(url).content.decode()


def test_the_call_page_for_the_office_filters_and_exports(client, world):
    application = applications.application_submit(
        actor=world["researcher"],
        application=applications.application_create(
            actor=world["researcher"],
            call=world["call"],
            result=world["result"],
            data=full_data(world),
        ),
    )
    client.force_login(world["office"])
    url = reverse("poc-call", args=[world["call"].pk])
    assert application.title in client.get(url).content.decode()
    assert application.title in client.get(url, {"q": "固态", "line": "early-rd"}).content.decode()
    assert application.title not in client.get(url, {"status": "admitted"}).content.decode()
    assert application.title not in client.get(url, {"stage": "0-1"}).content.decode()
    csv = client.get(url, {"export": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    body = csv.content.decode("utf-8-sig")
    assert application.number in body and "1200000" in body
    xlsx = client.get(url, {"export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_my_applications_page(client, world):
    applications.application_create(
        actor=world["researcher"], call=world["call"], result=world["result"], data=full_data(world)
    )
    client.force_login(world["colleague"])
    page = client.get(reverse("poc-mine")).content.decode()
    assert "固态电解质中试验证" in page
    client.force_login(world["bystander"])
    assert "固态电解质中试验证" not in client.get(reverse("poc-mine")).content.decode()


def test_applying_needs_a_result_and_an_open_call(client, world):
    client.force_login(world["bystander"])
    url = reverse("poc-apply", args=[world["call"].pk])
    assert client.get(url).status_code == 302
    client.force_login(world["researcher"])
    assert client.get(url).status_code == 200
    world["call"].status = "closed"
    world["call"].save()
    assert client.get(url).status_code == 302


def test_the_dashboard_counts_applications_to_admit(client, world):
    application = applications.application_create(
        actor=world["researcher"], call=world["call"], result=world["result"], data=full_data(world)
    )
    applications.application_submit(actor=world["researcher"], application=application)
    client.force_login(world["office"])
    page = client.get(reverse("dashboard")).content.decode()
    stat = page.split('data-stat="poc-submitted"', 1)[1]
    assert '<span class="stat-value">1</span>' in stat.split("</a>", 1)[0]
    client.force_login(world["researcher"])
    assert 'data-stat="poc-submitted"' not in client.get(reverse("dashboard")).content.decode()
