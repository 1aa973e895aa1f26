"""The demo loader: complete, fast, repeatable, and every demo log-in works."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth import authenticate
from django.core.validators import URLValidator, validate_email, validate_slug
from django.db import transaction

from datong.accounts.models import ApiToken, User
from datong.core import audit
from datong.core.models import AuditEntry
from datong.core.permissions import scope_for
from datong.core.roles import STAFF_ROLES, Role
from datong.demo import loader
from datong.demo.dashboards import REAL_INSTITUTIONS  # noqa: E402
from datong.demo.loader import DEMO_ACCOUNTS, DEMO_PASSWORD, database_is_empty, load_demo
from datong.institutions import credit_code
from datong.institutions.models import (
    Alliance,
    AllianceMember,
    Department,
    Institution,
    InstitutionKind,
    Membership,
)

PHONE_RE = re.compile(r"[0-9+\- ()]{5,32}")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The small demo, loaded once for the read-only tests of this module, removed after."""
    with django_db_blocker.unblock():
        started = time.perf_counter()
        summary = load_demo("small")
        summary["wall"] = time.perf_counter() - started
        yield summary
        with transaction.atomic():
            loader._wipe()


def _fingerprint() -> dict:
    return {
        "institutions": list(Institution.objects.order_by("slug").values_list("slug", "name")),
        "departments": sorted(Department.objects.values_list("institution__slug", "name")),
        "users": list(User.objects.order_by("username").values_list("username", "name", "email")),
        "memberships": sorted(
            Membership.objects.values_list("user__username", "institution__slug", "role")
        ),
    }


# --- the loaded data ---------------------------------------------------------------------


@pytest.mark.django_db
def test_small_loads_quickly_with_forty_universities(demo):
    assert demo["wall"] < 30
    assert isinstance(demo["seconds"], float) and demo["seconds"] < 30
    assert demo["size"] == "small"
    universities = Institution.objects.filter(kind=InstitutionKind.UNIVERSITY)
    assert universities.exclude(slug__in=REAL_INSTITUTIONS).count() == 40
    assert demo["institutions"] == Institution.objects.count()
    assert demo["people"] == User.objects.count()
    assert demo["departments"] == Department.objects.count()
    assert 600 <= demo["people"] <= 1100
    for kind in InstitutionKind.values:
        assert Institution.objects.filter(kind=kind).exists(), kind


@pytest.mark.django_db
def test_every_role_is_held(demo):
    held = set(Membership.objects.values_list("role", flat=True))
    assert held == set(Role.values)


@pytest.mark.django_db
def test_universities_have_schools_and_people(demo):
    universities = Institution.objects.filter(kind=InstitutionKind.UNIVERSITY)
    for university in universities.exclude(slug__in=REAL_INSTITUTIONS):
        assert 6 <= university.departments.count() <= 14, university
        roles = list(university.memberships.values_list("role", flat=True))
        assert 2 <= roles.count(Role.TTO_STAFF) <= 5, university  # the first has the demo tto
        assert roles.count(Role.TECH_MANAGER) >= 2, university
        assert roles.count(Role.RESEARCHER) >= 8, university
        assert roles.count(Role.REVIEWER) >= 1, university
    researchers = Membership.objects.filter(
        role=Role.RESEARCHER, institution__kind=InstitutionKind.UNIVERSITY
    )
    assert not researchers.filter(department__isnull=True).exists()
    # Some researchers review for another institution as well.
    home = dict(researchers.values_list("user_id", "institution_id"))
    reviews = Membership.objects.filter(role=Role.REVIEWER).values_list("user_id", "institution_id")
    elsewhere = [user for user, place in reviews if user in home and home[user] != place]
    assert len(elsewhere) >= 10


