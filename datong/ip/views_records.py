"""Pages of the IP records: families, their filings, events, ownership and costs. Thin: the
selectors read, the services write and validate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from datong.core.exports import export_response
from datong.core.forms import attach_errors
from datong.core.pagination import paginate
from datong.core.permissions import require_staff, scope_for

from . import presenters, selectors, services
from .forms import CostForm, EventForm, FamilyForm, FilingForm, HolderFormSet, OwnershipForm
from .models import LegalStatus

FAMILY_FILTERS = ("q", "institution", "ip_type", "legal_status", "sort")


# --- the list --------------------------------------------------------------------------------


@login_required
def family_list(request):
    params = {key: request.GET.get(key, "").strip() for key in FAMILY_FILTERS}
    ip_types = presenters.ip_type_choices()
    if params["ip_type"] not in dict(ip_types):
        params["ip_type"] = ""
    if params["legal_status"] not in LegalStatus.values:
        params["legal_status"] = ""
    if params["sort"] not in dict(presenters.SORTS):
        params["sort"] = "-created"
    superuser = request.user.is_superuser
    if not superuser:
        params["institution"] = ""
    families = selectors.family_list(actor=request.user, **params)
    if request.GET.get("export"):
        return export_response(
            request,
            "ip-families",
            _("IP families"),
            [
                _("Docket reference"),
                _("Title"),
                _("English title"),
                _("IP type"),
                _("Institution"),
                _("IPC codes"),
                _("Inventors"),
                _("Application numbers"),
                _("Legal status"),
                _("Claims"),
                _("Forward citations"),
                _("Linked result"),
                _("Created"),
            ],
            presenters.export_rows(request.user, families),
        )
    page = paginate(request, families)
    page.object_list = presenters.attach_filings(request.user, page.object_list)
    context = {
        "page": page,
        "params": params,
        "ip_types": ip_types,
        "ip_labels": dict(ip_types),
        "statuses": LegalStatus.choices,
        "sorts": presenters.SORTS,
        "institutions": list(presenters.staff_institutions(request.user)[:300])
        if superuser
        else [],
        "office": presenters.is_office(request.user),
        "filtered": any(params[k] for k in ("q", "institution", "ip_type", "legal_status")),
    }
    template = "ip/partials/record_family_table.html" if request.htmx else "ip/family_list.html"
    return render(request, template, context)


# --- families --------------------------------------------------------------------------------


@login_required
def family_create(request):
    institutions = presenters.staff_institutions(request.user)
    if not presenters.is_office(request.user):
        require_staff(request.user, None)
    form = FamilyForm(
        request.POST or None,
        institutions=institutions,
        results=presenters.results_of(request.user, institutions),
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            family = services.family_create(
                actor=request.user,
                institution=form.cleaned_data["institution"],
                title=data.pop("title"),
                ip_type=data.pop("ip_type"),
                **data,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The IP family was created. Add its first filing."))
            return redirect("ip-filing-create", pk=family.pk)
    return render(request, "ip/family_form.html", {"form": form, "family": None})


@login_required
def family_edit(request, pk: int):
    family = selectors.family_get(actor=request.user, pk=pk)
    require_staff(request.user, family.institution_id)
    form = FamilyForm(
        request.POST or None,
        initial=FamilyForm.initial_from(family),
        institutions=None,
        results=presenters.results_of(request.user, [family.institution]),
        fixed_institution=family.institution,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.family_update(actor=request.user, family=family, data=form.service_data())
        except ValidationError as exc:
            family.refresh_from_db()
            attach_errors(form, exc)
        else:
            messages.success(request, _("The IP family was saved."))
            return redirect("ip-family-detail", pk=family.pk)
    return render(request, "ip/family_form.html", {"form": form, "family": family})


@login_required
def family_detail(request, pk: int):
    family = selectors.family_get(actor=request.user, pk=pk)
    filings = list(
        selectors.filing_list(actor=request.user, family=family).prefetch_related(
            "events__actor", "costs"
        )
    )
    rows = presenters.filing_rows(filings)
    context = {
        "family": family,
        "rows": rows,
        "tree": [r for r in rows if len(rows) > 1],
        "ownership": presenters.ownership_rows(family),
        "costs": presenters.cost_summary(rows),
        "statuses": presenters.statuses_of(filings),
        "ip_labels": presenters.ip_type_labels(),
        "kind_labels": presenters.KIND_LABELS,
        "is_staff": scope_for(request.user).is_staff_of(family.institution_id),
    }
    return render(request, "ip/family_detail.html", context)


# --- filings ---------------------------------------------------------------------------------


def _filing_form(request, family, filing=None):
    siblings = selectors.filing_list(actor=request.user, family=family)
    if filing is not None:
        siblings = siblings.exclude(pk=filing.pk)
    return FilingForm(
        request.POST or None,
        initial=FilingForm.initial_from(filing) if filing else {"country": "CN", "route": "cn"},
        filings=siblings,
        agencies=presenters.agencies(request.user),
    )


def _filing_page(request, form, family, filing):
    context = {
        "form": form,
        "family": family,
        "filing": filing,
        "kind_labels_json": {code: str(label) for code, label in presenters.KIND_LABELS.items()},
    }
    return render(request, "ip/filing_form.html", context)


@login_required
def filing_create(request, pk: int):
    family = selectors.family_get(actor=request.user, pk=pk)
    require_staff(request.user, family.institution_id)
    form = _filing_form(request, family)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            services.filing_create(
                actor=request.user,
                family=family,
                route=data.pop("route"),
                kind=data.pop("kind"),
                **data,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The filing was added."))
            return redirect("ip-family-detail", pk=family.pk)
    return _filing_page(request, form, family, None)


@login_required
def filing_edit(request, pk: int):
    filing = selectors.filing_get(actor=request.user, pk=pk)
    family = filing.family
    require_staff(request.user, family.institution_id)
    form = _filing_form(request, family, filing)
    if request.method == "POST" and form.is_valid():
        try:
            services.filing_update(actor=request.user, filing=filing, data=form.service_data())
        except ValidationError as exc:
            filing.refresh_from_db()
            attach_errors(form, exc)
        else:
            messages.success(
                request, _("The filing was saved; its status and deadlines follow the dates.")
            )
            return redirect("ip-family-detail", pk=family.pk)
    return _filing_page(request, form, family, filing)


@login_required
def filing_event(request, pk: int):
    filing = selectors.filing_get(actor=request.user, pk=pk)
    family = filing.family
    require_staff(request.user, family.institution_id)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        before = filing.get_legal_status_display()
        try:
            services.filing_event_add(actor=request.user, filing=filing, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            after = filing.get_legal_status_display()
            if before != after:
                messages.success(
                    request,
                    _("The event was recorded; the legal status is now “%(status)s”.")
                    % {"status": after},
                )
            else:
                messages.success(request, _("The event was recorded."))
            return redirect("ip-family-detail", pk=family.pk)
    events = sorted(filing.events.all(), key=lambda e: (e.date, e.pk), reverse=True)
    return render(
        request,
        "ip/filing_event.html",
        {"form": form, "family": family, "filing": filing, "events": events},
    )


@login_required
def cost_add(request, pk: int):
    filing = selectors.filing_get(actor=request.user, pk=pk)
    family = filing.family
    require_staff(request.user, family.institution_id)
    form = CostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cost_add(actor=request.user, filing=filing, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The cost was recorded."))
            return redirect("ip-family-detail", pk=family.pk)
    return render(
        request, "ip/filing_cost.html", {"form": form, "family": family, "filing": filing}
    )


# --- ownership -------------------------------------------------------------------------------


@login_required
def ownership_change(request, pk: int):
    family = selectors.family_get(actor=request.user, pk=pk)
    require_staff(request.user, family.institution_id)
    current = presenters.current_holders(family)
    form = OwnershipForm(request.POST or None)
    holders = HolderFormSet(
        request.POST or None,
        prefix="holder",
        initial=current or [{"name": family.institution.display_name, "share": 100}],
    )
    errors: list[str] = []
    if request.method == "POST" and form.is_valid() and holders.is_valid():
        rows = [
            {"name": f.cleaned_data.get("name", ""), "share": f.cleaned_data.get("share")}
            for f in holders
            if f.cleaned_data and not f.is_blank()
        ]
        try:
            with transaction.atomic():
                services.ownership_change(
                    actor=request.user,
                    family=family,
                    start=form.cleaned_data["start"],
                    holders=rows,
                    note=form.cleaned_data["note"],
                )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, messages_ in exc.message_dict.items():
                    if name in form.fields:
                        for message in messages_:
                            form.add_error(name, message)
                    else:
                        errors.extend(messages_)
            else:
                errors.extend(exc.messages)
        else:
            messages.success(request, _("The new ownership was recorded."))
            return redirect("ip-family-detail", pk=family.pk)
    return render(
        request,
        "ip/family_ownership.html",
        {
            "form": form,
            "holders": holders,
            "holder_errors": errors,
            "family": family,
            "ownership": presenters.ownership_rows(family),
        },
    )
