"""Demo marketplace: published listings of protected results written for industry, and the demo
enterprises' technology demands."""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal

from django.utils import timezone

from datong.core.roles import Role
from datong.institutions.models import Institution, InstitutionKind, Membership
from datong.market.models import (
    Demand,
    DemandStatus,
    EngagementMode,
    EnterpriseProfile,
    EnterpriseSize,
    ExpertProfile,
    Listing,
    ListingStatus,
)
from datong.results.models import Classification, Result, ResultInventor, ResultStatus, Scheme

from .results import DEPARTMENT_FIELDS, FIELDS

NEEDS = [
    (
        "动力电池低温快充技术",
        "现有电池包在零下10摄氏度以下充电时间过长，寻求低温快充与热管理方案。",
        "电池热管理、快充协议、析锂抑制",
        "充电时间缩短至30分钟以内",
        ["快充", "动力电池", "热管理"],
        "38",
    ),
    (
        "工业视觉缺陷检测算法",
        "产线人工目检漏检率高，希望引入深度学习检测涂布与焊点缺陷。",
        "小样本学习、边缘部署",
        "检出率不低于99%，单张推理小于50毫秒",
        ["机器视觉", "缺陷检测"],
        "65",
    ),
    (
        "高浓度有机废水处理工艺",
        "化工园区废水COD高、可生化性差，现有工艺运行成本高。",
        "高级氧化、催化剂寿命",
        "出水达到一级A标准，运行成本降低20%",
        ["废水处理", "高级氧化"],
        "77",
    ),
    (
        "可降解包装材料",
        "出口订单要求包装可降解，需替代现有聚乙烯膜。",
        "力学性能、阻隔性、成本",
        "降解率90%以上，成本增幅不超过15%",
        ["可降解", "包装材料"],
        "29",
    ),
    (
        "协作机器人力控打磨",
        "铸件打磨依赖人工，粉尘大、一致性差。",
        "力位混合控制、轨迹规划",
        "打磨一致性提升，替代3名工人",
        ["机器人", "力控"],
        "34",
    ),
    (
        "肿瘤早筛检测试剂",
        "体检机构需要低成本、高灵敏度的早筛产品合作开发。",
        "液体活检、标志物组合",
        "灵敏度90%以上并取得注册证",
        ["早筛", "体外诊断"],
        "27",
    ),
    (
        "功率器件封装散热优化",
        "新一代碳化硅模块功率密度提高后结温偏高，现有封装散热能力不足。",
        "低热阻封装、烧结银连接、热仿真",
        "结壳热阻降低30%，通过1000次温度循环",
        ["碳化硅", "封装", "散热"],
        "39",
    ),
    (
        "在线光谱水质监测仪",
        "现有水质监测依赖实验室化验，数据滞后，需要在线连续监测方案。",
        "紫外-可见光谱、浊度补偿、免试剂测量",
        "COD与氨氮在线测量误差小于5%，免维护周期3个月",
        ["水质监测", "光谱分析"],
        "40",
    ),
    (
        "设施蔬菜智能水肥控制",
        "大棚种植依赖人工经验施肥浇水，用水用肥量大、品质不稳定。",
        "土壤墒情感知、作物需水模型",
        "节水30%、节肥20%，产量不下降",
        ["水肥一体化", "智慧农业"],
        "05",
    ),
    (
        "电解液添加剂绿色合成工艺",
        "现有添加剂合成路线收率低、三废多，亟需绿色连续化工艺。",
        "连续流反应、催化剂回收、杂质控制",
        "收率提高到85%以上，废水减少一半",
        ["绿色合成", "电解液"],
        "26",
    ),
    (
        "无人机机臂复合材料轻量化",
        "现有铝合金机臂重量大，影响续航，希望采用碳纤维复合材料。",
        "铺层设计、连接结构、成型工艺",
        "减重35%，刚度不降低",
        ["复合材料", "无人机", "轻量化"],
        "37",
    ),
    (
        "手术器械表面抗菌涂层",
        "微创手术器械反复消毒后表面易磨损，术后感染风险需进一步降低。",
        "抗菌涂层、耐磨性、生物相容性",
        "抗菌率99%以上，耐受500次灭菌循环",
        ["抗菌涂层", "医疗器械"],
        "35",
    ),
    (
        "陶瓷基板低温烧结",
        "氮化铝陶瓷基板烧结温度高、能耗大，良品率有待提升。",
        "烧结助剂、致密化、翘曲控制",
        "烧结温度降低150℃，良品率达到95%",
        ["低温烧结", "陶瓷基板"],
        "30",
    ),
    (
        "工业数据安全共享平台",
        "上下游企业之间需要共享生产数据，但担心商业秘密泄露。",
        "隐私计算、数据脱敏、访问审计",
        "在数据不出域的前提下完成联合建模",
        ["数据安全", "隐私计算"],
        "64",
    ),
]


