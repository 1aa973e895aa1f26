from __future__ import annotations

import datetime as dt

from ninja import Schema


class InstitutionOut(Schema):
    id: int
    slug: str
    name: str
    name_en: str
    short_name: str
    kind: str
    kind_label: str
    province: str
    province_name: str
    city: str
    website: str
    description: str
    is_listed: bool

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_province_name(obj) -> str:
        return obj.province_display


class InstitutionDetailOut(InstitutionOut):
    name_en: str
    address: str
    email: str
    phone: str
    credit_code: str
    description_en: str


class InstitutionPatch(Schema):
    name: str | None = None
    name_en: str | None = None
    short_name: str | None = None
    province: str | None = None
    city: str | None = None
    address: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    credit_code: str | None = None
    description: str | None = None
    description_en: str | None = None
    is_listed: bool | None = None


class DepartmentOut(Schema):
    id: int
    name: str
    name_en: str
    code: str
    people_count: int = 0


class MemberOut(Schema):
    person_id: int
    name: str
    role: str
    role_label: str
    department: str | None
    position: str

    @staticmethod
    def resolve_person_id(obj) -> int:
        return obj.user_id

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj.user)

    @staticmethod
    def resolve_role_label(obj) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_department(obj) -> str | None:
        return obj.department.display_name if obj.department_id else None


class HistoryOut(Schema):
    at: dt.datetime
    actor: str
    action: str
    object: str
    changes: dict

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor_name

    @staticmethod
    def resolve_object(obj) -> str:
        return obj.object_repr


class AllianceOut(Schema):
    id: int
    slug: str
    name: str
    name_en: str
    secretariat: str
    founded_on: dt.date | None
    member_count: int = 0

    @staticmethod
    def resolve_secretariat(obj) -> str:
        return obj.secretariat.slug


class MemberFiguresOut(Schema):
    slug: str
    name: str
    name_en: str
    kind: str
    province: str
    people: int
    researchers: int
    office_staff: int
    departments: int

    @staticmethod
    def resolve_departments(obj) -> int:
        return obj["departments_n"]


class AllianceFiguresOut(Schema):
    alliance: str
    member_count: int
    totals: dict[str, int]
    members: list[MemberFiguresOut]

    @staticmethod
    def resolve_alliance(obj) -> str:
        return obj["alliance"].slug
