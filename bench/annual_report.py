"""Time the annual report (and the institution dashboard, where it exists) on PostgreSQL with a
million contracts and their payments.

    pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
    createdb datong_bench_reports        # or: psql -c "create database datong_bench_reports"
    .venv/bin/python bench/annual_report.py \\
        --database-url postgres://root@127.0.0.1:5432/datong_bench_reports --contracts 1000000

The database named on the command line is migrated and filled; nothing else is touched (the
script refuses to run without ``--database-url`` and never reads ``DATABASE_URL``). A second run
on the same database reuses the data unless ``--regenerate`` is given. Rows go in with COPY
through psycopg; ANALYZE runs before the timings. Prints the figures of the timed report and the
median of ``--runs`` computations.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TYPES = [
    ("development", 0.45),
    ("service", 0.25),
    ("consulting", 0.10),
    ("transfer", 0.10),
    ("licence", 0.07),
    ("equity", 0.03),
]
STATUSES = [
    ("signed", 0.60),
    ("completed", 0.30),
    ("terminated", 0.03),
    ("draft", 0.05),
    ("announced", 0.02),
]
MEDIAN_AMOUNT = {
    "development": 150_000,
    "service": 60_000,
    "consulting": 40_000,
    "transfer": 300_000,
    "licence": 200_000,
    "equity": 2_000_000,
}
CONVERSION = {"transfer", "licence", "equity"}
PREFIX = "bench-u"

#: The covering indexes the report asks of the deals models (Meta.indexes, same names), so
#: the counts and sums read the indexes alone (PostgreSQL index-only scans).
SUGGESTED_INDEXES = [
    "CREATE INDEX IF NOT EXISTS contract_inst_signed_cover ON deals_contract "
    "(institution_id, signed_on) INCLUDE (id, contract_type, status, amount)",
    "CREATE INDEX IF NOT EXISTS payment_received_cover ON deals_payment "
    "(received_on) INCLUDE (contract_id, amount)",
    "CREATE INDEX IF NOT EXISTS payment_contract_cover ON deals_payment "
    "(contract_id, received_on) INCLUDE (amount)",
    "CREATE INDEX IF NOT EXISTS party_contract_role_cover ON deals_contractparty "
    "(contract_id, role) INCLUDE (position, id, region, is_sme, name)",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", required=True, help="the PostgreSQL database to fill and time"
    )
    parser.add_argument("--contracts", type=int, default=1_000_000)
    parser.add_argument("--institutions", type=int, default=20)
    parser.add_argument("--first-year", type=int, default=2016)
    parser.add_argument("--year", type=int, default=2025, help="the report year timed")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--institution",
        default=f"{PREFIX}01",
        help="the institution timed (bench-u01 is the largest)",
    )
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument(
        "--regenerate", action="store_true", help="delete the bench rows and fill again"
    )
    parser.add_argument("--json", action="store_true", help="print the timings as JSON at the end")
    parser.add_argument(
        "--suggested-indexes",
        action="store_true",
        help="create the covering indexes docs/annual-report.md asks the deals models for "
        "(same names: a no-op once their migration made them)",
    )
    return parser.parse_args()


def setup_django(url: str) -> None:
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("--database-url must be a PostgreSQL URL")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DATONG_DATA_DIR", tempfile.mkdtemp(prefix="datong-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "datong.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


# --- COPY helpers ----------------------------------------------------------------------------


def _fields(model, given) -> list:
    """The columns COPY fills: every concrete field but an id left to the sequence."""
    return [
        f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in given)
    ]


def _columns(model, values: dict) -> tuple[list[str], list]:
    """Every column COPY fills for ``model``: the given values, else the field's default."""
    from django.db import models
    from django.utils import timezone

    now = timezone.now()
    columns, defaults = [], []
    for f in _fields(model, values):
        columns.append(f.column)
        if f.attname in values or f.name in values:
            defaults.append(None)
        elif isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
            defaults.append(now)
        else:
            value = f.get_default()
            if isinstance(f, models.JSONField) and value is not None:
                value = json.dumps(value)
            defaults.append(value)
    return columns, defaults


