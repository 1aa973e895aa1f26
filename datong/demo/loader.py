"""The fictional demo alliance: seeded, repeatable, fast.

``load_demo`` replaces whatever the database holds with the 京华高校技术转移联盟 — about forty
invented universities, research institutes, companies, service providers and government bodies,
their schools, their people and a plausible audit history — and one log-in per role, every
password ``datong-demo``. The same seed gives the same data. Rows are built in memory and
written with ``bulk_create``; the password is hashed once and shared.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import unicodedata
import zoneinfo
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.urls import NoReverseMatch, reverse

from datong.accounts.models import User
from datong.core import audit
from datong.core.models import AuditEntry
from datong.core.roles import Role
from datong.institutions import credit_code
from datong.institutions.models import (
    Alliance,
    AllianceMember,
    Department,
    Institution,
    InstitutionKind,
    Membership,
)
from datong.institutions.regions import province_name
from datong.institutions.services import DEPARTMENT_FIELDS, INSTITUTION_FIELDS
from datong.matching.store import updates_paused
from datong.notifications.services import emails_muted
from datong.providers.demo import build_provider_profiles
from datong.results.models import (
    Disclosure,
    Result,
)

from . import data
from .cases import build_cases
from .dashboards import build_dashboards
from .data import CITIES, City
from .deals import build_deals
from .income import build_income
from .ip import build_ip
from .market import build_market
from .matching import build_judgements
from .poc import build_poc
from .results import build_results, build_showcase
from .ventures import build_ventures

DEMO_PASSWORD = "datong-demo"

#: One log-in per role: (username, role, what it shows).
DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    ("admin", "superuser", "Site administrator: sees and manages everything"),
    (
        "researcher",
        Role.RESEARCHER.value,
        "Researcher at the first university; also a reviewer at a research institute",
    ),
    ("tto", Role.TTO_STAFF.value, "Transfer-office staff at the first university"),
    ("manager", Role.TECH_MANAGER.value, "Technology manager at the first university"),
    ("reviewer", Role.REVIEWER.value, "Reviewer at the first university"),
    ("enterprise", Role.ENTERPRISE_USER.value, "Enterprise user at a technology company"),
    ("provider", Role.PROVIDER_USER.value, "Service-provider user at a patent agency"),
    ("alliance", Role.ALLIANCE_ADMIN.value, "Alliance administrator at the secretariat"),
    ("observer", Role.OBSERVER.value, "Observer at the secretariat (government liaison)"),
]

SIZES = ("small", "large")
ALLIANCE_SLUG = "jinghua-alliance"
ALLIANCE_FOUNDED = dt.date(2018, 12, 6)

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
#: Everything in the demo happened before this moment.
BASE = dt.datetime(2026, 11, 1, tzinfo=TZ)
#: The platform went live on this day; the audit history starts here.
PLATFORM_START = dt.date(2024, 1, 8)
RESULTS_NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)  # "today" of the demo registry
LAST_DAY = (BASE - dt.timedelta(days=2)).date()

# People per institution: (low, high) for ``small``; ``large`` multiplies by SCALE.
UNIVERSITY_PEOPLE = {
    Role.TTO_STAFF: (2, 4),
    Role.TECH_MANAGER: (2, 5),
    Role.RESEARCHER: (8, 12),  # (12, 20) at a major university
    Role.REVIEWER: (1, 3),
}
MAJOR_RESEARCHERS = (12, 20)
INSTITUTE_PEOPLE = {
    Role.TTO_STAFF: (1, 2),
    Role.TECH_MANAGER: (1, 2),
    Role.RESEARCHER: (4, 9),
    Role.REVIEWER: (1, 2),
}
SCALE = {
    "small": {Role.TTO_STAFF: 1, Role.TECH_MANAGER: 1, Role.RESEARCHER: 1, Role.REVIEWER: 1},
    "large": {Role.TTO_STAFF: 3, Role.TECH_MANAGER: 4, Role.RESEARCHER: 13, Role.REVIEWER: 6},
}
COMPANIES = {"small": (30, 15), "large": (400, 60)}  # (enterprises, service providers)
BATCH = 500


class _Org:
    """One institution being built, with what the history needs to know about it."""

    def __init__(self, institution: Institution, city: City, district: str, domain: str):
        self.institution = institution
        self.city = city
        self.district = district
        self.domain = domain
        self.created_on: dt.date = PLATFORM_START
        self.created_at: dt.datetime = BASE
        self.updates: list[tuple[dt.datetime, dict[str, list[Any]]]] = []
        self.initial: dict[str, Any] = {}
        self.departments: list[Department] = []
        self.department_times: list[dt.datetime] = []
        self.office: User | None = None  # the first staff member: acts in the history
        self.office_at: dt.datetime | None = None
        self.used_locals: set[str] = set()
        self.major = False  # a large university


class _Builder:
    def __init__(self, size: str, seed: int, password_hash: str):
        self.size = size
        self.seed = seed
        self.rng = random.Random(seed)
        self.password = password_hash
        self.orgs: list[_Org] = []
        self.users: list[User] = []
        self.memberships: list[tuple[Membership, dt.datetime, _Org]] = []
        self.logged_grants: set[int] = set()  # id() of memberships whose grant is in the log
        self.entries: list[AuditEntry] = []
        self.member_ids: set[int] = set()
        self.usernames: set[str] = {name for name, _role, _text in DEMO_ACCOUNTS}
        self.slugs: set[str] = set()
        self.demo: dict[str, User] = {}
        surnames, weights = zip(*[((zh, py), w) for zh, py, w in data.SURNAMES], strict=True)
        self._surnames = surnames
        self._surname_weights = list(weights)

    # --- small random helpers ------------------------------------------------------------

    def pick(self, seq: Sequence):
        return seq[self.rng.randrange(len(seq))]

    def weighted(self, pairs: Sequence[tuple[Any, int]]):
        return self.rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]

    def count(self, bounds: tuple[int, int], factor: int = 1) -> int:
        return self.rng.randint(bounds[0] * factor, bounds[1] * factor)

    def day(self, low: dt.date, high: dt.date) -> dt.date:
        """A working day between ``low`` and ``high`` (inclusive) when there is one."""
        high = max(low, high)
        day = low + dt.timedelta(days=self.rng.randrange((high - low).days + 1))
        if day.weekday() == 5 and day - dt.timedelta(days=1) >= low:
            day -= dt.timedelta(days=1)
        elif day.weekday() == 6 and day + dt.timedelta(days=1) <= high:
            day += dt.timedelta(days=1)
        return day

    def moment(self, day: dt.date) -> dt.datetime:
        """A time during office hours on ``day``."""
        seconds = self.rng.randrange(9 * 3600, 18 * 3600)
        return dt.datetime(day.year, day.month, day.day, tzinfo=TZ) + dt.timedelta(seconds=seconds)

    def between(self, low: dt.date, high: dt.date) -> dt.datetime:
        return self.moment(self.day(low, high))

    def landline(self, city: City) -> str:
        first = self.pick("68" if city.area_code == "010" else "2345678")
        rest = "".join(self.pick("0123456789") for _ in range(city.digits - 1))
        return f"{city.area_code}-{first}{rest}"

    def mobile(self) -> str:
        rest = "".join(self.pick("0123456789") for _ in range(8))
        return f"{self.pick(data.MOBILE_PREFIXES)}{rest}"

    def address(self, city: City, district: str, suffix: str = "") -> str:
        province = province_name(city.province)
        prefix = "" if province == city.full else province
        number = self.rng.randint(1, 199)
        return f"{prefix}{city.full}{district}{self.pick(data.ROADS)}{number}号{suffix}"

    def credit(self, prefix: str, district_code: str, body: str | None = None) -> str:
        if body is None:
            body = "MA0" + "".join(self.pick(credit_code.ALPHABET) for _ in range(6))
        first17 = f"{prefix}{district_code}{body}"
        return first17 + credit_code.check_character(first17)

    def unique_slug(self, base: str) -> str:
        slug, n = base, 2
        while slug in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        self.slugs.add(slug)
        return slug

    # --- institutions --------------------------------------------------------------------

    def add_org(
        self,
        *,
        kind: str,
        slug: str,
        name: str,
        name_en: str,
        short_name: str,
        city: City,
        district: str,
        domain: str,
        email_local: str,
        description: str,
        description_en: str,
        credit: str = "",
        address_suffix: str = "",
        is_listed: bool = True,
        created_on: tuple[dt.date, dt.date],
    ) -> _Org:
        self.slugs.add(slug)
        institution = Institution(
            slug=slug,
            name=name,
            name_en=name_en,
            short_name=short_name,
            kind=kind,
            province=city.province,
            city=city.full,
            address=self.address(city, district, address_suffix),
            website=f"https://www.{domain}",
            email=f"{email_local}@{domain}",
            phone=self.landline(city),
            credit_code=credit,
            description=description,
            description_en=description_en,
            is_listed=is_listed,
        )
        org = _Org(institution, city, district, domain)
        org.created_on = self.day(*created_on)
        org.created_at = self.moment(org.created_on)
        self.orgs.append(org)
        return org

    def plan_updates(self, org: _Org) -> None:
        """Profile edits after registration; the stored values are the latest ones."""
        inst = org.institution
        current = {field: getattr(inst, field) for field in INSTITUTION_FIELDS}
        candidates = ["phone", "address", "email", "website"]
        if inst.description_en:
            candidates.append("description_en")
        if inst.short_name:
            candidates.append("short_name")
        n = self.weighted([(0, 25), (1, 35), (2, 25), (3, 15)])
        fields = self.rng.sample(candidates, n)
        first = org.created_on + dt.timedelta(days=30)
        days = sorted(self.day(first, LAST_DAY) for _ in fields)
        initial = dict(current)
        for field, day in zip(reversed(fields), reversed(days), strict=True):
            new = initial[field]
            if field == "phone":
                old = self.landline(org.city)
            elif field == "address":
                old = self.address(org.city, org.district)
            elif field == "email":
                local = self.pick(["office", "info", "contact", "kjc"])
                old = f"{local}@{org.domain}" if f"{local}@" not in new else f"admin@{org.domain}"
            elif field == "website":
                old = new.replace("https://", "http://", 1)
            else:  # added later
                old = ""
            if old == new:
                continue
            initial[field] = old
            org.updates.append((self.moment(day), {field: [old, new]}))
        org.updates.sort(key=lambda item: item[0])
        org.initial = initial

    def build_secretariat(self) -> _Org:
        city = CITIES["beijing"]
        domain = "jhtta.example.org.cn"
        org = self.add_org(
            kind=InstitutionKind.ALLIANCE_SECRETARIAT,
            slug="jhtta-secretariat",
            name="京华高校技术转移联盟秘书处",
            name_en="Secretariat of the Jinghua University Technology Transfer Alliance",
            short_name="联盟秘书处",
            city=city,
            district="海淀区",
            domain=domain,
            email_local="secretariat",
            description=(
                "京华高校技术转移联盟秘书处负责联盟日常运行，组织成员单位开展成果推介、"
                "技术经理人培训和联合评审，发布联盟年度技术转移报告。"
            ),
            description_en=(
                "Runs the Jinghua University Technology Transfer Alliance day to day: it "
                "organises showcases, training for technology managers and joint reviews, and "
                "publishes the alliance's annual technology transfer report."
            ),
            credit=self.credit(
                "51", "110108", "5" + "".join(self.pick("0123456789") for _ in range(8))
            ),
            address_suffix="京北理工大学科技园B座6层",
            created_on=(PLATFORM_START, PLATFORM_START),
        )
        org.created_at = dt.datetime.combine(PLATFORM_START, dt.time(9, 30), tzinfo=TZ)
        return org

    def build_universities(self) -> list[_Org]:
        result = []
        for index, uni in enumerate(data.UNIVERSITIES):
            city = CITIES[uni.city]
            profile = data.PROFILES[uni.profile]
            district_code = dict(city.districts)[uni.district]
            bounds = (10, 14) if uni.major else (6, 10)
            n_departments = min(self.rng.randint(*bounds), len(profile.departments))
            founded = self.rng.randint(1950, 1985) if uni.major else self.rng.randint(1956, 2004)
            transferred = self.rng.randint(40, 400) if uni.major else self.rng.randint(8, 120)
            kind_zh = "研究型大学" if uni.major else "教学研究型大学"
            kind_en = "research university" if uni.major else "teaching and research university"
            description = (
                f"{uni.name}创建于{founded}年，是一所以{profile.focus_zh}为特色的{kind_zh}。"
                f"学校现设{n_departments}个学院，{profile.strength_zh}。学校技术转移中心负责专利"
                f"运营、成果转化和校企合作，近三年累计转化科技成果{transferred}项。"
            )
            description_en = (
                f"Founded in {founded}, {uni.name_en} is a {kind_en} known for "
                f"{profile.focus_en}. It has {n_departments} schools; {profile.strength_en}. "
                f"Its technology transfer centre manages patents, licensing and partnerships "
                f"with industry, and has transferred {transferred} research results in the "
                f"last three years."
            )
            has_code = index == 0 or self.rng.random() < 0.85
            body = "4" + "".join(self.pick("0123456789") for _ in range(8))
            org = self.add_org(
                kind=InstitutionKind.UNIVERSITY,
                slug=uni.slug,
                name=uni.name,
                name_en=uni.name_en,
                short_name=uni.short_name,
                city=city,
                district=uni.district,
                domain=f"{uni.slug}.example.edu.cn",
                email_local=self.pick(["ttc", "kjc", "tto"]),
                description=description,
                description_en=description_en,
                credit=self.credit("12", district_code, body) if has_code else "",
                created_on=(PLATFORM_START + dt.timedelta(days=1), dt.date(2024, 4, 30)),
            )
            org.major = uni.major
            if index == 0:  # the demo's home university registered first
                org.created_on = PLATFORM_START
                org.created_at = dt.datetime.combine(PLATFORM_START, dt.time(10, 20), tzinfo=TZ)
            keys = list(profile.departments[:4])
            keys += self.rng.sample(profile.departments[4:], n_departments - 4)
            self.add_departments(org, [data.DEPARTMENTS[key] for key in keys])
            result.append(org)
        return result

    def build_institutes(self) -> list[_Org]:
        result = []
        city = CITIES["beijing"]
        for inst in data.INSTITUTES:
            district_code = dict(city.districts)[inst.district]
            founded = self.rng.randint(1958, 2016)
            org = self.add_org(
                kind=InstitutionKind.RESEARCH_INSTITUTE,
                slug=inst.slug,
                name=inst.name,
                name_en=inst.name_en,
                short_name=inst.short_name,
                city=city,
                district=inst.district,
                domain=f"{inst.slug}.example.ac.cn",
                email_local="office",
                description=(
                    f"{inst.name}成立于{founded}年，主要从事{inst.field_zh}等方向的应用基础研究"
                    f"和技术开发，设有{len(inst.labs)}个研究室（中心），设立成果转化办公室统筹"
                    f"专利许可、技术入股和对外合作。"
                ),
                description_en=(
                    f"Founded in {founded}, {inst.name_en} does applied research and "
                    f"development in {inst.field_en}. It has {len(inst.labs)} laboratories "
                    f"and centres; its technology transfer office handles licensing, equity "
                    f"deals and partnerships."
                ),
                credit=self.credit(
                    "12", district_code, "4" + "".join(self.pick("0123456789") for _ in range(8))
                ),
                created_on=(dt.date(2024, 1, 15), dt.date(2024, 5, 31)),
            )
            self.add_departments(org, list(inst.labs))
            result.append(org)
        return result

    def build_government(self) -> list[_Org]:
        result = []
        city = CITIES["beijing"]
        for body in data.GOVERNMENT_BODIES:
            district_code = dict(city.districts)[body.district]
            org = self.add_org(
                kind=InstitutionKind.GOVERNMENT,
                slug=body.slug,
                name=body.name,
                name_en=body.name_en,
                short_name=body.short_name,
                city=city,
                district=body.district,
                domain=f"{body.slug}.example.gov.cn",
                email_local="office",
                description=body.description,
                description_en=body.description_en,
                credit=self.credit(
                    "11", district_code, "0" + "".join(self.pick("0123456789") for _ in range(8))
                ),
                created_on=(dt.date(2024, 2, 1), dt.date(2024, 3, 29)),
            )
            result.append(org)
        return result

    def company_city(self) -> City:
        return CITIES[self.weighted(data.COMPANY_CITIES)]

    def build_enterprises(self, count: int) -> list[_Org]:
        result = []
        taken: set[tuple[str, str]] = set()
        while len(result) < count:
            brand, brand_py = self.pick(data.BRANDS)
            industry = self.pick(data.INDUSTRIES)
            if (brand, industry.code) in taken:
                continue
            taken.add((brand, industry.code))
            city = self.company_city() if result else CITIES["beijing"]
            district, district_code = self.pick(city.districts)
            joint_stock = self.rng.random() < 0.2
            suffix_zh = "股份有限公司" if joint_stock else "有限公司"
            suffix_en = "Co., Ltd." if not joint_stock else "Corporation Limited"
            field_zh, field_en = self.pick(industry.fields)
            founded = self.rng.randint(2003, 2023)
            staff = self.pick([30, 50, 80, 120, 200, 300, 500, 800])
            slug = self.unique_slug(f"{brand_py.lower()}-{industry.code}")
            high_tech_zh = "，是国家高新技术企业" if self.rng.random() < 0.6 else ""
            high_tech_en = " It is a certified high-tech enterprise." if high_tech_zh else ""
            org = self.add_org(
                kind=InstitutionKind.ENTERPRISE,
                slug=slug,
                name=f"{city.short}{brand}{industry.zh}{suffix_zh}",
                name_en=f"{city.en} {brand_py} {industry.en} {suffix_en}",
                short_name=f"{brand}{industry.zh[:2]}",
                city=city,
                district=district,
                domain=f"{slug}.example.com",
                email_local=self.pick(["info", "contact", "bd", "hr"]),
                description=(
                    f"成立于{founded}年，专注于{field_zh}的研发、生产和技术服务，现有员工约"
                    f"{staff}人{high_tech_zh}。公司积极与高校和科研院所开展技术合作与成果转化。"
                ),
                description_en=(
                    f"Founded in {founded}, the company develops and makes {field_en} and has "
                    f"about {staff} employees.{high_tech_en} It works with universities and "
                    f"research institutes to bring their results to market."
                ),
                credit=self.credit("91", district_code),
                address_suffix=f"{self.rng.randint(1, 12)}号楼{self.rng.randint(1, 18)}层",
                # A few companies keep their profile to their own people.
                is_listed=len(result) % 9 != 4,
                created_on=(dt.date(2024, 2, 1), dt.date(2026, 8, 31)),
            )
            if not result:
                org.created_on = self.day(dt.date(2024, 2, 1), dt.date(2024, 2, 29))
                org.created_at = self.moment(org.created_on)
            result.append(org)
        return result

    def build_providers(self, count: int) -> list[tuple[_Org, data.ProviderType]]:
        result = []
        taken: set[tuple[str, str]] = set()
        types = data.PROVIDER_TYPES
        while len(result) < count:
            # Cycle through the kinds so even the small demo has each; the first is a patent agency.
            kind = types[len(result) % len(types)]
            brand, brand_py = self.pick(data.BRANDS)
            if (brand, kind.code) in taken:
                continue
            taken.add((brand, kind.code))
            city = self.company_city() if result else CITIES["beijing"]
            district, district_code = self.pick(city.districts)
            slug = self.unique_slug(f"{brand_py.lower()}-{kind.code}")
            if kind.credit_prefix == "31":
                body = "".join(self.pick("0123456789") for _ in range(9))
            else:
                body = None
            org = self.add_org(
                kind=InstitutionKind.SERVICE_PROVIDER,
                slug=slug,
                name=kind.name_zh.format(city=city.short, brand=brand),
                name_en=kind.name_en.format(city=city.en, brand=brand_py),
                short_name=f"{brand}{'律所' if kind.code == 'law' else ''}",
                city=city,
                district=district,
                domain=f"{slug}.example.com",
                email_local=self.pick(["service", "info", "contact"]),
                description=kind.description,
                description_en=kind.description_en,
                credit=self.credit(kind.credit_prefix, district_code, body),
                address_suffix=f"{self.rng.randint(2, 28)}层{self.rng.randint(1, 30):02d}室",
                created_on=(dt.date(2024, 3, 1), dt.date(2026, 8, 31)),
            )
            if not result:
                org.created_on = self.day(dt.date(2024, 3, 1), dt.date(2024, 3, 29))
                org.created_at = self.moment(org.created_on)
            result.append((org, kind))
        return result

    def add_departments(self, org: _Org, names: Sequence[tuple[str, str]]) -> None:
        for number, (name, name_en) in enumerate(names, start=1):
            org.departments.append(
                Department(
                    institution=org.institution, name=name, name_en=name_en, code=f"{number:03d}"
                )
            )

    # --- people ----------------------------------------------------------------------------

    def person_name(self) -> tuple[str, str, str, str]:
        """(name, name_en, surname pinyin, given pinyin)."""
        surname, surname_py = self.rng.choices(self._surnames, self._surname_weights)[0]
        if self.rng.random() < 0.25:
            chars = [self.pick(data.GIVEN_CHARS)]
        else:
            chars = self.rng.sample(data.GIVEN_CHARS, 2)
        given = "".join(zh for zh, _py in chars)
        given_py = "".join(py for _zh, py in chars)
        return surname + given, f"{surname_py} {given_py.capitalize()}", surname_py, given_py

    def username_for(self, surname_py: str, given_py: str) -> str:
        base = f"{surname_py}.{given_py}".lower()
        name, n = base, 2
        while name in self.usernames:
            name, n = f"{base}{n}", n + 1
        self.usernames.add(name)
        return name

    def email_for(self, org: _Org, surname_py: str, given_py: str) -> str:
        base = f"{surname_py}{given_py}".lower()
        local, n = base, 2
        while local in org.used_locals:
            local, n = f"{base}{n}", n + 1
        org.used_locals.add(local)
        return f"{local}@{org.domain}"

    def new_user(
        self,
        org: _Org,
        *,
        title: str = "",
        username: str | None = None,
        name: tuple[str, str] | None = None,
        superuser: bool = False,
        phone: str | None = None,
    ) -> User:
        if name is None:
            zh, en, surname_py, given_py = self.person_name()
        else:
            zh, en = name
            surname_py, _space, given_py = en.lower().partition(" ")
        if username is None:
            username = self.username_for(surname_py, given_py)
        if phone is None:
            roll = self.rng.random()
            phone = self.mobile() if roll < 0.55 else self.landline(org.city) if roll < 0.9 else ""
        user = User(
            username=username,
            password=self.password,
            name=zh,
            name_en=en,
            email=self.email_for(org, surname_py, given_py),
            phone=phone,
            title=title,
            is_superuser=superuser,
            is_staff=superuser,
        )
        user.date_joined = BASE  # lowered to the first grant below
        self.users.append(user)
        return user

    def grant(
        self,
        user: User,
        org: _Org,
        role: str,
        at: dt.datetime,
        *,
        department: Department | None = None,
        position: str = "",
        logged: bool = False,
    ) -> Membership:
        membership = Membership(
            user=user,
            institution=org.institution,
            role=role,
            department=department,
            position=position,
        )
        self.memberships.append((membership, at, org))
        if logged:
            self.logged_grants.add(id(membership))
        joined = at - dt.timedelta(minutes=self.rng.randint(2, 50))
        user.date_joined = min(user.date_joined, joined)
        return membership

    def grant_day(self, org: _Org, earliest_days: int) -> dt.datetime:
        start = org.created_on + dt.timedelta(days=earliest_days)
        return self.between(start, LAST_DAY)

    def open_office(self, org: _Org, user: User, role: str, position: str) -> None:
        """The first staff member, appointed by the site administrator soon after registration."""
        day = self.day(org.created_on + dt.timedelta(days=1), org.created_on + dt.timedelta(days=3))
        at = self.moment(day)
        self.grant(user, org, role, at, position=position, logged=True)
        org.office, org.office_at = user, at
        org.department_times = [
            self.between(day + dt.timedelta(days=1), day + dt.timedelta(days=20))
            for _department in org.departments
        ]

    def staff_people(self, org: _Org, people: dict, factor: dict, titles) -> None:
        """Transfer office, technology managers, researchers and reviewers of a university or
        institute (the office may already have its first member)."""
        n_office = self.count(people[Role.TTO_STAFF], factor[Role.TTO_STAFF])
        if org.office is None:
            first = self.new_user(org, title=self.pick(data.OFFICE_TITLES))
            self.open_office(org, first, Role.TTO_STAFF, data.OFFICE_POSITIONS[0])
            n_office -= 1
        for _ in range(n_office):
            user = self.new_user(org, title=self.pick(data.OFFICE_TITLES))
            position = self.pick(data.OFFICE_POSITIONS[1:])
            self.grant(
                user, org, Role.TTO_STAFF, self.grant_day(org, 5), position=position, logged=True
            )
        for _ in range(self.count(people[Role.TECH_MANAGER], factor[Role.TECH_MANAGER])):
            user = self.new_user(org, title=self.pick(data.MANAGER_TITLES))
            self.grant(
                user,
                org,
                Role.TECH_MANAGER,
                self.grant_day(org, 10),
                position=self.pick(data.MANAGER_POSITIONS),
                logged=True,
            )
        logged_left = self.rng.randint(3, 6)
        for _ in range(self.count(people[Role.RESEARCHER], factor[Role.RESEARCHER])):
            user = self.new_user(org, title=self.weighted(titles))
            logged = logged_left > 0
            logged_left -= 1
            self.grant(
                user,
                org,
                Role.RESEARCHER,
                self.grant_day(org, 25),
                department=self.pick(org.departments),
                position=self.weighted(data.RESEARCHER_POSITIONS),
                logged=logged,
            )
        for _ in range(self.count(people[Role.REVIEWER], factor[Role.REVIEWER])):
            user = self.new_user(org, title=self.pick(data.REVIEWER_TITLES))
            department = self.pick(org.departments) if self.rng.random() < 0.5 else None
            self.grant(
                user,
                org,
                Role.REVIEWER,
                self.grant_day(org, 25),
                department=department,
                position=self.pick(data.REVIEWER_POSITIONS),
                logged=True,
            )

    def build_people(
        self,
        secretariat: _Org,
        universities: list[_Org],
        institutes: list[_Org],
        government: list[_Org],
        enterprises: list[_Org],
        providers: list[tuple[_Org, data.ProviderType]],
    ) -> None:
        factor = SCALE[self.size]
        home, institute = universities[0], institutes[0]

        # The site administrator.
        admin = self.new_user(
            secretariat,
            username="admin",
            name=("平台管理员", "Platform Admin"),
            superuser=True,
            phone="",
        )
        admin.email = "admin@datong.example.org.cn"
        admin.date_joined = dt.datetime.combine(PLATFORM_START, dt.time(9, 5), tzinfo=TZ)
        self.demo["admin"] = admin

        # The secretariat: the demo alliance administrator runs it, with a colleague or two.
        alliance = self.new_user(
            secretariat, username="alliance", name=("周文博", "Zhou Wenbo"), title="研究员"
        )
        self.open_office(secretariat, alliance, Role.ALLIANCE_ADMIN, "联盟秘书长")
        self.demo["alliance"] = alliance
        for position in self.rng.sample(["副秘书长", "秘书处主任", "会员服务部主任"], 2):
            user = self.new_user(secretariat, title=self.pick(data.OFFICE_TITLES))
            self.grant(
                user,
                secretariat,
                Role.ALLIANCE_ADMIN,
                self.grant_day(secretariat, 3),
                position=position,
                logged=True,
            )
        observer = self.new_user(secretariat, username="observer", name=("吴建平", "Wu Jianping"))
        self.grant(
            observer,
            secretariat,
            Role.OBSERVER,
            self.grant_day(secretariat, 20),
            position="京华市科委联络员",
            logged=True,
        )
        self.demo["observer"] = observer
        user = self.new_user(secretariat)
        self.grant(
            user,
            secretariat,
            Role.OBSERVER,
            self.grant_day(secretariat, 20),
            position="京华市教委联络员",
            logged=True,
        )

        # The demo accounts of the home university.
        tto = self.new_user(home, username="tto", name=("王晓燕", "Wang Xiaoyan"), title="副研究员")
        self.open_office(home, tto, Role.TTO_STAFF, "技术转移中心副主任")
        self.demo["tto"] = tto
        schools = {department.name: department for department in home.departments}
        materials = schools.get("材料科学与工程学院", home.departments[0])
        home_accounts = [
            # username, (name, pinyin), title, role, day, department, position
            (
                "researcher",
                ("李明远", "Li Mingyuan"),
                "教授",
                Role.RESEARCHER,
                25,
                materials,
                "课题组负责人",
            ),
            (
                "manager",
                ("陈立新", "Chen Lixin"),
                "高级工程师",
                Role.TECH_MANAGER,
                10,
                None,
                "高级技术经理人",
            ),
            (
                "reviewer",
                ("赵国华", "Zhao Guohua"),
                "教授",
                Role.REVIEWER,
                25,
                home.departments[1],
                "技术评审专家",
            ),
        ]
        for username, name, title, role, day, department, position in home_accounts:
            user = self.new_user(home, username=username, name=name, title=title)
            self.grant(
                user,
                home,
                role,
                self.grant_day(home, day),
                department=department,
                position=position,
                logged=True,
            )
            self.demo[username] = user
        researcher = self.demo["researcher"]

        major_people = {**UNIVERSITY_PEOPLE, Role.RESEARCHER: MAJOR_RESEARCHERS}
        for org in universities:
            people = major_people if org.major else UNIVERSITY_PEOPLE
            self.staff_people(org, people, factor, data.RESEARCHER_TITLES)
        for org in institutes:
            self.staff_people(org, INSTITUTE_PEOPLE, factor, data.INSTITUTE_TITLES)
        # The demo researcher also reviews for the first institute.
        self.grant(
            researcher,
            institute,
            Role.REVIEWER,
            self.grant_day(institute, 40),
            position="技术评审专家",
            logged=True,
        )

        # Some researchers review for another university or institute too.
        academic = universities + institutes
        researchers = [
            (m, org)
            for m, _at, org in self.memberships
            if m.role == Role.RESEARCHER and m.user is not researcher
        ]
        for membership, own in researchers:
            if self.rng.random() >= 0.08:
                continue
            other = self.pick(academic)
            if other is own:
                continue
            self.grant(
                membership.user,
                other,
                Role.REVIEWER,
                self.grant_day(other, 60),
                position=self.pick(data.REVIEWER_POSITIONS),
            )

        for org in government:
            for index in range(self.rng.randint(1, 2)):
                user = self.new_user(org)
                at = self.grant_day(org, 1 if index == 0 else 10)
                self.grant(
                    user,
                    org,
                    Role.OBSERVER,
                    at,
                    position=self.pick(data.OBSERVER_POSITIONS),
                    logged=True,
                )

        for index, org in enumerate(enterprises):
            for number in range(self.rng.randint(1, 3)):
                if index == 0 and number == 0:
                    user = self.new_user(
                        org,
                        username="enterprise",
                        name=("刘海涛", "Liu Haitao"),
                        title="高级工程师",
                    )
                    self.demo["enterprise"] = user
                    position = "技术总监"
                else:
                    user = self.new_user(org, title=self.pick(data.ENTERPRISE_TITLES))
                    position = self.pick(data.ENTERPRISE_POSITIONS)
                at = self.grant_day(org, 1 if number == 0 else 15)
                self.grant(user, org, Role.ENTERPRISE_USER, at, position=position, logged=True)

        for index, (org, kind) in enumerate(providers):
            for number in range(self.rng.randint(1, 3)):
                if index == 0 and number == 0:
                    user = self.new_user(org, username="provider", name=("孙静", "Sun Jing"))
                    self.demo["provider"] = user
                    position = "专利代理师"
                else:
                    user = self.new_user(org)
                    position = self.pick(kind.positions)
                at = self.grant_day(org, 1 if number == 0 else 15)
                self.grant(user, org, Role.PROVIDER_USER, at, position=position, logged=True)

    # --- the audit history -----------------------------------------------------------------

    def entry(
        self,
        *,
        at: dt.datetime,
        actor: User | None,
        action: str,
        obj: models.Model,
        institution_id: int,
        changes: dict,
        content_types: dict,
    ) -> None:
        self.entries.append(
            AuditEntry(
                at=at,
                actor=actor,
                actor_name=actor.username if actor is not None else "system",
                action=action,
                content_type=content_types[type(obj)],
                object_id=str(obj.pk),
                object_repr=str(obj)[:255],
                institution_id=institution_id,
                changes=changes,
            )
        )

    def build_history(self, alliance: Alliance, secretariat: _Org) -> None:
        content_types = {
            model: ContentType.objects.get_for_model(model)
            for model in (Institution, Department, Membership, Alliance)
        }
        admin = self.demo["admin"]

        def add(**kwargs):
            self.entry(content_types=content_types, **kwargs)

        alliance_admin_from = secretariat.office_at or BASE
        for org in self.orgs:
            inst = org.institution
            created = {
                field: [None, str(value) if isinstance(value, str) else value]
                for field, value in org.initial.items()
                if value not in (None, "")
            }
            add(
                at=org.created_at,
                actor=admin,
                action="institution.create",
                obj=inst,
                institution_id=inst.pk,
                changes=created,
            )
            if inst.pk in self.member_ids:
                after = max(org.created_at, alliance_admin_from)
                add(
                    at=after + dt.timedelta(minutes=self.rng.randint(5, 90)),
                    actor=self.demo["alliance"],
                    action="alliance.member_add",
                    obj=alliance,
                    institution_id=secretariat.institution.pk,
                    changes={"members": [None, inst.name]},
                )
            office = org.office or admin
            for department, at in zip(org.departments, org.department_times, strict=True):
                changes = {
                    field: [None, getattr(department, field)]
                    for field in DEPARTMENT_FIELDS
                    if getattr(department, field)
                }
                add(
                    at=at,
                    actor=office,
                    action="department.create",
                    obj=department,
                    institution_id=inst.pk,
                    changes=changes,
                )
            for at, changes in org.updates:
                add(
                    at=at,
                    actor=office,
                    action="institution.update",
                    obj=inst,
                    institution_id=inst.pk,
                    changes=changes,
                )

        for membership, at, org in self.memberships:
            if id(membership) not in self.logged_grants:
                continue
            first_staff = membership.user is org.office
            if first_staff or membership.role == Role.ALLIANCE_ADMIN or org.office is None:
                actor = admin
            else:
                actor = org.office
            changes = {
                "user": [None, str(membership.user)],
                "institution": [None, str(membership.institution)],
                "role": [None, str(membership.role)],
            }
            if membership.department_id:
                changes["department"] = [None, str(membership.department)]
            if membership.position:
                changes["position"] = [None, membership.position]
            add(
                at=at,
                actor=actor,
                action="membership.grant",
                obj=membership,
                institution_id=membership.institution_id,
                changes=changes,
            )

        add(
            at=dt.datetime.combine(PLATFORM_START, dt.time(10, 0), tzinfo=TZ),
            actor=admin,
            action="alliance.create",
            obj=alliance,
            institution_id=secretariat.institution.pk,
            changes={
                "slug": [None, alliance.slug],
                "name": [None, alliance.name],
                "name_en": [None, alliance.name_en],
                "secretariat": [None, str(secretariat.institution)],
                "founded_on": [None, alliance.founded_on.isoformat()],
            },
        )
        self.entries.sort(key=lambda entry: entry.at)

    # --- putting it together ---------------------------------------------------------------

    def run(self) -> dict:
        secretariat = self.build_secretariat()
        universities = self.build_universities()
        institutes = self.build_institutes()
        government = self.build_government()
        n_enterprises, n_providers = COMPANIES[self.size]
        enterprises = self.build_enterprises(n_enterprises)
        providers = self.build_providers(n_providers)
        for org in self.orgs:
            self.plan_updates(org)

        # bulk_create fills in each foreign key from the related object saved before it.
        Institution.objects.bulk_create([org.institution for org in self.orgs], batch_size=BATCH)
        departments = [d for org in self.orgs for d in org.departments]
        self.build_people(secretariat, universities, institutes, government, enterprises, providers)
        Department.objects.bulk_create(departments, batch_size=BATCH)

        alliance = Alliance.objects.create(
            slug=ALLIANCE_SLUG,
            name="京华高校技术转移联盟",
            name_en="Jinghua University Technology Transfer Alliance",
            secretariat=secretariat.institution,
            founded_on=ALLIANCE_FOUNDED,
            description=(
                "京华高校技术转移联盟由京北理工大学、燕山航空航天大学等高校和科研院所于2018年"
                "12月6日共同发起成立，旨在打通高校科技成果转化的“最后一公里”：共享技术转移"
                "人才与服务资源，联合开展成果评价、推介和对接，推动高校技术走向产业。"
            ),
            description_en=(
                "Founded on 6 December 2018 by Jingbei Institute of Technology, Yanshan "
                "University of Aeronautics and Astronautics and other universities and institutes "
                "to clear the last mile of university technology transfer: members share "
                "technology-transfer staff and service providers, evaluate and promote results "
                "together, and bring university technology to industry."
            ),
        )
        academic = universities + institutes
        founders = set(self.rng.sample(range(len(academic)), 26)) | {0}
        members = []
        for index, org in enumerate(academic):
            if index in founders:
                joined = ALLIANCE_FOUNDED
            else:
                joined = self.day(dt.date(2019, 3, 1), dt.date(2025, 12, 31))
            members.append(
                AllianceMember(alliance=alliance, institution=org.institution, joined_on=joined)
            )
        AllianceMember.objects.bulk_create(members, batch_size=BATCH)
        self.member_ids = {member.institution.pk for member in members}

        User.objects.bulk_create(self.users, batch_size=BATCH)
        Membership.objects.bulk_create([m for m, _at, _org in self.memberships], batch_size=BATCH)

        self.set_timestamps(alliance)
        self.build_history(alliance, secretariat)
        AuditEntry.objects.bulk_create(self.entries, batch_size=BATCH)
        return {
            "size": self.size,
            "seed": self.seed,
            "institutions": len(self.orgs),
            "universities": len(universities),
            "people": len(self.users),
            "departments": len(departments),
            "memberships": len(self.memberships),
            "alliance_members": len(members),
            "audit_entries": len(self.entries),
        }

    def set_timestamps(self, alliance: Alliance) -> None:
        """``auto_now_add`` stamped everything with the present; use the history's times."""
        for org in self.orgs:
            inst = org.institution
            inst.created_at = org.created_at
            inst.updated_at = org.updates[-1][0] if org.updates else org.created_at
            for department, at in zip(org.departments, org.department_times, strict=True):
                department.created_at = department.updated_at = at
        Institution.objects.bulk_update(
            [org.institution for org in self.orgs], ["created_at", "updated_at"], batch_size=BATCH
        )
        Department.objects.bulk_update(
            [d for org in self.orgs for d in org.departments],
            ["created_at", "updated_at"],
            batch_size=BATCH,
        )
        for membership, at, _org in self.memberships:
            membership.created_at = membership.updated_at = at
        Membership.objects.bulk_update(
            [m for m, _at, _org in self.memberships],
            ["created_at", "updated_at"],
            batch_size=BATCH,
        )
        founded = dt.datetime.combine(PLATFORM_START, dt.time(10, 0), tzinfo=TZ)
        Alliance.objects.filter(pk=alliance.pk).update(created_at=founded, updated_at=founded)


