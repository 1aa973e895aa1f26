"""How a figure is written on the page and in every export, so all of them say the same."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

UNIT_LABELS = {
    "count": pgettext_lazy("report unit", "count"),
    "yuan": _("yuan"),
    "person-times": _("person-times"),
    "percent": "%",
}


def unit_label(unit: str) -> str:
    return str(UNIT_LABELS.get(unit, unit))


def number(value: Any, unit: str) -> str:
    """``1,234,567.00`` for yuan, ``12`` for counts, ``12.5`` for percent; an em dash when
    there is nothing to average."""
    if value is None:
        return "—"
    if unit == "yuan":
        return f"{Decimal(value):,.2f}"
    if unit == "percent":
        text = f"{Decimal(value):,.4f}".rstrip("0").rstrip(".")
        return text or "0"
    if isinstance(value, Decimal):
        return f"{value:,.2f}" if value != value.to_integral() else f"{int(value):,}"
    return f"{value:,}"


def cell(value: Any, *, money: bool = False) -> str:
    """One cell of a list (project list, drill-down)."""
    if value is None or value == "":
        return ""
    if money:
        return f"{Decimal(value):,.2f}"
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return str(value)
