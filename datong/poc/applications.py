"""Writes of applications: the researcher's application (a draft, then its submission with
every rule checked), the office's steps (correction, admission, rejection at admission, review),
withdrawal and renunciation, objections during the public notice, and the funding agreement.

Every status change goes through :func:`datong.poc.workflow.move`, which checks the move and
records the timeline event and the audit entry. The review, the decision (provisional list,
reserve, award) and the funded projects live in ``datong.poc.review`` and
``datong.poc.projects``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from datong.accounts.models import User
from datong.core import audit
from datong.core.permissions import require, require_staff, scope_for
from datong.core.roles import Role
from datong.core.validation import length_errors
from datong.institutions.models import AllianceMember, Institution
from datong.notifications.services import notify
from datong.results.models import Result, ResultInventor, ResultStatus
from datong.results.timeline import append_event

from . import workflow
from .cleaning import (
    clean_trl,
    parse_date,
    parse_flag,
    parse_money,
    parse_whole,
    row_message,
    strip_fields,
)
from .models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Call,
    CallStatus,
    FundingLine,
    FundingRequest,
    FundKind,
    Objection,
    PlannedMilestone,
    Programme,
    Stage,
    TeamMember,
    TeamRole,
    VerificationKind,
    VerificationNeed,
)
from .money import yuan

S = ApplicationStatus
MAX_ROWS = 50
MAX_NOTE = 5000


def office_users(institution_id: int) -> list[User]:
    return list(
        User.objects.filter(
            memberships__institution_id=institution_id,
            memberships__role=Role.TTO_STAFF,
            is_active=True,
        ).distinct()
    )


# --- applications: who may apply, and eligibility --------------------------------------------


def can_apply_with(user, result: Result) -> bool:
    """An inventor of the result, or the transfer office of its institution."""
    scope = scope_for(user)
    if scope.user_id is None:
        return False
    return (
        scope.is_staff_of(result.institution_id)
        or ResultInventor.objects.filter(result=result, user_id=scope.user_id).exists()
    )


def _industry_covered(codes: list[str], result: Result) -> bool:
    if not codes:
        return True
    industry = result.industry
    if industry is None:
        return False
    parent = industry.parent.code if industry.parent_id else ""
    return industry.code in codes or parent in codes


def eligibility_problems(
    programme: Programme,
    *,
    result: Result,
    institution: Institution,
    stage: str = "",
    trl: int | None = None,
) -> dict[str, str]:
    """The programme's eligibility rules the application breaks, each message naming its rule."""
    problems = {}
    if programme.stages and stage and stage not in programme.stages:
        problems["stage"] = _("Stage rule: the programme funds %(stages)s.") % {
            "stages": "、".join(programme.stage_labels)
        }
    low, high = programme.min_trl, programme.max_trl
    if trl is not None and ((low and trl < low) or (high and trl > high)):
        problems["trl_now"] = _(
            "Readiness rule: the programme funds projects from TRL %(low)s to TRL %(high)s; "
            "this one is at TRL %(trl)d."
        ) % {"low": low or 1, "high": high or 9, "trl": trl}
    if not _industry_covered(programme.industries, result):
        codes = "、".join(programme.industries)
        if result.industry_id:
            problems["result"] = _(
                "Industry rule: the programme funds the industries %(codes)s (GB/T 4754); the "
                "result is classified %(industry)s."
            ) % {"codes": codes, "industry": str(result.industry)}
        else:
            problems["result"] = _(
                "Industry rule: the programme funds the industries %(codes)s (GB/T 4754); the "
                "result has no industry yet."
            ) % {"codes": codes}
    eligible = list(programme.eligible_institutions.values_list("pk", flat=True))
    if eligible and institution.pk not in eligible:
        problems["institution"] = _(
            "Institution rule: %(name)s is not among the programme's eligible institutions."
        ) % {"name": institution.display_name}
    elif (
        programme.kind == FundKind.ALLIANCE
        and programme.alliance_id
        and not AllianceMember.objects.filter(
            alliance_id=programme.alliance_id, institution=institution
        ).exists()
    ):
        problems["institution"] = _(
            "Institution rule: %(name)s is not a member of %(alliance)s."
        ) % {"name": institution.display_name, "alliance": programme.alliance.display_name}
    return problems


