"""API of the docket and annuities: deadlines, task done, renewals and their workflow."""

# No ``from __future__ import annotations`` here: django-ninja reads the annotations at runtime.
import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from . import annuities, docket, selectors
from .models import DocketTask, Renewal

router = Router(tags=["ip"])


class DeadlineOut(Schema):
    type: str
    id: int
    filing_id: int
    filing: str
    family_id: int
    family_title: str
    rule: str
    title: str
    due_date: dt.date
    final_date: dt.date | None
    owner: str | None
    status: str


class TaskOut(Schema):
    id: int
    filing_id: int
    rule: str
    title: str
    due_date: dt.date
    final_date: dt.date | None
    owner_id: int | None
    done_at: dt.datetime | None


class RenewalOut(Schema):
    id: int
    filing_id: int
    year: int
    due_date: dt.date
    grace_end: dt.date
    amount: Decimal
    reduced_amount: Decimal | None
    fee_rule: str
    status: str
    decision: str
    reason: str
    paid_amount: Decimal | None
    paid_on: dt.date | None


class RenewalActionIn(Schema):
    amount: Decimal | None = None
    paid_on: dt.date | None = None
    decision: str = ""
    reason: str = ""


def _task_out(task: DocketTask) -> dict:
    return {
        "id": task.pk,
        "filing_id": task.filing_id,
        "rule": task.rule,
        "title": docket.rule_label(task.rule, task.title),
        "due_date": task.due_date,
        "final_date": task.final_date,
        "owner_id": task.owner_id,
        "done_at": task.done_at,
    }


def _renewal_out(renewal: Renewal) -> dict:
    return {
        "id": renewal.pk,
        "filing_id": renewal.filing_id,
        "year": renewal.year,
        "due_date": renewal.due_date,
        "grace_end": annuities.grace_end(renewal.due_date),
        "amount": renewal.amount,
        "reduced_amount": renewal.reduced_amount,
        "fee_rule": renewal.fee_rule,
        "status": renewal.status,
        "decision": renewal.decision,
        "reason": renewal.reason,
        "paid_amount": renewal.paid_amount,
        "paid_on": renewal.paid_on,
    }


@router.get(
    "/ip/deadlines",
    response=list[DeadlineOut],
    summary="Open docket tasks and annuities of your offices: due within `days`, or overdue",
)
def deadline_list(request: HttpRequest, days: int = 30, overdue: bool = False):
    days = max(0, min(days, 3660))
    today = timezone.localdate()
    tasks = docket.task_list(actor=request.user, days=None if overdue else days, overdue=overdue)
    renewals = annuities.renewal_list(
        actor=request.user, days=None if overdue else days, overdue=overdue, today=today
    )
    rows = [
        {
            "type": "task",
            "id": t.pk,
            "filing_id": t.filing_id,
            "filing": str(t.filing),
            "family_id": t.filing.family_id,
            "family_title": t.filing.family.title,
            "rule": t.rule,
            "title": docket.rule_label(t.rule, t.title),
            "due_date": t.due_date,
            "final_date": t.final_date,
            "owner": t.owner.get_username() if t.owner_id else None,
            "status": "open",
        }
        for t in tasks[:2000]
    ]
    rows += [
        {
            "type": "renewal",
            "id": r.pk,
            "filing_id": r.filing_id,
            "filing": str(r.filing),
            "family_id": r.filing.family_id,
            "family_title": r.filing.family.title,
            "rule": f"annuity:{r.year}",
            "title": f"{r.fee_rule} {r.year}",
            "due_date": r.due_date,
            "final_date": annuities.grace_end(r.due_date),
            "owner": None,
            "status": r.status,
        }
        for r in renewals[:2000]
    ]
    rows.sort(key=lambda row: (row["due_date"], row["type"], row["id"]))
    return rows


@router.post("/ip/tasks/{task_id}/done", response=TaskOut, summary="Mark a docket task done")
def task_done(request: HttpRequest, task_id: int):
    task = docket.task_get(actor=request.user, pk=task_id)
    return _task_out(docket.task_done(actor=request.user, task=task))


class AssignIn(Schema):
    owner: int | None = None


@router.post(
    "/ip/tasks/{task_id}/assign",
    response=TaskOut,
    summary="Give a docket task to one of the office's staff (null: unassigned)",
)
def task_assign(request: HttpRequest, task_id: int, payload: AssignIn):
    from django.shortcuts import get_object_or_404

    from datong.accounts.models import User

    task = docket.task_get(actor=request.user, pk=task_id)
    owner = get_object_or_404(User, pk=payload.owner, is_active=True) if payload.owner else None
    return _task_out(docket.task_assign(actor=request.user, task=task, owner=owner))


@router.get(
    "/ip/filings/{filing_id}/renewals",
    response=list[RenewalOut],
    summary="The annuities of a filing, by patent year",
)
def filing_renewals(request: HttpRequest, filing_id: int):
    filing = selectors.filing_get(actor=request.user, pk=filing_id)
    return [_renewal_out(r) for r in filing.renewals.order_by("year")]


@router.post(
    "/ip/renewals/{renewal_id}/{action}",
    response=RenewalOut,
    summary="Move a renewal: remind, instruct, pay (amount, paid_on), confirm, "
    "decide (decision, reason) or abandon (reason)",
)
def renewal_action(request: HttpRequest, renewal_id: int, action: str, payload: RenewalActionIn):
    renewal = annuities.renewal_get(actor=request.user, pk=renewal_id)
    actor = request.user
    if action == "remind":
        annuities.renewal_remind(actor=actor, renewal=renewal)
    elif action == "instruct":
        annuities.renewal_instruct(actor=actor, renewal=renewal)
    elif action == "pay":
        annuities.renewal_pay(
            actor=actor, renewal=renewal, amount=payload.amount, paid_on=payload.paid_on
        )
    elif action == "confirm":
        annuities.renewal_confirm(actor=actor, renewal=renewal)
    elif action == "decide":
        annuities.renewal_decide(
            actor=actor, renewal=renewal, decision=payload.decision, reason=payload.reason
        )
    elif action == "abandon":
        annuities.renewal_abandon(actor=actor, renewal=renewal, reason=payload.reason)
    else:
        raise Http404
    renewal.refresh_from_db()
    return _renewal_out(renewal)
