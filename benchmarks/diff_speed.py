"""Speed of `regpipe diff` on the bundled version series.

Usage: python benchmarks/diff_speed.py [--repeat R]

For each pair in corpora/versions/ prints the clause counts, the time to extract both versions
(ingest + segment + obligations; the spaCy pipeline is loaded once beforehand) and the time of
the diff itself (alignment, character diffs, obligation changes), best of R runs (default 5).
Goal: two 80-article laws well under a second. Two lines repeat a law's articles two and four
times (~220 and ~450 clauses a side) to show the alignment does not grow quadratically; a last
line diffs a heavy revision of a 74-article law (articles deleted, inserted, moved, grown).
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
        big_old = replace(old, clauses=tuple(replace(c, path=f"{k}/{c.path}", parent=f"{k}/{c.parent}" if c.parent else "")
                                             for k in range(factor) for c in old.clauses))
        big_new = replace(new, clauses=tuple(replace(c, path=f"{k}/{c.path}", parent=f"{k}/{c.parent}" if c.parent else "")
                                             for k in range(factor) for c in new.clauses))
        t_diff, _ = best(lambda: diff_versions(big_old, big_new), args.repeat)
        print(f"x{factor}: {len(big_old.clauses)}/{len(big_new.clauses)} clauses  diff {t_diff * 1000:.1f} ms", flush=True)

    # a heavy revision of a 74-article law (tests/test_diff_alignment.py: articles deleted,
    # inserted, moved across chapters, grown, kept inside longer ones): the alignment's worst case
    import tempfile

    from tests.test_diff_alignment import _revise
    old_text, new_text, _ = _revise(1)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "old.md").write_text(old_text, encoding="utf-8")
        (Path(tmp) / "new.md").write_text(new_text, encoding="utf-8")
        old, new = load_version(Path(tmp) / "old.md"), load_version(Path(tmp) / "new.md")
    t_diff, d = best(lambda: diff_versions(old, new), args.repeat)
    print(f"revised product-quality-law-2018: {len(old.clauses)}/{len(new.clauses)} clauses  diff {t_diff * 1000:.1f} ms  "
          f"({d.summary})", flush=True)


if __name__ == "__main__":
    main()
