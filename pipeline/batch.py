"""Batch: run ingest → segment → extract → store over files and folders.

One result per notice (:class:`~pipeline.model.ExtractionResult`); a file that cannot be read
gets ``status="error"`` with the reason and never stops the others. Progress is reported
through a callback ``progress(done: int, total: int, path: str)`` so the library never imports
a UI toolkit. Stage times are in seconds (``result.timings``).
"""
from __future__ import annotations

import time
from contextlib import nullcontext
from pathlib import Path
from typing import Callable

from .errors import InputError
from .export import write_jsonl
from .extract import read_notice
from .graph import export_graph
from .ingest import ingest, iter_notice_files
from .model import ExtractionResult
from .nlp import get_nlp
from .segment import segment
from .store import batch, flush_fts, open_db, resolve_citations, save


def extract_file(path: str | Path, nlp=None) -> ExtractionResult:
    """Ingest, segment and extract one notice file (nothing written).

    Bad input gives ``status="error"`` and ``error`` = ``"<file>: <reason>"``; no exception.
    """
    nlp = nlp or get_nlp()
    timings = {}
    t0 = time.perf_counter()
    try:
        notice = ingest(path)
    except InputError as e:
        return ExtractionResult(source=str(path), status="error", error=str(e))
    t1 = time.perf_counter()
    try:
        clauses = segment(notice)
        t2 = time.perf_counter()
        obligations, subject_warnings = read_notice(notice, clauses, nlp)
    except Exception as e:  # a defect of ours must not lose the other notices' results
        return ExtractionResult(source=str(path), status="error",
                                error=f"{path}: internal error while extracting ({type(e).__name__}: {e}); please report it")
    t3 = time.perf_counter()
    timings.update(ingest=t1 - t0, segment=t2 - t1, extract=t3 - t2)
    if not any(c.kind != "preamble" for c in clauses):
        notice = _with_warning(notice, "no numbered clauses found")
    for w in subject_warnings:
        notice = _with_warning(notice, w)
    status = "warning" if notice.warnings else "ok"
    return ExtractionResult(source=str(path), status=status, notice=notice, clauses=tuple(clauses),
                            obligations=tuple(obligations), timings=timings)


def _with_warning(notice, warning):
    from dataclasses import replace
    return replace(notice, warnings=notice.warnings + (warning,))


def extract_paths(paths: list[str | Path], db_path: str | Path | None = "extracted/requirements.db",
                  out_dir: str | Path | None = "extracted", graph_path: str | Path | None = "graph/requirements.graphml",
                  progress: Callable[[int, int, str], None] | None = None,
                  keep_records: bool = True) -> list[ExtractionResult]:
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
    Returns:
        one :class:`ExtractionResult` per file, in path order.
    Raises:
        StoreError: the database cannot be opened.
    """
    files = iter_notice_files(paths)
    nlp = get_nlp()
    db = open_db(db_path) if db_path else None
    results = []
    with batch(db) if db is not None else nullcontext(lambda: None) as checkpoint:
        for i, f in enumerate(files, 1):
            r = extract_file(f, nlp)
            if r.status != "error":
                t = time.perf_counter()
                if db is not None:
                    save(db, r.notice, list(r.clauses), list(r.obligations))
                    checkpoint()
                if out_dir:
                    write_jsonl(out_dir, r.notice, list(r.clauses), list(r.obligations))
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
