"""Account writes: users, profiles, passwords and API tokens — with their audit entries."""

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from datong.accounts import services
from datong.accounts.factories import TEST_PASSWORD, UserFactory
from datong.accounts.models import ApiToken, User
from datong.core import audit
from datong.core.models import AuditEntry
from datong.core.roles import Role
from datong.core.testing import Unchanged
from datong.institutions.factories import InstitutionFactory, MembershipFactory

pytestmark = pytest.mark.django_db

STRONG = "Kunming-lake-2024"


@pytest.fixture
def admin():
    return UserFactory(is_superuser=True, is_staff=True)


def only_entry(action: str) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, f"expected one {action!r} entry, found {len(entries)}"
    return entries[0]


# --- user_create ---------------------------------------------------------------------------


def test_the_system_creates_a_user():
    user = services.user_create(
        actor=None, username=" li.wei ", password=STRONG, name="李伟", email="li@example.cn"
    )
    user.refresh_from_db()
    assert user.username == "li.wei"
    assert user.check_password(STRONG)
    assert user.password != STRONG
    assert not user.is_superuser
    entry = only_entry("user.create")
    assert entry.actor is None and entry.actor_name == "system"
    assert entry.object_id == str(user.pk)
    assert entry.changes == {
        "username": [None, "li.wei"],
        "name": [None, "李伟"],
        "email": [None, "li@example.cn"],
        "is_superuser": [None, False],
    }
    assert STRONG not in str(entry.changes)


def test_a_superuser_creates_a_superuser(admin):
    user = services.user_create(actor=admin, username="root2", password=STRONG, is_superuser=True)
    assert user.is_superuser and user.is_staff
    assert only_entry("user.create").actor == admin


def test_without_a_password_the_account_cannot_log_in():
    user = services.user_create(actor=None, username="nopass", password=None)
    assert not user.has_usable_password()


def test_transfer_office_registers_a_person_of_its_own_institution():
    uni = InstitutionFactory()
    staff = MembershipFactory(institution=uni, role=Role.TTO_STAFF).user
    user = services.user_create(
        actor=staff, username="newcomer", password=None, institution_id=uni.pk
    )
    assert only_entry("user.create").actor == staff
    assert user.pk


@pytest.mark.parametrize("case", ["plain user", "other institution", "superuser wanted"])
def test_refused_user_creation_leaves_nothing(case):
    a, b = InstitutionFactory.create_batch(2)
    staff = MembershipFactory(institution=a, role=Role.TTO_STAFF).user
    actor, kwargs = {
        "plain user": (MembershipFactory(institution=a).user, {}),
        "other institution": (staff, {"institution_id": b.pk}),
        "superuser wanted": (staff, {"institution_id": a.pk, "is_superuser": True}),
    }[case]
    with Unchanged(), pytest.raises(PermissionDenied):
        services.user_create(actor=actor, username="intruder", password=STRONG, **kwargs)
    assert not User.objects.filter(username="intruder").exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"username": "ab"}, "username"),
        ({"username": "has space"}, "username"),
        ({"username": "中文名"}, "username"),
        ({"username": "Taken"}, "username"),  # case-insensitive clash with "taken"
        ({"email": "not-an-email"}, "email"),
        ({"language": "fr"}, "language"),
        ({"phone": "call me"}, "phone"),
        ({"name": "名" * 101}, "name"),
        ({"password": "12345678"}, "password"),
        ({"password": "short"}, "password"),
    ],
)
def test_invalid_user_creation_leaves_nothing(kwargs, field):
    UserFactory(username="taken")
    arguments = {"username": "fresh", "password": STRONG, **kwargs}
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.user_create(actor=None, **arguments)
    assert field in caught.value.message_dict


def test_password_checks_can_be_skipped_for_the_system():
    user = services.user_create(actor=None, username="demo", password="demo", check_password=False)
    assert user.check_password("demo")


# --- user_update_profile -------------------------------------------------------------------


def test_a_user_updates_their_own_profile():
    user = UserFactory(name="旧", phone="")
    services.user_update_profile(
        actor=user, user=user, data={"name": " 新名字 ", "phone": "+86 10 1234", "language": "en"}
    )
    user.refresh_from_db()
    assert (user.name, user.phone, user.language) == ("新名字", "+86 10 1234", "en")
    entry = only_entry("user.update")
    assert entry.actor == user
    assert entry.object_id == str(user.pk)
    assert entry.changes == {
        "name": ["旧", "新名字"],
        "phone": ["", "+86 10 1234"],
        "language": ["", "en"],
    }


