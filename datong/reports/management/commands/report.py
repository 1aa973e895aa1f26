"""``manage.py report annual --institution SLUG --year YYYY --format docx|xlsx|pdf --output PATH``

Writes exactly the report the page shows (same template, figures, narrative and project list).
The console is trusted like ``load-demo``: it reads every institution's records.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from datong.institutions.models import Institution
from datong.reports import exports
from datong.reports.report import build
from datong.reports.selectors import FIRST_YEAR


class Command(BaseCommand):
    help = "Write an institution's annual technology-transfer report as .docx, .xlsx or .pdf."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True)
        annual = sub.add_parser("annual", help="the annual report (科技成果转化年度报告)")
        annual.add_argument("--institution", required=True, help="the institution's short code")
        annual.add_argument("--year", required=True, type=int)
        annual.add_argument("--format", dest="fmt", choices=exports.FORMATS, default=None)
        annual.add_argument(
            "--output", required=True, help="file to write (the format follows its suffix)"
        )
        annual.add_argument(
            "--language", default="zh-hans", choices=["zh-hans", "en"], help="default zh-hans"
        )

    def handle(self, *args, **options):
        output = Path(options["output"])
        fmt = options["fmt"] or output.suffix.lstrip(".").lower()
        if fmt not in exports.FORMATS:
            raise CommandError("give --format docx, xlsx or pdf (or an --output with that suffix)")
        institution = Institution.objects.filter(slug=options["institution"]).first()
        if institution is None:
            raise CommandError(f"no institution with the short code {options['institution']!r}")
        year = options["year"]
        if year < FIRST_YEAR or year > 2100:
            raise CommandError(f"the year must be between {FIRST_YEAR} and 2100")
        with translation.override(options["language"]):
            try:
                report = build(institution, year)
            except LookupError as exc:
                raise CommandError(str(exc)) from exc
            content = exports.render(report, fmt)
        if output.parent and not output.parent.exists():
            output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(content)
        self.stdout.write(f"{output} ({fmt}, {len(content):,} bytes)")
