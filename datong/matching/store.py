"""The search indexes of the running site, under ``settings.DATONG_INDEX_DIR``::

    INDEX_DIR/<kind>/CURRENT        the name of the generation in use
    INDEX_DIR/<kind>/g<ns>/         a HybridIndex (engine.py); the previous one is kept
    INDEX_DIR/<kind>/.lock          held by whoever writes to the kind's current generation

A rebuild writes a new generation beside the one in use, so searches keep being answered from
the old one; it then replays what changed while it ran, and switches ``CURRENT`` atomically.
Each process keeps its open indexes and picks up another process's commits (``is_stale``).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .documents import KINDS, Kind
from .engine import Embedder, HybridIndex, get_embedder

_lock = threading.Lock()
_open: dict[str, tuple[Path, HybridIndex]] = {}
_embedder: Embedder | None = None
_paused = threading.local()


def shared_embedder() -> Embedder:
    """The process's embedder (``DATONG_EMBEDDER``, "use" by default), loaded once."""
    global _embedder
    with _lock:
        if _embedder is None:
            _embedder = get_embedder(settings.DATONG_EMBEDDER)
        return _embedder


def root() -> Path:
    return Path(settings.DATONG_INDEX_DIR)


def kind_dir(kind: str) -> Path:
    if kind not in KINDS:
        raise ValueError(f"Unknown index {kind!r}; choose one of {', '.join(KINDS)}.")
    return root() / kind


def current_path(kind: str) -> Path | None:
    try:
        name = (kind_dir(kind) / "CURRENT").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = kind_dir(kind) / name
    return path if path.is_dir() else None


def get_index(kind: str) -> HybridIndex | None:
    """The kind's index in use, or None when it has never been built."""
    path = current_path(kind)
    if path is None:
        return None
    with _lock:
        cached = _open.get(kind)
        if cached and cached[0] == path:
            index = cached[1]
            if index.is_stale():
                index.reload()
            return index
    index = HybridIndex.open(path, shared_embedder())
    with _lock:
        old = _open.get(kind)
        _open[kind] = (path, index)
    if old:
        old[1].close()
    return index


def forget() -> None:
    """Drop the open indexes of this process (tests that switch index directories)."""
    with _lock:
        for _path, index in _open.values():
            index.close()
        _open.clear()


@contextmanager
def write_lock(kind: str):
    directory = kind_dir(kind)
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextmanager
def updates_paused():
    """Within the block, saved records do not queue index updates (bulk loads rebuild after)."""
    previous = getattr(_paused, "on", False)
    _paused.on = True
    try:
        yield
    finally:
        _paused.on = previous


def updates_are_paused() -> bool:
    return getattr(_paused, "on", False)


def _apply(index: HybridIndex, kind: Kind, ids) -> tuple[int, int]:
    """Bring *ids* of *kind* up to date in *index*: (re)index what is indexable, drop the rest."""
    ids = [str(i) for i in ids]
    added = 0
    present: set[str] = set()
    for batch in kind.documents(ids):
        index.add_many(batch)
        added += len(batch)
        present.update(doc_id for doc_id, _ in batch)
    removed = index.delete_many(i for i in ids if i not in present)
    return added, removed


def update(kind: str, ids) -> dict:
    """Re-index the records *ids* of *kind* (the background task after a record changes).

    Nothing happens when the kind has never been built: the first rebuild takes everything."""
    spec = KINDS[kind]
    with write_lock(kind):
        index = get_index(kind)
        if index is None:
            return {"kind": kind, "built": False, "added": 0, "removed": 0}
        added, removed = _apply(index, spec, ids)
    return {"kind": kind, "built": True, "added": added, "removed": removed}


def rebuild(kind: str, *, chunk: int = 500, progress=None) -> dict:
    """Build *kind* afresh in a new generation and switch to it; searches go on meanwhile."""
    spec = KINDS[kind]
    started_wall, started = time.perf_counter(), timezone.now()
    directory = kind_dir(kind)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"g{time.time_ns()}"
    index = HybridIndex.build(path, [], shared_embedder())
    count = 0
    for batch in spec.documents(chunk=chunk):
        index.add_many(batch)
        count += len(batch)
        if progress:
            progress(count)
    with write_lock(kind):
        changed = spec.model.objects.filter(updated_at__gte=started).values_list("pk", flat=True)
        _apply(index, spec, list(changed))
        index.close()
        tmp = directory / "CURRENT.tmp"
        tmp.write_text(path.name, encoding="utf-8")
        os.replace(tmp, directory / "CURRENT")
        _prune(directory, keep={path.name, *_previous(directory, path.name)})
        (directory / "REBUILD_QUEUED").unlink(missing_ok=True)
    return {
        "kind": kind,
        "documents": len(index),
        "seconds": round(time.perf_counter() - started_wall, 2),
        "generation": path.name,
    }


def queue_rebuild(kind: str) -> bool:
    """Queue a rebuild of a kind that has never been built (once: a marker file remembers)."""
    from .tasks import rebuild_index

    directory = kind_dir(kind)
    directory.mkdir(parents=True, exist_ok=True)
    marker = directory / "REBUILD_QUEUED"
    try:
        with open(marker, "x"):
            pass
    except FileExistsError:
        return False
    rebuild_index.enqueue(kind=kind)
    return True


def _generations(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.glob("g*") if p.is_dir())


def _previous(directory: Path, current: str) -> list[str]:
    older = [g for g in _generations(directory) if g < current]
    return older[-1:]


def _prune(directory: Path, keep: set[str]) -> None:
    for name in _generations(directory):
        if name not in keep:
            shutil.rmtree(directory / name, ignore_errors=True)


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def status(kind: str) -> dict:
    """What ``datong index status`` prints for one kind."""
    path = current_path(kind)
    if path is None:
        return {"kind": kind, "built": False}
    index = get_index(kind)
    return {
        "kind": kind,
        "built": True,
        "generation": path.name,
        "documents": len(index),
        "deleted_rows": index.tombstones,
        "bytes": _size(path),
        "built_at": timezone.datetime.fromtimestamp(
            int(path.name[1:]) / 1e9, tz=timezone.get_current_timezone()
        ),
    }
