"""Speed of `regpipe diff` on the bundled version series.

Usage: python benchmarks/diff_speed.py [--repeat R]

For each pair in corpora/versions/ prints the clause counts, the time to extract both versions
(ingest + segment + obligations; the spaCy pipeline is loaded once beforehand) and the time of
the diff itself (alignment, character diffs, obligation changes), best of R runs (default 5).
Goal: two 80-article laws well under a second. A last line doubles a law (its articles
repeated, ~220 clauses a side) to show the alignment does not grow quadratically.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.diff import diff_versions, load_version  # noqa: E402
from pipeline.nlp import get_nlp  # noqa: E402

PAIRS = [("cert-accreditation-regulation-2016", "cert-accreditation-regulation-2020"),
         ("cert-accreditation-regulation-2020", "cert-accreditation-regulation-2023"),
         ("metrology-law-implementing-rules-2018", "metrology-law-implementing-rules-2022"),
         ("shanghai-inspection-testing-regulation-2016", "shanghai-inspection-testing-regulation-2024")]


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    get_nlp()
    v = ROOT / "corpora" / "versions"
    for a, b in PAIRS:
        t_load, (old, new) = best(lambda: (load_version(v / f"{a}.md"), load_version(v / f"{b}.md")), args.repeat)
        t_diff, d = best(lambda: diff_versions(old, new), args.repeat)
        print(f"{a} → {b}: {len(old.clauses)}/{len(new.clauses)} clauses  extract {t_load * 1000:.0f} ms  "
              f"diff {t_diff * 1000:.1f} ms  ({d.summary})", flush=True)
    old, new = load_version(v / f"{PAIRS[0][0]}.md"), load_version(v / f"{PAIRS[0][1]}.md")
    for factor in (2, 4):
        big_old = replace(old, clauses=tuple(replace(c, path=f"{k}/{c.path}") for k in range(factor) for c in old.clauses))
        big_new = replace(new, clauses=tuple(replace(c, path=f"{k}/{c.path}") for k in range(factor) for c in new.clauses))
        t_diff, _ = best(lambda: diff_versions(big_old, big_new), args.repeat)
        print(f"x{factor}: {len(big_old.clauses)}/{len(big_new.clauses)} clauses  diff {t_diff * 1000:.1f} ms", flush=True)


if __name__ == "__main__":
    main()
