"""The institution and alliance endpoints of /api/v1/, and the committed OpenAPI document."""

import json
from pathlib import Path

import pytest

import datong
from datong.accounts import services as account_services
from datong.accounts.factories import UserFactory
from datong.api import openapi_json
from datong.core.models import AuditEntry
from datong.core.roles import Role
from datong.core.testing import assert_api_error
from datong.core.testing import bearer as token_header
from datong.institutions import services
from datong.institutions.factories import (
    AllianceFactory,
    AllianceMemberFactory,
    DepartmentFactory,
    InstitutionFactory,
    member_of,
)
from datong.institutions.models import Institution, InstitutionKind

pytestmark = pytest.mark.django_db

OPENAPI_FILE = Path(datong.__file__).resolve().parent.parent / "docs" / "openapi.json"


def bearer(user):
    _token, plain = account_services.api_token_create(actor=user, user=user, name="test")
    return token_header(plain)


def patch(client, path, data, user):
    return client.patch(
        path, data=json.dumps(data), content_type="application/json", **bearer(user)
    )


assert_error = assert_api_error


@pytest.fixture
def world():
    a = InstitutionFactory(slug="uni-a", name="甲大学", province="110000")
    b = InstitutionFactory(slug="uni-b", name="乙大学", is_listed=False, province="310000")
    return {
        "a": a,
        "b": b,
        "alice": member_of(a, Role.RESEARCHER),
        "aaron": member_of(a, Role.TTO_STAFF),
        "bob": member_of(b, Role.RESEARCHER),
        "bert": member_of(b, Role.TTO_STAFF),
    }


# --- anonymous -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/institutions",
        "/api/v1/institutions/uni-a",
        "/api/v1/institutions/uni-a/members",
        "/api/v1/institutions/uni-a/history",
        "/api/v1/institutions/uni-a/departments",
        "/api/v1/alliances",
        "/api/v1/alliances/yrd/figures",
    ],
)
def test_anonymous_calls_are_unauthorized(client, world, path):
    assert_error(client.get(path), 401, "unauthorized")


def test_an_anonymous_patch_is_unauthorized(client, world):
    response = client.patch(
        "/api/v1/institutions/uni-a", data='{"name": "x"}', content_type="application/json"
    )
    assert_error(response, 401, "unauthorized")
    assert Institution.objects.get(slug="uni-a").name == "甲大学"


# --- listing -------------------------------------------------------------------------------


def test_institutions_are_paginated(client, world):
    InstitutionFactory.create_batch(10)
    client.force_login(world["alice"])
    pages = [client.get(f"/api/v1/institutions?page={n}&page_size=5").json() for n in (1, 2, 3)]
    for page in pages:
        assert set(page) == {"items", "count"}
        assert page["count"] == 11  # A and the ten new ones; never B
    assert [len(p["items"]) for p in pages] == [5, 5, 1]
    slugs = [i["slug"] for p in pages for i in p["items"]]
    assert len(set(slugs)) == 11
    assert "uni-b" not in slugs


def test_institution_list_shows_unlisted_ones_to_their_members(client, world):
    client.force_login(world["bob"])
    slugs = {i["slug"] for i in client.get("/api/v1/institutions").json()["items"]}
    assert slugs == {"uni-a", "uni-b"}


def test_institution_filters(client, world):
    InstitutionFactory(
        slug="ent-c", name="丙公司", kind=InstitutionKind.ENTERPRISE, province="310000"
    )
    client.force_login(world["bob"])

    def found(query):
        body = client.get(f"/api/v1/institutions?{query}").json()
        assert body["count"] == len(body["items"])
        return {i["slug"] for i in body["items"]}

    assert found("q=甲") == {"uni-a"}
    assert found("q=uni-b") == {"uni-b"}
    assert found("kind=enterprise") == {"ent-c"}
    assert found("kind=university") == {"uni-a", "uni-b"}
    assert found("province=310000") == {"uni-b", "ent-c"}
    assert found("province=310000&kind=university") == {"uni-b"}
    assert found("q=nothing-like-this") == set()


def test_list_items_have_the_documented_fields(client, world):
    client.force_login(world["alice"])
    item = client.get("/api/v1/institutions?q=uni-a").json()["items"][0]
    assert item["kind"] == "university"
    assert item["kind_label"]
    assert item["province"] == "110000"
    assert item["province_name"] == "北京市"
    assert "credit_code" not in item  # detail only


@pytest.mark.parametrize("query", ["page=0", "page=-1", "page=two", "page_size=0"])
def test_a_bad_page_is_an_invalid_request(client, world, query):
    client.force_login(world["alice"])
    body = assert_error(client.get(f"/api/v1/institutions?{query}"), 422, "invalid_request")
    assert body["errors"] and all("loc" in e and "message" in e for e in body["errors"])


# --- one institution -----------------------------------------------------------------------


def test_an_unlisted_institution_is_not_found_for_outsiders(client, world):
    client.force_login(world["alice"])
    for path in ("", "/departments", "/members", "/history"):
        response = client.get(f"/api/v1/institutions/uni-b{path}")
        assert_error(response, 404, "not_found")
    assert client.get("/api/v1/institutions/no-such").json() == (
        client.get("/api/v1/institutions/uni-b").json()
    )


