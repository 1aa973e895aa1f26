from datong.core.permissions import get_visible_or_404, visible_to

from .models import Notification


def notification_list(*, actor, unread_only: bool = False):
    qs = visible_to(actor, Notification.objects.all())
    return qs.filter(read_at__isnull=True) if unread_only else qs


def notification_get(*, actor, pk: int) -> Notification:
    return get_visible_or_404(actor, Notification.objects.all(), pk=pk)


def unread_count(*, actor) -> int:
    if not getattr(actor, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=actor, read_at__isnull=True).count()
