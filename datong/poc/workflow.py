"""The application's life as a table of allowed moves, and the one function that makes a move.

Every service that changes an application's status (submission, admission, review, the public
notice, the decision, withdrawal, renunciation) calls :func:`move`: it checks the move is allowed,
records an :class:`~datong.poc.models.ApplicationEvent` for the timeline and an audit entry."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from datong.core import audit

from .models import Application, ApplicationEvent
from .models import ApplicationStatus as S

#: status → the statuses it may move to.
MOVES: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.CORRECTION, S.ADMITTED, S.REJECTED, S.WITHDRAWN}),
    S.CORRECTION: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.ADMITTED: frozenset({S.UNDER_REVIEW, S.WITHDRAWN}),
    S.UNDER_REVIEW: frozenset({S.PROVISIONAL, S.RESERVE, S.REJECTED, S.WITHDRAWN}),
    S.PROVISIONAL: frozenset({S.AWARDED, S.RESERVE, S.REJECTED, S.WITHDRAWN, S.RENOUNCED}),
    S.RESERVE: frozenset({S.PROVISIONAL, S.REJECTED, S.WITHDRAWN, S.RENOUNCED}),
    S.AWARDED: frozenset({S.RENOUNCED}),
    S.REJECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.RENOUNCED: frozenset(),
}


def can_move(application: Application, to: str) -> bool:
    return to in MOVES.get(application.status, frozenset())


def move(
    application: Application, to: str, *, actor, note: str = "", action: str = "poc.move"
) -> Application:
    """Move *application* to status *to* (callers check permissions and run in a transaction)."""
    if not can_move(application, to):
        raise ValidationError(
            {
                "status": _("An application that is “%(now)s” cannot become “%(to)s”.")
                % {"now": application.get_status_display(), "to": S(to).label}
            }
        )
    before = application.status
    application.status = to
    now = timezone.now()
    if to == S.SUBMITTED:
        application.submitted_at = now
    if to in (S.AWARDED, S.RESERVE, S.REJECTED):
        application.decided_at = now
    application.save()
    ApplicationEvent.objects.create(
        application=application,
        at=now,
        status_from=before,
        status_to=to,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=note,
    )
    audit.record(
        actor=actor,
        action=action,
        obj=application,
        changes={"status": [before, to]},
        message=note[:255],
    )
    return application