#: The IPC classes of each demo need (by title).
NEED_IPC = {
    "动力电池低温快充技术": ["H01M 10/44", "H01M 10/615"],
    "工业视觉缺陷检测算法": ["G06T 7/00", "G06N 3/08"],
    "高浓度有机废水处理工艺": ["C02F 1/72", "C02F 9/00"],
    "可降解包装材料": ["C08L 67/04", "B65D 65/46"],
    "协作机器人力控打磨": ["B25J 9/16", "B24B 27/00"],
    "肿瘤早筛检测试剂": ["G01N 33/574", "C12Q 1/6886"],
    "功率器件封装散热优化": ["H01L 23/367", "H01L 23/373"],
    "在线光谱水质监测仪": ["G01N 21/33", "G01N 33/18"],
    "设施蔬菜智能水肥控制": ["A01G 25/16", "A01C 21/00"],
    "电解液添加剂绿色合成工艺": ["H01M 10/0567", "B01J 19/00"],
    "无人机机臂复合材料轻量化": ["B64U 30/00", "B29C 70/30"],
    "手术器械表面抗菌涂层": ["A61L 31/08", "A61L 31/16"],
    "陶瓷基板低温烧结": ["C04B 35/581", "C04B 35/64"],
    "工业数据安全共享平台": ["G06F 21/62", "H04L 9/40"],
}


def _needs_of(enterprise) -> list[tuple]:
    """The needs that fit the company's industry (every need when none fits)."""
    code = COMPANY_PROFILES.get(_company_kind(enterprise.slug), ("",))[0]
    return [need for need in NEEDS if need[5] == code] or NEEDS


