"""Pages of invention disclosures and the results registry: thin, the services write and the
selectors read."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from datong.accounts import selectors as account_selectors
from datong.core.exports import export_response
from datong.core.forms import attach_errors
from datong.core.pagination import paginate
from datong.core.permissions import require_staff, scope_for
from datong.institutions import selectors as institution_selectors

from . import presenters, quality, selectors, services
from .forms import (
    AssignForm,
    AttachmentForm,
    BasicsForm,
    ClassificationForm,
    CommentForm,
    DecideForm,
    DisclosureCreateForm,
    FundingFormSet,
    InventorFormSet,
    PriorFormSet,
    ReportForm,
    ResultForm,
    ReturnForm,
    ScoreForm,
)
from .models import DisclosureStatus, ResultStatus
from .reference import grace_period_months
from .sections import sections_for

LAST_STEP = len(presenters.FORM_STEPS)


# --- disclosures: list and creation -----------------------------------------------------------


@login_required
def disclosure_list(request):
    office = presenters.is_office(request.user)
    box = request.GET.get("box", "mine")
    if box != "office" or not office:
        box = "mine"
    params = {
        "box": box,
        "status": request.GET.get("status", "").strip(),
        "q": request.GET.get("q", "").strip(),
    }
    if params["status"] not in DisclosureStatus.values:
        params["status"] = ""
    disclosures = selectors.disclosure_list(actor=request.user, **params)
    context = {
        "page": paginate(request, disclosures),
        "params": params,
        "office": office,
        "statuses": DisclosureStatus.choices,
    }
    template = (
        "results/partials/disclosure_table.html" if request.htmx else "results/disclosure_list.html"
    )
    return render(request, template, context)


@login_required
def disclosure_create(request):
    institutions = presenters.member_institutions(request.user)
    form = DisclosureCreateForm(request.POST or None, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        try:
            disclosure = services.disclosure_create(
                actor=request.user,
                institution=form.cleaned_data["institution"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The draft was started. Fill it in step by step."))
            return redirect("disclosure-edit", pk=disclosure.pk, step=1)
    return render(
        request,
        "results/disclosure_create.html",
        {"form": form, "has_institution": institutions.exists()},
    )


# --- disclosures: the multi-step form ---------------------------------------------------------


def _after_save(request, disclosure, step: int):
    messages.success(request, _("Saved."))
    target = step + 1 if request.POST.get("action") == "next" and step < LAST_STEP else step
    return redirect("disclosure-edit", pk=disclosure.pk, step=target)


def _step_basics(request, disclosure):
    form = BasicsForm(request.POST or None, instance=disclosure)
    if request.method == "POST" and form.is_valid():
        try:
            services.disclosure_update(
                actor=request.user, disclosure=disclosure, data=form.cleaned_data, step=1
            )
        except ValidationError as exc:
            disclosure.refresh_from_db()
            attach_errors(form, exc)
        else:
            return _after_save(request, disclosure, 1)
    return {"form": form}


def _step_classification(request, disclosure):
    form = ClassificationForm(
        request.POST or None,
        initial=ClassificationForm.initial_from(disclosure),
        departments=presenters.department_choices(request.user, disclosure.institution),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.disclosure_update(
                actor=request.user, disclosure=disclosure, data=form.cleaned_data, step=2
            )
        except ValidationError as exc:
            disclosure.refresh_from_db()
            attach_errors(form, exc)
        else:
            return _after_save(request, disclosure, 2)
    return {"form": form}


def _step_funding(request, disclosure):
    data = request.POST or None
    funding = FundingFormSet(data, prefix="funding", initial=disclosure.funding)
    prior = PriorFormSet(data, prefix="prior", initial=disclosure.prior_disclosures)
    errors = {}
    if request.method == "POST" and funding.is_valid() and prior.is_valid():
        try:
            services.disclosure_update(
                actor=request.user,
                disclosure=disclosure,
                data={
                    "funding": [f.cleaned_data for f in funding if f.cleaned_data],
                    "prior_disclosures": [f.cleaned_data for f in prior if f.cleaned_data],
                    "related_results": request.POST.get("related_results", ""),
                },
                step=3,
            )
        except ValidationError as exc:
            disclosure.refresh_from_db()
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        else:
            return _after_save(request, disclosure, 3)
    return {
        "funding": funding,
        "prior": prior,
        "row_errors": errors,
        "warnings": services.prior_disclosure_warnings(disclosure),
        "grace_months": grace_period_months(),
        "related_text": request.POST.get("related_results")
        if request.method == "POST"
        else "、".join(disclosure.related_results.values_list("number", flat=True)),
    }


def _step_inventors(request, disclosure):
    inventors = list(disclosure.inventors.select_related("user"))
    people = presenters.people_choices(
        request.user, disclosure.institution, [i.user for i in inventors]
    )
    initial = [
        {
            "user": str(i.user_id) if i.user_id else "",
            "name": "" if i.user_id else i.name,
            "institution_name": "" if i.user_id else i.institution_name,
            "share": i.share,
            "paid_here": i.paid_here,
            "is_main": i.is_main,
        }
        for i in inventors
    ]
    formset = InventorFormSet(
        request.POST or None, prefix="inv", initial=initial, form_kwargs={"people": people}
    )
    errors: list[str] = []
    if request.method == "POST" and formset.is_valid():
        rows = [
            {
                "user": int(f.cleaned_data["user"]) if f.cleaned_data.get("user") else None,
                "name": f.cleaned_data.get("name", ""),
                "institution_name": f.cleaned_data.get("institution_name", ""),
                "share": f.cleaned_data.get("share"),
                "paid_here": f.cleaned_data.get("paid_here", False),
                "is_main": f.cleaned_data.get("is_main", False),
            }
            for f in formset
            if f.cleaned_data and not f.is_blank()
        ]
        try:
            with transaction.atomic():
                services.inventors_set(actor=request.user, disclosure=disclosure, inventors=rows)
                services.disclosure_update(
                    actor=request.user, disclosure=disclosure, data={}, step=4
                )
        except ValidationError as exc:
            disclosure.refresh_from_db()
            errors = exc.messages
        else:
            return _after_save(request, disclosure, 4)
    if formset.is_bound:
        total = sum(
            (f.cleaned_data.get("share") or Decimal("0"))
            for f in formset
            if getattr(f, "cleaned_data", None)
        )
    else:
        total = sum((i.share for i in inventors), Decimal("0"))
    confirmations = [i for i in inventors if i.user_id]
    return {
        "formset": formset,
        "share_errors": errors,
        "share_total": total,
        "confirmations": confirmations,
    }


def _step_review(request, disclosure):
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                attachment = services.attachment_add(
                    actor=request.user, disclosure=disclosure, upload=form.cleaned_data["file"]
                )
                services.disclosure_update(
                    actor=request.user, disclosure=disclosure, data={}, step=LAST_STEP
                )
        except ValidationError as exc:
            disclosure.refresh_from_db()
            attach_errors(form, exc)
        else:
            messages.success(
                request, _("“%(name)s” was attached.") % {"name": attachment.original_name}
            )
            return redirect("disclosure-edit", pk=disclosure.pk, step=LAST_STEP)
    return {
        "form": form,
        "attachments": disclosure.attachments.all(),
        "problems": services.submission_problems(disclosure),
        "similar": selectors.similar_to_disclosure(actor=request.user, disclosure=disclosure),
        "warnings": services.prior_disclosure_warnings(disclosure),
    }


STEP_VIEWS = {
    1: _step_basics,
    2: _step_classification,
    3: _step_funding,
    4: _step_inventors,
    5: _step_review,
}


def _editable_disclosure(request, pk: int):
    disclosure = selectors.disclosure_get(actor=request.user, pk=pk)
    if request.user.pk != disclosure.created_by_id and not request.user.is_superuser:
        raise PermissionDenied(_("Only the researcher who started this disclosure may change it."))
    return disclosure


@login_required
def disclosure_edit(request, pk: int, step: int):
    if step not in STEP_VIEWS:
        raise Http404(_("Not found."))
    disclosure = _editable_disclosure(request, pk)
    if not disclosure.is_editable:
        messages.info(request, _("This disclosure was submitted and can no longer be changed."))
        return redirect("disclosure-detail", pk=disclosure.pk)
    outcome = STEP_VIEWS[step](request, disclosure)
    if not isinstance(outcome, dict):
        return outcome
    context = {
        "disclosure": disclosure,
        "step": step,
        "steps": presenters.form_steps(step, disclosure.step),
        "step_label": dict(presenters.FORM_STEPS)[step],
        "last_step": LAST_STEP,
        "prior_kinds": presenters.PRIOR_KIND_LABELS,
        **outcome,
    }
    return render(request, "results/disclosure_edit.html", context)


@login_required
@require_POST
def disclosure_submit(request, pk: int):
    disclosure = _editable_disclosure(request, pk)
    try:
        services.disclosure_submit(actor=request.user, disclosure=disclosure)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("disclosure-edit", pk=disclosure.pk, step=LAST_STEP)
    messages.success(
        request,
        _("Disclosure %(number)s was submitted to the transfer office.")
        % {"number": disclosure.number},
    )
    return redirect("disclosure-detail", pk=disclosure.pk)


# --- disclosures: the detail page and its actions ---------------------------------------------


def _is_inventor(user, disclosure, inventors) -> bool:
    return user.pk == disclosure.created_by_id or any(i.user_id == user.pk for i in inventors)


def _detail(request, disclosure, status: int = 200, **forms):
    """The detail page; ``forms`` are bound forms with errors from a failed action."""
    actor = request.user
    is_staff = scope_for(actor).is_staff_of(disclosure.institution_id)
    inventors = list(disclosure.inventors.select_related("user"))
    mine = next((i for i in inventors if i.user_id == actor.pk), None)
    under_review = disclosure.status in (DisclosureStatus.SUBMITTED, DisclosureStatus.IN_REVIEW)
    context = {
        "disclosure": disclosure,
        "progress": presenters.disclosure_progress(disclosure),
        "inventors": inventors,
        "share_total": sum((i.share for i in inventors), Decimal("0")),
        "attachments": disclosure.attachments.select_related("uploaded_by"),
        "reports": disclosure.reports.select_related("author", "attachment"),
        "comments": selectors.disclosure_comments(actor=actor, disclosure=disclosure),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "can_comment": is_staff or _is_inventor(actor, disclosure, inventors),
        "can_edit": disclosure.is_editable
        and (actor.pk == disclosure.created_by_id or actor.is_superuser),
        "can_confirm": mine is not None and mine.confirmed_at is None and disclosure.is_editable,
        "is_staff": is_staff,
        "under_review": under_review,
        "ip_labels": presenters.ip_labels(),
        "trl_labels": presenters.trl_labels(),
        "prior_kinds": presenters.PRIOR_KIND_LABELS,
        "warnings": services.prior_disclosure_warnings(disclosure),
    }
    if is_staff:
        context["similar"] = (
            selectors.similar_to_disclosure(actor=actor, disclosure=disclosure)
            if under_review
            else None
        )
        criteria = presenters.review_criteria()
        own = presenters.my_scores(disclosure, actor)
        score_initial = {}
        for code, (score, comment) in own.items():
            score_initial[f"score_{code}"] = str(score)
            score_initial[f"comment_{code}"] = comment
        managers = presenters.manager_choices(actor, disclosure.institution)
        results = [
            (str(r.pk), f"{r.number} {r.title}")
            for r in presenters.institution_results(actor, disclosure.institution)[:500]
        ]
        context.update(
            {
                "review": presenters.review_summary(disclosure, criteria),
                "assign_form": forms.get("assign_form")
                or AssignForm(
                    initial={"manager": str(disclosure.manager_id or "")}, managers=managers
                ),
                "score_form": forms.get("score_form")
                or ScoreForm(initial=score_initial, criteria=criteria),
                "report_form": forms.get("report_form") or ReportForm(),
                "return_form": forms.get("return_form") or ReturnForm(),
                "decide_form": forms.get("decide_form") or DecideForm(results=results),
                "open_panel": next(iter(forms), ""),
            }
        )
    return render(request, "results/disclosure_detail.html", context, status=status)


@login_required
def disclosure_detail(request, pk: int):
    disclosure = selectors.disclosure_get(actor=request.user, pk=pk)
    return _detail(request, disclosure)


def _done(request, disclosure, message: str):
    messages.success(request, message)
    return redirect("disclosure-detail", pk=disclosure.pk)


@login_required
@require_POST
def disclosure_confirm(request, pk: int):
    disclosure = selectors.disclosure_get(actor=request.user, pk=pk)
    inventor = selectors.my_inventorship(actor=request.user, disclosure=disclosure)
    if inventor is None:
        raise Http404(_("Not found."))
    try:
        services.inventor_confirm(actor=request.user, inventor=inventor)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("disclosure-detail", pk=disclosure.pk)
    return _done(
        request,
        disclosure,
        _("You confirmed your share of %(share)s %%.") % {"share": inventor.share},
    )


@login_required
@require_POST
def disclosure_comment(request, pk: int):
    disclosure = selectors.disclosure_get(actor=request.user, pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.disclosure_comment(
                actor=request.user,
                disclosure=disclosure,
                body=form.cleaned_data["body"],
                for_inventors=not form.cleaned_data["internal"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return _done(request, disclosure, _("Your comment was added."))
    return _detail(request, disclosure, comment_form=form)


@login_required
@require_POST
def disclosure_assign(request, pk: int):
    disclosure = selectors.disclosure_get(actor=request.user, pk=pk)
    require_staff(request.user, disclosure.institution_id)
    form = AssignForm(
        request.POST, managers=presenters.manager_choices(request.user, disclosure.institution)
    )
    if form.is_valid():
        manager = account_selectors.person_get(
            actor=request.user, pk=int(form.cleaned_data["manager"])
        )
        try:
            services.disclosure_assign(actor=request.user, disclosure=disclosure, manager=manager)
        except ValidationError as exc:
            disclosure.refresh_from_db()
            attach_errors(form, exc)
        else:
            return _done(
                request,
                disclosure,
                _("%(name)s now manages this disclosure.") % {"name": manager.get_full_name()},
            )
    return _detail(request, disclosure, assign_form=form)


@login_required
@require_POST
def disclosure_score(request, pk: int):
    disclosure = selectors.disclosure_get(actor=request.user, pk=pk)
    require_staff(request.user, disclosure.institution_id)
    criteria = presenters.review_criteria()
    form = ScoreForm(request.POST, criteria=criteria)
    if form.is_valid():
        scores = form.scores()
        if not scores:
            form.add_error(None, _("Give at least one score."))
        else:
            try:
                services.disclosure_score(actor=request.user, disclosure=disclosure, scores=scores)
            except ValidationError as exc:
                attach_errors(form, exc, {c.code: f"score_{c.code}" for c in criteria})
            else:
                return _done(request, disclosure, _("Your scores were saved."))
    return _detail(request, disclosure, score_form=form)


@login_required
@require_POST
def disclosure_report(request, pk: int):
    disclosure = selectors.disclosure_get(actor=request.user, pk=pk)
    require_staff(request.user, disclosure.institution_id)
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            # The file and the report are one action: a refused report keeps no attachment.
            with transaction.atomic():
                attachment = None
                if data.get("file"):
                    attachment = services.attachment_add(
                        actor=request.user, disclosure=disclosure, upload=data["file"]
                    )
                services.disclosure_report_add(
                    actor=request.user,
                    disclosure=disclosure,
                    conclusion=data["conclusion"],
                    summary=data["summary"],
                    report_date=data["report_date"],
                    provider_name=data.get("provider_name", ""),
                    attachment=attachment,
                )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return _done(request, disclosure, _("The patentability report was added."))
    return _detail(request, disclosure, report_form=form)


@login_required
@require_POST
def disclosure_return(request, pk: int):
    disclosure = selectors.disclosure_get(actor=request.user, pk=pk)
    require_staff(request.user, disclosure.institution_id)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.disclosure_return(
                actor=request.user, disclosure=disclosure, message=form.cleaned_data["message"]
            )
        except ValidationError as exc:
            disclosure.refresh_from_db()
            attach_errors(form, exc)
        else:
            return _done(request, disclosure, _("The disclosure was returned to the inventors."))
    return _detail(request, disclosure, return_form=form)


@login_required
@require_POST
def disclosure_decide(request, pk: int):
    disclosure = selectors.disclosure_get(actor=request.user, pk=pk)
    require_staff(request.user, disclosure.institution_id)
    results = [
        (str(r.pk), f"{r.number} {r.title}")
        for r in presenters.institution_results(request.user, disclosure.institution)[:500]
    ]
    form = DecideForm(request.POST, results=results)
    if form.is_valid():
        data = form.cleaned_data
        merge_into = None
        if data["merge_into"]:
            merge_into = selectors.result_get(actor=request.user, pk=int(data["merge_into"]))
        try:
            services.disclosure_decide(
                actor=request.user,
                disclosure=disclosure,
                decision=data["decision"],
                protection_type=data["protection_type"],
                merge_into=merge_into,
                note=data["note"],
            )
        except ValidationError as exc:
            disclosure.refresh_from_db()
            attach_errors(form, exc)
        else:
            message = _("Decision recorded: %(decision)s.") % {
                "decision": disclosure.get_decision_display()
            }
            if disclosure.result_id:
                message += " " + _("Result %(number)s is in the registry.") % {
                    "number": disclosure.result.number
                }
            return _done(request, disclosure, message)
    return _detail(request, disclosure, decide_form=form)


@login_required
def attachment_download(request, pk: int, aid: int):
    disclosure = selectors.disclosure_get(actor=request.user, pk=pk)
    attachment = disclosure.attachments.filter(pk=aid).first()
    if attachment is None:
        raise Http404(_("Not found."))
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("Not found.")) from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


# --- the results registry ---------------------------------------------------------------------

RESULT_SORTS = [
    ("-created", gettext_lazy("Newest")),
    ("created", gettext_lazy("Oldest")),
    ("number", gettext_lazy("Number")),
    ("title", gettext_lazy("Title")),
    ("trl", gettext_lazy("Readiness level, highest first")),
    ("completeness", gettext_lazy("Completeness, lowest first")),
]
RESULT_FILTERS = (
    "q",
    "institution",
    "status",
    "industry",
    "trl",
    "ip_type",
    "department",
    "completeness_below",
    "sort",
)


@login_required
def result_list(request):
    params = {key: request.GET.get(key, "").strip() for key in RESULT_FILTERS}
    params["sort"] = params["sort"] or "-created"
    if params["completeness_below"] and not params["completeness_below"].isdigit():
        params["completeness_below"] = ""
    institutions = list(presenters.member_institutions(request.user)[:200])
    one_institution = None
    if params["institution"]:
        one_institution = next((i for i in institutions if i.slug == params["institution"]), None)
    elif len(institutions) == 1:
        one_institution = institutions[0]
    if one_institution is None:
        params["department"] = ""
    results = selectors.result_list(actor=request.user, **params)
    ip_labels = presenters.ip_labels()
    if request.GET.get("export"):
        results = results.prefetch_related("inventors")
        return export_response(
            request,
            "results",
            _("Results"),
            [
                _("Number"),
                _("Title"),
                _("English title"),
                _("Institution"),
                _("Department"),
                _("Industry"),
                _("TRL"),
                _("Protection"),
                _("Status"),
                _("Completeness (%)"),
                _("Inventors"),
                _("Created"),
            ],
            (
                (
                    r.number,
                    r.title,
                    r.title_en,
                    r.institution.display_name,
                    r.department.display_name if r.department_id else "",
                    str(r.industry) if r.industry_id else "",
                    r.trl,
                    presenters.describe_ip(r.ip_types, ip_labels),
                    r.get_status_display(),
                    r.completeness,
                    ", ".join(f"{i.name} ({i.share.normalize():f}%)" for i in r.inventors.all()),
                    r.created_at.date().isoformat(),
                )
                for r in results.iterator(chunk_size=500)
            ),
        )
    context = {
        "page": paginate(request, results),
        "params": params,
        "statuses": ResultStatus.choices,
        "industries": presenters.industry_choices(sections_selectable=True)[1:],
        "trls": presenters.trl_choices(_("All")),
        "ip_types": presenters.ip_choices(),
        "ip_labels": ip_labels,
        "institutions": institutions if len(institutions) > 1 else [],
        "departments": presenters.department_choices(request.user, one_institution)
        if one_institution
        else [],
        "sorts": RESULT_SORTS,
        "office": presenters.is_office(request.user),
    }
    template = "results/partials/result_table.html" if request.htmx else "results/result_list.html"
    return render(request, template, context)


@login_required
def result_detail(request, pk: int):
    result = selectors.result_get(actor=request.user, pk=pk)
    score, missing = quality.completeness(result)
    events = selectors.result_timeline(actor=request.user, result=result)
    context = {
        "result": result,
        "inventors": result.inventors.select_related("user"),
        "score": score,
        "band": presenters.completeness_band(score),
        "missing": missing,
        "timeline": presenters.timeline_entries(events, request.user),
        "merged_from": result.merged_from.all(),
        "disclosures": presenters.visible_disclosures(request.user, result),
        "is_staff": scope_for(request.user).is_staff_of(result.institution_id),
        "ip_labels": presenters.ip_labels(),
        "trl_labels": presenters.trl_labels(),
        "sections": sections_for(request, result),
    }
    return render(request, "results/result_detail.html", context)


@login_required
def result_edit(request, pk: int):
    result = selectors.result_get(actor=request.user, pk=pk)
    require_staff(request.user, result.institution_id)
    if result.status == ResultStatus.MERGED:
        messages.info(
            request, _("A merged result is kept as it was; edit the one it was merged into.")
        )
        return redirect("result-detail", pk=result.pk)
    form = ResultForm(
        request.POST or None,
        initial=ResultForm.initial_from(result),
        departments=presenters.department_choices(request.user, result.institution),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.result_update(actor=request.user, result=result, data=form.cleaned_data)
        except ValidationError as exc:
            result.refresh_from_db()
            attach_errors(form, exc)
        else:
            messages.success(request, _("The result was saved."))
            return redirect("result-detail", pk=result.pk)
    return render(request, "results/result_edit.html", {"form": form, "result": result})


@login_required
def result_merge(request, pk: int):
    result = selectors.result_get(actor=request.user, pk=pk)
    require_staff(request.user, result.institution_id)
    candidates = presenters.merge_candidates(request.user, result)
    chosen = request.POST.get("target") or request.GET.get("target", "")
    error = ""
    if request.method == "POST":
        if not chosen.isdigit():
            error = _("Choose the result to keep.")
        else:
            target = selectors.result_get(actor=request.user, pk=int(chosen))
            try:
                services.result_merge(actor=request.user, source=result, target=target)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _("%(source)s was merged into %(target)s.")
                    % {"source": result.number, "target": target.number},
                )
                return redirect("result-detail", pk=target.pk)
    extra = None
    if chosen.isdigit() and not any(str(m.result_id) == chosen for m in candidates):
        extra = selectors.result_get(actor=request.user, pk=int(chosen))
    return render(
        request,
        "results/result_merge.html",
        {
            "result": result,
            "candidates": candidates,
            "extra": extra,
            "chosen": chosen,
            "error": error,
        },
    )


@login_required
def result_quality(request):
    slug = request.GET.get("institution", "").strip()
    choices = list(presenters.staff_institutions(request.user)[:200])
    if slug:
        institution = institution_selectors.institution_get(actor=request.user, slug=slug)
    elif choices:
        institution = choices[0]
    else:
        raise Http404(_("Not found."))
    report = selectors.quality_report(actor=request.user, institution=institution)
    if request.GET.get("export"):
        return presenters.quality_workbook(report)
    below = sum(n for band, n in report["distribution"][:2])
    context = {
        "report": report,
        "institution": institution,
        "institutions": choices,
        "below": below,
        "band": presenters.completeness_band(report["average"]),
    }
    return render(request, "results/quality.html", context)
