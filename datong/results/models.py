"""Invention disclosures and the registry of research results (科技成果)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from datong.core.models import TimeStampedModel
from datong.core.permissions import ScopeRule
from datong.institutions.models import BilingualName, Department, Institution


class Scheme(models.TextChoices):
    INDUSTRY = "GB/T 4754-2017", _("National economic industry classification")
    SEI = "SEI-2018", _("Strategic emerging industries")
    TRL = "TRL", _("Technology readiness level")
    IP = "IP", _("Intellectual property type")
    REVIEW = "REVIEW-2026", _("Review criteria")
    GRACE = "GRACE", _("Novelty grace period")


class Classification(BilingualName, models.Model):
    """Reference data, loaded from ``results/data/*.json`` with its source and effective date."""

    scheme = models.CharField(_("scheme"), max_length=32, choices=Scheme.choices)
    code = models.CharField(_("code"), max_length=32)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    extra = models.JSONField(default=dict, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["scheme", "position"]
        verbose_name = _("classification")
        verbose_name_plural = _("classifications")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="classification_code_once")
        ]

    def __str__(self) -> str:
        return (
            f"{self.code} {self.display_name}"
            if self.scheme == Scheme.INDUSTRY
            else str(self.display_name)
        )


class Described(TimeStampedModel):
    """What a disclosure and a result both say about the invention."""

    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    abstract = models.TextField(_("abstract"), blank=True)
    industry = models.ForeignKey(
        Classification,
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sei = models.ForeignKey(
        Classification,
        verbose_name=_("strategic emerging industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    trl = models.PositiveSmallIntegerField(_("readiness level (TRL)"), null=True, blank=True)

    class Meta:
        abstract = True


class DisclosureStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned for more information")
    DECIDED = "decided", _("Decided")


class Decision(models.TextChoices):
    PROTECT = "protect", _("Protect")
    KEEP_SECRET = "keep_secret", _("Keep as a technical secret")
    RELEASE = "release", _("Release to the inventors")
    MERGE = "merge", _("Merge into an existing result")


class Disclosure(Described):
    """A researcher's invention disclosure (发明披露), from draft to the office's decision."""

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="disclosures",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disclosures",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("discloser"),
        on_delete=models.PROTECT,
        related_name="disclosures",
    )
    number = models.CharField(_("number"), max_length=20, blank=True)
    problem = models.TextField(_("problem solved"), blank=True)
    advantages = models.TextField(_("advantages over existing solutions"), blank=True)
    applications = models.TextField(_("intended applications"), blank=True)
    intended_protection = models.JSONField(_("intended protection"), default=list, blank=True)
    funding = models.JSONField(_("funding sources"), default=list, blank=True)
    prior_disclosures = models.JSONField(_("prior public disclosures"), default=list, blank=True)
    related_results = models.ManyToManyField(
        "Result", verbose_name=_("related results"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DisclosureStatus.choices,
        default=DisclosureStatus.DRAFT,
        db_index=True,
    )
    step = models.PositiveSmallIntegerField(_("last step saved"), default=1)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technology manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_disclosures",
    )
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    protection_type = models.CharField(_("protection"), max_length=32, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    result = models.ForeignKey(
        "Result",
        verbose_name=_("result"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disclosures",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    # The discloser and every inventor with an account see it; so does the office of its
    # institution. Other members of the institution do not: disclosures are confidential.
    scope_rule = ScopeRule(
        institution="institution",
        staff_only=True,
        owner=("created_by", "inventors__user"),
        distinct=True,
    )

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        indexes = [models.Index(fields=["institution", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def audit_institution_id(self) -> int:
        return self.institution_id

    @property
    def is_editable(self) -> bool:
        return self.status in (DisclosureStatus.DRAFT, DisclosureStatus.RETURNED)


class Inventor(models.Model):
    """One inventor of a disclosure, with their contribution share."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="inventors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inventorships",
    )
    name = models.CharField(_("name"), max_length=100)
    institution_name = models.CharField(_("institution"), max_length=200, blank=True)
    share = models.DecimalField(_("contribution share (%)"), max_digits=5, decimal_places=2)
    paid_here = models.BooleanField(
        _("paid by this institution"),
        default=True,
        help_text=_("Whether this institution's income distribution pays this inventor."),
    )
    is_main = models.BooleanField(_("main contributor"), default=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("inventor")
        verbose_name_plural = _("inventors")

    def __str__(self) -> str:
        return f"{self.name} {self.share}%"

    @property
    def is_internal(self) -> bool:
        return self.user_id is not None

    @property
    def audit_institution_id(self) -> int:
        return self.disclosure.institution_id


def attachment_path(instance, filename: str) -> str:
    return f"attachments/{instance.disclosure.institution_id}/{instance.disclosure_id}/{filename}"


class Attachment(models.Model):
    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    @property
    def audit_institution_id(self) -> int:
        return self.disclosure.institution_id


class DisclosureComment(models.Model):
    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    for_inventors = models.BooleanField(
        _("visible to the inventors"),
        default=True,
        help_text=_("Internal notes stay within the transfer office."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def audit_institution_id(self) -> int:
        return self.disclosure.institution_id


class ReviewScore(models.Model):
    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Classification, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "criterion", "reviewer"], name="review_score_once"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="review_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}={self.score}"

    @property
    def audit_institution_id(self) -> int:
        return self.disclosure.institution_id


class Conclusion(models.TextChoices):
    PATENTABLE = "patentable", _("Patentable")
    WITH_CHANGES = "with_changes", _("Patentable with a narrower scope")
    NOT_PATENTABLE = "not_patentable", _("Not patentable")
    INCONCLUSIVE = "inconclusive", _("Inconclusive")


class PatentabilityReport(models.Model):
    """A novelty search or patentability assessment (查新 / 专利性评估) attached to the review."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="reports")
    conclusion = models.CharField(_("conclusion"), max_length=20, choices=Conclusion.choices)
    summary = models.TextField(_("summary"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    provider_name = models.CharField(_("service provider"), max_length=200, blank=True)
    report_date = models.DateField(_("report date"))
    attachment = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-report_date", "-pk"]
        verbose_name = _("patentability report")
        verbose_name_plural = _("patentability reports")

    def __str__(self) -> str:
        return f"{self.get_conclusion_display()} ({self.report_date})"

    @property
    def audit_institution_id(self) -> int:
        return self.disclosure.institution_id


class ResultStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    PROTECTING = "protecting", _("Under protection")
    SECRET = "secret", _("Technical secret")
    RELEASED = "released", _("Released to the inventors")
    MERGED = "merged", _("Merged")


class ResultSource(models.TextChoices):
    DISCLOSURE = "disclosure", _("Disclosure")
    IMPORT = "import", _("Import")
    MANUAL = "manual", _("Entered by the office")


class Result(Described):
    """A research result (科技成果) held by an institution."""

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("owner institution"),
        on_delete=models.PROTECT,
        related_name="results",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="results",
    )
    number = models.CharField(_("number"), max_length=32)
    ip_types = models.JSONField(_("protection"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ResultStatus.choices,
        default=ResultStatus.REGISTERED,
        db_index=True,
    )
    source = models.CharField(
        _("source"), max_length=16, choices=ResultSource.choices, default=ResultSource.MANUAL
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
    )
    completeness = models.PositiveSmallIntegerField(_("completeness (%)"), default=0)
    search_text = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Results are the institution's confidential registry: its members see them, inventors
    # see their own. The marketplace (a later issue) publishes non-confidential summaries.
    scope_rule = ScopeRule(institution="institution", owner="inventors__user", distinct=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [
            models.UniqueConstraint(fields=["institution", "number"], name="result_number_once")
        ]
        indexes = [models.Index(fields=["institution", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def audit_institution_id(self) -> int:
        return self.institution_id


class ResultInventor(models.Model):
    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="inventors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="result_inventorships",
    )
    name = models.CharField(_("name"), max_length=100)
    institution_name = models.CharField(_("institution"), max_length=200, blank=True)
    share = models.DecimalField(
        _("contribution share (%)"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    paid_here = models.BooleanField(_("paid by this institution"), default=True)
    is_main = models.BooleanField(_("main contributor"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("result inventor")
        verbose_name_plural = _("result inventors")

    def __str__(self) -> str:
        return self.name


class TimelineEvent(models.Model):
    """One dated event in a result's life. Append with ``results.timeline.append_event``."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), db_index=True)
    kind = models.CharField(_("kind"), max_length=48)
    summary = models.CharField(_("summary"), max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.kind}"
