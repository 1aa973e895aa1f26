from django.db import migrations


def load(apps, schema_editor):
    from datong.results.reference import load_reference_data

    load_reference_data(apps.get_model("results", "Classification"))


def unload(apps, schema_editor):
    apps.get_model("results", "Classification").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("results", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
