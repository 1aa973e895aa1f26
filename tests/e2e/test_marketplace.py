"""End to end: an enterprise posts a technology demand, sees the matching technology with the
reasons for the match, expresses interest, and the university's technology manager moves the
match case on to negotiation."""

from __future__ import annotations

import pytest

from .conftest import log_in


def submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


@pytest.fixture
def marketplace(transactional_db, settings, tmp_path):
    from datong.accounts.services import user_create
    from datong.core.roles import Role
    from datong.institutions import services as s
    from datong.market import services as market
    from datong.matching import store
    from datong.results.models import Classification, Result, Scheme
    from datong.results.reference import load_reference_data

    load_reference_data()
    settings.DATONG_INDEX_DIR = tmp_path / "indexes"
    store.forget()
    admin = user_create(actor=None, username="root", password="root-pass-123!", is_superuser=True)
    uni = s.institution_create(actor=admin, slug="uni-m", name="东华理工大学", kind="university")
    firm = s.institution_create(
        actor=admin, slug="firm-m", name="华储能源科技有限公司", kind="enterprise"
    )
    people = {}
    for username, name, role, where in [
        ("buyer", "孙一凡", Role.ENTERPRISE_USER, firm),
        ("office", "刘敏", Role.TTO_STAFF, uni),
        ("manager", "赵强", Role.TECH_MANAGER, uni),
    ]:
        people[username] = s.person_add(
            actor=admin,
            institution=where,
            username=username,
            name=name,
            email=f"{username}@example.cn",
            role=role,
            password="e2e-pass-123!",
        )
    industry = Classification.objects.get(scheme=Scheme.INDUSTRY, code="38")
    for number, title, summary, trl in [
        (
            "R-1",
            "高安全固态电池电解质",
            "面向储能电池的硫化物固态电解质，离子电导率高，可抑制枝晶。",
            6,
        ),
        ("R-2", "耐盐碱水稻新品种", "滨海盐碱地水稻育种技术，亩产六百公斤。", 7),
    ]:
        result = Result.objects.create(
            institution=uni, number=number, title=title, trl=trl, industry=industry
        )
        listing = market.listing_create(
            actor=people["office"],
            result=result,
            data={
                "summary": summary,
                "engagement_modes": ["licence"],
                "contact": people["manager"].pk,
            },
        )
        market.listing_publish(actor=people["office"], listing=listing)
    for kind in ("listings", "demands", "experts", "enterprises"):
        store.rebuild(kind)
    yield people
    store.forget()


def test_demand_match_interest_negotiation(page, live_server, marketplace):
    base = live_server.url
    log_in(page, base, "buyer")
    page.goto(f"{base}/market/demands/new/")
    page.fill("input[name=title]", "储能电池用固态电解质")
    page.fill(
        "textarea[name=problem]", "液态电解质储能电池有热失控风险，寻求高离子电导率的固态电解质。"
    )
    page.fill("input[name=keywords]", "固态电解质, 储能电池")
    submit(page, "#content button.primary[type=submit]")
    assert "储能电池用固态电解质" in page.inner_text("h1")

    submit(page, "a.mt-see-matches")  # "matching technologies" on the demand page
    first = page.locator(".mt-match").first
    assert "高安全固态电池电解质" in first.inner_text()
    assert "电解质" in first.locator(".mt-why").inner_text()  # the shared key terms
    with page.expect_response(lambda r: "/match/feedback/" in r.url):
        first.locator("button.mt-yes").click()
    assert first.locator("button.mt-yes.chosen").count() == 1

    submit(page, ".mt-match >> nth=0 >> .mt-interest button")
    assert "/cases/" in page.url
    case_url = page.url
    page.context.clear_cookies()  # log out

    log_in(page, base, "manager")
    page.goto(case_url)
    page.select_option("select[name=stage]", "negotiation")
    submit(page, "form[action$='/advance/'] button[type=submit]")
    assert "谈判中" in page.inner_text("#content")
    from datong.cases.models import MatchCase

    case = MatchCase.objects.get()
    assert case.stage == "negotiation" and case.demand.title == "储能电池用固态电解质"
