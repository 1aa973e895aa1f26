"""The project pages: start, each tab, the forms' errors, and the resource directory."""

from __future__ import annotations

from django.urls import reverse

from datong.poc.projects import services
from datong.poc.projects.models import Expense, Project, Tranche, VerificationResource

from .conftest import days, expense

TABS = ("milestones", "money", "verification", "coaching", "reports", "gates", "closing", "outcome")


def detail(project, tab=""):
    url = reverse("project-detail", args=[project.pk])
    return f"{url}?tab={tab}" if tab else url


def test_the_office_starts_a_project_from_the_list(client, world):
    client.force_login(world["owner_office"])
    page = client.get(reverse("project-list"))
    start_url = reverse("project-start", args=[world["application"].pk])
    assert start_url in page.content.decode()
    form = client.get(start_url)
    assert form.status_code == 200 and "样品制备" in form.content.decode()
    planned = list(world["application"].planned_milestones.all())
    rd, inc = world["lines"]["rd"].pk, world["lines"]["inc"].pk
    post = {"starts_on": days(-30), "ends_on": days(300)}
    for m, line, amount in zip(planned, (rd, rd, inc), ("100000", "100000", "200000"), strict=True):
        post[f"line_{m.pk}"], post[f"amount_{m.pk}"] = line, amount
    post[f"advance_{rd}"] = "50000"
    refused = client.post(start_url, post)
    assert refused.status_code == 400 and "¥250,000.00" in refused.content.decode()
    assert not Project.objects.exists()
    post[f"amount_{planned[1].pk}"] = "200000"
    post[f"advance_{rd}"] = "0"
    response = client.post(start_url, post)
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(project)
    assert sum(m.tranche for m in project.milestones.all()) == 500000


def test_the_team_cannot_open_the_start_page(client, world):
    client.force_login(world["researcher"])
    url = reverse("project-start", args=[world["application"].pk])
    assert client.get(url).status_code == 404


def test_every_tab_renders_for_the_office_and_the_team(client, world, project):
    expense(world, project, "rd", "materials", "1200")
    services.report_submit(
        actor=world["researcher"],
        project=project,
        data={
            "kind": "periodic",
            "period_start": days(-200),
            "period_end": days(0),
            "narrative": "一季度",
        },
    )
    services.gate_record(
        actor=world["owner_office"],
        project=project,
        data={"held_on": days(0), "kind": "called", "decision": "pivot", "reasons": "转向储能"},
    )
    services.extension_request(
        actor=world["researcher"], project=project, new_end=days(400), reason="延期"
    )
    for who in ("owner_office", "researcher"):
        client.force_login(world[who])
        for tab in TABS:
            for language in ("zh-hans", "en"):
                response = client.get(detail(project, tab), HTTP_ACCEPT_LANGUAGE=language)
                assert response.status_code == 200, (who, tab)
    client.force_login(world["owner_office"])
    page = client.get(detail(project, "closing")).content.decode()
    assert reverse("project-terminate", args=[project.pk]) in page
    client.force_login(world["researcher"])
    page = client.get(detail(project, "closing")).content.decode()
    assert reverse("project-terminate", args=[project.pk]) not in page


def test_an_expense_over_its_cap_shows_the_figures_on_the_form(client, world, project):
    client.force_login(world["researcher"])
    url = reverse("project-expense", args=[project.pk])
    post = {
        "funding_line": world["lines"]["rd"].pk,
        "cost_type": "experts",
        "spent_on": days(-3),
        "amount": "35000",
        "payee": "某专家",
    }
    response = client.post(url, post)
    assert response.status_code == 400
    assert "¥30,000.00" in response.content.decode()
    assert not Expense.objects.exists()
    post["amount"] = "3000"
    assert client.post(url, post).status_code == 302
    assert Expense.objects.get().amount == 3000


def test_report_and_accept_a_milestone_on_the_page(client, world, project):
    milestone = project.milestones.order_by("position").first()
    client.force_login(world["teammate"])
    url = reverse("project-milestone-report", args=[project.pk, milestone.pk])
    assert client.post(url, {"evidence": ""}).status_code == 400
    assert client.post(url, {"evidence": "样品交付"}).status_code == 302
    client.force_login(world["researcher"])
    decide = reverse("project-milestone-decide", args=[project.pk, milestone.pk])
    assert client.post(decide, {"decision": "accept"}).status_code == 403
    client.force_login(world["owner_office"])
    response = client.post(decide, {"decision": "accept"})
    assert response.status_code == 302
    assert Tranche.objects.filter(milestone=milestone).get().amount == 60000


def test_the_expense_export(client, world, project):
    expense(world, project, "rd", "materials", "1200")
    client.force_login(world["uni_office"])
    response = client.get(detail(project, "money") + "&export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxml")


def test_the_resource_directory(client, world):
    client.force_login(world["owner_office"])
    response = client.post(
        reverse("resource-create"),
        {
            "name": "南通中试基地",
            "kind": "pilot_line",
            "institution": world["owner"].pk,
            "region": "320000",
            "capabilities": "锂电池中试",
            "is_public": "on",
        },
    )
    resource = VerificationResource.objects.get()
    assert response.status_code == 302 and resource.listed_by == world["owner"]
    client.force_login(world["researcher"])
    listing = client.get(reverse("resource-list"), {"q": "中试", "kind": "pilot_line"})
    assert "南通中试基地" in listing.content.decode()
    assert client.get(reverse("resource-create")).status_code == 403
    assert client.get(reverse("resource-edit", args=[resource.pk])).status_code == 403
    assert client.get(reverse("resource-detail", args=[resource.pk])).status_code == 200
    client.force_login(world["owner_office"])
    edit = reverse("resource-edit", args=[resource.pk])
    assert client.get(edit).status_code == 200
