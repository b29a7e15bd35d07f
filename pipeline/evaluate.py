"""Evaluate: score predicted JSONL files against gold files (GUIDELINES.md, "Scoring").

Same matching and metrics as ``../shared/eval/score.py``: a prediction matches a gold
obligation of the same notice when the character-level F1 of their actions (whitespace
removed) is at least ``threshold``; matching is one-to-one, best first. Returns plain dicts.

Raises:
    EvalError: the gold folder holds no ``*.obligations.jsonl`` or a line is not JSON.
"""
from __future__ import annotations

import json
import re
from difflib import SequenceMatcher
from pathlib import Path

from .errors import EvalError

_WS = re.compile(r"\s+")


def _squash(s):
    return _WS.sub("", s or "")


_CONJ = re.compile(r"(^|[、，,和及与])各(?!级)(?=[^、，,和及与]{2,})")


def _norm_subject(s):
    """Whitespace removed, brackets full width, 各 dropped at the start of every conjunct (as
    ``../shared/eval/score.py``)."""
    s = _squash(s).replace("(", "（").replace(")", "）")
    if s.startswith("各") and not s.startswith("各级") and len(s) > 2:
        s = s[1:]
    return _CONJ.sub(lambda m: m.group(1), s)


def _subject_ok(g: dict, p: dict) -> bool:
    """The predicted subject equals the gold one or one of its ``subject_alt`` alternatives."""
    want = {_norm_subject(g.get("subject"))} | {_norm_subject(a) for a in g.get("subject_alt") or []}
    return _norm_subject(p.get("subject")) in want


def _norm_path(p):
    p = _squash(p).replace("(", "（").replace(")", "）")
    return "/".join(part.rstrip("、.．") for part in p.split("/")) if p else ""


def overlap_f1(a: str, b: str) -> float:
    """Character-level F1 of two strings (whitespace removed), via difflib matching blocks."""
    a, b = _squash(a), _squash(b)
    if not a or not b:
        return 0.0
    m = sum(blk.size for blk in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return 2 * m / (len(a) + len(b))


def _load(path: Path) -> list[dict]:
    if not path.exists():
        return []
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise EvalError(f"{path}:{n}: not JSON: {e}") from e
    return rows


def _dl(d):
    return (d.get("kind"), d.get("date")) if d else None


def _prf(tp, n_pred, n_gold):
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "pred": n_pred, "gold": n_gold}


def _match(gold, pred, threshold):
    cands = sorted(((overlap_f1(g.get("action", ""), p.get("action", "")), i, j)
                    for i, g in enumerate(gold) for j, p in enumerate(pred)), reverse=True)
    used_g, used_p, pairs = set(), set(), []
    for s, i, j in cands:
        if s >= threshold and i not in used_g and j not in used_p:
            used_g.add(i), used_p.add(j)
            pairs.append((i, j))
    return pairs


