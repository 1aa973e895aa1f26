from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from datong.core.exports import export_response
from datong.core.forms import attach_errors
from datong.core.pagination import paginate
from datong.core.permissions import require, scope_for
from datong.market import selectors as market_selectors
from datong.market.forms import ContactForm

from . import selectors, services
from .forms import AdvanceForm, AssignForm, CloseForm, InterestForm
from .models import OPEN_STAGES, CaseStage

LIST_FILTERS = ("q", "stage", "manager")


# --- the list --------------------------------------------------------------------------------


def _list_params(request) -> dict:
    params = {key: request.GET.get(key, "").strip() for key in LIST_FILTERS}
    params["overdue"] = request.GET.get("overdue", "") in ("1", "on", "true")
    return params


def _export_headers() -> list[str]:
    labels = dict(CaseStage.choices)
    return [
        _("Case no."),
        _("Listing"),
        _("Institution"),
        _("Enterprise"),
        _("Technology demand"),
        _("Requested by"),
        _("Technology manager"),
        _("Stage"),
        _("In this stage since"),
        _("Days in stage"),
        _("Waiting too long"),
        _("Opened"),
        _("Ended"),
        _("Closing reason"),
        _("Contract number"),
        _("Closing note"),
        *[_("Days: %(stage)s") % {"stage": labels[s]} for s in OPEN_STAGES],
    ]


def _export_rows(user, cases):
    tz = timezone.get_current_timezone()
    for case in cases.prefetch_related("stage_times"):
        office = services.can_act(user, case)
        days = selectors.stage_days(case)
        yield [
            case.pk,
            case.listing.title,
            case.institution.display_name,
            case.enterprise.display_name,
            case.demand.title if case.demand_id else "",
            case.requester.get_full_name(),
            case.manager.get_full_name() if case.manager_id else "",
            case.get_stage_display(),
            case.stage_entered_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            case.days_in_stage if case.is_open else "",
            (_("Yes") if case.is_overdue else _("No")) if office and case.is_open else "",
            case.created_at.astimezone(tz).strftime("%Y-%m-%d"),
            case.closed_at.astimezone(tz).strftime("%Y-%m-%d") if case.closed_at else "",
            case.get_closed_reason_display() if case.closed_reason else "",
            case.deal_reference,
            case.closing_note if office else "",
            *[days.get(s, "") for s in OPEN_STAGES],
        ]


def _stage_choices() -> list[tuple[str, str]]:
    return [
        (selectors.OPEN, _("Open (all stages)")),
        *CaseStage.choices,
        (selectors.ENDED, _("Ended (deal or closed)")),
    ]


@login_required
def case_list(request):
    params = _list_params(request)
    cases = selectors.case_list(actor=request.user, **params)
    if request.GET.get("export"):
        return export_response(
            request,
            "match-cases",
            _("Match cases"),
            _export_headers(),
            _export_rows(request.user, cases),
        )
    page = paginate(request, cases)
    for case in page.object_list:  # whether this viewer reads the case's internal fields
        case.office_view = services.can_act(request.user, case)
    office = selectors.can_see_board(request.user)
    context = {
        "page": page,
        "params": params,
        "stages": _stage_choices(),
        "managers": selectors.board_managers(actor=request.user) if office else [],
        "office": office,
        "counts": selectors.stage_counts(selectors.visible_cases(actor=request.user)),
        "filtered": any(params[k] for k in LIST_FILTERS) or params["overdue"],
        "can_express": services.can_express_interest(request.user),
    }
    template = "cases/partials/case_table.html" if request.htmx else "cases/case_list.html"
    return render(request, template, context)


# --- the board -------------------------------------------------------------------------------


def _board_manager(request, managers):
    """The manager whose board to show: the chosen one, else the user, else everyone."""
    choice = request.GET.get("manager", "")
    if choice == "all":
        return None
    if choice.isdigit():
        for user in managers:
            if user.pk == int(choice):
                return user
        raise Http404(_("Not found."))
    if any(user.pk == request.user.pk for user in managers) or not managers:
        return request.user
    return None


@login_required
def case_board(request):
    require(
        selectors.can_see_board(request.user),
        _("The board is for technology managers and transfer-office staff."),
    )
    managers = list(selectors.board_managers(actor=request.user))
    manager = _board_manager(request, managers)
    return render(
        request,
        "cases/board.html",
        {
            **selectors.board(actor=request.user, manager=manager),
            "managers": managers,
            "manager": manager,
        },
    )


