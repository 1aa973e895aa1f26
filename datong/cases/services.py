"""Writes to match cases: opening one from an enterprise's interest, moving it forward,
closing it and handing it to another technology manager."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from datong.accounts.models import User
from datong.core import audit
from datong.core.permissions import require, scope_for
from datong.core.roles import Role
from datong.core.validation import length_errors
from datong.institutions.models import Institution, InstitutionKind
from datong.market.models import Demand, Listing, ListingStatus
from datong.market.services import contact_candidates
from datong.notifications.services import notify

from .models import (
    OPEN_STAGES,
    PATH,
    CaseStage,
    CaseStageTime,
    CloseReason,
    MatchCase,
)

MAX_MESSAGE = 2000
MAX_NOTE = 2000


# --- who may do what ---------------------------------------------------------------------


def interest_enterprises(user) -> QuerySet[Institution]:
    """The enterprises on whose behalf ``user`` may express interest: those where they hold
    the enterprise-user role (site administrators are no exception)."""
    scope = scope_for(user)
    ids = [i for i in scope.roles if scope.has_role(i, Role.ENTERPRISE_USER)]
    return Institution.objects.filter(kind=InstitutionKind.ENTERPRISE, pk__in=ids).order_by(
        "name", "pk"
    )


def can_express_interest(user) -> bool:
    return interest_enterprises(user).exists()


def can_act(user, case: MatchCase) -> bool:
    """The institution's office and the case's own manager run a case."""
    scope = scope_for(user)
    return scope.is_staff_of(case.institution_id) or (
        scope.user_id is not None and case.manager_id == scope.user_id
    )


def can_assign(user, case: MatchCase) -> bool:
    return scope_for(user).is_staff_of(case.institution_id)


def manager_candidates(institution_id: int) -> QuerySet[User]:
    """Who may manage a case of the institution: its technology managers and office staff."""
    return contact_candidates(institution_id)


def _require_act(actor, case: MatchCase) -> None:
    require(
        can_act(actor, case),
        _("Only the institution's transfer office or the case's manager may do this."),
    )


def _text(value, field: str, limit: int, *, required_message: str = "") -> str:
    value = (value or "").strip()
    if required_message and not value:
        raise ValidationError({field: required_message})
    if len(value) > limit:
        raise ValidationError(
            {field: _("At most %(limit)d characters.") % {"limit": limit}},
        )
    return value


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _url(case: MatchCase) -> str:
    return reverse("case-detail", args=[case.pk])


def _enter(case: MatchCase, stage: str, *, actor, note: str, at) -> None:
    """End the current stage row and open one for ``stage``."""
    CaseStageTime.objects.filter(case=case, left_at__isnull=True).update(left_at=at)
    CaseStageTime.objects.create(case=case, stage=stage, entered_at=at, actor=actor, note=note)
    case.stage = stage
    case.stage_entered_at = at


# --- opening -------------------------------------------------------------------------------


def _pick_enterprise(actor, enterprise, demand) -> Institution:
    allowed = list(interest_enterprises(actor))
    require(
        bool(allowed),
        _("Only an enterprise's own users may express interest in a listing."),
    )
    if enterprise is None and demand is not None:
        # the demand's enterprise when it is one of the actor's; else the demand is refused
        enterprise = next((e for e in allowed if e.pk == demand.institution_id), None)
    if enterprise is None:
        if len(allowed) > 1:
            raise ValidationError({"enterprise": _("Choose the enterprise you write for.")})
        return allowed[0]
    require(
        any(e.pk == enterprise.pk for e in allowed),
        _("Only an enterprise's own users may express interest in a listing."),
    )
    return enterprise


@transaction.atomic
def case_open(
    *,
    actor: User,
    listing: Listing,
    message: str,
    demand: Demand | None = None,
    enterprise: Institution | None = None,
) -> tuple[MatchCase, bool]:
    """An enterprise user's interest in a published listing. Opens a case handled by the
    listing's technology manager, or adds the message to the enterprise's open case on the
    same listing. Returns ``(case, created)``."""
    enterprise = _pick_enterprise(actor, enterprise, demand)
    if listing.status != ListingStatus.PUBLISHED:
        raise ValidationError(
            {"listing": _("Interest can only be expressed in a published listing.")}
        )
    if demand is not None and demand.institution_id != enterprise.pk:
        raise ValidationError({"demand": _("The demand must be one of your enterprise's.")})
    message = _text(
        message, "message", MAX_MESSAGE, required_message=_("Tell the office what you need.")
    )
    existing = (
        MatchCase.objects.select_for_update()
        .filter(listing=listing, enterprise=enterprise, stage__in=OPEN_STAGES)
        .first()
    )
    if existing is not None:
        return _join(actor, existing, message, demand), False
    now = timezone.now()
    case = MatchCase(
        listing=listing,
        demand=demand,
        institution_id=listing.institution_id,
        enterprise=enterprise,
        requester=actor,
        manager_id=listing.contact_id,
        stage=CaseStage.ASSIGNED,
        stage_entered_at=now,
        message=message,
    )
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:  # another request opened it a moment ago
        existing = MatchCase.objects.get(
            listing=listing, enterprise=enterprise, stage__in=OPEN_STAGES
        )
        return _join(actor, existing, message, demand), False
    CaseStageTime.objects.create(case=case, stage=CaseStage.ASSIGNED, entered_at=now, actor=actor)
    audit.record(
        actor=actor,
        action="cases.open",
        obj=case,
        changes=audit.snapshot(case, ("listing", "enterprise", "demand", "manager", "stage")),
    )
    _tell_office(
        case,
        actor,
        _("%(enterprise)s is interested in “%(title)s”")
        % {"enterprise": enterprise.display_name, "title": listing.title},
        message,
    )
    return case, True


def _join(actor, case: MatchCase, message: str, demand: Demand | None) -> MatchCase:
    """A further interest in the same listing: its message is added below the first one."""
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    case.message = f"{case.message}\n\n— {stamp} {_name(actor)}:\n{message}".strip()
    changes = {}
    if demand is not None and case.demand_id is None:
        case.demand = demand
        changes["demand"] = [None, str(demand)]
    case.save()
    audit.record(actor=actor, action="cases.interest", obj=case, changes=changes, message=message)
    _tell_office(
        case,
        actor,
        _("%(enterprise)s wrote again about “%(title)s”")
        % {"enterprise": case.enterprise.display_name, "title": case.listing.title},
        message,
    )
    return case


def _tell_office(case: MatchCase, actor, title: str, body: str) -> None:
    """The manager, or the office's staff when the case has no manager."""
    if case.manager_id:
        users = [case.manager]
    else:
        users = list(
            User.objects.filter(
                memberships__institution_id=case.institution_id,
                memberships__role=Role.TTO_STAFF,
            ).distinct()
        )
    notify(users=users, title=title, body=body, url=_url(case), actor=actor)


