"""The secretariat sees its members' aggregates, never a member's confidential records."""

from decimal import Decimal

import pytest
from django.http import Http404
from django.urls import reverse

from datong.core.testing import assert_api_error
from datong.market.tests.conftest import bearer
from datong.reports.dashboards import selectors, services

D = Decimal


def overview(dw, who="alliance_admin"):
    return selectors.alliance_overview(
        actor=dw[who], alliance=dw["alliance"], year_from=2023, year_to=2024
    )


def test_aggregates_per_member_totals_and_medians(dw):
    data = overview(dw)
    by_slug = {row["institution"].slug: row for row in data["members"]}
    uni, uni2 = by_slug["uni"]["values"], by_slug["uni2"]["values"]
    assert (uni["deals"], uni["contract_amount"], uni["received"]) == (
        3,
        D("400000.00"),
        D("357000.00"),
    )
    assert (uni2["deals"], uni2["contract_amount"], uni2["received"]) == (
        1,
        D("1000000.00"),
        D("500000.00"),
    )
    assert uni["rewards"] == D("15000.00") and uni["companies"] == 2 and uni["listings"] == 1
    assert data["totals"]["deals"] == 4 and data["totals"]["contract_amount"] == D("1400000.00")
    assert data["medians"]["contract_amount"] == D("700000.00")
    assert data["medians"]["deals"] == 2
    assert by_slug["uni"]["position"]["deals"] == "above"
    assert by_slug["uni2"]["position"]["contract_amount"] == "above"
    assert by_slug["uni"]["position"]["contract_amount"] == "below"
    assert overview(dw, "observer")["totals"]["deals"] == 4


def test_only_the_secretariat_sees_the_aggregates(dw):
    for who in ("office", "researcher", "buyer"):
        with pytest.raises(Http404):
            overview(dw, who)


def test_shared_lists_are_public_records(dw):
    shared = selectors.alliance_shared_lists(actor=dw["alliance_admin"], alliance=dw["alliance"])
    assert [d.title for d in shared["demands"]] == ["需要储能技术"]


def test_the_alliance_administrator_cannot_open_a_members_records(client, dw):
    """Aggregates yes, rows no: every page and API endpoint of a member's contract, distribution,
    result and company answers 404, while the alliance view shows the member's sums."""
    admin = dw["alliance_admin"]
    client.force_login(admin)
    contract, distribution, result = dw["c1"], dw["distribution"], dw["r1"]
    for url in (
        reverse("deal-detail", args=[contract.pk]),
        reverse("income-distribution-detail", args=[distribution.pk]),
        reverse("result-detail", args=[result.pk]),
        reverse("company-detail", args=[dw["company"].pk]),
    ):
        assert client.get(url).status_code == 404, url
    # the lists hold none of them either
    body = client.get(reverse("deal-list")).content.decode()
    assert contract.number not in body
    headers = bearer(admin)
    for path in (
        f"/api/v1/deals/contracts/{contract.pk}",
        f"/api/v1/deals/contracts/{contract.pk}/payments",
        f"/api/v1/income/distributions/{distribution.pk}",
        f"/api/v1/results/{result.pk}",
        f"/api/v1/companies/{dw['company'].pk}",
    ):
        assert_api_error(client.get(path, **headers), 404, "not_found")
    for path, key in (
        ("/api/v1/deals/contracts", "items"),
        ("/api/v1/income/distributions", "items"),
        ("/api/v1/results", "items"),
        ("/api/v1/companies", "items"),
    ):
        response = client.get(path, **headers)
        assert response.status_code == 200, path
        assert response.json()[key] == [], path
    # … while the aggregates are there
    page = client.get(
        reverse("dashboard-alliance", args=[dw["alliance"].slug]),
        {"year_from": 2023, "year_to": 2024},
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "¥400,000" in text and "¥1,000,000" in text
    assert contract.number not in text and result.title not in text
    api = client.get(
        f"/api/v1/dashboards/alliances/{dw['alliance'].slug}?year_from=2023&year_to=2024", **headers
    )
    assert api.status_code == 200
    members = {m["institution"]: m for m in api.json()["members"]}
    assert members["uni"]["values"]["contract_amount"] == "400000.00"
    # and the member's own dashboard is not theirs to open
    assert client.get(reverse("dashboard-institution"), {"institution": "uni"}).status_code == 404
    assert_api_error(
        client.get("/api/v1/dashboards/institution?institution=uni", **headers), 404, "not_found"
    )


def test_alliance_agreements_are_totals(dw):
    agreement = services.agreement_create(
        actor=dw["office"],
        institution=dw["uni"],
        data={"title": "甲大学—长沙市科技合作", "partner_province": "430000", "year_from": 2020},
    )
    services.agreement_year_set(
        actor=dw["office"], agreement=agreement, year=2020, projects=3, contract_total="500000"
    )
    services.agreement_year_set(
        actor=dw["office"], agreement=agreement, year=2021, projects=2, contract_total="250000"
    )
    rows = selectors.alliance_agreements(actor=dw["alliance_admin"], alliance=dw["alliance"])
    assert [(r["title"], r["projects"], r["amount"]) for r in rows] == [
        ("甲大学—长沙市科技合作", 5, D("750000.00"))
    ]
    with pytest.raises(Http404):
        selectors.alliance_agreements(actor=dw["office2"], alliance=dw["alliance"])
    # the agreement itself (yearly rows, note) stays with the member's office
    with pytest.raises(Http404):
        selectors.agreement_get(actor=dw["alliance_admin"], pk=agreement.pk)
