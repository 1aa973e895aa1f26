"""The demo profiles: a category from each name, qualifications and fields."""

from __future__ import annotations

import random

import pytest

from datong.institutions.factories import InstitutionFactory
from datong.providers.demo import build_provider_profiles, category_from_name
from datong.providers.models import ProviderProfile

pytestmark = pytest.mark.django_db


def test_categories_from_names():
    assert category_from_name("北京某某专利代理事务所（普通合伙）") == "patent_agency"
    assert category_from_name("北京某某律师事务所") == "law_firm"
    assert category_from_name("某某资产评估有限公司") == "evaluator"
    assert category_from_name("某某创业投资管理有限公司") == "investor"
    assert category_from_name("某某科技企业孵化器有限公司") == "incubator"


def test_build_provider_profiles():
    InstitutionFactory(slug="p1", name="北京甲专利代理事务所（普通合伙）", kind="service_provider")
    InstitutionFactory(slug="p2", name="北京乙律师事务所", kind="service_provider")
    InstitutionFactory(slug="p3", name="北京丙资产评估有限公司", kind="service_provider")
    InstitutionFactory(slug="u", name="大学")
    profiles = build_provider_profiles(random.Random(7))
    assert len(profiles) == 3
    agency = ProviderProfile.objects.get(institution__slug="p1")
    assert agency.categories[0] == "patent_agency" and agency.ipc_fields
    assert agency.qualifications[0]["name"] == "专利代理机构执业许可证"
    assert agency.is_recommended
    assert build_provider_profiles(random.Random(7)) == []  # idempotent
