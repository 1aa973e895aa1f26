"""The pages: the reviewer's list and scoring form (blind review hides names), the pool and the
console for the office, 404 for anyone else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from datong.core.roles import Role
from datong.institutions.factories import InstitutionFactory, member_of
from datong.poc.factories import ProgrammeFactory
from datong.poc.review import services
from datong.poc.review.models import Assignment, AssignmentStatus, Decision, PoolMember

from .conftest import make_application, submit

NAMES = ("张申请", "吴团队", "甲大学", "Jia University", "材料学院", "School of Materials")


@pytest.fixture
def assigned(rw):
    assignment = services.assignment_create(
        actor=rw["office"], application=rw["app"], reviewer=rw["external"]
    )
    rw["assignment"] = assignment
    return rw


def page(client, user, name, *args, lang=None, **query):
    client.force_login(user)
    url = reverse(name, args=args)
    if lang:
        client.cookies["django_language"] = lang
    return client.get(url, query)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_blind_review_hides_names_on_the_page(client, assigned, lang):
    programme = assigned["programme"]
    programme.blind_review = True
    programme.save()
    response = page(
        client, assigned["external"], "review-score", assigned["assignment"].pk, lang=lang
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert assigned["app"].title in html
    for name in NAMES:
        assert name not in html, name
    listing = page(client, assigned["external"], "review-home", lang=lang).content.decode()
    assert assigned["app"].title in listing
    for name in NAMES:
        assert name not in listing, name


def test_open_review_shows_names(client, assigned):
    html = page(
        client, assigned["external"], "review-score", assigned["assignment"].pk
    ).content.decode()
    assert "张申请" in html and "甲大学" in html and "材料学院" in html


def test_reviewer_scores_and_submits_through_the_form(client, assigned):
    c1, c2, c3 = assigned["criteria"]
    client.force_login(assigned["external"])
    url = reverse("review-score", args=[assigned["assignment"].pk])
    data = {f"score_{c1.pk}": "8", f"score_{c2.pk}": "7.5", f"score_{c3.pk}": "12", "submit": "1"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "0" in response.content.decode() and "10" in response.content.decode()
    data.update({f"score_{c3.pk}": "9", "overall_comment": "很好", f"comment_{c1.pk}": "新颖"})
    response = client.post(url, data)
    assert response.status_code == 302
    assignment = Assignment.objects.get(pk=assigned["assignment"].pk)
    assert assignment.status == AssignmentStatus.SUBMITTED
    assert "81.5" in client.get(url).content.decode()  # 40 × 0.8 + 30 × 0.75 + 30 × 0.9
    # Frozen: posting again changes nothing.
    client.post(url, {**data, f"score_{c1.pk}": "1"})
    assert assignment.scores.get(criterion=c1).value == 8


def test_reviewer_declines_with_a_conflict(client, assigned):
    client.force_login(assigned["external"])
    response = client.post(
        reverse("review-decline", args=[assigned["assignment"].pk]), {"reason": "亲属关系"}
    )
    assert response.status_code == 302
    assigned["assignment"].refresh_from_db()
    assert assigned["assignment"].status == AssignmentStatus.WITHDRAWN


def test_a_reviewer_of_another_programme_gets_404(client, assigned):
    elsewhere = InstitutionFactory()
    office = member_of(elsewhere, Role.TTO_STAFF)
    other_programme = ProgrammeFactory(owner=elsewhere)
    outsider = member_of(elsewhere, Role.REVIEWER)
    services.pool_add(actor=office, programme=other_programme, user=outsider, kind="external")
    client.force_login(outsider)
    call = assigned["call"]
    for name, args in (
        ("review-score", [assigned["assignment"].pk]),
        ("review-console", [call.pk]),
        ("review-ranking-export", [call.pk]),
        ("review-pool", [assigned["programme"].code]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404, name
    response = client.post(reverse("review-propose", args=[call.pk]))
    assert response.status_code == 404
    # The assigned reviewer cannot open the console either.
    client.force_login(assigned["external"])
    assert client.get(reverse("review-console", args=[call.pk])).status_code == 404


@pytest.mark.parametrize("tab", ["assignments", "ranking", "decision"])
def test_console_tabs_render_for_the_office(client, assigned, tab):
    submit(assigned, assigned["internal"], assigned["app"], [8, 8, 8])
    if tab == "decision":
        services.decision_propose(actor=assigned["office"], call=assigned["call"])
    response = page(client, assigned["office"], "review-console", assigned["call"].pk, tab=tab)
    assert response.status_code == 200
    html = response.content.decode()
    assert assigned["app"].title in html


def test_console_actions_from_the_office(client, rw):
    second = make_application(rw, "第二项")
    client.force_login(rw["office"])
    call = rw["call"]
    response = client.post(reverse("review-auto-assign", args=[call.pk]), {"per_application": "2"})
    assert response.status_code == 302
    assert Assignment.objects.filter(application__call=call).count() == 4
    # A conflicted manual assignment is refused with the reason as a message.
    response = client.post(
        reverse("review-assign", args=[call.pk]),
        {"application": rw["app"].pk, "reviewer": rw["colleague"].pk},
        follow=True,
    )
    assert "department" in response.content.decode() or "系" in response.content.decode()
    assert not Assignment.objects.filter(reviewer=rw["colleague"]).exists()
    for a in Assignment.objects.filter(application__call=call):
        submit(rw, a.reviewer, a.application, [7, 7, 7] if a.application == second else [9, 9, 9])
    client.post(reverse("review-propose", args=[call.pk]))
    assert Decision.objects.get(call=call).proposal
    response = client.get(reverse("review-ranking-export", args=[call.pk]), {"export": "csv"})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "固态电池" in text and "第二项" in text
    response = client.get(reverse("review-ranking-export", args=[call.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    response = client.post(reverse("review-publish", args=[call.pk]), {"reserve_count": "1"})
    assert Decision.objects.get(call=call).status == "published"


def test_pool_page_adds_an_expert(client, rw):
    client.force_login(rw["office"])
    response = client.get(reverse("review-pool", args=[rw["programme"].code]), {"q": "孙别处"})
    assert response.status_code == 200 and "孙别处" in response.content.decode()
    response = client.post(
        reverse("review-pool-add", args=[rw["programme"].code]),
        {"user": rw["stranger"].pk, "kind": "external", "expertise": "储能"},
    )
    assert response.status_code == 302
    assert PoolMember.objects.get(user=rw["stranger"]).expertise == "储能"
    client.force_login(rw["internal"])
    assert client.get(reverse("review-pool", args=[rw["programme"].code])).status_code == 404
