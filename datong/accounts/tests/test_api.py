"""The people and token endpoints of /api/v1/: authentication, scoping and revocation."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from datong.accounts import services
from datong.accounts.factories import UserFactory
from datong.accounts.models import ApiToken
from datong.core.models import AuditEntry
from datong.core.roles import Role
from datong.core.testing import bearer
from datong.institutions.factories import InstitutionFactory, member_of

pytestmark = pytest.mark.django_db


def token_for(user, **kwargs):
    return services.api_token_create(actor=user, user=user, name="test", **kwargs)


def assert_unauthorized(response):
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "unauthorized"
    assert body["message"]


@pytest.fixture
def world():
    a = InstitutionFactory(slug="uni-a")
    b = InstitutionFactory(slug="uni-b", is_listed=False)
    return {
        "a": a,
        "b": b,
        "alice": member_of(a, Role.RESEARCHER),
        "aaron": member_of(a, Role.TTO_STAFF),
        "bob": member_of(b, Role.RESEARCHER),
    }


# --- authentication ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/v1/me", "/api/v1/people", "/api/v1/people/1", "/api/v1/tokens"]
)
def test_anonymous_calls_are_unauthorized(client, path):
    assert_unauthorized(client.get(path))


def test_a_bearer_token_authenticates(client, world):
    alice = world["alice"]
    _token, plain = token_for(alice)
    response = client.get("/api/v1/me", **bearer(plain))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == alice.pk
    assert body["username"] == alice.username
    assert body["is_superuser"] is False
    assert [(m["institution"], m["role"]) for m in body["memberships"]] == [
        ("uni-a", Role.RESEARCHER)
    ]


def test_a_session_authenticates(client, world):
    client.force_login(world["aaron"])
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == world["aaron"].username


def test_a_revoked_token_is_unauthorized(client, world):
    alice = world["alice"]
    token, plain = token_for(alice)
    assert client.get("/api/v1/me", **bearer(plain)).status_code == 200
    services.api_token_revoke(actor=alice, token=token)
    assert_unauthorized(client.get("/api/v1/me", **bearer(plain)))


def test_an_expired_token_is_unauthorized(client, world):
    token, plain = token_for(world["alice"], expires_in_days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert_unauthorized(client.get("/api/v1/me", **bearer(plain)))


@pytest.mark.parametrize(
    "header",
    [
        "Bearer dt_00000000_wrong",
        "Bearer ",
        "Bearer not-even-a-datong-token",
        "Token {plain}",
        "{plain}",
    ],
)
def test_a_wrong_token_is_unauthorized(client, world, header):
    _token, plain = token_for(world["alice"])
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header.format(plain=plain))
    assert_unauthorized(response)


def test_a_deactivated_users_token_is_unauthorized(client, world):
    alice = world["alice"]
    _token, plain = token_for(alice)
    alice.is_active = False
    alice.save()
    assert_unauthorized(client.get("/api/v1/me", **bearer(plain)))


def test_a_bad_token_on_a_write_is_unauthorized_not_a_csrf_error(world):
    """API clients send no cookies; a bad token must say 401, not fail a CSRF check."""
    strict = Client(enforce_csrf_checks=True)
    alice = world["alice"]
    token, plain = token_for(alice)
    services.api_token_revoke(actor=alice, token=token)
    assert_unauthorized(strict.delete(f"/api/v1/tokens/{token.pk}", **bearer(plain)))
    assert_unauthorized(strict.delete(f"/api/v1/tokens/{token.pk}"))


def test_a_good_token_writes_without_csrf(world):
    strict = Client(enforce_csrf_checks=True)
    alice = world["alice"]
    token, plain = token_for(alice)
    assert strict.delete(f"/api/v1/tokens/{token.pk}", **bearer(plain)).status_code == 200


def test_a_session_write_needs_the_csrf_token(world):
    strict = Client(enforce_csrf_checks=True)
    alice = world["alice"]
    token, _plain = token_for(alice)
    strict.force_login(alice)
    response = strict.delete(f"/api/v1/tokens/{token.pk}")
    assert response.status_code == 403
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


# --- people --------------------------------------------------------------------------------


def test_a_person_of_another_institution_is_not_found(client, world):
    _token, plain = token_for(world["alice"])
    response = client.get(f"/api/v1/people/{world['bob'].pk}", **bearer(plain))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    absent = client.get("/api/v1/people/999999", **bearer(plain))
    assert absent.status_code == 404
    assert absent.json() == response.json()


def test_a_person_of_my_institution_and_myself_are_found(client, world):
    _token, plain = token_for(world["alice"])
    for key in ("alice", "aaron"):
        response = client.get(f"/api/v1/people/{world[key].pk}", **bearer(plain))
        assert response.status_code == 200
        assert response.json()["id"] == world[key].pk


def test_a_superuser_finds_everyone(client, world):
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(f"/api/v1/people/{world['bob'].pk}").status_code == 200
    assert client.get("/api/v1/people").json()["count"] == 4


def test_roles_in_two_institutions_show_people_of_both(client, world):
    both = member_of(world["a"], Role.RESEARCHER)
    member_of(world["b"], Role.RESEARCHER, user=both)
    client.force_login(both)
    assert client.get(f"/api/v1/people/{world['bob'].pk}").status_code == 200
    assert client.get(f"/api/v1/people/{world['alice'].pk}").status_code == 200
    ids = {p["id"] for p in client.get("/api/v1/people?page_size=100").json()["items"]}
    assert ids == {both.pk, world["alice"].pk, world["aaron"].pk, world["bob"].pk}


def test_a_persons_roles_elsewhere_stay_hidden(client, world):
    shared = member_of(world["a"], Role.RESEARCHER)
    member_of(world["b"], Role.TECH_MANAGER, user=shared)
    client.force_login(world["alice"])
    memberships = client.get(f"/api/v1/people/{shared.pk}").json()["memberships"]
    assert [m["institution"] for m in memberships] == ["uni-a"]


def test_people_are_paginated(client, world):
    for _ in range(10):
        member_of(world["a"])
    client.force_login(world["alice"])
    first = client.get("/api/v1/people?page=1&page_size=5").json()
    second = client.get("/api/v1/people?page=2&page_size=5").json()
    third = client.get("/api/v1/people?page=3&page_size=5").json()
    assert set(first) == {"items", "count"}
    assert first["count"] == second["count"] == third["count"] == 12
    assert (len(first["items"]), len(second["items"]), len(third["items"])) == (5, 5, 2)
    ids = [p["id"] for page in (first, second, third) for p in page["items"]]
    assert len(set(ids)) == 12
    assert world["bob"].pk not in ids


def test_people_filters(client, world):
    client.force_login(world["aaron"])
    body = client.get(f"/api/v1/people?role={Role.TTO_STAFF}").json()
    assert [p["id"] for p in body["items"]] == [world["aaron"].pk]
    assert client.get("/api/v1/people?institution=uni-b").json() == {"items": [], "count": 0}


def test_a_bad_page_is_an_invalid_request(client, world):
    client.force_login(world["alice"])
    for query in ("page=0", "page=x", "page_size=0"):
        response = client.get(f"/api/v1/people?{query}")
        assert response.status_code == 422, query
        body = response.json()
        assert body["code"] == "invalid_request"
        assert body["errors"]


# --- tokens --------------------------------------------------------------------------------


def test_token_list_shows_own_tokens_without_secrets(client, world):
    alice = world["alice"]
    token, plain = token_for(alice)
    token_for(world["bob"])
    response = client.get("/api/v1/tokens", **bearer(plain))
    assert response.status_code == 200
    body = response.json()
    assert [t["id"] for t in body] == [token.pk]
    assert body[0]["prefix"] == token.prefix
    assert plain not in response.content.decode()
    assert token.key_hash not in response.content.decode()
    assert "key_hash" not in body[0]


def test_revoking_own_token(client, world):
    alice = world["alice"]
    _current, plain = token_for(alice)
    other, other_plain = token_for(alice)
    response = client.delete(f"/api/v1/tokens/{other.pk}", **bearer(plain))
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    assert ApiToken.objects.get(pk=other.pk).revoked_at is not None
    entry = AuditEntry.objects.get(action="token.revoke")
    assert entry.actor == alice and entry.object_id == str(other.pk)
    assert_unauthorized(client.get("/api/v1/me", **bearer(other_plain)))
    assert client.get("/api/v1/me", **bearer(plain)).status_code == 200


def test_a_token_can_revoke_itself(client, world):
    token, plain = token_for(world["alice"])
    assert client.delete(f"/api/v1/tokens/{token.pk}", **bearer(plain)).status_code == 200
    assert_unauthorized(client.get("/api/v1/me", **bearer(plain)))


def test_someone_elses_token_is_not_found(client, world):
    _mine, plain = token_for(world["alice"])
    theirs, _ = token_for(world["bob"])
    response = client.delete(f"/api/v1/tokens/{theirs.pk}", **bearer(plain))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None
    assert not AuditEntry.objects.filter(action="token.revoke").exists()
