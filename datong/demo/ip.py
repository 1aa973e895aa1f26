"""Demo patent portfolio: an IP family with Chinese filings for every protected demo result,
events over the years (published, examination, granted, some lapsed), agencies from the demo
directory, official and agency fees, and — through ``filing_refresh`` — the docket and annuities."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from datong.institutions.models import Institution, InstitutionKind
from datong.ip import services as ip_services
from datong.ip.models import (
    CostEntry,
    CostKind,
    EventKind,
    Filing,
    FilingEvent,
    IPFamily,
    OwnershipPeriod,
    Route,
)
from datong.ip.numbers import check_character
from datong.providers.services import review_create
from datong.results.models import Result, ResultStatus

IPC_BY_INDUSTRY = {
    "38": ["H01M 10/052", "H01M 4/38", "H02J 7/00"],
    "44": ["H02J 3/38", "H01L 31/05"],
    "35": ["B23Q 17/00", "B25J 9/16"],
    "34": ["B25J 9/16", "F16H 1/32"],
    "37": ["B61F 5/00", "B64C 25/00"],
    "40": ["G01N 21/88", "G01B 11/00"],
    "63": ["H04L 67/12", "G06N 3/08"],
    "64": ["G06F 16/36", "G06N 3/04"],
    "65": ["G06F 21/62", "G06N 20/00"],
    "39": ["G06T 7/00", "H01L 21/66"],
    "27": ["A61K 39/395", "C12N 15/88"],
    "73": ["G01N 33/574", "A61K 36/00"],
    "30": ["C04B 35/00", "C01B 32/182"],
    "31": ["C22C 30/00"],
    "32": ["C22C 9/00"],
    "26": ["C08G 63/08", "C08L 67/04"],
    "77": ["C02F 1/72", "B09C 1/08"],
    "46": ["C02F 3/28"],
    "42": ["B09B 3/00"],
    "01": ["A01H 1/02", "A01G 25/02"],
    "03": ["A01K 67/00"],
    "13": ["A23B 7/10"],
}
KIND_BY_IP = {"invention_patent": "invention", "utility_model": "utility_model", "design": "design"}
TYPE_DIGIT = {"invention": "1", "utility_model": "2", "design": "3"}


def _number(rng: random.Random, year: int, kind: str, used: set[str]) -> str:
    while True:
        body = f"{year}{TYPE_DIGIT[kind]}{rng.randint(10000, 9999999):07d}"
        if body not in used:
            used.add(body)
            return f"{body}.{check_character(body)}"


def build_ip(rng: random.Random, today: dt.date) -> dict:
    agencies = list(
        Institution.objects.filter(kind=InstitutionKind.SERVICE_PROVIDER, name__contains="专利")
    )
    results = list(
        Result.objects.filter(status=ResultStatus.PROTECTING)
        .select_related("institution", "industry", "created_by")
        .order_by("pk")
    )
    families, filings, events, costs, owners = [], [], [], [], []
    used: set[str] = set()
    for result in results:
        ip = next((t for t in result.ip_types if t in KIND_BY_IP), None)
        if ip is None:
            continue
        kind = KIND_BY_IP[ip]
        filed = result.created_at.date() + dt.timedelta(days=rng.randint(20, 120))
        if filed > today - dt.timedelta(days=10):
            continue
        codes = IPC_BY_INDUSTRY.get(result.industry.code if result.industry else "", [])
        family = IPFamily(
            institution=result.institution,
            result=result,
            ip_type=ip,
            title=result.title,
            abstract=result.abstract,
            reference=f"{result.institution.slug.upper()}-{result.number}",
            ipc_codes=rng.sample(codes, min(len(codes), rng.randint(1, 2))) if codes else [],
            inventors=[i.name for i in result.inventors.all()],
            claims_count=rng.randint(6, 20) if kind == "invention" else rng.randint(3, 10),
            independent_claims=rng.randint(1, 3),
            forward_citations=rng.randint(0, 25),
            created_by=result.created_by,
        )
        family._plan = (kind, filed)
        families.append(family)
    IPFamily.objects.bulk_create(families, batch_size=500)
    for family in families:
        kind, filed = family._plan
        filing = Filing(
            family=family,
            route=Route.CN,
            country="CN",
            kind=kind,
            application_number=_number(rng, filed.year, kind, used),
            filing_date=filed,
            agency=rng.choice(agencies) if agencies else None,
            attorney=rng.choice(["李志强", "王静", "陈晓东", "赵敏", "刘洋", "孙磊"]),
        )
        filing._events = [(EventKind.FILED, filed)]
        age = (today - filed).days
        if kind == "invention":
            if age > 560:
                filing._events.append((EventKind.PUBLISHED, filed + dt.timedelta(days=540)))
            if age > 400:
                filing._events.append((EventKind.EXAM_REQUESTED, filed + dt.timedelta(days=380)))
            if age > 900 and rng.random() < 0.7:
                granted = filed + dt.timedelta(days=rng.randint(760, 880))
                filing._events.append((EventKind.GRANTED, granted))
                if age > 1300 and rng.random() < 0.12:
                    filing._events.append((EventKind.LAPSED, granted + dt.timedelta(days=400)))
            elif age > 1100 and rng.random() < 0.3:
                filing._events.append((EventKind.REJECTED, filed + dt.timedelta(days=900)))
        elif age > 200:
            filing._events.append(
                (EventKind.GRANTED, filed + dt.timedelta(days=rng.randint(150, 200)))
            )
        filing.legal_status = ip_services.derive_legal_status(
            filing, [FilingEvent(kind=k, date=d) for k, d in filing._events], today
        )
        filings.append(filing)
        owners.append(
            OwnershipPeriod(
                family=family,
                start=filed,
                holders=[
                    {
                        "name": family.institution.name,
                        "institution": family.institution_id,
                        "share": "100.00",
                    }
                ],
            )
        )
    Filing.objects.bulk_create(filings, batch_size=500)
    for filing in filings:
        for kind, day in filing._events:
            events.append(FilingEvent(filing=filing, kind=kind, date=day))
        official = Decimal("900") if filing.kind == "invention" else Decimal("500")
        costs.append(
            CostEntry(
                filing=filing,
                kind=CostKind.OFFICIAL,
                amount=official,
                date=filing.filing_date,
                note="申请费",
            )
        )
        costs.append(
            CostEntry(
                filing=filing,
                kind=CostKind.AGENCY,
                amount=Decimal(rng.choice([3500, 4000, 4500, 5000, 6000, 8000])),
                date=filing.filing_date,
                note="代理费",
            )
        )
    FilingEvent.objects.bulk_create(events, batch_size=1000)
    CostEntry.objects.bulk_create(costs, batch_size=1000)
    OwnershipPeriod.objects.bulk_create(owners, batch_size=1000)
    # The docket and the annuity schedule follow the events, through the real hooks.
    for filing in filings:
        for hook in ip_services.refresh_hooks:
            hook(filing, None)
    # Offices review the agencies that handled their granted filings.
    comments = {
        5: ["答复审查意见专业、及时，授权范围理想。", "技术理解深入，沟通顺畅。"],
        4: ["整体满意，个别文件交付略有延迟。", "撰写质量较好，费用合理。"],
        3: ["基本满足要求，但答复周期偏长。"],
        2: ["权利要求布局不够充分，需要多次修改。"],
    }
    reviews = 0
    for filing in filings:
        if filing.agency_id and filing.legal_status == "granted" and rng.random() < 0.35:
            rating = rng.choices([5, 4, 3, 2], [4, 5, 2, 1])[0]
            review_create(
                actor=None, filing=filing, rating=rating, comment=rng.choice(comments[rating])
            )
            reviews += 1
    return {"ip_families": len(families), "filings": len(filings), "provider_reviews": reviews}
