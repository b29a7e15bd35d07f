"""Export: per-notice JSONL files in the format of GUIDELINES.md.

``NAME.clauses.jsonl``: ``{"doc", "path", "text", "id", "label", "kind"}`` per clause, document order.
``NAME.obligations.jsonl``: ``{"doc", "path", "subject", "subject_explicit", "modality",
"trigger", "action", "condition", "deadline", "id", "citations"}`` per obligation, document
order. UTF-8, one object a line, keys in that order, so the files are stable under re-runs.
"""
from __future__ import annotations

import json
from pathlib import Path

from .model import Clause, Notice, Obligation
from .store import clause_id


def write_jsonl(out_dir: str | Path, notice: Notice, clauses: list[Clause], obligations: list[Obligation]) -> tuple[Path, Path]:
    """Write the two JSONL files of ``notice`` into ``out_dir``; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cpath, opath = out / f"{notice.name}.clauses.jsonl", out / f"{notice.name}.obligations.jsonl"
    with cpath.open("w", encoding="utf-8", newline="\n") as fh:
        for c in clauses:
            if c.kind == "preamble":
                continue  # stored and read, but no clause of GUIDELINES.md
            fh.write(json.dumps({"doc": notice.name, "path": c.path, "text": c.text, "id": clause_id(notice, c),
                                 "label": c.label, "kind": c.kind}, ensure_ascii=False) + "\n")
    with opath.open("w", encoding="utf-8", newline="\n") as fh:
        for o in obligations:
            fh.write(json.dumps(o.to_record(), ensure_ascii=False) + "\n")
    return cpath, opath
