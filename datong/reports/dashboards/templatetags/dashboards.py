from decimal import Decimal

from django import template

from datong.poc.money import yuan as _yuan

register = template.Library()


@register.filter
def yuan(value) -> str:
    return _yuan(value)


@register.filter
def wan(value) -> str:
    """Yuan as 万元 with one decimal (how Chinese reports state contract sums)."""
    if value in (None, ""):
        return "—"
    return f"{(Decimal(str(value)) / 10000):,.1f}"


@register.filter
def cell(value, unit: str) -> str:
    """A table cell by its unit: yuan, percent or a count."""
    if unit == "yuan":
        return _yuan(value)
    if value is None:
        return "—"
    if unit == "percent":
        return f"{value}"
    return f"{value:,}" if isinstance(value, int) else str(value)


@register.filter
def value_of(row: dict, key: str):
    return row["values"].get(key)


@register.filter
def position_of(row: dict, key: str) -> str:
    return row.get("position", {}).get(key, "")


@register.filter
def lookup(mapping: dict, key):
    return mapping.get(key) if mapping else None
