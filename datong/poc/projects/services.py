"""Writes to funded projects. Every function checks who may act (see ``access``), validates,
writes in one transaction and records an audit entry; a refused write leaves nothing behind."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datong.accounts.models import User
from datong.core import audit
from datong.core.permissions import require, require_staff, scope_for
from datong.poc.models import (
    Application,
    ApplicationStatus,
    CostType,
    FundingLine,
    VerificationKind,
    VerificationNeed,
)
from datong.results.services import _MAGIC as ATTACHMENT_MAGIC
from datong.results.services import ATTACHMENT_MAX_BYTES, ATTACHMENT_TYPES

from . import access, cleaning, selectors
from .ledger import ZERO, cents, line_name, project_ledger, snapshot, yuan
from .models import (
    CLOSED_STATES,
    BookingStatus,
    CoachingSession,
    Expense,
    ExpenseStatus,
    Extension,
    ExtensionStatus,
    GateDecision,
    GateKind,
    GateReview,
    MentorKind,
    Milestone,
    MilestoneReport,
    MilestoneStatus,
    Outcome,
    Project,
    ProjectFunding,
    ProjectState,
    ReportDecision,
    ReportKind,
    ReportStatus,
    ResourceBooking,
    SpendingReport,
    Termination,
    Tranche,
    TrancheKind,
    VerificationResource,
)


def _today() -> dt.date:
    return timezone.localdate()


def _require_open(project: Project) -> None:
    if project.state in CLOSED_STATES:
        raise ValidationError(
            {"state": _("The project is %(state)s.") % {"state": project.get_state_display()}}
        )


def _require_running(project: Project) -> None:
    _require_open(project)
    if not project.is_running:
        raise ValidationError({"state": _("The project is suspended: resume it first.")})


def _set_state(*, actor, project: Project, state: str, action: str, message: str = "") -> None:
    before = project.state
    project.state = state
    if state in CLOSED_STATES:
        project.closed_on = project.closed_on or _today()
    project.save()
    audit.record(
        actor=actor,
        action=action,
        obj=project,
        changes={"state": [before, state]},
        message=message,
    )


# --- starting a project ----------------------------------------------------------------------


def awarded_lines(application: Application) -> dict[int, Decimal]:
    """Funding line id → money awarded, for the lines with money."""
    return {
        r.funding_line_id: cents(r.awarded)
        for r in application.requests.all()
        if r.awarded is not None and r.awarded > 0
    }


def _split(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``total`` shared in proportion to ``weights`` (equal shares when all are zero), in fen;
    the last share takes the rounding."""
    if not weights:
        return []
    if not any(weights):
        weights = [Decimal(1)] * len(weights)
    whole = sum(weights)
    shares = [cents(total * w / whole) for w in weights[:-1]]
    return [*shares, total - sum(shares, ZERO)]


def tranche_plan(application: Application) -> tuple[list[dict], dict[int, Decimal]]:
    """A proposed plan: each planned milestone on its funding line (the only or first awarded
    line when it names none), the line's award shared among its milestones by their budgets,
    and the whole award as an advance on a line without milestones."""
    lines = awarded_lines(application)
    order = list(lines)
    rows = []
    for planned in application.planned_milestones.all():
        line_id = planned.funding_line_id if planned.funding_line_id in lines else None
        if line_id is None and order:
            line_id = order[0]
        rows.append(
            {"milestone": planned.pk, "funding_line": line_id, "amount": ZERO, "_w": planned.budget}
        )
    by_line = defaultdict(list)
    for row in rows:
        by_line[row["funding_line"]].append(row)
    for line_id, group in by_line.items():
        if line_id is None:
            continue
        for row, share in zip(group, _split(lines[line_id], [r["_w"] for r in group]), strict=True):
            row["amount"] = share
    advances = {line_id: total for line_id, total in lines.items() if line_id not in by_line}
    return [{k: v for k, v in r.items() if k != "_w"} for r in rows], advances


def _clean_plan(application, rows, advances, errors) -> tuple[list[dict], dict[int, Decimal]]:
    lines = awarded_lines(application)
    planned = {p.pk: p for p in application.planned_milestones.all()}
    names = {line.pk: line_name(line) for line in FundingLine.objects.filter(pk__in=lines)}
    cleaned_rows, problems = [], []
    for row in rows:
        milestone = planned.get(_int(row.get("milestone")))
        line_id = _int(row.get("funding_line"))
        try:
            amount = cleaning.as_amount(row.get("amount") or 0)
        except ValueError:
            problems.append(_("Give each tranche as an amount in yuan."))
            continue
        if milestone is None:
            problems.append(_("A tranche names a milestone that is not in the application."))
            continue
        if line_id is not None and line_id not in lines:
            problems.append(
                _("“%(milestone)s” is paid from a funding line without awarded money.")
                % {"milestone": milestone.title}
            )
            continue
        if amount > 0 and line_id is None:
            problems.append(
                _("Choose the funding line that pays “%(milestone)s”.")
                % {"milestone": milestone.title}
            )
            continue
        cleaned_rows.append({"milestone": milestone, "funding_line": line_id, "amount": amount})
    cleaned_advances = {}
    for key, value in (advances or {}).items():
        line_id = _int(key)
        try:
            amount = cleaning.as_amount(value or 0)
        except ValueError:
            errors["advances"] = _("Give each advance as an amount in yuan.")
            continue
        if amount and line_id not in lines:
            errors["advances"] = _("An advance can only be paid on a line with awarded money.")
            continue
        if amount:
            cleaned_advances[line_id] = amount
    if not problems:
        problems = _plan_total_problems(lines, names, cleaned_rows, cleaned_advances)
    if problems:
        errors["tranches"] = problems
    return cleaned_rows, cleaned_advances


