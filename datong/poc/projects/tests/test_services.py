"""The services of funded projects: start, tranches, expenses and their checks, reports,
gates, extensions, termination, outcome, coaching and bookings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from datong.core.models import AuditEntry
from datong.core.testing import Unchanged
from datong.ip.models import Filing, IPFamily
from datong.poc.models import ApplicationStatus
from datong.poc.projects import services
from datong.poc.projects.ledger import project_ledger
from datong.poc.projects.models import (
    ExpenseStatus,
    MilestoneStatus,
    ProjectState,
    Termination,
    Tranche,
    TrancheKind,
)

from .conftest import D, days, expense, make_application, start


def milestone(project, n):
    return project.milestones.order_by("position")[n]


def accept(world, project, n):
    m = milestone(project, n)
    services.milestone_report(
        actor=world["researcher"], milestone=m, evidence="样品 20 片，测试报告见附件"
    )
    return services.milestone_accept(actor=world["owner_office"], milestone=m)


# --- start -----------------------------------------------------------------------------------


def test_start_freezes_funding_copies_milestones_and_releases_the_advances(world, project):
    assert project.state == ProjectState.ACTIVE
    assert project.trl_before == 3 and project.number == "POC-2025-001"
    funding = {f.funding_line.code: f.awarded for f in project.funding.all()}
    assert funding == {"rd": D("300000.00"), "inc": D("200000.00")}
    tranches = [(m.title, m.tranche, m.funding_line.code) for m in project.milestones.all()]
    assert tranches == [
        ("样品制备", D("60000.00"), "rd"),
        ("中试放大", D("140000.00"), "rd"),
        ("市场验证", D("150000.00"), "inc"),
    ]
    advances = Tranche.objects.filter(project=project, kind=TrancheKind.ADVANCE)
    assert {t.funding_line.code: t.amount for t in advances} == {
        "rd": D("100000.00"),
        "inc": D("50000.00"),
    }
    assert AuditEntry.objects.filter(action="poc_projects.start").count() == 1


def test_the_proposed_plan_shares_each_line_by_the_milestones_budgets(world):
    rows, advances = services.tranche_plan(world["application"])
    assert [r["amount"] for r in rows] == [D("100000.00"), D("200000.00"), D("200000.00")]
    assert advances == {}
    project = services.project_start(
        actor=world["owner_office"],
        application=world["application"],
        starts_on=days(-10),
        ends_on=days(300),
    )
    assert sum(m.tranche for m in project.milestones.all()) == D("500000")


def test_a_plan_that_does_not_add_up_is_refused_with_the_figures(world):
    planned = list(world["application"].planned_milestones.all())
    rd = world["lines"]["rd"].pk
    with Unchanged(), pytest.raises(ValidationError) as exc:
        start(
            world,
            tranches=[
                {"milestone": planned[0].pk, "funding_line": rd, "amount": "60000"},
                {"milestone": planned[1].pk, "funding_line": rd, "amount": "100000"},
                {
                    "milestone": planned[2].pk,
                    "funding_line": world["lines"]["inc"].pk,
                    "amount": "150000",
                },
            ],
        )
    message = " ".join(exc.value.message_dict["tranches"])
    assert "¥260,000.00" in message and "¥300,000.00" in message and "¥40,000.00" in message


def test_the_applicant_office_cannot_start(world):
    with Unchanged(), pytest.raises(PermissionDenied):
        services.project_start(
            actor=world["uni_office"],
            application=world["application"],
            starts_on=days(0),
            ends_on=days(100),
        )


def test_an_application_not_awarded_does_not_start(world):
    application = world["application"]
    application.status = ApplicationStatus.RESERVE
    application.save()
    with Unchanged(), pytest.raises(ValidationError) as exc:
        start(world)
    assert "application" in exc.value.message_dict


def test_the_start_takes_the_agreement_when_the_application_has_none(world):
    application = world["application"]
    application.agreement_number, application.agreement_signed_on = "", None
    application.save()
    with Unchanged(), pytest.raises(ValidationError) as exc:
        start(world)
    assert {"agreement_number", "agreement_signed_on"} <= set(exc.value.message_dict)
    project = start(world, agreement_number="NT-2025-017", agreement_signed_on=days(-201))
    application.refresh_from_db()
    assert project.agreement_number == application.agreement_number == "NT-2025-017"
    assert application.agreement_signed_on == days(-201)


# --- milestones and tranches -----------------------------------------------------------------


def test_accepting_a_milestone_releases_its_tranche(world, project):
    m = milestone(project, 0)
    services.milestone_report(actor=world["teammate"], milestone=m, evidence="20 片样品")
    assert m.status == MilestoneStatus.REPORTED
    assert project_ledger(project).line(world["lines"]["rd"].pk).released == D("100000")
    tranche = services.milestone_accept(actor=world["owner_office"], milestone=m)
    assert tranche.amount == D("60000.00") and tranche.kind == TrancheKind.MILESTONE
    assert tranche.funding_line == world["lines"]["rd"] and tranche.released_on == days(0)
    m.refresh_from_db()
    assert m.status == MilestoneStatus.ACCEPTED and m.accepted_on == days(0)
    assert project_ledger(project).line(world["lines"]["rd"].pk).released == D("160000")
    assert m.reports.get().decision == "accepted"


def test_the_team_cannot_accept_and_a_rejection_needs_a_note(world, project):
    m = milestone(project, 0)
    services.milestone_report(actor=world["researcher"], milestone=m, evidence="样品")
    with Unchanged(), pytest.raises(PermissionDenied):
        services.milestone_accept(actor=world["researcher"], milestone=m)
    with Unchanged(), pytest.raises(PermissionDenied):
        services.milestone_accept(actor=world["uni_office"], milestone=m)
    with Unchanged(), pytest.raises(ValidationError):
        services.milestone_reject(actor=world["owner_office"], milestone=m, note=" ")
    services.milestone_reject(actor=world["owner_office"], milestone=m, note="缺少测试报告")
    assert not Tranche.objects.filter(milestone=m).exists()
    services.milestone_report(actor=world["researcher"], milestone=m, evidence="补充测试报告")
    assert m.reports.count() == 2


def test_a_milestone_not_reported_cannot_be_accepted(world, project):
    with Unchanged(), pytest.raises(ValidationError):
        services.milestone_accept(actor=world["owner_office"], milestone=milestone(project, 1))


def test_a_colleague_outside_the_team_cannot_report(world, project):
    with Unchanged(), pytest.raises(PermissionDenied):
        services.milestone_report(
            actor=world["colleague"], milestone=milestone(project, 0), evidence="x"
        )


# --- expenses --------------------------------------------------------------------------------


def test_an_eligible_expense_within_cap_and_released_money_is_recorded(world, project):
    item = expense(world, project, "rd", "materials", "12500.50", invoice_number="No.0012")
    assert item.status == ExpenseStatus.RECORDED and item.amount == D("12500.50")
    assert project_ledger(project).line(world["lines"]["rd"].pk).spent == D("12500.50")


def test_a_cost_type_not_eligible_on_the_line_is_rejected(world, project):
    with Unchanged(), pytest.raises(ValidationError) as exc:
        expense(world, project, "inc", "equipment", "1000")
    message = exc.value.message_dict["cost_type"][0]
    assert "预孵化" in message and "可列支科目" in message


def test_an_expense_over_the_cap_is_blocked_naming_the_figures(world, project):
    expense(world, project, "rd", "experts", "25000")
    with Unchanged(), pytest.raises(ValidationError) as exc:
        expense(world, project, "rd", "experts", "8000")
    message = exc.value.message_dict["amount"][0]
    for figure in ("¥30,000.00", "¥25,000.00", "¥5,000.00", "¥8,000.00"):
        assert figure in message
    expense(world, project, "rd", "experts", "5000")


def test_a_share_cap_is_a_share_of_the_project_money_on_the_line(world, project):
    accept(world, project, 0)  # rd released: 160,000
    expense(world, project, "rd", "equipment", "90000")  # 30 % of 300,000
    with Unchanged(), pytest.raises(ValidationError) as exc:
        expense(world, project, "rd", "equipment", "0.01")
    message = exc.value.message_dict["amount"][0]
    assert "¥90,000.00" in message and "30%" in message and "¥300,000.00" in message


def test_an_expense_beyond_the_released_money_is_blocked(world, project):
    expense(world, project, "rd", "materials", "90000")
    with Unchanged(), pytest.raises(ValidationError) as exc:
        expense(world, project, "rd", "materials", "20000")
    message = exc.value.message_dict["amount"][0]
    for figure in ("¥100,000.00", "¥90,000.00", "¥10,000.00", "¥20,000.00"):
        assert figure in message
    accept(world, project, 0)
    expense(world, project, "rd", "materials", "20000")


def test_expense_dates_and_who_records(world, project):
    with Unchanged(), pytest.raises(ValidationError) as exc:
        expense(world, project, "rd", "materials", "100", spent_on=days(-300))
    assert "spent_on" in exc.value.message_dict
    with Unchanged(), pytest.raises(PermissionDenied):
        expense(world, project, "rd", "materials", "100", actor=world["colleague"])
    expense(world, project, "rd", "materials", "100", actor=world["uni_office"])


def test_the_office_rejects_an_expense_afterwards_with_a_reason(world, project):
    item = expense(world, project, "rd", "testing", "10000")
    with Unchanged(), pytest.raises(PermissionDenied):
        services.expense_reject(actor=world["uni_office"], expense=item, reason="x")
    with Unchanged(), pytest.raises(ValidationError):
        services.expense_reject(actor=world["owner_office"], expense=item, reason="")
    services.expense_reject(actor=world["owner_office"], expense=item, reason="发票抬头不符")
    row = project_ledger(project).line(world["lines"]["rd"].pk)
    assert (row.spent, row.rejected, row.available) == (D("0"), D("10000"), D("90000"))


def test_no_expense_while_suspended(world, project):
    services.project_suspend(actor=world["owner_office"], project=project, reason="审计")
    with Unchanged(), pytest.raises(ValidationError):
        expense(world, project, "rd", "materials", "100")
    services.project_resume(actor=world["owner_office"], project=project)
    expense(world, project, "rd", "materials", "100")


# --- reports ---------------------------------------------------------------------------------


def test_a_report_freezes_the_figures(world, project):
    expense(world, project, "rd", "materials", "20000")
    report = services.report_submit(
        actor=world["researcher"],
        project=project,
        data={
            "kind": "interim",
            "period_start": days(-200),
            "period_end": days(0),
            "narrative": "进展顺利",
        },
    )
    expense(world, project, "rd", "materials", "5000")
    report.refresh_from_db()
    rd = report.snapshot["lines"][0]
    assert (rd["line"], rd["awarded"], rd["released"], rd["spent"], rd["remaining"]) == (
        "rd",
        "300000.00",
        "100000.00",
        "20000.00",
        "280000.00",
    )
    materials = next(c for c in rd["costs"] if c["cost_type"] == "materials")
    assert materials["spent"] == "20000.00" and materials["cap"] is None
    with pytest.raises(ValidationError):
        services.report_decide(actor=world["owner_office"], report=report, accept=False)
    services.report_decide(actor=world["owner_office"], report=report, accept=True)
    assert report.status == "accepted"


# --- gates, extensions, termination, completion ----------------------------------------------


def test_a_gate_sets_readiness_and_stage(world, project):
    gate = services.gate_record(
        actor=world["owner_office"],
        project=project,
        data={
            "held_on": days(0),
            "kind": "stage_end",
            "decision": "continue",
            "reasons": "样机达标",
            "trl_assessed": 5,
            "stage_after": "1-10",
        },
    )
    project.refresh_from_db()
    assert gate.decision == "continue" and project.trl_now == 5 and project.stage == "1-10"
    with Unchanged(), pytest.raises(PermissionDenied):
        services.gate_record(actor=world["researcher"], project=project, data={})


def test_an_extension_moves_the_end_when_approved(world, project):
    x = services.extension_request(
        actor=world["researcher"], project=project, new_end=days(300), reason="设备到货延迟"
    )
    with Unchanged(), pytest.raises(ValidationError):
        services.extension_request(
            actor=world["researcher"], project=project, new_end=days(310), reason="again"
        )
    services.extension_decide(actor=world["owner_office"], extension=x, approve=True)
    project.refresh_from_db()
    assert project.ends_on == days(300) and project.state == ProjectState.EXTENDED
    assert project.planned_end == days(165)


def test_termination_pays_back_unspent_and_rejected_money(world, project):
    """rd: released 100,000 + 60,000 = 160,000; spent 70,000 + 20,000 = 90,000; rejected
    10,000 → unspent 160,000 − 90,000 − 10,000 = 60,000, payback 60,000 + 10,000 = 70,000.
    inc: released 50,000; spent 30,000 → unspent and payback 20,000. Total 90,000."""
    accept(world, project, 0)
    expense(world, project, "rd", "materials", "70000")
    expense(world, project, "rd", "experts", "20000")
    bad = expense(world, project, "rd", "testing", "10000")
    services.expense_reject(actor=world["owner_office"], expense=bad, reason="与项目无关")
    expense(world, project, "inc", "market", "30000")
    with Unchanged(), pytest.raises(PermissionDenied):
        services.project_terminate(actor=world["researcher"], project=project, reason="x")
    termination = services.project_terminate(
        actor=world["owner_office"], project=project, reason="技术路线不可行"
    )
    assert (termination.released, termination.spent, termination.ineligible) == (
        D("210000"),
        D("120000"),
        D("10000"),
    )
    assert termination.unspent == D("80000") and termination.payback == D("90000")
    by_line = {line["line"]: line for line in termination.breakdown}
    assert by_line["rd"]["unspent"] == "60000.00" and by_line["rd"]["payback"] == "70000.00"
    assert by_line["inc"]["payback"] == "20000.00"
    project.refresh_from_db()
    assert project.state == ProjectState.TERMINATED and project.closed_on == days(0)
    with Unchanged(), pytest.raises(ValidationError):
        expense(world, project, "rd", "materials", "1")


def test_a_gate_stop_terminates(world, project):
    gate = services.gate_record(
        actor=world["owner_office"],
        project=project,
        data={"held_on": days(0), "kind": "called", "decision": "stop", "reasons": "无法放大"},
    )
    termination = Termination.objects.get(project=project)
    assert termination.gate == gate and termination.payback == D("150000")
    project.refresh_from_db()
    assert project.state == ProjectState.TERMINATED


def test_completion_needs_the_final_report_accepted_and_the_outcome(world, project):
    with Unchanged(), pytest.raises(ValidationError) as exc:
        services.project_complete(actor=world["owner_office"], project=project)
    assert {"reports", "outcome"} <= set(exc.value.message_dict)
    report = services.report_submit(
        actor=world["researcher"],
        project=project,
        data={
            "kind": "final",
            "period_start": days(-200),
            "period_end": days(0),
            "narrative": "结题",
        },
    )
    services.report_decide(actor=world["owner_office"], report=report, accept=True)
    services.outcome_record(actor=world["researcher"], project=project, data={"trl_after": 6})
    services.project_complete(actor=world["owner_office"], project=project)
    assert project.state == ProjectState.COMPLETED


# --- outcome ---------------------------------------------------------------------------------


def family(institution, filed_on: dt.date, title: str) -> IPFamily:
    item = IPFamily.objects.create(institution=institution, ip_type="invention", title=title)
    Filing.objects.create(family=item, route="cn", kind="invention", filing_date=filed_on)
    return item


def test_the_outcome_links_only_the_institutions_ip_filed_during_the_project(world, project):
    ours = family(world["uni"], days(-30), "一种固态电解质")
    before = family(world["uni"], days(-400), "早先的专利")
    theirs = family(world["other"], days(-30), "他校专利")
    from datong.poc.projects.selectors import offered_ip_families

    assert list(offered_ip_families(project)) == [ours]
    for wrong in (before, theirs):
        with Unchanged(), pytest.raises(ValidationError) as exc:
            services.outcome_record(
                actor=world["researcher"], project=project, data={"ip_families": [wrong.pk]}
            )
        assert "ip_families" in exc.value.message_dict
    outcome = services.outcome_record(
        actor=world["researcher"],
        project=project,
        data={
            "ip_families": [ours.pk],
            "technical_route": "干法成膜",
            "licence": "许可某电池企业",
            "licence_contract": "HT-2025-09",
            "company_name": "南通某新能源有限公司",
            "landing_base": "南通创新区",
            "landing_province": "320000",
            "trl_after": 6,
        },
    )
    assert list(outcome.ip_families.all()) == [ours] and outcome.trl_after == 6
    with Unchanged(), pytest.raises(PermissionDenied):
        services.outcome_record(actor=world["colleague"], project=project, data={})


# --- coaching and verification ---------------------------------------------------------------


def test_the_office_assigns_a_mentor_who_logs_sessions(world, project):
    with Unchanged(), pytest.raises(PermissionDenied):
        services.project_assign_mentor(
            actor=world["researcher"],
            project=project,
            mentor=world["mentor"],
            kind="industry_expert",
        )
    services.project_assign_mentor(
        actor=world["owner_office"], project=project, mentor=world["mentor"], kind="industry_expert"
    )
    session = services.coaching_record(
        actor=world["mentor"],
        project=project,
        data={
            "held_on": days(-1),
            "topics": "商业模式",
            "advice": "先做储能",
            "next_steps": "访谈客户",
        },
    )
    assert session.mentor == world["mentor"]
    with Unchanged(), pytest.raises(PermissionDenied):
        services.coaching_record(
            actor=world["researcher"], project=project, data={"held_on": days(-1), "topics": "x"}
        )


def test_the_office_books_a_resource_for_a_need(world, project):
    resource = services.resource_create(
        actor=world["owner_office"],
        listed_by=world["owner"],
        data={"name": "南通锂电中试线", "kind": "pilot_line", "capabilities": "百吨级中试"},
    )
    need = world["application"].verification_needs.get()
    with Unchanged(), pytest.raises(PermissionDenied):
        services.booking_create(actor=world["researcher"], project=project, resource=resource)
    booking = services.booking_create(
        actor=world["owner_office"],
        project=project,
        resource=resource,
        need=need,
        starts_on=days(10),
        ends_on=days(40),
    )
    services.booking_cancel(actor=world["owner_office"], booking=booking)
    assert booking.status == "cancelled"


def test_resources_are_edited_by_their_office(world):
    resource = services.resource_create(
        actor=world["owner_office"],
        listed_by=world["owner"],
        data={"name": "检测平台", "kind": "testing", "capabilities": "CNAS 检测"},
    )
    assert resource.region == "320000" and resource.institution == world["owner"]
    with Unchanged(), pytest.raises(PermissionDenied):
        services.resource_update(actor=world["other_office"], resource=resource, data={})
    with Unchanged(), pytest.raises(PermissionDenied):
        services.resource_create(actor=world["researcher"], listed_by=world["uni"], data={})
    services.resource_update(
        actor=world["owner_office"], resource=resource, data={"certifications": "CMA、CNAS"}
    )
    assert resource.certifications == "CMA、CNAS"


def test_a_second_project_of_the_same_application_is_refused(world, project):
    with Unchanged(), pytest.raises(ValidationError):
        start(world)


def test_an_application_with_one_line_and_no_milestones_gets_an_advance(world):
    application = make_application(world, title="第二个项目", awards={"rd": D("200000")})
    project = services.project_start(
        actor=world["owner_office"], application=application, starts_on=days(-5), ends_on=days(100)
    )
    assert [t.amount for t in project.tranches.all()] == [Decimal("200000.00")]
