from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from . import exports, selectors, services
from .report import as_json
from .schemas import CheckOut, NarrativeIn, NarrativeOut, ReportOut, TemplateIn, TemplateOut

router = Router(tags=["reports"])


def _institution(request, slug: str):
    return selectors.institution_for_report(actor=request.user, slug=slug)


@router.get(
    "/reports/annual/{slug}/{year}",
    response=ReportOut,
    summary="The annual report's figures of an institution and year (office staff)",
)
def annual_report(request: HttpRequest, slug: str, year: int):
    institution = _institution(request, slug)
    return as_json(selectors.annual_report(actor=request.user, institution=institution, year=year))


@router.get(
    "/reports/annual/{slug}/{year}/export",
    summary="The annual report as a file: format=docx, xlsx or pdf",
    response={200: None},
)
def annual_export(request: HttpRequest, slug: str, year: int, format: str = "docx"):
    if format not in exports.FORMATS:
        raise Http404(_("Not found."))
    institution = _institution(request, slug)
    report = selectors.annual_report(actor=request.user, institution=institution, year=year)
    response = HttpResponse(
        exports.render(report, format), content_type=exports.CONTENT_TYPES[format]
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(report, format)}"'
    return response


@router.get(
    "/reports/annual/{slug}/{year}/check",
    response=CheckOut,
    summary="Records that would make the year's report wrong",
)
def annual_check(request: HttpRequest, slug: str, year: int):
    institution = _institution(request, slug)
    groups = selectors.report_check(actor=request.user, institution=institution, year=year)
    return {
        "institution": institution.slug,
        "year": year,
        "count": selectors.check_count(groups),
        "groups": [
            {
                "code": g.code,
                "title": g.title,
                "explanation": g.explanation,
                "items": [vars(i) for i in g.items],
            }
            for g in groups
        ],
    }


@router.put(
    "/reports/annual/{slug}/{year}/narratives/{section}",
    response=NarrativeOut,
    summary="Write the text of a narrative section (1 and 6 in the 2026 template)",
)
def annual_narrative(
    request: HttpRequest, slug: str, year: int, section: str, payload: NarrativeIn
):
    institution = _institution(request, slug)
    narrative = services.narrative_save(
        actor=request.user, institution=institution, year=year, section=section, text=payload.text
    )
    return {
        "institution": institution.slug,
        "year": narrative.year,
        "section": narrative.section,
        "text": narrative.text,
    }


@router.post(
    "/reports/templates",
    response={201: TemplateOut},
    summary="Add a report template version (site administrators); validated before saving",
)
def template_create(request: HttpRequest, payload: TemplateIn):
    return 201, services.template_create(actor=request.user, data=payload.dict())
