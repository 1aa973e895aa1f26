"""Parsing of form and API input shared by the programme services: amounts, dates, whole
numbers, percentages and lists, each with its message in the user's language."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
MONEY_LIMIT = Decimal("1000000000000")


def strip_fields(data: dict, fields: Iterable[str]) -> dict:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in fields}


def parse_money(value, errors: dict, field: str) -> Decimal | None:
    """An amount in yuan (``None`` when empty); a message in ``errors[field]`` when invalid."""
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").replace("，", "").strip())
        if not amount.is_finite():
            raise InvalidOperation
        amount = amount.quantize(CENT)
    except (InvalidOperation, ValueError):
        errors[field] = _("Give an amount in yuan, e.g. 1500000.")
        return None
    if amount < 0:
        errors[field] = _("An amount cannot be negative.")
    elif amount >= MONEY_LIMIT:
        errors[field] = _("The amount is too large.")
    return amount


def parse_percent(value, errors: dict, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        share = Decimal(str(value).replace("%", "").strip())
        if not share.is_finite():
            raise InvalidOperation
        share = share.quantize(CENT)
    except (InvalidOperation, ValueError):
        errors[field] = _("Give a percentage from 0 to 100.")
        return None
    if not Decimal("0") < share <= Decimal("100"):
        errors[field] = _("Give a percentage above 0 and at most 100.")
    return share


def parse_date(value, errors: dict, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors[field] = _("Give a date as YYYY-MM-DD.")
        return None


def parse_whole(value, errors: dict, field: str, low: int, high: int, message: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
        if not low <= number <= high:
            raise ValueError
    except (TypeError, ValueError):
        errors[field] = message
        return None
    return number


def parse_flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes")
    return bool(value)


def clean_trl(cleaned: dict, errors: dict, field: str) -> None:
    if field in cleaned:
        cleaned[field] = parse_whole(
            cleaned[field], errors, field, 1, 9, _("Give a readiness level from 1 to 9.")
        )


def as_list(value) -> list:
    """A list from a list, or from text separated by commas, semicolons or new lines."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [p.strip() for p in re.split(r"[,，;；、\s]+", value) if p.strip()]
    return list(value)


def find_instance(model, value, *lookups: str):
    """A row from an instance, a primary key or another unique lookup; ``False`` if unknown."""
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    for lookup in lookups:
        if lookup == "pk" and not str(value).isdigit():
            continue
        row = model.objects.filter(**{lookup: value}).first()
        if row is not None:
            return row
    return False


def percent_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


def row_message(number: int, message: str) -> str:
    return _("Row %(n)d: %(message)s") % {"n": number, "message": message}
