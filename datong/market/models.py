"""The marketplace: listings of an institution's results written for industry, and the
technology demands that enterprises post."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
    OPEN = "open", pgettext_lazy("demand status", "Open")
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
    #: IPC classes the need falls under, normalised (``H01M 10/052``).
    ipc_codes = models.JSONField(_("IPC classes"), default=list, blank=True)
    min_trl = models.PositiveSmallIntegerField(_("readiness needed (TRL)"), null=True, blank=True)
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


class ExpertProfile(TimeStampedModel):
    """A researcher's public expert profile (专家): fields, results and publications."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="expert_profile",
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="expert_profiles",
    )
    department = models.ForeignKey(
        "institutions.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert_profiles",
    )
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    fields = models.TextField(_("research fields"), blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    #: One publication per line.
    publications = models.TextField(_("publications"), blank=True)
    industry = models.ForeignKey(
        "results.Classification",
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_public = models.BooleanField(_("public"), default=False, db_index=True)

    # Public profiles are seen by everyone; an unpublished one by the person and their office.
    scope_rule = ScopeRule(
        institution="institution", owner="user", public=Q(is_public=True), staff_only=True
    )

    class Meta:
        ordering = ["institution_id", "user__name", "pk"]
        verbose_name = _("expert profile")
        verbose_name_plural = _("expert profiles")

    def __str__(self) -> str:
        return self.user.get_full_name()

    @property
    def audit_institution_id(self) -> int:
        return self.institution_id

    @property
    def publication_list(self) -> list[str]:
        return [line.strip() for line in self.publications.splitlines() if line.strip()]

    def published_listings(self):
        """The expert's results on the marketplace: published listings of results they are an
        inventor of."""
        return (
            Listing.objects.filter(
                status=ListingStatus.PUBLISHED, result__inventors__user_id=self.user_id
            )
            .select_related("institution")
            .distinct()
            .order_by("-published_at", "-pk")
        )


class EnterpriseSize(models.TextChoices):
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


#: Small and medium-sized enterprises (中小企业), micro ones included.
SME_SIZES = frozenset({EnterpriseSize.MICRO, EnterpriseSize.SMALL, EnterpriseSize.MEDIUM})


class EnterpriseProfile(TimeStampedModel):
    """What an enterprise says about itself: industry, size, products and technology interests."""

    institution = models.OneToOneField(
        Institution,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="enterprise_profile",
    )
    industry = models.ForeignKey(
        "results.Classification",
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    size = models.CharField(
        _("enterprise size"), max_length=8, choices=EnterpriseSize.choices, blank=True
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    founded_year = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True)
    main_products = models.TextField(_("main products"), blank=True)
    tech_fields = models.TextField(_("technology fields of interest"), blank=True)

    # As the enterprise's directory entry: every signed-in user when listed, else its members.
    scope_rule = ScopeRule(institution="institution", public=Q(institution__is_listed=True))

    class Meta:
        verbose_name = _("enterprise profile")
        verbose_name_plural = _("enterprise profiles")

    def __str__(self) -> str:
        return self.institution.name

    @property
    def audit_institution_id(self) -> int:
        return self.institution_id

    @property
    def is_sme(self) -> bool:
        return self.size in SME_SIZES
