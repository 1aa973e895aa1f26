"""The audit log: recording, change computation, append-only storage and scoped reads."""

import datetime as dt
import decimal
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from datong.accounts.factories import UserFactory
from datong.core import audit
from datong.core.models import AuditEntry, AuditLogIsAppendOnly
from datong.core.roles import Role
from datong.core.selectors import audit_entries, object_history
from datong.institutions.factories import (
    AllianceFactory,
    DepartmentFactory,
    InstitutionFactory,
    MembershipFactory,
)
from datong.institutions.models import Institution

pytestmark = pytest.mark.django_db


# --- record --------------------------------------------------------------------------------


def test_record_describes_actor_action_and_object():
    uni = InstitutionFactory(name="东方大学")
    actor = UserFactory(username="recorder")
    entry = audit.record(
        actor=actor, action="institution.update", obj=uni, changes={"name": ["a", "b"]}
    )
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor == actor
    assert entry.actor_name == "recorder"
    assert entry.action == "institution.update"
    assert entry.content_type == ContentType.objects.get_for_model(Institution)
    assert entry.object_id == str(uni.pk)
    assert entry.object_repr == "东方大学"
    assert entry.institution_id == uni.pk
    assert entry.changes == {"name": ["a", "b"]}
    assert entry.changed_fields == ["name"]
    assert "recorder institution.update 东方大学" in str(entry)


@pytest.mark.parametrize("actor", [None, AnonymousUser()])
def test_record_without_a_signed_in_actor_is_the_system(actor):
    entry = audit.record(actor=actor, action="demo.load")
    assert entry.actor is None
    assert entry.actor_name == "system"
    assert entry.content_type is None
    assert entry.object_id == ""
    assert entry.institution_id is None
    assert entry.changes == {}


def test_record_takes_the_institution_from_the_object():
    department = DepartmentFactory()
    alliance = AllianceFactory()
    assert audit.record(actor=None, action="a", obj=department).institution_id == (
        department.institution_id
    )
    assert audit.record(actor=None, action="a", obj=alliance).institution_id == (
        alliance.secretariat_id
    )


def test_an_explicit_institution_wins():
    a, b = InstitutionFactory.create_batch(2)
    assert audit.record(actor=None, action="a", obj=a, institution_id=b.pk).institution_id == b.pk


def test_record_truncates_long_texts():
    # A membership's text joins a 100-character name and a 200-character institution name.
    member = MembershipFactory(
        user=UserFactory(name="名" * 100), institution=InstitutionFactory(name="长" * 200)
    )
    assert len(str(member)) > 255
    entry = audit.record(actor=None, action="a", obj=member, message="m" * 300)
    assert len(entry.object_repr) == 255
    assert len(entry.message) == 255


def test_deleting_the_actor_keeps_their_entries():
    actor = UserFactory(username="leaver")
    entry = audit.record(actor=actor, action="a", obj=InstitutionFactory())
    actor.delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor is None
    assert entry.actor_name == "leaver"


# --- snapshot and apply_changes ------------------------------------------------------------


def test_snapshot_records_set_fields_from_nothing():
    uni = InstitutionFactory(slug="east", name="东方大学", city="", website="")
    changes = audit.snapshot(uni, ("slug", "name", "city", "website", "is_listed"))
    assert changes == {
        "slug": [None, "east"],
        "name": [None, "东方大学"],
        "is_listed": [None, True],
    }


def test_snapshot_masks_secrets():
    user = UserFactory()
    changes = audit.snapshot(user, ("username", "password"))
    assert changes["password"] == [audit.MASK, audit.MASK]
    assert user.password not in str(changes)


def test_apply_changes_sets_only_allowed_changed_fields():
    uni = InstitutionFactory(name="旧名", city="北京", phone="")
    changes = audit.apply_changes(
        uni,
        {"name": "新名", "city": "北京", "slug": "hijack", "phone": "010-1"},
        ("name", "city", "phone"),
    )
    assert changes == {"name": ["旧名", "新名"], "phone": ["", "010-1"]}
    assert uni.name == "新名"
    assert uni.phone == "010-1"
    assert uni.slug != "hijack"


def test_apply_changes_reports_nothing_for_equal_values():
    uni = InstitutionFactory(name="同名")
    assert audit.apply_changes(uni, {"name": "同名"}, ("name",)) == {}
    assert audit.apply_changes(uni, {}, ("name",)) == {}


def test_apply_changes_masks_secrets():
    user = UserFactory()
    changes = audit.apply_changes(user, {"password": "plain-secret"}, ("password",))
    assert changes == {"password": [audit.MASK, audit.MASK]}


