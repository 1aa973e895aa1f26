"""Background tasks run through the database backend and `datong worker` (db_worker)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from datong.accounts.services import user_create
from datong.core.tasks import email_user_later


@pytest.mark.django_db(transaction=True)
def test_queued_email_is_sent_by_the_worker():
    user = user_create(
        actor=None, username="mail-me", password=None, email="mail-me@example.edu.cn"
    )
    before = DBTaskResult.objects.count()
    email_user_later(user_id=user.pk, subject="评审提醒", body="请于本周完成评审。")
    assert DBTaskResult.objects.count() == before + 1
    assert mail.outbox == []
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert [m.to for m in mail.outbox] == [["mail-me@example.edu.cn"]]
    assert mail.outbox[0].subject == "评审提醒"
    assert DBTaskResult.objects.order_by("-enqueued_at").first().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_nothing_is_queued_when_the_transaction_rolls_back():
    from django.db import transaction

    user = user_create(actor=None, username="rollback", password=None, email="r@example.edu.cn")
    before = DBTaskResult.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        email_user_later(user_id=user.pk, subject="x", body="y")
        raise RuntimeError("refused")
    assert DBTaskResult.objects.count() == before
