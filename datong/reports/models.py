"""The annual report (科技成果转化年度报告): its template as data and the staff's narrative text.

Invariants only. Figures are never stored: ``compute`` derives them from the records each time, so
a corrected contract corrects the report. Every write is in ``services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from datong.core.models import TimeStampedModel
from datong.core.permissions import ScopeRule
from datong.institutions.models import Institution


class ReportTemplate(TimeStampedModel):
    """One version of a report's sections and indicators (``sections`` holds the whole spec, see
    ``datong/reports/data/annual_report_2026.json`` and docs/annual-report.md). A year's report
    uses the newest active version whose ``effective_year`` is not after the year."""

    code = models.SlugField(_("code"), max_length=40, default="annual")
    version = models.CharField(_("version"), max_length=40)
    effective_year = models.PositiveSmallIntegerField(_("used from the report year"))
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    source = models.CharField(_("source document"), max_length=300, blank=True)
    sections = models.JSONField(_("sections and indicators"), default=list)
    is_active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code", "-effective_year", "-pk"]
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="report_template_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"


class ReportNarrative(models.Model):
    """The text staff write for one section of one institution's report of one year."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="report_narratives"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    section = models.CharField(_("section"), max_length=40)
    text = models.TextField(_("text"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    scope_rule = ScopeRule(institution="institution", staff_only=True)

    class Meta:
        ordering = ["institution", "year", "section"]
        verbose_name = _("report narrative")
        verbose_name_plural = _("report narratives")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "year", "section"], name="report_narrative_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.year} {self.section}"

    @property
    def audit_institution_id(self) -> int:
        return self.institution_id
