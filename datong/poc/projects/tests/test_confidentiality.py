"""Who sees a project: the team, the mentor, the applicant institution's office and the
programme owner's office. Everyone else gets 404, on the pages and in the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from datong.core.testing import assert_api_error
from datong.poc.projects import selectors, services

from .conftest import bearer

SEES = ("researcher", "teammate", "uni_office", "owner_office")
HIDDEN = ("colleague", "other_office", "mentor")
TABS = ("milestones", "money", "verification", "coaching", "reports", "gates", "closing", "outcome")


@pytest.mark.parametrize("who", SEES)
def test_the_people_of_the_project_see_it(client, world, project, who):
    client.force_login(world[who])
    assert client.get(reverse("project-detail", args=[project.pk])).status_code == 200
    listed = client.get(reverse("project-list"))
    assert project.title in listed.content.decode()
    response = client.get(f"/api/v1/projects/{project.pk}", **bearer(world[who]))
    assert response.status_code == 200
    assert response.json()["funding"][0]["awarded"] == "300000.00"


@pytest.mark.parametrize("who", HIDDEN)
def test_others_get_404(client, world, project, who):
    client.force_login(world[who])
    assert client.get(reverse("project-detail", args=[project.pk])).status_code == 404
    assert (
        client.get(reverse("project-detail", args=[project.pk]) + "?tab=money").status_code == 404
    )
    assert project.title not in client.get(reverse("project-list")).content.decode()
    headers = bearer(world[who])
    assert_api_error(client.get(f"/api/v1/projects/{project.pk}", **headers), 404, "not_found")
    assert_api_error(
        client.get(f"/api/v1/projects/{project.pk}/expenses", **headers), 404, "not_found"
    )
    assert client.get("/api/v1/projects", **headers).json()["count"] == 0
    response = client.post(
        reverse("project-expense", args=[project.pk]), {"payee": "x", "amount": "1"}
    )
    assert response.status_code == 404


def test_the_mentor_sees_the_project_once_assigned(client, world, project):
    services.project_assign_mentor(
        actor=world["owner_office"], project=project, mentor=world["mentor"], kind="tech_manager"
    )
    client.force_login(world["mentor"])
    for tab in TABS:
        url = reverse("project-detail", args=[project.pk]) + f"?tab={tab}"
        assert client.get(url).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client, project):
    response = client.get(reverse("project-detail", args=[project.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    assert_api_error(client.get(f"/api/v1/projects/{project.pk}"), 401, "unauthorized")


def test_a_hidden_resource_is_seen_only_by_its_office(client, world):
    resource = services.resource_create(
        actor=world["owner_office"],
        listed_by=world["owner"],
        data={"name": "内部平台", "kind": "testing", "capabilities": "检测", "is_public": False},
    )
    assert selectors.resource_list(actor=world["owner_office"]).filter(pk=resource.pk).exists()
    for who in ("researcher", "other_office"):
        client.force_login(world[who])
        url = reverse("resource-detail", args=[resource.pk])
        assert client.get(url).status_code == 404
        assert_api_error(
            client.get(f"/api/v1/verification-resources/{resource.pk}", **bearer(world[who])),
            404,
            "not_found",
        )
