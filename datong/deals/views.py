"""Contract pages: list, detail with the office's actions, forms, receivables and a result's
licences. Thin: forms clean, services write, selectors read."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from datong.cases import selectors as case_selectors
from datong.core.exports import export_response
from datong.core.forms import attach_errors
from datong.core.pagination import paginate
from datong.core.permissions import require, scope_for
from datong.institutions.models import Institution
from datong.ip.models import Filing
from datong.results.models import Classification, Result

from . import licensing, rules, selectors, services, workdays
from .forms import (
    AnnounceForm,
    CheckForm,
    ContractForm,
    GrantForm,
    LicenseeReportForm,
    PartyFormSet,
    PaymentForm,
    ReachForm,
    RegisterForm,
    RoyaltyReportForm,
    SignForm,
    TermForm,
    TerminateForm,
    initial_from_case,
    party_initial,
    party_rows,
)
from .models import (
    CONVERSION_TYPES,
    Contract,
    ContractStatus,
    ContractType,
    LicenceGrant,
    PaymentTerm,
    PricingMethod,
    TermKind,
)

LIST_FILTERS = ("type", "status", "year", "q")


def _office_only(request) -> None:
    require(
        selectors.can_see_contracts(request.user),
        _("Contracts are kept by the transfer office."),
    )


def _yuan(value) -> str:
    return "" if value is None else f"{value:.2f}"


# --- the list ---------------------------------------------------------------------------------


def _export_rows(contracts):
    for c in contracts.prefetch_related("parties", "results"):
        buyers = [p.name for p in c.parties.all() if p.role != "seller"]
        yield [
            c.number,
            c.title,
            c.institution.display_name,
            c.get_contract_type_display(),
            c.get_exclusivity_display() if c.exclusivity else "",
            c.get_pricing_method_display() if c.pricing_method else "",
            c.get_status_display(),
            "、".join(buyers),
            "、".join(r.number for r in c.results.all()),
            _yuan(c.amount),
            c.signed_on.isoformat() if c.signed_on else "",
            c.announcement_end.isoformat() if c.announcement_end else "",
            c.registration_number,
            _yuan(c.approved_tech_income),
            c.manager.get_full_name() if c.manager_id else "",
        ]


EXPORT_HEADERS = (
    gettext_lazy("Contract number"),
    gettext_lazy("Title"),
    gettext_lazy("Institution"),
    gettext_lazy("Contract type"),
    gettext_lazy("Exclusivity"),
    gettext_lazy("Pricing method"),
    gettext_lazy("Status"),
    gettext_lazy("Other parties"),
    gettext_lazy("Results"),
    gettext_lazy("Amount (yuan)"),
    gettext_lazy("Signed on"),
    gettext_lazy("Announcement ends"),
    gettext_lazy("Registration number"),
    gettext_lazy("Approved technology income (yuan)"),
    gettext_lazy("Technology manager"),
)


@login_required
def deal_list(request):
    _office_only(request)
    params = {key: request.GET.get(key, "").strip() for key in LIST_FILTERS}
    contracts = selectors.contract_list(
        actor=request.user,
        contract_type=params["type"],
        status=params["status"],
        year=params["year"],
        q=params["q"],
    )
    if request.GET.get("export"):
        return export_response(
            request,
            "contracts",
            _("Contracts"),
            [str(h) for h in EXPORT_HEADERS],
            _export_rows(contracts),
        )
    page = paginate(request, contracts.prefetch_related("parties"))
    for contract in page.object_list:
        contract.other_parties = [p for p in contract.parties.all() if p.role != "seller"]
    all_contracts = selectors.visible_contracts(actor=request.user)
    context = {
        "page": page,
        "params": params,
        "types": ContractType.choices,
        "statuses": ContractStatus.choices,
        "years": selectors.contract_years(actor=request.user),
        "counts": selectors.status_counts(all_contracts),
        "all_count": all_contracts.count(),
        "filtered": any(params.values()),
    }
    template = "deals/partials/contract_table.html" if request.htmx else "deals/contract_list.html"
    return render(request, template, context)


# --- the form ---------------------------------------------------------------------------------


def _institution_for(request) -> Institution:
    """The institution a new contract belongs to: the one whose office the user works in."""
    scope = scope_for(request.user)
    ids = sorted(scope.staff_institution_ids)
    wanted = request.GET.get("institution") or request.POST.get("institution_slug")
    qs = Institution.objects.all() if scope.is_superuser else Institution.objects.filter(pk__in=ids)
    if wanted:
        institution = qs.filter(slug=wanted).first()
        if institution is None:
            raise Http404(_("Not found."))
        return institution
    institution = qs.order_by("pk").first()
    if institution is None:
        raise Http404(_("Not found."))
    return institution


def _choices(institution: Institution):
    results = Result.objects.filter(institution=institution).order_by("-created_at", "-pk")[:500]
    filings = (
        Filing.objects.filter(family__institution=institution)
        .select_related("family")
        .order_by("-pk")[:500]
    )
    return {
        "managers": list(services.staff_users(institution.pk)),
        "results": list(results),
        "filings": list(filings),
    }


def _selected(items, ids) -> list:
    wanted = {str(i) for i in ids or ()}
    return [item for item in items if str(item.pk) in wanted]


def _service_kwargs(form, formset, choices) -> dict:
    data = dict(form.cleaned_data)
    manager_id = data.pop("manager", "")
    data["manager"] = next((u for u in choices["managers"] if str(u.pk) == manager_id), None)
    results = _selected(choices["results"], data.pop("results", []))
    filings = _selected(choices["filings"], data.pop("filings", []))
    data["amount"] = data.get("amount") or 0
    return {
        "data": data,
        "parties": party_rows(formset),
        "results": results,
        "filings": filings,
    }


def _form_page(request, *, form, formset, contract=None, institution, case=None, status=200):
    return render(
        request,
        "deals/contract_form.html",
        {
            "form": form,
            "formset": formset,
            "contract": contract,
            "institution": institution,
            "case": case,
            "minimum_days": rules.minimum_announcement_days(),
        },
        status=status,
    )


@login_required
def deal_create(request):
    _office_only(request)
    case = None
    case_id = request.GET.get("case") or request.POST.get("case")
    if case_id:
        case = case_selectors.case_get(actor=request.user, pk=case_id)
        institution = case.institution
        require(scope_for(request.user).is_staff_of(institution.pk))
    else:
        institution = _institution_for(request)
    choices = _choices(institution)
    if case is not None and case.listing.result_id:
        result = case.listing.result
        if result not in choices["results"]:
            choices["results"].insert(0, result)
    if request.method == "POST":
        form = ContractForm(request.POST, **choices)
        formset = PartyFormSet(request.POST, prefix="party")
        if form.is_valid() and formset.is_valid():
            try:
                contract = services.contract_create(
                    actor=request.user,
                    institution=institution,
                    match_case=case,
                    **_service_kwargs(form, formset, choices),
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("The contract was created."))
                return redirect("deal-detail", pk=contract.pk)
        return _form_page(
            request, form=form, formset=formset, institution=institution, case=case, status=400
        )
    initial: dict = {"contract_type": ContractType.LICENCE, "pricing_method": PricingMethod.AGREED}
    parties = [{"role": "buyer"}]
    if case is not None:
        seed = initial_from_case(case)
        initial.update(seed["data"])
        initial["manager"] = str(case.manager_id or "")
        initial["results"] = [str(r.pk) for r in seed["results"]]
        parties = seed["parties"]
    form = ContractForm(initial=initial, **choices)
    formset = PartyFormSet(initial=parties, prefix="party")
    return _form_page(request, form=form, formset=formset, institution=institution, case=case)


@login_required
def deal_edit(request, pk: int):
    contract = selectors.contract_get(actor=request.user, pk=pk)
    choices = _choices(contract.institution)
    for result in contract.results.all():
        if result not in choices["results"]:
            choices["results"].append(result)
    if request.method == "POST":
        form = ContractForm(request.POST, **choices)
        formset = PartyFormSet(request.POST, prefix="party")
        if form.is_valid() and formset.is_valid():
            try:
                services.contract_update(
                    actor=request.user, contract=contract, **_service_kwargs(form, formset, choices)
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("The contract was saved."))
                return redirect("deal-detail", pk=contract.pk)
        return _form_page(
            request,
            form=form,
            formset=formset,
            contract=contract,
            institution=contract.institution,
            status=400,
        )
    initial = {
        "number": contract.number,
        "title": contract.title,
        "contract_type": contract.contract_type,
        "pricing_method": contract.pricing_method,
        "exclusivity": contract.exclusivity,
        "amount": contract.amount,
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
        "manager": str(contract.manager_id or ""),
        "results": [str(r.pk) for r in contract.results.all()],
        "filings": [str(f.pk) for f in contract.filings.all()],
        "note": contract.note,
    }
    form = ContractForm(initial=initial, **choices)
    formset = PartyFormSet(initial=party_initial(contract), prefix="party")
    return _form_page(
        request, form=form, formset=formset, contract=contract, institution=contract.institution
    )


# --- one contract -----------------------------------------------------------------------------


def _announcement(contract: Contract) -> dict | None:
    if not contract.announcement_start or not contract.announcement_end:
        return None
    start, end = contract.announcement_start, contract.announcement_end
    today = timezone.localdate()
    return {
        "start": start,
        "end": end,
        "days": contract.announcement_days,
        "holidays": workdays.holidays_between(start, end),
        "covered": workdays.covers(start, end),
        "sources": sorted({workdays.source_for(start), workdays.source_for(end)} - {""}),
        "running": start <= today <= end,
        "over": today > end,
        "left": workdays.working_days_between(max(today, start), end) if today <= end else 0,
        "sign_from": end + dt.timedelta(days=1),
    }


def _forms(contract: Contract, **bound) -> dict:
    results = list(contract.results.all())
    terms = list(contract.terms.all())
    today = timezone.localdate()
    return {
        "announce_form": bound.get("announce")
        or AnnounceForm(
            initial={
                "start": contract.announcement_start or today,
                "days": contract.announcement_days or rules.minimum_announcement_days(),
                "url": contract.announcement_url,
            }
        ),
        "sign_form": bound.get("sign")
        or SignForm(
            initial={
                "signed_on": today,
                "starts_on": contract.starts_on,
                "ends_on": contract.ends_on,
            }
        ),
        "register_form": bound.get("register")
        or RegisterForm(initial={"registered_on": today, "approved_tech_income": contract.amount}),
        "terminate_form": bound.get("terminate") or TerminateForm(initial={"terminated_on": today}),
        "grant_form": bound.get("grant")
        or GrantForm(
            results=results,
            initial={
                "starts_on": contract.starts_on or contract.signed_on or today,
                "ends_on": contract.ends_on,
                "exclusivity": contract.exclusivity,
                "territory": licensing.CHINA,
            },
        ),
        "term_form": bound.get("term") or TermForm(),
        "reach_form": ReachForm(initial={"reached_on": today}),
        "report_form": bound.get("report")
        or RoyaltyReportForm(
            terms=[t for t in terms if t.kind == TermKind.ROYALTY],
            initial={"reported_on": today},
        ),
        "payment_form": bound.get("payment")
        or PaymentForm(terms=terms, initial={"received_on": today}),
    }


def _detail(request, contract: Contract, *, status=200, open_tab="", **bound):
    contract = (
        Contract.objects.select_related("institution", "manager", "match_case__listing")
        .prefetch_related(
            "parties",
            "results",
            "filings__family",
            "terms",
            "royalty_reports__term",
            "payments__term",
        )
        .get(pk=contract.pk)
    )
    grants = list(
        contract.grants.select_related("result", "field_of_use").order_by("starts_on", "pk")
    )
    for grant in grants:
        grant.territory_label = licensing.territory_label(grant.territory)
    editable = contract.status in services.OPEN_STATUSES
    money = contract.status in services.MONEY_STATUSES
    context = {
        "contract": contract,
        "parties": list(contract.parties.all()),
        "grants": grants,
        "announcement": _announcement(contract),
        "minimum_days": rules.minimum_announcement_days(),
        "announcement_source": rules.announcement_rule()["source"],
        "receivable": selectors.receivable(contract),
        "history": selectors.contract_history(actor=request.user, contract=contract)[:60],
        "editable": editable,
        "money": money,
        "can_announce": contract.status in (ContractStatus.DRAFT, ContractStatus.ANNOUNCED)
        and contract.pricing_method == PricingMethod.AGREED,
        "can_sign": contract.status in (ContractStatus.DRAFT, ContractStatus.ANNOUNCED),
        "can_register": contract.status in (ContractStatus.SIGNED, ContractStatus.COMPLETED),
        "can_grant": editable and contract.contract_type == ContractType.LICENCE,
        "grants_fixed": contract.status not in (ContractStatus.DRAFT, ContractStatus.ANNOUNCED),
        "is_conversion": contract.contract_type in CONVERSION_TYPES,
        "royalty_terms": [t for t in contract.terms.all() if t.kind == TermKind.ROYALTY],
        "open_tab": open_tab,
        **_forms(contract, **bound),
    }
    return render(request, "deals/contract_detail.html", context, status=status)


@login_required
def deal_detail(request, pk: int):
    return _detail(request, selectors.contract_get(actor=request.user, pk=pk))


def _act(request, pk, form_class, key, call, done, form_kwargs=None):
    contract = selectors.contract_get(actor=request.user, pk=pk)
    require(services.can_manage(request.user, contract.institution_id))
    form = form_class(request.POST, **(form_kwargs(contract) if form_kwargs else {}))
    if form.is_valid():
        try:
            call(contract, form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("deal-detail", pk=pk)
    return _detail(request, contract, status=400, open_tab=key, **{key: form})


@login_required
@require_POST
def deal_announce(request, pk: int):
    def call(contract, data):
        services.contract_announce(
            actor=request.user,
            contract=contract,
            start=data["start"],
            days=data.get("days"),
            url=data.get("url") or "",
        )

    return _act(request, pk, AnnounceForm, "announce", call, _("The announcement was recorded."))


@login_required
@require_POST
def deal_sign(request, pk: int):
    def call(contract, data):
        services.contract_sign(actor=request.user, contract=contract, **data)

    return _act(request, pk, SignForm, "sign", call, _("The signature was recorded."))


@login_required
@require_POST
def deal_register(request, pk: int):
    def call(contract, data):
        services.contract_register(actor=request.user, contract=contract, **data)

    return _act(request, pk, RegisterForm, "register", call, _("The registration was recorded."))


@login_required
@require_POST
def deal_terminate(request, pk: int):
    def call(contract, data):
        services.contract_terminate(
            actor=request.user,
            contract=contract,
            on=data.get("terminated_on"),
            reason=data["reason"],
        )

    return _act(request, pk, TerminateForm, "terminate", call, _("The contract was terminated."))


@login_required
@require_POST
def deal_complete(request, pk: int):
    contract = selectors.contract_get(actor=request.user, pk=pk)
    try:
        services.contract_complete(actor=request.user, contract=contract)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The contract was completed."))
    return redirect("deal-detail", pk=pk)


@login_required
@require_POST
def deal_grant_add(request, pk: int):
    def call(contract, data):
        result = contract.results.filter(pk=data["result"]).first()
        field = (
            Classification.objects.filter(pk=data["field_of_use"]).first()
            if data.get("field_of_use")
            else None
        )
        services.licence_grant_add(
            actor=request.user,
            contract=contract,
            data={**data, "result": result, "field_of_use": field},
        )

    return _act(
        request,
        pk,
        GrantForm,
        "grant",
        call,
        _("The licence grant was added."),
        form_kwargs=lambda c: {"results": list(c.results.all())},
    )


def _child(request, pk, model, child_id):
    contract = selectors.contract_get(actor=request.user, pk=pk)
    item = model.objects.filter(pk=child_id, contract=contract).first()
    if item is None:
        raise Http404(_("Not found."))
    return contract, item


def _simple(request, pk, call, done):
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("deal-detail", pk=pk)


@login_required
@require_POST
def deal_grant_remove(request, pk: int, grant_id: int):
    _contract, grant = _child(request, pk, LicenceGrant, grant_id)
    return _simple(
        request,
        pk,
        lambda: services.licence_grant_remove(actor=request.user, grant=grant),
        _("The licence grant was removed."),
    )


@login_required
@require_POST
def deal_term_add(request, pk: int):
    def call(contract, data):
        services.payment_term_add(actor=request.user, contract=contract, data=data)

    return _act(request, pk, TermForm, "term", call, _("The payment term was added."))


@login_required
@require_POST
def deal_term_remove(request, pk: int, term_id: int):
    _contract, term = _child(request, pk, PaymentTerm, term_id)
    return _simple(
        request,
        pk,
        lambda: services.payment_term_remove(actor=request.user, term=term),
        _("The payment term was removed."),
    )


@login_required
@require_POST
def deal_term_reach(request, pk: int, term_id: int):
    _contract, term = _child(request, pk, PaymentTerm, term_id)
    form = ReachForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the day the milestone was reached."))
        return redirect("deal-detail", pk=pk)
    return _simple(
        request,
        pk,
        lambda: services.payment_term_reach(
            actor=request.user, term=term, reached_on=form.cleaned_data["reached_on"]
        ),
        _("The milestone was recorded as reached."),
    )


@login_required
@require_POST
def deal_royalty_add(request, pk: int):
    def call(contract, data):
        term = contract.terms.filter(pk=data.pop("term"), kind=TermKind.ROYALTY).first()
        services.royalty_report_record(actor=request.user, contract=contract, term=term, **data)

    return _act(
        request,
        pk,
        RoyaltyReportForm,
        "report",
        call,
        _("The royalty report was recorded."),
        form_kwargs=lambda c: {"terms": list(c.terms.filter(kind=TermKind.ROYALTY))},
    )


@login_required
@require_POST
def deal_payment_add(request, pk: int):
    def call(contract, data):
        term_id = data.pop("term", "")
        term = contract.terms.filter(pk=term_id).first() if term_id else None
        services.payment_record(actor=request.user, contract=contract, term=term, **data)

    return _act(
        request,
        pk,
        PaymentForm,
        "payment",
        call,
        _("The payment was recorded."),
        form_kwargs=lambda c: {"terms": list(c.terms.all())},
    )


# --- receivables ------------------------------------------------------------------------------


@login_required
def deal_receivables(request):
    _office_only(request)
    overdue_only = request.GET.get("overdue", "") in ("1", "on", "true")
    q = request.GET.get("q", "").strip()
    rows = selectors.receivables(actor=request.user, overdue_only=overdue_only, q=q)
    if request.GET.get("export"):
        headers = [
            _("Contract number"),
            _("Title"),
            _("Other parties"),
            _("Technology manager"),
            _("Due so far (yuan)"),
            _("Received (yuan)"),
            _("Outstanding (yuan)"),
            _("Overdue (yuan)"),
            _("Overdue since"),
            _("Overdue items"),
        ]

        def export_rows():
            for r in rows:
                c = r.contract
                yield [
                    c.number,
                    c.title,
                    "、".join(p.name for p in c.parties.all() if p.role != "seller"),
                    c.manager.get_full_name() if c.manager_id else "",
                    _yuan(r.due),
                    _yuan(r.received),
                    _yuan(r.outstanding),
                    _yuan(r.overdue),
                    r.oldest_overdue.isoformat() if r.oldest_overdue else "",
                    "；".join(
                        f"{i.label} {i.due_on} {_yuan(i.outstanding)}" for i in r.overdue_items
                    ),
                ]

        return export_response(request, "receivables", _("Receivables"), headers, export_rows())
    page = paginate(request, rows)
    return render(
        request,
        "deals/receivables.html",
        {
            "page": page,
            "totals": selectors.receivable_totals(rows),
            "overdue_only": overdue_only,
            "q": q,
            "today": timezone.localdate(),
        },
    )


# --- a result's licences ----------------------------------------------------------------------


def _check(request, result, form):
    data = form.cleaned_data
    field = (
        Classification.objects.filter(pk=data["field_of_use"]).first()
        if data.get("field_of_use")
        else None
    )
    if data["ends_on"] < data["starts_on"]:
        form.add_error("ends_on", _("The period cannot end before it starts."))
        return None
    check = selectors.licence_check(
        actor=request.user,
        result=result,
        field=field,
        territory=data["territory"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
    )
    check.field = field
    check.territory_label = licensing.territory_label(data["territory"])
    check.starts_on, check.ends_on = data["starts_on"], data["ends_on"]
    return check


@login_required
def result_licences(request, result_id: int):
    result = selectors.result_for_licences(actor=request.user, pk=result_id)
    today = timezone.localdate()
    form = CheckForm(
        request.GET or None,
        initial={
            "territory": licensing.CHINA,
            "starts_on": today,
            "ends_on": today.replace(year=today.year + 5),
        },
    )
    check = _check(request, result, form) if form.is_bound and form.is_valid() else None
    context = {
        **selectors.licence_availability(actor=request.user, result=result, on=today),
        "contracts": selectors.contracts_of_result(actor=request.user, result=result),
        "form": form,
        "check": check,
    }
    if request.htmx:
        return render(request, "deals/partials/licence_check.html", context)
    return render(request, "deals/result_licences.html", context)


# --- the licensee's royalty reports ------------------------------------------------------------


@login_required
def licensee_reports(request):
    """A licensee's contracts with a running royalty: its reports and a form for the next one."""
    contracts = list(selectors.licensee_contracts(actor=request.user))
    if not contracts:
        raise Http404(_("Not found."))
    chosen, form = None, None
    if request.method == "POST":
        chosen = selectors.licensee_contract_get(
            actor=request.user, pk=request.POST.get("contract")
        )
        terms = [t for t in chosen.terms.all() if t.kind == TermKind.ROYALTY]
        form = LicenseeReportForm(request.POST, terms=terms)
        if form.is_valid():
            data = form.cleaned_data
            term = next((t for t in terms if str(t.pk) == data["term"]), None)
            try:
                services.royalty_report_record(
                    actor=request.user,
                    contract=chosen,
                    term=term,
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    sales=data["sales"],
                    due_on=data["period_end"] + dt.timedelta(days=LicenseeReportForm.DUE_DAYS),
                    note=data.get("note") or "",
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("Your sales report was sent to the licensor."))
                return redirect("deal-licensee")
    rows = []
    for contract in contracts:
        terms = [t for t in contract.terms.all() if t.kind == TermKind.ROYALTY]
        bound = form if chosen is not None and chosen.pk == contract.pk else None
        rows.append(
            {
                "contract": contract,
                "terms": terms,
                "reports": sorted(
                    contract.royalty_reports.all(), key=lambda r: r.period_start, reverse=True
                ),
                "form": bound or LicenseeReportForm(terms=terms),
            }
        )
    return render(
        request,
        "deals/licensee.html",
        {"rows": rows, "due_days": LicenseeReportForm.DUE_DAYS},
        status=400 if form is not None and form.errors else 200,
    )
