from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "datong.poc.projects"
    label = "poc_projects"
    verbose_name = _("Funded projects")

    def ready(self) -> None:
        from datong.core.audit import register_actions
        from datong.core.navigation import NavItem, register

        from . import selectors

        register(
            NavItem(
                "poc-projects",
                _("Funded projects"),
                "project-list",
                "check",
                56,
                visible=selectors.sees_projects,
                prefixes=("project-", "resource-"),
            )
        )
        register_actions(
            {
                "poc_projects.start": _("started the funded project"),
                "poc_projects.agreement": _("recorded the funding agreement"),
                "poc_projects.mentor": _("assigned the project's mentor"),
                "poc_projects.coaching": _("recorded a coaching session"),
                "poc_projects.resource_create": _("listed a verification resource"),
                "poc_projects.resource_update": _("edited a verification resource"),
                "poc_projects.booking": _("booked a verification resource"),
                "poc_projects.booking_cancel": _("cancelled a resource booking"),
                "poc_projects.milestone_report": _("reported a milestone delivered"),
                "poc_projects.milestone_accept": _("accepted a milestone and released its tranche"),
                "poc_projects.milestone_reject": _("did not accept a milestone"),
                "poc_projects.gate": _("held a gate review"),
                "poc_projects.expense": _("recorded an expense"),
                "poc_projects.expense_reject": _("rejected an expense as ineligible"),
                "poc_projects.report_submit": _("submitted a spending report"),
                "poc_projects.report_accept": _("accepted a spending report"),
                "poc_projects.report_return": _("returned a spending report"),
                "poc_projects.extension_request": _("asked for an extension"),
                "poc_projects.extension_decide": _("decided on an extension"),
                "poc_projects.suspend": _("suspended the project"),
                "poc_projects.resume": _("resumed the project"),
                "poc_projects.terminate": _("terminated the project"),
                "poc_projects.complete": _("completed the project"),
                "poc_projects.outcome": _("recorded the project's outcome"),
            }
        )