# --- applications: the content ---------------------------------------------------------------

APPLICATION_FIELDS = (
    "title",
    "stage",
    "summary",
    "academic_route",
    "market_route",
    "trl_now",
    "trl_target",
)
ROW_KEYS = ("requests", "milestones", "needs", "team")


def _programme_line(programme: Programme, value) -> FundingLine | None | bool:
    if value in (None, ""):
        return None
    if isinstance(value, FundingLine):
        return value if value.programme_id == programme.pk else False
    lines = programme.funding_lines.all()
    if str(value).isdigit():
        found = lines.filter(pk=int(value)).first()
        if found:
            return found
    return lines.filter(code=str(value).strip().lower()).first() or False


def _clean_requests(rows, programme: Programme, errors: dict) -> list[dict]:
    cleaned, seen, problems = [], set(), []
    for number, row in enumerate(rows, start=1):
        row_errors: dict = {}
        line = _programme_line(programme, row.get("funding_line"))
        if not line:
            problems.append(row_message(number, _("choose a funding line of the programme.")))
            continue
        if line.pk in seen:
            problems.append(row_message(number, _("this funding line is listed twice.")))
            continue
        seen.add(line.pk)
        amount = parse_money(row.get("amount"), row_errors, "amount")
        problems += [row_message(number, m) for m in row_errors.values()]
        if amount:
            cleaned.append({"funding_line": line, "amount": amount})
    if problems:
        errors["requests"] = problems
    return cleaned


def _clean_milestones(rows, programme: Programme, errors: dict) -> list[dict]:
    cleaned, problems = [], []
    for number, row in enumerate(rows, start=1):
        row_errors: dict = {}
        title = (row.get("title") or "").strip()
        due = parse_date(row.get("due_on"), row_errors, "due_on")
        budget = parse_money(row.get("budget"), row_errors, "budget")
        line = _programme_line(programme, row.get("funding_line"))
        if line is False:
            row_errors["funding_line"] = _("choose a funding line of the programme.")
        if not title:
            row_errors["title"] = _("give the milestone's title.")
        if due is None and "due_on" not in row_errors:
            row_errors["due_on"] = _("give its due date.")
        if budget is None and "budget" not in row_errors:
            row_errors["budget"] = _("give its budget.")
        item = {
            "title": title,
            "deliverable": (row.get("deliverable") or "").strip(),
            "due_on": due,
            "budget": budget,
            "funding_line": line or None,
        }
        row_errors.update(length_errors(PlannedMilestone, {"title": title}))
        problems += [row_message(number, m) for m in row_errors.values()]
        cleaned.append(item)
    if problems:
        errors["milestones"] = problems
    return cleaned


def _clean_needs(rows, errors: dict) -> list[dict]:
    cleaned, problems = [], []
    for number, row in enumerate(rows, start=1):
        kind = (row.get("kind") or "").strip()
        description = (row.get("description") or "").strip()
        if kind not in VerificationKind.values:
            problems.append(row_message(number, _("choose the kind of verification.")))
        elif not description:
            problems.append(row_message(number, _("say what is needed.")))
        else:
            cleaned.append({"kind": kind, "description": description})
    if problems:
        errors["needs"] = problems
    return cleaned


def _team_user(value) -> User | None | bool:
    if value in (None, ""):
        return None
    if isinstance(value, User):
        return value
    field = "pk" if str(value).isdigit() else "username"
    return User.objects.filter(is_active=True, **{field: str(value).strip()}).first() or False


