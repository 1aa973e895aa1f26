from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncomeConfig(AppConfig):
    name = "datong.deals.income"
    label = "income"
    verbose_name = _("Income distribution and rewards")

    def ready(self) -> None:
        from datong.core.audit import register_actions
        from datong.core.navigation import NavItem, register
        from datong.results.sections import Section
        from datong.results.sections import register as register_section
        from datong.results.timeline import register_kinds

        from . import selectors

        register_kinds({"income.distributed": _("Income distributed to the inventors")})

        register_section(
            Section(
                "income",
                "income/partials/result_income.html",
                lambda user, result: {"income": selectors.result_income(actor=user, result=result)},
                order=20,
            )
        )
        register(
            NavItem(
                "income",
                _("Income & rewards"),
                "income-distribution-list",
                "check",
                57,
                visible=selectors.sees_income,
                prefixes=("income-",),
            )
        )
        register(
            NavItem(
                "my-rewards",
                _("My rewards"),
                "income-my-rewards",
                "file",
                90,
                visible=selectors.has_rewards,
                prefixes=("income-my-",),
            )
        )
        register_actions(
            {
                "income.entry": _("booked a ledger entry"),
                "income.policy": _("recorded a reward policy"),
                "income.distribution_create": _("drafted a distribution"),
                "income.distribution_update": _("changed a draft distribution"),
                "income.distribution_approve": _("approved a distribution"),
                "income.distribution_execute": _("paid the rewards of a distribution"),
                "income.distribution_cancel": _("cancelled a distribution"),
            }
        )
