from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "datong.market"
    label = "market"
    verbose_name = _("Marketplace")

    def ready(self) -> None:
        from datong.core.audit import register_actions
        from datong.core.navigation import NavItem, register

        register(
            NavItem("market", _("Marketplace"), "market-list", "globe", 50, prefixes=("market-",))
        )
        register(
            NavItem(
                "demands",
                _("Technology demands"),
                "demand-list",
                "search",
                51,
                prefixes=("demand-", "enterprise-"),
            )
        )
        register(
            NavItem("experts", _("Experts"), "expert-list", "people", 52, prefixes=("expert-",))
        )
        register_actions(
            {
                "market.listing_create": _("created the listing"),
                "market.listing_update": _("edited the listing"),
                "market.listing_publish": _("published the listing"),
                "market.listing_withdraw": _("withdrew the listing"),
                "market.listing_contact": _("contacted the technology manager"),
                "market.demand_create": _("posted the technology demand"),
                "market.demand_update": _("edited the technology demand"),
                "market.demand_close": _("closed the technology demand"),
                "market.expert_create": _("created the expert profile"),
                "market.expert_update": _("edited the expert profile"),
                "market.expert_publish": _("made the expert profile public"),
                "market.expert_unpublish": _("took the expert profile off the public pages"),
                "market.enterprise_profile_create": _("described the enterprise"),
                "market.enterprise_profile_update": _("edited the enterprise profile"),
                "market.enterprise_register": _("registered the enterprise"),
            }
        )
