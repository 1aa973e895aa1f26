"""Proof-of-concept programmes and project funds: programmes with funding lines, rubrics and calls;
researchers' applications with their plan, milestones, verification needs, team and requested
money; the application's life from submission to award (the review, the funded projects and the
outcomes live in ``datong.poc.review`` and ``datong.poc.projects``).

Money is in yuan, ``Decimal`` with two places.
"""

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
from datong.institutions.models import Alliance, BilingualName, Department, Institution


def money(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name,
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        **kwargs,
    )


class FundKind(models.TextChoices):
    INSTITUTION = "institution", _("Institution's own programme")
    ALLIANCE = "alliance", _("Alliance programme")
    REGIONAL = "regional_fund", _("Regional fund")


class Stage(models.TextChoices):
    ZERO_ONE = "0-1", _("0→1 (from principle to prototype)")
    ONE_TEN = "1-10", _("1→10 (from prototype to product)")
    TEN_HUNDRED = "10-100", _("10→100 (from product to scale)")


class Programme(BilingualName, TimeStampedModel):
    """A funder's programme (概念验证计划, 专项基金): budget, funding lines, rubric, eligibility."""

    owner = models.ForeignKey(
        Institution,
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        related_name="programmes",
        help_text=_("The institution whose office runs the programme."),
    )
    kind = models.CharField(_("kind of fund"), max_length=16, choices=FundKind.choices)
    alliance = models.ForeignKey(
        Alliance,
        verbose_name=_("alliance"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    code = models.SlugField(_("short code"), max_length=64, unique=True)
    description = models.TextField(_("description"), blank=True)
    partners = models.CharField(
        _("partners"),
        max_length=300,
        blank=True,
        help_text=_("Co-funders and bases, e.g. a city government and its industrial park."),
    )
    total_budget = money(_("total budget (yuan)"))
    #: Codes of :class:`Stage` the programme funds.
    stages = models.JSONField(_("stages"), default=list, blank=True)
    min_trl = models.PositiveSmallIntegerField(_("lowest readiness (TRL)"), null=True, blank=True)
    max_trl = models.PositiveSmallIntegerField(_("highest readiness (TRL)"), null=True, blank=True)
    #: GB/T 4754 codes (a section or division covers what lies below); empty: every industry.
    industries = models.JSONField(_("industries"), default=list, blank=True)
    eligible_institutions = models.ManyToManyField(
        Institution,
        verbose_name=_("eligible institutions"),
        blank=True,
        related_name="eligible_programmes",
        help_text=_("Empty: every institution (of the alliance, for an alliance programme)."),
    )
    blind_review = models.BooleanField(_("blind review"), default=False)
    objection_days = models.PositiveSmallIntegerField(
        _("objection period (days)"), default=5, help_text=_("Length of the public notice (公示).")
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Programmes are public to signed-in users (they are calls for applications); the owner's
    # office manages them.
    scope_rule = ScopeRule(institution="owner", public=Q(is_active=True))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_trl__isnull=True)
                | Q(max_trl__isnull=True)
                | Q(min_trl__lte=models.F("max_trl")),
                name="programme_trl_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_institution_id(self) -> int:
        return self.owner_id

    @property
    def stage_labels(self) -> list[str]:
        labels = dict(Stage.choices)
        return [str(labels[code]) for code in self.stages if code in labels]


class FundingLine(BilingualName, models.Model):
    """A kind of money a project can receive (e.g. early R&D, pre-incubation) with its caps."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="funding_lines")
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    per_project_cap = money(_("cap per project (yuan)"))
    total_cap = money(_("cap for the whole line (yuan)"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "position", "pk"]
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="funding_line_code_once")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_institution_id(self) -> int:
        return self.programme.owner_id


class CostType(models.TextChoices):
    EQUIPMENT = "equipment", _("Equipment")
    MATERIALS = "materials", _("Materials and consumables")
    TESTING = "testing", _("Testing and processing")
    PERSONNEL = "personnel", _("Personnel")
    EXPERTS = "experts", _("Expert consultation")
    TRAVEL = "travel", _("Travel and meetings")
    IP = "ip", _("IP and patent fees")
    MARKET = "market", _("Market research and business development")
    OTHER = "other", _("Other")


class CostRule(models.Model):
    """An eligible cost type of a funding line, with its cap (a share of the project's money on
    that line, an amount, or both)."""

    funding_line = models.ForeignKey(
        FundingLine, on_delete=models.CASCADE, related_name="cost_rules"
    )
    cost_type = models.CharField(_("cost type"), max_length=16, choices=CostType.choices)
    cap_share = models.DecimalField(
        _("cap (share of the line, %)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    cap_amount = money(_("cap (yuan)"), null=True, blank=True)

    class Meta:
        ordering = ["funding_line", "cost_type"]
        verbose_name = _("eligible cost type")
        verbose_name_plural = _("eligible cost types")
        constraints = [
            models.UniqueConstraint(
                fields=["funding_line", "cost_type"], name="cost_rule_once_per_line"
            )
        ]

    def __str__(self) -> str:
        return self.get_cost_type_display()


class Criterion(BilingualName, models.Model):
    """One criterion of the programme's scoring rubric; weights are data."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    description = models.TextField(_("what a reviewer looks at"), blank=True)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=10)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "position", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.name


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", pgettext_lazy("call status", "Open for applications")
    CLOSED = "closed", _("Closed for applications")
    DECIDED = "decided", _("Decided")


class Call(BilingualName, TimeStampedModel):
    """A batch or call for applications (申报批次) of a programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="calls")
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))
    review_by = models.DateField(_("review finished by"), null=True, blank=True)
    budget = money(_("budget of the call (yuan)"))
    status = models.CharField(
        _("status"), max_length=16, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    guidelines = models.TextField(_("guidelines"), blank=True)

    scope_rule = ScopeRule(institution="programme__owner", public=~Q(status=CallStatus.DRAFT))

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="call_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_institution_id(self) -> int:
        return self.programme.owner_id

    def accepts_on(self, day) -> bool:
        """Open for applications on ``day``: opened by the office and within its dates."""
        return self.status == CallStatus.OPEN and self.opens_on <= day <= self.closes_on


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CORRECTION = "correction_requested", _("Correction requested")
    ADMITTED = "admitted", _("Admitted")
    UNDER_REVIEW = "under_review", _("Under review")
    PROVISIONAL = "provisional", _("On the public notice")
    AWARDED = "awarded", _("Awarded")
    RESERVE = "reserve", _("Reserve list")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    RENOUNCED = "renounced", _("Renounced")


#: States an application never leaves.
FINAL_STATUSES = frozenset(
    {ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN, ApplicationStatus.RENOUNCED}
)


class Application(TimeStampedModel):
    """A researcher's application for one result to one call."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    result = models.ForeignKey(
        "results.Result",
        verbose_name=_("result"),
        on_delete=models.PROTECT,
        related_name="poc_applications",
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("applicant institution"),
        on_delete=models.PROTECT,
        related_name="poc_applications",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="poc_applications",
    )
    number = models.CharField(_("number"), max_length=32, blank=True)
    title = models.CharField(_("project title"), max_length=200)
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    summary = models.TextField(_("summary"), blank=True)
    academic_route = models.TextField(_("academic route"), blank=True)
    market_route = models.TextField(_("market route"), blank=True)
    trl_now = models.PositiveSmallIntegerField(_("readiness now (TRL)"), null=True, blank=True)
    trl_target = models.PositiveSmallIntegerField(
        _("readiness aimed at (TRL)"), null=True, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    correction_note = models.TextField(_("what to correct"), blank=True)
    notice_published_on = models.DateField(_("public notice from"), null=True, blank=True)
    objection_until = models.DateField(_("objections until"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    agreement_number = models.CharField(_("funding agreement number"), max_length=64, blank=True)
    agreement_signed_on = models.DateField(_("agreement signed"), null=True, blank=True)

    # The applicant and the team see their application, and so does the applicant institution's
    # office (not its other members); the selectors add the programme owner's office
    # (see datong.poc.selectors).
    scope_rule = ScopeRule(
        institution="institution",
        staff_only=True,
        owner=("applicant", "team__user"),
        distinct=True,
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.CheckConstraint(
                condition=Q(trl_now__isnull=True)
                | Q(trl_target__isnull=True)
                | Q(trl_now__lte=models.F("trl_target")),
                name="application_trl_forward",
            )
        ]
        indexes = [models.Index(fields=["call", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_institution_id(self) -> int:
        return self.institution_id

    @property
    def programme(self) -> Programme:
        return self.call.programme

    @property
    def is_editable(self) -> bool:
        """The applicant may change it: a draft, or one returned for correction."""
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.CORRECTION)

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class FundingRequest(models.Model):
    """Money asked for (and, once decided, awarded) on one funding line."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="requests")
    funding_line = models.ForeignKey(FundingLine, on_delete=models.PROTECT, related_name="requests")
    amount = money(_("requested (yuan)"))
    awarded = money(_("awarded (yuan)"), null=True, blank=True)

    class Meta:
        ordering = ["application", "funding_line__position"]
        verbose_name = _("funding request")
        verbose_name_plural = _("funding requests")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "funding_line"], name="one_request_per_line"
            )
        ]

    def __str__(self) -> str:
        return f"{self.funding_line}: {self.amount}"


class PlannedMilestone(models.Model):
    """A milestone of the application's plan: what, when, how much."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="planned_milestones"
    )
    title = models.CharField(_("milestone"), max_length=200)
    deliverable = models.TextField(_("deliverable"), blank=True)
    due_on = models.DateField(_("due"))
    budget = money(_("budget (yuan)"))
    funding_line = models.ForeignKey(
        FundingLine,
        verbose_name=_("funding line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["application", "position", "due_on"]
        verbose_name = _("planned milestone")
        verbose_name_plural = _("planned milestones")

    def __str__(self) -> str:
        return self.title


class VerificationKind(models.TextChoices):
    TESTING = "testing", _("Testing and certification")
    PILOT_LINE = "pilot_line", _("Pilot line")
    CLINICAL = "clinical_site", _("Clinical site")
    PROTOTYPE = "prototype", _("Prototyping")
    FIELD_TRIAL = "field_trial", _("Field trial")
    COMPUTING = "computing", _("Computing platform")
    OTHER = "other", _("Other")


class VerificationNeed(models.Model):
    """Verification the project needs (a test, a pilot line, a clinical site, …)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="verification_needs"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=VerificationKind.choices)
    description = models.TextField(_("what is needed"))

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("verification need")
        verbose_name_plural = _("verification needs")

    def __str__(self) -> str:
        return self.get_kind_display()


class TeamRole(models.TextChoices):
    LEADER = "leader", _("Project leader")
    RESEARCHER = "researcher", _("Researcher")
    STUDENT = "student", _("Student")
    ENGINEER = "engineer", _("Engineer")
    BUSINESS = "business", _("Business lead")
    ADVISER = "adviser", _("Adviser")


class TeamMember(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="poc_teams",
    )
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=16, choices=TeamRole.choices)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    effort = models.PositiveSmallIntegerField(_("time on the project (%)"), null=True, blank=True)

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self) -> str:
        return self.name


class ApplicationEvent(models.Model):
    """One step of an application's life, for its timeline (the audit log has the details)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), db_index=True)
    status_from = models.CharField(_("from"), max_length=24, blank=True)
    status_to = models.CharField(_("to"), max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["application", "at", "pk"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self) -> str:
        return f"{self.status_from} → {self.status_to}"


class Objection(TimeStampedModel):
    """An objection raised during the public notice, and how it was handled."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="objections"
    )
    raised_by = models.CharField(_("raised by"), max_length=200)
    received_on = models.DateField(_("received"))
    text = models.TextField(_("objection"))
    resolution = models.TextField(_("how it was handled"), blank=True)
    upheld = models.BooleanField(_("upheld"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["application", "received_on", "pk"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return self.text[:50]
