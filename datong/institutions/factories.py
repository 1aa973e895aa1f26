"""factory_boy factories for institutions, departments, memberships and alliances (tests only).

Like the account factories they bypass services, so they write no audit entries.
"""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from datong.accounts.factories import UserFactory
from datong.core.roles import Role

from .models import Alliance, AllianceMember, Department, Institution, InstitutionKind, Membership


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = Institution

    slug = factory.Sequence(lambda n: f"inst-{n}")
    name = factory.Sequence(lambda n: f"测试大学{n}")
    name_en = factory.Sequence(lambda n: f"Test University {n}")
    kind = InstitutionKind.UNIVERSITY
    province = "110000"
    city = "北京"
    is_listed = True


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"学院{n}")
    name_en = factory.Sequence(lambda n: f"School {n}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(InstitutionFactory)
    role = Role.RESEARCHER


class AllianceFactory(DjangoModelFactory):
    class Meta:
        model = Alliance

    slug = factory.Sequence(lambda n: f"alliance-{n}")
    name = factory.Sequence(lambda n: f"测试联盟{n}")
    name_en = factory.Sequence(lambda n: f"Test Alliance {n}")
    secretariat = factory.SubFactory(InstitutionFactory, kind=InstitutionKind.ALLIANCE_SECRETARIAT)


class AllianceMemberFactory(DjangoModelFactory):
    class Meta:
        model = AllianceMember

    alliance = factory.SubFactory(AllianceFactory)
    institution = factory.SubFactory(InstitutionFactory)


def member_of(institution, role=Role.RESEARCHER, user=None, name=None, **kwargs):
    """A user holding ``role`` in ``institution`` (a new user unless one is given)."""
    if user is not None:
        kwargs["user"] = user
    if name is not None:
        kwargs["user__name"] = name
    return MembershipFactory(institution=institution, role=role, **kwargs).user
