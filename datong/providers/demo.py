"""Demo directory profiles for the demo's service-provider institutions.

The demo loader calls :func:`build_provider_profiles` after the institutions and people exist.
It writes through the services (as the system), so the audit log shows the profiles' creation.
"""

from __future__ import annotations

import datetime as dt
import random

from datong.core.roles import Role
from datong.institutions.models import Institution, InstitutionKind, Membership
from datong.institutions.regions import province_name

from . import services
from .models import ProviderCategory, ProviderProfile

#: (IPC subclass, GB/T 4754 division, what it is) — technical fields an agency covers.
TECH_FIELDS = (
    ("H01M", "38", "电池与储能"),
    ("H02J", "38", "电网与电力电子"),
    ("G06F", "65", "计算机与软件"),
    ("G06N", "65", "人工智能"),
    ("H04L", "39", "通信网络"),
    ("H01L", "39", "半导体器件"),
    ("A61K", "27", "医药制剂"),
    ("C12N", "27", "生物技术"),
    ("A61B", "35", "医疗器械"),
    ("G01N", "40", "检测与分析仪器"),
    ("B25J", "34", "机器人"),
    ("C08L", "29", "高分子材料"),
    ("C01B", "26", "无机化工与新材料"),
)

#: Words in an institution's name that say which category it is, first match wins.
NAME_CATEGORIES = (
    ("专利代理", ProviderCategory.PATENT_AGENCY),
    ("知识产权代理", ProviderCategory.PATENT_AGENCY),
    ("律师事务所", ProviderCategory.LAW_FIRM),
    ("资产评估", ProviderCategory.EVALUATOR),
    ("评估", ProviderCategory.EVALUATOR),
    ("创业投资", ProviderCategory.INVESTOR),
    ("创投", ProviderCategory.INVESTOR),
    ("投资", ProviderCategory.INVESTOR),
    ("孵化", ProviderCategory.INCUBATOR),
    ("技术转移", ProviderCategory.TECH_TRANSFER),
    ("医疗器械", ProviderCategory.INDUSTRY_PLATFORM),
    ("临床", ProviderCategory.INDUSTRY_PLATFORM),
    ("检测", ProviderCategory.INDUSTRY_PLATFORM),
)

#: Second categories some providers also offer.
EXTRA_CATEGORY = {
    ProviderCategory.PATENT_AGENCY: ProviderCategory.LAW_FIRM,
    ProviderCategory.INVESTOR: ProviderCategory.INCUBATOR,
    ProviderCategory.TECH_TRANSFER: ProviderCategory.EVALUATOR,
    ProviderCategory.INCUBATOR: ProviderCategory.INVESTOR,
}

SERVICES = {
    ProviderCategory.PATENT_AGENCY: "专利申请代理（发明、实用新型、外观设计），PCT 国际申请，"
    "专利挖掘与布局，审查意见答复，复审与无效宣告，专利检索与自由实施（FTO）分析。",
    ProviderCategory.LAW_FIRM: "知识产权诉讼与仲裁，技术转让与许可合同起草和谈判，"
    "科技成果作价入股与股权架构设计，职务科技成果赋权法律咨询。",
    ProviderCategory.EVALUATOR: "无形资产与专利价值评估，科技成果作价入股评估，"
    "知识产权质押融资评估，技术合同认定登记辅助。",
    ProviderCategory.INVESTOR: "天使轮与 A 轮股权投资，概念验证项目跟投，"
    "高校科技成果转化项目的投后管理与融资辅导。",
    ProviderCategory.INCUBATOR: "办公与中试场地，创业导师辅导，投融资对接，"
    "工商注册与政策申报代办，科技型中小企业评价辅导。",
    ProviderCategory.TECH_TRANSFER: "技术评价与技术经纪，成果推介与路演，"
    "产学研项目对接，技术合同登记与技术市场服务。",
    ProviderCategory.INDUSTRY_PLATFORM: "医疗器械注册检验与注册申报，临床试验机构对接，"
    "GMP 体系辅导，第三方检验检测服务。",
}


def category_from_name(name: str) -> str:
    for word, category in NAME_CATEGORIES:
        if word in name:
            return category
    return ProviderCategory.TECH_TRANSFER


def _valid_until(rng: random.Random) -> str:
    return dt.date(rng.randint(2026, 2030), rng.randint(1, 12), rng.randint(1, 28)).isoformat()