def _clean_team(rows, errors: dict) -> list[dict]:
    cleaned, problems = [], []
    for number, row in enumerate(rows, start=1):
        row_errors: dict = {}
        user = _team_user(row.get("user"))
        if user is False:
            row_errors["user"] = _("no such user.")
        name = (row.get("name") or "").strip() or (user.get_full_name() if user else "")
        role = (row.get("role") or "").strip()
        if not name:
            row_errors["name"] = _("give the person's name.")
        if role not in TeamRole.values:
            row_errors["role"] = _("choose the person's role.")
        effort = parse_whole(
            row.get("effort"),
            row_errors,
            "effort",
            0,
            100,
            _("give the time on the project as a percentage from 0 to 100."),
        )
        item = {
            "user": user or None,
            "name": name,
            "role": role,
            "affiliation": (row.get("affiliation") or "").strip(),
            "effort": effort,
        }
        row_errors.update(
            length_errors(TeamMember, {"name": name, "affiliation": item["affiliation"]})
        )
        problems += [row_message(number, m) for m in row_errors.values()]
        cleaned.append(item)
    if problems:
        errors["team"] = problems
    return cleaned


def _clean_application(data: dict, programme: Programme, creating: bool) -> tuple[dict, dict]:
    """Checks a draft must pass (its form, not its completeness): values, rows, lengths."""
    cleaned = strip_fields(data, APPLICATION_FIELDS)
    for field in ("summary", "academic_route", "market_route", "stage"):
        if field in cleaned and cleaned[field] is None:
            cleaned[field] = ""
    errors = length_errors(Application, cleaned)
    if (creating or "title" in cleaned) and not cleaned.get("title"):
        errors["title"] = _("Give the project's title.")
    if cleaned.get("stage") and cleaned["stage"] not in Stage.values:
        errors["stage"] = _("Choose the stage from the list.")
    clean_trl(cleaned, errors, "trl_now")
    clean_trl(cleaned, errors, "trl_target")
    rows: dict = {}
    cleaners = {
        "requests": lambda r: _clean_requests(r, programme, errors),
        "milestones": lambda r: _clean_milestones(r, programme, errors),
        "needs": lambda r: _clean_needs(r, errors),
        "team": lambda r: _clean_team(r, errors),
    }
    for key, clean in cleaners.items():
        if key in data:
            items = list(data[key] or [])
            if len(items) > MAX_ROWS:
                errors[key] = _("At most %(count)d rows.") % {"count": MAX_ROWS}
            else:
                rows[key] = clean(items)
    if errors:
        raise ValidationError(errors)
    return cleaned, rows


def _check_trl_order(application: Application) -> None:
    now, target = application.trl_now, application.trl_target
    if now and target and target < now:
        raise ValidationError(
            {"trl_target": _("The readiness aimed at cannot be below the readiness now.")}
        )


def _write_rows(application: Application, rows: dict) -> dict:
    """Replace the rows given in ``rows``; return the audit changes (row counts)."""
    changes = {}
    writers = {
        "requests": (FundingRequest, application.requests),
        "milestones": (PlannedMilestone, application.planned_milestones),
        "needs": (VerificationNeed, application.verification_needs),
        "team": (TeamMember, application.team),
    }
    for key, items in rows.items():
        model, related = writers[key]
        before = related.count()
        related.all().delete()
        extra = (lambda i: {"position": i}) if key == "milestones" else (lambda i: {})
        model.objects.bulk_create(
            model(application=application, **item, **extra(i)) for i, item in enumerate(items)
        )
        if before or items:
            changes[key] = [before, len(items)]
    return changes


def _application_url(application: Application) -> str:
    return reverse("poc-application", args=[application.pk])


def _tell_applicant(application: Application, title: str, body: str = "", actor=None) -> None:
    notify(
        users=[application.applicant],
        title=title,
        body=body,
        url=_application_url(application),
        actor=actor,
    )