def score(gold_dir: str | Path, pred_dir: str | Path, threshold: float = 0.5) -> tuple[dict, list[str]]:
    """(metrics, error lines) for every notice in ``gold_dir``.

    Metrics: ``obligations`` (precision/recall/f1/tp/pred/gold), ``modality_accuracy``,
    ``subject_accuracy``, ``deadline_accuracy``, ``path_accuracy``, ``clauses`` (P/R/F1 of
    (doc, path)), ``clause_text_accuracy`` (difflib ratio >= 0.9) and ``per_doc``.
    """
    gold_dir, pred_dir = Path(gold_dir), Path(pred_dir)
    names = sorted(p.name[: -len(".obligations.jsonl")] for p in gold_dir.glob("*.obligations.jsonl"))
    if not names:
        raise EvalError(f"{gold_dir}: no *.obligations.jsonl gold files")
    tot = dict(tp=0, pred=0, gold=0, mod=0, subj=0, dl=0, path=0, c_tp=0, c_pred=0, c_gold=0, c_text=0)
    per_doc, errors = {}, []
    for name in names:
        g_obl = _load(gold_dir / f"{name}.obligations.jsonl")
        p_obl = _load(pred_dir / f"{name}.obligations.jsonl")
        pairs = _match(g_obl, p_obl, threshold)
        g_cl = {_norm_path(c["path"]): c for c in _load(gold_dir / f"{name}.clauses.jsonl")}
        p_cl = {_norm_path(c.get("path")): c for c in _load(pred_dir / f"{name}.clauses.jsonl")}
        common = g_cl.keys() & p_cl.keys()
        c_text = sum(SequenceMatcher(None, _squash(g_cl[k].get("text")), _squash(p_cl[k].get("text")),
                                     autojunk=False).ratio() >= 0.9 for k in common)
        counts = dict(tp=len(pairs), pred=len(p_obl), gold=len(g_obl), c_tp=len(common), c_pred=len(p_cl),
                      c_gold=len(g_cl), c_text=c_text, mod=0, subj=0, dl=0, path=0)
        for i, j in pairs:
            g, p = g_obl[i], p_obl[j]
            checks = (("modality", g["modality"] == p.get("modality")),
                      ("subject", _subject_ok(g, p)),
                      ("deadline", _dl(g.get("deadline")) == _dl(p.get("deadline"))))
            counts["mod"] += checks[0][1]
            counts["subj"] += checks[1][1]
            counts["dl"] += checks[2][1]
            counts["path"] += _norm_path(g.get("path")) == _norm_path(p.get("path"))
            for field, ok in checks:
                if not ok:
                    errors.append(f"WRONG-{field.upper()} {name} [{g.get('path')}] gold={g.get(field)} "
                                  f"pred={p.get(field)}: {g.get('action')}")
        for k, v in counts.items():
            tot[k] += v
        matched_g, matched_p = {i for i, _ in pairs}, {j for _, j in pairs}
        errors += [f"MISSED  {name} [{g.get('path')}] {g['modality']} {g.get('subject')}: {g.get('action')}"
                   for i, g in enumerate(g_obl) if i not in matched_g]
        errors += [f"SPURIOUS {name} [{p.get('path')}] {p.get('modality')} {p.get('subject')}: {p.get('action')}"
                   for j, p in enumerate(p_obl) if j not in matched_p]
        per_doc[name] = {"obligations": _prf(len(pairs), len(p_obl), len(g_obl)),
                         "clauses": _prf(len(common), len(p_cl), len(g_cl))}
    tp = tot["tp"]
    acc = (lambda k: round(tot[k] / tp, 4) if tp else 0.0)
    result = {"obligations": _prf(tp, tot["pred"], tot["gold"]), "modality_accuracy": acc("mod"),
              "subject_accuracy": acc("subj"), "deadline_accuracy": acc("dl"), "path_accuracy": acc("path"),
              "clauses": _prf(tot["c_tp"], tot["c_pred"], tot["c_gold"]),
              "clause_text_accuracy": round(tot["c_text"] / tot["c_tp"], 4) if tot["c_tp"] else 0.0,
              "per_doc": per_doc}
    return result, errors


def subject_errors_by_rule(gold_dir: str | Path, pred_dir: str | Path, threshold: float = 0.5) -> dict[str, dict]:
    """How the subjects each grammar rule set fare against the gold: ``{rule id: {"matched": n,
    "wrong": n}}`` over matched obligations, by the first rule the prediction records
    (``rules`` of the JSONL; ``"(none)"`` for predictions without). For finding which rule an
    error came from (the design's ``eval --by-rule``).

    Raises:
        EvalError: as :func:`score`.
    """
    gold_dir, pred_dir = Path(gold_dir), Path(pred_dir)
    names = sorted(p.name[: -len(".obligations.jsonl")] for p in gold_dir.glob("*.obligations.jsonl"))
    if not names:
        raise EvalError(f"{gold_dir}: no *.obligations.jsonl gold files")
    out: dict[str, dict] = {}
    for name in names:
        g_obl = _load(gold_dir / f"{name}.obligations.jsonl")
        p_obl = _load(pred_dir / f"{name}.obligations.jsonl")
        for i, j in _match(g_obl, p_obl, threshold):
            rules = p_obl[j].get("rules") or ["(none)"]
            row = out.setdefault(rules[-1] if rules[-1].startswith("recover.") else rules[0], {"matched": 0, "wrong": 0})
            row["matched"] += 1
            row["wrong"] += not _subject_ok(g_obl[i], p_obl[j])
    return dict(sorted(out.items(), key=lambda kv: -kv[1]["wrong"]))