class Copier:
    """COPY rows of one model: ``add(**values)`` with attnames; the rest from defaults."""

    def __init__(self, connection, model, fields: list[str]):
        self.model = model
        self.fields = fields
        self.columns, self.defaults = _columns(model, dict.fromkeys(fields))
        names = [f.attname for f in _fields(model, fields)]
        self.index = [names.index(name) for name in fields]
        self.connection = connection
        self.rows: list[tuple] = []
        self.count = 0

    def add(self, *values) -> None:
        row = list(self.defaults)
        for i, value in zip(self.index, values, strict=True):
            row[i] = value
        self.rows.append(tuple(row))
        if len(self.rows) >= 50_000:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        table = self.model._meta.db_table
        cols = ", ".join(f'"{c}"' for c in self.columns)
        with (
            self.connection.cursor() as cursor,
            cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy,
        ):
            for row in self.rows:
                copy.write_row(row)
        self.count += len(self.rows)
        self.rows = []


def next_id(cursor, model) -> int:
    cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{model._meta.db_table}"')
    return cursor.fetchone()[0]


def reset_sequence(cursor, model) -> None:
    table = model._meta.db_table
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), COALESCE(MAX(id), 1)) "
        f'FROM "{table}"'
    )


def pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    return rng.choices([k for k, _w in weighted], weights=[w for _k, w in weighted])[0]


# --- the data --------------------------------------------------------------------------------


