"""Directory scoping and filters, and the ranking of agencies for a disclosure."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from datong.institutions.factories import InstitutionFactory
from datong.ip import services as ip
from datong.providers import selectors, services
from datong.results.models import Classification, Disclosure, Result, Scheme

pytestmark = pytest.mark.django_db


def disclosure(world, **extra):
    return Disclosure.objects.create(
        institution=world["uni"],
        created_by=world["researcher"],
        number="D-1",
        title="一种锂硫电池正极材料",
        industry=Classification.objects.get(scheme=Scheme.INDUSTRY, code="38"),
        keywords=["锂硫电池", "储能材料"],
        **extra,
    )


def test_directory_filters_and_sorts(world):
    actor = world["office"]
    names = lambda qs: [p.slug for p in qs]  # noqa: E731
    assert set(names(selectors.provider_list(actor=actor))) == {"agency-a", "agency-b", "law-c"}
    assert names(selectors.provider_list(actor=actor, category="law_firm")) == ["law-c"]
    # A full IPC group finds the agency covering its subclass; a division finds its section too.
    assert names(selectors.provider_list(actor=actor, field="H01M 10/052")) == ["agency-a"]
    assert names(selectors.provider_list(actor=actor, field="38")) == ["agency-a"]
    assert names(selectors.provider_list(actor=actor, province="310000")) == ["agency-b"]
    assert names(selectors.provider_list(actor=actor, q="储能")) == ["agency-a"]
    by_cases = list(selectors.provider_list(actor=actor, sort="cases"))
    assert [(p.slug, p.case_count) for p in by_cases] == [
        ("agency-a", 4),
        ("agency-b", 3),
        ("law-c", 0),
    ]
    services.profile_recommend(
        actor=world["alliance_admin"], institution=world["law"], recommended=True, reason="好"
    )
    assert names(selectors.provider_list(actor=actor, recommended=True)) == ["law-c"]
    services.review_create(actor=world["office"], filing=world["filings_b"][0], rating=5)
    services.review_create(actor=world["office"], filing=world["filings_a"][0], rating=3)
    rated = list(selectors.provider_list(actor=actor, sort="rating"))
    assert [p.slug for p in rated] == ["agency-b", "agency-a", "law-c"]
    assert rated[0].rating == 5 and rated[0].review_count == 1


def test_unlisted_providers_are_hidden_from_outsiders(world):
    hidden = InstitutionFactory(slug="hidden", kind="service_provider", is_listed=False)
    assert "hidden" not in [p.slug for p in selectors.provider_list(actor=world["office"])]
    with pytest.raises(Http404):
        selectors.provider_get(actor=world["office"], slug="hidden")
    with pytest.raises(Http404):
        selectors.provider_get(actor=world["office"], slug="uni")  # not a provider
    assert selectors.provider_get(actor=world["office"], slug="agency-a").case_count == 4
    assert hidden.pk


def test_the_engagement_behind_a_review_is_shown_to_the_reviewer_only(world):
    services.review_create(actor=world["office"], filing=world["filings_a"][0], rating=4)
    own = selectors.review_list(actor=world["researcher"], provider=world["agency_a"])
    theirs = selectors.review_list(actor=world["other_office"], provider=world["agency_a"])
    assert own[0].engagement and not theirs[0].engagement
    assert len(theirs) == 1


def test_reviewable_engagements_are_the_offices_unreviewed_filings(world):
    mine = selectors.reviewable_engagements(actor=world["office"], provider=world["agency_a"])
    assert mine.count() == 4
    services.review_create(actor=world["office"], filing=world["filings_a"][0], rating=4)
    assert mine.count() == 3
    for who in ("other_office", "researcher", "agent_a"):
        assert not selectors.reviewable_engagements(actor=world[who], provider=world["agency_a"])


def test_recommendation_order_and_reasons(world):
    d = disclosure(world)
    ranked = selectors.recommend_agencies(actor=world["office"], disclosure=d)
    assert [r.provider.slug for r in ranked] == ["agency-a", "agency-b"]  # no law firm
    first, second = ranked
    assert first.reasons == ["fields match: 38, 储能材料", "grant rate 67 % over 3 cases"]
    assert second.reasons == ["grant rate 100 % over 3 cases"]
    assert first.score > second.score
    # Three glowing reviews and the alliance's recommendation lift B above A.
    for filing in world["filings_b"]:
        services.review_create(actor=world["office"], filing=filing, rating=5)
    services.profile_recommend(
        actor=world["alliance_admin"], institution=world["agency_b"], recommended=True, reason="好"
    )
    ranked = selectors.recommend_agencies(actor=world["office"], disclosure=d)
    assert [r.provider.slug for r in ranked] == ["agency-b", "agency-a"]
    assert ranked[0].reasons == [
        "grant rate 100 % over 3 cases",
        "5.0/5 from 3 reviews",
        "recommended by the alliance",
    ]


def test_ipc_of_the_disclosures_result_counts(world):
    result = Result.objects.create(institution=world["uni"], number="R-1", title="软件")
    ip.family_create(
        actor=world["office"],
        institution=world["uni"],
        title="调度方法",
        ip_type="invention_patent",
        ipc_codes="G06F 9/48",
        result=result,
    )
    d = disclosure(world, result=result)
    d.industry = None
    d.keywords = []
    d.save()
    ranked = selectors.recommend_agencies(actor=world["office"], disclosure=d)
    assert ranked[0].provider.slug == "agency-b"
    assert ranked[0].reasons[0] == "fields match: G06F"


@pytest.mark.parametrize("who", ["researcher", "other_office", "agent_a"])
def test_recommendation_is_for_the_disclosures_office_only(world, who):
    with pytest.raises(PermissionDenied):
        selectors.recommend_agencies(actor=world[who], disclosure=disclosure(world))
