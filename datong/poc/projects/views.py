"""Pages of funded projects and of the verification resource directory. Thin: read through the
selectors, write through the services, show the services' messages next to the fields."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from datong.accounts.models import User
from datong.core.audit import history_for
from datong.core.exports import export_response
from datong.core.forms import attach_errors
from datong.core.pagination import paginate
from datong.core.permissions import require, works_in_an_office
from datong.institutions.models import Institution
from datong.institutions.regions import province_choices
from datong.poc.models import FundingLine, Stage, VerificationKind

from . import access, ledger, matches, selectors, services
from .forms import (
    BookingForm,
    CoachingForm,
    ExpenseForm,
    ExtensionForm,
    GateForm,
    MentorForm,
    MilestoneDecisionForm,
    MilestoneReportForm,
    NoteForm,
    OutcomeForm,
    ProjectStartForm,
    ReasonForm,
    ReportForm,
    ResourceForm,
    TerminateForm,
)
from .models import (
    ExpenseStatus,
    ExtensionStatus,
    Outcome,
    ProjectFunding,
    ProjectState,
    ReportStatus,
    Termination,
    Tranche,
)

TABS = (
    ("milestones", gettext_lazy("Milestones and tranches")),
    ("money", gettext_lazy("Money")),
    ("verification", gettext_lazy("Verification")),
    ("coaching", gettext_lazy("Coaching")),
    ("reports", gettext_lazy("Spending reports")),
    ("gates", gettext_lazy("Gate reviews")),
    ("closing", gettext_lazy("Extensions and closing")),
    ("outcome", gettext_lazy("Outcome")),
)
TAB_NAMES = {name for name, _label in TABS}


def _tab_url(project, tab: str) -> str:
    return f"{reverse('project-detail', args=[project.pk])}?tab={tab}"


# --- the list --------------------------------------------------------------------------------


def _with_money(qs):
    awarded = (
        ProjectFunding.objects.filter(project=OuterRef("pk"))
        .values("project")
        .annotate(s=Sum("awarded"))
        .values("s")
    )
    released = (
        Tranche.objects.filter(project=OuterRef("pk"))
        .values("project")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    zero = Value(Decimal("0"))
    amount = DecimalField(max_digits=14, decimal_places=2)
    return qs.annotate(
        awarded_total=Coalesce(Subquery(awarded), zero, output_field=amount),
        released_total=Coalesce(Subquery(released), zero, output_field=amount),
    )


@login_required
def project_list(request):
    params = {k: request.GET.get(k, "").strip() for k in ("q", "state", "programme", "stage")}
    projects = selectors.project_list(actor=request.user, **params)
    counts = dict.fromkeys(ProjectState.values, 0)
    base = selectors.project_list(actor=request.user, **{**params, "state": ""})
    for state in base.values_list("state", flat=True):
        counts[state] += 1
    page = paginate(request, _with_money(projects))
    return render(
        request,
        "poc_projects/project_list.html",
        {
            "page": page,
            "params": params,
            "states": [(value, label, counts[value]) for value, label in ProjectState.choices],
            "all_count": sum(counts.values()),
            "stages": Stage.choices,
            "programmes": selectors.project_programmes(actor=request.user),
            "startable": selectors.startable_applications(actor=request.user)[:50],
        },
    )


# --- starting a project ----------------------------------------------------------------------


@login_required
def project_start(request, application_pk: int):
    application = selectors.startable_application_get(actor=request.user, pk=application_pk)
    lines = list(FundingLine.objects.filter(pk__in=services.awarded_lines(application)))
    plan, advances = services.tranche_plan(application)
    form = ProjectStartForm(
        request.POST or None,
        application=application,
        lines=lines,
        plan=plan,
        advances=advances,
        initial={
            "starts_on": timezone.localdate(),
            "ends_on": timezone.localdate() + dt.timedelta(days=365),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_start(
                actor=request.user, application=application, **form.service_kwargs()
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The project has started."))
            return redirect("project-detail", pk=project.pk)
    awarded = services.awarded_lines(application)
    return render(
        request,
        "poc_projects/project_start.html",
        {
            "application": application,
            "form": form,
            "awarded": [(line, awarded[line.pk]) for line in lines],
            "awarded_total": sum(awarded.values()),
        },
        status=400 if form.errors else 200,
    )


# --- the project page ------------------------------------------------------------------------


def _milestones_context(request, project, roles, forms):
    milestones = list(selectors.project_milestones(project))
    for milestone in milestones:
        milestone.latest = next(iter(milestone.reports.all()), None)
    return {
        "milestones": milestones,
        "tranches": selectors.project_tranches(project),
        "failed_report": forms.get("failed_report"),
        "report_form": MilestoneReportForm(),
        "decision_form": MilestoneDecisionForm(initial={"released_on": timezone.localdate()}),
    }


def _money_context(request, project, roles, forms):
    status = request.GET.get("status", "")
    lines = [f.funding_line for f in project.funding.select_related("funding_line")]
    return {
        "expenses": selectors.project_expenses(
            project, status if status in ExpenseStatus.values else ""
        ),
        "expense_status": status,
        "expense_statuses": ExpenseStatus.choices,
        "expense_form": forms.get("expense")
        or ExpenseForm(lines=lines, initial={"spent_on": timezone.localdate()}),
        "reject_form": ReasonForm(),
    }


def _verification_context(request, project, roles, forms):
    needs = []
    used_index = True
    for need in selectors.project_needs(project):
        found, answered = matches.resource_matches(project, need)
        used_index = used_index and answered
        needs.append((need, found))
    return {
        "needs": needs,
        "used_index": used_index,
        "bookings": selectors.project_bookings(project),
        "booking_form": forms.get("booking") or BookingForm(),
        "failed_booking": forms.get("failed_booking"),
    }


def _mentor_candidates(project):
    """People to suggest as mentor: the offices' technology managers and staff, and the public
    experts; any other user can be typed in."""
    from datong.core.roles import STAFF_ROLES

    institutions = [project.programme.owner_id, project.institution_id]
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(memberships__institution_id__in=institutions, memberships__role__in=STAFF_ROLES)
            | Q(expert_profile__is_public=True)
        )
        .distinct()
        .order_by("name", "username")[:200]
    )


def _coaching_context(request, project, roles, forms):
    mentor_initial = {
        "mentor": project.mentor.username if project.mentor_id else "",
        "mentor_kind": project.mentor_kind,
    }
    return {
        "sessions": selectors.project_coaching(project),
        "coaching_form": forms.get("coaching")
        or CoachingForm(initial={"held_on": timezone.localdate()}),
        "mentor_form": forms.get("mentor") or MentorForm(initial=mentor_initial),
        "candidates": _mentor_candidates(project) if roles["owner_office"] else [],
    }


def _reports_context(request, project, roles, forms):
    reports = list(selectors.project_reports(project))
    for report in reports:
        report.rows = ledger.snapshot_rows(report.snapshot)
    return {
        "reports": reports,
        "report_form": forms.get("report")
        or ReportForm(
            initial={"period_start": project.starts_on, "period_end": timezone.localdate()}
        ),
        "note_form": NoteForm(),
    }


def _gates_context(request, project, roles, forms):
    return {
        "gates": selectors.project_gates(project),
        "gate_form": forms.get("gate") or GateForm(initial={"held_on": timezone.localdate()}),
    }


def _termination(project):
    if project.state != ProjectState.TERMINATED:
        return None
    return Termination.objects.filter(project=project).first()


def _closing_context(request, project, roles, forms):
    termination = _termination(project)
    return {
        "extensions": project.extensions.select_related("requested_by", "decided_by"),
        "extension_form": forms.get("extension") or ExtensionForm(),
        "pending_extension": project.extensions.filter(status=ExtensionStatus.REQUESTED).exists(),
        "note_form": NoteForm(),
        "suspend_form": forms.get("suspend") or ReasonForm(),
        "terminate_form": forms.get("terminate")
        or TerminateForm(initial={"decided_on": timezone.localdate()}),
        "payback": services.payback_figures(project) if not project.is_closed else None,
        "termination": termination,
        "termination_figures": termination
        and {
            "lines": termination.breakdown,
            **{
                n: getattr(termination, n)
                for n in ("released", "spent", "ineligible", "unspent", "payback")
            },
        },
        "final_accepted": project.reports.filter(
            kind="final", status=ReportStatus.ACCEPTED
        ).exists(),
        "has_outcome": Outcome.objects.filter(project=project).exists(),
    }


def _outcome_context(request, project, roles, forms):
    outcome = Outcome.objects.filter(project=project).first()
    families = selectors.offered_ip_families(project)
    linked = outcome.ip_families.all() if outcome else []
    return {
        "outcome": outcome,
        "linked_families": linked,
        "outcome_form": forms.get("outcome")
        or OutcomeForm(families=families, initial=OutcomeForm.initial_from(outcome)),
    }


CONTEXTS = {
    "milestones": _milestones_context,
    "money": _money_context,
    "verification": _verification_context,
    "coaching": _coaching_context,
    "reports": _reports_context,
    "gates": _gates_context,
    "closing": _closing_context,
    "outcome": _outcome_context,
}


def _detail(request, project, tab: str = "", forms: dict | None = None, status: int = 200):
    tab = tab if tab in TAB_NAMES else "milestones"
    roles = access.roles(request.user, project)
    book = ledger.project_ledger(project)
    context = {
        "project": project,
        "application": project.application,
        "roles": roles,
        "tab": tab,
        "tabs": TABS,
        "ledger": book,
        "totals": book.totals,
        "is_office": roles["owner_office"] or access.is_institution_office(request.user, project),
        "termination": _termination(project),
    }
    context |= CONTEXTS[tab](request, project, roles, forms or {})
    if context["is_office"] and tab == "closing":
        context["history"] = history_for(project)[:30]
    return render(request, "poc_projects/project_detail.html", context, status=status)


@login_required
def project_detail(request, pk: int):
    project = selectors.project_get(actor=request.user, pk=pk)
    tab = request.GET.get("tab", "")
    if tab == "money" and request.GET.get("export"):
        return _expense_export(request, project)
    return _detail(request, project, tab)


def _expense_export(request, project):
    expenses = selectors.project_expenses(project)
    return export_response(
        request,
        f"expenses-{project.number or project.pk}",
        _("Expenses"),
        [
            _("Date"),
            _("Funding line"),
            _("Cost type"),
            _("Amount (yuan)"),
            _("Payee"),
            _("Invoice number"),
            _("Description"),
            _("Status"),
            _("Reason for rejection"),
        ],
        (
            (
                e.spent_on,
                ledger.line_name(e.funding_line),
                e.get_cost_type_display(),
                e.amount,
                e.payee,
                e.invoice_number,
                e.description,
                e.get_status_display(),
                e.rejection_reason,
            )
            for e in expenses
        ),
    )


def _act(request, project, tab, form, key, call, done):
    """Run ``call(cleaned_data)`` for a valid form; on success back to the tab, else the page
    again with the form's errors."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(_tab_url(project, tab))
    return _detail(request, project, tab, {key: form}, status=400)


