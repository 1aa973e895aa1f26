"""Input checks shared by services, so bad input gets a message instead of a database error."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext as _


def length_errors(model: type[models.Model], data: Mapping[str, Any]) -> dict[str, str]:
    """A message for each text value longer than its model field allows (SQLite would not
    refuse it, PostgreSQL would fail the whole request)."""
    errors = {}
    for name, value in data.items():
        if not isinstance(value, str):
            continue
        try:
            field = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - not a model field: nothing to check here
            continue
        limit = getattr(field, "max_length", None)
        if limit and len(value) > limit:
            errors[name] = _("At most %(limit)d characters (this has %(length)d).") % {
                "limit": limit,
                "length": len(value),
            }
    return errors
