"""Pages of programmes, calls and applications: thin — parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from datong.core.exports import export_response
from datong.core.forms import attach_errors
from datong.core.pagination import paginate
from datong.core.permissions import require
from datong.institutions.models import Alliance
from datong.results import presenters

from . import applications, selectors, services, workflow
from .forms import (
    COST_RULE_FIELDS,
    CRITERION_FIELDS,
    MILESTONE_FIELDS,
    NEED_FIELDS,
    TEAM_FIELDS,
    AgreementForm,
    ApplicationForm,
    CallForm,
    CostRuleFormSet,
    CriterionFormSet,
    FundingLineForm,
    MilestoneFormSet,
    NeedFormSet,
    NoteForm,
    ObjectionForm,
    ProgrammeForm,
    RequestsForm,
    ResolveForm,
    TeamFormSet,
    formset_rows,
)
from .models import ApplicationStatus, CallStatus, Stage

S = ApplicationStatus


def _flash_errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _programme_office(request, code: str):
    programme = selectors.programme_get(actor=request.user, code=code)
    require(
        selectors.is_programme_office(request.user, programme),
        _("Only the transfer office running this programme may do this."),
    )
    return programme


# --- programmes ------------------------------------------------------------------------------


@login_required
def programme_list(request):
    """Active programmes for everyone; the office's own inactive ones too."""
    office = selectors.managed_programmes(actor=request.user)
    programmes = list(selectors.programme_list(actor=request.user, include_inactive=True))
    managed = {p.pk for p in office}
    shown = [p for p in programmes if p.is_active or p.pk in managed]
    for programme in shown:
        programme.is_mine = programme.pk in managed
        if programme.is_mine:
            programme.figures = selectors.programme_figures(programme)
    return render(
        request,
        "poc/programme_list.html",
        {
            "programmes": shown,
            "can_create": selectors.can_create_programme(request.user),
            "my_count": selectors.my_applications(actor=request.user).count(),
            "today": timezone.localdate(),
        },
    )