def _tell_office(application: Application, title: str, body: str = "", actor=None) -> None:
    notify(
        users=office_users(application.call.programme.owner_id),
        title=title,
        body=body,
        url=_application_url(application),
        actor=actor,
    )


@transaction.atomic
def application_create(*, actor, call: Call, result: Result, data: dict) -> Application:
    """A draft application of ``result`` to ``call``, with its plan and rows; it may be
    incomplete (submission checks everything)."""
    require(
        can_apply_with(actor, result),
        _("You may apply with a result you are an inventor of, or with your office's results."),
    )
    if call.status != CallStatus.OPEN or timezone.localdate() > call.closes_on:
        raise ValidationError({"call": _("The call is not open for applications.")})
    if result.status == ResultStatus.MERGED:
        raise ValidationError({"result": _("A merged result cannot be proposed.")})
    if (
        Application.objects.filter(call=call, result=result)
        .exclude(status__in=[S.WITHDRAWN, S.REJECTED, S.RENOUNCED])
        .exists()
    ):
        raise ValidationError({"result": _("This result already has an application to this call.")})
    data = dict(data)
    data.setdefault("title", result.title)
    if "trl_now" not in data and result.trl:
        data["trl_now"] = result.trl
    cleaned, rows = _clean_application(data, call.programme, creating=True)
    application = Application(
        call=call,
        result=result,
        institution_id=result.institution_id,
        department_id=result.department_id,
        applicant=actor,
    )
    audit.apply_changes(application, cleaned, APPLICATION_FIELDS)
    _check_trl_order(application)
    application.save()
    changes = audit.snapshot(application, ("title", "stage", "status"))
    changes.update(_write_rows(application, rows))
    ApplicationEvent.objects.create(
        application=application, at=timezone.now(), status_to=S.DRAFT, actor=actor
    )
    audit.record(actor=actor, action="poc.application_create", obj=application, changes=changes)
    return application


def _require_applicant(actor, application: Application, message: str) -> None:
    scope = scope_for(actor)
    require(scope.is_superuser or application.applicant_id == scope.user_id, message)


@transaction.atomic
def application_update(*, actor, application: Application, data: dict) -> Application:
    """The applicant edits a draft, or an application returned for correction."""
    _require_applicant(actor, application, _("Only the applicant may edit the application."))
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.is_editable:
        raise ValidationError(
            {"status": _("Only a draft or an application returned for correction can be edited.")}
        )
    cleaned, rows = _clean_application(data, application.call.programme, creating=False)
    changes = audit.apply_changes(application, cleaned, APPLICATION_FIELDS)
    _check_trl_order(application)
    if changes:
        application.save()
    changes.update(_write_rows(application, rows))
    if changes:
        audit.record(actor=actor, action="poc.application_update", obj=application, changes=changes)
    return application


# --- submission ------------------------------------------------------------------------------


def _add(problems: dict, field: str, message: str) -> None:
    problems.setdefault(field, []).append(message)


def _content_problems(application: Application, problems: dict) -> None:
    required = {
        "title": _("Give the project's title."),
        "stage": _("Choose the stage."),
        "summary": _("Write the summary."),
        "academic_route": _("Describe the academic route."),
        "market_route": _("Describe the market route."),
        "trl_now": _("Give the readiness now (TRL)."),
        "trl_target": _("Give the readiness aimed at (TRL)."),
    }
    for field, message in required.items():
        if getattr(application, field) in (None, ""):
            _add(problems, field, message)
    if application.result.status == ResultStatus.MERGED:
        _add(problems, "result", _("A merged result cannot be proposed."))


