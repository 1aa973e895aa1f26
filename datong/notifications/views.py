from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from datong.core.pagination import paginate

from . import selectors, services


@login_required
def notification_list(request):
    page = paginate(request, selectors.notification_list(actor=request.user), 30)
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_open(request, pk: int):
    """Mark it read and follow its link."""
    notification = selectors.notification_get(actor=request.user, pk=pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    target = notification.url or "/notifications/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "/notifications/"
    return redirect(target)


@login_required
@require_POST
def notification_read_all(request):
    services.notification_mark_read(actor=request.user)
    return redirect("notification-list")
