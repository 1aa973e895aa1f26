from django.conf import settings

from .navigation import active_key, items_for


def navigation(request):
    user = getattr(request, "user", None)
    current = request.resolver_match.url_name if getattr(request, "resolver_match", None) else ""
    from datong.notifications.selectors import unread_count

    items = items_for(user)
    return {
        "nav_items": items,
        "nav_active": active_key(items, current or ""),
        "unread_notifications": unread_count(actor=user) if user is not None else 0,
        "nav_current": current or "",
        "datong_languages": settings.LANGUAGES,
    }