def _wipe() -> None:
    """Remove the data the demo replaces. The audit log refuses ORM deletes by design."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(AuditEntry._meta.db_table)}")
    # Every Datong table but reference data, rows that point at others first, so that no
    # protected foreign key blocks (tables of later modules are included automatically).
    for model in _deletion_order():
        model.objects.all().delete()


KEEP = {"results.Classification", "core.AuditEntry", "reports.ReportTemplate"}


def _deletion_order() -> list[type[models.Model]]:
    from django.apps import apps

    owned = [
        m
        for m in apps.get_models()
        if (m.__module__.startswith("datong.") or m is User) and m._meta.label not in KEEP
    ]
    targets = {
        m: {
            f.related_model
            for f in m._meta.get_fields()
            if f.concrete
            and f.is_relation
            and f.related_model in owned
            and f.related_model is not m
        }
        for m in owned
    }
    order, done = [], set()

    def visit(model, path=()):
        if model in done or model in path:
            return
        for referrer in (m for m in owned if model in targets[m]):
            visit(referrer, (*path, model))
        done.add(model)
        order.append(model)

    for model in owned:
        visit(model)
    return order


def database_is_empty() -> bool:
    """True when there are neither users nor institutions."""
    return not User.objects.exists() and not Institution.objects.exists()


def load_demo(size: str = "small", seed: int = 2018) -> dict:
    """Replace the database's users, institutions and history with the demo alliance."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}, not {size!r}")
    started = time.perf_counter()
    password_hash = make_password(DEMO_PASSWORD)  # once: hashing is slow on purpose
    with transaction.atomic():
        _wipe()
        summary = _Builder(size, seed, password_hash).run()
        summary.update(build_results(random.Random(seed + 1), size, RESULTS_NOW))
        # The demo's people are fictional: no e-mail goes out; the search indexes are rebuilt
        # once afterwards instead of one queued update per record.
        with emails_muted(), updates_paused():
            build_showcase()
            build_provider_profiles(random.Random(seed + 3))
            summary.update(build_ip(random.Random(seed + 2), RESULTS_NOW.date()))
            summary.update(build_market(random.Random(seed + 4), RESULTS_NOW))
            summary.update(build_cases(random.Random(seed + 5), RESULTS_NOW, size))
            summary.update(build_deals(random.Random(seed + 8), RESULTS_NOW, size))
            summary.update(build_income(random.Random(seed + 10), RESULTS_NOW, size))
            summary.update(build_judgements(random.Random(seed + 6), RESULTS_NOW))
            summary.update(build_poc(random.Random(seed + 7), RESULTS_NOW, size))
            summary.update(build_ventures(random.Random(seed + 9), RESULTS_NOW, size))
            summary.update(build_dashboards(random.Random(seed + 11), RESULTS_NOW, size))
        summary["institutions"] = Institution.objects.count()
        summary["results"] = Result.objects.count()
        summary["disclosures"] = Disclosure.objects.count()
        audit.record(actor=None, action="demo.load", message=f"size={size} seed={seed}")
    summary["seconds"] = time.perf_counter() - started
    return summary


