"""The IP records' entry in the main navigation (called from ``IpConfig.ready``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register_nav() -> None:
    from datong.core.navigation import NavItem, register

    register(
        NavItem(
            "ip",
            _("Patents and IP"),
            "ip-family-list",
            "file",
            18,
            prefixes=("ip-family", "ip-filing"),
        )
    )
    register(
        NavItem(
            "ip-portfolio",
            _("Portfolio"),
            "ip-portfolio",
            "building",
            19,
            prefixes=("ip-portfolio", "ip-family-score"),
        )
    )
