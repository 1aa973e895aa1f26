"""IP record pages: families and filings created through the forms, numbers checked, scoping
(404 elsewhere, 403 for researchers), events moving the legal status, ownership, costs, export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import load_workbook

from datong.core.roles import Role
from datong.core.testing import Unchanged
from datong.institutions.factories import InstitutionFactory, member_of
from datong.institutions.models import InstitutionKind
from datong.ip import services
from datong.ip.models import CostEntry, Filing, IPFamily, LegalStatus, OwnershipPeriod
from datong.ip.numbers import check_application_number, check_character

pytestmark = pytest.mark.django_db


def cn(year, kind, serial):
    body = f"{year}{kind}{serial:07d}"
    return f"{body}.{check_character(body)}"


def wrong(number):
    return number[:-1] + ("0" if number[-1] != "0" else "1")


@pytest.fixture
def world():
    a = InstitutionFactory(slug="uni-a")
    b = InstitutionFactory(slug="uni-b")
    return {
        "a": a,
        "b": b,
        "office": member_of(a, Role.TTO_STAFF, name="赵处长"),
        "researcher": member_of(a, Role.RESEARCHER, name="李明"),
        "b_office": member_of(b, Role.TTO_STAFF),
    }


def make_family(world, **extra):
    family = services.family_create(
        actor=world["office"],
        institution=world["a"],
        title="一种锂硫电池正极材料",
        ip_type="invention_patent",
        **extra,
    )
    filing = services.filing_create(
        actor=world["office"],
        family=family,
        route="cn",
        kind="invention",
        application_number=cn(2021, 1, 345678),
        filing_date=dt.date(2021, 5, 10),
    )
    return family, filing


def test_the_office_creates_a_family_and_a_filing_through_the_pages(client, world):
    client.force_login(world["office"])
    response = client.get(reverse("ip-family-create"))
    assert response.status_code == 200
    response = client.post(
        reverse("ip-family-create"),
        {
            "institution": world["a"].pk,
            "ip_type": "invention_patent",
            "title": "一种固态电解质",
            "title_en": "A solid electrolyte",
            "ipc_codes": "h01m 10/0562; H01M4/38",
            "claims_count": "10",
            "independent_claims": "2",
            "inventors": "李明\n王芳\n\n李明",
            "forward_citations": "3",
        },
    )
    family = IPFamily.objects.get(title="一种固态电解质")
    assert response.status_code == 302
    assert response["Location"] == reverse("ip-filing-create", args=[family.pk])
    assert family.ipc_codes == ["H01M 10/0562", "H01M 4/38"]
    assert family.inventors == ["李明", "王芳"]
    assert family.claims_count == 10 and family.independent_claims == 2

    page = client.get(reverse("ip-filing-create", args=[family.pk]))
    assert b"/api/v1/ip/number-check" in page.content and b"ip-number-hint" in page.content
    number = cn(2022, 1, 123456)
    response = client.post(
        reverse("ip-filing-create", args=[family.pk]),
        {
            "route": "cn",
            "country": "cn",
            "kind": "invention",
            "application_number": f"ZL {number[:4]} {number[4:]}",
            "filing_date": "2022-03-01",
        },
    )
    assert response.status_code == 302
    filing = Filing.objects.get(family=family)
    assert filing.application_number == number and filing.country == "CN"
    detail = client.get(reverse("ip-family-detail", args=[family.pk]))
    assert number.encode() in detail.content
    listing = client.get(reverse("ip-family-list"), {"q": number[:8]})
    assert "一种固态电解质" in listing.content.decode()


def test_a_wrong_check_character_shows_the_message_and_writes_nothing(client, world):
    family, _filing = make_family(world)
    client.force_login(world["office"])
    bad = wrong(cn(2022, 1, 123456))
    with Unchanged():
        response = client.post(
            reverse("ip-filing-create", args=[family.pk]),
            {
                "route": "cn",
                "country": "CN",
                "kind": "invention",
                "application_number": bad,
                "filing_date": "2022-03-01",
            },
        )
    assert response.status_code == 200
    body = response.content.decode()
    with translation.override("zh-hans"):
        message = check_application_number(bad).message
    assert "has-error" in body and escape(message) in body


def test_another_institutions_staff_gets_404(client, world):
    family, filing = make_family(world)
    client.force_login(world["b_office"])
    for name, pk in (
        ("ip-family-detail", family.pk),
        ("ip-family-edit", family.pk),
        ("ip-filing-create", family.pk),
        ("ip-ownership-change", family.pk),
        ("ip-filing-edit", filing.pk),
        ("ip-filing-event", filing.pk),
        ("ip-cost-add", filing.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    with Unchanged():
        response = client.post(
            reverse("ip-filing-event", args=[filing.pk]), {"kind": "granted", "date": "2023-01-01"}
        )
    assert response.status_code == 404
    assert "一种锂硫电池" not in client.get(reverse("ip-family-list")).content.decode()


def test_a_researcher_sees_the_family_but_may_not_write(client, world):
    family, filing = make_family(world)
    client.force_login(world["researcher"])
    listing = client.get(reverse("ip-family-list"))
    assert "一种锂硫电池正极材料" in listing.content.decode()
    assert reverse("ip-family-create") not in listing.content.decode()
    detail = client.get(reverse("ip-family-detail", args=[family.pk]))
    assert detail.status_code == 200
    assert reverse("ip-family-edit", args=[family.pk]) not in detail.content.decode()
    assert client.get(reverse("ip-family-create")).status_code == 403
    assert client.get(reverse("ip-family-edit", args=[family.pk])).status_code == 403
    assert client.get(reverse("ip-filing-edit", args=[filing.pk])).status_code == 403
    with Unchanged():
        response = client.post(
            reverse("ip-family-create"),
            {"institution": world["a"].pk, "ip_type": "invention_patent", "title": "x"},
        )
    assert response.status_code == 403


def test_adding_an_event_changes_the_displayed_legal_status(client, world):
    family, filing = make_family(world)
    client.force_login(world["office"])
    detail = client.get(reverse("ip-family-detail", args=[family.pk])).content.decode()
    assert 'data-status="pending"' in detail and 'data-status="granted"' not in detail
    response = client.post(
        reverse("ip-filing-event", args=[filing.pk]),
        {"kind": "granted", "date": "2023-06-01", "note": "授权公告"},
    )
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.legal_status == LegalStatus.GRANTED
    detail = client.get(reverse("ip-family-detail", args=[family.pk])).content.decode()
    assert 'data-status="granted"' in detail and "授权公告" in detail
    listing = client.get(reverse("ip-family-list"), {"legal_status": "granted"})
    assert "一种锂硫电池正极材料" in listing.content.decode()


def test_an_event_before_the_filing_date_is_refused(client, world):
    family, filing = make_family(world)
    client.force_login(world["office"])
    with Unchanged():
        response = client.post(
            reverse("ip-filing-event", args=[filing.pk]),
            {"kind": "published", "date": "2020-01-01"},
        )
    assert response.status_code == 200 and "has-error" in response.content.decode()


def test_the_ownership_change_page_opens_a_new_period(client, world):
    family, _filing = make_family(world)
    client.force_login(world["office"])
    page = client.get(reverse("ip-ownership-change", args=[family.pk]))
    assert page.status_code == 200
    base = {
        "holder-TOTAL_FORMS": "3",
        "holder-INITIAL_FORMS": "0",
        "holder-MIN_NUM_FORMS": "0",
        "holder-MAX_NUM_FORMS": "1000",
        "start": "2022-01-01",
        "holder-0-name": "测试大学",
        "holder-0-share": "70",
        "holder-1-name": "李明",
        "holder-1-share": "20",
    }
    with Unchanged():
        response = client.post(reverse("ip-ownership-change", args=[family.pk]), base)
    assert response.status_code == 200 and "90.00" in response.content.decode()
    response = client.post(
        reverse("ip-ownership-change", args=[family.pk]), {**base, "holder-1-share": "30"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("ip-ownership-change", args=[family.pk]),
        {
            **base,
            "start": "2023-03-01",
            "holder-0-name": "某某科技有限公司",
            "holder-0-share": "100",
            "holder-1-name": "",
            "holder-1-share": "",
        },
    )
    assert response.status_code == 302
    periods = list(OwnershipPeriod.objects.filter(family=family).order_by("start"))
    assert [p.end for p in periods] == [dt.date(2023, 3, 1), None]
    detail = client.get(reverse("ip-family-detail", args=[family.pk])).content.decode()
    assert "某某科技有限公司" in detail and "ip-open" in detail


def test_cost_and_filing_correction_through_the_pages(client, world):
    family, filing = make_family(world)
    agency = InstitutionFactory(kind=InstitutionKind.SERVICE_PROVIDER, name="某某专利代理事务所")
    client.force_login(world["office"])
    response = client.post(
        reverse("ip-cost-add", args=[filing.pk]),
        {"kind": "official", "amount": "950.00", "date": "2021-05-10", "note": "申请费"},
    )
    assert response.status_code == 302
    assert CostEntry.objects.get(filing=filing).amount == 950
    detail = client.get(reverse("ip-family-detail", args=[family.pk])).content.decode()
    assert "950.00" in detail and "申请费" in detail
    edit = client.get(reverse("ip-filing-edit", args=[filing.pk]))
    assert edit.status_code == 200 and "某某专利代理事务所" in edit.content.decode()
    response = client.post(
        reverse("ip-filing-edit", args=[filing.pk]),
        {
            "route": "cn",
            "country": "CN",
            "kind": "invention",
            "application_number": filing.application_number,
            "filing_date": "2021-05-11",
            "agency": agency.pk,
            "attorney": "张律师",
        },
    )
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.filing_date == dt.date(2021, 5, 11) and filing.agency == agency
    assert filing.events.get(kind="filed").date == dt.date(2021, 5, 11)


def test_a_national_phase_child_shows_in_the_family_tree(client, world):
    family, filing = make_family(world)
    services.filing_create(
        actor=world["office"],
        family=family,
        route="pct",
        country="WO",
        kind="invention",
        application_number="PCT/CN2022/012345",
        filing_date=dt.date(2022, 5, 9),
        parent=filing,
        relation="priority",
    )
    client.force_login(world["office"])
    detail = client.get(reverse("ip-family-detail", args=[family.pk])).content.decode()
    assert "ip-tree" in detail and "PCT/CN2022/012345" in detail and "ip-depth-1" in detail


def test_export_gives_what_the_user_sees(client, world):
    make_family(world)
    services.family_create(
        actor=world["b_office"], institution=world["b"], title="外校的专利", ip_type="design"
    )
    client.force_login(world["office"])
    response = client.get(reverse("ip-family-list"), {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][1] == "一种锂硫电池正极材料" and cn(2021, 1, 345678) in rows[1][7]
    csv = client.get(reverse("ip-family-list"), {"export": "csv"}).content.decode("utf-8-sig")
    assert "一种锂硫电池正极材料" in csv and "外校的专利" not in csv


def test_the_list_filters_and_answers_htmx_with_the_table(client, world):
    make_family(world)
    client.force_login(world["office"])
    response = client.get(reverse("ip-family-list"), {"ip_type": "design"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "一种锂硫电池正极材料" not in body
    response = client.get(reverse("ip-family-list"), {"sort": "title", "page": "9"})
    assert response.status_code == 200
