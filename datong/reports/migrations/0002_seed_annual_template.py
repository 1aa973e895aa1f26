"""Install the annual-report template from ``datong/reports/data/annual_report_2026.json``."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "annual_report_2026.json"


def load(apps, schema_editor):
    template = apps.get_model("reports", "ReportTemplate")
    doc = json.loads(DATA.read_text(encoding="utf-8"))
    template.objects.update_or_create(
        code=doc["code"],
        version=doc["version"],
        defaults={
            "effective_year": doc["effective_year"],
            "title": doc["title"]["zh"],
            "title_en": doc["title"]["en"],
            "source": doc.get("source", ""),
            "sections": doc["sections"],
            "is_active": True,
        },
    )


def unload(apps, schema_editor):
    template = apps.get_model("reports", "ReportTemplate")
    doc = json.loads(DATA.read_text(encoding="utf-8"))
    template.objects.filter(code=doc["code"], version=doc["version"]).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