def test_a_no_op_profile_update_writes_no_entry():
    user = UserFactory(name="同")
    services.user_update_profile(actor=user, user=user, data={"name": "同", "email": user.email})
    services.user_update_profile(actor=user, user=user, data={})
    assert AuditEntry.objects.count() == 0


def test_profile_update_ignores_fields_outside_the_profile():
    user = UserFactory()
    services.user_update_profile(
        actor=user, user=user, data={"is_superuser": True, "username": "boss", "is_staff": True}
    )
    user.refresh_from_db()
    assert not user.is_superuser and not user.is_staff and user.username != "boss"
    assert AuditEntry.objects.count() == 0


def test_a_superuser_updates_anyones_profile(admin):
    user = UserFactory(title="")
    services.user_update_profile(actor=admin, user=user, data={"title": "教授"})
    user.refresh_from_db()
    assert user.title == "教授"
    assert only_entry("user.update").actor == admin


def test_nobody_else_updates_a_profile():
    user, other = UserFactory(name="原名"), UserFactory()
    with Unchanged(), pytest.raises(PermissionDenied):
        services.user_update_profile(actor=other, user=user, data={"name": "改名"})
    user.refresh_from_db()
    assert user.name == "原名"


@pytest.mark.parametrize(
    ("data", "field"),
    [({"email": "x@"}, "email"), ({"language": "de"}, "language"), ({"phone": "abc"}, "phone")],
)
def test_invalid_profile_data_changes_nothing(data, field):
    user = UserFactory()
    before = (user.email, user.language, user.phone)
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.user_update_profile(actor=user, user=user, data=data)
    assert field in caught.value.message_dict
    user.refresh_from_db()
    assert (user.email, user.language, user.phone) == before


# --- user_change_password ------------------------------------------------------------------


def test_a_user_changes_their_password_and_the_log_masks_it():
    user = UserFactory()
    old_hash = user.password
    services.user_change_password(
        actor=user, user=user, old_password=TEST_PASSWORD, new_password=STRONG
    )
    user.refresh_from_db()
    assert user.check_password(STRONG)
    entry = only_entry("user.password")
    assert entry.actor == user
    assert entry.object_id == str(user.pk)
    assert entry.changes == {"password": [audit.MASK, audit.MASK]}
    for secret in (STRONG, TEST_PASSWORD, old_hash, user.password):
        assert secret not in str(entry.changes)


def test_a_wrong_current_password_is_refused():
    user = UserFactory()
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.user_change_password(
            actor=user, user=user, old_password="wrong", new_password=STRONG
        )
    assert "old_password" in caught.value.message_dict
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_a_weak_new_password_is_refused():
    user = UserFactory()
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.user_change_password(
            actor=user, user=user, old_password=TEST_PASSWORD, new_password="password"
        )
    assert "new_password" in caught.value.message_dict
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_a_superuser_resets_a_password_without_the_old_one(admin):
    user = UserFactory()
    services.user_change_password(actor=admin, user=user, old_password=None, new_password=STRONG)
    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert only_entry("user.password").actor == admin


def test_nobody_else_changes_a_password():
    user, other = UserFactory(), UserFactory()
    with Unchanged(), pytest.raises(PermissionDenied):
        services.user_change_password(
            actor=other, user=user, old_password=TEST_PASSWORD, new_password=STRONG
        )
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


# --- API tokens ----------------------------------------------------------------------------


