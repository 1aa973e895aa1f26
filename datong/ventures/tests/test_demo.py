"""The demo builder writes consistent companies through the services."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.utils import timezone

from datong.core.roles import Role
from datong.demo.ventures import build_ventures
from datong.institutions.factories import InstitutionFactory, member_of
from datong.institutions.models import InstitutionKind
from datong.providers.models import ProviderProfile
from datong.results.models import Result, ResultInventor, TimelineEvent
from datong.ventures import selectors
from datong.ventures.models import Company, CompanyState, EquityInvestment, EquityStep

pytestmark = pytest.mark.django_db


def test_demo_companies_cover_the_machine_and_stay_consistent(db):
    home = InstitutionFactory(slug="jbit", name="京北理工大学")
    office = member_of(home, Role.TTO_STAFF, name="陈办")
    for slug, category in (("ev1", "evaluator"), ("inc1", "incubator")):
        provider = InstitutionFactory(slug=slug, kind=InstitutionKind.SERVICE_PROVIDER)
        ProviderProfile.objects.create(institution=provider, categories=[category])
    for n in range(10):
        result = Result.objects.create(institution=home, number=f"R-{n}", title=f"成果{n}")
        ResultInventor.objects.create(result=result, name=f"发明人{n}", share=Decimal("100"))
    summary = build_ventures(random.Random(3), timezone.now(), "small")
    assert summary["companies"] == Company.objects.count() == 8
    states = set(Company.objects.values_list("state", flat=True))
    assert states == {s.value for s in CompanyState}
    steps = set(EquityInvestment.objects.values_list("step", flat=True))
    assert {EquityStep.DONE, EquityStep.APPROVAL, EquityStep.FILING, EquityStep.ABANDONED} <= steps
    today = timezone.localdate()
    for company in Company.objects.all():
        assert selectors.cap_table(company, today)["total"] <= 100
        assert TimelineEvent.objects.filter(result__companies=company).exists()
        if company.state == CompanyState.ACTIVE:
            assert company.incorporated_on and company.incorporated_on <= today
    assert selectors.founders_on_leave(actor=office, year=today.year).exists() or any(
        selectors.founders_on_leave(actor=office, year=y).exists()
        for y in range(today.year - 8, today.year)
    )
