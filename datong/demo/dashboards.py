"""Demo region–university cooperation agreements.

One real case from the source material: Changsha and Zhejiang University signed a city–university
science and technology cooperation agreement in 2008 and opened the Zhejiang University Changsha
Technology Transfer Centre in 2009; over 2009–2018 it landed 78 projects with contracts of about
140 million yuan (engineering machinery, biomedicine, artificial intelligence, environmental
governance, food). The published figures are ten-year totals; the yearly split below is a
plausible one that adds up to exactly 78 projects and ¥140,000,000.

The demo home university (``jbit``) gets two fictional agreements with yearly figures.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from datong.accounts.models import User
from datong.core.models import AuditEntry
from datong.institutions import services as institution_services
from datong.institutions.models import Institution, InstitutionKind
from datong.reports.dashboards import services
from datong.reports.dashboards.models import CooperationAgreement

#: year → (projects landed, contract total in 10 000 yuan); totals 78 and 14 000.
ZJU_CHANGSHA_YEARS = {
    2009: (3, 420),
    2010: (5, 780),
    2011: (6, 960),
    2012: (7, 1150),
    2013: (8, 1280),
    2014: (8, 1390),
    2015: (9, 1560),
    2016: (10, 1780),
    2017: (11, 2150),
    2018: (11, 2530),
}

ZJU = {
    "slug": "zju",
    "name": "浙江大学",
    "name_en": "Zhejiang University",
    "short_name": "浙大",
    "kind": InstitutionKind.UNIVERSITY,
    "province": "330000",
    "city": "杭州市",
    "website": "https://www.zju.edu.cn",
    "email": "tto@zju.edu.cn",
    "phone": "0571-87951111",
    "description": (
        "浙江大学（真实机构，仅用于展示源文档所述长沙市校合作）：2009年在长沙设立技术转移中心，"
        "十年落地项目78项。该机构不属于演示联盟，也没有演示人员。"
    ),
    "description_en": (
        "Zhejiang University (a real institution, shown only for the Changsha cooperation told in "
        "the source document): its Changsha technology-transfer centre opened in 2009 and landed "
        "78 projects in ten years. It is not a member of the demo alliance and has no demo people."
    ),
}

#: Institutions of the demo that are real (the rest is fictional); not members of the alliance.
REAL_INSTITUTIONS = frozenset({"zju"})

ZJU_CHANGSHA = {
    "title": "长沙市—浙江大学市校科技合作协议",
    "partner_province": "430000",
    "partner_city": "长沙市",
    "signed_year": 2008,
    "year_from": 2009,
    "year_to": 2018,
    "centre_name": "浙江大学长沙技术转移中心",
    "note": (
        "2008年长沙市与浙江大学签订市校科技合作协议，2009年浙江大学长沙技术转移中心挂牌成立。"
        "十年间（2009—2018）实现技术转移落地项目78项，合同金额累计约1.4亿元，涉及工程机械、"
        "生物医药、人工智能、环境治理、食品等产业链。各年数字为按十年合计分配的示意值。"
    ),
}

#: Fictional agreements of the demo home university: (data, yearly projects range, 万元 range).
JBIT_AGREEMENTS = [
    (
        {
            "title": "京北理工大学—苏州市科技合作协议",
            "partner_province": "320000",
            "partner_city": "苏州市",
            "signed_year": 2016,
            "year_from": 2016,
            "year_to": 2025,
            "centre_name": "京北理工大学苏州创新研究院",
            "note": "共建创新研究院，面向智能制造和新材料企业开展技术转移、中试和人才培养。",
        },
        (3, 9),
        (300, 1600),
    ),
    (
        {
            "title": "京北理工大学—廊坊市产学研合作协议",
            "partner_province": "130000",
            "partner_city": "廊坊市",
            "signed_year": 2019,
            "year_from": 2019,
            "year_to": 2023,
            "centre_name": "京北理工大学廊坊技术转移工作站",
            "note": "服务京津冀协同发展，重点对接新一代信息技术和节能环保企业。",
        },
        (1, 5),
        (80, 600),
    ),
]


def _zju(admin: User | None) -> Institution:
    zju = Institution.objects.filter(slug=ZJU["slug"]).first()
    if zju is None:
        zju = institution_services.institution_create(actor=admin, **ZJU)
        # Like every demo institution, its creation time is the one its audit entry shows.
        entry = AuditEntry.objects.filter(
            action="institution.create", object_id=str(zju.pk)
        ).first()
        if entry is not None:
            Institution.objects.filter(pk=zju.pk).update(created_at=entry.at)
    return zju


def build_dashboards(rng: random.Random, now: dt.datetime, size: str = "small") -> dict:
    """Record the demo's cooperation agreements and their yearly figures; return counts."""
    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    created = 0
    zju = _zju(admin)
    if not CooperationAgreement.objects.filter(institution=zju, partner_city="长沙市").exists():
        agreement = services.agreement_create(actor=admin, institution=zju, data=ZJU_CHANGSHA)
        for year, (projects, wan) in ZJU_CHANGSHA_YEARS.items():
            services.agreement_year_set(
                actor=admin,
                agreement=agreement,
                year=year,
                projects=projects,
                contract_total=Decimal(wan) * 10000,
            )
        created += 1
    home = Institution.objects.filter(slug="jbit").first()
    if home is not None:
        last_year = now.year - 1
        for data, projects, wan in JBIT_AGREEMENTS:
            if CooperationAgreement.objects.filter(institution=home, title=data["title"]).exists():
                continue
            agreement = services.agreement_create(actor=admin, institution=home, data=data)
            for year in range(data["year_from"], min(data["year_to"], last_year) + 1):
                services.agreement_year_set(
                    actor=admin,
                    agreement=agreement,
                    year=year,
                    projects=rng.randint(*projects),
                    contract_total=Decimal(rng.randint(*wan)) * 10000,
                )
            created += 1
    return {"cooperation agreements": created}
