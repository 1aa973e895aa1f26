"""Input cleaning shared by the project services: text, dates, amounts and readiness levels, each
problem as a message under its field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from datong.core.validation import length_errors

from .ledger import cents


def strip(data: dict, fields) -> dict:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in fields}


def texts(model, data: dict, fields, required=(), partial=False) -> tuple[dict, dict]:
    """The allowed ``fields`` of ``data``, stripped, with length and required-field errors
    (``partial``: only for the fields present, as in an update)."""
    cleaned = strip(data, fields)
    errors = length_errors(model, cleaned)
    for name in required:
        if partial and name not in cleaned:
            continue
        if not cleaned.get(name):
            errors.setdefault(name, _("This field is required."))
    return cleaned, errors


def as_date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def date_field(cleaned: dict, errors: dict, name: str, required: bool = False) -> None:
    try:
        cleaned[name] = as_date(cleaned.get(name))
    except ValueError:
        errors[name] = _("Give a date as YYYY-MM-DD.")
        return
    if required and cleaned[name] is None:
        errors.setdefault(name, _("Give the date."))


def as_amount(value) -> Decimal:
    """A non-negative amount in yuan with at most two decimals (ValueError otherwise)."""
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(str(value)) from exc
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(str(value))
    return cents(amount)


def amount_field(cleaned: dict, errors: dict, name: str, positive: bool = False) -> None:
    value = cleaned.get(name)
    if value in (None, ""):
        errors[name] = _("Give the amount in yuan.")
        return
    try:
        cleaned[name] = as_amount(value)
    except ValueError:
        errors[name] = _("Give an amount in yuan, e.g. 12500.00.")
        return
    if positive and cleaned[name] <= 0:
        errors[name] = _("The amount must be more than zero.")


def trl_field(cleaned: dict, errors: dict, name: str) -> None:
    if name not in cleaned:
        return
    value = cleaned[name]
    if value in ("", None):
        cleaned[name] = None
        return
    try:
        cleaned[name] = int(value)
        if not 1 <= cleaned[name] <= 9:
            raise ValueError
    except (TypeError, ValueError):
        errors[name] = _("Give a readiness level from 1 to 9.")


def choice_field(cleaned: dict, errors: dict, name: str, choices, required: bool = True) -> None:
    value = cleaned.get(name) or ""
    cleaned[name] = value
    if not value and not required:
        return
    if value not in choices.values:
        errors[name] = _("Choose from the list.")
