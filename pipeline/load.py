"""Load: rebuild database rows from the files ``regpipe extract`` wrote (``regpipe load``).

Several machines (or teams) can each extract a part of a corpus; their ``extracted/`` folders
(``NAME.notice.json``, ``NAME.clauses.jsonl``, ``NAME.obligations.jsonl``,
``NAME.definitions.jsonl``) are merged into one database by loading them, without reading or
extracting the notices again. Every row gets the ID it had (the IDs are recomputed from the
notice hash and checked against the files).
"""
from __future__ import annotations

import json
from pathlib import Path

from .errors import InputError
from .model import (Citation, Clause, Deadline, Definition, ExtractionResult, HistoryEvent, Notice, Obligation,
                    Relation)
from .store import clause_id


def _jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_outputs(notice_file: Path) -> ExtractionResult:
    """The notice, clauses, obligations and definitions a ``NAME.notice.json`` and its JSONL
    siblings hold.

    Raises:
        InputError: a file is missing or malformed, or its clause IDs do not match the notice
            (written by another version of regpipe, or edited).
    """
    folder, name = notice_file.parent, notice_file.name[:-len(".notice.json")]
    try:
        side = json.loads(notice_file.read_text(encoding="utf-8"))
        n = side["notice"]
        n["history"] = tuple(HistoryEvent(**e) for e in n.get("history", ()))
        n["relations"] = tuple(Relation(**r) for r in n.get("relations", ()))
        for k in ("addressees", "attachments", "warnings", "revisions"):
            n[k] = tuple(n.get(k) or ())
        notice = Notice(**n)
        meta = side["clauses"]
        records = _jsonl(folder / f"{name}.clauses.jsonl")
        if side.get("preamble"):
            records.insert(0, {**side["preamble"], "kind": "preamble"})
        clauses = []
        for r in records:
            m = meta[r["id"]]
            c = Clause(path=r["path"], label=r["label"], kind=r["kind"], text=r["text"], heading="",
                       lines=tuple(r["text"].split("\n")), start=m["start"], end=m["end"], order=m["order"],
                       parent=m["parent"], body=m["body"])
            if clause_id(notice, c) != r["id"]:
                raise InputError(notice_file, f"clause {r['path']!r}: its ID does not match the notice "
                                              "(written by another regpipe, or edited)")
            clauses.append(c)
        extra = side["obligations"]
        obligations = []
        for r in _jsonl(folder / f"{name}.obligations.jsonl"):
            x = extra.get(r["id"], {})
            d = r.get("deadline")
            obligations.append(Obligation(
                doc=r["doc"], path=r["path"], subject=r["subject"], subject_explicit=r["subject_explicit"],
                modality=r["modality"], trigger=r["trigger"], action=r["action"], condition=r["condition"],
                deadline=Deadline(d["text"], d["kind"], d.get("date")) if d else None,
                citations=tuple(Citation(*c) for c in x.get("citations", ())), sentence=x.get("sentence", ""),
                start=x.get("start", -1), id=r["id"], actor=r.get("actor", ""),
                subject_source=r.get("subject_source", "explicit"), rules=tuple(r.get("rules", ()))))
        definitions = [Definition(**{"text": "", **r}) for r in _jsonl(folder / f"{name}.definitions.jsonl")]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise InputError(notice_file, f"not a regpipe output file set ({type(e).__name__}: {e})") from e
    status = "warning" if notice.warnings else "ok"
    return ExtractionResult(source=str(notice_file), status=status, notice=notice, clauses=tuple(clauses),
                            obligations=tuple(obligations), definitions=tuple(definitions))


def load_outputs(folders: list[str | Path], db_path: str | Path, graph_path: str | Path | None = None
                 ) -> list[ExtractionResult]:
    """Load every ``*.notice.json`` under ``folders`` (with its JSONL files) into ``db_path``;
    a notice already there (by name) is replaced, as ``regpipe extract`` does. A bad file set
    gives an ``error`` result naming it and never stops the others. Returns one result each.

    Raises:
        StoreError: the database cannot be opened or written.
    """
    from .graph import export_graph
    from .store import batch, flush_fts, open_db, resolve_citations, save

    files = sorted(f for d in map(Path, folders) for f in (d.rglob("*.notice.json") if d.is_dir() else [d]))
    db = open_db(db_path)
    results = []
    with batch(db) as checkpoint:
        for f in files:
            try:
                r = read_outputs(f)
            except InputError as e:
                results.append(ExtractionResult(source=str(f), status="error", error=str(e)))
                continue
            save(db, r.notice, list(r.clauses), list(r.obligations), list(r.definitions))
            checkpoint()
            results.append(r.light())
    flush_fts(db)
    resolve_citations(db)
    if graph_path:
        export_graph(db, graph_path)
    return results
