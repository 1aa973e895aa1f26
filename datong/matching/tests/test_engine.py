"""The matching engine on a small hand-written corpus (no database)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from datong.matching.engine import (
    Embedder,
    HybridIndex,
    get_embedder,
    relative_score_fusion,
    rrf,
    segment,
)
from datong.matching.evaluate import ndcg, percentile, recall, reciprocal_rank, score_run

CORPUS = [
    ("battery", "基于深度学习的锂电池健康状态估计方法，提高电池管理系统的预测精度"),
    ("perovskite", "高效稳定的钙钛矿太阳能电池制备工艺，光电转换效率超过百分之二十五"),
    ("hydrogen", "质子交换膜氢燃料电池催化剂，降低铂用量并延长电堆寿命"),
    ("sic", "碳化硅功率器件的沟槽栅结构设计，用于新能源汽车电机控制器"),
    ("sensor", "柔性可穿戴压力传感器，采用石墨烯薄膜监测人体脉搏与呼吸"),
    ("rice", "耐盐碱水稻新品种选育技术，在滨海盐碱地实现亩产六百公斤"),
    ("vaccine", "新型冠状病毒mRNA疫苗的脂质纳米颗粒递送系统"),
    ("robot", "工业机器人视觉抓取系统，基于点云配准实现无序分拣"),
    ("water", "城市污水处理厂的膜生物反应器工艺，实现氨氮深度脱除"),
    ("bridge", "大跨度桥梁结构健康监测的光纤光栅传感网络"),
    ("speech", "Speech recognition for Mandarin dialects with self-supervised acoustic models"),
    ("catalyst", "Low-cost nickel catalyst for green ammonia synthesis at ambient pressure"),
    ("steel", "High-strength weathering steel for offshore wind turbine towers"),
    ("drone", "Autonomous drone inspection of power transmission lines using deep learning"),
]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return get_embedder("use")


@pytest.fixture(scope="module")
def index(tmp_path_factory, embedder) -> HybridIndex:
    return HybridIndex.build(tmp_path_factory.mktemp("index"), CORPUS, embedder)


def test_segment_chinese_sentence():
    terms = segment("基于深度学习的锂电池SOC估计，提高了预测精度。")
    assert terms == ["深度", "学习", "锂电池", "soc", "估计", "提高", "预测", "精度"]
    assert "的" not in terms and "，" not in terms and "。" not in terms


def test_segment_keeps_lower_cased_english_and_drops_stop_words():
    assert segment("The Drone, with Deep Learning!") == ["drone", "deep", "learning"]
    assert segment("") == [] and segment("，。！") == []


def test_embedder_rows_are_normalised(embedder):
    assert isinstance(embedder, Embedder)
    vectors = embedder.embed(["锂电池", "solar cell"])
    assert vectors.shape == (2, embedder.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_unknown_embedder_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown embedder"):
        get_embedder("word2vec")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("锂电池 健康状态", "battery"),
        ("钙钛矿 太阳能电池", "perovskite"),
        ("盐碱地 水稻", "rice"),
        ("drone power line inspection", "drone"),
    ],
)
def test_keyword_search_ranks_the_right_document_first(index, query, expected):
    hits = index.search_keyword(query, 5)
    assert hits[0].id == expected
    assert hits[0].keyword_rank == 1 and hits[0].keyword_score > 0
    assert hits[0].dense_rank is None
    assert hits[0].key_terms  # the "why": shared terms


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("氢燃料电池催化剂", "hydrogen"),
        ("污水处理 膜生物反应器", "water"),
        ("普通话方言语音识别", "speech"),  # Chinese query, English document
    ],
)
def test_dense_search_ranks_the_right_document_first(index, query, expected):
    hits = index.search_dense(query, 5)
    assert hits[0].id == expected
    assert hits[0].dense_rank == 1 and -1.0 <= hits[0].dense_score <= 1.0
    assert [h.dense_score for h in hits] == sorted((h.dense_score for h in hits), reverse=True)


def test_hybrid_search_fuses_and_explains(index):
    hits = index.search_hybrid("碳化硅 功率器件 电机控制器", 5, fusion="rrf")
    top = hits[0]
    assert top.id == "sic"
    assert top.keyword_rank == 1 and top.dense_rank is not None
    assert top.score == pytest.approx(1 / 61 + 1 / (60 + top.dense_rank))
    assert top.key_terms == ["碳化硅", "功率", "器件", "控制器"]
    assert len({h.id for h in hits}) == len(hits) == 5
    relative = index.search_hybrid("碳化硅 功率器件 电机控制器", 5)
    assert relative[0].id == "sic" and 0.7 <= relative[0].score <= 1.0
    with pytest.raises(ValueError):
        index.search_hybrid("x", fusion="max")


def test_relative_score_fusion_on_hand_made_lists():
    keyword = [("a", 10.0), ("b", 4.0), ("c", 2.0)]
    dense = [("b", 0.9), ("c", 0.8), ("d", 0.4)]
    fused = dict(relative_score_fusion(keyword, dense, alpha=0.7))
    assert fused["a"] == pytest.approx(0.7)  # top keyword, absent from dense
    assert fused["b"] == pytest.approx(0.7 * 0.25 + 0.3)
    assert fused["c"] == pytest.approx(0.3 * 0.8)
    assert fused["d"] == pytest.approx(0.0)
    assert [i for i, _ in relative_score_fusion(keyword, dense, alpha=0.2)][0] == "b"


def test_incremental_add_update_and_delete(tmp_path, embedder):
    index = HybridIndex.build(tmp_path / "idx", CORPUS[:5], embedder)
    assert len(index) == 5
    index.add("laser", "飞秒激光加工蓝宝石微结构的新方法")
    assert index.search_keyword("飞秒激光", 3)[0].id == "laser"
    assert index.search_dense("飞秒激光加工", 3)[0].id == "laser"
    # update replaces the text: the old words no longer find it
    index.update("laser", "海水淡化反渗透膜的抗污染涂层")
    assert all(h.id != "laser" for h in index.search_keyword("飞秒激光", 5))
    assert index.search_keyword("反渗透膜", 3)[0].id == "laser"
    assert len(index) == 6
    assert index.delete("battery") is True
    assert index.delete("battery") is False
    assert all(h.id != "battery" for h in index.search_hybrid("锂电池健康状态", 10))
    assert len(index) == 5
    # everything is on disk: a fresh handle sees the same state
    again = HybridIndex.open(tmp_path / "idx", embedder)
    assert sorted(again.ids) == sorted(["perovskite", "hydrogen", "sic", "sensor", "laser"])
    assert again.search_hybrid("反渗透膜", 1)[0].id == "laser"
    # a deleted row stays as a tombstone (zeroed, never returned) until a rebuild
    assert again.tombstones == 1
    assert "battery" not in [h.id for h in again.search_dense("锂电池健康状态", 10)]


def test_another_handle_sees_commits_and_reuses_a_deleted_id(tmp_path, embedder):
    writer = HybridIndex.build(tmp_path / "idx", CORPUS[:3], embedder)
    reader = HybridIndex.open(tmp_path / "idx", embedder)
    assert not reader.is_stale()
    writer.delete("perovskite")
    writer.add("perovskite", "钙钛矿叠层电池的封装工艺")
    assert reader.is_stale()
    reader.reload()
    assert not reader.is_stale()
    assert len(reader) == 3 and reader.tombstones == 1
    assert reader.search_dense("钙钛矿叠层电池封装", 1)[0].id == "perovskite"
    assert (tmp_path / "idx" / "vectors.f32").stat().st_size == 4 * embedder.dim * 4


def test_rrf_on_hand_made_lists():
    fused = rrf([["a", "b", "c"], ["b", "c", "d"]], k=60)
    scores = dict(fused)
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert scores["a"] == pytest.approx(1 / 61)
    assert scores["d"] == pytest.approx(1 / 63)
    assert [doc for doc, _ in fused] == ["b", "c", "a", "d"]
    weighted = rrf([["a", "b"], ["b", "a"]], k=1, weights=[2.0, 1.0])
    assert weighted[0][0] == "a"  # 2/2 + 1/3 > 2/3 + 1/2
    with pytest.raises(ValueError):
        rrf([["a"]], weights=[1.0, 2.0])


def test_metrics_on_a_hand_computed_example():
    ranked = ["x", "r1", "y", "r2"]
    relevant = {"r1", "r2", "r3"}
    assert reciprocal_rank(ranked, relevant) == 0.5
    assert reciprocal_rank(ranked, {"r2"}, k=3) == 0.0
    assert recall(ranked, relevant, 1) == 0.0
    assert recall(ranked, relevant, 4) == pytest.approx(2 / 3)
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    idcg = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg(ranked, relevant, 10) == pytest.approx(dcg / idcg)
    assert ndcg(["r1"], {"r1"}, 10) == 1.0
    report = score_run({"q1": ["a", "b"], "q2": ["c"], "q3": []}, {"q1": {"b"}, "q2": {"c"}})
    assert report["mrr@10"] == pytest.approx((0.5 + 1.0) / 2)  # q3 has no judgement
    assert report["recall@1"] == pytest.approx(0.5)
    assert percentile([1, 2, 3, 4], 50) == 2.5 and percentile([], 95) == 0.0


def test_cli_match_evaluate_json(tmp_path, capsys):
    from datong.cli import main

    docs = tmp_path / "docs.jsonl"
    queries = tmp_path / "queries.jsonl"
    qrels = tmp_path / "qrels.tsv"
    docs.write_text(
        "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in CORPUS),
        encoding="utf-8",
    )
    pairs = [
        ("q1", "锂电池健康状态估计", "battery"),
        ("q2", "钙钛矿太阳能电池", "perovskite"),
        ("q3", "耐盐碱水稻", "rice"),
    ]
    queries.write_text(
        "".join(json.dumps({"id": q, "text": t}, ensure_ascii=False) + "\n" for q, t, _ in pairs),
        encoding="utf-8",
    )
    qrels.write_text("".join(f"{q}\t{d}\n" for q, _, d in pairs), encoding="utf-8")
    argv = ["match", "evaluate", "--docs", str(docs), "--queries", str(queries)]
    assert main([*argv, "--qrels", str(qrels), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"keyword", "dense", "hybrid"}
    for method in report.values():
        assert set(method) == {
            "mrr@10",
            "recall@1",
            "recall@10",
            "recall@100",
            "ndcg@10",
            "index_seconds",
            "p50_ms",
            "p95_ms",
        }
    assert report["keyword"]["mrr@10"] == 1.0
    assert report["hybrid"]["recall@10"] == 1.0


def test_cli_match_evaluate_reports_a_missing_file(tmp_path, capsys):
    from datong.cli import main

    missing = str(tmp_path / "nope.jsonl")
    code = main(["match", "evaluate", "--docs", missing, "--queries", missing, "--qrels", missing])
    assert code == 2
    assert "No such file" in capsys.readouterr().err
