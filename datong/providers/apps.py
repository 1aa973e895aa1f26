from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvidersConfig(AppConfig):
    name = "datong.providers"
    label = "providers"
    verbose_name = _("Service providers")

    def ready(self) -> None:
        from datong.core.audit import register_actions
        from datong.core.navigation import NavItem, register

        register(
            NavItem(
                "providers",
                _("Service providers"),
                "provider-list",
                "network",
                45,
                prefixes=("provider-",),
            )
        )
        register_actions(
            {
                "provider.profile_create": _("created the provider profile"),
                "provider.profile_update": _("edited the provider profile"),
                "provider.recommend": _("recommended the provider"),
                "provider.unrecommend": _("withdrew the recommendation"),
                "provider.review": _("reviewed the provider"),
            }
        )
