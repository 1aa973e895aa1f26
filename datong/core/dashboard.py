"""Counts on the dashboard: each app registers what it has, computed for the acting user
through that app's own selectors (so the dashboard shows exactly what the user may see)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Stat:
    key: str
    label: str
    icon: str
    url_name: str
    count: Callable[[object], int]
    order: int = 100
    visible: Callable[[object], bool] = lambda user: True


_STATS: dict[str, Stat] = {}


def register(stat: Stat) -> None:
    _STATS[stat.key] = stat


def stats_for(user) -> list[tuple[Stat, int]]:
    stats = sorted((s for s in _STATS.values() if s.visible(user)), key=lambda s: s.order)
    return [(stat, stat.count(user)) for stat in stats]
