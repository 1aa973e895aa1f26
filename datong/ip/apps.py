from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IpConfig(AppConfig):
    name = "datong.ip"
    label = "ip"
    verbose_name = _("Intellectual property")
