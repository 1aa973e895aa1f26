"""Turn the CSL dev sets into two retrieval tasks for ``datong match evaluate``.

    .venv/bin/python bench/csl_to_jsonl.py --csl ../shared/data/csl --out /tmp/csl-tasks

Joins ``kg_dev.tsv`` (abstract + " " + title, keywords joined by "_") with ``ts_dev.tsv``
(abstract, title) on the abstract, then writes, under OUT/keywords/ and OUT/title/:

    docs.jsonl      {"id": "csl-0001", "text": abstract}          the same 1,000 documents
    queries.jsonl   {"id": "kw-0001" | "t-0001", "text": query}   keywords (space-joined) or title
    qrels.tsv       query_id<TAB>doc_id                           one relevant abstract per query

The data stays outside the repository; only this script is kept. Then, e.g.::

    .venv/bin/datong match evaluate --docs /tmp/csl-tasks/title/docs.jsonl \\
        --queries /tmp/csl-tasks/title/queries.jsonl --qrels /tmp/csl-tasks/title/qrels.tsv
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def read_tsv(path: Path, columns: int) -> list[list[str]]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= columns:
                rows.append(parts[:columns])
    return rows


def build_tasks(csl: Path) -> tuple[list[dict], list[dict], list[dict]]:
    """(docs, keyword queries, title queries); query ids end in the number of their doc."""
    ts = read_tsv(csl / "ts_dev.tsv", 3)
    kg = read_tsv(csl / "kg_dev.tsv", 3)
    keywords_by_key = {text.strip(): keywords for _task, text, keywords in kg}
    docs, keyword_queries, title_queries = [], [], []
    seen: set[str] = set()
    for _task, abstract, title in ts:
        abstract, title = abstract.strip(), title.strip()
        if abstract in seen:  # the same abstract twice would make two "right" answers
            continue
        seen.add(abstract)
        keywords = keywords_by_key.get(f"{abstract} {title}")
        if keywords is None:
            # fall back to a match on the abstract alone (whitespace differences)
            keywords = next((v for k, v in keywords_by_key.items() if k.startswith(abstract)), None)
        number = f"{len(docs) + 1:04d}"
        doc_id = f"csl-{number}"
        docs.append({"id": doc_id, "text": abstract})
        title_queries.append({"id": f"t-{number}", "text": title, "doc": doc_id})
        if keywords:
            words = [w.strip() for w in keywords.split("_") if w.strip()]
            keyword_queries.append({"id": f"kw-{number}", "text": " ".join(words), "doc": doc_id})
    return docs, keyword_queries, title_queries


def write_task(directory: Path, docs: list[dict], queries: list[dict]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "docs.jsonl", "w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
    with open(directory / "queries.jsonl", "w", encoding="utf-8") as fh:
        for query in queries:
            fh.write(json.dumps({"id": query["id"], "text": query["text"]}, ensure_ascii=False))
            fh.write("\n")
    with open(directory / "qrels.tsv", "w", encoding="utf-8") as fh:
        for query in queries:
            fh.write(f"{query['id']}\t{query['doc']}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--csl", type=Path, required=True, help="folder with kg_dev.tsv, ts_dev.tsv"
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    args = parser.parse_args(argv)
    docs, keyword_queries, title_queries = build_tasks(args.csl)
    if not docs:
        print(f"No abstracts found in {args.csl}", file=sys.stderr)
        return 1
    write_task(args.out / "keywords", docs, keyword_queries)
    write_task(args.out / "title", docs, title_queries)
    print(
        f"{len(docs)} abstracts; {len(keyword_queries)} keyword queries, "
        f"{len(title_queries)} title queries written under {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
