"""The roles a membership gives a user within one institution."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESEARCHER = "researcher", _("Researcher")
    TTO_STAFF = "tto_staff", _("Transfer-office staff")
    TECH_MANAGER = "tech_manager", _("Technology manager")
    REVIEWER = "reviewer", _("Reviewer")
    ENTERPRISE_USER = "enterprise_user", _("Enterprise user")
    PROVIDER_USER = "provider_user", _("Service-provider user")
    ALLIANCE_ADMIN = "alliance_admin", _("Alliance administrator")
    OBSERVER = "observer", _("Observer")


#: Roles that run an institution's records: they see its internal records and its history.
STAFF_ROLES = frozenset({Role.TTO_STAFF, Role.TECH_MANAGER, Role.ALLIANCE_ADMIN})

#: Roles at an alliance secretariat that may see the alliance's aggregate figures.
ALLIANCE_VIEW_ROLES = frozenset({Role.ALLIANCE_ADMIN, Role.OBSERVER})
