from datong.core.testing import assert_api_error
from datong.market.tests.conftest import bearer


def test_dashboard_series(client, dw):
    response = client.get(
        "/api/v1/dashboards/institution",
        {"year_from": 2023, "year_to": 2024, "department": dw["mat"].pk},
        **bearer(dw["office"]),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["institution"] == "uni" and body["department"] == dw["mat"].pk
    assert body["totals"]["deals"] == 2 and body["totals"]["contract_amount"] == "150000.00"
    tables = {t["key"]: t for t in body["tables"]}
    years = {r["key"]: r["values"] for r in tables["by_year"]["rows"]}
    assert years["2024"]["contract_amount"] == "50000.00"
    assert [s["value"] for s in body["funnel"]] == [2, 2, 1, 1, 1]


def test_dashboard_refusals(client, dw):
    assert_api_error(
        client.get("/api/v1/dashboards/institution?institution=uni", **bearer(dw["researcher"])),
        404,
        "not_found",
    )
    response = client.get(
        "/api/v1/dashboards/institution?year_from=2024&year_to=2020", **bearer(dw["office"])
    )
    assert response.status_code == 422
    assert client.get("/api/v1/dashboards/institution").status_code == 401


def test_agreements_crud_and_figures(client, dw):
    headers = bearer(dw["office"])
    response = client.post(
        "/api/v1/agreements",
        {
            "title": "甲大学—长沙",
            "partner_province": "430000",
            "partner_city": "长沙市",
            "year_from": 2009,
            "year_to": 2018,
        },
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["institution"] == "uni"
    response = client.put(
        f"/api/v1/agreements/{pk}/years/2010",
        {"projects": 7, "contract_total": "12000000"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200 and response.json()["contract_total"] == "12000000.00"
    body = client.get(f"/api/v1/agreements/{pk}", **headers).json()
    assert body["projects_total"] == 7 and body["years"][0]["year"] == 2010
    response = client.patch(
        f"/api/v1/agreements/{pk}",
        {"centre_name": "技术转移中心"},
        content_type="application/json",
        **headers,
    )
    assert response.json()["centre_name"] == "技术转移中心"
    assert client.get("/api/v1/agreements", **headers).json()["count"] == 1
    bad = client.put(
        f"/api/v1/agreements/{pk}/years/2030",
        {"projects": 1},
        content_type="application/json",
        **headers,
    )
    assert_api_error(bad, 422, "invalid")
    # another office: 404 on the row, nothing in the list, refused to create for uni
    other = bearer(dw["office2"])
    assert_api_error(client.get(f"/api/v1/agreements/{pk}", **other), 404, "not_found")
    assert client.get("/api/v1/agreements", **other).json()["count"] == 0
    assert_api_error(
        client.delete(f"/api/v1/agreements/{pk}/years/2010", **other), 404, "not_found"
    )
    # the secretariat sees the totals only
    rows = client.get(
        f"/api/v1/dashboards/alliances/{dw['alliance'].slug}/agreements",
        **bearer(dw["alliance_admin"]),
    ).json()
    assert rows[0]["projects"] == 7 and rows[0]["amount"] == "12000000.00"
    assert client.delete(f"/api/v1/agreements/{pk}/years/2010", **headers).status_code == 204
    assert client.delete(f"/api/v1/agreements/{pk}", **headers).status_code == 204
    assert client.get("/api/v1/agreements", **headers).json()["count"] == 0
