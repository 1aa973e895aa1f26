"""Offline evaluation of keyword, dense and hybrid search on a docs/queries/qrels triple.

Formats (UTF-8):

* docs and queries: JSON Lines, one ``{"id": ..., "text": ...}`` object a line;
* qrels: ``query_id<TAB>doc_id`` a line, every listed pair relevant (binary relevance).

Metrics, averaged over the queries that have at least one relevant document:
MRR@10, recall@1/10/100 and nDCG@10 (binary gains, log2 discount).
"""

from __future__ import annotations

import json
import math
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from datong.matching.engine import Embedder, HybridIndex, get_embedder

METHODS = ("keyword", "dense", "hybrid")
DEPTH = 100  # every method returns its top 100, the depth recall@100 needs


# ---------------------------------------------------------------------------------- metrics


def reciprocal_rank(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    for rank, doc_id in enumerate(ranked[:k], start=1):
        if doc_id in relevant:
            return 1.0 / rank
    return 0.0


def recall(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def ndcg(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    dcg = sum(
        1.0 / math.log2(rank + 1)
        for rank, doc_id in enumerate(ranked[:k], start=1)
        if doc_id in relevant
    )
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return dcg / ideal if ideal else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """The *q*-th percentile (0–100) with linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def score_run(runs: dict[str, list[str]], qrels: dict[str, set[str]]) -> dict[str, float]:
    """Mean metrics of *runs* (query id → ranked doc ids) against *qrels*."""
    judged = [q for q in runs if qrels.get(q)]
    if not judged:
        return {m: 0.0 for m in ("mrr@10", "recall@1", "recall@10", "recall@100", "ndcg@10")}
    n = len(judged)
    return {
        "mrr@10": sum(reciprocal_rank(runs[q], qrels[q], 10) for q in judged) / n,
        "recall@1": sum(recall(runs[q], qrels[q], 1) for q in judged) / n,
        "recall@10": sum(recall(runs[q], qrels[q], 10) for q in judged) / n,
        "recall@100": sum(recall(runs[q], qrels[q], 100) for q in judged) / n,
        "ndcg@10": sum(ndcg(runs[q], qrels[q], 10) for q in judged) / n,
    }


# ---------------------------------------------------------------------------------- loading


def read_jsonl(path: str | Path) -> list[tuple[str, str]]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                rows.append((str(obj["id"]), str(obj["text"])))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f'{path}, line {number}: expected {{"id", "text"}}') from exc
    return rows


def read_qrels(path: str | Path) -> dict[str, set[str]]:
    qrels: dict[str, set[str]] = {}
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                raise ValueError(f"{path}, line {number}: expected query_id<TAB>doc_id")
            qrels.setdefault(parts[0], set()).add(parts[1])
    return qrels


# ------------------------------------------------------------------------------------- run


def evaluate(
    docs: list[tuple[str, str]],
    queries: list[tuple[str, str]],
    qrels: dict[str, set[str]],
    *,
    embedder: Embedder | None = None,
    k: int = 10,
    rrf_k: int = 60,
    weights: tuple[float, float] = (1.0, 1.0),
    fusion: str = "relative",
    alpha: float = 0.7,
) -> dict[str, dict[str, float]]:
    """Index *docs* in a temporary directory and score the three methods on *queries*.

    ``index_seconds``: keyword = segmentation + tantivy, dense = embedding the documents,
    hybrid = both. Latencies are per query, wall clock, including the query embedding."""
    embedder = embedder if embedder is not None else get_embedder()
    depth = max(DEPTH, k)
    with tempfile.TemporaryDirectory(prefix="datong-match-") as tmp:
        index = HybridIndex(tmp, embedder)
        embedder.embed(["warm up"])  # loading the model is not indexing
        started = time.perf_counter()
        vectors = embedder.embed([text for _, text in docs])
        dense_seconds = time.perf_counter() - started
        started = time.perf_counter()
        index.add_many(docs, vectors=vectors)
        keyword_seconds = time.perf_counter() - started

        searches = {
            "keyword": lambda q: index.search_keyword(q, depth),
            "dense": lambda q: index.search_dense(q, depth),
            "hybrid": lambda q: index.search_hybrid(
                q, depth, rrf_k, fusion=fusion, alpha=alpha, weights=weights
            ),
        }
        index_seconds = {
            "keyword": keyword_seconds,
            "dense": dense_seconds,
            "hybrid": keyword_seconds + dense_seconds,
        }
        report: dict[str, dict[str, float]] = {}
        for method in METHODS:
            search = searches[method]
            runs, latencies = {}, []
            for query_id, text in queries:
                started = time.perf_counter()
                hits = search(text)
                latencies.append((time.perf_counter() - started) * 1000)
                runs[query_id] = [h.id for h in hits]
            report[method] = {
                **score_run(runs, qrels),
                "index_seconds": index_seconds[method],
                "p50_ms": percentile(latencies, 50),
                "p95_ms": percentile(latencies, 95),
            }
    return report


def format_table(report: dict[str, dict[str, float]]) -> str:
    columns = ["mrr@10", "recall@1", "recall@10", "recall@100", "ndcg@10"]
    timing = ["index_seconds", "p50_ms", "p95_ms"]
    header = f"{'method':<8}" + "".join(
        f"{c:>11}" for c in columns + ["index s", "p50 ms", "p95 ms"]
    )
    lines = [header]
    for method, row in report.items():
        cells = "".join(f"{row[c]:>11.3f}" for c in columns)
        cells += "".join(
            f"{row[c]:>11.1f}" if c != "index_seconds" else f"{row[c]:>11.2f}" for c in timing
        )
        lines.append(f"{method:<8}{cells}")
    return "\n".join(lines)
