"""Demo reward policies, ledgers and distributions (收益分配).

Runs after the demo contracts (``datong.demo.deals``), whose payments have already been booked
as income on their results' ledgers. For each result with income it books the costs a real
ledger carries (patent fees, agency and evaluation fees, the deal's own costs), then distributes
the income under the policy in force — most distributions executed (rewards paid, half of the
cash taxable where every condition of 财税〔2018〕58号 holds), some approved, some drafts, one
paid too late for the half rate, some inventors credited to research accounts. Equity contracts
distribute the shares obtained. The home university has two policy versions (the later with
amount tiers), so the rule versions on the figures differ by date. Everything goes through the
services as on the day it happened.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Min

from datong.accounts.models import User
from datong.core.roles import Role
from datong.deals.income import services
from datong.deals.income.ledger import ledger_entry_add
from datong.deals.income.models import Distribution, LedgerEntry, Reward
from datong.deals.models import Contract, ContractType
from datong.institutions.models import Institution, Membership

from .poc import Clock

HOME = "jbit"
FACTS = {"recipients_listed": True, "withheld": True, "job_result": True}

POLICIES = {
    HOME: [
        {
            "version": "京北理工发〔2019〕27号",
            "effective_from": dt.date(2019, 9, 1),
            "source": "京北理工大学科技成果转化管理办法（2019年修订）",
            "team_share": Decimal("70"),
            "institution_share": Decimal("15"),
            "department_share": Decimal("10"),
            "office_share": Decimal("5"),
            "equity_team_share": Decimal("70"),
            "tiers": [],
        },
        {
            "version": "京北理工发〔2025〕6号",
            "effective_from": dt.date(2025, 3, 1),
            "source": "京北理工大学科技成果转化收益分配实施细则",
            "team_share": Decimal("80"),
            "institution_share": Decimal("10"),
            "department_share": Decimal("6"),
            "office_share": Decimal("4"),
            "equity_team_share": Decimal("75"),
            "tiers": [
                {"up_to": "5000000", "team": "80"},
                {"up_to": None, "team": "70"},
            ],
        },
    ],
}
OTHER_POLICY = {
    "version": "校发〔2020〕15号",
    "effective_from": dt.date(2020, 6, 1),
    "source": "科技成果转化收益分配办法",
    "team_share": Decimal("60"),
    "institution_share": Decimal("25"),
    "department_share": Decimal("10"),
    "office_share": Decimal("5"),
    "equity_team_share": Decimal("60"),
    "tiers": [],
}
COSTS = [
    ("patent_fee", "专利申请费、实审费及年费", (3000, 24000)),
    ("agency", "专利代理服务费", (5000, 15000)),
    ("evaluation", "技术价值评估费", (8000, 30000)),
    ("deal_cost", "合同谈判差旅与法律顾问费", (2000, 12000)),
]


def _staff(institution: Institution) -> User | None:
    membership = (
        Membership.objects.filter(institution=institution, role=Role.TTO_STAFF)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _yuan(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low, high, 100))


def build_income(rng: random.Random, now: dt.datetime, size: str = "small") -> dict:
    clock = Clock()
    today = now.date()
    counts = {"policies": 0, "distributions": 0, "executed": 0}
    with clock.running():
        universities = Institution.objects.filter(
            pk__in=LedgerEntry.objects.values("institution")
        ).order_by("pk")
        staff = {inst.pk: _staff(inst) for inst in universities}
        for institution in universities:
            actor = staff[institution.pk]
            if actor is None:
                continue
            specs = POLICIES.get(institution.slug)
            if specs is None and rng.random() < 0.5:
                specs = [OTHER_POLICY]
            for spec in specs or []:
                clock.on(spec["effective_from"])
                services.policy_create(actor=actor, institution=institution, **spec)
                counts["policies"] += 1
        first_income = (
            LedgerEntry.objects.filter(kind="income")
            .values("result")
            .annotate(first=Min("date"))
            .order_by("result")
        )
        for row in first_income:
            entry = (
                LedgerEntry.objects.filter(result_id=row["result"])
                .select_related("result__institution", "contract")
                .first()
            )
            result = entry.result
            actor = staff.get(result.institution_id)
            if actor is None or not result.inventors.exists():
                continue
            _book_costs(rng, clock, actor, result, row["first"])
            _distribute(rng, clock, actor, result, today, counts)
        counts.update(_equity(rng, clock, staff, today))
    return {
        "reward_policies": counts["policies"],
        "distributions": Distribution.objects.count(),
        "distributions_executed": counts["executed"],
        "rewards": Reward.objects.count(),
    }


def _book_costs(rng, clock, actor, result, first_income: dt.date) -> None:
    for category, description, (low, high) in COSTS:
        if category not in ("patent_fee", "agency") and rng.random() < 0.5:
            continue
        day = first_income - dt.timedelta(days=rng.randint(20, 400))
        clock.on(day)
        ledger_entry_add(
            actor=actor,
            result=result,
            kind="cost",
            category=category,
            date=day,
            amount=_yuan(rng, low, high),
            description=description,
        )


def _distribute(rng, clock, actor, result, today, counts) -> None:
    """One distribution per year of income; the latest may still be a draft or approved."""
    incomes = list(LedgerEntry.objects.filter(result=result, kind="income").order_by("date", "pk"))
    years = sorted({e.date.year for e in incomes})
    contract = next((e.contract for e in incomes if e.contract_id), None)
    deal_type = (
        "licence" if contract and contract.contract_type == ContractType.LICENCE else ("transfer")
    )
    inventors = list(result.inventors.filter(paid_here=True))
    for index, year in enumerate(years):
        last = max(e.date for e in incomes if e.date.year == year)
        decided = last + dt.timedelta(days=rng.randint(10, 45))
        if decided > today:
            decided = today
        clock.on(decided)
        channels = {inv.pk: "research_account" for inv in inventors[1:] if rng.random() < 0.25}
        takings = None  # what remains, costs carried forward from earlier years included
        if index < len(years) - 1:
            takings = [(e, e.amount) for e in incomes if e.date.year <= year] + [
                (c, c.amount)
                for c in LedgerEntry.objects.filter(result=result, kind="cost", date__lte=last)
            ]
            takings = _fit(result, takings)
        try:
            distribution = services.distribution_create(
                actor=actor,
                result=result,
                deal_type=deal_type,
                decided_on=decided,
                takings=takings,
                contract=contract if contract and contract.results.filter(pk=result.pk) else None,
                channels=channels,
                tax_facts=FACTS,
            )
        except Exception:  # noqa: BLE001 - a demo ledger whose costs exceed its income
            continue
        counts["distributions"] += 1
        stage = rng.random()
        if index == len(years) - 1 and stage < 0.2:
            continue  # a draft
        services.distribution_approve(actor=actor, distribution=distribution)
        if index == len(years) - 1 and stage < 0.35:
            continue  # approved, not paid yet
        paid = decided + dt.timedelta(days=rng.randint(15, 90))
        if rng.random() < 0.05:
            paid = decided + dt.timedelta(days=365 * 3 + 40)  # too late for the half rate
        paid = min(paid, today)
        clock.on(paid, 15)
        services.distribution_execute(actor=actor, distribution=distribution, paid_on=paid)
        counts["executed"] += 1


def _fit(result, takings):
    """Take whole entries, but no more of the costs than the income covers (the rest carries
    forward to the next distribution)."""
    from datong.deals.income.ledger import with_balance

    balances = {e.pk: e.remaining for e in with_balance(LedgerEntry.objects.filter(result=result))}
    income = sum((balances[e.pk] for e, _a in takings if e.kind == "income"), Decimal(0))
    chosen, room = [], income
    for entry, _amount in takings:
        left = balances[entry.pk]
        if left <= 0:
            continue
        if entry.kind == "cost":
            left = min(left, room)
            room -= left
            if left <= 0:
                continue
        chosen.append((entry, left))
    return chosen


def _equity(rng, clock, staff, today) -> dict:
    """Equity contracts: the appraised value of the shares booked, the shares distributed."""
    executed = 0
    contracts = Contract.objects.filter(contract_type=ContractType.EQUITY).exclude(
        signed_on__isnull=True
    )
    for contract in contracts.order_by("pk"):
        actor = staff.get(contract.institution_id) or _staff(contract.institution)
        result = contract.results.order_by("pk").first()
        if actor is None or result is None or not result.inventors.filter(paid_here=True):
            continue
        day = min(contract.signed_on + dt.timedelta(days=20), today)
        clock.on(day)
        entry = ledger_entry_add(
            actor=actor,
            result=result,
            kind="income",
            category="equity",
            date=day,
            amount=contract.amount or _yuan(rng, 2_000_000, 9_000_000),
            description=f"{contract.number} 作价入股（评估值）",
            contract=contract,
        )
        distribution = services.distribution_create(
            actor=actor,
            result=result,
            deal_type="equity",
            decided_on=day,
            takings=[(entry, entry.amount)],
            contract=contract,
            shares_obtained=Decimal(rng.choice([10, 15, 20, 25, 30])),
            deferrals={inv.pk: True for inv in result.inventors.all() if rng.random() < 0.7},
            tax_facts=FACTS,
        )
        services.distribution_approve(actor=actor, distribution=distribution)
        services.distribution_execute(actor=actor, distribution=distribution, paid_on=day)
        executed += 1
    return {"equity_executed": executed}
