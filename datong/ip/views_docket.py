"""The deadlines page: the docket tasks and annuities of the user's offices, with their actions."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from datong.core.exports import export_response
from datong.core.permissions import works_in_an_office

from . import annuities, docket
from .models import RenewalDecision, RenewalStatus

TABS = [
    ("30", gettext_lazy("Next 30 days")),
    ("90", gettext_lazy("Next 90 days")),
    ("overdue", gettext_lazy("Overdue")),
    ("owner", gettext_lazy("By owner")),
]
RENEWAL_ACTIONS = ("remind", "instruct", "pay", "confirm", "decide")


def _require_office(user) -> None:
    if not works_in_an_office(user):
        raise PermissionDenied(_("The deadlines page is for transfer-office staff."))


def _task_row(task, today: dt.date) -> dict:
    return {
        "kind": "task",
        "obj": task,
        "filing": task.filing,
        "family": task.filing.family,
        "label": docket.rule_label(task.rule, task.title),
        "due": task.due_date,
        "final": task.final_date,
        "owner": task.owner,
        "days_left": (task.due_date - today).days,
        "late": max(0, (today - task.due_date).days),
        "status": "",
    }


def _renewal_row(renewal, today: dt.date) -> dict:
    unpaid = renewal.status in annuities.UNPAID
    return {
        "kind": "renewal",
        "obj": renewal,
        "filing": renewal.filing,
        "family": renewal.filing.family,
        "label": _("Annuity, year %(year)d") % {"year": renewal.year},
        "due": renewal.due_date,
        "final": annuities.grace_end(renewal.due_date),
        "owner": None,
        "days_left": (renewal.due_date - today).days if unpaid else None,
        "late": max(0, (today - renewal.due_date).days),
        "status": renewal.get_status_display(),
        "actions": [
            action
            for action in ("remind", "instruct", "pay", "confirm")
            if renewal.status in annuities.TRANSITIONS[action][0]
        ],
        "can_decide": unpaid,
        "suggested": annuities.amount_to_pay(renewal, today),
    }


def _rows(user, tab: str, today: dt.date) -> list[dict]:
    if tab == "overdue":
        tasks = docket.task_list(actor=user, overdue=True, today=today)
        renewals = annuities.renewal_list(actor=user, overdue=True, today=today)
    elif tab == "owner":
        tasks = docket.task_list(actor=user, today=today)
        renewals = annuities.renewal_list(actor=user, days=90, today=today)
    else:
        days = int(tab)
        tasks = docket.task_list(actor=user, days=days, today=today)
        renewals = annuities.renewal_list(actor=user, days=days, today=today)
    rows = [_task_row(t, today) for t in tasks[:1000]]
    rows += [_renewal_row(r, today) for r in renewals[:1000]]
    rows.sort(key=lambda r: (r["due"], r["kind"], r["obj"].pk))
    return rows


def _groups(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = {}
    for row in rows:
        if row["kind"] == "renewal":
            name = _("Annuities (the office)")
        elif row["owner"] is not None:
            name = str(row["owner"])
        else:
            name = _("Unassigned")
        groups.setdefault(name, []).append(row)
    return sorted(groups.items(), key=lambda item: item[0])


@login_required
def deadlines(request):
    _require_office(request.user)
    tab = request.GET.get("tab", "30")
    if tab not in dict(TABS):
        tab = "30"
    today = timezone.localdate()
    rows = _rows(request.user, tab, today)
    if request.GET.get("export"):
        return export_response(
            request,
            "deadlines",
            _("Deadlines"),
            [
                _("Due"),
                _("Final date"),
                _("Deadline"),
                _("Filing"),
                _("Family"),
                _("Institution"),
                _("Owner"),
                _("Status"),
            ],
            (
                (
                    r["due"].isoformat(),
                    r["final"].isoformat() if r["final"] else "",
                    r["label"],
                    str(r["filing"]),
                    r["family"].title,
                    r["family"].institution.display_name,
                    str(r["owner"] or ""),
                    r["status"],
                )
                for r in rows
            ),
        )
    context = {
        "tabs": TABS,
        "tab": tab,
        "rows": rows,
        "groups": _groups(rows) if tab == "owner" else [],
        "today": today,
        "decisions": RenewalDecision.choices,
        "unpaid": [str(s) for s in annuities.UNPAID],
        "paid_status": RenewalStatus.PAID,
        "next": request.get_full_path(),
        "office_people": _office_people(request.user),
    }
    return render(request, "ip/docket.html", context)


def _office_people(user) -> dict[int, list]:
    """Who can own a deadline, per institution the user works for."""
    from datong.accounts.models import User
    from datong.core.permissions import scope_for
    from datong.core.roles import STAFF_ROLES

    institutions = scope_for(user).staff_institution_ids
    people: dict[int, list] = {}
    for person, institution_id in (
        User.objects.filter(
            memberships__institution_id__in=sorted(institutions),
            memberships__role__in=STAFF_ROLES,
            is_active=True,
        )
        .values_list("pk", "memberships__institution_id")
        .distinct()
    ):
        people.setdefault(institution_id, []).append(person)
    users = {u.pk: u for u in User.objects.filter(pk__in={p for v in people.values() for p in v})}
    return {i: sorted((users[p] for p in ids), key=str) for i, ids in people.items()}


@login_required
@require_POST
def task_assign(request, pk: int):
    from datong.accounts.models import User

    task = docket.task_get(actor=request.user, pk=pk)
    owner_id = request.POST.get("owner") or ""
    owner = User.objects.filter(pk=owner_id, is_active=True).first() if owner_id.isdigit() else None
    try:
        docket.task_assign(actor=request.user, task=task, owner=owner)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The deadline's owner was changed."))
    return _back(request)


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(reverse("ip-deadlines"))


def _error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(str(m) for m in exc.messages))


@login_required
@require_POST
def task_done(request, pk: int):
    task = docket.task_get(actor=request.user, pk=pk)
    try:
        docket.task_done(actor=request.user, task=task)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("Marked done: %(task)s.") % {"task": docket.rule_label(task.rule, task.title)},
        )
    return _back(request)


@login_required
@require_POST
def renewal_action(request, pk: int, action: str):
    if action not in RENEWAL_ACTIONS:
        raise Http404(_("Not found."))
    renewal = annuities.renewal_get(actor=request.user, pk=pk)
    try:
        if action == "remind":
            annuities.renewal_remind(actor=request.user, renewal=renewal)
        elif action == "instruct":
            annuities.renewal_instruct(actor=request.user, renewal=renewal)
        elif action == "confirm":
            annuities.renewal_confirm(actor=request.user, renewal=renewal)
        elif action == "decide":
            annuities.renewal_decide(
                actor=request.user,
                renewal=renewal,
                decision=request.POST.get("decision", ""),
                reason=request.POST.get("reason", ""),
            )
        else:
            try:
                paid_on = dt.date.fromisoformat(request.POST.get("paid_on", ""))
            except ValueError as exc:
                raise ValidationError({"paid_on": _("Give the date as YYYY-MM-DD.")}) from exc
            annuities.renewal_pay(
                actor=request.user,
                renewal=renewal,
                amount=request.POST.get("amount", ""),
                paid_on=paid_on,
            )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("%(filing)s, year %(year)d: %(status)s.")
            % {
                "filing": renewal.filing,
                "year": renewal.year,
                "status": renewal.get_status_display(),
            },
        )
    return _back(request)
