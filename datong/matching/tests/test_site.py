"""The site's indexes, ranked matches with reasons, judgements and search."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from datong.core.testing import Unchanged
from datong.market import services as market
from datong.market.models import ListingStatus
from datong.matching import ranking, store
from datong.matching.models import MatchFeedback
from datong.matching.ranking import Profile, feature_score, features
from datong.matching.tasks import update_index
from datong.results.models import Classification, Result, Scheme

from .conftest import bearer, build_all, future

pytestmark = pytest.mark.django_db


def industry(code):
    return Classification.objects.get(scheme=Scheme.INDUSTRY, code=code)


@pytest.fixture
def market_world(world, indexes):
    """The world plus a second (unrelated) listing, a confidential result and a demand."""
    w = world
    w["result"].industry = industry("38")
    w["result"].save()
    w["result"].ip_families.create(
        institution=w["uni"], ip_type="invention", title="固态电解质", ipc_codes=["H01M 10/0562"]
    )
    other_result = Result.objects.create(
        institution=w["uni"], number="R-2", title="水稻育种", trl=7, industry=industry("01")
    )
    w["rice"] = market.listing_create(
        actor=w["office"],
        result=other_result,
        data={
            "title": "耐盐碱水稻新品种",
            "summary": "滨海盐碱地水稻育种技术，亩产六百公斤。",
            "engagement_modes": ["transfer"],
            "contact": w["manager"].pk,
        },
    )
    market.listing_publish(actor=w["office"], listing=w["rice"])
    # A result whose confidential abstract must never reach a match or a search.
    w["secret"] = Result.objects.create(
        institution=w["uni"], number="R-3", title="绝密配方", abstract="钒钛磁铁矿冶炼机密工艺"
    )
    w["demand"] = market.demand_create(
        actor=w["buyer"],
        institution=w["firm"],
        data={
            "title": "储能电池固态电解质技术需求",
            "problem": "现有液态电解质储能电池存在安全隐患，需要高离子电导率的固态电解质。",
            "keywords": "固态电解质, 储能",
            "industry": "38",
            "ipc_codes": "H01M 10/056",
            "min_trl": 4,
            "region": "110000",
            "deadline": future(),
        },
    )
    build_all()
    return w


def test_rebuild_indexes_only_public_records(market_world):
    w = market_world
    listings = store.get_index("listings")
    assert sorted(listings.ids) == sorted([str(w["listing"].pk), str(w["rice"].pk)])
    assert store.get_index("demands").ids == [str(w["demand"].pk)]
    hits = listings.search_hybrid("钒钛磁铁矿冶炼机密工艺", k=10)
    assert all(h.key_terms == [] for h in hits)  # no listing holds the confidential words


def test_background_update_follows_publication(market_world, django_capture_on_commit_callbacks):
    w = market_world
    with django_capture_on_commit_callbacks(execute=True):
        market.listing_withdraw(actor=w["office"], listing=w["rice"])
    task = DBTaskResult.objects.filter(task_path__endswith="update_index").last()
    assert task is not None and task.args_kwargs["kwargs"] == {
        "kind": "listings",
        "ids": [w["rice"].pk],
    }
    assert update_index.call(kind="listings", ids=[w["rice"].pk])["removed"] == 1
    assert str(w["rice"].pk) not in store.get_index("listings").ids
    w["rice"].status = ListingStatus.PUBLISHED
    w["rice"].save()
    assert update_index.call(kind="listings", ids=[w["rice"].pk])["added"] == 1
    assert str(w["rice"].pk) in store.get_index("listings").ids


def test_rebuild_switches_generation_while_the_old_one_answers(market_world):
    old = store.get_index("listings")
    old_path = store.current_path("listings")
    store.rebuild("listings")
    assert store.current_path("listings") != old_path
    assert old.search_hybrid("固态电解质", k=1)[0].key_terms  # the old one still answers
    assert store.get_index("listings") is not old


def test_demand_to_technology_match_explains_itself(market_world):
    w = market_world
    matches = ranking.technologies_for_demand(w["demand"])
    top = matches[0]
    assert top.obj == w["listing"] and top.rank == 1
    assert top.score > matches[1].score
    assert "固态电解质" in "".join(top.key_terms) or "电解质" in top.key_terms
    assert top.features["industry"]["value"] == 1.0
    assert top.features["ipc"] == {"value": 1.0, "shared": ["H01M"]}
    assert top.features["readiness"]["value"] == 1.0
    assert top.features["region"]["value"] == 1.0
    text = " | ".join(top.reasons)
    assert "H01M" in text and "TRL 5" in text


def test_draft_listing_never_shown_even_if_the_index_holds_it(market_world):
    w = market_world
    draft = market.listing_create(actor=w["office"], result=w["secret"], data={})
    store.get_index("listings").add(str(draft.pk), "储能电池固态电解质 钒钛磁铁矿冶炼机密工艺")
    shown = [m.obj for m in ranking.technologies_for_demand(w["demand"], k=50)]
    assert draft not in shown


def test_listing_to_demands_and_enterprises(market_world):
    w = market_world
    demands = ranking.demands_for_listing(w["listing"])
    assert demands[0].obj == w["demand"]
    assert demands[0].features["readiness"]["value"] == 1.0
    enterprises = ranking.enterprises_for_listing(w["listing"])
    assert enterprises[0].obj == w["firm"] and enterprises[0].via == w["demand"]


@pytest.mark.parametrize(
    "need, offer, expected",
    [
        (Profile(industry=["C", "38"]), Profile(industry=["C", "38"]), {"industry": 1.0}),
        (Profile(industry=["C", "38"]), Profile(industry=["C", "34"]), {"industry": 0.5}),
        (Profile(industry=["C", "38"]), Profile(industry=["A", "01"]), {"industry": 0.0}),
        (Profile(ipc=["H01M 10/05"]), Profile(ipc=["H01M 4/13"]), {"ipc": 1.0}),
        (Profile(ipc=["H01M 10/05"]), Profile(ipc=["H01L 31/04"]), {"ipc": 0.5}),
        (Profile(min_trl=6), Profile(trl=6), {"readiness": 1.0}),
        (Profile(min_trl=6), Profile(trl=3), {"readiness": 0.0}),
        (Profile(min_trl=6), Profile(trl=5), {"readiness": pytest.approx(2 / 3)}),
        (Profile(province="110000"), Profile(province="310000"), {"region": 0.0}),
        (Profile(), Profile(trl=9), {"readiness": None, "industry": None}),
    ],
)
def test_field_features(need, offer, expected):
    found = features(need, offer)
    for name, value in expected.items():
        assert found[name]["value"] == value


def test_unknown_features_are_neutral():
    assert feature_score(features(Profile(), Profile())) == pytest.approx(0.5)


def test_demand_matches_page_and_refusals(market_world, client):
    w = market_world
    url = reverse("match-demand", args=[w["demand"].pk])
    assert client.get(url).status_code == 302  # log in first
    client.force_login(w["buyer"])
    page = client.get(url).content.decode()
    assert "高安全固态电池电解质" in page and "H01M" in page
    assert "钒钛" not in page
    assert reverse("case-interest", args=[w["listing"].pk]) in page
    client.force_login(w["other_office"])
    assert client.get(reverse("match-listing", args=[w["listing"].pk])).status_code == 403
    client.force_login(w["office"])
    page = client.get(reverse("match-listing", args=[w["listing"].pk])).content.decode()
    assert "储能电池固态电解质技术需求" in page


def test_page_says_when_the_index_is_not_built(world, indexes, client):
    demand = market.demand_create(
        actor=world["buyer"], institution=world["firm"], data={"title": "某需求"}
    )
    client.force_login(world["buyer"])
    page = client.get(reverse("match-demand", args=[demand.pk])).content.decode()
    assert "搜索索引正在准备" in page
    assert (indexes / "listings" / "REBUILD_QUEUED").exists()


def post_verdict(client, w, useful, target=None, **extra):
    return client.post(
        reverse("match-feedback"),
        {
            "source_kind": "demands",
            "source_id": w["demand"].pk,
            "target_kind": "listings",
            "target_id": (target or w["listing"]).pk,
            "useful": useful,
            "rank": 1,
            "score": 0.9,
            "next": "/",
        },
        HTTP_HX_REQUEST="true",
        **extra,
    )


def test_feedback_is_kept_replaced_and_exported(market_world, client):
    w = market_world
    client.force_login(w["buyer"])
    response = post_verdict(client, w, "0")
    assert response.status_code == 200 and b"chosen" in response.content
    assert post_verdict(client, w, "1").status_code == 200
    feedback = MatchFeedback.objects.get()
    assert feedback.useful is True and feedback.institution == w["uni"]
    # The university's office sees the judgement of its technology and exports it.
    client.force_login(w["office"])
    assert "孙企业" in client.get(reverse("match-judgements")).content.decode()
    response = client.get(reverse("match-judgements-export") + "?target_kind=listings")
    files = zipfile.ZipFile(io.BytesIO(response.content))
    qrels = files.read("qrels.tsv").decode()
    assert qrels == f"demands:{w['demand'].pk}\tlistings:{w['listing'].pk}\n"
    docs = [json.loads(line) for line in files.read("docs.jsonl").decode().splitlines()]
    assert {d["id"] for d in docs} == {f"listings:{w['listing'].pk}", f"listings:{w['rice'].pk}"}
    queries = files.read("queries.jsonl").decode()
    assert "储能电池固态电解质技术需求" in queries
    # Another university's office does not see it.
    client.force_login(w["other_office"])
    assert "孙企业" not in client.get(reverse("match-judgements")).content.decode()


def test_feedback_refused_for_a_record_that_is_not_public(market_world, client):
    w = market_world
    draft = market.listing_create(actor=w["office"], result=w["secret"], data={})
    client.force_login(w["buyer"])
    with Unchanged():
        response = post_verdict(client, w, "1", target=draft)
    assert response.status_code == 400
    assert "未找到" in response.content.decode()
    with Unchanged():
        assert post_verdict(client, w, "maybe").status_code == 400


def test_search_page_highlights_and_filters(market_world, client):
    response = client.get(reverse("search"), {"q": "固态电解质"})
    page = response.content.decode()
    assert "高安全<mark>固态</mark>电池<mark>电解质</mark>" in page
    assert "耐盐碱水稻" not in page
    page = client.get(reverse("search"), {"q": "水稻", "readiness": "1-3"}).content.decode()
    assert "耐盐碱水稻" not in page
    page = client.get(reverse("search"), {"industry": "01"}).content.decode()
    assert "耐盐碱水稻" in page and "高安全固态电池电解质" not in page
    # Demands are for signed-in users only.
    page = client.get(reverse("search"), {"tab": "demands", "q": "储能"}).content.decode()
    assert "储能电池固态电解质技术需求" not in page


def test_api_search_matches_and_feedback(market_world, client):
    w = market_world
    response = client.get("/api/v1/search", {"q": "solid electrolyte 固态电解质"})
    items = response.json()["items"]
    assert items[0]["id"] == w["listing"].pk and items[0]["key_terms"]
    headers = bearer(w["buyer"])
    url = f"/api/v1/matches/demands/{w['demand'].pk}?target=listings&k=5"
    body = client.get(url, **headers).json()
    assert body[0]["id"] == w["listing"].pk and body[0]["features"]["ipc"]["shared"] == ["H01M"]
    assert any("H01M" in r for r in body[0]["reasons"])
    payload = {
        "source_kind": "demands",
        "source_id": w["demand"].pk,
        "target_kind": "listings",
        "target_id": w["listing"].pk,
        "useful": True,
    }
    response = client.post(
        "/api/v1/matches/feedback", payload, content_type="application/json", **headers
    )
    assert response.status_code == 201 and response.json()["useful"] is True
    other = bearer(w["other_office"])
    url = f"/api/v1/matches/listings/{w['listing'].pk}?target=demands"
    assert client.get(url, **other).status_code == 403
    assert client.get(url, **bearer(w["office"])).json()[0]["id"] == w["demand"].pk


def test_api_answers_503_before_the_first_build(world, indexes, client):
    demand = market.demand_create(
        actor=world["buyer"], institution=world["firm"], data={"title": "某需求"}
    )
    response = client.get(f"/api/v1/matches/demands/{demand.pk}", **bearer(world["buyer"]))
    assert response.status_code == 503 and response.json()["code"] == "index_not_ready"


def test_cli_index_rebuild_and_status(market_world, capsys):
    from datong.cli import main

    assert main(["index", "rebuild", "listings"]) == 0
    assert "listings: 2 records" in capsys.readouterr().out
    assert main(["index", "status"]) == 0
    out = capsys.readouterr().out
    assert "listings: 2 records" in out and "demands: 1 records" in out
    assert main(["index", "rebuild", "nope"]) == 2
