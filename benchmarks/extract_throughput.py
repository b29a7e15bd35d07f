"""Throughput of `regpipe extract` on N notices (the corpora replicated under new names).

Usage: python benchmarks/extract_throughput.py [N ...] [--repeat R] [--jobs J ...]
       (default: 50 200 800, R=3, J=1)

Prints per N: notices/s, characters/s, peak resident memory of the process (MiB), seconds per stage
(ingest, segment, extract, store: SQLite and JSONL), the whole run, a plain jieba segmentation
pass over the same cleaned texts in the same process, and their ratio (goal: <= 3.5, time linear in
N). Each timing is the best of R runs (the usual way to time: the minimum is the least disturbed by
other processes); every run writes a fresh database. The caches of the statement grammar are
cleared after each notice (``--warm`` keeps them), as the copies would otherwise hit them. The graph export, done once at the end of
`regpipe extract`, is timed on its own and is not part of the ratio.

With several ``--jobs`` values (``--jobs 1 2``) each N is extracted with that many worker
processes (``regpipe extract --jobs``) and the speed-up over the first value is printed; the
stage times are then summed over the workers (CPU seconds, not wall time), and the caches are
cleared in the worker that read each notice.
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _corpus import make_corpus  # noqa: E402
from pipeline.batch import extract_paths  # noqa: E402
from pipeline.graph import export_graph  # noqa: E402
from pipeline.ingest import ingest  # noqa: E402
from pipeline.nlp import get_nlp  # noqa: E402
from pipeline.store import open_db  # noqa: E402


def _clear_caches(*_args) -> None:
    """Forget what earlier notices taught the caches (part-of-speech tags of statement prefixes,
    headings, abbreviations): the copies repeat the same sentences, real corpora much less."""
    from pipeline import extract, grammar, nlp

    grammar.pos_tokens.cache_clear()
    grammar._tagger().route.clear()
    nlp.segmenter_route().clear()
    grammar._recurs.cache_clear()
    extract._heading_actor.cache_clear()
    extract._abbreviations.cache_clear()


def run(n: int, repeat: int, cold: bool = True, jobs: tuple[int, ...] = (1,)) -> None:
    import jieba

    from pipeline import grammar

    get_nlp()  # load once, outside the timing, as a long-running process would
    grammar.pos_tokens("认证机构应当")  # and jieba's part-of-speech dictionary
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus"
        corpus.mkdir()
        files = make_corpus(n, corpus)
        texts = [ingest(f).text for f in files]
        chars = sum(map(len, texts))
        jieba_s = min(_timed(lambda: [list(jieba.cut(t)) for t in texts]) for _ in range(repeat))
        first = None
        for j in jobs:
            best, results = None, None
            for i in range(repeat):
                t = time.perf_counter()
                if cold:
                    _clear_caches()
                r = extract_paths([corpus], tmp / f"r{j}-{i}.db", tmp / f"out{j}-{i}", None, keep_records=False,
                                  jobs=j, hook=_clear_caches if cold else None)
                total = time.perf_counter() - t
                if best is None or total < best:
                    best, results, db_path = total, r, tmp / f"r{j}-{i}.db"
            first = first or best
            graph_s = _timed(lambda: export_graph(open_db(db_path), tmp / "g.graphml"))
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
            stages = {k: sum(r.timings.get(k, 0.0) for r in results) for k in ("ingest", "segment", "extract", "store")}
            print(f"N={n:5d}  jobs={j}  {n / best:6.1f} notices/s  {chars / best:8.0f} chars/s  peak {peak:6.1f} MiB  "
                  + "  ".join(f"{k}={v:.2f}s" for k, v in stages.items())
                  + f"  total={best:.2f}s  jieba={jieba_s:.2f}s  ratio={best / jieba_s:.2f}"
                  + (f"  speed-up={first / best:.2f}x over jobs={jobs[0]}" if len(jobs) > 1 else "")
                  + f"  (graph export {graph_s:.2f}s)", flush=True)


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="*", type=int, default=[50, 200, 800])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--warm", action="store_true",
                    help="keep the caches across the copies (flatters the replicated corpus)")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1], help="worker processes (several: compare them)")
    args = ap.parse_args()
    for n in args.n:
        run(n, args.repeat, cold=not args.warm, jobs=tuple(args.jobs))
