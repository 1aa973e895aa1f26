"""Applications: drafts, submission with every check, the office's steps, withdrawal and
renunciation, objections during the public notice, the funding agreement."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from datong.core.models import AuditEntry
from datong.core.testing import Unchanged
from datong.institutions.factories import AllianceFactory, AllianceMemberFactory
from datong.notifications.models import Notification
from datong.poc import applications, services, workflow
from datong.poc.models import ApplicationEvent, ApplicationStatus, CallStatus, Objection
from datong.poc.tests.conftest import days, full_data, make_result
from datong.results.models import TimelineEvent

pytestmark = pytest.mark.django_db

S = ApplicationStatus


def draft(world, **changes):
    return applications.application_create(
        actor=world["researcher"],
        call=world["call"],
        result=world["result"],
        data=full_data(world, **changes),
    )


def submitted(world, **changes):
    return applications.application_submit(
        actor=world["researcher"], application=draft(world, **changes)
    )


def on_notice(world, start=-2, end=3):
    """An application the committee put on the public notice (as the review's decision does)."""
    application = submitted(world)
    applications.application_admit(actor=world["office"], application=application)
    applications.application_send_to_review(actor=world["office"], application=application)
    application.refresh_from_db()
    application.notice_published_on, application.objection_until = days(start), days(end)
    workflow.move(application, S.PROVISIONAL, actor=world["office"])
    return application


# --- drafts ----------------------------------------------------------------------------------


def test_a_researcher_starts_a_draft_with_its_rows(world):
    application = draft(world)
    assert application.status == S.DRAFT and application.applicant == world["researcher"]
    assert application.institution == world["uni"]
    assert application.requests.count() == 2 and application.planned_milestones.count() == 2
    assert application.team.filter(user=world["colleague"]).exists()
    assert application.planned_milestones.first().funding_line == world["early"]
    assert ApplicationEvent.objects.filter(application=application, status_to=S.DRAFT).exists()
    assert AuditEntry.objects.filter(action="poc.application_create").count() == 1


def test_an_incomplete_draft_can_be_saved(world):
    application = applications.application_create(
        actor=world["researcher"], call=world["call"], result=world["result"], data={}
    )
    assert application.title == world["result"].title and application.trl_now == 4


def test_only_inventors_or_the_office_apply_with_a_result(world):
    for who in ("bystander", "partner_office", "other_office"):
        with Unchanged(), pytest.raises(PermissionDenied):
            applications.application_create(
                actor=world[who], call=world["call"], result=world["result"], data={}
            )
    by_office = applications.application_create(
        actor=world["office"], call=world["call"], result=world["result"], data={}
    )
    assert by_office.applicant == world["office"]


def test_a_draft_needs_an_open_call_and_one_application_per_result(world):
    draft(world)
    with Unchanged(), pytest.raises(ValidationError) as caught:
        draft(world)
    assert "result" in caught.value.message_dict
    services.call_close(actor=world["office"], call=world["call"])
    with Unchanged(), pytest.raises(ValidationError) as caught:
        applications.application_create(
            actor=world["partner_researcher"],
            call=world["call"],
            result=world["partner_result"],
            data={},
        )
    assert "call" in caught.value.message_dict


def test_draft_rows_are_checked(world):
    with Unchanged(), pytest.raises(ValidationError) as caught:
        draft(
            world,
            trl_now=6,
            trl_target=4,
            requests=[{"funding_line": "nope", "amount": "1"}],
            milestones=[{"title": "", "budget": "abc"}],
            needs=[{"kind": "magic", "description": "x"}],
            team=[{"name": "", "role": "boss", "effort": 120, "user": "no-such-user"}],
        )
    errors = caught.value.message_dict
    assert set(errors) == {"requests", "milestones", "needs", "team"}
    assert len(errors["team"]) == 4
    with Unchanged(), pytest.raises(ValidationError) as caught:
        draft(world, trl_now=6, trl_target=4)
    assert "trl_target" in caught.value.message_dict


def test_only_the_applicant_edits_and_only_while_editable(world):
    application = draft(world)
    with Unchanged(), pytest.raises(PermissionDenied):
        applications.application_update(
            actor=world["office"], application=application, data={"title": "x"}
        )
    application = applications.application_update(
        actor=world["researcher"],
        application=application,
        data={"title": "新题目", "needs": []},
    )
    assert application.title == "新题目" and not application.verification_needs.exists()
    applications.application_submit(actor=world["researcher"], application=application)
    with Unchanged(), pytest.raises(ValidationError):
        applications.application_update(
            actor=world["researcher"], application=application, data={"title": "y"}
        )


# --- submission ------------------------------------------------------------------------------


def test_submission_numbers_notifies_and_marks_the_result(world):
    application = submitted(world)
    assert application.status == S.SUBMITTED and application.submitted_at
    assert application.number.startswith(f"JIA-POC-{timezone.localdate().year}-")
    assert Notification.objects.filter(user=world["office"], url__contains=str(application.pk))
    assert TimelineEvent.objects.filter(result=world["result"], kind="poc.applied").exists()
    assert AuditEntry.objects.filter(action="poc.submit", object_id=str(application.pk)).exists()


def test_submission_lists_every_problem_at_once(world):
    application = applications.application_create(
        actor=world["researcher"],
        call=world["call"],
        result=world["result"],
        data={"trl_now": "", "team": [{"name": "助理", "role": "student"}]},
    )
    with Unchanged(), pytest.raises(ValidationError) as caught:
        applications.application_submit(actor=world["researcher"], application=application)
    errors = caught.value.message_dict
    assert {
        "stage",
        "summary",
        "academic_route",
        "market_route",
        "trl_now",
        "trl_target",
        "requests",
        "milestones",
        "team",
    } <= set(errors)
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_eligibility_refusals_name_their_rule(world, settings):
    from django.utils import translation

    alliance = AllianceFactory()
    AllianceMemberFactory(alliance=alliance, institution=world["uni"])
    services.programme_update(
        actor=world["office"],
        programme=world["programme"],
        data={"kind": "alliance", "alliance": alliance.slug, "stages": ["0-1"]},
    )
    result = make_result(world["uni"], "R-9", world["researcher"], code="01", trl=8)
    application = applications.application_create(
        actor=world["researcher"],
        call=world["call"],
        result=result,
        data=full_data(world, trl_now=8, trl_target=9),
    )
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        applications.application_submit(actor=world["researcher"], application=application)
    errors = caught.value.message_dict
    assert errors["stage"][0].startswith("Stage rule")
    assert (
        errors["trl_now"][0].startswith("Readiness rule")
        and "TRL 3 to TRL 6" in errors["trl_now"][0]
    )
    assert errors["result"][0].startswith("Industry rule")
    partner_application = applications.application_create(
        actor=world["partner_researcher"],
        call=world["call"],
        result=world["partner_result"],
        data=full_data(world, stage="0-1", team=[{"name": "乙研", "role": "leader"}]),
    )
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        applications.application_submit(
            actor=world["partner_researcher"], application=partner_application
        )
    assert caught.value.message_dict["institution"][0].startswith("Institution rule")
    assert "not a member" in caught.value.message_dict["institution"][0]


def test_eligible_institutions_are_a_rule_too(world):
    services.programme_update(
        actor=world["office"],
        programme=world["programme"],
        data={"eligible_institutions": ["uni"]},
    )
    application = applications.application_create(
        actor=world["partner_researcher"],
        call=world["call"],
        result=world["partner_result"],
        data=full_data(world, team=[{"name": "乙研", "role": "leader"}]),
    )
    with pytest.raises(ValidationError) as caught:
        applications.application_submit(actor=world["partner_researcher"], application=application)
    assert set(caught.value.message_dict) == {"institution"}


def test_caps_and_the_milestone_total(world, settings):
    from django.utils import translation

    application = draft(
        world,
        requests=[{"funding_line": "early-rd", "amount": "2000000"}],
        milestones=[{"title": "全部", "due_on": days(100), "budget": "1500000"}],
    )
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        applications.application_submit(actor=world["researcher"], application=application)
    errors = caught.value.message_dict
    assert errors["requests"] == ["Early R&D: ¥2,000,000 asked, the cap per project is ¥1,500,000."]
    assert "a difference of ¥500,000" in errors["milestones"][0]


@pytest.mark.parametrize("leaders", [0, 2])
def test_the_team_has_exactly_one_leader(world, leaders):
    team = [{"name": f"人{i}", "role": "leader"} for i in range(leaders)]
    team.append({"name": "学生", "role": "student"})
    application = draft(world, team=team)
    with pytest.raises(ValidationError) as caught:
        applications.application_submit(actor=world["researcher"], application=application)
    assert set(caught.value.message_dict) == {"team"}


def test_a_closed_call_refuses_a_first_submission_but_not_a_correction(world):
    application = draft(world)
    services.call_close(actor=world["office"], call=world["call"])
    with Unchanged(), pytest.raises(ValidationError) as caught:
        applications.application_submit(actor=world["researcher"], application=application)
    assert set(caught.value.message_dict) == {"call"}
    services.call_open(actor=world["office"], call=world["call"])
    applications.application_submit(actor=world["researcher"], application=application)
    applications.application_request_correction(
        actor=world["office"], application=application, note="补充市场分析"
    )
    services.call_close(actor=world["office"], call=world["call"])
    application.refresh_from_db()
    assert (
        applications.application_submit(actor=world["researcher"], application=application).status
        == S.SUBMITTED
    )


def test_only_the_applicant_submits(world):
    application = draft(world)
    with Unchanged(), pytest.raises(PermissionDenied):
        applications.application_submit(actor=world["colleague"], application=application)


# --- the office's steps ----------------------------------------------------------------------


def test_correction_then_resubmission_then_admission_and_review(world):
    application = submitted(world)
    with Unchanged(), pytest.raises(ValidationError):
        applications.application_request_correction(
            actor=world["office"], application=application, note=" "
        )
    application = applications.application_request_correction(
        actor=world["office"], application=application, note="请补充中试方案"
    )
    assert application.status == S.CORRECTION and application.correction_note == "请补充中试方案"
    assert Notification.objects.filter(user=world["researcher"], body="请补充中试方案").exists()
    applications.application_update(
        actor=world["researcher"], application=application, data={"summary": "已补充"}
    )
    application = applications.application_submit(
        actor=world["researcher"], application=application
    )
    number = application.number
    application = applications.application_admit(actor=world["office"], application=application)
    assert application.status == S.ADMITTED and application.number == number
    application = applications.application_send_to_review(
        actor=world["office"], application=application
    )
    assert application.status == S.UNDER_REVIEW
    steps = list(application.events.values_list("status_to", flat=True))
    assert steps == [S.DRAFT, S.SUBMITTED, S.CORRECTION, S.SUBMITTED, S.ADMITTED, S.UNDER_REVIEW]


@pytest.mark.parametrize("who", ["researcher", "partner_office", "other_office"])
def test_only_the_programme_office_takes_the_office_steps(world, who):
    application = submitted(world)
    for step in (
        applications.application_admit,
        applications.application_send_to_review,
    ):
        with Unchanged(), pytest.raises(PermissionDenied):
            step(actor=world[who], application=application)
    with Unchanged(), pytest.raises(PermissionDenied):
        applications.application_reject(actor=world[who], application=application, note="x")


def test_rejection_at_admission_needs_a_reason_and_a_submitted_application(world):
    application = submitted(world)
    with Unchanged(), pytest.raises(ValidationError):
        applications.application_reject(actor=world["office"], application=application, note="")
    application = applications.application_reject(
        actor=world["office"], application=application, note="不符合申报条件"
    )
    assert application.status == S.REJECTED and application.decided_at
    other = submitted(world, title="另一个")  # the first one is final: a new application is allowed
    applications.application_admit(actor=world["office"], application=other)
    applications.application_send_to_review(actor=world["office"], application=other)
    with Unchanged(), pytest.raises(ValidationError):
        applications.application_reject(actor=world["office"], application=other, note="x")


def test_all_admitted_applications_of_a_call_go_to_review_at_once(world):
    first, second = submitted(world), partner_submitted(world)
    with Unchanged(), pytest.raises(ValidationError):
        applications.call_send_to_review(actor=world["office"], call=world["call"])
    for application in (first, second):
        applications.application_admit(actor=world["office"], application=application)
    with Unchanged(), pytest.raises(PermissionDenied):
        applications.call_send_to_review(actor=world["researcher"], call=world["call"])
    assert applications.call_send_to_review(actor=world["office"], call=world["call"]) == 2
    assert set(world["call"].applications.values_list("status", flat=True)) == {S.UNDER_REVIEW}


# --- withdrawal and renunciation -------------------------------------------------------------


def test_a_withdrawn_application_cannot_be_moved_again(world):
    application = submitted(world)
    with Unchanged(), pytest.raises(PermissionDenied):
        applications.application_withdraw(actor=world["office"], application=application)
    application = applications.application_withdraw(
        actor=world["researcher"], application=application, note="方向调整"
    )
    assert application.status == S.WITHDRAWN
    assert Notification.objects.filter(user=world["office"], body="方向调整").exists()
    for to in (S.SUBMITTED, S.ADMITTED, S.WITHDRAWN, S.RENOUNCED, S.UNDER_REVIEW):
        with Unchanged(), pytest.raises((ValidationError, PermissionDenied)):
            actor = world["office"] if to in (S.ADMITTED, S.UNDER_REVIEW) else world["researcher"]
            applications.application_transition(actor=actor, application=application, to=to)


def partner_submitted(world):
    application = applications.application_create(
        actor=world["partner_researcher"],
        call=world["call"],
        result=world["partner_result"],
        data=full_data(world, team=[{"name": "乙研", "role": "leader"}]),
    )
    return applications.application_submit(
        actor=world["partner_researcher"], application=application
    )


def test_renunciation_only_from_an_award_the_notice_or_the_reserve(world):
    other = partner_submitted(world)
    with Unchanged(), pytest.raises(ValidationError):
        applications.application_renounce(actor=world["partner_researcher"], application=other)
    application = on_notice(world)
    with Unchanged(), pytest.raises(PermissionDenied):
        applications.application_renounce(actor=world["office"], application=application)
    renounced = applications.application_renounce(
        actor=world["researcher"], application=application, note="已获其他资助"
    )
    assert renounced.status == S.RENOUNCED
    assert Notification.objects.filter(user=world["office"], body="已获其他资助").exists()


def test_the_transition_endpoint_refuses_the_committee_moves(world):
    application = submitted(world)
    with Unchanged(), pytest.raises(ValidationError) as caught:
        applications.application_transition(
            actor=world["office"], application=application, to=S.AWARDED
        )
    assert "to" in caught.value.message_dict


# --- objections ------------------------------------------------------------------------------


def test_an_objection_flow_upheld_moves_the_application_to_the_reserve(world):
    application = on_notice(world)
    data = {"raised_by": "匿名来信", "received_on": days(-1), "text": "团队成员重复申报"}
    with Unchanged(), pytest.raises(PermissionDenied):
        applications.objection_record(actor=world["researcher"], application=application, data=data)
    with Unchanged(), pytest.raises(ValidationError) as caught:
        applications.objection_record(
            actor=world["office"], application=application, data={**data, "received_on": days(-5)}
        )
    assert "received_on" in caught.value.message_dict
    objection = applications.objection_record(
        actor=world["office"], application=application, data=data
    )
    assert applications.unresolved_objections(application) == 1
    assert Notification.objects.filter(user=world["researcher"], url__contains=str(application.pk))
    with Unchanged(), pytest.raises(ValidationError) as caught:
        applications.objection_resolve(
            actor=world["office"], objection=objection, resolution="属实", upheld=True
        )
    assert "outcome" in caught.value.message_dict
    applications.objection_resolve(
        actor=world["office"],
        objection=objection,
        resolution="经核实属实",
        upheld=True,
        outcome=S.RESERVE,
    )
    application.refresh_from_db()
    assert application.status == S.RESERVE
    assert application.events.filter(status_to=S.RESERVE, note="经核实属实").exists()
    objection.refresh_from_db()
    with Unchanged(), pytest.raises(ValidationError):
        applications.objection_resolve(
            actor=world["office"], objection=objection, resolution="再议", upheld=False
        )


def test_a_dismissed_objection_leaves_the_application_on_the_notice(world):
    application = on_notice(world)
    objection = applications.objection_record(
        actor=world["office"],
        application=application,
        data={"raised_by": "某教师", "received_on": days(0), "text": "数据存疑"},
    )
    applications.objection_resolve(
        actor=world["office"], objection=objection, resolution="不属实", upheld=False
    )
    application.refresh_from_db()
    assert application.status == S.PROVISIONAL
    assert Objection.objects.get(pk=objection.pk).upheld is False


def test_objections_only_while_on_the_notice(world):
    application = submitted(world)
    with Unchanged(), pytest.raises(ValidationError) as caught:
        applications.objection_record(
            actor=world["office"],
            application=application,
            data={"raised_by": "x", "received_on": days(0), "text": "y"},
        )
    assert "status" in caught.value.message_dict


# --- the funding agreement -------------------------------------------------------------------


def test_the_funding_agreement_of_an_awarded_application(world):
    application = on_notice(world)
    with Unchanged(), pytest.raises(ValidationError):
        applications.agreement_record(
            actor=world["office"], application=application, number="A-1", signed_on=days(0)
        )
    workflow.move(application, S.AWARDED, actor=world["office"])
    with Unchanged(), pytest.raises(ValidationError) as caught:
        applications.agreement_record(
            actor=world["office"], application=application, number="", signed_on=days(2)
        )
    assert set(caught.value.message_dict) == {"agreement_number", "agreement_signed_on"}
    with Unchanged(), pytest.raises(PermissionDenied):
        applications.agreement_record(
            actor=world["researcher"], application=application, number="A-1", signed_on=days(0)
        )
    applications.agreement_record(
        actor=world["office"], application=application, number="JIA-2026-001", signed_on=days(0)
    )
    application.refresh_from_db()
    assert application.agreement_number == "JIA-2026-001"
    assert AuditEntry.objects.filter(action="poc.agreement").exists()
    assert Notification.objects.filter(user=world["researcher"], body__contains="JIA-2026-001")


def test_money_is_kept_exact(world):
    application = draft(world)
    assert sum(r.amount for r in application.requests.all()) == Decimal("2000000.00")
    assert world["call"].status == CallStatus.OPEN
