"""Template helper of the programme pages: whether the user may open the programme view."""

from __future__ import annotations

from django import template

from .. import overview

register = template.Library()


@register.simple_tag
def overview_allowed(programme, user) -> bool:
    """The programme's office, or the alliance secretariat for an alliance programme."""
    return overview.can_view(user, programme)
