"""The marketplace: listings of an institution's results written for industry, and the
technology demands that enterprises post."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from datong.core.models import TimeStampedModel
from datong.core.permissions import ScopeRule
from datong.institutions.models import Institution
from datong.institutions.regions import province_model_choices


class EngagementMode(models.TextChoices):
    LICENCE = "licence", _("Licence")
    TRANSFER = "transfer", _("Transfer")
    JOINT_DEVELOPMENT = "joint_development", _("Joint development")
    EQUITY = "equity", _("Equity")


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Listing(TimeStampedModel):
    """A result offered on the marketplace: only what the office wrote for industry is shown;
    nothing of the confidential disclosure is copied."""

    result = models.ForeignKey(
        "results.Result",
        verbose_name=_("result"),
        on_delete=models.PROTECT,
        related_name="listings",
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="listings",
    )
    title = models.CharField(_("public title"), max_length=200)
    summary = models.TextField(_("public summary"), blank=True)
    key_points = models.TextField(_("key points"), blank=True)
    applications = models.TextField(_("applications"), blank=True)
    #: Codes of :class:`EngagementMode`.
    engagement_modes = models.JSONField(_("engagement modes"), default=list, blank=True)
    ip_status = models.CharField(_("IP status"), max_length=300, blank=True)
    trl = models.PositiveSmallIntegerField(_("readiness level (TRL)"), null=True, blank=True)
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technology manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="market_listings",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ListingStatus.choices,
        default=ListingStatus.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    # Published listings are public; drafts and withdrawn ones only for the institution's office.
    scope_rule = ScopeRule(
        institution="institution", staff_only=True, public=Q(status=ListingStatus.PUBLISHED)
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        indexes = [models.Index(fields=["institution", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_institution_id(self) -> int:
        return self.institution_id

    @property
    def engagement_labels(self) -> list[str]:
        labels = dict(EngagementMode.choices)
        return [str(labels[c]) for c in self.engagement_modes if c in labels]


class DemandStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Demand(TimeStampedModel):
    """An enterprise's technology demand (技术需求)."""

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="demands",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="demands",
    )
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem"), blank=True)
    key_points = models.TextField(_("key technical points"), blank=True)
    goals = models.TextField(_("expected goals"), blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    budget = models.DecimalField(
        _("budget (10,000 yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    cooperation_mode = models.CharField(
        _("cooperation mode"), max_length=32, choices=EngagementMode.choices, blank=True
    )
    industry = models.ForeignKey(
        "results.Classification",
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.CharField(_("region"), max_length=6, blank=True, choices=province_model_choices)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DemandStatus.choices,
        default=DemandStatus.OPEN,
        db_index=True,
    )

    # Open demands are seen by every signed-in user; closed ones by the enterprise's members.
    scope_rule = ScopeRule(institution="institution", public=Q(status=DemandStatus.OPEN))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("technology demand")
        verbose_name_plural = _("technology demands")
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0), name="demand_budget_positive"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_institution_id(self) -> int:
        return self.institution_id
