"""Reliability (issue #12): inputs researchers actually have, identity, concurrent runs,
read-only databases. Each test builds its real files in ``tmp_path`` from corpus notices."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
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
    from pipeline.errors import StoreError

    with pytest.raises(StoreError, match="readonly"):  # named by its file, one line in the CLI
        db.execute("delete from notices")
    assert db.execute("select count(*) from notices").fetchone()[0] > 10


def test_empty_database_file_is_named_as_such(tmp_path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    res = CliRunner().invoke(cli, ["query", "actors", "--db", str(empty)])
    assert res.exit_code == 1 and "empty file" in res.output and "migrate" not in res.output


def _docx(lines, path, numbered=(), table=None):
    import docx
    d = docx.Document()
    for k, line in enumerate(lines):
        d.add_paragraph(line, style="List Number" if k in numbered else None)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, v in enumerate(row):
                t.cell(r, c).text = v
    d.save(path)
    return path


def test_word_docx_is_read_with_numbering_and_tables(tmp_path):
    from pipeline.ingest import ingest
    from pipeline.segment import segment
    lines = [ln for ln in NOTICE.read_text(encoding="utf-8").split("\n") if ln.strip()]
    f = _docx(lines, tmp_path / "notice.docx", table=[["序号", "机构名称"], ["1", "某认证有限公司"]])
    n = ingest(f)
    assert n.format == "docx" and n.title and "认证机构" in n.text and "某认证有限公司" in n.text
    assert {c.path for c in segment(ingest(NOTICE))} == {c.path for c in segment(n)}
    # Word's automatic numbering is written out: the items keep their labels
    g = _docx(["关于开展自查的通知", "一、自查内容", "认证机构应当开展自查。", "认证机构应当报送报告。"],
              tmp_path / "numbered.docx", numbered=(2, 3))
    text = ingest(g).text
    assert "1.认证机构应当开展自查。" in text and "2.认证机构应当报送报告。" in text


def test_unreadable_word_formats_say_how_to_convert(tmp_path):
    import zipfile

    from pipeline.errors import InputError
    from pipeline.ingest import ingest
    doc = tmp_path / "old.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    ofd = tmp_path / "notice.ofd"
    with zipfile.ZipFile(ofd, "w") as z:
        z.writestr("OFD.xml", "<ofd:OFD/>")
    for f, words in ((doc, ".docx"), (ofd, "OFD")):
        try:
            ingest(f)
        except InputError as e:
            assert str(f) in str(e) and words in str(e) and "NUL" not in str(e)
        else:
            raise AssertionError(f"{f} was read")


def test_folder_run_names_every_file_it_cannot_read(tmp_path):
    docs = _folder(tmp_path, "docs", [NOTICE])
    (docs / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    (docs / "gone.txt").symlink_to(tmp_path / "missing.txt")
    res = CliRunner().invoke(cli, ["extract", str(docs), "--db", str(tmp_path / "r.db"), "--out", str(tmp_path / "o"),
                                   "--graph", str(tmp_path / "g.graphml"), "--json"])
    assert res.exit_code == 1
    rows = {r["source"]: r for r in json.loads(res.stdout)}
    assert rows[str(docs / "old.doc")]["status"] == "error"
    assert "dangling link" in rows[str(docs / "gone.txt")]["error"]
    assert rows[str(docs / NOTICE.name)]["status"] != "error"


def test_utf16_with_bom_is_text(tmp_path):
    from pipeline.ingest import ingest
    f = tmp_path / "notepad.txt"
    f.write_bytes(b"\xff\xfe" + NOTICE.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-16-le"))
    assert ingest(f).text == ingest(NOTICE).text


def test_platform_name_in_a_clause_does_not_cut_the_notice(tmp_path):
    from pipeline.ingest import ingest
    text = NOTICE.read_text(encoding="utf-8")
    k = text.index("二、")
    body = text[:k] + "认证机构不得在原创力文档、道客巴巴等平台发布未经审核的认证证书信息。\n" + text[k:]
    f = tmp_path / "mentions.txt"
    f.write_text(body, encoding="utf-8")
    n = ingest(f)
    assert not n.truncated and "道客巴巴等平台" in n.text and n.text.endswith(ingest(NOTICE).text[-20:])
    # a real download-site notice at the end still cuts
    g = tmp_path / "download.txt"
    g.write_text(text[:k] + "\n原创力文档\n以上内容仅为本文档的试下载部分，为可阅读页数的一半内容。\n", encoding="utf-8")
    assert ingest(g).truncated


def test_a_paragraph_longer_than_spacys_limit_is_read_in_pieces(tmp_path):
    from pipeline.batch import extract_file
    plain = "本通知所称认证活动，是指由认证机构证明产品、服务、管理体系符合相关技术规范的合格评定活动。"
    duty = "认证机构应当依法开展认证活动。"
    f = tmp_path / "one-line.txt"
    f.write_text("关于开展认证活动的通知\n" + (plain * 99 + duty) * 280 + "\n", encoding="utf-8")  # 1.26 M chars
    assert len(f.read_text(encoding="utf-8")) > 1_200_000
    r = extract_file(f)
    assert r.status != "error", r.error
    assert len(r.obligations) == 280  # every duty, none lost at a cut


def test_a_20_mb_file_is_segmented_whole(tmp_path):
    # the trailer test once sliced the rest of the file for every line (quadratic: 57 s for 16 MB);
    # benchmarks/large_input.py times the growth, this checks nothing is lost on the way
    from pipeline.ingest import ingest
    from pipeline.segment import layout
    law = (CORPORA / "more" / "product-quality-law-2018.md").read_text(encoding="utf-8")
    head, body = law.split("\n## ", 1)
    copies = int(20e6 / len(("## " + body).encode("utf-8"))) + 1
    f = tmp_path / "large.md"
    f.write_text(head + ("\n## " + body) * copies, encoding="utf-8")
    lay = layout(ingest(f))
    assert sum(c.kind == "article" for c in lay.clauses) == 74 * copies


def test_password_protected_pdf_is_named_as_such(tmp_path):
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    from pipeline.errors import InputError
    from pipeline.ingest import ingest
    f = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(f), encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    c.drawString(100, 750, "Notice")
    c.save()
    try:
        ingest(f)
    except InputError as e:
        assert str(f) in str(e) and "password-protected PDF" in str(e)
    else:
        raise AssertionError("a locked PDF was read")


def test_small_cli_defects(corpus_run, tmp_path, monkeypatch):
    db = str(corpus_run[2])
    run = CliRunner().invoke
    # no rows: a clear line, and CSV still has its header
    res = run(cli, ["query", "obligations", "--text", "没有这样的义务文字", "--db", db])
    assert res.exit_code == 0 and "none found" in res.output
    res = run(cli, ["query", "obligations", "--text", "没有这样的义务文字", "--csv", "--db", db])
    assert res.stdout.splitlines()[0].startswith("notice,clause,subject")
    # % is no wildcard
    res = run(cli, ["query", "obligations", "--clause", "%", "--json", "--db", db])
    assert json.loads(res.stdout) == []
    res = run(cli, ["query", "obligations", "--notice", "%", "--db", db])
    assert res.exit_code == 1 and "no notice" in res.output
    assert run(cli, ["query", "obligations", "--limit", "0", "--db", db]).exit_code == 2
    # a checklist's format follows its file name, or is refused
    res = run(cli, ["checklist", "-o", str(tmp_path / "x.txt"), "--db", db])
    assert res.exit_code == 2 and ".txt" in res.output and not (tmp_path / "x.txt").exists()
    res = run(cli, ["checklist", "-o", str(tmp_path / "x.csv"), "--db", db])
    assert res.exit_code == 0 and (tmp_path / "x.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    # eval against a folder with no predictions fails
    empty = tmp_path / "nothing"
    empty.mkdir()
    res = run(cli, ["eval", str(CORPORA.parent / "tests" / "gold"), str(empty)])
    assert res.exit_code == 1 and "no predictions" in res.output
    # run from another folder: an error, and no empty database or graph left behind
    monkeypatch.chdir(tmp_path)
    res = run(cli, ["extract"])
    assert res.exit_code == 1 and "no such file or folder: corpora" in res.output
    assert not (tmp_path / "extracted").exists() and not (tmp_path / "graph").exists()


def test_a_page_of_navigation_only_is_no_notice(tmp_path):
    from pipeline.batch import extract_file
    f = tmp_path / "nav.html"
    f.write_text("<html><body><ul>" + "".join(f"<li><a href='/{k}'>政策文件{k}</a></li>" for k in range(30))
                 + "</ul><p>首页 | 机构 | 新闻 | 服务</p></body></html>", encoding="utf-8")
    r = extract_file(f)
    assert r.status == "error" and "navigation" in r.error and str(f) in r.error


def test_extract_into_a_read_only_database_says_so_in_one_line(tmp_path, monkeypatch):
    # file modes do not stop root (CI runs as root), so the database is opened the way SQLite
    # opens a file it may not write: mode=ro
    import pipeline.store as store
    db = tmp_path / "r.db"
    extract_paths([NOTICE], db, None, None)
    real = sqlite3.connect
    monkeypatch.setattr(store.sqlite3, "connect",
                        lambda path, **kw: real(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, **kw))
    res = CliRunner().invoke(cli, ["extract", str(OTHER), "--db", str(db), "--out", str(tmp_path / "o"),
                                   "--graph", str(tmp_path / "g.graphml")])
    assert res.exit_code == 1 and "read-only database" in res.output and "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1
