"""End to end: a proof-of-concept call opens, a researcher applies, two reviewers score (a
conflicted reviewer cannot be assigned), the committee funds within the call's budget, a
milestone releases a tranche and the project's outcome is recorded.

A second application (set up through services once the call is open, and reviewed lower) makes
the budget bind: both together ask for more than the call has, so the optimiser must choose."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from .conftest import log_in

D = Decimal
BUDGET = D("1500000")  # the call's budget: fits one application, not both
OURS = {"early-rd": D("600000"), "pre-incubation": D("400000")}  # ¥1,000,000
THEIRS = {"early-rd": D("500000"), "pre-incubation": D("300000")}  # ¥800,000
RUBRIC = [("技术先进性", "40"), ("市场前景", "35"), ("团队能力", "25")]


def submit(page, selector: str) -> None:
    """Click a form's button and wait for the page the server answers with."""
    with page.expect_navigation():
        page.click(selector)


def switch_user(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, base, username)


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def requested(application) -> Decimal:
    return sum(r.amount for r in application.requests.all())


def errors_shown(page) -> str:
    """Error messages on the page: flashed ones and those under form fields."""
    return " ".join(page.locator("#content .alert-error, #content .error").all_inner_texts())


@pytest.fixture
def programme_world(transactional_db):
    from datong.accounts.services import user_create
    from datong.core.roles import Role
    from datong.institutions import services as s
    from datong.poc import services as poc
    from datong.poc.review import services as review
    from datong.results.models import Classification, Result, ResultInventor, Scheme
    from datong.results.reference import load_reference_data

    load_reference_data()  # transactional tests start from an emptied database
    admin = user_create(actor=None, username="root", password="root-pass-123!", is_superuser=True)
    uni = s.institution_create(actor=admin, slug="uni-p", name="东华理工大学", kind="university")
    institute = s.institution_create(
        actor=admin, slug="inst-p", name="江苏储能技术研究院", kind="research_institute"
    )
    dept = s.department_create(actor=admin, institution=uni, name="材料科学与工程学院")
    people = {}
    for username, name, role, where in [
        ("office", "刘敏", Role.TTO_STAFF, uni),
        ("alice", "张丽", Role.RESEARCHER, uni),
        ("bob", "王波", Role.RESEARCHER, uni),
        ("expert1", "李审", Role.REVIEWER, institute),
        ("expert2", "赵评", Role.REVIEWER, institute),
        ("coinventor", "周合作", Role.REVIEWER, institute),
    ]:
        people[username] = s.person_add(
            actor=admin,
            institution=where,
            username=username,
            name=name,
            email=f"{username}@example.edu.cn",
            role=role,
            password="e2e-pass-123!",
            department=dept if role == Role.RESEARCHER else None,
        )
    office = people["office"]
    industry = Classification.objects.get(scheme=Scheme.INDUSTRY, code="38")

    def result(number, title, inventors):
        made = Result.objects.create(
            institution=uni, department=dept, number=number, title=title, trl=4, industry=industry
        )
        for user in inventors:
            ResultInventor.objects.create(result=made, user=user, name=user.name)
        return made

    # Alice's result; 周合作 of the institute is her co-inventor (a conflict of interest).
    ours = result("R-2026-01", "高安全固态电池电解质", [people["alice"], people["coinventor"]])
    theirs = result("R-2026-02", "锂电池极片干法成型工艺", [people["bob"]])

    programme = poc.programme_create(
        actor=office,
        owner=uni,
        data={
            "kind": "institution",
            "name": "东华概念验证基金",
            "name_en": "Donghua proof-of-concept fund",
            "code": "dh-poc",
            "total_budget": "10000000",
            "stages": ["0-1", "1-10"],
            "min_trl": 3,
            "max_trl": 6,
            "industries": ["C"],
            "objection_days": 5,
        },
    )
    lines = {
        "early-rd": poc.funding_line_save(
            actor=office,
            programme=programme,
            data={
                "code": "early-rd",
                "name": "早期研发",
                "name_en": "Early R&D",
                "per_project_cap": "1000000",
                "total_cap": "5000000",
                "cost_rules": [
                    {"cost_type": "equipment", "cap_share": "40"},
                    {"cost_type": "materials"},
                    {"cost_type": "testing", "cap_amount": "200000"},
                ],
            },
        ),
        "pre-incubation": poc.funding_line_save(
            actor=office,
            programme=programme,
            data={
                "code": "pre-incubation",
                "name": "预孵化",
                "name_en": "Pre-incubation",
                "per_project_cap": "500000",
                "cost_rules": [{"cost_type": "market", "cap_share": "30"}],
            },
        ),
    }
    poc.rubric_set(
        actor=office,
        programme=programme,
        criteria=[{"name": name, "weight": weight, "max_score": 10} for name, weight in RUBRIC],
    )
    call = poc.call_save(
        actor=office,
        programme=programme,
        data={
            "name": "2026年第一批",
            "opens_on": days(-1),
            "closes_on": days(20),
            "review_by": days(30),
            "budget": str(BUDGET),
            "guidelines": "资助高校科技成果开展概念验证。",
        },
    )
    for key in ("expert1", "expert2", "coinventor"):
        review.pool_add(actor=office, programme=programme, user=people[key], kind="external")
    return {
        **people,
        "uni": uni,
        "institute": institute,
        "programme": programme,
        "lines": lines,
        "criteria": list(programme.criteria.all()),
        "call": call,
        "ours": ours,
        "theirs": theirs,
    }


