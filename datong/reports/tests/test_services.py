"""Narrative text and the check before export."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from datong.core.audit import history_for
from datong.core.testing import Unchanged
from datong.reports import selectors, services
from datong.reports.models import ReportNarrative

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def test_office_staff_write_and_rewrite_a_narrative(rw):
    first = services.narrative_save(
        actor=rw["office"], institution=rw["uni"], year=YEAR, section="work", text=" 第一稿 "
    )
    assert first.text == "第一稿"
    again = services.narrative_save(
        actor=rw["office"], institution=rw["uni"], year=YEAR, section="work", text="第二稿"
    )
    assert again.pk == first.pk and again.text == "第二稿"
    entries = list(history_for(again))
    assert [e.action for e in entries] == ["reports.narrative", "reports.narrative"]
    assert entries[0].changes["text"] == ["第一稿", "第二稿"]


@pytest.mark.parametrize("who", ["researcher", "other_office", "alliance"])
def test_others_cannot_write_the_narrative(rw, who):
    with Unchanged(), pytest.raises(PermissionDenied):
        services.narrative_save(
            actor=rw[who], institution=rw["uni"], year=YEAR, section="work", text="x"
        )


@pytest.mark.parametrize(
    "section, text, field",
    [("conversion", "x", "section"), ("work", "长" * 20001, "text"), ("nowhere", "x", "section")],
)
def test_invalid_narratives_are_refused_and_leave_nothing(rw, section, text, field):
    with Unchanged(), pytest.raises(ValidationError) as info:
        services.narrative_save(
            actor=rw["office"], institution=rw["uni"], year=YEAR, section=section, text=text
        )
    assert field in info.value.message_dict
    assert not ReportNarrative.objects.exists()


def test_the_check_finds_the_records_that_would_make_the_report_wrong(rw):
    groups = {
        g.code: [i.label for i in g.items]
        for g in selectors.report_check(actor=rw["office"], institution=rw["uni"], year=YEAR)
    }
    assert groups["contract_type"] == ["C11"]
    assert groups["contract_amount"] == ["C7"]
    assert groups["signed_undated"] == ["C8"]
    assert groups["payment_undated"] == []
    assert groups["reward_unnamed"] == ["D3"]
    assert groups["conversion_no_results"] == ["C5"]
    assert groups["payment_early"] == []


def test_the_check_links_each_record(rw):
    groups = selectors.report_check(actor=rw["office"], institution=rw["uni"], year=YEAR)
    item = next(g for g in groups if g.code == "conversion_no_results").items[0]
    assert item.url == f"/deals/contracts/{rw['contracts']['C5'].pk}/"


def test_a_payment_before_signing_is_found(rw):
    from datong.deals.models import Payment

    Payment.objects.create(
        contract=rw["contracts"]["C4"], received_on="2025-01-10", amount="1000.00"
    )
    groups = selectors.report_check(actor=rw["office"], institution=rw["uni"], year=YEAR)
    assert [i.label for i in next(g for g in groups if g.code == "payment_early").items] == ["C4"]


@pytest.mark.parametrize("who", ["researcher", "other_office", "alliance"])
def test_the_check_is_for_the_office_only(rw, who):
    with pytest.raises(PermissionDenied):
        selectors.report_check(actor=rw[who], institution=rw["uni"], year=YEAR)