def _programme_form_page(request, form, programme=None):
    return render(
        request,
        "poc/programme_form.html",
        {"form": form, "programme": programme},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def programme_create(request):
    owners = list(presenters.staff_institutions(request.user)[:200])
    require(bool(owners), _("Only a transfer office can create a programme."))
    form = ProgrammeForm(request.POST or None, owners=owners, alliances=Alliance.objects.all())
    if request.method == "POST" and form.is_valid():
        owner = next(i for i in owners if str(i.pk) == form.cleaned_data["owner"])
        try:
            programme = services.programme_create(
                actor=request.user, owner=owner, data=form.service_data()
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, _("The programme was created. Add its funding lines and rubric.")
            )
            return redirect("poc-programme", code=programme.code)
    return _programme_form_page(request, form)


@login_required
def programme_edit(request, code: str):
    programme = _programme_office(request, code)
    form = ProgrammeForm(
        request.POST or None,
        initial=ProgrammeForm.initial_from(programme),
        alliances=Alliance.objects.all(),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_update(
                actor=request.user, programme=programme, data=form.service_data()
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The programme was saved."))
            return redirect("poc-programme", code=programme.code)
    return _programme_form_page(request, form, programme)


@login_required
def programme_detail(request, code: str):
    programme = selectors.programme_get(actor=request.user, code=code)
    is_office = selectors.is_programme_office(request.user, programme)
    criteria = list(programme.criteria.all())
    return render(
        request,
        "poc/programme_detail.html",
        {
            "programme": programme,
            "is_office": is_office,
            "figures": selectors.programme_figures(programme) if is_office else None,
            "criteria": criteria,
            "weight_total": sum(c.weight for c in criteria),
            "lines": programme.funding_lines.all(),
            "calls": programme.visible_calls,
            "institutions": programme.eligible_institutions.all(),
            "industries": selectors.industry_labels(programme.industries),
            "today": timezone.localdate(),
        },
    )


# --- funding lines and the rubric ------------------------------------------------------------


def _rule_initial(line) -> list[dict]:
    if line is None:
        return []
    return [
        {"cost_type": r.cost_type, "cap_share": r.cap_share, "cap_amount": r.cap_amount}
        for r in line.cost_rules.all()
    ]


def _line_page(request, programme, line=None):
    initial = FundingLineForm.initial_from(line) if line else {}
    form = FundingLineForm(request.POST or None, initial=initial)
    rules = CostRuleFormSet(request.POST or None, prefix="rule", initial=_rule_initial(line))
    rule_errors: list[str] = []
    if request.method == "POST" and form.is_valid() and rules.is_valid():
        data = {**form.cleaned_data, "cost_rules": formset_rows(rules, COST_RULE_FIELDS)}
        try:
            services.funding_line_save(
                actor=request.user, programme=programme, data=data, line=line
            )
        except ValidationError as exc:
            attach_errors(form, exc)
            rule_errors = exc.message_dict.get("cost_rules", [])
        else:
            messages.success(request, _("The funding line was saved."))
            return redirect("poc-programme", code=programme.code)
    return render(
        request,
        "poc/line_form.html",
        {
            "form": form,
            "rules": rules,
            "rule_errors": rule_errors,
            "programme": programme,
            "line": line,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def line_create(request, code: str):
    return _line_page(request, _programme_office(request, code))


def _own_line(programme, pk):
    line = programme.funding_lines.filter(pk=pk).first()
    if line is None:
        raise Http404(_("Not found."))
    return line


@login_required
def line_edit(request, code: str, pk: int):
    programme = _programme_office(request, code)
    return _line_page(request, programme, _own_line(programme, pk))


@login_required
@require_POST
def line_delete(request, code: str, pk: int):
    programme = _programme_office(request, code)
    try:
        services.funding_line_delete(actor=request.user, line=_own_line(programme, pk))
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("The funding line was removed."))
    return redirect("poc-programme", code=programme.code)


@login_required
def rubric_edit(request, code: str):
    programme = _programme_office(request, code)
    initial = [{f: getattr(c, f) for f in CRITERION_FIELDS} for c in programme.criteria.all()]
    formset = CriterionFormSet(request.POST or None, prefix="crit", initial=initial)
    errors: list[str] = []
    if request.method == "POST" and formset.is_valid():
        try:
            services.rubric_set(
                actor=request.user,
                programme=programme,
                criteria=formset_rows(formset, CRITERION_FIELDS),
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("The scoring rubric was saved."))
            return redirect("poc-programme", code=programme.code)
    return render(
        request,
        "poc/rubric_form.html",
        {
            "programme": programme,
            "formset": formset,
            "errors": errors,
            "locked": services.review_started(programme),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- calls -----------------------------------------------------------------------------------


def _call_page(request, programme, call=None):
    initial = CallForm.initial_from(call) if call else {}
    form = CallForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_save(
                actor=request.user, programme=programme, data=form.cleaned_data, call=call
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The call was saved."))
            return redirect("poc-call", pk=call.pk)
    return render(
        request,
        "poc/call_form.html",
        {"form": form, "programme": programme, "call": call},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def call_create(request, code: str):
    return _call_page(request, _programme_office(request, code))


def _office_call(request, pk):
    call = selectors.call_get(actor=request.user, pk=pk)
    require(
        selectors.is_programme_office(request.user, call.programme),
        _("Only the transfer office running this programme may do this."),
    )
    return call


@login_required
def call_edit(request, pk: int):
    call = _office_call(request, pk)
    return _call_page(request, call.programme, call)


CALL_FILTERS = ("q", "status", "stage", "line")


def _call_export(request, call, applications_qs):
    lines = list(call.programme.funding_lines.all())
    headers = [
        _("Number"),
        _("Project title"),
        _("Applicant"),
        _("Institution"),
        _("Result"),
        _("Stage"),
        _("Readiness now (TRL)"),
        _("Readiness aimed at (TRL)"),
        *[_("Requested: %(line)s") % {"line": line.display_name} for line in lines],
        _("Total requested (yuan)"),
        _("Status"),
        _("Submitted"),
    ]

    def row(a):
        asked = {r.funding_line_id: r.amount for r in a.requests.all()}
        return (
            a.number,
            a.title,
            a.applicant.get_full_name(),
            a.institution.display_name,
            f"{a.result.number} {a.result.title}",
            a.get_stage_display(),
            a.trl_now,
            a.trl_target,
            *[asked.get(line.pk) for line in lines],
            a.total_requested,
            a.get_status_display(),
            timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M") if a.submitted_at else "",
        )

    rows = (row(a) for a in applications_qs.prefetch_related("requests"))
    return export_response(
        request, f"applications-{call.pk}", _("Applications received"), headers, rows
    )


@login_required
def call_detail(request, pk: int):
    call = selectors.call_get(actor=request.user, pk=pk)
    programme = call.programme
    is_office = selectors.is_programme_office(request.user, programme)
    params = {key: request.GET.get(key, "").strip() for key in CALL_FILTERS}
    context = {
        "call": call,
        "programme": programme,
        "is_office": is_office,
        "params": params,
        "lines": programme.funding_lines.all(),
        "accepts": call.accepts_on(timezone.localdate()),
        "mine": selectors.my_applications(actor=request.user).filter(call=call),
        "can_apply": selectors.applicable_results(actor=request.user).exists(),
    }
    if is_office:
        found = selectors.call_applications(
            actor=request.user,
            call=call,
            q=params["q"],
            status=params["status"],
            stage=params["stage"],
            funding_line=params["line"],
        )
        if request.GET.get("export"):
            return _call_export(request, call, found)
        context.update(
            page=paginate(request, found),
            figures=selectors.call_figures(call),
            statuses=[(s, label) for s, label in S.choices if s != S.DRAFT],
            stages=Stage.choices,
            open_problems=services.call_open_problems(call)
            if call.status in (CallStatus.DRAFT, CallStatus.CLOSED)
            else {},
        )
    return render(request, "poc/call_detail.html", context)


def _call_action(request, pk, service, done):
    call = _office_call(request, pk)
    try:
        result = service(actor=request.user, call=call)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, done(result) if callable(done) else done)
    return redirect("poc-call", pk=call.pk)


@login_required
@require_POST
def call_open(request, pk: int):
    return _call_action(request, pk, services.call_open, _("The call is open for applications."))


@login_required
@require_POST
def call_close(request, pk: int):
    return _call_action(request, pk, services.call_close, _("The call is closed."))


@login_required
@require_POST
def call_review_all(request, pk: int):
    return _call_action(
        request,
        pk,
        applications.call_send_to_review,
        lambda count: _("%(count)d applications are now under review.") % {"count": count},
    )


# --- the application form --------------------------------------------------------------------


def _people(actor, application):
    if application is not None:
        institution = application.institution
        extra = [m.user for m in application.team.all() if m.user_id]
        return presenters.people_choices(actor, institution, extra)
    choices: dict[str, str] = {}
    for institution in presenters.member_institutions(actor)[:5]:
        choices.update(presenters.people_choices(actor, institution))
    return sorted(choices.items(), key=lambda c: c[1])


def _row_initial(application, actor) -> dict:
    if application is None:  # a new application: the applicant leads the team
        leader = {"name": actor.get_full_name(), "user": str(actor.pk), "role": "leader"}
        return {"ms": [], "need": [], "team": [leader]}
    return {
        "ms": [
            {
                "title": m.title,
                "deliverable": m.deliverable,
                "due_on": m.due_on,
                "budget": m.budget,
                "funding_line": str(m.funding_line_id or ""),
            }
            for m in application.planned_milestones.all()
        ],
        "need": [
            {"kind": n.kind, "description": n.description}
            for n in application.verification_needs.all()
        ],
        "team": [
            {
                "name": t.name,
                "user": str(t.user_id or ""),
                "role": t.role,
                "affiliation": t.affiliation,
                "effort": t.effort,
            }
            for t in application.team.all()
        ],
    }


def _application_forms(request, call, application):
    post = request.POST or None
    lines = list(call.programme.funding_lines.all())
    results = None
    initial = ApplicationForm.initial_from(application) if application else {}
    if application is None:
        results = selectors.applicable_results(actor=request.user)
        chosen = request.GET.get("result", "")
        if not chosen and results[:2].count() == 1:
            chosen = str(results.first().pk)
        result = results.filter(pk=chosen).first() if chosen.isdigit() else None
        initial = {"result": chosen}
        if result is not None:
            initial.update(title=result.title, trl_now=str(result.trl or ""))
        results = results[:300]
    rows = _row_initial(application, request.user)
    return {
        "form": ApplicationForm(
            post, initial=initial, results=results, stages=call.programme.stages
        ),
        "requests": RequestsForm(
            post,
            prefix="req",
            lines=lines,
            initial=RequestsForm.initial_from(application) if application else {},
        ),
        "milestones": MilestoneFormSet(
            post, prefix="ms", initial=rows["ms"], form_kwargs={"lines": lines}
        ),
        "needs": NeedFormSet(post, prefix="need", initial=rows["need"]),
        "team": TeamFormSet(
            post,
            prefix="team",
            initial=rows["team"],
            form_kwargs={"people": _people(request.user, application)},
        ),
    }


def _collect(forms) -> dict:
    return {
        **forms["form"].service_data(),
        "requests": forms["requests"].service_rows(),
        "milestones": formset_rows(forms["milestones"], MILESTONE_FIELDS),
        "needs": formset_rows(forms["needs"], NEED_FIELDS),
        "team": formset_rows(forms["team"], TEAM_FIELDS),
    }


def _save_application(request, call, application, forms):
    data = _collect(forms)
    if application is None:
        result = selectors.applicable_result_get(
            actor=request.user, pk=forms["form"].cleaned_data["result"]
        )
        return applications.application_create(
            actor=request.user, call=call, result=result, data=data
        )
    return applications.application_update(actor=request.user, application=application, data=data)


def _after_save(request, application):
    if not request.POST.get("submit"):
        messages.success(request, _("The draft was saved."))
        return redirect("poc-application", pk=application.pk)
    try:
        applications.application_submit(actor=request.user, application=application)
    except ValidationError:
        messages.error(
            request,
            _(
                "Your changes were saved, but the application cannot be submitted yet: see the "
                "problems listed below."
            ),
        )
        return redirect("poc-application", pk=application.pk)
    messages.success(request, _("The application was submitted."))
    return redirect("poc-application", pk=application.pk)


def _application_page(request, call, application=None):
    forms = _application_forms(request, call, application)
    errors: dict = {}
    valid = request.method == "POST" and all(f.is_valid() for f in forms.values())
    if valid:
        try:
            application = _save_application(request, call, application, forms)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {}
            fields = {k: v for k, v in errors.items() if k not in applications.ROW_KEYS}
            attach_errors(forms["form"], ValidationError(fields) if errors else exc)
        else:
            return _after_save(request, application)
    return render(
        request,
        "poc/application_form.html",
        {
            **forms,
            "call": call,
            "programme": call.programme,
            "application": application,
            "errors": errors,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def apply(request, pk: int):
    call = selectors.call_get(actor=request.user, pk=pk)
    if call.status != CallStatus.OPEN or timezone.localdate() > call.closes_on:
        messages.error(request, _("The call is not open for applications."))
        return redirect("poc-call", pk=call.pk)
    if not selectors.applicable_results(actor=request.user).exists():
        messages.error(
            request,
            _(
                "You have no result to apply with: an application proposes a result you are an "
                "inventor of."
            ),
        )
        return redirect("poc-call", pk=call.pk)
    return _application_page(request, call)


@login_required
def application_edit(request, pk: int):
    application = selectors.application_get(actor=request.user, pk=pk)
    require(
        application.applicant_id == request.user.pk or request.user.is_superuser,
        _("Only the applicant may edit the application."),
    )
    if not application.is_editable:
        messages.error(
            request, _("Only a draft or an application returned for correction can be edited.")
        )
        return redirect("poc-application", pk=application.pk)
    return _application_page(request, application.call, application)


# --- the application page and its actions ----------------------------------------------------


def _money_rows(application):
    rows, total_asked, total_awarded = [], 0, None
    for request in application.requests.all():
        line = request.funding_line
        rows.append(
            {
                "line": line,
                "amount": request.amount,
                "awarded": request.awarded,
                "over": request.amount > line.per_project_cap,
            }
        )
        total_asked += request.amount
        if request.awarded is not None:
            total_awarded = (total_awarded or 0) + request.awarded
    return rows, total_asked, total_awarded


def _with_resolve_forms(objections) -> list:
    """Each open objection with its own resolution form (ids kept apart on the page)."""
    objections = list(objections)
    for objection in objections:
        objection.resolve_form = ResolveForm(auto_id=f"id_objection{objection.pk}_%s")
    return objections


@login_required
def application_detail(request, pk: int):
    application = selectors.application_get(actor=request.user, pk=pk)
    is_applicant = application.applicant_id == request.user.pk or request.user.is_superuser
    is_office = selectors.is_owner_office(request.user, application)
    money_rows, asked, awarded = _money_rows(application)
    milestones = list(application.planned_milestones.all())
    context = {
        "application": application,
        "call": application.call,
        "programme": application.call.programme,
        "is_applicant": is_applicant,
        "is_office": is_office,
        "money_rows": money_rows,
        "asked": asked,
        "awarded": awarded,
        "milestones": milestones,
        "milestone_total": sum(m.budget for m in milestones),
        "result_visible": selectors.result_visible(actor=request.user, result=application.result),
        "events": selectors.application_timeline(application=application),
        "objections": _with_resolve_forms(
            selectors.application_objections(application=application)
        ),
        "problems": applications.submission_problems(application)
        if application.is_editable and is_applicant
        else {},
        "can_withdraw": is_applicant and workflow.can_move(application, S.WITHDRAWN),
        "can_renounce": is_applicant and application.status in applications.RENOUNCEABLE,
        "note_form": NoteForm(),
        "objection_form": ObjectionForm(initial={"received_on": timezone.localdate()}),
        "agreement_form": AgreementForm(
            initial={
                "agreement_number": application.agreement_number,
                "agreement_signed_on": application.agreement_signed_on,
            }
        ),
    }
    return render(request, "poc/application_detail.html", context)


#: The page's action names → (the status they move to, the message when done); the moves are
#: the service's (applications.application_transition).
ACTIONS = {
    "submit": (S.SUBMITTED, gettext_lazy("The application was submitted.")),
    "correct": (
        S.CORRECTION,
        gettext_lazy("The application was returned to the applicant for correction."),
    ),
    "admit": (S.ADMITTED, gettext_lazy("The application was admitted.")),
    "reject": (S.REJECTED, gettext_lazy("The application was rejected at admission.")),
    "review": (S.UNDER_REVIEW, gettext_lazy("The application is under review.")),
    "withdraw": (S.WITHDRAWN, gettext_lazy("The application was withdrawn.")),
    "renounce": (S.RENOUNCED, gettext_lazy("You renounced the funding.")),
}


@login_required
@require_POST
def application_action(request, pk: int, action: str):
    application = selectors.application_get(actor=request.user, pk=pk)
    if action not in ACTIONS:
        raise Http404(_("Not found."))
    to, done = ACTIONS[action]
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        applications.application_transition(
            actor=request.user, application=application, to=to, note=note
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, done)
    return redirect("poc-application", pk=application.pk)


@login_required
@require_POST
def objection_add(request, pk: int):
    application = selectors.application_get(actor=request.user, pk=pk)
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("poc-application", pk=application.pk)
    try:
        applications.objection_record(
            actor=request.user, application=application, data=form.cleaned_data
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("The objection was recorded."))
    return redirect("poc-application", pk=application.pk)


@login_required
@require_POST
def objection_resolve(request, pk: int):
    objection = selectors.objection_get(actor=request.user, pk=pk)
    form = ResolveForm(request.POST)
    back = redirect("poc-application", pk=objection.application_id)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return back
    try:
        applications.objection_resolve(
            actor=request.user,
            objection=objection,
            resolution=form.cleaned_data["resolution"],
            upheld=form.cleaned_data["upheld"],
            outcome=form.cleaned_data["outcome"],
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("The objection was resolved."))
    return back


@login_required
@require_POST
def agreement(request, pk: int):
    application = selectors.application_get(actor=request.user, pk=pk)
    form = AgreementForm(request.POST)
    if form.is_valid():
        try:
            applications.agreement_record(
                actor=request.user,
                application=application,
                number=form.cleaned_data["agreement_number"],
                signed_on=form.cleaned_data["agreement_signed_on"],
            )
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, _("The funding agreement was recorded."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("poc-application", pk=application.pk)


@login_required
def my_applications(request):
    status = request.GET.get("status", "").strip()
    page = paginate(request, selectors.my_applications(actor=request.user, status=status))
    return render(
        request,
        "poc/my_applications.html",
        {"page": page, "status": status, "statuses": S.choices},
    )
