from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IpConfig(AppConfig):
    name = "datong.ip"
    label = "ip"
    verbose_name = _("Intellectual property")

    def ready(self) -> None:
        from datong.core.audit import register_actions
        from datong.results.timeline import register_kinds

        from .models import EventKind
        from .nav import register_nav

        register_nav()
        self._ready_docket()
        self._ready_dashboard()
        register_actions(
            {
                "ip.family_create": _("registered an IP family"),
                "ip.family_update": _("edited an IP family"),
                "ip.filing_create": _("added a filing"),
                "ip.filing_update": _("corrected a filing"),
                "ip.event": _("recorded a filing event"),
                "ip.ownership": _("changed the ownership"),
                "ip.cost": _("recorded a cost"),
                "ip.import": _("imported a patent portfolio"),
            }
        )
        register_kinds(
            {
                "ip.family": _("IP family opened"),
                "ip.filed": _("Application filed"),
                **{f"ip.{kind.value}": kind.label for kind in EventKind},
            }
        )

    @staticmethod
    def _ready_dashboard() -> None:
        from datong.core import dashboard
        from datong.core.permissions import works_in_an_office

        from . import annuities, docket, selectors

        dashboard.register(
            dashboard.Stat(
                "ip",
                _("IP families"),
                "file",
                "ip-family-list",
                lambda user: selectors.family_list(actor=user).count(),
                order=30,
            )
        )
        dashboard.register(
            dashboard.Stat(
                "deadlines",
                _("Deadlines and annuities, next 90 days"),
                "history",
                "ip-deadlines",
                lambda user: (
                    docket.task_list(actor=user, days=90).count()
                    + annuities.renewal_list(actor=user, days=90).count()
                ),
                order=40,
                visible=works_in_an_office,
            )
        )

    @staticmethod
    def _ready_docket() -> None:
        """The docket and the annuity schedule follow every status refresh (they append their
        hooks to ``services.refresh_hooks`` on import); the deadlines page joins the menu."""
        from datong.core.audit import register_actions
        from datong.core.navigation import NavItem, register
        from datong.core.permissions import works_in_an_office

        from . import annuities, docket  # noqa: F401  (registers the refresh hooks)

        register(
            NavItem(
                "ip-deadlines",
                _("Deadlines"),
                "ip-deadlines",
                "history",
                22,
                visible=works_in_an_office,
                prefixes=("ip-deadlines",),
            )
        )
        register_actions(
            {
                "ip.docket": _("recomputed the docket"),
                "ip.task_assign": _("assigned a deadline"),
                "ip.task_done": _("marked a deadline done"),
                "ip.task_reminded": _("sent a deadline reminder"),
                "ip.annuities": _("scheduled annuities"),
                "ip.renewal_remind": _("sent an annuity reminder"),
                "ip.renewal_instruct": _("instructed an annuity payment"),
                "ip.renewal_pay": _("recorded an annuity payment"),
                "ip.renewal_confirm": _("confirmed an annuity receipt"),
                "ip.renewal_decide": _("decided on a renewal"),
                "ip.renewal_abandon": _("abandoned a renewal"),
                "ip.renewal_lapse": _("recorded a lapse for non-payment"),
            }
        )
