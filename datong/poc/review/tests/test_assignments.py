"""The pool, assignments and their conflicts of interest, and scoring."""

from __future__ import annotations

import inspect

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from datong.accounts.factories import UserFactory
from datong.core.models import AuditEntry
from datong.core.testing import Unchanged
from datong.poc.review import services
from datong.poc.review.models import (
    Assignment,
    AssignmentStatus,
    ConflictDeclaration,
    ExpertKind,
    PoolMember,
    Score,
)

from .conftest import make_application, submit


def refusal(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.message_dict["reviewer"])


def test_office_builds_the_pool_and_others_cannot(rw):
    member = PoolMember.objects.get(programme=rw["programme"], user=rw["external"])
    assert member.kind == ExpertKind.EXTERNAL
    assert member.affiliation == "乙研究院"  # from the expert's institution
    with pytest.raises(PermissionDenied), Unchanged():
        services.pool_add(
            actor=rw["internal"], programme=rw["programme"], user=rw["stranger"], kind="external"
        )
    with pytest.raises(ValidationError) as exc, Unchanged():
        services.pool_add(
            actor=rw["office"], programme=rw["programme"], user=rw["external"], kind="external"
        )
    assert "already in the pool" in str(exc.value) or "已在" in str(exc.value)
    services.pool_update(actor=rw["office"], member=member, data={"expertise": "固态电池"})
    member.refresh_from_db()
    assert member.expertise == "固态电池"


@pytest.mark.parametrize(
    ("who", "phrase"),
    [
        ("colleague", "department"),
        ("coinventor", "co-inventor"),
        ("teammate", "project team"),
    ],
)
def test_conflicts_are_refused_naming_them(rw, settings, who, phrase):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(ValidationError) as exc, Unchanged():
        services.assignment_create(actor=rw["office"], application=rw["app"], reviewer=rw[who])
    message = refusal(exc)
    assert phrase in message
    assert rw[who].name in message


def test_the_applicant_cannot_review_their_own_application(rw, settings):
    settings.LANGUAGE_CODE = "en"
    services.pool_add(
        actor=rw["office"], programme=rw["programme"], user=rw["applicant"], kind="internal"
    )
    with pytest.raises(ValidationError) as exc, Unchanged():
        services.assignment_create(
            actor=rw["office"], application=rw["app"], reviewer=rw["applicant"]
        )
    assert "is the applicant" in refusal(exc)


def test_declared_conflicts_with_the_application_or_its_institution(rw, settings):
    settings.LANGUAGE_CODE = "en"
    services.conflict_declare(
        actor=rw["external"], reviewer=rw["external"], application=rw["app"], reason="曾合作"
    )
    with pytest.raises(ValidationError) as exc:
        services.assignment_create(
            actor=rw["office"], application=rw["app"], reviewer=rw["external"]
        )
    assert "declared a conflict with this application: 曾合作" in refusal(exc)
    services.conflict_declare(
        actor=rw["office"], reviewer=rw["external2"], institution=rw["uni"], reason="兼职顾问"
    )
    with pytest.raises(ValidationError) as exc:
        services.assignment_create(
            actor=rw["office"], application=rw["app"], reviewer=rw["external2"]
        )
    assert "applicant institution: 兼职顾问" in refusal(exc)


def test_a_declaration_needs_a_reason_and_one_target(rw):
    with pytest.raises(ValidationError) as exc, Unchanged():
        services.conflict_declare(actor=rw["external"], reviewer=rw["external"], reason="")
    assert set(exc.value.message_dict) == {"reason", "application"}
    with pytest.raises(PermissionDenied):
        services.conflict_declare(
            actor=rw["stranger"], reviewer=rw["external"], institution=rw["uni"], reason="x"
        )


def test_conflicts_cannot_be_bypassed(rw, django_user_model):
    """No override argument exists, and a site administrator is refused like anyone."""
    params = inspect.signature(services.assignment_create).parameters
    assert set(params) == {"actor", "application", "reviewer"}
    with pytest.raises(TypeError):
        services.assignment_create(
            actor=rw["office"], application=rw["app"], reviewer=rw["colleague"], force=True
        )
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    with pytest.raises(ValidationError), Unchanged():
        services.assignment_create(actor=admin, application=rw["app"], reviewer=rw["colleague"])
    # Nor by the automatic assignment.
    report = services.auto_assign(actor=rw["office"], call=rw["call"], per_application=6)
    assigned = set(
        Assignment.objects.filter(application=rw["app"]).values_list("reviewer", flat=True)
    )
    assert assigned == {rw["internal"].pk, rw["external"].pk, rw["external2"].pk}
    (uncovered,) = report.uncovered
    assert (uncovered.missing, uncovered.conflicted) == (3, 3)


