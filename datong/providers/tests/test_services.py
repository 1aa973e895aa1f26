"""Profiles, curation and reviews: who may write, validation, audit; refusals leave nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from datong.core.models import AuditEntry
from datong.core.roles import Role
from datong.core.testing import Unchanged
from datong.institutions.factories import InstitutionFactory, member_of
from datong.providers import services
from datong.providers.models import ProviderProfile, ProviderReview

pytestmark = pytest.mark.django_db


def test_the_providers_own_user_edits_its_profile(world):
    profile = services.profile_save(
        actor=world["agent_a"],
        institution=world["agency_a"],
        data={
            "categories": "patent_agency, law_firm",
            "ipc_fields": "h01m 10/052; G06F, A61",
            "industry_fields": "38, C",
            "qualifications": [
                {
                    "name": "专利代理机构执业许可证",
                    "number": "11001",
                    "issued_by": "国家知识产权局",
                    "valid_until": "",
                }
            ],
            "contact_email": "ip@example.com",
        },
    )
    assert profile.categories == ["patent_agency", "law_firm"]
    assert profile.ipc_fields == ["H01M", "G06F", "A61"]
    assert profile.industry_fields == ["38", "C"]
    assert "|law_firm|" in profile.tags and "|A61|" in profile.tags
    entry = AuditEntry.objects.filter(action="provider.profile_update").latest("pk")
    assert entry.actor == world["agent_a"] and entry.institution_id == world["agency_a"].pk


@pytest.mark.parametrize("who", ["agent_b", "office", "researcher", "alliance_admin"])
def test_nobody_else_edits_a_profile(world, who):
    with Unchanged(), pytest.raises(PermissionDenied):
        services.profile_save(
            actor=world[who], institution=world["agency_a"], data={"services": "改写"}
        )


def test_a_superuser_edits_and_creates(world):
    admin = member_of(world["uni"], Role.RESEARCHER)
    admin.is_superuser = True
    admin.save()
    new = InstitutionFactory(slug="new-agency", kind="service_provider")
    profile = services.profile_save(actor=admin, institution=new, data={"services": "新"})
    assert profile.pk and AuditEntry.objects.filter(action="provider.profile_create").exists()
    with pytest.raises(ValidationError):
        services.profile_save(actor=admin, institution=world["uni"], data={})


def test_invalid_profile_data_is_refused(world):
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.profile_save(
            actor=world["agent_a"],
            institution=world["agency_a"],
            data={
                "categories": ["bakery"],
                "ipc_fields": "Z99",
                "industry_fields": "999",
                "qualifications": [{"name": "", "number": "1"}],
                "contact_email": "not-an-address",
            },
        )
    assert set(caught.value.message_dict) == {
        "categories",
        "ipc_fields",
        "industry_fields",
        "qualifications",
        "contact_email",
    }


def test_only_an_alliance_admin_curates(world):
    agency = world["agency_b"]
    for who in ("agent_b", "office", "observer", "fake_admin"):
        with Unchanged(), pytest.raises(PermissionDenied):
            services.profile_recommend(
                actor=world[who], institution=agency, recommended=True, reason="好"
            )
    with Unchanged(), pytest.raises(ValidationError):
        services.profile_recommend(
            actor=world["alliance_admin"], institution=agency, recommended=True, reason=" "
        )
    profile = services.profile_recommend(
        actor=world["alliance_admin"], institution=agency, recommended=True, reason="响应快"
    )
    assert profile.is_recommended and profile.recommended_by == world["alliance_admin"]
    assert AuditEntry.objects.filter(action="provider.recommend").count() == 1
    profile = services.profile_recommend(
        actor=world["alliance_admin"], institution=agency, recommended=False, reason="投诉较多"
    )
    assert not profile.is_recommended and profile.recommendation_reason == "投诉较多"
    assert AuditEntry.objects.filter(action="provider.unrecommend").count() == 1


def test_the_engaging_office_reviews_once_per_engagement(world):
    filing = world["filings_a"][0]
    review = services.review_create(actor=world["office"], filing=filing, rating=4, comment="好")
    assert review.provider == world["agency_a"]
    assert review.reviewer_institution == world["uni"]
    assert AuditEntry.objects.filter(action="provider.review").exists()
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.review_create(actor=world["office"], filing=filing, rating=5)
    assert "filing" in caught.value.message_dict


@pytest.mark.parametrize("who", ["other_office", "researcher", "agent_a", "alliance_admin"])
def test_nobody_else_reviews(world, who):
    with Unchanged(), pytest.raises(PermissionDenied):
        services.review_create(actor=world[who], filing=world["filings_a"][0], rating=5)


def test_a_rating_is_one_to_five(world):
    for bad in (0, 6, "x", None):
        with Unchanged(), pytest.raises(ValidationError):
            services.review_create(actor=world["office"], filing=world["filings_a"][1], rating=bad)
    assert ProviderReview.objects.count() == 0
    assert ProviderProfile.objects.count() == 3
