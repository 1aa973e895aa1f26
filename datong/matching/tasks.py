"""Background work on the search indexes: ``datong worker`` runs these."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from . import store


@task()
def update_index(kind: str, ids: list[int]) -> dict:
    """Re-index records of *kind* after they changed (safe to run twice)."""
    return store.update(kind, ids)


@task()
def rebuild_index(kind: str) -> dict:
    return store.rebuild(kind)


def schedule_update(kind: str, pk: int) -> None:
    """Queue the re-indexing of one record once the current transaction commits."""
    if store.updates_are_paused():
        return
    transaction.on_commit(lambda: update_index.enqueue(kind=kind, ids=[pk]))
