"""Contract pages: list and export, the form (also from a match case), the detail page and its
actions, receivables, a result's licences; 404 outside the office's institution."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from datong.cases import services as case_services
from datong.core.testing import Unchanged
from datong.deals import services
from datong.deals.models import Contract, LicenceGrant
from datong.deals.tests.conftest import grant, industry, make_contract, signed

pytestmark = pytest.mark.django_db


def get(client, url, lang="zh-hans", **params):
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE=lang)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_pages_render_in_both_languages(client, dw, lang):
    contract = make_contract(dw, kind="transfer", pricing_method="agreed")
    services.contract_announce(actor=dw["office"], contract=contract, start="2026-09-28")
    licence = make_contract(dw, number="HT-L")
    grant(dw, licence, field="C", territory="CN")
    signed(dw, licence, "2026-03-02")
    services.payment_term_add(
        actor=dw["office"],
        contract=licence,
        data={"kind": "instalment", "amount": "1000.00", "due_on": "2026-04-01"},
    )
    client.force_login(dw["office"])
    # the Chinese catalogue is compiled from the translations later: check the page's language
    words = {"zh-hans": ('lang="zh', 'lang="zh'), "en": ("Contracts", "Receivables")}[lang]
    body = get(client, reverse("deal-list"), lang).content.decode()
    assert words[0] in body and contract.number in body and "HT-L" in body
    body = get(client, reverse("deal-detail", args=[contract.pk]), lang).content.decode()
    assert "2026-10-22" in body  # the announcement's last day
    assert ("国庆节" if lang == "zh-hans" else "National Day") in body
    body = get(client, reverse("deal-detail", args=[licence.pk]), lang).content.decode()
    assert "HT-L" in body and "¥1,000.00" in body
    body = get(client, reverse("deal-receivables"), lang).content.decode()
    assert words[1] in body and "HT-L" in body
    body = get(
        client, reverse("deal-result-licences", args=[dw["result"].pk]), lang
    ).content.decode()
    assert "HT-L" in body
    for url in (reverse("deal-create"), reverse("deal-edit", args=[contract.pk])):
        assert get(client, url, lang).status_code == 200


def test_the_list_filters_and_exports(client, dw):
    make_contract(dw, number="HT-A", title="许可甲")
    make_contract(dw, number="HT-B", kind="development", pricing_method="", title="开发乙")
    client.force_login(dw["office"])
    body = get(client, reverse("deal-list"), type="development").content.decode()
    assert "HT-B" in body and "HT-A" not in body
    body = get(client, reverse("deal-list"), q="许可甲").content.decode()
    assert "HT-A" in body and "HT-B" not in body
    response = get(client, reverse("deal-list"), export="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == [
        "HT-A",
        "HT-B",
    ]
    response = get(client, reverse("deal-list"), export="csv", type="licence")
    text = response.content.decode("utf-8-sig")
    assert "HT-A" in text and "HT-B" not in text


def test_others_get_403_or_404(client, dw):
    contract = make_contract(dw)
    client.force_login(dw["researcher"])
    assert get(client, reverse("deal-list")).status_code == 403
    assert get(client, reverse("deal-detail", args=[contract.pk])).status_code == 404
    assert get(client, reverse("deal-result-licences", args=[dw["result"].pk])).status_code == 404
    client.force_login(dw["other_office"])
    assert get(client, reverse("deal-list")).content.decode().count(contract.number) == 0
    assert get(client, reverse("deal-detail", args=[contract.pk])).status_code == 404
    assert get(client, reverse("deal-edit", args=[contract.pk])).status_code == 404
    with Unchanged():
        response = client.post(
            reverse("deal-sign", args=[contract.pk]), {"signed_on": "2026-03-01"}
        )
        assert response.status_code == 404


def test_creating_a_contract_through_the_form(client, dw):
    client.force_login(dw["office"])
    data = {
        "number": "HT-F1",
        "title": "表单合同",
        "contract_type": "licence",
        "pricing_method": "listed",
        "exclusivity": "sole",
        "amount": "88000.00",
        "results": [str(dw["result"].pk)],
        "party-TOTAL_FORMS": "2",
        "party-INITIAL_FORMS": "0",
        "party-MIN_NUM_FORMS": "0",
        "party-MAX_NUM_FORMS": "8",
        "party-0-role": "buyer",
        "party-0-name": "丙科技有限公司",
        "party-0-region": "320000",
        "party-0-entity_type": "033",
        "party-0-is_sme": "on",
        "party-1-role": "",
        "party-1-name": "",
    }
    with Unchanged():
        response = client.post(reverse("deal-create"), {**data, "exclusivity": ""})
        assert response.status_code == 400
    response = client.post(reverse("deal-create"), data)
    contract = Contract.objects.get(number="HT-F1")
    assert (
        response.status_code == 302 and response["Location"] == f"/deals/contracts/{contract.pk}/"
    )
    assert contract.exclusivity == "sole" and contract.parties.count() == 2


def test_the_form_from_a_match_case_is_prefilled(client, dw):
    case, _ = case_services.case_open(actor=dw["buyer"], listing=dw["listing"], message="许可")
    case_services.case_advance(
        actor=dw["office"], case=case, stage="deal", deal_reference="CASE-77"
    )
    client.force_login(dw["office"])
    body = get(client, reverse("deal-create"), case=case.pk).content.decode()
    assert 'value="CASE-77"' in body and dw["firm"].name in body


def test_an_overlapping_grant_is_refused_on_the_page(client, dw):
    first = make_contract(dw, number="HT-A", title="独占甲")
    grant(dw, first, field="C", territory="CN")
    second = make_contract(dw, number="HT-B")
    client.force_login(dw["office"])
    data = {
        "result": dw["result"].pk,
        "field_of_use": industry("38").pk,
        "territory": "320000",
        "starts_on": "2027-01-01",
        "ends_on": "2027-12-31",
        "exclusivity": "exclusive",
    }
    with Unchanged():
        response = client.post(reverse("deal-grant-add", args=[second.pk]), data)
    assert response.status_code == 400 and "HT-A" in response.content.decode()
    response = client.post(reverse("deal-grant-add", args=[second.pk]), {**data, "territory": "US"})
    assert response.status_code == 302 and LicenceGrant.objects.filter(contract=second).count() == 1


def test_the_free_to_license_check(client, dw):
    first = make_contract(dw, number="HT-A")
    grant(dw, first, field="C", territory="CN")
    client.force_login(dw["office"])
    url = reverse("deal-result-licences", args=[dw["result"].pk])
    params = {
        "field_of_use": industry("38").pk,
        "territory": "110000",
        "starts_on": "2027-01-01",
        "ends_on": "2027-06-30",
    }
    response = client.get(url, params, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert "Taken" in body and "HT-A" in body and "<html" not in body
    params["territory"] = "JP"
    body = client.get(
        url, params, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Free" in body and "HT-A" not in body


def test_recording_money_on_the_page(client, dw):
    contract = signed(dw, make_contract(dw))
    client.force_login(dw["office"])
    with Unchanged():
        response = client.post(
            reverse("deal-payment-add", args=[contract.pk]),
            {"received_on": "2026-03-05", "amount": "0"},
        )
        assert response.status_code == 400
    response = client.post(
        reverse("deal-payment-add", args=[contract.pk]),
        {"received_on": "2026-03-05", "amount": "5000.00"},
    )
    assert response.status_code == 302 and contract.payments.get().amount == 5000
    response = client.post(
        reverse("deal-term-add", args=[contract.pk]), {"kind": "royalty", "royalty_rate": "4"}
    )
    assert response.status_code == 302
    term = contract.terms.get()
    response = client.post(
        reverse("deal-royalty-add", args=[contract.pk]),
        {
            "term": term.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "sales": "12345.67",
            "due_on": "2026-04-30",
        },
    )
    assert response.status_code == 302
    assert str(contract.royalty_reports.get().royalty) == "493.83"  # 493.8268 → 493.83


def test_the_result_partial_shows_contracts_to_the_office_only(rf, dw):
    from django.template.loader import render_to_string

    make_contract(dw, number="HT-P")
    request = rf.get("/")
    request.user = dw["office"]
    html = render_to_string(
        "deals/partials/result_deals.html", {"result": dw["result"], "request": request}
    )
    assert "HT-P" in html and f"/deals/results/{dw['result'].pk}/licences/" in html
    request.user = dw["researcher"]
    html = render_to_string(
        "deals/partials/result_deals.html", {"result": dw["result"], "request": request}
    )
    assert "HT-P" not in html and "licences" not in html