def _quick(request, project, tab, call, done):
    """A row action: errors become messages, the page reloads on the tab."""
    try:
        call()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(_tab_url(project, tab))


def _project(request, pk):
    return selectors.project_get(actor=request.user, pk=pk)


# --- coaching --------------------------------------------------------------------------------


def _find_user(value: str):
    value = (value or "").strip()
    if not value:
        return None
    user = User.objects.filter(Q(username=value) | Q(email__iexact=value)).first()
    if user is None:
        raise ValidationError({"mentor": _("No user with this user name or e-mail.")})
    return user


@login_required
@require_POST
def project_mentor(request, pk: int):
    project = _project(request, pk)

    def call(data):
        services.project_assign_mentor(
            actor=request.user,
            project=project,
            mentor=_find_user(data["mentor"]),
            kind=data["mentor_kind"],
        )

    return _act(
        request,
        project,
        "coaching",
        MentorForm(request.POST),
        "mentor",
        call,
        _("The mentor was saved."),
    )


@login_required
@require_POST
def project_coaching(request, pk: int):
    project = _project(request, pk)
    form = CoachingForm(request.POST)

    def call(data):
        services.coaching_record(actor=request.user, project=project, data=data)

    return _act(
        request, project, "coaching", form, "coaching", call, _("The session was recorded.")
    )


