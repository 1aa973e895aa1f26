"""Value scoring, the high-value flag, portfolio analytics, the pages and the API."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.translation import gettext
from openpyxl import load_workbook

from datong.core.roles import Role
from datong.institutions.factories import InstitutionFactory, member_of
from datong.ip import portfolio, scoring
from datong.ip.models import (
    EventKind,
    Filing,
    FilingEvent,
    IPFamily,
    LegalStatus,
    Renewal,
    Route,
)
from datong.ip.numbers import check_character
from datong.ip.scoring import FamilyFacts, explain, high_value, score

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 6, 1)


def cn(year, kind, serial):
    body = f"{year}{kind}{serial:07d}"
    return f"{body}.{check_character(body)}"


def facts(**changes) -> FamilyFacts:
    base = FamilyFacts(
        pk=1,
        ip_type="invention_patent",
        ipc_codes=["H01M 4/38", "G06N 3/08"],
        claims_count=10,
        independent_claims=2,
        forward_citations=5,
        filing_id=1,
        kind="invention",
        filing_date=dt.date(2015, 6, 1),
        legal_status=LegalStatus.GRANTED,
        filings=3,
        countries=["US", "EP"],
        licences=1,
    )
    for key, value in changes.items():
        setattr(base, key, value)
    return base


# --- scoring ------------------------------------------------------------------------------


@pytest.mark.parametrize("purpose", ["licensing", "maintenance"])
def test_contributions_add_up_to_the_total(purpose):
    for item in (facts(), facts(claims_count=None, forward_citations=None, ipc_codes=[])):
        explained = explain(item, purpose, today=TODAY)
        total = sum(i["contribution"] for i in explained["indicators"])
        assert abs(total - explained["total"]) < 0.1
        assert 0 <= explained["total"] <= 100
        for indicator in explained["indicators"]:
            assert 0 <= indicator["normalised"] <= 100 and indicator["rule"]


def test_missing_indicators_are_named_and_their_weight_shared():
    explained = explain(facts(claims_count=None, forward_citations=None), today=TODAY)
    missing = {m["name"] for m in explained["missing"]}
    assert {"claims_count", "forward_citations", "sei"} <= missing
    names = {i["name"] for i in explained["indicators"]}
    assert not names & missing
    technical = [i for i in explained["indicators"] if i["group"] == "technical"]
    assert [i["name"] for i in technical] == ["ipc_classes"]
    weights = scoring.rules()["purposes"]["licensing"]["groups"]
    assert technical[0]["effective_weight"] == pytest.approx(weights["technical"], abs=1e-3)


def test_normalisation_rules():
    assert scoring.normalise("claims_count", {"value": 10}) == 50
    assert scoring.normalise("claims_count", {"value": 40}) == 100
    assert scoring.normalise("legal_status", {"value": "lapsed"}) == 0
    assert scoring.normalise("remaining_term", {"value": 10, "full": 20}) == 50
    assert scoring.normalise("forward_citations", {"value": 20}) == pytest.approx(100)


def test_a_lapsed_filing_scores_lower_than_the_same_in_force():
    alive = score(facts(), "maintenance", TODAY).total
    dead = score(facts(legal_status=LegalStatus.LAPSED), "maintenance", TODAY).total
    assert dead < alive
    remaining = [
        i
        for i in score(facts(legal_status="lapsed"), "maintenance", TODAY).items
        if i["name"] == "remaining_term"
    ]
    assert remaining[0]["value"] == 0


def test_high_value_reasons():
    flag = high_value(facts(sei="新材料产业", pledge_amount=Decimal("1200")), TODAY)
    assert flag.flag
    text = " ".join(flag.reasons)
    assert "新材料产业" in text and "US" in text and "1200" in text
    assert len(flag.reasons) == 3  # filed 2015: maintained 10.0 years, not more than 10
    old = high_value(facts(filing_date=dt.date(2012, 1, 1), countries=[]), TODAY)
    assert old.flag and len(old.reasons) == 1 and "10" in old.reasons[0]
    assert not high_value(facts(countries=[], filing_date=dt.date(2020, 1, 1)), TODAY).flag
    assert not high_value(facts(ip_type="utility_model"), TODAY).flag
    assert not high_value(facts(legal_status=LegalStatus.LAPSED), TODAY).flag
    assert high_value(facts(), TODAY).not_assessed  # national awards are not recorded


# --- a small portfolio --------------------------------------------------------------------


@pytest.fixture
def world():
    uni = InstitutionFactory(slug="uni", name="甲大学")
    other = InstitutionFactory(slug="other", name="乙大学")
    return {
        "uni": uni,
        "other": other,
        "researcher": member_of(uni, Role.RESEARCHER),
        "office": member_of(uni, Role.TTO_STAFF),
        "outsider": member_of(other, Role.RESEARCHER),
    }


def _family(uni, n, *, kind="invention", filed, events=(), ipc=("H01M 4/38",), **extra):
    family = IPFamily.objects.create(
        institution=uni,
        ip_type={"invention": "invention_patent"}.get(kind, kind),
        title=f"专利{n}",
        ipc_codes=list(ipc),
        **extra,
    )
    filing = Filing.objects.create(
        family=family,
        route=Route.CN,
        kind=kind,
        application_number=cn(filed.year, {"invention": 1, "utility_model": 2}[kind], n),
        filing_date=filed,
    )
    FilingEvent.objects.create(filing=filing, kind=EventKind.FILED, date=filed)
    for event, day in events:
        FilingEvent.objects.create(filing=filing, kind=event, date=day)
    from datong.ip.services import derive_legal_status

    filing.legal_status = derive_legal_status(filing, list(filing.events.all()), TODAY)
    filing.save()
    return family, filing


@pytest.fixture
def portfolio_world(world):
    uni = world["uni"]
    today = TODAY
    a, fa = _family(
        uni,
        1,
        filed=dt.date(2018, 3, 1),
        events=[(EventKind.GRANTED, dt.date(2020, 5, 1))],
        claims_count=18,
        independent_claims=3,
        forward_citations=20,
    )
    Filing.objects.create(family=a, route=Route.PARIS, country="US", kind="invention")
    b, fb = _family(
        uni,
        2,
        filed=dt.date(2022, 3, 1),
        events=[(EventKind.EXAM_REQUESTED, dt.date(2023, 1, 1))],
        ipc=("G06N 3/08",),
    )
    c, fc = _family(
        uni,
        3,
        kind="utility_model",
        filed=dt.date(2016, 7, 1),
        events=[(EventKind.GRANTED, dt.date(2017, 1, 1)), (EventKind.LAPSED, dt.date(2020, 7, 1))],
        ipc=(),
    )
    d, fd = _family(
        uni,
        4,
        kind="utility_model",
        filed=dt.date(2019, 9, 1),
        events=[(EventKind.GRANTED, dt.date(2020, 3, 1))],
        claims_count=1,
        forward_citations=0,
    )
    _family(world["other"], 5, filed=dt.date(2019, 1, 1))
    return {"a": a, "b": b, "c": c, "d": d, "fa": fa, "fd": fd, "today": today, **world}


def test_analytics_numbers(portfolio_world):
    w = portfolio_world
    families = portfolio.portfolio_families(actor=w["researcher"], institution=w["uni"])
    data = portfolio.analytics(families, today=TODAY)
    totals = data["totals"]
    assert totals["families"] == 4 and totals["in_force"] == 2 and totals["ended"] == 1
    assert totals["pending"] == 1
    assert totals["high_value"] == 1  # family a: a US member
    charts = data["charts"]
    ipc = {i["name"][0]: i["value"] for i in charts["ipc"]}
    no_code = gettext("No IPC code")[0]  # the label of families without IPC, in this language
    assert ipc == {"G": 1, "H": 2, no_code: 1}
    ages = {i["name"]: i["value"] for i in charts["age"]}
    assert ages == {"0–2": 0, "3–5": 2, "6–10": 2, "11–15": 0, "16+": 0}
    status = {i["name"]: i["value"] for i in charts["status"]}
    assert sum(status.values()) == 4
    assert sum(i["value"] for i in charts["score"]) == 4
    fees = charts["annuities"]
    assert fees["years"] == ["2025", "2026", "2027", "2028", "2029"]
    # a: invention filed 2018-03-01, in force: years 9 (2026, 2000), 10–12 (4000 each)
    # d: utility model filed 2019-09-01: years 7, 8 (1200), 9, 10 (2000); year 7 due 2025-09-01
    assert fees["estimate"] == [1200.0, 2000 + 1200.0, 4000 + 2000.0, 4000 + 2000.0, 4000.0]
    assert fees["renewals"] == [0.0] * 5


def test_renewal_rows_replace_the_estimate(portfolio_world):
    w = portfolio_world
    Renewal.objects.create(
        filing=w["fd"],
        year=7,
        due_date=dt.date(2025, 9, 1),
        amount=Decimal("1200"),
        reduced_amount=Decimal("180"),
    )
    families = portfolio.portfolio_families(actor=w["office"], institution=w["uni"])
    fees = portfolio.analytics(families, today=TODAY)["charts"]["annuities"]
    assert fees["renewals"] == [180.0, 0, 0, 0, 0]
    assert fees["estimate"] == [0.0, 2000.0, 4000.0, 4000.0, 4000.0]


def test_candidates(portfolio_world):
    w = portfolio_world
    families = portfolio.portfolio_families(actor=w["office"], institution=w["uni"])
    data = portfolio.analytics(families, today=TODAY)
    market = [c.pk for c in data["market"]]
    assert w["a"].pk in market and w["c"].pk not in market
    FilingEvent.objects.create(filing=w["fa"], kind=EventKind.LICENSED, date=dt.date(2024, 1, 1))
    again = portfolio.analytics(families, today=TODAY)
    assert w["a"].pk not in [c.pk for c in again["market"]]
    lapse = [c.pk for c in data["lapse"]]
    assert w["d"].pk in lapse and w["a"].pk not in lapse
    assert all(c.fees > 0 for c in data["lapse"])


# --- pages and API ------------------------------------------------------------------------


def test_the_portfolio_page_for_members_only(client, portfolio_world):
    w = portfolio_world
    client.force_login(w["researcher"])
    response = client.get(reverse("ip-portfolio"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "vendor/echarts/echarts.min.js" in content and 'id="portfolio-data"' in content
    assert 'data-chart="annuities"' in content
    assert client.get(reverse("ip-portfolio") + "?institution=other").status_code == 404
    client.force_login(w["outsider"])
    assert "专利5" not in client.get(reverse("ip-portfolio")).content.decode()
    assert client.get(reverse("ip-portfolio") + "?institution=uni").status_code == 404
    assert client.get(reverse("ip-family-score", args=[w["a"].pk])).status_code == 404
    assert client.get(reverse("ip-portfolio-candidates", args=["market"])).status_code in (
        200,
        302,
    )


def test_the_score_page_explains(client, portfolio_world):
    w = portfolio_world
    client.force_login(w["researcher"])
    response = client.get(reverse("ip-family-score", args=[w["b"].pk]) + "?purpose=maintenance")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-purpose="maintenance"' in content
    assert 'id="score-missing"' in content and 'data-indicator="sei"' in content


def test_candidates_export(client, portfolio_world):
    w = portfolio_world
    client.force_login(w["researcher"])
    response = client.get(reverse("ip-portfolio-candidates", args=["market"]) + "?institution=uni")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row >= 2


def test_api(client, portfolio_world):
    w = portfolio_world
    client.force_login(w["researcher"])
    body = client.get("/api/v1/ip/portfolio/analytics?institution=uni").json()
    assert body["totals"]["families"] == 4 and body["institution"] == "uni"
    score_body = client.get(f"/api/v1/ip/families/{w['a'].pk}/score?purpose=licensing").json()
    assert abs(sum(i["contribution"] for i in score_body["indicators"]) - score_body["total"]) < 0.1
    assert score_body["high_value"]["flag"] is True
    market = client.get("/api/v1/ip/portfolio/candidates?kind=market&institution=uni").json()
    assert isinstance(market, list)
    assert client.get("/api/v1/ip/portfolio/analytics?institution=other").status_code == 404
    client.force_login(w["outsider"])
    assert client.get(f"/api/v1/ip/families/{w['a'].pk}/score").status_code == 404
