from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "datong.cases"
    label = "cases"
    verbose_name = _("Match cases")

    def ready(self) -> None:
        from datong.core import dashboard
        from datong.core.audit import register_actions
        from datong.core.navigation import NavItem, register

        from . import selectors, services

        def sees_cases(user) -> bool:
            return selectors.can_see_board(user) or services.can_express_interest(user)

        register(NavItem("cases", _("Match cases"), "case-list", "link", 52, visible=sees_cases))
        dashboard.register(
            dashboard.Stat(
                "cases-open",
                _("Open match cases"),
                "link",
                "case-list",
                lambda user: selectors.open_count(actor=user),
                order=60,
                visible=sees_cases,
            )
        )
        dashboard.register(
            dashboard.Stat(
                "cases-overdue",
                _("Match cases waiting too long"),
                "history",
                "case-board",
                lambda user: selectors.overdue_count(actor=user),
                order=61,
                visible=selectors.can_see_board,
            )
        )
        register_actions(
            {
                "cases.open": _("opened a match case"),
                "cases.interest": _("added a message to a match case"),
                "cases.advance": _("moved a match case forward"),
                "cases.close": _("closed a match case"),
                "cases.assign": _("handed a match case to another manager"),
            }
        )
