"""Verification needs matched to resources: through the search index, and through the
database while the index is not built."""

from __future__ import annotations

import pytest

from datong.matching import store
from datong.matching.documents import KINDS
from datong.poc.projects import services
from datong.poc.projects.matches import resource_matches


@pytest.fixture
def indexes(settings, tmp_path):
    settings.DATONG_INDEX_DIR = tmp_path / "indexes"
    store.forget()
    yield settings.DATONG_INDEX_DIR
    store.forget()


@pytest.fixture
def resources(world):
    def add(name, kind, capabilities, region, public=True):
        return services.resource_create(
            actor=world["owner_office"],
            listed_by=world["owner"],
            data={
                "name": name,
                "kind": kind,
                "capabilities": capabilities,
                "region": region,
                "is_public": public,
            },
        )

    return {
        "near": add(
            "上海锂电中试线", "pilot_line", "锂电池 固态电解质 中试放大，年产百吨级", "310000"
        ),
        "far": add("南通电池中试平台", "pilot_line", "锂电池电芯中试与放大验证", "320000"),
        "lab": add("电解质检测实验室", "testing", "固态电解质 离子电导率 检测", "310000"),
        "clinic": add("某医院临床试验中心", "clinical_site", "医疗器械临床试验", "310000"),
        "hidden": add("内部中试线", "pilot_line", "锂电池 固态电解质 中试放大", "310000", False),
    }


def test_the_indexed_text_is_name_capabilities_and_conditions(world, resources):
    kind = KINDS["resources"]
    assert list(kind.indexable().order_by("pk"))[-1] != resources["hidden"]
    assert "百吨级" in kind.text(resources["near"])


def test_without_the_index_the_database_matches_by_kind_and_text(
    world, project, resources, indexes
):
    need = world["application"].verification_needs.get()
    found, used_index = resource_matches(project, need)
    assert used_index is False
    names = [m.resource.name for m in found]
    assert names[0] == "上海锂电中试线"
    assert "内部中试线" not in names and "某医院临床试验中心" not in names
    top = found[0]
    assert any("中试线" in r or "Pilot line" in r for r in top.reasons)
    assert any("310000" in r or "上海" in r or "Shanghai" in r for r in top.reasons)


def test_with_the_index_the_hybrid_search_ranks_and_bonuses_apply(
    world, project, resources, indexes
):
    store.rebuild("resources")
    need = world["application"].verification_needs.get()
    found, used_index = resource_matches(project, need)
    assert used_index is True
    names = [m.resource.name for m in found]
    assert names[0] == "上海锂电中试线"
    assert names.index("南通电池中试平台") < names.index("电解质检测实验室")
    assert "内部中试线" not in names and "某医院临床试验中心" not in names
    assert any("固态" in r or "电解质" in r for r in found[0].reasons)
