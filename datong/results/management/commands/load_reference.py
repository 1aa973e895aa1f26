from django.core.management.base import BaseCommand

from datong.results.reference import load_reference_data


class Command(BaseCommand):
    help = "Load or refresh the reference classifications from datong/results/data/*.json."

    def handle(self, *args, **options):
        self.stdout.write(f"{load_reference_data()} classifications loaded.")
