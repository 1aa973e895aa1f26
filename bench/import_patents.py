"""Benchmark of the patent portfolio import (datong.ip.portfolio_import).

    .venv/bin/python bench/import_patents.py [--rows 100000] [--seed 2018] [--csv] [--keep]

Generates N realistic rows of a Chinese university's patent export (seeded: valid application
numbers, 发明/实用新型/外观设计, legal-status texts, IPC codes, applicants, inventors, claims,
citations, overseas family members, licences …) into a temporary .xlsx (or CSV) with the headers
a patent database uses, creates a throwaway SQLite database (migrated, one university), then
times reading, checking and the import separately.

``make_rows`` and ``write_file`` are reused by tests and demo scripts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Headers as a patent database export writes them (mapped by the importer's guess).
HEADERS = {
    "application_number": "申请号",
    "title": "发明名称",
    "ip_type": "专利类型",
    "filing_date": "申请日",
    "priority_date": "优先权日",
    "publication_number": "公开(公告)号",
    "publication_date": "公开(公告)日",
    "grant_date": "授权公告日",
    "legal_status": "法律状态",
    "status_date": "法律状态公告日",
    "ipc_codes": "IPC分类号",
    "applicants": "申请(专利权)人",
    "inventors": "发明(设计)人",
    "claims_count": "权利要求数",
    "independent_claims": "独立权利要求数",
    "family_members": "简单同族",
    "forward_citations": "被引用次数",
    "agency": "代理机构",
    "attorney": "代理人",
    "licences": "许可次数",
    "transfers": "转让次数",
    "pledges": "质押次数",
    "paid_until": "年费缴至",
}
SUBJECTS = [
    "锂电池",
    "钙钛矿太阳能电池",
    "固态电解质",
    "氢燃料电池",
    "碳化硅功率器件",
    "柔性传感器",
    "工业机器人",
    "无人机",
    "毫米波雷达",
    "光纤传感器",
    "水处理膜",
    "骨科植入物",
    "心电信号",
    "轴承",
    "风电叶片",
    "芯片封装",
    "石墨烯薄膜",
    "生物降解塑料",
]
GOALS = [
    "及其制备方法",
    "的检测方法",
    "的在线监测装置",
    "的控制系统",
    "的故障诊断方法",
    "的结构",
    "的加工工艺",
]
IPC = [
    "H01M 10/052",
    "H01M 4/38",
    "H01L 31/05",
    "H02J 3/38",
    "B25J 9/16",
    "G01N 21/88",
    "G06N 3/08",
    "G06F 16/36",
    "A61K 39/395",
    "A61B 5/00",
    "C02F 1/72",
    "C08L 67/04",
    "C01B 32/182",
    "F03D 1/06",
    "B64C 25/00",
    "E04B 1/00",
    "D01F 6/92",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏建宁波晨宇欣怡子涵浩然"
AGENCIES = ["北京京华专利代理事务所", "北京智信专利代理有限公司", "上海申科专利代理事务所"]
PARTNERS = ["京华新能源科技有限公司", "华东精密机械股份有限公司", "中科智能装备有限公司"]
FOREIGN = ["US", "EP", "JP", "KR", "WO", "DE", "GB", "AU"]
TYPE_DIGIT = {"发明": "1", "实用新型": "2", "外观设计": "3"}
TERM = {"发明": 20, "实用新型": 10, "外观设计": 10}


def _check(digits: str) -> str:
    total = sum(int(d) * (2 + i % 8) for i, d in enumerate(digits))
    return "X" if total % 11 == 10 else str(total % 11)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def make_rows(count: int, seed: int = 2018, applicant: str = "基准测试大学") -> list[dict]:
    """``count`` rows keyed by field name (values as an export writes them)."""
    rng = random.Random(seed)
    today = dt.date.today()
    used: set[str] = set()
    rows = []
    for n in range(count):
        kind = rng.choices(["发明", "实用新型", "外观设计"], weights=[60, 32, 8])[0]
        filed = today - dt.timedelta(days=rng.randint(60, 365 * 19))
        while True:
            body = f"{filed.year}{TYPE_DIGIT[kind]}{rng.randint(1, 9999999):07d}"
            if body not in used:
                used.add(body)
                break
        number = f"{body}.{_check(body)}"
        row = {
            "application_number": f"CN{number}" if n % 5 == 0 else number,
            "title": f"一种{rng.choice(SUBJECTS)}{rng.choice(GOALS)}",
            "ip_type": kind,
            "filing_date": filed.isoformat() if n % 3 else filed.strftime("%Y/%m/%d"),
            "ipc_codes": ";".join(rng.sample(IPC, rng.choice((1, 1, 2, 3)))),
            "applicants": applicant
            if rng.random() < 0.85
            else f"{applicant};{rng.choice(PARTNERS)}",
            "inventors": ";".join({_person(rng) for _ in range(rng.randint(1, 6))}),
            "claims_count": rng.randint(5, 20) if kind == "发明" else rng.randint(1, 10),
            "agency": rng.choice(AGENCIES),
            "attorney": _person(rng),
            "forward_citations": rng.choice((0, 0, 0, 1, 2, 3, 5, 8, 13, 30)),
        }
        row["independent_claims"] = min(row["claims_count"], rng.randint(1, 3))
        if rng.random() < 0.1:
            row["priority_date"] = (filed - dt.timedelta(days=rng.randint(30, 360))).isoformat()
        age = (today - filed).days
        granted = None
        if kind == "发明":
            if age > 550:
                pub = filed + dt.timedelta(days=rng.randint(200, 540))
                row["publication_number"] = f"CN{rng.randint(100000000, 119999999)}A"
                row["publication_date"] = pub.isoformat()
            if age > 900 and rng.random() < 0.7:
                granted = filed + dt.timedelta(days=rng.randint(700, 900))
            elif age > 1100 and rng.random() < 0.3:
                row["legal_status"] = rng.choice(["驳回", "视为撤回"])
                row["status_date"] = (filed + dt.timedelta(days=rng.randint(900, 1100))).isoformat()
            else:
                row["legal_status"] = "实质审查" if age > 400 else "公开"
        elif age > 200:
            granted = filed + dt.timedelta(days=rng.randint(150, 200))
        else:
            row["legal_status"] = "审中"
        if granted:
            row["grant_date"] = granted.isoformat()
            end = _years(filed, TERM[kind])
            if end < today:
                row["legal_status"] = "专利权期限届满"
            elif rng.random() < 0.25 and age > 1400:
                lapse = _years(filed, rng.randint(3, max(3, min(age // 365, TERM[kind] - 1))))
                lapse = min(max(lapse, granted + dt.timedelta(days=200)), today)
                row["legal_status"] = "未缴年费专利权终止"
                row["status_date"] = lapse.isoformat()
            else:
                row["legal_status"] = rng.choice(["授权", "有权", "专利权维持"])
                paid = _years(filed, (today - filed).days // 365 + 1)
                row["paid_until"] = paid.isoformat()
            if rng.random() < 0.06:
                row["licences"] = rng.randint(1, 3)
            if rng.random() < 0.03:
                row["transfers"] = 1
            if rng.random() < 0.01:
                row["pledges"] = 1
        if kind == "发明" and rng.random() < 0.08:
            members = rng.sample(FOREIGN, rng.randint(1, 4))
            row["family_members"] = ";".join(
                f"{c}{filed.year}{rng.randint(100000, 999999)}{'A1' if c != 'EP' else 'A1'}"
                for c in members
            )
        rows.append(row)
    return rows


def write_file(rows: list[dict], target: Path, as_csv: bool = False) -> None:
    fields = list(HEADERS)
    if as_csv:
        import csv

        with target.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow([HEADERS[f] for f in fields])
            for row in rows:
                writer.writerow([row.get(f, "") for f in fields])
        return
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("专利")
    sheet.append([HEADERS[f] for f in fields])
    for row in rows:
        sheet.append([row.get(f) for f in fields])
    workbook.save(target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--csv", action="store_true", help="a CSV file instead of .xlsx")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="datong-patent-bench-"))
    os.environ["DATONG_DATA_DIR"] = str(workdir / "data")
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "datong.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from datong.institutions.services import institution_create
    from datong.ip import portfolio_import
    from datong.ip.models import Filing, FilingEvent, IPFamily, OwnershipPeriod

    try:
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        university = institution_create(
            actor=None, slug="bench-u", name="基准测试大学", kind="university", province="320000"
        )
        print(f"database ready in {time.perf_counter() - started:.1f} s ({workdir})")
        rows = make_rows(args.rows, args.seed)
        target = workdir / ("patents.csv" if args.csv else "patents.xlsx")
        started = time.perf_counter()
        write_file(rows, target, args.csv)
        print(
            f"wrote {target.name}: {target.stat().st_size / 1e6:.1f} MB "
            f"in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        parsed = portfolio_import.read_rows(target)
        read_s = time.perf_counter() - started
        started = time.perf_counter()
        problems = portfolio_import.validate(parsed, university)
        validate_s = time.perf_counter() - started
        started = time.perf_counter()
        summary = portfolio_import.import_rows(None, university, parsed)
        import_s = time.perf_counter() - started
        if problems or summary.imported != len(rows):
            print(f"unexpected problems: {problems[:5]}")
            return 1
        n = len(rows)
        print(f"rows: {n}")
        print(f"read:     {read_s:6.2f} s  ({n / read_s:8.0f} rows/s)")
        print(f"validate: {validate_s:6.2f} s  ({n / validate_s:8.0f} rows/s)")
        print(f"import (checks again, writes): {import_s:6.2f} s  ({n / import_s:8.0f} rows/s)")
        print(f"total:    {read_s + import_s:6.2f} s (read + import)")
        print(
            f"written: {IPFamily.objects.count()} families, {Filing.objects.count()} filings, "
            f"{FilingEvent.objects.count()} events, {OwnershipPeriod.objects.count()} ownership "
            "periods"
        )
        return 0
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
