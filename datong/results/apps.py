from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "datong.results"
    label = "results"
    verbose_name = _("Results")

    def ready(self) -> None:
        from datong.core import dashboard
        from datong.core.audit import register_actions
        from datong.core.navigation import NavItem, register
        from datong.core.permissions import works_in_an_office

        register(NavItem("disclosures", _("Disclosures"), "disclosure-list", "edit", 12))
        register(NavItem("results", _("Results"), "result-list", "activity", 14))
        register(
            NavItem(
                "result-import",
                _("Import results"),
                "result-import",
                "download",
                16,
                visible=works_in_an_office,
                prefixes=("result-import",),
            )
        )
        register(
            NavItem(
                "result-quality",
                _("Data quality"),
                "result-quality",
                "check",
                17,
                visible=works_in_an_office,
                prefixes=("result-quality",),
            )
        )
        from . import selectors

        dashboard.register(
            dashboard.Stat(
                "disclosures",
                _("Disclosures in progress"),
                "edit",
                "disclosure-list",
                lambda user: selectors.open_disclosure_count(actor=user),
                order=10,
            )
        )
        dashboard.register(
            dashboard.Stat(
                "results",
                _("Results in the registry"),
                "activity",
                "result-list",
                lambda user: selectors.result_list(actor=user).count(),
                order=20,
            )
        )
        register_actions(
            {
                "disclosure.create": _("started a disclosure"),
                "disclosure.update": _("edited a disclosure"),
                "disclosure.submit": _("submitted a disclosure"),
                "disclosure.assign": _("assigned a technology manager"),
                "disclosure.return": _("returned a disclosure for more information"),
                "disclosure.decide": _("decided on a disclosure"),
                "disclosure.comment": _("commented on a disclosure"),
                "disclosure.score": _("scored a disclosure"),
                "disclosure.report": _("attached a patentability report"),
                "disclosure.attach": _("attached a file"),
                "inventor.confirm": _("confirmed an inventor share"),
                "result.create": _("registered a result"),
                "result.update": _("edited a result"),
                "result.merge": _("merged results"),
                "result.import": _("imported results"),
            }
        )