def test_token_creation_stores_only_the_hash():
    user = UserFactory()
    token, plain = services.api_token_create(actor=user, user=user, name=" laptop ")
    token.refresh_from_db()
    assert plain.startswith(f"dt_{token.prefix}_")
    assert token.name == "laptop"
    assert token.key_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert token.expires_at is None
    stored = [str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert all(plain not in value for value in stored)
    entry = only_entry("token.create")
    assert entry.actor == user
    assert entry.object_id == str(token.pk)
    assert entry.changes == {"name": [None, "laptop"], "prefix": [None, token.prefix]}
    assert plain not in str(entry.changes) and token.key_hash not in str(entry.changes)


def test_tokens_are_unique():
    user = UserFactory()
    plains = {services.api_token_create(actor=user, user=user, name=f"t{i}")[1] for i in range(5)}
    assert len(plains) == 5


@pytest.mark.parametrize("days", [1, 3650])
def test_token_expiry_limits_are_allowed(days):
    user = UserFactory()
    token, _plain = services.api_token_create(
        actor=user, user=user, name="ci", expires_in_days=days
    )
    expected = timezone.now() + dt.timedelta(days=days)
    assert abs(token.expires_at - expected) < dt.timedelta(minutes=1)
    assert "expires_at" in only_entry("token.create").changes


@pytest.mark.parametrize(
    ("name", "days", "field"),
    [
        ("", None, "name"),
        ("   ", None, "name"),
        (None, None, "name"),
        ("x" * 101, None, "name"),
        ("ci", 0, "expires_in_days"),
        ("ci", -5, "expires_in_days"),
        ("ci", 3651, "expires_in_days"),
    ],
)
def test_invalid_tokens_are_refused(name, days, field):
    user = UserFactory()
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.api_token_create(actor=user, user=user, name=name, expires_in_days=days)
    assert field in caught.value.message_dict


def test_tokens_for_someone_else():
    user, other, admin = UserFactory(), UserFactory(), UserFactory(is_superuser=True)
    with Unchanged(), pytest.raises(PermissionDenied):
        services.api_token_create(actor=other, user=user, name="sneaky")
    token, _ = services.api_token_create(actor=admin, user=user, name="issued")
    assert token.user == user and only_entry("token.create").actor == admin
    system_token, _ = services.api_token_create(actor=None, user=user, name="cli")
    assert system_token.user == user


def test_revoking_a_token():
    user = UserFactory()
    token, plain = services.api_token_create(actor=user, user=user, name="old")
    services.api_token_revoke(actor=user, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not token.is_usable
    entry = only_entry("token.revoke")
    assert entry.actor == user
    assert entry.object_id == str(token.pk)
    assert entry.changes == {"revoked_at": [None, token.revoked_at.isoformat()]}
    assert services.api_token_authenticate(plain) is None


def test_revoking_twice_is_a_no_op():
    user = UserFactory()
    token, _ = services.api_token_create(actor=user, user=user, name="old")
    services.api_token_revoke(actor=user, token=token)
    first = ApiToken.objects.get(pk=token.pk).revoked_at
    services.api_token_revoke(actor=user, token=ApiToken.objects.get(pk=token.pk))
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first
    assert AuditEntry.objects.filter(action="token.revoke").count() == 1


def test_nobody_else_revokes_a_token():
    user, other, admin = UserFactory(), UserFactory(), UserFactory(is_superuser=True)
    token, _ = services.api_token_create(actor=user, user=user, name="mine")
    with Unchanged(), pytest.raises(PermissionDenied):
        services.api_token_revoke(actor=other, token=token)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    services.api_token_revoke(actor=admin, token=token)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_authenticating_with_a_token():
    user = UserFactory()
    token, plain = services.api_token_create(actor=user, user=user, name="t")
    entries = AuditEntry.objects.count()
    assert services.api_token_authenticate(plain) == user
    used = ApiToken.objects.get(pk=token.pk).last_used_at
    assert used is not None
    assert AuditEntry.objects.count() == entries  # bookkeeping is not audited
    assert services.api_token_authenticate(plain) == user
    assert ApiToken.objects.get(pk=token.pk).last_used_at == used  # not rewritten every call


def test_tokens_that_do_not_authenticate():
    user = UserFactory()
    token, plain = services.api_token_create(actor=user, user=user, name="t")
    assert services.api_token_authenticate("") is None
    assert services.api_token_authenticate(plain[3:]) is None  # without the dt_ prefix
    assert services.api_token_authenticate(plain + "x") is None
    assert services.api_token_authenticate(token.key_hash) is None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert services.api_token_authenticate(plain) is None


def test_a_deactivated_users_token_does_not_authenticate():
    user = UserFactory()
    _token, plain = services.api_token_create(actor=user, user=user, name="t")
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert services.api_token_authenticate(plain) is None


def test_an_overlong_profile_field_is_refused():
    user = UserFactory()
    with pytest.raises(ValidationError) as caught:
        services.user_update_profile(
            actor=user, user=user, data={"name": "名" * 101, "title": "t" * 65}
        )
    assert set(caught.value.message_dict) == {"name", "title"}
    user.refresh_from_db()
    assert len(user.name) <= 100
