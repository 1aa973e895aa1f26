"""The demo builder writes consistent cases: contiguous stage rows, matching stage times."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from datong.cases.models import OPEN_STAGES, MatchCase
from datong.core.models import AuditEntry
from datong.demo.cases import build_cases
from datong.market.models import Listing

pytestmark = pytest.mark.django_db


def test_demo_cases_are_consistent(cw):
    published = timezone.now() - dt.timedelta(days=400)
    Listing.objects.filter(pk=cw["listing"].pk).update(published_at=published)
    summary = build_cases(random.Random(7), timezone.now(), "small")
    cases = list(MatchCase.objects.prefetch_related("stage_times"))
    assert summary["cases"] == len(cases) == 2  # one per enterprise on the one listing
    for case in cases:
        rows = list(case.stage_times.all())
        assert rows[0].entered_at >= published
        assert case.created_at == rows[0].entered_at
        assert case.stage == rows[-1].stage and case.stage_entered_at == rows[-1].entered_at
        assert rows[-1].left_at is None
        for before, after in zip(rows, rows[1:], strict=False):
            assert before.left_at == after.entered_at
        assert case.is_open == (case.stage in OPEN_STAGES)
        assert (case.closed_at is None) == case.is_open
        assert AuditEntry.objects.filter(
            object_id=str(case.pk), action__startswith="cases."
        ).count() == len(rows)
