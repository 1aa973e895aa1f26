"""A small hand-computed world for the dashboards, written straight through the ORM.

University ``uni`` (two departments: ``mat`` and ``inf``) with, in 2023 and 2024:

* results r1 (mat, industry 38 → section C), r2 (inf, 65 → I), r3 (mat, 38 → C);
* disclosures d1 (mat, 2023, → r1, protect), d2 (inf, 2024, → r2), d3 (mat, 2024, → r3);
* an IP family of r1 with an invention filing of 2023 granted in 2024, and one of r3 (no filing);
* a listing of r1 published in 2023 with one match case (2023, at the deal stage);
* contracts: c1 licence 2023 ¥100 000 (r1, buyer Suzhou 320500); c2 transfer 2024 ¥250 000
  (r2, buyer Guangdong 440000); c3 development 2024 ¥50 000 (r1, two buyers in Jiangsu);
  c4 a draft of 2024 (¥999, never counted); c5 licence 2022 ¥777 (outside the years);
* payments: c1 ¥40 000 (2023) and ¥60 000 (2024); c2 ¥250 000 (2024); c5 ¥7 000 (2024);
* rewards: an executed licence distribution of r1 (2024): cash ¥10 000 and ¥5 000 credited to
  a research account; an executed equity distribution of r2 (2023): 5 % shares; a draft one
  (never counted);
* companies: co1 (2023, Hangzhou 330100, r1, industry 38), co2 (2024, Shenzhen 440300, r2),
  co3 in preparation (not counted);
* an awarded programme application (mat, 2024, ¥300 000).

A second university ``uni2`` (one ¥1 000 000 contract of 2024) sits in the same alliance.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from datong.accounts.factories import UserFactory
from datong.cases.models import CaseStage, MatchCase
from datong.core.roles import Role
from datong.deals.income.models import Distribution, DistributionStatus, Reward
from datong.deals.models import Contract, ContractParty, Payment
from datong.institutions.factories import (
    AllianceFactory,
    AllianceMemberFactory,
    DepartmentFactory,
    InstitutionFactory,
    member_of,
)
from datong.institutions.models import InstitutionKind
from datong.ip.models import EventKind, Filing, FilingEvent, IPFamily
from datong.market.models import Demand, Listing, ListingStatus
from datong.poc.models import (
    Application,
    ApplicationStatus,
    Call,
    FundingLine,
    FundingRequest,
    Programme,
)
from datong.results.models import Classification, Disclosure, Result, Scheme
from datong.ventures.models import Company, CompanyState

D = Decimal


def at(day: str) -> dt.datetime:
    return dt.datetime.combine(
        dt.date.fromisoformat(day), dt.time(10), tzinfo=timezone.get_current_timezone()
    )


def industry(code: str) -> Classification:
    return Classification.objects.get(scheme=Scheme.INDUSTRY, code=code)


def contract(inst, number, kind, day, amount, status="signed", results=(), buyers=()):
    item = Contract.objects.create(
        institution=inst,
        number=number,
        title=f"合同 {number}",
        contract_type=kind,
        status=status,
        signed_on=dt.date.fromisoformat(day) if day else None,
        amount=D(amount),
    )
    item.results.set(results)
    for position, region in enumerate(buyers):
        ContractParty.objects.create(
            contract=item, role="buyer", name=f"买方{position}", region=region, position=position
        )
    ContractParty.objects.create(contract=item, role="seller", name=inst.name, region="110000")
    return item


@pytest.fixture
def dw(db):
    uni = InstitutionFactory(slug="uni", name="甲大学", name_en="Jia University")
    uni2 = InstitutionFactory(slug="uni2", name="乙大学", name_en="Yi University")
    enterprise = InstitutionFactory(slug="ent", name="丙科技", kind=InstitutionKind.ENTERPRISE)
    alliance = AllianceFactory(slug="all", name="测试联盟")
    AllianceMemberFactory(alliance=alliance, institution=uni)
    AllianceMemberFactory(alliance=alliance, institution=uni2)
    mat = DepartmentFactory(institution=uni, name="材料学院", name_en="School of Materials")
    inf = DepartmentFactory(institution=uni, name="信息学院", name_en="School of Computing")
    office = member_of(uni, Role.TTO_STAFF, name="赵老师")
    researcher = member_of(uni, Role.RESEARCHER, name="钱研究员")
    office2 = member_of(uni2, Role.TTO_STAFF, name="孙老师")
    alliance_admin = member_of(alliance.secretariat, Role.ALLIANCE_ADMIN, name="李秘书")
    observer = member_of(alliance.secretariat, Role.OBSERVER, name="周观察")
    buyer_user = member_of(enterprise, Role.ENTERPRISE_USER, name="吴经理")
    admin = UserFactory(is_superuser=True, is_staff=True, username="root")

    c38, c65 = industry("38"), industry("65")
    r1 = Result.objects.create(
        institution=uni, department=mat, number="R1", title="固态电池", industry=c38
    )
    r2 = Result.objects.create(
        institution=uni, department=inf, number="R2", title="图像识别", industry=c65
    )
    r3 = Result.objects.create(
        institution=uni, department=mat, number="R3", title="储能材料", industry=c38
    )

    def disclosure(number, dept, day, result, decision=""):
        return Disclosure.objects.create(
            institution=uni,
            department=dept,
            created_by=researcher,
            number=number,
            title=f"披露 {number}",
            industry=result.industry if result else None,
            status="decided" if decision else "submitted",
            decision=decision,
            result=result,
            submitted_at=at(day),
        )

    disclosure("D1", mat, "2023-02-01", r1, "protect")
    disclosure("D2", inf, "2024-03-01", r2)
    disclosure("D3", mat, "2024-04-01", r3, "protect")
    Disclosure.objects.create(  # a draft: never submitted, never counted
        institution=uni, department=mat, created_by=researcher, title="草稿"
    )

    family = IPFamily.objects.create(institution=uni, result=r1, ip_type="patent", title="固态电池")
    filing = Filing.objects.create(
        family=family, route="cn", kind="invention", filing_date=dt.date(2023, 4, 1)
    )
    FilingEvent.objects.create(filing=filing, kind=EventKind.GRANTED, date=dt.date(2024, 5, 5))
    IPFamily.objects.create(institution=uni, result=r3, ip_type="patent", title="储能材料")

    listing = Listing.objects.create(
        result=r1,
        institution=uni,
        title="固态电池技术",
        status=ListingStatus.PUBLISHED,
        published_at=at("2023-06-01"),
    )
    case = MatchCase.objects.create(
        listing=listing,
        institution=uni,
        enterprise=enterprise,
        requester=buyer_user,
        stage=CaseStage.DEAL,
    )
    MatchCase.objects.filter(pk=case.pk).update(created_at=at("2023-07-01"))

    c1 = contract(
        uni, "甲合同-01", "licence", "2023-03-01", "100000", results=[r1], buyers=["320500"]
    )
    c2 = contract(
        uni, "甲合同-02", "transfer", "2024-06-01", "250000", "completed", [r2], ["440000"]
    )
    contract(
        uni,
        "甲合同-03",
        "development",
        "2024-09-10",
        "50000",
        results=[r1],
        buyers=["320000", "320100"],
    )
    contract(uni, "甲合同-04", "licence", "", "999", "draft", [r1], ["320000"])
    c5 = contract(uni, "甲合同-05", "licence", "2022-12-30", "777", buyers=["110000"])
    other = contract(uni2, "乙合同-01", "transfer", "2024-01-05", "1000000", buyers=["310000"])
    for item, day, amount in (
        (c1, "2023-05-01", "40000"),
        (c1, "2024-01-10", "60000"),
        (c2, "2024-07-01", "250000"),
        (c5, "2024-02-01", "7000"),
        (other, "2024-02-01", "500000"),
    ):
        Payment.objects.create(
            contract=item, received_on=dt.date.fromisoformat(day), amount=D(amount)
        )

    licence = Distribution.objects.create(
        institution=uni,
        result=r1,
        contract=c1,
        number="FP-1",
        deal_type="licence",
        status=DistributionStatus.EXECUTED,
        decided_on=dt.date(2024, 2, 1),
    )
    Reward.objects.create(
        distribution=licence,
        name="王一",
        share=D("60"),
        pool_share=D("60"),
        channel="cash",
        amount=D("10000"),
        paid_on=dt.date(2024, 2, 10),
    )
    Reward.objects.create(
        distribution=licence,
        name="王二",
        share=D("40"),
        pool_share=D("40"),
        channel="research_account",
        amount=D("5000"),
    )
    equity = Distribution.objects.create(
        institution=uni,
        result=r2,
        number="FP-2",
        deal_type="equity",
        status=DistributionStatus.EXECUTED,
        decided_on=dt.date(2023, 9, 1),
    )
    Reward.objects.create(
        distribution=equity,
        name="王三",
        share=D("100"),
        pool_share=D("100"),
        channel="cash",
        amount=D("0"),
        shares=D("5"),
    )
    draft = Distribution.objects.create(
        institution=uni,
        result=r1,
        number="FP-3",
        deal_type="licence",
        decided_on=dt.date(2024, 3, 1),
    )
    Reward.objects.create(
        distribution=draft,
        name="王四",
        share=D("100"),
        pool_share=D("100"),
        amount=D("9999"),
        paid_on=dt.date(2024, 3, 2),
    )

    co1 = Company.objects.create(
        institution=uni,
        name="甲电池有限公司",
        state=CompanyState.ACTIVE,
        incorporated_on=dt.date(2023, 8, 1),
        region="330100",
        industry=c38,
    )
    co1.results.set([r1])
    co2 = Company.objects.create(
        institution=uni,
        name="甲视觉有限公司",
        state=CompanyState.ACTIVE,
        incorporated_on=dt.date(2024, 2, 2),
        region="440300",
    )
    co2.results.set([r2])
    Company.objects.create(institution=uni, name="筹备中公司", state=CompanyState.PREPARING)

    programme = Programme.objects.create(
        owner=uni, kind="institution", name="概念验证计划", code="pv", total_budget=D("1000000")
    )
    line = FundingLine.objects.create(
        programme=programme,
        code="main",
        name="主线",
        per_project_cap=D("500000"),
        total_cap=D("1000000"),
    )
    call = Call.objects.create(
        programme=programme,
        name="2024批",
        opens_on=dt.date(2024, 1, 1),
        closes_on=dt.date(2024, 3, 1),
        budget=D("500000"),
        status="closed",
    )
    application = Application.objects.create(
        call=call,
        result=r1,
        institution=uni,
        department=mat,
        applicant=researcher,
        title="固态电池中试",
        stage="0-1",
        status=ApplicationStatus.AWARDED,
        submitted_at=at("2024-02-01"),
        decided_at=at("2024-05-01"),
    )
    FundingRequest.objects.create(
        application=application, funding_line=line, amount=D("300000"), awarded=D("300000")
    )
    Demand.objects.create(institution=enterprise, author=buyer_user, title="需要储能技术")

    return {
        "uni": uni,
        "uni2": uni2,
        "enterprise": enterprise,
        "alliance": alliance,
        "mat": mat,
        "inf": inf,
        "office": office,
        "office2": office2,
        "researcher": researcher,
        "alliance_admin": alliance_admin,
        "observer": observer,
        "buyer": buyer_user,
        "admin": admin,
        "r1": r1,
        "r2": r2,
        "c1": c1,
        "c2": c2,
        "distribution": licence,
        "company": co1,
    }
