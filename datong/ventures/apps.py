from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VenturesConfig(AppConfig):
    name = "datong.ventures"
    label = "ventures"
    verbose_name = _("Spin-off companies")

    def ready(self) -> None:
        from datong.core import dashboard
        from datong.core.audit import register_actions
        from datong.core.navigation import NavItem, register
        from datong.results.sections import Section
        from datong.results.sections import register as register_section
        from datong.results.timeline import register_kinds

        from . import selectors

        register_section(
            Section(
                "companies",
                "ventures/partials/result_companies.html",
                lambda user, result: {
                    "companies": list(selectors.result_companies(actor=user, result=result))
                },
                order=30,
            )
        )
        register(
            NavItem(
                "companies",
                _("Companies"),
                "company-list",
                "building",
                58,
                visible=selectors.can_see_companies,
                prefixes=("company-", "equity-"),
            )
        )
        dashboard.register(
            dashboard.Stat(
                "companies-running",
                _("Companies in preparation or active"),
                "building",
                "company-list",
                lambda user: selectors.dashboard_count(actor=user),
                order=70,
                visible=selectors.can_see_companies,
            )
        )
        register_kinds(
            {
                "company.created": _("Company founded on the result"),
                "company.incorporated": _("Company incorporated"),
                "company.state": _("Company state changed"),
                "company.round": _("Company financing round"),
                "company.listed": _("Company listed"),
                "equity.step": _("Equity investment"),
            }
        )
        register_actions(
            {
                "ventures.company_create": _("created a company record"),
                "ventures.company_update": _("edited a company"),
                "ventures.company_state": _("changed a company's state"),
                "ventures.founder_add": _("added a founder"),
                "ventures.founder_update": _("edited a founder"),
                "ventures.founder_remove": _("removed a founder"),
                "ventures.shareholding_set": _("recorded a shareholding"),
                "ventures.board_seat_add": _("added a board seat"),
                "ventures.board_seat_end": _("ended a board seat"),
                "ventures.round_add": _("recorded a financing round"),
                "ventures.round_remove": _("removed a financing round"),
                "ventures.equity_create": _("started an equity investment"),
                "ventures.equity_step": _("moved an equity investment forward"),
                "ventures.equity_approval": _("recorded an internal approval"),
                "ventures.equity_registration": _("recorded a company registration"),
            }
        )
