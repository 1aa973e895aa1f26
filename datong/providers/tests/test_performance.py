"""Measured performance from the filings: figures, case counts, and nothing below 3 cases."""

from __future__ import annotations

import pytest

from datong.providers import performance
from datong.providers.tests.conftest import add_filing

pytestmark = pytest.mark.django_db


def test_agency_figures_on_the_hand_built_fixture(world):
    perf = performance.performance_for(world["agency_a"].pk)
    assert perf.cases == 4
    assert perf.grant_rate.cases == 3  # 2 granted + 1 rejected; the pending one is not decided
    assert perf.grant_rate.percent == 67
    assert perf.fee_ratio.cases == 4
    assert perf.fee_ratio.value == pytest.approx(6500 / 5000)
    # Only two grants: the time to grant is not shown.
    assert perf.months_to_grant.cases == 2
    assert not perf.months_to_grant.shown
    assert perf.as_dict()["months_to_grant"] == {"value": None, "cases": 2}


def test_median_months_to_grant_and_cheaper_fees(world):
    perf = performance.performance_for(world["agency_b"].pk)
    assert perf.grant_rate.percent == 100
    assert perf.months_to_grant.shown
    assert perf.months_to_grant.value == pytest.approx(425 / (365.25 / 12), rel=1e-6)
    assert perf.fee_ratio.value == pytest.approx(0.8)


def test_fewer_than_three_cases_show_nothing(world):
    law = world["law"]
    for serial, granted in ((31, True), (32, False)):
        import datetime as dt

        add_filing(
            world["office"],
            world["family"],
            law,
            serial,
            dt.date(2019, 6, 1),
            granted=dt.date(2020, 6, 1) if granted else None,
            rejected=None if granted else dt.date(2020, 6, 1),
            fee=3000,
        )
    perf = performance.performance_for(law.pk)
    assert perf.cases == 2
    assert not perf.enough_cases
    assert not perf.grant_rate.shown and perf.grant_rate.percent is None
    assert not perf.fee_ratio.shown
    data = perf.as_dict()
    assert data["grant_rate"] == {"value": None, "cases": 2}
    assert data["enough_cases"] is False


def test_an_agency_without_filings(world):
    perf = performance.performance_for(world["law"].pk)
    assert perf.cases == 0 and not perf.grant_rate.shown
