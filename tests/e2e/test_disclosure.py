"""End to end: a researcher drafts a disclosure with two inventors, the second confirms, the
researcher submits, the office assigns a manager, reviews and decides "protect"; the result appears
in the registry with its timeline."""

from __future__ import annotations

import pytest
from django.utils import timezone

from .conftest import log_in


def submit(page, selector: str) -> None:
    """Click a form's button and wait for the page the server answers with."""
    with page.expect_navigation():
        page.click(selector)


@pytest.fixture
def university(transactional_db):
    from datong.accounts.services import user_create
    from datong.core.roles import Role
    from datong.institutions import services as s
    from datong.results.reference import load_reference_data

    load_reference_data()  # transactional tests start from an emptied database
    admin = user_create(actor=None, username="root", password="root-pass-123!", is_superuser=True)
    uni = s.institution_create(actor=admin, slug="uni-e", name="东华理工大学", kind="university")
    other = s.institution_create(actor=admin, slug="uni-f", name="西华医科大学", kind="university")
    dept = s.department_create(actor=admin, institution=uni, name="能源与动力工程学院")
    people = {}
    for username, name, role, where in [
        ("alice", "张丽", Role.RESEARCHER, uni),
        ("bob", "王波", Role.RESEARCHER, uni),
        ("office", "刘敏", Role.TTO_STAFF, uni),
        ("manager", "赵强", Role.TECH_MANAGER, uni),
        ("outsider", "孙伟", Role.TTO_STAFF, other),
    ]:
        people[username] = s.person_add(
            actor=admin,
            institution=where,
            username=username,
            name=name,
            email=f"{username}@example.edu.cn",
            role=role,
            password="e2e-pass-123!",
            department=dept if role == Role.RESEARCHER else None,
        )
    return people


def test_disclosure_to_registry(page, live_server, university):
    base = live_server.url
    log_in(page, base, "alice")
    page.goto(f"{base}/disclosures/new/")
    page.fill("input[name=title]", "一种锂离子电池低温快充的控制方法")
    page.click("#content button.primary[type=submit]")
    page.wait_for_url("**/edit/1/")
    pk = int(page.url.rstrip("/").split("/")[-3])

    # Step 1: basics.
    page.fill(
        "textarea[name=abstract]",
        "本发明提供一种锂离子电池在零下20摄氏度环境中的快速充电控制方法，"
        "通过脉冲预热与分段恒流相结合，缩短充电时间并抑制析锂。",
    )
    page.fill("textarea[name=problem]", "低温充电时间长且易析锂")
    page.click("button[name=action][value=next]")
    page.wait_for_url("**/edit/2/")
    # Step 2: classification.
    page.select_option("select[name=industry]", "38")
    page.select_option("select[name=trl]", "4")
    page.check("input[name=intended_protection][value=invention_patent]")
    page.fill("input[name=keywords]", "锂离子电池、低温快充、析锂")
    page.click("button[name=action][value=next]")
    page.wait_for_url("**/edit/3/")
    page.click("button[name=action][value=next]")
    page.wait_for_url("**/edit/4/")

    # Step 4: two inventors whose shares miss 100 % are refused with the difference.
    bob = university["bob"]
    alice = university["alice"]
    page.select_option("select[name=inv-0-user]", str(alice.pk))
    page.fill("input[name=inv-0-share]", "60")
    page.select_option("select[name=inv-1-user]", str(bob.pk))
    page.fill("input[name=inv-1-share]", "30")
    submit(page, "button[name=action][value=save]")
    assert "10.00" in page.locator("#share-errors").inner_text()
    page.fill("input[name=inv-1-share]", "40")
    page.click("button[name=action][value=next]")
    page.wait_for_url("**/edit/5/")
    # Bob has not confirmed yet: submission is blocked and the page says why.
    assert "王波" in page.content()
    assert page.locator("form[action*='/submit/'] button[type=submit]").is_disabled()

    # Bob confirms his share.
    page.context.clear_cookies()
    log_in(page, base, "bob")
    page.goto(f"{base}/disclosures/{pk}/")
    submit(page, "form[action*='/confirm/'] button[type=submit]")

    # Alice submits.
    page.context.clear_cookies()
    log_in(page, base, "alice")
    page.goto(f"{base}/disclosures/{pk}/edit/5/")
    page.click("form[action*='/submit/'] button[type=submit]")
    page.wait_for_url(f"**/disclosures/{pk}/")

    # Another institution's office cannot open it.
    page.context.clear_cookies()
    log_in(page, base, "outsider")
    assert page.goto(f"{base}/disclosures/{pk}/").status == 404

    # The office assigns the manager; the manager reviews, attaches a report and decides.
    page.context.clear_cookies()
    log_in(page, base, "office")
    page.goto(f"{base}/disclosures/{pk}/")
    page.select_option(
        "form[action*='/assign/'] select[name=manager]", str(university["manager"].pk)
    )
    submit(page, "form[action*='/assign/'] button[type=submit]")

    page.context.clear_cookies()
    log_in(page, base, "manager")
    page.goto(f"{base}/disclosures/{pk}/")
    page.click("details:has(form[action*='/score/']) > summary")
    for code in ("novelty", "market", "ip_position", "team"):
        page.select_option(f"form[action*='/score/'] select[name=score_{code}]", "4")
    submit(page, "form[action*='/score/'] button[type=submit]")
    report = "form[action*='/report/']"
    page.click(f"details:has({report}) > summary")
    page.select_option(f"{report} select[name=conclusion]", "patentable")
    page.fill(f"{report} textarea[name=summary]", "检索到12篇相关文献，未发现相同技术方案。")
    page.fill(f"{report} input[name=report_date]", timezone.localdate().isoformat())
    submit(page, f"{report} button[type=submit]")
    decide = "form[action*='/decide/']"
    page.click(f"details:has({decide}) > summary")
    page.check(f"{decide} input[name=decision][value=protect]")
    page.select_option(f"{decide} select[name=protection_type]", "invention_patent")
    submit(page, f"{decide} button[type=submit]")
    assert page.locator(".alert-error").count() == 0

    # The result is in the registry, with its timeline.
    page.goto(f"{base}/results/?q=低温快充")
    link = page.locator("table a[href^='/results/']").first
    assert "低温快充" in link.inner_text()
    link.click()
    page.wait_for_load_state("networkidle")
    events = page.locator(".res-timeline > li")
    assert events.count() == 3  # submitted, report, result created
    assert "张丽" in page.content() and "王波" in page.content()
