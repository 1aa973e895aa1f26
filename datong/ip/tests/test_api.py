from django.utils import translation


def test_number_check_needs_no_log_in(client):
    response = client.get("/api/v1/ip/number-check", {"number": "ZL 200310102344.5"})
    assert response.status_code == 200
    assert response.json() == {
        "valid": True,
        "normalised": "200310102344.5",
        "kind": "invention",
        "message": response.json()["message"],
    }


def test_number_check_explains_a_wrong_check_in_the_users_language(client):
    with translation.override("en"):
        response = client.get(
            "/api/v1/ip/number-check", {"number": "200310102344.6"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    body = response.json()
    assert body["valid"] is False and body["normalised"] is None and body["kind"] == "invention"
    assert "should be 5" in body["message"]
    client.cookies["datong_language"] = "zh-hans"
    assert client.get("/api/v1/ip/number-check", {"number": ""}).json()["valid"] is False
