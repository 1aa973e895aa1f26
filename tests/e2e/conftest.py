"""Browser tests: Playwright (Python) driving Debian's Chromium against the live test server."""

from __future__ import annotations

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures are
# ordinary synchronous calls, so Django's async-safety guard is lifted for these tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def two_universities(transactional_db):
    """Two universities in one alliance, each with a transfer-office member and a researcher."""
    from datong.accounts.services import user_create
    from datong.core.roles import Role
    from datong.institutions import services as s

    admin = user_create(
        actor=None, username="root", password="root-pass-123!", is_superuser=True, name="管理员"
    )
    a = s.institution_create(
        actor=admin,
        slug="uni-a",
        name="甲理工大学",
        name_en="A University of Technology",
        kind="university",
        province="110000",
    )
    b = s.institution_create(
        actor=admin,
        slug="uni-b",
        name="乙医科大学",
        name_en="B Medical University",
        kind="university",
        province="110000",
        is_listed=False,
    )
    dept = s.department_create(
        actor=admin, institution=a, name="材料学院", name_en="School of Materials"
    )
    people = {}
    for key, inst, role, name in [
        ("staff_a", a, Role.TTO_STAFF, "王丽"),
        ("researcher_a", a, Role.RESEARCHER, "张伟"),
        ("staff_b", b, Role.TTO_STAFF, "李强"),
    ]:
        people[key] = s.person_add(
            actor=admin,
            institution=inst,
            username=key,
            name=name,
            email=f"{key}@example.edu.cn",
            role=role,
            password="e2e-pass-123!",
            department=dept if key == "researcher_a" else None,
        )
    return {"a": a, "b": b, **people}


def log_in(page, base_url: str, username: str, password: str = "e2e-pass-123!") -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")
