"""Programme set-up by the owner's office: programmes, funding lines, the rubric, calls."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from datong.core.models import AuditEntry
from datong.core.testing import Unchanged
from datong.institutions.factories import AllianceFactory, AllianceMemberFactory
from datong.poc import applications, services, workflow
from datong.poc.models import ApplicationStatus, CallStatus, Programme
from datong.poc.tests.conftest import days, full_data

pytestmark = pytest.mark.django_db

S = ApplicationStatus


def programme_data(**changes) -> dict:
    data = {"kind": "institution", "name": "新计划", "code": "new-fund", "total_budget": "5000000"}
    data.update(changes)
    return data


# --- programmes ------------------------------------------------------------------------------


def test_the_office_creates_a_programme_and_it_is_audited(world):
    programme = services.programme_create(
        actor=world["office"],
        owner=world["uni"],
        data=programme_data(
            stages=["10-100", "0-1"],
            industries="c, 38",
            eligible_institutions=["uni", world["partner"].pk],
        ),
    )
    assert programme.stages == ["0-1", "10-100"]
    assert programme.industries == ["C", "38"]
    assert {i.slug for i in programme.eligible_institutions.all()} == {"uni", "partner"}
    entry = AuditEntry.objects.get(action="poc.programme_create", object_id=str(programme.pk))
    assert entry.institution_id == world["uni"].pk
    assert entry.changes["eligible_institutions"] == [[], ["partner", "uni"]]


@pytest.mark.parametrize("who", ["researcher", "other_office", "partner_office"])
def test_only_the_owner_office_creates_or_edits_a_programme(world, who):
    with Unchanged(), pytest.raises(PermissionDenied):
        services.programme_create(actor=world[who], owner=world["uni"], data=programme_data())
    with Unchanged(), pytest.raises(PermissionDenied):
        services.programme_update(
            actor=world[who], programme=world["programme"], data={"name": "改名"}
        )


def test_programme_validation_lists_every_problem(world):
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.programme_create(
            actor=world["office"],
            owner=world["uni"],
            data=programme_data(
                kind="alliance",
                code="jia-poc",
                total_budget="-1",
                min_trl=7,
                max_trl=3,
                industries="C, 99X",
                stages=["2-3"],
                starts_on="2026-05-01",
                ends_on="2026-01-01",
                objection_days=0,
            ),
        )
    errors = caught.value.message_dict
    assert set(errors) == {
        "alliance",
        "code",
        "total_budget",
        "max_trl",
        "industries",
        "stages",
        "ends_on",
        "objection_days",
    }
    assert "99X" in errors["industries"][0]


def test_an_alliance_programme_needs_a_member_owner_and_member_institutions(world):
    alliance = AllianceFactory()
    data = programme_data(kind="alliance", alliance=alliance.slug)
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.programme_create(actor=world["office"], owner=world["uni"], data=data)
    assert "alliance" in caught.value.message_dict
    AllianceMemberFactory(alliance=alliance, institution=world["uni"])
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.programme_create(
            actor=world["office"],
            owner=world["uni"],
            data={**data, "eligible_institutions": ["partner"]},
        )
    assert "乙大学" in caught.value.message_dict["eligible_institutions"][0]
    programme = services.programme_create(actor=world["office"], owner=world["uni"], data=data)
    assert programme.alliance == alliance


def test_the_budget_cannot_fall_below_what_the_calls_share(world):
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.programme_update(
            actor=world["office"], programme=world["programme"], data={"total_budget": "9000000"}
        )
    assert "¥10,000,000" in caught.value.message_dict["total_budget"][0]
    services.programme_update(
        actor=world["office"], programme=world["programme"], data={"total_budget": "12000000"}
    )
    assert Programme.objects.get(pk=world["programme"].pk).total_budget == Decimal("12000000")


# --- funding lines ---------------------------------------------------------------------------


def test_a_funding_line_with_cost_rules(world):
    line = world["early"]
    assert [(r.cost_type, r.cap_share) for r in line.cost_rules.all()] == [
        ("equipment", Decimal("40.00"))
    ]
    services.funding_line_save(
        actor=world["office"],
        programme=world["programme"],
        line=line,
        data={
            "cost_rules": [
                {"cost_type": "materials", "cap_amount": "300000"},
                {"cost_type": "equipment", "cap_share": "30"},
            ]
        },
    )
    assert sorted(line.cost_rules.values_list("cost_type", "cap_share")) == [
        ("equipment", Decimal("30.00")),
        ("materials", None),
    ]
    assert AuditEntry.objects.filter(action="poc.line_update").exists()


def test_funding_line_refusals(world):
    office, programme = world["office"], world["programme"]
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.funding_line_save(
            actor=office,
            programme=programme,
            data={
                "code": "early-rd",
                "name": "",
                "per_project_cap": "2000000",
                "total_cap": "1000000",
                "cost_rules": [
                    {"cost_type": "equipment", "cap_share": "120"},
                    {"cost_type": "equipment"},
                    {"cost_type": "travel", "cap_amount": "5000000"},
                ],
            },
        )
    errors = caught.value.message_dict
    assert set(errors) == {"code", "name", "total_cap", "cost_rules"}
    assert len(errors["cost_rules"]) == 3
    with Unchanged(), pytest.raises(PermissionDenied):
        services.funding_line_save(
            actor=world["researcher"],
            programme=programme,
            data={"code": "x", "name": "x", "per_project_cap": "1"},
        )


def test_a_line_in_use_cannot_be_removed(world):
    applications.application_create(
        actor=world["researcher"], call=world["call"], result=world["result"], data=full_data(world)
    )
    with Unchanged(), pytest.raises(ValidationError):
        services.funding_line_delete(actor=world["office"], line=world["early"])
    spare = services.funding_line_save(
        actor=world["office"],
        programme=world["programme"],
        data={"code": "spare", "name": "备用", "per_project_cap": "10"},
    )
    services.funding_line_delete(actor=world["office"], line=spare)
    assert not world["programme"].funding_lines.filter(code="spare").exists()


# --- the rubric ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weights", "expected"),
    [(["60", "30"], "add 10 %"), (["70", "40.5"], "remove 10.5 %")],
)
def test_rubric_weights_must_total_100_and_say_by_how_much(world, settings, weights, expected):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    rows = [{"name": f"c{i}", "weight": w} for i, w in enumerate(weights)]
    with translation.override("en"), Unchanged(), pytest.raises(ValidationError) as caught:
        services.rubric_set(actor=world["office"], programme=world["programme"], criteria=rows)
    assert expected in caught.value.message_dict["weights"][0]


def test_the_rubric_keeps_criteria_by_id_and_locks_once_review_starts(world):
    first = world["programme"].criteria.first()
    saved = services.rubric_set(
        actor=world["office"],
        programme=world["programme"],
        criteria=[
            {"id": first.pk, "name": "技术", "weight": "50"},
            {"name": "团队", "weight": "50", "max_score": 5},
        ],
    )
    assert saved[0].pk == first.pk and saved[1].max_score == 5
    assert world["programme"].criteria.count() == 2
    application = applications.application_create(
        actor=world["researcher"], call=world["call"], result=world["result"], data=full_data(world)
    )
    applications.application_submit(actor=world["researcher"], application=application)
    applications.application_admit(actor=world["office"], application=application)
    applications.application_send_to_review(actor=world["office"], application=application)
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.rubric_set(
            actor=world["office"],
            programme=world["programme"],
            criteria=[{"name": "技术", "weight": "100"}],
        )
    assert "criteria" in caught.value.message_dict


# --- calls -----------------------------------------------------------------------------------


def test_a_call_budget_stays_within_what_the_programme_has_left(world):
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.call_save(
            actor=world["office"],
            programme=world["programme"],
            data={
                "name": "第二批",
                "opens_on": days(30),
                "closes_on": days(60),
                "budget": "25000000",
            },
        )
    assert "¥20,000,000" in caught.value.message_dict["budget"][0]
    call = services.call_save(
        actor=world["office"],
        programme=world["programme"],
        data={"name": "第二批", "opens_on": days(30), "closes_on": days(60), "budget": "20000000"},
    )
    assert call.status == CallStatus.DRAFT


def test_call_dates_are_checked(world):
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.call_save(
            actor=world["office"],
            programme=world["programme"],
            data={
                "name": "",
                "opens_on": days(30),
                "closes_on": days(10),
                "review_by": days(5),
                "budget": "",
            },
        )
    assert set(caught.value.message_dict) == {"name", "closes_on", "review_by", "budget"}


def test_opening_a_call_lists_what_is_missing(world):
    bare = services.programme_create(
        actor=world["office"], owner=world["uni"], data=programme_data()
    )
    call = services.call_save(
        actor=world["office"],
        programme=bare,
        data={"name": "批次", "opens_on": days(-1), "closes_on": days(9), "budget": "100"},
    )
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.call_open(actor=world["office"], call=call)
    assert set(caught.value.message_dict) == {"funding_lines", "criteria"}
    with Unchanged(), pytest.raises(PermissionDenied):
        services.call_open(actor=world["researcher"], call=world["call"])


def test_closing_and_reopening_a_call(world):
    call = services.call_close(actor=world["office"], call=world["call"])
    assert call.status == CallStatus.CLOSED
    with Unchanged(), pytest.raises(ValidationError):
        services.call_close(actor=world["office"], call=call)
    assert services.call_open(actor=world["office"], call=call).status == CallStatus.OPEN


def test_a_decided_call_cannot_be_edited(world):
    call = world["call"]
    call.status = CallStatus.DECIDED
    call.save()
    with Unchanged(), pytest.raises(ValidationError):
        services.call_save(
            actor=world["office"], programme=world["programme"], call=call, data={"name": "x"}
        )


def test_workflow_table_is_respected_by_the_office_steps(world):
    application = applications.application_create(
        actor=world["researcher"], call=world["call"], result=world["result"], data=full_data(world)
    )
    assert not workflow.can_move(application, S.ADMITTED)
    with Unchanged(), pytest.raises(ValidationError):
        applications.application_admit(actor=world["office"], application=application)