def _plan_total_problems(lines, names, rows, advances) -> list[str]:
    """Per funding line, the tranches and the advance must add up to the money awarded."""
    problems = []
    for line_id, awarded in lines.items():
        planned = sum((r["amount"] for r in rows if r["funding_line"] == line_id), ZERO)
        planned += advances.get(line_id, ZERO)
        if planned != awarded:
            problems.append(
                _(
                    "%(line)s: the tranches and the advance add up to %(planned)s, but %(awarded)s "
                    "was awarded (%(diff)s %(direction)s)."
                )
                % {
                    "line": names.get(line_id, line_id),
                    "planned": yuan(planned),
                    "awarded": yuan(awarded),
                    "diff": yuan(abs(awarded - planned)),
                    "direction": _("missing") if planned < awarded else _("too much"),
                }
            )
    return problems


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _clean_start(application, starts_on, ends_on, agreement_number, agreement_signed_on):
    errors: dict = {}
    if application.status != ApplicationStatus.AWARDED:
        errors["application"] = _("Only an awarded application becomes a project.")
    elif Project.objects.filter(application=application).exists():
        errors["application"] = _("This application's project has already started.")
    cleaned = {
        "starts_on": starts_on,
        "ends_on": ends_on,
        "agreement_number": (application.agreement_number or agreement_number or "").strip(),
        "agreement_signed_on": application.agreement_signed_on or agreement_signed_on,
    }
    for name in ("starts_on", "ends_on", "agreement_signed_on"):
        cleaning.date_field(cleaned, errors, name, required=True)
    if not cleaned["agreement_number"]:
        errors["agreement_number"] = _("Record the number of the signed funding agreement.")
    elif len(cleaned["agreement_number"]) > 64:
        errors["agreement_number"] = _("At most 64 characters.")
    if cleaned["starts_on"] and cleaned["ends_on"] and cleaned["ends_on"] < cleaned["starts_on"]:
        errors["ends_on"] = _("The end comes before the start.")
    if not errors and not awarded_lines(application):
        errors["application"] = _("No money was awarded on any funding line.")
    return cleaned, errors


@transaction.atomic
def project_start(
    *,
    actor: User,
    application: Application,
    starts_on,
    ends_on,
    tranches: list[dict] | None = None,
    advances: dict | None = None,
    agreement_number: str = "",
    agreement_signed_on=None,
) -> Project:
    """Start the project of an awarded application: its funding frozen per line, its milestones
    copied from the plan with their tranches (which with the advances add up to the award on
    each line), and the advances released on the start date.

    The funding agreement's number and date come from the application; where the application
    has none yet, they are given here and written onto the application too."""
    require_staff(actor, application.call.programme.owner_id)
    cleaned, errors = _clean_start(
        application, starts_on, ends_on, agreement_number, agreement_signed_on
    )
    if tranches is None and advances is None:
        tranches, advances = tranche_plan(application)
    rows, advance_map = [], {}
    if not errors:
        rows, advance_map = _clean_plan(application, tranches or [], advances or {}, errors)
    if errors:
        raise ValidationError(errors)
    _record_agreement(actor, application, cleaned)
    project = Project.objects.create(
        application=application,
        programme=application.call.programme,
        institution_id=application.institution_id,
        number=application.number,
        title=application.title,
        stage=application.stage,
        agreement_number=cleaned["agreement_number"],
        agreement_signed_on=cleaned["agreement_signed_on"],
        starts_on=cleaned["starts_on"],
        planned_end=cleaned["ends_on"],
        ends_on=cleaned["ends_on"],
        trl_before=application.trl_now,
        trl_now=application.trl_now,
        started_by=actor,
    )
    for line_id, awarded in awarded_lines(application).items():
        ProjectFunding.objects.create(project=project, funding_line_id=line_id, awarded=awarded)
    for row in rows:
        planned = row["milestone"]
        Milestone.objects.create(
            project=project,
            position=planned.position,
            title=planned.title,
            deliverable=planned.deliverable,
            due_on=planned.due_on,
            funding_line_id=row["funding_line"],
            tranche=row["amount"],
        )
    for line_id, amount in advance_map.items():
        Tranche.objects.create(
            project=project,
            funding_line_id=line_id,
            kind=TrancheKind.ADVANCE,
            amount=amount,
            released_on=project.starts_on,
            released_by=actor,
        )
    audit.record(
        actor=actor,
        action="poc_projects.start",
        obj=project,
        changes=audit.snapshot(project, ("title", "agreement_number", "starts_on", "ends_on")),
    )
    return project


