"""Benchmark of the bulk import of results (datong.results.importer).

    .venv/bin/python bench/import_results.py [--rows 10000] [--seed 2018] [--csv] [--keep]

Generates N realistic Chinese rows (seeded) into a temporary .xlsx (or CSV), creates a
throwaway SQLite database in a temporary data directory (migrated, one university with
departments and a few researchers, all through the services), then times reading + checking
and the import separately and prints rows, seconds and rows per second.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SUBJECTS = [
    "锂电池",
    "钙钛矿太阳能电池",
    "固态电解质",
    "氢燃料电池",
    "碳化硅功率器件",
    "柔性传感器",
    "工业机器人",
    "无人机集群",
    "毫米波雷达",
    "光纤传感",
    "水处理膜",
    "土壤重金属",
    "稻米品质",
    "肿瘤免疫",
    "骨科植入物",
    "中药有效成分",
    "心电信号",
    "轴承故障",
    "风电叶片",
    "桥梁结构",
    "城市交通流",
    "电网负荷",
    "芯片封装",
    "石墨烯薄膜",
    "生物降解塑料",
    "智能温室",
]
METHODS = [
    "深度学习",
    "图神经网络",
    "强化学习",
    "数字孪生",
    "多尺度建模",
    "原位表征",
    "微流控",
    "激光增材制造",
    "联邦学习",
    "知识图谱",
    "高通量筛选",
    "稀疏表示",
    "迁移学习",
    "声发射",
]
GOALS = [
    "健康状态估计方法",
    "缺陷检测方法",
    "制备方法",
    "寿命预测系统",
    "在线监测装置",
    "优化控制方法",
    "快速检测试剂盒",
    "协同调度平台",
    "低成本合成工艺",
    "故障诊断系统",
]
OPENERS = [
    "本发明提出一种{m}驱动的{s}{g}，",
    "针对现有{s}技术成本高、精度低的问题，本成果基于{m}开发了新的{g}，",
    "本成果面向{s}产业的实际需求，融合{m}与传统工艺，",
]
MIDDLES = [
    "通过构建多源数据融合模型并引入自适应权重机制，显著提高了复杂工况下的稳定性与准确性，",
    "在实验室环境中完成了关键部件验证，并在合作企业的生产线上开展了小批量试用，",
    "该方法无需昂贵的专用设备，可与现有系统无缝集成，便于推广应用，",
    "相关指标经第三方检测机构测试，均优于国内外同类产品的公开数据，",
]
CLOSERS = [
    "具有良好的产业化前景，可广泛应用于新能源、智能制造和节能环保等领域。",
    "已申请发明专利二项，可通过专利许可或作价入股方式与企业开展合作。",
    "预计可使企业综合成本降低百分之二十以上，经济和社会效益显著。",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏建军宁波晨宇欣怡子涵浩然"
DEPARTMENTS = [
    "材料科学与工程学院",
    "机械工程学院",
    "电子信息学院",
    "化学化工学院",
    "生命科学学院",
    "土木工程学院",
    "医学院",
    "计算机学院",
]
INDUSTRIES = ["26", "27", "29", "34", "35", "38", "39", "40", "44", "46", "63", "65", "73", "77"]
IP = ["发明专利", "实用新型", "软件著作权", "外观设计", "技术秘密", "集成电路布图设计"]


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def shares(rng: random.Random, count: int) -> list[int]:
    if count == 1:
        return [100]
    cuts = sorted(rng.sample(range(5, 96, 5), count - 1))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    return parts


def make_rows(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        subject, method, goal = rng.choice(SUBJECTS), rng.choice(METHODS), rng.choice(GOALS)
        title = f"一种基于{method}的{subject}{goal}（{n + 1}）"
        abstract = (
            rng.choice(OPENERS).format(m=method, s=subject, g=goal)
            + "".join(rng.sample(MIDDLES, 3))
            + rng.choice(CLOSERS)
        )
        names = []
        while len(names) < rng.choice((1, 2, 3, 3, 4, 5)):
            name = person(rng)
            if name not in names:
                names.append(name)
        inventors = ";".join(
            f"{name}:{share}" for name, share in zip(names, shares(rng, len(names)), strict=True)
        )
        rows.append(
            {
                "title": title,
                "title_en": f"A {method} based method for {subject} ({n + 1})" if n % 3 else "",
                "abstract": abstract,
                "department": rng.choice(DEPARTMENTS),
                "industry": rng.choice(INDUSTRIES),
                "sei": str(rng.randint(1, 9)),
                "keywords": "、".join(
                    rng.sample([subject, method, goal[:4], "产学研", "成果转化"], 4)
                ),
                "trl": str(rng.randint(1, 9)),
                "ip_types": "、".join(rng.sample(IP, rng.choice((1, 1, 2)))),
                "inventors": inventors,
            }
        )
    return rows


def write_file(rows: list[dict], target: Path, as_csv: bool) -> None:
    from datong.results.importer import COLUMNS

    fields = [c.field for c in COLUMNS]
    if as_csv:
        import csv

        with target.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow([c.header for c in COLUMNS])
            for row in rows:
                writer.writerow([row.get(f, "") for f in fields])
        return
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("成果 Results")
    sheet.append([c.header for c in COLUMNS])
    sheet.append(fields)
    for row in rows:
        sheet.append([row.get(f, "") for f in fields])
    workbook.save(target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--csv", action="store_true", help="a CSV file instead of .xlsx")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="datong-import-bench-"))
    os.environ["DATONG_DATA_DIR"] = str(workdir / "data")
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "datong.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from datong.accounts.services import user_create
    from datong.core.roles import Role
    from datong.institutions.services import (
        department_create,
        institution_create,
        membership_grant,
    )
    from datong.results import importer
    from datong.results.models import Result, ResultInventor, TimelineEvent

    try:
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        university = institution_create(
            actor=None, slug="bench-u", name="基准测试大学", kind="university", province="320000"
        )
        for name in DEPARTMENTS:
            department_create(actor=None, institution=university, name=name)
        rng = random.Random(args.seed)
        for i in range(40):  # a few researchers, so some inventor names link accounts
            user = user_create(
                actor=None,
                username=f"researcher{i:02d}",
                password=None,
                name=person(rng),
                check_password=False,
            )
            membership_grant(actor=None, user=user, institution=university, role=Role.RESEARCHER)
        print(f"database ready in {time.perf_counter() - started:.1f} s ({workdir})")

        rows = make_rows(args.rows, args.seed)
        target = workdir / ("results.csv" if args.csv else "results.xlsx")
        started = time.perf_counter()
        write_file(rows, target, args.csv)
        print(
            f"wrote {target.name}: {target.stat().st_size / 1e6:.1f} MB "
            f"in {time.perf_counter() - started:.1f} s"
        )

        started = time.perf_counter()
        parsed = importer.read_rows(target)
        read_s = time.perf_counter() - started
        problems = importer.validate(parsed, university)
        check_s = time.perf_counter() - started
        started = time.perf_counter()
        summary = importer.import_rows(None, university, parsed)
        import_s = time.perf_counter() - started
        if problems or summary.imported != len(rows):
            print(f"unexpected problems: {problems[:5]}")
            return 1
        n = len(rows)
        print(f"rows: {n}")
        print(f"read:            {read_s:6.2f} s  ({n / read_s:8.0f} rows/s)")
        print(f"read + validate: {check_s:6.2f} s  ({n / check_s:8.0f} rows/s)")
        print(f"import (checks again, writes): {import_s:6.2f} s  ({n / import_s:8.0f} rows/s)")
        print(f"total:           {check_s + import_s:6.2f} s")
        print(
            f"written: {Result.objects.count()} results, {ResultInventor.objects.count()} "
            f"inventors ({ResultInventor.objects.filter(user__isnull=False).count()} linked), "
            f"{TimelineEvent.objects.count()} timeline events"
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
