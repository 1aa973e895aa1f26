from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from datong.core.exports import export_response
from datong.core.forms import attach_errors
from datong.core.pagination import paginate
from datong.core.permissions import require, require_staff
from datong.institutions.regions import province_choices
from datong.results.selectors import disclosure_get

from . import performance, selectors, services
from .forms import CurationForm, ProfileForm, ReviewForm
from .models import ProviderCategory

PROVIDER_SORTS = [
    ("rating", gettext_lazy("Rating")),
    ("cases", gettext_lazy("Cases handled")),
    ("name", gettext_lazy("Name")),
]


def _params(request) -> dict:
    return {
        "q": request.GET.get("q", "").strip(),
        "category": request.GET.get("category", "").strip(),
        "field": request.GET.get("field", "").strip(),
        "province": request.GET.get("province", "").strip(),
        "recommended": request.GET.get("recommended") in ("1", "on", "true"),
        "sort": request.GET.get("sort", "rating"),
    }


def _with_profiles(providers):
    rows = list(providers)
    figures = performance.agency_performance([p.pk for p in rows])
    for p in rows:
        p.profile = getattr(p, "provider_profile", None)
        p.perf = figures[p.pk]
    return rows


@login_required
def provider_list(request):
    params = _params(request)
    providers = selectors.provider_list(actor=request.user, **params)
    if request.GET.get("export"):
        rows = _with_profiles(providers)
        return export_response(
            request,
            "providers",
            _("Service providers"),
            [
                _("Short code"),
                _("Name"),
                _("Categories"),
                _("Province"),
                _("City"),
                _("Recommended"),
                _("Cases handled"),
                _("Grant rate (%)"),
                _("Decided cases"),
                _("Average rating"),
                _("Reviews"),
                _("IPC fields"),
                _("Industry fields"),
            ],
            (
                (
                    p.slug,
                    p.name,
                    "、".join(p.profile.category_labels) if p.profile else "",
                    p.province_display,
                    p.city,
                    _("Yes") if p.profile and p.profile.is_recommended else "",
                    p.case_count,
                    p.perf.grant_rate.percent,
                    p.perf.grant_rate.cases,
                    round(p.rating, 2) if p.rating is not None else None,
                    p.review_count,
                    ", ".join(p.profile.ipc_fields) if p.profile else "",
                    ", ".join(p.profile.industry_fields) if p.profile else "",
                )
                for p in rows
            ),
        )
    page = paginate(request, providers)
    page.object_list = _with_profiles(page.object_list)
    context = {
        "page": page,
        "params": params,
        "categories": ProviderCategory.choices,
        "provinces": province_choices(get_language() or "zh-hans"),
        "sorts": PROVIDER_SORTS,
        "min_cases": performance.MIN_CASES,
    }
    template = (
        "providers/partials/provider_table.html" if request.htmx else "providers/provider_list.html"
    )
    return render(request, template, context)


def _detail_context(request, provider, review_form=None, curation_form=None) -> dict:
    user = request.user
    profile = selectors.provider_profile(actor=user, provider=provider)
    engagements = list(selectors.reviewable_engagements(actor=user, provider=provider))
    can_curate = services.can_curate(user)
    return {
        "provider": provider,
        "profile": profile,
        "people": selectors.provider_people(actor=user, provider=provider),
        "perf": selectors.provider_performance(actor=user, provider=provider),
        "min_cases": performance.MIN_CASES,
        "reviews": selectors.review_list(actor=user, provider=provider),
        "summary": selectors.rating_summary(actor=user, provider=provider),
        "can_edit": services.can_edit_profile(user, provider),
        "can_curate": can_curate,
        "review_form": review_form
        or (ReviewForm(engagements=engagements) if engagements else None),
        "curation_form": curation_form or (CurationForm() if can_curate else None),
    }


@login_required
def provider_detail(request, slug: str):
    provider = selectors.provider_get(actor=request.user, slug=slug)
    return render(request, "providers/provider_detail.html", _detail_context(request, provider))


@login_required
@require_POST
def provider_review(request, slug: str):
    provider = selectors.provider_get(actor=request.user, slug=slug)
    engagements = list(selectors.reviewable_engagements(actor=request.user, provider=provider))
    require(bool(engagements), _("Only an office that engaged this provider may review it."))
    form = ReviewForm(request.POST, engagements=engagements)
    if form.is_valid():
        filing = selectors.engagement_get(
            actor=request.user, provider=provider, pk=form.cleaned_data["filing"]
        )
        try:
            services.review_create(
                actor=request.user,
                filing=filing,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Thank you: the review was published."))
            return redirect("provider-detail", slug=provider.slug)
    context = _detail_context(request, provider, review_form=form)
    return render(request, "providers/provider_detail.html", context, status=400)


@login_required
@require_POST
def provider_curate(request, slug: str):
    provider = selectors.provider_get(actor=request.user, slug=slug)
    require(services.can_curate(request.user))
    form = CurationForm(request.POST)
    if form.is_valid():
        try:
            services.profile_recommend(
                actor=request.user,
                institution=provider,
                recommended=request.POST.get("recommended") == "1",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            attach_errors(form, exc, {"recommended": "reason"})
        else:
            messages.success(request, _("The recommendation was updated."))
            return redirect("provider-detail", slug=provider.slug)
    context = _detail_context(request, provider, curation_form=form)
    return render(request, "providers/provider_detail.html", context, status=400)


@login_required
def provider_edit(request, slug: str):
    provider = selectors.provider_get(actor=request.user, slug=slug)
    if not services.can_edit_profile(request.user, provider):
        raise PermissionDenied(_("Only the provider's own users may edit its profile."))
    profile = selectors.provider_profile(actor=request.user, provider=provider)
    form = ProfileForm(request.POST or None, initial=ProfileForm.initial_from(profile))
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_save(
                actor=request.user, institution=provider, data=form.service_data()
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The profile was saved."))
            return redirect("provider-detail", slug=provider.slug)
    return render(request, "providers/provider_edit.html", {"form": form, "provider": provider})


@login_required
def provider_recommend(request, disclosure_pk: int):
    disclosure = disclosure_get(actor=request.user, pk=disclosure_pk)
    require_staff(request.user, disclosure.institution_id)
    recommendations = selectors.recommend_agencies(actor=request.user, disclosure=disclosure)
    return render(
        request,
        "providers/recommend.html",
        {"disclosure": disclosure, "recommendations": recommendations},
    )