# --- verification ----------------------------------------------------------------------------


@login_required
@require_POST
def project_book(request, pk: int):
    project = _project(request, pk)
    form = BookingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the booking's dates."))
        return redirect(_tab_url(project, "verification"))
    data = form.cleaned_data
    resource = selectors.resource_get(actor=request.user, pk=data["resource"])
    need = selectors.project_need_get(project, data["need"]) if data.get("need") else None

    def call():
        services.booking_create(
            actor=request.user,
            project=project,
            resource=resource,
            need=need,
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            note=data.get("note", ""),
        )

    return _quick(
        request, project, "verification", call, _("The resource was booked for the project.")
    )


@login_required
@require_POST
def project_booking_cancel(request, pk: int, booking_pk: int):
    project = _project(request, pk)
    booking = project.bookings.filter(pk=booking_pk).first()
    if booking is None:
        raise Http404(_("Not found."))
    return _quick(
        request,
        project,
        "verification",
        lambda: services.booking_cancel(actor=request.user, booking=booking),
        _("The booking was cancelled."),
    )


# --- milestones ------------------------------------------------------------------------------


def _milestone(project, milestone_pk):
    milestone = project.milestones.filter(pk=milestone_pk).first()
    if milestone is None:
        raise Http404(_("Not found."))
    milestone.project = project
    return milestone


