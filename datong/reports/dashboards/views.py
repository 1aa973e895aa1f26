"""Pages of the dashboards: thin, every figure comes from ``selectors``, every write from
``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from datong.core.forms import attach_errors
from datong.core.permissions import scope_for
from datong.institutions.models import Institution

from . import exports, selectors, services
from .forms import AgreementForm, YearForm


def _year(value, default: int) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def _years(request) -> tuple[int, int]:
    low, high = selectors.default_years()
    year_from = _year(request.GET.get("year_from"), low)
    year_to = _year(request.GET.get("year_to"), high)
    return year_from, year_to


def _year_choices() -> list[int]:
    this = timezone.localdate().year
    return list(range(this, 1999, -1))


# --- the institution dashboard -----------------------------------------------------------------


def _summary(data: dict) -> list[list]:
    department = data.get("department_obj")
    rows = [
        [_("Institution"), data["institution"].display_name],
        [_("Years"), f"{data['year_from']}–{data['year_to']}"],
        [_("Department"), department.display_name if department else _("All departments")],
        [_("Computed on"), timezone.localdate().isoformat()],
        [],
    ]
    labels = selectors.metric_labels()
    for key, value in data["totals"].items():
        rows.append([str(labels[key][0]), value])
    rows.append([])
    rows.append(
        [
            _("Conversion funnel"),
            _("Disclosures"),
            _("Share of disclosed (%)"),
            _("Share of the stage before (%)"),
        ]
    )
    for stage in data["funnel"]:
        rows.append([stage["label"], stage["value"], stage["of_first"], stage["of_previous"]])
    return rows


def _chart_labels() -> dict:
    return {key: str(label) for key, (label, _unit) in selectors.metric_labels().items()}


@login_required
def institution_dashboard(request):
    if not selectors.can_see_dashboard(request.user):
        raise Http404(_("Not found."))
    institution = selectors.dashboard_institution(
        actor=request.user, slug=request.GET.get("institution", "").strip()
    )
    year_from, year_to = _years(request)
    department = request.GET.get("department", "").strip() or None
    departments = selectors.department_choices(actor=request.user, institution=institution)
    error = None
    try:
        data = selectors.institution_dashboard(
            actor=request.user,
            institution=institution,
            year_from=year_from,
            year_to=year_to,
            department=department,
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
        year_from, year_to = selectors.default_years()
        department = None
        data = selectors.institution_dashboard(
            actor=request.user, institution=institution, year_from=year_from, year_to=year_to
        )
    data["department_obj"] = (
        departments.filter(pk=data["department"]).first() if data["department"] else None
    )
    tables = list(data["tables"].values())
    stem = f"dashboard-{institution.slug}-{data['year_from']}-{data['year_to']}"
    export = request.GET.get("export")
    if export == "csv":
        funnel = selectors.funnel_table(data["funnel"])
        return exports.csv_response(stem, exports.long_rows([*tables, funnel]))
    if export:
        funnel = selectors.funnel_table(data["funnel"])
        return exports.workbook_response(stem, _summary(data), [*tables, funnel])
    charts = {
        "years": data["years"],
        "tables": data["tables"],
        "funnel": data["funnel"],
    }
    scope = scope_for(request.user)
    return render(
        request,
        "dashboards/institution.html",
        {
            "data": data,
            "institution": institution,
            "institutions": selectors.dashboard_institutions(actor=request.user)
            if scope.is_superuser or len(scope.staff_institution_ids) > 1
            else [],
            "departments": departments,
            "department": data["department_obj"],
            "years": _year_choices(),
            "error": error,
            "charts": charts,
            "chart_labels": _chart_labels(),
            "metric_labels": selectors.metric_labels(),
            "today": timezone.localdate(),
            "reward_money": data["totals"]["reward_cash"] + data["totals"]["reward_credit"],
        },
    )


# --- the alliance view -------------------------------------------------------------------------


@login_required
def alliance_list(request):
    alliances = list(selectors.viewable_alliances(actor=request.user))
    if not alliances:
        raise Http404(_("Not found."))
    if len(alliances) == 1:
        return redirect("dashboard-alliance", alliances[0].slug)
    return render(request, "dashboards/alliance_list.html", {"alliances": alliances})


def _alliance_summary(overview: dict) -> tuple[list, list, list]:
    metrics = overview["metrics"]
    headers = [_("Member"), *(m["label"] for m in metrics)]
    rows = [
        [row["institution"].display_name, *(row["values"][m["key"]] for m in metrics)]
        for row in overview["members"]
    ]
    rows.append([_("Alliance total"), *(overview["totals"][m["key"]] for m in metrics)])
    rows.append([_("Alliance median"), *(overview["medians"][m["key"]] for m in metrics)])
    return headers, rows, metrics


@login_required
def alliance_view(request, slug: str):
    alliance = selectors.alliance_for_view(actor=request.user, slug=slug)
    year_from, year_to = _years(request)
    error = None
    try:
        overview = selectors.alliance_overview(
            actor=request.user, alliance=alliance, year_from=year_from, year_to=year_to
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
        year_from, year_to = selectors.default_years()
        overview = selectors.alliance_overview(
            actor=request.user, alliance=alliance, year_from=year_from, year_to=year_to
        )
    agreements = selectors.alliance_agreements(actor=request.user, alliance=alliance)
    export = request.GET.get("export")
    if export:
        headers, rows, metrics = _alliance_summary(overview)
        agreement_headers = [
            _("Member"),
            _("Agreement"),
            _("Partner region"),
            _("Years"),
            _("Joint centre"),
            _("Projects landed"),
            _("Contract total (yuan)"),
        ]
        agreement_rows = [
            [
                a["institution"].display_name,
                a["title"],
                a["partner"],
                a["years"],
                a["centre_name"],
                a["projects"],
                a["amount"],
            ]
            for a in agreements
        ]
        stem = f"alliance-{alliance.slug}-{overview['year_from']}-{overview['year_to']}"
        if export == "csv":
            return exports.csv_response(
                stem,
                (
                    [
                        "members",
                        _("Member figures"),
                        row["institution"].slug,
                        row["institution"].display_name,
                        m["key"],
                        m["label"],
                        m["unit"],
                        row["values"][m["key"]],
                    ]
                    for row in overview["members"]
                    for m in metrics
                ),
            )
        summary = [
            [_("Alliance"), alliance.display_name],
            [_("Years"), f"{overview['year_from']}–{overview['year_to']}"],
            [_("Members"), overview["member_count"]],
            [_("Computed on"), timezone.localdate().isoformat()],
        ]
        return exports.workbook_response(
            stem,
            summary,
            [],
            extra=[
                (_("Member figures"), headers, rows),
                (_("Cooperation agreements"), agreement_headers, agreement_rows),
            ],
        )
    chart = {
        "members": [row["institution"].display_name for row in overview["members"]],
        "metrics": overview["metrics"],
        "values": {
            m["key"]: [row["values"][m["key"]] for row in overview["members"]]
            for m in overview["metrics"]
        },
        "medians": overview["medians"],
    }
    return render(
        request,
        "dashboards/alliance.html",
        {
            "alliance": alliance,
            "overview": overview,
            "shared": selectors.alliance_shared_lists(actor=request.user, alliance=alliance),
            "agreements": agreements,
            "years": _year_choices(),
            "error": error,
            "chart": chart,
        },
    )


@login_required
def alliance_agreements(request, slug: str):
    alliance = selectors.alliance_for_view(actor=request.user, slug=slug)
    agreements = selectors.alliance_agreements(actor=request.user, alliance=alliance)
    return render(
        request,
        "dashboards/alliance_agreements.html",
        {
            "alliance": alliance,
            "agreements": agreements,
            "total_projects": sum(a["projects"] for a in agreements),
            "total_amount": sum((a["amount"] for a in agreements), selectors.ZERO),
        },
    )


# --- cooperation agreements --------------------------------------------------------------------


def _office_institutions(user):
    return selectors.dashboard_institutions(actor=user)


@login_required
def agreement_list(request):
    if not selectors.can_see_agreements(request.user):
        raise Http404(_("Not found."))
    q = request.GET.get("q", "").strip()
    agreements = selectors.agreement_list(actor=request.user, q=q)
    return render(
        request,
        "dashboards/agreement_list.html",
        {
            "agreements": agreements,
            "q": q,
            "can_create": _office_institutions(request.user).exists(),
        },
    )


def _pick_institution(request) -> Institution:
    institutions = _office_institutions(request.user)
    slug = (request.POST.get("institution") or request.GET.get("institution") or "").strip()
    item = institutions.filter(slug=slug).first() if slug else institutions.first()
    if item is None:
        raise Http404(_("Not found."))
    return item


@login_required
def agreement_create(request):
    if not selectors.can_see_agreements(request.user):
        raise Http404(_("Not found."))
    institution = _pick_institution(request)
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(
                actor=request.user, institution=institution, data=form.cleaned_data
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The agreement was recorded."))
            return redirect("agreement-detail", agreement.pk)
    return render(
        request,
        "dashboards/agreement_form.html",
        {
            "form": form,
            "institution": institution,
            "institutions": _office_institutions(request.user),
            "agreement": None,
        },
    )


@login_required
def agreement_detail(request, pk: int):
    agreement = selectors.agreement_get(actor=request.user, pk=pk)
    return _detail(request, agreement, YearForm())


def _detail(request, agreement, year_form):
    chart = selectors.agreement_chart(agreement)
    return render(
        request,
        "dashboards/agreement_detail.html",
        {
            "agreement": agreement,
            "rows": selectors.agreement_years(agreement),
            "chart": chart,
            "year_form": year_form,
            "can_edit": services.can_manage(request.user, agreement.institution_id),
            "chart_labels": {
                "projects": _("Projects landed"),
                "amount": _("Contract total"),
                "cumulative": _("Projects landed, running total"),
            },
        },
    )


@login_required
def agreement_edit(request, pk: int):
    agreement = selectors.agreement_get(actor=request.user, pk=pk)
    form = AgreementForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(
                actor=request.user, agreement=agreement, data=form.cleaned_data
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The agreement was saved."))
            return redirect("agreement-detail", agreement.pk)
    return render(
        request,
        "dashboards/agreement_form.html",
        {"form": form, "institution": agreement.institution, "agreement": agreement},
    )


@login_required
@require_POST
def agreement_delete(request, pk: int):
    agreement = selectors.agreement_get(actor=request.user, pk=pk)
    services.agreement_delete(actor=request.user, agreement=agreement)
    messages.success(request, _("The agreement was deleted."))
    return redirect("agreement-list")


@login_required
@require_POST
def agreement_year(request, pk: int):
    agreement = selectors.agreement_get(actor=request.user, pk=pk)
    form = YearForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_year_set(
                actor=request.user, agreement=agreement, **form.cleaned_data
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The year's figures were saved."))
            return redirect("agreement-detail", agreement.pk)
    return _detail(request, agreement, form)


@login_required
@require_POST
def agreement_year_delete(request, pk: int, year: int):
    agreement = selectors.agreement_get(actor=request.user, pk=pk)
    try:
        services.agreement_year_delete(actor=request.user, agreement=agreement, year=year)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The year's figures were removed."))
    return redirect("agreement-detail", agreement.pk)
