"""Saved or deleted marketplace records queue their index update (see tasks.update_index)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from .documents import available_kinds


def _changed(sender, instance, **kwargs) -> None:
    from .tasks import schedule_update

    if kwargs.get("raw"):
        return
    schedule_update(_KIND_BY_MODEL[sender], instance.pk)


_KIND_BY_MODEL: dict = {}


def connect() -> None:
    for kind in available_kinds():
        _KIND_BY_MODEL[kind.model] = kind.name
        uid = f"datong.matching.{kind.name}"
        post_save.connect(_changed, sender=kind.model, dispatch_uid=uid + ".save")
        post_delete.connect(_changed, sender=kind.model, dispatch_uid=uid + ".delete")
