"""Funded proof-of-concept projects: started from an awarded application, run through milestones
that release money in tranches, stage gates, coaching, verification resources, expenses checked
against the funding lines' eligible cost types, spending reports, extensions, termination and
the outcome recorded at close.

Money is in yuan, ``Decimal`` with two places.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from datong.core.models import TimeStampedModel
from datong.core.permissions import ScopeRule
from datong.institutions.models import Institution
from datong.institutions.regions import province_model_choices
from datong.poc.models import CostType, FundingLine, Stage, VerificationKind, money


def trl_field(verbose_name, **kwargs):
    return models.PositiveSmallIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        **kwargs,
    )


class ProjectState(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXTENDED = "extended", _("Extended")
    SUSPENDED = "suspended", _("Suspended")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")


#: States in which the team works, reports and spends.
RUNNING_STATES = frozenset({ProjectState.ACTIVE, ProjectState.EXTENDED})
#: States a project never leaves.
CLOSED_STATES = frozenset({ProjectState.COMPLETED, ProjectState.TERMINATED})


class MentorKind(models.TextChoices):
    TECH_MANAGER = "tech_manager", _("Technology manager")
    INDUSTRY_EXPERT = "industry_expert", _("Industry expert")


class Project(TimeStampedModel):
    """A funded proof-of-concept project (概念验证项目), one per awarded application."""

    application = models.OneToOneField(
        "poc.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="project",
    )
    programme = models.ForeignKey(
        "poc.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("applicant institution"),
        on_delete=models.PROTECT,
        related_name="poc_projects",
    )
    number = models.CharField(_("number"), max_length=32, blank=True)
    title = models.CharField(_("project title"), max_length=200)
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ProjectState.choices,
        default=ProjectState.ACTIVE,
        db_index=True,
    )
    agreement_number = models.CharField(_("funding agreement number"), max_length=64)
    agreement_signed_on = models.DateField(_("agreement signed"))
    starts_on = models.DateField(_("start"))
    planned_end = models.DateField(_("planned end"))
    ends_on = models.DateField(_("end"), help_text=_("The planned end, moved by extensions."))
    trl_before = trl_field(_("readiness before (TRL)"))
    trl_now = trl_field(_("readiness assessed (TRL)"))
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentored_poc_projects",
    )
    mentor_kind = models.CharField(
        _("mentor is a"), max_length=16, choices=MentorKind.choices, blank=True
    )
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # The team (applicant and team members) and the mentor see the project, and so do the
    # applicant institution's office (this rule) and the programme owner's office (OWNER_RULE);
    # see selectors.visible_projects.
    scope_rule = ScopeRule(
        institution="institution",
        owner=("application__applicant", "application__team__user", "mentor"),
        staff_only=True,
        distinct=True,
    )

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("funded project")
        verbose_name_plural = _("funded projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="project_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_institution_id(self) -> int:
        return self.programme.owner_id

    @property
    def is_running(self) -> bool:
        return self.state in RUNNING_STATES

    @property
    def is_closed(self) -> bool:
        return self.state in CLOSED_STATES


#: The programme owner's office reaches every project of its programmes.
OWNER_RULE = ScopeRule(institution="programme__owner", staff_only=True)


class ProjectFunding(models.Model):
    """The money awarded to the project on one funding line, frozen at the start."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="funding")
    funding_line = models.ForeignKey(
        FundingLine, verbose_name=_("funding line"), on_delete=models.PROTECT, related_name="+"
    )
    awarded = money(_("awarded (yuan)"))

    class Meta:
        ordering = ["project", "funding_line__position", "funding_line_id"]
        verbose_name = _("project funding")
        verbose_name_plural = _("project funding")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "funding_line"], name="project_funding_once_per_line"
            )
        ]

    def __str__(self) -> str:
        return f"{self.funding_line}: {self.awarded}"


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    REPORTED = "reported", _("Reported, waiting for the office")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Not accepted, to report again")


