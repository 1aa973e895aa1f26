from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    name = "datong.deals"
    label = "deals"
    verbose_name = _("Deals")

    def ready(self) -> None:
        from datong.core import dashboard
        from datong.core.audit import register_actions
        from datong.core.navigation import NavItem, register
        from datong.core.permissions import scope_for
        from datong.results.sections import Section
        from datong.results.sections import register as register_section
        from datong.results.timeline import register_kinds

        from . import selectors

        register_kinds({"deal.signed": _("Contract signed")})

        register_section(
            Section(
                "deals",
                "deals/partials/result_section.html",
                lambda user, result: (
                    {} if scope_for(user).is_staff_of(result.institution_id) else None
                ),
                order=10,
            )
        )

        register(
            NavItem(
                "deals",
                _("Contracts"),
                "deal-list",
                "file",
                56,
                visible=selectors.can_see_contracts,
                prefixes=("deal-",),
            )
        )
        register(
            NavItem(
                "licensee",
                _("Royalty reports"),
                "deal-licensee",
                "file",
                53,
                visible=selectors.is_a_licensee,
                prefixes=("deal-licensee",),
            )
        )
        dashboard.register(
            dashboard.Stat(
                "deals-overdue",
                _("Overdue receivables"),
                "bell",
                "deal-receivables",
                lambda user: selectors.overdue_count(actor=user),
                order=66,
                visible=selectors.can_see_contracts,
            )
        )
        register_actions(
            {
                "deals.create": _("created a contract"),
                "deals.update": _("changed a contract"),
                "deals.announce": _("announced a contract's agreed price"),
                "deals.sign": _("recorded a contract's signature"),
                "deals.register": _("recorded a contract's registration"),
                "deals.complete": _("completed a contract"),
                "deals.terminate": _("terminated a contract"),
                "deals.grant_add": _("added a licence grant"),
                "deals.grant_remove": _("removed a licence grant"),
                "deals.term_add": _("added a payment term"),
                "deals.term_update": _("changed a payment term"),
                "deals.term_remove": _("removed a payment term"),
                "deals.term_reach": _("recorded a milestone reached"),
                "deals.royalty_report": _("recorded a royalty report"),
                "deals.payment": _("recorded a payment received"),
            }
        )
