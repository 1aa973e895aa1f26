from django import template

from datong.matching.search import highlight

register = template.Library()


@register.filter
def snippet(row, text: str):
    """A highlighted window of *text* around the row's query terms."""
    return row.snippet(text or "")


@register.filter
def marked(row, text: str):
    """All of *text* with the row's query terms highlighted."""
    text = text or ""
    return highlight(text, row.terms, width=max(len(text), 1))
