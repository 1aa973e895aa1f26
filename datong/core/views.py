from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .audit import ACTION_LABELS
from .dashboard import stats_for
from .pagination import paginate
from .selectors import audit_entries


@login_required
def dashboard(request):
    # The dashboard gathers counts from every app that has them; importing here keeps the
    # core free of domain imports at module level.
    from datong.institutions.selectors import dashboard_figures

    figures = dashboard_figures(actor=request.user)
    recent = audit_entries(actor=request.user)[:8]
    return render(
        request,
        "core/dashboard.html",
        {**figures, "recent": recent, "module_stats": stats_for(request.user)},
    )


@login_required
def activity(request):
    entries = audit_entries(actor=request.user)
    action = request.GET.get("action", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    page = paginate(request, entries, 30)
    actions = sorted((code, str(label)) for code, label in ACTION_LABELS.items())
    return render(
        request, "core/activity.html", {"page": page, "action": action, "actions": actions}
    )


@never_cache
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _error(request, status: int, title: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        code = {403: "forbidden", 404: "not_found", 500: "server_error"}[status]
        return JsonResponse({"code": code, "message": message}, status=status)
    template = loader.get_template("error.html")
    body = template.render(
        {"status": status, "title": title, "message": message}, request if status != 500 else None
    )
    return HttpResponse(body, status=status)


def error_403(request, exception=None):
    message = (
        str(exception)
        if exception and str(exception)
        else _("You do not have permission to open this page.")
    )
    return _error(request, 403, _("Access denied"), message)


def error_404(request, exception=None):
    return _error(
        request,
        404,
        _("Page not found"),
        _("The page does not exist, or you do not have access to it."),
    )


def error_500(request):
    return _error(
        request,
        500,
        _("Something went wrong"),
        _("An unexpected error occurred. It has been logged; please try again later."),
    )
