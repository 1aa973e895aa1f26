from django.core.management.base import BaseCommand

from datong.ip.tasks import send_deadline_reminders


class Command(BaseCommand):
    help = (
        "Remind owners of docket deadlines and the office of annuities, and lapse filings whose "
        "annuity stayed unpaid after the grace period. Enqueues the task for the worker; --now "
        "runs it here. Meant for a daily cron job: `datong manage send_reminders`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="run inline instead of enqueuing")

    def handle(self, *args, **options):
        if options["now"]:
            counts = send_deadline_reminders.call()
            self.stdout.write(
                "{tasks} task reminder(s), {renewals} annuity reminder(s), "
                "{lapsed} lapse(s).".format(**counts)
            )
        else:
            result = send_deadline_reminders.enqueue()
            self.stdout.write(f"Enqueued {result.id}.")
