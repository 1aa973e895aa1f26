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
    #: URL-name prefixes of the pages that light this entry up (default: "<first word>-").
    prefixes: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def match_length(self, url_name: str) -> int:
        prefixes = self.prefixes or (self.url_name.split("-")[0] + "-",)
        return max((len(p) for p in prefixes if url_name.startswith(p)), default=0)


_REGISTRY: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _REGISTRY[item.key] = item


def active_key(items: list[NavItem], url_name: str) -> str:
    """The entry whose prefix matches the current page best (the longest match wins)."""
    best = max(items, key=lambda item: item.match_length(url_name), default=None)
    return best.key if best is not None and best.match_length(url_name) else ""


def items_for(user) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted(
        (item for item in _REGISTRY.values() if item.visible(user)), key=lambda i: i.order
    )
