"""Institution and alliance pages: search, filters, pagination, export, scoping, editing."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from datong.accounts.services import user_create
from datong.core.models import AuditEntry
from datong.core.roles import Role
from datong.institutions import services as inst
from datong.institutions.models import Institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    admin = user_create(actor=None, username="root", password="root-pass-123!", is_superuser=True)
    sec = inst.institution_create(
        actor=admin, slug="sec", name="联盟秘书处", kind="alliance_secretariat"
    )
    alliance = inst.alliance_create(actor=admin, slug="al", name="测试联盟", secretariat=sec)
    a = inst.institution_create(
        actor=admin,
        slug="uni-a",
        name="甲理工大学",
        name_en="A Tech",
        kind="university",
        province="110000",
        city="北京",
    )
    b = inst.institution_create(
        actor=admin,
        slug="uni-b",
        name="乙医科大学",
        kind="university",
        province="310000",
        is_listed=False,
    )
    for i in range(30):
        inst.institution_create(
            actor=admin,
            slug=f"co-{i:02d}",
            name=f"企业{i:02d}",
            kind="enterprise",
            province="320000",
        )
    inst.alliance_member_add(actor=admin, alliance=alliance, institution=a)
    inst.alliance_member_add(actor=admin, alliance=alliance, institution=b)
    people = {}
    for key, where, role in [
        ("staff_a", a, Role.TTO_STAFF),
        ("researcher_a", a, Role.RESEARCHER),
        ("staff_b", b, Role.TTO_STAFF),
        ("secretary", sec, Role.ALLIANCE_ADMIN),
    ]:
        people[key] = inst.person_add(
            actor=admin,
            institution=where,
            username=key,
            name=key,
            email=f"{key}@x.cn",
            role=role,
            password="pass-word-123!",
        )
    return {"admin": admin, "a": a, "b": b, "alliance": alliance, **people}


def test_list_search_filter_and_paginate(client, world):
    client.force_login(world["staff_a"])
    url = reverse("institution-list")
    page1 = client.get(url)
    assert page1.context["page"].paginator.count == 32  # B is unlisted: hidden from A
    assert len(page1.context["page"].object_list) == 25
    page2 = client.get(url, {"page": 2})
    assert len(page2.context["page"].object_list) == 7
    assert client.get(url, {"q": "甲理工"}).context["page"].paginator.count == 1
    assert client.get(url, {"q": "A Tech"}).context["page"].paginator.count == 1
    assert client.get(url, {"kind": "enterprise"}).context["page"].paginator.count == 30
    assert client.get(url, {"province": "110000"}).context["page"].paginator.count == 1
    assert client.get(url, {"alliance": "al"}).context["page"].paginator.count == 1


def test_htmx_request_gets_the_table_fragment(client, world):
    client.force_login(world["staff_a"])
    response = client.get(reverse("institution-list"), {"q": "企业"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert "企业00" in body


def test_export_excel_and_csv_follow_the_filters(client, world):
    client.force_login(world["staff_a"])
    response = client.get(reverse("institution-list"), {"kind": "university", "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["甲理工大学"]
    response = client.get(reverse("institution-list"), {"q": "企业0", "export": "csv"})
    text = response.content.decode("utf-8-sig")
    assert text.count("\n") == 11  # header + 10 rows


def test_detail_shows_people_to_members_and_history_to_staff(client, world):
    client.force_login(world["researcher_a"])
    response = client.get(reverse("institution-detail", args=["uni-a"]))
    assert response.context["is_member"] and not response.context["is_staff"]
    assert 'id="history"' not in response.content.decode()
    assert client.get(reverse("institution-history", args=["uni-a"])).status_code == 404

    client.force_login(world["staff_a"])
    response = client.get(reverse("institution-detail", args=["uni-a"]))
    assert 'id="history"' in response.content.decode()
    history = client.get(reverse("institution-history", args=["uni-a"]))
    assert history.status_code == 200
    assert history.context["page"].paginator.count >= 1


def test_other_institutions_private_record_is_404(client, world):
    client.force_login(world["staff_a"])
    assert client.get(reverse("institution-detail", args=["uni-b"])).status_code == 404
    assert client.get(reverse("institution-edit", args=["uni-b"])).status_code == 404
    assert client.get(reverse("institution-history", args=["uni-b"])).status_code == 404
    assert client.get(reverse("person-detail", args=[world["staff_b"].pk])).status_code == 404


def test_staff_edit_profile_and_the_edit_is_audited(client, world):
    client.force_login(world["staff_a"])
    url = reverse("institution-edit", args=["uni-a"])
    data = {
        "name": "甲理工大学",
        "name_en": "A Tech",
        "short_name": "甲理工",
        "province": "110000",
        "city": "北京",
        "address": "",
        "website": "https://www.a.example.edu.cn",
        "email": "",
        "phone": "010-88886666",
        "credit_code": "",
        "description": "",
        "description_en": "",
        "is_listed": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    world["a"].refresh_from_db()
    assert world["a"].phone == "010-88886666"
    entry = AuditEntry.objects.filter(action="institution.update").latest("at")
    assert entry.actor == world["staff_a"]
    assert set(entry.changes) == {"short_name", "website", "phone"}


def test_invalid_edit_shows_errors_and_writes_nothing(client, world):
    client.force_login(world["staff_a"])
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("institution-edit", args=["uni-a"]),
        {
            "name": "甲理工大学",
            "credit_code": "91110000ABCDEFGHIJ",
            "website": "not a url",
            "is_listed": "on",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Institution.objects.get(slug="uni-a").credit_code == ""
    assert AuditEntry.objects.count() == before


def test_researcher_cannot_edit_the_profile(client, world):
    client.force_login(world["researcher_a"])
    response = client.get(reverse("institution-edit", args=["uni-a"]))
    assert response.status_code == 403


def test_alliance_figures_for_the_secretariat_only(client, world):
    url = reverse("alliance-detail", args=["al"])
    client.force_login(world["secretary"])
    response = client.get(url)
    figures = response.context["figures"]
    assert figures["member_count"] == 2
    assert figures["totals"]["people"] == 3
    client.force_login(world["staff_a"])
    response = client.get(url)
    assert response.context["figures"] is None
    # A member sees the listed members, not the unlisted one.
    assert [m.institution.slug for m in response.context["members"]] == ["uni-a"]


def test_edit_form_is_filled_in_and_labelled_in_the_users_language(client, world):
    inst.institution_update(
        actor=world["admin"], institution=world["a"], data={"website": "https://a.example.edu.cn"}
    )
    client.force_login(world["staff_a"])
    client.cookies["datong_language"] = "en"
    response = client.get(reverse("institution-edit", args=["uni-a"]))
    form = response.context["form"]
    assert form["website"].value() == "https://a.example.edu.cn"
    assert list(form.fields).index("website") == list(form.fields).index("address") + 1
    listing = client.get(reverse("institution-list")).content.decode()
    assert '<option value="name" selected>Name</option>' in listing
