"""A university with a result, a second university, an evaluator and a law firm in the provider
directory, the office staff, a technology manager and a researcher."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from datong.core.roles import Role
from datong.institutions.factories import InstitutionFactory, member_of
from datong.institutions.models import InstitutionKind
from datong.providers.models import ProviderProfile
from datong.results.models import Result
from datong.ventures import services


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def vw(db):
    uni = InstitutionFactory(slug="uni", name="甲大学", name_en="Jia University", province="110000")
    other = InstitutionFactory(slug="other", name="乙大学")
    evaluator = InstitutionFactory(
        slug="eval", name="丙资产评估有限公司", kind=InstitutionKind.SERVICE_PROVIDER
    )
    lawyer = InstitutionFactory(
        slug="law", name="丁律师事务所", kind=InstitutionKind.SERVICE_PROVIDER
    )
    park = InstitutionFactory(
        slug="park", name="戊科技企业孵化器有限公司", kind=InstitutionKind.SERVICE_PROVIDER
    )
    ProviderProfile.objects.create(institution=evaluator, categories=["evaluator"])
    ProviderProfile.objects.create(institution=lawyer, categories=["law_firm"])
    result = Result.objects.create(institution=uni, number="R-1", title="固态电池电解质")
    other_result = Result.objects.create(institution=other, number="R-9", title="乙的成果")
    return {
        "uni": uni,
        "other": other,
        "evaluator": evaluator,
        "lawyer": lawyer,
        "park": park,
        "result": result,
        "other_result": other_result,
        "office": member_of(uni, Role.TTO_STAFF, name="刘办"),
        "manager": member_of(uni, Role.TECH_MANAGER, name="赵经理"),
        "researcher": member_of(uni, Role.RESEARCHER, name="张研"),
        "other_office": member_of(other, Role.TTO_STAFF, name="王办"),
    }


def make_company(w, name="北京甲智感科技有限公司", **data):
    return services.company_create(
        actor=w["office"],
        institution=w["uni"],
        data={"name": name, "region": "110000", "city": "北京", **data},
        results=[w["result"]],
    )


def run_to_registration(w, company, *, contract=None):
    """An equity investment taken to the registration step, registered."""
    office = w["office"]
    inv = services.equity_investment_create(actor=office, company=company, contract=contract)
    inv = services.equity_appraisal_record(
        actor=office,
        investment=inv,
        evaluator=w["evaluator"],
        appraised_value="3000000.00",
        report_number="丙评报字〔2026〕第018号",
        appraised_on=days_ago(60),
    )
    for body in ("校长办公会", "党委常委会"):
        inv = services.equity_approval_record(
            actor=office, investment=inv, body=body, decision="approved", on=days_ago(50)
        )
    inv = services.equity_approvals_complete(actor=office, investment=inv)
    inv = services.equity_filing_record(
        actor=office, investment=inv, filing_number="教财备〔2026〕12号", filed_on=days_ago(40)
    )
    inv = services.equity_registration_record(
        actor=office, investment=inv, registered_on=days_ago(30)
    )
    return inv


D = Decimal
