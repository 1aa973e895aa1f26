"""The annual report page, the records behind a figure, narrative editing and the downloads."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from datong.core.testing import Unchanged
from datong.reports.models import ReportNarrative

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(name, args=["uni", YEAR, *args])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_page_renders_every_section_and_figure(client, rw, language):
    client.cookies["datong_language"] = language
    client.force_login(rw["office"])
    response = client.get(url("report-annual"))
    assert response.status_code == 200
    html = response.content.decode()
    for n in range(1, 7):
        assert 'id="section-' in html and f"{n}. " in html
    assert "2,000,000.00" in html and "920,000.00" in html and "666,666.67" in html
    assert url("report-records", "conv_amount") in html
    assert f"{url('report-records', 'conv_by_region')}?group=320000" in html
    assert url("report-export", "docx") in html and url("report-export", "pdf") in html
    assert 'data-check="conversion_no_results"' in html
    if language == "en":
        assert "Conversions by transfer, licence and equity investment" in html
        assert "Conversion contracts" in html
    else:
        assert "以转让、许可、作价投资方式转化科技成果情况" in html


def test_the_home_goes_to_the_users_institution_and_last_year(client, rw):
    client.force_login(rw["office"])
    response = client.get(reverse("report-annual-home"))
    assert response.status_code == 302 and "/reports/annual/uni/" in response["Location"]
    response = client.get(reverse("report-annual-home"), {"year": YEAR})
    assert response["Location"] == url("report-annual")


def test_the_nav_entry_is_for_office_staff(client, rw):
    client.force_login(rw["office"])
    assert reverse("report-annual-home") in client.get(reverse("dashboard")).content.decode()
    client.force_login(rw["researcher"])
    assert reverse("report-annual-home") not in client.get(reverse("dashboard")).content.decode()


@pytest.mark.parametrize("who", ["researcher", "other_office", "alliance"])
def test_others_are_refused_the_page_the_records_and_the_files(client, rw, who):
    client.force_login(rw[who])
    for target in (
        url("report-annual"),
        url("report-records", "conv_amount"),
        url("report-export", "xlsx"),
    ):
        assert client.get(target).status_code in (403, 404), target


def test_the_alliance_administrator_is_refused_a_members_records(client, rw):
    """The secretariat sees aggregates elsewhere; a member's contracts stay the member's."""
    client.force_login(rw["alliance"])
    response = client.get(url("report-records", "project_list"))
    assert response.status_code == 403
    assert "合同C1" not in response.content.decode()


def test_the_records_behind_a_figure_and_a_group(client, rw):
    client.force_login(rw["office"])
    html = client.get(url("report-records", "conv_amount")).content.decode()
    for number in ("C1", "C2", "C5"):
        assert f">{number}</a>" in html
    assert ">C3</a>" not in html and ">C7</a>" not in html and ">X1</a>" not in html
    html = client.get(url("report-records", "conv_by_region"), {"group": "320000"}).content.decode()
    assert ">C1</a>" in html and ">C5</a>" in html and ">C2</a>" not in html
    assert "江苏省" in html
    html = client.get(url("report-records", "reward_cash_amount")).content.decode()
    assert "张三" in html and "李四" in html and "王五" not in html and "钱七" not in html
    html = client.get(
        url("report-records", "results_by_type"), {"group": "software_copyright"}
    ).content.decode()
    assert "成果R3" in html and "成果R1" not in html
    html = client.get(url("report-records", "conv_bands"), {"group": "1m-10m"}).content.decode()
    assert ">C2</a>" in html and ">C1</a>" not in html
    assert client.get(url("report-records", "no_such_code")).status_code == 404


def test_the_records_export_to_excel(client, rw):
    client.force_login(rw["office"])
    response = client.get(url("report-records", "conv_received"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4  # header + C1, C3 (licence, 2025 payment) and C2's 2025 payment
    assert {r[1] for r in rows[1:]} == {"C1", "C2", "C3"}


def test_the_narrative_is_edited_in_place(client, rw):
    client.force_login(rw["office"])
    target = url("report-narrative", "work")
    editor = client.get(target, HTTP_HX_REQUEST="true")
    assert editor.status_code == 200 and "<textarea" in editor.content.decode()
    saved = client.post(target, {"text": "全年完成转化项目三项。"}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200 and "全年完成转化项目三项。" in saved.content.decode()
    assert ReportNarrative.objects.get(section="work").text == "全年完成转化项目三项。"
    assert "全年完成转化项目三项。" in client.get(url("report-annual")).content.decode()
    back = client.post(target, {"text": "无 HTMX"})
    assert back.status_code == 302
    assert client.get(url("report-narrative", "conversion")).status_code == 404


def test_a_researcher_cannot_post_a_narrative(client, rw):
    client.force_login(rw["researcher"])
    with Unchanged():
        response = client.post(url("report-narrative", "work"), {"text": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize("fmt, magic", [("docx", b"PK"), ("xlsx", b"PK"), ("pdf", b"%PDF")])
def test_the_export_buttons_download_the_files(client, rw, fmt, magic):
    client.force_login(rw["office"])
    response = client.get(url("report-export", fmt))
    assert response.status_code == 200
    assert response.content.startswith(magic)
    assert f"annual-report-uni-{YEAR}.{fmt}" in response["Content-Disposition"]
    assert client.get(url("report-export", "odt")).status_code == 404
