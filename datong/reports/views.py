from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from datong.core.exports import export_response
from datong.core.forms import attach_errors
from datong.core.pagination import paginate
from datong.core.permissions import require

from . import exports, selectors, services
from .forms import NarrativeForm
from .report import PAGE_ROWS, cell_formatter, columns_for


@login_required
def annual_home(request):
    """The user's own institution's report of last year (or the one asked for)."""
    require(selectors.can_see_reports(request.user), _("The annual report is for office staff."))
    institutions = list(selectors.report_institutions(actor=request.user))
    require(bool(institutions), _("The annual report is for office staff."))
    slug = request.GET.get("institution") or institutions[0].slug
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() else selectors.default_year()
    return redirect("report-annual", slug=slug, year=year)


def _years() -> list[int]:
    last = selectors.default_year() + 1
    return list(range(last, max(selectors.FIRST_YEAR, last - 12) - 1, -1))


@login_required
def annual_report(request, slug: str, year: int):
    institution = selectors.institution_for_report(actor=request.user, slug=slug)
    report = selectors.annual_report(
        actor=request.user, institution=institution, year=year, rows=PAGE_ROWS
    )
    checks = selectors.report_check(actor=request.user, institution=institution, year=year)
    context = {
        "report": report,
        "institution": institution,
        "year": year,
        "years": _years(),
        "institutions": selectors.report_institutions(actor=request.user),
        "checks": checks,
        "check_count": selectors.check_count(checks),
        "page_rows": PAGE_ROWS,
        "formats": exports.FORMATS,
    }
    return render(request, "reports/annual_report.html", context)


@login_required
def indicator_records(request, slug: str, year: int, code: str):
    institution = selectors.institution_for_report(actor=request.user, slug=slug)
    drill = selectors.indicator_records(
        actor=request.user,
        institution=institution,
        year=year,
        code=code,
        group=request.GET.get("group"),
    )

    query = drill.indicator["query"]
    columns = columns_for(drill.source, list(query.get("columns") or drill.source.drill_columns))
    values = drill.queryset.values(
        *[f"c_{c.name}" for c in columns], link_pk=F(drill.source.url_pk)
    )
    label = drill.indicator["label"].get("en" if _english() else "zh")
    if request.GET.get("export"):
        format_row = cell_formatter(drill.source, columns)
        rows = (
            [format_row({c.name: r[f"c_{c.name}"] for c in columns})[c.name] for c in columns]
            for r in values.iterator()
        )
        return export_response(
            request, f"report-{code}-{year}", label, [c.label for c in columns], rows
        )
    page = paginate(request, values)
    rows = []
    format_row = cell_formatter(drill.source, columns)
    for r in page.object_list:
        cells = format_row({c.name: r[f"c_{c.name}"] for c in columns})
        url = reverse(drill.source.url_name, args=[r["link_pk"]]) if r["link_pk"] else ""
        rows.append({"cells": [(cells[c.name], c.money) for c in columns], "url": url})
    context = {
        "institution": institution,
        "year": year,
        "code": code,
        "label": label,
        "definition": (drill.indicator.get("definition") or {}).get(
            "en" if _english() else "zh", ""
        ),
        "group": drill.group,
        "group_label": drill.group_label,
        "source": drill.source,
        "columns": columns,
        "rows": rows,
        "page": page,
    }
    return render(request, "reports/records.html", context)


def _english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "").startswith("en")


def _section(report_sections, code):
    for section in report_sections:
        if section.code == code and section.narrative:
            return section
    raise Http404(_("Not found."))


@login_required
@require_http_methods(["GET", "POST"])
def narrative_edit(request, slug: str, year: int, section: str):
    """HTMX: GET the editor of one section's text, POST it; without HTMX, back to the page."""
    institution = selectors.institution_for_report(actor=request.user, slug=slug)
    selectors.check_year(year)
    if section not in services.narrative_sections(year):
        raise Http404(_("Not found."))
    from .models import ReportNarrative

    current = ReportNarrative.objects.filter(
        institution=institution, year=year, section=section
    ).first()
    context = {"institution": institution, "year": year, "code": section, "narrative": current}
    if request.method == "GET":
        if request.GET.get("cancel"):
            return render(request, "reports/partials/narrative.html", context)
        context["form"] = NarrativeForm(initial={"text": current.text if current else ""})
        return render(request, "reports/partials/narrative_form.html", context)
    form = NarrativeForm(request.POST)
    if form.is_valid():
        try:
            context["narrative"] = services.narrative_save(
                actor=request.user,
                institution=institution,
                year=year,
                section=section,
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            if request.htmx:
                context["saved"] = True
                return render(request, "reports/partials/narrative.html", context)
            return redirect(
                reverse("report-annual", args=[institution.slug, year]) + f"#section-{section}"
            )
    context["form"] = form
    return render(request, "reports/partials/narrative_form.html", context, status=400)


@login_required
def annual_export(request, slug: str, year: int, fmt: str):
    if fmt not in exports.FORMATS:
        raise Http404(_("Not found."))
    institution = selectors.institution_for_report(actor=request.user, slug=slug)
    report = selectors.annual_report(actor=request.user, institution=institution, year=year)
    response = HttpResponse(exports.render(report, fmt), content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(report, fmt)}"'
    return response
