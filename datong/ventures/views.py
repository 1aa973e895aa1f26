from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from datong.core.exports import export_response
from datong.core.forms import attach_errors
from datong.core.pagination import paginate
from datong.core.permissions import require, require_staff, scope_for
from datong.deals import selectors as deal_selectors
from datong.institutions.models import Institution
from datong.institutions.regions import province_name
from datong.providers.models import ProviderProfile

from . import forms as f
from . import selectors, services
from .models import BoardSeat, CompanyState, EquityStep, Founder, ListingStatus

LIST_FILTERS = ("q", "state", "listing", "region", "year")


# --- the list --------------------------------------------------------------------------------


def _params(request) -> dict:
    return {key: request.GET.get(key, "").strip() for key in LIST_FILTERS}


def _export_headers() -> list[str]:
    return [
        _("Company"),
        _("English name"),
        _("Institution"),
        _("Unified social credit code"),
        _("State"),
        _("Approved on"),
        _("Incorporated on"),
        _("Institution entered on"),
        _("Institution exited on"),
        _("Landing region"),
        _("City"),
        _("Incubator or base"),
        _("Industry"),
        _("Listing status"),
        _("Stock code"),
        _("Listed on"),
        _("Institution's holding (%)"),
        _("Founders"),
        _("Staff on leave"),
        _("Results"),
    ]


def _export_rows(companies):
    language = get_language() or "zh-hans"
    today = timezone.localdate()
    for c in companies.prefetch_related("founders", "results", "shareholdings"):
        held = sum(
            (
                h.percentage
                for h in services.holdings_on(c, today)
                if h.holder_kind == "institution"
            ),
            0,
        )
        yield [
            c.name,
            c.name_en,
            c.institution.display_name,
            c.credit_code,
            c.get_state_display(),
            c.approved_on,
            c.incorporated_on,
            c.entered_on,
            c.exited_on,
            province_name(c.region, language),
            c.city,
            c.incubator.display_name if c.incubator_id else "",
            str(c.industry) if c.industry_id else "",
            c.get_listing_status_display(),
            c.stock_code,
            c.listed_on,
            held or "",
            "、".join(x.name for x in c.founders.all()),
            "、".join(x.name for x in c.founders.all() if x.on_leave),
            "、".join(r.number for r in c.results.all()),
        ]


def _require_office(request) -> None:
    require(
        selectors.can_see_companies(request.user),
        _("Companies are kept by the transfer office."),
    )


@login_required
def company_list(request):
    _require_office(request)
    params = _params(request)
    companies = selectors.company_list(actor=request.user, **params)
    if request.GET.get("export"):
        return export_response(
            request, "companies", _("Companies"), _export_headers(), _export_rows(companies)
        )
    page = paginate(request, companies.prefetch_related("founders", "shareholdings"))
    today = timezone.localdate()
    language = get_language() or "zh-hans"
    for c in page.object_list:
        c.held = sum(
            (
                h.percentage
                for h in services.holdings_on(c, today)
                if h.holder_kind == "institution"
            ),
            0,
        )
        c.on_leave = sum(1 for x in c.founders.all() if x.on_leave)
        c.region_name = province_name(c.region, language)
    visible = selectors.visible_companies(actor=request.user)
    context = {
        "page": page,
        "params": params,
        "states": CompanyState.choices,
        "listings": [(selectors.LISTED, _("Listed (any market)")), *ListingStatus.choices],
        "regions": [
            (r, province_name(r, language)) for r in selectors.company_regions(actor=request.user)
        ],
        "years": selectors.company_years(actor=request.user),
        "counts": selectors.state_counts(visible),
        "total": visible.count(),
        "filtered": any(params.values()),
        "can_create": bool(_office_institutions(request.user)),
        "investments": selectors.investment_list(actor=request.user).exclude(
            step__in=(EquityStep.DONE, EquityStep.ABANDONED)
        )[:8],
    }
    template = (
        "ventures/partials/company_table.html" if request.htmx else "ventures/company_list.html"
    )
    return render(request, template, context)


