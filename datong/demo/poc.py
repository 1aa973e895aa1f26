"""Demo programmes (概念验证): the regional fund of the source document and the home university's
own proof-of-concept programme, from their set-up to the outcomes of their projects.

* “一基金两基地”概念验证专项基金（南通） — the SJTU–Nantong model of the source document, with the
  demo's home university in the university's place: a district of Nantong puts ¥30,000,000 into
  a fund the university runs; each project receives up to ¥1,500,000 for early R&D and
  ¥1,000,000 for pre-incubation; two calls award 11 projects (¥20,000,000 in all) and 3 of them
  land in the partner park in Nantong. The figures follow the source document; the university,
  the people and the projects are invented.
* 京北理工大学概念验证计划 — the home university's own 0→1 programme in the manner of the source
  document's Beihang process (strict screening and coaching, funding, verification conditions,
  an academic route beside a market route), with a decided call and a call open now, so that the
  demo researcher can apply.

Everything goes through the services, run “as on” the day each step happened: :class:`Clock`
makes ``timezone.now()`` answer that day, so the services' own checks (a call is open, an
expense is not in the future…), the timelines, the numbers (``…-2025-003``) and the audit log
all read as history. Dates count back from the later of the demo's ``now`` and the present, so
the open call is open whenever the demo is loaded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from unittest import mock

from django.db.models import prefetch_related_objects
from django.utils import timezone

from datong.accounts.models import User
from datong.core.models import AuditEntry
from datong.core.roles import Role
from datong.institutions.models import Alliance, Institution, Membership
from datong.poc import applications as poc_applications
from datong.poc import services as poc_services
from datong.poc import workflow
from datong.poc.models import Application, Call, CallStatus, FundingLine, Programme
from datong.poc.models import ApplicationStatus as S
from datong.poc.projects import selectors as project_selectors
from datong.poc.projects import services as projects
from datong.poc.projects.models import Project, VerificationResource
from datong.results.models import Result, ResultStatus

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
#: The demo alliance started using Datong in January 2024 (see the loader's history).
PLATFORM_START = dt.date(2024, 1, 8)
D = Decimal
CENT = D("0.01")
HOME = "jbit"
ALLIANCE_SLUG = "jinghua-alliance"
#: Universities whose researchers may apply to the Nantong fund (the home university runs it).
NANTONG_SCHOOLS = ("jbit", "jnmu", "ysaa", "jhdx")
NANTONG_BASE = "南通中央创新区智能医疗器械产业化基地"
JIANGSU = "320000"
BEIJING = "110000"
#: Applications that end neither awarded nor in a project, added per call in the large demo.
LARGE_EXTRA = 6


class Clock:
    """Runs the services as on a past day: ``timezone.now()`` (and the audit log's default time)
    answers that day's office hours, a few seconds later at every call."""

    def __init__(self) -> None:
        self.moment = timezone.now()

    def now(self) -> dt.datetime:
        self.moment += dt.timedelta(seconds=7)
        return self.moment

    def on(self, day: dt.date, hour: int = 9) -> None:
        """Go to ``day`` (a later time of the same day when already there). Days before the
        platform's start are entered on its first working day: older contracts, companies and
        policies are recorded with their own dates, but the audit log starts with the platform."""
        day = max(day, PLATFORM_START)
        if timezone.localtime(self.moment, TZ).date() != day:
            self.moment = dt.datetime.combine(day, dt.time(hour, 5), tzinfo=TZ)

    @contextlib.contextmanager
    def running(self):
        audit_time = AuditEntry._meta.get_field("at")
        with (
            mock.patch.object(timezone, "now", self.now),
            mock.patch.object(audit_time, "_get_default", self.now),
        ):
            yield


# --- what the demo says --------------------------------------------------------------------

NANTONG_DESCRIPTION = (
    "“一基金两基地”：南通市崇川区出资设立专项创新与孵化基金（3000万元），分批投入学校，为入选项目"
    "的教授团队提供每项150万元早期研发经费和100万元预孵化资金。研发在学校的“医学仪器与智慧诊疗”"
    "创新转化基地完成；享受基金支持的产业化项目，引导到南通中央创新区的智能医疗器械产业化基地落地。"
    "\n演示数据：基金规模、资助额度、两批立项11项、3项落地园区等数字取自上海交通大学与南通市合作的"
    "公开报道；学校、人员和项目均为虚构。"
)
HOME_DESCRIPTION = (
    "学校概念验证计划面向处于“从0到1”阶段的科技成果：通过对技术的严格筛选和辅导，辅以资金支持和"
    "验证条件匹配，合理安排科研人员的学术发展路线与成果的市场应用路线，力图形成一批技术路线稳定、"
    "专利布局合理、商业模式清晰的创新创业项目。每个项目配备技术经理人全程辅导。"
)
NANTONG_GUIDELINES = (
    "一、支持方向：智能医疗器械、医学仪器与智慧诊疗及相关的先进制造、新一代信息技术成果。\n"
    "二、资助方式：早期研发每项不超过150万元，预孵化每项不超过100万元，按里程碑分期拨付。\n"
    "三、申报要求：负责人为合作高校在职教师；成果权属清晰；须同时提交学术路线和市场路线，"
    "预孵化项目须承诺在南通中央创新区落地转化。\n"
    "四、评审程序：形式审查 → 专家评审 → 答辩 → 公示7天 → 立项并签订资助协议。"
)
HOME_GUIDELINES = (
    "一、支持对象：本校在职教师为第一完成人、处于原理验证至样机阶段（TRL 2–5）的科技成果。\n"
    "二、资助额度：概念验证经费每项不超过50万元，市场验证经费每项不超过20万元。\n"
    "三、遴选方式：形式审查、盲评与路演答辩相结合；立项项目配备技术经理人开展全程辅导，"
    "并由学校协调测试、中试和临床等验证条件。"
)

SUMMARIES = (
    "围绕“{title}”开展概念验证：在实验室原理样机的基础上完成关键指标验证和工程样机研制，通过第三方"
    "检测，明确产品定义和目标用户，为产业化落地做好准备。",
    "以“{title}”为核心技术，针对应用场景中的性能、可靠性和成本痛点，验证技术在真实条件下的表现，"
    "形成可许可或作价入股的技术包。",
    "项目将“{title}”从原理验证推进到工程样机，补齐工艺、检测和用户验证环节，评估规模化生产的"
    "可行性与成本。",
)
ACADEMIC_ROUTES = (
    "完善理论模型与关键工艺参数，发表高水平论文2–3篇，申请发明专利2项、PCT 1项；培养博士研究生"
    "2名，形成稳定的技术路线。",
    "开展机理研究与多轮迭代实验，建立性能评价方法和标准草案，围绕核心部件完善专利布局。",
    "以国家自然科学基金在研项目为依托，继续开展基础研究；概念验证阶段的数据用于形成行业标准提案。",
)
NANTONG_MARKET_ROUTES = (
    "与南通本地医疗器械企业联合验证，完成注册检验和小批量试制；以专利许可加作价入股的方式在南通"
    "中央创新区设立项目公司，实现产业化。",
    "面向三甲医院和第三方检测机构开展用户试用，形成“设备销售 + 耗材与服务”的商业模式；预孵化期内"
    "完成天使轮融资并入驻南通产业化基地。",
    "先以技术许可进入头部企业供应链，再视市场反馈决定是否成立公司；产业化选址优先南通中央创新区。",
)
HOME_MARKET_ROUTES = (
    "在技术经理人辅导下完成市场调研和商业计划，与行业企业签订联合开发或许可意向，择机成立科技型企业。",
    "以学校技术转移中心为窗口对接3–5家潜在受让企业，优先以普通许可方式转化，保留后续改进技术的权益。",
)
NEEDS = {
    "testing": "需要具备 CMA/CNAS 资质的第三方机构完成性能、电磁兼容与安全检测",
    "pilot_line": "需要中试线完成50–100台套小批量试制与工艺验证",
    "clinical_site": "需要具备医疗器械临床试验资质的医院开展临床评价",
    "prototype": "需要精密加工与快速成型条件制作工程样机",
    "computing": "需要 GPU 算力完成模型训练与大样本验证",
    "field_trial": "需要在企业生产现场开展三个月现场试用",
}
STUDENTS = ("陈思远", "王雨桐", "刘子涵", "赵一鸣", "孙若溪", "周子墨", "吴嘉怡", "郑浩然")
ADVISERS = (
    ("钱立群", "南通瑞康医疗器械有限公司"),
    ("冯志刚", "江苏康曜医疗科技有限公司"),
    ("何佳", "北京精诚投资管理有限公司"),
    ("许文博", "苏州恒信检测技术有限公司"),
)
COACHING = (
    (
        "知识产权布局与自由实施分析",
        "在工程样机定型前完成核心结构和算法的发明专利申请，补充外观设计；关注国外同类产品的专利壁垒。",
        "两周内提交两份技术交底书，约专利代理师讨论权利要求。",
    ),
    (
        "产品定义与目标客户",
        "先聚焦一个科室、一个适应症，避免功能堆砌；与临床专家共同确定关键性能指标。",
        "访谈3家医院的科室主任，整理需求清单。",
    ),
    (
        "注册路径与质量体系",
        "尽早确定产品分类和注册路径，按 YY/T 0287 建立设计开发文档，避免后期返工。",
        "联系产业化基地的第三方注册服务平台，预约注册咨询。",
    ),
    (
        "商业模式与融资准备",
        "以“设备 + 耗材”测算单位经济模型；融资材料突出临床价值和注册进度。",
        "完成商业计划书初稿，参加基地组织的路演。",
    ),
)
PAYEES = {
    "equipment": ("北京精仪科技有限公司", "设备购置"),
    "materials": ("国药集团化学试剂北京有限公司", "实验材料与元器件"),
    "testing": ("江苏省医疗器械检验检测中心（南通）", "第三方检测与注册检验"),
    "personnel": ("项目聘用人员劳务费", "项目聘用人员劳务"),
    "experts": ("外聘专家咨询费", "工艺与临床专家咨询"),
    "market": ("南通瑞康医疗咨询有限公司", "市场调研与用户访谈"),
    "ip": ("北京新禾专利代理事务所（普通合伙）", "专利申请与代理"),
    "travel": ("差旅费报销", "赴南通产业化基地与合作医院调研"),
}
#: How a line's money is spent, in order: cost type → share of the line.
SPENDING = {
    "early-rd": (
        ("equipment", D("0.34")),
        ("materials", D("0.24")),
        ("testing", D("0.18")),
        ("personnel", D("0.16")),
        ("experts", D("0.03")),
    ),
    "pre-incubation": (
        ("testing", D("0.32")),
        ("market", D("0.25")),
        ("ip", D("0.14")),
        ("personnel", D("0.15")),
        ("travel", D("0.04")),
    ),
    "poc": (
        ("materials", D("0.32")),
        ("equipment", D("0.26")),
        ("testing", D("0.2")),
        ("personnel", D("0.15")),
    ),
    "market": (("market", D("0.55")), ("ip", D("0.3")), ("travel", D("0.08"))),
    "joint-poc": (
        ("materials", D("0.35")),
        ("testing", D("0.25")),
        ("equipment", D("0.25")),
        ("personnel", D("0.1")),
    ),
}
COMPANIES = (
    "南通京理智医科技有限公司",
    "南通瑞影医疗设备有限公司",
    "南通康测智能科技有限公司",
)


@dataclass
class Plan:
    """One application of a call: its result, who applies, what it asks and how it ends."""

    result: Result
    applicant: User
    fate: str
    requests: dict[str, D]
    awarded: dict[str, D] = field(default_factory=dict)
    correction: bool = False
    project: str = ""  # how its project goes, when it is funded
    team: list[dict] = field(default_factory=list)
    application: Application | None = None


@dataclass
class CallSpec:
    name: str
    name_en: str
    opens: dt.date
    closes: dt.date
    budget: str
    guidelines: str


# --- the builder ---------------------------------------------------------------------------


class _Builder:
    def __init__(self, rng: random.Random, now: dt.datetime, size: str):
        self.rng = rng
        self.size = size
        self.today = max(timezone.localtime(now, TZ), timezone.localtime(timezone.now(), TZ)).date()
        self.clock = Clock()
        self.users = {u.username: u for u in User.objects.filter(username__in=_DEMO_USERS)}
        self.tto = self.users["tto"]
        self.home = Institution.objects.get(slug=HOME)
        #: The institution running the programme being built, and the office user acting for it.
        self.owner, self.office = self.home, self.tto
        self.counts = {"applications": 0, "projects": 0, "calls": 0}
        self.used: set[int] = set()
        self.lines: dict[int, FundingLine] = {}
        self.resources: list[VerificationResource] = []
        self.landed = 0

    def day(self, offset: int) -> dt.date:
        return self.today + dt.timedelta(days=offset)

    def at(self, day: dt.date) -> None:
        self.clock.on(min(day, self.today))

    # --- people ------------------------------------------------------------------------------

    def staff_of(self, institution_id: int) -> User:
        if institution_id == self.home.pk:
            return self.tto
        membership = (
            Membership.objects.filter(institution_id=institution_id, role=Role.TTO_STAFF)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        return membership.user

    def applicant_for(self, result: Result) -> tuple[User, list[User]]:
        """The first inventor with an account applies (the office when none has one); the other
        inventors with an account join the team."""
        people = [i.user for i in result.inventors.all() if i.user_id and i.user.is_active]
        if not people:
            return self.staff_of(result.institution_id), []
        return people[0], people[1:3]

    def mentors(self) -> list[tuple[User, str]]:
        managers = list(
            User.objects.filter(
                memberships__institution=self.home, memberships__role=Role.TECH_MANAGER
            )
            .exclude(pk=self.users["manager"].pk)
            .order_by("pk")[:3]
        )
        experts = list(
            User.objects.filter(memberships__role=Role.ENTERPRISE_USER).order_by("pk")[:2]
        )
        pairs = [(self.users["manager"], "tech_manager")]
        pairs += [(u, "tech_manager") for u in managers]
        pairs += [(u, "industry_expert") for u in experts]
        return pairs

    # --- results -----------------------------------------------------------------------------

    def results(self, slugs, sections, count: int, exclude: set[int]) -> list[Result]:
        """``count`` results of the institutions ``slugs`` classified in the industry
        ``sections``, none of ``exclude``, chosen by the seed."""
        qs = (
            Result.objects.filter(institution__slug__in=slugs, industry__isnull=False)
            .exclude(status=ResultStatus.MERGED)
            .select_related("industry__parent__parent__parent", "institution")
            .order_by("pk")
        )
        pool, titles = [], set()
        for result in qs:
            wanted = _section(result) in sections and result.pk not in exclude
            if wanted and result.title not in titles:  # the registry repeats some titles
                titles.add(result.title)
                pool.append(result)
        # Medical and health results first (the Nantong fund's field), then the others.
        preferred = [r for r in pool if any(word in r.title for word in HEALTH_WORDS)]
        others = [r for r in pool if r not in preferred]
        chosen = self.rng.sample(preferred, min(count, len(preferred)))
        chosen += self.rng.sample(others, min(count - len(chosen), len(others)))
        prefetch_related_objects(chosen, "inventors__user")
        self.rng.shuffle(chosen)
        self.used.update(r.pk for r in chosen)
        return chosen

    # --- programmes --------------------------------------------------------------------------

    def programme(self, data: dict, lines: list[dict], criteria: list[dict]) -> Programme:
        eligible = data.pop("eligible", ())
        data["eligible_institutions"] = list(Institution.objects.filter(slug__in=eligible))
        programme = poc_services.programme_create(actor=self.office, owner=self.owner, data=data)
        for line in lines:
            made = poc_services.funding_line_save(actor=self.office, programme=programme, data=line)
            self.lines[made.pk] = made
        poc_services.rubric_set(actor=self.office, programme=programme, criteria=criteria)
        return programme

    # --- applications ------------------------------------------------------------------------

    def application_data(self, programme: Programme, plan: Plan, market_routes, start) -> dict:
        result = plan.result
        rng = self.rng
        codes = list(plan.requests)
        milestones = []
        offsets = (150, 330, 480) if programme.code == NANTONG_CODE else (150, 300, 420)
        for code, amount in plan.requests.items():
            steps = MILESTONES[code]
            shares = [D("0.6"), D("0.4")] if len(steps) == 2 else [D("1")]
            parts = _split(amount, shares)
            for (title, deliverable), budget in zip(steps, parts, strict=True):
                milestones.append(
                    {"title": title, "deliverable": deliverable, "budget": budget, "code": code}
                )
        for number, row in enumerate(milestones):
            row["due_on"] = start + dt.timedelta(days=offsets[min(number, 2)])
            row["funding_line"] = row.pop("code")
        kinds = rng.sample(list(NEEDS), 2)
        leader_trl = result.trl if result.trl and 2 <= result.trl <= 5 else rng.randint(3, 4)
        return {
            "title": result.title[:200],
            "stage": "0-1" if leader_trl <= 3 or programme.code == HOME_CODE else "1-10",
            "summary": rng.choice(SUMMARIES).format(title=result.title),
            "academic_route": rng.choice(ACADEMIC_ROUTES),
            "market_route": rng.choice(market_routes),
            "trl_now": leader_trl,
            "trl_target": min(leader_trl + 3, 7),
            "requests": [{"funding_line": c, "amount": plan.requests[c]} for c in codes],
            "milestones": milestones,
            "needs": [{"kind": k, "description": NEEDS[k]} for k in kinds],
            "team": plan.team,
        }

    def team(self, applicant: User, colleagues: list[User]) -> list[dict]:
        rng = self.rng
        rows = [{"name": applicant.name, "user": applicant.pk, "role": "leader", "effort": 60}]
        rows += [
            {"name": c.name, "user": c.pk, "role": "researcher", "effort": rng.choice((20, 30))}
            for c in colleagues
        ]
        rows.append({"name": rng.choice(STUDENTS), "role": "student", "effort": 100})
        name, company = rng.choice(ADVISERS)
        rows.append({"name": name, "role": "adviser", "affiliation": company})
        return rows

    def plan(self, result: Result, fate: str, requests: dict, **extra) -> Plan:
        applicant, colleagues = self.applicant_for(result)
        plan = Plan(result=result, applicant=applicant, fate=fate, requests=requests, **extra)
        plan.team = self.team(applicant, colleagues)
        return plan

    def submit_all(self, programme, call, spec: CallSpec, plans, market_routes, start) -> None:
        """Each application drafted and submitted on its own day while the call is open."""
        window = max((spec.closes - spec.opens).days - 1, 1)
        days = sorted(spec.opens + dt.timedelta(days=self.rng.randint(1, window)) for _ in plans)
        for plan, day in zip(plans, days, strict=True):
            self.at(day)
            data = self.application_data(programme, plan, market_routes, start)
            application = poc_applications.application_create(
                actor=plan.applicant, call=call, result=plan.result, data=data
            )
            if plan.fate != "draft":
                poc_applications.application_submit(actor=plan.applicant, application=application)
            plan.application = application
            self.counts["applications"] += 1

    def open_call(self, programme: Programme, spec: CallSpec) -> Call:
        self.at(spec.opens - dt.timedelta(days=12))
        call = poc_services.call_save(
            actor=self.office,
            programme=programme,
            data={
                "name": spec.name,
                "name_en": spec.name_en,
                "opens_on": spec.opens,
                "closes_on": spec.closes,
                "review_by": spec.closes + dt.timedelta(days=45),
                "budget": spec.budget,
                "guidelines": spec.guidelines,
            },
        )
        self.at(spec.opens)
        poc_services.call_open(actor=self.office, call=call)
        self.counts["calls"] += 1
        return call

    def admit(self, call: Call, plans: list[Plan], day: dt.date) -> None:
        """The admission check; a correction asked for is made within three days."""
        office = self.office
        for plan in plans:
            if plan.fate == "draft":
                continue
            self.at(day)
            application = plan.application
            if plan.correction:
                poc_applications.application_request_correction(
                    actor=office,
                    application=application,
                    note="请补充合作企业的意向书和中试（或临床）条件的落实情况。",
                )
                if plan.fate == "correction":
                    continue
                self.at(day + dt.timedelta(days=3))
                poc_applications.application_submit(actor=plan.applicant, application=application)
                self.at(day + dt.timedelta(days=4))
            if plan.fate == "rejected_admission":
                poc_applications.application_reject(
                    actor=office,
                    application=application,
                    note="成果的知识产权权属尚不清晰（共有权人未出具同意书），不符合申报条件。",
                )
            elif plan.fate != "submitted":
                poc_applications.application_admit(actor=office, application=application)

    def withdraw(self, plans: list[Plan], day: dt.date) -> None:
        for plan in plans:
            if plan.fate == "withdrawn":
                self.at(day)
                poc_applications.application_withdraw(
                    actor=plan.applicant,
                    application=plan.application,
                    note="团队负责人工作调动，项目暂缓。",
                )

    def decide(self, call: Call, plans: list[Plan], day: dt.date, notice_days: int) -> None:
        """The committee's decision (the review module's part, recorded here as its result): the
        public notice, an objection handled, the awards, the reserve list and the rejections."""
        self.at(day)
        until = day + dt.timedelta(days=notice_days)
        for plan in plans:
            application = Application.objects.get(pk=plan.application.pk)
            plan.application = application
            if plan.fate in ("awarded", "renounced"):
                application.notice_published_on, application.objection_until = day, until
                workflow.move(
                    application,
                    S.PROVISIONAL,
                    actor=self.office,
                    note=f"评审委员会拟资助，公示{notice_days}天。",
                )
            elif plan.fate == "reserve":
                workflow.move(application, S.RESERVE, actor=self.office, note="列入候补名单。")
            elif plan.fate == "rejected":
                application.decision_note = "评审认为市场路线论证不足，与已有产品相比优势不明显。"
                workflow.move(application, S.REJECTED, actor=self.office, note="专家评审未通过。")
        noticed = [p for p in plans if p.fate in ("awarded", "renounced")]
        if noticed:
            self.objection(noticed[-1].application, day)
        self.at(until + dt.timedelta(days=1))
        for plan in noticed:
            application = plan.application
            for request in application.requests.select_related("funding_line"):
                request.awarded = plan.awarded.get(request.funding_line.code, D("0"))
                request.save(update_fields=["awarded"])
            workflow.move(application, S.AWARDED, actor=self.office, note="公示期满，正式立项。")
            if plan.fate == "renounced":
                self.at(until + dt.timedelta(days=6))
                poc_applications.application_renounce(
                    actor=plan.applicant,
                    application=application,
                    note="团队已获企业全额投资，放弃本次资助。",
                )
        Call.objects.filter(pk=call.pk).update(status=CallStatus.DECIDED)

    def objection(self, application: Application, day: dt.date) -> None:
        self.at(day + dt.timedelta(days=2))
        objection = poc_applications.objection_record(
            actor=self.office,
            application=application,
            data={
                "raised_by": "实名来信（某高校教师）",
                "received_on": day + dt.timedelta(days=2),
                "text": "反映项目的部分实验数据与申请人此前发表论文中的数据相同，质疑创新性。",
            },
        )
        self.at(day + dt.timedelta(days=4))
        poc_applications.objection_resolve(
            actor=self.office,
            objection=objection,
            resolution="经核查，论文为项目的前期基础研究，申报书已注明引用；概念验证内容为新增工作，"
            "异议不成立。",
            upheld=False,
        )

    def agreements(self, plans: list[Plan], day: dt.date, prefix: str) -> None:
        self.at(day)
        for number, plan in enumerate(p for p in plans if p.fate == "awarded"):
            poc_applications.agreement_record(
                actor=self.office,
                application=plan.application,
                number=f"{prefix}-{number + 1:03d}",
                signed_on=day,
            )

    # --- projects ----------------------------------------------------------------------------

    def start(self, plan: Plan, starts: dt.date, months: int) -> Project:
        """Start the project: 30 % of each line as an advance, the rest in milestone tranches."""
        application = plan.application = Application.objects.get(pk=plan.application.pk)
        self.at(starts)
        tranches, advances = [], {}
        awarded = {r.funding_line_id: r.awarded for r in application.requests.all() if r.awarded}
        planned = list(application.planned_milestones.all())
        for line_id, total in awarded.items():
            advance = (total * D("0.3")).quantize(D("1000"))
            on_line = [m for m in planned if m.funding_line_id == line_id]
            parts = _split(total - advance, [m.budget for m in on_line]) if on_line else []
            if not on_line:
                advance = total
            advances[line_id] = advance
            tranches += [
                {"milestone": m.pk, "funding_line": line_id, "amount": part}
                for m, part in zip(on_line, parts, strict=True)
            ]
        for m in planned:  # a milestone on a line without money (cut by the committee)
            if m.funding_line_id not in awarded:
                tranches.append({"milestone": m.pk, "funding_line": None, "amount": 0})
        project = projects.project_start(
            actor=self.office,
            application=application,
            starts_on=starts,
            ends_on=_add_months(starts, months),
            tranches=tranches,
            advances=advances,
        )
        self.counts["projects"] += 1
        return project

    def run_project(self, project: Project, plan: Plan, mentor: tuple[User, str]) -> None:
        """The project's life up to today, or to its end for a closed one."""
        story = _Story(self, project, plan)
        story.run(mentor)


class _Story:
    """One funded project told through the services, day by day."""

    def __init__(self, builder: _Builder, project: Project, plan: Plan):
        self.b = builder
        self.project = project
        self.plan = plan
        self.fate = plan.project
        self.team = plan.applicant
        self.office = builder.office
        self.released: dict[int, D] = {}
        self.spent: dict[int, D] = {}
        self.by_type: dict[tuple[int, str], D] = {}
        self.caps = self.cost_caps()
        self.awarded = {f.funding_line_id: f.awarded for f in project.funding.all()}
        for tranche in project.tranches.all():
            self.released[tranche.funding_line_id] = tranche.amount
        closing = self.fate in CLOSING
        self.horizon = project.ends_on if closing else builder.today
        if self.fate == "stopped":
            self.horizon = project.starts_on + dt.timedelta(days=230)

    def cost_caps(self) -> dict[tuple[int, str], D]:
        caps = {}
        for funding in self.project.funding.all():
            line = self.b.lines[funding.funding_line_id]
            for rule in line.cost_rules.all():
                limits = []
                if rule.cap_share is not None:
                    limits.append(funding.awarded * rule.cap_share / D("100"))
                if rule.cap_amount is not None:
                    limits.append(rule.cap_amount)
                caps[(line.pk, rule.cost_type)] = min(limits) if limits else funding.awarded
        return caps

    def at(self, day: dt.date) -> dt.date:
        self.b.at(day)
        return min(day, self.b.today)

    def run(self, mentor: tuple[User, str]) -> None:
        project, start = self.project, self.project.starts_on
        self.at(start + dt.timedelta(days=5))
        projects.project_assign_mentor(
            actor=self.office, project=project, mentor=mentor[0], kind=mentor[1]
        )
        self.book(start + dt.timedelta(days=12))
        self.spend(start + dt.timedelta(days=25), D("0.7"))
        if self.fate == "licence_company":
            self.ineligible(start + dt.timedelta(days=40))
        events = [(start + dt.timedelta(days=d), "coach", i) for i, d in enumerate((20, 200))]
        for milestone in project.milestones.order_by("due_on", "position"):
            events.append((milestone.due_on, "milestone", milestone))
        events.append((start + dt.timedelta(days=185), "report", None))
        for day, kind, item in sorted(events, key=lambda e: (e[0], e[1])):
            if day > self.horizon - dt.timedelta(days=12):
                continue
            if kind == "coach":
                self.coach(day, item)
            elif kind == "milestone":
                self.milestone(item, day)
            else:
                self.report("interim" if self.fate != "running" else "periodic", start, day)
        self.finish()

    def book(self, day: dt.date) -> None:
        need = self.plan.application.verification_needs.order_by("pk").first()
        resource = next((r for r in self.b.resources if need and r.kind == need.kind), None)
        if resource is None or day > self.b.today:
            return
        self.at(day)
        projects.booking_create(
            actor=self.office,
            project=self.project,
            resource=resource,
            need=need,
            starts_on=day + dt.timedelta(days=30),
            ends_on=day + dt.timedelta(days=90),
            note="按项目任务书的验证方案预约，费用由项目经费支付。",
        )

    def coach(self, day: dt.date, number: int) -> None:
        topics, advice, steps = COACHING[(number + self.project.pk) % len(COACHING)]
        self.at(day)
        actor = self.project.mentor or self.office
        projects.coaching_record(
            actor=actor,
            project=self.project,
            data={"held_on": day, "topics": topics, "advice": advice, "next_steps": steps},
        )

    def milestone(self, milestone, due: dt.date) -> None:
        self.at(due - dt.timedelta(days=6))
        projects.milestone_report(
            actor=self.team,
            milestone=milestone,
            evidence=f"{milestone.deliverable or milestone.title}已完成，"
            "测试报告和照片见附件清单。",
        )
        day = self.at(due - dt.timedelta(days=1))
        projects.milestone_accept(
            actor=self.office, milestone=milestone, note="经专家现场查验，符合任务书要求。"
        )
        if milestone.funding_line_id:
            line = milestone.funding_line_id
            self.released[line] = self.released.get(line, D("0")) + milestone.tranche
        self.spend(day + dt.timedelta(days=20), D("0.85"), lines=[milestone.funding_line_id])

    def spend(self, day: dt.date, share: D, rows: int = 1, lines=None) -> None:
        """Spend up to ``share`` of what is released on each line (or on ``lines``), in at most
        ``rows`` expenses per line, each on the cost type with the most room left."""
        if day > self.horizon - dt.timedelta(days=10) or day > self.b.today:
            return
        for line_id, released in self.released.items():
            if lines is not None and line_id not in lines:
                continue
            goal = (released * share).quantize(D("100")) - self.spent.get(line_id, D("0"))
            for _ in range(rows):
                cost_type, room = self.roomiest(line_id)
                amount = min(goal, room).quantize(D("100"))
                if amount < D("1000"):
                    break
                self.expense(line_id, cost_type, amount, day)
                goal -= amount

    def roomiest(self, line_id: int) -> tuple[str, D]:
        """The cost type of the line with the most room left (its plan, within its cap)."""
        best = ("", D("0"))
        for cost_type, weight in SPENDING[self.b.lines[line_id].code]:
            key = (line_id, cost_type)
            done = self.by_type.get(key, D("0"))
            planned = (self.awarded[line_id] * weight).quantize(D("100"))
            room = min(self.caps.get(key, D("0")), planned) - done
            if room > best[1]:
                best = (cost_type, room)
        return best

    def ineligible(self, day: dt.date) -> None:
        """Office supplies booked as materials: the office rejects them (to be paid back)."""
        line_id = next(i for i, line in self.b.lines.items() if line.code == "early-rd")
        if line_id not in self.released:
            return
        expense = self.expense(line_id, "materials", D("12800"), day, payee="某办公用品商店")
        self.at(day + dt.timedelta(days=20))
        projects.expense_reject(
            actor=self.office, expense=expense, reason="办公耗材不属于项目材料费，不得列支。"
        )
        self.spent[line_id] -= D("12800")

    def expense(self, line_id: int, cost_type: str, amount: D, day: dt.date, payee=""):
        default_payee, what = PAYEES[cost_type]
        self.at(day)
        expense = projects.expense_record(
            actor=self.team,
            project=self.project,
            data={
                "funding_line": line_id,
                "cost_type": cost_type,
                "spent_on": min(day, self.b.today),
                "amount": amount,
                "payee": payee or default_payee,
                "invoice_number": f"{self.b.rng.randrange(10**7, 10**8)}",
                "description": what,
            },
        )
        key = (line_id, cost_type)
        self.by_type[key] = self.by_type.get(key, D("0")) + amount
        self.spent[line_id] = self.spent.get(line_id, D("0")) + amount
        return expense

    def report(self, kind: str, start: dt.date, day: dt.date) -> None:
        self.at(day)
        report = projects.report_submit(
            actor=self.team,
            project=self.project,
            data={
                "kind": kind,
                "period_start": start,
                "period_end": day - dt.timedelta(days=5),
                "narrative": "按任务书推进：原理样机完成，关键指标达到要求；"
                "经费按预算执行，设备已到货。",
            },
        )
        self.at(day + dt.timedelta(days=8))
        projects.report_decide(actor=self.office, report=report, accept=True, note="同意。")

    def finish(self) -> None:
        fate, project = self.fate, self.project
        if fate == "stopped":
            self.at(self.horizon)
            projects.gate_record(
                actor=self.office,
                project=project,
                data={
                    "held_on": self.horizon,
                    "kind": "called",
                    "decision": "stop",
                    "reasons": "动物实验显示关键指标未达预期，短期内无法解决；经专家论证终止项目，"
                    "未使用的经费按规定退回。",
                    "trl_assessed": project.trl_before,
                },
            )
        elif fate == "extended":
            self.at(project.ends_on - dt.timedelta(days=45))
            extension = projects.extension_request(
                actor=self.team,
                project=project,
                new_end=_add_months(project.ends_on, 6),
                reason="临床评价所需的伦理审查排期推迟，需延长6个月完成注册检验。",
            )
            self.at(project.ends_on - dt.timedelta(days=38))
            projects.extension_decide(
                actor=self.office, extension=extension, approve=True, note="同意延期6个月。"
            )
        elif fate in CLOSING:
            self.close()
        elif fate == "reported":
            self.report_pending()

    def report_pending(self) -> None:
        """The team reported its next milestone; the office has not looked at it yet."""
        milestone = self.project.milestones.filter(status="planned").order_by("due_on").first()
        if milestone is None:
            return
        self.at(self.b.today - dt.timedelta(days=4))
        projects.milestone_report(
            actor=self.team,
            milestone=milestone,
            evidence="工程样机两台已完成，第三方检测进行中；先提交内部测试报告和样机照片，"
            "检测报告出具后补交。",
        )

    def close(self) -> None:
        project, end = self.project, self.project.ends_on
        self.spend(end - dt.timedelta(days=40), D("0.96"), rows=2)
        self.at(end - dt.timedelta(days=30))
        projects.gate_record(
            actor=self.office,
            project=project,
            data={
                "held_on": end - dt.timedelta(days=30),
                "kind": "stage_end",
                "decision": "continue",
                "reasons": "工程样机通过第三方检测，技术路线稳定，同意进入产业化阶段。",
                "trl_assessed": min((project.trl_before or 4) + 3, 7),
            },
        )
        self.outcome(end - dt.timedelta(days=14))
        self.report("final", project.starts_on, end - dt.timedelta(days=10))
        self.at(end)
        projects.project_complete(actor=self.office, project=project, closed_on=end)

    def outcome(self, day: dt.date) -> None:
        fate, project = self.fate, self.project
        data = {
            "technical_route": "完成工程样机定型，核心指标经第三方检测达到或优于同类进口产品；"
            "形成设计开发文档和生产工艺文件。",
            "patent_notes": "核心结构与算法已申请发明专利，外围布局实用新型与软件著作权。",
            "business_model": "设备销售 + 耗材与维保服务，首批面向二级以上医院和体检中心。",
            "trl_after": min((project.trl_before or 4) + 3, 7),
        }
        if fate in ("licence", "licence_company"):
            data["licence"] = "以普通许可方式许可企业实施相关专利，入门费加销售提成。"
            data["licence_contract"] = f"JBIT-XK-{day.year}-{project.pk:03d}"
        if fate in ("company", "licence_company"):
            data["company_name"] = COMPANIES[self.b.landed % len(COMPANIES)]
            data["company_note"] = "学校以专利作价入股，团队持股，入驻南通中央创新区产业化基地。"
            data["landing_base"] = NANTONG_BASE
            data["landing_province"] = JIANGSU
            self.b.landed += 1
        if fate == "home_company":
            data["company_name"] = "北京京理智感科技有限公司"
            data["landing_base"] = "京北理工大学科技园"
            data["landing_province"] = BEIJING
        offered = list(project_selectors.offered_ip_families(project)[:2])
        if offered:
            data["ip_families"] = offered
        self.at(day)
        projects.outcome_record(actor=self.team, project=project, data=data)


_DEMO_USERS = ("tto", "manager", "researcher")
#: Project fates that end with the outcome recorded and the project completed.
CLOSING = ("company", "licence", "licence_company", "plain", "home_company")
NANTONG_CODE = "nantong-fund"
#: Words of a result title that mark it as a health or medical one.
HEALTH_WORDS = ("医", "药", "诊", "影像", "抗体", "骨", "生物", "细胞", "肿瘤", "检测", "康复")
#: GB/T 4754 sections the demo programmes fund: manufacturing, IT, research and technical services.
SECTIONS = ("C", "I", "M")
HOME_CODE = "jbit-poc"
MILESTONES = {
    "early-rd": (
        ("原理样机与关键指标验证", "原理样机1台，核心指标达到任务书要求，内部测试报告"),
        ("工程样机研制与第三方检测", "工程样机2台，第三方检测报告"),
    ),
    "pre-incubation": (("注册检验与用户试用", "注册检验报告、3家用户试用报告、商业计划书"),),
    "poc": (
        ("概念样机与原理验证", "概念样机及测试数据"),
        ("应用场景验证", "在合作企业完成场景验证，出具用户验证报告"),
    ),
    "market": (("市场调研与商业计划", "市场调研报告与商业计划书"),),
    "joint-poc": (
        ("联合样机研制", "联合样机与测试报告"),
        ("企业场景验证", "企业出具的验证报告"),
    ),
}


def _section(result: Result) -> str:
    industry = result.industry
    while industry is not None and industry.parent_id is not None:
        industry = industry.parent
    return industry.code if industry is not None else ""


def _split(total: D, weights: list[D]) -> list[D]:
    """``total`` shared by ``weights`` in whole hundreds of yuan; the last share takes the rest."""
    whole = sum(weights) or D("1")
    shares = [(total * w / whole).quantize(D("100")) for w in weights[:-1]]
    return [*shares, total - sum(shares, D("0"))]


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


# --- verification resources ------------------------------------------------------------------

#: name, kind, provider, province, city, capabilities, price, booking, certifications, contact
RESOURCES = (
    (
        "京北理工大学医疗器械检测与评价平台",
        "testing",
        "jbit",
        BEIJING,
        "北京",
        "有源医疗器械电气安全、电磁兼容、性能检测；生物相容性评价委托；检测报告可用于注册申报。",
        "校内项目八折，按检测项目报价",
        "网上预约，提前两周提交样品信息",
        "CMA、CNAS",
        "检测平台办公室 010-6891 2201",
        True,
    ),
    (
        "京北理工大学智能制造中试基地",
        "pilot_line",
        "jbit",
        BEIJING,
        "北京",
        "精密装配线与SMT产线，支持50–500台套小批量试制、工艺验证和可靠性试验。",
        "按工时计费，约2,800元/小时",
        "提前四周预约，须签订使用协议",
        "ISO 9001、ISO 13485",
        "中试基地运营中心 010-6891 2235",
        True,
    ),
    (
        "京北理工大学智能医疗器械产业化基地（南通）中试线",
        "pilot_line",
        "jbit",
        JIANGSU,
        "南通",
        "医疗器械洁净装配车间（十万级）与中试线，提供注册检验送样、小批量生产和质量体系辅导。",
        "基金项目前六个月免费，之后按面积和工时计费",
        "向产业化基地运营公司申请",
        "ISO 13485",
        "南通中央创新区产业化基地 0513-8559 0310",
        True,
    ),
    (
        "京北理工大学快速原型与精密加工中心",
        "prototype",
        "jbit",
        BEIJING,
        "北京",
        "五轴加工、金属与光敏树脂3D打印、注塑快速模具，适合工程样机和结构件试制。",
        "材料费加机时费",
        "提交图纸后三个工作日排产",
        "",
        "精密加工中心 010-6891 2248",
        True,
    ),
    (
        "京北理工大学高性能计算平台",
        "computing",
        "jbit",
        BEIJING,
        "北京",
        "GPU 集群 512 卡（A800），支持深度学习训练、医学影像大样本验证与仿真计算。",
        "0.8元/卡时，校内项目优先",
        "在线申请，审核后两天内开通",
        "",
        "计算中心 hpc@jbit.example.edu.cn",
        True,
    ),
    (
        "京南医科大学附属医院医疗器械临床试验机构",
        "clinical_site",
        "jnmu",
        BEIJING,
        "北京",
        "具备药物和医疗器械临床试验机构备案，心血管、影像、康复等12个专业可承接临床评价。",
        "按临床方案报价",
        "伦理审查通过后立项，约需两个月",
        "GCP",
        "临床试验机构办公室 010-8762 0031",
        True,
    ),
    (
        "京华材料研究院材料表征与测试中心",
        "testing",
        "jhimr",
        BEIJING,
        "北京",
        "XRD、SEM、热分析、力学性能与老化试验，支持生物材料和功能薄膜表征。",
        "按样品与项目计费",
        "网上预约，提前三天",
        "CMA、CNAS",
        "测试中心 010-6275 5108",
        True,
    ),
    (
        "燕山先进制造技术研究院现场试验基地",
        "field_trial",
        "ysiamt",
        BEIJING,
        "北京",
        "与二十余家制造企业共建的现场试验网络，可安排产线试用、可靠性跟踪和用户反馈收集。",
        "项目合作，费用面议",
        "提前一个月联系，签订保密协议",
        "",
        "研究院产业合作部 010-6972 3316",
        True,
    ),
)


def build_resources(b: _Builder) -> None:
    b.at(b.day(-800))
    providers = {i.slug: i for i in Institution.objects.filter(slug__in={r[2] for r in RESOURCES})}
    existing = set(VerificationResource.objects.values_list("name", flat=True))
    for (
        name,
        kind,
        provider,
        region,
        city,
        caps,
        price,
        booking,
        certs,
        contact,
        public,
    ) in RESOURCES:
        if name in existing or provider not in providers:
            continue
        resource = projects.resource_create(
            actor=b.office,
            listed_by=b.home,
            data={
                "name": name,
                "kind": kind,
                "institution": providers[provider],
                "region": region,
                "city": city,
                "capabilities": caps,
                "price_terms": price,
                "booking_terms": booking,
                "certifications": certs,
                "contact": contact,
                "is_public": public,
            },
        )
        b.resources.append(resource)


# --- the Nantong fund ------------------------------------------------------------------------

M = D("10000")  # yuan in 万
#: Per call: (early R&D, pre-incubation) awarded in 万 and how each project goes.
NANTONG_AWARDS = (
    (
        ((150, 100), "licence_company"),
        ((150, 100), "company"),
        ((120, 60), "company"),  # the committee cut the request (150 + 100)
        ((150, 50), "licence"),
        ((100, 0), "stopped"),
        ((120, 50), "extended"),
    ),
    (
        ((150, 50), "running"),
        ((150, 0), "reported"),
        ((100, 50), "running"),
        ((100, 50), "running"),
        ((150, 50), "running"),
    ),
)
#: Applications of each call that are not awarded.
OTHER_FATES = ("reserve", "rejected", "rejected_admission", "withdrawn")
EXTRA_FATES = ("rejected", "reserve", "rejected_admission", "rejected", "withdrawn", "rejected")


def _money(pairs: tuple[int, int], codes: tuple[str, str]) -> dict[str, D]:
    return {code: D(n) * M for code, n in zip(codes, pairs, strict=True) if n}


def nantong_programme(b: _Builder, t0: dt.date) -> Programme:
    b.at(t0)
    return b.programme(
        {
            "kind": "regional_fund",
            "code": NANTONG_CODE,
            "name": "“一基金两基地”概念验证专项基金（南通）",
            "name_en": "“One fund, two bases” proof-of-concept fund (Nantong)",
            "description": NANTONG_DESCRIPTION,
            "partners": "南通市崇川区人民政府（出资） · " + NANTONG_BASE,
            "total_budget": "30000000",
            "stages": ["0-1", "1-10"],
            "min_trl": 2,
            "max_trl": 6,
            "industries": ["C", "I", "M"],
            "eligible": NANTONG_SCHOOLS,
            "objection_days": 7,
            "starts_on": t0,
            "ends_on": b.day(540),
        },
        lines=[
            {
                "code": "early-rd",
                "name": "早期研发",
                "name_en": "Early R&D",
                "per_project_cap": "1500000",
                "total_cap": "16500000",
                "cost_rules": [
                    {"cost_type": "equipment", "cap_share": "40"},
                    {"cost_type": "materials"},
                    {"cost_type": "testing"},
                    {"cost_type": "personnel", "cap_share": "20"},
                    {"cost_type": "experts", "cap_amount": "50000"},
                ],
            },
            {
                "code": "pre-incubation",
                "name": "预孵化",
                "name_en": "Pre-incubation",
                "per_project_cap": "1000000",
                "total_cap": "11000000",
                "cost_rules": [
                    {"cost_type": "testing"},
                    {"cost_type": "market", "cap_share": "30"},
                    {"cost_type": "ip"},
                    {"cost_type": "personnel", "cap_share": "20"},
                    {"cost_type": "travel", "cap_amount": "50000"},
                    {"cost_type": "experts", "cap_amount": "80000"},
                ],
            },
        ],
        criteria=[
            {
                "name": "技术先进性",
                "name_en": "Technical merit",
                "weight": "25",
                "description": "原理是否清晰，核心指标与国内外同类技术相比是否领先",
            },
            {
                "name": "临床与市场需求",
                "name_en": "Clinical and market need",
                "weight": "25",
                "description": "解决的临床或产业痛点、目标市场规模和用户",
            },
            {
                "name": "团队与投入",
                "name_en": "Team",
                "weight": "15",
                "description": "负责人投入时间、团队结构和企业或临床合作方",
            },
            {
                "name": "知识产权",
                "name_en": "Intellectual property",
                "weight": "15",
                "description": "权属是否清晰、专利布局是否合理",
            },
            {
                "name": "落地南通可行性",
                "name_en": "Feasibility of landing in Nantong",
                "weight": "20",
                "description": "产业化路径、落地计划和预孵化方案",
            },
        ],
    )


def nantong_plans(b: _Builder, number: int, awards) -> list[Plan]:
    codes = ("early-rd", "pre-incubation")
    extra = LARGE_EXTRA if b.size == "large" else 0
    fates = [*OTHER_FATES, *EXTRA_FATES[:extra]]
    results = []
    if number == 1:  # a project of the home university with the demo researcher in its team
        results = b.results((HOME,), SECTIONS, 1, b.used)
    results += b.results(NANTONG_SCHOOLS, SECTIONS, len(awards) + len(fates) - len(results), b.used)
    plans = []
    for index, result in enumerate(results):
        if index < len(awards):
            (pairs, project) = awards[index]
            awarded = _money(pairs, codes)
            requested = dict(awarded)
            if pairs == (120, 60):
                requested = _money((150, 100), codes)
            plan = b.plan(result, "awarded", requested, awarded=awarded, project=project)
        else:
            fate = fates[index - len(awards)]
            asked = (b.rng.choice((100, 120, 150)), b.rng.choice((0, 50, 80, 100)))
            plan = b.plan(result, fate, _money(asked, codes))
        plans.append(plan)
    plans[2].correction = True
    if number == 1:
        researcher = b.users["researcher"]
        if plans[0].applicant != researcher:
            plans[0].team.insert(
                1,
                {
                    "name": researcher.name,
                    "user": researcher.pk,
                    "role": "researcher",
                    "effort": 20,
                },
            )
    b.rng.shuffle(plans)
    return plans


def run_call(b: _Builder, programme, spec: CallSpec, plans, routes, prefix) -> list[Plan]:
    """A call from its opening to the signed agreements."""
    call = b.open_call(programme, spec)
    start = spec.closes + dt.timedelta(days=60)
    b.submit_all(programme, call, spec, plans, routes, start)
    b.at(spec.closes + dt.timedelta(days=1))
    poc_services.call_close(actor=b.office, call=call)
    b.admit(call, plans, spec.closes + dt.timedelta(days=5))
    b.withdraw(plans, spec.closes + dt.timedelta(days=7))
    b.at(spec.closes + dt.timedelta(days=9))
    poc_applications.call_send_to_review(actor=b.office, call=call)
    b.decide(call, plans, spec.closes + dt.timedelta(days=30), programme.objection_days)
    b.agreements(plans, spec.closes + dt.timedelta(days=50), prefix)
    return [p for p in plans if p.fate == "awarded"]


def build_nantong(b: _Builder) -> Programme:
    t0 = b.day(-760)
    programme = nantong_programme(b, t0)
    specs = (
        CallSpec(
            "2024年度第一批",
            "2024, first call",
            t0 + dt.timedelta(days=10),
            t0 + dt.timedelta(days=45),
            "12000000",
            NANTONG_GUIDELINES,
        ),
        CallSpec(
            "2025年度第二批",
            "2025, second call",
            t0 + dt.timedelta(days=380),
            t0 + dt.timedelta(days=415),
            "10000000",
            NANTONG_GUIDELINES,
        ),
    )
    mentors = b.mentors()
    count = 0
    for number, (spec, awards) in enumerate(zip(specs, NANTONG_AWARDS, strict=True)):
        plans = nantong_plans(b, number, awards)
        funded = run_call(
            b, programme, spec, plans, NANTONG_MARKET_ROUTES, f"NT-ZZ-{spec.opens.year}"
        )
        starts = spec.closes + dt.timedelta(days=60)
        for plan in funded:
            project = b.start(plan, starts, 18)
            b.run_project(project, plan, mentors[count % len(mentors)])
            count += 1
    return programme


# --- the home university's own programme -----------------------------------------------------

#: The decided call: (proof of concept, market validation) awarded in 万 and the project's fate.
HOME_AWARDS = (((45, 15), "running"), ((50, 0), "home_company"), ((38, 12), "reported"))
#: The call open now: how far each application has gone.
OPEN_FATES = ("submitted", "submitted", "correction", "admitted")


def home_programme(b: _Builder, t0: dt.date) -> Programme:
    b.at(t0)
    return b.programme(
        {
            "kind": "institution",
            "code": HOME_CODE,
            "name": "京北理工大学概念验证计划",
            "name_en": "Jingbei Institute of Technology Proof-of-Concept Programme",
            "description": HOME_DESCRIPTION,
            "partners": "京北理工大学技术转移中心 · 京北理工大学科技园",
            "total_budget": "8000000",
            "stages": ["0-1"],
            "min_trl": 2,
            "max_trl": 5,
            "industries": ["C", "I", "M"],
            "eligible": (HOME,),
            "blind_review": True,
            "objection_days": 5,
            "starts_on": t0,
            "ends_on": b.day(900),
        },
        lines=[
            {
                "code": "poc",
                "name": "概念验证",
                "name_en": "Proof of concept",
                "per_project_cap": "500000",
                "total_cap": "5000000",
                "cost_rules": [
                    {"cost_type": "materials"},
                    {"cost_type": "equipment", "cap_share": "30"},
                    {"cost_type": "testing"},
                    {"cost_type": "personnel", "cap_share": "20"},
                    {"cost_type": "experts", "cap_amount": "30000"},
                ],
            },
            {
                "code": "market",
                "name": "市场验证",
                "name_en": "Market validation",
                "per_project_cap": "200000",
                "total_cap": "1500000",
                "cost_rules": [
                    {"cost_type": "market", "cap_share": "60"},
                    {"cost_type": "ip"},
                    {"cost_type": "travel", "cap_amount": "20000"},
                    {"cost_type": "experts", "cap_amount": "20000"},
                ],
            },
        ],
        criteria=[
            {
                "name": "技术创新性",
                "name_en": "Novelty",
                "weight": "30",
                "description": "原理是否成立、与现有技术相比的创新点",
            },
            {
                "name": "市场应用前景",
                "name_en": "Market prospects",
                "weight": "25",
                "description": "目标用户、应用场景和潜在受让方",
            },
            {
                "name": "团队与投入",
                "name_en": "Team",
                "weight": "20",
                "description": "负责人投入、团队互补性和参与辅导的意愿",
            },
            {
                "name": "知识产权状况",
                "name_en": "IP position",
                "weight": "15",
                "description": "已有专利、权属和布局空间",
            },
            {
                "name": "验证方案可行性",
                "name_en": "Feasibility of the verification plan",
                "weight": "10",
                "description": "验证指标、条件和进度安排是否可行",
            },
        ],
    )


def home_plans(b: _Builder, fates, exclude: set[int], awards=()) -> list[Plan]:
    codes = ("poc", "market")
    results = b.results((HOME,), SECTIONS, len(awards) + len(fates), exclude)
    plans = []
    for index, result in enumerate(results):
        if index < len(awards):
            pairs, project = awards[index]
            money = _money(pairs, codes)
            plans.append(b.plan(result, "awarded", money, awarded=money, project=project))
        else:
            asked = (b.rng.choice((30, 40, 50)), b.rng.choice((0, 10, 20)))
            plans.append(b.plan(result, fates[index - len(awards)], _money(asked, codes)))
    return plans


def build_home(b: _Builder) -> Programme:
    t0 = b.day(-470)
    programme = home_programme(b, t0)
    researcher = b.users["researcher"]
    own = Result.objects.filter(inventors__user=researcher, institution=b.home).order_by("pk")
    reserved = set(own.values_list("pk", flat=True))
    extra = LARGE_EXTRA if b.size == "large" else 0
    fates = [*OTHER_FATES, *EXTRA_FATES[:extra]]
    plans = home_plans(b, fates, reserved, HOME_AWARDS[1:])
    mine = own.first()
    if mine is not None:  # the demo researcher's own project
        money = _money(HOME_AWARDS[0][0], ("poc", "market"))
        plans.insert(0, b.plan(mine, "awarded", money, awarded=money, project="running"))
    plans[-1].correction = True
    spec = CallSpec(
        "2025年度概念验证项目",
        "2025 proof-of-concept projects",
        t0 + dt.timedelta(days=20),
        t0 + dt.timedelta(days=50),
        "3000000",
        HOME_GUIDELINES,
    )
    funded = run_call(b, programme, spec, plans, HOME_MARKET_ROUTES, f"JBIT-GY-{spec.opens.year}")
    manager = (b.users["manager"], "tech_manager")
    for plan in funded:
        months = 10 if plan.project == "home_company" else 15
        project = b.start(plan, spec.closes + dt.timedelta(days=60), months)
        b.run_project(project, plan, manager)
    open_now = CallSpec(
        f"{b.today.year + (b.today.month > 9)}年度概念验证项目（第一批）",
        "Proof-of-concept projects, first call",
        b.day(-18),
        b.day(40),
        "3000000",
        HOME_GUIDELINES,
    )
    call = b.open_call(programme, open_now)
    taken = reserved | {p.result.pk for p in funded}
    plans = home_plans(b, OPEN_FATES * (3 if b.size == "large" else 1), taken)
    for plan in plans:
        plan.correction = plan.fate == "correction"
    b.submit_all(programme, call, open_now, plans, HOME_MARKET_ROUTES, b.day(100))
    b.admit(call, plans, b.day(-3))
    return programme


# --- the alliance's joint fund (large demo) ---------------------------------------------------

ALLIANCE_SCHOOLS = ("jbit", "ysaa", "jhdx", "xsnu", "ydau", "jnmu", "jxupt", "ysjtu", "cbust")
ALLIANCE_AWARDS = (((80, 0), "running"), ((60, 0), "running"), ((80, 0), "reported"))


def build_alliance(b: _Builder) -> Programme:
    """The alliance secretariat's joint fund: an alliance programme whose figures the
    secretariat's observers read."""
    alliance = Alliance.objects.get(slug=ALLIANCE_SLUG)
    b.owner, b.office = alliance.secretariat, User.objects.get(username="alliance")
    try:
        t0 = b.day(-420)
        b.at(t0)
        programme = b.programme(
            {
                "kind": "alliance",
                "alliance": alliance.slug,
                "code": "jhtta-poc",
                "name": "京华联盟概念验证联合基金",
                "name_en": "Jinghua Alliance Joint Proof-of-Concept Fund",
                "description": "联盟成员单位共同出资，支持跨校团队开展概念验证，"
                "优先支持有企业参与的项目。",
                "partners": "联盟成员高校",
                "total_budget": "6000000",
                "stages": ["0-1", "1-10"],
                "min_trl": 2,
                "max_trl": 6,
                "industries": list(SECTIONS),
                "objection_days": 5,
                "starts_on": t0,
                "ends_on": b.day(700),
            },
            lines=[
                {
                    "code": "joint-poc",
                    "name": "联合概念验证",
                    "name_en": "Joint proof of concept",
                    "per_project_cap": "800000",
                    "cost_rules": [
                        {"cost_type": "materials"},
                        {"cost_type": "testing"},
                        {"cost_type": "equipment", "cap_share": "30"},
                        {"cost_type": "personnel", "cap_share": "20"},
                    ],
                }
            ],
            criteria=[
                {"name": "技术水平", "name_en": "Technical level", "weight": "40"},
                {"name": "跨校协同", "name_en": "Collaboration across members", "weight": "20"},
                {"name": "产业前景", "name_en": "Industrial prospects", "weight": "40"},
            ],
        )
        spec = CallSpec(
            "2026年度联合基金",
            "2026 joint fund",
            t0 + dt.timedelta(days=15),
            t0 + dt.timedelta(days=50),
            "3000000",
            "面向联盟成员单位，每项不超过80万元。",
        )
        results = b.results(ALLIANCE_SCHOOLS, SECTIONS, 3 + len(EXTRA_FATES), b.used)
        plans = []
        for index, result in enumerate(results):
            if index < len(ALLIANCE_AWARDS):
                pairs, fate = ALLIANCE_AWARDS[index]
                money = _money(pairs, ("joint-poc", "none"))
                plans.append(b.plan(result, "awarded", money, awarded=money, project=fate))
            else:
                asked = _money((b.rng.choice((50, 60, 80)), 0), ("joint-poc", "none"))
                plans.append(b.plan(result, EXTRA_FATES[index - len(ALLIANCE_AWARDS)], asked))
        funded = run_call(b, programme, spec, plans, HOME_MARKET_ROUTES, "JHTTA-ZZ-2025")
        mentors = b.mentors()
        for number, plan in enumerate(funded):
            project = b.start(plan, spec.closes + dt.timedelta(days=60), 15)
            b.run_project(project, plan, mentors[number % len(mentors)])
        return programme
    finally:
        b.owner, b.office = b.home, b.tto


def build_poc(rng: random.Random, now: dt.datetime, size: str = "small") -> dict:
    """The demo's programmes, calls, applications, projects and verification resources."""
    builder = _Builder(rng, now, size)
    own = Result.objects.filter(inventors__user=builder.users["researcher"])
    builder.used.update(own.values_list("pk", flat=True))  # kept for the home programme
    with builder.clock.running():
        build_resources(builder)
        build_nantong(builder)
        build_home(builder)
        if size == "large":
            build_alliance(builder)
    return {
        "poc_programmes": Programme.objects.count(),
        "poc_calls": builder.counts["calls"],
        "poc_applications": builder.counts["applications"],
        "poc_projects": builder.counts["projects"],
        "poc_resources": VerificationResource.objects.count(),
    }
