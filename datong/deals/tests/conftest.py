"""The marketplace's world (a university with a result and a published listing, a second
university, enterprises) plus industries for fields of use and helpers to make contracts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from datong.deals import services
from datong.deals.models import Contract, PartyRole
from datong.market.tests.conftest import bearer, world  # noqa: F401  (fixtures)
from datong.results.models import Classification, Result, Scheme

D = Decimal


def industry(code: str) -> Classification:
    return Classification.objects.get(scheme=Scheme.INDUSTRY, code=code)


def buyer(name="丙科技有限公司", **extra) -> dict:
    return {
        "role": PartyRole.BUYER,
        "name": name,
        "region": "320000",
        "entity_type": "033",
        "is_sme": True,
        **extra,
    }


def make_contract(w, number="HT-2026-001", kind="licence", who="office", **data) -> Contract:
    values = {
        "number": number,
        "title": data.pop("title", f"固态电解质技术合同 {number}"),
        "contract_type": kind,
        "pricing_method": data.pop("pricing_method", "listed"),
        "exclusivity": data.pop("exclusivity", "exclusive" if kind == "licence" else ""),
        "amount": data.pop("amount", "1000000.00"),
        **data,
    }
    results = [w["result"]] if kind in ("licence", "transfer") else []
    return services.contract_create(
        actor=w[who], institution=w["uni"], data=values, parties=[buyer()], results=results
    )


def grant(
    w,
    contract,
    *,
    field=None,
    territory="CN",
    start="2026-01-01",
    end="2030-12-31",
    exclusivity="exclusive",
):
    return services.licence_grant_add(
        actor=w["office"],
        contract=contract,
        data={
            "result": w["result"],
            "field_of_use": industry(field) if field else None,
            "territory": territory,
            "starts_on": dt.date.fromisoformat(start),
            "ends_on": dt.date.fromisoformat(end),
            "exclusivity": exclusivity,
        },
    )


def signed(w, contract, day="2026-03-02"):
    return services.contract_sign(actor=w["office"], contract=contract, signed_on=day)


@pytest.fixture
def dw(world):  # noqa: F811
    world["result2"] = Result.objects.create(
        institution=world["uni"], number="R-2", title="钠离子电池正极材料"
    )
    world["other_result"] = Result.objects.create(
        institution=world["other"], number="O-1", title="乙大学成果"
    )
    return world
