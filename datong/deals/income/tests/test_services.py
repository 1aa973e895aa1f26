"""Hand-computed distributions through the services: ledgers with carried-forward costs,
co-ownership, inventors not paid here, policy floors and tiers, the 36-month rule, research-
account credits, equity deals, freezing and permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from datong.core.models import AuditEntry
from datong.core.testing import Unchanged
from datong.deals.income import selectors, services
from datong.deals.income.ledger import ledger_entry_add, with_balance
from datong.deals.income.models import (
    Distribution,
    DistributionStatus,
    LedgerEntry,
    Reward,
)
from datong.results.models import ResultInventor

from .conftest import D, book

ALL_FACTS = {
    "recipients_listed": True,
    "withheld": True,
    "job_result": True,
    "contract_registered": True,
}


def rewards(distribution) -> dict[str, Reward]:
    return {r.name: r for r in distribution.rewards.all()}


def execute(w, distribution, paid_on):
    services.distribution_approve(actor=w["office"], distribution=distribution)
    return services.distribution_execute(
        actor=w["office"], distribution=distribution, paid_on=paid_on
    )


def test_licence_income_with_costs_carried_forward_over_two_distributions(iw):
    w = iw
    fees = book(w, "cost", "patent_fee", "150000", dt.date(2025, 3, 1))
    first = book(w, "income", "contract", "120000", dt.date(2025, 6, 1))
    # 1st: all of the first income, 100 000 of the 150 000 costs → net 20 000, pool 10 000.
    d1 = services.distribution_create(
        actor=w["office"],
        result=w["result"],
        deal_type="licence",
        decided_on=dt.date(2025, 6, 10),
        takings=[(first, D(120000)), (fees, D(100000))],
        tax_facts=ALL_FACTS,
    )
    assert (d1.income_total, d1.cost_total, d1.net_income) == (D(120000), D(100000), D(20000))
    assert d1.team_pool == D(10000) and d1.institution_amount == D(10000)
    assert {n: r.amount for n, r in rewards(d1).items()} == {"张研": D(6000), "李工": D(4000)}
    # The cost's remaining 50 000 carries forward; the income is used up.
    balances = {e.pk: e.remaining for e in with_balance(LedgerEntry.objects.all())}
    assert balances == {fees.pk: D(50000), first.pk: D(0)}
    second = book(w, "income", "royalty", "300000", dt.date(2026, 2, 1))
    # 2nd takes what remains: 300 000 − 50 000 = 250 000 → pool 125 000 → 75 000 / 50 000.
    d2 = services.distribution_create(
        actor=w["office"],
        result=w["result"],
        deal_type="licence",
        decided_on=dt.date(2026, 2, 15),
        tax_facts=ALL_FACTS,
    )
    assert (d2.income_total, d2.cost_total, d2.net_income) == (D(300000), D(50000), D(250000))
    assert {n: r.amount for n, r in rewards(d2).items()} == {"张研": D(75000), "李工": D(50000)}
    # Never twice: the costs deducted over both add up to the cost booked.
    assert d1.cost_total + d2.cost_total == fees.amount
    with pytest.raises(ValidationError) as excinfo, Unchanged():
        services.distribution_create(
            actor=w["office"],
            result=w["result"],
            deal_type="licence",
            takings=[(fees, D(1))],
            decided_on=dt.date(2026, 2, 16),
        )
    assert "takings" in excinfo.value.message_dict
    assert second.pk in {line.entry_id for line in d2.lines.all()}


def test_taking_more_than_the_balance_is_refused(iw):
    w = iw
    income = book(w, "income", "contract", "1000", dt.date(2026, 1, 5))
    with pytest.raises(ValidationError) as excinfo, Unchanged():
        services.distribution_create(
            actor=w["office"],
            result=w["result"],
            deal_type="transfer",
            takings=[(income, D("1000.01"))],
        )
    assert "1000.00" in excinfo.value.message_dict["takings"][0]


def test_costs_above_income_make_a_negative_net_refused(iw):
    w = iw
    income = book(w, "income", "contract", "1000", dt.date(2026, 1, 5))
    cost = book(w, "cost", "agency", "2000", dt.date(2026, 1, 5))
    with pytest.raises(ValidationError) as excinfo, Unchanged():
        services.distribution_create(
            actor=w["office"],
            result=w["result"],
            deal_type="transfer",
            takings=[(income, D(1000)), (cost, D(2000))],
        )
    assert "costs" in excinfo.value.message_dict


def test_co_owned_result_at_60_percent(iw):
    w = iw
    book(w, "income", "contract", "1000000", dt.date(2026, 3, 1))
    d = services.distribution_create(
        actor=w["office"],
        result=w["result"],
        deal_type="transfer",
        decided_on=dt.date(2026, 3, 5),
        ownership_share=D(60),
        tax_facts=ALL_FACTS,
    )
    # 1 000 000 × 60 % = 600 000 → team 300 000 → 180 000 / 120 000.
    assert d.own_net_income == D(600000) and d.team_pool == D(300000)
    assert d.institution_amount == D(300000)
    assert {n: r.amount for n, r in rewards(d).items()} == {"张研": D(180000), "李工": D(120000)}


def test_external_inventor_not_paid_here_and_shares_rescaled(iw):
    w = iw
    ResultInventor.objects.filter(pk=w["zhang"].pk).update(share=D(50))
    ResultInventor.objects.filter(pk=w["li"].pk).update(share=D(30))
    ResultInventor.objects.create(
        result=w["result"], name="外校王", share=D(20), paid_here=False, position=2
    )
    book(w, "income", "contract", "200000", dt.date(2026, 3, 1))
    d = services.distribution_create(
        actor=w["office"],
        result=w["result"],
        deal_type="transfer",
        decided_on=dt.date(2026, 3, 5),
    )
    # Pool 100 000 shared over 50 + 30 = 80: 62.5 % and 37.5 %; the external inventor gets none.
    got = rewards(d)
    assert set(got) == {"张研", "李工"}
    assert (got["张研"].amount, got["李工"].amount) == (D(62500), D(37500))
    assert got["张研"].pool_share == D("62.5")


def test_main_contributors_get_at_least_half_of_the_pool(iw):
    w = iw
    ResultInventor.objects.filter(pk=w["zhang"].pk).update(share=D(30))  # main, only 30 %
    ResultInventor.objects.filter(pk=w["li"].pk).update(share=D(70))
    book(w, "income", "contract", "200000", dt.date(2026, 3, 1))
    d = services.distribution_create(
        actor=w["office"],
        result=w["result"],
        deal_type="transfer",
        decided_on=dt.date(2026, 3, 5),
    )
    got = rewards(d)
    assert (got["张研"].amount, got["李工"].amount) == (D(50000), D(50000))
    assert any(rule["id"] == "gf-2016-16" for rule in d.rules)


def test_policy_below_the_floor_is_refused_with_the_rule_named(iw):
    w = iw
    with pytest.raises(ValidationError) as excinfo, Unchanged():
        services.policy_create(
            actor=w["office"],
            institution=w["uni"],
            version="甲大发〔2026〕1号",
            effective_from=dt.date(2026, 1, 1),
            source="甲大学科技成果转化管理办法",
            team_share=D(40),
            institution_share=D(60),
        )
    message = excinfo.value.message_dict["team_share"][0]
    assert "law-2015-art45" in message and "50" in message and "40" in message
    with pytest.raises(ValidationError) as excinfo, Unchanged():
        services.policy_create(
            actor=w["office"],
            institution=w["uni"],
            version="v2",
            effective_from=dt.date(2026, 1, 1),
            source="办法",
            team_share=D(70),
            institution_share=D(30),
            tiers=[{"up_to": "1000000", "team": "70"}, {"up_to": None, "team": "45"}],
        )
    assert "law-2015-art45" in excinfo.value.message_dict["tiers"][0]
    with pytest.raises(ValidationError) as excinfo:
        services.policy_create(
            actor=w["office"],
            institution=w["uni"],
            version="v3",
            effective_from=dt.date(2026, 1, 1),
            source="办法",
            team_share=D(70),
            institution_share=D(20),
        )
    assert "90" in excinfo.value.message_dict["__all__"][0]


def test_policy_tiers_are_marginal_and_independent_of_grouping(iw):
    w = iw
    policy = services.policy_create(
        actor=w["office"],
        institution=w["uni"],
        version="甲大发〔2025〕8号",
        effective_from=dt.date(2025, 1, 1),
        source="甲大学科技成果转化收益分配办法",
        team_share=D(70),
        institution_share=D(20),
        department_share=D(5),
        office_share=D(5),
        tiers=[{"up_to": "1000000", "team": "70"}, {"up_to": None, "team": "60"}],
    )
    a = book(w, "income", "contract", "750000", dt.date(2026, 1, 10))
    b = book(w, "income", "contract", "750000", dt.date(2026, 4, 10))
    d1 = services.distribution_create(
        actor=w["office"],
        result=w["result"],
        deal_type="licence",
        decided_on=dt.date(2026, 1, 20),
        takings=[(a, D(750000))],
    )
    d2 = services.distribution_create(
        actor=w["office"],
        result=w["result"],
        deal_type="licence",
        decided_on=dt.date(2026, 4, 20),
        takings=[(b, D(750000))],
    )
    # In one go: 1 000 000 × 70 % + 500 000 × 60 % = 1 000 000. In two: 525 000 + 475 000.
    assert (d1.team_pool, d2.team_pool) == (D(525000), D(475000))
    assert d1.policy == policy and any(r["id"].startswith("policy:uni:") for r in d1.rules)
    # The rest goes 20 : 5 : 5 to the institution, the department and the office.
    assert (d1.institution_amount, d1.department_amount, d1.office_amount) == (
        D(150000),
        D("37500"),
        D("37500"),
    )


def test_reward_paid_after_36_months_loses_the_half_rate(iw):
    w = iw
    book(w, "income", "contract", "200000", dt.date(2022, 1, 10))
    d = services.distribution_create(
        actor=w["office"],
        result=w["result"],
        deal_type="licence",
        decided_on=dt.date(2022, 2, 1),
        tax_facts=ALL_FACTS,
    )
    # Paid on the last day of the 36 months: half of 60 000 is taxable → 30 000 × 3 % = 900.
    preview = rewards(d)["张研"]
    assert preview.amount == D(60000) and preview.taxable == D(30000)
    execute(w, d, dt.date(2025, 2, 1))
    late = rewards(d)["张研"]
    # Paid 2025-02-01, after 2025-01-10: the whole 60 000 is taxable → 60 000 × 10 % − 2 520.
    assert late.taxable == D(60000) and late.tax_estimate == D(3480)
    failing = [c["code"] for c in late.conditions if not c["holds"]]
    assert failing == ["within_months"]
    assert late.tax_rule == "cs-2018-58" and late.paid_on == dt.date(2025, 2, 1)


def test_reward_within_36_months_is_half_taxable(iw):
    w = iw
    book(w, "income", "contract", "200000", dt.date(2022, 1, 10))
    d = services.distribution_create(
        actor=w["office"],
        result=w["result"],
        deal_type="licence",
        decided_on=dt.date(2022, 2, 1),
        tax_facts=ALL_FACTS,
    )
    execute(w, d, dt.date(2025, 1, 10))
    on_time = rewards(d)["张研"]
    assert on_time.taxable == D(30000) and on_time.tax_estimate == D(900)
    assert all(c["holds"] for c in on_time.conditions)


def test_unregistered_contract_or_unknown_facts_tax_the_whole_reward(iw):
    w = iw
    book(w, "income", "contract", "200000", dt.date(2026, 1, 10))
    d = services.distribution_create(
        actor=w["office"],
        result=w["result"],
        deal_type="licence",
        decided_on=dt.date(2026, 2, 1),
    )
    zhang = rewards(d)["张研"]
    assert zhang.taxable == zhang.amount == D(60000)
    unknown = {c["code"] for c in zhang.conditions if c["holds"] is None}
    assert {"listed", "withheld"} <= unknown


def test_research_account_credit_is_not_taxed(iw):
    w = iw
    book(w, "income", "contract", "200000", dt.date(2026, 1, 10))
    d = services.distribution_create(
        actor=w["office"],
        result=w["result"],
        deal_type="licence",
        decided_on=dt.date(2026, 2, 1),
        tax_facts=ALL_FACTS,
        channels={w["li"].pk: "research_account"},
    )
    got = rewards(d)
    assert got["李工"].amount == D(40000)
    assert (got["李工"].taxable, got["李工"].tax_estimate, got["李工"].conditions) == (
        D(0),
        D(0),
        [],
    )
    assert got["张研"].taxable == D(30000) and got["张研"].tax_estimate == D(900)


def test_equity_deal_distributes_shares_the_same_way(iw):
    w = iw
    book(w, "income", "equity", "2000000", dt.date(2026, 5, 1))
    d = services.distribution_create(
        actor=w["office"],
        result=w["result"],
        deal_type="equity",
        decided_on=dt.date(2026, 5, 10),
        shares_obtained=D(20),
        deferrals={w["zhang"].pk: True},
    )
    # 20 % of the company obtained, 50 % of it to the team: 10 % → 6 % and 4 %.
    assert d.team_shares == D(10)
    got = rewards(d)
    assert (got["张研"].shares, got["李工"].shares) == (D(6), D(4))
    assert (got["张研"].amount, got["李工"].amount) == (D(600000), D(400000))
    assert got["张研"].taxable == D(0) and got["张研"].tax_rule == "cs-1999-45"
    assert got["张研"].deferral_elected and not got["李工"].deferral_elected
    assert {"cs-1999-45", "cs-2016-101"} <= {r["id"] for r in d.rules}
    with pytest.raises(ValidationError):
        services.distribution_create(
            actor=w["office"],
            result=w["result"],
            deal_type="equity",
            shares_obtained=None,
        )


def test_lifecycle_freezes_after_execution_and_cancel_releases(iw):
    w = iw
    income = book(w, "income", "contract", "100000", dt.date(2026, 1, 10))
    d = services.distribution_create(
        actor=w["office"],
        result=w["result"],
        deal_type="transfer",
        decided_on=dt.date(2026, 2, 1),
    )
    services.distribution_cancel(actor=w["office"], distribution=d, reason="金额有误")
    assert with_balance(LedgerEntry.objects.filter(pk=income.pk)).get().remaining == D(100000)
    d = services.distribution_create(
        actor=w["office"],
        result=w["result"],
        deal_type="transfer",
        decided_on=dt.date(2026, 2, 2),
    )
    with pytest.raises(ValidationError):  # not approved yet
        services.distribution_execute(actor=w["office"], distribution=d)
    execute(w, d, dt.date(2026, 2, 3))
    d.refresh_from_db()
    assert d.status == DistributionStatus.EXECUTED and d.is_frozen
    with pytest.raises(ValidationError), Unchanged():
        services.distribution_update(actor=w["office"], distribution=d, ownership_share=D(50))
    with pytest.raises(ValidationError), Unchanged():
        services.distribution_cancel(actor=w["office"], distribution=d, reason="x")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "income.distribution_create",
        "income.distribution_approve",
        "income.distribution_execute",
        "income.distribution_cancel",
    } <= actions


def test_update_recomputes_a_draft(iw):
    w = iw
    book(w, "income", "contract", "100000", dt.date(2026, 1, 10))
    d = services.distribution_create(
        actor=w["office"],
        result=w["result"],
        deal_type="transfer",
        decided_on=dt.date(2026, 2, 1),
    )
    d = services.distribution_update(actor=w["office"], distribution=d, ownership_share=D(50))
    assert d.team_pool == D(25000)
    assert Distribution.objects.get(pk=d.pk).lines.get().amount == D(100000)


def test_outsiders_are_refused(iw):
    w = iw
    with pytest.raises(PermissionDenied), Unchanged():
        ledger_entry_add(
            actor=w["researcher"],
            result=w["result"],
            kind="income",
            category="contract",
            date=dt.date(2026, 1, 1),
            amount=D(1),
        )
    book(w, "income", "contract", "100000", dt.date(2026, 1, 10))
    for who in ("researcher", "other_office"):
        with pytest.raises(PermissionDenied), Unchanged():
            services.distribution_create(actor=w[who], result=w["result"], deal_type="transfer")
        with pytest.raises(PermissionDenied), Unchanged():
            services.policy_create(
                actor=w[who],
                institution=w["uni"],
                version="x",
                effective_from=dt.date(2026, 1, 1),
                source="x",
                team_share=D(50),
                institution_share=D(50),
            )
    d = services.distribution_create(actor=w["office"], result=w["result"], deal_type="transfer")
    assert not selectors.distribution_list(actor=w["other_office"]).exists()
    assert not selectors.distribution_list(actor=w["researcher"]).exists()
    assert selectors.distribution_list(actor=w["office"]).get() == d


def test_statement_lists_a_persons_executed_rewards_of_the_year(iw):
    w = iw
    book(w, "income", "contract", "200000", dt.date(2026, 1, 10))
    d = services.distribution_create(
        actor=w["office"],
        result=w["result"],
        deal_type="licence",
        decided_on=dt.date(2026, 2, 1),
        tax_facts=ALL_FACTS,
    )
    # Drafts do not count.
    empty = selectors.statement(
        actor=w["researcher"], year=2026, institution=w["uni"], user=w["researcher"]
    )
    assert empty["rows"] == []
    execute(w, d, dt.date(2026, 3, 1))
    mine = selectors.statement(
        actor=w["researcher"], year=2026, institution=w["uni"], user=w["researcher"]
    )
    assert [r.amount for r in mine["rows"]] == [D(60000)]
    assert (mine["taxable"], mine["tax_estimate"]) == (D(30000), D(900))
    # The researcher does not see 李工's statement; the office does.
    assert (
        selectors.statement(actor=w["researcher"], year=2026, institution=w["uni"], name="李工")[
            "rows"
        ]
        == []
    )
    theirs = selectors.statement(actor=w["office"], year=2026, institution=w["uni"], name="李工")
    assert theirs["total"] == D(40000)
    people = selectors.statement_people(actor=w["office"], institution=w["uni"], year=2026)
    assert {p["name"] for p in people} == {"张研", "李工"}


def test_registration_is_read_from_the_contracts_the_income_came_from(iw):
    from datong.deals.models import Contract

    w = iw
    facts = {"recipients_listed": True, "withheld": True}
    contract = Contract.objects.create(
        institution=w["uni"],
        number="XK-1",
        title="许可",
        contract_type="licence",
        amount=D(200000),
    )
    ledger_entry_add(
        actor=w["office"],
        result=w["result"],
        kind="income",
        category="contract",
        date=dt.date(2026, 1, 10),
        amount=D(200000),
        contract=contract,
    )
    unregistered = services.distribution_create(
        actor=w["office"],
        result=w["result"],
        deal_type="licence",
        decided_on=dt.date(2026, 2, 1),
        tax_facts={**facts, "contract_registered": True},
    )
    # The record wins over a typed fact: the contract is not registered.
    assert rewards(unregistered)["张研"].taxable == D(60000)
    services.distribution_cancel(actor=w["office"], distribution=unregistered, reason="重算")
    Contract.objects.filter(pk=contract.pk).update(registration_number="2026110000001234")
    registered = services.distribution_create(
        actor=w["office"],
        result=w["result"],
        deal_type="licence",
        decided_on=dt.date(2026, 2, 1),
        tax_facts=facts,
    )
    assert rewards(registered)["张研"].taxable == D(30000)