def _money_problems(application: Application, problems: dict) -> None:
    requests = list(application.requests.select_related("funding_line"))
    milestones = list(application.planned_milestones.select_related("funding_line"))
    if not requests:
        _add(problems, "requests", _("Ask for money on at least one funding line."))
    for request in requests:
        line = request.funding_line
        if request.amount > line.per_project_cap:
            _add(
                problems,
                "requests",
                _("%(line)s: %(amount)s asked, the cap per project is %(cap)s.")
                % {
                    "line": line.display_name,
                    "amount": yuan(request.amount),
                    "cap": yuan(line.per_project_cap),
                },
            )
    if not milestones:
        _add(problems, "milestones", _("Plan at least one milestone."))
        return
    asked = sum((r.amount for r in requests), Decimal("0"))
    planned = sum((m.budget for m in milestones), Decimal("0"))
    if asked != planned:
        _add(
            problems,
            "milestones",
            _(
                "The milestones' budgets total %(planned)s but %(asked)s is requested: a "
                "difference of %(difference)s."
            )
            % {"planned": yuan(planned), "asked": yuan(asked), "difference": yuan(asked - planned)},
        )
    lines = {r.funding_line_id for r in requests}
    for milestone in milestones:
        if milestone.funding_line_id and milestone.funding_line_id not in lines:
            _add(
                problems,
                "milestones",
                _("“%(title)s” is paid from %(line)s, where no money is requested.")
                % {"title": milestone.title, "line": milestone.funding_line.display_name},
            )


def _team_problems(application: Application, problems: dict) -> None:
    leaders = [m for m in application.team.all() if m.role == TeamRole.LEADER]
    if not leaders:
        _add(problems, "team", _("Name the project leader in the team."))
    elif len(leaders) > 1:
        _add(
            problems,
            "team",
            _("The team names %(count)d project leaders: keep one.") % {"count": len(leaders)},
        )


def submission_problems(application: Application) -> dict[str, list[str]]:
    """Every reason the application cannot be submitted now, per field (empty: it can)."""
    problems: dict[str, list[str]] = {}
    call = application.call
    today = timezone.localdate()
    if application.status == S.DRAFT and not call.accepts_on(today):
        if call.status == CallStatus.OPEN and today < call.opens_on:
            message = _("The call opens on %(day)s.") % {"day": call.opens_on.isoformat()}
        else:
            message = _(
                "The call is not open: it accepted applications from %(opens)s to %(closes)s."
            ) % {
                "opens": call.opens_on.isoformat(),
                "closes": call.closes_on.isoformat(),
            }
        _add(problems, "call", message)
    _content_problems(application, problems)
    for field, message in eligibility_problems(
        call.programme,
        result=application.result,
        institution=application.institution,
        stage=application.stage,
        trl=application.trl_now,
    ).items():
        _add(problems, field, message)
    _money_problems(application, problems)
    _team_problems(application, problems)
    return problems


def _assign_number(application: Application) -> None:
    if application.number:
        return
    programme = Programme.objects.select_for_update().get(pk=application.call.programme_id)
    year = timezone.localdate().year
    prefix = f"{programme.code.upper()}-{year}-"
    taken = Application.objects.filter(number__startswith=prefix).count()
    number = taken + 1
    while Application.objects.filter(number=f"{prefix}{number:03d}").exists():
        number += 1
    application.number = f"{prefix}{number:03d}"[:32]


@transaction.atomic
def application_submit(*, actor, application: Application) -> Application:
    """The applicant submits (or resubmits after a correction); every problem is listed."""
    _require_applicant(actor, application, _("Only the applicant may submit the application."))
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.is_editable:
        raise ValidationError({"status": _("This application was already submitted.")})
    problems = submission_problems(application)
    if problems:
        raise ValidationError(problems)
    first = not application.number
    _assign_number(application)
    workflow.move(application, S.SUBMITTED, actor=actor, action="poc.submit")
    if first:
        append_event(
            result=application.result,
            kind="poc.applied",
            actor=actor,
            obj=application,
            summary=f"{application.call.programme.name} · {application.number}",
        )
    _tell_office(
        application,
        _("Application %(number)s submitted: “%(title)s”")
        % {"number": application.number, "title": application.title},
        actor=actor,
    )
    return application


