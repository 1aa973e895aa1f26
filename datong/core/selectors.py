"""Reads of the audit log, scoped like every other read."""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .audit import history_for
from .models import AuditEntry
from .permissions import scope_for, visible_to


def audit_entries(*, actor) -> QuerySet[AuditEntry]:
    """The entries the actor may read: their institutions' (staff only) and their own."""
    return visible_to(actor, AuditEntry.objects.select_related("actor", "content_type"))


def object_history(*, actor, obj: Model, institution_id: int | None) -> QuerySet[AuditEntry]:
    """An object's whole history, for the staff of the institution that owns it (404 else)."""
    if not scope_for(actor).is_staff_of(institution_id):
        raise Http404(_("Not found."))
    return history_for(obj)
