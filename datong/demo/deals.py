"""Demo technology contracts of the home university (``jbit``) and a few other universities of
the demo alliance: licences (exclusive, sole and non-exclusive, each with fields of use,
territories and terms), transfers at an agreed price with their public announcement,
equity investments, development, consulting and service contracts; payment schedules,
payments received (some instalments left overdue), royalty reports and registrations.

Everything goes through the contract services, run “as on” the day each step happened with the
proof-of-concept demo's :class:`~datong.demo.poc.Clock`, so that the services' own checks (no
payment in the future, no signature before the announcement ended…) and the audit log read as
history. Contracts of match cases that ended in a deal take the case's contract number.

Call ``build_deals(random.Random(seed), RESULTS_NOW, size)`` after the match cases.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from datong.accounts.models import User
from datong.cases.models import CaseStage, MatchCase
from datong.core.roles import Role
from datong.deals import services
from datong.deals.models import Contract, ContractStatus, PaymentTerm, TermKind
from datong.institutions.models import Institution, InstitutionKind, Membership
from datong.results.models import Classification, Result, Scheme

from .poc import Clock

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
D = Decimal
HOME = "jbit"
OTHERS = ("jnmu", "ysaa", "jhdx")
SIZES = {"small": 40, "large": 400}
HOME_SHARE = {"small": 0.65, "large": 0.35}

KINDS = [
    ("licence", 34),
    ("transfer", 20),
    ("development", 20),
    ("consulting", 9),
    ("service", 11),
    ("equity", 6),
]
PREFIX = {
    "licence": "XK",
    "transfer": "ZR",
    "equity": "TZ",
    "development": "KF",
    "consulting": "ZX",
    "service": "FW",
}
#: Amount ranges in 10,000 yuan (万元).
AMOUNTS = {
    "licence": (10, 500),
    "transfer": (20, 1800),
    "equity": (100, 3000),
    "development": (5, 300),
    "consulting": (2, 30),
    "service": (1, 50),
}
SUFFIX = {
    "licence": "技术许可合同",
    "transfer": "专利权转让合同",
    "equity": "作价投资协议",
    "development": "技术开发合同",
    "consulting": "技术咨询合同",
    "service": "技术服务合同",
}
SERVICE_TOPICS = [
    "产线工艺优化",
    "检测方法开发",
    "材料性能测试",
    "数字化车间规划",
    "产品失效分析",
    "工艺参数评估",
    "节能改造方案",
    "软件系统测评",
]
TERRITORIES = [
    ("CN", 30),
    ("WORLD", 8),
    ("110000", 6),
    ("320000", 8),
    ("440000", 8),
    ("310000", 6),
    ("330000", 6),
    ("US", 3),
    ("EU", 2),
]
NOTES = ["", "", "", "对方要求分期付款，已在合同中约定。", "经学校技术转移委员会审议通过。"]


def _weighted(rng: random.Random, pairs):
    return rng.choices([p for p, _w in pairs], weights=[w for _p, w in pairs])[0]


def _staff(institution: Institution) -> User | None:
    row = (
        Membership.objects.filter(
            institution=institution, role=Role.TTO_STAFF, user__is_active=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return row.user if row else None


def _manager(institution: Institution) -> User | None:
    row = (
        Membership.objects.filter(
            institution=institution, role=Role.TECH_MANAGER, user__is_active=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return row.user if row else None


def _round_amount(rng: random.Random, kind: str) -> Decimal:
    low, high = AMOUNTS[kind]
    wan = rng.uniform(low, high)
    step = 5 if wan >= 50 else 1 if wan >= 5 else D("0.5")
    value = (D(str(wan)) / D(step)).quantize(D("1")) * D(step)
    return max(D(low), value) * 10000


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


class _Builder:
    def __init__(self, rng: random.Random, now: dt.datetime, size: str):
        self.rng = rng
        self.size = size
        self.today = max(timezone.localtime(now, TZ), timezone.localtime(timezone.now(), TZ)).date()
        self.clock = Clock()
        self.numbers: dict[tuple[int, str, int], int] = {}
        self.fields = list(Classification.objects.filter(scheme=Scheme.INDUSTRY))
        self.enterprises = list(Institution.objects.filter(kind=InstitutionKind.ENTERPRISE))
        self.registered = 0
        self.counts = {"contracts": 0, "grants": 0, "payments": 0, "royalty_reports": 0}

    def at(self, day: dt.date) -> None:
        self.clock.on(min(day, self.today))

    def number(self, institution: Institution, kind: str, year: int) -> str:
        key = (institution.pk, kind, year)
        self.numbers[key] = self.numbers.get(key, 0) + 1
        return f"{institution.slug.upper()}-{PREFIX[kind]}-{year}-{self.numbers[key]:03d}"

    def registration(self, region: str, year: int) -> str:
        """A 16-digit registration number: region code, year, a running number."""
        self.registered += 1
        return f"{region}{year}{self.rng.randint(1, 9)}{self.registered:05d}"

    def party(self, enterprise: Institution) -> dict:
        return {
            "role": "buyer",
            "name": enterprise.name,
            "credit_code": enterprise.credit_code,
            "region": enterprise.province or "",
            "entity_type": self.rng.choice(["033", "033", "033", "031", "034"]),
            "is_sme": self.rng.random() < 0.6,
            "institution": enterprise,
        }

    # --- one contract ----------------------------------------------------------------------

    def contract(self, institution, actor, results, *, kind=None, case=None) -> Contract | None:
        rng = self.rng
        kind = kind or _weighted(rng, KINDS)
        # when it was prepared: up to three years back; a few are still in preparation
        start = self.today - dt.timedelta(days=rng.randint(5, 1100))
        result = rng.choice(results) if results else None
        if kind in ("licence", "transfer", "equity") and result is None:
            kind = "development"
        enterprise = case.enterprise if case is not None else rng.choice(self.enterprises)
        if case is not None:
            result = case.listing.result or result
            start = min(
                timezone.localtime(case.closed_at or case.updated_at, TZ).date(), self.today
            )
            start -= dt.timedelta(days=rng.randint(10, 30))
        if kind in ("development", "consulting", "service"):
            topic = rng.choice(SERVICE_TOPICS)
            title = f"{enterprise.short_name or enterprise.name[:6]}{topic}{SUFFIX[kind]}"
        else:
            title = f"“{result.title[:60]}”{SUFFIX[kind]}"
        pricing = ""
        if kind in ("licence", "transfer", "equity"):
            pricing = _weighted(rng, [("agreed", 6), ("listed", 2), ("auction", 1)])
        exclusivity = ""
        if kind == "licence":
            exclusivity = _weighted(rng, [("exclusive", 3), ("sole", 2), ("non_exclusive", 5)])
        amount = _round_amount(rng, kind)
        number = case.deal_reference[:40] if case is not None and case.deal_reference else ""
        if not number or Contract.objects.filter(institution=institution, number=number).exists():
            number = self.number(institution, kind, start.year)
        self.at(start)
        data = {
            "number": number,
            "title": title[:200],
            "contract_type": kind,
            "pricing_method": pricing,
            "exclusivity": exclusivity,
            "amount": amount,
            "manager": _manager(institution),
            "note": rng.choice(NOTES),
        }
        covered = [result] if result is not None and kind not in ("consulting", "service") else []
        contract = services.contract_create(
            actor=actor,
            institution=institution,
            data=data,
            parties=[self.party(enterprise)],
            results=covered,
            match_case=case,
        )
        self.counts["contracts"] += 1
        if rng.random() < 0.06 and (self.today - start).days > 60:
            self.at(start + dt.timedelta(days=rng.randint(10, 50)))
            services.contract_terminate(
                actor=actor, contract=contract, reason="对方内部审批未通过，合同未签订。"
            )
            return contract
        sign_on = start + dt.timedelta(days=rng.randint(3, 25))
        if pricing == "agreed":
            services.contract_announce(
                actor=actor,
                contract=contract,
                start=start,
                days=services.rules.minimum_announcement_days(),
                url=f"https://www.{institution.slug}.edu.cn/kjc/gs/{contract.pk}.html",
            )
            sign_on = contract.announcement_end + dt.timedelta(days=rng.randint(1, 20))
        if sign_on > self.today or rng.random() < 0.05:
            return contract  # still announced or in preparation
        duration = rng.choice([1, 2, 3, 5]) if kind != "licence" else rng.choice([3, 5, 8, 10])
        ends_on = _add_months(sign_on, 12 * duration)
        if kind == "licence":
            self.grants(contract, actor, result, sign_on, ends_on, exclusivity)
        self.schedule(contract, actor, kind, amount, sign_on, ends_on)
        self.at(sign_on)
        services.contract_sign(actor=actor, contract=contract, signed_on=sign_on, ends_on=ends_on)
        if rng.random() < 0.75 and kind != "equity":
            registered = sign_on + dt.timedelta(days=rng.randint(10, 45))
            if registered <= self.today:
                self.at(registered)
                code = (institution.province or "110000")[:6]
                services.contract_register(
                    actor=actor,
                    contract=contract,
                    registration_number=self.registration(code, registered.year),
                    registered_on=registered,
                    approved_tech_income=(
                        amount * D(rng.choice(["1", "1", "0.9", "0.8"]))
                    ).quantize(D("0.01")),
                )
        self.money(contract, actor, sign_on)
        if ends_on < self.today and rng.random() < 0.8:
            self.at(ends_on)
            services.contract_complete(actor=actor, contract=contract)
        return contract

    def grants(self, contract, actor, result, start, end, exclusivity) -> None:
        rng = self.rng
        for _ in range(rng.choice([1, 1, 2])):
            for _attempt in range(4):
                field = rng.choice(self.fields) if rng.random() < 0.8 else None
                territory = _weighted(rng, TERRITORIES)
                try:
                    services.licence_grant_add(
                        actor=actor,
                        contract=contract,
                        data={
                            "result": result,
                            "field_of_use": field,
                            "territory": territory,
                            "starts_on": start,
                            "ends_on": end,
                            "exclusivity": exclusivity,
                            "sublicensable": rng.random() < 0.2,
                        },
                    )
                except ValidationError:
                    continue  # taken there: try another field or territory
                self.counts["grants"] += 1
                break

    def schedule(self, contract, actor, kind, amount, sign_on, ends_on) -> None:
        rng = self.rng
        if kind == "equity":
            return
        if kind == "licence" and rng.random() < 0.6:
            upfront = (amount * D(rng.choice(["0.3", "0.4", "0.5"]))).quantize(D("0.01"))
            services.payment_term_add(
                actor=actor,
                contract=contract,
                data={
                    "kind": "instalment",
                    "label": "入门费",
                    "amount": upfront,
                    "due_on": sign_on + dt.timedelta(days=30),
                },
            )
            services.payment_term_add(
                actor=actor,
                contract=contract,
                data={"kind": "royalty", "royalty_rate": rng.choice(["1.5", "2", "3", "3.5", "5"])},
            )
            return
        parts = rng.choice([[D("1")], [D("0.3"), D("0.7")], [D("0.3"), D("0.4"), D("0.3")]])
        labels = ["首付款", "第二期", "尾款"]
        total = D("0")
        for i, share in enumerate(parts):
            value = (amount * share).quantize(D("0.01"))
            if i == len(parts) - 1:
                value = amount - total
            total += value
            if i == 1 and kind in ("development", "transfer") and rng.random() < 0.5:
                services.payment_term_add(
                    actor=actor,
                    contract=contract,
                    data={"kind": "milestone", "label": "中试验收通过", "amount": value},
                )
                continue
            due = sign_on + dt.timedelta(days=30 + i * rng.randint(90, 240))
            services.payment_term_add(
                actor=actor,
                contract=contract,
                data={
                    "kind": "instalment",
                    "label": labels[min(i, 2)] if len(parts) > 1 else "合同款",
                    "amount": value,
                    "due_on": min(due, ends_on),
                },
            )

    def money(self, contract, actor, sign_on) -> None:
        """Milestones reached, royalty reports each half-year, payments — most on time, some
        late, a few still owed."""
        rng = self.rng
        terms = list(PaymentTerm.objects.filter(contract=contract))
        for term in terms:
            if term.kind == TermKind.MILESTONE:
                reached = sign_on + dt.timedelta(days=rng.randint(120, 400))
                if reached <= self.today and rng.random() < 0.75:
                    self.at(reached)
                    services.payment_term_reach(actor=actor, term=term, reached_on=reached)
                    self.pay(contract, actor, term, reached, term.amount)
            elif term.kind == TermKind.INSTALMENT:
                self.pay(contract, actor, term, term.due_on, term.amount)
            else:
                self.royalties(contract, actor, term, sign_on)

    def pay(self, contract, actor, term, due: dt.date, amount) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.12:
            return  # still owed (overdue once its date is past)
        day = due + dt.timedelta(days=rng.randint(-10, 25) if roll > 0.25 else rng.randint(30, 120))
        if day > self.today:
            return
        self.at(day)
        services.payment_record(
            actor=actor,
            contract=contract,
            term=term,
            received_on=day,
            amount=amount,
            reference=f"HX{day:%Y%m%d}{rng.randint(1000, 9999)}",
        )
        self.counts["payments"] += 1

    def royalties(self, contract, actor, term, sign_on) -> None:
        rng = self.rng
        start = sign_on
        base = D(str(rng.randint(80, 2500))) * 10000  # half-year sales in yuan
        while True:
            end = _add_months(start, 6) - dt.timedelta(days=1)
            reported = end + dt.timedelta(days=rng.randint(10, 30))
            if reported > self.today:
                break
            self.at(reported)
            sales = (base * D(str(rng.uniform(0.7, 1.5)))).quantize(D("0.01"))
            report = services.royalty_report_record(
                actor=actor,
                contract=contract,
                term=term,
                period_start=start,
                period_end=end,
                sales=sales,
                due_on=reported + dt.timedelta(days=30),
                reported_on=reported,
            )
            self.counts["royalty_reports"] += 1
            self.pay(contract, actor, term, report.due_on, report.royalty)
            start = end + dt.timedelta(days=1)
            base = (base * D("1.08")).quantize(D("0.01"))


def build_deals(rng: random.Random, now: dt.datetime, size: str = "small") -> dict:
    builder = _Builder(rng, now, size)
    total = SIZES.get(size, SIZES["small"])
    schools = [i for i in Institution.objects.filter(slug__in=(HOME, *OTHERS)).order_by("pk")]
    home = next((i for i in schools if i.slug == HOME), None)
    if home is None or not builder.enterprises:
        return {"contracts": 0}
    people = {i.pk: _staff(i) for i in schools}
    results = {
        i.pk: list(Result.objects.filter(institution=i).exclude(status="merged").order_by("pk"))
        for i in schools
    }
    others = [i for i in schools if i.slug != HOME and people.get(i.pk)]
    with builder.clock.running():
        # the home university's match cases that ended in a deal become its contracts
        cases = MatchCase.objects.filter(institution=home, stage=CaseStage.DEAL).select_related(
            "listing__result", "enterprise"
        )
        for case in cases:
            if case.listing.result_id is None:
                continue
            kind = rng.choice(["licence", "licence", "transfer"])
            builder.contract(home, people[home.pk], results[home.pk], kind=kind, case=case)
        at_home = int(total * HOME_SHARE.get(size, 0.5))
        while builder.counts["contracts"] < total:
            institution = (
                home if builder.counts["contracts"] < at_home or not others else rng.choice(others)
            )
            actor = people.get(institution.pk)
            if actor is None:
                institution, actor = home, people[home.pk]
            builder.contract(institution, actor, results[institution.pk])
        _demo_licensee(builder, home, people[home.pk], results[home.pk])
    counts = dict(builder.counts)
    counts["contracts_signed"] = Contract.objects.filter(
        status__in=(ContractStatus.SIGNED, ContractStatus.COMPLETED)
    ).count()
    return counts


def _demo_licensee(builder: _Builder, home: Institution, actor, results) -> None:
    """The demo enterprise holds a non-exclusive licence with a running royalty of the home
    university and reports its half-year sales itself (`/deals/royalty-reports/`)."""
    from datong.deals.selectors import licensee_contracts

    member = (
        Membership.objects.filter(user__username="enterprise", role=Role.ENTERPRISE_USER)
        .select_related("user", "institution")
        .first()
    )
    if member is None or not results or licensee_contracts(actor=member.user).exists():
        return
    rng, enterprise = builder.rng, member.institution
    result = results[len(results) // 3]
    prepared = _add_months(builder.today, -20)
    builder.at(prepared)
    contract = services.contract_create(
        actor=actor,
        institution=home,
        data={
            "number": builder.number(home, "licence", prepared.year),
            "title": f"“{result.title[:60]}”{SUFFIX['licence']}",
            "contract_type": "licence",
            "pricing_method": "listed",
            "exclusivity": "non_exclusive",
            "amount": D("300000.00"),
            "manager": _manager(home),
            "note": "挂牌交易，普通许可，入门费加销售提成。",
        },
        parties=[{**builder.party(enterprise), "is_sme": True}],
        results=[result],
    )
    builder.counts["contracts"] += 1
    sign_on = prepared + dt.timedelta(days=20)
    ends_on = _add_months(sign_on, 60)
    builder.grants(contract, actor, result, sign_on, ends_on, "non_exclusive")
    services.payment_term_add(
        actor=actor,
        contract=contract,
        data={
            "kind": "instalment",
            "label": "入门费",
            "amount": D("300000.00"),
            "due_on": sign_on + dt.timedelta(days=30),
        },
    )
    term = services.payment_term_add(
        actor=actor,
        contract=contract,
        data={"kind": "royalty", "label": "销售提成", "royalty_rate": D("3")},
    )
    builder.at(sign_on)
    services.contract_sign(actor=actor, contract=contract, signed_on=sign_on)
    first = contract.terms.get(kind=TermKind.INSTALMENT)
    builder.at(sign_on + dt.timedelta(days=25))
    services.payment_record(
        actor=actor,
        contract=contract,
        term=first,
        received_on=sign_on + dt.timedelta(days=25),
        amount=D("300000.00"),
        reference=f"HX{sign_on:%Y%m%d}0001",
    )
    builder.counts["payments"] += 1
    start = sign_on
    while True:  # the licensee's own half-year reports, each paid by its due date
        end = _add_months(start, 6) - dt.timedelta(days=1)
        reported = end + dt.timedelta(days=rng.randint(5, 15))
        if reported > builder.today:
            break
        builder.at(reported)
        report = services.royalty_report_record(
            actor=member.user,
            contract=contract,
            term=term,
            period_start=start,
            period_end=end,
            sales=D(rng.randint(180, 420)) * 10000,
            due_on=end + dt.timedelta(days=30),
            reported_on=reported,
        )
        builder.counts["royalty_reports"] += 1
        paid = min(report.due_on - dt.timedelta(days=rng.randint(0, 8)), builder.today)
        builder.at(paid)
        services.payment_record(
            actor=actor,
            contract=contract,
            term=term,
            received_on=paid,
            amount=report.royalty,
            reference=f"HX{paid:%Y%m%d}{rng.randint(1000, 9999)}",
        )
        builder.counts["payments"] += 1
        start = end + dt.timedelta(days=1)
