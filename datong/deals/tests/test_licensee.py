"""A licensee's users report their sales under a running royalty themselves: the royalty is
computed, the office is told, and nobody else may report or see those contracts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from datong.core.testing import Unchanged
from datong.deals import selectors, services
from datong.deals.models import RoyaltyReport
from datong.deals.tests.conftest import buyer, signed
from datong.notifications.models import Notification

D = Decimal


@pytest.fixture
def licence(dw):
    contract = services.contract_create(
        actor=dw["office"],
        institution=dw["uni"],
        data={
            "number": "XK-ROY-1",
            "title": "固态电解质许可",
            "contract_type": "licence",
            "pricing_method": "listed",
            "exclusivity": "non_exclusive",
            "amount": "100000.00",
            "manager": dw["manager"],
        },
        parties=[buyer(institution=dw["firm"].pk)],
        results=[dw["result"]],
    )
    services.payment_term_add(
        actor=dw["office"],
        contract=contract,
        data={"kind": "royalty", "label": "销售提成", "royalty_rate": "2.5"},
    )
    return signed(dw, contract, "2026-01-05")


def test_the_licensee_reports_sales_on_its_page_and_the_office_is_told(client, dw, licence):
    client.force_login(dw["buyer"])
    page = client.get(reverse("deal-licensee"))
    assert page.status_code == 200 and "XK-ROY-1" in page.content.decode()
    term = licence.terms.get()
    response = client.post(
        reverse("deal-licensee"),
        {
            "contract": licence.pk,
            "term": term.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "sales": "1234567.00",
        },
    )
    assert response.status_code == 302
    report = RoyaltyReport.objects.get()
    # 1 234 567 × 2.5 % = 30 864.175 → 30 864.18; due 30 days after the period.
    assert report.royalty == D("30864.18") and report.due_on == dt.date(2026, 7, 30)
    assert report.created_by == dw["buyer"]
    assert Notification.objects.filter(user=dw["manager"], url__contains=str(licence.pk)).exists()


def test_overlapping_periods_are_refused_on_the_page(client, dw, licence):
    client.force_login(dw["buyer"])
    term = licence.terms.get()
    data = {
        "contract": licence.pk,
        "term": term.pk,
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
        "sales": "1000.00",
    }
    assert client.post(reverse("deal-licensee"), data).status_code == 302
    with Unchanged():
        again = client.post(reverse("deal-licensee"), {**data, "period_end": "2026-02-28"})
    assert again.status_code == 400


def test_others_may_not_report_or_see(client, dw, licence):
    term = licence.terms.get()
    for who in ("other_buyer", "researcher", "other_office"):
        with pytest.raises(PermissionDenied), Unchanged():
            services.royalty_report_record(
                actor=dw[who],
                contract=licence,
                term=term,
                period_start="2026-01-01",
                period_end="2026-03-31",
                sales="1000.00",
                due_on="2026-04-30",
            )
        assert not selectors.licensee_contracts(actor=dw[who]).exists()
        client.force_login(dw[who])
        assert client.get(reverse("deal-licensee")).status_code == 404
    # The licensee sees its own licence on its page, never the contract page itself.
    client.force_login(dw["buyer"])
    assert client.get(reverse("deal-detail", args=[licence.pk])).status_code == 404
