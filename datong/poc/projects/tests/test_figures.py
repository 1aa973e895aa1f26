"""programme_figures on a fixture computed by hand.

Project A (the fixture's): rd awarded 300,000, released 100,000 + 60,000 = 160,000, spent
90,000, rejected 10,000; inc awarded 200,000, released 50,000, spent 30,000. Active, stage
0→1. Outcome: a licence, landed at 南通创新区 (江苏).
Project B: rd awarded 200,000, all as an advance, spent 50,000, then terminated (payback
150,000). Stage 1→10. Outcome: a company, landed at 南通创新区 (江苏).
Application C: rd 100,000 awarded, project not started (counts as committed only).
"""

from __future__ import annotations

from datong.poc.projects import services
from datong.poc.projects.figures import programme_figures

from .conftest import D, days, expense, make_application, start


def build(world):
    a = start(world)
    m1 = a.milestones.order_by("position")[0]
    services.milestone_report(actor=world["researcher"], milestone=m1, evidence="样品")
    services.milestone_accept(actor=world["owner_office"], milestone=m1)
    expense(world, a, "rd", "materials", "70000")
    expense(world, a, "rd", "experts", "20000")
    bad = expense(world, a, "rd", "testing", "10000")
    services.expense_reject(actor=world["owner_office"], expense=bad, reason="无关")
    expense(world, a, "inc", "market", "30000")
    services.outcome_record(
        actor=world["researcher"],
        project=a,
        data={"licence": "许可某企业", "landing_base": "南通创新区", "landing_province": "320000"},
    )
    b_app = make_application(world, title="第二个项目", awards={"rd": D("200000")}, stage="1-10")
    b = services.project_start(
        actor=world["owner_office"], application=b_app, starts_on=days(-100), ends_on=days(100)
    )
    expense(world, b, "rd", "materials", "50000")
    services.outcome_record(
        actor=world["owner_office"],
        project=b,
        data={
            "company_name": "南通某科技有限公司",
            "landing_base": "南通创新区 ",
            "landing_province": "320000",
        },
    )
    services.project_terminate(actor=world["owner_office"], project=b, reason="转为公司自筹")
    make_application(world, title="第三个项目", awards={"rd": D("100000")})


def test_programme_figures(world):
    build(world)
    figures = programme_figures(world["programme"])
    rd, inc = figures["lines"]
    assert (rd["code"], inc["code"]) == ("rd", "inc")
    assert {k: rd[k] for k in ("committed", "awarded", "released", "spent", "rejected")} == {
        "committed": D("600000"),
        "awarded": D("500000"),
        "released": D("360000"),
        "spent": D("140000"),
        "rejected": D("10000"),
    }
    assert rd["remaining"] == D("360000") and rd["to_release"] == D("140000")
    assert {k: inc[k] for k in ("committed", "awarded", "released", "spent", "remaining")} == {
        "committed": D("200000"),
        "awarded": D("200000"),
        "released": D("50000"),
        "spent": D("30000"),
        "remaining": D("170000"),
    }
    assert inc["to_release"] == D("150000")
    assert figures["totals"]["awarded"] == D("700000")
    assert figures["totals"]["released"] == D("410000")
    assert figures["projects"] == 2
    assert figures["by_state"] == {
        "active": 1,
        "extended": 0,
        "suspended": 0,
        "completed": 0,
        "terminated": 1,
    }
    assert figures["by_stage"] == {"0-1": 1, "1-10": 1, "10-100": 0}
    assert figures["outcomes"] == {"recorded": 2, "licences": 1, "companies": 1, "landed": 2}
    assert figures["landed"] == [
        {"base": "南通创新区", "province": "320000", "province_name": "江苏省", "projects": 2}
    ]
    assert figures["payback"] == D("150000")


def test_an_empty_programme_has_zero_figures(world):
    figures = programme_figures(world["programme"])
    assert figures["projects"] == 0 and figures["landed"] == []
    assert figures["lines"][0]["committed"] == D("300000")
    assert figures["lines"][0]["awarded"] == D("0")