def build_market(rng: random.Random, now: dt.datetime) -> dict:
    managers: dict[int, list] = {}
    for m in Membership.objects.filter(role=Role.TECH_MANAGER).select_related("user"):
        managers.setdefault(m.institution_id, []).append(m.user)
    listings = []
    # The demo office's own university lists most of its results: its pages are the showcase.
    home = (
        Membership.objects.filter(user__username="tto")
        .values_list("institution_id", flat=True)
        .first()
    )
    results = Result.objects.filter(
        status__in=[ResultStatus.PROTECTING, ResultStatus.REGISTERED], trl__gte=3
    ).order_by("pk")
    for result in results:
        contacts = managers.get(result.institution_id)
        if not contacts or rng.random() > (0.85 if result.institution_id == home else 0.3):
            continue
        modes = rng.sample([m.value for m in EngagementMode], rng.randint(1, 3))
        published = now - dt.timedelta(days=rng.randint(1, 300))
        listings.append(
            Listing(
                result=result,
                institution_id=result.institution_id,
                title=result.title,
                summary=result.abstract[:160],
                key_points="、".join(result.keywords[:4]),
                applications=f"适用于{'、'.join(result.keywords[1:3]) or '相关'}领域的企业。",
                engagement_modes=modes,
                ip_status="已申请发明专利" if "invention_patent" in result.ip_types else "已登记",
                trl=result.trl,
                contact=rng.choice(contacts),
                status=ListingStatus.PUBLISHED,
                published_at=published,
            )
        )
    Listing.objects.bulk_create(listings, batch_size=500)
    industry = {c.code: c for c in Classification.objects.filter(scheme=Scheme.INDUSTRY)}
    authors: dict[int, list] = {}
    for m in Membership.objects.filter(role=Role.ENTERPRISE_USER).select_related("user"):
        authors.setdefault(m.institution_id, []).append(m.user)
    demands = []
    today = timezone.localdate()
    for enterprise in Institution.objects.filter(kind=InstitutionKind.ENTERPRISE).order_by("pk"):
        people = authors.get(enterprise.pk)
        if not people:
            continue
        fitting = _needs_of(enterprise)
        chosen = rng.sample(fitting, min(len(fitting), rng.randint(1, 2)))
        for title, problem, points, goals, words, code in chosen:
            demands.append(
                Demand(
                    institution=enterprise,
                    author=rng.choice(people),
                    title=title,
                    problem=problem,
                    key_points=points,
                    goals=goals,
                    keywords=words,
                    budget=Decimal(rng.choice([30, 50, 80, 100, 200, 300, 500])),
                    cooperation_mode=rng.choice([m.value for m in EngagementMode]),
                    industry=industry.get(code),
                    region=enterprise.province,
                    deadline=today + dt.timedelta(days=rng.randint(30, 240)),
                    ipc_codes=NEED_IPC.get(title, []),
                    min_trl=rng.choice([None, 4, 5, 6, 7]),
                    status=DemandStatus.OPEN,
                )
            )
    Demand.objects.bulk_create(demands, batch_size=500)
    listings += _list_the_demo_researcher(managers, now)
    return {
        "listings": len(listings),
        "demands": len(demands),
        "experts": build_experts(rng),
        "enterprise_profiles": build_enterprise_profiles(rng),
    }


def _list_the_demo_researcher(managers: dict[int, list], now: dt.datetime) -> list[Listing]:
    """The demo researcher's page shows a result on the marketplace: list their first eligible
    result when chance did not."""
    eligible = Result.objects.filter(
        inventors__user__username="researcher",
        status__in=[ResultStatus.PROTECTING, ResultStatus.REGISTERED],
    ).order_by("pk")
    if Listing.objects.filter(result__in=eligible).exists():
        return []
    result = eligible.first()
    contacts = managers.get(result.institution_id) if result else None
    if not contacts:
        return []
    listing = Listing.objects.create(
        result=result,
        institution_id=result.institution_id,
        title=result.title,
        summary=result.abstract[:160],
        key_points="、".join(result.keywords[:4]),
        applications="适用于动力电池与储能电池正极材料生产企业。",
        engagement_modes=[EngagementMode.LICENCE, EngagementMode.JOINT_DEVELOPMENT],
        ip_status="已申请发明专利",
        trl=result.trl,
        contact=contacts[0],
        status=ListingStatus.PUBLISHED,
        published_at=now - dt.timedelta(days=12),
    )
    return [listing]


# --- expert profiles -------------------------------------------------------------------------

ACADEMIC_TITLES = ("教授", "教授", "研究员", "副教授", "副教授", "副研究员", "讲师", "助理研究员")
JOURNALS = {
    "materials": ("材料导报", "无机材料学报", "复合材料学报", "中国科学：技术科学"),
    "energy": ("储能科学与技术", "电工技术学报", "中国电机工程学报", "电化学"),
    "information": ("计算机学报", "软件学报", "自动化学报", "电子学报"),
    "bio": ("中国生物医学工程学报", "药学学报", "生物工程学报", "中华检验医学杂志"),
    "machinery": ("机械工程学报", "机器人", "航空学报", "仪器仪表学报"),
    "environment": ("环境科学", "中国环境科学", "环境工程学报", "化工学报"),
    "agriculture": ("农业工程学报", "中国农业科学", "作物学报", "园艺学报"),
}
PAPER_TITLES = (
    "{subject}关键技术研究进展",
    "{subject}的结构设计与实验验证",
    "面向{keyword}应用的{subject}优化方法",
    "{subject}性能的多尺度分析",
    "{subject}的工程化应用与示范",
    "基于数据驱动的{subject}性能预测",
)
ABROAD = ("美国", "德国", "新加坡", "日本", "英国", "加拿大")


