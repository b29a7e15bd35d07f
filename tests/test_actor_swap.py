"""The actor-swap test (the idea of ../shared/eval/perturb.py, in the suite): the actors that gold
names as subjects are replaced, in the notice text and in the gold alike, by real actors of other
fields of regulation, drawn with a fresh random seed on every run. Extraction that finds subjects
by grammar scores the same on both; one that needs each actor in a lexicon does not.

Set ``REGPIPE_SWAP_SEED`` to rerun a given draw (the seed is printed on failure).
"""
from __future__ import annotations

import json
import os
import random
import re

from pipeline.batch import extract_paths
from pipeline.evaluate import _norm_subject, score

from .conftest import CORPORA, GOLD

POOL = [ln.strip() for ln in (GOLD.parent / "data" / "actor_pool.txt").read_text(encoding="utf-8").splitlines()
        if ln.strip() and not ln.startswith("#")]
HEADS = ("机构", "部门", "单位", "企业", "组织", "人员", "员", "者", "人", "委", "局", "会", "政府",
         "中心", "公司", "协会", "主体", "平台")
COORD = re.compile(r"[、，,和及与或]")
NOTICES = 5


def _candidates(gold: list[dict], text: str, clauses: dict[str, str]) -> list[str]:
    """The gold subjects to swap. A name that gold gives as an explicit subject of a clause that
    does not write it (``获证组织`` for ``获得产品认证的组织应当…``: the notice's contraction) is left
    alone: swapping its written form only would cut the link the annotation rests on."""
    flat = re.sub(r"\s+", "", text)
    derived = {_norm_subject(g.get("subject")) for g in gold
               if g.get("subject_explicit") and g.get("subject")
               and _norm_subject(g["subject"]) not in re.sub(r"\s+", "", clauses.get(g.get("path"), ""))}
    names = {s for s in (_norm_subject(g.get("subject")) for g in gold)
             if 3 <= len(s) <= 12 and not COORD.search(s) and s.endswith(HEADS) and s in flat and s not in derived}
    return sorted(names, key=lambda n: (-len(n), n))  # longest first, then by name: the same draw for a seed


def _swap(mapping):
    rx = re.compile("|".join(re.escape(k) for k in mapping))
    return lambda s: rx.sub(lambda m: mapping[m.group(0)], s) if isinstance(s, str) else s


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_subjects_survive_swapping_the_actors_for_actors_of_other_fields(tmp_path):
    seed = int(os.environ.get("REGPIPE_SWAP_SEED") or random.SystemRandom().randrange(2 ** 32))
    rng = random.Random(seed)
    names = sorted(p.name[: -len(".obligations.jsonl")] for p in GOLD.glob("*.obligations.jsonl"))
    dirs = {k: tmp_path / k for k in ("orig_in", "in", "orig_gold", "gold", "orig_out", "out")}
    for d in dirs.values():
        d.mkdir()
    swapped = {}
    for name in rng.sample(names, len(names)):
        src = next(p for p in CORPORA.rglob(f"{name}.*") if p.suffix in (".txt", ".md", ".html"))
        text = src.read_bytes().decode("utf-8-sig")
        gold = [json.loads(x) for x in (GOLD / f"{name}.obligations.jsonl").read_text(encoding="utf-8").splitlines()]
        clauses = {c["path"]: c["text"] for c in (json.loads(x) for x in (GOLD / f"{name}.clauses.jsonl").read_text(
            encoding="utf-8").splitlines())}
        cands = _candidates(gold, text, clauses)
        if not cands:
            continue
        free = [p for p in POOL if p not in text]
        rng.shuffle(free)
        mapping = dict(zip(cands, free))
        sub = _swap(mapping)
        swapped[name] = mapping
        (dirs["orig_in"] / src.name).write_bytes(src.read_bytes())
        (dirs["in"] / src.name).write_text(sub(text), encoding="utf-8")
        for kind in ("obligations", "clauses"):
            rows = [json.loads(x) for x in (GOLD / f"{name}.{kind}.jsonl").read_text(encoding="utf-8").splitlines()]
            _write(dirs["orig_gold"] / f"{name}.{kind}.jsonl", rows)
            out = []
            for r in rows:
                r = dict(r)
                for k in ("subject", "action", "condition", "text"):
                    r[k] = sub(r.get(k))
                if r.get("subject_alt"):
                    r["subject_alt"] = [sub(a) for a in r["subject_alt"]]
                out.append(r)
            _write(dirs["gold"] / f"{name}.{kind}.jsonl", out)
        if len(swapped) == NOTICES:
            break
    assert len(swapped) >= 4
    extract_paths([dirs["orig_in"]], tmp_path / "o.db", dirs["orig_out"], None)
    extract_paths([dirs["in"]], tmp_path / "s.db", dirs["out"], None)
    orig, _ = score(dirs["orig_gold"], dirs["orig_out"])
    pert, errors = score(dirs["gold"], dirs["out"])
    detail = (f"seed {seed}: {swapped}\noriginal subject={orig['subject_accuracy']} F1={orig['obligations']['f1']}"
              f"\nswapped subject={pert['subject_accuracy']} F1={pert['obligations']['f1']}\n"
              + "\n".join(e for e in errors if e.startswith("WRONG-SUBJECT"))[:3000])
    assert orig["subject_accuracy"] - pert["subject_accuracy"] <= 0.03, detail
    assert orig["obligations"]["f1"] - pert["obligations"]["f1"] <= 0.02, detail