def _record_agreement(actor, application: Application, cleaned: dict) -> None:
    changes = audit.apply_changes(application, cleaned, ("agreement_number", "agreement_signed_on"))
    if changes:
        application.save(update_fields=["agreement_number", "agreement_signed_on", "updated_at"])
        audit.record(actor=actor, action="poc_projects.agreement", obj=application, changes=changes)


# --- coaching --------------------------------------------------------------------------------


@transaction.atomic
def project_assign_mentor(
    *, actor: User, project: Project, mentor: User | None, kind: str = ""
) -> Project:
    access.require_owner_office(actor, project)
    _require_open(project)
    errors = {}
    if mentor is not None and not mentor.is_active:
        errors["mentor"] = _("This person's account is not active.")
    if mentor is not None and kind not in MentorKind.values:
        errors["mentor_kind"] = _(
            "Say whether the mentor is a technology manager or an industry expert."
        )
    if errors:
        raise ValidationError(errors)
    changes = audit.apply_changes(
        project,
        {"mentor": mentor, "mentor_kind": kind if mentor else ""},
        ("mentor", "mentor_kind"),
    )
    if changes:
        project.save()
        audit.record(actor=actor, action="poc_projects.mentor", obj=project, changes=changes)
    return project


COACHING_FIELDS = ("held_on", "topics", "advice", "next_steps")


@transaction.atomic
def coaching_record(*, actor: User, project: Project, data: dict) -> CoachingSession:
    access.require_coach(actor, project)
    _require_open(project)
    cleaned, errors = cleaning.texts(CoachingSession, data, COACHING_FIELDS, ("topics",))
    cleaning.date_field(cleaned, errors, "held_on", required=True)
    if cleaned.get("held_on") and cleaned["held_on"] > _today():
        errors["held_on"] = _("A session is recorded once it has taken place.")
    if errors:
        raise ValidationError(errors)
    mentor = project.mentor if project.mentor_id else actor
    session = CoachingSession.objects.create(
        project=project, mentor=mentor, recorded_by=actor, **cleaned
    )
    audit.record(
        actor=actor,
        action="poc_projects.coaching",
        obj=project,
        changes={"coaching": [None, f"{session.held_on}: {session.topics[:80]}"]},
    )
    return session


# --- verification resources ------------------------------------------------------------------

RESOURCE_FIELDS = (
    "name",
    "kind",
    "institution",
    "region",
    "city",
    "capabilities",
    "price_terms",
    "booking_terms",
    "certifications",
    "contact",
    "is_public",
)


def resource_offices(user):
    """The institutions whose office the user may list resources for."""
    from datong.institutions.models import Institution

    scope = scope_for(user)
    if scope.is_superuser:
        return Institution.objects.all()
    return Institution.objects.filter(pk__in=sorted(scope.staff_institution_ids))


def can_edit_resource(user, resource: VerificationResource) -> bool:
    scope = scope_for(user)
    return scope.is_staff_of(resource.listed_by_id) or scope.is_staff_of(resource.institution_id)


def _clean_resource(data: dict, partial: bool = False) -> dict:
    from datong.institutions.models import Institution
    from datong.institutions.regions import PROVINCES

    cleaned, errors = cleaning.texts(
        VerificationResource, data, RESOURCE_FIELDS, ("name", "capabilities"), partial
    )
    if "kind" in cleaned:
        cleaning.choice_field(cleaned, errors, "kind", VerificationKind)
    if "region" in cleaned:
        cleaned["region"] = cleaned["region"] or ""
        if cleaned["region"] and cleaned["region"] not in {c for c, _zh, _en in PROVINCES}:
            errors["region"] = _("Choose a province from the list.")
    if "institution" in cleaned:
        value = cleaned["institution"]
        if not isinstance(value, Institution):
            value = Institution.objects.filter(pk=_int(value)).first()
        if value is None:
            errors["institution"] = _("Choose the institution that provides the resource.")
        cleaned["institution"] = value
    if "is_public" in cleaned:
        cleaned["is_public"] = bool(cleaned["is_public"])
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def resource_create(*, actor: User, listed_by, data: dict) -> VerificationResource:
    """A new entry of the directory, kept by the office of ``listed_by``."""
    require_staff(actor, listed_by.pk)
    data = {"is_public": True, "region": listed_by.province, **data}
    data.setdefault("institution", listed_by)
    missing = {n: _("This field is required.") for n in ("kind",) if not data.get(n)}
    if missing:
        raise ValidationError(missing)
    cleaned = _clean_resource(data)
    resource = VerificationResource.objects.create(listed_by=listed_by, created_by=actor, **cleaned)
    audit.record(
        actor=actor,
        action="poc_projects.resource_create",
        obj=resource,
        changes=audit.snapshot(resource, ("name", "kind", "institution", "region")),
    )
    return resource


