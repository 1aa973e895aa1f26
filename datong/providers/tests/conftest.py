"""A hand-built world: two patent agencies, a university that engaged them, and bystanders.

Agency A: 4 filings of the university — 2 granted, 1 rejected, 1 pending (3 decided → 67 %);
agency fees 5 000, 6 000, 7 000, 8 000. Agency B: 3 filings of the university, all granted after
12, 14 and 16 months; agency fee 4 000 each. The median fee per filing over both agencies is
5 000, so A's relative fees are 6 500 / 5 000 = 1.3 and B's 0.8.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from datong.core.roles import Role
from datong.institutions.factories import AllianceFactory, InstitutionFactory, member_of
from datong.institutions.models import InstitutionKind
from datong.ip import services as ip
from datong.ip.models import EventKind
from datong.ip.numbers import check_character
from datong.providers import services


def cn(year, serial, kind=1):
    body = f"{year}{kind}{serial:07d}"
    return f"{body}.{check_character(body)}"


def add_filing(office, family, agency, serial, filed, *, granted=None, rejected=None, fee=None):
    filing = ip.filing_create(
        actor=office,
        family=family,
        route="cn",
        kind="invention",
        application_number=cn(filed.year, serial),
        filing_date=filed,
        agency=agency,
        attorney="李代理",
    )
    if granted:
        ip.filing_event_add(actor=office, filing=filing, kind=EventKind.GRANTED, date=granted)
    if rejected:
        ip.filing_event_add(actor=office, filing=filing, kind=EventKind.REJECTED, date=rejected)
    if fee:
        ip.cost_add(actor=office, filing=filing, kind="agency", amount=fee, date=filed)
    return filing


@pytest.fixture(autouse=True)
def english():
    """Reasons and labels are compared in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    agency_a = InstitutionFactory(
        slug="agency-a", name="北京甲专利代理事务所", kind=InstitutionKind.SERVICE_PROVIDER
    )
    agency_b = InstitutionFactory(
        slug="agency-b",
        name="上海乙专利代理事务所",
        kind=InstitutionKind.SERVICE_PROVIDER,
        province="310000",
        city="上海",
    )
    law = InstitutionFactory(
        slug="law-c", name="北京丙律师事务所", kind=InstitutionKind.SERVICE_PROVIDER
    )
    uni = InstitutionFactory(slug="uni", name="甲大学")
    other = InstitutionFactory(slug="other-uni", name="乙大学")
    office = member_of(uni, Role.TTO_STAFF, name="刘办")
    alliance = AllianceFactory(slug="al")
    people = {
        "office": office,
        "researcher": member_of(uni, Role.RESEARCHER, name="张研"),
        "other_office": member_of(other, Role.TTO_STAFF, name="王办"),
        "agent_a": member_of(agency_a, Role.PROVIDER_USER, name="李代理", position="专利代理师"),
        "agent_b": member_of(agency_b, Role.PROVIDER_USER, name="赵代理"),
        "alliance_admin": member_of(alliance.secretariat, Role.ALLIANCE_ADMIN, name="秘书长"),
        "observer": member_of(alliance.secretariat, Role.OBSERVER),
        "fake_admin": member_of(uni, Role.ALLIANCE_ADMIN),
    }
    services.profile_save(
        actor=None,
        institution=agency_a,
        data={
            "categories": ["patent_agency"],
            "ipc_fields": ["H01M"],
            "industry_fields": ["38"],
            "services": "锂电池、储能材料专利申请",
        },
    )
    services.profile_save(
        actor=None,
        institution=agency_b,
        data={"categories": ["patent_agency"], "ipc_fields": ["G06F"], "industry_fields": ["65"]},
    )
    services.profile_save(actor=None, institution=law, data={"categories": ["law_firm"]})
    family = ip.family_create(
        actor=office,
        institution=uni,
        title="一种锂硫电池正极",
        ip_type="invention_patent",
        ipc_codes="H01M 10/052",
    )
    d = dt.date
    a = [
        add_filing(office, family, agency_a, 11, d(2019, 1, 10), granted=d(2020, 7, 10), fee=5000),
        add_filing(office, family, agency_a, 12, d(2019, 3, 1), granted=d(2021, 3, 1), fee=6000),
        add_filing(office, family, agency_a, 13, d(2019, 5, 1), rejected=d(2021, 5, 1), fee=7000),
        add_filing(office, family, agency_a, 14, d(2020, 5, 1), fee=8000),
    ]
    b = [
        add_filing(office, family, agency_b, 21, d(2020, 1, 1), granted=d(2021, 1, 1), fee=4000),
        add_filing(office, family, agency_b, 22, d(2020, 2, 1), granted=d(2021, 4, 1), fee=4000),
        add_filing(office, family, agency_b, 23, d(2020, 3, 1), granted=d(2021, 7, 1), fee=4000),
    ]
    return {
        "agency_a": agency_a,
        "agency_b": agency_b,
        "law": law,
        "uni": uni,
        "other": other,
        "family": family,
        "alliance": alliance,
        "filings_a": a,
        "filings_b": b,
        **people,
    }
