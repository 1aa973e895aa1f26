"""The institution dashboard's series against the hand-computed world of ``conftest``."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from datong.institutions.factories import DepartmentFactory
from datong.reports.dashboards import selectors

D = Decimal


def dash(dw, who="office", **kwargs):
    kwargs.setdefault("year_from", 2023)
    kwargs.setdefault("year_to", 2024)
    return selectors.institution_dashboard(actor=dw[who], institution=dw["uni"], **kwargs)


def rows(table) -> dict:
    return {row["key"]: row["values"] for row in table["rows"]}


def test_totals_and_years(dw):
    data = dash(dw)
    t = data["totals"]
    assert t["deals"] == 3  # c1, c2, c3; not the draft c4, not c5 of 2022, not uni2's
    assert t["contract_amount"] == D("400000.00")
    assert t["received"] == D("357000.00")  # 40 000 + 60 000 + 250 000 + c5's 7 000 of 2024
    assert (t["disclosures"], t["filings"], t["grants"]) == (3, 1, 1)
    assert (t["applications"], t["awarded"], t["awarded_amount"]) == (1, 1, D("300000.00"))
    assert (t["listings"], t["cases"], t["companies"]) == (1, 1, 2)
    assert (t["reward_cash"], t["reward_credit"]) == (D("10000.00"), D("5000.00"))
    assert (t["reward_equity"], t["reward_people"]) == (1, 3)  # the draft distribution never
    years = rows(data["tables"]["by_year"])
    assert list(years) == ["2023", "2024"]
    assert years["2023"]["deals"] == 1 and years["2023"]["contract_amount"] == D("100000.00")
    assert years["2024"]["deals"] == 2 and years["2024"]["contract_amount"] == D("300000.00")
    assert years["2023"]["received"] == D("40000.00")
    assert years["2024"]["received"] == D("317000.00")
    assert years["2023"]["reward_equity"] == 1 and years["2024"]["reward_cash"] == D("10000.00")
    assert years["2024"]["reward_credit"] == D("5000.00")  # no paid date: the distribution's


def test_types_rewards_stages(dw):
    tables = dash(dw)["tables"]
    types = rows(tables["contracts_by_type"])
    assert list(types) == ["transfer", "licence", "development"]  # in the order of the types
    assert types["licence"] == {
        "deals": 1,
        "contract_amount": D("100000.00"),
        "received": D("107000.00"),  # c1's two payments and c5's payment of 2024
    }
    assert types["transfer"]["received"] == D("250000.00")
    rewards = rows(tables["rewards_by_kind"])
    assert rewards["cash"]["amount"] == D("10000.00")
    assert rewards["research_account"]["amount"] == D("5000.00")
    assert rewards["equity"]["shares"] == D("5") and rewards["equity"]["reward_people"] == 1
    assert rows(tables["cases_by_stage"]) == {"deal": {"cases": 1}}
    assert rows(tables["ip_by_kind"]) == {"invention": {"filings": 1, "grants": 1}}
    assert rows(tables["disclosures_by_decision"]) == {
        "": {"disclosures": 1},
        "protect": {"disclosures": 2},
    }


def test_regions_count_a_contract_once_per_province(dw):
    regions = rows(dash(dw)["tables"]["by_region"])
    # c1 (Suzhou, a city code) and c3 (two buyers in Jiangsu) count once each
    assert regions["320000"] == {"deals": 2, "contract_amount": D("150000.00"), "companies": 0}
    assert regions["440000"] == {"deals": 1, "contract_amount": D("250000.00"), "companies": 1}
    assert regions["330000"]["companies"] == 1
    assert "110000" not in regions  # c5 lies outside the years


def test_industries(dw):
    industries = rows(dash(dw)["tables"]["by_industry"])
    assert industries["C"]["deals"] == 2 and industries["C"]["contract_amount"] == D("150000.00")
    assert industries["I"]["deals"] == 1 and industries["I"]["contract_amount"] == D("250000.00")
    assert industries["C"]["disclosures"] == 2 and industries["I"]["disclosures"] == 1
    assert industries["C"]["companies"] == 1 and industries["?"]["companies"] == 1
    assert industries["C"]["reward_people"] == 2 and industries["I"]["reward_people"] == 1


def test_funnel(dw):
    funnel = {s["key"]: s["value"] for s in dash(dw)["funnel"]}
    # d1 → r1: IP, listing, case, deal; d2 → r2: a contract only (counts at every stage
    # before); d3 → r3: an IP family only
    assert funnel == {"disclosed": 3, "protected": 3, "listed": 2, "interest": 2, "deal": 2}
    stages = dash(dw)["funnel"]
    assert stages[2]["of_first"] == 66.7 and stages[1]["of_previous"] == 100.0


def test_department_filter(dw):
    data = dash(dw, department=dw["mat"].pk)
    t = data["totals"]
    assert t["deals"] == 2 and t["contract_amount"] == D("150000.00")  # c1, c3 (r1)
    assert t["received"] == D("100000.00")  # c1 only: c2 is inf's, c5 has no result
    assert (t["disclosures"], t["companies"], t["applications"]) == (2, 1, 1)
    assert t["reward_people"] == 2 and t["reward_equity"] == 0
    funnel = {s["key"]: s["value"] for s in data["funnel"]}
    assert funnel == {"disclosed": 2, "protected": 2, "listed": 1, "interest": 1, "deal": 1}
    inf = dash(dw, department=dw["inf"].pk)["totals"]
    assert (inf["deals"], inf["contract_amount"], inf["received"]) == (
        1,
        D("250000.00"),
        D("250000.00"),
    )


def test_year_filter(dw):
    t = dash(dw, year_from=2024, year_to=2024)["totals"]
    assert t["deals"] == 2 and t["received"] == D("317000.00") and t["disclosures"] == 2
    t = dash(dw, year_from=2022, year_to=2022)["totals"]
    assert t["deals"] == 1 and t["contract_amount"] == D("777.00") and t["received"] == 0


def test_refusals(dw):
    with pytest.raises(Http404):
        dash(dw, who="researcher")
    with pytest.raises(Http404):
        dash(dw, who="office2")
    with pytest.raises(Http404):
        dash(dw, who="alliance_admin")
    assert dash(dw, who="admin")["totals"]["deals"] == 3
    with pytest.raises(ValidationError):
        dash(dw, year_from=2024, year_to=2023)
    with pytest.raises(ValidationError):
        dash(dw, department=DepartmentFactory(institution=dw["uni2"]).pk)  # not uni's


def test_dashboard_institutions(dw):
    assert list(selectors.dashboard_institutions(actor=dw["office"])) == [dw["uni"]]
    assert dw["uni2"] in selectors.dashboard_institutions(actor=dw["admin"])
    with pytest.raises(Http404):
        selectors.dashboard_institution(actor=dw["office"], slug="uni2")
