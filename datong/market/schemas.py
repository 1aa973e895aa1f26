from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema


class ListingOut(Schema):
    """What a published listing shows to the public: nothing of the confidential disclosure."""

    id: int
    title: str
    summary: str
    key_points: str
    applications: str
    engagement_modes: list[str]
    ip_status: str
    trl: int | None
    institution: str
    institution_slug: str
    contact_name: str
    published_at: dt.datetime | None

    @staticmethod
    def resolve_institution(obj) -> str:
        return obj.institution.display_name

    @staticmethod
    def resolve_institution_slug(obj) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_contact_name(obj) -> str:
        return obj.contact.get_full_name() if obj.contact_id else ""


class ContactIn(Schema):
    message: str


class ContactOut(Schema):
    sent: bool


class DemandOut(Schema):
    id: int
    institution: str
    institution_slug: str
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
    status: str
    created_at: dt.datetime

    @staticmethod
    def resolve_institution(obj) -> str:
        return obj.institution.display_name

    @staticmethod
    def resolve_institution_slug(obj) -> str:
        return obj.institution.slug

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
    status: str | None = None
