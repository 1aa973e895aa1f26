"""Services of companies and equity investments: allowed and refused paths."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from datong.core.models import AuditEntry
from datong.core.testing import Unchanged
from datong.results.models import TimelineEvent
from datong.ventures import selectors, services
from datong.ventures.models import (
    Company,
    CompanyState,
    EquityStep,
    HolderKind,
    Shareholding,
)
from datong.ventures.tests.conftest import days_ago, make_company, run_to_registration

pytestmark = pytest.mark.django_db

VALID_CODE = "91110108MA01ABCD2X"


def _valid_code() -> str:
    from datong.institutions.credit_code import check_character

    return "91110108MA01ABCD2" + check_character("91110108MA01ABCD2")


# --- companies -------------------------------------------------------------------------------


def test_create_a_company_with_its_facts_and_a_timeline_event(vw):
    company = make_company(
        vw,
        credit_code=_valid_code(),
        incubator=vw["park"].pk,
        industry="65",
        approved_on=days_ago(10),
    )
    assert company.state == CompanyState.PREPARING
    assert company.industry.code == "65" and company.incubator == vw["park"]
    assert company.state_since == days_ago(10)
    assert AuditEntry.objects.filter(action="ventures.company_create").count() == 1
    event = TimelineEvent.objects.get(result=vw["result"], kind="company.created")
    assert company.name in event.summary


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"credit_code": "91110108MA01ABCD21"}, "credit_code"),
        ({"region": "119999"}, "region"),
        ({"industry": "ZZ"}, "industry"),
        ({"listing_status": "star"}, "stock_code"),
    ],
)
def test_a_bad_company_is_refused_and_nothing_written(vw, data, field):
    with Unchanged(), pytest.raises(ValidationError) as info:
        make_company(vw, **data) if "name" not in data else services.company_create(
            actor=vw["office"], institution=vw["uni"], data=data
        )
    assert field in info.value.message_dict


def test_results_of_another_institution_cannot_be_linked(vw):
    with Unchanged(), pytest.raises(ValidationError) as info:
        services.company_create(
            actor=vw["office"],
            institution=vw["uni"],
            data={"name": "某公司"},
            results=[vw["other_result"]],
        )
    assert "results" in info.value.message_dict


@pytest.mark.parametrize("who", ["researcher", "other_office"])
def test_only_the_office_of_the_institution_writes(vw, who):
    company = make_company(vw)
    with Unchanged():
        with pytest.raises(PermissionDenied):
            services.company_create(actor=vw[who], institution=vw["uni"], data={"name": "x"})
        with pytest.raises(PermissionDenied):
            services.company_update(actor=vw[who], company=company, data={"city": "上海"})
        with pytest.raises(PermissionDenied):
            services.company_state_change(
                actor=vw[who], company=company, state="active", on=days_ago(1)
            )


def test_state_machine_allowed_path(vw):
    company = make_company(vw, approved_on=days_ago(100))
    office = vw["office"]
    company = services.company_state_change(
        actor=office, company=company, state="active", on=days_ago(90)
    )
    assert company.incorporated_on == days_ago(90) and company.state_since == days_ago(90)
    company = services.company_state_change(actor=office, company=company, state="dormant")
    company = services.company_state_change(actor=office, company=company, state="active")
    company = services.company_state_change(
        actor=office, company=company, state="dissolved", on=days_ago(1)
    )
    assert company.state == CompanyState.DISSOLVED and company.dissolved_on == days_ago(1)
    kinds = list(TimelineEvent.objects.filter(result=vw["result"]).values_list("kind", flat=True))
    assert kinds == [
        "company.created",
        "company.incorporated",
        "company.state",
        "company.state",
        "company.state",
    ]
    assert AuditEntry.objects.filter(action="ventures.company_state").count() == 4


def test_refusal_needs_a_reason(vw):
    company = make_company(vw)
    with Unchanged(), pytest.raises(ValidationError) as info:
        services.company_state_change(actor=vw["office"], company=company, state="refused")
    assert "reason" in info.value.message_dict
    company = services.company_state_change(
        actor=vw["office"], company=company, state="refused", reason="市场前景不明"
    )
    assert company.refusal_reason == "市场前景不明"


@pytest.mark.parametrize(
    ("start", "target", "kwargs", "field"),
    [
        ("preparing", "active", {}, "on"),  # no incorporation date
        ("preparing", "dormant", {}, "state"),
        ("preparing", "dissolved", {"on": "2025-01-01"}, "state"),
        ("active", "preparing", {}, "state"),
        ("active", "dissolved", {}, "on"),  # no date
        ("refused", "active", {"on": "2025-01-01"}, "state"),
        ("dissolved", "active", {"on": "2025-01-01"}, "state"),
    ],
)
def test_state_machine_refused(vw, start, target, kwargs, field):
    company = make_company(vw)
    Company.objects.filter(pk=company.pk).update(state=start)
    company.refresh_from_db()
    with Unchanged(), pytest.raises(ValidationError) as info:
        services.company_state_change(actor=vw["office"], company=company, state=target, **kwargs)
    assert field in info.value.message_dict


def test_listing_needs_an_incorporated_company_and_appears_on_the_timeline(vw):
    company = make_company(vw)
    listing = {"listing_status": "star", "stock_code": "688999", "listed_on": days_ago(5)}
    with Unchanged(), pytest.raises(ValidationError) as info:
        services.company_update(actor=vw["office"], company=company, data=listing)
    assert "listing_status" in info.value.message_dict
    services.company_state_change(
        actor=vw["office"], company=company, state="active", on=days_ago(400)
    )
    company = services.company_update(actor=vw["office"], company=company, data=listing)
    assert company.listing_status == "star"
    assert TimelineEvent.objects.filter(kind="company.listed", result=vw["result"]).exists()


# --- founders, board, rounds ---------------------------------------------------------------


def test_founders_on_leave_need_dates_and_count_in_the_year(vw):
    company = make_company(vw)
    with Unchanged(), pytest.raises(ValidationError) as info:
        services.founder_add(
            actor=vw["office"], company=company, data={"name": "张研", "on_leave": True}
        )
    assert "leave_from" in info.value.message_dict
    services.founder_add(
        actor=vw["office"],
        company=company,
        data={"name": "张研", "role": "董事长", "on_leave": True, "leave_from": days_ago(10)},
    )
    services.founder_add(actor=vw["office"], company=company, data={"name": "李工"})
    year = days_ago(10).year
    names = [f.name for f in selectors.founders_on_leave(actor=vw["office"], year=year)]
    assert names == ["张研"]
    assert list(selectors.founders_on_leave(actor=vw["other_office"], year=year)) == []


def test_rounds_need_a_positive_amount_and_a_consistent_valuation(vw):
    company = make_company(vw)
    data = {"name": "天使轮", "closed_on": days_ago(3), "amount": "5000000"}
    with Unchanged(), pytest.raises(ValidationError):  # not yet incorporated
        services.round_add(actor=vw["office"], company=company, data=data)
    services.company_state_change(
        actor=vw["office"], company=company, state="active", on=days_ago(30)
    )
    with Unchanged():
        for bad, field in (
            ({"amount": "0"}, "amount"),
            ({"post_money": "4000000"}, "post_money"),
        ):
            with pytest.raises(ValidationError) as info:
                services.round_add(actor=vw["office"], company=company, data={**data, **bad})
            assert field in info.value.message_dict
    financing = services.round_add(
        actor=vw["office"], company=company, data={**data, "post_money": "25000000"}
    )
    assert financing.amount == Decimal("5000000.00")
    assert TimelineEvent.objects.filter(kind="company.round").count() == 1


def test_board_seats(vw):
    company = make_company(vw)
    seat = services.board_seat_add(
        actor=vw["office"],
        company=company,
        data={"name": "刘办", "for_institution": True, "role": "董事", "since": days_ago(20)},
    )
    with Unchanged(), pytest.raises(ValidationError):
        services.board_seat_end(actor=vw["office"], seat=seat, until=days_ago(30))
    services.board_seat_end(actor=vw["office"], seat=seat, until=days_ago(1))
    assert selectors.board_on(company) == []


# --- shareholdings ------------------------------------------------------------------------------


def test_a_new_holding_closes_the_previous_one(vw):
    company = make_company(vw)
    office = vw["office"]
    services.shareholding_set(
        actor=office,
        company=company,
        holder_kind="investor",
        holder_name="某创投",
        percentage="20",
        capital="200000",
        contribution="cash",
        since=days_ago(100),
    )
    services.shareholding_set(
        actor=office,
        company=company,
        holder_kind="investor",
        holder_name="某创投",
        percentage="15",
        contribution="cash",
        since=days_ago(50),
    )
    rows = list(Shareholding.objects.filter(holder_name="某创投").order_by("since"))
    assert [r.until for r in rows] == [days_ago(50), None]
    assert selectors.cap_table(company, days_ago(60))["total"] == Decimal("20")
    assert selectors.cap_table(company)["total"] == Decimal("15")


def test_a_cap_table_over_100_percent_is_refused_with_the_total(vw):
    company = make_company(vw)
    office = vw["office"]
    services.shareholding_set(
        actor=office,
        company=company,
        holder_kind="team",
        holder_name="张研",
        percentage="60",
        contribution="in_kind",
        since=days_ago(100),
    )
    # a later holding of 30 % is fine today but not together with 50 % from an earlier date
    services.shareholding_set(
        actor=office,
        company=company,
        holder_kind="investor",
        holder_name="甲创投",
        percentage="30",
        contribution="cash",
        since=days_ago(10),
    )
    with Unchanged(), pytest.raises(ValidationError) as info:
        services.shareholding_set(
            actor=office,
            company=company,
            holder_kind="investor",
            holder_name="乙基金",
            percentage="15",
            contribution="cash",
            since=days_ago(50),
        )
    message = info.value.message_dict["percentage"][0]
    assert "105" in message and days_ago(10).isoformat() in message
    assert Shareholding.objects.filter(company=company, until__isnull=False).count() == 0


def test_the_institution_holding_sets_entry_and_exit(vw):
    company = make_company(vw)
    office = vw["office"]
    name = vw["uni"].name
    services.shareholding_set(
        actor=office,
        company=company,
        holder_kind="institution",
        holder_name=name,
        percentage="10",
        contribution="in_kind",
        since=days_ago(300),
    )
    company.refresh_from_db()
    assert company.entered_on == days_ago(300)
    services.shareholding_set(
        actor=office,
        company=company,
        holder_kind="institution",
        holder_name=name,
        percentage="0",
        contribution="in_kind",
        since=days_ago(3),
    )
    company.refresh_from_db()
    assert company.exited_on == days_ago(3)
    assert selectors.institution_holdings(actor=office, on=days_ago(5))[0]["percentage"] == 10
    assert selectors.institution_holdings(actor=office) == []


# --- equity investment ----------------------------------------------------------------------------


def test_an_evaluator_outside_the_directory_is_refused(vw):
    company = make_company(vw)
    inv = services.equity_investment_create(actor=vw["office"], company=company)
    for evaluator in (vw["lawyer"], vw["other"], None):
        with Unchanged(), pytest.raises(ValidationError) as info:
            services.equity_appraisal_record(
                actor=vw["office"],
                investment=inv,
                evaluator=evaluator,
                appraised_value="100",
                report_number="R1",
                appraised_on=days_ago(1),
            )
        assert "evaluator" in info.value.message_dict
    with Unchanged(), pytest.raises(ValidationError) as info:
        services.equity_appraisal_record(
            actor=vw["office"],
            investment=inv,
            evaluator=vw["evaluator"],
            appraised_value="0",
            report_number="R1",
            appraised_on=days_ago(1),
        )
    assert "appraised_value" in info.value.message_dict


def test_incomplete_approvals_are_refused(vw):
    company = make_company(vw)
    office = vw["office"]
    inv = services.equity_investment_create(actor=office, company=company)
    inv = services.equity_appraisal_record(
        actor=office,
        investment=inv,
        evaluator=vw["evaluator"],
        appraised_value="100",
        report_number="R1",
        appraised_on=days_ago(5),
    )
    with Unchanged(), pytest.raises(ValidationError) as info:
        services.equity_approvals_complete(actor=office, investment=inv)
    assert "approvals" in info.value.message_dict
    services.equity_approval_record(
        actor=office, investment=inv, body="校长办公会", decision="approved", on=days_ago(4)
    )
    inv = services.equity_approval_record(
        actor=office, investment=inv, body="党委常委会", decision="pending", on=days_ago(3)
    )
    with Unchanged(), pytest.raises(ValidationError) as info:
        services.equity_approvals_complete(actor=office, investment=inv)
    assert "党委常委会" in info.value.message_dict["approvals"][0]
    # steps cannot be skipped either
    with Unchanged(), pytest.raises(ValidationError):
        services.equity_filing_record(
            actor=office, investment=inv, filing_number="X", filed_on=days_ago(1)
        )
    inv = services.equity_approval_record(
        actor=office, investment=inv, body="党委常委会", decision="approved", on=days_ago(2)
    )
    assert len(inv.approvals) == 2
    inv = services.equity_approvals_complete(actor=office, investment=inv)
    assert inv.step == EquityStep.FILING


def test_a_team_part_below_the_floor_is_refused_with_the_rule_named(vw):
    company = make_company(vw)
    inv = run_to_registration(vw, company)
    floor, rule = services.team_floor(vw["uni"], inv.registered_on)
    assert floor >= Decimal("50")
    with Unchanged(), pytest.raises(ValidationError) as info:
        services.equity_complete(
            actor=vw["office"], investment=inv, shares_total="20", team_percentage="9"
        )
    message = info.value.message_dict["team_percentage"][0]
    assert rule["id"] in message
    assert not Shareholding.objects.exists()


def test_an_equity_deal_end_to_end(vw):
    company = make_company(vw, registered_capital="10000000")
    office = vw["office"]
    inv = run_to_registration(vw, company)
    company.refresh_from_db()
    # the registration incorporated the company in preparation
    assert company.state == CompanyState.ACTIVE and company.incorporated_on == days_ago(30)
    inv = services.equity_complete(
        actor=office,
        investment=inv,
        shares_total="30",
        team_percentage="21",
        team_holder_name="张研团队",
    )
    assert inv.step == EquityStep.DONE
    assert inv.institution_percentage == Decimal("9") and inv.completed_on == days_ago(30)
    table = selectors.cap_table(company)
    kinds = {(h.holder_kind, h.holder_name, h.percentage, h.contribution) for h in table["rows"]}
    assert kinds == {
        (HolderKind.INSTITUTION, "甲大学", Decimal("9"), "in_kind"),
        (HolderKind.TEAM, "张研团队", Decimal("21"), "in_kind"),
    }
    assert {h.capital for h in table["rows"]} == {Decimal("900000.00"), Decimal("2100000.00")}
    company.refresh_from_db()
    assert company.entered_on == days_ago(30)
    kinds = list(TimelineEvent.objects.filter(result=vw["result"]).values_list("kind", flat=True))
    assert kinds.count("equity.step") == 6 and "company.incorporated" in kinds
    assert AuditEntry.objects.filter(action="ventures.equity_step").count() == 4
    assert AuditEntry.objects.filter(action="ventures.equity_registration").count() == 1
    steps = selectors.equity_progress(inv)
    assert [s["state"] for s in steps] == ["done"] * 5
    assert selectors.companies_invested(actor=office, year=days_ago(30).year).count() == 1


def test_abandon_needs_a_reason_and_ends_the_investment(vw):
    company = make_company(vw)
    inv = services.equity_investment_create(actor=vw["office"], company=company)
    with Unchanged(), pytest.raises(ValidationError):
        services.equity_abandon(actor=vw["office"], investment=inv, reason="")
    inv = services.equity_abandon(actor=vw["office"], investment=inv, reason="团队决定改为许可")
    assert inv.step == EquityStep.ABANDONED and inv.abandoned_at_step == EquityStep.APPRAISAL
    with Unchanged(), pytest.raises(ValidationError):
        services.equity_abandon(actor=vw["office"], investment=inv, reason="again")
    assert selectors.equity_progress(inv)[0]["state"] == "stopped"


def test_equity_steps_are_refused_to_others(vw):
    company = make_company(vw)
    inv = services.equity_investment_create(actor=vw["office"], company=company)
    with Unchanged():
        for who in ("researcher", "other_office"):
            with pytest.raises(PermissionDenied):
                services.equity_abandon(actor=vw[who], investment=inv, reason="x")
            with pytest.raises(PermissionDenied):
                services.equity_investment_create(actor=vw[who], company=company)


# --- selectors ------------------------------------------------------------------------------------


def test_other_institutions_and_researchers_see_nothing(vw):
    company = make_company(vw)
    assert selectors.company_get(actor=vw["manager"], pk=company.pk) == company
    for who in ("researcher", "other_office"):
        with pytest.raises(Http404):
            selectors.company_get(actor=vw[who], pk=company.pk)
        assert not selectors.company_list(actor=vw[who]).exists()
        assert not selectors.result_companies(actor=vw[who], result=vw["result"]).exists()
    assert list(selectors.result_companies(actor=vw["office"], result=vw["result"])) == [company]


def test_company_list_filters(vw):
    a = make_company(vw, name="甲公司")
    make_company(vw, name="乙公司", region="320000")
    services.company_state_change(actor=vw["office"], company=a, state="active", on=days_ago(2))
    office = vw["office"]
    assert [c.name for c in selectors.company_list(actor=office, state="active")] == ["甲公司"]
    assert [c.name for c in selectors.company_list(actor=office, region="320000")] == ["乙公司"]
    year = days_ago(2).year
    assert [c.name for c in selectors.company_list(actor=office, year=year)] == ["甲公司"]
    assert [c.name for c in selectors.company_list(actor=office, q="乙")] == ["乙公司"]
    figures = selectors.annual_figures(actor=office, year=year)
    assert figures["companies_created"] == 1


def test_an_executed_equity_distribution_gives_one_holding_per_reward(vw):
    from datong.deals.income.models import Distribution, Reward
    from datong.deals.models import Contract, ContractType

    company = make_company(vw)
    contract = Contract.objects.create(
        institution=vw["uni"], number="HT-1", title="作价入股", contract_type=ContractType.EQUITY
    )
    distribution = Distribution.objects.create(
        institution=vw["uni"],
        result=vw["result"],
        contract=contract,
        number="FP-1",
        deal_type="equity",
        status="executed",
        decided_on=days_ago(35),
    )
    for name, shares in (("张研", "12"), ("李工", "6"), ("王外", None)):
        Reward.objects.create(
            distribution=distribution,
            name=name,
            share=Decimal("30"),
            pool_share=Decimal("30"),
            amount=Decimal("0"),
            shares=Decimal(shares) if shares else None,
        )
    inv = run_to_registration(vw, company, contract=contract)
    with Unchanged(), pytest.raises(ValidationError) as info:  # not what the distribution gave
        services.equity_complete(
            actor=vw["office"], investment=inv, shares_total="30", team_percentage="20"
        )
    assert "FP-1" in info.value.message_dict["team_percentage"][0]
    inv = services.equity_complete(actor=vw["office"], investment=inv, shares_total="30")
    assert inv.team_percentage == Decimal("18")
    team = Shareholding.objects.filter(holder_kind="team").order_by("holder_name")
    assert [(h.holder_name, h.percentage, h.reward.name) for h in team] == [
        ("张研", Decimal("12"), "张研"),
        ("李工", Decimal("6"), "李工"),
    ]
    assert Shareholding.objects.get(holder_kind="institution").percentage == Decimal("12")


def test_founder_update_and_remove(vw):
    company = make_company(vw)
    founder = services.founder_add(actor=vw["office"], company=company, data={"name": "张研"})
    with Unchanged(), pytest.raises(ValidationError):
        services.founder_update(
            actor=vw["office"], founder=founder, data={"on_leave": True}
        )  # no leave date
    with Unchanged(), pytest.raises(PermissionDenied):
        services.founder_update(actor=vw["researcher"], founder=founder, data={"role": "x"})
    services.founder_update(
        actor=vw["office"], founder=founder, data={"on_leave": True, "leave_from": days_ago(3)}
    )
    founder.refresh_from_db()
    assert founder.on_leave and founder.leave_from == days_ago(3)
    entry = AuditEntry.objects.filter(action="ventures.founder_update").get()
    assert entry.message.startswith("张研")
    services.founder_remove(actor=vw["office"], founder=founder)
    assert not company.founders.exists()