# --- the office's steps ----------------------------------------------------------------------


def _require_owner_office(actor, application: Application) -> None:
    require(
        scope_for(actor).is_staff_of(application.call.programme.owner_id),
        _("Only the programme's office may do this."),
    )


def _note(note: str, required_message: str | None = None) -> str:
    note = (note or "").strip()
    if required_message and not note:
        raise ValidationError({"note": required_message})
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": _("At most %(limit)d characters.") % {"limit": MAX_NOTE}})
    return note


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("call__programme")
        .get(pk=application.pk)
    )


@transaction.atomic
def application_request_correction(*, actor, application: Application, note: str) -> Application:
    """The office returns a submitted application to the applicant, saying what to correct."""
    _require_owner_office(actor, application)
    note = _note(note, _("Say what the applicant should correct."))
    application = _locked(application)
    application.correction_note = note
    workflow.move(application, S.CORRECTION, actor=actor, note=note, action="poc.correction")
    _tell_applicant(
        application,
        _("Please correct your application “%(title)s”") % {"title": application.title},
        note,
        actor,
    )
    return application


@transaction.atomic
def application_admit(*, actor, application: Application, note: str = "") -> Application:
    """The office finds the application complete and eligible: it is admitted to review."""
    _require_owner_office(actor, application)
    note = _note(note)
    application = _locked(application)
    workflow.move(application, S.ADMITTED, actor=actor, note=note, action="poc.admit")
    _tell_applicant(
        application,
        _("Your application “%(title)s” was admitted") % {"title": application.title},
        note,
        actor,
    )
    return application


@transaction.atomic
def application_reject(*, actor, application: Application, note: str) -> Application:
    """The office rejects a submitted application at admission (a rejection after review is the
    committee's decision)."""
    _require_owner_office(actor, application)
    note = _note(note, _("Give the reason for the rejection."))
    application = _locked(application)
    if application.status != S.SUBMITTED:
        raise ValidationError(
            {"status": _("The office rejects only submitted applications, at admission.")}
        )
    application.decision_note = note
    workflow.move(application, S.REJECTED, actor=actor, note=note, action="poc.reject")
    _tell_applicant(
        application,
        _("Your application “%(title)s” was not admitted") % {"title": application.title},
        note,
        actor,
    )
    return application


def _to_review(actor, application: Application, note: str) -> Application:
    workflow.move(application, S.UNDER_REVIEW, actor=actor, note=note, action="poc.review")
    _tell_applicant(
        application,
        _("Your application “%(title)s” is under review") % {"title": application.title},
        note,
        actor,
    )
    return application


@transaction.atomic
def application_send_to_review(*, actor, application: Application, note: str = "") -> Application:
    _require_owner_office(actor, application)
    return _to_review(actor, _locked(application), _note(note))


@transaction.atomic
def call_send_to_review(*, actor, call: Call) -> int:
    """Every admitted application of the call goes under review at once; returns how many."""
    require_staff(actor, call.programme.owner_id)
    admitted = list(call.applications.select_for_update().filter(status=S.ADMITTED).order_by("pk"))
    if not admitted:
        raise ValidationError({"call": _("No admitted application is waiting for review.")})
    for application in admitted:
        _to_review(actor, application, "")
    return len(admitted)


@transaction.atomic
def application_withdraw(*, actor, application: Application, note: str = "") -> Application:
    """The applicant withdraws, at any time before a decision."""
    _require_applicant(actor, application, _("Only the applicant may withdraw the application."))
    note = _note(note)
    application = _locked(application)
    submitted = application.status != S.DRAFT
    workflow.move(application, S.WITHDRAWN, actor=actor, note=note, action="poc.withdraw")
    if submitted:
        _tell_office(
            application,
            _("Application %(number)s withdrawn: “%(title)s”")
            % {"number": application.number, "title": application.title},
            note,
            actor,
        )
    return application


RENOUNCEABLE = (S.AWARDED, S.PROVISIONAL, S.RESERVE)


