"""Scoped reads of people and tokens."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from datong.accounts import selectors, services
from datong.accounts.factories import UserFactory
from datong.core.roles import Role
from datong.institutions.factories import (
    DepartmentFactory,
    InstitutionFactory,
    member_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two universities, A (listed) and B (unlisted), each with people."""
    a = InstitutionFactory(slug="uni-a", is_listed=True)
    b = InstitutionFactory(slug="uni-b", is_listed=False)
    return {
        "a": a,
        "b": b,
        "alice": member_of(a, Role.RESEARCHER, name="Alice"),
        "aaron": member_of(a, Role.TTO_STAFF, name="Aaron"),
        "bob": member_of(b, Role.RESEARCHER, name="Bob"),
        "loner": UserFactory(name="Loner"),
    }


# --- person_get ----------------------------------------------------------------------------


def test_a_person_of_my_institution_is_visible(world):
    person = selectors.person_get(actor=world["alice"], pk=world["aaron"].pk)
    assert person == world["aaron"]
    assert [m.role for m in person.visible_memberships] == [Role.TTO_STAFF]


def test_a_person_of_another_institution_is_not_found(world):
    with pytest.raises(Http404):
        selectors.person_get(actor=world["alice"], pk=world["bob"].pk)
    with pytest.raises(Http404):
        selectors.person_get(actor=world["bob"], pk=world["alice"].pk)


def test_an_absent_person_is_the_same_404(world):
    with pytest.raises(Http404):
        selectors.person_get(actor=world["alice"], pk=999_999)


def test_a_user_sees_themself_even_without_memberships(world):
    loner = world["loner"]
    assert selectors.person_get(actor=loner, pk=loner.pk) == loner
    with pytest.raises(Http404):
        selectors.person_get(actor=loner, pk=world["alice"].pk)


def test_a_superuser_sees_everyone(world):
    admin = UserFactory(is_superuser=True)
    for key in ("alice", "bob", "loner"):
        assert selectors.person_get(actor=admin, pk=world[key].pk) == world[key]


def test_anonymous_sees_no_one(world):
    with pytest.raises(Http404):
        selectors.person_get(actor=AnonymousUser(), pk=world["alice"].pk)
    assert list(selectors.people_list(actor=AnonymousUser())) == []


def test_a_deactivated_person_is_not_found(world):
    world["aaron"].is_active = False
    world["aaron"].save()
    with pytest.raises(Http404):
        selectors.person_get(actor=world["alice"], pk=world["aaron"].pk)


def test_roles_in_two_institutions_show_people_of_both(world):
    both = member_of(world["a"], Role.TTO_STAFF)
    member_of(world["b"], Role.TECH_MANAGER, user=both)
    assert selectors.person_get(actor=both, pk=world["alice"].pk) == world["alice"]
    assert selectors.person_get(actor=both, pk=world["bob"].pk) == world["bob"]
    names = {u.pk for u in selectors.people_list(actor=both)}
    assert names == {both.pk, world["alice"].pk, world["aaron"].pk, world["bob"].pk}


def test_only_visible_memberships_are_shown(world):
    """A person of A and B shows only their A role to someone who is in A alone."""
    shared = member_of(world["a"], Role.RESEARCHER)
    member_of(world["b"], Role.REVIEWER, user=shared)
    seen_by_a = selectors.person_get(actor=world["alice"], pk=shared.pk)
    assert [(m.institution_id, m.role) for m in seen_by_a.visible_memberships] == [
        (world["a"].pk, Role.RESEARCHER)
    ]
    seen_by_self = selectors.person_get(actor=shared, pk=shared.pk)
    assert {m.institution_id for m in seen_by_self.visible_memberships} == {
        world["a"].pk,
        world["b"].pk,
    }


# --- people_list ---------------------------------------------------------------------------


def test_people_list_is_scoped(world):
    assert {u.pk for u in selectors.people_list(actor=world["alice"])} == {
        world["alice"].pk,
        world["aaron"].pk,
    }
    assert {u.pk for u in selectors.people_list(actor=world["bob"])} == {world["bob"].pk}
    assert list(selectors.people_list(actor=world["loner"])) == [world["loner"]]
    admin = UserFactory(is_superuser=True)
    assert selectors.people_list(actor=admin).count() == 5


def test_people_list_has_no_duplicates(world):
    member_of(world["a"], Role.REVIEWER, user=world["alice"])
    member_of(world["a"], Role.TECH_MANAGER, user=world["alice"])
    people = list(selectors.people_list(actor=world["aaron"]))
    assert len(people) == len(set(people)) == 2


def test_people_list_filters(world):
    a = world["a"]
    dept = DepartmentFactory(institution=a)
    in_dept = member_of(a, Role.RESEARCHER, name="Zhang Dept", department=dept)
    actor = world["aaron"]

    def pks(**filters):
        return {u.pk for u in selectors.people_list(actor=actor, **filters)}

    assert pks(q="alice") == {world["alice"].pk}
    assert pks(q=world["aaron"].username) == {world["aaron"].pk}
    assert pks(role=Role.TTO_STAFF) == {actor.pk}
    assert pks(department=dept.pk) == {in_dept.pk}
    assert pks(department=str(dept.pk)) == {in_dept.pk}
    assert pks(institution="uni-a") == {world["alice"].pk, actor.pk, in_dept.pk}
    # Filtering by an institution the actor cannot see reveals no one.
    assert pks(institution="uni-b") == set()
    assert pks(institution="uni-a", role=Role.REVIEWER) == set()


def test_people_list_sorting(world):
    actor = world["aaron"]
    names = [u.name for u in selectors.people_list(actor=actor, sort="name")]
    assert names == ["Aaron", "Alice"]
    assert [u.name for u in selectors.people_list(actor=actor, sort="-name")] == ["Alice", "Aaron"]
    assert [u.name for u in selectors.people_list(actor=actor, sort="bogus")] == names


# --- tokens --------------------------------------------------------------------------------


def test_token_reads_are_own_only(world):
    alice, bob = world["alice"], world["bob"]
    mine, _ = services.api_token_create(actor=alice, user=alice, name="mine")
    theirs, _ = services.api_token_create(actor=bob, user=bob, name="theirs")
    assert list(selectors.token_list(actor=alice)) == [mine]
    assert selectors.token_get(actor=alice, pk=mine.pk) == mine
    with pytest.raises(Http404):
        selectors.token_get(actor=alice, pk=theirs.pk)
    # Even a superuser lists only their own tokens here.
    admin = UserFactory(is_superuser=True)
    assert list(selectors.token_list(actor=admin)) == []
    with pytest.raises(Http404):
        selectors.token_get(actor=admin, pk=theirs.pk)
