"""A corpus of N distinct notices for the benchmarks: the bundled corpora replicated.

Each copy gets a new file name and one extra line, ``（副本00042）``, after its first line
(before the first ``<p`` for HTML: the end of a notice may be cut as a trailer), so its content hash, and hence its notice ID, differs from
every other copy's: the database then holds N notices, not the 19 distinct ones. PDFs are
copied unchanged (they would dedupe; the bundled corpora hold none).
"""
from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_corpus(n: int, dest: Path) -> list[Path]:
    """Write ``n`` notice files into ``dest``; return their paths."""
    from pipeline.ingest import iter_notice_files

    sources = iter_notice_files([ROOT / "corpora"])
    out = []
    for i in range(n):
        src = sources[i % len(sources)]
        f = dest / f"copy{i:05d}-{src.name}"
        data = src.read_bytes()
        mark = f"（副本{i:05d}）".encode()
        if b"<p" in data:
            data = data.replace(b"<p", b"<p>" + mark + b"</p><p", 1)
        else:
            first, _, rest = data.partition(b"\n")
            data = first + b"\n" + mark + b"\n" + rest
        if src.suffix.lower() == ".pdf":
            shutil.copyfile(src, f)
        else:
            f.write_bytes(data)
        out.append(f)
    return out
