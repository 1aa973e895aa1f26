"""The UI shell: dashboard, activity, error pages, security headers, language and health."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from django.urls import reverse

from datong.accounts.services import user_create
from datong.core.roles import Role
from datong.institutions import services as inst

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    admin = user_create(actor=None, username="root", password="root-pass-123!", is_superuser=True)
    a = inst.institution_create(actor=admin, slug="uni-a", name="甲大学", kind="university")
    b = inst.institution_create(actor=admin, slug="uni-b", name="乙大学", kind="university")
    staff_a = inst.person_add(
        actor=admin,
        institution=a,
        username="staff_a",
        name="王丽",
        email="w@a.cn",
        role=Role.TTO_STAFF,
        password="pass-word-123!",
    )
    staff_b = inst.person_add(
        actor=admin,
        institution=b,
        username="staff_b",
        name="李强",
        email="l@b.cn",
        role=Role.TTO_STAFF,
        password="pass-word-123!",
    )
    inst.institution_update(actor=staff_b, institution=b, data={"phone": "010-12345678"})
    return {"admin": admin, "a": a, "b": b, "staff_a": staff_a, "staff_b": staff_b}


def test_pages_need_a_log_in(client):
    for name in ("dashboard", "activity", "institution-list", "people-list", "settings"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_dashboard_counts_what_the_user_may_see(client, world):
    client.force_login(world["staff_a"])
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.context["institution_count"] == 2  # both are listed
    assert response.context["people_count"] == 1  # only colleagues of A (and themself)
    # The navigation shows the pages that exist.
    body = response.content.decode()
    for url in ("/institutions/", "/people/", "/alliances/", "/activity/"):
        assert f'href="{url}"' in body


def test_activity_shows_own_institution_history_only(client, world):
    client.force_login(world["staff_a"])
    response = client.get(reverse("activity"))
    entries = list(response.context["page"].object_list)
    assert entries, "staff see their institution's history"
    assert all(
        e.institution_id == world["a"].pk or e.actor_id == world["staff_a"].pk for e in entries
    )
    assert not any(e.object_repr == "乙大学" for e in entries)


@override_settings(DEBUG=False)
def test_friendly_404_in_both_languages(client, world):
    client.force_login(world["staff_a"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "error-code" in response.content.decode()
    assert "页面不存在" in response.content.decode()
    client.cookies["datong_language"] = "en"
    response = client.get("/no-such-page/")
    assert "Page not found" in response.content.decode()


def test_api_paths_get_json_404(client, world):
    client.force_login(world["staff_a"])
    response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_security_headers_when_not_in_debug(client):
    response = client.get(reverse("login"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "Secure" in response.cookies["csrftoken"].output()


def test_healthz(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}


def test_language_switch_keeps_the_choice_in_the_profile(client, world):
    client.force_login(world["staff_a"])
    response = client.post(reverse("language-switch"), {"language": "en", "next": "/people/"})
    assert response.status_code == 302
    assert response["Location"] == "/people/"
    assert response.cookies["datong_language"].value == "en"
    world["staff_a"].refresh_from_db()
    assert world["staff_a"].language == "en"
    page = client.get(reverse("dashboard"))
    assert '<html lang="en">' in page.content.decode()


def test_language_switch_refuses_foreign_redirects_and_bad_languages(client, world):
    client.force_login(world["staff_a"])
    response = client.post(
        reverse("language-switch"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    assert "datong_language" not in response.cookies
    world["staff_a"].refresh_from_db()
    assert world["staff_a"].language == ""


def test_api_docs_are_served_locally(client, world):
    """Offices often sit behind closed networks: the API docs must not need a CDN."""
    client.force_login(world["staff_a"])
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "cdn." not in body


def test_server_error_page_in_both_languages(rf):
    from django.utils import translation

    from datong.core.views import error_500

    for language, text in (("zh-hans", "出错了"), ("en", "Something went wrong")):
        with translation.override(language):
            response = error_500(rf.get("/institutions/"))
        assert response.status_code == 500
        assert text in response.content.decode()
    with translation.override("en"):
        response = error_500(rf.get("/api/v1/me"))
    assert json.loads(response.content) == {
        "code": "server_error",
        "message": "An unexpected error occurred. It has been logged; please try again later.",
    }


def test_dashboard_counts_of_the_modules_follow_the_users_reach(client, world):
    from datong.results import services as results_services

    results_services.disclosure_create(
        actor=world["staff_b"], institution=world["b"], title="乙的披露"
    )
    client.force_login(world["staff_a"])
    stats = dict((s.key, n) for s, n in client.get(reverse("dashboard")).context["module_stats"])
    assert stats["disclosures"] == 0  # B's draft is not A's business
    assert stats["results"] == 0 and stats["ip"] == 0 and stats["deadlines"] == 0
    client.force_login(world["staff_b"])
    stats = dict((s.key, n) for s, n in client.get(reverse("dashboard")).context["module_stats"])
    assert stats["disclosures"] == 1