def competitor_under_review(w):
    """Bob's application, submitted and reviewed (lower than Alice's will be) by both experts."""
    from datong.poc import applications as apps
    from datong.poc.review import services as review

    lines = w["lines"]
    application = apps.application_create(
        actor=w["bob"],
        call=w["call"],
        result=w["theirs"],
        data={
            "stage": "0-1",
            "summary": "验证干法成型极片的一致性。",
            "academic_route": "完成粘结剂纤维化机理研究。",
            "market_route": "向电池企业许可工艺。",
            "trl_now": 4,
            "trl_target": 5,
            "requests": [
                {"funding_line": lines[code], "amount": amount} for code, amount in THEIRS.items()
            ],
            "milestones": [
                {
                    "title": f"阶段{i}",
                    "due_on": days(90 * i),
                    "budget": str(amount),
                    "funding_line": code,
                }
                for i, (code, amount) in enumerate(THEIRS.items(), start=1)
            ],
            "team": [{"name": "王波", "user": w["bob"].pk, "role": "leader"}],
        },
    )
    application = apps.application_submit(actor=w["bob"], application=application)
    application = apps.application_admit(actor=w["office"], application=application)
    application = apps.application_send_to_review(actor=w["office"], application=application)
    criteria = list(w["programme"].criteria.all())
    for expert, values in (("expert1", (6, 5, 6)), ("expert2", (7, 6, 5))):
        assignment = review.assignment_create(
            actor=w["office"], application=application, reviewer=w[expert]
        )
        review.scores_save(
            actor=w[expert],
            assignment=assignment,
            scores={
                c.pk: {"score": v, "comment": "一般"} for c, v in zip(criteria, values, strict=True)
            },
            overall_comment="创新性一般。",
            submit=True,
        )
    return application