def test_assignment_needs_pool_and_review_status(rw, settings):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(ValidationError) as exc:
        services.assignment_create(
            actor=rw["office"], application=rw["app"], reviewer=rw["stranger"]
        )
    assert "not in the programme's reviewer pool" in refusal(exc)
    services.assignment_create(actor=rw["office"], application=rw["app"], reviewer=rw["internal"])
    with pytest.raises(ValidationError) as exc:
        services.assignment_create(
            actor=rw["office"], application=rw["app"], reviewer=rw["internal"]
        )
    assert "already assigned" in refusal(exc)
    with pytest.raises(PermissionDenied):
        services.assignment_create(
            actor=rw["internal"], application=rw["app"], reviewer=rw["external"]
        )


def test_auto_assign_balances_the_load(rw):
    apps = [rw["app"]] + [make_application(rw, f"项目{i}") for i in range(3)]
    report = services.auto_assign(actor=rw["office"], call=rw["call"], per_application=2)
    assert len(report.created) == 8
    assert not report.uncovered
    loads = {}
    for reviewer_id in Assignment.objects.values_list("reviewer_id", flat=True):
        loads[reviewer_id] = loads.get(reviewer_id, 0) + 1
    assert max(loads.values()) - min(loads.values()) <= 1
    for app in apps:
        assert Assignment.objects.filter(application=app).count() == 2
    # Running it again tops up nothing.
    again = services.auto_assign(actor=rw["office"], call=rw["call"], per_application=2)
    assert again.created == [] and again.uncovered == []
    assert AuditEntry.objects.filter(action="poc_review.auto_assign").count() == 2


def test_scores_are_validated_then_frozen(rw):
    assignment = services.assignment_create(
        actor=rw["office"], application=rw["app"], reviewer=rw["internal"]
    )
    c1, c2, c3 = rw["criteria"]
    with pytest.raises(ValidationError) as exc, Unchanged():
        services.scores_save(
            actor=rw["internal"],
            assignment=assignment,
            scores={c1.pk: {"score": "11"}, c2.pk: {"score": "7.25"}, c3.pk: {"score": "x"}},
        )
    assert set(exc.value.message_dict) == {f"score_{c.pk}" for c in (c1, c2, c3)}
    # A draft may be partial; submitting needs every score and an overall comment.
    services.scores_save(
        actor=rw["internal"], assignment=assignment, scores={c1.pk: {"score": "8.5"}}
    )
    with pytest.raises(ValidationError) as exc:
        services.scores_save(
            actor=rw["internal"], assignment=assignment, scores={c1.pk: {"score": 8}}, submit=True
        )
    assert {f"score_{c2.pk}", f"score_{c3.pk}", "overall_comment"} <= set(exc.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.scores_save(actor=rw["external"], assignment=assignment, scores={})
    submit(rw, rw["internal"], rw["app"], [8, 7.5, 9])
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED
    assert sorted(Score.objects.values_list("value", flat=True)) == [7.5, 8, 9]
    with pytest.raises(ValidationError) as exc, Unchanged():
        services.scores_save(
            actor=rw["internal"], assignment=assignment, scores={c1.pk: {"score": 1}}
        )
    assert "分数已锁定" in str(exc.value)
    with pytest.raises(ValidationError):
        services.assignment_remove(actor=rw["office"], assignment=assignment)


def test_declining_withdraws_the_assignment(rw):
    assignment = services.assignment_create(
        actor=rw["office"], application=rw["app"], reviewer=rw["external"]
    )
    services.assignment_decline(actor=rw["external"], assignment=assignment, reason="我是其导师")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.WITHDRAWN
    assert ConflictDeclaration.objects.get(reviewer=rw["external"]).application == rw["app"]
    with pytest.raises(ValidationError):
        services.assignment_decline(actor=rw["external"], assignment=assignment, reason="再次")


def test_an_institution_conflict_withdraws_open_assignments(rw):
    assignment = services.assignment_create(
        actor=rw["office"], application=rw["app"], reviewer=rw["external2"]
    )
    services.conflict_declare(
        actor=rw["external2"], reviewer=rw["external2"], institution=rw["uni"], reason="兼职"
    )
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.WITHDRAWN


def test_pool_removal_waits_for_open_reviews(rw):
    services.assignment_create(actor=rw["office"], application=rw["app"], reviewer=rw["internal"])
    member = PoolMember.objects.get(programme=rw["programme"], user=rw["internal"])
    with pytest.raises(ValidationError):
        services.pool_remove(actor=rw["office"], member=member)
    services.assignment_remove(
        actor=rw["office"], assignment=Assignment.objects.get(reviewer=rw["internal"])
    )
    services.pool_remove(actor=rw["office"], member=member)
    member.refresh_from_db()
    assert not member.is_active
    # Back in later.
    services.pool_add(
        actor=rw["office"], programme=rw["programme"], user=UserFactory(), kind="external"
    )
    services.pool_add(
        actor=rw["office"], programme=rw["programme"], user=rw["internal"], kind="internal"
    )
    member.refresh_from_db()
    assert member.is_active
