"""The one documented way to add an event to a result's timeline.

Any app appends with::

    from datong.results.timeline import append_event
    append_event(result=result, kind="patent.filed", actor=user, summary="CN 202610123456.7",
                 obj=filing, data={"number": "..."})

and, once in its ``AppConfig.ready``, names its kinds for the page::

    from datong.results.timeline import register_kinds
    register_kinds({"patent.filed": _("Patent application filed")})

Events are never edited; a correction is a new event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .models import Result, TimelineEvent

KIND_LABELS: dict[str, Any] = {}


def register_kinds(labels: dict[str, Any]) -> None:
    KIND_LABELS.update(labels)


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def append_event(
    *,
    result: Result,
    kind: str,
    actor=None,
    summary: str = "",
    at: dt.datetime | None = None,
    obj: models.Model | None = None,
    data: dict | None = None,
) -> TimelineEvent:
    """Append one event (call inside the service's transaction)."""
    return TimelineEvent.objects.create(
        result=result,
        kind=kind,
        at=at or timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        summary=summary[:255],
        data=data or {},
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
    )