# --- create and edit ---------------------------------------------------------------------------


def _office_institutions(user) -> list[Institution]:
    scope = scope_for(user)
    qs = (
        Institution.objects.all()
        if scope.is_superuser
        else Institution.objects.filter(pk__in=sorted(scope.staff_institution_ids))
    )
    return list(qs.filter(kind__in=("university", "research_institute")).order_by("name"))


def _company_data(data: dict) -> dict:
    return {k: data.get(k) for k in services.COMPANY_FIELDS if k in data}


@login_required
def company_create(request):
    institutions = _office_institutions(request.user)
    require(bool(institutions), _("Only the transfer office of this institution may do this."))
    slug = request.GET.get("institution") or request.POST.get("institution")
    institution = next((i for i in institutions if i.slug == slug), institutions[0])
    form = f.CompanyForm(request.POST or None, institution=institution)
    if request.method == "POST" and form.is_valid():
        try:
            company = services.company_create(
                actor=request.user,
                institution=institution,
                data=_company_data(form.cleaned_data),
                results=[int(x) for x in form.cleaned_data["results"]],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The company was recorded."))
            return redirect("company-detail", pk=company.pk)
    return render(
        request,
        "ventures/company_form.html",
        {"form": form, "institution": institution, "institutions": institutions},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def company_edit(request, pk: int):
    company = selectors.company_get(actor=request.user, pk=pk)
    require_staff(request.user, company.institution_id)
    if request.method == "POST":
        form = f.CompanyForm(request.POST, institution=company.institution)
    else:
        initial = {k: getattr(company, k) for k in services.COMPANY_FIELDS}
        initial["incubator"] = str(company.incubator_id or "")
        initial["industry"] = company.industry.code if company.industry_id else ""
        initial["results"] = [str(pk) for pk in company.results.values_list("pk", flat=True)]
        form = f.CompanyForm(initial=initial, institution=company.institution)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_update(
                actor=request.user,
                company=company,
                data=_company_data(form.cleaned_data),
                results=[int(x) for x in form.cleaned_data["results"]],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The company was saved."))
            return redirect("company-detail", pk=company.pk)
    return render(
        request,
        "ventures/company_form.html",
        {"form": form, "company": company, "institution": company.institution},
        status=400 if request.method == "POST" else 200,
    )


# --- one company -------------------------------------------------------------------------------


def _on(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()


def _detail(request, company, status=200, **forms):
    office = selectors.is_office(request.user, company)
    on = _on(request)
    table = selectors.cap_table(company, on)
    contracts = []
    if office:
        contracts = deal_selectors.equity_contracts(
            actor=request.user, institution_id=company.institution_id, unused_only=True
        )[:50]
    allowed = services.allowed_states(company)
    context = {
        "company": company,
        "office": office,
        "on": on,
        "table": table,
        "chart": selectors.cap_table_chart(table),
        "holding_dates": selectors.holding_dates(company)[:12],
        "all_holdings": company.shareholdings.all().order_by("-since", "-percentage"),
        "founders": company.founders.all(),
        "seats": company.board_seats.all(),
        "rounds": company.rounds.all(),
        "results": company.results.all(),
        "investments": selectors.investment_list(actor=request.user, company=company),
        "region_name": province_name(company.region, get_language() or "zh-hans"),
        "history": selectors.company_history(actor=request.user, company=company)[:50],
        "allowed": allowed,
        "state_form": forms.get("state") or f.StateForm(allowed=allowed),
        "founder_form": forms.get("founder") or f.FounderForm(),
        "holding_form": forms.get("holding")
        or f.HoldingForm(initial={"since": timezone.localdate()}),
        "seat_form": forms.get("seat") or f.BoardSeatForm(initial={"since": timezone.localdate()}),
        "round_form": forms.get("round") or f.RoundForm(),
        "invest_form": forms.get("invest") or f.InvestmentStartForm(contracts=contracts),
        "open_tab": next(iter(forms), ""),
        "states_path": [
            CompanyState.PREPARING,
            CompanyState.ACTIVE,
            CompanyState.DORMANT,
            CompanyState.DISSOLVED,
        ],
    }
    return render(request, "ventures/company_detail.html", context, status=status)


@login_required
def company_detail(request, pk: int):
    return _detail(request, selectors.company_get(actor=request.user, pk=pk))


def _post(request, pk: int, form_class, key: str, call, done: str):
    company = selectors.company_get(actor=request.user, pk=pk)
    require_staff(request.user, company.institution_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(company, form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("company-detail", pk=company.pk)
    return _detail(request, company, status=400, **{key: form})


@login_required
@require_POST
def company_state(request, pk: int):
    company = selectors.company_get(actor=request.user, pk=pk)
    require_staff(request.user, company.institution_id)
    form = f.StateForm(request.POST, allowed=services.allowed_states(company))
    if form.is_valid():
        try:
            services.company_state_change(
                actor=request.user,
                company=company,
                state=form.cleaned_data["state"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The company's state was changed."))
            return redirect("company-detail", pk=company.pk)
    return _detail(request, company, status=400, state=form)


@login_required
@require_POST
def founder_add(request, pk: int):
    return _post(
        request,
        pk,
        f.FounderForm,
        "founder",
        lambda c, d: services.founder_add(actor=request.user, company=c, data=d),
        _("The founder was added."),
    )


@login_required
@require_POST
def founder_remove(request, pk: int, founder_id: int):
    company = selectors.company_get(actor=request.user, pk=pk)
    founder = Founder.objects.filter(company=company, pk=founder_id).first()
    if founder is None:
        raise Http404(_("Not found."))
    services.founder_remove(actor=request.user, founder=founder)
    messages.success(request, _("The founder was removed."))
    return redirect("company-detail", pk=company.pk)


@login_required
@require_POST
def holding_add(request, pk: int):
    return _post(
        request,
        pk,
        f.HoldingForm,
        "holding",
        lambda c, d: services.shareholding_set(actor=request.user, company=c, **d),
        _("The shareholding was recorded."),
    )


@login_required
@require_POST
def seat_add(request, pk: int):
    return _post(
        request,
        pk,
        f.BoardSeatForm,
        "seat",
        lambda c, d: services.board_seat_add(actor=request.user, company=c, data=d),
        _("The board seat was added."),
    )


@login_required
@require_POST
def seat_end(request, pk: int, seat_id: int):
    company = selectors.company_get(actor=request.user, pk=pk)
    seat = BoardSeat.objects.filter(company=company, pk=seat_id).first()
    if seat is None:
        raise Http404(_("Not found."))
    require_staff(request.user, company.institution_id)
    form = f.SeatEndForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"until": _("Give the date the seat ended.")})
        services.board_seat_end(actor=request.user, seat=seat, until=form.cleaned_data["until"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The board seat was ended."))
    return redirect("company-detail", pk=company.pk)


@login_required
@require_POST
def round_add(request, pk: int):
    return _post(
        request,
        pk,
        f.RoundForm,
        "round",
        lambda c, d: services.round_add(actor=request.user, company=c, data=d),
        _("The financing round was recorded."),
    )


@login_required
@require_POST
def investment_start(request, pk: int):
    company = selectors.company_get(actor=request.user, pk=pk)
    require_staff(request.user, company.institution_id)
    contracts = list(
        deal_selectors.equity_contracts(actor=request.user, institution_id=company.institution_id)
    )
    form = f.InvestmentStartForm(request.POST, contracts=contracts)
    if form.is_valid():
        contract = next((c for c in contracts if str(c.pk) == form.cleaned_data["contract"]), None)
        try:
            investment = services.equity_investment_create(
                actor=request.user,
                company=company,
                contract=contract,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The equity investment was started."))
            return redirect("equity-detail", pk=investment.pk)
    return _detail(request, company, status=400, invest=form)


# --- one equity investment ------------------------------------------------------------------


def _evaluators():
    ids = [
        p.institution_id
        for p in ProviderProfile.objects.all()
        if "evaluator" in (p.categories or [])
    ]
    return Institution.objects.filter(pk__in=ids).order_by("name")


def _equity_forms(investment):
    return {
        "appraisal": f.AppraisalForm(evaluators=_evaluators()),
        "approval": f.ApprovalForm(initial={"decision": "approved"}),
        "filing": f.FilingForm(),
        "registration": f.RegistrationForm(),
        "complete": f.CompleteForm(),
        "abandon": f.AbandonForm(),
    }


def _equity_detail(request, investment, status=200, **bound):
    office = scope_for(request.user).is_staff_of(investment.institution_id)
    forms = _equity_forms(investment)
    forms.update(bound)
    floor = rule = None
    if investment.step == EquityStep.REGISTRATION and investment.registered_on:
        floor, rule = services.team_floor(investment.company.institution, investment.registered_on)
    context = {
        "inv": investment,
        "company": investment.company,
        "office": office,
        "steps": selectors.equity_progress(investment),
        "approvals": investment.approvals or [],
        "missing": services.approvals_missing(investment),
        "distribution": services.equity_distribution(investment) if office else None,
        "holdings": investment.company.shareholdings.filter(since=investment.completed_on)
        if investment.completed_on
        else [],
        "results": investment.results.all(),
        "history": selectors.investment_history(actor=request.user, investment=investment)[:50],
        "forms": forms,
        "open_tab": next(iter(bound), ""),
        "floor": floor,
        "rule": rule,
        "is_open": investment.step not in (EquityStep.DONE, EquityStep.ABANDONED),
    }
    return render(request, "ventures/equity_detail.html", context, status=status)


@login_required
def equity_detail(request, pk: int):
    return _equity_detail(request, selectors.investment_get(actor=request.user, pk=pk))


ACTIONS = {
    "appraisal": (f.AppraisalForm, _("The appraisal was recorded.")),
    "approval": (f.ApprovalForm, _("The decision was recorded.")),
    "approvals-complete": (None, _("The approvals are complete.")),
    "filing": (f.FilingForm, _("The filing was recorded.")),
    "registration": (f.RegistrationForm, _("The registration was recorded.")),
    "complete": (f.CompleteForm, _("The shares are recorded as held.")),
    "abandon": (f.AbandonForm, _("The equity investment was abandoned.")),
}


def _call(action: str, user, investment, data: dict):
    if action == "appraisal":
        evaluator = Institution.objects.filter(pk=data["evaluator"] or None).first()
        return services.equity_appraisal_record(
            actor=user,
            investment=investment,
            evaluator=evaluator,
            appraised_value=data["appraised_value"],
            report_number=data["report_number"],
            appraised_on=data["appraised_on"],
        )
    if action == "approval":
        return services.equity_approval_record(actor=user, investment=investment, **data)
    if action == "approvals-complete":
        return services.equity_approvals_complete(actor=user, investment=investment)
    if action == "filing":
        return services.equity_filing_record(actor=user, investment=investment, **data)
    if action == "registration":
        return services.equity_registration_record(actor=user, investment=investment, **data)
    if action == "complete":
        return services.equity_complete(actor=user, investment=investment, **data)
    return services.equity_abandon(actor=user, investment=investment, **data)


@login_required
@require_POST
def equity_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404(_("Not found."))
    investment = selectors.investment_get(actor=request.user, pk=pk)
    require_staff(request.user, investment.institution_id)
    form_class, done = ACTIONS[action]
    if form_class is None:
        form = None
        data: dict = {}
    elif form_class is f.AppraisalForm:
        form = form_class(request.POST, evaluators=_evaluators())
    else:
        form = form_class(request.POST)
    if form is None or form.is_valid():
        try:
            _call(action, request.user, investment, form.cleaned_data if form else data)
        except ValidationError as exc:
            if form is None:
                messages.error(request, " ".join(exc.messages))
                return redirect("equity-detail", pk=investment.pk)
            attach_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("equity-detail", pk=investment.pk)
    key = "approval" if action == "approvals-complete" else action
    return _equity_detail(request, investment, status=400, **{key: form})