# --- moving forward, closing, assigning -----------------------------------------------------


@transaction.atomic
def case_advance(
    *, actor: User, case: MatchCase, stage: str, note: str = "", deal_reference: str = ""
) -> MatchCase:
    """Move a case forward by one or more stages (never back, never out of an ended case);
    a deal needs the contract number."""
    _require_act(actor, case)
    if not case.is_open:
        raise ValidationError({"stage": _("This case has ended; it cannot move any more.")})
    if stage not in PATH:
        raise ValidationError({"stage": _("Choose a stage from the list.")})
    if PATH.index(stage) <= PATH.index(case.stage):
        raise ValidationError({"stage": _("A case only moves forward.")})
    note = _text(note, "note", MAX_NOTE)
    changes: dict = {"stage": [case.stage, stage]}
    now = timezone.now()
    if stage == CaseStage.DEAL:
        deal_reference = _text(
            deal_reference,
            "deal_reference",
            100,
            required_message=_("Give the contract number of the deal."),
        )
        errors = length_errors(MatchCase, {"deal_reference": deal_reference})
        if errors:
            raise ValidationError(errors)
        case.deal_reference = deal_reference
        case.closed_at = now
        changes["deal_reference"] = [None, deal_reference]
    _enter(case, stage, actor=actor, note=note, at=now)
    case.save()
    audit.record(actor=actor, action="cases.advance", obj=case, changes=changes, message=note)
    notify(
        users=[case.requester],
        title=_("Your interest in “%(title)s”: %(stage)s")
        % {"title": case.listing.title, "stage": case.get_stage_display()},
        url=_url(case),
        actor=actor,
    )
    return case


@transaction.atomic
def case_close(*, actor: User, case: MatchCase, reason: str, note: str = "") -> MatchCase:
    """End a case without a deal, for a stated reason."""
    _require_act(actor, case)
    if not case.is_open:
        raise ValidationError({"reason": _("This case has already ended.")})
    if reason not in CloseReason.values:
        raise ValidationError({"reason": _("Choose the reason for closing the case.")})
    note = _text(note, "note", MAX_NOTE)
    now = timezone.now()
    before = case.stage
    case.closed_reason = reason
    case.closing_note = note
    case.closed_at = now
    _enter(case, CaseStage.CLOSED, actor=actor, note=note, at=now)
    case.save()
    audit.record(
        actor=actor,
        action="cases.close",
        obj=case,
        changes={"stage": [before, case.stage], "closed_reason": [None, reason]},
        message=note,
    )
    notify(
        users=[case.requester],
        title=_("Your interest in “%(title)s” was closed: %(reason)s")
        % {"title": case.listing.title, "reason": case.get_closed_reason_display()},
        url=_url(case),
        actor=actor,
    )
    return case


@transaction.atomic
def case_assign(*, actor: User, case: MatchCase, manager: User) -> MatchCase:
    """Hand a case to another technology manager or office staff member of the institution."""
    require(can_assign(actor, case), _("Only the transfer office of this institution may do this."))
    if not case.is_open:
        raise ValidationError({"manager": _("This case has already ended.")})
    if manager is None or not manager_candidates(case.institution_id).filter(pk=manager.pk):
        raise ValidationError(
            {
                "manager": _(
                    "The manager must be a technology manager or transfer-office staff member "
                    "of the institution."
                )
            }
        )
    if manager.pk == case.manager_id:
        raise ValidationError({"manager": _("The case is already with this manager.")})
    before = case.manager
    case.manager = manager
    case.save()
    audit.record(
        actor=actor,
        action="cases.assign",
        obj=case,
        changes={"manager": [str(before) if before else None, str(manager)]},
    )
    notify(
        users=[manager],
        title=_("You now manage the case “%(title)s” of %(enterprise)s")
        % {"title": case.listing.title, "enterprise": case.enterprise.display_name},
        body=case.message,
        url=_url(case),
        actor=actor,
    )
    return case
