"""The ranking of a call's applications from the submitted reviews (see :mod:`.scoring`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from datong.poc.models import Application, ApplicationStatus, Call, Programme

from .models import Assignment, AssignmentStatus
from .scoring import RankedApplication, Review, Rubric, rank

S = ApplicationStatus
#: Statuses of applications that reached review.
REVIEW_STATUSES = (S.UNDER_REVIEW, S.PROVISIONAL, S.RESERVE, S.AWARDED)


def rubric_of(programme: Programme) -> Rubric:
    return Rubric(tuple((c.pk, c.weight, c.max_score) for c in programme.criteria.all()))


def reviewed_application_ids(call: Call) -> list[int]:
    """Applications that reached review: under review or decided after it, or assigned."""
    return list(
        Application.objects.filter(call=call)
        .filter(Q(status__in=REVIEW_STATUSES) | Q(review_assignments__isnull=False))
        .values_list("pk", flat=True)
        .distinct()
    )


def submitted_reviews(call: Call) -> list[Review]:
    rubric = rubric_of(call.programme)
    submitted = Assignment.objects.filter(
        application__call=call, status=AssignmentStatus.SUBMITTED
    ).prefetch_related("scores")
    return [
        Review(
            a.reviewer_id,
            a.application_id,
            rubric.total({s.criterion_id: s.value for s in a.scores.all()}),
        )
        for a in submitted
    ]


def call_ranking(
    call: Call, application_ids: Iterable[int] | None = None
) -> list[RankedApplication]:
    """Ranked rows for ``application_ids`` (default: every application that reached review).
    z-scores use all of each reviewer's submitted reviews in the call."""
    if application_ids is None:
        application_ids = reviewed_application_ids(call)
    return rank(application_ids, submitted_reviews(call))
