"""The service-provider directory: profiles of service-provider institutions and the reviews that
member institutions write about the providers they engaged."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from datong.core.models import TimeStampedModel
from datong.core.permissions import ScopeRule
from datong.institutions.models import Institution


class ProviderCategory(models.TextChoices):
    PATENT_AGENCY = "patent_agency", _("Patent agency")
    LAW_FIRM = "law_firm", _("Law firm")
    EVALUATOR = "evaluator", _("Evaluator / appraiser")
    INVESTOR = "investor", _("Investor")
    INCUBATOR = "incubator", _("Incubator")
    TECH_TRANSFER = "tech_transfer", _("Technology-transfer service")
    INDUSTRY_PLATFORM = "industry_platform", _("Industry service platform")


class ProviderProfile(TimeStampedModel):
    """The directory entry of one service-provider institution (at most one each)."""

    institution = models.OneToOneField(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="provider_profile",
    )
    #: Codes of :class:`ProviderCategory`, the main one first.
    categories = models.JSONField(_("categories"), default=list, blank=True)
    #: [{"name", "number", "issued_by", "valid_until" (ISO date or "")}]
    qualifications = models.JSONField(_("qualifications"), default=list, blank=True)
    #: IPC sections, classes or subclasses ("H", "H01", "H01M").
    ipc_fields = models.JSONField(_("IPC fields"), default=list, blank=True)
    #: GB/T 4754-2017 sections or divisions ("C", "38").
    industry_fields = models.JSONField(_("industry fields"), default=list, blank=True)
    services = models.TextField(_("services offered"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    is_recommended = models.BooleanField(_("recommended by the alliance"), default=False)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recommended by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recommended_at = models.DateTimeField(_("recommended on"), null=True, blank=True)
    recommendation_reason = models.CharField(_("reason"), max_length=300, blank=True)
    #: "|code|code|" of the categories and fields, kept by the service for portable filtering.
    tags = models.CharField(max_length=1000, blank=True, editable=False, db_index=True)

    # The directory is open to every signed-in user, as the institution itself is.
    scope_rule = ScopeRule(institution="institution", public=Q(institution__is_listed=True))

    class Meta:
        ordering = ["institution__name"]
        verbose_name = _("provider profile")
        verbose_name_plural = _("provider profiles")

    def __str__(self) -> str:
        return str(self.institution)

    @property
    def audit_institution_id(self) -> int:
        return self.institution_id

    @property
    def category_labels(self) -> list[str]:
        labels = dict(ProviderCategory.choices)
        return [str(labels[c]) for c in self.categories if c in labels]


class ProviderReview(models.Model):
    """A member institution's rating of a provider for one engagement (one review each)."""

    provider = models.ForeignKey(
        Institution,
        verbose_name=_("provider"),
        on_delete=models.CASCADE,
        related_name="provider_reviews",
    )
    reviewer_institution = models.ForeignKey(
        Institution,
        verbose_name=_("reviewing institution"),
        on_delete=models.CASCADE,
        related_name="reviews_written",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: The engagement: a filing naming the provider as agency (later also a deal).
    filing = models.ForeignKey(
        "ip.Filing",
        verbose_name=_("filing"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="provider_reviews",
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    # Reviews are read by every signed-in user; the engagement behind one only by its institution.
    scope_rule = ScopeRule(public=Q(pk__isnull=False))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("provider review")
        verbose_name_plural = _("provider reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["filing"], condition=Q(filing__isnull=False), name="review_once_per_filing"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="provider_review_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.rating}/5"

    @property
    def audit_institution_id(self) -> int:
        return self.reviewer_institution_id