@pytest.mark.django_db
def test_the_alliance_holds_universities_and_institutes_only(demo):
    alliance = Alliance.objects.get(slug="jinghua-alliance")
    assert alliance.secretariat.kind == InstitutionKind.ALLIANCE_SECRETARIAT
    assert str(alliance.founded_on) == "2018-12-06"
    members = set(AllianceMember.objects.values_list("institution__kind", flat=True))
    assert members == {InstitutionKind.UNIVERSITY, InstitutionKind.RESEARCH_INSTITUTE}
    academic = Institution.objects.filter(
        kind__in=[InstitutionKind.UNIVERSITY, InstitutionKind.RESEARCH_INSTITUTE]
    ).exclude(slug__in=REAL_INSTITUTIONS)
    assert alliance.members.count() == academic.count()
    assert Institution.objects.filter(kind=InstitutionKind.ENTERPRISE, is_listed=False).exists()


@pytest.mark.django_db
def test_every_row_passes_validation(demo):
    url = URLValidator(schemes=["http", "https"])
    for institution in Institution.objects.all():
        institution.full_clean()
        validate_slug(institution.slug)
        url(institution.website)
        validate_email(institution.email)
        assert PHONE_RE.fullmatch(institution.phone)
        assert not institution.credit_code or credit_code.is_valid(institution.credit_code)
        assert institution.description and institution.description_en
    for department in Department.objects.all():
        department.full_clean()
    for user in User.objects.exclude(username="admin"):
        assert user.name and user.name_en, user
        validate_email(user.email)
        assert not user.phone or PHONE_RE.fullmatch(user.phone), user.phone
    assert Institution.objects.exclude(credit_code="").count() > 60


@pytest.mark.django_db
def test_the_audit_history_is_plausible(demo):
    entries = AuditEntry.objects.exclude(action="demo.load")
    for institution in Institution.objects.all():
        create = entries.get(action="institution.create", institution_id=institution.pk)
        assert create.object_id == str(institution.pk)
        assert create.changes["name"] == [None, institution.name]
        assert create.at == institution.created_at
    years = {entry.at.year for entry in entries}
    assert years <= {2024, 2025, 2026} and len(years) == 3
    assert entries.filter(action="department.create").count() == Department.objects.count()
    assert entries.filter(action="membership.grant").exists()
    assert entries.filter(action="institution.update").exists()
    # The transfer office of the institution created its schools.
    for entry in entries.filter(action="department.create")[:50]:
        roles = set(
            Membership.objects.filter(
                user=entry.actor, institution_id=entry.institution_id
            ).values_list("role", flat=True)
        )
        assert roles & STAFF_ROLES, entry
    loaded = AuditEntry.objects.get(action="demo.load")
    assert loaded.message == "size=small seed=2018"
    assert loaded.actor is None


# --- the demo log-ins --------------------------------------------------------------------


