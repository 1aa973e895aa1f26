"""A university with a result and a published listing, a second university, an enterprise."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from datong.accounts import services as account_services
from datong.core.roles import Role
from datong.core.testing import bearer as token_header
from datong.institutions.factories import InstitutionFactory, member_of
from datong.institutions.models import InstitutionKind
from datong.market import services
from datong.results.models import Result


def bearer(user):
    _token, plain = account_services.api_token_create(actor=user, user=user, name="test")
    return token_header(plain)


def future(days=30) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def world(db):
    uni = InstitutionFactory(slug="uni", name="甲大学", name_en="Jia University")
    other = InstitutionFactory(slug="other", name="乙大学")
    firm = InstitutionFactory(slug="firm", name="丙科技有限公司", kind=InstitutionKind.ENTERPRISE)
    firm2 = InstitutionFactory(slug="firm2", name="丁公司", kind=InstitutionKind.ENTERPRISE)
    people = {
        "office": member_of(uni, Role.TTO_STAFF, name="刘办"),
        "manager": member_of(uni, Role.TECH_MANAGER, name="赵经理"),
        "researcher": member_of(uni, Role.RESEARCHER, name="张研"),
        "other_office": member_of(other, Role.TTO_STAFF, name="王办"),
        "buyer": member_of(firm, Role.ENTERPRISE_USER, name="孙企业"),
        "other_buyer": member_of(firm2, Role.ENTERPRISE_USER, name="周企业"),
    }
    result = Result.objects.create(
        institution=uni,
        number="R-1",
        title="固态电池电解质",
        abstract="一种新型固态电解质。",
        trl=5,
    )
    listing = services.listing_create(
        actor=people["office"],
        result=result,
        data={
            "title": "高安全固态电池电解质",
            "summary": "面向储能企业的固态电解质技术 solid electrolyte。",
            "key_points": "离子电导率高",
            "engagement_modes": ["licence", "joint_development"],
            "contact": people["manager"].pk,
        },
    )
    services.listing_publish(actor=people["office"], listing=listing)
    return {
        "uni": uni,
        "other": other,
        "firm": firm,
        "firm2": firm2,
        "result": result,
        "listing": listing,
        **people,
    }
