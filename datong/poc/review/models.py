"""Review and selection of proof-of-concept applications: the reviewer pool of a programme,
declared conflicts of interest, assignments with their scores per rubric criterion, and the
funding decision of a call (the optimiser's proposal, the committee's recorded changes, the
provisional list and the final award)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from datong.core.models import TimeStampedModel
from datong.core.permissions import ScopeRule
from datong.institutions.models import Institution
from datong.poc.models import Application, Call, Criterion, Programme


class ExpertKind(models.TextChoices):
    INTERNAL = "internal", _("Internal expert")
    EXTERNAL = "external", _("External expert")


class PoolMember(TimeStampedModel):
    """An expert in a programme's reviewer pool."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="reviewer_pool")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        related_name="review_pools",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ExpertKind.choices)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    expertise = models.TextField(_("expertise"), blank=True)
    is_active = models.BooleanField(_("in the pool"), default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # The programme's office manages the pool; an expert sees their own entries.
    scope_rule = ScopeRule(institution="programme__owner", owner="user", staff_only=True)

    class Meta:
        ordering = ["programme", "-is_active", "kind", "pk"]
        verbose_name = _("pool expert")
        verbose_name_plural = _("reviewer pool")
        constraints = [
            models.UniqueConstraint(fields=["programme", "user"], name="pool_member_once")
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def audit_institution_id(self) -> int:
        return self.programme.owner_id


class ConflictDeclaration(TimeStampedModel):
    """A conflict of interest a reviewer declared (or the office recorded for them): with one
    application, or with every application of an institution."""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.CASCADE,
        related_name="declared_conflicts",
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="declared_conflicts",
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="declared_conflicts",
    )
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")
        constraints = [
            models.CheckConstraint(
                condition=(Q(application__isnull=False) & Q(institution__isnull=True))
                | (Q(application__isnull=True) & Q(institution__isnull=False)),
                name="conflict_names_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} ↔ {self.application or self.institution}"

    @property
    def audit_institution_id(self) -> int | None:
        if self.application_id:
            return self.application.call.programme.owner_id
        return self.institution_id


class AssignmentStatus(models.TextChoices):
    OPEN = "open", _("To review")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn (conflict declared)")


class Assignment(TimeStampedModel):
    """One reviewer asked to review one application."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="review_assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.OPEN,
        db_index=True,
    )
    overall_comment = models.TextField(_("overall comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # A reviewer sees their own assignments; the programme's office sees all of them.
    scope_rule = ScopeRule(
        institution="application__call__programme__owner", owner="reviewer", staff_only=True
    )

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="assignment_once_per_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.application}"

    @property
    def audit_institution_id(self) -> int:
        return self.application.call.programme.owner_id

    @property
    def is_frozen(self) -> bool:
        return self.status != AssignmentStatus.OPEN


class Score(models.Model):
    """A reviewer's score on one criterion of the rubric, with a comment."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["assignment", "criterion__position", "criterion_id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"], name="score_once_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", _("Proposal under discussion")
    PUBLISHED = "published", _("Provisional list published")
    FINALISED = "finalised", _("Finalised")


class Decision(TimeStampedModel):
    """The funding decision of a call: the optimiser's proposal and the committee's changes."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="review_decision")
    status = models.CharField(
        _("status"), max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )
    #: Application ids the optimiser chose, best ranked first.
    proposal = models.JSONField(_("proposal"), default=list, blank=True)
    objective = models.FloatField(_("objective (shifted scores)"), default=0)
    proposed_at = models.DateTimeField(_("proposed"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reserve_count = models.PositiveSmallIntegerField(_("reserve places"), default=0)
    published_on = models.DateField(_("provisional list published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finalised_at = models.DateTimeField(_("finalised"), null=True, blank=True)

    scope_rule = ScopeRule(institution="call__programme__owner", staff_only=True)

    class Meta:
        verbose_name = _("funding decision")
        verbose_name_plural = _("funding decisions")

    def __str__(self) -> str:
        return str(self.call)

    @property
    def audit_institution_id(self) -> int:
        return self.call.programme.owner_id

    def selected_ids(self) -> list[int]:
        """The proposal with the committee's changes (and later promotions) applied in order."""
        selected = list(self.proposal)
        for change in self.changes.all():
            added = change.action in (ChangeAction.ADD, ChangeAction.PROMOTE)
            if added and change.application_id not in selected:
                selected.append(change.application_id)
            elif change.action == ChangeAction.REMOVE and change.application_id in selected:
                selected.remove(change.application_id)
        return selected


class ChangeAction(models.TextChoices):
    ADD = "add", _("Added to the list")
    REMOVE = "remove", _("Removed from the list")
    PROMOTE = "promote", _("Promoted from the reserve list")


class DecisionChange(models.Model):
    """A change the committee made to the proposal (or a later promotion), with its reason."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="changes")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="decision_changes"
    )
    action = models.CharField(_("change"), max_length=16, choices=ChangeAction.choices)
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["decision", "at", "pk"]
        verbose_name = _("committee change")
        verbose_name_plural = _("committee changes")

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.application}"
