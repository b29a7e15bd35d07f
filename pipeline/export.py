"""Export: per-notice JSONL files in the format of GUIDELINES.md.

``NAME.clauses.jsonl``: ``{"doc", "path", "text", "id", "label", "kind"}`` per clause, document order.
``NAME.obligations.jsonl``: ``{"doc", "path", "subject", "subject_explicit", "modality",
"trigger", "action", "condition", "deadline", "id", "citations"}`` per obligation, document
order. ``NAME.definitions.jsonl``: ``{"doc", "term", "definition", "kind", "path", "scope", "note", "text"}``
per defined term (:mod:`pipeline.definitions`), written only for a notice that defines terms.
``NAME.notice.json``: the notice's metadata and text, its preamble, and each obligation's sentence
and offset: with the JSONL files, everything ``regpipe load`` needs to rebuild the database rows.
UTF-8, one object a line, keys in that order, so the files are stable under re-runs.
"""
from __future__ import annotations

import json
from pathlib import Path

from .model import Clause, Definition, Notice, Obligation
from .store import clause_id


def write_jsonl(out_dir: str | Path, notice: Notice, clauses: list[Clause], obligations: list[Obligation],
                definitions: list[Definition] = ()) -> tuple[Path, Path]:
    """Write the JSONL files of ``notice`` into ``out_dir`` (the definitions file only when it
    defines terms; a stale one of an earlier run is removed); return the clause and obligation
    files' paths."""
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
    from dataclasses import asdict

    preamble = next((c for c in clauses if c.kind == "preamble"), None)
    side = {"notice": asdict(notice),
            "preamble": ({"path": preamble.path, "label": preamble.label, "text": preamble.text,
                          "body": preamble.body, "id": clause_id(notice, preamble)} if preamble else None),
            "obligations": {o.id: {"sentence": o.sentence, "start": o.start,
                                   "citations": [[c.text, c.kind, c.key, c.alt_key] for c in o.citations]}
                            for o in obligations},
            "clauses": {clause_id(notice, c): {"parent": c.parent, "order": c.order, "body": c.body, "start": c.start,
                                               "end": c.end} for c in clauses}}
    (out / f"{notice.name}.notice.json").write_text(json.dumps(side, ensure_ascii=False, indent=1) + "\n",
                                                   encoding="utf-8", newline="\n")
    dpath = out / f"{notice.name}.definitions.jsonl"
    if definitions:
        with dpath.open("w", encoding="utf-8", newline="\n") as fh:
            for d in definitions:
                fh.write(json.dumps(d.to_record(), ensure_ascii=False) + "\n")
    elif dpath.exists():
        dpath.unlink()  # this run found none: the file of an earlier run would be stale
    return cpath, opath
