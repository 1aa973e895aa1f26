"""Nothing of a confidential disclosure reaches the public marketplace pages or API."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from datong.results import services as results
from datong.results.models import Decision

pytestmark = pytest.mark.django_db

SECRETS = {
    "problem": "硫正极体积膨胀秘密问题QX7731",
    "advantages": "秘密优势ADV-55821",
    "inventor": "欧阳秘密发明人",
    "share": "37.25",
    "project": "绝密专项XK-9931",
    "number": "2099YFB0987654",
    "funder": "秘密基金委ZH88",
}


@pytest.fixture
def published(world):
    office, researcher = world["office"], world["researcher"]
    disclosure = results.disclosure_create(
        actor=researcher,
        institution=world["uni"],
        title="一种高容量锂硫电池正极材料的制备方法",
        abstract="本发明公开了一种锂硫电池正极材料，通过多孔碳骨架负载硫。",
        problem=SECRETS["problem"],
        advantages=SECRETS["advantages"],
        industry="38",
        trl=4,
        intended_protection=["invention_patent"],
        keywords="锂硫电池、正极材料",
        funding=[
            {
                "project": SECRETS["project"],
                "number": SECRETS["number"],
                "funder": SECRETS["funder"],
            }
        ],
    )
    results.inventors_set(
        actor=researcher,
        disclosure=disclosure,
        inventors=[
            {"user": researcher.pk, "share": "62.75", "is_main": True},
            {
                "name": SECRETS["inventor"],
                "institution_name": "丁研究所",
                "share": SECRETS["share"],
            },
        ],
    )
    for inventor in disclosure.inventors.filter(user=researcher, confirmed_at__isnull=True):
        results.inventor_confirm(actor=researcher, inventor=inventor)
    results.disclosure_submit(actor=researcher, disclosure=disclosure)
    results.disclosure_report_add(
        actor=office,
        disclosure=disclosure,
        conclusion="patentable",
        summary="可授权",
        report_date=timezone.localdate(),
    )
    results.disclosure_decide(
        actor=office,
        disclosure=disclosure,
        decision=Decision.PROTECT,
        protection_type="invention_patent",
    )
    disclosure.refresh_from_db()
    result = disclosure.result
    assert result.inventors.filter(name=SECRETS["inventor"]).exists()
    from datong.market import services

    listing = services.listing_create(
        actor=office,
        result=result,
        data={"engagement_modes": ["licence"], "contact": world["manager"].pk},
    )
    services.listing_publish(actor=office, listing=listing)
    return listing


def test_no_confidential_text_on_public_pages_or_api(client, published):
    pages = [
        client.get(reverse("market-list")),
        client.get(reverse("market-list"), {"q": "锂硫"}),
        client.get(reverse("market-detail", args=[published.pk])),
        client.get(f"/api/v1/market/listings/{published.pk}"),
        client.get("/api/v1/market/listings"),
    ]
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        if response["Content-Type"].startswith("application/json"):
            body = json.dumps(response.json(), ensure_ascii=False)
        assert "锂硫电池正极材料" in body  # the listing itself is there
        for secret in SECRETS.values():
            assert secret not in body, secret
