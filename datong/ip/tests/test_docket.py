"""The rule-driven docket: rule choice by date, the shipped rules, recomputation, the task
services, the deadlines page, the reminders and the API."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from datong.accounts.services import api_token_create
from datong.core.roles import Role
from datong.core.testing import Unchanged, assert_api_error, bearer
from datong.institutions.factories import InstitutionFactory, member_of
from datong.ip import annuities, docket, services
from datong.ip.docket import add_months
from datong.ip.models import EventKind, Filing, FilingEvent, LegalStatus
from datong.ip.numbers import check_character
from datong.ip.tasks import send_deadline_reminders
from datong.notifications.models import Notification

pytestmark = pytest.mark.django_db
SERIAL = itertools.count(100)


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
    return member_of(uni, Role.TTO_STAFF, name="办公室")


def make_filing(office, uni, *, kind="invention", filing_date=None, route="cn", **extra) -> Filing:
    family = services.family_create(
        actor=office, institution=uni, title="一种锂硫电池正极", ip_type="invention_patent"
    )
    filing_date = filing_date or today() - dt.timedelta(days=60)
    number = {"invention": 1, "utility_model": 2, "design": 3}.get(kind)
    if route == "cn" and number:
        extra.setdefault("application_number", cn(filing_date.year, number))
    return services.filing_create(
        actor=office, family=family, route=route, kind=kind, filing_date=filing_date, **extra
    )


def unsaved(kind="invention", route="cn", country="CN", filing_date=None, priority_date=None):
    return Filing(
        route=route,
        country=country,
        kind=kind,
        filing_date=filing_date,
        priority_date=priority_date,
    )


def by_key(found):
    return {d.key: d for d in found}


# --- the rules -------------------------------------------------------------------------------


def test_add_months_keeps_the_day_or_takes_the_last_of_the_month():
    assert add_months(dt.date(2024, 8, 31), 6) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2023, 5, 31), 30) == dt.date(2025, 11, 30)
    assert add_months(dt.date(2024, 1, 15), 36) == dt.date(2027, 1, 15)


def test_paris_priority_is_12_months_for_inventions_and_6_for_designs():
    invention = by_key(docket.deadlines(unsaved(filing_date=dt.date(2024, 3, 1)), []))
    assert invention["paris_priority"].due == dt.date(2025, 3, 1)
    design = by_key(docket.deadlines(unsaved("design", filing_date=dt.date(2024, 3, 1)), []))
    assert design["paris_priority"].due == dt.date(2024, 9, 1)
    assert "cn_exam_request" not in design  # no examination request for designs


def test_the_filings_own_date_chooses_the_rule_version():
    before = by_key(docket.deadlines(unsaved("design", filing_date=dt.date(2021, 5, 31)), []))
    after = by_key(docket.deadlines(unsaved("design", filing_date=dt.date(2021, 6, 1)), []))
    assert before["paris_priority"].rule.valid_until == dt.date(2021, 6, 1)
    assert "abroad only" in before["paris_priority"].rule.title_en
    assert after["paris_priority"].rule.valid_from == dt.date(2021, 6, 1)
    assert "domestic" in after["paris_priority"].rule.title_en
    # a priority date before the change governs a later filing
    claimed = unsaved("design", filing_date=dt.date(2021, 7, 1), priority_date=dt.date(2021, 3, 1))
    chosen = by_key(docket.deadlines(claimed, []))["paris_priority"]
    assert chosen.rule.valid_until == dt.date(2021, 6, 1)
    assert chosen.due == dt.date(2021, 9, 1)


def test_pct_national_phase_30_months_and_china_30_plus_2():
    pct = unsaved(
        route="pct",
        country="WO",
        filing_date=dt.date(2024, 3, 1),
        priority_date=dt.date(2023, 5, 31),
    )
    found = by_key(docket.deadlines(pct, []))
    assert found["pct_national_phase"].due == dt.date(2025, 11, 30)
    assert found["pct_national_phase"].final is None
    assert found["pct_national_phase_cn"].due == dt.date(2025, 11, 30)
    assert found["pct_national_phase_cn"].final == dt.date(2026, 1, 31)
    assert "paris_priority" not in found


def test_examination_request_3_years_from_priority_and_settled_by_the_request():
    filing = unsaved(filing_date=dt.date(2023, 2, 15), priority_date=dt.date(2022, 8, 1))
    exam = by_key(docket.deadlines(filing, []))["cn_exam_request"]
    assert exam.due == dt.date(2025, 8, 1) and not exam.settled
    requested = FilingEvent(kind=EventKind.EXAM_REQUESTED, date=dt.date(2023, 3, 1))
    assert by_key(docket.deadlines(filing, [requested]))["cn_exam_request"].settled
    granted = FilingEvent(kind=EventKind.GRANTED, date=dt.date(2025, 3, 1))
    assert "cn_exam_request" not in by_key(docket.deadlines(filing, [granted]))
    assert "cn_exam_request" not in by_key(
        docket.deadlines(unsaved("utility_model", filing_date=dt.date(2023, 2, 15)), [])
    )


def test_hong_kong_request_6_months_after_cn_publication_for_inventions():
    published = FilingEvent(kind=EventKind.PUBLISHED, date=dt.date(2024, 4, 30))
    found = by_key(docket.deadlines(unsaved(filing_date=dt.date(2023, 10, 1)), [published]))
    assert found["hk_standard_request"].due == dt.date(2024, 10, 30)
    um = unsaved("utility_model", filing_date=dt.date(2023, 10, 1))
    assert "hk_standard_request" not in by_key(docket.deadlines(um, [published]))
    assert "hk_standard_request" not in by_key(
        docket.deadlines(unsaved(filing_date=dt.date(2023, 10, 1)), [])
    )


def test_office_action_replies_4_months_then_2_and_settled_by_a_response():
    first = FilingEvent(pk=1, kind=EventKind.OFFICE_ACTION, date=dt.date(2024, 1, 10))
    reply = FilingEvent(pk=2, kind=EventKind.RESPONSE_FILED, date=dt.date(2024, 4, 1))
    second = FilingEvent(pk=3, kind=EventKind.OFFICE_ACTION, date=dt.date(2024, 6, 5))
    found = by_key(
        docket.deadlines(unsaved(filing_date=dt.date(2023, 1, 1)), [first, reply, second])
    )
    assert found["office_action_reply"].due == dt.date(2024, 5, 10)
    assert found["office_action_reply"].settled
    assert found["office_action_reply:2"].due == dt.date(2024, 8, 5)
    assert not found["office_action_reply:2"].settled
    assert "(verify)" in found["office_action_reply"].rule.source


# --- recomputation ---------------------------------------------------------------------------


def test_tasks_are_created_with_the_family_creator_as_owner(uni, office):
    filing = make_filing(office, uni)
    tasks = {t.rule: t for t in filing.tasks.all()}
    assert set(tasks) == {"paris_priority", "cn_exam_request"}
    assert tasks["paris_priority"].due_date == add_months(filing.filing_date, 12)
    assert tasks["paris_priority"].owner == office
    docket.recompute(filing)  # idempotent
    assert filing.tasks.count() == 2


def test_correcting_a_date_moves_open_tasks_and_keeps_done_tasks_done(uni, office):
    filing = make_filing(office, uni, filing_date=today() - dt.timedelta(days=60))
    paris = filing.tasks.get(rule="paris_priority")
    exam = filing.tasks.get(rule="cn_exam_request")
    docket.task_done(actor=office, task=exam)
    new_date = today() - dt.timedelta(days=90)
    services.filing_update(actor=office, filing=filing, data={"filing_date": new_date})
    paris.refresh_from_db()
    exam.refresh_from_db()
    assert paris.due_date == add_months(new_date, 12)
    assert exam.done_at is not None
    assert exam.due_date == add_months(today() - dt.timedelta(days=60), 36)  # done: left as it was


def test_deadlines_already_past_when_recorded_are_history_not_tasks(uni, office):
    filing = make_filing(office, uni, filing_date=today() - dt.timedelta(days=3 * 366 + 30))
    assert not filing.tasks.exists()


def test_office_action_creates_a_task_and_a_response_settles_it(uni, office):
    filing = make_filing(office, uni, filing_date=today() - dt.timedelta(days=400))
    services.filing_event_add(
        actor=office, filing=filing, kind=EventKind.OFFICE_ACTION, date=today() - dt.timedelta(5)
    )
    task = filing.tasks.get(rule="office_action_reply")
    assert task.due_date == add_months(today() - dt.timedelta(5), 4) and task.done_at is None
    services.filing_event_add(
        actor=office, filing=filing, kind=EventKind.RESPONSE_FILED, date=today()
    )
    task.refresh_from_db()
    assert task.done_at is not None


def test_no_open_task_after_the_filing_ended(uni, office):
    filing = make_filing(office, uni)
    done = filing.tasks.get(rule="cn_exam_request")
    docket.task_done(actor=office, task=done)
    services.filing_event_add(actor=office, filing=filing, kind=EventKind.WITHDRAWN, date=today())
    assert filing.legal_status == LegalStatus.WITHDRAWN
    assert list(filing.tasks.values_list("rule", flat=True)) == ["cn_exam_request"]
    docket.recompute(filing)
    assert filing.tasks.count() == 1


def test_the_refresh_hooks_are_registered_once():
    docket.register_hook()
    annuities.register_hook()
    modules = [getattr(h, "__module__", "") for h in services.refresh_hooks]
    assert modules.count("datong.ip.docket") == 1
    assert modules.count("datong.ip.annuities") == 1


# --- task services ---------------------------------------------------------------------------


def test_task_done_and_assign_are_for_the_office_and_audited(uni, office):
    filing = make_filing(office, uni)
    task = filing.tasks.get(rule="paris_priority")
    researcher = member_of(uni, Role.RESEARCHER)
    other_office = member_of(InstitutionFactory(), Role.TTO_STAFF)
    for actor in (researcher, other_office):
        with Unchanged(), pytest.raises(PermissionDenied):
            docket.task_done(actor=actor, task=task)
    with Unchanged(), pytest.raises(ValidationError):
        docket.task_assign(actor=office, task=task, owner=researcher)
    colleague = member_of(uni, Role.TECH_MANAGER)
    docket.task_assign(actor=office, task=task, owner=colleague)
    assert task.owner == colleague
    docket.task_done(actor=office, task=task)
    with Unchanged(), pytest.raises(ValidationError):
        docket.task_done(actor=office, task=task)
    from datong.core.models import AuditEntry

    assert AuditEntry.objects.filter(action__in=["ip.task_assign", "ip.task_done"]).count() == 2


# --- reminders -------------------------------------------------------------------------------


def test_reminders_are_sent_once_and_renewals_marked_reminded(uni, office):
    filing_date = add_months(today(), -12) + dt.timedelta(days=20)
    make_filing(office, uni, filing_date=filing_date)  # Paris priority due in ~20 days
    granted = make_filing(office, uni, filing_date=today() - dt.timedelta(days=3 * 365))
    services.filing_event_add(
        actor=office, filing=granted, kind=EventKind.GRANTED, date=today() - dt.timedelta(10)
    )
    soon = granted.renewals.filter(due_date__lte=today() + dt.timedelta(days=60)).count()
    assert soon >= 1
    first = send_deadline_reminders.call()
    assert first == {"tasks": 1, "renewals": soon, "lapsed": 0}
    notes = Notification.objects.filter(user=office).count()
    assert notes == 1 + soon
    again = send_deadline_reminders.call()
    assert again == {"tasks": 0, "renewals": 0, "lapsed": 0}
    assert Notification.objects.filter(user=office).count() == notes
    assert granted.renewals.get(due_date__lte=today()).status == "reminded"
    call_command("send_reminders", "--now")
    assert Notification.objects.filter(user=office).count() == notes


# --- the deadlines page ----------------------------------------------------------------------


def test_deadlines_page_for_the_office(client, uni, office):
    filing = make_filing(office, uni)
    client.force_login(office)
    response = client.get("/ip/deadlines/?tab=owner")
    assert response.status_code == 200
    assert "实质审查请求期限" in response.content.decode()
    assert client.get("/ip/deadlines/?tab=90").status_code == 200
    response = client.get("/ip/deadlines/?tab=overdue")
    assert "实质审查请求期限" not in response.content.decode()
    export = client.get("/ip/deadlines/?tab=owner&export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    task = filing.tasks.get(rule="paris_priority")
    response = client.post(f"/ip/deadlines/tasks/{task.pk}/done/", {"next": "/ip/deadlines/"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None


def test_deadlines_page_refuses_a_researcher_and_hides_other_institutions(client, uni, office):
    filing = make_filing(office, uni)
    task = filing.tasks.first()
    researcher = member_of(uni, Role.RESEARCHER)
    client.force_login(researcher)
    assert client.get("/ip/deadlines/").status_code == 403
    other = member_of(InstitutionFactory(), Role.TTO_STAFF)
    client.force_login(other)
    page = client.get("/ip/deadlines/?tab=owner")
    assert page.status_code == 200 and "一种锂硫电池正极" not in page.content.decode()
    with Unchanged():
        assert client.post(f"/ip/deadlines/tasks/{task.pk}/done/").status_code == 404
    client.logout()
    assert client.get("/ip/deadlines/").status_code == 302


# --- API -------------------------------------------------------------------------------------


def test_api_deadlines_and_task_done(client, uni, office):
    filing = make_filing(office, uni)
    _token, plain = api_token_create(actor=office, user=office, name="t")
    response = client.get("/api/v1/ip/deadlines", {"days": 400}, **bearer(plain))
    assert response.status_code == 200
    rules = {row["rule"] for row in response.json()}
    assert rules == {"paris_priority"}  # the exam request is 3 years away
    assert client.get("/api/v1/ip/deadlines", {"overdue": 1}, **bearer(plain)).json() == []
    task = filing.tasks.get(rule="paris_priority")
    response = client.post(f"/api/v1/ip/tasks/{task.pk}/done", **bearer(plain))
    assert response.status_code == 200 and response.json()["done_at"]
    assert_api_error(
        client.post(f"/api/v1/ip/tasks/{task.pk}/done", **bearer(plain)), 422, "invalid"
    )
    other = member_of(InstitutionFactory(), Role.TTO_STAFF)
    _t, other_plain = api_token_create(actor=other, user=other, name="t")
    with Unchanged():
        assert_api_error(
            client.post(f"/api/v1/ip/tasks/{task.pk}/done", **bearer(other_plain)), 404, "not_found"
        )
    assert client.get("/api/v1/ip/deadlines", **bearer(other_plain)).json() == []


def test_api_renewals_and_actions(client, uni, office):
    filing = make_filing(office, uni, filing_date=today() - dt.timedelta(days=3 * 365))
    services.filing_event_add(
        actor=office, filing=filing, kind=EventKind.GRANTED, date=today() - dt.timedelta(10)
    )
    _token, plain = api_token_create(actor=office, user=office, name="t")
    rows = client.get(f"/api/v1/ip/filings/{filing.pk}/renewals", **bearer(plain)).json()
    assert rows[0]["year"] == annuities.patent_year(filing.filing_date, today() - dt.timedelta(10))
    assert rows[-1]["year"] == 20
    first = rows[0]["id"]
    with Unchanged():
        assert_api_error(
            client.post(
                f"/api/v1/ip/renewals/{first}/pay",
                {"amount": "900", "paid_on": today().isoformat()},
                content_type="application/json",
                **bearer(plain),
            ),
            422,
            "invalid",
        )
    url = f"/api/v1/ip/renewals/{first}/instruct"
    assert (
        client.post(url, {}, content_type="application/json", **bearer(plain)).json()["status"]
        == "instructed"
    )
    response = client.post(
        f"/api/v1/ip/renewals/{first}/pay",
        {"amount": rows[0]["reduced_amount"], "paid_on": today().isoformat()},
        content_type="application/json",
        **bearer(plain),
    )
    assert response.status_code == 200 and response.json()["status"] == "paid"
    assert filing.costs.get().kind == "annuity"
    researcher = member_of(uni, Role.RESEARCHER)
    _t, r_plain = api_token_create(actor=researcher, user=researcher, name="t")
    assert (
        client.get(f"/api/v1/ip/filings/{filing.pk}/renewals", **bearer(r_plain)).status_code == 200
    )
    assert_api_error(
        client.post(
            f"/api/v1/ip/renewals/{first}/confirm",
            {},
            content_type="application/json",
            **bearer(r_plain),
        ),
        404,
        "not_found",
    )


def test_the_owner_of_a_deadline_is_chosen_on_the_page_and_through_the_api(client, uni, office):
    colleague = member_of(uni, Role.TECH_MANAGER)
    researcher = member_of(uni, Role.RESEARCHER)
    filing = make_filing(office, uni)
    task = filing.tasks.get(rule="paris_priority")
    client.force_login(office)
    page = client.get("/ip/deadlines/?tab=owner").content.decode()
    assert f'value="{colleague.pk}"' in page  # offered as an owner
    client.post(f"/ip/deadlines/tasks/{task.pk}/assign/", {"owner": colleague.pk})
    task.refresh_from_db()
    assert task.owner == colleague
    # A researcher is no possible owner: refused with a message, nothing changed.
    client.post(f"/ip/deadlines/tasks/{task.pk}/assign/", {"owner": researcher.pk})
    task.refresh_from_db()
    assert task.owner == colleague
    _token, plain = api_token_create(actor=office, user=office, name="t")
    response = client.post(
        f"/api/v1/ip/tasks/{task.pk}/assign",
        data={"owner": None},
        content_type="application/json",
        **bearer(plain),
    )
    assert response.status_code == 200 and response.json()["owner_id"] is None
    _token, other = api_token_create(actor=researcher, user=researcher, name="t")
    assert_api_error(
        client.post(
            f"/api/v1/ip/tasks/{task.pk}/assign",
            data={"owner": None},
            content_type="application/json",
            **bearer(other),
        ),
        404,
        "not_found",
    )
