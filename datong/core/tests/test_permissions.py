"""Permission scoping: Scope, ScopeRule, visible_to and the require helpers."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from datong.accounts.factories import UserFactory
from datong.accounts.models import ApiToken, User
from datong.core import audit
from datong.core.models import AuditEntry
from datong.core.permissions import (
    ANONYMOUS,
    ScopeRule,
    forget_scope,
    get_visible_or_404,
    require,
    require_alliance_view,
    require_staff,
    scope_for,
    visible_to,
)
from datong.core.roles import Role
from datong.institutions.factories import (
    AllianceFactory,
    AllianceMemberFactory,
    InstitutionFactory,
    MembershipFactory,
    member_of,
)
from datong.institutions.models import AllianceMember, Institution, Membership

pytestmark = pytest.mark.django_db


# --- Scope -------------------------------------------------------------------------------


def test_anonymous_and_missing_users_have_the_empty_scope():
    assert scope_for(None) is ANONYMOUS
    assert scope_for(AnonymousUser()) is ANONYMOUS
    assert ANONYMOUS.institution_ids == frozenset()
    assert not ANONYMOUS.is_member(1)
    assert not ANONYMOUS.is_staff_of(1)


def test_an_inactive_user_has_the_empty_scope():
    uni = InstitutionFactory()
    user = member_of(uni, Role.TTO_STAFF)
    user.is_active = False
    assert scope_for(user) is ANONYMOUS


def test_scope_collects_roles_per_institution():
    a, b, c = InstitutionFactory.create_batch(3)
    user = member_of(a, Role.TTO_STAFF)
    member_of(a, Role.RESEARCHER, user=user)
    member_of(b, Role.RESEARCHER, user=user)
    scope = scope_for(user)
    assert scope.user_id == user.pk
    assert scope.roles == {
        a.pk: frozenset({Role.TTO_STAFF, Role.RESEARCHER}),
        b.pk: frozenset({Role.RESEARCHER}),
    }
    assert scope.institution_ids == {a.pk, b.pk}
    assert scope.staff_institution_ids == {a.pk}
    assert scope.is_member(a.pk) and scope.is_member(b.pk) and not scope.is_member(c.pk)
    assert scope.is_staff_of(a.pk)
    assert not scope.is_staff_of(b.pk)
    assert not scope.is_staff_of(c.pk)
    assert scope.has_role(a.pk, Role.TTO_STAFF)
    assert scope.has_role(b.pk, Role.OBSERVER, Role.RESEARCHER)
    assert not scope.has_role(b.pk, Role.TTO_STAFF)
    assert not scope.has_role(None, Role.RESEARCHER)


@pytest.mark.parametrize(
    ("role", "is_staff"),
    [
        (Role.TTO_STAFF, True),
        (Role.TECH_MANAGER, True),
        (Role.ALLIANCE_ADMIN, True),
        (Role.RESEARCHER, False),
        (Role.REVIEWER, False),
        (Role.ENTERPRISE_USER, False),
        (Role.PROVIDER_USER, False),
        (Role.OBSERVER, False),
    ],
)
def test_only_office_roles_are_staff(role, is_staff):
    uni = InstitutionFactory()
    assert scope_for(member_of(uni, role)).is_staff_of(uni.pk) is is_staff


def test_a_superuser_is_member_and_staff_everywhere():
    uni = InstitutionFactory()
    admin = UserFactory(is_superuser=True)
    scope = scope_for(admin)
    assert scope.is_superuser
    assert scope.is_member(uni.pk)
    assert scope.is_staff_of(uni.pk)
    assert scope.can_view_alliance(AllianceFactory().pk)


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (Role.ALLIANCE_ADMIN, True),
        (Role.OBSERVER, True),
        (Role.TTO_STAFF, False),
        (Role.RESEARCHER, False),
    ],
)
def test_alliance_view_comes_from_secretariat_roles(role, sees):
    alliance = AllianceFactory()
    other = AllianceFactory()
    user = member_of(alliance.secretariat, role)
    scope = scope_for(user)
    assert scope.can_view_alliance(alliance.pk) is sees
    assert not scope.can_view_alliance(other.pk)


def test_a_member_university_does_not_see_the_alliance():
    member = AllianceMemberFactory()
    user = member_of(member.institution, Role.ALLIANCE_ADMIN)
    assert not scope_for(user).can_view_alliance(member.alliance_id)


def test_scope_is_cached_until_forgotten():
    a, b = InstitutionFactory.create_batch(2)
    user = member_of(a)
    assert scope_for(user) is scope_for(user)
    member_of(b, user=user)
    assert scope_for(user).institution_ids == {a.pk}
    forget_scope(user)
    assert scope_for(user).institution_ids == {a.pk, b.pk}
    forget_scope(user)
    forget_scope(user)  # forgetting twice is harmless
    forget_scope(None)


# --- visible_to ----------------------------------------------------------------------------


def test_visible_to_refuses_a_model_without_a_rule():
    with pytest.raises(TypeError, match="AllianceMember"):
        visible_to(UserFactory(), AllianceMember.objects.all())


def test_anonymous_sees_nothing_and_superuser_everything():
    InstitutionFactory(is_listed=True)
    InstitutionFactory(is_listed=False)
    assert visible_to(AnonymousUser(), Institution.objects.all()).count() == 0
    assert visible_to(None, Institution.objects.all()).count() == 0
    admin = UserFactory(is_superuser=True)
    assert visible_to(admin, Institution.objects.all()).count() == 2


def test_public_and_institution_reach():
    listed = InstitutionFactory(is_listed=True)
    own_unlisted = InstitutionFactory(is_listed=False)
    other_unlisted = InstitutionFactory(is_listed=False)
    user = member_of(own_unlisted)
    visible = set(visible_to(user, Institution.objects.all()))
    assert visible == {listed, own_unlisted}
    assert other_unlisted not in visible


def test_a_user_without_memberships_sees_only_public_rows():
    listed = InstitutionFactory(is_listed=True)
    InstitutionFactory(is_listed=False)
    assert list(visible_to(UserFactory(), Institution.objects.all())) == [listed]


def test_owner_reach():
    user, other = UserFactory(), UserFactory()
    mine = ApiToken.objects.create(user=user, name="a", prefix="p1", key_hash="1" * 64)
    ApiToken.objects.create(user=other, name="b", prefix="p2", key_hash="2" * 64)
    assert list(visible_to(user, ApiToken.objects.all())) == [mine]


def test_staff_only_reach_excludes_ordinary_members():
    uni = InstitutionFactory()
    staff = member_of(uni, Role.TTO_STAFF)
    researcher = member_of(uni, Role.RESEARCHER)
    entry = audit.record(actor=None, action="x.test", obj=uni)
    assert entry.institution_id == uni.pk
    assert list(visible_to(staff, AuditEntry.objects.all())) == [entry]
    assert list(visible_to(researcher, AuditEntry.objects.all())) == []
    own = audit.record(actor=researcher, action="x.own", obj=uni)
    assert list(visible_to(researcher, AuditEntry.objects.all())) == [own]


def test_distinct_rule_gives_each_person_once():
    a, b = InstitutionFactory.create_batch(2)
    viewer = member_of(a)
    member_of(b, user=viewer)
    target = member_of(a, Role.RESEARCHER)
    member_of(a, Role.REVIEWER, user=target)
    member_of(b, Role.RESEARCHER, user=target)
    visible = list(visible_to(viewer, User.objects.all()))
    assert visible.count(target) == 1
    assert sorted(u.pk for u in visible) == sorted({viewer.pk, target.pk})


def test_an_explicit_rule_replaces_the_models_rule():
    user = UserFactory()
    mine = MembershipFactory(user=user)
    MembershipFactory()
    rule = ScopeRule(owner="user")
    assert list(visible_to(user, Membership.objects.all(), rule)) == [mine]


def test_visible_to_keeps_the_callers_filters():
    uni = InstitutionFactory(kind="university")
    InstitutionFactory(kind="enterprise")
    user = UserFactory()
    assert list(visible_to(user, Institution.objects.filter(kind="university"))) == [uni]


# --- get_visible_or_404 ----------------------------------------------------------------------


def test_get_visible_or_404_returns_a_visible_row():
    uni = InstitutionFactory(is_listed=False)
    user = member_of(uni)
    assert get_visible_or_404(user, Institution.objects.all(), slug=uni.slug) == uni


def test_hidden_and_absent_rows_answer_the_same_404():
    hidden = InstitutionFactory(is_listed=False)
    user = UserFactory()
    with pytest.raises(Http404):
        get_visible_or_404(user, Institution.objects.all(), slug=hidden.slug)
    with pytest.raises(Http404):
        get_visible_or_404(user, Institution.objects.all(), slug="no-such-place")
    with pytest.raises(Http404):
        get_visible_or_404(user, Institution.objects.all(), pk="not-a-number")


# --- require helpers -----------------------------------------------------------------------


def test_require():
    require(True)
    with pytest.raises(PermissionDenied):
        require(False)
    with pytest.raises(PermissionDenied, match="nope"):
        require(False, "nope")


def test_require_staff():
    a, b = InstitutionFactory.create_batch(2)
    staff = member_of(a, Role.TECH_MANAGER)
    require_staff(staff, a.pk)
    require_staff(UserFactory(is_superuser=True), b.pk)
    with pytest.raises(PermissionDenied):
        require_staff(staff, b.pk)
    with pytest.raises(PermissionDenied):
        require_staff(member_of(a, Role.RESEARCHER), a.pk)
    with pytest.raises(PermissionDenied):
        require_staff(AnonymousUser(), a.pk)


def test_require_alliance_view():
    alliance = AllianceFactory()
    require_alliance_view(member_of(alliance.secretariat, Role.OBSERVER), alliance.pk)
    require_alliance_view(UserFactory(is_superuser=True), alliance.pk)
    with pytest.raises(Http404):
        require_alliance_view(member_of(alliance.secretariat, Role.RESEARCHER), alliance.pk)
    with pytest.raises(Http404):
        require_alliance_view(AnonymousUser(), alliance.pk)
