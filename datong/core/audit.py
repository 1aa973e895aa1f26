"""Recording service writes in the audit log.

Every service that writes calls :func:`record` inside its transaction, so an entry exists
exactly when the write committed. Field changes are computed with :func:`apply_changes`
(for updates) or :func:`snapshot` (for creations).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry

#: Fields whose values never enter the log; only the fact that they changed does.
SECRET_FIELDS = frozenset({"password", "key_hash"})
MASK = "***"


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(item) for item in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def _pair(field: str, old: Any, new: Any) -> list[Any]:
    if field in SECRET_FIELDS:
        return [MASK, MASK]
    return [_jsonable(old), _jsonable(new)]


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, list[Any]]:
    """The changes of a creation: every named field from nothing to its value."""
    result = {}
    for field in fields:
        value = getattr(instance, field)
        if value not in (None, ""):
            result[field] = _pair(field, None, value)
    return result


def apply_changes(
    instance: models.Model, data: Mapping[str, Any], fields: Iterable[str]
) -> dict[str, list[Any]]:
    """Set the allowed ``fields`` present in ``data`` on ``instance``; return what changed."""
    changes: dict[str, list[Any]] = {}
    for field in fields:
        if field not in data:
            continue
        old, new = getattr(instance, field), data[field]
        if old != new:
            setattr(instance, field, new)
            changes[field] = _pair(field, old, new)
    return changes


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
    message: str = "",
    institution_id: int | None = None,
) -> AuditEntry:
    """Append one entry; ``institution_id`` defaults to the object's ``audit_institution_id``."""
    if institution_id is None and obj is not None:
        institution_id = getattr(obj, "audit_institution_id", None)
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=actor_obj,
        actor_name=(actor_obj.get_username() if actor_obj else "system"),
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        institution_id=institution_id,
        changes=dict(changes or {}),
        message=message[:255],
    )


#: Human labels of audit actions, filled by each app in ``AppConfig.ready``.
ACTION_LABELS: dict[str, Any] = {}


def register_actions(labels: Mapping[str, Any]) -> None:
    ACTION_LABELS.update(labels)


def history_for(obj: models.Model):
    """All entries about one object, newest first (unscoped: callers scope with a selector)."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")