@transaction.atomic
def resource_update(
    *, actor: User, resource: VerificationResource, data: dict
) -> VerificationResource:
    require(
        can_edit_resource(actor, resource),
        _("Only the office that lists this resource, or its provider's office, may edit it."),
    )
    cleaned = _clean_resource(data, partial=True)
    changes = audit.apply_changes(resource, cleaned, RESOURCE_FIELDS)
    if changes:
        resource.save()
        audit.record(
            actor=actor, action="poc_projects.resource_update", obj=resource, changes=changes
        )
    return resource


@transaction.atomic
def booking_create(
    *,
    actor: User,
    project: Project,
    resource: VerificationResource,
    need: VerificationNeed | None = None,
    starts_on=None,
    ends_on=None,
    note: str = "",
) -> ResourceBooking:
    """The programme's office books a resource for the project (for one of its needs)."""
    access.require_owner_office(actor, project)
    _require_open(project)
    cleaned = {"starts_on": starts_on, "ends_on": ends_on, "note": (note or "").strip()}
    errors: dict = {}
    cleaning.date_field(cleaned, errors, "starts_on")
    cleaning.date_field(cleaned, errors, "ends_on")
    start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
    if not errors and start and end and end < start:
        errors["ends_on"] = _("The end comes before the start.")
    if not selectors.visible_resources(actor).filter(pk=resource.pk).exists():
        errors["resource"] = _("Choose a resource of the directory.")
    if need is not None and need.application_id != project.application_id:
        errors["need"] = _("This need is not one of the project's.")
    if errors:
        raise ValidationError(errors)
    booking = ResourceBooking.objects.create(
        project=project, resource=resource, need=need, booked_by=actor, **cleaned
    )
    audit.record(
        actor=actor,
        action="poc_projects.booking",
        obj=project,
        changes={"bookings": [None, resource.name]},
    )
    return booking


@transaction.atomic
def booking_cancel(*, actor: User, booking: ResourceBooking) -> ResourceBooking:
    access.require_owner_office(actor, booking.project)
    if booking.status != BookingStatus.BOOKED:
        raise ValidationError({"status": _("This booking is already cancelled.")})
    booking.status = BookingStatus.CANCELLED
    booking.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="poc_projects.booking_cancel",
        obj=booking.project,
        changes={"bookings": [booking.resource.name, None]},
    )
    return booking


# --- milestones and tranches -----------------------------------------------------------------


def _check_upload(upload) -> str:
    name = upload.name.rsplit("/", 1)[-1]
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError({"attachment": _("Attach a PDF, Word (.docx), PNG or JPEG file.")})
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "attachment": _("A file may be at most 20 MB; this one is %(mb).1f MB.")
                % {"mb": upload.size / 1024 / 1024}
            }
        )
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(ATTACHMENT_MAGIC[extension]):
        raise ValidationError({"attachment": _("The file's content does not match its type.")})
    return extension


@transaction.atomic
def milestone_report(
    *, actor: User, milestone: Milestone, evidence: str, upload=None
) -> MilestoneReport:
    """The team reports the milestone delivered, with its evidence (and a file, optionally)."""
    project = milestone.project
    access.require_books(actor, project)
    _require_running(project)
    if milestone.status not in (MilestoneStatus.PLANNED, MilestoneStatus.REJECTED):
        raise ValidationError(
            {
                "status": _("This milestone is %(status)s.")
                % {"status": milestone.get_status_display()}
            }
        )
    evidence = (evidence or "").strip()
    if not evidence:
        raise ValidationError({"evidence": _("Describe what was delivered and how it shows.")})
    report = MilestoneReport(
        milestone=milestone, evidence=evidence, reported_by=actor, reported_at=timezone.now()
    )
    if upload is not None:
        extension = _check_upload(upload)
        report.attachment_name = upload.name.rsplit("/", 1)[-1][:255]
        report.attachment.save(f"{timezone.now():%Y%m%d%H%M%S}{extension}", upload, save=False)
    report.save()
    before = milestone.status
    milestone.status = MilestoneStatus.REPORTED
    milestone.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="poc_projects.milestone_report",
        obj=project,
        changes={"status": [before, milestone.status]},
        message=milestone.title,
    )
    return report


def _pending_report(milestone: Milestone) -> MilestoneReport:
    if milestone.status != MilestoneStatus.REPORTED:
        raise ValidationError({"status": _("The team has not reported this milestone delivered.")})
    return (
        milestone.reports.filter(decision=ReportDecision.PENDING).order_by("-reported_at").first()
    )


