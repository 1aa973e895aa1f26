"""Sections that later apps add to a result's page (contracts, ledger, companies…).

The results app knows nothing of those apps: each registers, in its ``AppConfig.ready``::

    from datong.results.sections import Section, register
    register(Section("deals", "deals/partials/result_deals.html", context, order=10))

where ``context(user, result)`` returns the template's context, or ``None`` when the user may
not see the section (it is then left out).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

Context = Callable[[Any, Any], dict | None]


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    context: Context
    order: int = 100


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> None:
    _SECTIONS[section.key] = section


def sections_for(request, result) -> list[str]:
    """The sections the user sees on the result's page, in order, rendered."""
    shown = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        context = section.context(request.user, result)
        if context is not None:
            context = {"result": result, **context}
            shown.append(render_to_string(section.template, context, request=request))
    return shown
