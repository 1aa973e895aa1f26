"""Contract services: hand-computed cases of the allowed and the refused paths."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from datong.core.models import AuditEntry
from datong.core.testing import Unchanged
from datong.deals import selectors, services
from datong.deals.income.models import LedgerEntry
from datong.deals.models import Contract, ContractStatus, Payment
from datong.deals.tests.conftest import buyer, grant, industry, make_contract, signed

pytestmark = pytest.mark.django_db
D = Decimal
d = dt.date.fromisoformat


def messages(exc) -> str:
    return " ".join(exc.value.messages)


# --- creating ---------------------------------------------------------------------------------


def test_the_office_creates_a_contract_with_parties(dw):
    contract = make_contract(dw)
    assert contract.status == ContractStatus.DRAFT and contract.amount == D("1000000.00")
    parties = list(contract.parties.all())
    assert [p.role for p in parties] == ["seller", "buyer"]  # the institution added as seller
    assert parties[0].institution == dw["uni"] and parties[0].entity_type == "022"
    assert parties[1].region == "320000" and parties[1].is_sme
    assert list(contract.results.all()) == [dw["result"]]
    assert AuditEntry.objects.filter(action="deals.create", object_id=str(contract.pk)).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"number": ""}, "number"),
        ({"contract_type": "gift"}, "contract_type"),
        ({"pricing_method": ""}, "pricing_method"),
        ({"exclusivity": ""}, "exclusivity"),
        ({"amount": "-1"}, "amount"),
        ({"amount": "1.234"}, "amount"),
        ({"starts_on": "2026-05-01", "ends_on": "2026-04-01"}, "ends_on"),
    ],
)
def test_bad_contracts_are_refused_whole(dw, change, field):
    data = {
        "number": "HT-1",
        "title": "许可",
        "contract_type": "licence",
        "pricing_method": "listed",
        "exclusivity": "exclusive",
        "amount": "10.00",
        **change,
    }
    with Unchanged(), pytest.raises(ValidationError) as exc:
        services.contract_create(
            actor=dw["office"],
            institution=dw["uni"],
            data=data,
            parties=[buyer()],
            results=[dw["result"]],
        )
    assert field in exc.value.message_dict


@pytest.mark.parametrize(
    ("party", "text"),
    [
        ({"region": "990000"}, "GB/T 2260"),
        ({"entity_type": "777"}, "法人类型"),
        ({"credit_code": "123"}, "18"),
        ({"name": ""}, "名称"),
    ],
)
def test_bad_parties_are_refused(dw, party, text):
    with Unchanged(), pytest.raises(ValidationError) as exc:
        services.contract_create(
            actor=dw["office"],
            institution=dw["uni"],
            data={"number": "HT-1", "title": "开发", "contract_type": "development"},
            parties=[buyer(**party)],
        )
    assert text in messages(exc)


def test_only_own_results_and_the_office_may_create(dw):
    data = {
        "number": "HT-1",
        "title": "许可",
        "contract_type": "transfer",
        "pricing_method": "listed",
    }
    with Unchanged():
        with pytest.raises(ValidationError) as exc:
            services.contract_create(
                actor=dw["office"],
                institution=dw["uni"],
                data=data,
                parties=[buyer()],
                results=[dw["other_result"]],
            )
        assert "results" in exc.value.message_dict
        for who in ("researcher", "other_office", "buyer"):
            with pytest.raises(PermissionDenied):
                services.contract_create(
                    actor=dw[who],
                    institution=dw["uni"],
                    data=data,
                    parties=[buyer()],
                    results=[dw["result"]],
                )


def test_numbers_are_unique_per_institution(dw):
    make_contract(dw, number="HT-9")
    with Unchanged(), pytest.raises(ValidationError) as exc:
        make_contract(dw, number="HT-9")
    assert "number" in exc.value.message_dict


def test_update_changes_and_audits(dw):
    contract = make_contract(dw)
    services.contract_update(
        actor=dw["office"],
        contract=contract,
        data={"title": "新标题", "amount": "200.00"},
        results=[dw["result"], dw["result2"]],
    )
    contract.refresh_from_db()
    assert contract.title == "新标题" and contract.results.count() == 2
    entry = AuditEntry.objects.filter(action="deals.update").get()
    assert entry.changes["title"][1] == "新标题" and "results" in entry.changes
    with pytest.raises(PermissionDenied):
        services.contract_update(actor=dw["other_office"], contract=contract, data={"title": "x"})


# --- announcement and signing -----------------------------------------------------------------


def test_an_announcement_across_national_day(dw):
    contract = make_contract(dw, kind="transfer", pricing_method="agreed")
    services.contract_announce(actor=dw["office"], contract=contract, start="2026-09-28")
    contract.refresh_from_db()
    # 28–30 Sep (3), 1–7 Oct off, 8–10 Oct (6; the 10th a Saturday worked), 12–16 (11), 19–22 (15)
    assert contract.announcement_days == 15
    assert contract.announcement_end == d("2026-10-22")
    assert contract.status == ContractStatus.ANNOUNCED


def test_signing_before_the_announcement_ended_is_refused(dw):
    contract = make_contract(dw, kind="transfer", pricing_method="agreed")
    with Unchanged(), pytest.raises(ValidationError) as exc:
        signed(dw, contract, "2025-10-01")
    assert "公示" in messages(exc)
    # Mon 29 Sep 2025: 29, 30 Sep (2); 1–8 Oct off; 9, 10, Sat 11 worked (5); 13–17 (10); 20–24 (15)
    services.contract_announce(actor=dw["office"], contract=contract, start="2025-09-29")
    assert contract.announcement_end == d("2025-10-24")
    with Unchanged(), pytest.raises(ValidationError) as exc:
        signed(dw, contract, "2025-10-24")
    assert "2025-10-24" in messages(exc)
    signed(dw, contract, "2025-10-27")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SIGNED and contract.signed_on == d("2025-10-27")


def test_an_announcement_shorter_than_the_rule_is_refused(dw):
    contract = make_contract(dw, kind="transfer", pricing_method="agreed")
    with Unchanged(), pytest.raises(ValidationError) as exc:
        services.contract_announce(
            actor=dw["office"], contract=contract, start="2026-09-28", days=10
        )
    assert "15" in messages(exc)
    listed = make_contract(dw, number="HT-2", kind="transfer", pricing_method="listed")
    with Unchanged(), pytest.raises(ValidationError):
        services.contract_announce(actor=dw["office"], contract=listed, start="2026-09-28")


def test_signing_in_the_future_is_refused(dw):
    contract = make_contract(dw, kind="development", pricing_method="")
    future = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    with Unchanged(), pytest.raises(ValidationError):
        signed(dw, contract, future)


# --- registration -----------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["123456789012345", "12345678901234567", "12345678901234a6", ""])
def test_a_registration_number_has_16_digits(dw, number):
    contract = signed(dw, make_contract(dw))
    with Unchanged(), pytest.raises(ValidationError) as exc:
        services.contract_register(
            actor=dw["office"],
            contract=contract,
            registration_number=number,
            registered_on="2026-03-10",
            approved_tech_income="900000.00",
        )
    assert "registration_number" in exc.value.message_dict


def test_registration_within_the_contract_amount(dw):
    contract = signed(dw, make_contract(dw))
    with Unchanged(), pytest.raises(ValidationError) as exc:
        services.contract_register(
            actor=dw["office"],
            contract=contract,
            registration_number="3201022026000123",
            registered_on="2026-03-10",
            approved_tech_income="1000000.01",
        )
    assert "approved_tech_income" in exc.value.message_dict
    services.contract_register(
        actor=dw["office"],
        contract=contract,
        registration_number="3201 0220 2600 0123",
        registered_on="2026-03-10",
        approved_tech_income="1000000.00",
    )
    contract.refresh_from_db()
    assert contract.registration_number == "3201022026000123"
    draft = make_contract(dw, number="HT-3")
    with pytest.raises(ValidationError):
        services.contract_register(
            actor=dw["office"],
            contract=draft,
            registration_number="3201022026000124",
            registered_on="2026-03-10",
            approved_tech_income="1.00",
        )


# --- licence grants ---------------------------------------------------------------------------


def test_an_overlapping_exclusive_licence_is_refused_with_the_contract_named(dw):
    first = make_contract(dw, number="HT-A", title="电池材料独占许可")
    grant(dw, first, field="C", territory="CN")
    second = make_contract(dw, number="HT-B")
    # field 38 lies under C; Jiangsu lies in CN; the terms intersect
    with Unchanged(), pytest.raises(ValidationError) as exc:
        grant(dw, second, field="38", territory="320000", start="2028-01-01", end="2032-12-31")
    assert "HT-A" in messages(exc) and "电池材料独占许可" in messages(exc)
    # a non-exclusive grant under an exclusive one is refused as well
    with Unchanged(), pytest.raises(ValidationError):
        grant(dw, second, field=None, territory="WORLD", exclusivity="non_exclusive")


@pytest.mark.parametrize(
    "terms",
    [
        {"field": "C", "territory": "US"},  # another territory
        {"field": "M", "territory": "CN"},  # another field
        {"field": "C", "territory": "CN", "start": "2031-01-01", "end": "2035-12-31"},  # later
    ],
)
def test_a_licence_that_does_not_overlap_is_accepted(dw, terms):
    first = make_contract(dw, number="HT-A")
    grant(dw, first, field="C", territory="CN")
    second = make_contract(dw, number="HT-B")
    created = grant(dw, second, **terms)
    assert created.pk and created.contract == second


def test_non_exclusive_licences_share_but_block_an_exclusive_one(dw):
    a = make_contract(dw, number="HT-A", exclusivity="non_exclusive")
    grant(dw, a, field="38", territory="110000", exclusivity="non_exclusive")
    b = make_contract(dw, number="HT-B", exclusivity="non_exclusive")
    grant(dw, b, field="38", territory="110000", exclusivity="non_exclusive")  # shared: fine
    c = make_contract(dw, number="HT-C", exclusivity="sole")
    with pytest.raises(ValidationError) as exc:
        grant(dw, c, field=None, territory="CN", exclusivity="sole")
    assert "HT-A" in messages(exc) and "HT-B" in messages(exc)
    grant(dw, c, field=None, territory="440000", exclusivity="sole")  # Guangdong is free


def test_a_terminated_contract_frees_its_grants(dw):
    first = make_contract(dw, number="HT-A")
    grant(dw, first, territory="WORLD")
    services.contract_terminate(actor=dw["office"], contract=first, reason="对方放弃")
    second = make_contract(dw, number="HT-B")
    assert grant(dw, second, territory="CN").pk


def test_grants_need_a_licence_of_the_result(dw):
    transfer = make_contract(dw, number="HT-T", kind="transfer")
    with Unchanged(), pytest.raises(ValidationError):
        grant(dw, transfer)
    licence = make_contract(dw, number="HT-L")
    with Unchanged(), pytest.raises(ValidationError) as exc:
        services.licence_grant_add(
            actor=dw["office"],
            contract=licence,
            data={
                "result": dw["result2"],
                "territory": "CN",
                "starts_on": d("2026-01-01"),
                "ends_on": d("2027-01-01"),
            },
        )
    assert "result" in exc.value.message_dict
    with Unchanged(), pytest.raises(ValidationError) as exc:
        grant(dw, licence, territory="Mars")
    assert "territory" in exc.value.message_dict


def test_availability_and_the_check(dw):
    first = make_contract(dw, number="HT-A")
    grant(dw, first, field="C", territory="CN", start="2026-01-01", end="2030-12-31")
    second = make_contract(dw, number="HT-B", exclusivity="non_exclusive")
    grant(dw, second, field="M", territory="WORLD", exclusivity="non_exclusive")
    view = selectors.licence_availability(
        actor=dw["office"], result=dw["result"], on=d("2027-01-01")
    )
    assert [g.contract.number for g in view["taken"]] == ["HT-A"]
    assert [g.contract.number for g in view["shared"]] == ["HT-B"]
    check = selectors.licence_check(
        actor=dw["office"],
        result=dw["result"],
        field=industry("38"),
        territory="310000",
        starts_on=d("2027-01-01"),
        ends_on=d("2027-12-31"),
    )
    assert not check.free_exclusive and not check.free_non_exclusive
    assert [c.number for c in check.contracts] == ["HT-A"]
    check = selectors.licence_check(
        actor=dw["office"],
        result=dw["result"],
        field=industry("M"),
        territory="US",
        starts_on=d("2027-01-01"),
        ends_on=d("2027-12-31"),
    )
    assert not check.free_exclusive and check.free_non_exclusive  # only a shared licence there
    check = selectors.licence_check(
        actor=dw["office"],
        result=dw["result"],
        field=industry("C"),
        territory="JP",
        starts_on=d("2027-01-01"),
        ends_on=d("2027-12-31"),
    )
    assert check.free_exclusive and check.contracts == []
    from django.http import Http404

    for who in ("researcher", "other_office"):
        with pytest.raises(Http404):
            selectors.licence_availability(actor=dw[who], result=dw["result"])


# --- money ------------------------------------------------------------------------------------


def test_royalty_is_sales_times_rate_half_up(dw):
    assert services.royalty_amount(D("1234567.89"), D("3.5")) == D("43209.88")  # 43209.876 → .88
    assert services.royalty_amount(D("100.10"), D("5")) == D("5.01")  # 5.005 → 5.01 (half up)
    contract = signed(dw, make_contract(dw))
    term = services.payment_term_add(
        actor=dw["office"], contract=contract, data={"kind": "royalty", "royalty_rate": "3.5"}
    )
    report = services.royalty_report_record(
        actor=dw["office"],
        contract=contract,
        term=term,
        period_start="2026-01-01",
        period_end="2026-06-30",
        sales="1234567.89",
        due_on="2026-07-31",
    )
    assert report.royalty == D("43209.88")
    with Unchanged(), pytest.raises(ValidationError):  # overlapping period
        services.royalty_report_record(
            actor=dw["office"],
            contract=contract,
            term=term,
            period_start="2026-06-01",
            period_end="2026-12-31",
            sales="1.00",
            due_on="2027-01-31",
        )


def test_terms_are_checked(dw):
    contract = make_contract(dw, amount="100000.00")
    with Unchanged():
        for data, field in [
            ({"kind": "instalment", "amount": "10.00"}, "due_on"),
            ({"kind": "milestone", "amount": "10.00"}, "label"),
            ({"kind": "royalty", "royalty_rate": "120"}, "royalty_rate"),
            ({"kind": "instalment", "amount": "100000.01", "due_on": "2026-05-01"}, "amount"),
        ]:
            with pytest.raises(ValidationError) as exc:
                services.payment_term_add(actor=dw["office"], contract=contract, data=data)
            assert field in exc.value.message_dict, data
    service = make_contract(dw, number="HT-S", kind="service", pricing_method="")
    with Unchanged(), pytest.raises(ValidationError):
        services.payment_term_add(
            actor=dw["office"], contract=service, data={"kind": "royalty", "royalty_rate": "2"}
        )


def test_receivables_and_overdue(dw):
    contract = signed(dw, make_contract(dw, amount="500000.00"), "2026-01-05")
    office = dw["office"]
    t1 = services.payment_term_add(
        actor=office,
        contract=contract,
        data={
            "kind": "instalment",
            "label": "首付款",
            "amount": "200000.00",
            "due_on": "2026-02-01",
        },
    )
    services.payment_term_add(
        actor=office,
        contract=contract,
        data={"kind": "instalment", "amount": "100000.00", "due_on": "2026-06-01"},
    )
    m = services.payment_term_add(
        actor=office,
        contract=contract,
        data={"kind": "milestone", "label": "中试完成", "amount": "200000.00"},
    )
    r = services.payment_term_add(
        actor=office, contract=contract, data={"kind": "royalty", "royalty_rate": "2"}
    )
    services.royalty_report_record(
        actor=office,
        contract=contract,
        term=r,
        period_start="2026-01-01",
        period_end="2026-06-30",
        sales="1000000.00",
        due_on="2026-07-31",
    )
    payment = services.payment_record(
        actor=office, contract=contract, received_on="2026-02-10", amount="200000.00", term=t1
    )
    # The payment is booked as income on the contract's result, in the same transaction.
    booked = LedgerEntry.objects.get(payment=payment)
    assert (booked.result, booked.amount, booked.kind) == (dw["result"], D("200000.00"), "income")
    rec = selectors.receivable(contract, today=d("2026-08-15"))
    # due by 15 Aug: 200 000 + 100 000 + royalty 20 000 (milestone not reached) = 320 000
    assert rec.due == D("320000.00") and rec.received == D("200000.00")
    assert rec.outstanding == D("120000.00") and rec.overdue == D("120000.00")
    assert len(rec.overdue_items) == 2  # the June instalment and the royalty
    states = {i.term.pk if i.report is None else "royalty": i.state for i in rec.items}
    assert states[t1.pk] == "paid" and states[m.pk] == "pending" and states["royalty"] == "overdue"
    services.payment_term_reach(actor=office, term=m, reached_on="2026-08-01")
    services.payment_record(
        actor=office, contract=contract, received_on="2026-08-10", amount="150000.00"
    )
    rec = selectors.receivable(contract, today=d("2026-08-15"))
    # 520 000 due, 350 000 received; the unassigned 150 000 pays the June instalment and the
    # royalty,
    # then 30 000 of the milestone (reached 1 Aug): 170 000 overdue on the milestone
    assert rec.due == D("520000.00") and rec.outstanding == D("170000.00")
    assert rec.overdue == D("170000.00") and len(rec.overdue_items) == 1
    assert rec.overdue_items[0].term == m and rec.overdue_items[0].paid == D("30000.00")
    rows = selectors.receivables(actor=office, today=d("2026-08-15"))
    assert [row.contract for row in rows] == [contract]
    assert selectors.receivables(actor=dw["other_office"]) == []


def test_payments_are_checked_and_left_out_when_refused(dw):
    draft = make_contract(dw)
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    with Unchanged():
        with pytest.raises(ValidationError):
            services.payment_record(
                actor=dw["office"], contract=draft, received_on="2026-03-01", amount="1.00"
            )
        contract = Contract.objects.get(pk=draft.pk)
    contract = signed(dw, contract)
    with Unchanged():
        for amount, day in (("0", "2026-03-05"), ("-5", "2026-03-05"), ("10.00", future)):
            with pytest.raises(ValidationError):
                services.payment_record(
                    actor=dw["office"], contract=contract, received_on=day, amount=amount
                )
        with pytest.raises(PermissionDenied):
            services.payment_record(
                actor=dw["researcher"], contract=contract, received_on="2026-03-05", amount="1.00"
            )
    services.payment_record(
        actor=dw["office"], contract=contract, received_on="2026-03-05", amount="1.00"
    )
    assert Payment.objects.count() == 1


def test_overdue_reminders_go_once(dw):
    from datong.deals.tasks import remind_overdue
    from datong.notifications.models import Notification

    contract = make_contract(dw)
    services.contract_update(actor=dw["office"], contract=contract, data={"manager": dw["manager"]})
    signed(dw, contract, "2026-01-05")
    services.payment_term_add(
        actor=dw["office"],
        contract=contract,
        data={"kind": "instalment", "amount": "1000.00", "due_on": "2026-02-01"},
    )
    assert remind_overdue(today=d("2026-03-01")) == 1
    assert remind_overdue(today=d("2026-03-02")) == 0
    notes = Notification.objects.filter(user=dw["manager"])
    assert notes.count() == 1 and contract.number in notes.get().title


def test_complete_and_terminate(dw):
    contract = signed(dw, make_contract(dw))
    services.contract_complete(actor=dw["office"], contract=contract)
    assert contract.status == ContractStatus.COMPLETED
    with Unchanged(), pytest.raises(ValidationError):
        services.contract_terminate(actor=dw["office"], contract=contract, reason="x")
    draft = make_contract(dw, number="HT-2")
    with Unchanged(), pytest.raises(ValidationError) as exc:
        services.contract_terminate(actor=dw["office"], contract=draft, reason="")
    assert "reason" in exc.value.message_dict


def test_a_contract_from_a_match_case(dw):
    from datong.cases import services as case_services
    from datong.deals.forms import initial_from_case

    case, _created = case_services.case_open(
        actor=dw["buyer"], listing=dw["listing"], message="想要许可"
    )
    with pytest.raises(ValidationError):
        services.contract_create(
            actor=dw["office"],
            institution=dw["uni"],
            data={"number": "HT-X", "title": "t", "contract_type": "development"},
            parties=[buyer()],
            match_case=case,
        )
    case_services.case_advance(
        actor=dw["office"], case=case, stage="deal", deal_reference="JBIT-2026-17"
    )
    initial = initial_from_case(case)
    assert initial["data"]["number"] == "JBIT-2026-17"
    assert initial["results"] == [dw["result"]]
    assert (
        initial["parties"][0]["name"] == dw["firm"].name
        and initial["parties"][0]["role"] == "buyer"
    )
    contract = services.contract_create(
        actor=dw["office"],
        institution=dw["uni"],
        data={
            **initial["data"],
            "contract_type": "licence",
            "pricing_method": "agreed",
            "exclusivity": "non_exclusive",
            "amount": "300000",
        },
        parties=initial["parties"],
        results=initial["results"],
        match_case=case,
    )
    assert contract.match_case == case and contract.manager == dw["manager"]