@transaction.atomic
def milestone_accept(
    *, actor: User, milestone: Milestone, note: str = "", released_on=None
) -> Tranche | None:
    """The office accepts the milestone: its tranche is released (returned), on its line."""
    project = milestone.project
    access.require_owner_office(actor, project)
    _require_running(project)
    report = _pending_report(milestone)
    cleaned = {"released_on": released_on or _today()}
    errors: dict = {}
    cleaning.date_field(cleaned, errors, "released_on", required=True)
    if milestone.tranche > 0 and milestone.funding_line_id is None:
        errors["funding_line"] = _("The milestone's tranche has no funding line.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    if report is not None:
        report.decision, report.decided_by, report.decided_at = ReportDecision.ACCEPTED, actor, now
        report.note = (note or "").strip()
        report.save()
    milestone.status = MilestoneStatus.ACCEPTED
    milestone.accepted_on = cleaned["released_on"]
    milestone.save(update_fields=["status", "accepted_on"])
    tranche = None
    if milestone.tranche > 0:
        tranche = Tranche.objects.create(
            project=project,
            funding_line_id=milestone.funding_line_id,
            kind=TrancheKind.MILESTONE,
            milestone=milestone,
            amount=milestone.tranche,
            released_on=cleaned["released_on"],
            released_by=actor,
        )
    audit.record(
        actor=actor,
        action="poc_projects.milestone_accept",
        obj=project,
        changes={
            "status": [MilestoneStatus.REPORTED, MilestoneStatus.ACCEPTED],
            "released": [None, str(milestone.tranche)],
        },
        message=milestone.title,
    )
    return tranche


@transaction.atomic
def milestone_reject(*, actor: User, milestone: Milestone, note: str) -> Milestone:
    project = milestone.project
    access.require_owner_office(actor, project)
    _require_running(project)
    report = _pending_report(milestone)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what is missing, so the team can report again.")})
    if report is not None:
        report.decision, report.decided_by = ReportDecision.REJECTED, actor
        report.decided_at, report.note = timezone.now(), note
        report.save()
    milestone.status = MilestoneStatus.REJECTED
    milestone.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="poc_projects.milestone_reject",
        obj=project,
        changes={"status": [MilestoneStatus.REPORTED, MilestoneStatus.REJECTED]},
        message=f"{milestone.title}: {note}",
    )
    return milestone


# --- gate reviews ----------------------------------------------------------------------------

GATE_FIELDS = ("held_on", "kind", "decision", "reasons", "trl_assessed", "stage_after")


@transaction.atomic
def gate_record(*, actor: User, project: Project, data: dict) -> GateReview:
    """A stage-gate review. The readiness assessed becomes the project's; a new stage moves the
    project on; "stop" terminates the project and computes the money to pay back."""
    from datong.poc.models import Stage

    access.require_owner_office(actor, project)
    _require_open(project)
    cleaned, errors = cleaning.texts(GateReview, data, GATE_FIELDS, ("reasons",))
    cleaning.date_field(cleaned, errors, "held_on", required=True)
    cleaning.choice_field(cleaned, errors, "kind", GateKind)
    cleaning.choice_field(cleaned, errors, "decision", GateDecision)
    cleaning.choice_field(cleaned, errors, "stage_after", Stage, required=False)
    cleaning.trl_field(cleaned, errors, "trl_assessed")
    if errors:
        raise ValidationError(errors)
    gate = GateReview.objects.create(project=project, decided_by=actor, **cleaned)
    changes = {"gate": [None, gate.get_decision_display()]}
    if gate.trl_assessed:
        changes["trl_now"] = [project.trl_now, gate.trl_assessed]
        project.trl_now = gate.trl_assessed
    if gate.stage_after and gate.decision != GateDecision.STOP:
        changes["stage"] = [project.stage, gate.stage_after]
        project.stage = gate.stage_after
    project.save()
    audit.record(
        actor=actor, action="poc_projects.gate", obj=project, changes=changes, message=gate.reasons
    )
    if gate.decision == GateDecision.STOP:
        _terminate(actor, project, gate.reasons, gate.held_on, gate)
    return gate


# --- money: expenses -------------------------------------------------------------------------

EXPENSE_FIELDS = (
    "funding_line",
    "cost_type",
    "spent_on",
    "amount",
    "payee",
    "description",
    "invoice_number",
)


def _expense_line(project: Project, value) -> FundingLine | None:
    line_id = value.pk if isinstance(value, FundingLine) else _int(value)
    funding = project.funding.select_related("funding_line").filter(funding_line_id=line_id).first()
    return funding.funding_line if funding else None