@pytest.mark.django_db
def test_every_demo_account_signs_in(demo):
    assert [username for username, _role, _text in DEMO_ACCOUNTS] == [
        "admin",
        "researcher",
        "tto",
        "manager",
        "reviewer",
        "enterprise",
        "provider",
        "alliance",
        "observer",
    ]
    for username, role, _description in DEMO_ACCOUNTS:
        user = authenticate(username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        if role == "superuser":
            assert user.is_superuser and user.is_staff
        else:
            assert not user.is_superuser
            assert user.memberships.filter(role=role).exists(), username


@pytest.mark.django_db
def test_the_demo_university_accounts_share_one_university(demo):
    first = Institution.objects.get(slug="jbit")
    for username, role in [
        ("researcher", Role.RESEARCHER),
        ("tto", Role.TTO_STAFF),
        ("manager", Role.TECH_MANAGER),
        ("reviewer", Role.REVIEWER),
    ]:
        assert Membership.objects.filter(
            user__username=username, institution=first, role=role
        ).exists(), username
    researcher = User.objects.get(username="researcher")
    elsewhere = researcher.memberships.exclude(institution=first).get()
    assert elsewhere.role == Role.REVIEWER
    assert elsewhere.institution.kind == InstitutionKind.RESEARCH_INSTITUTE
    assert researcher.memberships.get(institution=first).department is not None


@pytest.mark.django_db
def test_the_alliance_accounts_see_the_alliance(demo):
    alliance = Alliance.objects.get(slug="jinghua-alliance")
    for username in ("alliance", "observer"):
        scope = scope_for(User.objects.get(username=username))
        assert alliance.pk in scope.alliance_ids, username
    assert not scope_for(User.objects.get(username="researcher")).alliance_ids


@pytest.mark.django_db
def test_print_logins_lists_every_account(demo, capsys):
    loader.print_logins()
    out = capsys.readouterr().out
    for username, _role, _description in DEMO_ACCOUNTS:
        assert re.search(rf"^\s+{username}\s", out, re.MULTILINE), username
    assert DEMO_PASSWORD in out
    assert "京北理工大学" in out
    assert "/login/" in out


# --- loading again -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data():
    load_demo("small", seed=7)
    first = _fingerprint()
    load_demo("small", seed=7)
    assert _fingerprint() == first
    load_demo("small", seed=8)
    other = _fingerprint()
    assert other["users"] != first["users"]
    assert other["institutions"] != first["institutions"]  # companies differ


@pytest.mark.django_db
def test_loading_twice_replaces_rather_than_duplicates():
    stranger = User.objects.create_user("stranger", password="not-the-demo-1")
    ApiToken.objects.create(user=stranger, name="old", prefix="abcd", key_hash="0" * 64)
    Institution.objects.create(slug="old-one", name="旧机构", kind=InstitutionKind.ENTERPRISE)
    audit.record(actor=stranger, action="user.update", obj=stranger)

    first = load_demo("small")
    counts = (
        Institution.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Department.objects.count(),
        AllianceMember.objects.count(),
        AuditEntry.objects.count(),
    )
    assert not User.objects.filter(username="stranger").exists()
    assert not Institution.objects.filter(slug="old-one").exists()
    assert not ApiToken.objects.exists()
    assert not AuditEntry.objects.filter(action="user.update").exists()

    second = load_demo("small")
    assert (
        Institution.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Department.objects.count(),
        AllianceMember.objects.count(),
        AuditEntry.objects.count(),
    ) == counts
    assert Alliance.objects.count() == 1
    assert AuditEntry.objects.filter(action="demo.load").count() == 1
    assert {k: v for k, v in first.items() if k != "seconds"} == {
        k: v for k, v in second.items() if k != "seconds"
    }


@pytest.mark.django_db
def test_database_is_empty(demo):
    assert not database_is_empty()
    loader._wipe()  # rolled back after the test
    assert database_is_empty()
    User.objects.create_user("someone")
    assert not database_is_empty()
    User.objects.all().delete()
    Institution.objects.create(slug="one", name="某机构", kind=InstitutionKind.ENTERPRISE)
    assert not database_is_empty()


def test_an_unknown_size_is_refused():
    with pytest.raises(ValueError):
        load_demo("huge")


@pytest.mark.django_db
def test_the_registry_is_full_and_plausible(demo):
    from decimal import Decimal

    from django.db.models import Sum

    from datong.results.models import Disclosure, DisclosureStatus, Result, ResultInventor

    assert demo["results"] == Result.objects.count() >= 40 * 12
    assert demo["disclosures"] == Disclosure.objects.count() > 100
    statuses = set(Disclosure.objects.values_list("status", flat=True))
    assert statuses == set(DisclosureStatus.values)  # every stage of the review is shown
    # Every result's inventor shares total exactly 100 %.
    totals = ResultInventor.objects.values("result").annotate(t=Sum("share"))
    assert {row["t"] for row in totals} == {Decimal("100")}
    # Completeness varies, so the data-quality report has something to say.
    assert Result.objects.filter(completeness__lt=60).exists()
    assert Result.objects.filter(completeness__gte=80).exists()
    # The demo researcher has disclosures of their own to look at.
    assert Disclosure.objects.filter(institution__slug="jbit").exists()
