from django.conf import settings

from .navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    current = request.resolver_match.url_name if getattr(request, "resolver_match", None) else ""
    return {
        "nav_items": items_for(user),
        "nav_current": current or "",
        "datong_languages": settings.LANGUAGES,
    }
