"""A fund run by a city's office, a university whose application was awarded on two funding
lines, the people around it, and the started project.

Money of the fixture (yuan):

=================  =========  ===================================
line               awarded    plan
=================  =========  ===================================
early R&D (rd)     300,000    advance 100,000; M1 60,000; M2 140,000
pre-incubation     200,000    advance 50,000; M3 150,000
=================  =========  ===================================

Eligible cost types: rd — equipment (30 %), materials (no cap), testing, experts (¥30,000);
pre-incubation — market (20 %), personnel. Equipment is not eligible on pre-incubation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from datong.accounts import services as account_services
from datong.accounts.factories import UserFactory
from datong.core.roles import Role
from datong.core.testing import bearer as token_header
from datong.institutions.factories import InstitutionFactory, member_of
from datong.institutions.models import InstitutionKind
from datong.poc import workflow
from datong.poc.models import (
    Application,
    Call,
    CostRule,
    FundingLine,
    FundingRequest,
    FundKind,
    PlannedMilestone,
    Programme,
    TeamMember,
    VerificationNeed,
)
from datong.poc.projects import services
from datong.results.models import Result

D = Decimal


def bearer(user):
    _token, plain = account_services.api_token_create(actor=user, user=user, name="test")
    return token_header(plain)


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


PATH = ("submitted", "admitted", "under_review", "provisional", "awarded")


def award(application, actor) -> Application:
    for status in PATH:
        workflow.move(application, status, actor=actor)
    return application


def make_application(world, *, title, awards, milestones=(), needs=(), stage="0-1", number=""):
    """An awarded application of ``world``'s call: ``awards`` maps line code → awarded yuan;
    ``milestones`` are (title, line code, budget, due in days)."""
    result = Result.objects.create(
        institution=world["uni"], number=f"R-{title[:6]}", title=title, trl=3
    )
    application = Application.objects.create(
        call=world["call"],
        result=result,
        institution=world["uni"],
        applicant=world["researcher"],
        number=number,
        title=title,
        stage=stage,
        trl_now=3,
        trl_target=6,
        agreement_number=f"NT-{title[:4]}",
        agreement_signed_on=days(-210),
    )
    for code, amount in awards.items():
        FundingRequest.objects.create(
            application=application,
            funding_line=world["lines"][code],
            amount=amount,
            awarded=amount,
        )
    for i, (name, code, budget, due) in enumerate(milestones):
        PlannedMilestone.objects.create(
            application=application,
            title=name,
            due_on=days(due),
            budget=budget,
            funding_line=world["lines"][code] if code else None,
            position=i,
        )
    for kind, text in needs:
        VerificationNeed.objects.create(application=application, kind=kind, description=text)
    return award(application, world["owner_office"])


@pytest.fixture
def world(db):
    owner = InstitutionFactory(
        slug="nt-fund", name="南通概念验证基金", kind=InstitutionKind.GOVERNMENT, province="320000"
    )
    uni = InstitutionFactory(slug="sjtu", name="上海某大学", province="310000")
    other = InstitutionFactory(slug="other-uni", name="乙大学", province="110000")
    people = {
        "owner_office": member_of(owner, Role.TTO_STAFF, name="基金办"),
        "uni_office": member_of(uni, Role.TTO_STAFF, name="校技转办"),
        "researcher": member_of(uni, Role.RESEARCHER, name="张研"),
        "teammate": member_of(uni, Role.RESEARCHER, name="李队员"),
        "colleague": member_of(uni, Role.RESEARCHER, name="王同事"),
        "other_office": member_of(other, Role.TTO_STAFF, name="外校办"),
        "mentor": UserFactory(name="周导师"),
    }
    programme = Programme.objects.create(
        owner=owner,
        kind=FundKind.REGIONAL,
        name="一基金两基地",
        code="nt-fund",
        total_budget=D("30000000"),
    )
    rd = FundingLine.objects.create(
        programme=programme,
        code="rd",
        name="早期研发",
        name_en="Early R&D",
        per_project_cap=D("1500000"),
        position=0,
    )
    inc = FundingLine.objects.create(
        programme=programme,
        code="inc",
        name="预孵化",
        name_en="Pre-incubation",
        per_project_cap=D("1000000"),
        position=1,
    )
    for line, cost_type, share, amount in (
        (rd, "equipment", D("30"), None),
        (rd, "materials", None, None),
        (rd, "testing", None, None),
        (rd, "experts", None, D("30000")),
        (inc, "market", D("20"), None),
        (inc, "personnel", None, None),
    ):
        CostRule.objects.create(
            funding_line=line, cost_type=cost_type, cap_share=share, cap_amount=amount
        )
    call = Call.objects.create(
        programme=programme,
        name="2025 第一批",
        opens_on=days(-400),
        closes_on=days(-300),
        budget=D("10000000"),
    )
    world = {
        "owner": owner,
        "uni": uni,
        "other": other,
        "programme": programme,
        "call": call,
        "lines": {"rd": rd, "inc": inc},
        **people,
    }
    application = make_application(
        world,
        title="固态电解质中试验证",
        number="POC-2025-001",
        awards={"rd": D("300000"), "inc": D("200000")},
        milestones=(
            ("样品制备", "rd", D("100000"), -60),
            ("中试放大", "rd", D("200000"), 60),
            ("市场验证", "inc", D("200000"), 150),
        ),
        needs=(("pilot_line", "需要锂电池中试线进行固态电解质放大验证，年产百吨级"),),
    )
    TeamMember.objects.create(
        application=application, user=people["teammate"], name="李队员", role="researcher"
    )
    world["application"] = application
    return world


def start(world, application=None, **overrides):
    application = application or world["application"]
    planned = list(application.planned_milestones.all())
    lines = world["lines"]
    kwargs = {
        "starts_on": days(-200),
        "ends_on": days(165),
        "tranches": [
            {"milestone": planned[0].pk, "funding_line": lines["rd"].pk, "amount": "60000"},
            {"milestone": planned[1].pk, "funding_line": lines["rd"].pk, "amount": "140000"},
            {"milestone": planned[2].pk, "funding_line": lines["inc"].pk, "amount": "150000"},
        ],
        "advances": {lines["rd"].pk: "100000", lines["inc"].pk: "50000"},
    }
    kwargs.update(overrides)
    return services.project_start(actor=world["owner_office"], application=application, **kwargs)


@pytest.fixture
def project(world):
    return start(world)


def expense(world, project, line, cost_type, amount, *, actor=None, **extra):
    data = {
        "funding_line": world["lines"][line].pk,
        "cost_type": cost_type,
        "spent_on": days(-10),
        "amount": str(amount),
        "payee": "某供应商",
        **extra,
    }
    return services.expense_record(actor=actor or world["researcher"], project=project, data=data)
