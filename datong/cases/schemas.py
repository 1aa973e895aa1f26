"""API shapes of match cases. The internal fields (closing note, stage notes, whether the case
waits too long) are ``null`` for the enterprise's users."""

import datetime as dt

from ninja import Schema

from datong.market.schemas import InstitutionOut

from . import services


def _office(obj, context) -> bool:
    request = (context or {}).get("request")
    return request is not None and services.can_act(request.user, obj)


class StageTimeOut(Schema):
    stage: str
    entered_at: dt.datetime
    left_at: dt.datetime | None
    days: int
    note: str | None

    @staticmethod
    def resolve_note(obj, context) -> str | None:
        return obj.note if _office(obj.case, context) else None


class CaseOut(InstitutionOut):
    id: int
    listing: int
    listing_title: str
    enterprise: str
    enterprise_slug: str
    demand: int | None
    requester: str
    manager: int | None
    manager_name: str
    stage: str
    stage_label: str
    stage_entered_at: dt.datetime
    days_in_stage: int
    overdue: bool | None
    message: str
    closed_reason: str
    closing_note: str | None
    deal_reference: str
    created_at: dt.datetime
    closed_at: dt.datetime | None
    stage_times: list[StageTimeOut]

    @staticmethod
    def resolve_listing(obj) -> int:
        return obj.listing_id

    @staticmethod
    def resolve_listing_title(obj) -> str:
        return obj.listing.title

    @staticmethod
    def resolve_enterprise(obj) -> str:
        return obj.enterprise.display_name

    @staticmethod
    def resolve_enterprise_slug(obj) -> str:
        return obj.enterprise.slug

    @staticmethod
    def resolve_demand(obj) -> int | None:
        return obj.demand_id

    @staticmethod
    def resolve_requester(obj) -> str:
        return obj.requester.get_full_name()

    @staticmethod
    def resolve_manager(obj) -> int | None:
        return obj.manager_id

    @staticmethod
    def resolve_manager_name(obj) -> str:
        return obj.manager.get_full_name() if obj.manager_id else ""

    @staticmethod
    def resolve_stage_label(obj) -> str:
        return str(obj.get_stage_display())

    @staticmethod
    def resolve_overdue(obj, context) -> bool | None:
        return obj.is_overdue if _office(obj, context) else None

    @staticmethod
    def resolve_closing_note(obj, context) -> str | None:
        return obj.closing_note if _office(obj, context) else None

    @staticmethod
    def resolve_stage_times(obj) -> list:
        return list(obj.stage_times.all())


class CaseOpen(Schema):
    listing: int
    message: str
    demand: int | None = None
    #: The enterprise's slug; needed only by a user of several enterprises.
    enterprise: str | None = None


class CaseAdvance(Schema):
    stage: str
    note: str = ""
    deal_reference: str = ""


class CaseClose(Schema):
    reason: str
    note: str = ""


class CaseAssign(Schema):
    manager: int
