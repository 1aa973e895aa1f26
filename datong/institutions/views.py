from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from datong.core.exports import export_response
from datong.core.forms import attach_errors
from datong.core.pagination import paginate
from datong.core.permissions import require_staff, scope_for
from datong.core.selectors import object_history

from . import selectors, services
from .forms import InstitutionForm
from .models import InstitutionKind
from .regions import province_choices

INSTITUTION_SORTS = [
    ("name", gettext_lazy("Name")),
    ("-name", gettext_lazy("Name, reversed")),
    ("province", gettext_lazy("Province")),
    ("kind", gettext_lazy("Kind")),
    ("newest", gettext_lazy("Newest")),
]


@login_required
def institution_list(request):
    params = {
        "q": request.GET.get("q", "").strip(),
        "kind": request.GET.get("kind", "").strip(),
        "province": request.GET.get("province", "").strip(),
        "alliance": request.GET.get("alliance", "").strip(),
        "sort": request.GET.get("sort", "name"),
    }
    institutions = selectors.institution_list(actor=request.user, **params)
    if request.GET.get("export"):
        return export_response(
            request,
            "institutions",
            _("Institutions"),
            [
                _("Short code"),
                _("Name"),
                _("English name"),
                _("Kind"),
                _("Province"),
                _("City"),
                _("Departments"),
                _("Website"),
            ],
            (
                (
                    i.slug,
                    i.name,
                    i.name_en,
                    i.get_kind_display(),
                    i.province_display,
                    i.city,
                    i.department_count,
                    i.website,
                )
                for i in institutions
            ),
        )
    context = {
        "page": paginate(request, institutions),
        "params": params,
        "kinds": InstitutionKind.choices,
        "provinces": province_choices(get_language() or "zh-hans"),
        "alliances": selectors.alliance_list(actor=request.user),
        "sorts": INSTITUTION_SORTS,
    }
    template = (
        "institutions/partials/institution_table.html"
        if request.htmx
        else "institutions/institution_list.html"
    )
    return render(request, template, context)


@login_required
def institution_detail(request, slug: str):
    institution = selectors.institution_get(actor=request.user, slug=slug)
    scope = scope_for(request.user)
    members = selectors.member_list(actor=request.user, institution=institution)
    context = {
        "institution": institution,
        "departments": selectors.department_list(actor=request.user, institution=institution),
        "is_member": scope.is_member(institution.pk),
        "is_staff": scope.is_staff_of(institution.pk),
        "members_page": paginate(request, members, 20),
        "alliances": institution.alliances.all(),
    }
    return render(request, "institutions/institution_detail.html", context)


@login_required
def institution_history(request, slug: str):
    """The history tab, loaded by htmx: the institution's staff only (404 for anyone else)."""
    institution = selectors.institution_get(actor=request.user, slug=slug)
    entries = object_history(actor=request.user, obj=institution, institution_id=institution.pk)
    return render(
        request,
        "institutions/partials/history.html",
        {"page": paginate(request, entries, 20), "institution": institution},
    )


@login_required
def institution_edit(request, slug: str):
    institution = selectors.institution_get(actor=request.user, slug=slug)
    require_staff(request.user, institution.pk)
    form = InstitutionForm(request.POST or None, instance=institution)
    if request.method == "POST" and form.is_valid():
        try:
            services.institution_update(
                actor=request.user, institution=institution, data=form.cleaned_data
            )
        except ValidationError as exc:
            institution.refresh_from_db()
            attach_errors(form, exc)
        else:
            messages.success(request, _("The profile was saved."))
            return redirect("institution-detail", slug=institution.slug)
    return render(
        request, "institutions/institution_edit.html", {"form": form, "institution": institution}
    )


@login_required
def alliance_list(request):
    return render(
        request,
        "institutions/alliance_list.html",
        {"alliances": selectors.alliance_list(actor=request.user)},
    )


@login_required
def alliance_detail(request, slug: str):
    alliance = selectors.alliance_get(actor=request.user, slug=slug)
    figures = None
    if scope_for(request.user).can_view_alliance(alliance.pk):
        figures = selectors.alliance_figures(actor=request.user, alliance_slug=slug)
    members = selectors.alliance_members(actor=request.user, alliance=alliance)
    return render(
        request,
        "institutions/alliance_detail.html",
        {"alliance": alliance, "members": members, "figures": figures},
    )
