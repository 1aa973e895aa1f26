from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Select
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from datong.core.exports import export_response
from datong.core.forms import attach_errors
from datong.core.pagination import paginate
from datong.core.permissions import require, scope_for, works_in_an_office
from datong.institutions.regions import province_choices, province_name
from datong.results.presenters import industry_choices

from . import selectors, services
from .forms import (
    ContactForm,
    DemandForm,
    EnterpriseProfileForm,
    EnterpriseRegistrationForm,
    ExpertProfileForm,
    ListingForm,
)
from .models import EngagementMode, EnterpriseSize, ListingStatus

READINESS_CHOICES = [("1-3", "TRL 1–3"), ("4-6", "TRL 4–6"), ("7-9", "TRL 7–9")]


def _listing_params(request) -> dict:
    return {
        key: request.GET.get(key, "").strip() for key in ("q", "institution", "readiness", "mode")
    }


def market_list(request):
    """The public marketplace: no log-in needed."""
    params = _listing_params(request)
    page = paginate(request, selectors.listing_list(**params))
    return render(
        request,
        "market/listing_list.html",
        {
            "page": page,
            "params": params,
            "institutions": selectors.listing_institutions(),
            "readiness_choices": READINESS_CHOICES,
            "modes": EngagementMode.choices,
            "can_manage": works_in_an_office(request.user),
        },
    )


def _detail(request, listing, form=None, status=200):
    user = request.user
    signed_in = user.is_authenticated
    return render(
        request,
        "market/listing_detail.html",
        {
            "listing": listing,
            "form": form or (ContactForm() if signed_in else None),
            "is_office": scope_for(user).is_staff_of(listing.institution_id),
        },
        status=status,
    )


def market_detail(request, pk: int):
    listing = selectors.listing_get(actor=request.user, pk=pk)
    return _detail(request, listing)


