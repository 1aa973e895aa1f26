"""The import page: upload a spreadsheet, see every bad row, then import all rows or only the
valid ones.

The uploaded file waits between the check and the import in ``DATA_DIR/imports/<token>.<ext>``;
the token is random and kept in the session, so only the person who uploaded it can import or
discard it. The file is deleted after the import (or on cancel); files left behind are removed
after a day by the next upload.
"""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from datong.core.permissions import scope_for
from datong.core.uploads import EXTENSIONS, PendingUploads
from datong.core.uploads import folder as uploads_folder
from datong.institutions.models import Institution

from . import importer

UPLOADS = PendingUploads("result_import")
#: Bad rows listed on the page; the full list is a download.
SHOWN = 500


import_dir = uploads_folder


def staff_institutions(user):
    """The institutions whose transfer office ``user`` works in (every one for a superuser)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Institution.objects.order_by("name")
    return Institution.objects.filter(pk__in=scope.staff_institution_ids).order_by("name")


class ImportForm(forms.Form):
    """An institution and an .xlsx/.csv file (shared by the results and the patent imports)."""

    max_bytes = importer.MAX_BYTES

    institution = forms.ModelChoiceField(
        label=gettext_lazy("Institution"), queryset=Institution.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("An Excel workbook (.xlsx) or a CSV file, at most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in EXTENSIONS:
            raise ValidationError(_("Upload an Excel workbook (.xlsx) or a CSV file."))
        if upload.size > self.max_bytes:
            raise ValidationError(
                _("A file may be at most %(mb)d MB.") % {"mb": self.max_bytes // 1024 // 1024}
            )
        return upload


# --- the waiting file ---------------------------------------------------------------------


def _pending(request, token: str | None) -> dict | None:
    return UPLOADS.get(request, token)


def _discard(request) -> None:
    UPLOADS.discard(request)


def _keep(request, upload, institution: Institution) -> dict:
    return UPLOADS.keep(request, upload, institution=institution.pk)


def _institution(request, pending: dict) -> Institution:
    institution = staff_institutions(request.user).filter(pk=pending["institution"]).first()
    if institution is None:
        raise PermissionDenied(_("Only the transfer office of this institution may do this."))
    return institution


# --- pages --------------------------------------------------------------------------------


def _page(request, form, **context):
    english = (get_language() or "").startswith("en")
    context.update(
        form=form,
        columns=[(c, c.note_en if english else c.note) for c in importer.COLUMNS],
        shown=SHOWN,
    )
    summary = context.get("summary")
    if summary is not None:
        context["shown_errors"] = summary.errors[:SHOWN]
        context["shown_warnings"] = summary.warnings[:SHOWN]
        context["bad_rows"] = len({p.row for p in summary.errors})
    return render(request, "results/import.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def result_import(request):
    institutions = staff_institutions(request.user)
    if not institutions.exists():
        raise PermissionDenied(_("Only transfer-office staff may import results."))
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    form = ImportForm(request.POST or None, request.FILES or None, institutions=institutions)
    if request.method != "POST" or not form.is_valid():
        return _page(request, form)
    institution = form.cleaned_data["institution"]
    pending = _keep(request, form.cleaned_data["file"], institution)
    try:
        rows = importer.read_rows(UPLOADS.path(pending), pending["filename"])
    except ValidationError as exc:
        _discard(request)
        form.add_error("file", exc)
        return _page(request, form)
    summary = importer.import_rows(
        request.user, institution, rows, dry_run=True, filename=pending["filename"]
    )
    return _page(
        request,
        form,
        summary=summary,
        pending=pending,
        institution=institution,
        ignored=rows.ignored,
    )


def _confirm(request):
    pending = _pending(request, request.POST.get("token"))
    if pending is None:
        messages.error(request, _("The uploaded file is no longer available; upload it again."))
        return redirect("result-import")
    action = request.POST.get("action")
    if action == "cancel":
        _discard(request)
        messages.info(request, _("The upload was discarded; nothing was imported."))
        return redirect("result-import")
    if action not in ("all", "valid"):
        return redirect("result-import")
    institution = _institution(request, pending)
    form = ImportForm(
        institutions=staff_institutions(request.user), initial={"institution": institution}
    )
    try:
        rows = importer.read_rows(UPLOADS.path(pending), pending["filename"])
    except ValidationError as exc:  # the file was readable a moment ago; be safe anyway
        _discard(request)
        form.add_error(None, exc)
        return _page(request, form)
    try:
        summary = importer.import_rows(
            request.user,
            institution,
            rows,
            valid_only=action == "valid",
            filename=pending["filename"],
        )
    except ValidationError as exc:
        _discard(request)
        form.add_error(None, exc)
        return _page(request, form)
    if not summary.imported:
        # Something changed since the check (a number taken meanwhile): show the file again.
        return _page(
            request,
            form,
            summary=summary,
            pending=pending,
            institution=institution,
            ignored=rows.ignored,
        )
    _discard(request)
    return render(
        request,
        "results/import_result.html",
        {"summary": summary, "institution": institution, "filename": pending["filename"]},
    )


@login_required
def result_import_errors(request, token: str):
    """Every problem of the waiting upload as a workbook, to fix the file against."""
    pending = _pending(request, token)
    if pending is None:
        messages.error(request, _("The uploaded file is no longer available; upload it again."))
        return redirect("result-import")
    institution = _institution(request, pending)
    rows = importer.read_rows(UPLOADS.path(pending), pending["filename"])
    problems = importer.validate(rows, institution)
    response = HttpResponse(importer.errors_workbook(problems), content_type=importer.XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="result-import-errors.xlsx"'
    return response


@login_required
def result_import_template(request):
    """The .xlsx template; with ``?institution=<id>`` (or a single institution) its
    departments are listed in the workbook."""
    institutions = staff_institutions(request.user)
    if not institutions.exists():
        raise PermissionDenied(_("Only transfer-office staff may import results."))
    chosen = request.GET.get("institution", "")
    institution = institutions.filter(pk=chosen).first() if chosen.isdigit() else None
    if institution is None and institutions.count() == 1:
        institution = institutions.first()
    content = importer.write_template(institution=institution)
    response = HttpResponse(content, content_type=importer.XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="result-import-template.xlsx"'
    return response