def expense_problems(project: Project, line: FundingLine, cost_type: str, amount: Decimal) -> dict:
    """Why an expense may not be recorded (empty when it may): the cost type must be eligible on
    the line, stay within its cap, and the line's released money must cover it."""
    ledger = project_ledger(project)
    row = ledger.line(line.pk)
    name = line_name(line)
    cost = row.cost(cost_type)
    label = CostType(cost_type).label
    if not cost.eligible:
        eligible = "、".join(str(c.label) for c in row.costs if c.eligible) or _("none")
        return {
            "cost_type": _(
                "“%(type)s” is not an eligible cost on “%(line)s”; eligible there: %(eligible)s."
            )
            % {"type": label, "line": name, "eligible": eligible}
        }
    if cost.cap is not None and cost.spent + amount > cost.cap:
        return {
            "amount": _(
                "“%(type)s” on “%(line)s” is capped at %(cap)s (%(basis)s); %(spent)s is already "
                "recorded, so at most %(left)s more may be — this expense is %(amount)s."
            )
            % {
                "type": label,
                "line": name,
                "cap": yuan(cost.cap),
                "basis": cost.basis,
                "spent": yuan(cost.spent),
                "left": yuan(max(cost.cap - cost.spent, ZERO)),
                "amount": yuan(amount),
            }
        }
    if row.spent + row.rejected + amount > row.released:
        return {
            "amount": _(
                "Only %(released)s has been released on “%(line)s” and %(used)s of it is used: at "
                "most %(left)s more may be spent until the next tranche — this expense is "
                "%(amount)s."
            )
            % {
                "released": yuan(row.released),
                "line": name,
                "used": yuan(row.spent + row.rejected),
                "left": yuan(max(row.available, ZERO)),
                "amount": yuan(amount),
            }
        }
    return {}


