from pathlib import Path

from django.core.management.base import BaseCommand

from datong.api import openapi_json


class Command(BaseCommand):
    help = "Write the API's OpenAPI document (docs/openapi.json is the committed copy)."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="-", help="file to write, or - for stdout")

    def handle(self, *args, output, **options):
        document = openapi_json()
        if output == "-":
            self.stdout.write(document, ending="")
        else:
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            Path(output).write_text(document, encoding="utf-8")
            self.stdout.write(f"Wrote {output}")
