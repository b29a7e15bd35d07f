"""Ingest and segmentation time on one large file (a law's articles repeated): linear growth.

Usage: python benchmarks/large_input.py [MB ...]   (default: 2 8 32)

For each size writes a markdown file of that many megabytes (产品质量法's articles repeated),
then prints the seconds to ingest it (decode, clean, metadata) and to segment it into clauses,
and the seconds per MB, which stay flat when both stages are linear (issue #12: a 16 MB file
once took 57 s to segment, a 50 MB file 28 minutes). Extraction of obligations is timed by
``extract_throughput.py``.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.ingest import ingest  # noqa: E402
from pipeline.segment import segment  # noqa: E402


def main(sizes: list[float]) -> None:
    law = (ROOT / "corpora" / "more" / "product-quality-law-2018.md").read_text(encoding="utf-8")
    head, body = law.split("\n## ", 1)
    body = "## " + body
    with tempfile.TemporaryDirectory() as tmp:
        for mb in sizes:
            copies = int(mb * 1e6 / len(body.encode("utf-8"))) + 1
            f = Path(tmp) / f"large-{mb:g}MB.md"
            f.write_text(head + ("\n" + body) * copies, encoding="utf-8")
            size = f.stat().st_size / 1e6
            t0 = time.perf_counter()
            notice = ingest(f)
            t1 = time.perf_counter()
            clauses = segment(notice)
            t2 = time.perf_counter()
            print(f"{size:6.1f} MB  ingest {t1 - t0:6.2f} s  segment {t2 - t1:6.2f} s  "
                  f"({(t2 - t0) / size:.3f} s/MB, {len(clauses)} clauses)", flush=True)


if __name__ == "__main__":
    main([float(a) for a in sys.argv[1:]] or [2, 8, 32])
