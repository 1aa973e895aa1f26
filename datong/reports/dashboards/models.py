"""Region–university cooperation agreements (市校/省校科技合作协议) and their yearly figures.

The dashboards themselves store nothing: every series is computed from the records of the
other apps. Invariants only here; every write is in ``services``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from datong.core.models import TimeStampedModel
from datong.core.permissions import ScopeRule
from datong.institutions.models import Institution
from datong.institutions.regions import province_model_choices, province_name

ZERO = Decimal("0.00")


class CooperationAgreement(TimeStampedModel):
    """An institution's cooperation agreement with a region (a province or a city): who, since
    when, for which years, and the joint centre that carries it."""

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="cooperation_agreements",
    )
    title = models.CharField(_("title"), max_length=200)
    #: GB/T 2260 province code of the partner region.
    partner_province = models.CharField(
        _("partner province"), max_length=6, choices=province_model_choices
    )
    partner_city = models.CharField(_("partner city"), max_length=50, blank=True)
    signed_year = models.PositiveSmallIntegerField(_("signed in"), null=True, blank=True)
    year_from = models.PositiveSmallIntegerField(_("from year"))
    year_to = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    centre_name = models.CharField(_("joint centre"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # The institution's office reads and writes its agreements; the alliance secretariat sees
    # them through the alliance selectors, as aggregates.
    scope_rule = ScopeRule(institution="institution", staff_only=True)

    class Meta:
        ordering = ["institution__name", "-year_from", "pk"]
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(year_to__isnull=True) | Q(year_to__gte=F("year_from")),
                name="agreement_years_forward",
            )
        ]
        indexes = [models.Index(fields=["institution", "year_from"])]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_institution_id(self) -> int:
        return self.institution_id

    @property
    def partner_display(self) -> str:
        province = province_name(self.partner_province, get_language() or "zh-hans")
        if self.partner_city and self.partner_city != province:
            return f"{province} · {self.partner_city}"
        return province

    @property
    def years_display(self) -> str:
        return f"{self.year_from}–{self.year_to}" if self.year_to else f"{self.year_from}–"


class AgreementYear(models.Model):
    """One year's figures under an agreement, as the office enters them."""

    agreement = models.ForeignKey(
        CooperationAgreement,
        verbose_name=_("cooperation agreement"),
        on_delete=models.CASCADE,
        related_name="years",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    projects = models.PositiveIntegerField(_("projects landed"), default=0)
    contract_total = models.DecimalField(
        _("contract total (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["agreement", "year"]
        verbose_name = _("agreement year")
        verbose_name_plural = _("agreement years")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "year"], name="agreement_year_once"),
            models.CheckConstraint(
                condition=Q(contract_total__gte=0), name="agreement_year_total_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} {self.year}"
