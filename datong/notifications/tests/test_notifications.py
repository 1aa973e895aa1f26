"""In-app notifications: created by services, e-mailed through the worker, read by their owner."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from datong.accounts.factories import UserFactory
from datong.notifications.models import Notification
from datong.notifications.services import notification_mark_read, notify

pytestmark = pytest.mark.django_db


def test_notify_skips_the_actor_and_duplicates():
    actor, a, b = UserFactory(), UserFactory(), UserFactory()
    made = notify(
        users=[actor, a, a, b, None], actor=actor, title="评审提醒", url="/x/", email=False
    )
    assert sorted(n.user_id for n in made) == sorted([a.pk, b.pk])


@pytest.mark.django_db(transaction=True)
def test_an_email_copy_goes_out_through_the_worker():
    user = UserFactory(email="zhang@example.edu.cn")
    notify(users=[user], title="新的披露待审", body="D2026-0001")
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert [m.subject for m in mail.outbox] == ["新的披露待审"]


def test_bell_count_list_and_open(client):
    user, other = UserFactory(), UserFactory()
    mine = notify(users=[user], title="请确认份额", url="/people/", email=False)[0]
    theirs = notify(users=[other], title="别人的", email=False)[0]
    client.force_login(user)
    page = client.get(reverse("notification-list"))
    assert 'data-unread="1"' in page.content.decode()
    assert [n.pk for n in page.context["page"].object_list] == [mine.pk]
    # Someone else's notification is not found.
    assert client.post(reverse("notification-open", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("notification-open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/people/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_ones_own():
    user, other = UserFactory(), UserFactory()
    notify(users=[user, other], title="x", email=False)
    assert notification_mark_read(actor=user) == 1
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 1
