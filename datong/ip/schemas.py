import datetime as dt
from decimal import Decimal

from ninja import Schema


class FilingOut(Schema):
    id: int
    family: int
    route: str
    country: str
    kind: str
    application_number: str
    filing_date: dt.date | None
    priority_date: dt.date | None
    publication_number: str
    grant_number: str
    parent: int | None
    relation: str
    agency: int | None
    attorney: str
    term_extension_days: int
    legal_status: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_family(obj) -> int:
        return obj.family_id

    @staticmethod
    def resolve_parent(obj) -> int | None:
        return obj.parent_id

    @staticmethod
    def resolve_agency(obj) -> int | None:
        return obj.agency_id


class FamilyOut(Schema):
    id: int
    institution: str
    reference: str
    ip_type: str
    title: str
    title_en: str
    ipc_codes: list[str]
    inventors: list[str]
    claims_count: int | None
    independent_claims: int | None
    forward_citations: int | None
    result: int | None
    legal_statuses: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_institution(obj) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_result(obj) -> int | None:
        return obj.result_id

    @staticmethod
    def resolve_legal_statuses(obj) -> list[str]:
        rows = getattr(obj, "filing_rows", None)
        if rows is None:
            rows = obj.filings.all()
        return list(dict.fromkeys(f.legal_status for f in rows))


class HolderOut(Schema):
    name: str
    institution: int | None = None
    share: Decimal


class OwnershipOut(Schema):
    id: int
    start: dt.date
    end: dt.date | None
    holders: list[HolderOut]
    note: str


class FamilyDetailOut(FamilyOut):
    abstract: str
    filings: list[FilingOut]
    ownership: list[OwnershipOut]

    @staticmethod
    def resolve_filings(obj) -> list:
        return list(getattr(obj, "filing_rows", None) or obj.filings.all())

    @staticmethod
    def resolve_ownership(obj) -> list:
        return list(obj.ownership.all())


class FamilyCreate(Schema):
    institution: str
    title: str
    ip_type: str
    reference: str = ""
    title_en: str = ""
    abstract: str = ""
    ipc_codes: list[str] | str = []
    inventors: list[str] = []
    claims_count: int | None = None
    independent_claims: int | None = None
    forward_citations: int | None = None
    result: int | None = None


class FamilyIn(Schema):
    reference: str | None = None
    title: str | None = None
    ip_type: str | None = None
    title_en: str | None = None
    abstract: str | None = None
    ipc_codes: list[str] | str | None = None
    inventors: list[str] | None = None
    claims_count: int | None = None
    independent_claims: int | None = None
    forward_citations: int | None = None
    result: int | None = None


class FilingCreate(Schema):
    route: str
    kind: str
    country: str = "CN"
    application_number: str = ""
    filing_date: dt.date | None = None
    priority_date: dt.date | None = None
    publication_number: str = ""
    grant_number: str = ""
    parent: int | None = None
    relation: str = ""
    agency: int | None = None
    attorney: str = ""
    term_extension_days: int | None = None


class FilingIn(Schema):
    route: str | None = None
    kind: str | None = None
    country: str | None = None
    application_number: str | None = None
    filing_date: dt.date | None = None
    priority_date: dt.date | None = None
    publication_number: str | None = None
    grant_number: str | None = None
    parent: int | None = None
    relation: str | None = None
    agency: int | None = None
    attorney: str | None = None
    term_extension_days: int | None = None


class EventIn(Schema):
    kind: str
    date: dt.date
    note: str = ""


class EventOut(Schema):
    id: int
    filing: int
    kind: str
    date: dt.date
    note: str
    legal_status: str

    @staticmethod
    def resolve_filing(obj) -> int:
        return obj.filing_id

    @staticmethod
    def resolve_legal_status(obj) -> str:
        return obj.filing.legal_status


class HolderIn(Schema):
    name: str
    share: Decimal
    institution: int | None = None


class OwnershipIn(Schema):
    start: dt.date
    holders: list[HolderIn]
    note: str = ""


class CostIn(Schema):
    kind: str
    amount: Decimal
    date: dt.date
    note: str = ""


class CostOut(Schema):
    id: int
    filing: int
    kind: str
    amount: Decimal
    date: dt.date
    note: str

    @staticmethod
    def resolve_filing(obj) -> int:
        return obj.filing_id