@transaction.atomic
def application_renounce(*, actor, application: Application, note: str = "") -> Application:
    """The applicant gives up an award, a place on the public notice or on the reserve list."""
    _require_applicant(actor, application, _("Only the applicant may renounce."))
    note = _note(note)
    application = _locked(application)
    if application.status not in RENOUNCEABLE:
        raise ValidationError(
            {
                "status": _(
                    "Only an awarded application, or one on the public notice or the reserve "
                    "list, can be renounced."
                )
            }
        )
    workflow.move(application, S.RENOUNCED, actor=actor, note=note, action="poc.renounce")
    _tell_office(
        application,
        _("Application %(number)s renounced: “%(title)s”")
        % {"number": application.number, "title": application.title},
        note,
        actor,
    )
    return application


#: The moves the ``transition`` endpoint makes, and the service that makes each.
TRANSITIONS = {
    S.SUBMITTED: lambda actor, a, note: application_submit(actor=actor, application=a),
    S.CORRECTION: lambda actor, a, note: application_request_correction(
        actor=actor, application=a, note=note
    ),
    S.ADMITTED: lambda actor, a, note: application_admit(actor=actor, application=a, note=note),
    S.REJECTED: lambda actor, a, note: application_reject(actor=actor, application=a, note=note),
    S.UNDER_REVIEW: lambda actor, a, note: application_send_to_review(
        actor=actor, application=a, note=note
    ),
    S.WITHDRAWN: lambda actor, a, note: application_withdraw(actor=actor, application=a, note=note),
    S.RENOUNCED: lambda actor, a, note: application_renounce(actor=actor, application=a, note=note),
}


def application_transition(*, actor, application: Application, to: str, note: str = ""):
    """One of the moves in :data:`TRANSITIONS` (the decision moves belong to the committee)."""
    service = TRANSITIONS.get(to)
    if service is None:
        raise ValidationError(
            {"to": _("This move is made by the selection committee's decision, not here.")}
        )
    return service(actor, application, note)


# --- objections during the public notice ---------------------------------------------------


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


def _notice_running_on(application: Application, day: dt.date) -> bool:
    start, end = application.notice_published_on, application.objection_until
    return (start is None or start <= day) and (end is None or day <= end)


@transaction.atomic
def objection_record(*, actor, application: Application, data: dict) -> Objection:
    """The office records an objection received while the public notice runs."""
    _require_owner_office(actor, application)
    application = _locked(application)
    errors: dict = {}
    if application.status != S.PROVISIONAL:
        raise ValidationError(
            {"status": _("Objections are recorded while the application is on the public notice.")}
        )
    raised_by = (data.get("raised_by") or "").strip()
    text = (data.get("text") or "").strip()
    received = parse_date(data.get("received_on"), errors, "received_on")
    if not raised_by:
        errors["raised_by"] = _("Say who raised the objection.")
    if not text:
        errors["text"] = _("Write the objection.")
    if received is None and "received_on" not in errors:
        errors["received_on"] = _("Give the day it was received.")
    elif received and received > timezone.localdate():
        errors["received_on"] = _("The day received cannot be in the future.")
    elif received and not _notice_running_on(application, received):
        errors["received_on"] = _(
            "The public notice ran from %(start)s to %(end)s: this objection came outside it."
        ) % {
            "start": _day(application.notice_published_on),
            "end": _day(application.objection_until),
        }
    errors.update(length_errors(Objection, {"raised_by": raised_by}))
    if errors:
        raise ValidationError(errors)
    objection = Objection.objects.create(
        application=application, raised_by=raised_by, received_on=received, text=text
    )
    audit.record(
        actor=actor,
        action="poc.objection_record",
        obj=application,
        institution_id=application.call.programme.owner_id,
        changes={"objection": [None, raised_by]},
        message=text,
    )
    _tell_applicant(
        application,
        _("An objection to “%(title)s” was received during the public notice")
        % {"title": application.title},
        _("The office will look into it and tell you the outcome."),
        actor,
    )
    return objection


