"""Latency of each `regpipe query` type on a database of N notices (default 1000).

Usage: python benchmarks/query_latency.py [N] [--runs R] [--db PATH]

Builds the database with `extract_paths` over the corpora replicated N times (distinct copies,
see _corpus.py), or reuses ``--db`` when it exists, then runs every query type R times (default
30) through the library API the CLI uses, and prints the median and 95th-percentile latency in
milliseconds and the number of rows returned. Goal: every median under 100 ms at 1,000 notices.
A run's time covers the query and building its answer, not freeing the previous run's answer.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _corpus import make_corpus  # noqa: E402
from pipeline import query as q  # noqa: E402
from pipeline.batch import extract_paths  # noqa: E402
from pipeline.store import open_db  # noqa: E402


def build(n: int, db_path: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        make_corpus(n, corpus)
        t = time.perf_counter()
        extract_paths([corpus], db_path, None, None, keep_records=False)
        print(f"built {db_path} with {n} notices in {time.perf_counter() - t:.1f}s", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--db", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.db or Path(tmp) / "bench.db"
        if not db_path.exists():
            build(args.n, db_path)
        db = open_db(db_path, create=False)
        n_notices = db.execute("select count(*) from notices").fetchone()[0]
        n_obl = db.execute("select count(*) from obligations").fetchone()[0]
        print(f"{n_notices} notices, {n_obl} obligations")
        some = q.obligations(db, actor="审核员", limit=1)[0]
        cases = {
            "obligations --actor 审核员": lambda: q.obligations(db, actor="审核员"),
            "obligations --actor 认证机构 --modality must_not --notice copy00001": lambda: q.obligations(
                db, actor="认证机构", modality="must_not", notice="copy00001"),
            "obligations --actor 认证机构 --limit 100": lambda: q.obligations(db, actor="认证机构", limit=100),
            "obligations --actor 认证机构 (every row)": lambda: q.obligations(db, actor="认证机构"),
            "obligations --text 执业资格注册": lambda: q.obligations(db, text="执业资格注册"),
            "obligations --cites GB/T 27021": lambda: q.obligations(db, cites="GB/T 27021"),
            "obligations --due-before 2027-01-01": lambda: q.obligations(db, due_before="2027-01-01"),
            "actors": lambda: q.actors(db),
            "deadlines --as-of 2026-11-23": lambda: q.deadlines(db, as_of="2026-11-23"),
            "citations": lambda: q.citations(db),
            "citations --of 认证认可条例": lambda: q.citing_clauses(db, "认证认可条例"),
            f"show {some.id}": lambda: q.show(db, some.id),
        }
        print(f"{'query':70s} {'median ms':>10s} {'p95 ms':>8s} {'rows':>7s}")
        for name, fn in cases.items():
            times = []
            out = None
            for _ in range(args.runs):
                out = None  # free the previous answer outside the timed region
                t = time.perf_counter()
                out = fn()
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            rows = len(out.dated) if hasattr(out, "dated") else len(out.neighbours) if hasattr(out, "neighbours") else len(out)
            print(f"{name:70s} {statistics.median(times):10.1f} {times[int(0.95 * (len(times) - 1))]:8.1f} {rows:7d}",
                  flush=True)


if __name__ == "__main__":
    main()
