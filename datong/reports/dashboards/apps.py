from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "datong.reports.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        from datong.core.audit import register_actions
        from datong.core.navigation import NavItem, register

        from . import selectors

        register(
            NavItem(
                "dashboards",
                _("Figures"),
                "dashboard-institution",
                "activity",
                80,
                visible=selectors.can_see_dashboard,
                prefixes=("dashboard-", "agreement-"),
            )
        )
        register(
            NavItem(
                "dashboards-alliance",
                _("Alliance figures"),
                "dashboard-alliances",
                "building",
                81,
                visible=selectors.can_see_alliances,
                prefixes=("dashboard-alliance",),
            )
        )
        register_actions(
            {
                "dashboards.agreement_create": _("recorded a cooperation agreement"),
                "dashboards.agreement_update": _("edited a cooperation agreement"),
                "dashboards.agreement_delete": _("deleted a cooperation agreement"),
                "dashboards.agreement_year": _("recorded a year's figures of an agreement"),
                "dashboards.agreement_year_delete": _("removed a year's figures of an agreement"),
            }
        )
