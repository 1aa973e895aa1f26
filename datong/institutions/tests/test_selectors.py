"""Scoped reads of institutions, departments, members and alliances."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from datong.accounts.factories import UserFactory
from datong.core.roles import Role
from datong.institutions import selectors
from datong.institutions.factories import (
    AllianceFactory,
    AllianceMemberFactory,
    DepartmentFactory,
    InstitutionFactory,
    member_of,
)
from datong.institutions.models import InstitutionKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    a = InstitutionFactory(slug="uni-a", name="甲大学", province="110000", city="北京")
    b = InstitutionFactory(slug="uni-b", name="乙大学", is_listed=False, province="310000")
    c = InstitutionFactory(
        slug="ent-c",
        name="丙公司",
        kind=InstitutionKind.ENTERPRISE,
        province="310000",
        city="上海",
        short_name="丙",
    )
    return {
        "a": a,
        "b": b,
        "c": c,
        "alice": member_of(a, Role.RESEARCHER),
        "aaron": member_of(a, Role.TTO_STAFF),
        "bob": member_of(b, Role.RESEARCHER),
    }


def slugs(queryset):
    return [i.slug for i in queryset]


# --- institutions --------------------------------------------------------------------------


def test_an_unlisted_institution_is_visible_to_its_members_only(world):
    assert selectors.institution_get(actor=world["bob"], slug="uni-b") == world["b"]
    with pytest.raises(Http404):
        selectors.institution_get(actor=world["alice"], slug="uni-b")
    with pytest.raises(Http404):
        selectors.institution_get_by_id(actor=world["alice"], pk=world["b"].pk)
    assert selectors.institution_get_by_id(actor=world["bob"], pk=world["b"].pk) == world["b"]
    admin = UserFactory(is_superuser=True)
    assert selectors.institution_get(actor=admin, slug="uni-b") == world["b"]


def test_a_listed_institution_is_visible_to_every_signed_in_user(world):
    assert selectors.institution_get(actor=world["bob"], slug="uni-a") == world["a"]
    assert selectors.institution_get(actor=UserFactory(), slug="ent-c") == world["c"]
    with pytest.raises(Http404):
        selectors.institution_get(actor=AnonymousUser(), slug="uni-a")


def test_institution_list_is_scoped(world):
    assert set(slugs(selectors.institution_list(actor=world["alice"]))) == {"uni-a", "ent-c"}
    assert set(slugs(selectors.institution_list(actor=world["bob"]))) == {"uni-a", "uni-b", "ent-c"}
    assert list(selectors.institution_list(actor=AnonymousUser())) == []


def test_institution_list_filters(world):
    bob = world["bob"]

    def found(**filters):
        return set(slugs(selectors.institution_list(actor=bob, **filters)))

    assert found(kind=InstitutionKind.ENTERPRISE) == {"ent-c"}
    assert found(kind=InstitutionKind.UNIVERSITY) == {"uni-a", "uni-b"}
    assert found(province="310000") == {"uni-b", "ent-c"}
    assert found(province="310000", kind=InstitutionKind.UNIVERSITY) == {"uni-b"}
    assert found(q="甲") == {"uni-a"}
    assert found(q="上海") == {"ent-c"}
    assert found(q="UNI-B") == {"uni-b"}
    assert found(q="丙") == {"ent-c"}
    assert found(q="无此") == set()
    # The filters never widen the scope.
    assert set(slugs(selectors.institution_list(actor=world["alice"], province="310000"))) == {
        "ent-c"
    }


def test_institution_list_by_alliance(world):
    member = AllianceMemberFactory(institution=world["a"])
    AllianceMemberFactory(alliance=member.alliance, institution=world["b"])
    found = slugs(selectors.institution_list(actor=world["alice"], alliance=member.alliance.slug))
    assert found == ["uni-a"]


def test_institution_list_sorting_and_department_count(world):
    DepartmentFactory.create_batch(2, institution=world["a"])
    rows = list(selectors.institution_list(actor=world["bob"], sort="kind"))
    assert [r.kind for r in rows] == sorted(r.kind for r in rows)
    counts = {r.slug: r.department_count for r in rows}
    assert counts == {"uni-a": 2, "uni-b": 0, "ent-c": 0}
    names = [r.name for r in selectors.institution_list(actor=world["bob"], sort="-name")]
    assert names == sorted(names, reverse=True)
    default = [r.name for r in selectors.institution_list(actor=world["bob"], sort="bogus")]
    assert default == sorted(default)


# --- departments and members ---------------------------------------------------------------


def test_department_list_counts_people(world):
    a = world["a"]
    dept = DepartmentFactory(institution=a, name="物理")
    DepartmentFactory(institution=a, name="化学")
    member_of(a, department=dept)
    member_of(a, Role.REVIEWER, user=world["alice"], department=dept)
    rows = {
        d.name: d.people_count for d in selectors.department_list(actor=world["bob"], institution=a)
    }
    assert rows == {"物理": 2, "化学": 0}


def test_departments_of_an_unlisted_institution_are_for_its_members(world):
    DepartmentFactory(institution=world["b"])
    assert selectors.department_list(actor=world["alice"], institution=world["b"]).count() == 0
    assert selectors.department_list(actor=world["bob"], institution=world["b"]).count() == 1


def test_member_list_is_for_the_institutions_own_members(world):
    a = world["a"]
    own = selectors.member_list(actor=world["alice"], institution=a)
    assert {m.user_id for m in own} == {world["alice"].pk, world["aaron"].pk}
    assert list(selectors.member_list(actor=world["bob"], institution=a)) == []
    assert list(selectors.member_list(actor=AnonymousUser(), institution=a)) == []
    admin = UserFactory(is_superuser=True)
    assert selectors.member_list(actor=admin, institution=world["b"]).count() == 1


# --- alliances -----------------------------------------------------------------------------


@pytest.fixture
def alliance(world):
    alliance = AllianceFactory(slug="yrd")
    for key in ("a", "b", "c"):
        AllianceMemberFactory(alliance=alliance, institution=world[key])
    return alliance


def test_alliances_are_listed_with_member_counts(world, alliance):
    AllianceFactory(slug="other")
    rows = {a.slug: a.member_count for a in selectors.alliance_list(actor=world["alice"])}
    assert rows == {"yrd": 3, "other": 0}
    assert selectors.alliance_get(actor=world["alice"], slug="yrd") == alliance
    with pytest.raises(Http404):
        selectors.alliance_get(actor=world["alice"], slug="nope")
    assert list(selectors.alliance_list(actor=AnonymousUser())) == []


def test_alliance_members_hide_unlisted_institutions(world, alliance):
    seen_by_alice = [
        m.institution.slug
        for m in selectors.alliance_members(actor=world["alice"], alliance=alliance)
    ]
    assert sorted(seen_by_alice) == ["ent-c", "uni-a"]
    seen_by_bob = [
        m.institution.slug
        for m in selectors.alliance_members(actor=world["bob"], alliance=alliance)
    ]
    assert sorted(seen_by_bob) == ["ent-c", "uni-a", "uni-b"]


@pytest.mark.parametrize("role", [Role.ALLIANCE_ADMIN, Role.OBSERVER])
def test_alliance_figures_for_the_secretariat(world, alliance, role):
    a = world["a"]
    dept = DepartmentFactory(institution=a)
    DepartmentFactory(institution=a)
    member_of(a, Role.TECH_MANAGER, user=world["aaron"])  # counted once as office staff
    member_of(a, Role.RESEARCHER, department=dept)
    viewer = member_of(alliance.secretariat, role)
    figures = selectors.alliance_figures(actor=viewer, alliance_slug="yrd")
    assert figures["alliance"] == alliance
    assert figures["member_count"] == 3
    rows = {row["slug"]: row for row in figures["members"]}
    assert (rows["uni-a"]["people"], rows["uni-a"]["researchers"]) == (3, 2)
    assert rows["uni-a"]["office_staff"] == 1
    assert rows["uni-a"]["departments_n"] == 2
    assert (rows["uni-b"]["people"], rows["uni-b"]["researchers"]) == (1, 1)
    assert rows["ent-c"]["people"] == 0
    assert figures["totals"] == {
        "people": 4,
        "researchers": 3,
        "office_staff": 1,
        "departments_n": 2,
    }
    # Aggregates only: no names of people.
    assert "username" not in str(figures["members"])


@pytest.mark.parametrize(
    "who", ["member staff", "member alliance admin", "secretariat researcher", "other secretariat"]
)
def test_alliance_figures_are_hidden_from_others(world, alliance, who):
    actor = {
        "member staff": lambda: world["aaron"],
        "member alliance admin": lambda: member_of(world["a"], Role.ALLIANCE_ADMIN),
        "secretariat researcher": lambda: member_of(alliance.secretariat, Role.RESEARCHER),
        "other secretariat": lambda: member_of(AllianceFactory().secretariat, Role.ALLIANCE_ADMIN),
    }[who]()
    with pytest.raises(Http404):
        selectors.alliance_figures(actor=actor, alliance_slug="yrd")


def test_alliance_figures_for_a_superuser_and_an_absent_alliance(world, alliance):
    admin = UserFactory(is_superuser=True)
    assert selectors.alliance_figures(actor=admin, alliance_slug="yrd")["member_count"] == 3
    with pytest.raises(Http404):
        selectors.alliance_figures(actor=admin, alliance_slug="nope")


# --- dashboard -----------------------------------------------------------------------------


def test_dashboard_figures_are_scoped(world, alliance):
    DepartmentFactory(institution=world["a"])
    DepartmentFactory(institution=world["b"])
    alice = selectors.dashboard_figures(actor=world["alice"])
    assert alice["institution_count"] == 3  # A, C and the (listed) secretariat; not B
    assert alice["people_count"] == 2
    assert alice["department_count"] == 1
    assert alice["alliance_count"] == 1
    assert alice["viewable_alliances"] == []
    assert not alice["is_staff_somewhere"]
    assert [m.institution for m in alice["my_memberships"]] == [world["a"]]
    by_kind = dict(alice["institutions_by_kind"])
    assert sum(by_kind.values()) == 3
    assert by_kind[InstitutionKind.UNIVERSITY.label] == 1

    observer = member_of(alliance.secretariat, Role.OBSERVER)
    assert selectors.dashboard_figures(actor=observer)["viewable_alliances"] == [alliance]
    assert selectors.dashboard_figures(actor=world["aaron"])["is_staff_somewhere"]

    admin = selectors.dashboard_figures(actor=UserFactory(is_superuser=True))
    assert admin["institution_count"] == 4  # B included
    assert admin["department_count"] == 2
    assert admin["viewable_alliances"] == [alliance]
