"""Users' judgements of matches: kept, shown back to them, exportable as an evaluation set."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from datong.core.models import TimeStampedModel


class SourceKind(models.TextChoices):
    DEMAND = "demands", _("Technology demand")
    LISTING = "listings", _("Listing")


class TargetKind(models.TextChoices):
    LISTING = "listings", _("Technology")
    EXPERT = "experts", _("Expert")
    DEMAND = "demands", _("Technology demand")
    ENTERPRISE = "enterprises", _("Enterprise")


class MatchFeedback(TimeStampedModel):
    """One user's verdict on one match (source record → matched record); a later verdict on
    the same pair replaces the earlier one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="match_feedback",
    )
    source_kind = models.CharField(_("matched for"), max_length=16, choices=SourceKind.choices)
    source_id = models.PositiveIntegerField(_("source record"))
    target_kind = models.CharField(_("match"), max_length=16, choices=TargetKind.choices)
    target_id = models.PositiveIntegerField(_("matched record"))
    useful = models.BooleanField(_("useful"))
    rank = models.PositiveSmallIntegerField(_("rank shown"), null=True, blank=True)
    score = models.FloatField(_("score shown"), null=True, blank=True)
    #: The institution whose office sees the judgement (the source record's).
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("match judgement")
        verbose_name_plural = _("match judgements")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "source_kind", "source_id", "target_kind", "target_id"],
                name="match_feedback_once",
            )
        ]
        indexes = [models.Index(fields=["source_kind", "source_id"])]

    def __str__(self) -> str:
        verdict = "+" if self.useful else "-"
        source = f"{self.source_kind}:{self.source_id}"
        target = f"{self.target_kind}:{self.target_id}"
        return f"{source} → {target} {verdict}"

    @property
    def source_key(self) -> tuple[str, int]:
        return (self.source_kind, self.source_id)

    @property
    def target_key(self) -> tuple[str, int]:
        return (self.target_kind, self.target_id)

    @property
    def audit_institution_id(self) -> int | None:
        return self.institution_id
