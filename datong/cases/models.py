"""Match cases (对接案例): an enterprise's interest in a listing, followed by the listing's
institution from the technology manager's first contact to a deal or a closing reason."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from datong.core.models import TimeStampedModel
from datong.core.permissions import ScopeRule
from datong.institutions.models import Institution


class CaseStage(models.TextChoices):
    ASSIGNED = "assigned", _("Technology manager assigned")
    CONTACTED = "contacted", _("First contact made")
    NDA = "nda", _("NDA signed")
    NEGOTIATION = "negotiation", _("In negotiation")
    DEAL = "deal", _("Deal made")
    CLOSED = "closed", _("Closed")


#: The stages of a case still in progress, in their order.
OPEN_STAGES: tuple[str, ...] = (
    CaseStage.ASSIGNED,
    CaseStage.CONTACTED,
    CaseStage.NDA,
    CaseStage.NEGOTIATION,
)
#: The forward path of a case; ``closed`` is reached from any open stage instead.
PATH: tuple[str, ...] = (*OPEN_STAGES, CaseStage.DEAL)
ENDED_STAGES: tuple[str, ...] = (CaseStage.DEAL, CaseStage.CLOSED)

#: Days a case may wait in each open stage before it counts as waiting too long; a site
#: overrides them with ``settings.DATONG_CASE_WAIT_DAYS``.
DEFAULT_WAIT_DAYS = {"assigned": 3, "contacted": 14, "nda": 30, "negotiation": 60}


def wait_days() -> dict[str, int]:
    """The waiting thresholds in force, per open stage, in days."""
    configured = getattr(settings, "DATONG_CASE_WAIT_DAYS", None) or {}
    return {stage: int(configured.get(stage, days)) for stage, days in DEFAULT_WAIT_DAYS.items()}


class CloseReason(models.TextChoices):
    NO_RESPONSE = "no_response", _("No response")
    PRICE = "price", _("Price not agreed")
    TECHNICAL_FIT = "technical_fit", _("Technology does not fit")
    IP_ISSUE = "ip_issue", _("IP issue")
    CHOSE_OTHER = "chose_other", _("Chose another solution")
    WITHDRAWN = "withdrawn", _("Withdrawn by the enterprise")
    OTHER = "other", _("Other reason")


class MatchCase(TimeStampedModel):
    """One enterprise's interest in one listing. At most one open case per listing and
    enterprise: a second interest is added to the open case."""

    listing = models.ForeignKey(
        "market.Listing",
        verbose_name=_("listing"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    demand = models.ForeignKey(
        "market.Demand",
        verbose_name=_("technology demand"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="cases_run",
    )
    enterprise = models.ForeignKey(
        Institution,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="cases_requested",
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="cases_requested",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technology manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases_managed",
    )
    stage = models.CharField(
        _("stage"),
        max_length=16,
        choices=CaseStage.choices,
        default=CaseStage.ASSIGNED,
        db_index=True,
    )
    stage_entered_at = models.DateTimeField(_("in this stage since"), default=timezone.now)
    message = models.TextField(_("enterprise's message"), blank=True)
    closed_reason = models.CharField(
        _("closing reason"), max_length=20, choices=CloseReason.choices, blank=True
    )
    closing_note = models.TextField(_("closing note"), blank=True)
    #: The contract number until deals are recorded in their own module.
    deal_reference = models.CharField(_("contract number"), max_length=100, blank=True)
    closed_at = models.DateTimeField(_("ended"), null=True, blank=True)

    # The institution's office and the case's manager; the enterprise's side is added by
    # ``ENTERPRISE_RULE`` in the selectors (read-only, without the internal fields).
    scope_rule = ScopeRule(institution="institution", staff_only=True, owner="manager")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("match case")
        verbose_name_plural = _("match cases")
        indexes = [
            models.Index(fields=["institution", "stage"]),
            models.Index(fields=["manager", "stage"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "enterprise"],
                condition=Q(stage__in=OPEN_STAGES),
                name="case_one_open_per_listing_enterprise",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.listing.title[:80]} · {self.enterprise.name}"

    @property
    def audit_institution_id(self) -> int:
        return self.institution_id

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def days_in_stage(self) -> int:
        """Whole days since the case entered its stage (until it ended, for an ended case)."""
        end = self.closed_at if not self.is_open and self.closed_at else timezone.now()
        return max(0, (end - self.stage_entered_at).days)

    @property
    def wait_limit(self) -> int | None:
        return wait_days().get(self.stage) if self.is_open else None

    @property
    def is_overdue(self) -> bool:
        limit = self.wait_limit
        return limit is not None and self.days_in_stage > limit

    @property
    def step(self) -> int:
        """1-based position on the forward path (the last open stage for a closed case)."""
        return PATH.index(self.stage) + 1 if self.stage in PATH else 0


class CaseStageTime(models.Model):
    """One stay of a case in one stage: every stage change ends the current row and opens
    the next, so time per stage can be shown and aggregated."""

    case = models.ForeignKey(
        MatchCase,
        verbose_name=_("match case"),
        on_delete=models.CASCADE,
        related_name="stage_times",
    )
    stage = models.CharField(_("stage"), max_length=16, choices=CaseStage.choices)
    entered_at = models.DateTimeField(_("entered"))
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("internal note"), blank=True)

    class Meta:
        ordering = ["entered_at", "pk"]
        verbose_name = _("stage time")
        verbose_name_plural = _("stage times")
        indexes = [models.Index(fields=["stage", "entered_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.stage} {self.entered_at:%Y-%m-%d}"

    @property
    def duration(self) -> dt.timedelta:
        return (self.left_at or timezone.now()) - self.entered_at

    @property
    def days(self) -> int:
        return max(0, self.duration.days)
