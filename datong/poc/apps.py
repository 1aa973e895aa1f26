from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PocConfig(AppConfig):
    name = "datong.poc"
    label = "poc"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from datong.core import dashboard
        from datong.core.audit import register_actions
        from datong.core.navigation import NavItem, register
        from datong.core.permissions import works_in_an_office
        from datong.results.timeline import register_kinds

        from . import selectors

        register(NavItem("poc", _("Programmes"), "poc-list", "check", 56, prefixes=("poc-",)))
        dashboard.register(
            dashboard.Stat(
                "poc-submitted",
                _("Programme applications to admit"),
                "check",
                "poc-list",
                lambda user: selectors.submitted_waiting_count(actor=user),
                order=65,
                visible=works_in_an_office,
            )
        )
        register_kinds({"poc.applied": _("Proposed to a proof-of-concept programme")})
        register_actions(
            {
                "poc.programme_create": _("created the programme"),
                "poc.programme_update": _("edited the programme"),
                "poc.line_create": _("added a funding line"),
                "poc.line_update": _("edited a funding line"),
                "poc.line_delete": _("removed a funding line"),
                "poc.rubric_update": _("changed the scoring rubric"),
                "poc.call_create": _("created the call"),
                "poc.call_update": _("edited the call"),
                "poc.call_open": _("opened the call"),
                "poc.call_close": _("closed the call"),
                "poc.application_create": _("started an application"),
                "poc.application_update": _("edited the application"),
                "poc.submit": _("submitted the application"),
                "poc.correction": _("asked for a correction of the application"),
                "poc.admit": _("admitted the application"),
                "poc.reject": _("rejected the application at admission"),
                "poc.review": _("put the application under review"),
                "poc.withdraw": _("withdrew the application"),
                "poc.renounce": _("renounced the funding"),
                "poc.objection_record": _("recorded an objection"),
                "poc.objection_resolve": _("resolved an objection"),
                "poc.objection_upheld": _("moved the application after an upheld objection"),
                "poc.agreement": _("recorded the funding agreement"),
                "poc.move": _("changed the application's status"),
            }
        )
