"""Money as people read it on programme pages and in messages: ``¥1,500,000`` (cents only when
there are any)."""

from __future__ import annotations

from decimal import Decimal

CENT = Decimal("0.01")


def yuan(amount) -> str:
    if amount is None or amount == "":
        return "—"
    value = Decimal(str(amount)).quantize(CENT)
    sign = "-" if value < 0 else ""
    value = abs(value)
    text = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    return f"{sign}¥{text}"