def test_values_are_stored_as_json():
    uni = InstitutionFactory()
    moment = dt.datetime(2024, 5, 1, 8, 30, tzinfo=dt.UTC)
    key = uuid.UUID("12345678-1234-5678-1234-567812345678")
    changes = {
        "when": audit._pair("when", None, moment),
        "day": audit._pair("day", dt.date(2024, 5, 1), None),
        "amount": audit._pair("amount", decimal.Decimal("1.50"), 2),
        "key": audit._pair("key", key, None),
        "who": audit._pair("who", None, uni),
        "tags": audit._pair("tags", ("a", 1), {"x": {dt.date(2024, 1, 2)}}),
    }
    entry = audit.record(actor=None, action="a", obj=uni, changes=changes)
    stored = AuditEntry.objects.get(pk=entry.pk).changes
    assert stored == {
        "when": [None, "2024-05-01T08:30:00+00:00"],
        "day": ["2024-05-01", None],
        "amount": ["1.50", 2],
        "key": ["12345678-1234-5678-1234-567812345678", None],
        "who": [None, str(uni)],
        "tags": [["a", 1], {"x": ["2024-01-02"]}],
    }


SERVICE_ACTIONS = [
    "user.create",
    "user.update",
    "user.password",
    "token.create",
    "token.revoke",
    "institution.create",
    "institution.update",
    "department.create",
    "department.update",
    "membership.grant",
    "membership.revoke",
    "alliance.create",
    "alliance.member_add",
    "alliance.member_remove",
]


@pytest.mark.parametrize("action", SERVICE_ACTIONS)
def test_every_service_action_has_a_label(action):
    assert audit.ACTION_LABELS.get(action), f"register a label for {action!r} in AppConfig.ready"


# --- append-only ---------------------------------------------------------------------------


@pytest.fixture
def entry():
    return audit.record(actor=None, action="kept", obj=InstitutionFactory())


def test_an_entry_cannot_be_saved_again(entry):
    entry.action = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "kept"


def test_an_entry_cannot_be_deleted(entry):
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_entries_cannot_be_updated_in_bulk(entry):
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(action="rewritten")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.update(action="rewritten")
    assert AuditEntry.objects.get(pk=entry.pk).action == "kept"


def test_entries_cannot_be_deleted_in_bulk(entry):
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.count() == 1


# --- history_for and the scoped reads ------------------------------------------------------


def test_history_for_lists_one_objects_entries_newest_first():
    a, b = InstitutionFactory.create_batch(2)
    first = audit.record(actor=None, action="one", obj=a)
    audit.record(actor=None, action="other", obj=b)
    second = audit.record(actor=None, action="two", obj=a)
    audit.record(actor=None, action="dept", obj=DepartmentFactory(institution=a))
    assert list(audit.history_for(a)) == [second, first]


def test_audit_entries_are_scoped():
    a, b = InstitutionFactory.create_batch(2)
    staff_a = MembershipFactory(institution=a, role=Role.TTO_STAFF).user
    researcher_a = MembershipFactory(institution=a, role=Role.RESEARCHER).user
    about_a = audit.record(actor=None, action="a", obj=a)
    about_b = audit.record(actor=None, action="b", obj=b)
    by_researcher = audit.record(actor=researcher_a, action="mine", obj=b)
    assert set(audit_entries(actor=staff_a)) == {about_a}
    assert set(audit_entries(actor=researcher_a)) == {by_researcher}
    assert set(audit_entries(actor=UserFactory(is_superuser=True))) == {
        about_a,
        about_b,
        by_researcher,
    }
    assert list(audit_entries(actor=AnonymousUser())) == []


def test_object_history_is_for_the_owning_institutions_staff():
    a, b = InstitutionFactory.create_batch(2)
    entry = audit.record(actor=None, action="a", obj=a)
    staff_a = MembershipFactory(institution=a, role=Role.TECH_MANAGER).user
    assert list(object_history(actor=staff_a, obj=a, institution_id=a.pk)) == [entry]
    admin = UserFactory(is_superuser=True)
    assert list(object_history(actor=admin, obj=a, institution_id=a.pk)) == [entry]
    refused = [
        MembershipFactory(institution=a, role=Role.RESEARCHER).user,
        MembershipFactory(institution=b, role=Role.TTO_STAFF).user,
        AnonymousUser(),
    ]
    for actor in refused:
        with pytest.raises(Http404):
            object_history(actor=actor, obj=a, institution_id=a.pk)
