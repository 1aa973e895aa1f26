import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from datong.reports.dashboards import services
from datong.reports.dashboards.models import AgreementYear


def get(client, url, lang="zh-hans", **params):
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE=lang)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_pages_render_in_both_languages(client, dw, lang):
    agreement = services.agreement_create(
        actor=dw["office"],
        institution=dw["uni"],
        data={
            "title": "甲大学—长沙",
            "partner_province": "430000",
            "year_from": 2009,
            "year_to": 2018,
        },
    )
    services.agreement_year_set(
        actor=dw["office"], agreement=agreement, year=2010, projects=7, contract_total="1000"
    )
    client.force_login(dw["office"])
    body = get(
        client, reverse("dashboard-institution"), lang, year_from=2023, year_to=2024
    ).content.decode()
    assert f'lang="{"zh-hans" if lang == "zh-hans" else "en"}' in body or 'lang="zh' in body
    assert "¥400,000" in body and 'id="db-data"' in body and "china.json" in body
    if lang == "en":
        assert "Conversion funnel" in body and "Contracts by type" in body
    for url in (
        reverse("agreement-list"),
        reverse("agreement-detail", args=[agreement.pk]),
        reverse("agreement-edit", args=[agreement.pk]),
        reverse("agreement-create"),
    ):
        response = get(client, url, lang)
        assert response.status_code == 200, url
        assert "甲大学—长沙" in response.content.decode() or url == reverse("agreement-create")
    client.force_login(dw["alliance_admin"])
    for url in (
        reverse("dashboard-alliance", args=[dw["alliance"].slug]),
        reverse("dashboard-alliance-agreements", args=[dw["alliance"].slug]),
    ):
        response = get(client, url, lang, year_from=2023, year_to=2024)
        assert response.status_code == 200, url
        assert "甲大学—长沙" in response.content.decode()
    assert get(client, reverse("dashboard-alliances"), lang).status_code == 302


def test_department_filter_and_bad_years_on_the_page(client, dw):
    client.force_login(dw["office"])
    body = get(
        client,
        reverse("dashboard-institution"),
        year_from=2023,
        year_to=2024,
        department=dw["inf"].pk,
    ).content.decode()
    assert "¥250,000" in body and "¥400,000" not in body
    response = get(client, reverse("dashboard-institution"), year_from=2024, year_to=2020)
    assert response.status_code == 200 and "alert-error" in response.content.decode()


def test_exports(client, dw):
    client.force_login(dw["office"])
    response = get(
        client, reverse("dashboard-institution"), year_from=2023, year_to=2024, export="xlsx"
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 11  # summary, nine series, the funnel
    years = book[book.sheetnames[1]]
    header = [c.value for c in years[1]]
    row_2024 = [c.value for c in years[3]]
    assert row_2024[0] == "2024"
    assert (
        row_2024[
            header.index("签订合同") if "签订合同" in header else header.index("Contracts signed")
        ]
        == 2
    )
    response = get(
        client, reverse("dashboard-institution"), year_from=2023, year_to=2024, export="csv"
    )
    text = response.content.decode("utf-8-sig")
    assert "by_year,," not in text
    assert "by_region" in text and ",320000," in text and "150000.00" in text
    client.force_login(dw["alliance_admin"])
    response = get(
        client,
        reverse("dashboard-alliance", args=["all"]),
        year_from=2023,
        year_to=2024,
        export="xlsx",
    )
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 3


def test_forms_write_through_the_services(client, dw):
    client.force_login(dw["office"])
    response = client.post(
        reverse("agreement-create"),
        {
            "title": "甲大学—株洲",
            "partner_province": "430000",
            "partner_city": "株洲市",
            "year_from": "2015",
            "year_to": "2020",
        },
    )
    assert response.status_code == 302
    agreement = dw["uni"].cooperation_agreements.get()
    response = client.post(
        reverse("agreement-year", args=[agreement.pk]),
        {"year": "2016", "projects": "3", "contract_total": "800000"},
    )
    assert response.status_code == 302 and AgreementYear.objects.get().projects == 3
    response = client.post(
        reverse("agreement-year", args=[agreement.pk]),
        {"year": "2030", "projects": "3", "contract_total": "1"},
    )
    assert response.status_code == 200 and AgreementYear.objects.count() == 1
    # someone else's office: 404
    client.force_login(dw["office2"])
    assert client.get(reverse("agreement-detail", args=[agreement.pk])).status_code == 404
    assert client.post(reverse("agreement-delete", args=[agreement.pk])).status_code == 404
    client.force_login(dw["researcher"])
    assert client.get(reverse("dashboard-institution")).status_code == 404
