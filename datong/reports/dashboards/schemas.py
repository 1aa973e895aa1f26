"""API shapes of the dashboards. Money and percentages are decimal strings."""

import datetime as dt

from ninja import Field, Schema


def _s(value) -> str | None:
    return None if value is None else str(value)


class ColumnOut(Schema):
    key: str
    label: str
    unit: str = Field(description="count, yuan or percent")


class RowOut(Schema):
    key: str
    label: str
    values: dict[str, int | str | float | None]


class TableOut(Schema):
    key: str
    title: str
    dimension: str = Field(description="year, type, industry, region or stage")
    columns: list[ColumnOut]
    rows: list[RowOut]


class FunnelStageOut(Schema):
    key: str
    label: str
    value: int
    of_first: float | None
    of_previous: float | None


class DashboardOut(Schema):
    institution: str = Field(description="the institution's short code")
    year_from: int
    year_to: int
    department: int | None
    totals: dict[str, int | str]
    funnel: list[FunnelStageOut]
    tables: list[TableOut]


def _plain(value):
    from decimal import Decimal

    return str(value) if isinstance(value, Decimal) else value


def dashboard_out(data: dict) -> dict:
    tables = []
    for table in data["tables"].values():
        tables.append(
            {
                **table,
                "rows": [
                    {**row, "values": {k: _plain(v) for k, v in row["values"].items()}}
                    for row in table["rows"]
                ],
            }
        )
    return {
        "institution": data["institution"].slug,
        "year_from": data["year_from"],
        "year_to": data["year_to"],
        "department": data["department"],
        "totals": {k: _plain(v) for k, v in data["totals"].items()},
        "funnel": data["funnel"],
        "tables": tables,
    }


class MemberFiguresOut(Schema):
    institution: str
    name: str
    values: dict[str, int | str]
    position: dict[str, str] = Field(description="above, below or at the alliance median")


class AllianceOut(Schema):
    alliance: str
    year_from: int
    year_to: int
    metrics: list[ColumnOut]
    members: list[MemberFiguresOut]
    totals: dict[str, int | str]
    medians: dict[str, int | str]


def alliance_out(data: dict) -> dict:
    return {
        "alliance": data["alliance"].slug,
        "year_from": data["year_from"],
        "year_to": data["year_to"],
        "metrics": data["metrics"],
        "members": [
            {
                "institution": row["institution"].slug,
                "name": row["institution"].display_name,
                "values": {k: _plain(v) for k, v in row["values"].items()},
                "position": row["position"],
            }
            for row in data["members"]
        ],
        "totals": {k: _plain(v) for k, v in data["totals"].items()},
        "medians": {k: _plain(v) for k, v in data["medians"].items()},
    }


class AllianceAgreementOut(Schema):
    id: int
    institution: str
    title: str
    partner_province: str
    partner: str
    year_from: int
    year_to: int | None
    centre_name: str
    projects: int
    amount: str

    @staticmethod
    def resolve_institution(obj) -> str:
        return obj["institution"].slug

    @staticmethod
    def resolve_amount(obj) -> str:
        return str(obj["amount"])


class YearOut(Schema):
    year: int
    projects: int
    contract_total: str
    note: str

    @staticmethod
    def resolve_contract_total(obj) -> str:
        return str(obj.contract_total)


class AgreementOut(Schema):
    id: int
    institution: str
    title: str
    partner_province: str
    partner_city: str
    signed_year: int | None
    year_from: int
    year_to: int | None
    centre_name: str
    note: str
    projects_total: int
    amount_total: str
    years: list[YearOut]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_institution(obj) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_projects_total(obj) -> int:
        return sum(row.projects for row in obj.years.all())

    @staticmethod
    def resolve_amount_total(obj) -> str:
        return str(sum((row.contract_total for row in obj.years.all()), start=0) or "0.00")

    @staticmethod
    def resolve_years(obj) -> list:
        return list(obj.years.order_by("year"))


class AgreementIn(Schema):
    institution: str = Field(
        "", description="short code; default: the first institution where you work in the office"
    )
    title: str
    partner_province: str = Field(description="GB/T 2260 province code, e.g. 430000")
    partner_city: str = ""
    signed_year: int | None = None
    year_from: int
    year_to: int | None = None
    centre_name: str = ""
    note: str = ""


class AgreementPatch(Schema):
    title: str | None = None
    partner_province: str | None = None
    partner_city: str | None = None
    signed_year: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    centre_name: str | None = None
    note: str | None = None


class YearIn(Schema):
    projects: int = 0
    contract_total: str = Field("0", description="yuan, decimal string")
    note: str = ""