def test_an_unlisted_institution_is_found_by_its_members_and_superusers(client, world):
    client.force_login(world["bob"])
    assert client.get("/api/v1/institutions/uni-b").json()["slug"] == "uni-b"
    client.force_login(UserFactory(is_superuser=True))
    assert client.get("/api/v1/institutions/uni-b").status_code == 200


def test_a_listed_institution_is_found_by_everyone_signed_in(client, world):
    client.force_login(world["bob"])
    body = client.get("/api/v1/institutions/uni-a").json()
    assert body["slug"] == "uni-a"
    assert "credit_code" in body


def test_members_are_listed_for_the_institutions_own_members_only(client, world):
    client.force_login(world["alice"])
    own = client.get("/api/v1/institutions/uni-a/members").json()
    assert own["count"] == 2
    assert {m["person_id"] for m in own["items"]} == {world["alice"].pk, world["aaron"].pk}
    assert {m["role"] for m in own["items"]} == {Role.RESEARCHER, Role.TTO_STAFF}
    client.force_login(world["bob"])
    assert client.get("/api/v1/institutions/uni-a/members").json() == {"items": [], "count": 0}
    client.force_login(UserFactory(is_superuser=True))
    assert client.get("/api/v1/institutions/uni-b/members").json()["count"] == 2


def test_departments_are_listed(client, world):
    dept = DepartmentFactory(institution=world["a"], name="物理学院", code="PHY")
    member_of(world["a"], department=dept)
    client.force_login(world["bob"])
    body = client.get("/api/v1/institutions/uni-a/departments").json()
    assert [(d["name"], d["code"], d["people_count"]) for d in body] == [("物理学院", "PHY", 1)]


# --- history -------------------------------------------------------------------------------


@pytest.fixture
def history(world):
    services.institution_update(actor=world["aaron"], institution=world["a"], data={"city": "海淀"})
    services.institution_update(actor=world["bert"], institution=world["b"], data={"city": "浦东"})
    return world


def test_history_is_for_the_institutions_staff(client, history):
    client.force_login(history["aaron"])
    body = client.get("/api/v1/institutions/uni-a/history").json()
    assert body["count"] == 1
    entry = body["items"][0]
    assert entry["action"] == "institution.update"
    assert entry["actor"] == history["aaron"].username
    assert entry["object"] == "甲大学"
    assert entry["changes"] == {"city": ["北京", "海淀"]}


def test_history_is_hidden_from_ordinary_members_and_outsiders(client, history):
    for actor in ("alice", "bert", "bob"):
        client.force_login(history[actor])
        assert_error(client.get("/api/v1/institutions/uni-a/history"), 404, "not_found")
    client.force_login(history["aaron"])
    assert_error(client.get("/api/v1/institutions/uni-b/history"), 404, "not_found")


def test_a_superuser_reads_any_history(client, history):
    client.force_login(UserFactory(is_superuser=True))
    assert client.get("/api/v1/institutions/uni-b/history").json()["count"] == 1


def test_history_is_paginated(client, world):
    for n in range(7):
        services.institution_update(
            actor=world["aaron"], institution=world["a"], data={"city": f"区{n}"}
        )
    client.force_login(world["aaron"])
    page = client.get("/api/v1/institutions/uni-a/history?page=2&page_size=5").json()
    assert page["count"] == 7
    assert [e["changes"]["city"][1] for e in page["items"]] == ["区1", "区0"]  # newest first


# --- PATCH ---------------------------------------------------------------------------------


def test_staff_patch_their_institution(client, world):
    response = patch(
        client,
        "/api/v1/institutions/uni-a",
        {"name": "甲理工大学", "website": "https://a.edu.cn", "slug": "stolen"},
        world["aaron"],
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["website"], body["slug"]) == (
        "甲理工大学",
        "https://a.edu.cn",
        "uni-a",
    )
    a = Institution.objects.get(pk=world["a"].pk)
    assert (a.name, a.website, a.slug) == ("甲理工大学", "https://a.edu.cn", "uni-a")
    entry = AuditEntry.objects.get(action="institution.update")
    assert entry.actor == world["aaron"]
    assert entry.changes == {
        "name": ["甲大学", "甲理工大学"],
        "website": ["", "https://a.edu.cn"],
    }


def test_a_patch_leaves_unsent_and_null_fields_alone(client, world):
    world["a"].city = "北京"
    world["a"].save()
    response = patch(client, "/api/v1/institutions/uni-a", {"city": None}, world["aaron"])
    assert response.status_code == 200
    assert Institution.objects.get(pk=world["a"].pk).city == "北京"
    assert not AuditEntry.objects.filter(action="institution.update").exists()


def test_staff_of_another_institution_get_403_on_a_listed_one(client, world):
    response = patch(client, "/api/v1/institutions/uni-a", {"name": "被改"}, world["bert"])
    assert_error(response, 403, "forbidden")
    assert Institution.objects.get(pk=world["a"].pk).name == "甲大学"
    assert not AuditEntry.objects.filter(action="institution.update").exists()


