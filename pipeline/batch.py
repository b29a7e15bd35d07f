"""Batch: run ingest → segment → extract → store over files and folders.

One result per notice (:class:`~pipeline.model.ExtractionResult`); a file that cannot be read
gets ``status="error"`` with the reason and never stops the others. Progress is reported
through a callback ``progress(done: int, total: int, path: str)`` so the library never imports
a UI toolkit. Stage times are in seconds (``result.timings``).
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from pathlib import Path
from typing import Callable, Iterator

from .errors import InputError, StoreError
from .export import write_jsonl
from .definitions import definitions
from .extract import read_notice
from .graph import export_graph
from .ingest import ingest, iter_notice_files
from .model import ExtractionResult
from .nlp import get_nlp
from .segment import segment
from .store import batch, flush_fts, open_db, resolve_citations, save


_PROSE = re.compile(r"[^\n]{20,}[。；！？]")
"""A sentence of at least 20 characters: what a page of navigation links lacks."""


def extract_file(path: str | Path, nlp=None, name: str | None = None, ocr: str = "auto") -> ExtractionResult:
    """Ingest, segment and extract one notice file (nothing written); ``name`` is the notice
    name (default: the file name without extension, see :func:`notice_names`); ``ocr`` as
    :func:`pipeline.ingest.ingest`.

    Bad input gives ``status="error"`` and ``error`` = ``"<file>: <reason>"``; no exception.
    """
    nlp = nlp or get_nlp()
    timings = {}
    t0 = time.perf_counter()
    try:
        notice = ingest(path, name=name, ocr=ocr)
    except InputError as e:
        return ExtractionResult(source=str(path), status="error", error=str(e))
    t1 = time.perf_counter()
    try:
        clauses = segment(notice)
        t2 = time.perf_counter()
        obligations, subject_warnings = read_notice(notice, clauses, nlp)
        defined = tuple(definitions(notice.name, clauses))
    except Exception as e:  # a defect of ours must not lose the other notices' results
        return ExtractionResult(source=str(path), status="error",
                                error=f"{path}: internal error while extracting ({type(e).__name__}: {e}); please report it")
    t3 = time.perf_counter()
    timings.update(ingest=t1 - t0, segment=t2 - t1, extract=t3 - t2)
    if not any(c.kind != "preamble" for c in clauses):
        if not obligations and not _PROSE.search(notice.text):
            return ExtractionResult(source=str(path), status="error",
                                    error=f"{path}: no notice text (no clause, no duty, no sentence: "
                                          f"a page of navigation or links only?)")
        notice = _with_warning(notice, "no numbered clauses found")
    for w in subject_warnings:
        notice = _with_warning(notice, w)
    status = "warning" if notice.warnings else "ok"
    return ExtractionResult(source=str(path), status=status, notice=notice, clauses=tuple(clauses),
                            obligations=tuple(obligations), timings=timings, definitions=defined)


def default_jobs() -> int:
    """The number of CPU cores this process may use (``os.sched_getaffinity`` where the platform
    has it, else ``os.cpu_count()``), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def _extract_in_worker(path: Path, name: str | None, ocr: str, hook) -> ExtractionResult:
    """:func:`extract_file` in a worker process (its spaCy pipeline loaded once per process)."""
    r = extract_file(path, None, name, ocr)
    if hook is not None:
        hook()
    return r