@login_required
@require_POST
def market_contact(request, pk: int):
    listing = selectors.listing_get(actor=request.user, pk=pk)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.listing_contact(
                actor=request.user, listing=listing, message=form.cleaned_data["message"]
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Your message was sent to the technology manager."))
            return redirect("market-detail", pk=listing.pk)
    return _detail(request, listing, form=form, status=400)


@login_required
def market_manage(request):
    require(works_in_an_office(request.user))
    status = request.GET.get("status", "")
    page = paginate(request, selectors.office_listings(actor=request.user, status=status))
    return render(
        request,
        "market/manage.html",
        {
            "page": page,
            "status": status,
            "statuses": ListingStatus.choices,
            "results": selectors.listable_results(actor=request.user)[:200],
        },
    )


@login_required
def market_create(request):
    result_pk = request.GET.get("result") or request.POST.get("result")
    result = selectors.listable_result_get(actor=request.user, pk=result_pk)
    contacts = services.contact_candidates(result.institution_id)
    initial = {"title": result.title, "summary": result.abstract, "trl": str(result.trl or "")}
    form = ListingForm(request.POST or None, initial=initial, contacts=contacts)
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.listing_create(
                actor=request.user, result=result, data=form.service_data()
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The listing was saved as a draft."))
            return redirect("market-detail", pk=listing.pk)
    return render(request, "market/listing_form.html", {"form": form, "result": result})


def _office_listing(request, pk):
    listing = selectors.listing_get(actor=request.user, pk=pk)
    require(
        scope_for(request.user).is_staff_of(listing.institution_id),
        _("Only the transfer office of this institution may do this."),
    )
    return listing


@login_required
def market_edit(request, pk: int):
    listing = _office_listing(request, pk)
    contacts = services.contact_candidates(listing.institution_id)
    form = ListingForm(
        request.POST or None, initial=ListingForm.initial_from(listing), contacts=contacts
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.listing_update(actor=request.user, listing=listing, data=form.service_data())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The listing was saved."))
            return redirect("market-detail", pk=listing.pk)
    return render(
        request,
        "market/listing_form.html",
        {"form": form, "listing": listing, "result": listing.result},
    )


def _transition(request, pk, service, done: str):
    listing = _office_listing(request, pk)
    try:
        service(actor=request.user, listing=listing)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("market-detail", pk=listing.pk)


@login_required
@require_POST
def market_publish(request, pk: int):
    return _transition(request, pk, services.listing_publish, _("The listing was published."))


@login_required
@require_POST
def market_withdraw(request, pk: int):
    return _transition(request, pk, services.listing_withdraw, _("The listing was withdrawn."))


# --- demands ---------------------------------------------------------------------------------


def _demand_params(request) -> dict:
    return {key: request.GET.get(key, "").strip() for key in ("q", "mode", "region", "industry")}


@login_required
def demand_list(request):
    params = _demand_params(request)
    page = paginate(request, selectors.demand_list(actor=request.user, **params))
    return render(
        request,
        "market/demand_list.html",
        {
            "page": page,
            "params": params,
            "modes": EngagementMode.choices,
            "provinces": province_choices(get_language() or "zh-hans"),
            "can_post": services.demand_institutions(request.user).exists(),
        },
    )


@login_required
def demand_detail(request, pk: int):
    demand = selectors.demand_get(actor=request.user, pk=pk)
    return render(
        request,
        "market/demand_detail.html",
        {"demand": demand, "can_edit": services.can_post_demand(request.user, demand.institution)},
    )


@login_required
def demand_create(request):
    enterprises = list(services.demand_institutions(request.user))
    require(bool(enterprises), _("Only the enterprise's own users may post or edit its demands."))
    form = DemandForm(request.POST or None, enterprises=enterprises)
    if request.method == "POST" and form.is_valid():
        institution = next(i for i in enterprises if str(i.pk) == form.cleaned_data["institution"])
        try:
            demand = services.demand_create(
                actor=request.user, institution=institution, data=form.service_data()
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The demand was posted."))
            return redirect("demand-detail", pk=demand.pk)
    return render(request, "market/demand_form.html", {"form": form})


@login_required
def demand_edit(request, pk: int):
    demand = selectors.demand_get(actor=request.user, pk=pk)
    require(
        services.can_post_demand(request.user, demand.institution),
        _("Only the enterprise's own users may post or edit its demands."),
    )
    form = DemandForm(request.POST or None, initial=DemandForm.initial_from(demand), editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.demand_update(actor=request.user, demand=demand, data=form.service_data())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The demand was saved."))
            return redirect("demand-detail", pk=demand.pk)
    return render(request, "market/demand_form.html", {"form": form, "demand": demand})


@login_required
@require_POST
def demand_close(request, pk: int):
    demand = selectors.demand_get(actor=request.user, pk=pk)
    try:
        services.demand_close(actor=request.user, demand=demand)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The demand was closed."))
    return redirect("demand-detail", pk=demand.pk)


# --- experts ---------------------------------------------------------------------------------


def _industry_select(value: str) -> str:
    """The industry filter: divisions grouped by section, a whole section selectable."""
    choices = industry_choices(blank=_("All"), sections_selectable=True)
    attrs = {"id": "f-industry", "style": "max-width: 22rem"}  # long English names
    return Select(choices=choices).render("industry", value, attrs=attrs)


def _expert_params(request) -> dict:
    return {key: request.GET.get(key, "").strip() for key in ("q", "institution", "industry")}


def _expert_export(request, experts):
    return export_response(
        request,
        "experts",
        _("Experts"),
        [
            _("Name"),
            _("Professional title"),
            _("Institution"),
            _("Department"),
            _("Research fields"),
            _("Keywords"),
            _("Industry"),
            _("Publications"),
            _("Public"),
        ],
        (
            (
                e.user.get_full_name(),
                e.title,
                e.institution.display_name,
                e.department.display_name if e.department_id else "",
                e.fields,
                "、".join(e.keywords),
                str(e.industry) if e.industry_id else "",
                len(e.publication_list),
                _("Yes") if e.is_public else _("No"),
            )
            for e in experts
        ),
    )


def expert_list(request):
    """The public directory of experts: no log-in needed."""
    params = _expert_params(request)
    experts = selectors.expert_list(actor=request.user, **params)
    if request.GET.get("export"):
        return _expert_export(request, experts)
    return render(
        request,
        "market/expert_list.html",
        {
            "page": paginate(request, experts),
            "params": params,
            "institutions": selectors.expert_institutions(),
            "industry_select": _industry_select(params["industry"]),
            "own": selectors.own_expert_profile(actor=request.user),
            "may_have_profile": services.expert_institutions(request.user).exists(),
        },
    )


def expert_detail(request, pk: int):
    expert = selectors.expert_get(actor=request.user, pk=pk)
    return render(
        request,
        "market/expert_detail.html",
        {
            "expert": expert,
            "listings": selectors.expert_listings(expert=expert),
            "can_edit": services.can_edit_expert(request.user, expert),
        },
    )


def _expert_form_page(request, user, profile):
    institutions = services.expert_institutions(user).prefetch_related("departments")
    initial = ExpertProfileForm.initial_from(profile) if profile else {}
    form = ExpertProfileForm(request.POST or None, initial=initial, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.expert_profile_save(
                actor=request.user, user=user, data=form.service_data()
            )
        except ValidationError as exc:
            attach_errors(form, exc, aliases={"fields": "research_fields"})
        else:
            messages.success(request, _("The expert profile was saved."))
            return redirect("expert-detail", pk=profile.pk)
    return render(
        request,
        "market/expert_form.html",
        {"form": form, "profile": profile, "person": user, "own": user.pk == request.user.pk},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def expert_me(request):
    """The signed-in researcher's own expert profile, created on the first save."""
    profile = selectors.own_expert_profile(actor=request.user)
    if profile is None and not services.expert_institutions(request.user).exists():
        return render(request, "market/expert_none.html")
    return _expert_form_page(request, request.user, profile)


@login_required
def expert_edit(request, pk: int):
    """The person themself or their institution's transfer office edits a profile."""
    profile = selectors.expert_get(actor=request.user, pk=pk)
    require(
        services.can_edit_expert(request.user, profile),
        _("Only the expert themself or their institution's transfer office may edit this profile."),
    )
    return _expert_form_page(request, profile.user, profile)


def _expert_transition(request, pk, service, done: str):
    profile = selectors.expert_get(actor=request.user, pk=pk)
    try:
        service(actor=request.user, profile=profile)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("expert-detail", pk=profile.pk)


@login_required
@require_POST
def expert_publish(request, pk: int):
    return _expert_transition(
        request, pk, services.expert_profile_publish, _("The profile is now public.")
    )


@login_required
@require_POST
def expert_unpublish(request, pk: int):
    return _expert_transition(
        request,
        pk,
        services.expert_profile_unpublish,
        _("The profile was taken off the public pages."),
    )


# --- enterprises -----------------------------------------------------------------------------


def _enterprise_params(request) -> dict:
    return {key: request.GET.get(key, "").strip() for key in ("q", "industry", "region", "size")}


def _enterprise_export(request, enterprises):
    def row(institution):
        profile = selectors.enterprise_profile_of(institution)
        return (
            institution.name,
            institution.province_display,
            institution.city,
            str(profile.industry) if profile and profile.industry_id else "",
            profile.get_size_display() if profile else "",
            profile.employees if profile else None,
            profile.founded_year if profile else None,
            profile.main_products if profile else "",
            profile.tech_fields if profile else "",
            institution.open_demand_count,
            institution.website,
        )

    return export_response(
        request,
        "enterprises",
        _("Enterprises"),
        [
            _("Name"),
            _("Province"),
            _("City"),
            _("Industry"),
            _("Enterprise size"),
            _("Employees"),
            _("Year founded"),
            _("Main products"),
            _("Technology fields of interest"),
            _("Open demands"),
            _("Website"),
        ],
        (row(i) for i in enterprises),
    )


def _place(institution) -> str:
    """Province and city, the city left out where it is the province (北京市, 上海市…)."""
    province = institution.province_display
    same = institution.city in ("", province, province_name(institution.province, "zh-hans"))
    return province if same else f"{province} · {institution.city}".strip(" ·")


@login_required
def enterprise_list(request):
    params = _enterprise_params(request)
    enterprises = selectors.enterprise_list(actor=request.user, **params)
    if request.GET.get("export"):
        return _enterprise_export(request, enterprises)
    page = paginate(request, enterprises)
    for institution in page.object_list:
        institution.place = _place(institution)
    return render(
        request,
        "market/enterprise_list.html",
        {
            "page": page,
            "params": params,
            "industry_select": _industry_select(params["industry"]),
            "provinces": province_choices(get_language() or "zh-hans"),
            "sizes": EnterpriseSize.choices,
            "own": services.demand_institutions(request.user).first()
            if not request.user.is_superuser
            else None,
        },
    )


@login_required
def enterprise_detail(request, slug: str):
    institution = selectors.enterprise_get(actor=request.user, slug=slug)
    return render(
        request,
        "market/enterprise_detail.html",
        {
            "enterprise": institution,
            "place": _place(institution),
            "profile": selectors.enterprise_profile_of(institution),
            "demands": selectors.enterprise_demands(actor=request.user, institution=institution),
            "can_edit": services.can_edit_enterprise(request.user, institution),
        },
    )


@login_required
def enterprise_profile(request):
    """The enterprise's own users describe it (``?institution=slug`` for one of several)."""
    enterprises = services.demand_institutions(request.user).order_by("name")
    require(enterprises.exists(), _("Only the enterprise's own users may edit its profile."))
    slug = request.GET.get("institution") or request.POST.get("institution")
    institution = enterprises.filter(slug=slug).first() if slug else enterprises.first()
    if institution is None:
        raise Http404(_("Not found."))
    profile = selectors.enterprise_profile_of(institution)
    initial = EnterpriseProfileForm.initial_from(institution, profile)
    form = EnterpriseProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_profile_save(
                actor=request.user, institution=institution, data=form.service_data()
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The enterprise profile was saved."))
            return redirect("enterprise-detail", slug=institution.slug)
    return render(
        request,
        "market/enterprise_form.html",
        {"form": form, "enterprise": institution, "profile": profile},
        status=400 if request.method == "POST" else 200,
    )


def register(request):
    """An enterprise registers itself and its first user, then posts its first demand."""
    if request.user.is_authenticated:
        messages.info(request, _("You are signed in: log out before registering a new enterprise."))
        return redirect("dashboard")
    form = EnterpriseRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.enterprise_register(actor=request.user, data=form.service_data())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(
                request,
                _("Welcome! Your enterprise is registered. Post your first technology demand."),
            )
            return redirect("demand-create")
    return render(
        request,
        "market/register.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
