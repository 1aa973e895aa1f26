from __future__ import annotations

import datetime as dt

from ninja import Schema


class MembershipOut(Schema):
    institution: str
    institution_name: str
    role: str
    role_label: str
    department: str | None = None
    position: str = ""

    @staticmethod
    def resolve_institution(obj) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_institution_name(obj) -> str:
        return obj.institution.display_name

    @staticmethod
    def resolve_role_label(obj) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_department(obj) -> str | None:
        return obj.department.display_name if obj.department_id else None


class PersonOut(Schema):
    id: int
    username: str
    name: str
    name_en: str
    title: str
    email: str
    phone: str
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_memberships(obj) -> list:
        # Selectors prefetch only the memberships the acting user may see.
        return obj.visible_memberships


class MeOut(PersonOut):
    is_superuser: bool
    language: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
