"""Opening, advancing, closing and assigning match cases: allowed and refused paths."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from datong.cases import selectors, services
from datong.cases.models import CaseStage, CaseStageTime, CloseReason, MatchCase
from datong.cases.tests.conftest import backdate, open_case
from datong.core.models import AuditEntry
from datong.core.testing import Unchanged
from datong.market import services as market_services
from datong.market.models import Demand
from datong.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_an_enterprise_user_opens_a_case_for_the_listings_manager(cw):
    case = open_case(cw, message="希望洽谈独家授权。")
    assert case.stage == CaseStage.ASSIGNED and case.is_open
    assert case.manager == cw["manager"] and case.requester == cw["buyer"]
    assert case.institution == cw["uni"] and case.enterprise == cw["firm"]
    rows = list(case.stage_times.all())
    assert [(r.stage, r.left_at) for r in rows] == [("assigned", None)]
    assert AuditEntry.objects.filter(action="cases.open", object_id=str(case.pk)).count() == 1
    note = Notification.objects.get(user=cw["manager"])
    assert "丙科技有限公司" in note.title and note.body == "希望洽谈独家授权。"
    assert note.url == f"/cases/{case.pk}/"


@pytest.mark.parametrize("who", ["researcher", "office", "other_office", "manager"])
def test_only_enterprise_users_may_open_a_case(cw, who):
    with Unchanged(), pytest.raises(PermissionDenied):
        services.case_open(actor=cw[who], listing=cw["listing"], message="你好")


def test_anonymous_cannot_open_a_case(cw):
    with Unchanged(), pytest.raises(PermissionDenied):
        services.case_open(actor=AnonymousUser(), listing=cw["listing"], message="你好")


def test_opening_is_validated(cw):
    draft = market_services.listing_create(actor=cw["office"], result=cw["result"])
    other_demand = Demand.objects.create(institution=cw["firm2"], title="别人的需求")
    with Unchanged():
        with pytest.raises(ValidationError) as exc:
            services.case_open(actor=cw["buyer"], listing=draft, message="你好")
        assert "listing" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            services.case_open(actor=cw["buyer"], listing=cw["listing"], message="  ")
        assert "message" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            services.case_open(
                actor=cw["buyer"], listing=cw["listing"], message="你好", demand=other_demand
            )
        assert "demand" in exc.value.message_dict


def test_a_second_interest_joins_the_open_case(cw):
    demand = Demand.objects.create(institution=cw["firm"], title="储能电池安全")
    first = open_case(cw, message="第一次留言")
    case, created = services.case_open(
        actor=cw["buyer"], listing=cw["listing"], message="补充：预算约200万元", demand=demand
    )
    assert not created and case.pk == first.pk
    case.refresh_from_db()
    assert case.message.startswith("第一次留言") and "补充：预算约200万元" in case.message
    assert case.demand == demand
    assert MatchCase.objects.count() == 1
    assert AuditEntry.objects.filter(action="cases.interest").count() == 1
    assert Notification.objects.filter(user=cw["manager"]).count() == 2
    # another enterprise gets its own case; after closing, a new interest opens a new one
    other = open_case(cw, who="other_buyer")
    assert other.pk != first.pk
    services.case_close(actor=cw["office"], case=case, reason=CloseReason.PRICE)
    again = open_case(cw, message="重新询价")
    assert again.pk not in (first.pk, other.pk)


def test_advance_moves_forward_only_and_keeps_stage_times(cw):
    case = open_case(cw)
    services.case_advance(actor=cw["manager"], case=case, stage="contacted", note="已电话沟通")
    with Unchanged():
        for stage in ("assigned", "contacted", "closed", "bogus"):
            with pytest.raises(ValidationError):
                services.case_advance(actor=cw["manager"], case=case, stage=stage)
    services.case_advance(actor=cw["office"], case=case, stage="negotiation")  # two steps
    case.refresh_from_db()
    assert case.stage == CaseStage.NEGOTIATION
    rows = list(CaseStageTime.objects.filter(case=case))
    assert [r.stage for r in rows] == ["assigned", "contacted", "negotiation"]
    assert rows[0].left_at == rows[1].entered_at and rows[1].left_at == rows[2].entered_at
    assert rows[2].left_at is None and rows[1].note == "已电话沟通"
    assert rows[1].actor == cw["manager"]
    assert case.stage_entered_at == rows[2].entered_at
    steps = {s["stage"]: s["state"] for s in selectors.progress(case)}
    assert steps == {
        "assigned": "done",
        "contacted": "done",
        "nda": "skipped",
        "negotiation": "current",
        "deal": "todo",
    }
    assert Notification.objects.filter(user=cw["buyer"]).count() == 2


def test_a_deal_needs_the_contract_number(cw):
    case = open_case(cw)
    with Unchanged(), pytest.raises(ValidationError) as exc:
        services.case_advance(actor=cw["manager"], case=case, stage="deal")
    assert "deal_reference" in exc.value.message_dict
    services.case_advance(
        actor=cw["manager"], case=case, stage="deal", deal_reference="JH-2026-018"
    )
    case.refresh_from_db()
    assert case.stage == CaseStage.DEAL and case.deal_reference == "JH-2026-018"
    assert case.closed_at is not None and not case.is_open and not case.is_overdue
    with Unchanged():
        with pytest.raises(ValidationError):
            services.case_advance(actor=cw["manager"], case=case, stage="deal", deal_reference="x")
        with pytest.raises(ValidationError):
            services.case_close(actor=cw["manager"], case=case, reason="other")


def test_closing_needs_a_reason(cw):
    case = open_case(cw)
    with Unchanged():
        for reason in ("", "bogus"):
            with pytest.raises(ValidationError) as exc:
                services.case_close(actor=cw["office"], case=case, reason=reason, note="x")
            assert "reason" in exc.value.message_dict
    services.case_close(
        actor=cw["office"], case=case, reason=CloseReason.TECHNICAL_FIT, note="指标不满足"
    )
    case.refresh_from_db()
    assert case.stage == CaseStage.CLOSED and case.closed_reason == "technical_fit"
    assert case.closing_note == "指标不满足" and case.closed_at
    assert [r.stage for r in case.stage_times.all()] == ["assigned", "closed"]
    with Unchanged(), pytest.raises(ValidationError):
        services.case_advance(actor=cw["office"], case=case, stage="contacted")


@pytest.mark.parametrize("who", ["buyer", "other_buyer", "researcher", "other_office"])
def test_only_the_office_and_the_manager_run_a_case(cw, who):
    case = open_case(cw)
    with Unchanged():
        with pytest.raises(PermissionDenied):
            services.case_advance(actor=cw[who], case=case, stage="contacted")
        with pytest.raises(PermissionDenied):
            services.case_close(actor=cw[who], case=case, reason="other")
        with pytest.raises(PermissionDenied):
            services.case_assign(actor=cw[who], case=case, manager=cw["manager2"])


def test_the_office_hands_a_case_to_another_manager(cw):
    case = open_case(cw)
    with Unchanged():
        for candidate in (cw["researcher"], cw["other_office"], cw["manager"], None):
            with pytest.raises(ValidationError):
                services.case_assign(actor=cw["office"], case=case, manager=candidate)
    services.case_assign(actor=cw["office"], case=case, manager=cw["manager2"])
    case.refresh_from_db()
    assert case.manager == cw["manager2"]
    assert Notification.objects.filter(user=cw["manager2"]).exists()
    entry = AuditEntry.objects.get(action="cases.assign")
    assert entry.changes == {"manager": ["赵经理", "钱经理"]}


def test_a_manager_without_an_office_role_still_runs_their_case(cw):
    case = open_case(cw)
    cw["manager"].memberships.all().delete()
    services.case_advance(actor=cw["manager"], case=case, stage="contacted")
    assert selectors.case_get(actor=cw["manager"], pk=case.pk) == case


@override_settings(DATONG_CASE_WAIT_DAYS={"assigned": 2})
def test_waiting_too_long_counts_whole_days_per_stage(cw):
    case = open_case(cw)
    assert case.days_in_stage == 0 and not case.is_overdue
    backdate(case, 2)
    assert case.days_in_stage == 2 and case.wait_limit == 2 and not case.is_overdue
    backdate(case, 1)
    assert case.days_in_stage == 3 and case.is_overdue
    assert selectors.overdue_count(actor=cw["office"]) == 1
    services.case_advance(actor=cw["manager"], case=case, stage="contacted")
    case.refresh_from_db()
    assert not case.is_overdue and case.wait_limit == 14  # the default for the next stage
    assert selectors.stage_days(case) == {"assigned": 3, "contacted": 0}
    assert selectors.overdue_count(actor=cw["office"]) == 0