FIELD_SENTENCES = (
    "主要研究方向：{subjects}。关注{words}领域的工程化与产业化应用，可为企业提供技术攻关、"
    "联合研发与技术咨询。",
    "长期从事{subjects}研究，在{words}方面积累了较多中试与工程化经验，欢迎企业洽谈联合研发。",
    "研究兴趣包括{subjects}等，近年来重点面向{words}开展应用研究，可承接技术开发与技术服务。",
    "聚焦{subjects}等方向。团队具备从实验室研究到小批量试制的完整条件，擅长解决{words}相关问题。",
)


def _field_of(membership) -> str | None:
    """The technical field of the person's department (or institute); None for a department
    without one (humanities, arts), whose people get no expert profile in the demo."""
    names = [membership.department.name if membership.department_id else ""]
    if not membership.department_id:
        names.append(membership.institution.name)
    for name in names:
        for needle, field in DEPARTMENT_FIELDS:
            if needle in name:
                return field
    return None


def _inventions() -> dict[int, list[tuple[list[str], str | None]]]:
    """Each inventor's results as (keywords, industry code)."""
    found: dict[int, list] = {}
    rows = ResultInventor.objects.filter(user__isnull=False).values_list(
        "user_id", "result__keywords", "result__industry__code"
    )
    for user_id, keywords, code in rows:
        found.setdefault(user_id, []).append((keywords or [], code))
    return found


def _publications(rng, name, colleagues, field, subjects, keywords) -> str:
    lines, titles = [], set()
    for _ in range(rng.randint(3, 8)):
        authors = rng.sample(colleagues, min(len(colleagues), rng.randint(1, 3)))
        authors.insert(rng.choice([0, 0, len(authors)]), name)
        title = rng.choice(PAPER_TITLES).format(
            subject=rng.choice(subjects), keyword=rng.choice(keywords)
        )
        if title in titles:
            continue
        titles.add(title)
        year = rng.randint(2016, 2026)
        first = rng.randint(1, 180)
        line = (
            f"{', '.join(dict.fromkeys(authors))}. {title}[J]. {rng.choice(JOURNALS[field])}, "
            f"{year}, {year - 1979}({rng.randint(1, 12)}): {first}-{first + rng.randint(6, 14)}."
        )
        lines.append((year, line))
    return "\n".join(line for _year, line in sorted(lines, key=lambda item: -item[0]))


def _bio(rng, user, title, membership, subjects, schools) -> str:
    where = membership.institution.name + (
        membership.department.name if membership.department_id else ""
    )
    abroad = f"曾在{rng.choice(ABROAD)}访问研究一年，" if rng.random() < 0.4 else ""
    award = f"，获省部级科技奖励{rng.randint(1, 3)}项" if rng.random() < 0.4 else ""
    return (
        f"{user.name}，{title}，{where}。{rng.randint(1995, 2018)}年获{rng.choice(schools)}"
        f"博士学位，{abroad}长期从事{'、'.join(subjects[:2])}等方向的研究。主持国家自然科学"
        f"基金、国家重点研发计划课题等项目{rng.randint(2, 12)}项，发表学术论文"
        f"{rng.randint(2, 12) * 10}余篇，获授权发明专利{rng.randint(2, 30)}项{award}。"
    )


