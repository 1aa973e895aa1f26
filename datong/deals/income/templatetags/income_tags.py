"""Filters of the income pages: money to the fen with thousands separators (the same in
Chinese and English, as offices write amounts), percentages without trailing zeros, and the
marks of a tax condition."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from datong.core.templatetags.datong import money, pct

register = template.Library()


# The house's number filters, under the names these templates use.
register.filter("money", money)
register.filter("pct", pct)


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
