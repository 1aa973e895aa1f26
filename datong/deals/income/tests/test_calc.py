"""The pure engine: allocation, marginal tiers, the income-tax table, the 58号 conditions and
the data-driven rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from datong.deals.income import calc, rules

D = Decimal
ON = dt.date(2026, 6, 1)


def shares(**kwargs) -> calc.Shares:
    base = calc.statutory_shares("licence", ON)
    return calc.Shares(**{**base.__dict__, **kwargs})


def test_statutory_default_is_half_to_the_team():
    s = calc.statutory_shares("transfer", ON)
    assert (s.team, s.institution, s.equity_team, s.main_contributors) == (
        D(50),
        D(50),
        D(50),
        D(50),
    )
    assert s.citation["id"] == "law-2015-art45"


def test_allocate_adds_up_and_breaks_ties_to_the_first():
    assert calc.allocate(D("100.00"), [D(1)] * 3) == [D("33.34"), D("33.33"), D("33.33")]
    assert calc.allocate(D("0.00"), [D(1), D(2)]) == [D("0.00"), D("0.00")]


@given(
    st.decimals(min_value=0, max_value=10**9, places=2),
    st.lists(st.decimals(min_value="0.01", max_value=100, places=2), min_size=1, max_size=8),
)
def test_allocate_parts_always_sum_to_the_whole(total, weights):
    parts = calc.allocate(total, weights)
    assert sum(parts) == total and all(p >= 0 for p in parts)


def test_tiers_apply_band_by_band():
    tiered = shares(tiers=((D(1000000), D(70)), (None, D(60))))
    assert calc.team_pool(D(1500000), tiered, "licence") == D(1000000)
    assert calc.team_pool(D(400000), tiered, "licence") == D(280000)


@given(
    st.lists(st.decimals(min_value="0.01", max_value=3_000_000, places=2), min_size=1, max_size=5)
)
def test_tiers_do_not_depend_on_how_income_is_grouped(parts):
    tiered = shares(tiers=((D(500000), D(80)), (D(2000000), D(65)), (None, D(55))))
    one = calc.compute(
        deal_type="licence",
        income=sum(parts),
        costs=D(0),
        on=ON,
        shares=tiered,
        inventors=[calc.Inventor("甲", D(100))],
    )
    prior, pools = D(0), []
    for part in parts:
        out = calc.compute(
            deal_type="licence",
            income=part,
            costs=D(0),
            on=ON,
            shares=tiered,
            inventors=[calc.Inventor("甲", D(100))],
            prior_net=prior,
        )
        pools.append(out.team_pool)
        prior += out.own_net_income
    # Each distribution rounds to the fen once.
    assert abs(sum(pools) - one.team_pool) <= D("0.01") * len(parts)


@pytest.mark.parametrize(
    ("taxable", "tax"),
    [
        (D(36000), D(1080)),  # 3 %
        (D(36001), D("1080.10")),  # 10 % − 2 520
        (D(135000), D(10980)),
        (D(1000000), D(268080)),  # 45 % − 181 920
        (D(0), D(0)),
    ],
)
def test_income_tax_brackets(taxable, tax):
    assert calc.income_tax(taxable, ON)[0] == tax


def test_income_tax_is_marginal_on_other_income():
    # With 100 000 of other income, 50 000 more is taxed 10 % up to 144 000, 20 % above.
    extra, entry = calc.income_tax(D(50000), ON, other_income=D(100000))
    assert extra == D(44000) * D("0.10") + D(6000) * D("0.20")
    assert entry["id"] == "iit-2019-annual" and entry["verify"] is True


def facts(**kwargs) -> calc.TaxFacts:
    base = dict(
        ip_types=("invention_patent",),
        payer_kind="university",
        income_received_on=dt.date(2026, 3, 1),
        paid_on=dt.date(2026, 5, 1),
        contract_registered=True,
        recipients_listed=True,
        withheld=True,
    )
    return calc.TaxFacts(**{**base, **kwargs})


def test_each_58_condition_can_fail_on_its_own():
    codes = {
        "ip_type": {"ip_types": ("technical_secret",)},
        "payer": {"payer_kind": "enterprise"},
        "within_months": {"paid_on": dt.date(2029, 3, 2)},
        "registered": {"contract_registered": False},
        "listed": {"recipients_listed": False},
        "withheld": {"withheld": None},
        "job_result": {"job_result": False},
    }
    for code, change in codes.items():
        conditions, entry = calc.tax_conditions("licence", facts(**change), ON)
        failing = [c.code for c in conditions if not c.holds]
        assert failing == [code], code
        assert entry["id"] == "cs-2018-58"
    assert all(c.holds for c in calc.tax_conditions("transfer", facts(), ON)[0])
    assert [c.code for c in calc.tax_conditions("equity", facts(), ON)[0] if not c.holds] == [
        "deal_type"
    ]


def test_36_months_counts_calendar_months():
    ok = facts(income_received_on=dt.date(2023, 2, 28), paid_on=dt.date(2026, 2, 28))
    late = facts(income_received_on=dt.date(2023, 2, 28), paid_on=dt.date(2026, 3, 1))
    assert all(c.holds for c in calc.tax_conditions("licence", ok, ON)[0])
    assert not all(c.holds for c in calc.tax_conditions("licence", late, ON)[0])


def test_no_inventor_paid_here_is_an_error():
    with pytest.raises(calc.RewardError) as excinfo:
        calc.compute(
            deal_type="transfer",
            income=D(100),
            costs=D(0),
            on=ON,
            shares=calc.statutory_shares("transfer", ON),
            inventors=[calc.Inventor("外", D(100), paid_here=False)],
        )
    assert excinfo.value.field == "inventors"


def test_rules_in_force_are_chosen_by_date(monkeypatch):
    fake = {
        "reward_floors": [
            {
                "id": "old",
                "effective_from": "2015-10-01",
                "province": "",
                "source": "law",
                "floors": {"transfer": "50", "licence": "50", "equity": "50"},
            },
            {
                "id": "prov",
                "effective_from": "2024-01-01",
                "province": "430000",
                "source": "province",
                "floors": {"transfer": "70", "licence": "70", "equity": "70"},
            },
        ],
    }
    monkeypatch.setattr(rules, "_load", lambda: fake)
    assert rules.reward_floor("licence", ON, "430000") == (D(70), fake["reward_floors"][1])
    assert rules.reward_floor("licence", ON, "110000")[0] == D(50)
    assert rules.reward_floor("licence", dt.date(2023, 1, 1), "430000")[0] == D(50)
