"""End to end: a match case that ended in a deal becomes a signed and registered exclusive
licence, a payment is received and booked on the result's ledger, the income is distributed
to the inventors under the statutory default, and each inventor's statement is downloaded."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from .conftest import log_in

DEAL_NUMBER = "JBIT-XK-2026-001"
REGISTRATION = "2026110000001234"


def submit(page, target) -> None:
    """Click a selector or a locator and wait for the page it leads to."""
    with page.expect_navigation():
        if isinstance(target, str):
            page.click(target)
        else:
            target.click()


def open_action(page, action: str) -> None:
    """Unfold the collapsed <details> that holds the form posting to ``…/<action>/``."""
    details = page.locator("details", has=page.locator(f"form[action$='/{action}/']"))
    if details.get_attribute("open") is None:
        details.locator("summary").click()


def cells(page, text: str) -> list[str]:
    """The cells of the one table row of the page that mentions ``text``."""
    rows = page.locator("#content table tbody tr", has_text=text)
    assert rows.count() == 1, f"{rows.count()} rows mention {text!r}"
    return [cell.strip() for cell in rows.locator("td").all_inner_texts()]


def workbook_values(page) -> list:
    """Download the Excel statement the page links to; every filled cell, numbers as Decimal."""
    from openpyxl import load_workbook

    with page.expect_download() as download:
        page.click("#content a[href*='format=xlsx']")
    with open(download.value.path(), "rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()), data_only=True)
    return [
        Decimal(str(v)) if isinstance(v, int | float) and not isinstance(v, bool) else v
        for sheet in workbook
        for r in sheet.iter_rows(values_only=True)
        for v in r
        if v is not None
    ]


@pytest.fixture
def deal(transactional_db, settings, tmp_path):
    from datong.accounts.services import user_create
    from datong.cases import services as cases
    from datong.core.roles import Role
    from datong.institutions import services as s
    from datong.market import services as market
    from datong.matching import store
    from datong.results.models import Result, ResultInventor

    settings.DATONG_INDEX_DIR = tmp_path / "indexes"
    store.forget()
    admin = user_create(actor=None, username="root", password="root-pass-123!", is_superuser=True)
    uni = s.institution_create(
        actor=admin, slug="jbit-e2e", name="京北理工大学", kind="university", province="110000"
    )
    firm = s.institution_create(
        actor=admin,
        slug="firm-d",
        name="华储能源科技有限公司",
        kind="enterprise",
        province="320000",
    )
    people = {}
    for username, name, role, where in [
        ("buyer", "孙一凡", Role.ENTERPRISE_USER, firm),
        ("office", "刘敏", Role.TTO_STAFF, uni),
        ("manager", "赵强", Role.TECH_MANAGER, uni),
        ("researcher", "张伟", Role.RESEARCHER, uni),
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
    result = Result.objects.create(
        institution=uni,
        number="R-7",
        title="高安全固态电池电解质",
        trl=6,
        ip_types=["invention_patent"],
    )
    ResultInventor.objects.create(
        result=result,
        user=people["researcher"],
        name="张伟",
        share=Decimal("60"),
        is_main=True,
        position=0,
    )
    ResultInventor.objects.create(result=result, name="李工", share=Decimal("40"), position=1)
    listing = market.listing_create(
        actor=people["office"],
        result=result,
        data={
            "summary": "面向储能电池的硫化物固态电解质，离子电导率高，可抑制枝晶。",
            "engagement_modes": ["licence"],
            "contact": people["manager"].pk,
        },
    )
    market.listing_publish(actor=people["office"], listing=listing)
    case, _created = cases.case_open(
        actor=people["buyer"], listing=listing, message="希望获得该技术在储能领域的独占许可。"
    )
    cases.case_advance(actor=people["manager"], case=case, stage="negotiation")
    yield {**people, "uni": uni, "firm": firm, "result": result, "case": case}
    store.forget()


def test_case_to_licence_payment_distribution_statements(page, live_server, deal):
    from django.utils import timezone

    from datong.deals.income.models import Distribution, Reward
    from datong.deals.models import Contract

    base = live_server.url
    today = timezone.localdate()
    case_url = f"{base}/cases/{deal['case'].pk}/"

    # The technology manager records the deal on the match case.
    log_in(page, base, "manager")
    page.goto(case_url)
    page.select_option("form[action$='/advance/'] select[name=stage]", "deal")
    page.fill("form[action$='/advance/'] input[name=deal_reference]", DEAL_NUMBER)
    submit(page, "form[action$='/advance/'] button[type=submit]")
    assert DEAL_NUMBER in page.inner_text("#content")
    page.context.clear_cookies()

    # The office records the contract from the case: number, result and buyer come prefilled.
    log_in(page, base, "office")
    page.goto(case_url)
    submit(page, f"#content a[href$='?case={deal['case'].pk}']")
    assert "/deals/contracts/new/" in page.url
    assert page.input_value("input[name=number]") == DEAL_NUMBER
    assert page.locator("select[name=results] option:checked").inner_text().startswith("R-7")
    assert page.input_value("input[name=party-0-name]") == "华储能源科技有限公司"
    assert page.input_value("select[name=party-0-role]") == "buyer"
    page.select_option("select[name=contract_type]", "licence")
    page.select_option("select[name=exclusivity]", "exclusive")
    page.select_option("select[name=pricing_method]", "listed")
    page.fill("input[name=amount]", "200000.00")
    page.fill("input[name=starts_on]", today.isoformat())
    page.fill("input[name=ends_on]", today.replace(year=today.year + 5).isoformat())
    submit(page, "#content form button.primary[type=submit]")
    contract = Contract.objects.get(number=DEAL_NUMBER)
    assert page.url.endswith(f"/deals/contracts/{contract.pk}/")
    assert contract.match_case_id == deal["case"].pk and contract.status == "draft"

    # An exclusive licence of the result in every field of use, in China, for the term.
    open_action(page, "grants")
    grant = "form[action$='/grants/']"
    assert page.input_value(f"{grant} select[name=field_of_use]") == ""
    page.select_option(f"{grant} select[name=territory]", "CN")
    assert page.input_value(f"{grant} input[name=starts_on]") == today.isoformat()
    assert page.input_value(f"{grant} select[name=exclusivity]") == "exclusive"
    submit(page, f"{grant} button[type=submit]")
    granted = contract.grants.get()
    assert (granted.field_of_use, granted.territory, granted.exclusivity) == (
        None,
        "CN",
        "exclusive",
    )
    assert "R-7" in page.inner_text("#grant table")

    # Sign (today), register (16 digits), record the payment received today.
    open_action(page, "sign")
    page.fill("form[action$='/sign/'] input[name=signed_on]", today.isoformat())
    submit(page, "form[action$='/sign/'] button[type=submit]")
    contract.refresh_from_db()
    assert contract.status == "signed" and contract.signed_on == today

    open_action(page, "register")
    page.fill("form[action$='/register/'] input[name=registration_number]", REGISTRATION)
    assert page.input_value("form[action$='/register/'] input[name=approved_tech_income]") in (
        "200000.00",
        "200000",
    )
    submit(page, "form[action$='/register/'] button[type=submit]")
    assert REGISTRATION in page.inner_text("#register")

    open_action(page, "payments")
    page.fill("form[action$='/payments/'] input[name=received_on]", today.isoformat())
    page.fill("form[action$='/payments/'] input[name=amount]", "200000.00")
    page.fill("form[action$='/payments/'] input[name=reference]", "BANK-0001")
    submit(page, "form[action$='/payments/'] button[type=submit]")
    assert "BANK-0001" in page.inner_text("#money")
    contract.refresh_from_db()
    assert contract.registration_number == REGISTRATION

    # The payment is income on the result's ledger; distribute it.
    result = deal["result"]
    page.goto(f"{base}/income/results/{result.pk}/ledger/")
    entry = cells(page, DEAL_NUMBER)
    assert entry[0] == today.isoformat() and entry[3:] == ["200,000.00", "0.00", "200,000.00"]
    submit(page, "#content .card-head a[href$='/distribute/']")
    page.select_option("select[name=deal_type]", "licence")
    page.select_option("select[name=contract]", str(contract.pk))
    take = page.locator("input[name^=take_]")
    assert take.count() == 1 and Decimal(take.input_value()) == Decimal("200000")
    page.select_option("select[name=recipients_listed]", "yes")
    page.select_option("select[name=withheld]", "yes")
    page.select_option("select[name=job_result]", "yes")
    submit(page, "#content form button.primary[type=submit]")
    distribution = Distribution.objects.get(result=result)
    assert page.url.endswith(f"/income/distributions/{distribution.pk}/")
    assert distribution.status == "draft" and distribution.contract_id == contract.pk

    submit(page, "form[action$='/approve/'] button[type=submit]")
    distribution.refresh_from_db()
    assert distribution.status == "approved"
    open_action(page, "execute")
    page.fill("form[action$='/execute/'] input[name=paid_on]", today.isoformat())
    submit(page, "form[action$='/execute/'] button[type=submit]")
    distribution.refresh_from_db()
    assert distribution.status == "executed"

    # The statutory default: half of the net income to the team, split 60/40; cash rewards
    # count at 50 % (registered contract, invention patent, paid within 36 months).
    figures = page.inner_text("#content .inc-figures")
    assert "200,000.00" in figures and "100,000.00" in figures
    assert distribution.net_income == Decimal("200000.00")
    assert distribution.team_pool == Decimal("100000.00")
    # inventor, share, paid as, reward, taxable, tax estimate, tax treatment
    assert cells(page, "张伟")[3:6] == ["60,000.00", "30,000.00", "900.00"]
    assert cells(page, "李工")[3:6] == ["40,000.00", "20,000.00", "600.00"]
    rewards = {r.name: r for r in Reward.objects.filter(distribution=distribution)}
    assert (rewards["张伟"].amount, rewards["张伟"].taxable, rewards["张伟"].tax_estimate) == (
        Decimal("60000.00"),
        Decimal("30000.00"),
        Decimal("900.00"),
    )
    assert rewards["李工"].amount == Decimal("40000.00")
    assert rewards["张伟"].paid_on == today and rewards["张伟"].user_id == deal["researcher"].pk

    # Statements: the office opens the inventor without an account and downloads both files.
    page.goto(f"{base}/income/statements/?institution=jbit-e2e&year={today.year}")
    # person, rewards, taxable, tax estimate, statement links
    assert cells(page, "李工")[1:4] == ["40,000.00", "20,000.00", "600.00"]
    assert cells(page, "张伟")[1:4] == ["60,000.00", "30,000.00", "900.00"]
    li_row = page.locator("#content table tbody tr", has_text="李工")
    submit(page, li_row.locator("a[href*='name=']:not([href*='format='])"))
    assert "/income/statements/person/" in page.url
    assert "40,000.00" in page.inner_text("#content .inc-figures")
    with page.expect_download() as pdf_download:
        page.click("#content a[href*='format=pdf']")
    with open(pdf_download.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
    values = workbook_values(page)
    assert Decimal("40000") in values and Decimal("60000") not in values
    assert any("李工" in str(v) for v in values)
    page.context.clear_cookies()

    # The researcher sees their own reward and downloads their statement.
    log_in(page, base, "researcher")
    page.goto(f"{base}/income/my-rewards/")
    # paid on, result, paid as, amount, taxable, tax estimate, rule
    mine = cells(page, "高安全固态电池电解质")
    assert mine[0] == today.isoformat()
    assert mine[3:6] == ["60,000.00", "30,000.00", "900.00"]
    assert "40,000.00" not in page.inner_text("#content")
    with page.expect_download() as own_pdf:
        page.click("#content a[href*='format=pdf']")
    with open(own_pdf.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
    values = workbook_values(page)
    assert Decimal("60000") in values and Decimal("40000") not in values
