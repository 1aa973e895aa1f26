from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "datong.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from datong.core.audit import register_actions
        from datong.core.navigation import NavItem, register

        from . import signals

        signals.connect()
        register(NavItem("search", _("Search"), "search", "search", 49, prefixes=("search",)))
        register_actions(
            {
                "matching.feedback": _("judged a match"),
                "matching.feedback_export": _("exported the match judgements"),
            }
        )
