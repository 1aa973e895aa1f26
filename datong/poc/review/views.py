"""Pages of the review: the reviewer's "My reviews" and scoring form; the office's reviewer pool
and the review console of a call (assignments, ranking, decision)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from datong.core.exports import export_response
from datong.core.forms import attach_errors
from datong.institutions.models import Institution
from datong.poc.models import ApplicationStatus

from . import selectors, services
from .forms import (
    AssignForm,
    AutoAssignForm,
    ChangeForm,
    DeclineForm,
    InstitutionConflictForm,
    PoolAddForm,
    PromoteForm,
    PublishForm,
    ScoreForm,
)
from .models import AssignmentStatus, DecisionStatus

TABS = ("assignments", "ranking", "decision")


def _errors_to_messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- the reviewer ----------------------------------------------------------------------------


@login_required
def home(request):
    """My reviews, and for a programme office the calls it runs."""
    assignments = list(selectors.my_assignments(actor=request.user))
    return render(
        request,
        "poc_review/home.html",
        {
            "open": [a for a in assignments if a.status == AssignmentStatus.OPEN],
            "done": [a for a in assignments if a.status != AssignmentStatus.OPEN],
            "calls": selectors.office_calls(actor=request.user),
            "programmes": selectors.office_programmes(actor=request.user).order_by("name"),
        },
    )


@login_required
def score(request, pk: int):
    assignment = selectors.my_assignment(actor=request.user, pk=pk)
    criteria = list(assignment.application.call.programme.criteria.all())
    form = ScoreForm(
        request.POST or None, initial=ScoreForm.initial_from(assignment), criteria=criteria
    )
    status = 200
    if request.method == "POST" and not assignment.is_frozen and form.is_valid():
        submit = "submit" in request.POST
        try:
            services.scores_save(
                actor=request.user, assignment=assignment, submit=submit, **form.service_data()
            )
        except ValidationError as exc:
            attach_errors(form, exc)
            status = 400
        else:
            if submit:
                messages.success(request, _("Your review was submitted. Thank you."))
                return redirect("review-home")
            messages.success(request, _("Your scores were saved; submit when you are done."))
            return redirect("review-score", pk=assignment.pk)
    return render(
        request,
        "poc_review/score.html",
        {
            "assignment": assignment,
            "brief": selectors.review_brief(assignment),
            "form": form,
            "sheet": selectors.score_sheet(assignment),
            "total": selectors.weighted_total(assignment),
            "decline_form": DeclineForm(),
        },
        status=status,
    )


@login_required
@require_POST
def decline(request, pk: int):
    assignment = selectors.my_assignment(actor=request.user, pk=pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what the conflict is."))
        return redirect("review-score", pk=pk)
    try:
        services.assignment_decline(
            actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        _errors_to_messages(request, exc)
        return redirect("review-score", pk=pk)
    messages.success(request, _("The conflict was recorded and the review withdrawn."))
    return redirect("review-home")


# --- the reviewer pool -----------------------------------------------------------------------


def _pool_page(request, programme, add_form=None, conflict_form=None, status=200):
    q = request.GET.get("q", "").strip()
    candidates = list(selectors.pool_candidates(actor=request.user, programme=programme, q=q)[:50])
    members = list(selectors.pool(programme=programme))
    active = [m for m in members if m.is_active]
    return render(
        request,
        "poc_review/pool.html",
        {
            "programme": programme,
            "members": members,
            "q": q,
            "add_form": add_form or PoolAddForm(candidates=candidates),
            "conflict_form": conflict_form
            or InstitutionConflictForm(experts=active, institutions=_institutions()),
            "conflicts": selectors.declared_conflicts(programme=programme),
            "calls": programme.calls.order_by("-opens_on", "-pk"),
        },
        status=status,
    )


def _institutions():
    return Institution.objects.order_by("name")


@login_required
def pool(request, code: str):
    programme = selectors.office_programme(actor=request.user, code=code)
    return _pool_page(request, programme)


@login_required
@require_POST
def pool_add(request, code: str):
    programme = selectors.office_programme(actor=request.user, code=code)
    candidates = selectors.pool_candidates(actor=request.user, programme=programme)
    form = PoolAddForm(request.POST, candidates=candidates.filter(pk=request.POST.get("user") or 0))
    if form.is_valid():
        user = selectors.pool_candidate_get(
            actor=request.user, programme=programme, pk=form.cleaned_data["user"]
        )
        data = {k: v for k, v in form.cleaned_data.items() if k != "user"}
        try:
            services.pool_add(actor=request.user, programme=programme, user=user, **data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, _("%(name)s joined the reviewer pool.") % {"name": user.get_full_name()}
            )
            return redirect("review-pool", code=code)
    return _pool_page(request, programme, add_form=form, status=400)


@login_required
@require_POST
def pool_remove(request, code: str, pk: int):
    programme = selectors.office_programme(actor=request.user, code=code)
    member = selectors.office_pool_member(actor=request.user, programme=programme, pk=pk)
    try:
        services.pool_remove(actor=request.user, member=member)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(
            request,
            _("%(name)s left the reviewer pool.") % {"name": member.user.get_full_name()},
        )
    return redirect("review-pool", code=code)


@login_required
@require_POST
def pool_conflict(request, code: str):
    programme = selectors.office_programme(actor=request.user, code=code)
    experts = [m for m in selectors.pool(programme=programme) if m.is_active]
    form = InstitutionConflictForm(request.POST, experts=experts, institutions=_institutions())
    if form.is_valid():
        member = next(m for m in experts if str(m.user_id) == form.cleaned_data["reviewer"])
        institution = Institution.objects.get(pk=form.cleaned_data["institution"])
        try:
            services.conflict_declare(
                actor=request.user,
                reviewer=member.user,
                institution=institution,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The conflict was recorded."))
            return redirect("review-pool", code=code)
    return _pool_page(request, programme, conflict_form=form, status=400)


# --- the console -----------------------------------------------------------------------------


def _console_url(call, tab: str) -> str:
    return f"{reverse('review-console', args=[call.pk])}?tab={tab}"


@login_required
def console(request, pk: int):
    call = selectors.office_call(actor=request.user, pk=pk)
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else TABS[0]
    rows = selectors.ranking(call=call)
    view = selectors.decision_view(call=call, rows=rows)
    context = {
        "call": call,
        "programme": call.programme,
        "tab": tab,
        "progress": selectors.progress(call=call),
        "decision": view,
        "lines": view.lines,
    }
    if tab == "assignments":
        matrix = selectors.assignment_matrix(call=call)
        under_review = [
            r.application
            for r in matrix.rows
            if r.application.status == ApplicationStatus.UNDER_REVIEW
        ]
        context.update(
            matrix=matrix,
            assign_form=AssignForm(applications=under_review, experts=matrix.experts),
            auto_form=AutoAssignForm(),
            can_assign=bool(under_review and matrix.experts),
        )
    elif tab == "ranking":
        context["rows"] = rows
    else:
        context.update(
            publish_form=PublishForm(),
            is_draft=view.decision is not None and view.decision.status == DecisionStatus.DRAFT,
            reserve=[r for r in rows if r.application.status == ApplicationStatus.RESERVE],
        )
    return render(request, "poc_review/console.html", context)


def _console_action(request, pk: int, tab: str, run, done) -> object:
    call = selectors.office_call(actor=request.user, pk=pk)
    try:
        outcome = run(call)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        message = done(outcome) if callable(done) else done
        if message:
            messages.success(request, message)
    return redirect(_console_url(call, tab))


@login_required
@require_POST
def assign(request, pk: int):
    def run(call):
        application = selectors.office_application(
            actor=request.user, call=call, pk=request.POST.get("application")
        )
        member = selectors.active_expert(
            programme=call.programme, user_id=request.POST.get("reviewer")
        )
        return services.assignment_create(
            actor=request.user, application=application, reviewer=member.user
        )

    return _console_action(request, pk, "assignments", run, _("The reviewer was assigned."))


@login_required
@require_POST
def auto_assign(request, pk: int):
    def run(call):
        form = AutoAssignForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose how many reviewers each application needs."))
        return services.auto_assign(
            actor=request.user, call=call, per_application=form.cleaned_data["per_application"]
        )

    def done(report):
        text = _("%(count)d assignment(s) made.") % {"count": len(report.created)}
        for gap in report.uncovered:
            messages.warning(
                request,
                _(
                    "“%(title)s” still lacks %(missing)d reviewer(s): %(eligible)d expert(s) "
                    "free of conflict, %(conflicted)d with a conflict."
                )
                % {
                    "title": gap.application.title,
                    "missing": gap.missing,
                    "eligible": gap.eligible,
                    "conflicted": gap.conflicted,
                },
            )
        return text

    return _console_action(request, pk, "assignments", run, done)


@login_required
@require_POST
def unassign(request, pk: int, assignment: int):
    def run(call):
        item = selectors.office_assignment(actor=request.user, pk=assignment)
        if item.application.call_id != call.pk:
            raise Http404(_("Not found."))
        services.assignment_remove(actor=request.user, assignment=item)

    return _console_action(request, pk, "assignments", run, _("The assignment was removed."))


@login_required
def ranking_export(request, pk: int):
    call = selectors.office_call(actor=request.user, pk=pk)
    rows = selectors.ranking(call=call)
    lines = selectors.decision_view(call=call, rows=rows).lines
    headers = [
        _("Rank"),
        _("Number"),
        _("Project"),
        _("Applicant"),
        _("Status"),
        _("Reviews submitted"),
        _("Raw score (0–100)"),
        _("Normalised score (z)"),
        *[f.line.name for f in lines],
        _("Requested (yuan)"),
    ]
    data = (
        (
            row.rank or "",
            row.application.number,
            row.application.title,
            row.application.applicant.get_full_name(),
            row.application.get_status_display(),
            len(row.reviews),
            None if row.raw is None else round(row.raw, 2),
            None if row.normalised is None else round(row.normalised, 3),
            *[float(row.requests.get(f.line.pk, 0)) for f in lines],
            float(row.total_requested),
        )
        for row in rows
    )
    return export_response(request, f"ranking-{call.pk}", _("Ranking"), headers, data)


@login_required
@require_POST
def propose(request, pk: int):
    def done(proposal):
        if proposal.rounded:
            messages.warning(
                request,
                _(
                    "%(count)d application(s) ask for amounts that are not whole thousands of "
                    "yuan: the optimiser rounded them up to the next thousand."
                )
                % {"count": len(proposal.rounded)},
            )
        if proposal.unscored:
            messages.warning(
                request,
                _(
                    "%(count)d application(s) under review have no submitted review and were "
                    "left out."
                )
                % {"count": len(proposal.unscored)},
            )
        return _("The proposal was computed.")

    return _console_action(
        request,
        pk,
        "decision",
        lambda call: services.decision_propose(actor=request.user, call=call),
        done,
    )


@login_required
@require_POST
def change(request, pk: int):
    def run(call):
        form = ChangeForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Record the committee's reason."))
        application = selectors.office_application(
            actor=request.user, call=call, pk=form.cleaned_data["application"]
        )
        return services.decision_change(
            actor=request.user,
            call=call,
            application=application,
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
        )

    return _console_action(request, pk, "decision", run, _("The committee's change was recorded."))


@login_required
@require_POST
def publish(request, pk: int):
    def run(call):
        form = PublishForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Give a number of reserve places from 0 to 100."))
        return services.decision_publish(
            actor=request.user, call=call, reserve_count=form.cleaned_data["reserve_count"]
        )

    return _console_action(request, pk, "decision", run, _("The provisional list was published."))


@login_required
@require_POST
def finalise(request, pk: int):
    def done(report):
        if report.objected:
            messages.warning(
                request,
                _("%(count)d application(s) wait for an answer to an objection.")
                % {"count": len(report.objected)},
            )
        return _("%(count)d application(s) awarded.") % {"count": len(report.awarded)}

    return _console_action(
        request,
        pk,
        "decision",
        lambda call: services.decision_finalise(actor=request.user, call=call),
        done,
    )


@login_required
@require_POST
def promote(request, pk: int):
    def run(call):
        form = PromoteForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Record the reason for the promotion."))
        application = selectors.office_application(
            actor=request.user, call=call, pk=form.cleaned_data["application"]
        )
        return services.reserve_promote(
            actor=request.user, application=application, reason=form.cleaned_data["reason"]
        )

    return _console_action(
        request, pk, "decision", run, _("The reserve application went on the public notice.")
    )
