"""The income pages: they render in Chinese and English for the office, refuse researchers and
other institutions (404 on records outside scope), and walk a distribution from the form
through approval to payment."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from datong.core.models import AuditEntry
from datong.core.navigation import items_for
from datong.core.testing import Unchanged
from datong.deals.income import services
from datong.deals.income.models import Distribution, DistributionStatus, LedgerEntry, RewardPolicy
from datong.deals.models import Contract

from .conftest import D, book

ALL_FACTS = {"recipients_listed": True, "withheld": True, "job_result": True}


def client_for(client, user, lang="zh-hans"):
    client.force_login(user)
    client.cookies["datong_language"] = lang
    return client


def registered_contract(w):
    """A registered licence covering the result (built directly: the deals app's services
    are not what these tests are about)."""
    contract = Contract.objects.create(
        institution=w["uni"],
        number="HT-2026-01",
        title="固态电解质许可",
        contract_type="licence",
        registration_number="1101082026000123",
    )
    contract.results.add(w["result"])
    return contract


def executed(w, paid_on=dt.date(2026, 5, 1)):
    """Income 1 000 000, costs 100 000, all 58号 conditions holding, paid on ``paid_on``."""
    book(w, "income", "contract", "1000000", dt.date(2026, 3, 1))
    book(w, "cost", "patent_fee", "100000", dt.date(2026, 2, 1))
    d = services.distribution_create(
        actor=w["office"],
        result=w["result"],
        deal_type="licence",
        decided_on=dt.date(2026, 4, 1),
        contract=registered_contract(w),
        tax_facts=ALL_FACTS,
    )
    services.distribution_approve(actor=w["office"], distribution=d)
    return services.distribution_execute(actor=w["office"], distribution=d, paid_on=paid_on)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_office_pages_render_in_both_languages(client, iw, lang):
    w = iw
    d = executed(w)
    c = client_for(client, w["office"], lang)
    pages = [
        reverse("income-distribution-list"),
        reverse("income-distribution-detail", args=[d.pk]),
        reverse("income-ledger", args=[w["result"].pk]),
        reverse("income-distribution-create", args=[w["result"].pk]),
        reverse("income-policy-list"),
        reverse("income-statement-list") + "?institution=uni&year=2026",
        reverse("income-statement") + f"?institution=uni&year=2026&user={w['researcher'].pk}",
        reverse("income-calculator"),
    ]
    for url in pages:
        response = c.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'<html lang="{"en" if lang == "en" else "zh-CN"}">' in html, url
        if lang == "en":
            assert "Income &amp; rewards" in html, url
    detail = c.get(reverse("income-distribution-detail", args=[d.pk])).content.decode()
    assert "FP-2026-001" in detail
    assert "450,000.00" in detail  # the team pool
    assert "270,000.00" in detail and "10,980.00" in detail
    assert "cs-2018-58" in detail and "law-2015-art45" in detail
    assert "✓" in detail


def test_distribution_list_filters_and_exports(client, iw):
    w = iw
    executed(w)
    c = client_for(client, w["office"], "en")
    url = reverse("income-distribution-list")
    assert "FP-2026-001" in c.get(url + "?status=executed").content.decode()
    assert "FP-2026-001" not in c.get(url + "?status=draft").content.decode()
    assert "FP-2026-001" not in c.get(url + "?deal_type=equity").content.decode()
    assert "FP-2026-001" not in c.get(url + "?year=2025").content.decode()
    assert "FP-2026-001" in c.get(url + "?q=固态").content.decode()
    partial = c.get(url + "?q=FP", HTTP_HX_REQUEST="true").content.decode()
    assert "FP-2026-001" in partial and "<html" not in partial
    csv = c.get(url + "?export=csv").content.decode("utf-8-sig")
    assert "FP-2026-001" in csv and "450000.00" in csv
    xlsx = c.get(url + "?export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_researcher_and_other_institution_are_refused(client, iw):
    w = iw
    d = executed(w)
    result = w["result"]
    for user in (w["researcher"], w["other_office"]):
        c = client_for(client, user)
        assert c.get(reverse("income-distribution-detail", args=[d.pk])).status_code in (403, 404)
        assert c.get(reverse("income-ledger", args=[result.pk])).status_code == 404
        assert c.get(reverse("income-distribution-create", args=[result.pk])).status_code == 404
        with Unchanged():
            response = c.post(
                reverse("income-entry-add", args=[result.pk]),
                {"category": "patent_fee", "date": "2026-01-01", "amount": "10"},
            )
            assert response.status_code == 404
            response = c.post(reverse("income-distribution-cancel", args=[d.pk]), {"reason": "x"})
            assert response.status_code == 404
        # Another office's staff sees its own (empty) list, never this distribution.
        if user == w["other_office"]:
            assert "FP-2026-001" not in c.get(reverse("income-distribution-list")).content.decode()
    # A researcher has no income pages at all.
    c = client_for(client, w["researcher"])
    assert c.get(reverse("income-distribution-list")).status_code == 403
    assert c.get(reverse("income-calculator")).status_code == 403
    assert c.get(reverse("income-policy-list")).status_code == 403
    # ... nor anyone else's statement, by id or by name.
    base = reverse("income-statement") + "?institution=uni&year=2026"
    assert c.get(base + f"&user={w['office'].pk}").status_code == 404
    assert c.get(base + "&name=李工").status_code == 404
    # Other institution's staff cannot read the people paid by this one.
    c = client_for(client, w["other_office"])
    assert c.get(reverse("income-statement-list") + "?institution=uni&year=2026").status_code == 404
    assert c.get(base + "&name=李工").status_code == 404


def test_create_approve_execute_through_the_pages(client, iw):
    w = iw
    income = book(w, "income", "contract", "1000000", dt.date(2026, 3, 1))
    fee = book(w, "cost", "patent_fee", "100000", dt.date(2026, 2, 1))
    contract = registered_contract(w)
    c = client_for(client, w["office"])
    url = reverse("income-distribution-create", args=[w["result"].pk])
    form = c.get(url).content.decode()
    assert f'name="take_{income.pk}" value="1000000.00"' in form
    data = {
        "deal_type": "licence",
        "decided_on": "2026-04-01",
        "ownership_share": "100",
        "contract": str(contract.pk),
        f"take_{income.pk}": "1000000",
        f"take_{fee.pk}": "100000",
        f"channel_{w['zhang'].pk}": "cash",
        f"channel_{w['li'].pk}": "cash",
        "recipients_listed": "yes",
        "withheld": "yes",
        "job_result": "yes",
    }
    response = c.post(url, data)
    assert response.status_code == 302
    d = Distribution.objects.get()
    assert response["Location"] == reverse("income-distribution-detail", args=[d.pk])
    assert (d.net_income, d.team_pool, d.status) == (D(900000), D(450000), "draft")
    # Taking more than remains is refused on the form, nothing written.
    with Unchanged():
        again = c.post(url, {**data, f"take_{fee.pk}": "1"})
    assert again.status_code == 400
    # Approve, then execute with the payment date.
    c.post(reverse("income-distribution-approve", args=[d.pk]))
    d.refresh_from_db()
    assert d.status == DistributionStatus.APPROVED
    bad = c.post(reverse("income-distribution-execute", args=[d.pk]), {"paid_on": "2020-01-01"})
    assert bad.status_code == 400
    assert "2020-01-01" not in bad.content.decode() or "error" in bad.content.decode()
    ok = c.post(reverse("income-distribution-execute", args=[d.pk]), {"paid_on": "2026-05-01"})
    assert ok.status_code == 302
    d.refresh_from_db()
    assert d.status == DistributionStatus.EXECUTED
    amounts = {r.name: (r.amount, r.taxable, r.tax_estimate) for r in d.rewards.all()}
    assert amounts["张研"] == (D("270000.00"), D("135000.00"), D("10980.00"))
    # Frozen: cancelling is refused and the page says why.
    with Unchanged():
        refused = c.post(reverse("income-distribution-cancel", args=[d.pk]), {"reason": "x"})
    assert refused.status_code == 400
    assert Distribution.objects.get().status == DistributionStatus.EXECUTED
    page = c.get(reverse("income-distribution-detail", args=[d.pk])).content.decode()
    assert "income-distribution-execute" not in page and "/execute/" not in page
    actions = set(
        AuditEntry.objects.filter(action__startswith="income.distribution").values_list(
            "action", flat=True
        )
    )
    assert actions == {
        "income.distribution_create",
        "income.distribution_approve",
        "income.distribution_execute",
    }


def test_cancel_gives_the_takings_back(client, iw):
    w = iw
    book(w, "income", "contract", "500000", dt.date(2026, 3, 1))
    d = services.distribution_create(
        actor=w["office"], result=w["result"], deal_type="transfer", decided_on=dt.date(2026, 4, 1)
    )
    c = client_for(client, w["office"], "en")
    url = reverse("income-distribution-cancel", args=[d.pk])
    assert c.post(url, {"reason": ""}).status_code == 400
    response = c.post(reverse("income-distribution-cancel", args=[d.pk]), {"reason": "Wrong deal"})
    assert response.status_code == 302
    page = c.get(reverse("income-ledger", args=[w["result"].pk])).content.decode()
    assert "500,000.00" in page
    assert "Cancelled" in page


def test_ledger_entry_form(client, iw):
    w = iw
    c = client_for(client, w["office"], "en")
    url = reverse("income-entry-add", args=[w["result"].pk])
    response = c.post(
        url, {"category": "agency", "date": "2026-01-05", "amount": "8000", "description": "代理费"}
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.amount) == ("cost", D(8000))
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    with Unchanged():
        bad = c.post(url, {"category": "agency", "date": future, "amount": "1"})
    assert bad.status_code == 400
    assert "cannot be in the future" in bad.content.decode()


def test_policy_below_the_floor_is_refused_with_the_rule_named(client, iw):
    w = iw
    c = client_for(client, w["office"], "en")
    data = {
        "institution": "uni",
        "version": "2026-1",
        "effective_from": "2026-01-01",
        "source": "校发〔2026〕1号",
        "team_share": "40",
        "institution_share": "60",
        "department_share": "0",
        "office_share": "0",
        "main_contributor_share": "50",
        "tiers": "",
    }
    with Unchanged():
        response = c.post(reverse("income-policy-create"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "law-2015-art45" in html and "below the statutory floor" in html
    ok = c.post(
        reverse("income-policy-create"),
        {
            **data,
            "team_share": "70",
            "institution_share": "20",
            "office_share": "10",
            "tiers": "1000000 70\n* 60",
        },
    )
    assert ok.status_code == 302
    policy = RewardPolicy.objects.get()
    assert policy.tiers == [{"up_to": "1000000", "team": "70"}, {"up_to": None, "team": "60"}]
    page = c.get(reverse("income-policy-list") + "?institution=uni").content.decode()
    assert "2026-1" in page and "校发〔2026〕1号" in page
    assert "iit-2019-annual" in page and "verify" in page  # statutory rules with marks
    # Another institution's slug is not reachable.
    assert c.get(reverse("income-policy-list") + "?institution=other").status_code == 404


CALC = {
    "deal_type": "licence",
    "income": "1000000",
    "costs": "100000",
    "institution": "",
    "ownership_share": "100",
    "on": "2026-04-01",
    "income_received_on": "2026-03-01",
    "paid_on": "2026-05-01",
    "ip_types": ["invention_patent"],
    "contract_registered": "yes",
    "recipients_listed": "yes",
    "withheld": "yes",
    "job_result": "yes",
    "inv-TOTAL_FORMS": "3",
    "inv-INITIAL_FORMS": "0",
    "inv-MIN_NUM_FORMS": "0",
    "inv-MAX_NUM_FORMS": "20",
    "inv-0-name": "A",
    "inv-0-share": "60",
    "inv-0-paid_here": "on",
    "inv-0-channel": "cash",
    "inv-0-other_income": "0",
    "inv-1-name": "B",
    "inv-1-share": "40",
    "inv-1-paid_here": "on",
    "inv-1-channel": "cash",
    "inv-1-other_income": "0",
    "inv-2-name": "",
    "inv-2-share": "",
    "inv-2-channel": "cash",
    "inv-2-other_income": "",
}


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_calculator_posts_by_htmx_and_shows_the_result(client, iw, lang):
    c = client_for(client, iw["office"], lang)
    with Unchanged():
        response = c.post(reverse("income-calculator"), CALC, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    pool = re.search(r'data-figure="team_pool".*?<strong>([^<]+)</strong>', html, re.S)
    assert pool and pool.group(1) == "450,000.00"
    assert "270,000.00" in html and "180,000.00" in html
    assert "10,980.00" in html and "6,480.00" in html
    assert "cs-2018-58" in html and "law-2015-art45" in html


def test_calculator_shows_errors(client, iw):
    c = client_for(client, iw["office"], "en")
    response = c.post(
        reverse("income-calculator"), {**CALC, "costs": "2000000"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "exceed the income" in html and "450,000.00" not in html


def test_my_rewards_and_own_statement(client, iw):
    w = iw
    executed(w)
    c = client_for(client, w["researcher"], "en")
    assert "my-rewards" in {item.key for item in items_for(w["researcher"])}
    assert "income" not in {item.key for item in items_for(w["researcher"])}
    page = c.get(reverse("income-my-rewards")).content.decode()
    assert "270,000.00" in page and "180,000.00" not in page  # only their own
    assert "cs-2018-58" in page
    statement = c.get(reverse("income-statement") + "?institution=uni&year=2026")
    assert statement.status_code == 200 and "270,000.00" in statement.content.decode()
    pdf = c.get(reverse("income-statement") + "?institution=uni&year=2026&format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # Staff reach any person's statement of their institution, also by name.
    s = client_for(client, w["office"], "en")
    people = s.get(reverse("income-statement-list") + "?institution=uni&year=2026").content.decode()
    assert "李工" in people and "450,000.00" in people
    by_name = s.get(reverse("income-statement") + "?institution=uni&year=2026&name=李工")
    assert "180,000.00" in by_name.content.decode()
