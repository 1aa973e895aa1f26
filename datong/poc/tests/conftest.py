"""A university running a proof-of-concept programme (two funding lines, a rubric, an open call),
its researcher with a result, a partner university whose researcher also applies, and people who
must not see the applications."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from datong.accounts import services as account_services
from datong.core.roles import Role
from datong.core.testing import bearer as token_header
from datong.institutions.factories import InstitutionFactory, member_of
from datong.poc import services
from datong.poc.models import CallStatus, Stage
from datong.results.models import Classification, Result, ResultInventor, Scheme


def bearer(user):
    _token, plain = account_services.api_token_create(actor=user, user=user, name="test")
    return token_header(plain)


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def industry(code: str) -> Classification:
    return Classification.objects.get(scheme=Scheme.INDUSTRY, code=code)


def make_result(institution, number, inventor=None, code="38", trl=4) -> Result:
    result = Result.objects.create(
        institution=institution,
        number=number,
        title=f"成果{number}",
        abstract="摘要",
        industry=industry(code),
        trl=trl,
    )
    if inventor is not None:
        ResultInventor.objects.create(result=result, user=inventor, name=inventor.name)
    return result


def full_data(world, **changes) -> dict:
    """A complete application: it passes every submission check."""
    data = {
        "title": "固态电解质中试验证",
        "stage": Stage.ONE_TEN,
        "summary": "验证固态电解质在储能电池中的性能。",
        "academic_route": "完成界面稳定性机理研究，形成稳定的技术路线。",
        "market_route": "与储能企业合作中试，形成许可加入股的商业模式。",
        "trl_now": 4,
        "trl_target": 6,
        "requests": [
            {"funding_line": world["early"], "amount": Decimal("1200000")},
            {"funding_line": world["incubation"], "amount": Decimal("800000")},
        ],
        "milestones": [
            {
                "title": "样品制备",
                "due_on": days(120),
                "budget": "1200000",
                "funding_line": "early-rd",
            },
            {"title": "中试验证", "due_on": days(300), "budget": "800000"},
        ],
        "needs": [{"kind": "pilot_line", "description": "百公斤级中试线"}],
        "team": [
            {"name": "张研", "user": world["researcher"].pk, "role": "leader", "effort": 60},
            {"name": "李同事", "user": world["colleague"].pk, "role": "researcher"},
            {"name": "外部顾问", "role": "adviser", "affiliation": "某储能公司"},
        ],
    }
    data.update(changes)
    return data


@pytest.fixture
def world(db):
    uni = InstitutionFactory(slug="uni", name="甲大学", name_en="Jia University")
    partner = InstitutionFactory(slug="partner", name="乙大学", name_en="Yi University")
    other = InstitutionFactory(slug="other", name="丙大学")
    people = {
        "office": member_of(uni, Role.TTO_STAFF, name="刘办"),
        "researcher": member_of(uni, Role.RESEARCHER, name="张研"),
        "colleague": member_of(uni, Role.RESEARCHER, name="李同事"),
        "bystander": member_of(uni, Role.RESEARCHER, name="旁观者"),
        "partner_office": member_of(partner, Role.TTO_STAFF, name="乙办"),
        "partner_researcher": member_of(partner, Role.RESEARCHER, name="乙研"),
        "partner_bystander": member_of(partner, Role.RESEARCHER, name="乙旁观"),
        "other_office": member_of(other, Role.TTO_STAFF, name="丙办"),
    }
    programme = services.programme_create(
        actor=people["office"],
        owner=uni,
        data={
            "kind": "institution",
            "name": "概念验证基金",
            "name_en": "Proof-of-concept fund",
            "code": "jia-poc",
            "total_budget": "30000000",
            "stages": ["0-1", "1-10"],
            "min_trl": 3,
            "max_trl": 6,
            "industries": ["C"],
        },
    )
    early = services.funding_line_save(
        actor=people["office"],
        programme=programme,
        data={
            "code": "early-rd",
            "name": "早期研发",
            "name_en": "Early R&D",
            "per_project_cap": "1500000",
            "cost_rules": [{"cost_type": "equipment", "cap_share": "40"}],
        },
    )
    incubation = services.funding_line_save(
        actor=people["office"],
        programme=programme,
        data={"code": "pre-incubation", "name": "预孵化", "per_project_cap": "1000000"},
    )
    services.rubric_set(
        actor=people["office"],
        programme=programme,
        criteria=[
            {"name": "技术先进性", "weight": "60", "max_score": 10},
            {"name": "市场前景", "weight": "40", "max_score": 10},
        ],
    )
    call = services.call_save(
        actor=people["office"],
        programme=programme,
        data={
            "name": "2026年第一批",
            "opens_on": days(-10),
            "closes_on": days(20),
            "budget": "10000000",
        },
    )
    services.call_open(actor=people["office"], call=call)
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN
    return {
        "uni": uni,
        "partner": partner,
        "other": other,
        "programme": programme,
        "early": early,
        "incubation": incubation,
        "call": call,
        "result": make_result(uni, "R-1", people["researcher"]),
        "partner_result": make_result(partner, "P-1", people["partner_researcher"]),
        **people,
    }
