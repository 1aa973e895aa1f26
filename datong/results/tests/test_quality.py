"""Completeness, similarity and inventor-name checks of the registry."""

from __future__ import annotations

from datong.results import quality

BOILERPLATE = (
    "本成果针对{x}在实际应用中存在的性能不足和成本偏高等问题，提出了一种新的方法。通过优化关键结构与"
    "工艺参数，并结合实验验证，同时具有工艺简单、易于规模化的特点，具有良好的产业化前景。"
)


def row(rid, title, subject="锂电池", keywords=("储能",)):
    return {
        "id": rid,
        "number": f"R-{rid}",
        "title": title,
        "abstract": BOILERPLATE.format(x=subject),
        "keywords": list(keywords),
    }


def test_near_duplicates_are_found_but_shared_boilerplate_is_not():
    rows = [
        row(1, "一种锂硫电池正极材料的制备方法"),
        row(2, "一种新型锂硫电池正极材料的制备方法"),
        row(3, "一种六轴协作机器人的故障诊断方法", "机器人"),
        row(4, "一种遥感图像目标检测的模型训练方法", "遥感图像"),
    ]
    pairs = quality.duplicate_pairs(rows)
    assert [(a["id"], b["id"]) for a, b, _score in pairs] == [(1, 2)]
    assert pairs[0][2] >= 0.8
    index = quality.SimilarityIndex(rows)
    found = index.query("锂硫电池正极材料的制备方法", BOILERPLATE.format(x="锂电池"))
    assert [m.result_id for m in found][:2] in ([1, 2], [2, 1])
    assert index.query("一种小麦抗旱品种的选育方法", "分子标记辅助育种") == []


def test_width_and_spacing_do_not_hide_a_duplicate():
    a = quality.fingerprint("ＡＩ芯片缺陷检测方法")
    b = quality.fingerprint("AI 芯片缺陷检测方法")
    assert quality.similarity(a, b) == 1.0


def test_inventor_names_written_differently_are_grouped():
    names = [
        ("张伟", 1),
        ("张 伟", None),
        ("Zhang Wei", None),
        ("ＬＩ　Ｍｉｎｇ", None),
        ("Li Ming", None),
        ("王芳", None),
    ]
    groups = quality.inventor_name_groups(names, accounts={1: ("张伟", "Zhang Wei")})
    assert sorted(map(sorted, groups)) == [
        sorted(["Li Ming", "ＬＩ　Ｍｉｎｇ"]),
        sorted(["Zhang Wei", "张 伟", "张伟"]),
    ]


def test_completeness_names_what_is_missing():
    class Bare:
        title, title_en, abstract, keywords, trl, ip_types = "标题", "", "短", [], None, []
        industry_id = sei_id = department_id = pk = None

    score, missing = quality.completeness(Bare())
    assert score == 10
    assert len(missing) == len(quality.COMPLETENESS_RULES) - 1
