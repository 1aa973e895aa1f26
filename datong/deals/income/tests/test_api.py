"""The income API: the reward preview computed by hand, refused for non-staff and bad input;
policies, ledgers, distributions through their whole life, rewards and statements."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from datong.core.testing import Unchanged, assert_api_error
from datong.deals.income.models import Distribution, LedgerEntry, RewardPolicy
from datong.market.tests.conftest import bearer

from .conftest import book
from .test_views import registered_contract

PREVIEW = "/api/v1/deals/reward-preview"
CASE = {
    "deal_type": "licence",
    "income": "1000000.00",
    "costs": "100000.00",
    "institution": None,
    "inventors": [{"name": "A", "share": 60}, {"name": "B", "share": 40}],
    "income_received_on": "2026-03-01",
    "paid_on": "2026-05-01",
}


_TOKENS: dict[int, dict] = {}


def auth(user) -> dict:
    """One token per user and test (made before any ``Unchanged`` block counts rows)."""
    if user.pk not in _TOKENS:
        _TOKENS[user.pk] = bearer(user)
    return _TOKENS[user.pk]


@pytest.fixture(autouse=True)
def _fresh_tokens(iw):
    _TOKENS.clear()
    for key in ("office", "researcher", "other_office"):
        auth(iw[key])
    yield
    _TOKENS.clear()


def post(client, url, payload, user):
    return client.post(url, data=json.dumps(payload), content_type="application/json", **auth(user))


def test_reward_preview_hand_computed(client, iw):
    with Unchanged():
        response = post(client, PREVIEW, CASE, iw["office"])
    assert response.status_code == 200, response.content
    body = response.json()
    # net 1 000 000 − 100 000 = 900 000; statutory floor 50 % → pool 450 000.
    assert body["net_income"] == "900000.00"
    assert body["team_pool"] == "450000.00"
    assert body["institution_amount"] == "450000.00"
    a, b = body["inventors"]
    # A: 60 % → 270 000; 50 % taxable (every 58号 condition holds) = 135 000;
    # tax 135 000 × 10 % − 2 520 = 10 980.
    assert (a["name"], a["amount"], a["taxable"], a["tax_estimate"]) == (
        "A",
        "270000.00",
        "135000.00",
        "10980.00",
    )
    # B: 40 % → 180 000; taxable 90 000; tax 90 000 × 10 % − 2 520 = 6 480.
    assert (b["amount"], b["taxable"], b["tax_estimate"]) == ("180000.00", "90000.00", "6480.00")
    assert all(c["holds"] is True for c in a["conditions"])
    assert {r["id"] for r in body["rules"]} >= {"law-2015-art45", "cs-2018-58", "iit-2019-annual"}


def test_reward_preview_research_account_and_late_payment(client, iw):
    payload = {
        **CASE,
        "inventors": [
            {"name": "A", "share": 60, "channel": "research_account"},
            {"name": "B", "share": 40},
        ],
        "paid_on": "2029-03-02",  # one day past 36 months
    }
    body = post(client, PREVIEW, payload, iw["office"]).json()
    a, b = body["inventors"]
    assert (a["amount"], a["taxable"], a["tax_estimate"]) == ("270000.00", "0.00", "0.00")
    # B loses the 50 % treatment: all 180 000 taxable → 180 000 × 20 % − 16 920 = 19 080.
    assert (b["taxable"], b["tax_estimate"]) == ("180000.00", "19080.00")


def test_reward_preview_uses_the_institutions_policy(client, iw):
    RewardPolicy.objects.create(
        institution=iw["uni"],
        version="2025",
        effective_from=dt.date(2025, 1, 1),
        source="校发〔2025〕3号",
        team_share=70,
        institution_share=30,
        department_share=0,
        office_share=0,
        equity_team_share=70,
    )
    body = post(client, PREVIEW, {**CASE, "institution": "uni"}, iw["office"]).json()
    assert body["team_pool"] == "630000.00"
    assert body["policy"]["version"] == "2025"


def test_reward_preview_refused(client, iw):
    response = post(client, PREVIEW, CASE, iw["researcher"])
    assert_api_error(response, 403, "forbidden")
    response = post(client, PREVIEW, {**CASE, "costs": "2000000.00"}, iw["office"])
    body = assert_api_error(response, 422, "invalid")
    assert "costs" in body["errors"]
    response = post(client, PREVIEW, {**CASE, "deal_type": "gift"}, iw["office"])
    body = assert_api_error(response, 422, "invalid_request")
    assert any("deal_type" in e["loc"] for e in body["errors"])
    response = post(client, PREVIEW, {**CASE, "institution": "nowhere"}, iw["office"])
    assert "institution" in assert_api_error(response, 422, "invalid")["errors"]
    anonymous = client.post(PREVIEW, data=json.dumps(CASE), content_type="application/json")
    assert anonymous.status_code == 401


def test_policies_api(client, iw):
    payload = {
        "institution": "uni",
        "version": "2026-1",
        "effective_from": "2026-01-01",
        "source": "校发〔2026〕1号",
        "team_share": "40",
        "institution_share": "60",
    }
    with Unchanged():
        response = post(client, "/api/v1/income/policies", payload, iw["office"])
    body = assert_api_error(response, 422, "invalid")
    assert "law-2015-art45" in body["errors"]["team_share"][0]
    with Unchanged():
        response = post(
            client,
            "/api/v1/income/policies",
            {**payload, "team_share": "60", "institution_share": "40"},
            iw["other_office"],
        )
    assert response.status_code == 403
    response = post(
        client,
        "/api/v1/income/policies",
        {
            **payload,
            "team_share": "60",
            "institution_share": "40",
            "tiers": [{"up_to": "1000000", "team": "70"}, {"team": "60"}],
        },
        iw["office"],
    )
    assert response.status_code == 201, response.content
    assert response.json()["tiers"] == [
        {"up_to": "1000000", "team": "70"},
        {"up_to": None, "team": "60"},
    ]
    listed = client.get("/api/v1/income/policies?institution=uni", **auth(iw["office"])).json()
    assert [p["version"] for p in listed] == ["2026-1"]
    assert client.get("/api/v1/income/policies", **auth(iw["other_office"])).json() == []


def test_ledger_and_distribution_lifecycle(client, iw):
    w = iw
    result = w["result"]
    url = f"/api/v1/income/results/{result.pk}/entries"
    response = post(
        client,
        url,
        {"kind": "income", "category": "contract", "date": "2026-03-01", "amount": "1000000"},
        w["office"],
    )
    assert response.status_code == 201, response.content
    income = response.json()
    assert income["remaining"] == "1000000.00"
    post(
        client,
        url,
        {"kind": "cost", "category": "patent_fee", "date": "2026-02-01", "amount": "100000"},
        w["office"],
    )
    with Unchanged():
        refused = post(
            client,
            url,
            {"kind": "cost", "category": "contract", "date": "2026-02-01", "amount": "1"},
            w["office"],
        )
    assert "category" in assert_api_error(refused, 422, "invalid")["errors"]
    with Unchanged():
        assert (
            post(
                client,
                url,
                {"kind": "cost", "category": "agency", "date": "2026-02-01", "amount": "1"},
                w["other_office"],
            ).status_code
            == 404
        )
    ledger = client.get(f"/api/v1/income/results/{result.pk}/ledger", **auth(w["office"]))
    assert ledger.json()["totals"]["net_remaining"] == "900000.00"
    assert (
        client.get(
            f"/api/v1/income/results/{result.pk}/ledger", **auth(w["researcher"])
        ).status_code
        == 404
    )

    contract = registered_contract(w)
    response = post(
        client,
        "/api/v1/income/distributions",
        {
            "result": result.pk,
            "deal_type": "licence",
            "decided_on": "2026-04-01",
            "contract": contract.pk,
            "takings": [{"entry": income["id"], "amount": "500000"}],
            "tax_facts": {"recipients_listed": True, "withheld": True, "job_result": True},
        },
        w["office"],
    )
    assert response.status_code == 201, response.content
    d = response.json()
    assert (d["status"], d["net_income"], d["team_pool"]) == ("draft", "500000.00", "250000.00")
    assert [line["amount"] for line in d["lines"]] == ["500000.00"]
    # Change the draft: take everything that remains instead.
    entries = {e.kind: e.pk for e in LedgerEntry.objects.all()}
    patched = client.patch(
        f"/api/v1/income/distributions/{d['id']}",
        data=json.dumps(
            {
                "takings": [
                    {"entry": entries["income"], "amount": "1000000"},
                    {"entry": entries["cost"], "amount": "100000"},
                ]
            }
        ),
        content_type="application/json",
        **auth(w["office"]),
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["team_pool"] == "450000.00"
    base = f"/api/v1/income/distributions/{d['id']}"
    assert post(client, base + "/approve", {}, w["other_office"]).status_code == 404
    assert post(client, base + "/approve", {}, w["office"]).json()["status"] == "approved"
    with Unchanged():
        changed = post(client, base + "/update", {"ownership_share": "50"}, w["office"])
    assert changed.status_code == 422
    done = post(client, base + "/execute", {"paid_on": "2026-05-01"}, w["office"]).json()
    assert done["status"] == "executed"
    amounts = {r["name"]: (r["amount"], r["taxable"], r["tax_estimate"]) for r in done["rewards"]}
    assert amounts["张研"] == ("270000.00", "135000.00", "10980.00")
    assert amounts["李工"] == ("180000.00", "90000.00", "6480.00")
    with Unchanged():
        frozen = post(client, base + "/cancel", {"reason": "late"}, w["office"])
    assert_api_error(frozen, 422, "invalid")

    listed = client.get("/api/v1/income/distributions?status=executed", **auth(w["office"]))
    assert listed.json()["count"] == 1
    assert (
        client.get("/api/v1/income/distributions", **auth(w["other_office"])).json()["count"] == 0
    )

    mine = client.get("/api/v1/income/rewards?mine=true&year=2026", **auth(w["researcher"]))
    assert [r["amount"] for r in mine.json()["items"]] == ["270000.00"]
    assert (
        client.get("/api/v1/income/rewards?year=2025", **auth(w["researcher"])).json()["count"] == 0
    )

    own = client.get(
        "/api/v1/income/statements?institution=uni&year=2026", **auth(w["researcher"])
    ).json()
    assert (own["total"], own["taxable"], own["tax_estimate"]) == (
        "270000.00",
        "135000.00",
        "10980.00",
    )
    assert own["lines"][0]["tax_rule"]["id"] == "cs-2018-58"
    other = client.get(
        "/api/v1/income/statements?institution=uni&year=2026&name=李工", **auth(w["office"])
    ).json()
    assert other["total"] == "180000.00"
    assert (
        client.get(
            "/api/v1/income/statements?institution=uni&year=2026&name=李工", **auth(w["researcher"])
        ).status_code
        == 404
    )
    people = client.get(
        "/api/v1/income/statements/people?institution=uni&year=2026", **auth(w["office"])
    ).json()
    assert sorted(p["amount"] for p in people) == ["180000.00", "270000.00"]
    assert (
        client.get(
            "/api/v1/income/statements/people?institution=uni&year=2026", **auth(w["other_office"])
        ).status_code
        == 404
    )
    pdf = client.get(
        "/api/v1/income/statements/file?institution=uni&year=2026&format=pdf",
        **auth(w["researcher"]),
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert Distribution.objects.count() == 1


@pytest.mark.parametrize("fmt", ["doc"])
def test_statement_file_refuses_unknown_format(client, iw, fmt):
    response = client.get(
        f"/api/v1/income/statements/file?institution=uni&year=2026&format={fmt}",
        **auth(iw["researcher"]),
    )
    assert "format" in assert_api_error(response, 422, "invalid")["errors"]


def test_distribution_create_refused_leaves_nothing(client, iw):
    book(iw, "income", "contract", "1000", dt.date(2026, 3, 1))
    with Unchanged():
        response = post(
            client,
            "/api/v1/income/distributions",
            {"result": iw["result"].pk, "deal_type": "licence", "ownership_share": "0"},
            iw["office"],
        )
    assert "ownership_share" in assert_api_error(response, 422, "invalid")["errors"]
    with Unchanged():
        response = post(
            client,
            "/api/v1/income/distributions",
            {"result": iw["result"].pk, "deal_type": "licence"},
            iw["researcher"],
        )
    assert response.status_code == 404
