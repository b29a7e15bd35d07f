"""Throughput of `regpipe extract` on N notices (the corpora replicated under new names).

Usage: python benchmarks/extract_throughput.py [N ...]   (default: 50 200 800)

Prints per N: notices/s, characters/s, peak resident memory of the process (MiB), seconds per stage
(ingest, segment, extract, store) and the ratio of the whole pipeline's time to a plain jieba
segmentation pass over the same texts in the same run (goal: <= 3, time linear in N).
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
import resource
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.batch import extract_paths  # noqa: E402
from pipeline.ingest import ingest, iter_notice_files  # noqa: E402
from pipeline.nlp import get_nlp  # noqa: E402


def make_corpus(n: int, dest: Path) -> list[Path]:
    sources = iter_notice_files([ROOT / "corpora"])
    out = []
    for i in range(n):
        src = sources[i % len(sources)]
        f = dest / f"copy{i:05d}-{src.name}"
        shutil.copyfile(src, f)
        out.append(f)
    return out


def run(n: int) -> None:
    import jieba

    get_nlp()  # load once, outside the timing, as a long-running process would
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus"
        corpus.mkdir()
        files = make_corpus(n, corpus)
        chars = sum(len(ingest(f).text) for f in files)
        texts = [ingest(f).text for f in files]
        t = time.perf_counter()
        for text in texts:
            list(jieba.cut(text))
        jieba_s = time.perf_counter() - t
        t = time.perf_counter()
        results = extract_paths([corpus], tmp / "r.db", tmp / "out", None)
        total = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    stages = {k: sum(r.timings.get(k, 0.0) for r in results) for k in ("ingest", "segment", "extract", "store")}
    print(f"N={n:5d}  {n / total:7.1f} notices/s  {chars / total:10.0f} chars/s  peak {peak:7.1f} MiB  "
          + "  ".join(f"{k}={v:.2f}s" for k, v in stages.items())
          + f"  total={total:.2f}s  jieba={jieba_s:.2f}s  ratio={total / jieba_s:.2f}")


if __name__ == "__main__":
    for n in map(int, sys.argv[1:] or ["50", "200", "800"]):
        run(n)