def test_call_to_outcome(page, live_server, programme_world):
    from datong.poc.models import Application, CallStatus, PlannedMilestone
    from datong.poc.projects.models import Milestone, Outcome, Project, Tranche
    from datong.poc.review import services as review
    from datong.poc.review.models import Assignment, Decision

    w = programme_world
    base = live_server.url
    call = w["call"]
    early, pre = w["lines"]["early-rd"], w["lines"]["pre-incubation"]
    page.on("dialog", lambda dialog: dialog.accept())  # the "are you sure?" confirmations

    # 1. The office opens the call from its page.
    log_in(page, base, "office")
    page.goto(f"{base}/poc/calls/{call.pk}/")
    submit(page, f"form[action$='/calls/{call.pk}/open/'] button[type=submit]")
    assert not errors_shown(page)
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN
    rival = competitor_under_review(w)

    # 2. Alice applies with her result through the form, and submits.
    switch_user(page, base, "alice")
    page.goto(f"{base}/poc/calls/{call.pk}/")
    submit(page, f"a[href$='/calls/{call.pk}/apply/']")
    assert page.locator("select[name=result]").input_value() == str(w["ours"].pk)
    page.fill("input[name=title]", "固态电解质储能电池概念验证")
    page.select_option("select[name=stage]", "1-10")
    page.select_option("select[name=trl_now]", "4")
    page.select_option("select[name=trl_target]", "6")
    page.fill("textarea[name=summary]", "验证硫化物固态电解质在储能电池中的安全性与循环寿命。")
    page.fill("textarea[name=academic_route]", "完成界面稳定性机理研究，形成稳定的技术路线。")
    page.fill("textarea[name=market_route]", "与储能企业合作中试，形成许可加入股的商业模式。")
    page.fill(f"input[name=req-line_{early.pk}]", str(OURS["early-rd"]))
    page.fill(f"input[name=req-line_{pre.pk}]", str(OURS["pre-incubation"]))
    milestones = [
        ("样品制备与性能测试", days(120), "early-rd", early),
        ("储能模组中试验证", days(300), "pre-incubation", pre),
    ]
    page.click("[data-formset]:has(input[name='ms-TOTAL_FORMS']) [data-add]")
    for i, (title, due, code, line) in enumerate(milestones):
        page.fill(f"input[name=ms-{i}-title]", title)
        page.fill(f"input[name=ms-{i}-due_on]", due.isoformat())
        page.fill(f"input[name=ms-{i}-budget]", str(OURS[code]))
        page.select_option(f"select[name=ms-{i}-funding_line]", str(line.pk))
    page.select_option("select[name=need-0-kind]", "pilot_line")
    page.fill("textarea[name=need-0-description]", "百公斤级固态电解质中试线")
    # The applicant is proposed as the project leader.
    assert page.locator("select[name=team-0-user]").input_value() == str(w["alice"].pk)
    assert page.locator("select[name=team-0-role]").input_value() == "leader"
    page.fill("input[name=team-0-effort]", "60")
    submit(page, "button[name=submit][value='1']")
    assert not errors_shown(page), errors_shown(page)
    application = Application.objects.get(call=call, result=w["ours"])
    assert application.status == "submitted" and application.number
    assert page.url.endswith(f"/poc/applications/{application.pk}/")
    assert requested(application) == sum(OURS.values())
    assert PlannedMilestone.objects.filter(application=application).count() == 2

    # 3. The office admits it, sends it to review and assigns two reviewers; the co-inventor is
    #    refused, naming the conflict.
    switch_user(page, base, "office")
    page.goto(f"{base}/poc/applications/{application.pk}/")
    submit(page, "form[action$='/admit/'] button[type=submit]")
    submit(page, "form[action$='/review/'] button[type=submit]")
    application.refresh_from_db()
    assert application.status == "under_review"

    console = f"{base}/poc/review/calls/{call.pk}/?tab=assignments"
    page.goto(console)
    assign = f"form[action$='/calls/{call.pk}/assign/']"
    for key in ("expert1", "expert2", "coinventor"):
        page.select_option(f"{assign} select[name=application]", str(application.pk))
        page.select_option(f"{assign} select[name=reviewer]", str(w[key].pk))
        submit(page, f"{assign} button[type=submit]")
    refusal = errors_shown(page)
    assert "周合作" in refusal and "共同发明人" in refusal, refusal
    assert not Assignment.objects.filter(reviewer=w["coinventor"]).exists()
    assigned = Assignment.objects.filter(application=application)
    assert {a.reviewer.username for a in assigned} == {"expert1", "expert2"}
    # The matrix marks the conflict where the co-inventor meets the application.
    assert page.locator(".rv-mark.coi[title*='周合作']").count() >= 1

    # 4. Each reviewer scores every criterion and submits.
    for key, values in (("expert1", (9, 8, 8)), ("expert2", (8, 9, 7))):
        switch_user(page, base, key)
        page.goto(f"{base}/poc/review/")
        assignment = Assignment.objects.get(application=application, reviewer=w[key])
        submit(page, f"a.button[href$='/poc/review/{assignment.pk}/']")
        for criterion, value in zip(w["criteria"], values, strict=True):
            page.fill(f"input[name=score_{criterion.pk}]", str(value))
            page.fill(f"textarea[name=comment_{criterion.pk}]", f"{criterion.name}：较好")
        page.fill("textarea[name=overall_comment]", "技术路线清晰，市场前景明确，建议资助。")
        submit(page, "button[name=submit]")
        assert not errors_shown(page), errors_shown(page)
        assignment.refresh_from_db()
        assert assignment.status == "submitted" and assignment.scores.count() == len(RUBRIC)

    # 5. The office computes the proposal: the two applications together exceed the budget, and
    #    the optimiser keeps Alice's, ranked higher. The office publishes the provisional list;
    #    the awards are finalised once the public notice has ended.
    switch_user(page, base, "office")
    page.goto(f"{base}/poc/review/calls/{call.pk}/?tab=decision")
    submit(page, f"form[action$='/calls/{call.pk}/propose/'] button[type=submit]")
    assert not errors_shown(page), errors_shown(page)
    money = page.locator(".rv-money .pg-figure").first.inner_text()
    assert "¥1,000,000" in money and "¥1,500,000" in money and "¥500,000" in money, money
    assert page.locator("table.rv-selected tbody tr.in").count() == 1
    assert application.title in page.locator("table.rv-selected").inner_text()
    decision = Decision.objects.get(call=call)
    assert decision.selected_ids() == [application.pk]
    page.fill("input[name=reserve_count]", "1")
    submit(page, f"form[action$='/calls/{call.pk}/publish/'] button[type=submit]")
    assert not errors_shown(page), errors_shown(page)
    application.refresh_from_db()
    rival.refresh_from_db()
    assert (application.status, rival.status) == ("provisional", "reserve")
    awarded = sum(r.awarded for r in application.requests.all())
    assert awarded == sum(OURS.values()) <= call.budget
    assert awarded + requested(rival) > call.budget  # the budget did bind
    # The notice has not ended: the page refuses to finalise, naming the date.
    submit(page, f"form[action$='/calls/{call.pk}/finalise/'] button[type=submit]")
    assert application.objection_until.isoformat() in errors_shown(page)
    review.decision_finalise(
        actor=w["office"], call=call, today=application.objection_until + dt.timedelta(days=1)
    )
    application.refresh_from_db()
    call.refresh_from_db()
    assert application.status == "awarded" and call.status == CallStatus.DECIDED

    # 6. The office starts the project with the agreement and an advance; Alice reports the
    #    first milestone delivered; the office accepts it and its tranche is released.
    page.goto(f"{base}/poc/applications/{application.pk}/")
    submit(page, f"a[href$='/projects/start/{application.pk}/']")
    first = application.planned_milestones.order_by("position", "pk").first()
    page.fill("input[name=agreement_number]", "DH-POC-2026-001")
    page.fill("input[name=agreement_signed_on]", timezone.localdate().isoformat())
    assert page.locator(f"select[name=line_{first.pk}]").input_value() == str(early.pk)
    page.fill(f"input[name=amount_{first.pk}]", "500000")
    page.fill(f"input[name=advance_{early.pk}]", "100000")
    submit(page, "#content form button.primary[type=submit]")
    assert not errors_shown(page), errors_shown(page)
    project = Project.objects.get(application=application)
    assert page.url.endswith(f"/projects/{project.pk}/")
    assert project.agreement_number == "DH-POC-2026-001"
    assert sum(t.amount for t in Tranche.objects.filter(project=project)) == D("100000")
    milestone = Milestone.objects.get(project=project, title=first.title)
    assert milestone.tranche == D("500000")

    switch_user(page, base, "alice")
    page.goto(f"{base}/projects/{project.pk}/")
    report = f"form[action$='/milestones/{milestone.pk}/report/']"
    page.click(f"details:has({report}) > summary")
    page.fill(f"{report} textarea[name=evidence]", "完成100克级样品制备，离子电导率达到3 mS/cm。")
    submit(page, f"{report} button[type=submit]")
    assert not errors_shown(page), errors_shown(page)
    milestone.refresh_from_db()
    assert milestone.status == "reported"

    switch_user(page, base, "office")
    page.goto(f"{base}/projects/{project.pk}/")
    decide = f"form[action$='/milestones/{milestone.pk}/decide/']"
    submit(page, f"{decide} button[name=decision][value=accept]")
    assert not errors_shown(page), errors_shown(page)
    milestone.refresh_from_db()
    assert milestone.status == "accepted"
    tranche = Tranche.objects.get(project=project, milestone=milestone)
    assert (tranche.amount, tranche.funding_line_id) == (D("500000"), early.pk)
    assert sum(t.amount for t in Tranche.objects.filter(project=project)) == D("600000")
    released = page.locator("section.card:has(tfoot .pj-total)")
    assert "¥500,000" in released.locator("tbody").inner_text()
    assert "¥600,000" in released.locator("tfoot").inner_text()

    # 7. The outcome: technical route, business model, readiness after and landing base.
    page.goto(f"{base}/projects/{project.pk}/?tab=outcome")
    outcome_form = "form[action$='/outcome/']"
    page.fill(f"{outcome_form} textarea[name=technical_route]", "硫化物电解质干法成膜路线")
    page.fill(f"{outcome_form} textarea[name=business_model]", "专利许可加技术入股")
    page.select_option(f"{outcome_form} select[name=trl_after]", "6")
    page.fill(f"{outcome_form} input[name=landing_base]", "南通高新区孵化基地")
    page.select_option(f"{outcome_form} select[name=landing_province]", "320000")
    submit(page, f"{outcome_form} button[type=submit]")
    assert not errors_shown(page), errors_shown(page)
    shown = page.locator("dl.pj-dl").inner_text()
    for text in ("硫化物电解质干法成膜路线", "专利许可加技术入股", "TRL 6", "南通高新区孵化基地"):
        assert text in shown, shown
    outcome = Outcome.objects.get(project=project)
    assert (outcome.trl_after, outcome.landing_base, outcome.landing_province) == (
        6,
        "南通高新区孵化基地",
        "320000",
    )
