"""Latency of each `regpipe query` type on a database of N notices (default 1000).

Usage: python benchmarks/query_latency.py [N] [--runs R] [--db PATH] [--idle-only]

Builds the database with `extract_paths` over the corpora replicated N times (distinct copies,
see _corpus.py), or reuses ``--db`` when it exists, then runs every query type R times (default
30) through the library API the CLI uses (a terminal table reads the first 200 rows and counts
the rest; ``--json`` prints every row, copied out of the database as :func:`pipeline.query.
obligations_json` returns them; all versions, as with ``--all-versions``: the copies of one rule
supersede each other), and prints the median and 95th-percentile latency in
milliseconds and the number of rows returned. Goal: every median under 100 ms at 1,000 notices.
The last row is no CLI query: a Python program asking :func:`pipeline.query.obligations` for
every duty of 认证机构 gets 12,694 objects built, shown for those who use the library.
A run's time covers the query and building its answer (with Python's garbage collector on), not
freeing the previous run's answer or collecting what earlier runs left.

Each query is timed twice: on an idle machine, and while a second process extracts notices
(``regpipe extract --jobs 1`` over copies of the corpora into another database, restarted
whenever it finishes), as a researcher's queries run while a colleague's extraction does.
"""
from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import threading
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
    ap.add_argument("--idle-only", action="store_true", help="skip the timing on a busy machine")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.db or Path(tmp) / "bench.db"
        if not db_path.exists():
            build(args.n, db_path)
        db = open_db(db_path, create=False, readonly=True)  # as `regpipe query` opens it
        n_notices = db.execute("select count(*) from notices").fetchone()[0]
        n_obl = db.execute("select count(*) from obligations").fetchone()[0]
        print(f"{n_notices} notices, {n_obl} obligations")
        some = q.obligations(db, actor="审核员", limit=1)[0]
        first = db.execute("select name from notices where name like 'copy00001%' or name = ? limit 1",
                           [some.notice]).fetchone()[0]
        cases = {
            "obligations --actor 审核员": lambda: q.obligations(db, actor="审核员"),
            "obligations --actor 认证机构 --modality must_not --notice NAME": lambda: q.obligations(
                db, actor="认证机构", modality="must_not", notice=first),
            "obligations --actor 认证机构 --limit 100": lambda: q.obligations(db, actor="认证机构", limit=100),
            "obligations --actor 认证机构 --all-versions (table: 200 + count)": lambda: (
                q.obligations(db, actor="认证机构", limit=200), q.count_obligations(db, actor="认证机构"))[0],
            "obligations --actor 认证机构 --all-versions --json (every row)": lambda: q.obligations_json(
                db, actor="认证机构"),
            "obligations --text 执业资格注册": lambda: q.obligations(db, text="执业资格注册"),
            "obligations --cites GB/T 27021": lambda: q.obligations(db, cites="GB/T 27021"),
            "obligations --due-before 2027-01-01": lambda: q.obligations(db, due_before="2027-01-01"),
            "actors": lambda: q.actors(db),
            "deadlines --as-of 2026-11-23": lambda: q.deadlines(db, as_of="2026-11-23"),
            "citations": lambda: q.citations(db),
            "citations --of 认证认可条例": lambda: q.citing_clauses(db, "认证认可条例"),
            f"show {some.id}": lambda: q.show(db, some.id),
            "(library) obligations(actor=认证机构): every row as ObligationRow": lambda: q.obligations(
                db, actor="认证机构"),
        }
        idle = _time(cases, args.runs)
        busy = {}
        if not args.idle_only:
            with _busy_machine(Path(tmp)):
                busy = _time(cases, args.runs)
        print(f"{'query':62s} {'idle median':>11s} {'p95':>6s} {'busy median':>11s} {'p95':>6s} {'rows':>6s}")
        for name in cases:
            (med, p95, rows) = idle[name]
            b = busy.get(name)
            print(f"{name:62s} {med:11.1f} {p95:6.1f} " + (f"{b[0]:11.1f} {b[1]:6.1f}" if b else f"{'—':>11s} {'—':>6s}")
                  + f" {rows:6d}", flush=True)


def _time(cases: dict, runs: int) -> dict[str, tuple[float, float, int]]:
    """Per case: (median ms, 95th percentile ms, rows of the answer) of ``runs`` calls. The
    cases take turns (one call of each per round), so a slow spell of a shared machine falls on
    every case alike instead of on whichever ran during it."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    rows: dict[str, int] = {}
    for _ in range(runs):
        for name, fn in cases.items():
            out = None  # free the previous answer outside the timed region, and collect its
            gc.collect()  # cycles there too: each call starts clean, as a `regpipe query` process does
            t = time.perf_counter()
            out = fn()
            times[name].append((time.perf_counter() - t) * 1000)
            rows[name] = (out.count(b"\n{") if isinstance(out, bytes) else  # a JSON list, one row a line
                          len(out.dated) if hasattr(out, "dated") else
                          len(out.neighbours) if hasattr(out, "neighbours") else len(out))
    result = {}
    for name, ts in times.items():
        ts.sort()
        result[name] = (statistics.median(ts), ts[int(0.95 * (len(ts) - 1))], rows[name])
    return result


class _busy_machine:
    """A context in which a second process keeps extracting (restarted when it finishes)."""

    def __init__(self, tmp: Path):
        self.dir = tmp / "busy"
        self.dir.mkdir(exist_ok=True)
        self.stop = threading.Event()
        self.proc = None

    def _loop(self):
        k = 0
        while not self.stop.is_set():
            k += 1
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "pipeline.cli", "extract", str(self.dir / "corpus"), "--db",
                 str(self.dir / f"b{k}.db"), "--out", str(self.dir / f"out{k}"), "--graph", str(self.dir / f"g{k}.graphml"),
                 "--jobs", "1", "--json"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
            self.proc.wait()

    def __enter__(self):
        (self.dir / "corpus").mkdir(exist_ok=True)
        if not any((self.dir / "corpus").iterdir()):
            make_corpus(60, self.dir / "corpus")
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()
        time.sleep(3)  # the extractor has loaded its models and is reading notices
        return self

    def __exit__(self, *exc):
        self.stop.set()
        if self.proc is not None:
            self.proc.kill()
        self.thread.join(timeout=30)


if __name__ == "__main__":
    main()