class Milestone(models.Model):
    """A milestone of the project; accepting it releases its tranche."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("milestone"), max_length=200)
    deliverable = models.TextField(_("deliverable"), blank=True)
    due_on = models.DateField(_("due"))
    funding_line = models.ForeignKey(
        FundingLine,
        verbose_name=_("funding line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    tranche = money(_("tranche (yuan)"), default=Decimal("0"))
    status = models.CharField(
        _("status"), max_length=16, choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED
    )
    accepted_on = models.DateField(_("accepted"), null=True, blank=True)

    class Meta:
        ordering = ["project", "position", "due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title

    @property
    def audit_institution_id(self) -> int:
        return self.project.audit_institution_id


def evidence_path(instance, filename: str) -> str:
    return f"poc_projects/{instance.milestone.project_id}/{filename}"


class ReportDecision(models.TextChoices):
    PENDING = "pending", _("Waiting for the office")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Not accepted")


class MilestoneReport(models.Model):
    """The team's report that a milestone is delivered, and the office's decision on it."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="reports")
    evidence = models.TextField(_("evidence"))
    attachment = models.FileField(
        _("attachment"), upload_to=evidence_path, max_length=300, blank=True
    )
    attachment_name = models.CharField(_("file name"), max_length=255, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported"))
    decision = models.CharField(
        _("decision"),
        max_length=16,
        choices=ReportDecision.choices,
        default=ReportDecision.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.TextField(_("office's note"), blank=True)

    class Meta:
        ordering = ["milestone", "-reported_at", "-pk"]
        verbose_name = _("milestone report")
        verbose_name_plural = _("milestone reports")

    def __str__(self) -> str:
        return f"{self.milestone}: {self.get_decision_display()}"


class TrancheKind(models.TextChoices):
    ADVANCE = "advance", _("Advance")
    MILESTONE = "milestone", _("Milestone tranche")


class Tranche(models.Model):
    """Money released to the project on one funding line (拨付)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tranches")
    funding_line = models.ForeignKey(
        FundingLine, verbose_name=_("funding line"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=TrancheKind.choices)
    milestone = models.OneToOneField(
        Milestone,
        verbose_name=_("milestone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="release",
    )
    amount = money(_("amount (yuan)"))
    released_on = models.DateField(_("released"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["project", "released_on", "pk"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class CoachingSession(models.Model):
    """One coaching session of the project's mentor with the team (辅导记录)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="coaching")
    held_on = models.DateField(_("date"))
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    topics = models.TextField(_("topics"))
    advice = models.TextField(_("advice"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "-held_on", "-pk"]
        verbose_name = _("coaching session")
        verbose_name_plural = _("coaching sessions")

    def __str__(self) -> str:
        return f"{self.held_on}: {self.topics[:40]}"


class VerificationResource(TimeStampedModel):
    """A lab, pilot line, test platform or clinical site that projects can use (验证资源)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=VerificationKind.choices)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="verification_resources",
    )
    listed_by = models.ForeignKey(
        Institution,
        verbose_name=_("listed by"),
        on_delete=models.PROTECT,
        related_name="listed_verification_resources",
        help_text=_("The office that keeps this entry up to date."),
    )
    region = models.CharField(
        _("province"), max_length=6, blank=True, choices=province_model_choices
    )
    city = models.CharField(_("city"), max_length=50, blank=True)
    capabilities = models.TextField(_("capabilities"))
    price_terms = models.TextField(_("price"), blank=True)
    booking_terms = models.TextField(_("booking"), blank=True)
    certifications = models.CharField(
        _("certification"),
        max_length=300,
        blank=True,
        help_text=_("Accreditations such as CMA, CNAS, GLP or GMP."),
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    is_public = models.BooleanField(_("public"), default=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Public entries are seen by every signed-in user; hidden ones by the listing office.
    scope_rule = ScopeRule(institution="listed_by", staff_only=True, public=Q(is_public=True))

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("verification resource")
        verbose_name_plural = _("verification resources")
        indexes = [models.Index(fields=["kind", "region"])]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_institution_id(self) -> int:
        return self.listed_by_id


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")


class ResourceBooking(models.Model):
    """A verification resource booked for the project, for one of its needs."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="bookings")
    resource = models.ForeignKey(
        VerificationResource,
        verbose_name=_("resource"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    need = models.ForeignKey(
        "poc.VerificationNeed",
        verbose_name=_("verification need"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bookings",
    )
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "starts_on", "pk"]
        verbose_name = _("resource booking")
        verbose_name_plural = _("resource bookings")

    def __str__(self) -> str:
        return str(self.resource)


class GateKind(models.TextChoices):
    STAGE_END = "stage_end", _("End of a stage")
    CALLED = "called", _("Called by the office")


class GateDecision(models.TextChoices):
    CONTINUE = "continue", _("Continue")
    PIVOT = "pivot", _("Pivot")
    STOP = "stop", _("Stop")


class GateReview(models.Model):
    """A stage-gate review: continue, pivot or stop, with reasons and the readiness assessed."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="gates")
    held_on = models.DateField(_("held on"))
    kind = models.CharField(_("occasion"), max_length=16, choices=GateKind.choices)
    decision = models.CharField(_("decision"), max_length=16, choices=GateDecision.choices)
    reasons = models.TextField(_("reasons"))
    trl_assessed = trl_field(_("readiness assessed (TRL)"))
    stage_after = models.CharField(
        _("stage from now on"), max_length=8, choices=Stage.choices, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "-held_on", "-pk"]
        verbose_name = _("gate review")
        verbose_name_plural = _("gate reviews")

    def __str__(self) -> str:
        return f"{self.held_on}: {self.get_decision_display()}"


class ExpenseStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    REJECTED = "rejected", _("Rejected as ineligible")


class Expense(TimeStampedModel):
    """An expense of the project, against one funding line and one cost type."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="expenses")
    funding_line = models.ForeignKey(
        FundingLine, verbose_name=_("funding line"), on_delete=models.PROTECT, related_name="+"
    )
    cost_type = models.CharField(_("cost type"), max_length=16, choices=CostType.choices)
    spent_on = models.DateField(_("date"))
    amount = money(_("amount (yuan)"))
    payee = models.CharField(_("payee"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    invoice_number = models.CharField(_("invoice number"), max_length=64, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ExpenseStatus.choices,
        default=ExpenseStatus.RECORDED,
        db_index=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rejected_at = models.DateTimeField(_("rejected"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)

    class Meta:
        ordering = ["project", "-spent_on", "-pk"]
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.spent_on} {self.payee} {self.amount}"

    @property
    def audit_institution_id(self) -> int:
        return self.project.audit_institution_id


class ReportKind(models.TextChoices):
    PERIODIC = "periodic", _("Periodic report")
    INTERIM = "interim", _("Interim report")
    FINAL = "final", _("Final report")


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for rework")


class SpendingReport(models.Model):
    """A spending report: the figures frozen when the team submits it, their narrative and the
    office's acceptance."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    #: Frozen figures: see ``ledger.snapshot``.
    snapshot = models.JSONField(_("figures"), default=dict)
    narrative = models.TextField(_("the team's account"))
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    office_note = models.TextField(_("office's note"), blank=True)

    class Meta:
        ordering = ["project", "-submitted_at", "-pk"]
        verbose_name = _("spending report")
        verbose_name_plural = _("spending reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="spending_report_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}–{self.period_end}"


class ExtensionStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Extension(models.Model):
    """A request to move the project's end date, and the office's decision."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="extensions")
    previous_end = models.DateField(_("end before"))
    new_end = models.DateField(_("new end"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.TextField(_("office's note"), blank=True)

    class Meta:
        ordering = ["project", "-requested_at", "-pk"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")

    def __str__(self) -> str:
        return f"{self.previous_end} → {self.new_end}"


class Termination(models.Model):
    """The early end of a project and the money to pay back: the released money not spent plus
    the expenses rejected as ineligible."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="termination")
    decided_on = models.DateField(_("decided on"))
    reason = models.TextField(_("reason"))
    gate = models.ForeignKey(
        GateReview,
        verbose_name=_("gate review"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    released = money(_("released (yuan)"))
    spent = money(_("eligible spending (yuan)"))
    ineligible = money(_("rejected expenses (yuan)"))
    unspent = money(_("unspent (yuan)"))
    payback = money(_("to pay back (yuan)"))
    #: The same figures per funding line: ``[{"line": code, "name": …, "released": "…", …}]``.
    breakdown = models.JSONField(_("per funding line"), default=list)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("termination")
        verbose_name_plural = _("terminations")

    def __str__(self) -> str:
        return f"{self.project}: {self.payback}"


class Outcome(models.Model):
    """What the project reached, recorded at close: the technical route, the patent layout, the
    business model, the readiness after and what followed."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="outcome")
    technical_route = models.TextField(_("technical route reached"), blank=True)
    ip_families = models.ManyToManyField(
        "ip.IPFamily",
        verbose_name=_("patent layout"),
        blank=True,
        related_name="poc_outcomes",
        help_text=_("IP records of the institution filed during the project."),
    )
    patent_notes = models.TextField(_("notes on the patent layout"), blank=True)
    business_model = models.TextField(_("business model"), blank=True)
    trl_after = trl_field(_("readiness after (TRL)"))
    licence = models.TextField(_("licence or transfer"), blank=True)
    licence_contract = models.CharField(_("contract reference"), max_length=100, blank=True)
    company_name = models.CharField(_("spin-off company"), max_length=200, blank=True)
    company_note = models.TextField(_("about the company"), blank=True)
    landing_base = models.CharField(
        _("landing location"),
        max_length=200,
        blank=True,
        help_text=_("The incubation base or industrial park where the project landed."),
    )
    landing_province = models.CharField(
        _("province of the landing location"),
        max_length=6,
        blank=True,
        choices=province_model_choices,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")

    def __str__(self) -> str:
        return str(self.project)