@transaction.atomic
def expense_record(*, actor: User, project: Project, data: dict) -> Expense:
    """Record an expense against a funding line and a cost type, checked against the line's
    eligible cost types, their caps and the money released so far."""
    access.require_books(actor, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    _require_running(project)
    cleaned, errors = cleaning.texts(Expense, data, EXPENSE_FIELDS, ("payee",))
    cleaning.date_field(cleaned, errors, "spent_on", required=True)
    cleaning.amount_field(cleaned, errors, "amount", positive=True)
    cleaning.choice_field(cleaned, errors, "cost_type", CostType)
    line = _expense_line(project, cleaned.get("funding_line"))
    if line is None:
        errors["funding_line"] = _("Choose a funding line with money awarded to this project.")
    cleaned["funding_line"] = line
    spent_on = cleaned.get("spent_on")
    if spent_on and not (project.starts_on <= spent_on <= min(project.ends_on, _today())):
        errors["spent_on"] = _(
            "The date must fall within the project (%(start)s to %(end)s) and not in the future."
        ) % {"start": project.starts_on, "end": project.ends_on}
    if not errors:
        errors = expense_problems(project, line, cleaned["cost_type"], cleaned["amount"])
    if errors:
        raise ValidationError(errors)
    expense = Expense.objects.create(project=project, recorded_by=actor, **cleaned)
    audit.record(
        actor=actor,
        action="poc_projects.expense",
        obj=expense,
        changes=audit.snapshot(expense, ("funding_line", "cost_type", "amount", "payee")),
    )
    return expense


@transaction.atomic
def expense_reject(*, actor: User, expense: Expense, reason: str) -> Expense:
    """The office rejects a recorded expense as ineligible: it no longer counts as spent and
    its amount is to be paid back."""
    project = expense.project
    access.require_owner_office(actor, project)
    _require_open(project)
    if expense.status != ExpenseStatus.RECORDED:
        raise ValidationError({"status": _("This expense is already rejected.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for rejecting the expense.")})
    expense.status = ExpenseStatus.REJECTED
    expense.rejected_by, expense.rejected_at, expense.rejection_reason = (
        actor,
        timezone.now(),
        reason,
    )
    expense.save()
    audit.record(
        actor=actor,
        action="poc_projects.expense_reject",
        obj=expense,
        changes={"status": [ExpenseStatus.RECORDED, ExpenseStatus.REJECTED]},
        message=reason,
    )
    return expense


# --- spending reports ------------------------------------------------------------------------

REPORT_FIELDS = ("kind", "period_start", "period_end", "narrative")


@transaction.atomic
def report_submit(*, actor: User, project: Project, data: dict) -> SpendingReport:
    """The team submits a spending report: the figures are frozen as they stand now."""
    access.require_books(actor, project)
    _require_open(project)
    cleaned, errors = cleaning.texts(SpendingReport, data, REPORT_FIELDS, ("narrative",))
    cleaning.choice_field(cleaned, errors, "kind", ReportKind)
    cleaning.date_field(cleaned, errors, "period_start", required=True)
    cleaning.date_field(cleaned, errors, "period_end", required=True)
    start, end = cleaned.get("period_start"), cleaned.get("period_end")
    if start and end and end < start:
        errors["period_end"] = _("The end comes before the start.")
    if (
        cleaned.get("kind") == ReportKind.FINAL
        and project.reports.filter(
            kind=ReportKind.FINAL, status__in=(ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
        ).exists()
    ):
        errors["kind"] = _("The final report is already submitted.")
    if errors:
        raise ValidationError(errors)
    report = SpendingReport.objects.create(
        project=project,
        snapshot=snapshot(project_ledger(project)),
        submitted_by=actor,
        submitted_at=timezone.now(),
        **cleaned,
    )
    audit.record(
        actor=actor,
        action="poc_projects.report_submit",
        obj=project,
        changes={"report": [None, str(report)]},
    )
    return report


@transaction.atomic
def report_decide(
    *, actor: User, report: SpendingReport, accept: bool, note: str = ""
) -> SpendingReport:
    """The office accepts a report, or returns it for rework with a note."""
    access.require_owner_office(actor, report.project)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError({"status": _("This report is already decided.")})
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationError({"note": _("Say what to rework.")})
    report.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
    report.decided_by, report.decided_at, report.office_note = actor, timezone.now(), note
    report.save()
    audit.record(
        actor=actor,
        action="poc_projects.report_accept" if accept else "poc_projects.report_return",
        obj=report.project,
        changes={"report": [str(report), report.get_status_display()]},
        message=note,
    )
    return report


# --- extensions, suspension, termination, completion -----------------------------------------


@transaction.atomic
def extension_request(*, actor: User, project: Project, new_end, reason: str) -> Extension:
    access.require_team(actor, project)
    _require_open(project)
    cleaned = {"new_end": new_end, "reason": (reason or "").strip()}
    errors: dict = {}
    cleaning.date_field(cleaned, errors, "new_end", required=True)
    if cleaned.get("new_end") and cleaned["new_end"] <= project.ends_on:
        errors["new_end"] = _("The new end must come after the current end, %(end)s.") % {
            "end": project.ends_on
        }
    if not cleaned["reason"]:
        errors["reason"] = _("Give the reason for the extension.")
    if project.extensions.filter(status=ExtensionStatus.REQUESTED).exists():
        errors["new_end"] = _("An extension request is already waiting for the office.")
    if errors:
        raise ValidationError(errors)
    extension = Extension.objects.create(
        project=project,
        previous_end=project.ends_on,
        requested_by=actor,
        requested_at=timezone.now(),
        **cleaned,
    )
    audit.record(
        actor=actor,
        action="poc_projects.extension_request",
        obj=project,
        changes={"extension": [str(project.ends_on), str(extension.new_end)]},
        message=extension.reason,
    )
    return extension


@transaction.atomic
def extension_decide(
    *, actor: User, extension: Extension, approve: bool, note: str = ""
) -> Extension:
    """The office approves (the project's end moves) or refuses an extension."""
    project = extension.project
    access.require_owner_office(actor, project)
    _require_open(project)
    if extension.status != ExtensionStatus.REQUESTED:
        raise ValidationError({"status": _("This extension is already decided.")})
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": _("Give the reason for refusing.")})
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    extension.decided_by, extension.decided_at, extension.note = actor, timezone.now(), note
    extension.save()
    changes = {"extension": [str(extension.previous_end), extension.get_status_display()]}
    if approve:
        changes["ends_on"] = [str(project.ends_on), str(extension.new_end)]
        project.ends_on = extension.new_end
        if project.state == ProjectState.ACTIVE:
            changes["state"] = [project.state, ProjectState.EXTENDED]
            project.state = ProjectState.EXTENDED
        project.save()
    audit.record(
        actor=actor,
        action="poc_projects.extension_decide",
        obj=project,
        changes=changes,
        message=note,
    )
    return extension


@transaction.atomic
def project_suspend(*, actor: User, project: Project, reason: str) -> Project:
    access.require_owner_office(actor, project)
    _require_running(project)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for suspending the project.")})
    _set_state(
        actor=actor,
        project=project,
        state=ProjectState.SUSPENDED,
        action="poc_projects.suspend",
        message=reason,
    )
    return project


@transaction.atomic
def project_resume(*, actor: User, project: Project) -> Project:
    access.require_owner_office(actor, project)
    if project.state != ProjectState.SUSPENDED:
        raise ValidationError({"state": _("Only a suspended project can resume.")})
    extended = project.extensions.filter(status=ExtensionStatus.APPROVED).exists()
    state = ProjectState.EXTENDED if extended else ProjectState.ACTIVE
    _set_state(actor=actor, project=project, state=state, action="poc_projects.resume")
    return project


def payback_figures(project: Project) -> dict:
    """The money to pay back on termination, per funding line and in total: the released money
    not spent (released − spent − rejected) plus the rejected expenses."""
    ledger = project_ledger(project)
    lines = []
    for row in ledger.lines:
        unspent = row.released - row.spent - row.rejected
        lines.append(
            {
                "line": row.line.code,
                "name": row.line.name,
                "name_en": row.line.name_en,
                "released": cents(row.released),
                "spent": cents(row.spent),
                "ineligible": cents(row.rejected),
                "unspent": cents(unspent),
                "payback": cents(unspent + row.rejected),
            }
        )
    names = ("released", "spent", "ineligible", "unspent", "payback")
    totals = {n: sum((line[n] for line in lines), ZERO) for n in names}
    return {"lines": lines, **totals}


def _terminate(actor, project: Project, reason: str, decided_on, gate=None) -> Termination:
    figures = payback_figures(project)
    breakdown = [
        {k: (str(v) if isinstance(v, Decimal) else v) for k, v in line.items()}
        for line in figures["lines"]
    ]
    termination = Termination.objects.create(
        project=project,
        decided_on=decided_on,
        reason=reason,
        gate=gate,
        released=figures["released"],
        spent=figures["spent"],
        ineligible=figures["ineligible"],
        unspent=figures["unspent"],
        payback=figures["payback"],
        breakdown=breakdown,
        decided_by=actor,
    )
    project.closed_on = decided_on
    _set_state(
        actor=actor,
        project=project,
        state=ProjectState.TERMINATED,
        action="poc_projects.terminate",
        message=_("%(payback)s to pay back") % {"payback": yuan(termination.payback)},
    )
    return termination


@transaction.atomic
def project_terminate(
    *, actor: User, project: Project, reason: str, decided_on=None
) -> Termination:
    """End the project early; the money to pay back is computed and recorded."""
    access.require_owner_office(actor, project)
    _require_open(project)
    cleaned = {"decided_on": decided_on or _today(), "reason": (reason or "").strip()}
    errors: dict = {}
    cleaning.date_field(cleaned, errors, "decided_on", required=True)
    if not cleaned["reason"]:
        errors["reason"] = _("Give the reason for terminating the project.")
    if errors:
        raise ValidationError(errors)
    return _terminate(actor, project, cleaned["reason"], cleaned["decided_on"])


@transaction.atomic
def project_complete(*, actor: User, project: Project, closed_on=None) -> Project:
    """Close a project that ran its course: its final report accepted and its outcome recorded."""
    access.require_owner_office(actor, project)
    _require_open(project)
    errors = {}
    if not project.reports.filter(kind=ReportKind.FINAL, status=ReportStatus.ACCEPTED).exists():
        errors["reports"] = _("Accept the final spending report first.")
    if not Outcome.objects.filter(project=project).exists():
        errors["outcome"] = _("Record the outcome first.")
    if errors:
        raise ValidationError(errors)
    project.closed_on = cleaning.as_date(closed_on) or _today()
    _set_state(
        actor=actor, project=project, state=ProjectState.COMPLETED, action="poc_projects.complete"
    )
    return project


# --- the outcome -----------------------------------------------------------------------------

OUTCOME_FIELDS = (
    "technical_route",
    "patent_notes",
    "business_model",
    "trl_after",
    "licence",
    "licence_contract",
    "company_name",
    "company_note",
    "landing_base",
    "landing_province",
)


@transaction.atomic
def outcome_record(*, actor: User, project: Project, data: dict) -> Outcome:
    """Record (or correct) what the project reached. The patent layout links only IP records of
    the applicant institution filed during the project."""
    from datong.institutions.regions import PROVINCES

    access.require_team(actor, project)
    cleaned, errors = cleaning.texts(Outcome, data, OUTCOME_FIELDS)
    cleaning.trl_field(cleaned, errors, "trl_after")
    province = cleaned.get("landing_province") or ""
    if province and province not in {c for c, _zh, _en in PROVINCES}:
        errors["landing_province"] = _("Choose a province from the list.")
    families = None
    if "ip_families" in data:
        ids = {_int(getattr(v, "pk", v)) for v in data["ip_families"] or []}
        offered = selectors.offered_ip_families(project)
        families = list(offered.filter(pk__in=[i for i in ids if i is not None]))
        if len(families) != len(ids):
            errors["ip_families"] = _(
                "Link only IP records of %(institution)s filed during the project."
            ) % {"institution": project.institution.display_name}
    if errors:
        raise ValidationError(errors)
    outcome, created = Outcome.objects.get_or_create(
        project=project, defaults={"recorded_by": actor}
    )
    changes = audit.apply_changes(outcome, cleaned, OUTCOME_FIELDS)
    outcome.recorded_by = actor
    outcome.save()
    if families is not None:
        before = sorted(outcome.ip_families.values_list("pk", flat=True))
        outcome.ip_families.set(families)
        after = sorted(f.pk for f in families)
        if before != after:
            changes["ip_families"] = [before, after]
    if created or changes:
        audit.record(actor=actor, action="poc_projects.outcome", obj=project, changes=changes)
    return outcome