def _expert(rng, membership, inventions, colleagues, schools, industry) -> ExpertProfile:
    user = membership.user
    field = _field_of(membership) or "materials"
    codes, _sei, subjects, _methods, _effects, words = FIELDS[field]
    own = inventions.get(user.pk, [])
    mine = [keywords[0] for keywords, _code in own if keywords]
    subjects = list(dict.fromkeys(mine + rng.sample(subjects, 3)))[:4]
    keywords = list(
        dict.fromkeys([w for keywords, _code in own for w in keywords] + rng.sample(words, 3))
    )[:6]
    found = [code for _words, code in own if code]
    code = max(set(found), key=found.count) if found else codes[0]
    title = user.title if user.title in ACADEMIC_TITLES else rng.choice(ACADEMIC_TITLES)
    return ExpertProfile(
        user=user,
        institution_id=membership.institution_id,
        department_id=membership.department_id,
        title=title,
        fields=rng.choice(FIELD_SENTENCES).format(
            subjects="、".join(subjects), words="、".join(keywords[:2])
        ),
        keywords=keywords,
        bio=_bio(rng, user, title, membership, subjects, schools),
        publications=_publications(rng, user.name, colleagues, field, subjects, keywords),
        industry=industry.get(code),
        is_public=user.username in ("researcher", "reviewer") or rng.random() < 0.8,
    )


def build_experts(rng: random.Random) -> int:
    """Expert profiles for most researchers with results and some reviewers; most are public."""
    academic = [InstitutionKind.UNIVERSITY, InstitutionKind.RESEARCH_INSTITUTE]
    memberships = (
        Membership.objects.filter(
            institution__kind__in=academic, role__in=[Role.RESEARCHER, Role.REVIEWER]
        )
        .select_related("user", "institution", "department")
        .order_by("role", "pk")  # researcher before reviewer: a profile sits where one works
    )
    inventions = _inventions()
    industry = {c.code: c for c in Classification.objects.filter(scheme=Scheme.INDUSTRY)}
    schools = [
        name
        for name in Institution.objects.filter(
            kind=InstitutionKind.UNIVERSITY, name__endswith="大学"
        ).values_list("name", flat=True)
        if not any(word in name for word in ("医", "药", "体育", "师范", "艺术", "外国语"))
    ] or ["京华大学"]
    names: dict[int, list[str]] = {}
    for m in memberships:
        names.setdefault(m.institution_id, []).append(m.user.name)
    profiles, seen = [], set()
    for m in memberships:
        if m.user_id in seen:
            continue
        demo = m.user.username in ("researcher", "reviewer")
        chance = 0.6 if m.user_id in inventions else 0.2
        if not demo and (_field_of(m) is None or rng.random() > chance):
            continue
        seen.add(m.user_id)
        colleagues = [n for n in names[m.institution_id] if n != m.user.name] or ["课题组"]
        profiles.append(_expert(rng, m, inventions, colleagues, schools, industry))
    ExpertProfile.objects.bulk_create(profiles, batch_size=500)
    return len(profiles)


# --- enterprise profiles ---------------------------------------------------------------------

