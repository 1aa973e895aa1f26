from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from datong.core.forms import attach_errors
from datong.core.pagination import paginate
from datong.core.permissions import require, scope_for, works_in_an_office
from datong.institutions.regions import province_choices

from . import selectors, services
from .forms import ContactForm, DemandForm, ListingForm
from .models import EngagementMode, ListingStatus

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
