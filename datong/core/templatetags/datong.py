"""Template helpers shared by every page: icons, query strings, status labels."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# Line icons on a 24×24 grid, stroke-drawn (drawn for Datong).
_ICONS = {
    "home": "M3 11.5 12 4l9 7.5M5.5 9.5V20h5v-6h3v6h5V9.5",
    "building": "M4 20V6l8-3 8 3v14M4 20h16M8 9h2M14 9h2M8 13h2M14 13h2M10 20v-3h4v3",
    "people": "M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7ZM2.5 20c.6-3.6 3.2-6 6.5-6s5.9 2.4 6.5 6"
    "M16 4.3a3.5 3.5 0 0 1 0 6.4M18 14.5c1.9.9 3.1 2.9 3.5 5.5",
    "network": "M12 5.5a2.5 2.5 0 1 0 0-.01M5 18.5a2.5 2.5 0 1 0 0-.01M19 18.5a2.5 2.5 0 1 0 0-.01"
    "M11 7.5 6.2 16M13 7.5l4.8 8.5M7.5 18.5h9",
    "activity": "M3 12h4l3-8 4 16 3-8h4",
    "settings": "M4 7h9M17 7h3M15 5v4M4 12h3M11 12h9M9 10v4M4 17h11M19 17h1M17 15v4",
    "logout": "M15 4h4v16h-4M10 16l-4-4 4-4M6 12h10",
    "search": "M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14ZM20 20l-4-4",
    "download": "M12 4v11M7 10l5 5 5-5M5 20h14",
    "globe": "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18ZM3 12h18M12 3c2.5 2.5 3.6 5.5 3.6 9S14.5 18.5"
    " 12 21M12 3C9.5 5.5 8.4 8.5 8.4 12s1.1 6.5 3.6 9",
    "key": "M15 9a4 4 0 1 0-3.9 4.9L11 14l-2 2H7v2H5v2H3v-3l6.1-6.1A4 4 0 0 0 15 9ZM16 7.5h.01",
    "menu": "M4 7h16M4 12h16M4 17h16",
    "bell": "M6 16V11a6 6 0 1 1 12 0v5l1.5 2h-15L6 16ZM10 20a2 2 0 0 0 4 0",
    "file": "M6 3h8l4 4v14H6zM14 3v4h4M9 12h6M9 16h6",
    "check": "M5 12.5l4.5 4.5L19 7.5",
    "plus": "M12 5v14M5 12h14",
    "history": "M3 12a9 9 0 1 0 3-6.7L3 8M3 3v5h5M12 7v5l3 2",
    "edit": "M4 20h4L19 9l-4-4L4 16v4ZM13.5 6.5l4 4",
    "lock": "M6 11h12v9H6zM8.5 11V8a3.5 3.5 0 0 1 7 0v3",
    "chevron": "M9 6l6 6-6 6",
    "mail": "M4 6h16v12H4zM4 7l8 6 8-6",
    "phone": "M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a1 1 0 0 1-1 1A16 16 0 0 1 4 5"
    "a1 1 0 0 1 1-1Z",
    "link": "M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0"
    " 5.7 5.7l1-1",
    "pin": "M12 21s-6.5-6-6.5-11a6.5 6.5 0 0 1 13 0c0 5-6.5 11-6.5 11ZM12 12a2 2 0 1 0 0-4 2 2 0 0"
    " 0 0 4Z",
}


@register.simple_tag
def icon(name: str, size: int = 18, css: str = "icon") -> str:
    path = _ICONS.get(name, _ICONS["chevron"])
    return format_html(
        '<svg class="{}" width="{}" height="{}" viewBox="0 0 24 24" fill="none" '
        'stroke="currentColor" stroke-width="1.7" stroke-linecap="round" '
        'stroke-linejoin="round" aria-hidden="true"><path d="{}"/></svg>',
        css,
        size,
        size,
        mark_safe(path),
    )


@register.simple_tag(takes_context=True)
def query(context, **changes) -> str:
    """The current query string with some parameters changed (``None`` or "" removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def initials(name: str) -> str:
    name = (name or "").strip()
    if not name:
        return "?"
    if name.isascii():
        return "".join(part[0] for part in name.split()[:2]).upper()
    return name[-2:] if len(name) >= 2 else name


@register.filter
def action_label(entry) -> str:
    from datong.core.audit import ACTION_LABELS

    return str(ACTION_LABELS.get(entry.action, entry.action))


def _display_value(field, value):
    from django.utils.translation import gettext as _

    if value is None or value == "":
        return "—"
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if field is not None and getattr(field, "flatchoices", None):
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


@register.filter
def audit_changes(entry) -> list[tuple[str, str, str, bool]]:
    """(field label, old, new, had_old) for each change, with choice labels resolved."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    rows = []
    for name, pair in (entry.changes or {}).items():
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        field = None
        label = name
        if model is not None:
            try:
                field = model._meta.get_field(name)
                label = str(getattr(field, "verbose_name", name))
            except Exception:  # noqa: BLE001 - a field since removed keeps its raw name
                field = None
        rows.append(
            (label, _display_value(field, old), _display_value(field, new), old is not None)
        )
    return rows


# --- numbers as offices write them (the same in Chinese and English) -------------------------


def _decimal(value):
    from decimal import Decimal, InvalidOperation

    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def money(value) -> str:
    """1234567.8 → 1,234,567.80; an empty value is a dash."""
    number = _decimal(value)
    if number is None:
        return "—" if value in (None, "") else str(value)
    return f"{number:,.2f}"


@register.filter
def yuan(value) -> str:
    """¥1,234,567.80; an empty value is a dash."""
    number = _decimal(value)
    return "—" if number is None else f"¥{number:,.2f}"


@register.filter
def wan(value) -> str:
    """An amount in 10,000 yuan (万元): 150.00."""
    number = _decimal(value)
    return "—" if number is None else f"{number / 10000:,.2f}"


@register.filter
def pct(value) -> str:
    """Decimal("60.00") → 60; Decimal("12.5000") → 12.5; an empty value is a dash."""
    number = _decimal(value)
    if number is None:
        return "—" if value in (None, "") else str(value)
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