@login_required
@require_POST
def milestone_report(request, pk: int, milestone_pk: int):
    project = _project(request, pk)
    milestone = _milestone(project, milestone_pk)
    form = MilestoneReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.milestone_report(
                actor=request.user,
                milestone=milestone,
                evidence=form.cleaned_data["evidence"],
                upload=form.cleaned_data.get("attachment"),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The milestone was reported; the office will review it."))
            return redirect(_tab_url(project, "milestones"))
    return _detail(request, project, "milestones", {"failed_report": (milestone.pk, form)}, 400)


@login_required
@require_POST
def milestone_decide(request, pk: int, milestone_pk: int):
    project = _project(request, pk)
    milestone = _milestone(project, milestone_pk)
    form = MilestoneDecisionForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    if request.POST.get("decision") == "accept":
        return _quick(
            request,
            project,
            "milestones",
            lambda: services.milestone_accept(
                actor=request.user,
                milestone=milestone,
                note=note,
                released_on=form.cleaned_data.get("released_on"),
            ),
            _("The milestone was accepted and its tranche released."),
        )
    return _quick(
        request,
        project,
        "milestones",
        lambda: services.milestone_reject(actor=request.user, milestone=milestone, note=note),
        _("The milestone was sent back to the team."),
    )


@login_required
def milestone_evidence(request, pk: int, report_pk: int):
    project = _project(request, pk)
    from .models import MilestoneReport

    report = MilestoneReport.objects.filter(pk=report_pk, milestone__project=project).first()
    if report is None or not report.attachment:
        raise Http404(_("Not found."))
    try:
        handle = report.attachment.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("Not found.")) from exc
    return FileResponse(handle, as_attachment=True, filename=report.attachment_name or "evidence")


# --- gates -----------------------------------------------------------------------------------


@login_required
@require_POST
def project_gate(request, pk: int):
    project = _project(request, pk)

    def call(data):
        gate = services.gate_record(actor=request.user, project=project, data=data)
        if gate.decision == "stop":
            messages.warning(
                request, _("The project was stopped and terminated; see the money to pay back.")
            )

    return _act(
        request,
        project,
        "gates",
        GateForm(request.POST),
        "gate",
        call,
        _("The gate review was recorded."),
    )


# --- money -----------------------------------------------------------------------------------


@login_required
@require_POST
def project_expense(request, pk: int):
    project = _project(request, pk)
    lines = [f.funding_line for f in project.funding.select_related("funding_line")]
    form = ExpenseForm(request.POST, lines=lines)

    def call(data):
        services.expense_record(actor=request.user, project=project, data=data)

    return _act(request, project, "money", form, "expense", call, _("The expense was recorded."))


@login_required
@require_POST
def expense_reject(request, pk: int, expense_pk: int):
    project = _project(request, pk)
    expense = project.expenses.filter(pk=expense_pk).first()
    if expense is None:
        raise Http404(_("Not found."))
    expense.project = project
    reason = request.POST.get("reason", "")
    return _quick(
        request,
        project,
        "money",
        lambda: services.expense_reject(actor=request.user, expense=expense, reason=reason),
        _("The expense was rejected; its amount is to be paid back."),
    )


# --- reports ---------------------------------------------------------------------------------


@login_required
@require_POST
def project_report(request, pk: int):
    project = _project(request, pk)

    def call(data):
        services.report_submit(actor=request.user, project=project, data=data)

    return _act(
        request,
        project,
        "reports",
        ReportForm(request.POST),
        "report",
        call,
        _("The report was submitted with today's figures."),
    )


@login_required
@require_POST
def report_decide(request, pk: int, report_pk: int):
    project = _project(request, pk)
    report = project.reports.filter(pk=report_pk).first()
    if report is None:
        raise Http404(_("Not found."))
    report.project = project
    accept = request.POST.get("decision") == "accept"
    return _quick(
        request,
        project,
        "reports",
        lambda: services.report_decide(
            actor=request.user, report=report, accept=accept, note=request.POST.get("note", "")
        ),
        _("The report was accepted.") if accept else _("The report was returned to the team."),
    )


# --- extensions and closing ------------------------------------------------------------------


@login_required
@require_POST
def project_extension(request, pk: int):
    project = _project(request, pk)

    def call(data):
        services.extension_request(actor=request.user, project=project, **data)

    return _act(
        request,
        project,
        "closing",
        ExtensionForm(request.POST),
        "extension",
        call,
        _("The extension was requested."),
    )


