"""The report API: figures, files, the check and narrative text."""

from __future__ import annotations

import copy

import pytest

from datong.market.tests.conftest import bearer
from datong.reports.report import template_for

from .conftest import YEAR

pytestmark = pytest.mark.django_db
BASE = f"/api/v1/reports/annual/uni/{YEAR}"


def _figures(body) -> dict:
    return {i["code"]: i for s in body["sections"] for i in s["indicators"]}


def test_the_figures(client, rw):
    response = client.get(BASE, **bearer(rw["office"]))
    assert response.status_code == 200
    body = response.json()
    assert body["template"]["version"] == "2026.1" and len(body["sections"]) == 6
    figures = _figures(body)
    assert figures["conv_count"]["value"] == 3
    assert figures["conv_amount"]["value"] == "2000000.00"
    assert {g["key"]: g["value"] for g in figures["conv_received"]["groups"]} == {
        "transfer": "900000.00",
        "licence": "20000.00",
    }
    assert [r["number"] for r in figures["project_list"]["rows"]] == ["C1", "C2", "C5"]


@pytest.mark.parametrize("who", ["researcher", "other_office", "alliance"])
def test_others_are_refused(client, rw, who):
    for path in (BASE, f"{BASE}/check", f"{BASE}/export?format=xlsx"):
        assert client.get(path, **bearer(rw[who])).status_code in (403, 404)
    response = client.put(
        f"{BASE}/narratives/work", {"text": "x"}, content_type="application/json", **bearer(rw[who])
    )
    assert response.status_code in (403, 404)


def test_the_export_and_the_check(client, rw):
    response = client.get(f"{BASE}/export?format=pdf", **bearer(rw["office"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get(f"{BASE}/export?format=exe", **bearer(rw["office"])).status_code == 404
    check = client.get(f"{BASE}/check", **bearer(rw["office"])).json()
    assert check["count"] == 5
    codes = {g["code"]: [i["label"] for i in g["items"]] for g in check["groups"]}
    assert codes["contract_type"] == ["C11"]


def test_the_narrative(client, rw):
    response = client.put(
        f"{BASE}/narratives/policy",
        {"text": "落实赋权改革。"},
        content_type="application/json",
        **bearer(rw["office"]),
    )
    assert response.status_code == 200 and response.json()["text"] == "落实赋权改革。"
    body = client.get(BASE, **bearer(rw["office"])).json()
    assert body["sections"][5]["narrative"] == "落实赋权改革。"
    refused = client.put(
        f"{BASE}/narratives/income",
        {"text": "x"},
        content_type="application/json",
        **bearer(rw["office"]),
    )
    assert refused.status_code == 422 and "section" in refused.json()["errors"]


def test_a_template_version_through_the_api(client, rw, admin_user):
    sections = copy.deepcopy(template_for(YEAR).sections)
    sections[0]["indicators"].append(
        {
            "code": "companies_all",
            "label": {"zh": "企业数", "en": "Companies"},
            "unit": "count",
            "query": {"source": "companies", "date": "incorporated_on", "period": "to_end"},
        }
    )
    payload = {"version": "2026.9", "effective_year": YEAR, "title": "测试", "sections": sections}
    refused = client.post(
        "/api/v1/reports/templates",
        payload,
        content_type="application/json",
        **bearer(rw["office"]),
    )
    assert refused.status_code == 403
    created = client.post(
        "/api/v1/reports/templates", payload, content_type="application/json", **bearer(admin_user)
    )
    assert created.status_code == 201
    figures = _figures(client.get(BASE, **bearer(rw["office"])).json())
    assert figures["companies_all"]["value"] == 2  # 2024 and 2025 incorporations
