from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from datong.core.models import TimeStampedModel
from datong.core.permissions import ScopeRule
from datong.core.roles import Role

from .regions import province_model_choices, province_name


class InstitutionKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    ENTERPRISE = "enterprise", _("Enterprise")
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    GOVERNMENT = "government", _("Government body")
    ALLIANCE_SECRETARIAT = "alliance_secretariat", _("Alliance secretariat")


def _english() -> bool:
    return (get_language() or "").startswith("en")


class BilingualName:
    """``display_name`` (and ``display_description``): English on an English page when there is
    an English text, Chinese otherwise."""

    name: str
    name_en: str

    @property
    def display_name(self) -> str:
        return self.name_en if _english() and self.name_en else self.name

    @property
    def display_description(self) -> str:
        english = getattr(self, "description_en", "")
        return english if _english() and english else getattr(self, "description", "")


class Institution(BilingualName, TimeStampedModel):
    slug = models.SlugField(_("short code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=InstitutionKind.choices)
    province = models.CharField(
        _("province"), max_length=6, blank=True, choices=province_model_choices
    )
    city = models.CharField(_("city"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    is_listed = models.BooleanField(
        _("listed in the directory"),
        default=True,
        help_text=_("Listed institutions are visible to every signed-in user."),
    )

    # Listed institutions are public to signed-in users; unlisted ones only to their members.
    scope_rule = ScopeRule(institution="pk", public=Q(is_listed=True))

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        indexes = [models.Index(fields=["kind", "province"])]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_institution_id(self) -> int:
        return self.pk

    @property
    def province_display(self) -> str:
        return province_name(self.province, get_language() or "zh-hans")


class Department(BilingualName, TimeStampedModel):
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="departments",
    )
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    code = models.CharField(_("code"), max_length=20, blank=True)

    scope_rule = ScopeRule(institution="institution", public=Q(institution__is_listed=True))

    class Meta:
        ordering = ["institution_id", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="department_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_institution_id(self) -> int:
        return self.institution_id


class Alliance(BilingualName, TimeStampedModel):
    slug = models.SlugField(_("short code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    secretariat = models.ForeignKey(
        Institution,
        verbose_name=_("secretariat"),
        on_delete=models.PROTECT,
        related_name="alliances_run",
    )
    founded_on = models.DateField(_("founded"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    members = models.ManyToManyField(
        Institution,
        verbose_name=_("members"),
        through="AllianceMember",
        related_name="alliances",
        blank=True,
    )

    # Every signed-in user sees which alliances exist and who belongs to them.
    scope_rule = ScopeRule(public=Q(pk__isnull=False))

    class Meta:
        ordering = ["name"]
        verbose_name = _("alliance")
        verbose_name_plural = _("alliances")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_institution_id(self) -> int:
        return self.secretariat_id


class AllianceMember(models.Model):
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="memberships")
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="alliance_memberships"
    )
    joined_on = models.DateField(_("joined"), null=True, blank=True)

    class Meta:
        verbose_name = _("alliance member")
        verbose_name_plural = _("alliance members")
        constraints = [
            models.UniqueConstraint(fields=["alliance", "institution"], name="alliance_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.alliance} · {self.institution}"

    @property
    def audit_institution_id(self) -> int:
        return self.alliance.secretariat_id


class Membership(TimeStampedModel):
    """A role a user holds within an institution; a user may hold several, in several places."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    position = models.CharField(_("position"), max_length=100, blank=True)

    scope_rule = ScopeRule(institution="institution", owner="user")

    class Meta:
        ordering = ["institution__name", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "institution", "role"], name="membership_role_once"
            )
        ]
        indexes = [models.Index(fields=["institution", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.institution} · {self.get_role_display()}"

    @property
    def audit_institution_id(self) -> int:
        return self.institution_id
