"""Writes of the annual report: the staff's narrative text and new template versions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from datong.core import audit
from datong.core.permissions import require, require_staff, scope_for
from datong.institutions.models import Institution

from . import engine
from .models import ReportNarrative, ReportTemplate
from .report import template_for
from .selectors import check_year

NARRATIVE_MAX = 20000


def narrative_sections(year: int) -> list[str]:
    template = template_for(year)
    if template is None:
        return []
    return [s["code"] for s in template.sections if s.get("narrative")]


@transaction.atomic
def narrative_save(
    *, actor, institution: Institution, year: int, section: str, text: str
) -> ReportNarrative:
    """Write (or rewrite) the text of one narrative section of the year's report."""
    require_staff(actor, institution.pk)
    check_year(year)
    if section not in narrative_sections(year):
        raise ValidationError({"section": _("This section of the report takes no text.")})
    text = (text or "").strip()
    if len(text) > NARRATIVE_MAX:
        raise ValidationError(
            {"text": _("Keep the text under %(max)d characters.") % {"max": NARRATIVE_MAX}}
        )
    narrative, created = ReportNarrative.objects.select_for_update().get_or_create(
        institution=institution, year=year, section=section
    )
    before = narrative.text
    narrative.text = text
    narrative.updated_by = actor
    narrative.save()
    audit.record(
        actor=actor,
        action="reports.narrative",
        obj=narrative,
        changes={"year": year, "section": section, "text": [before, text]},
    )
    return narrative


def template_errors(sections) -> list[str]:
    return engine.validate_sections(sections)


@transaction.atomic
def template_create(*, actor, data: dict) -> ReportTemplate:
    """A new version of a report template (site administrators): the sections are validated
    against the sources' allow-lists before anything is saved."""
    require(scope_for(actor).is_superuser, _("Only a site administrator may change templates."))
    errors: dict[str, list[str] | str] = {}
    version = str(data.get("version") or "").strip()
    code = str(data.get("code") or "annual").strip()
    if not version:
        errors["version"] = _("Give the template a version.")
    elif ReportTemplate.objects.filter(code=code, version=version).exists():
        errors["version"] = _("This version exists already.")
    try:
        effective_year = int(data.get("effective_year"))
    except (TypeError, ValueError):
        errors["effective_year"] = _("Give the first report year this version is used for.")
        effective_year = 0
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = _("The title is required.")
    problems = template_errors(data.get("sections"))
    if problems:
        errors["sections"] = problems
    if errors:
        raise ValidationError(errors)
    template = ReportTemplate.objects.create(
        code=code,
        version=version,
        effective_year=effective_year,
        title=title,
        title_en=str(data.get("title_en") or "").strip(),
        source=str(data.get("source") or "").strip(),
        sections=data["sections"],
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="reports.template_create",
        obj=template,
        changes={"code": code, "version": version, "effective_year": effective_year},
    )
    return template