def delete_bench(stdout) -> None:
    from django.db import connection

    from datong.institutions.models import Institution

    ids = list(Institution.objects.filter(slug__startswith=PREFIX).values_list("pk", flat=True))
    if not ids:
        return
    stdout.write("deleting the previous bench rows …\n")
    id_list = ",".join(str(i) for i in ids)
    mine = f"institution_id IN ({id_list})"
    contracts = f"contract_id IN (SELECT id FROM deals_contract WHERE {mine})"
    statements = [
        "DELETE FROM income_reward WHERE distribution_id IN "
        f"(SELECT id FROM income_distribution WHERE {mine})",
        f"DELETE FROM income_distribution WHERE {mine}",
        "DELETE FROM ventures_founder WHERE company_id IN "
        f"(SELECT id FROM ventures_company WHERE {mine})",
        f"DELETE FROM ventures_company WHERE {mine}",
        f"DELETE FROM deals_payment WHERE {contracts}",
        f"DELETE FROM deals_contractparty WHERE {contracts}",
        f"DELETE FROM deals_contract_results WHERE {contracts}",
        f"DELETE FROM deals_contract WHERE {mine}",
        f"DELETE FROM results_result WHERE {mine}",
        f"DELETE FROM institutions_institution WHERE id IN ({id_list})",
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def generate(args, stdout) -> None:
    from django.db import connection, transaction

    from datong.deals.income.models import Distribution, Reward
    from datong.deals.models import Contract, ContractParty, Payment
    from datong.institutions.models import Institution, InstitutionKind
    from datong.institutions.regions import PROVINCES
    from datong.results.models import Classification, Result
    from datong.ventures.models import Company, Founder

    rng = random.Random(args.seed)
    started = time.perf_counter()
    institutions = [
        Institution.objects.create(
            slug=f"{PREFIX}{n:02d}",
            name=f"基准大学{n:02d}",
            name_en=f"Bench University {n:02d}",
            kind=InstitutionKind.UNIVERSITY,
            province="110000",
        )
        for n in range(1, args.institutions + 1)
    ]
    # a few big universities and a long tail: weights 1/n^0.8
    weights = [1 / (n**0.8) for n in range(1, len(institutions) + 1)]
    industries = list(
        Classification.objects.filter(scheme="GB/T 4754-2017", parent__isnull=False).values_list(
            "pk", flat=True
        )
    )
    provinces = [code for code, _zh, _en in PROVINCES]
    province_weights = [
        6 if code[:2] in ("11", "31", "32", "33", "44", "37", "51", "42") else 1
        for code in provinces
    ]
    ip_types = ["invention_patent", "utility_model", "design", "software_copyright", "ic_layout"]
    years = list(range(args.first_year, args.year + 1))
    year_weights = [1 + 0.12 * i for i in range(len(years))]  # growth over the decade

    raw = connection.connection  # the psycopg connection under Django's
    with transaction.atomic(), connection.cursor() as cursor:
        # results: one for every five contracts, spread like the contracts
        result_model_id = next_id(cursor, Result)
        results = Copier(
            raw,
            Result,
            [
                "id",
                "institution_id",
                "number",
                "title",
                "ip_types",
                "industry_id",
                "source",
                "status",
                "created_at",
                "updated_at",
            ],
        )
        result_ids: dict[int, list[int]] = {i.pk: [] for i in institutions}
        n_results = max(1, args.contracts // 5)
        rid = result_model_id
        for n in range(n_results):
            inst = rng.choices(institutions, weights=weights)[0]
            year = rng.choices(years, weights=year_weights)[0]
            created = dt.datetime(year, rng.randint(1, 12), rng.randint(1, 28), 9, tzinfo=dt.UTC)
            types = json.dumps(rng.sample(ip_types, rng.choice([1, 1, 1, 2])))
            results.add(
                rid,
                inst.pk,
                f"BR{n:07d}",
                f"基准成果{n}",
                types,
                rng.choice(industries),
                rng.choice(["disclosure", "import", "manual"]),
                "registered",
                created,
                created,
            )
            result_ids[inst.pk].append(rid)
            rid += 1
        results.flush()
        stdout.write(f"  results       {results.count:>10,}\n")

        contracts = Copier(
            raw,
            Contract,
            [
                "id",
                "institution_id",
                "number",
                "title",
                "contract_type",
                "status",
                "signed_on",
                "amount",
            ],
        )
        parties = Copier(
            raw,
            ContractParty,
            ["contract_id", "role", "name", "region", "entity_type", "is_sme", "position"],
        )
        payments = Copier(raw, Payment, ["contract_id", "received_on", "amount"])
        links = Copier(raw, Contract.results.through, ["contract_id", "result_id"])
        distributions = Copier(
            raw,
            Distribution,
            [
                "id",
                "institution_id",
                "result_id",
                "contract_id",
                "number",
                "deal_type",
                "status",
                "decided_on",
            ],
        )
        rewards = Copier(
            raw,
            Reward,
            [
                "distribution_id",
                "name",
                "share",
                "pool_share",
                "channel",
                "amount",
                "shares",
                "taxable",
                "tax_estimate",
                "paid_on",
            ],
        )
        cid = next_id(cursor, Contract)
        did = next_id(cursor, Distribution)
        surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
        for n in range(args.contracts):
            inst = rng.choices(institutions, weights=weights)[0]
            kind = pick(rng, TYPES)
            status = pick(rng, STATUSES)
            year = rng.choices(years, weights=year_weights)[0]
            signed = None
            if status not in ("draft", "announced"):
                signed = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
            amount = Decimal(int(rng.lognormvariate(0, 1.1) * MEDIAN_AMOUNT[kind])).quantize(
                Decimal("0.01")
            )
            contracts.add(cid, inst.pk, f"B{n:07d}", f"基准合同{n}", kind, status, signed, amount)
            parties.add(
                cid,
                "investee" if kind == "equity" else "buyer",
                f"企业{rng.randint(1, 200000)}",
                rng.choices(provinces, weights=province_weights)[0][:2]
                + f"{rng.randint(1, 9)}{rng.randint(0, 9)}00",
                "1",
                rng.random() < 0.4,
                0,
            )
            if signed is not None:
                parts = rng.choice([1, 1, 2, 2, 3])
                for p in range(parts):
                    received = signed + dt.timedelta(
                        days=rng.randint(0, 540) if p else rng.randint(0, 60)
                    )
                    if received <= dt.date(args.year, 12, 31):
                        payments.add(cid, received, (amount / parts).quantize(Decimal("0.01")))
            if kind in CONVERSION and result_ids[inst.pk]:
                result = rng.choice(result_ids[inst.pk])
                links.add(cid, result)
                if signed is not None and rng.random() < 0.3:
                    decided = signed + dt.timedelta(days=rng.randint(10, 200))
                    executed = rng.random() < 0.85
                    distributions.add(
                        did,
                        inst.pk,
                        result,
                        cid,
                        f"BD{n:07d}",
                        kind,
                        "executed" if executed else "draft",
                        decided,
                    )
                    for r in range(rng.choice([2, 3, 4])):
                        cash = kind != "equity"
                        reward_amount = (
                            (amount * Decimal("0.5") / 3).quantize(Decimal("0.01"))
                            if cash
                            else Decimal("0.00")
                        )
                        rewards.add(
                            did,
                            rng.choice(surnames) + rng.choice("伟芳娜敏静丽强磊军洋") + str(r),
                            Decimal("25"),
                            Decimal("25"),
                            "cash" if (not cash or rng.random() < 0.8) else "research_account",
                            reward_amount,
                            None if cash else Decimal("2.5"),
                            (reward_amount / 2).quantize(Decimal("0.01")),
                            (reward_amount * Decimal("0.05")).quantize(Decimal("0.01")),
                            decided if executed else None,
                        )
                    did += 1
            cid += 1
            if cid % 200_000 == 0:
                stdout.write(f"  … {n + 1:,} contracts\n")
        for copier in (contracts, parties, payments, links, distributions, rewards):
            copier.flush()
        companies = Copier(
            raw, Company, ["id", "institution_id", "name", "state", "incorporated_on", "region"]
        )
        founders = Copier(
            raw,
            Founder,
            ["company_id", "name", "on_leave", "leave_from", "leave_until", "position"],
        )
        coid = next_id(cursor, Company)
        for n in range(max(1, args.contracts // 100)):
            inst = rng.choices(institutions, weights=weights)[0]
            year = rng.choices(years, weights=year_weights)[0]
            incorporated = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
            companies.add(
                coid,
                inst.pk,
                f"基准公司{n}",
                rng.choice(["active", "active", "dormant", "dissolved"]),
                incorporated,
                rng.choice(provinces),
            )
            for f in range(rng.choice([1, 2, 3])):
                leave = rng.random() < 0.3
                leave_from = incorporated - dt.timedelta(days=rng.randint(0, 90)) if leave else None
                leave_until = (
                    leave_from + dt.timedelta(days=rng.randint(365, 1095))
                    if leave and rng.random() < 0.5
                    else None
                )
                founders.add(coid, f"创始人{n}-{f}", leave, leave_from, leave_until, f)
            coid += 1
        companies.flush()
        founders.flush()
        for model in (
            Result,
            Contract,
            ContractParty,
            Payment,
            Distribution,
            Reward,
            Company,
            Founder,
        ):
            reset_sequence(cursor, model)
        for label, copier in (
            ("contracts", contracts),
            ("parties", parties),
            ("payments", payments),
            ("result links", links),
            ("distributions", distributions),
            ("rewards", rewards),
            ("companies", companies),
            ("founders", founders),
        ):
            stdout.write(f"  {label:<13} {copier.count:>10,}\n")
    stdout.write(f"generated in {time.perf_counter() - started:.0f} s\n")


# --- the timings -----------------------------------------------------------------------------


def median_time(function, runs: int) -> tuple[float, list[float], object]:
    times, value = [], None
    for _ in range(runs):
        started = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times, value


def _runs(times: list[float]) -> str:
    return ", ".join(f"{t:.3f}" for t in times)


def dashboard_call(institution, year):
    """The dashboards app's institution dashboard, called with the arguments it declares."""
    try:
        from datong.reports.dashboards import selectors as dashboard_selectors
    except ImportError:
        return None
    function = getattr(dashboard_selectors, "institution_dashboard", None)
    if function is None:
        return None
    from datong.accounts.models import User

    actor = User.objects.filter(
        is_superuser=True, username="bench-admin"
    ).first() or User.objects.create_superuser(
        username="bench-admin", email="bench@example.invalid", password=None
    )
    offered = {
        "actor": actor,
        "institution": institution,
        "year": year,
        "year_from": year - 4,
        "year_to": year,
        "first_year": year - 4,
        "last_year": year,
        "department": None,
    }
    parameters = inspect.signature(function).parameters
    kwargs = {k: v for k, v in offered.items() if k in parameters}
    return lambda: function(**kwargs)


def main() -> None:
    args = parse_args()
    out = sys.stdout
    setup_django(args.database_url)
    from django.db import connection
    from django.utils import translation

    from datong.deals.models import Contract
    from datong.institutions.models import Institution
    from datong.reports import engine
    from datong.reports.report import build, indicators_of, template_for

    existing = Contract.objects.filter(institution__slug__startswith=PREFIX).count()
    if args.regenerate or existing == 0:
        delete_bench(out)
        out.write(
            f"generating {args.contracts:,} contracts for {args.institutions} institutions …\n"
        )
        generate(args, out)
    else:
        out.write(f"reusing {existing:,} bench contracts (--regenerate to fill again)\n")
    with connection.cursor() as cursor:
        if args.suggested_indexes:
            for sql in SUGGESTED_INDEXES:
                cursor.execute(sql)
        # what autovacuum does on a live database: statistics and the visibility map
        cursor.execute("VACUUM ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM deals_contract")
        total_contracts = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM deals_payment")
        total_payments = cursor.fetchone()[0]
    institution = Institution.objects.get(slug=args.institution)
    year = args.year
    in_year = Contract.objects.filter(institution=institution, signed_on__year=year).count()
    out.write(
        f"database: {total_contracts:,} contracts, {total_payments:,} payments; "
        f"timed: {institution.slug} "
        f"{year} ({in_year:,} contracts signed that year)\n"
    )
    template = template_for(year)
    timings = {}
    with translation.override("zh-hans"):
        build(institution, year)  # warm the caches once
        figures_s, figures_runs, _ = median_time(
            lambda: engine.compute(indicators_of(template), institution.pk, year), args.runs
        )
        report_s, report_runs, report = median_time(lambda: build(institution, year), args.runs)
    timings["figures_median_s"] = round(figures_s, 3)
    timings["report_median_s"] = round(report_s, 3)
    out.write(
        f"\nannual report figures (all {len(indicators_of(template))} indicators): "
        f"median {figures_s:.3f} s  runs {_runs(figures_runs)}\n"
    )
    out.write(
        f"whole report incl. project list ({len(report.indicator('project_list').rows):,} rows): "
        f"median {report_s:.3f} s  runs {_runs(report_runs)}\n"
    )
    dashboard = dashboard_call(institution, year)
    if dashboard is not None:
        try:
            dashboard()
            dash_s, dash_runs, _ = median_time(dashboard, args.runs)
            timings["dashboard_median_s"] = round(dash_s, 3)
            out.write(f"institution dashboard: median {dash_s:.3f} s  runs {_runs(dash_runs)}\n")
        except Exception as exc:  # noqa: BLE001 - a bench reports, it does not stop
            out.write(f"institution dashboard: could not run ({exc.__class__.__name__}: {exc})\n")
    else:
        out.write(
            "institution dashboard: not available "
            "(datong.reports.dashboards.selectors.institution_dashboard)\n"
        )
    out.write("\nfigures of the timed report:\n")
    for section in report.sections:
        out.write(f"{section.number}. {section.title}\n")
        for indicator in section.figures:
            out.write(f"   {indicator.label}: {indicator.text} {indicator.unit_label}\n")
            for group in indicator.groups[:6]:
                out.write(f"       {group.label}: {group.text}\n")
    if args.json:
        buffer = io.StringIO()
        json.dump({"contracts": total_contracts, "payments": total_payments, **timings}, buffer)
        out.write(buffer.getvalue() + "\n")


if __name__ == "__main__":
    main()
