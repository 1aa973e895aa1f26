"""End to end: log in, switch language, open the dashboard, refused cross-institution access."""

from __future__ import annotations

from .conftest import log_in


def test_log_in_dashboard_and_switch_language(page, live_server, two_universities):
    log_in(page, live_server.url, "staff_a")
    # Simplified Chinese is the default language.
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator(".topbar-title").inner_text().strip() == "工作台"
    assert page.locator("[data-stat=institutions] .stat-value").inner_text() == "1"

    page.click("button.lang[value=en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".topbar-title").inner_text().strip() == "Dashboard"
    assert page.locator("nav.nav").inner_text().count("Institutions") == 1

    # The choice follows the user: it is kept in their profile and survives a new log-in.
    page.context.clear_cookies()
    log_in(page, live_server.url, "staff_a")
    assert page.locator(".topbar-title").inner_text().strip() == "Dashboard"

    page.click("button.lang[value=zh-hans]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".topbar-title").inner_text().strip() == "工作台"


def test_wrong_password_is_refused_with_a_message(page, live_server, two_universities):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "staff_a")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    assert "/login/" in page.url
    assert page.locator(".alert-error").is_visible()


def test_cross_institution_record_is_not_found(page, live_server, two_universities):
    """A user of A who guesses the URL or API id of B's private records gets 404."""
    staff_b = two_universities["staff_b"]
    log_in(page, live_server.url, "staff_a")

    response = page.goto(f"{live_server.url}/people/{staff_b.pk}/")
    assert response.status == 404
    assert page.locator(".error-code").inner_text() == "404"
    assert "李强" not in page.content()

    response = page.goto(f"{live_server.url}/institutions/uni-b/")
    assert response.status == 404

    api = page.request.get(f"{live_server.url}/api/v1/people/{staff_b.pk}")
    assert api.status == 404
    assert api.json()["code"] == "not_found"

    # The same pages open for a member of B.
    page.context.clear_cookies()
    log_in(page, live_server.url, "staff_b")
    response = page.goto(f"{live_server.url}/people/{staff_b.pk}/")
    assert response.status == 200
    assert "李强" in page.locator("h1").inner_text()


def test_phone_screen_menu(browser, live_server, two_universities):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, "researcher_a")
    sidebar = page.locator("aside.sidebar")
    box = sidebar.bounding_box()
    assert box["x"] + box["width"] <= 1  # hidden off-screen
    page.click("label.menu-button")
    page.wait_for_timeout(400)
    assert sidebar.bounding_box()["x"] >= 0
    page.click("aside.sidebar [data-nav=people]")
    page.wait_for_url(f"{live_server.url}/people/")
    names = page.locator("table.table .person strong").all_inner_texts()
    assert sorted(names) == ["张伟", "王丽"]
    context.close()