RESOLUTION_OUTCOMES = (S.REJECTED, S.RESERVE)


@transaction.atomic
def objection_resolve(
    *, actor, objection: Objection, resolution: str, upheld, outcome: str = ""
) -> Objection:
    """The office records how an objection was handled; an upheld one moves the application to
    the rejected or the reserve list (``outcome``)."""
    application = objection.application
    _require_owner_office(actor, application)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.resolved_at is not None:
        raise ValidationError({"objection": _("This objection was already resolved.")})
    errors = {}
    resolution = (resolution or "").strip()
    if not resolution:
        errors["resolution"] = _("Say how the objection was handled.")
    if upheld in (None, ""):
        errors["upheld"] = _("Say whether the objection is upheld.")
    upheld = parse_flag(upheld) if upheld not in (None, "") else None
    if upheld and outcome not in RESOLUTION_OUTCOMES:
        errors["outcome"] = _("Choose where the application goes: rejected or the reserve list.")
    if errors:
        raise ValidationError(errors)
    objection.resolution, objection.upheld = resolution, upheld
    objection.resolved_at = timezone.now()
    objection.save()
    application = _locked(application)
    audit.record(
        actor=actor,
        action="poc.objection_resolve",
        obj=application,
        institution_id=application.call.programme.owner_id,
        changes={"upheld": [None, upheld]},
        message=resolution,
    )
    if upheld:
        application.decision_note = resolution
        workflow.move(
            application, outcome, actor=actor, note=resolution, action="poc.objection_upheld"
        )
    title = (
        _("An objection to “%(title)s” was upheld")
        if upheld
        else _("An objection to “%(title)s” was dismissed")
    )
    _tell_applicant(application, title % {"title": application.title}, resolution, actor)
    return objection


def unresolved_objections(application: Application) -> int:
    """How many objections still wait for a resolution (the award waits for none)."""
    return application.objections.filter(resolved_at__isnull=True).count()


# --- the funding agreement -------------------------------------------------------------------


@transaction.atomic
def agreement_record(*, actor, application: Application, number: str, signed_on) -> Application:
    """The office records the signed funding agreement of an awarded application."""
    _require_owner_office(actor, application)
    application = _locked(application)
    if application.status != S.AWARDED:
        raise ValidationError(
            {"status": _("A funding agreement is recorded for an awarded application.")}
        )
    errors: dict = {}
    number = (number or "").strip()
    day = parse_date(signed_on, errors, "agreement_signed_on")
    if not number:
        errors["agreement_number"] = _("Give the agreement's number.")
    errors.update(length_errors(Application, {"agreement_number": number}))
    if day is None and "agreement_signed_on" not in errors:
        errors["agreement_signed_on"] = _("Give the day it was signed.")
    elif day and day > timezone.localdate():
        errors["agreement_signed_on"] = _("The signing day cannot be in the future.")
    elif day and application.decided_at and day < timezone.localdate(application.decided_at):
        errors["agreement_signed_on"] = _(
            "The agreement cannot be signed before the award (%(day)s)."
        ) % {"day": timezone.localdate(application.decided_at).isoformat()}
    if errors:
        raise ValidationError(errors)
    changes = audit.apply_changes(
        application,
        {"agreement_number": number, "agreement_signed_on": day},
        ("agreement_number", "agreement_signed_on"),
    )
    if changes:
        application.save(update_fields=["agreement_number", "agreement_signed_on", "updated_at"])
        audit.record(actor=actor, action="poc.agreement", obj=application, changes=changes)
        _tell_applicant(
            application,
            _("The funding agreement of “%(title)s” is recorded") % {"title": application.title},
            _("Agreement %(number)s, signed on %(day)s.")
            % {"number": number, "day": day.isoformat()},
            actor,
        )
    return application
