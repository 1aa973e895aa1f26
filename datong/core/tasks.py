"""Background tasks shared by every app. Tasks take ids, are safe to run twice, and are enqueued
with ``transaction.on_commit`` so they never see uncommitted data."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django_tasks import task


@task()
def send_user_email(user_id: int, subject: str, body: str) -> bool:
    """Send one e-mail to a user, in their language. Returns False when there is no address."""
    user = apps.get_model("accounts", "User").objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    with translation.override(user.language or settings.LANGUAGE_CODE):
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True


def email_user_later(*, user_id: int, subject: str, body: str) -> None:
    """Queue an e-mail to go out once the current transaction commits."""
    transaction.on_commit(
        lambda: send_user_email.enqueue(user_id=user_id, subject=str(subject), body=str(body))
    )
