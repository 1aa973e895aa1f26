"""Notifying people: an in-app notification each, and an e-mail once the write commits."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.utils import timezone

from datong.core.permissions import require
from datong.core.tasks import email_user_later

from .models import Notification

_email_muted = contextvars.ContextVar("datong_email_muted", default=False)


@contextlib.contextmanager
def emails_muted() -> Iterator[None]:
    """In-app notifications only, no e-mail: for the demo loader and bulk jobs."""
    token = _email_muted.set(True)
    try:
        yield
    finally:
        _email_muted.reset(token)


@transaction.atomic
def notify(
    *, users: Iterable, title: str, body: str = "", url: str = "", actor=None, email: bool = True
) -> list[Notification]:
    """Tell each user (once, never the actor themself) about something that concerns them."""
    seen, created = set(), []
    for user in users:
        if user is None or user.pk in seen or (actor is not None and user.pk == actor.pk):
            continue
        seen.add(user.pk)
        created.append(
            Notification.objects.create(user=user, title=str(title)[:200], body=str(body), url=url)
        )
        if email and not _email_muted.get():
            email_user_later(user_id=user.pk, subject=str(title), body=f"{body}\n\n{url}".strip())
    return created


def notification_mark_read(*, actor, notification: Notification | None = None) -> int:
    """Mark one (or, with ``None``, every) notification of the actor as read."""
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if notification is not None:
        require(notification.user_id == actor.pk)
        qs = qs.filter(pk=notification.pk)
    return qs.update(read_at=timezone.now())
