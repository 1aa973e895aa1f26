"""Who sees an application: the applicant, team members with an account, the applicant
institution's office and the programme owner's office. Everyone else gets 404, on pages and API."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse

from datong.accounts.factories import UserFactory
from datong.poc import applications, selectors, services
from datong.poc.tests.conftest import bearer, days, full_data

pytestmark = pytest.mark.django_db

SEE = ("partner_researcher", "partner_office", "office", "colleague_on_team")
HIDDEN = ("bystander", "partner_bystander", "other_office", "researcher")


@pytest.fixture
def partner_application(world):
    """The partner university's researcher applies to the programme the university runs; a
    colleague from the owner university is on the team."""
    world["colleague_on_team"] = world["colleague"]
    draft = applications.application_create(
        actor=world["partner_researcher"],
        call=world["call"],
        result=world["partner_result"],
        data=full_data(
            world,
            team=[
                {"name": "乙研", "role": "leader"},
                {"name": "李同事", "user": world["colleague"].pk, "role": "researcher"},
            ],
        ),
    )
    return applications.application_submit(actor=world["partner_researcher"], application=draft)


def test_the_owner_office_does_not_see_another_institution_s_draft(world):
    draft = applications.application_create(
        actor=world["partner_researcher"],
        call=world["call"],
        result=world["partner_result"],
        data={},
    )
    with pytest.raises(Http404):
        selectors.application_get(actor=world["office"], pk=draft.pk)
    assert selectors.application_get(actor=world["partner_office"], pk=draft.pk) == draft


@pytest.mark.parametrize("who", SEE)
def test_the_people_concerned_see_the_application(world, partner_application, who):
    found = selectors.application_get(actor=world[who], pk=partner_application.pk)
    assert found == partner_application
    assert partner_application in selectors.application_list(actor=world[who])


@pytest.mark.parametrize("who", HIDDEN)
def test_everyone_else_gets_404(world, partner_application, who):
    with pytest.raises(Http404):
        selectors.application_get(actor=world[who], pk=partner_application.pk)
    assert partner_application not in selectors.application_list(actor=world[who])


def test_a_site_administrator_sees_it(world, partner_application):
    admin = UserFactory(is_superuser=True)
    assert selectors.application_get(actor=admin, pk=partner_application.pk)


@pytest.mark.parametrize("who", HIDDEN)
def test_pages_and_api_answer_404(client, world, partner_application, who):
    pk = partner_application.pk
    client.force_login(world[who])
    for name in ("poc-application", "poc-application-edit"):
        assert client.get(reverse(name, args=[pk])).status_code == 404
    for action in ("withdraw", "admit", "submit"):
        url = reverse("poc-application-action", args=[pk, action])
        assert client.post(url).status_code == 404
    assert client.post(reverse("poc-objection-add", args=[pk])).status_code == 404
    assert client.post(reverse("poc-agreement", args=[pk])).status_code == 404
    client.logout()
    auth = bearer(world[who])
    assert client.get(f"/api/v1/poc/applications/{pk}", **auth).status_code == 404
    assert client.get(f"/api/v1/poc/applications/{pk}/objections", **auth).status_code == 404
    response = client.post(
        f"/api/v1/poc/applications/{pk}/transition",
        data={"to": "withdrawn"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 404
    listed = client.get("/api/v1/poc/applications", **auth).json()["items"]
    assert pk not in [item["id"] for item in listed]


def test_the_call_list_of_applications_is_the_owner_office_only(client, world, partner_application):
    url = reverse("poc-call", args=[world["call"].pk])
    client.force_login(world["office"])
    assert partner_application.title in client.get(url).content.decode()
    for who in ("partner_office", "other_office", "researcher"):
        client.force_login(world[who])
        page = client.get(url)
        assert page.status_code == 200 and partner_application.title not in page.content.decode()
        assert client.get(url, {"export": "csv"}).get("Content-Type", "").startswith("text/html")
    with pytest.raises(Http404):
        selectors.call_applications(actor=world["partner_office"], call=world["call"])


def test_my_applications_include_the_team_member(world, partner_application):
    assert list(selectors.my_applications(actor=world["colleague"])) == [partner_application]
    assert list(selectors.my_applications(actor=world["bystander"])) == []


def test_a_draft_call_and_an_inactive_programme_stay_inside_the_institution(world):
    call = services.call_save(
        actor=world["office"],
        programme=world["programme"],
        data={"name": "草稿批次", "opens_on": days(30), "closes_on": days(40), "budget": "1"},
    )
    with pytest.raises(Http404):
        selectors.call_get(actor=world["partner_researcher"], pk=call.pk)
    assert selectors.call_get(actor=world["bystander"], pk=call.pk) == call
    services.programme_update(
        actor=world["office"], programme=world["programme"], data={"is_active": False}
    )
    assert not selectors.programme_list(actor=world["partner_researcher"]).exists()
    with pytest.raises(Http404):
        selectors.programme_get(actor=world["partner_researcher"], code="jia-poc")
    assert selectors.programme_get(actor=world["bystander"], code="jia-poc")
