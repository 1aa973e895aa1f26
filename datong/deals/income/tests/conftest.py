"""A university with one patented result of two inventors (one with an account), its office,
a researcher, a second university's office, and helpers to book ledger entries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from datong.core.roles import Role
from datong.deals.income.ledger import ledger_entry_add
from datong.institutions.factories import InstitutionFactory, member_of
from datong.results.models import Result, ResultInventor


@pytest.fixture
def iw(db):
    uni = InstitutionFactory(slug="uni", name="甲大学", name_en="Jia University")
    other = InstitutionFactory(slug="other", name="乙大学")
    office = member_of(uni, Role.TTO_STAFF, name="刘办")
    researcher = member_of(uni, Role.RESEARCHER, name="张研")
    other_office = member_of(other, Role.TTO_STAFF, name="王办")
    result = Result.objects.create(
        institution=uni,
        number="R-1",
        title="固态电池电解质",
        ip_types=["invention_patent"],
    )
    zhang = ResultInventor.objects.create(
        result=result, name="张研", user=researcher, share=Decimal("60"), is_main=True, position=0
    )
    li = ResultInventor.objects.create(result=result, name="李工", share=Decimal("40"), position=1)
    return {
        "uni": uni,
        "other": other,
        "office": office,
        "researcher": researcher,
        "other_office": other_office,
        "result": result,
        "zhang": zhang,
        "li": li,
    }


def book(w, kind: str, category: str, amount: str, on: dt.date, result=None):
    return ledger_entry_add(
        actor=w["office"],
        result=result or w["result"],
        kind=kind,
        category=category,
        date=on,
        amount=Decimal(amount),
    )


def D(value) -> Decimal:  # noqa: N802 - reads like the literal it stands for
    return Decimal(str(value))
