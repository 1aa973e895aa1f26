from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "datong.institutions"
    label = "institutions"
    verbose_name = _("Institutions")

    def ready(self) -> None:
        from datong.core.audit import register_actions
        from datong.core.navigation import NavItem, register

        register(NavItem("institutions", _("Institutions"), "institution-list", "building", 20))
        register(NavItem("alliances", _("Alliances"), "alliance-list", "network", 40))
        register_actions(
            {
                "institution.create": _("registered the institution"),
                "institution.update": _("edited the institution"),
                "department.create": _("added a department"),
                "department.update": _("edited a department"),
                "membership.grant": _("granted a role"),
                "membership.revoke": _("withdrew a role"),
                "alliance.create": _("founded the alliance"),
                "alliance.member_add": _("admitted a member"),
                "alliance.member_remove": _("removed a member"),
                "demo.load": _("loaded the demo data"),
            }
        )