def _qualifications(rng: random.Random, institution: Institution, category: str) -> list[dict]:
    place = province_name(institution.province) or "北京市"
    prefix = institution.province[:2] if institution.province else "11"
    year = rng.randint(2008, 2023)
    if category == ProviderCategory.PATENT_AGENCY:
        rows = [
            {
                "name": "专利代理机构执业许可证",
                "number": f"{prefix}{rng.randint(100, 999)}",
                "issued_by": "国家知识产权局",
                "valid_until": "",
            },
            {
                "name": "知识产权管理体系认证（GB/T 29490-2023）",
                "number": f"165IP{year % 100:02d}{rng.randint(1000, 9999)}R0M",
                "issued_by": "中知（北京）认证有限公司",
                "valid_until": _valid_until(rng),
            },
        ]
        if rng.random() < 0.5:
            rows.append(
                {
                    "name": "涉外专利代理资质（PCT 国际申请）",
                    "number": f"PCT-{prefix}-{rng.randint(10, 99)}",
                    "issued_by": "中华全国专利代理师协会",
                    "valid_until": _valid_until(rng),
                }
            )
        return rows
    if category == ProviderCategory.LAW_FIRM:
        return [
            {
                "name": "律师事务所执业许可证",
                "number": institution.credit_code or f"31{prefix}0000{rng.randint(10**7, 10**8)}",
                "issued_by": f"{place}司法局",
                "valid_until": "",
            }
        ]
    if category == ProviderCategory.EVALUATOR:
        return [
            {
                "name": "资产评估机构备案",
                "number": f"{prefix}{year}{rng.randint(1000, 9999)}",
                "issued_by": f"{place}财政局",
                "valid_until": "",
            },
            {
                "name": "证券服务业务资产评估机构备案",
                "number": f"ZQ{year}{rng.randint(100, 999)}",
                "issued_by": "中国证券监督管理委员会",
                "valid_until": "",
            },
        ]
    if category == ProviderCategory.INVESTOR:
        return [
            {
                "name": "私募基金管理人登记",
                "number": f"P10{rng.randint(10000, 99999)}",
                "issued_by": "中国证券投资基金业协会",
                "valid_until": "",
            }
        ]
    if category == ProviderCategory.INCUBATOR:
        return [
            {
                "name": "国家级科技企业孵化器",
                "number": f"国科火字〔{year}〕{rng.randint(10, 300)}号",
                "issued_by": "科学技术部",
                "valid_until": "",
            }
        ]
    if category == ProviderCategory.INDUSTRY_PLATFORM:
        return [
            {
                "name": "检验检测机构资质认定证书（CMA）",
                "number": f"{year % 100:02d}{prefix}12{rng.randint(100000, 999999)}",
                "issued_by": f"{place}市场监督管理局",
                "valid_until": _valid_until(rng),
            }
        ]
    return [
        {
            "name": "技术合同登记服务机构",
            "number": f"{prefix}JS{rng.randint(1000, 9999)}",
            "issued_by": f"{place}科学技术委员会",
            "valid_until": "",
        }
    ]


def _fields(rng: random.Random, category: str) -> tuple[list[str], list[str]]:
    if category in (ProviderCategory.PATENT_AGENCY, ProviderCategory.TECH_TRANSFER):
        picked = rng.sample(TECH_FIELDS, rng.randint(2, 4))
        return [p[0] for p in picked], list(dict.fromkeys(p[1] for p in picked))
    if category == ProviderCategory.INDUSTRY_PLATFORM:
        return ["A61B", "A61K"], ["35", "27"]
    if category in (ProviderCategory.INVESTOR, ProviderCategory.INCUBATOR):
        picked = rng.sample(TECH_FIELDS, rng.randint(2, 3))
        return [], list(dict.fromkeys(p[1] for p in picked))
    if category == ProviderCategory.LAW_FIRM:
        return [], ["72"]
    return [], ["72", "75"]


def _contact(institution: Institution) -> tuple[str, str]:
    membership = (
        Membership.objects.filter(institution=institution)
        .select_related("user")
        .order_by("-role", "pk")  # provider users first
        .filter(role=Role.PROVIDER_USER)
        .first()
        or Membership.objects.filter(institution=institution).select_related("user").first()
    )
    if membership is None:
        return "", ""
    return membership.user.get_full_name(), membership.user.email


def build_provider_profiles(rng: random.Random) -> list[ProviderProfile]:
    """A profile for every demo service provider that has none; the first patent agency and
    one provider of another kind are recommended by the alliance."""
    profiles = []
    providers = Institution.objects.filter(kind=InstitutionKind.SERVICE_PROVIDER).order_by("pk")
    for institution in providers:
        if ProviderProfile.objects.filter(institution=institution).exists():
            continue
        category = category_from_name(institution.name)
        categories = [category]
        if category in EXTRA_CATEGORY and rng.random() < 0.3:
            categories.append(EXTRA_CATEGORY[category])
        ipc, industry = _fields(rng, category)
        contact_name, contact_email = _contact(institution)
        focus = ""
        if ipc:
            focus = "擅长领域：" + "、".join(f[2] for f in TECH_FIELDS if f[0] in ipc) + "。"
        profile = services.profile_save(
            actor=None,
            institution=institution,
            data={
                "categories": categories,
                "qualifications": _qualifications(rng, institution, category),
                "ipc_fields": ipc,
                "industry_fields": industry,
                "services": SERVICES[category] + focus,
                "contact_name": contact_name,
                "contact_phone": institution.phone,
                "contact_email": contact_email or institution.email,
            },
        )
        profiles.append(profile)
    recommended_kinds: set[str] = set()
    for profile in profiles:
        main = profile.categories[0]
        if main in recommended_kinds or len(recommended_kinds) >= 2:
            continue
        if main == ProviderCategory.PATENT_AGENCY or recommended_kinds:
            services.profile_recommend(
                actor=None,
                institution=profile.institution,
                recommended=True,
                reason="联盟 2025 年度服务机构评议：响应及时、成员单位满意度高。",
            )
            profile.refresh_from_db()
            recommended_kinds.add(main)
    return profiles
