"""Demo disclosures and results for every university and institute of the demo alliance.

Titles and abstracts are generated from phrase tables per field, so the registry reads like a real
one: some records are complete and some are not, a few are near-duplicates (for the data-quality
report), drafts go stale, and disclosures sit at every stage of the review.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType

from datong.core.roles import Role
from datong.institutions.models import Institution, InstitutionKind, Membership
from datong.results import quality
from datong.results.models import (
    Classification,
    Conclusion,
    Decision,
    Disclosure,
    DisclosureComment,
    DisclosureStatus,
    Inventor,
    PatentabilityReport,
    Result,
    ResultInventor,
    ResultSource,
    ResultStatus,
    ReviewScore,
    Scheme,
    TimelineEvent,
)

# field → (industry divisions, SEI category, subjects, methods, effects, keywords)
FIELDS = {
    "materials": (
        ["30", "31", "32", "26"],
        "3",
        [
            "高熵合金",
            "碳纤维复合材料",
            "石墨烯导热膜",
            "钙钛矿薄膜",
            "耐高温陶瓷涂层",
            "可降解高分子材料",
            "纳米多孔铜",
            "稀土永磁材料",
        ],
        ["制备方法", "表面改性工艺", "低温烧结方法", "连续化生产装置", "界面调控方法"],
        ["强度提高30%以上", "导热系数显著提升", "成本降低约40%", "循环稳定性明显改善"],
        ["新材料", "复合材料", "制备工艺", "纳米结构", "界面工程"],
    ),
    "energy": (
        ["38", "44", "35"],
        "6",
        [
            "锂硫电池正极",
            "固态电解质",
            "质子交换膜燃料电池",
            "光伏组件",
            "储能变流器",
            "氢气纯化系统",
            "钠离子电池负极",
        ],
        ["制备方法", "控制方法", "热管理系统", "健康状态估计方法", "集成结构"],
        ["能量密度提高25%", "循环寿命超过3000次", "系统效率达到96%", "低温性能明显改善"],
        ["储能", "新能源", "电池", "能量管理", "氢能"],
    ),
    "information": (
        ["63", "64", "65", "39"],
        "1",
        [
            "工业互联网边缘网关",
            "遥感图像目标检测",
            "联邦学习框架",
            "知识图谱问答",
            "芯片缺陷检测",
            "隐私计算平台",
            "多模态大模型",
        ],
        ["方法及系统", "模型训练方法", "加速装置", "调度方法", "数据标注方法"],
        ["识别准确率达到98%", "推理延迟降低60%", "通信开销减少一半", "可解释性显著增强"],
        ["人工智能", "深度学习", "边缘计算", "数据安全", "软件系统"],
    ),
    "bio": (
        ["27", "35", "73"],
        "4",
        [
            "肿瘤早筛试剂盒",
            "mRNA递送载体",
            "单克隆抗体",
            "可吸收骨钉",
            "基因编辑工具",
            "中药有效成分提取",
            "微流控芯片",
        ],
        ["制备方法", "检测方法", "纯化工艺", "给药系统", "筛选平台"],
        ["灵敏度达到95%", "检测时间缩短至30分钟", "收率提高2倍", "副作用显著降低"],
        ["生物医药", "诊断", "药物递送", "医疗器械", "精准医学"],
    ),
    "machinery": (
        ["34", "35", "37", "40"],
        "2",
        [
            "六轴协作机器人",
            "高速列车转向架",
            "航空发动机叶片",
            "精密减速器",
            "智能数控机床",
            "无人机起落架",
            "盾构机刀盘",
        ],
        ["控制方法", "故障诊断方法", "加工工艺", "检测装置", "结构优化设计方法"],
        ["定位精度达到0.01毫米", "故障识别率提高20%", "使用寿命延长一倍", "振动降低35%"],
        ["智能制造", "装备", "机器人", "精密加工", "故障诊断"],
    ),
    "environment": (
        ["77", "46", "42"],
        "7",
        [
            "工业废水深度处理",
            "土壤重金属修复",
            "VOCs催化氧化",
            "污泥资源化",
            "固废协同处置",
            "雨水收集利用",
        ],
        ["方法", "装置及工艺", "监测系统", "药剂及其制备方法"],
        ["去除率达到99%", "运行成本降低30%", "占地面积减少一半", "能耗降低25%"],
        ["环保", "水处理", "资源化", "催化", "监测"],
    ),
    "agriculture": (
        ["01", "03", "13"],
        "4",
        [
            "抗旱小麦品种选育",
            "设施蔬菜水肥一体化",
            "畜禽粪污发酵",
            "果蔬保鲜",
            "智慧灌溉",
            "生物农药",
        ],
        ["方法", "系统", "菌剂及其应用", "装置"],
        ["亩产提高15%", "用水量减少40%", "保鲜期延长10天", "农药用量减少一半"],
        ["农业", "种业", "节水", "保鲜", "生物防治"],
    ),
}
DEPARTMENT_FIELDS = [
    ("材料", "materials"),
    ("化学", "materials"),
    ("能源", "energy"),
    ("电气", "energy"),
    ("动力", "energy"),
    ("计算机", "information"),
    ("信息", "information"),
    ("软件", "information"),
    ("人工智能", "information"),
    ("电子", "information"),
    ("自动化", "machinery"),
    ("生命", "bio"),
    ("医", "bio"),
    ("药", "bio"),
    ("生物", "bio"),
    ("机械", "machinery"),
    ("航空", "machinery"),
    ("交通", "machinery"),
    ("土木", "machinery"),
    ("环境", "environment"),
    ("资源", "environment"),
    ("农", "agriculture"),
    ("园艺", "agriculture"),
    ("林", "agriculture"),
]
IP_WEIGHTS = [
    ("invention_patent", 6),
    ("utility_model", 2),
    ("software_copyright", 2),
    ("technical_secret", 1),
    ("design", 1),
]


def _field_of(department_name: str, rng: random.Random) -> str:
    for needle, field in DEPARTMENT_FIELDS:
        if needle in department_name:
            return field
    return rng.choice(list(FIELDS))


def _title(rng: random.Random, field: str) -> tuple[str, list[str], str]:
    _codes, _sei, subjects, methods, effects, keywords = FIELDS[field]
    subject, method = rng.choice(subjects), rng.choice(methods)
    title = f"一种{subject}的{method}" if rng.random() < 0.7 else f"{subject}{method}研究"
    words = [subject, *rng.sample(keywords, 3)]
    abstract = (
        f"本成果针对{subject}在实际应用中存在的性能不足和成本偏高等问题，提出了一种新的{method}。"
        f"通过优化关键结构与工艺参数，并结合实验验证，{rng.choice(effects)}，"
        f"同时具有工艺简单、易于规模化的特点。该成果已完成实验室验证，可应用于"
        f"{rng.choice(keywords)}等领域，具有良好的产业化前景。"
    )
    return title, words, abstract


def build_results(rng: random.Random, size: str, now: dt.datetime) -> dict:
    """Create the demo registry; returns counts."""
    per_institution = (12, 30) if size == "small" else (120, 260)
    industry = {c.code: c for c in Classification.objects.filter(scheme=Scheme.INDUSTRY)}
    sei = {c.code: c for c in Classification.objects.filter(scheme=Scheme.SEI)}
    criteria = list(Classification.objects.filter(scheme=Scheme.REVIEW))
    academic = Institution.objects.filter(
        kind__in=[InstitutionKind.UNIVERSITY, InstitutionKind.RESEARCH_INSTITUTE]
    ).order_by("pk")
    members = list(
        Membership.objects.filter(institution__in=academic)
        .select_related("user", "department")
        .order_by("pk")
    )
    by_institution: dict[int, dict[str, list[Membership]]] = {}
    for m in members:
        by_institution.setdefault(m.institution_id, {}).setdefault(m.role, []).append(m)

    results, result_inventors, events, disclosures = [], [], [], []
    inventors, reports, scores, comments = [], [], [], []
    result_ct = ContentType.objects.get_for_model(Result)
    for institution in academic:
        people = by_institution.get(institution.pk, {})
        researchers = [m for m in people.get(Role.RESEARCHER, []) if m.department_id]
        office = people.get(Role.TTO_STAFF, []) + people.get(Role.TECH_MANAGER, [])
        managers = people.get(Role.TECH_MANAGER, []) or office
        if not researchers or not office:
            continue
        count = rng.randint(*per_institution)
        previous_titles: list[tuple[str, list[str], str]] = []
        for index in range(count):
            lead = rng.choice(researchers)
            field = _field_of(lead.department.name, rng)
            if previous_titles and rng.random() < 0.04:  # a near-duplicate for the quality report
                title, words, abstract = rng.choice(previous_titles)
                title = title.replace("一种", "一种新型", 1)
            else:
                title, words, abstract = _title(rng, field)
                previous_titles.append((title, words, abstract))
            created = now - dt.timedelta(days=rng.randint(20, 1500), minutes=rng.randint(0, 600))
            codes = FIELDS[field][0]
            complete = rng.random()
            ip = rng.choices([c for c, _w in IP_WEIGHTS], [w for _c, w in IP_WEIGHTS])[0]
            result = Result(
                institution=institution,
                department=lead.department if complete > 0.1 else None,
                number=f"R{created.year}-{index + 1:05d}",
                title=title,
                abstract=abstract if complete > 0.15 else abstract[:40],
                industry=industry.get(rng.choice(codes)) if complete > 0.2 else None,
                sei=sei.get(FIELDS[field][1]) if complete > 0.35 else None,
                keywords=words if complete > 0.25 else words[:2],
                trl=rng.choices(range(1, 10), [4, 8, 12, 14, 12, 9, 6, 3, 2])[0]
                if complete > 0.15
                else None,
                ip_types=[ip] if complete > 0.1 else [],
                status=rng.choices(
                    [
                        ResultStatus.PROTECTING,
                        ResultStatus.REGISTERED,
                        ResultStatus.SECRET,
                        ResultStatus.RELEASED,
                    ],
                    [6, 3, 1, 1],
                )[0],
                source=rng.choices([ResultSource.DISCLOSURE, ResultSource.IMPORT], [3, 2])[0],
                created_by=rng.choice(office).user,
            )
            result.created_at = result.updated_at = result._when = created
            team = [lead, *rng.sample(researchers, min(len(researchers) - 1, rng.randint(0, 3)))]
            team = list({m.user_id: m for m in team}.values())
            shares = _shares(rng, len(team))
            result._team = [(m, share) for m, share in zip(team, shares, strict=True)]
            if rng.random() < 0.25:  # an external co-inventor
                result._external = "外单位合作者" if rng.random() < 0.5 else "企业研发人员"
            results.append(result)
    Result.objects.bulk_create(results, batch_size=500)
    for result in results:  # bulk_create stamps "now": put the registry's own dates back
        result.created_at = result.updated_at = result._when
    for result in results:
        for position, (member, share) in enumerate(result._team):
            result_inventors.append(
                ResultInventor(
                    result=result,
                    user=member.user,
                    name=member.user.name,
                    institution_name=result.institution.name,
                    share=share,
                    paid_here=True,
                    is_main=position == 0,
                    position=position,
                )
            )
        kind = "result.created" if result.source == ResultSource.DISCLOSURE else "result.imported"
        events.append(
            TimelineEvent(
                result=result,
                at=result.created_at,
                kind=kind,
                actor=result.created_by,
                content_type=result_ct,
                object_id=str(result.pk),
                summary=result.number,
            )
        )
        if result.status == ResultStatus.PROTECTING:
            events.append(
                TimelineEvent(
                    result=result,
                    at=result.created_at + dt.timedelta(days=rng.randint(20, 90)),
                    kind="protection.planned",
                    actor=result.created_by,
                    summary="拟申请发明专利"
                    if "invention_patent" in result.ip_types
                    else "拟申请保护",
                )
            )
    ResultInventor.objects.bulk_create(result_inventors, batch_size=1000)
    team_names = {}
    for row in result_inventors:
        team_names.setdefault(row.result_id, []).append(row.name)
    for result in results:
        # Completeness and search text computed in memory (inventors are known here).
        result.completeness = sum(
            weight
            for field, weight, _label, filled in quality.COMPLETENESS_RULES
            if (field == "inventors" and team_names.get(result.pk))
            or (field != "inventors" and filled(result))
        )
        result.search_text = " ".join(
            [quality.search_text(_Unsaved(result)), *team_names.get(result.pk, [])]
        ).lower()
    Result.objects.bulk_update(
        results, ["completeness", "search_text", "created_at", "updated_at"], batch_size=500
    )
    TimelineEvent.objects.bulk_create(events, batch_size=1000)

    # Disclosures at every stage, for every institution.
    for institution in academic:
        people = by_institution.get(institution.pk, {})
        researchers = [m for m in people.get(Role.RESEARCHER, []) if m.department_id]
        managers = people.get(Role.TECH_MANAGER, []) or people.get(Role.TTO_STAFF, [])
        if not researchers or not managers:
            continue
        for index in range(rng.randint(4, 9) if size == "small" else rng.randint(30, 60)):
            lead = rng.choice(researchers)
            field = _field_of(lead.department.name, rng)
            title, words, abstract = _title(rng, field)
            status = rng.choices(
                [
                    DisclosureStatus.DRAFT,
                    DisclosureStatus.SUBMITTED,
                    DisclosureStatus.IN_REVIEW,
                    DisclosureStatus.RETURNED,
                    DisclosureStatus.DECIDED,
                ],
                [3, 3, 3, 1, 2],
            )[0]
            created = now - dt.timedelta(days=rng.randint(3, 200))
            disclosure = Disclosure(
                institution=institution,
                department=lead.department,
                created_by=lead.user,
                title=title,
                abstract=abstract,
                problem=f"现有{words[0]}性能和成本难以兼顾",
                advantages="性能指标优于现有同类技术，工艺简单，成本更低。",
                applications=f"可用于{words[1]}等领域。",
                industry=industry.get(rng.choice(FIELDS[field][0])),
                sei=sei.get(FIELDS[field][1]),
                keywords=words,
                trl=rng.randint(2, 6),
                intended_protection=["invention_patent"],
                funding=[
                    {
                        "project": f"国家自然科学基金面上项目（{words[0]}）",
                        "number": f"5{rng.randint(1000000, 9999999)}",
                        "funder": "国家自然科学基金委员会",
                    }
                ]
                if rng.random() < 0.6
                else [],
                status=status,
                step=5 if status != DisclosureStatus.DRAFT else rng.randint(1, 4),
            )
            if status != DisclosureStatus.DRAFT:
                disclosure.number = f"D{created.year}-{index + 1:04d}"
                disclosure.submitted_at = created + dt.timedelta(days=rng.randint(1, 10))
            if status in (
                DisclosureStatus.IN_REVIEW,
                DisclosureStatus.DECIDED,
                DisclosureStatus.RETURNED,
            ):
                disclosure.manager = rng.choice(managers).user
            if status == DisclosureStatus.DECIDED:
                disclosure.decision = rng.choice(
                    [Decision.PROTECT, Decision.KEEP_SECRET, Decision.RELEASE]
                )
                disclosure.protection_type = (
                    "invention_patent" if disclosure.decision == Decision.PROTECT else ""
                )
                disclosure.decided_at = disclosure.submitted_at + dt.timedelta(
                    days=rng.randint(15, 60)
                )
            disclosure._when = (
                created,
                disclosure.decided_at or disclosure.submitted_at or created,
            )
            disclosure._lead = lead
            disclosures.append(disclosure)
    Disclosure.objects.bulk_create(disclosures, batch_size=500)
    for disclosure in disclosures:
        disclosure.created_at, disclosure.updated_at = disclosure._when
    Disclosure.objects.bulk_update(disclosures, ["created_at", "updated_at"], batch_size=500)
    for disclosure in disclosures:
        team = [disclosure._lead, *rng.sample(researchers_of(by_institution, disclosure), 1)]
        team = list({m.user_id: m for m in team}.values())
        for position, (member, share) in enumerate(zip(team, _shares(rng, len(team)), strict=True)):
            confirmed = disclosure.status != DisclosureStatus.DRAFT or position == 0
            inventors.append(
                Inventor(
                    disclosure=disclosure,
                    user=member.user,
                    name=member.user.name,
                    institution_name=disclosure.institution.name,
                    share=share,
                    is_main=position == 0,
                    position=position,
                    confirmed_at=disclosure.created_at if confirmed else None,
                )
            )
        if disclosure.manager_id and criteria:
            for criterion in criteria:
                scores.append(
                    ReviewScore(
                        disclosure=disclosure,
                        criterion=criterion,
                        reviewer=disclosure.manager,
                        score=rng.randint(2, 5),
                    )
                )
        if disclosure.status == DisclosureStatus.DECIDED:
            reports.append(
                PatentabilityReport(
                    disclosure=disclosure,
                    conclusion=rng.choice([Conclusion.PATENTABLE, Conclusion.WITH_CHANGES]),
                    summary="检索国内外专利及非专利文献，未发现破坏新颖性的对比文件。",
                    provider_name="北京新禾专利代理事务所（普通合伙）",
                    report_date=(disclosure.decided_at - dt.timedelta(days=5)).date(),
                )
            )
        if disclosure.status == DisclosureStatus.RETURNED:
            comments.append(
                DisclosureComment(
                    disclosure=disclosure,
                    author=disclosure.manager,
                    body="请补充对比实验数据，并说明与现有技术的主要区别。",
                    for_inventors=True,
                )
            )
    Inventor.objects.bulk_create(inventors, batch_size=1000)
    ReviewScore.objects.bulk_create(scores, batch_size=1000)
    PatentabilityReport.objects.bulk_create(reports, batch_size=500)
    DisclosureComment.objects.bulk_create(comments, batch_size=500)
    return {"results": len(results), "disclosures": len(disclosures)}


def researchers_of(by_institution, disclosure) -> list[Membership]:
    pool = [
        m
        for m in by_institution[disclosure.institution_id].get(Role.RESEARCHER, [])
        if m.department_id
    ]
    return pool


def _shares(rng: random.Random, n: int) -> list[Decimal]:
    """``n`` shares in whole percent, the first the largest, totalling exactly 100."""
    if n == 1:
        return [Decimal("100")]
    first = rng.randint(40, 70)
    rest = 100 - first
    cuts = sorted(rng.sample(range(1, rest), n - 2)) if n > 2 and rest > n else []
    parts, last = [], 0
    for cut in cuts:
        parts.append(cut - last)
        last = cut
    parts.append(rest - last)
    while len(parts) < n - 1:
        parts.append(0)
    values = [first, *parts]
    values = [max(v, 1) for v in values]
    values[0] += 100 - sum(values)
    return [Decimal(v) for v in values]


class _Unsaved:
    """The result without its inventors, for ``quality.search_text`` (no queries)."""

    def __init__(self, result: Result):
        self.number, self.title, self.title_en = result.number, result.title, result.title_en
        self.abstract, self.keywords, self.pk = result.abstract, result.keywords, None


def build_showcase() -> None:
    """The demo accounts' own disclosures, made through the real services so that the pages,
    notifications, audit log and timeline show a coherent story."""
    from datong.accounts.models import User
    from datong.results import services

    users = {
        u.username: u
        for u in User.objects.filter(username__in=["researcher", "tto", "manager", "reviewer"])
    }
    if len(users) < 4:
        return
    home = Membership.objects.get(user=users["tto"], role=Role.TTO_STAFF).institution
    colleague = users["reviewer"]  # also a researcher-type colleague at the same university
    today = dt.date(2026, 11, 18)

    def disclose(title, abstract, industry, keywords, trl):
        return services.disclosure_create(
            actor=users["researcher"],
            institution=home,
            title=title,
            abstract=abstract,
            problem="现有技术在高倍率和低温工况下性能衰减明显。",
            advantages="容量保持率和倍率性能优于现有商用材料，制备工艺兼容现有产线。",
            applications="动力电池、储能电站、电动工具。",
            industry=industry,
            sei="6",
            keywords=keywords,
            trl=trl,
            intended_protection=["invention_patent"],
            funding=[
                {
                    "project": "国家重点研发计划“储能与智能电网技术”重点专项",
                    "number": "2024YFB2400100",
                    "funder": "科学技术部",
                }
            ],
        )

    # 1. Decided and protected: a result with a full timeline.
    first = disclose(
        "一种高镍三元正极材料的表面包覆改性方法",
        "本发明提供一种高镍三元正极材料的表面包覆改性方法，采用原子层沉积在颗粒表面形成"
        "均匀的快离子导体包覆层，抑制界面副反应，显著提高循环稳定性和热稳定性。",
        "38",
        "高镍正极、表面包覆、原子层沉积、锂离子电池",
        4,
    )
    services.inventors_set(
        actor=users["researcher"],
        disclosure=first,
        inventors=[
            {"user": users["researcher"].pk, "share": "60", "is_main": True},
            {"user": colleague.pk, "share": "30"},
            {
                "name": "周海峰",
                "institution_name": "京华新能源科技有限公司",
                "share": "10",
                "paid_here": False,
            },
        ],
    )
    services.inventor_confirm(actor=colleague, inventor=first.inventors.get(user=colleague))
    services.disclosure_submit(actor=users["researcher"], disclosure=first)
    services.disclosure_assign(actor=users["tto"], disclosure=first, manager=users["manager"])
    services.disclosure_score(
        actor=users["manager"],
        disclosure=first,
        scores={
            "novelty": (4, "包覆工艺有新意"),
            "market": (5, "动力电池企业需求明确"),
            "ip_position": (4, "可围绕工艺参数布局"),
            "team": (4, "团队有中试经验"),
        },
    )
    services.disclosure_report_add(
        actor=users["manager"],
        disclosure=first,
        conclusion=Conclusion.PATENTABLE,
        summary="检索中外专利文献42篇，未发现相同的包覆工艺组合，具备新颖性和创造性。",
        report_date=today,
        provider_name="北京新禾专利代理事务所（普通合伙）",
    )
    services.disclosure_decide(
        actor=users["manager"],
        disclosure=first,
        decision=Decision.PROTECT,
        protection_type="invention_patent",
        note="建议尽快申请发明专利，并同步考虑PCT布局。",
    )
    # 2. In review, with a question for the researcher.
    second = disclose(
        "一种宽温域钠离子电池电解液及其制备方法",
        "本发明涉及一种宽温域钠离子电池电解液，通过复合溶剂与成膜添加剂协同，使电池在"
        "零下40摄氏度至60摄氏度范围内稳定工作。",
        "38",
        "钠离子电池、电解液、宽温域",
        3,
    )
    services.disclosure_submit(actor=users["researcher"], disclosure=second)
    services.disclosure_assign(actor=users["tto"], disclosure=second, manager=users["manager"])
    services.disclosure_comment(
        actor=users["manager"], disclosure=second, body="请补充零下40摄氏度条件下的循环测试数据。"
    )
    # 3. A draft in progress.
    disclose(
        "一种锂电池极片缺陷的在线视觉检测方法",
        "利用深度学习对涂布极片进行在线检测。",
        "39",
        "机器视觉、极片检测",
        5,
    )