# --- one case --------------------------------------------------------------------------------


def _detail(request, case, *, advance=None, close=None, assign=None, status=200):
    office = selectors.is_office_view(request.user, case)
    can_assign = case.is_open and services.can_assign(request.user, case)
    candidates = services.manager_candidates(case.institution_id) if can_assign else []
    context = {
        "case": case,
        "office": office,
        "steps": selectors.progress(case),
        "stage_times": list(case.stage_times.select_related("actor")),
        "history": selectors.case_history(actor=request.user, case=case)[:50],
        "advance_form": advance or AdvanceForm(case=case),
        "close_form": close or CloseForm(),
        "assign_form": assign
        or AssignForm(candidates=candidates, initial={"manager": str(case.manager_id or "")}),
        "can_act": office and case.is_open,
        "can_assign": can_assign,
        "open_tab": "advance" if advance else "close" if close else "assign" if assign else "",
    }
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
def case_detail(request, pk: int):
    return _detail(request, selectors.case_get(actor=request.user, pk=pk))


def _apply(request, case, form, call, done: str, key: str):
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("case-detail", pk=case.pk)
    return _detail(request, case, status=400, **{key: form})


@login_required
@require_POST
def case_advance(request, pk: int):
    case = selectors.case_get(actor=request.user, pk=pk)
    require(
        services.can_act(request.user, case),
        _("Only the institution's transfer office or the case's manager may do this."),
    )
    form = AdvanceForm(request.POST, case=case)

    def call(data):
        services.case_advance(
            actor=request.user,
            case=case,
            stage=data["stage"],
            note=data["note"],
            deal_reference=data["deal_reference"],
        )

    return _apply(request, case, form, call, _("The case moved forward."), "advance")


@login_required
@require_POST
def case_close(request, pk: int):
    case = selectors.case_get(actor=request.user, pk=pk)
    require(
        services.can_act(request.user, case),
        _("Only the institution's transfer office or the case's manager may do this."),
    )
    form = CloseForm(request.POST)

    def call(data):
        services.case_close(actor=request.user, case=case, reason=data["reason"], note=data["note"])

    return _apply(request, case, form, call, _("The case was closed."), "close")


@login_required
@require_POST
def case_assign(request, pk: int):
    case = selectors.case_get(actor=request.user, pk=pk)
    require(
        services.can_assign(request.user, case),
        _("Only the transfer office of this institution may do this."),
    )
    candidates = list(services.manager_candidates(case.institution_id))
    form = AssignForm(request.POST, candidates=candidates)

    def call(data):
        manager = next(u for u in candidates if str(u.pk) == data["manager"])
        services.case_assign(actor=request.user, case=case, manager=manager)

    return _apply(request, case, form, call, _("The case was handed over."), "assign")


# --- interest from the listing page ----------------------------------------------------------


def _listing_page(request, listing, interest_form, status=400):
    """The listing's page again, with the interest form's errors."""
    return render(
        request,
        "market/listing_detail.html",
        {
            "listing": listing,
            "form": ContactForm(),
            "is_office": scope_for(request.user).is_staff_of(listing.institution_id),
            "interest_form": interest_form,
        },
        status=status,
    )


@login_required
@require_POST
def case_interest(request, listing_id: int):
    listing = market_selectors.listing_get(actor=request.user, pk=listing_id)
    enterprises = list(services.interest_enterprises(request.user))
    require(
        bool(enterprises), _("Only an enterprise's own users may express interest in a listing.")
    )
    form = InterestForm(request.POST, enterprises=enterprises)
    if form.is_valid():
        data = form.cleaned_data
        demand = None
        if data.get("demand"):
            demand = market_selectors.demand_get(actor=request.user, pk=data["demand"])
        enterprise = next((e for e in enterprises if str(e.pk) == data.get("enterprise")), None)
        try:
            case, created = services.case_open(
                actor=request.user,
                listing=listing,
                message=data["message"],
                demand=demand,
                enterprise=enterprise,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            if created:
                messages.success(
                    request,
                    _("Your interest was sent. The technology manager will contact you."),
                )
            else:
                messages.info(
                    request,
                    _(
                        "You already have an open case for this listing: your message was added "
                        "to it."
                    ),
                )
            return redirect("case-detail", pk=case.pk)
    return _listing_page(request, listing, form)
