from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "datong.reports"
    label = "reports"
    verbose_name = _("Annual report")

    def ready(self) -> None:
        from datong.core.audit import register_actions
        from datong.core.navigation import NavItem, register

        from . import selectors

        register(
            NavItem(
                "annual-report",
                _("Annual report"),
                "report-annual-home",
                "file",
                80,
                visible=selectors.can_see_reports,
                prefixes=("report-",),
            )
        )
        register_actions(
            {
                "reports.narrative": _("wrote the text of an annual report section"),
                "reports.template_create": _("added a report template version"),
            }
        )
