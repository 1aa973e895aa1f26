"""The navigation registry: apps add their pages in ``AppConfig.ready``.

Only registered entries appear, and only for users the entry's ``visible`` test admits, so the
menu never shows a page that does not exist or that the user cannot open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    icon: str
    order: int = 100
    visible: Callable[[object], bool] = lambda user: True

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_REGISTRY: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _REGISTRY[item.key] = item


def items_for(user) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted(
        (item for item in _REGISTRY.values() if item.visible(user)), key=lambda i: i.order
    )
