"""factory_boy factories for programmes, calls and applications (tests only).

Like the other factories they write rows directly, without services or audit entries.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from datong.accounts.factories import UserFactory
from datong.institutions.factories import InstitutionFactory

from .models import (
    Application,
    ApplicationStatus,
    Call,
    CallStatus,
    Criterion,
    FundingLine,
    FundingRequest,
    FundKind,
    PlannedMilestone,
    Programme,
    Stage,
    TeamMember,
    TeamRole,
)


def _today() -> dt.date:
    return timezone.localdate()


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme

    owner = factory.SubFactory(InstitutionFactory)
    kind = FundKind.INSTITUTION
    name = factory.Sequence(lambda n: f"概念验证计划{n}")
    name_en = factory.Sequence(lambda n: f"Proof-of-concept programme {n}")
    code = factory.Sequence(lambda n: f"poc-{n}")
    total_budget = Decimal("30000000")
    stages = factory.LazyFunction(lambda: [Stage.ZERO_ONE, Stage.ONE_TEN])


class FundingLineFactory(DjangoModelFactory):
    class Meta:
        model = FundingLine

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"line-{n}")
    name = factory.Sequence(lambda n: f"资助方向{n}")
    per_project_cap = Decimal("1500000")


class CriterionFactory(DjangoModelFactory):
    class Meta:
        model = Criterion

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"评审指标{n}")
    weight = Decimal("50")
    max_score = 10


class CallFactory(DjangoModelFactory):
    class Meta:
        model = Call

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"第{n}批")
    opens_on = factory.LazyFunction(lambda: _today() - dt.timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: _today() + dt.timedelta(days=20))
    budget = Decimal("10000000")
    status = CallStatus.OPEN


class ApplicationFactory(DjangoModelFactory):
    """A draft application; pass ``result`` (its institution is taken from it)."""

    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    applicant = factory.SubFactory(UserFactory)
    institution = factory.LazyAttribute(lambda o: o.result.institution)
    title = factory.Sequence(lambda n: f"概念验证项目{n}")
    stage = Stage.ZERO_ONE
    summary = "摘要"
    academic_route = "学术路线"
    market_route = "市场路线"
    trl_now = 4
    trl_target = 6
    status = ApplicationStatus.DRAFT


class FundingRequestFactory(DjangoModelFactory):
    class Meta:
        model = FundingRequest

    application = factory.SubFactory(ApplicationFactory)
    funding_line = factory.SubFactory(FundingLineFactory)
    amount = Decimal("1000000")


class PlannedMilestoneFactory(DjangoModelFactory):
    class Meta:
        model = PlannedMilestone

    application = factory.SubFactory(ApplicationFactory)
    title = factory.Sequence(lambda n: f"里程碑{n}")
    due_on = factory.LazyFunction(lambda: _today() + dt.timedelta(days=180))
    budget = Decimal("1000000")


class TeamMemberFactory(DjangoModelFactory):
    class Meta:
        model = TeamMember

    application = factory.SubFactory(ApplicationFactory)
    name = factory.Sequence(lambda n: f"成员{n}")
    role = TeamRole.LEADER
