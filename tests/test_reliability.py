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
    res = CliRunner().invoke(cli, ["extract", str(docs), "--db", str(db), "--out", str(out), "--json"])
    rows = json.loads(res.stdout)
    assert {(r["source"], r["notice"]) for r in rows} >= {(str(docs / "b" / "index.txt"), "b-index")}
