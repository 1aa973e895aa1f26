"""Scheduled work of the IP module: deadline and annuity reminders, lapses for non-payment.

``datong manage send_reminders`` (daily, from cron) enqueues :func:`send_deadline_reminders`;
``--now`` runs it inline. The task is safe to run twice: a docket task is reminded once per
threshold (remembered in the audit log, keyed by its due date so a moved task is reminded
again), a renewal is reminded once (its status becomes "reminded").
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from datong.core import audit
from datong.core.models import AuditEntry
from datong.core.permissions import scope_for
from datong.core.roles import Role
from datong.institutions.models import Membership
from datong.notifications.services import notify

from . import annuities, docket
from .models import DocketTask, Renewal, RenewalStatus

#: Days before the due date at which a docket task's owner hears about it (each once).
TASK_THRESHOLDS = (30, 7)
#: Renewals are reminded once, this many days ahead.
RENEWAL_DAYS = 60
OFFICE_ROLES = (Role.TTO_STAFF,)


def _office(institution_id: int) -> list:
    users = [
        m.user
        for m in Membership.objects.filter(
            institution_id=institution_id, role__in=OFFICE_ROLES, user__is_active=True
        ).select_related("user")
    ]
    if not users:  # no transfer-office staff: the technology managers hear about it
        users = [
            m.user
            for m in Membership.objects.filter(
                institution_id=institution_id, role=Role.TECH_MANAGER, user__is_active=True
            ).select_related("user")
        ]
    return users


def _task_recipients(task: DocketTask) -> list:
    institution_id = task.filing.family.institution_id
    owner = task.owner
    if owner is not None and owner.is_active and scope_for(owner).is_staff_of(institution_id):
        return [owner]
    return _office(institution_id)


def remind_tasks(today: dt.date) -> int:
    """Notify owners of open docket tasks due within the largest threshold; once per threshold."""
    sent = 0
    content_type = ContentType.objects.get_for_model(DocketTask)
    url = reverse("ip-deadlines")
    horizon = today + dt.timedelta(days=max(TASK_THRESHOLDS))
    open_tasks = DocketTask.objects.filter(
        done_at__isnull=True, due_date__gte=today, due_date__lte=horizon
    ).select_related("filing", "filing__family", "owner")
    for item in open_tasks:
        if item.filing.legal_status in docket.TERMINAL_STATUSES:
            continue
        days_left = (item.due_date - today).days
        threshold = min(t for t in TASK_THRESHOLDS if t >= days_left)
        key = f"{threshold}:{item.due_date.isoformat()}"
        if AuditEntry.objects.filter(
            action="ip.task_reminded",
            content_type=content_type,
            object_id=str(item.pk),
            message=key,
        ).exists():
            continue
        recipients = _task_recipients(item)
        title = _("Deadline in %(days)d days: %(task)s") % {
            "days": days_left,
            "task": docket.rule_label(item.rule, item.title),
        }
        body = _("%(filing)s · %(family)s · due %(due)s%(final)s") % {
            "filing": item.filing,
            "family": item.filing.family.title,
            "due": item.due_date.isoformat(),
            "final": (
                _(" (final date with surcharge %(day)s)") % {"day": item.final_date.isoformat()}
                if item.final_date
                else ""
            ),
        }
        notify(users=recipients, title=title, body=body, url=url)
        audit.record(
            actor=None,
            action="ip.task_reminded",
            obj=item,
            message=key,
            changes={"to": [None, [str(u) for u in recipients]]},
            institution_id=item.filing.family.institution_id,
        )
        sent += 1
    return sent


def remind_renewals(today: dt.date) -> int:
    """Notify the office of annuities due within ``RENEWAL_DAYS`` and mark them reminded."""
    sent = 0
    url = reverse("ip-deadlines")
    renewals = Renewal.objects.filter(
        status=RenewalStatus.DUE,
        due_date__lte=today + dt.timedelta(days=RENEWAL_DAYS),
        filing__legal_status="granted",
    ).select_related("filing", "filing__family")
    for renewal in renewals:
        filing = renewal.filing
        title = _("Annuity due %(due)s: %(filing)s, year %(year)d") % {
            "due": renewal.due_date.isoformat(),
            "filing": filing,
            "year": renewal.year,
        }
        body = _(
            "%(family)s · fee %(amount)s yuan (reduced %(reduced)s) · "
            "at the latest, with surcharge, by %(grace)s"
        ) % {
            "family": filing.family.title,
            "amount": renewal.amount,
            "reduced": renewal.reduced_amount or "—",
            "grace": annuities.grace_end(renewal.due_date).isoformat(),
        }
        notify(users=_office(filing.family.institution_id), title=title, body=body, url=url)
        annuities.renewal_remind(actor=None, renewal=renewal)
        sent += 1
    return sent


@task()
def send_deadline_reminders() -> dict:
    """Remind owners of docket tasks and the office of annuities; lapse unpaid filings."""
    today = timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "tasks": remind_tasks(today),
            "renewals": remind_renewals(today),
            "lapsed": annuities.lapse_overdue(today),
        }


REFRESH_CHUNK = 1000


@task()
def refresh_filings(filing_ids: list[int]) -> int:
    """Run the refresh hooks (docket and annuities) for filings written in bulk. Safe to run
    twice: the hooks recompute from the events."""
    from .models import Filing
    from .services import refresh_hooks

    done = 0
    for filing in Filing.objects.filter(pk__in=filing_ids).select_related("family"):
        for hook in refresh_hooks:
            hook(filing, None)
        done += 1
    return done


def refresh_filings_later(filing_ids: list[int]) -> None:
    """Queue ``refresh_filings`` in chunks once the import's transaction commits."""
    ids = list(filing_ids)

    def enqueue():
        for start in range(0, len(ids), REFRESH_CHUNK):
            refresh_filings.enqueue(filing_ids=ids[start : start + REFRESH_CHUNK])

    transaction.on_commit(enqueue)
