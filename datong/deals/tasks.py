"""Scheduled work of contracts: tell each contract's manager once about every overdue item.

``datong manage deals_overdue_reminders`` (daily, from cron) runs :func:`send_overdue_reminders`;
it is safe to run twice: each instalment, milestone and royalty report is reminded once (the day
is kept on the row).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from datong.notifications.services import notify

from .models import Contract, PaymentTerm, RoyaltyReport
from .selectors import receivable
from .services import MONEY_STATUSES, contract_contacts


def remind_overdue(today=None) -> int:
    """Notify about every overdue item not reminded yet; returns how many were reminded."""
    today = today or timezone.localdate()
    sent = 0
    contracts = (
        Contract.objects.filter(status__in=MONEY_STATUSES)
        .select_related("manager")
        .prefetch_related("terms", "royalty_reports", "payments")
    )
    for contract in contracts:
        overdue = [
            item
            for item in receivable(contract, today).overdue_items
            if (item.report or item.term).overdue_notified_on is None
        ]
        if not overdue:
            continue
        with transaction.atomic():
            users = contract_contacts(contract)
            url = reverse("deal-detail", args=[contract.pk])
            for item in overdue:
                row = item.report or item.term
                model = RoyaltyReport if item.report is not None else PaymentTerm
                # claim the row first: a second run at the same time reminds nobody twice
                if not model.objects.filter(pk=row.pk, overdue_notified_on=None).update(
                    overdue_notified_on=today
                ):
                    continue
                for user in users:
                    with translation.override(user.language or settings.LANGUAGE_CODE):
                        notify(
                            users=[user],
                            title=_("Overdue: %(label)s of contract %(number)s")
                            % {"label": item.label, "number": contract.number},
                            body=_("%(amount)s yuan were due on %(day)s and are still unpaid.")
                            % {"amount": item.outstanding, "day": item.due_on.isoformat()},
                            url=url,
                        )
                sent += 1
    return sent


@task()
def send_overdue_reminders() -> int:
    return remind_overdue()
