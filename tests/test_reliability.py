"""Reliability (issue #12): inputs researchers actually have, identity, concurrent runs,
read-only databases. Each test builds its real files in ``tmp_path`` from corpus notices."""
from __future__ import annotations

import json
import sqlite3

from click.testing import CliRunner

from pipeline.batch import extract_paths
from pipeline.cli import cli

from .conftest import CORPORA

NOTICE = CORPORA / "samr-2019-18-certification-self-inspection.txt"
OTHER = CORPORA / "cnca-2017-137-qms-certification-upgrade.txt"
HTML = CORPORA / "more" / "state-council-office-government-website-consolidation-pilot-notice-2018.html"


def test_same_stem_files_never_replace_each_other(tmp_path):
    docs = tmp_path / "docs"
    (docs / "a").mkdir(parents=True)
    (docs / "b").mkdir()
    (docs / "a" / "index.txt").write_bytes(NOTICE.read_bytes())
    (docs / "b" / "index.txt").write_bytes(OTHER.read_bytes())
    (docs / "notice.txt").write_bytes(NOTICE.read_bytes().replace("自查".encode(), "检查".encode(), 1))
    (docs / "notice.html").write_bytes(HTML.read_bytes())
    db, out = tmp_path / "r.db", tmp_path / "out"
    results = extract_paths([docs], db, out, None)
    names = {r.source: r.notice.name for r in results}
    assert len(set(names.values())) == 4
    assert names[str(docs / "a" / "index.txt")] == "index" and names[str(docs / "b" / "index.txt")] == "b-index"
    assert names[str(docs / "notice.html")] == "notice" and names[str(docs / "notice.txt")] == "notice-txt"
    renamed = next(r for r in results if r.notice.name == "b-index")
    assert any("a/index.txt" in w and "b-index" in w for w in renamed.notice.warnings)
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from notices").fetchone()[0] == 4
    assert len(list(out.glob("*.clauses.jsonl"))) == 4
    # a later run with one of them alone keeps the other's rows (another file, other content)
    solo = tmp_path / "solo"
    solo.mkdir()
    (solo / "index.txt").write_bytes((CORPORA / "samr-2024-103-certification-credibility-plan.txt").read_bytes())
    again = extract_paths([solo], db, out, None)
    assert again[0].notice.name.startswith("index-") and any("already" in w for w in again[0].notice.warnings)
    assert con.execute("select count(*) from notices").fetchone()[0] == 5
    # the summary says which file became which notice
    res = CliRunner().invoke(cli, ["extract", str(docs), "--db", str(db), "--out", str(out), "--graph",
                                   str(tmp_path / "g.graphml"), "--json"])
    rows = json.loads(res.stdout)
    assert {(r["source"], r["notice"]) for r in rows} >= {(str(docs / "b" / "index.txt"), "b-index")}


def _folder(tmp_path, name: str, files) -> object:
    d = tmp_path / name
    d.mkdir()
    for f in files:
        (d / f.name).write_bytes(f.read_bytes())
    return d


def test_two_concurrent_extract_runs_both_finish(tmp_path):
    import subprocess
    import sys

    one = _folder(tmp_path, "one", [NOTICE, OTHER, CORPORA / "samr-2024-103-certification-credibility-plan.txt"])
    two = _folder(tmp_path, "two", [CORPORA / "samr-2025-certification-professionalism-plan.txt",
                                    CORPORA / "more" / "product-quality-law-2018.md",
                                    CORPORA / "more" / "standardization-law-2017.md"])
    db = tmp_path / "shared.db"
    runs = [subprocess.Popen([sys.executable, "-m", "pipeline.cli", "extract", str(d), "--db", str(db), "--out",
                              str(tmp_path / f"out-{d.name}"), "--graph", str(tmp_path / f"{d.name}.graphml")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for d in (one, two)]
    outs = [p.communicate(timeout=300) for p in runs]
    for p, (out, err) in zip(runs, outs):
        assert p.returncode == 0, err[-2000:]
        assert "Traceback" not in err
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from notices").fetchone()[0] == 6


def test_queries_open_the_database_read_only(corpus_run):
    from pipeline.store import open_db
    db = open_db(corpus_run[2], create=False, readonly=True)
    assert db.execute("select count(*) from notices").fetchone()[0] > 10
    try:
        db.execute("delete from notices")
    except sqlite3.OperationalError as e:
        assert "readonly" in str(e)
    else:
        raise AssertionError("a read-only connection wrote")


def test_empty_database_file_is_named_as_such(tmp_path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    res = CliRunner().invoke(cli, ["query", "actors", "--db", str(empty)])
    assert res.exit_code == 1 and "empty file" in res.output and "migrate" not in res.output
