"""Log-in, settings, password change, tokens and the people directory."""

from __future__ import annotations

import pytest
from django.urls import reverse

from datong.accounts.models import ApiToken
from datong.accounts.services import user_create
from datong.core.roles import Role
from datong.institutions import services as inst

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    admin = user_create(actor=None, username="root", password="root-pass-123!", is_superuser=True)
    a = inst.institution_create(actor=admin, slug="uni-a", name="甲大学", kind="university")
    b = inst.institution_create(actor=admin, slug="uni-b", name="乙大学", kind="university")
    people = {}
    for i in range(28):
        people[f"r{i}"] = inst.person_add(
            actor=admin,
            institution=a,
            username=f"r{i:02d}",
            name=f"研究员{i:02d}",
            email=f"r{i}@a.cn",
            role=Role.RESEARCHER,
            password="pass-word-123!",
        )
    people["staff_b"] = inst.person_add(
        actor=admin,
        institution=b,
        username="staff_b",
        name="李强",
        email="l@b.cn",
        role=Role.TTO_STAFF,
        password="pass-word-123!",
    )
    return {"admin": admin, "a": a, "b": b, **people}


def test_log_in_and_out(client, world):
    response = client.post(reverse("login"), {"username": "r00", "password": "pass-word-123!"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302


def test_log_in_sets_the_users_language(client, world):
    world["r0"].language = "en"
    world["r0"].save()
    response = client.post(reverse("login"), {"username": "r00", "password": "pass-word-123!"})
    assert response.cookies["datong_language"].value == "en"


def test_people_directory_is_scoped_searchable_and_paginated(client, world):
    client.force_login(world["r0"])
    response = client.get(reverse("people-list"))
    assert response.context["page"].paginator.count == 28  # colleagues of A only
    assert len(response.context["page"].object_list) == 25
    assert (
        client.get(reverse("people-list"), {"q": "研究员03"}).context["page"].paginator.count == 1
    )
    assert client.get(reverse("people-list"), {"q": "李强"}).context["page"].paginator.count == 0
    assert (
        client.get(reverse("people-list"), {"role": "tto_staff"}).context["page"].paginator.count
        == 0
    )
    export = client.get(reverse("people-list"), {"export": "csv"})
    assert export.content.decode("utf-8-sig").count("\n") == 29


def test_password_change(client, world):
    client.force_login(world["r0"])
    url = reverse("password-change")
    bad = client.post(
        url,
        {
            "old_password": "wrong",
            "new_password": "N3w-pass-word!",
            "new_password2": "N3w-pass-word!",
        },
    )
    assert bad.status_code == 200 and "old_password" in bad.context["form"].errors
    mismatch = client.post(
        url,
        {
            "old_password": "pass-word-123!",
            "new_password": "N3w-pass-word!",
            "new_password2": "other",
        },
    )
    assert "new_password2" in mismatch.context["form"].errors
    weak = client.post(
        url, {"old_password": "pass-word-123!", "new_password": "123", "new_password2": "123"}
    )
    assert "new_password" in weak.context["form"].errors
    ok = client.post(
        url,
        {
            "old_password": "pass-word-123!",
            "new_password": "N3w-pass-word!",
            "new_password2": "N3w-pass-word!",
        },
    )
    assert ok.status_code == 302
    world["r0"].refresh_from_db()
    assert world["r0"].check_password("N3w-pass-word!")
    assert client.get("/").status_code == 200  # still logged in


def test_token_created_once_and_revoked(client, world):
    client.force_login(world["r0"])
    response = client.post(
        reverse("settings"), {"token-name": "脚本", "token-expires_in_days": "30"}
    )
    plain = response.context["new_token"]
    assert plain.startswith("dt_")
    token = ApiToken.objects.get(user=world["r0"])
    assert plain not in token.key_hash
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert me.status_code == 200 and me.json()["username"] == "r00"
    # Another user cannot revoke it.
    client.force_login(world["staff_b"])
    assert client.post(reverse("token-revoke", args=[token.pk])).status_code == 404
    client.force_login(world["r0"])
    client.post(reverse("token-revoke", args=[token.pk]))
    c2 = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert c2.status_code in (200, 401)  # session still present in this client
    client.logout()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 401


def test_profile_validation_message(client, world):
    client.force_login(world["r0"])
    response = client.post(
        reverse("settings"),
        {"profile-name": "新名字", "profile-email": "not-an-email", "profile-language": "zh-hans"},
    )
    assert response.status_code == 200
    assert "email" in response.context["profile_form"].errors
    world["r0"].refresh_from_db()
    assert world["r0"].name == "研究员00"


def test_people_of_one_department(client, world):
    from datong.institutions.models import Department

    dept = inst.department_create(actor=world["admin"], institution=world["a"], name="化学学院")
    inst.membership_grant(
        actor=world["admin"],
        user=world["r3"],
        institution=world["a"],
        role=Role.REVIEWER,
        department=dept,
    )
    client.force_login(world["r0"])
    response = client.get(reverse("people-list"), {"institution": "uni-a", "department": dept.pk})
    assert [p.username for p in response.context["page"].object_list] == ["r03"]
    # A department id of another institution finds nobody the user may not see.
    other = Department.objects.create(institution=world["b"], name="乙学院")
    response = client.get(reverse("people-list"), {"department": other.pk})
    assert response.context["page"].paginator.count == 0
    assert client.get(reverse("people-list"), {"department": "x"}).status_code == 200
