"""Wall time of a query command against an empty Python start, in the same run (issue #14).

Usage: python benchmarks/cli_startup.py [--repeat R] [--db PATH]   (default R=5,
extracted/requirements.db)

Prints the best of R runs of ``python -c pass``, ``regpipe query actors`` (as ``python -m
pipeline.cli``; as a table, whose rendering by rich takes most of the time with hundreds of
actors, and as ``--json``) and ``regpipe --help``, and the difference (goal: under 0.4 s above
Python).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def best(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, capture_output=True, check=False)
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--db", default=str(ROOT / "extracted" / "requirements.db"))
    args = ap.parse_args()
    base = best([sys.executable, "-c", "pass"], args.repeat)
    for label, cmd in (("query actors", ["query", "actors", "--db", args.db]),
                       ("query actors --json", ["query", "actors", "--json", "--db", args.db]),
                       ("--help", ["--help"])):
        t = best([sys.executable, "-m", "pipeline.cli", *cmd], args.repeat)
        print(f"regpipe {label:20s} {t:6.2f} s   python -c pass {base:5.2f} s   above Python {t - base:5.2f} s "
              f"(goal < 0.40)", flush=True)


if __name__ == "__main__":
    main()
