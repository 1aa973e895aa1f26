"""The funding decision: proposal, committee changes, provisional list, final award, reserve."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from datong.core.testing import Unchanged
from datong.poc import workflow
from datong.poc.models import ApplicationEvent, ApplicationStatus, FundingRequest, Objection
from datong.poc.review import services
from datong.poc.review.models import ChangeAction, Decision, DecisionStatus

from .conftest import make_application, submit

S = ApplicationStatus


@pytest.fixture
def scored(rw, settings):
    """Four applications (budget 4 million, early R&D capped at 3 million), each reviewed by
    two reviewers: A > B > C > D."""
    settings.LANGUAGE_CODE = "en"
    a = rw["app"]  # 1.0 + 0.5 million
    FundingRequest.objects.filter(application=a, funding_line=rw["rd"]).update(
        amount=Decimal("1500000")
    )  # A asks 1.5 + 0.5
    b = make_application(rw, "B", rd=1_000_000, pre=500_000)
    c = make_application(rw, "C", rd=1_000_000, pre=0)
    d = make_application(rw, "D", rd=500_000, pre=500_000)
    for app, first, second in ((a, 9, 8), (b, 8, 7), (c, 6, 6), (d, 4, 5)):
        submit(rw, rw["internal"], app, [first] * 3)
        submit(rw, rw["external"], app, [second] * 3)
    rw.update(a=a, b=b, c=c, d=d)
    return rw


def ids(*apps):
    return [app.pk for app in apps]


def status_of(app):
    app.refresh_from_db()
    return app.status


def test_proposal_maximises_the_score_within_budget_and_caps(scored):
    w = scored
    proposal = services.decision_propose(actor=w["office"], call=w["call"])
    # A + C + D: 4.0 million, early R&D exactly at its 3-million cap; A + B would leave
    # money unused and score less once shifted.
    assert proposal.decision.proposal == ids(w["a"], w["c"], w["d"])
    assert proposal.rounded == [] and proposal.unscored == []
    with pytest.raises(PermissionDenied):
        services.decision_propose(actor=w["internal"], call=w["call"])


def test_committee_changes_need_a_reason_and_must_fit(scored):
    w = scored
    services.decision_propose(actor=w["office"], call=w["call"])
    with pytest.raises(ValidationError) as exc, Unchanged():
        services.decision_change(
            actor=w["office"], call=w["call"], application=w["b"], action="add", reason=""
        )
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc, Unchanged():
        services.decision_change(
            actor=w["office"], call=w["call"], application=w["b"], action="add", reason="战略需要"
        )
    messages = exc.value.message_dict["application"]
    assert messages[0] == (
        "The list costs ¥5,500,000: ¥1,500,000 over the call's budget of ¥4,000,000."
    )
    assert messages[1] == (
        "前期研发: ¥4,000,000, ¥1,000,000 over what is left of the line's cap (¥3,000,000)."
    )
    services.decision_change(
        actor=w["office"], call=w["call"], application=w["d"], action="remove", reason="重复资助"
    )
    decision = Decision.objects.get(call=w["call"])
    assert decision.selected_ids() == ids(w["a"], w["c"])
    (change,) = decision.changes.all()
    assert (change.action, change.reason, change.actor) == (
        ChangeAction.REMOVE,
        "重复资助",
        w["office"],
    )
    # Re-running the optimiser keeps the committee's changes on top.
    services.decision_propose(actor=w["office"], call=w["call"])
    assert Decision.objects.get(call=w["call"]).selected_ids() == ids(w["a"], w["c"])


def test_publish_and_finalise_move_statuses_through_the_workflow(scored):
    w = scored
    services.decision_propose(actor=w["office"], call=w["call"])
    services.decision_change(
        actor=w["office"], call=w["call"], application=w["d"], action="remove", reason="重复资助"
    )
    today = timezone.localdate()
    services.decision_publish(actor=w["office"], call=w["call"], reserve_count=1, today=today)
    assert [status_of(w[k]) for k in "abcd"] == [
        S.PROVISIONAL,
        S.RESERVE,
        S.PROVISIONAL,
        S.REJECTED,
    ]
    w["a"].refresh_from_db()
    assert w["a"].notice_published_on == today
    assert w["a"].objection_until == today + dt.timedelta(days=5)
    awarded = FundingRequest.objects.filter(application=w["a"]).values_list("amount", "awarded")
    assert all(amount == given for amount, given in awarded)
    assert FundingRequest.objects.filter(application=w["b"], awarded__isnull=False).count() == 0
    event = ApplicationEvent.objects.filter(application=w["a"]).latest("at")
    assert (event.status_from, event.status_to) == (S.UNDER_REVIEW, S.PROVISIONAL)
    # The list is fixed now.
    with pytest.raises(ValidationError):
        services.decision_change(
            actor=w["office"], call=w["call"], application=w["b"], action="add", reason="x"
        )
    # Not before the notice ends.
    with pytest.raises(ValidationError) as exc:
        services.decision_finalise(actor=w["office"], call=w["call"], today=today)
    assert str(today + dt.timedelta(days=5)) in str(exc.value)
    # An objection waiting for an answer holds C back.
    Objection.objects.create(
        application=w["c"], raised_by="匿名", received_on=today, text="数据存疑"
    )
    later = today + dt.timedelta(days=6)
    report = services.decision_finalise(actor=w["office"], call=w["call"], today=later)
    assert report.awarded == [w["a"]] and report.objected == [w["c"]]
    assert status_of(w["a"]) == S.AWARDED and status_of(w["c"]) == S.PROVISIONAL
    assert Decision.objects.get(call=w["call"]).status == DecisionStatus.PUBLISHED
    # Once the objection is dismissed, C is awarded too.
    Objection.objects.filter(application=w["c"]).update(upheld=False)
    services.decision_finalise(actor=w["office"], call=w["call"], today=later)
    assert status_of(w["c"]) == S.AWARDED
    assert Decision.objects.get(call=w["call"]).status == DecisionStatus.FINALISED
    event = ApplicationEvent.objects.filter(application=w["c"]).latest("at")
    assert (event.status_from, event.status_to) == (S.PROVISIONAL, S.AWARDED)


def test_publish_refused_while_reviews_are_open_or_the_list_is_over(scored):
    w = scored
    services.decision_propose(actor=w["office"], call=w["call"])
    late = make_application(w, "E")
    services.assignment_create(actor=w["office"], application=late, reviewer=w["internal"])
    with pytest.raises(ValidationError) as exc, Unchanged():
        services.decision_publish(actor=w["office"], call=w["call"])
    text = " ".join(exc.value.message_dict["decision"])
    assert "1 review(s) are still open" in text
    assert "1 application(s) under review have no submitted review" in text
    submit(w, w["internal"], late, [5, 5, 5])
    with pytest.raises(ValidationError) as exc, Unchanged():
        services.decision_publish(actor=w["office"], call=w["call"])
    assert "compute it again" in " ".join(exc.value.message_dict["decision"])


def test_reserve_promotion_checks_the_budget(scored):
    w = scored
    services.decision_propose(actor=w["office"], call=w["call"])
    services.decision_change(
        actor=w["office"], call=w["call"], application=w["d"], action="remove", reason="重复资助"
    )
    services.decision_publish(actor=w["office"], call=w["call"], reserve_count=1)
    for key in "abcd":
        w[key].refresh_from_db()
    # A (2.0) + C (1.0) + B (1.5) would cost 4.5 million.
    with pytest.raises(ValidationError) as exc, Unchanged():
        services.reserve_promote(actor=w["office"], application=w["b"], reason="递补")
    assert "¥500,000 over the call's budget" in exc.value.message_dict["application"][0]
    workflow.move(w["a"], S.RENOUNCED, actor=w["applicant"], note="放弃")
    with pytest.raises(ValidationError):
        services.reserve_promote(actor=w["office"], application=w["b"], reason="")
    services.reserve_promote(actor=w["office"], application=w["b"], reason="A 放弃后递补")
    assert status_of(w["b"]) == S.PROVISIONAL
    assert FundingRequest.objects.filter(application=w["b"], awarded__isnull=False).count() == 2
    decision = Decision.objects.get(call=w["call"])
    assert decision.changes.last().action == ChangeAction.PROMOTE
    with pytest.raises(ValidationError):
        services.reserve_promote(actor=w["office"], application=w["d"], reason="x")