# --- printing the log-ins ----------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _login_url() -> str:
    try:
        path = reverse("login")
    except NoReverseMatch:
        path = "/login/"
    return settings.SITE_URL.rstrip("/") + path


def print_logins() -> None:
    """Print the demo log-ins as a table, with where to sign in."""
    rows: list[tuple[str, str, str, str]] = []
    for username, role, _description in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        held = sorted(
            Membership.objects.filter(user=user).values_list("role", "institution__name"),
            key=lambda item: (item[0] != role, item),
        )
        if not held:
            held = [(role, "—")]
        for index, (held_role, institution) in enumerate(held):
            rows.append(
                (
                    username if index == 0 else "",
                    held_role,
                    institution,
                    DEMO_PASSWORD if index == 0 else "",
                )
            )
    if not rows:
        print("No demo log-ins found: run `datong load-demo` first.")
        return
    header = ("Username", "Role", "Institution", "Password")
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(4)]
    print()
    print(f"Demo log-ins (every password: {DEMO_PASSWORD})")
    print("  " + "  ".join(_pad(text, widths[i]) for i, text in enumerate(header)).rstrip())
    print("  " + "  ".join("-" * w for w in widths))
    for row in rows:
        print("  " + "  ".join(_pad(text, widths[i]) for i, text in enumerate(row)).rstrip())
    print()
    print(f"Sign in at {_login_url()} with any user name above and the password {DEMO_PASSWORD}.")
