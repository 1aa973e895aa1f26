"""Demo marketplace: published listings of protected results written for industry, and the demo
enterprises' technology demands."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from datong.core.roles import Role
from datong.institutions.models import Institution, InstitutionKind, Membership
from datong.market.models import (
    Demand,
    DemandStatus,
    EngagementMode,
    Listing,
    ListingStatus,
)
from datong.results.models import Classification, Result, ResultStatus, Scheme

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
]


def build_market(rng: random.Random, now: dt.datetime) -> dict:
    managers: dict[int, list] = {}
    for m in Membership.objects.filter(role=Role.TECH_MANAGER).select_related("user"):
        managers.setdefault(m.institution_id, []).append(m.user)
    listings = []
    results = Result.objects.filter(
        status__in=[ResultStatus.PROTECTING, ResultStatus.REGISTERED], trl__gte=3
    ).order_by("pk")
    for result in results:
        contacts = managers.get(result.institution_id)
        if not contacts or rng.random() > 0.3:
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
        for title, problem, points, goals, words, code in rng.sample(NEEDS, rng.randint(1, 2)):
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
                    status=DemandStatus.OPEN,
                )
            )
    Demand.objects.bulk_create(demands, batch_size=500)
    return {"listings": len(listings), "demands": len(demands)}
