"""Institution writes: validation, permissions, atomicity and their audit entries."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from datong.accounts.factories import UserFactory
from datong.accounts.models import User
from datong.core.models import AuditEntry
from datong.core.permissions import scope_for
from datong.core.roles import Role
from datong.core.selectors import audit_entries
from datong.core.testing import Unchanged
from datong.institutions import credit_code, services
from datong.institutions.factories import (
    AllianceFactory,
    AllianceMemberFactory,
    DepartmentFactory,
    InstitutionFactory,
    MembershipFactory,
    member_of,
)
from datong.institutions.models import (
    AllianceMember,
    InstitutionKind,
    Membership,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def uni():
    return InstitutionFactory(slug="uni", name="东方大学")


@pytest.fixture
def staff(uni):
    return member_of(uni, Role.TTO_STAFF)


def valid_code(first17="91110108MA01ABCD1"):
    return first17 + credit_code.check_character(first17)


def only_entry(action):
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, f"expected one {action!r} entry, found {len(entries)}"
    return entries[0]


# --- institution_create --------------------------------------------------------------------


def test_a_superuser_creates_an_institution(admin):
    code = valid_code()
    institution = services.institution_create(
        actor=admin,
        slug="west-uni",
        name=" 西方大学 ",
        kind=InstitutionKind.UNIVERSITY,
        province="510000",
        website="https://west.edu.cn",
        credit_code=code.lower()[:9] + " " + code.lower()[9:],
        unknown_field="ignored",
    )
    institution.refresh_from_db()
    assert institution.name == "西方大学"
    assert institution.credit_code == code
    entry = only_entry("institution.create")
    assert entry.actor == admin
    assert entry.object_id == str(institution.pk)
    assert entry.institution_id == institution.pk
    assert entry.changes["slug"] == [None, "west-uni"]
    assert entry.changes["credit_code"] == [None, code]
    assert entry.changes["is_listed"] == [None, True]
    assert "city" not in entry.changes  # empty fields are left out


def test_the_system_creates_an_institution():
    services.institution_create(actor=None, slug="sys", name="系统", kind="enterprise")
    assert only_entry("institution.create").actor_name == "system"


def test_only_a_superuser_creates_an_institution(staff):
    with Unchanged(), pytest.raises(PermissionDenied):
        services.institution_create(actor=staff, slug="mine", name="我的", kind="university")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"slug": "has space"}, "slug"),
        ({"slug": "中文"}, "slug"),
        ({"slug": ""}, "slug"),
        ({"slug": "uni"}, "slug"),  # taken by the fixture
        ({"name": "  "}, "name"),
        ({"kind": "castle"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"province": "999999"}, "province"),
        ({"province": "北京"}, "province"),
        ({"website": "west.edu.cn"}, "website"),
        ({"website": "ftp://west.edu.cn"}, "website"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"email": "office@"}, "email"),
        ({"credit_code": "91110108MA01ABCD1X"}, "credit_code"),
        ({"credit_code": "123"}, "credit_code"),
    ],
)
def test_invalid_institutions_are_refused(admin, uni, data, field):
    arguments = {"slug": "new-one", "name": "新大学", "kind": "university", **data}
    if data.get("credit_code", "").startswith("91110108MA01ABCD1"):
        assert valid_code()[-1] != "X"  # the test's wrong check character really is wrong
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.institution_create(actor=admin, **arguments)
    assert field in caught.value.message_dict


def test_missing_required_fields_are_reported(admin):
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.institution_create(actor=admin)
    assert {"slug", "name", "kind"} <= set(caught.value.message_dict)


# --- institution_update --------------------------------------------------------------------


def test_staff_update_their_institution(uni, staff):
    code = valid_code("12100000400000624")
    services.institution_update(
        actor=staff,
        institution=uni,
        data={"name": "东方理工大学", "city": " 上海 ", "credit_code": code, "is_listed": False},
    )
    uni.refresh_from_db()
    assert (uni.name, uni.city, uni.credit_code, uni.is_listed) == (
        "东方理工大学",
        "上海",
        code,
        False,
    )
    entry = only_entry("institution.update")
    assert entry.actor == staff
    assert entry.object_id == str(uni.pk)
    assert entry.changes == {
        "name": ["东方大学", "东方理工大学"],
        "city": ["北京", "上海"],
        "credit_code": ["", code],
        "is_listed": [True, False],
    }


def test_a_no_op_update_writes_no_entry(uni, staff):
    updated_at = uni.updated_at
    services.institution_update(actor=staff, institution=uni, data={"name": "东方大学"})
    services.institution_update(actor=staff, institution=uni, data={})
    assert not AuditEntry.objects.exists()
    uni.refresh_from_db()
    assert uni.updated_at == updated_at


def test_staff_cannot_change_the_slug_but_a_superuser_can(uni, staff, admin):
    with pytest.raises(PermissionDenied):
        services.institution_update(actor=staff, institution=uni, data={"slug": "renamed"})
    uni.refresh_from_db()
    assert uni.slug == "uni"
    assert not AuditEntry.objects.exists()
    services.institution_update(actor=admin, institution=uni, data={"slug": "renamed"})
    uni.refresh_from_db()
    assert uni.slug == "renamed"
    assert only_entry("institution.update").changes == {"slug": ["uni", "renamed"]}


def test_keeping_ones_own_slug_is_not_a_clash(uni, admin):
    services.institution_update(actor=admin, institution=uni, data={"slug": "uni", "city": "天津"})
    uni.refresh_from_db()
    assert uni.city == "天津"


def test_a_duplicate_slug_on_update_is_refused(uni, admin):
    InstitutionFactory(slug="taken")
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.institution_update(actor=admin, institution=uni, data={"slug": "taken"})
    assert "slug" in caught.value.message_dict


@pytest.mark.parametrize("role", [Role.RESEARCHER, Role.OBSERVER, Role.REVIEWER])
def test_ordinary_members_cannot_update(uni, role):
    actor = member_of(uni, role)
    with Unchanged(), pytest.raises(PermissionDenied):
        services.institution_update(actor=actor, institution=uni, data={"name": "x"})
    uni.refresh_from_db()
    assert uni.name == "东方大学"


def test_another_institutions_staff_cannot_update(uni):
    outsider = member_of(InstitutionFactory(), Role.TTO_STAFF)
    with Unchanged(), pytest.raises(PermissionDenied):
        services.institution_update(actor=outsider, institution=uni, data={"name": "x"})


def test_an_invalid_update_changes_nothing(uni, staff):
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.institution_update(
            actor=staff,
            institution=uni,
            data={"name": "新名", "website": "not a url", "province": "000000"},
        )
    assert set(caught.value.message_dict) == {"website", "province"}
    uni.refresh_from_db()
    assert uni.name == "东方大学"


# --- departments ---------------------------------------------------------------------------


def test_staff_create_and_update_a_department(uni, staff):
    dept = services.department_create(actor=staff, institution=uni, name=" 计算机学院 ", code="CS")
    assert dept.name == "计算机学院"
    created = only_entry("department.create")
    assert created.actor == staff
    assert created.object_id == str(dept.pk)
    assert created.institution_id == uni.pk
    assert created.changes == {"name": [None, "计算机学院"], "code": [None, "CS"]}

    services.department_update(actor=staff, department=dept, data={"name_en": "School of CS"})
    updated = only_entry("department.update")
    assert updated.actor == staff
    assert updated.object_id == str(dept.pk)
    assert updated.institution_id == uni.pk
    assert updated.changes == {"name_en": ["", "School of CS"]}
    services.department_update(actor=staff, department=dept, data={"name_en": "School of CS"})
    assert AuditEntry.objects.filter(action="department.update").count() == 1


def test_department_names_are_required_and_unique_per_institution(uni, staff):
    DepartmentFactory(institution=uni, name="物理学院")
    other = DepartmentFactory(institution=uni, name="化学学院")
    for kwargs in ({"name": ""}, {"name": "  "}, {"name": "物理学院"}, {}):
        with Unchanged(), pytest.raises(ValidationError) as caught:
            services.department_create(actor=staff, institution=uni, **kwargs)
        assert "name" in caught.value.message_dict
    with Unchanged(), pytest.raises(ValidationError):
        services.department_update(actor=staff, department=other, data={"name": "物理学院"})
    # The same name in another institution is fine.
    services.department_create(actor=None, institution=InstitutionFactory(), name="物理学院")


def test_departments_are_written_by_their_own_staff_only(uni):
    outsider = member_of(InstitutionFactory(), Role.TTO_STAFF)
    researcher = member_of(uni, Role.RESEARCHER)
    dept = DepartmentFactory(institution=uni, name="原名")
    for actor in (outsider, researcher):
        with Unchanged(), pytest.raises(PermissionDenied):
            services.department_create(actor=actor, institution=uni, name="新学院")
        with Unchanged(), pytest.raises(PermissionDenied):
            services.department_update(actor=actor, department=dept, data={"name": "改名"})
    dept.refresh_from_db()
    assert dept.name == "原名"


# --- memberships ---------------------------------------------------------------------------


def test_staff_grant_a_role(uni, staff):
    dept = DepartmentFactory(institution=uni)
    person = UserFactory()
    assert not scope_for(person).is_member(uni.pk)
    membership = services.membership_grant(
        actor=staff,
        user=person,
        institution=uni,
        role=Role.REVIEWER,
        department=dept,
        position=" 主任 ",
    )
    assert membership.position == "主任"
    assert scope_for(person).has_role(uni.pk, Role.REVIEWER)  # the cached scope was dropped
    entry = only_entry("membership.grant")
    assert entry.actor == staff
    assert entry.object_id == str(membership.pk)
    assert entry.institution_id == uni.pk
    assert entry.changes == {
        "user": [None, str(person)],
        "institution": [None, "东方大学"],
        "role": [None, Role.REVIEWER],
        "department": [None, str(dept)],
        "position": [None, "主任"],
    }


def test_a_department_of_another_institution_is_refused(uni, staff):
    foreign = DepartmentFactory(institution=InstitutionFactory())
    person = UserFactory()
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.membership_grant(
            actor=staff,
            user=person,
            institution=uni,
            role=Role.RESEARCHER,
            department=foreign,
        )
    assert "department" in caught.value.message_dict


def test_a_duplicate_role_is_refused(uni, staff):
    person = member_of(uni, Role.RESEARCHER)
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.membership_grant(actor=staff, user=person, institution=uni, role=Role.RESEARCHER)
    assert "role" in caught.value.message_dict
    # A different role in the same place is fine.
    services.membership_grant(actor=staff, user=person, institution=uni, role=Role.REVIEWER)


def test_an_unknown_role_is_refused(uni, staff):
    person = UserFactory()
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.membership_grant(actor=staff, user=person, institution=uni, role="king")
    assert "role" in caught.value.message_dict


def test_only_a_superuser_appoints_an_alliance_admin(admin):
    alliance = AllianceFactory()
    secretariat = alliance.secretariat
    office = member_of(secretariat, Role.TTO_STAFF)
    person = UserFactory()
    with Unchanged(), pytest.raises(PermissionDenied):
        services.membership_grant(
            actor=office, user=person, institution=secretariat, role=Role.ALLIANCE_ADMIN
        )
    services.membership_grant(
        actor=admin, user=person, institution=secretariat, role=Role.ALLIANCE_ADMIN
    )
    assert scope_for(person).can_view_alliance(alliance.pk)


def test_granting_needs_the_institutions_staff(uni):
    for actor in (member_of(uni, Role.RESEARCHER), member_of(InstitutionFactory(), Role.TTO_STAFF)):
        with Unchanged(), pytest.raises(PermissionDenied):
            services.membership_grant(actor=actor, user=actor, institution=uni, role=Role.TTO_STAFF)


def test_staff_revoke_a_role(uni, staff):
    person = member_of(uni, Role.RESEARCHER)
    assert scope_for(person).is_member(uni.pk)
    membership = Membership.objects.get(user=person)
    pk = membership.pk
    services.membership_revoke(actor=staff, membership=membership)
    assert not Membership.objects.filter(pk=pk).exists()
    entry = only_entry("membership.revoke")
    assert entry.actor == staff
    assert entry.object_id == str(pk)
    assert entry.institution_id == uni.pk
    assert entry.changes == {"role": [Role.RESEARCHER, None]}


def test_the_last_transfer_office_member_stays(uni, staff, admin):
    last = Membership.objects.get(user=staff)
    with Unchanged(), pytest.raises(PermissionDenied):
        services.membership_revoke(actor=staff, membership=last)
    # With a second member of the office, one may go.
    colleague = member_of(uni, Role.TTO_STAFF)
    services.membership_revoke(actor=colleague, membership=last)
    assert not Membership.objects.filter(pk=last.pk).exists()
    # A site administrator may remove the very last one.
    services.membership_revoke(actor=admin, membership=Membership.objects.get(user=colleague))
    assert not Membership.objects.filter(institution=uni, role=Role.TTO_STAFF).exists()


def test_a_tech_manager_cannot_remove_the_last_transfer_office_member(uni, staff):
    manager = member_of(uni, Role.TECH_MANAGER)
    with Unchanged(), pytest.raises(PermissionDenied):
        services.membership_revoke(actor=manager, membership=Membership.objects.get(user=staff))


def test_revoking_needs_the_institutions_staff(uni, staff):
    membership = MembershipFactory(institution=uni, role=Role.RESEARCHER)
    for actor in (member_of(uni, Role.RESEARCHER), member_of(InstitutionFactory(), Role.TTO_STAFF)):
        with Unchanged(), pytest.raises(PermissionDenied):
            services.membership_revoke(actor=actor, membership=membership)


# --- person_add ----------------------------------------------------------------------------


def test_staff_add_a_person(uni, staff):
    dept = DepartmentFactory(institution=uni)
    person = services.person_add(
        actor=staff,
        institution=uni,
        username="wang.fang",
        name="王芳",
        email="wang@east.edu.cn",
        role=Role.RESEARCHER,
        department=dept,
    )
    membership = Membership.objects.get(user=person)
    assert (membership.institution, membership.role, membership.department) == (
        uni,
        Role.RESEARCHER,
        dept,
    )
    assert not person.has_usable_password()
    created = only_entry("user.create")
    granted = only_entry("membership.grant")
    assert created.actor == granted.actor == staff
    assert created.object_id == str(person.pk)
    assert created.changes["username"] == [None, "wang.fang"]
    assert granted.changes["role"] == [None, Role.RESEARCHER]


def test_the_whole_office_sees_that_a_person_was_added(uni, staff):
    """Both entries of person_add belong to the institution, not only to the acting officer."""
    colleague = member_of(uni, Role.TECH_MANAGER)
    person = services.person_add(
        actor=staff,
        institution=uni,
        username="zhao.lei",
        name="赵磊",
        email="",
        role=Role.RESEARCHER,
    )
    assert only_entry("user.create").institution_id == uni.pk
    seen = {(e.action, e.object_id) for e in audit_entries(actor=colleague)}
    assert ("user.create", str(person.pk)) in seen
    assert ("membership.grant", str(Membership.objects.get(user=person).pk)) in seen


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"role": "king"}, ValidationError),
        ({"role": Role.ALLIANCE_ADMIN}, PermissionDenied),
        ({"department": "foreign"}, ValidationError),
        ({"username": "x"}, ValidationError),
        ({"email": "bad"}, ValidationError),
    ],
)
def test_a_refused_person_add_leaves_no_user_behind(uni, staff, kwargs, error):
    """Creating the user succeeds before the grant fails; the whole write must roll back."""
    if kwargs.get("department") == "foreign":
        kwargs = {"department": DepartmentFactory(institution=InstitutionFactory())}
    arguments = {
        "username": "half.done",
        "name": "半途",
        "email": "half@east.edu.cn",
        "role": Role.RESEARCHER,
        **kwargs,
    }
    with Unchanged(), pytest.raises(error):
        services.person_add(actor=staff, institution=uni, **arguments)
    assert not User.objects.filter(username="half.done").exists()


def test_only_staff_add_people(uni):
    for actor in (member_of(uni), member_of(InstitutionFactory(), Role.TTO_STAFF)):
        with Unchanged(), pytest.raises(PermissionDenied):
            services.person_add(
                actor=actor,
                institution=uni,
                username="sneaky",
                name="n",
                email="",
                role=Role.RESEARCHER,
            )


# --- alliances -----------------------------------------------------------------------------


@pytest.fixture
def secretariat():
    return InstitutionFactory(kind=InstitutionKind.ALLIANCE_SECRETARIAT, slug="sec")


def test_a_superuser_creates_an_alliance(admin, secretariat):
    alliance = services.alliance_create(
        actor=admin,
        slug="yrd",
        name=" 长三角联盟 ",
        secretariat=secretariat,
        founded_on=dt.date(2020, 1, 2),
    )
    assert alliance.name == "长三角联盟"
    entry = only_entry("alliance.create")
    assert entry.actor == admin
    assert entry.object_id == str(alliance.pk)
    assert entry.institution_id == secretariat.pk
    assert entry.changes == {
        "slug": [None, "yrd"],
        "name": [None, "长三角联盟"],
        "secretariat": [None, str(secretariat)],
        "founded_on": [None, "2020-01-02"],
    }


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"slug": "bad slug"}, "slug"),
        ({"slug": ""}, "slug"),
        ({"slug": "taken"}, "slug"),
        ({"name": " "}, "name"),
        ({"secretariat": "university"}, "secretariat"),
    ],
)
def test_invalid_alliances_are_refused(admin, secretariat, kwargs, field):
    AllianceFactory(slug="taken")
    if kwargs.get("secretariat") == "university":
        kwargs = {"secretariat": InstitutionFactory(kind=InstitutionKind.UNIVERSITY)}
    arguments = {"slug": "new", "name": "新联盟", "secretariat": secretariat, **kwargs}
    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.alliance_create(actor=admin, **arguments)
    assert field in caught.value.message_dict


def test_only_a_superuser_creates_an_alliance(secretariat):
    office = member_of(secretariat, Role.TTO_STAFF)
    with Unchanged(), pytest.raises(PermissionDenied):
        services.alliance_create(actor=office, slug="x", name="x", secretariat=secretariat)


def test_the_alliance_admin_adds_and_removes_members(uni):
    alliance = AllianceFactory()
    alliance_admin = member_of(alliance.secretariat, Role.ALLIANCE_ADMIN)
    member = services.alliance_member_add(
        actor=alliance_admin, alliance=alliance, institution=uni, joined_on=dt.date(2021, 3, 4)
    )
    assert list(alliance.members.all()) == [uni]
    added = only_entry("alliance.member_add")
    assert added.actor == alliance_admin
    assert added.object_id == str(alliance.pk)
    assert added.institution_id == alliance.secretariat_id
    assert added.changes == {"members": [None, "东方大学"]}

    with Unchanged(), pytest.raises(ValidationError) as caught:
        services.alliance_member_add(actor=alliance_admin, alliance=alliance, institution=uni)
    assert "institution" in caught.value.message_dict

    services.alliance_member_remove(actor=alliance_admin, member=member)
    assert not alliance.members.exists()
    removed = only_entry("alliance.member_remove")
    assert removed.actor == alliance_admin
    assert removed.object_id == str(alliance.pk)
    assert removed.changes == {"members": ["东方大学", None]}


@pytest.mark.parametrize("where", ["secretariat observer", "secretariat office", "member admin"])
def test_others_cannot_change_alliance_members(uni, where):
    member = AllianceMemberFactory(institution=uni)
    alliance = member.alliance
    actor = {
        "secretariat observer": lambda: member_of(alliance.secretariat, Role.OBSERVER),
        "secretariat office": lambda: member_of(alliance.secretariat, Role.TTO_STAFF),
        "member admin": lambda: member_of(uni, Role.ALLIANCE_ADMIN),
    }[where]()
    newcomer = InstitutionFactory()
    with Unchanged(), pytest.raises(PermissionDenied):
        services.alliance_member_add(actor=actor, alliance=alliance, institution=newcomer)
    with Unchanged(), pytest.raises(PermissionDenied):
        services.alliance_member_remove(actor=actor, member=member)
    assert AllianceMember.objects.filter(pk=member.pk).exists()


def test_a_superuser_and_the_system_change_alliance_members(admin, uni):
    alliance = AllianceFactory()
    services.alliance_member_add(actor=None, alliance=alliance, institution=uni)
    member = AllianceMember.objects.get(alliance=alliance)
    services.alliance_member_remove(actor=admin, member=member)
    assert not AllianceMember.objects.exists()
    assert only_entry("alliance.member_remove").actor == admin


def test_staff_cannot_change_the_short_code_or_kind(admin):
    from datong.core.models import AuditEntry
    from datong.core.roles import Role
    from datong.institutions import services

    uni = services.institution_create(actor=admin, slug="uni-k", name="丙大学", kind="university")
    staff = services.person_add(
        actor=admin,
        institution=uni,
        username="k-staff",
        name="职员",
        email="k@x.cn",
        role=Role.TTO_STAFF,
    )
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.institution_update(actor=staff, institution=uni, data={"kind": "enterprise"})
    with pytest.raises(PermissionDenied):
        services.institution_update(actor=staff, institution=uni, data={"slug": "other"})
    uni.refresh_from_db()
    assert (uni.kind, uni.slug) == ("university", "uni-k")
    assert AuditEntry.objects.count() == before
    # Passing the unchanged values (as a full form does) is fine.
    services.institution_update(
        actor=staff, institution=uni, data={"kind": "university", "slug": "uni-k", "city": "北京"}
    )
    uni.refresh_from_db()
    assert uni.city == "北京"
    services.institution_update(actor=admin, institution=uni, data={"kind": "research_institute"})
    uni.refresh_from_db()
    assert uni.kind == "research_institute"
