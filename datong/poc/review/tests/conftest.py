"""A programme run by a university's transfer office, with two funding lines, a three-criterion
rubric, a call, a pool of experts and applications under review."""

from __future__ import annotations

from decimal import Decimal

import pytest

from datong.accounts import services as account_services
from datong.core.roles import Role
from datong.core.testing import bearer as token_header
from datong.institutions.factories import DepartmentFactory, InstitutionFactory, member_of
from datong.poc import workflow
from datong.poc.factories import (
    ApplicationFactory,
    CallFactory,
    CriterionFactory,
    FundingLineFactory,
    FundingRequestFactory,
    ProgrammeFactory,
    TeamMemberFactory,
)
from datong.poc.models import ApplicationStatus
from datong.poc.review import services
from datong.poc.review.models import ExpertKind
from datong.results.models import Result, ResultInventor


def bearer(user):
    _token, plain = account_services.api_token_create(actor=user, user=user, name="test")
    return token_header(plain)


def make_application(w, title, rd=1_000_000, pre=500_000, applicant=None, department=None):
    applicant = applicant or w["applicant"]
    result = Result.objects.create(
        institution=w["uni"],
        department=department or w["dept_a"],
        number=f"R-{title}",
        title=f"成果 {title}",
    )
    ResultInventor.objects.create(result=result, user=applicant, name=applicant.name)
    app = ApplicationFactory(
        call=w["call"],
        result=result,
        applicant=applicant,
        department=department or w["dept_a"],
        title=title,
        status=ApplicationStatus.ADMITTED,
    )
    FundingRequestFactory(application=app, funding_line=w["rd"], amount=Decimal(rd))
    if pre:
        FundingRequestFactory(application=app, funding_line=w["pre"], amount=Decimal(pre))
    TeamMemberFactory(application=app, user=applicant, name=applicant.name)
    workflow.move(app, ApplicationStatus.UNDER_REVIEW, actor=w["office"])
    return app


@pytest.fixture
def rw(db):
    uni = InstitutionFactory(slug="uni", name="甲大学", name_en="Jia University")
    other = InstitutionFactory(slug="other", name="乙研究院", name_en="Yi Institute")
    dept_a = DepartmentFactory(institution=uni, name="材料学院", name_en="School of Materials")
    dept_b = DepartmentFactory(institution=uni, name="机械学院", name_en="School of Mechanics")
    w = {"uni": uni, "other": other, "dept_a": dept_a, "dept_b": dept_b}
    w["office"] = member_of(uni, Role.TTO_STAFF, name="刘办公室")
    w["applicant"] = member_of(uni, Role.RESEARCHER, name="张申请", department=dept_a)
    w["internal"] = member_of(uni, Role.RESEARCHER, name="王内审", department=dept_b)
    w["external"] = member_of(other, Role.REVIEWER, name="李外审")
    w["external2"] = member_of(other, Role.REVIEWER, name="赵外审")
    w["colleague"] = member_of(uni, Role.RESEARCHER, name="陈同系", department=dept_a)
    w["coinventor"] = member_of(other, Role.REVIEWER, name="周合作")
    w["teammate"] = member_of(other, Role.REVIEWER, name="吴团队")
    w["stranger"] = member_of(other, Role.REVIEWER, name="孙别处")
    programme = ProgrammeFactory(owner=uni, objection_days=5)
    w["programme"] = programme
    w["rd"] = FundingLineFactory(
        programme=programme,
        code="rd",
        name="前期研发",
        per_project_cap=Decimal("1500000"),
        total_cap=Decimal("3000000"),
        position=0,
    )
    w["pre"] = FundingLineFactory(
        programme=programme,
        code="pre",
        name="预孵化",
        per_project_cap=Decimal("1000000"),
        position=1,
    )
    w["criteria"] = [
        CriterionFactory(programme=programme, name="技术先进性", weight=Decimal("40"), position=0),
        CriterionFactory(programme=programme, name="市场前景", weight=Decimal("30"), position=1),
        CriterionFactory(programme=programme, name="团队能力", weight=Decimal("30"), position=2),
    ]
    w["call"] = CallFactory(programme=programme, budget=Decimal("4000000"))
    for key, kind in (
        ("internal", ExpertKind.INTERNAL),
        ("external", ExpertKind.EXTERNAL),
        ("external2", ExpertKind.EXTERNAL),
        ("colleague", ExpertKind.INTERNAL),
        ("coinventor", ExpertKind.EXTERNAL),
        ("teammate", ExpertKind.EXTERNAL),
    ):
        services.pool_add(actor=w["office"], programme=programme, user=w[key], kind=kind)
    w["app"] = make_application(w, "固态电池")
    ResultInventor.objects.create(result=w["app"].result, user=w["coinventor"], name="周合作")
    TeamMemberFactory(application=w["app"], user=w["teammate"], name="吴团队")
    return w


def submit(w, reviewer, application, values, comment="总体评价"):
    """Assign (if needed) and submit ``values`` (one per criterion)."""
    from datong.poc.review.models import Assignment

    assignment = Assignment.objects.filter(application=application, reviewer=reviewer).first()
    if assignment is None:
        assignment = services.assignment_create(
            actor=w["office"], application=application, reviewer=reviewer
        )
    scores = {
        c.pk: {"score": v, "comment": f"{c.name}意见"}
        for c, v in zip(w["criteria"], values, strict=True)
    }
    return services.scores_save(
        actor=reviewer, assignment=assignment, scores=scores, overall_comment=comment, submit=True
    )