@login_required
@require_POST
def extension_decide(request, pk: int, extension_pk: int):
    project = _project(request, pk)
    extension = project.extensions.filter(pk=extension_pk).first()
    if extension is None:
        raise Http404(_("Not found."))
    extension.project = project
    approve = request.POST.get("decision") == "approve"
    return _quick(
        request,
        project,
        "closing",
        lambda: services.extension_decide(
            actor=request.user,
            extension=extension,
            approve=approve,
            note=request.POST.get("note", ""),
        ),
        _("The extension was approved.") if approve else _("The extension was refused."),
    )


@login_required
@require_POST
def project_suspend(request, pk: int):
    project = _project(request, pk)

    def call(data):
        services.project_suspend(actor=request.user, project=project, reason=data["reason"])

    return _act(
        request,
        project,
        "closing",
        ReasonForm(request.POST),
        "suspend",
        call,
        _("The project was suspended."),
    )


@login_required
@require_POST
def project_resume(request, pk: int):
    project = _project(request, pk)
    return _quick(
        request,
        project,
        "closing",
        lambda: services.project_resume(actor=request.user, project=project),
        _("The project was resumed."),
    )


@login_required
@require_POST
def project_terminate(request, pk: int):
    project = _project(request, pk)

    def call(data):
        services.project_terminate(actor=request.user, project=project, **data)

    return _act(
        request,
        project,
        "closing",
        TerminateForm(request.POST),
        "terminate",
        call,
        _("The project was terminated."),
    )


@login_required
@require_POST
def project_complete(request, pk: int):
    project = _project(request, pk)
    return _quick(
        request,
        project,
        "closing",
        lambda: services.project_complete(actor=request.user, project=project),
        _("The project was completed."),
    )


@login_required
@require_POST
def project_outcome(request, pk: int):
    project = _project(request, pk)
    form = OutcomeForm(request.POST, families=selectors.offered_ip_families(project))

    def call(data):
        services.outcome_record(actor=request.user, project=project, data=data)

    return _act(request, project, "outcome", form, "outcome", call, _("The outcome was saved."))


# --- verification resources ------------------------------------------------------------------


@login_required
def resource_list(request):
    params = {k: request.GET.get(k, "").strip() for k in ("q", "kind", "region")}
    page = paginate(request, selectors.resource_list(actor=request.user, **params))
    return render(
        request,
        "poc_projects/resource_list.html",
        {
            "page": page,
            "params": params,
            "kinds": VerificationKind.choices,
            "provinces": province_choices(get_language() or "zh-hans"),
            "can_list": works_in_an_office(request.user),
        },
    )


@login_required
def resource_detail(request, pk: int):
    resource = selectors.resource_get(actor=request.user, pk=pk)
    return render(
        request,
        "poc_projects/resource_detail.html",
        {
            "resource": resource,
            "bookings": selectors.resource_bookings(actor=request.user, resource=resource),
            "can_edit": services.can_edit_resource(request.user, resource),
        },
    )


def _provider_choices():
    return Institution.objects.filter(is_listed=True).order_by("name")


@login_required
def resource_create(request):
    offices = list(services.resource_offices(request.user))
    require(bool(offices), _("Only transfer-office staff may list verification resources."))
    listed_by = offices[0]
    providers = list(_provider_choices())
    if listed_by not in providers:
        providers.insert(0, listed_by)
    form = ResourceForm(
        request.POST or None,
        institutions=providers,
        initial={"institution": str(listed_by.pk), "region": listed_by.province, "is_public": True},
    )
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.resource_create(
                actor=request.user, listed_by=listed_by, data=form.cleaned_data
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The resource was added to the directory."))
            return redirect("resource-detail", pk=resource.pk)
    return render(request, "poc_projects/resource_form.html", {"form": form})


@login_required
def resource_edit(request, pk: int):
    resource = selectors.resource_get(actor=request.user, pk=pk)
    require(
        services.can_edit_resource(request.user, resource),
        _("Only the office that lists this resource, or its provider's office, may edit it."),
    )
    providers = list(_provider_choices())
    if resource.institution not in providers:
        providers.insert(0, resource.institution)
    form = ResourceForm(
        request.POST or None, institutions=providers, initial=ResourceForm.initial_from(resource)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.resource_update(actor=request.user, resource=resource, data=form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The resource was saved."))
            return redirect("resource-detail", pk=resource.pk)
    return render(request, "poc_projects/resource_form.html", {"form": form, "resource": resource})
