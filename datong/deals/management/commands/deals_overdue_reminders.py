from django.core.management.base import BaseCommand

from datong.deals.tasks import remind_overdue, send_overdue_reminders


class Command(BaseCommand):
    help = "Tell contract managers about overdue instalments, milestones and royalties (daily)."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="run inline instead of enqueuing")

    def handle(self, *args, now=False, **options):
        if now:
            self.stdout.write(f"{remind_overdue()} overdue item(s) reminded")
        else:
            send_overdue_reminders.enqueue()
            self.stdout.write("enqueued")
