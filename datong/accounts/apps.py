from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "datong.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from datong.core.audit import register_actions
        from datong.core.navigation import NavItem, register

        register(
            NavItem(
                "people", _("People"), "people-list", "people", 30, prefixes=("people-", "person-")
            )
        )
        register_actions(
            {
                "user.create": _("created the account"),
                "user.update": _("edited the profile"),
                "user.password": _("changed the password"),
                "token.create": _("created an API token"),
                "token.revoke": _("revoked an API token"),
            }
        )