#: The demo company's industry (as in its short code) → GB/T 4754 division, main products,
#: technology fields of interest.
COMPANY_PROFILES = {
    "ai": (
        "65",
        "工业视觉检测设备、智能质检软件、边缘计算终端",
        "小样本缺陷检测算法、模型压缩与边缘部署、多传感器融合",
    ),
    "bio": ("27", "体外诊断试剂、生物制剂、原料药", "液体活检、新型给药系统、抗体工程"),
    "mat": ("30", "特种陶瓷、高性能涂层材料、导热界面材料", "纳米复合材料、低温烧结、界面改性"),
    "env": ("77", "工业废水处理成套设备、VOCs治理装置", "高级氧化、催化剂寿命提升、污泥资源化"),
    "it": ("65", "行业信息化平台、数据治理软件", "知识图谱、隐私计算、低代码平台"),
    "inst": ("40", "在线分析仪表、精密测量仪器", "光谱分析、传感器微型化、仪器校准"),
    "energy": ("38", "储能变流器、光伏逆变器、充电模块", "电池健康状态估计、热管理、宽禁带器件"),
    "med": ("35", "医用影像设备、微创手术器械", "医学图像处理、可吸收材料、手术机器人"),
    "semi": ("39", "功率半导体器件、芯片封装测试服务", "碳化硅器件、先进封装、芯片缺陷检测"),
    "agri": ("05", "水肥一体化设备、生物农药、果蔬保鲜服务", "智慧灌溉、生物防治、冷链保鲜"),
    "aero": ("37", "无人机系统、航空结构件", "复合材料结构、飞控算法、增材制造"),
    "robot": ("34", "协作机器人、精密减速器、智能产线", "力控打磨、轨迹规划、故障诊断"),
    "soft": ("65", "工业软件、企业管理软件", "数字孪生、工业互联网、软件测试自动化"),
    "comm": ("39", "5G小基站、光通信模块", "毫米波天线、低功耗通信芯片、网络切片"),
    "chem": ("26", "精细化学品、电子化学品、催化剂", "绿色合成工艺、连续流反应、催化剂回收"),
    "elec": ("39", "电源管理模块、工业控制板卡", "高效电源拓扑、电磁兼容、嵌入式系统"),
    "opto": ("39", "激光器、光学镜头、光电传感器", "超快激光、光学设计、红外探测"),
    "storage": ("38", "储能电池系统、电池管理系统", "固态电池、钠离子电池、热失控预警"),
    "test": ("74", "检验检测服务、计量校准服务", "无损检测、在线监测、检测数据分析"),
    "data": ("64", "数据中台、行业大数据服务", "数据安全、联邦学习、时序数据分析"),
}
SOFTWARE_DIVISIONS = frozenset({"63", "64", "65"})


def _company_kind(slug: str) -> str:
    """The demo company's industry, from its short code (``junchi-soft`` → ``soft``)."""
    return next((part for part in reversed(slug.split("-")) if part in COMPANY_PROFILES), "")


def _size(employees: int | None, code: str) -> str:
    """The size class by staff, as the SME classification rules set it (software and
    information services have lower bounds than industry)."""
    if employees is None:
        return ""
    bounds = (10, 100, 300) if code in SOFTWARE_DIVISIONS else (20, 300, 1000)
    sizes = (EnterpriseSize.MICRO, EnterpriseSize.SMALL, EnterpriseSize.MEDIUM)
    for bound, size in zip(bounds, sizes, strict=True):
        if employees < bound:
            return size
    return EnterpriseSize.LARGE


def _number(pattern: str, text: str) -> int | None:
    match = re.search(pattern, text or "")
    return int(match.group(1)) if match else None


def build_enterprise_profiles(rng: random.Random) -> int:
    """A profile for (almost) every demo company, consistent with its description."""
    industry = {c.code: c for c in Classification.objects.filter(scheme=Scheme.INDUSTRY)}
    profiles = []
    companies = Institution.objects.filter(kind=InstitutionKind.ENTERPRISE).order_by("pk")
    for index, company in enumerate(companies):
        if index and rng.random() < 0.08:  # a few have not described themselves yet
            continue
        code, products, interests = COMPANY_PROFILES.get(_company_kind(company.slug), ("", "", ""))
        employees = _number(r"员工约(\d+)人", company.description)
        profiles.append(
            EnterpriseProfile(
                institution=company,
                industry=industry.get(code),
                size=_size(employees, code),
                employees=employees,
                founded_year=_number(r"成立于(\d{4})年", company.description),
                main_products=products,
                tech_fields=interests,
            )
        )
    EnterpriseProfile.objects.bulk_create(profiles, batch_size=500)
    return len(profiles)
