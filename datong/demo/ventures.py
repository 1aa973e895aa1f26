"""Demo spin-off companies of the home university (``jbit``) and some other demo universities:
companies across every state of the machine, founders on leave, dated shareholdings, boards,
financing rounds (天使轮, A轮 …), one company listed on the STAR Market, and equity investments
(作价投资) stopped at every step, appraised by evaluators of the provider directory.

Everything goes through the services, run “as on” the day each step happened (see
:class:`datong.demo.poc.Clock`), so the audit log, the timelines of the results and the dates
read as history. All companies and people are invented.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from datong.core.roles import Role
from datong.institutions.models import Institution, Membership
from datong.providers.models import ProviderProfile
from datong.results.models import Classification, Result, Scheme
from datong.ventures import services
from datong.ventures.models import Company, EquityInvestment

from .poc import Clock

D = Decimal
HOME = "jbit"
#: (slug, number of companies in the small demo, in the large one)
UNIVERSITIES = (
    (HOME, 8, 30),
    ("ysaa", 2, 10),
    ("jhdx", 1, 10),
    ("jnmu", 1, 8),
    ("jxupt", 0, 8),
    ("bcuct", 0, 7),
    ("cbust", 0, 7),
)
#: Brand syllables taken from each university's name (invented companies).
BRANDS = {
    HOME: ("京理", "京北", "北理"),
    "ysaa": ("燕航", "燕翔"),
    "jhdx": ("京华", "华清"),
    "jnmu": ("京南", "南医"),
    "jxupt": ("京西", "西邮"),
    "bcuct": ("北辰", "辰化"),
    "cbust": ("潮白", "潮科"),
}
#: (city, province code, weight): where the companies land.
CITIES = (
    ("北京", "110000", 10),
    ("南通", "320000", 3),
    ("苏州", "320000", 3),
    ("深圳", "440000", 3),
    ("合肥", "340000", 2),
    ("杭州", "330000", 2),
    ("成都", "510000", 1),
    ("西安", "610000", 1),
    ("武汉", "420000", 1),
    ("青岛", "370000", 1),
    ("天津", "120000", 1),
)
#: (word in the name, GB/T 4754-2017 division, business)
FIELDS = (
    ("智感", "39", "智能传感器与边缘计算模组的研发、生产和销售。"),
    ("芯测", "39", "集成电路测试设备与测试方案。"),
    ("储能", "38", "固态电池材料与储能系统集成。"),
    ("精密", "40", "精密测量仪器与在线检测系统。"),
    ("光电", "39", "激光与光电探测器件。"),
    ("医工", "35", "医疗器械（影像与康复设备）的研发与注册。"),
    ("数智", "65", "工业软件与数据智能平台。"),
    ("航控", "37", "无人机飞控与航空电子系统。"),
    ("新材", "30", "高性能复合材料与特种涂层。"),
    ("生物", "27", "生物医药原料与检测试剂。"),
    ("环科", "77", "水处理与环境监测技术服务。"),
    ("机器人", "34", "协作机器人与智能装备。"),
)
ROUNDS = (
    # name, amount range (yuan), investor stake range (%)
    ("天使轮", (3_000_000, 8_000_000), (8, 12)),
    ("Pre-A轮", (8_000_000, 20_000_000), (6, 10)),
    ("A轮", (20_000_000, 60_000_000), (8, 14)),
    ("B轮", (60_000_000, 200_000_000), (6, 10)),
    ("C轮", (150_000_000, 400_000_000), (5, 8)),
)
INVESTOR_NAMES = (
    "中关村{x}创业投资基金",
    "{x}科创天使投资合伙企业（有限合伙）",
    "{x}产业投资基金",
    "{x}硬科技股权投资合伙企业（有限合伙）",
)
INVESTOR_BRANDS = ("启明星", "红杉林", "北极光", "深创远", "元禾辰", "国科融", "中芯聚", "燕园创")
REFUSALS = (
    "校长办公会审议认为商业计划不成熟，建议先开展概念验证。",
    "团队负责人尚在重大科研项目期内，暂缓离岗创业。",
    "拟入股资产权属存在争议，待确权后再议。",
)
APPROVAL_BODIES = ("科技成果转化领导小组", "校长办公会", "党委常委会")


def _weighted(rng: random.Random, pairs):
    total = sum(w for *_x, w in pairs)
    pick = rng.uniform(0, total)
    for item in pairs:
        pick -= item[-1]
        if pick <= 0:
            return item
    return pairs[-1]


class _Builder:
    def __init__(self, rng: random.Random, now: dt.datetime, size: str) -> None:
        self.rng = rng
        self.size = size
        self.today = min(max(now.date(), timezone.localdate()), timezone.localdate())
        self.clock = Clock()
        self.names: set[str] = set(Company.objects.values_list("name", flat=True))
        self.evaluators = [
            p.institution
            for p in ProviderProfile.objects.select_related("institution").order_by("pk")
            if "evaluator" in (p.categories or [])
        ]
        self.incubators = [
            p.institution
            for p in ProviderProfile.objects.select_related("institution").order_by("pk")
            if "incubator" in (p.categories or [])
        ]
        self.industries = {c.code: c for c in Classification.objects.filter(scheme=Scheme.INDUSTRY)}
        self.counts = {"companies": 0, "investments": 0, "rounds": 0, "listed": 0}
        self.star_done = False

    # --- helpers -----------------------------------------------------------------------------

    def on(self, day: dt.date) -> dt.date:
        day = min(day, self.today)
        self.clock.on(day)
        return day

    def office(self, institution: Institution):
        membership = (
            Membership.objects.filter(institution=institution, role=Role.TTO_STAFF)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        return membership.user if membership else None

    def company_name(self, slug: str, city: str, word: str) -> str:
        for _attempt in range(20):
            brand = self.rng.choice(BRANDS.get(slug, ("京", "华")))
            name = f"{city}{brand}{word}科技有限公司"
            if name not in self.names:
                self.names.add(name)
                return name
            word = word + self.rng.choice(("智能", "创新", "未来", "精工"))
        raise RuntimeError("no free company name")

    def investor(self) -> str:
        return self.rng.choice(INVESTOR_NAMES).format(x=self.rng.choice(INVESTOR_BRANDS))

    # --- one company -----------------------------------------------------------------------------

    def build(self, university: Institution, result: Result, fate: str, equity: str) -> None:
        rng = self.rng
        actor = self.office(university)
        city, region, _w = _weighted(rng, CITIES)
        word, division, business = rng.choice(FIELDS)
        approved = self.today - dt.timedelta(days=rng.randint(200, 2600))
        if fate == "preparing" or equity in ("appraisal", "approval", "filing", "registration"):
            approved = self.today - dt.timedelta(days=rng.randint(60, 220))
        capital = D(rng.choice((1, 2, 3, 5, 10))) * D("1000000")
        incubator = rng.choice(self.incubators) if self.incubators and rng.random() < 0.6 else None
        self.on(approved)
        company = services.company_create(
            actor=actor,
            institution=university,
            data={
                "name": self.company_name(university.slug, city, word),
                "region": region,
                "city": city,
                "incubator": incubator,
                "industry": division if division in self.industries else None,
                "registered_capital": capital,
                "approved_on": approved,
                "description": business,
            },
            results=[result],
        )
        self.counts["companies"] += 1
        inventors = list(result.inventors.all()[:3])
        founders = [i.name for i in inventors] or ["王振宇"]
        for index, name in enumerate(founders):
            on_leave = index == 0 and rng.random() < 0.55
            leave_from = approved + dt.timedelta(days=rng.randint(5, 40))
            services.founder_add(
                actor=actor,
                company=company,
                data={
                    "name": name,
                    "user": inventors[index].user if index < len(inventors) else None,
                    "role": ("董事长兼总经理", "首席技术官", "副总经理")[index],
                    "on_leave": on_leave and leave_from <= self.today,
                    "leave_from": leave_from if on_leave and leave_from <= self.today else None,
                    "leave_until": leave_from + dt.timedelta(days=3 * 365)
                    if on_leave and rng.random() < 0.7
                    else None,
                },
            )
        if fate == "refused":
            if equity == "abandoned":
                inv = services.equity_investment_create(actor=actor, company=company)
                self.on(approved + dt.timedelta(days=20))
                services.equity_abandon(actor=actor, investment=inv, reason=rng.choice(REFUSALS))
                self.counts["investments"] += 1
            self.on(approved + dt.timedelta(days=rng.randint(25, 60)))
            services.company_state_change(
                actor=actor, company=company, state="refused", reason=rng.choice(REFUSALS)
            )
            return
        # equity investment or a plain incorporation
        incorporated = approved + dt.timedelta(days=rng.randint(60, 120))
        shares_total = team = D("0")
        if equity:
            shares_total, team = self.equity(actor, company, approved, equity)
            if equity != "done":
                return  # still in preparation, the investment under way
            incorporated = company.investments.get().registered_on
        elif fate == "preparing":
            return
        else:
            self.on(incorporated)
            services.company_state_change(
                actor=actor, company=company, state="active", on=incorporated
            )
        company.refresh_from_db()
        # the rounds to come decide how much room the founders leave to investors
        rounds = []
        day = incorporated
        max_rounds = {"active": 4, "dormant": 1, "dissolved": 1}.get(fate, 2)
        for name, amounts, stakes in ROUNDS[: rng.randint(0, max_rounds)]:
            day = day + dt.timedelta(days=rng.randint(240, 480))
            if day >= self.today - dt.timedelta(days=20):
                break
            rounds.append((name, day, rng.randint(*amounts), D(rng.randint(*stakes))))
        reserve = sum((stake for *_x, stake in rounds), D("0"))
        pool = D(rng.choice((0, 5, 8, 10)))
        founders_cash = D("100") - shares_total - reserve - pool
        names = founders[:2]
        split = [D("0.7"), D("0.3")] if len(names) == 2 else [D("1")]
        self.on(incorporated)
        for name, part in zip(names, split, strict=False):
            services.shareholding_set(
                actor=actor,
                company=company,
                holder_kind="team",
                holder_name=name,
                percentage=(founders_cash * part).quantize(D("0.0001")),
                capital=(capital * founders_cash * part / 100).quantize(D("0.01")),
                contribution="cash",
                since=incorporated,
            )
        if pool:
            services.shareholding_set(
                actor=actor,
                company=company,
                holder_kind="other",
                holder_name=f"{city}{word}企业管理中心（有限合伙）（员工持股平台）",
                percentage=pool,
                capital=(capital * pool / 100).quantize(D("0.01")),
                contribution="cash",
                since=incorporated,
            )
        services.board_seat_add(
            actor=actor,
            company=company,
            data={"name": founders[0], "role": "董事长", "since": incorporated},
        )
        if shares_total:
            services.board_seat_add(
                actor=actor,
                company=company,
                data={
                    "name": actor.get_full_name() if actor else "学校委派董事",
                    "role": "董事",
                    "nominated_by": company.institution.name,
                    "for_institution": True,
                    "since": incorporated,
                },
            )
        for name, closed_on, amount, stake in rounds:
            self.on(closed_on)
            investor = self.investor()
            post_money = (D(amount) * 100 / stake).quantize(D("1"))
            services.round_add(
                actor=actor,
                company=company,
                data={
                    "name": name,
                    "closed_on": closed_on,
                    "amount": D(amount),
                    "post_money": post_money,
                    "investors": investor,
                },
            )
            services.shareholding_set(
                actor=actor,
                company=company,
                holder_kind="investor",
                holder_name=investor,
                percentage=stake,
                capital=(capital * stake / 100).quantize(D("0.01")),
                contribution="cash",
                since=closed_on,
            )
            if name == "A轮":
                services.board_seat_add(
                    actor=actor,
                    company=company,
                    data={
                        "name": "周启航",
                        "role": "董事",
                        "nominated_by": investor,
                        "since": closed_on,
                    },
                )
            self.counts["rounds"] += 1
        last = rounds[-1][1] if rounds else incorporated
        if fate == "active" and len(rounds) >= 3 and not self.star_done and university.slug == HOME:
            listed = min(last + dt.timedelta(days=rng.randint(200, 400)), self.today)
            self.on(listed)
            services.company_update(
                actor=actor,
                company=company,
                data={
                    "listing_status": "star",
                    "stock_code": f"688{rng.randint(100, 999)}",
                    "listed_on": listed,
                    "credit_code": self.credit_code(region),
                },
            )
            self.star_done = True
            self.counts["listed"] += 1
        elif fate == "active" and len(rounds) >= 2 and self.size == "large" and rng.random() < 0.3:
            listed = min(last + dt.timedelta(days=rng.randint(120, 300)), self.today)
            self.on(listed)
            services.company_update(
                actor=actor,
                company=company,
                data={
                    "listing_status": "neeq",
                    "stock_code": f"87{rng.randint(1000, 9999)}",
                    "listed_on": listed,
                },
            )
            self.counts["listed"] += 1
        if fate in ("dormant", "dissolved"):
            quiet = min(last + dt.timedelta(days=rng.randint(200, 500)), self.today)
            self.on(quiet)
            services.company_state_change(actor=actor, company=company, state="dormant")
            if fate == "dissolved":
                end = min(quiet + dt.timedelta(days=rng.randint(120, 400)), self.today)
                self.on(end)
                if shares_total:
                    services.shareholding_set(
                        actor=actor,
                        company=company,
                        holder_kind="institution",
                        holder_name=company.institution.name,
                        percentage=0,
                        contribution="in_kind",
                        since=end,
                    )
                services.company_state_change(
                    actor=actor, company=company, state="dissolved", on=end
                )

    def credit_code(self, region: str) -> str:
        from datong.institutions.credit_code import ALPHABET, check_character

        body = "91" + region + "".join(self.rng.choice(ALPHABET[:10]) for _ in range(9))
        return body + check_character(body)

    def equity(self, actor, company: Company, approved: dt.date, stop: str):
        """An equity investment taken to the step ``stop`` (done: shares held)."""
        rng = self.rng
        inv = services.equity_investment_create(
            actor=actor,
            company=company,
            note="以“" + "、".join(r.title for r in company.results.all()) + "”作价入股。",
        )
        self.counts["investments"] += 1
        if stop == "appraisal" or not self.evaluators:
            return D("0"), D("0")
        day = self.on(approved + dt.timedelta(days=rng.randint(15, 30)))
        evaluator = rng.choice(self.evaluators)
        value = D(rng.randint(8, 120)) * D("100000")
        number = rng.randint(10, 199)
        inv = services.equity_appraisal_record(
            actor=actor,
            investment=inv,
            evaluator=evaluator,
            appraised_value=value,
            report_number=f"{evaluator.name[2:4]}评报字〔{day.year}〕第{number:03d}号",
            appraised_on=day,
        )
        bodies = APPROVAL_BODIES[: rng.randint(2, 3)]
        for index, body in enumerate(bodies):
            day = self.on(day + dt.timedelta(days=rng.randint(5, 12)))
            last = index == len(bodies) - 1
            inv = services.equity_approval_record(
                actor=actor,
                investment=inv,
                body=body,
                decision="pending" if stop == "approval" and last else "approved",
                on=day,
                reference=f"{body}纪要〔{day.year}〕{rng.randint(3, 40)}号",
            )
        if stop == "approval":
            return D("0"), D("0")
        inv = services.equity_approvals_complete(actor=actor, investment=inv)
        if stop == "filing":
            return D("0"), D("0")  # waiting for the state-asset filing
        day = self.on(day + dt.timedelta(days=rng.randint(10, 25)))
        inv = services.equity_filing_record(
            actor=actor,
            investment=inv,
            filing_number=f"教资备〔{day.year}〕{rng.randint(10, 99)}号",
            filed_on=day,
        )
        if stop == "registration":
            return D("0"), D("0")  # waiting for the registration
        day = self.on(day + dt.timedelta(days=rng.randint(15, 40)))
        inv = services.equity_registration_record(actor=actor, investment=inv, registered_on=day)
        total = D(rng.choice((20, 25, 30, 35, 40)))
        floor, _rule = services.team_floor(company.institution, day)
        share = max(floor, D(rng.choice((60, 70, 70, 80))))
        team = (total * share / 100).quantize(D("0.0001"))
        inventor = company.founders.first()
        self.on(day)
        services.equity_complete(
            actor=actor,
            investment=inv,
            shares_total=total,
            team_percentage=team,
            team_holder_name=f"{inventor.name}等成果完成人（奖励股权）" if inventor else "",
        )
        return total, team

    # --- the plan --------------------------------------------------------------------------------

    def plan(self, count: int) -> list[tuple[str, str]]:
        """(fate, equity step or "") for ``count`` companies, every state and step present."""
        fixed = [
            ("active", "done"),
            ("active", "done"),
            ("active", ""),
            ("preparing", "approval"),
            ("preparing", "filing"),
            ("refused", "abandoned"),
            ("dormant", "done"),
            ("dissolved", ""),
            ("preparing", "appraisal"),
            ("preparing", "registration"),
            ("active", "done"),
            ("preparing", ""),
        ]
        fates = [
            ("active", "done", 30),
            ("active", "", 25),
            ("preparing", "", 6),
            ("preparing", "appraisal", 3),
            ("preparing", "approval", 3),
            ("preparing", "filing", 3),
            ("preparing", "registration", 2),
            ("refused", "", 6),
            ("dormant", "", 6),
            ("dormant", "done", 4),
            ("dissolved", "", 6),
            ("dissolved", "done", 3),
        ]
        plan = fixed[:count]
        while len(plan) < count:
            fate, step, _w = _weighted(self.rng, fates)
            plan.append((fate, step))
        return plan


def build_ventures(rng: random.Random, now: dt.datetime, size: str = "small") -> dict:
    """The demo's companies and equity investments (≈12 in the small demo, ≈80 in the large)."""
    builder = _Builder(rng, now, size)
    large = size == "large"
    with builder.clock.running():
        for slug, small_count, large_count in UNIVERSITIES:
            count = large_count if large else small_count
            university = Institution.objects.filter(slug=slug).first()
            if not count or university is None or builder.office(university) is None:
                continue
            results = list(
                Result.objects.filter(institution=university, companies__isnull=True)
                .prefetch_related("inventors")
                .order_by("pk")
            )
            rng.shuffle(results)
            plan = (
                builder.plan(count)
                if slug == HOME
                else [(fate, step) for fate, step in builder.plan(count + 12)[12:]]
                or builder.plan(count)
            )
            for (fate, step), result in zip(plan, results, strict=False):
                builder.build(university, result, fate, step)
    return {
        "companies": builder.counts["companies"],
        "equity_investments": EquityInvestment.objects.count(),
        "financing_rounds": builder.counts["rounds"],
        "companies_listed": builder.counts["listed"],
    }