def _pool_context():
    """``fork`` where the platform has it (the workers start with the parent's loaded jieba
    dictionaries and spaCy pipeline, shared copy-on-write), else ``spawn`` (each worker loads
    them once)."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _in_order(todo: Iterator[Path], submit, window: int, pending: deque | None = None, done=None
              ) -> Iterator[tuple[Path, ExtractionResult]]:
    """``(file, result)`` of every file of ``todo`` in order, with ``submit(file)`` (a future) at
    most ``window`` files ahead of the one read. A file leaves ``pending`` only once its result is
    read, so a caller that catches a failure finds every unread file in ``pending`` and ``todo``;
    ``done(future)`` runs after each result (a Dask future's release)."""
    pending = deque() if pending is None else pending

    def oldest():
        r = pending[0][1].result()
        f, fut = pending.popleft()
        if done is not None:
            done(fut)
        return f, r

    for f in todo:
        pending.append((f, submit(f)))
        if len(pending) >= window:
            yield oldest()
    while pending:
        yield oldest()


def _reachable(address: str, seconds: float = 3.0) -> None:
    """Raise ``OSError`` at once when nothing listens at a ``tcp://host:port`` address (a Dask
    client would retry for its whole timeout first)."""
    import socket
    from urllib.parse import urlparse

    u = urlparse(address if "://" in address else f"tcp://{address}")
    if u.hostname and u.port:
        with socket.create_connection((u.hostname, u.port), timeout=seconds):
            pass


def _dask_results(files: list[Path], names: dict[Path, str], ocr: str, scheduler: str,
                  hook) -> Iterator[tuple[Path, ExtractionResult]]:
    """:func:`extract_file` of ``files`` on a Dask cluster (``dask.distributed``), in file order.

    ``scheduler`` is a scheduler address (``tcp://10.0.0.5:8786``) or ``"local"`` (a
    ``LocalCluster`` of one single-threaded worker process per core, closed at the end). The
    workers read the files by their paths (a shared folder, or the same copy on every machine)
    and need regpipe installed; at most ``8 ×`` the cluster's threads notices are in flight.

    Raises:
        ExtractionError: ``dask.distributed`` is not installed (``pip install 'regpipe[dask]'``)
            or the scheduler cannot be reached.
    """
    from .errors import ExtractionError

    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as e:
        raise ExtractionError("--dask needs dask.distributed: pip install 'regpipe[dask]'") from e
    cluster = None
    try:
        if scheduler == "local":
            cluster = LocalCluster(n_workers=default_jobs(), threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
        else:
            _reachable(scheduler)
            client = Client(scheduler, timeout=30)
    except (OSError, TimeoutError) as e:
        if cluster is not None:
            cluster.close()
        raise ExtractionError(f"cannot reach the Dask scheduler {scheduler} ({e})") from e
    try:
        submit = lambda f: client.submit(_extract_in_worker, f, names.get(f), ocr, hook, pure=False)  # noqa: E731
        yield from _in_order(iter(files), submit, 8 * max(1, sum(client.nthreads().values())),
                             done=lambda fut: fut.release())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def extract_files(files: list[Path], names: dict[Path, str], ocr: str = "auto", jobs: int = 1,
                  hook: Callable[[], None] | None = None, dask: str | None = None
                  ) -> Iterator[tuple[Path, ExtractionResult]]:
    """:func:`extract_file` over ``files``, yielding ``(file, result)`` in the order of ``files``.

    With ``jobs`` > 1 the files are read by that many worker processes (at most ``4 * jobs``
    notices in flight, so memory stays flat); the caller stays the single writer. The results are
    the same as with ``jobs=1``: extraction is a pure function of the file. If a worker dies (out
    of memory, a crash in a native library), the notices not yet read are read in this process.

    Args:
        files: notice files; names: file → notice name (:func:`notice_names`).
        hook: called after each notice in the process that read it (benchmarks clear caches).
        dask: a Dask scheduler address or ``"local"``: the notices are read on that cluster
            instead (:func:`_dask_results`; ``jobs`` is then unused).
    """
    if dask:
        yield from _dask_results(files, names, ocr, dask, hook)
        return
    jobs = max(1, min(jobs, len(files)))
    if jobs == 1:
        nlp = get_nlp()
        for f in files:
            r = extract_file(f, nlp, names.get(f), ocr)
            if hook is not None:
                hook()
            yield f, r
        return
    get_nlp()  # loaded before the workers fork, so they share it
    pending: deque = deque()
    todo = iter(files)
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_pool_context())
    try:
        yield from _in_order(todo, lambda f: pool.submit(_extract_in_worker, f, names.get(f), ocr, hook), 4 * jobs,
                             pending=pending)
        return
    except BrokenProcessPool:
        rest = [g for g, _ in pending] + list(todo)
    finally:  # also when the caller stops early (an error while storing): drop the queued notices
        pool.shutdown(wait=True, cancel_futures=True)
    nlp = get_nlp()
    for f in rest:
        yield f, extract_file(f, nlp, names.get(f), ocr)


def _store(db, db_path, r: ExtractionResult, checkpoint) -> None:
    """Save one notice; SQLite's operational errors become one :class:`StoreError` line."""
    import sqlite3

    try:
        save(db, r.notice, list(r.clauses), list(r.obligations), list(r.definitions))
        checkpoint()
    except sqlite3.OperationalError as e:
        if "readonly" in str(e) or "read-only" in str(e):
            raise StoreError(f"{db_path}: read-only database; extracting needs write access to it and its folder") from e
        if "locked" in str(e) or "busy" in str(e):
            raise StoreError(f"{db_path}: another process held the database for over a minute ({e}); run again") from e
        raise StoreError(f"{db_path}: cannot write the database ({e})") from e


def _with_result_warning(r: ExtractionResult, warning: str) -> ExtractionResult:
    from dataclasses import replace
    return replace(r, status="warning", notice=_with_warning(r.notice, warning))


def _renamed(r: ExtractionResult, name: str, warning: str) -> ExtractionResult:
    """``r`` with its notice (and every clause and obligation row's ``doc``) under ``name``."""
    from dataclasses import replace
    notice = _with_warning(replace(r.notice, name=name), warning)
    return replace(r, status="warning", notice=notice, obligations=tuple(replace(o, doc=name) for o in r.obligations))


def _with_warning(notice, warning):
    from dataclasses import replace
    return replace(notice, warnings=notice.warnings + (warning,))


def notice_names(files: list[Path]) -> tuple[dict[Path, str], dict[Path, str]]:
    """A unique notice name for every file of one run, and a warning for each renamed one.

    A notice is named by its file name without extension. When several files share that stem
    (``a/index.txt`` and ``b/index.txt``, ``notice.txt`` and ``notice.html``), the first in path
    order keeps it and each other gets a stable suffix: its extension when that differs
    (``notice-html``), else the folders that tell it apart (``b-index``), else a hash of its path.

    Returns:
        (file → name, file → warning naming both files).
    """
    names: dict[Path, str] = {}
    warnings: dict[Path, str] = {}
    taken: dict[str, Path] = {}
    for f in files:
        stem = f.stem
        if stem not in taken:
            names[f], taken[stem] = stem, f
            continue
        first = taken[stem]
        cands = []
        if f.suffix.lower() != first.suffix.lower():
            cands.append(f"{stem}-{f.suffix.lower().lstrip('.')}")
        own = [p for p in f.parent.parts if p not in first.parent.parts]
        if own:
            cands.append("-".join(own[-2:] + [stem]))
        cands.append(f"{stem}-{hashlib.sha1(str(f).encode()).hexdigest()[:6]}")
        name = next(c for c in cands if c not in taken)
        names[f], taken[name] = name, f
        warnings[f] = f"notice name {stem!r} is already {first}'s: stored as {name!r}"
    return names, warnings


def _unclaimed_name(db, notice, source: str) -> tuple[str, str | None]:
    """``notice.name``, or a suffixed name when the database already holds another file's
    notice under it (another source and other content); then also the warning."""
    row = db.execute("select source, id from notices where name = ?", [notice.name]).fetchone()
    if row is None or row[0] == source or row[1] == notice.sha256[:16]:
        return notice.name, None
    name = f"{notice.name}-{hashlib.sha1(source.encode()).hexdigest()[:6]}"
    return name, f"notice name {notice.name!r} is already {row[0]}'s in the database: stored as {name!r}"


def extract_paths(paths: list[str | Path], db_path: str | Path | None = "extracted/requirements.db",
                  out_dir: str | Path | None = "extracted", graph_path: str | Path | None = "graph/requirements.graphml",
                  progress: Callable[[int, int, str], None] | None = None,
                  keep_records: bool = True, ocr: str = "auto", jobs: int = 1,
                  hook: Callable[[], None] | None = None, dask: str | None = None) -> list[ExtractionResult]:
    """Extract every notice under ``paths``; store, write JSONL and export the graph.

    Args:
        paths: files and folders (searched recursively).
        db_path: SQLite database (``None``: not stored; then no graph either).
        out_dir: folder for ``NAME.clauses.jsonl`` / ``NAME.obligations.jsonl`` (``None``: none).
        graph_path: GraphML file of the whole database after this run (``None``: not written).
        progress: called after each file.
        keep_records: keep each notice's clauses, obligations and text in its result; ``False``
            keeps only metadata and counts (:meth:`ExtractionResult.light`), so memory stays flat
            over thousands of notices.
        ocr: ``"auto"`` (scanned PDFs read by Tesseract when installed) or ``"never"``.
        jobs: worker processes that ingest, segment and extract (:func:`extract_files`; this
            process alone stores and writes, so the outputs are the same for every ``jobs``).
        hook, dask: see :func:`extract_files` (``dask``: a scheduler address or ``"local"``).
    Returns:
        one :class:`ExtractionResult` per file, in path order.
    Raises:
        StoreError: the database cannot be opened.
        ExtractionError: ``dask`` given without dask.distributed, or its scheduler unreachable.
    """
    files = iter_notice_files(paths)
    names, renamed = notice_names(files)
    db = open_db(db_path) if db_path else None
    results = []
    with batch(db) if db is not None else nullcontext(lambda: None) as checkpoint:
        for i, (f, r) in enumerate(extract_files(files, names, ocr, jobs, hook, dask), 1):
            if r.status != "error":
                if f in renamed:
                    r = _with_result_warning(r, renamed[f])
                if db is not None:
                    name, clash = _unclaimed_name(db, r.notice, str(f))
                    if clash:
                        r = _renamed(r, name, clash)
                t = time.perf_counter()
                if db is not None:
                    _store(db, db_path, r, checkpoint)
                if out_dir:
                    write_jsonl(out_dir, r.notice, list(r.clauses), list(r.obligations), list(r.definitions))
                r.timings["store"] = time.perf_counter() - t
            results.append(r if keep_records else r.light())
            if progress:
                progress(i, len(files), str(f))
    if db is not None:
        flush_fts(db)
        resolve_citations(db)
        if graph_path:
            export_graph(db, graph_path)
    return results
