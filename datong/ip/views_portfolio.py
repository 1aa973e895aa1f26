"""Portfolio pages: the analytics (专利摸底), the candidate exports, the score explanation of a
family, and the portfolio import (upload → map the columns → check → import).

The uploaded file waits between the steps in ``DATA_DIR/imports/<token>.<ext>``, the token kept
in the session (as the results import does); the mapping chosen on the preview travels with it.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from datong.core.exports import export_response
from datong.core.uploads import PendingUploads
from datong.institutions.models import Institution
from datong.results.views_import import ImportForm, staff_institutions

from . import portfolio, portfolio_import, scoring
from .selectors import family_get

UPLOADS = PendingUploads("ip_portfolio_import")
SHOWN = 500
SHOWN_CANDIDATES = 25


# --- analytics ----------------------------------------------------------------------------


@login_required
def portfolio_page(request):
    institution = portfolio.choose_institution(request.user, request.GET.get("institution", ""))
    purpose = scoring.purpose_or_default(request.GET.get("purpose"))
    context = {
        "institution": institution,
        "institutions": portfolio.member_institutions(request.user),
        "purpose": purpose,
        "purposes": [
            (p, c["label_zh"] if _zh() else c["label"])
            for p, c in scoring.rules()["purposes"].items()
        ],
        "can_import": staff_institutions(request.user).exists(),
    }
    if institution is not None:
        families = portfolio.portfolio_families(actor=request.user, institution=institution)
        data = portfolio.analytics(families, purpose=purpose)
        context.update(
            data=data,
            charts=data["charts"],
            market=data["market"][:SHOWN_CANDIDATES],
            lapse=data["lapse"][:SHOWN_CANDIDATES],
            shown_candidates=SHOWN_CANDIDATES,
        )
    return render(request, "ip/portfolio.html", context)


def _zh() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


@login_required
def portfolio_candidates_export(request, kind: str):
    institution = portfolio.choose_institution(request.user, request.GET.get("institution", ""))
    if institution is None or kind not in ("market", "lapse"):
        return redirect("ip-portfolio")
    families = portfolio.portfolio_families(actor=request.user, institution=institution)
    items = portfolio.candidates(families, kind)
    title = _("Candidates to market") if kind == "market" else _("Candidates to let lapse")
    return export_response(
        request,
        f"ip-{kind}-candidates-{institution.slug}",
        title,
        [str(h) for h in portfolio.CANDIDATE_HEADERS],
        portfolio.candidate_rows(items),
    )


@login_required
def family_score(request, pk: int):
    family = family_get(actor=request.user, pk=pk)
    purpose = scoring.purpose_or_default(request.GET.get("purpose"))
    explanation = scoring.explain(family, purpose)
    return render(
        request,
        "ip/portfolio_score.html",
        {
            "family": family,
            "explanation": explanation,
            "purpose": purpose,
            "purposes": [
                (p, c["label_zh"] if _zh() else c["label"])
                for p, c in scoring.rules()["purposes"].items()
            ],
        },
    )


# --- import -------------------------------------------------------------------------------


class UploadForm(ImportForm):
    max_bytes = portfolio_import.MAX_BYTES
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "An Excel workbook (.xlsx) or a CSV file exported from a patent database."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


def _pending(request, token: str | None) -> dict | None:
    return UPLOADS.get(request, token)


def _discard(request) -> None:
    UPLOADS.discard(request)


def _keep(request, upload, institution: Institution) -> dict:
    return UPLOADS.keep(request, upload, institution=institution.pk, mapping=None)


def _institution(request, pending: dict) -> Institution:
    institution = staff_institutions(request.user).filter(pk=pending["institution"]).first()
    if institution is None:
        raise PermissionDenied(_("Only the transfer office of this institution may do this."))
    return institution


def _fields():
    english = not _zh()
    return [
        (
            f.name,
            f.label if english else f.header,
            f.required,
            f.note_en if english else f.note,
            f.example,
        )
        for f in portfolio_import.FIELDS
    ]


def _page(request, form, **context):
    context.update(form=form, fields=_fields(), shown=SHOWN)
    summary = context.get("summary")
    if summary is not None:
        context["shown_errors"] = summary.errors[:SHOWN]
        context["shown_warnings"] = summary.warnings[:SHOWN]
    table = context.get("table")
    if table is not None:
        mapping = context.get("mapping") or {}
        context["columns"] = [
            (index, header, mapping.get(index, "")) for index, header in enumerate(table.headers)
        ]
        context["preview"] = table.preview()
        context["row_count"] = len(table.records)
    return render(request, "ip/portfolio_import.html", context)


def _mapping_from(request, table) -> dict[int, str]:
    mapping = {}
    for index in range(len(table.headers)):
        name = request.POST.get(f"map_{index}", "")
        if name and name in portfolio_import.FIELD:
            mapping[index] = name
    return mapping


@login_required
@require_http_methods(["GET", "POST"])
def portfolio_import_page(request):
    institutions = staff_institutions(request.user)
    if not institutions.exists():
        raise PermissionDenied(_("Only transfer-office staff may import a patent portfolio."))
    if request.method == "POST" and "token" in request.POST:
        return _step(request)
    form = UploadForm(request.POST or None, request.FILES or None, institutions=institutions)
    if request.method != "POST" or not form.is_valid():
        return _page(request, form)
    institution = form.cleaned_data["institution"]
    pending = _keep(request, form.cleaned_data["file"], institution)
    try:
        table = portfolio_import.read_table(UPLOADS.path(pending), pending["filename"])
    except ValidationError as exc:
        _discard(request)
        form.add_error("file", exc)
        return _page(request, form)
    mapping = portfolio_import.guess_mapping(table.headers)
    return _page(
        request,
        form,
        pending=pending,
        institution=institution,
        table=table,
        mapping=mapping,
        step="map",
    )


def _step(request):
    pending = _pending(request, request.POST.get("token"))
    if pending is None:
        messages.error(request, _("The uploaded file is no longer available; upload it again."))
        return redirect("ip-portfolio-import")
    action = request.POST.get("action")
    if action == "cancel":
        _discard(request)
        messages.info(request, _("The upload was discarded; nothing was imported."))
        return redirect("ip-portfolio-import")
    institution = _institution(request, pending)
    form = UploadForm(
        institutions=staff_institutions(request.user), initial={"institution": institution}
    )
    try:
        table = portfolio_import.read_table(UPLOADS.path(pending), pending["filename"])
    except ValidationError as exc:
        _discard(request)
        form.add_error(None, exc)
        return _page(request, form)
    if action == "check":
        mapping = _mapping_from(request, table)
        pending["mapping"] = {str(k): v for k, v in mapping.items()}
        request.session[UPLOADS.session_key] = pending
    elif pending.get("mapping") is not None:
        mapping = {int(k): v for k, v in pending["mapping"].items()}
    else:
        mapping = portfolio_import.guess_mapping(table.headers)
    rows = table.rows_for(mapping)
    context = {"pending": pending, "institution": institution, "table": table, "mapping": mapping}
    if action not in ("all", "valid"):
        summary = portfolio_import.import_rows(
            request.user, institution, rows, dry_run=True, filename=pending["filename"]
        )
        return _page(request, form, summary=summary, step="check", **context)
    try:
        summary = portfolio_import.import_rows(
            request.user,
            institution,
            rows,
            valid_only=action == "valid",
            filename=pending["filename"],
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _page(request, form, step="map", **context)
    if not summary.imported:
        return _page(request, form, summary=summary, step="check", **context)
    _discard(request)
    return render(
        request,
        "ip/portfolio_import_result.html",
        {"summary": summary, "institution": institution, "filename": pending["filename"]},
    )


@login_required
def portfolio_import_errors(request, token: str):
    pending = _pending(request, token)
    if pending is None:
        messages.error(request, _("The uploaded file is no longer available; upload it again."))
        return redirect("ip-portfolio-import")
    institution = _institution(request, pending)
    table = portfolio_import.read_table(UPLOADS.path(pending), pending["filename"])
    mapping = (
        {int(k): v for k, v in pending["mapping"].items()}
        if pending.get("mapping") is not None
        else portfolio_import.guess_mapping(table.headers)
    )
    problems = portfolio_import.validate(table.rows_for(mapping), institution)
    response = HttpResponse(
        portfolio_import.errors_workbook(problems), content_type=portfolio_import.XLSX_TYPE
    )
    response["Content-Disposition"] = 'attachment; filename="patent-import-errors.xlsx"'
    return response


@login_required
def portfolio_import_template(request):
    if not staff_institutions(request.user).exists():
        raise PermissionDenied(_("Only transfer-office staff may import a patent portfolio."))
    response = HttpResponse(
        portfolio_import.write_template(), content_type=portfolio_import.XLSX_TYPE
    )
    response["Content-Disposition"] = 'attachment; filename="patent-import-template.xlsx"'
    return response
