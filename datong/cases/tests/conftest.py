"""The marketplace's world (a university with a published listing, a second university, two
enterprises) plus a second technology manager and a helper to backdate a case's stage."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from datong.cases import services
from datong.cases.models import CaseStageTime, MatchCase
from datong.core.roles import Role
from datong.institutions.factories import member_of
from datong.market.tests.conftest import bearer, world  # noqa: F401  (fixtures)


@pytest.fixture
def cw(world):  # noqa: F811
    """``world`` with a second manager at the university."""
    world["manager2"] = member_of(world["uni"], Role.TECH_MANAGER, name="钱经理")
    return world


def open_case(w, who="buyer", message="我们想了解授权条件。", **kwargs) -> MatchCase:
    case, created = services.case_open(
        actor=w[who], listing=w["listing"], message=message, **kwargs
    )
    assert created
    return case


def backdate(case: MatchCase, days: int) -> MatchCase:
    """Move the case's current stage (and every earlier row) ``days`` into the past."""
    delta = dt.timedelta(days=days)
    for row in CaseStageTime.objects.filter(case=case):
        CaseStageTime.objects.filter(pk=row.pk).update(
            entered_at=row.entered_at - delta,
            left_at=row.left_at - delta if row.left_at else None,
        )
    MatchCase.objects.filter(pk=case.pk).update(
        stage_entered_at=case.stage_entered_at - delta,
        created_at=case.created_at - delta,
    )
    case.refresh_from_db()
    return case


def now():
    return timezone.now()