def test_a_researcher_gets_403_on_their_own_institution(client, world):
    response = patch(client, "/api/v1/institutions/uni-a", {"name": "被改"}, world["alice"])
    assert_error(response, 403, "forbidden")
    assert Institution.objects.get(pk=world["a"].pk).name == "甲大学"


def test_staff_of_another_institution_get_404_on_an_unlisted_one(client, world):
    response = patch(client, "/api/v1/institutions/uni-b", {"name": "被改"}, world["aaron"])
    assert_error(response, 404, "not_found")
    assert Institution.objects.get(pk=world["b"].pk).name == "乙大学"


def test_invalid_patch_data_is_refused_with_field_errors(client, world):
    response = patch(
        client,
        "/api/v1/institutions/uni-a",
        {"name": "新名", "website": "a.edu.cn", "credit_code": "91110108MA01ABCD10"},
        world["aaron"],
    )
    body = assert_error(response, 422, "invalid")
    assert set(body["errors"]) == {"website", "credit_code"}
    assert all(isinstance(m, str) and m for msgs in body["errors"].values() for m in msgs)
    a = Institution.objects.get(pk=world["a"].pk)
    assert (a.name, a.website) == ("甲大学", "")
    assert not AuditEntry.objects.filter(action="institution.update").exists()


def test_a_malformed_patch_body_is_an_invalid_request(client, world):
    response = patch(client, "/api/v1/institutions/uni-a", {"is_listed": "perhaps"}, world["aaron"])
    assert_error(response, 422, "invalid_request")
    assert Institution.objects.get(pk=world["a"].pk).is_listed


# --- alliances -----------------------------------------------------------------------------


@pytest.fixture
def alliance(world):
    alliance = AllianceFactory(slug="yrd")
    AllianceMemberFactory(alliance=alliance, institution=world["a"])
    AllianceMemberFactory(alliance=alliance, institution=world["b"])
    return alliance


def test_alliances_are_listed(client, world, alliance):
    client.force_login(world["alice"])
    body = client.get("/api/v1/alliances").json()
    assert [(a["slug"], a["secretariat"], a["member_count"]) for a in body] == [
        ("yrd", alliance.secretariat.slug, 2)
    ]


@pytest.mark.parametrize("role", [Role.ALLIANCE_ADMIN, Role.OBSERVER])
def test_alliance_figures_for_the_secretariat(client, world, alliance, role):
    client.force_login(member_of(alliance.secretariat, role))
    response = client.get("/api/v1/alliances/yrd/figures")
    assert response.status_code == 200
    body = response.json()
    assert body["alliance"] == "yrd"
    assert body["member_count"] == 2
    rows = {row["slug"]: row for row in body["members"]}
    assert rows["uni-a"]["people"] == 2
    assert rows["uni-a"]["researchers"] == 1
    assert rows["uni-a"]["office_staff"] == 1
    assert rows["uni-a"]["departments"] == 0
    assert body["totals"] == {"people": 4, "researchers": 2, "office_staff": 2, "departments_n": 0}


@pytest.mark.parametrize("who", ["aaron", "alice", "secretariat researcher"])
def test_alliance_figures_are_not_found_for_others(client, world, alliance, who):
    actor = (
        member_of(alliance.secretariat, Role.RESEARCHER)
        if who == "secretariat researcher"
        else world[who]
    )
    client.force_login(actor)
    assert_error(client.get("/api/v1/alliances/yrd/figures"), 404, "not_found")


# --- OpenAPI -------------------------------------------------------------------------------


def test_the_committed_openapi_document_is_current():
    assert OPENAPI_FILE.exists(), f"{OPENAPI_FILE} is missing: run `make openapi`"
    committed = OPENAPI_FILE.read_text(encoding="utf-8")
    assert openapi_json() == committed, (
        "docs/openapi.json is out of date with the API: run `make openapi` and commit it"
    )


def test_the_openapi_document_describes_the_api():
    schema = json.loads(openapi_json())
    assert schema["info"]["title"] == "Datong API"
    for path in (
        "/api/v1/me",
        "/api/v1/people",
        "/api/v1/people/{person_id}",
        "/api/v1/tokens/{token_id}",
        "/api/v1/institutions",
        "/api/v1/institutions/{slug}",
        "/api/v1/institutions/{slug}/history",
        "/api/v1/alliances/{slug}/figures",
    ):
        assert path in schema["paths"], path
    assert "patch" in schema["paths"]["/api/v1/institutions/{slug}"]
    assert "delete" in schema["paths"]["/api/v1/tokens/{token_id}"]


def test_an_overlong_name_is_a_field_error_on_every_database(client, world):
    """SQLite would store it and PostgreSQL would fail: the service refuses it on both."""
    response = patch(client, "/api/v1/institutions/uni-a", {"name": "长" * 201}, world["aaron"])
    body = assert_error(response, 422, "invalid")
    assert set(body["errors"]) == {"name"}
    assert "200" in body["errors"]["name"][0]
    assert Institution.objects.get(pk=world["a"].pk).name == "甲大学"
