"""Listing and demand services: who may write, what is validated, what is audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from datong.core.models import AuditEntry
from datong.core.testing import Unchanged
from datong.market import services
from datong.market.models import DemandStatus, ListingStatus
from datong.market.tests.conftest import future
from datong.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_listing_defaults_from_the_result_and_is_audited(world):
    listing = services.listing_create(actor=world["office"], result=world["result"])
    assert listing.title == "固态电池电解质" and listing.summary == "一种新型固态电解质。"
    assert listing.trl == 5 and listing.status == ListingStatus.DRAFT
    assert listing.institution == world["uni"] and listing.ip_status == ""
    assert AuditEntry.objects.filter(
        action="market.listing_create", object_id=str(listing.pk)
    ).exists()


@pytest.mark.parametrize("who", ["other_office", "researcher", "buyer"])
def test_only_the_office_creates_updates_and_publishes(world, who):
    actor = world[who]
    with Unchanged(), pytest.raises(PermissionDenied):
        services.listing_create(actor=actor, result=world["result"])
    with Unchanged(), pytest.raises(PermissionDenied):
        services.listing_update(actor=actor, listing=world["listing"], data={"title": "x"})
    with Unchanged(), pytest.raises(PermissionDenied):
        services.listing_withdraw(actor=actor, listing=world["listing"])
    draft = services.listing_create(actor=world["office"], result=world["result"])
    with Unchanged(), pytest.raises(PermissionDenied):
        services.listing_publish(actor=actor, listing=draft)


def test_listing_validation(world):
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.listing_create(
            actor=world["office"],
            result=world["result"],
            data={"engagement_modes": ["rent"], "trl": 12, "contact": world["researcher"].pk},
        )
    assert set(caught.value.message_dict) == {"engagement_modes", "trl", "contact"}
    draft = services.listing_create(actor=world["office"], result=world["result"])
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.listing_publish(actor=world["office"], listing=draft)
    assert {"engagement_modes", "contact"} <= set(caught.value.message_dict)


def test_publish_and_withdraw(world):
    listing = world["listing"]
    assert listing.status == ListingStatus.PUBLISHED and listing.published_at
    with Unchanged(), pytest.raises(ValidationError):
        services.listing_publish(actor=world["office"], listing=listing)
    services.listing_withdraw(actor=world["manager"], listing=listing)
    assert listing.status == ListingStatus.WITHDRAWN
    assert AuditEntry.objects.filter(action="market.listing_withdraw").count() == 1


def test_contact_notifies_the_manager_and_is_audited(world):
    services.listing_contact(
        actor=world["buyer"], listing=world["listing"], message="想了解许可条件"
    )
    (note,) = Notification.objects.filter(user=world["manager"])
    assert "高安全固态电池电解质" in note.title and note.body == "想了解许可条件"
    assert note.url == f"/market/{world['listing'].pk}/"
    assert AuditEntry.objects.filter(action="market.listing_contact").exists()
    with Unchanged(), pytest.raises(ValidationError):
        services.listing_contact(actor=world["buyer"], listing=world["listing"], message=" ")


def test_enterprise_users_post_edit_and_close_demands(world):
    demand = services.demand_create(
        actor=world["buyer"],
        institution=world["firm"],
        data={
            "title": "储能电池热失控预警",
            "keywords": "储能, 热失控",
            "budget": "120.5",
            "cooperation_mode": "joint_development",
            "industry": "38",
            "region": "320000",
            "deadline": future().isoformat(),
        },
    )
    assert demand.budget == Decimal("120.50") and demand.keywords == ["储能", "热失控"]
    assert demand.industry.code == "38" and demand.author == world["buyer"]
    services.demand_update(actor=world["buyer"], demand=demand, data={"goals": "提前十分钟预警"})
    assert demand.goals == "提前十分钟预警"
    services.demand_close(actor=world["buyer"], demand=demand)
    assert demand.status == DemandStatus.CLOSED
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"market.demand_create", "market.demand_update", "market.demand_close"} <= actions


@pytest.mark.parametrize("who", ["other_buyer", "office", "researcher"])
def test_only_the_enterprises_users_write_its_demands(world, who):
    demand = services.demand_create(
        actor=world["buyer"], institution=world["firm"], data={"title": "需求"}
    )
    with Unchanged(), pytest.raises(PermissionDenied):
        services.demand_create(actor=world[who], institution=world["firm"], data={"title": "x"})
    with Unchanged(), pytest.raises(PermissionDenied):
        services.demand_update(actor=world[who], demand=demand, data={"title": "x"})
    with Unchanged(), pytest.raises(PermissionDenied):
        services.demand_close(actor=world[who], demand=demand)


def test_a_university_cannot_post_demands(world):
    with Unchanged(), pytest.raises(PermissionDenied):
        services.demand_create(actor=world["office"], institution=world["uni"], data={"title": "x"})


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x", "budget": "-1"}, "budget"),
        ({"title": "x", "budget": "abc"}, "budget"),
        ({"title": "x", "deadline": "2001-01-01"}, "deadline"),
        ({"title": "x", "deadline": "soon"}, "deadline"),
        ({"title": "x", "cooperation_mode": "rent"}, "cooperation_mode"),
        ({"title": "x", "industry": "ZZ"}, "industry"),
        ({"title": "x", "region": "999999"}, "region"),
    ],
)
def test_demand_validation(world, data, field):
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.demand_create(actor=world["buyer"], institution=world["firm"], data=data)
    assert field in caught.value.message_dict
