"""Template helpers of the programme pages: money in yuan and the tone of a status badge."""

from __future__ import annotations

from django import template

from ..models import ApplicationStatus, CallStatus
from ..money import yuan as _yuan

register = template.Library()

S = ApplicationStatus
TONES = {
    S.DRAFT: "off",
    S.SUBMITTED: "wait",
    S.CORRECTION: "warn",
    S.ADMITTED: "wait",
    S.UNDER_REVIEW: "wait",
    S.PROVISIONAL: "warn",
    S.AWARDED: "ok",
    S.RESERVE: "warn",
    S.REJECTED: "bad",
    S.WITHDRAWN: "off",
    S.RENOUNCED: "off",
    CallStatus.OPEN: "ok",
    CallStatus.CLOSED: "off",
    CallStatus.DECIDED: "wait",
}


@register.filter
def yuan(value) -> str:
    """¥1,500,000 (cents only when there are any); — for nothing."""
    return _yuan(value)


@register.filter
def status_label(status: str) -> str:
    """The label of an application status code (timeline events keep only the code)."""
    try:
        return str(ApplicationStatus(status).label)
    except ValueError:
        return status


@register.filter
def tone(status: str) -> str:
    """ok, wait, warn, bad or off: the colour of a status badge."""
    return TONES.get(status, "off")


@register.filter
def share(part, whole) -> int:
    """``part`` as a whole percentage of ``whole`` (0 when there is no whole), for bars."""
    try:
        return max(0, min(100, round(float(part or 0) * 100 / float(whole))))
    except (TypeError, ValueError, ZeroDivisionError):
        return 0
