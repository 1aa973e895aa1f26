"""CN annuities: fee tables by year, the schedule from grant to expiry, late surcharges and the
renewal workflow (payment, abandonment, lapse)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from datong.core.models import AuditEntry
from datong.core.roles import Role
from datong.core.testing import Unchanged
from datong.institutions.factories import InstitutionFactory, member_of
from datong.ip import annuities, services
from datong.ip.docket import add_months
from datong.ip.models import (
    CostEntry,
    EventKind,
    Filing,
    FilingEvent,
    LegalStatus,
    Renewal,
    RenewalStatus,
)
from datong.ip.numbers import check_character

pytestmark = pytest.mark.django_db
SERIAL = itertools.count(500)
D = Decimal


def cn(year, kind):
    body = f"{year}{kind}{next(SERIAL):07d}"
    return f"{body}.{check_character(body)}"


def today():
    return timezone.localdate()


@pytest.fixture
def uni():
    return InstitutionFactory(slug="uni")


@pytest.fixture
def office(uni):
    return member_of(uni, Role.TTO_STAFF)


def granted_filing(office, uni, *, filed_days_ago=3 * 365, granted_days_ago=10, kind="invention"):
    family = services.family_create(
        actor=office, institution=uni, title="一种储能装置", ip_type="invention_patent"
    )
    filing_date = today() - dt.timedelta(days=filed_days_ago)
    number = {"invention": 1, "utility_model": 2, "design": 3}[kind]
    filing = services.filing_create(
        actor=office,
        family=family,
        route="cn",
        kind=kind,
        filing_date=filing_date,
        application_number=cn(filing_date.year, number),
    )
    services.filing_event_add(
        actor=office,
        filing=filing,
        kind=EventKind.GRANTED,
        date=today() - dt.timedelta(days=granted_days_ago),
    )
    return filing


def plan_for(kind, filed, granted, extension=0):
    filing = Filing(
        route="cn", country="CN", kind=kind, filing_date=filed, term_extension_days=extension
    )
    return annuities.plan(filing, [FilingEvent(kind=EventKind.GRANTED, date=granted)])


# --- fee tables and the plan -----------------------------------------------------------------


def test_invention_plan_from_grant_year_to_expiry_with_term_compensation():
    rows = plan_for("invention", dt.date(2021, 7, 1), dt.date(2024, 3, 15), extension=200)
    years = [r.year for r in rows]
    assert years == list(range(3, 22))  # granted in year 3; year 21 exists by compensation
    first = rows[0]
    assert first.due_date == dt.date(2024, 3, 15)  # the grant year's fee falls due at grant
    assert rows[1].due_date == dt.date(2024, 7, 1)  # then on each filing anniversary
    fees = {r.year: r.amount for r in rows}
    assert fees[3] == D("900") and fees[4] == D("1200") and fees[7] == D("2000")
    assert fees[10] == D("4000") and fees[13] == D("6000") and fees[20] == D("8000")
    assert first.reduced_amount == D("135.00")  # 15 % (verify)
    assert rows[-1].fee_rule == "CN-INV"
    by_year = {r.year: r for r in rows}
    assert by_year[12].reduced_amount is not None and by_year[13].reduced_amount is None
    no_extension = plan_for("invention", dt.date(2021, 7, 1), dt.date(2024, 3, 15))
    assert no_extension[-1].year == 20


def test_utility_model_and_design_tables_and_the_design_term_by_filing_date():
    um = plan_for("utility_model", dt.date(2022, 5, 1), dt.date(2023, 1, 10))
    assert [r.year for r in um] == list(range(1, 11))
    assert {r.year: r.amount for r in um}[4] == D("900")
    assert {r.year: r.amount for r in um}[10] == D("2000")
    new_design = plan_for("design", dt.date(2022, 5, 1), dt.date(2022, 12, 1))
    assert new_design[-1].year == 15 and new_design[-1].amount == D("3000")
    old_design = plan_for("design", dt.date(2020, 5, 1), dt.date(2020, 12, 1))
    assert old_design[-1].year == 10


def test_nothing_is_planned_before_grant_or_outside_china():
    filing = Filing(route="cn", country="CN", kind="invention", filing_date=dt.date(2022, 1, 1))
    assert annuities.plan(filing, []) == []
    pct = Filing(route="pct", country="WO", kind="invention", filing_date=dt.date(2022, 1, 1))
    assert (
        annuities.plan(pct, [FilingEvent(kind=EventKind.GRANTED, date=dt.date(2024, 1, 1))]) == []
    )


def test_late_surcharge_none_in_the_first_month_then_5_percent_a_month_to_25():
    due = dt.date(2025, 3, 10)
    assert annuities.late_percent(due, due) == 0
    assert annuities.late_percent(due, dt.date(2025, 4, 10)) == 0
    assert annuities.late_percent(due, dt.date(2025, 4, 11)) == 5
    assert annuities.late_percent(due, dt.date(2025, 6, 10)) == 10
    assert annuities.late_percent(due, dt.date(2025, 8, 11)) == 25
    assert annuities.late_percent(due, dt.date(2025, 9, 10)) == 25
    assert annuities.late_percent(due, dt.date(2025, 9, 11)) is None
    renewal = Renewal(due_date=due, amount=D("1200"), reduced_amount=D("180"), year=4)
    assert annuities.late_fee(renewal, dt.date(2025, 5, 1)) == D("60.00")
    with pytest.raises(ValidationError):
        annuities.late_fee(renewal, dt.date(2025, 10, 1))


# --- the schedule ----------------------------------------------------------------------------


def test_schedule_creates_renewals_once_from_the_grant(uni, office):
    filing = granted_filing(office, uni)
    renewals = list(filing.renewals.order_by("year"))
    grant_day = today() - dt.timedelta(days=10)
    assert renewals[0].year == annuities.patent_year(filing.filing_date, grant_day)
    assert renewals[0].due_date == grant_day
    assert renewals[-1].year == 20
    count = len(renewals)
    annuities.schedule(filing)
    services.filing_refresh(filing)
    assert filing.renewals.count() == count


def test_no_renewals_for_a_pending_filing(uni, office):
    family = services.family_create(
        actor=office, institution=uni, title="x", ip_type="invention_patent"
    )
    filing = services.filing_create(
        actor=office,
        family=family,
        route="cn",
        kind="invention",
        filing_date=today() - dt.timedelta(days=500),
        application_number=cn(2025, 1),
    )
    services.filing_event_add(
        actor=office, filing=filing, kind=EventKind.PUBLISHED, date=today() - dt.timedelta(days=100)
    )
    assert not filing.renewals.exists()


# --- the workflow ----------------------------------------------------------------------------


def test_transitions_allowed_and_refused(uni, office):
    filing = granted_filing(office, uni)
    renewal = filing.renewals.order_by("year").first()
    with Unchanged(), pytest.raises(ValidationError):
        annuities.renewal_pay(actor=office, renewal=renewal, amount="900", paid_on=today())
    with Unchanged(), pytest.raises(ValidationError):
        annuities.renewal_confirm(actor=office, renewal=renewal)
    researcher = member_of(uni, Role.RESEARCHER)
    with Unchanged(), pytest.raises(PermissionDenied):
        annuities.renewal_remind(actor=researcher, renewal=renewal)
    annuities.renewal_remind(actor=office, renewal=renewal)
    with Unchanged(), pytest.raises(ValidationError):
        annuities.renewal_remind(actor=office, renewal=renewal)
    annuities.renewal_instruct(actor=office, renewal=renewal)
    assert renewal.status == RenewalStatus.INSTRUCTED and renewal.decision == "maintain"
    with Unchanged(), pytest.raises(ValidationError):
        annuities.renewal_pay(actor=office, renewal=renewal, amount="-1", paid_on=today())
    annuities.renewal_pay(actor=office, renewal=renewal, amount="135", paid_on=today())
    assert renewal.status == RenewalStatus.PAID and renewal.paid_amount == D("135.00")
    cost = CostEntry.objects.get(filing=filing)
    assert cost.kind == "annuity" and cost.amount == D("135.00")
    assert filing.events.filter(kind=EventKind.RENEWAL_PAID, date=today()).exists()
    with Unchanged(), pytest.raises(ValidationError):
        annuities.renewal_abandon(actor=office, renewal=renewal, reason="too late")
    annuities.renewal_confirm(actor=office, renewal=renewal)
    assert renewal.status == RenewalStatus.CONFIRMED
    filing.refresh_from_db()
    assert filing.legal_status == LegalStatus.GRANTED
    actions = set(
        AuditEntry.objects.filter(action__startswith="ip.renewal_").values_list("action", flat=True)
    )
    assert {
        "ip.renewal_remind",
        "ip.renewal_instruct",
        "ip.renewal_pay",
        "ip.renewal_confirm",
    } <= actions


def test_a_decision_needs_a_reason_and_abandoning_lapses_the_filing(uni, office):
    filing = granted_filing(office, uni)
    renewals = list(filing.renewals.order_by("year"))
    current, later = renewals[1], renewals[2]
    with Unchanged(), pytest.raises(ValidationError):
        annuities.renewal_decide(actor=office, renewal=current, decision="abandon", reason=" ")
    with Unchanged(), pytest.raises(ValidationError):
        annuities.renewal_decide(actor=office, renewal=current, decision="sell", reason="x")
    annuities.renewal_decide(
        actor=office, renewal=current, decision="offer", reason="先挂牌许可，三个月无人问津再放弃"
    )
    assert current.decision == "offer" and current.status == RenewalStatus.DUE
    annuities.renewal_decide(actor=office, renewal=current, decision="abandon", reason="无转化前景")
    assert current.status == RenewalStatus.ABANDONED
    filing.refresh_from_db()
    assert filing.legal_status == LegalStatus.LAPSED
    assert filing.events.filter(kind=EventKind.LAPSED).exists()
    assert not Renewal.objects.filter(pk=later.pk).exists()  # later years are not owed
    assert not filing.tasks.filter(done_at__isnull=True).exists()


def test_lapse_overdue_ends_filings_unpaid_after_the_grace_period(uni, office):
    filing = granted_filing(office, uni)
    first = filing.renewals.order_by("year").first()
    assert annuities.lapse_overdue(today()) == 0
    later = add_months(first.due_date, 6) + dt.timedelta(days=1)
    assert annuities.lapse_overdue(later) == 1
    first.refresh_from_db()
    filing.refresh_from_db()
    assert first.status == RenewalStatus.LAPSED
    assert filing.legal_status == LegalStatus.LAPSED
    assert annuities.lapse_overdue(later) == 0  # safe to run twice


def test_renewal_actions_on_the_deadlines_page(client, uni, office):
    filing = granted_filing(office, uni)
    renewal = filing.renewals.order_by("year").first()
    client.force_login(office)
    page = client.get("/ip/deadlines/?tab=30")
    assert page.status_code == 200 and "Record payment" not in page.content.decode()
    assert client.post(f"/ip/deadlines/renewals/{renewal.pk}/remind/").status_code == 302
    renewal.refresh_from_db()
    assert renewal.status == RenewalStatus.REMINDED
    with Unchanged():
        client.post(f"/ip/deadlines/renewals/{renewal.pk}/decide/", {"decision": "abandon"})
    assert client.post(f"/ip/deadlines/renewals/{renewal.pk}/bogus/").status_code == 404
    client.post(f"/ip/deadlines/renewals/{renewal.pk}/instruct/")
    response = client.post(
        f"/ip/deadlines/renewals/{renewal.pk}/pay/",
        {"amount": "135", "paid_on": today().isoformat()},
    )
    assert response.status_code == 302
    renewal.refresh_from_db()
    assert renewal.status == RenewalStatus.PAID
    other = member_of(InstitutionFactory(), Role.TTO_STAFF)
    client.force_login(other)
    with Unchanged():
        assert client.post(f"/ip/deadlines/renewals/{renewal.pk}/confirm/").status_code == 404
