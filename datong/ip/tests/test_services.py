"""IP families and filings: number validation, derived legal status, terms, ownership, costs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from datong.core.models import AuditEntry
from datong.core.roles import Role
from datong.core.testing import Unchanged
from datong.institutions.factories import InstitutionFactory, member_of
from datong.ip import services
from datong.ip.models import EventKind, LegalStatus
from datong.ip.numbers import check_character

pytestmark = pytest.mark.django_db


def cn(year, kind, serial):
    body = f"{year}{kind}{serial:07d}"
    return f"{body}.{check_character(body)}"


@pytest.fixture
def uni():
    return InstitutionFactory(slug="uni")


@pytest.fixture
def office(uni):
    return member_of(uni, Role.TTO_STAFF)


def family(office, uni, **extra):
    return services.family_create(
        actor=office, institution=uni, title="一种锂硫电池正极", ip_type="invention_patent", **extra
    )


def test_a_cn_filing_is_normalised_and_audited(uni, office):
    fam = family(office, uni, ipc_codes="h01m 10/052; H01M4/38")
    assert fam.ipc_codes == ["H01M 10/052", "H01M 4/38"]
    number = cn(2022, 1, 123456)
    filing = services.filing_create(
        actor=office,
        family=fam,
        route="cn",
        kind="invention",
        application_number=f"ZL {number}",
        filing_date=dt.date(2022, 3, 1),
    )
    assert filing.application_number == number
    assert filing.legal_status == LegalStatus.PENDING
    assert AuditEntry.objects.filter(action="ip.filing_create").exists()


def test_a_wrong_check_character_is_refused_and_nothing_is_written(uni, office):
    fam = family(office, uni)
    good = cn(2022, 1, 123456)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.filing_create(
            actor=office,
            family=fam,
            route="cn",
            kind="invention",
            application_number=bad,
            filing_date=dt.date(2022, 3, 1),
        )
    assert "application_number" in caught.value.message_dict


def test_bad_ipc_and_permission(uni, office):
    with pytest.raises(ValidationError):
        family(office, uni, ipc_codes="X99Z 1/1")
    researcher = member_of(uni, Role.RESEARCHER)
    with Unchanged(), pytest.raises(PermissionDenied):
        services.family_create(
            actor=researcher, institution=uni, title="x", ip_type="invention_patent"
        )


def test_legal_status_is_derived_from_events(uni, office):
    fam = family(office, uni)
    filing = services.filing_create(
        actor=office,
        family=fam,
        route="cn",
        kind="invention",
        application_number=cn(2018, 1, 1),
        filing_date=dt.date(2018, 5, 2),
    )
    services.filing_event_add(
        actor=office, filing=filing, kind=EventKind.PUBLISHED, date=dt.date(2018, 11, 2)
    )
    assert filing.legal_status == LegalStatus.PUBLISHED
    services.filing_event_add(
        actor=office, filing=filing, kind=EventKind.EXAM_REQUESTED, date=dt.date(2019, 1, 2)
    )
    services.filing_event_add(
        actor=office, filing=filing, kind=EventKind.GRANTED, date=dt.date(2020, 6, 30)
    )
    assert filing.legal_status == LegalStatus.GRANTED
    services.filing_event_add(
        actor=office, filing=filing, kind=EventKind.LAPSED, date=dt.date(2023, 6, 1)
    )
    assert filing.legal_status == LegalStatus.LAPSED
    services.filing_event_add(
        actor=office, filing=filing, kind=EventKind.RESTORED, date=dt.date(2023, 8, 1)
    )
    assert filing.legal_status == LegalStatus.GRANTED
    with pytest.raises(ValidationError):
        services.filing_event_add(
            actor=office, filing=filing, kind=EventKind.PUBLISHED, date=dt.date(2017, 1, 1)
        )


def test_a_granted_utility_model_expires_after_ten_years(uni, office):
    fam = services.family_create(
        actor=office, institution=uni, title="一种夹具", ip_type="utility_model"
    )
    filing = services.filing_create(
        actor=office,
        family=fam,
        route="cn",
        kind="utility_model",
        application_number=cn(2014, 2, 77),
        filing_date=dt.date(2014, 3, 3),
    )
    services.filing_event_add(
        actor=office, filing=filing, kind=EventKind.GRANTED, date=dt.date(2014, 9, 9)
    )
    assert filing.legal_status == LegalStatus.EXPIRED  # 2024-03-02 is past


def test_design_term_depends_on_the_filing_date():
    from datong.ip.terms import term_end

    assert term_end("design", dt.date(2021, 5, 31)) == dt.date(2031, 5, 30)
    assert term_end("design", dt.date(2021, 6, 1)) == dt.date(2036, 5, 31)
    assert term_end("invention", dt.date(2020, 1, 1), extension_days=100) == dt.date(
        2039, 12, 31
    ) + dt.timedelta(days=100)


def test_ownership_periods_never_overlap_and_shares_total_100(uni, office):
    fam = family(office, uni)
    services.ownership_change(
        actor=office,
        family=fam,
        start=dt.date(2020, 1, 1),
        holders=[{"name": "甲大学", "share": 100}],
    )
    with pytest.raises(ValidationError):
        services.ownership_change(
            actor=office,
            family=fam,
            start=dt.date(2022, 1, 1),
            holders=[{"name": "甲大学", "share": 70}, {"name": "发明人团队", "share": 20}],
        )
    services.ownership_change(
        actor=office,
        family=fam,
        start=dt.date(2022, 1, 1),
        holders=[{"name": "甲大学", "share": 70}, {"name": "发明人团队（赋权）", "share": 30}],
        note="赋权改革",
    )
    periods = list(fam.ownership.all())
    assert [(p.start, p.end) for p in periods] == [
        (dt.date(2020, 1, 1), dt.date(2022, 1, 1)),
        (dt.date(2022, 1, 1), None),
    ]
    with pytest.raises(ValidationError):
        services.ownership_change(
            actor=office,
            family=fam,
            start=dt.date(2021, 1, 1),
            holders=[{"name": "乙", "share": 100}],
        )


def test_costs_are_positive_and_audited(uni, office):
    fam = family(office, uni)
    filing = services.filing_create(
        actor=office,
        family=fam,
        route="cn",
        kind="invention",
        application_number=cn(2023, 1, 5),
        filing_date=dt.date(2023, 1, 5),
    )
    services.cost_add(
        actor=office, filing=filing, kind="official", amount="900", date=dt.date(2023, 1, 5)
    )
    with pytest.raises(ValidationError):
        services.cost_add(
            actor=office, filing=filing, kind="official", amount="-1", date=dt.date(2023, 1, 5)
        )
    assert filing.costs.count() == 1


def test_bulk_written_filings_get_their_docket_and_annuities_from_the_worker(uni, office):
    from datong.ip.models import DocketTask, Filing, Renewal
    from datong.ip.tasks import refresh_filings

    fam = family(office, uni)
    filing = services.filing_create(
        actor=office,
        family=fam,
        route="cn",
        kind="invention",
        application_number=cn(2024, 1, 42),
        filing_date=dt.date(2024, 2, 1),
    )
    services.filing_event_add(
        actor=office, filing=filing, kind=EventKind.GRANTED, date=dt.date(2025, 10, 1)
    )
    tasks, renewals = DocketTask.objects.count(), Renewal.objects.count()
    assert renewals > 0
    # A bulk import writes rows without the hooks ...
    DocketTask.objects.all().delete()
    Renewal.objects.all().delete()
    # ... and the queued task builds the same docket and schedule, twice without harm.
    assert refresh_filings.call(filing_ids=[filing.pk]) == 1
    refresh_filings.call(filing_ids=[filing.pk])
    assert (DocketTask.objects.count(), Renewal.objects.count()) == (tasks, renewals)
    assert Filing.objects.get(pk=filing.pk).legal_status == LegalStatus.GRANTED
