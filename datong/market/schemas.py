from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import get_language
from ninja import Schema

from datong.institutions.regions import province_name


class InstitutionOut(Schema):
    """The record's institution: its name in the user's language and its short code."""

    institution: str
    institution_slug: str

    @staticmethod
    def resolve_institution(obj) -> str:
        return obj.institution.display_name

    @staticmethod
    def resolve_institution_slug(obj) -> str:
        return obj.institution.slug


class ListingOut(InstitutionOut):
    """What a published listing shows to the public: nothing of the confidential disclosure."""

    id: int
    title: str
    summary: str
    key_points: str
    applications: str
    engagement_modes: list[str]
    ip_status: str
    trl: int | None
    contact_name: str
    published_at: dt.datetime | None

    @staticmethod
    def resolve_contact_name(obj) -> str:
        return obj.contact.get_full_name() if obj.contact_id else ""


class ContactIn(Schema):
    message: str


class ContactOut(Schema):
    sent: bool


class DemandOut(InstitutionOut):
    id: int
    title: str
    problem: str
    key_points: str
    goals: str
    keywords: list[str]
    budget: Decimal | None
    cooperation_mode: str
    industry: str | None
    region: str
    deadline: dt.date | None
    ipc_codes: list[str]
    min_trl: int | None
    status: str
    created_at: dt.datetime

    @staticmethod
    def resolve_industry(obj) -> str | None:
        return obj.industry.code if obj.industry_id else None


class DemandCreate(Schema):
    institution: str
    title: str
    problem: str = ""
    key_points: str = ""
    goals: str = ""
    keywords: list[str] = []
    budget: Decimal | None = None
    cooperation_mode: str = ""
    industry: str | None = None
    region: str = ""
    deadline: dt.date | None = None
    ipc_codes: list[str] = []
    min_trl: int | None = None


class DemandPatch(Schema):
    title: str | None = None
    problem: str | None = None
    key_points: str | None = None
    goals: str | None = None
    keywords: list[str] | None = None
    budget: Decimal | None = None
    cooperation_mode: str | None = None
    industry: str | None = None
    region: str | None = None
    deadline: dt.date | None = None
    ipc_codes: list[str] | None = None
    min_trl: int | None = None
    status: str | None = None


# --- expert and enterprise profiles ----------------------------------------------------------


def _industry_code(obj) -> str | None:
    return obj.industry.code if obj.industry_id else None


class ExpertOut(InstitutionOut):
    """A public expert profile: nothing private of the person (no e-mail, no phone)."""

    id: int
    name: str
    title: str
    department: str
    fields: str
    keywords: list[str]
    industry: str | None
    bio: str
    publications: list[str]
    is_public: bool
    updated_at: dt.datetime

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.user.get_full_name()

    @staticmethod
    def resolve_department(obj) -> str:
        return obj.department.display_name if obj.department_id else ""

    @staticmethod
    def resolve_industry(obj) -> str | None:
        return _industry_code(obj)

    @staticmethod
    def resolve_publications(obj) -> list[str]:
        return obj.publication_list


class ListingBrief(Schema):
    id: int
    title: str
    trl: int | None
    engagement_modes: list[str]


class ExpertDetailOut(ExpertOut):
    listings: list[ListingBrief]

    @staticmethod
    def resolve_listings(obj) -> list:
        return list(obj.published_listings())


class ExpertIn(Schema):
    """Every field is optional: only what is sent changes. ``is_public`` publishes the profile
    or takes it off the public pages."""

    institution: str | None = None
    department: int | None = None
    title: str | None = None
    fields: str | None = None
    keywords: list[str] | None = None
    bio: str | None = None
    publications: str | None = None
    industry: str | None = None
    is_public: bool | None = None


def _profile(obj):
    try:
        return obj.enterprise_profile
    except ObjectDoesNotExist:
        return None


def _profile_value(obj, name: str, default=None):
    profile = _profile(obj)
    return getattr(profile, name) if profile is not None else default


class EnterpriseOut(Schema):
    slug: str
    name: str
    name_en: str
    province: str
    province_name: str
    city: str
    website: str
    description: str
    industry: str | None
    size: str
    is_sme: bool
    employees: int | None
    founded_year: int | None
    main_products: str
    tech_fields: str

    @staticmethod
    def resolve_province_name(obj) -> str:
        return province_name(obj.province, get_language() or "zh-hans")

    @staticmethod
    def resolve_industry(obj) -> str | None:
        profile = _profile(obj)
        return _industry_code(profile) if profile is not None else None

    @staticmethod
    def resolve_size(obj) -> str:
        return _profile_value(obj, "size", "")

    @staticmethod
    def resolve_is_sme(obj) -> bool:
        return _profile_value(obj, "is_sme", False)

    @staticmethod
    def resolve_employees(obj) -> int | None:
        return _profile_value(obj, "employees")

    @staticmethod
    def resolve_founded_year(obj) -> int | None:
        return _profile_value(obj, "founded_year")

    @staticmethod
    def resolve_main_products(obj) -> str:
        return _profile_value(obj, "main_products", "")

    @staticmethod
    def resolve_tech_fields(obj) -> str:
        return _profile_value(obj, "tech_fields", "")


class DemandBrief(Schema):
    id: int
    title: str
    budget: Decimal | None
    deadline: dt.date | None


class EnterpriseDetailOut(EnterpriseOut):
    open_demands: list[DemandBrief]


class EnterpriseProfileIn(Schema):
    """Every field is optional: only what is sent changes."""

    industry: str | None = None
    size: str | None = None
    employees: int | None = None
    founded_year: int | None = None
    main_products: str | None = None
    tech_fields: str | None = None
    province: str | None = None
    city: str | None = None
    website: str | None = None
    description: str | None = None
