"""Filters of the income pages: money to the fen with thousands separators (the same in
Chinese and English, as offices write amounts), percentages without trailing zeros, and the
marks of a tax condition."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def money(value) -> str:
    """1234567.8 → 1,234,567.80; an empty value is a dash."""
    if value in (None, ""):
        return "—"
    try:
        return f"{Decimal(str(value)):,.2f}"
    except InvalidOperation:
        return str(value)


@register.filter
def pct(value) -> str:
    """Decimal("60.00") → 60; Decimal("12.5000") → 12.5."""
    if value in (None, ""):
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@register.filter
def mark(holds) -> str:
    """A condition's state: ✓ holds, ✗ does not, ? not known."""
    if holds is True:
        return "✓"
    if holds is False:
        return "✗"
    return "?"


@register.filter
def mark_title(holds) -> str:
    if holds is True:
        return _("Holds")
    if holds is False:
        return _("Does not hold")
    return _("Not known")
