"""A hand-computed year (2025) of one university's technology transfer, with noise around it:
another university's contract, a draft, last year's records and the records the check must find.

Every figure the tests assert is worked out by hand in ``EXPECTED`` below."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from datong.core.roles import Role
from datong.deals.income.models import Distribution, Reward
from datong.deals.models import Contract, ContractParty, Payment
from datong.institutions.factories import AllianceFactory, InstitutionFactory, member_of
from datong.institutions.models import AllianceMember, InstitutionKind
from datong.ip.models import Filing, IPFamily
from datong.results.models import Classification, Disclosure, Result
from datong.ventures.models import Company, EquityInvestment, Founder

YEAR = 2025
D = Decimal


def day(month: int, dd: int, year: int = YEAR) -> dt.date:
    return dt.date(year, month, dd)


def at(month: int, dd: int, year: int = YEAR):
    tz = timezone.get_current_timezone()
    return dt.datetime(year, month, dd, 10, 0, tzinfo=tz)


#: Every figure of the fixture's 2025 report, computed by hand.
EXPECTED = {
    # conversions: C1 transfer 300 000, C2 transfer 1 200 000, C5 equity 500 000 (C3, the
    # licence, was signed in 2024; C8 has no date; C11 has no type)
    "conv_count": 3,
    "conv_amount": D("2000000.00"),
    # C1 300 000 + C2 600 000 (the other 600 000 came in 2026) + C3 licence 20 000 (10 000 in 2024)
    "conv_received": D("920000.00"),
    "conv_average": D("666666.67"),
    "conv_large": 1,
    "conv_sme_count": 1,
    "conv_sme_amount": D("300000.00"),
    # development C4 80 000 and service C7 0 (the draft consulting C6 is not signed)
    "coop_count": 2,
    "coop_amount": D("80000.00"),
    "coop_received": D("80000.00"),
    "coop_average": D("40000.00"),
    "coop_large": 0,
    "all_contract_count": 5,
    "all_contract_amount": D("2080000.00"),
    "all_received": D("1000000.00"),
    # results held at the end of 2025: R1, R2 (2024), R3 (2025); R4 merged, R5 registered in 2026
    "results_held": 3,
    "results_new": 1,
    "disclosures_submitted": 1,
    "filings_in_year": 1,
    "companies_created": 1,
    "equity_investments_done": 1,
    "equity_investments_value": D("500000.00"),
    # F1 (from 2025-03) and F3 (2024-06 to 2026-06); F2's leave ended in 2024
    "staff_on_leave": 2,
    "staff_new_leave": 1,
    # D1 executed: 张三 70 000 + 李四 50 000 cash, 王五 30 000 research account; D2 equity:
    # 张三 6 %, 赵六 4 %; D3 is a draft
    "reward_cash_amount": D("120000.00"),
    "reward_cash_times": 2,
    "reward_research_amount": D("30000.00"),
    "reward_research_times": 1,
    "reward_equity_shares": D("10.0000"),
    "reward_equity_times": 2,
    "reward_people": 4,
    "reward_taxable": D("60000.00"),
    "reward_tax_estimate": D("6960.00"),
}

EXPECTED_GROUPS = {
    "conv_count": {"transfer": 2, "equity": 1},
    "conv_amount": {"transfer": D("1500000.00"), "equity": D("500000.00")},
    "conv_received": {"transfer": D("900000.00"), "licence": D("20000.00")},
    "conv_bands": {"lt100k": 0, "100k-1m": 2, "1m-10m": 1, "ge10m": 0},
    "conv_by_region": {"320000": D("800000.00"), "110000": D("1200000.00")},
    "conv_by_industry": {"C": D("300000.00"), "M": D("1200000.00"), "": D("500000.00")},
    "coop_count": {"development": 1, "service": 1},
    "coop_bands": {"lt100k": 2, "100k-1m": 0, "1m-10m": 0, "ge10m": 0},
    "coop_by_region": {"440000": D("80000.00")},
    "results_by_type": {"invention_patent": 2, "utility_model": 1, "software_copyright": 1},
    "results_by_source": {"manual": 1, "import": 1, "disclosure": 1},
    "filings_in_year": {"invention": 1},
    "companies_by_region": {"320000": 1},
    "reward_cash_amount": {"transfer": D("120000.00")},
}


def _contract(institution, number, contract_type, amount, signed_on, status="signed", **kw):
    return Contract.objects.create(
        institution=institution,
        number=number,
        title=f"合同{number}",
        contract_type=contract_type,
        status=status,
        amount=D(amount),
        signed_on=signed_on,
        **kw,
    )


def _party(contract, name, region="", is_sme=False, role="buyer"):
    return ContractParty.objects.create(
        contract=contract, role=role, name=name, region=region, is_sme=is_sme
    )


def _pay(contract, received_on, amount):
    return Payment.objects.create(contract=contract, received_on=received_on, amount=D(amount))


def _result(institution, number, ip_types, created, industry=None, source="manual", **kw):
    result = Result.objects.create(
        institution=institution,
        number=number,
        title=f"成果{number}",
        ip_types=ip_types,
        industry=industry,
        source=source,
        **kw,
    )
    Result.objects.filter(pk=result.pk).update(created_at=created)
    return result


def _reward(distribution, name, amount, channel="cash", shares=None, taxable="0", tax="0"):
    return Reward.objects.create(
        distribution=distribution,
        name=name,
        share=D("25"),
        pool_share=D("25"),
        channel=channel,
        amount=D(amount),
        shares=shares,
        taxable=D(taxable),
        tax_estimate=D(tax),
        paid_on=distribution.decided_on if distribution.status == "executed" else None,
    )


@pytest.fixture
def rw(db):
    """The report world: ``uni`` (with its 2025 records), ``other`` and an alliance."""
    uni = InstitutionFactory(slug="uni", name="甲大学", name_en="Jia University")
    other = InstitutionFactory(slug="other", name="乙大学", name_en="Yi University")
    secretariat = InstitutionFactory(
        slug="sec", name="联盟秘书处", kind=InstitutionKind.ALLIANCE_SECRETARIAT
    )
    alliance = AllianceFactory(secretariat=secretariat)
    AllianceMember.objects.create(alliance=alliance, institution=uni)
    people = {
        "office": member_of(uni, Role.TTO_STAFF, name="刘办"),
        "researcher": member_of(uni, Role.RESEARCHER, name="张研"),
        "other_office": member_of(other, Role.TTO_STAFF, name="王办"),
        "alliance": member_of(secretariat, Role.ALLIANCE_ADMIN, name="秘书长"),
    }
    section_c = Classification.objects.get(scheme="GB/T 4754-2017", code="39")
    section_m = Classification.objects.get(scheme="GB/T 4754-2017", code="M")

    r1 = _result(uni, "R1", ["invention_patent"], at(5, 1, 2024), industry=section_c)
    r2 = _result(uni, "R2", ["utility_model"], at(6, 1, 2024), industry=section_m, source="import")
    r3 = _result(
        uni, "R3", ["invention_patent", "software_copyright"], at(3, 1), source="disclosure"
    )
    _result(uni, "R4", ["design"], at(4, 1), status="merged")
    _result(uni, "R5", ["design"], at(2, 1, 2026))
    _result(other, "X1", ["invention_patent"], at(4, 1))

    c1 = _contract(
        uni, "C1", "transfer", "300000", day(3, 10), registration_number="1234567890123456"
    )
    _party(c1, "苏州甲公司", "320100", is_sme=True)
    c1.results.add(r1)
    _pay(c1, day(4, 1), "300000")
    c2 = _contract(uni, "C2", "transfer", "1200000", day(6, 1))
    _party(c2, "北京乙公司", "110105")
    c2.results.add(r2)
    _pay(c2, day(7, 1), "600000")
    _pay(c2, day(1, 15, 2026), "600000")
    c3 = _contract(uni, "C3", "licence", "50000", day(12, 15, 2024))
    _party(c3, "上海丙公司", "310000", is_sme=True)
    c3.results.add(r1)
    _pay(c3, day(12, 20, 2024), "10000")
    _pay(c3, day(3, 1), "20000")
    c4 = _contract(uni, "C4", "development", "80000", day(5, 5))
    _party(c4, "深圳丁公司", "440300", is_sme=True)
    _pay(c4, day(8, 1), "80000")
    c5 = _contract(uni, "C5", "equity", "500000", day(9, 1))
    _party(c5, "苏州衍生公司", "320500", role="investee")
    _contract(uni, "C6", "consulting", "10000", None, status="draft")
    c7 = _contract(uni, "C7", "service", "0", day(10, 10))
    c8 = _contract(uni, "C8", "transfer", "70000", None)
    c8.results.add(r2)
    c11 = _contract(uni, "C11", "", "5000", day(12, 1))
    x1 = _contract(other, "X1", "transfer", "999999", day(5, 1))
    _party(x1, "外地公司", "320100", is_sme=True)
    _pay(x1, day(6, 1), "999999")

    company1 = Company.objects.create(
        institution=uni,
        name="苏州衍生公司",
        state="active",
        incorporated_on=day(4, 1),
        region="320500",
    )
    company2 = Company.objects.create(
        institution=uni, name="老衍生公司", state="active", incorporated_on=day(5, 1, 2024)
    )
    Company.objects.create(institution=uni, name="筹备公司", state="preparing")
    Company.objects.create(institution=uni, name="未获批公司", state="refused")
    Company.objects.create(
        institution=other, name="乙校公司", state="active", incorporated_on=day(4, 1)
    )
    Founder.objects.create(company=company1, name="张三", on_leave=True, leave_from=day(3, 1))
    Founder.objects.create(
        company=company2,
        name="孙二",
        on_leave=True,
        leave_from=day(1, 1, 2023),
        leave_until=day(12, 31, 2024),
    )
    Founder.objects.create(
        company=company2,
        name="周八",
        on_leave=True,
        leave_from=day(6, 1, 2024),
        leave_until=day(6, 1, 2026),
    )
    Founder.objects.create(company=company2, name="吴九", on_leave=False)
    EquityInvestment.objects.create(
        institution=uni,
        company=company1,
        contract=c5,
        step="done",
        completed_on=day(9, 1),
        appraised_value=D("500000"),
    )

    family = IPFamily.objects.create(
        institution=uni, result=r1, ip_type="invention_patent", title="专利族"
    )
    Filing.objects.create(family=family, route="cn", kind="invention", filing_date=day(2, 1))
    Filing.objects.create(
        family=family, route="cn", kind="utility_model", filing_date=day(2, 1, 2024)
    )
    disclosure = Disclosure.objects.create(
        institution=uni, created_by=people["researcher"], title="披露一", status="submitted"
    )
    Disclosure.objects.filter(pk=disclosure.pk).update(submitted_at=at(5, 1))

    d1 = Distribution.objects.create(
        institution=uni,
        result=r1,
        contract=c1,
        number="D1",
        deal_type="transfer",
        status="executed",
        decided_on=day(6, 10),
    )
    _reward(d1, "张三", "70000", taxable="35000", tax="4480")
    _reward(d1, "李四", "50000", taxable="25000", tax="2480")
    _reward(d1, "王五", "30000", channel="research_account")
    d2 = Distribution.objects.create(
        institution=uni,
        result=r3,
        contract=c5,
        number="D2",
        deal_type="equity",
        status="executed",
        decided_on=day(9, 15),
    )
    _reward(d2, "张三", "0", shares=D("6"))
    _reward(d2, "赵六", "0", shares=D("4"))
    d3 = Distribution.objects.create(
        institution=uni,
        result=r2,
        contract=c2,
        number="D3",
        deal_type="transfer",
        status="draft",
        decided_on=day(7, 1),
    )
    _reward(d3, "钱七", "10000")
    _reward(d3, "", "1000")
    return {
        "uni": uni,
        "other": other,
        "alliance_obj": alliance,
        "contracts": {
            "C1": c1,
            "C2": c2,
            "C3": c3,
            "C4": c4,
            "C5": c5,
            "C7": c7,
            "C8": c8,
            "C11": c11,
        },
        "d3": d3,
        **people,
    }
