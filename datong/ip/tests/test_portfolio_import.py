"""Portfolio import: the column guess, reading, per-row errors, all-or-nothing writing, valid-only,
the derived legal status, the command line, the pages and a speed check."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from datong.cli import main
from datong.core.models import AuditEntry
from datong.core.roles import Role
from datong.core.testing import Unchanged
from datong.institutions.factories import InstitutionFactory, member_of
from datong.ip import portfolio_import
from datong.ip.models import EventKind, Filing, FilingEvent, IPFamily, LegalStatus, OwnershipPeriod
from datong.ip.numbers import check_character
from datong.ip.portfolio_import import (
    Row,
    RowSet,
    guess_mapping,
    import_rows,
    parse_date,
    read_table,
    status_meanings,
)

pytestmark = pytest.mark.django_db


def cn(year, kind, serial):
    body = f"{year}{kind}{serial:07d}"
    return f"{body}.{check_character(body)}"


def wrong(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


@pytest.fixture
def uni():
    return InstitutionFactory(slug="uni", name="甲理工大学")


@pytest.fixture
def office(uni):
    return member_of(uni, Role.TTO_STAFF, name="王老师")


def good(n: int = 1, **changes) -> dict:
    row = {
        "application_number": cn(2015, 1, 1000 + n),
        "title": f"一种锂硫电池正极材料{n}",
        "ip_type": "发明",
        "filing_date": "2015-03-01",
        "grant_date": "2017-06-09",
        "legal_status": "授权",
        "ipc_codes": "H01M 4/38; H01M10/052",
        "applicants": "甲理工大学;乙科技有限公司",
        "inventors": "张三;李四",
        "claims_count": "10",
        "independent_claims": "2",
        "forward_citations": "4",
        "family_members": "US2016123456A1;EP3123456A1",
    }
    row.update(changes)
    return row


def rowset(*rows: dict) -> RowSet:
    return RowSet([Row(i, dict(r)) for i, r in enumerate(rows, start=2)])


# --- guessing and reading -----------------------------------------------------------------


def test_the_mapping_is_guessed_from_common_chinese_headers():
    headers = [
        "序号",
        "申请号",
        "发明名称",
        "申请日",
        "授权公告日",
        "法律状态",
        "主分类号",
        "IPC分类号",
        "发明(设计)人",
        "权利要求数",
        "被引用次数",
        "代理机构",
        "申请(专利权)人",
        "公开（公告）号",
        "简单同族",
    ]
    mapping = guess_mapping(headers)
    named = {headers[i]: f for i, f in mapping.items()}
    assert named == {
        "申请号": "application_number",
        "发明名称": "title",
        "申请日": "filing_date",
        "授权公告日": "grant_date",
        "法律状态": "legal_status",
        "主分类号": "ipc_codes",
        "发明(设计)人": "inventors",
        "权利要求数": "claims_count",
        "被引用次数": "forward_citations",
        "代理机构": "agency",
        "申请(专利权)人": "applicants",
        "公开（公告）号": "publication_number",
        "简单同族": "family_members",
    }
    assert 0 not in mapping and 7 not in mapping  # 序号 unknown; a second IPC column is left


def test_template_headers_and_field_names_map_to_themselves():
    content = portfolio_import.write_template()
    table = read_table(io.BytesIO(content), "t.xlsx")
    mapping = guess_mapping(table.headers)
    assert sorted(mapping.values()) == sorted(portfolio_import.FIELD_NAMES)
    assert table.rows_for(mapping) == []  # the field-name row is skipped


def test_dates_and_statuses_are_read_loosely():
    assert parse_date("2021/3/1") == dt.date(2021, 3, 1)
    assert parse_date("2021年3月1日") == dt.date(2021, 3, 1)
    assert parse_date("20210301") == dt.date(2021, 3, 1)
    assert parse_date(dt.datetime(2021, 3, 1, 0, 0)) == dt.date(2021, 3, 1)
    with pytest.raises(ValueError):
        parse_date("2021-13-45")
    assert status_meanings("授权；未缴年费专利权终止") == ["granted", "lapsed"]
    assert status_meanings("实质审查") == ["examination"]
    with pytest.raises(ValueError):
        status_meanings("奇怪")


def test_a_csv_export_is_read_with_its_own_headers(uni, office):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["申请号", "专利名称", "申请日", "法律状态"])
    writer.writerow([f"ZL {cn(2020, 2, 5)}", "一种夹具", "2020/05/06", "审中"])
    data = buffer.getvalue().encode("gb18030")
    table = read_table(io.BytesIO(data), "export.csv")
    assert table.headers == ["申请号", "专利名称", "申请日", "法律状态"]
    summary = import_rows(office, uni, table.rows_for(guess_mapping(table.headers)))
    assert summary.imported == 1
    filing = Filing.objects.get()
    assert filing.kind == "utility_model" and filing.application_number == cn(2020, 2, 5)
    assert IPFamily.objects.get().ip_type == "utility_model"


# --- checking -----------------------------------------------------------------------------


def test_bad_rows_are_reported_and_nothing_is_written(uni, office):
    rows = rowset(
        good(1),
        good(2, application_number=wrong(cn(2015, 1, 1002))),
        good(3, filing_date="2015-02-30"),
        good(4, application_number=""),
        good(5, application_number=cn(2015, 1, 1001)),  # the same number as row 2
    )
    with Unchanged():
        summary = import_rows(office, uni, rows)
    assert summary.imported == 0 and summary.valid == 1 and summary.invalid == 4
    found = {(p.row, p.column) for p in summary.errors}
    assert found == {(3, "申请号"), (4, "申请日"), (5, "申请号"), (6, "申请号")}
    messages = {p.row: p.message for p in summary.errors}
    assert "check character" in messages[3] or "校验" in messages[3]
    assert "row 2" in messages[6] or "2" in messages[6]


def test_valid_only_writes_the_good_rows(uni, office):
    rows = rowset(good(1), good(2, application_number=wrong(cn(2015, 1, 1002))), good(3))
    summary = import_rows(office, uni, rows, valid_only=True)
    assert summary.imported == 2 and summary.invalid == 1
    assert IPFamily.objects.count() == 2
    assert AuditEntry.objects.filter(action="ip.import").count() == 1


def test_an_existing_number_and_a_granted_status_without_date_are_errors(uni, office):
    import_rows(office, uni, rowset(good(1)))
    summary = import_rows(office, uni, rowset(good(1), good(2, grant_date="")), dry_run=True)
    assert [p.column for p in summary.errors] == ["申请号", "授权公告日"]


def test_a_missing_required_mapping_rejects_the_file(uni, office):
    table = portfolio_import.Table(["申请号", "名称"], [(2, [cn(2020, 1, 1), "x"])], "f.csv")
    with Unchanged():
        summary = import_rows(office, uni, table.rows_for({0: "application_number", 1: "title"}))
    assert summary.imported == 0
    assert any("申请日" in p.column for p in summary.errors)


def test_dry_run_and_other_institutions_staff(uni, office):
    other = member_of(InstitutionFactory(slug="other"), Role.TTO_STAFF)
    with Unchanged():
        assert import_rows(office, uni, rowset(good(1)), dry_run=True).valid == 1
        with pytest.raises(PermissionDenied):
            import_rows(other, uni, rowset(good(1)))


# --- writing ------------------------------------------------------------------------------


def test_a_row_becomes_a_family_with_filings_events_and_owners(uni, office):
    summary = import_rows(
        office,
        uni,
        rowset(
            good(1, licences="2", pledges="1", pledge_amount="1500", paid_until="2026-03-01"),
            good(2, legal_status="未缴年费专利权终止", status_date="2020-03-01", family_members=""),
            good(3, legal_status="实质审查", grant_date="", application_number=cn(2023, 1, 7)),
        ),
    )
    assert summary.imported == 3
    first = IPFamily.objects.get(title="一种锂硫电池正极材料1")
    assert first.ipc_codes == ["H01M 4/38", "H01M 10/052"]
    assert first.inventors == ["张三", "李四"] and first.claims_count == 10
    filings = {f.country: f for f in first.filings.all()}
    assert set(filings) == {"CN", "US", "EP"}
    assert filings["CN"].legal_status == LegalStatus.GRANTED
    kinds = sorted(filings["CN"].events.values_list("kind", flat=True))
    assert kinds.count(EventKind.LICENSED) == 2 and EventKind.RENEWAL_PAID in kinds
    assert "1500" in FilingEvent.objects.get(kind=EventKind.PLEDGED).note
    owners = OwnershipPeriod.objects.get(family=first)
    assert [h["share"] for h in owners.holders] == ["50.00", "50.00"]
    assert owners.holders[0]["institution"] == uni.pk
    lapsed = Filing.objects.get(family__title="一种锂硫电池正极材料2", country="CN")
    assert lapsed.legal_status == LegalStatus.LAPSED
    pending = Filing.objects.get(application_number=cn(2023, 1, 7))
    assert pending.legal_status == LegalStatus.EXAMINATION
    entry = AuditEntry.objects.get(action="ip.import")
    assert entry.changes["families"] == [None, 3]


def test_a_filing_past_its_term_is_expired(uni, office):
    import_rows(
        office,
        uni,
        rowset(
            good(
                1,
                application_number=cn(2008, 2, 11),
                ip_type="实用新型",
                filing_date="2008-01-02",
                grant_date="2008-09-01",
                legal_status="专利权期限届满",
            )
        ),
    )
    assert Filing.objects.get(country="CN").legal_status == LegalStatus.EXPIRED


# --- command line -------------------------------------------------------------------------


def _xlsx(tmp_path, rows: list[dict]):
    workbook = Workbook()
    sheet = workbook.active
    headers = list(rows[0])
    sheet.append([portfolio_import.FIELD[h].header for h in headers])
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    path = tmp_path / "patents.xlsx"
    workbook.save(path)
    return path


def test_cli_exit_codes(tmp_path, uni, capsys):
    InstitutionFactory(slug="second")
    bad = _xlsx(tmp_path, [good(1), good(2, application_number=wrong(cn(2015, 1, 1002)))])
    assert main(["import", "patents", str(bad)]) == 2  # two institutions: --institution needed
    assert main(["import", "patents", str(bad), "--institution", "nope"]) == 2
    with Unchanged():
        assert main(["import", "patents", str(bad), "--institution", "uni"]) == 1
    err = capsys.readouterr().err
    assert "row 3, 申请号" in err
    assert main(["import", "patents", str(bad), "--institution", "uni", "--dry-run"]) == 1
    assert IPFamily.objects.count() == 0
    assert main(["import", "patents", str(bad), "--institution", "uni", "--valid-only"]) == 1
    assert IPFamily.objects.count() == 1
    fine = _xlsx(tmp_path, [good(5)])
    assert main(["import", "patents", str(fine), "--institution", "uni"]) == 0
    assert main(["import", "patents", str(tmp_path / "none.xlsx"), "--institution", "uni"]) == 2
    template = tmp_path / "template.xlsx"
    assert main(["import", "patents", "--template", str(template)]) == 0
    assert load_workbook(template).active["A1"].value.startswith("申请号")
    assert main(["import", "patents"]) == 2


# --- the pages ----------------------------------------------------------------------------


def _upload(client, uni, rows: list[dict], name="patents.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    headers = list(rows[0])
    writer.writerow(["序号", *[portfolio_import.FIELD[h].header for h in headers]])
    for index, row in enumerate(rows, start=1):
        writer.writerow([index, *[row.get(h, "") for h in headers]])
    upload = SimpleUploadedFile(name, buffer.getvalue().encode("utf-8-sig"), "text/csv")
    return client.post(reverse("ip-portfolio-import"), {"institution": uni.pk, "file": upload})


def test_the_import_page_maps_checks_and_imports(client, uni, office, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client.force_login(office)
    assert client.get(reverse("ip-portfolio-import")).status_code == 200
    response = _upload(client, uni, [good(1), good(2, application_number="123")])
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="import-preview"' in content and 'name="map_1"' in content
    token = client.session["ip_portfolio_import"]["token"]
    mapping = {f"map_{i + 1}": f for i, f in enumerate(good(1))}
    with Unchanged():
        response = client.post(
            reverse("ip-portfolio-import"), {"token": token, "action": "check", **mapping}
        )
    assert 'id="import-errors"' in response.content.decode()
    errors = client.get(reverse("ip-portfolio-import-errors", args=[token]))
    assert errors.status_code == 200
    response = client.post(reverse("ip-portfolio-import"), {"token": token, "action": "valid"})
    assert 'data-imported="1"' in response.content.decode()
    assert IPFamily.objects.filter(institution=uni).count() == 1


def test_only_office_staff_may_import(client, uni):
    researcher = member_of(uni, Role.RESEARCHER)
    client.force_login(researcher)
    assert client.get(reverse("ip-portfolio-import")).status_code == 403
    assert client.get(reverse("ip-portfolio-import-template")).status_code == 403


def test_the_template_downloads(client, office):
    client.force_login(office)
    response = client.get(reverse("ip-portfolio-import-template"))
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).active["B1"].value == "专利名称*"


# --- speed --------------------------------------------------------------------------------


def test_two_thousand_rows_import_quickly(uni):
    rows = [
        good(
            n,
            application_number=cn(2010 + n % 12, 1 + n % 2, 100000 + n),
            ip_type="",
            filing_date=f"{2010 + n % 12}-05-0{1 + n % 9}",
            grant_date="" if n % 3 else f"{2012 + n % 12}-01-05",
            legal_status="实质审查" if n % 3 else "授权",
        )
        for n in range(2000)
    ]
    started = time.perf_counter()
    summary = import_rows(None, uni, rowset(*rows))
    seconds = time.perf_counter() - started
    assert summary.errors == [] and summary.imported == len(rows)
    assert seconds < 15, seconds
    assert Filing.objects.filter(country="CN").count() == len(rows)
