"""The docket: deadline rules as data (``data/deadline_rules.json``) turned into tasks.

A rule fires from a date of the filing (its priority date, else its filing date; or the filing
date) or from each event of one kind (an office action, the publication), adds a delay in months
(and days), and applies under conditions on the filing's country, route and kind. Several versions
of one rule may exist; the filing's own effective date (priority, else filing) chooses the version,
so a change in the law applies exactly to the filings it governs.

:func:`recompute` keeps a filing's :class:`~datong.ip.models.DocketTask` rows equal to what the
rules say: it runs after every status refresh (registered in ``services.refresh_hooks``), so
correcting a date moves the task. Tasks already done stay done; a filing in a terminal status keeps
no open task.
Deadlines that had already passed when the filing (or the triggering event) was recorded are
history, not tasks, so importing an old portfolio does not flood the overdue list.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from datong.core import audit
from datong.core.permissions import (
    ScopeRule,
    get_visible_or_404,
    require_staff,
    scope_for,
    visible_to,
)

from . import services
from .models import DocketTask, EventKind, Filing, FilingEvent, LegalStatus

DATA = Path(__file__).resolve().parent / "data"

#: A filing in one of these statuses needs no deadline any more.
TERMINAL_STATUSES = frozenset(
    {
        LegalStatus.LAPSED,
        LegalStatus.WITHDRAWN,
        LegalStatus.REJECTED,
        LegalStatus.INVALIDATED,
        LegalStatus.EXPIRED,
    }
)
DATE_TRIGGERS = ("priority_date", "filing_date")

#: Tasks are read and written by the office of the filing's institution only.
TASK_SCOPE = ScopeRule(institution="filing__family__institution", staff_only=True)


# --- rules -----------------------------------------------------------------------------------


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    title_en: str
    trigger: str
    months: int = 0
    days: int = 0
    final_months: int | None = None
    final_days: int = 0
    countries: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    occurrence: str = "each"
    done_by: str = ""
    stop_on: tuple[str, ...] = ()
    source: str = ""

    @classmethod
    def from_data(cls, data: dict) -> Rule:
        conditions = data.get("conditions") or {}
        trigger = data["trigger"]
        if trigger not in DATE_TRIGGERS and trigger not in EventKind.values:
            raise ValueError(f"deadline rule {data['code']}: unknown trigger {trigger!r}")
        return cls(
            code=data["code"],
            title=data["title"],
            title_en=data.get("title_en", data["title"]),
            trigger=trigger,
            months=int(data.get("months", 0)),
            days=int(data.get("days", 0)),
            final_months=data.get("final_months"),
            final_days=int(data.get("final_days", 0)),
            countries=tuple(conditions.get("country", ())),
            routes=tuple(conditions.get("route", ())),
            kinds=tuple(conditions.get("kind", ())),
            valid_from=_date(data.get("valid_from")),
            valid_until=_date(data.get("valid_until")),
            occurrence=data.get("occurrence", "each"),
            done_by=data.get("done_by", ""),
            stop_on=tuple(data.get("stop_on", ())),
            source=data.get("source", ""),
        )

    def label(self, language: str | None = None) -> str:
        language = language or get_language() or "zh-hans"
        return self.title if language.startswith("zh") else self.title_en

    def applies_to(self, filing: Filing) -> bool:
        if self.countries and filing.country not in self.countries:
            return False
        if self.routes and filing.route not in self.routes:
            return False
        if self.kinds and filing.kind not in self.kinds:
            return False
        effective = filing.effective_date
        if self.valid_from or self.valid_until:
            if effective is None:
                return False
            if self.valid_from and effective < self.valid_from:
                return False
            if self.valid_until and effective >= self.valid_until:
                return False
        return True

    def due_from(self, start: dt.date) -> tuple[dt.date, dt.date | None]:
        due = add_months(start, self.months) + dt.timedelta(days=self.days)
        final = None
        if self.final_months is not None:
            final = add_months(start, self.final_months) + dt.timedelta(days=self.final_days)
        return due, final


@cache
def rules() -> tuple[Rule, ...]:
    data = json.loads((DATA / "deadline_rules.json").read_text(encoding="utf-8"))
    return tuple(Rule.from_data(item) for item in data["rules"])


def rules_for(filing: Filing) -> list[Rule]:
    """The rule versions that govern ``filing`` (conditions and the filing's own date)."""
    return [rule for rule in rules() if rule.applies_to(filing)]


def rule_label(code: str, title: str, language: str | None = None) -> str:
    """A stored task title in the user's language (tasks store the Chinese title)."""
    base = code.split(":", 1)[0]
    for rule in rules():
        if rule.code == base and rule.title == title:
            return rule.label(language)
    return title


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day where it has none (31 Aug + 6)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


# --- deadlines -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    key: str
    rule: Rule
    start: dt.date
    due: dt.date
    final: dt.date | None
    #: The day the deadline became known here (the filing's or the event's record date).
    recorded: dt.date
    #: An event has settled it (an examination request, a response to the office action).
    settled: bool = False

    @property
    def last_day(self) -> dt.date:
        return self.final or self.due


def _local_day(moment: dt.datetime | None) -> dt.date:
    return timezone.localdate(moment) if moment else timezone.localdate()


def deadlines(filing: Filing, events: list[FilingEvent] | None = None) -> list[Deadline]:
    """Every deadline the rules give ``filing``, settled or not (pure: writes nothing)."""
    if events is None:
        events = list(filing.events.all())
    events = sorted(events, key=lambda e: (e.date, e.pk or 0))
    kinds_seen = {e.kind for e in events}
    found: list[Deadline] = []
    for rule in rules_for(filing):
        if kinds_seen & set(rule.stop_on):
            continue
        if rule.trigger in DATE_TRIGGERS:
            start = filing.effective_date if rule.trigger == "priority_date" else filing.filing_date
            if start is None:
                continue
            due, final = rule.due_from(start)
            settled = bool(rule.done_by) and any(
                e.kind == rule.done_by and e.date >= start for e in events
            )
            found.append(
                Deadline(rule.code, rule, start, due, final, _local_day(filing.created_at), settled)
            )
            continue
        triggers = [e for e in events if e.kind == rule.trigger]
        for index, event in enumerate(triggers, start=1):
            if rule.occurrence == "first" and index > 1:
                break
            if rule.occurrence == "later" and index == 1:
                continue
            following = triggers[index].date if index < len(triggers) else None
            due, final = rule.due_from(event.date)
            settled = bool(rule.done_by) and any(
                e.kind == rule.done_by
                and e.date >= event.date
                and (following is None or e.date < following)
                for e in events
            )
            key = rule.code if rule.occurrence == "first" else f"{rule.code}:{index}"
            found.append(
                Deadline(key, rule, event.date, due, final, _local_day(event.created_at), settled)
            )
    return found


def recompute(filing: Filing, actor=None) -> dict[str, int]:
    """Make the filing's tasks what the rules say; returns how many were created/moved/removed."""
    counts = {"created": 0, "moved": 0, "removed": 0, "settled": 0}
    with transaction.atomic():
        existing = {task.rule: task for task in filing.tasks.select_for_update()}
        wanted: dict[str, Deadline] = {}
        if filing.legal_status not in TERMINAL_STATUSES:
            wanted = {d.key: d for d in deadlines(filing)}
        for key, task in existing.items():
            if key not in wanted and task.done_at is None:
                task.delete()
                counts["removed"] += 1
        owner_id = filing.family.created_by_id
        for key, deadline in wanted.items():
            task = existing.get(key)
            if task is None:
                if deadline.settled or deadline.last_day < deadline.recorded:
                    continue
                DocketTask.objects.create(
                    filing=filing,
                    rule=key,
                    title=deadline.rule.title[:200],
                    due_date=deadline.due,
                    final_date=deadline.final,
                    owner_id=owner_id,
                )
                counts["created"] += 1
                continue
            if task.done_at is not None:
                continue
            fields = []
            for field, value in (
                ("due_date", deadline.due),
                ("final_date", deadline.final),
                ("title", deadline.rule.title[:200]),
            ):
                if getattr(task, field) != value:
                    setattr(task, field, value)
                    fields.append(field)
            if fields:
                counts["moved"] += 1
            if deadline.settled:
                task.done_at = timezone.now()
                fields.append("done_at")
                counts["settled"] += 1
            if fields:
                task.save(update_fields=fields)
        if any(counts.values()):
            audit.record(
                actor=actor,
                action="ip.docket",
                obj=filing,
                changes={k: [None, v] for k, v in counts.items() if v},
            )
    return counts


def _refresh_hook(filing: Filing, actor=None) -> None:
    recompute(filing, actor)


def register_hook() -> None:
    """Put :func:`recompute` in ``services.refresh_hooks`` once (also after a module reload)."""
    hooks = services.refresh_hooks
    for index, hook in enumerate(hooks):
        if getattr(hook, "__module__", None) == __name__ and hook.__name__ == "_refresh_hook":
            hooks[index] = _refresh_hook
            return
    hooks.append(_refresh_hook)


register_hook()


# --- task services ---------------------------------------------------------------------------


def _institution_id(task: DocketTask) -> int:
    return task.filing.family.institution_id


@transaction.atomic
def task_assign(*, actor, task: DocketTask, owner) -> DocketTask:
    """Give the task to one of the office's staff (or to nobody: the whole office)."""
    institution_id = _institution_id(task)
    require_staff(actor, institution_id)
    if owner is not None and not scope_for(owner).is_staff_of(institution_id):
        raise ValidationError({"owner": _("The owner must work in this institution's office.")})
    before = task.owner
    if (owner.pk if owner else None) == task.owner_id:
        return task
    task.owner = owner
    task.save(update_fields=["owner"])
    audit.record(
        actor=actor,
        action="ip.task_assign",
        obj=task,
        changes={"owner": [str(before or ""), str(owner or "")]},
        institution_id=institution_id,
    )
    return task


@transaction.atomic
def task_done(*, actor, task: DocketTask) -> DocketTask:
    institution_id = _institution_id(task)
    require_staff(actor, institution_id)
    if task.done_at is not None:
        raise ValidationError(_("This task is already done."))
    task.done_at = timezone.now()
    task.save(update_fields=["done_at"])
    audit.record(
        actor=actor,
        action="ip.task_done",
        obj=task,
        changes={"done": [None, task.done_at.isoformat()]},
        institution_id=institution_id,
    )
    return task


# --- reads -----------------------------------------------------------------------------------


def task_list(
    *,
    actor,
    days: int | None = None,
    overdue: bool = False,
    today: dt.date | None = None,
    owner=None,
) -> QuerySet[DocketTask]:
    """Open tasks of the actor's offices: due within ``days``, or overdue, or all."""
    today = today or timezone.localdate()
    qs = visible_to(
        actor,
        DocketTask.objects.filter(done_at__isnull=True).select_related(
            "filing", "filing__family", "filing__family__institution", "owner"
        ),
        TASK_SCOPE,
    )
    if overdue:
        qs = qs.filter(due_date__lt=today)
    elif days is not None:
        qs = qs.filter(due_date__gte=today, due_date__lte=today + dt.timedelta(days=days))
    if owner is not None:
        qs = qs.filter(owner=owner)
    return qs.order_by("due_date", "pk")


def task_get(*, actor, pk: int) -> DocketTask:
    return get_visible_or_404(
        actor,
        DocketTask.objects.select_related("filing", "filing__family", "owner"),
        TASK_SCOPE,
        pk=pk,
    )
