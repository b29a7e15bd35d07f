"""`regpipe query` and the library behind it, on the database of the bundled corpora."""
from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import query as q
from pipeline.actors import load_ontology
from pipeline.cli import cli
from pipeline.errors import QueryError, StoreError
from pipeline.store import SCHEMA_VERSION, open_db


@pytest.fixture(scope="module")
def db(corpus_run):
    return open_db(corpus_run[2], create=False)


def test_auditor_obligations_in_cnca_2025_09_are_exactly_clause_15(db):
    # （十五）审核员不得接受……，应当主动告知……: two duties, nothing bound to another actor
    rows = q.obligations(db, actor="审核员", notice="cnca-2025-09-management-system-certification")
    assert [(r.path, r.modality) for r in rows] == [("二/（十五）", "must_not"), ("二/（十五）", "must")]
    assert all("审核员" in r.actors for r in rows)


def test_actor_query_includes_narrower_actors_unless_exact(db):
    broad = {r.id for r in q.obligations(db, actor="认证机构")}
    exact = {r.id for r in q.obligations(db, actor="认证机构", exact=True)}
    auditors = {r.id for r in q.obligations(db, actor="审核员")}
    assert exact < broad and auditors <= broad and not auditors & exact
    # 国家认监委 is part of 市场监管总局, which is a 市场监管部门
    assert "国家认监委" in q.actor_scope(db, "市场监管部门")


def test_aliases_and_notice_abbreviations_resolve(db):
    assert q.resolve_actor(db, "各认证机构") == "认证机构"
    assert q.resolve_actor(db, "管理体系认证机构") == "认证机构"  # defined by （以下简称认证机构）
    assert q.resolve_actor(db, "国家认证认可监督管理委员会") == "国家认监委"
    assert q.resolve_actor(db, "市场监督管理部门") == "市场监管部门"


def test_unknown_actor_suggests_closest_names(db):
    with pytest.raises(QueryError) as e:
        q.obligations(db, actor="认证机够")
    assert e.value.suggestions[0] == "认证机构"


def test_unlisted_actors_are_stored_and_placed(db):
    names = {a.name: a for a in q.actors(db)}
    unlisted = [a for a in names.values() if not a.in_lexicon]
    assert unlisted, "actors outside the lexicon are reported"
    # 京津冀、长三角……等市场监管部门 (2024-103) sits under 市场监管部门
    regional = [a for a in unlisted if a.name.endswith("等市场监管部门")]
    assert regional and "is_a 市场监管部门" in regional[0].broader


def test_ontology_splits_coordinated_subjects():
    onto = load_ontology()
    assert onto.split("认证机构和认证人员") == ["认证机构", "认证人员"]
    assert onto.split("认证机构及其人员") == ["认证机构", "人员"]
    assert onto.split("各级市场监管部门") == ["各级市场监管部门"]


def test_citations_resolved_however_written(db):
    long = {r.id for r in q.obligations(db, cites="《中华人民共和国认证认可条例》")}
    short = {r.id for r in q.obligations(db, cites="认证认可条例")}
    assert long == short and long
    # GB/T 27021 covers GB/T27021.1 (cnca-2025-09) and GB/T 27021 (cnca-2017-137)
    notices = {c.notice for c in q.citing_clauses(db, "GB/T 27021")}
    assert {"cnca-2017-137-qms-certification-upgrade", "cnca-2025-09-management-system-certification"} <= notices
    cited = {c.key: c for c in q.citations(db)}
    assert cited["认证认可条例"].notice == "cert-accreditation-regulation-2023"  # the newest version
    with pytest.raises(QueryError):
        q.citing_clauses(db, "不存在的条例")


def test_filters_combine(db):
    rows = q.obligations(db, actor="认证机构", modality="must_not", notice="cnca-2025-09-management-system-certification")
    assert rows and all(r.modality == "must_not" for r in rows)
    assert all(r.notice.startswith("cnca-2025-09") for r in rows)
    due = q.obligations(db, due_before="2027-01-01", due_after="2026-01-01")
    assert due and all("2026-01-01" <= r.deadline_date < "2027-01-01" for r in due)
    under = q.obligations(db, notice="cnca-2025-09-management-system-certification", clause="二")
    assert under and all(r.path.startswith("二/") or r.path == "二" for r in under)


def test_full_text_search_on_chinese(db):
    texts = {r[0]: r[1] for r in db.execute("select id, text from clauses")}

    def said(r):  # the obligation's own fields, or its clause's text
        return r.action + (r.condition or "") + r.subject + texts.get(r.clause_id, "")
    rows = q.obligations(db, text="执业资格注册")
    assert rows and all("执业资格注册" in said(r) for r in rows)
    assert any("执业资格注册" in r.action + (r.condition or "") + r.subject for r in rows)
    short = q.obligations(db, text="保密")  # under three characters: substring scan
    assert short and all("保密" in said(r) for r in short)


def test_deadlines_as_of_split_overdue_upcoming_and_kinds(db):
    rep = q.deadlines(db, as_of="2026-11-23")
    dates = [d.obligation.deadline_date for d in rep.dated]
    assert dates == sorted(dates)
    assert all((d.status == "overdue") == (d.obligation.deadline_date < "2026-11-23") for d in rep.dated)
    assert {d.status for d in rep.dated} == {"overdue", "upcoming"}
    assert rep.recurring and all(o.deadline_kind == "recurring" for o in rep.recurring)


def test_show_gives_clause_text_headings_and_neighbours(db):
    ob = q.obligations(db, actor="审核员", notice="cnca-2025-09-management-system-certification")[0]
    r = q.show(db, ob.id)
    assert r.kind == "obligation" and "审核员不得接受" in r.clause_text
    assert r.headings and r.headings[0][0] == "二"
    assert any(n.reason == "same clause" for n in r.neighbours)
    # a duty restated in the 2016/2020/2023 versions of 认证认可条例 is found as similar text
    art = q.obligations(db, notice="cert-accreditation-regulation-2020", actor="认证机构")[0]
    similar = [n for n in q.show(db, art.id).neighbours if n.reason == "similar text"]
    assert any(n.obligation.notice == "cert-accreditation-regulation-2023" and n.score > 0.9 for n in similar)


def test_cli_formats_and_errors(corpus_run):
    db_path = str(corpus_run[2])
    runner = CliRunner()
    res = runner.invoke(cli, ["query", "obligations", "--actor", "审核员", "--notice", "cnca-2025-09-management-system-certification",
                              "--json", "--db", db_path])
    assert res.exit_code == 0 and len(json.loads(res.stdout)) == 2
    res = runner.invoke(cli, ["query", "actors", "--csv", "--db", db_path])
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert rows[0]["actor"] == "认证机构" and int(rows[0]["total"]) > 100
    res = runner.invoke(cli, ["query", "obligations", "--actor", "认证机够", "--db", db_path])
    assert res.exit_code == 1 and "认证机构" in res.output and "Traceback" not in res.output
    for sub in (["deadlines", "--as-of", "2026-11-23"], ["citations"], ["citations", "--of", "认证认可条例"]):
        res = runner.invoke(cli, ["query", *sub, "--db", db_path])
        assert res.exit_code == 0, res.output


def test_json_listing_is_the_rows_as_dumps_prints_them(db):
    # `query obligations --json` copies each row's stored JSON out of the database: the same bytes
    # as encoding the rows, whatever the filters, order and limit
    cases = [{}, dict(actor="认证机构"), dict(actor="认证机构", limit=7), dict(modality=["must_not"], current_only=True),
             dict(notice="cert-accreditation-regulation-2016"), dict(text="证书 认证机构"), dict(cites="认证认可条例"),
             dict(due_after="2020-01-01"), dict(due_before="1900-01-01")]
    for f in cases:
        rows = q.obligations(db, **f)
        assert q.obligations_json(db, **f) == q.dumps(rows).encode(), f
    assert q.obligations_json(db, due_before="1900-01-01") == b"[]"
    every = json.loads(q.obligations_json(db))
    assert len(every) == db.execute("select count(*) from obligations").fetchone()[0]
    assert any(o["deadline_date"] for o in every) and any(o["citations"] for o in every)
    assert any(o["subject_source"] != "explicit" for o in every) and all(o["title"] for o in every)


def test_old_schema_says_how_to_migrate_and_migrates(tmp_path):
    path = tmp_path / "old.db"
    con = sqlite3.connect(path)  # the version-1 tables that changed, with one obligation
    con.execute("create table notices (id text primary key, name text, source text, format text, title text, "
                "doc_number text, issuer text, date text, addressees text, attachments text, truncated integer, "
                "warnings text, sha256 text, text text)")
    con.execute("create table actors (id text primary key, name text)")
    con.execute("create table citations (id text primary key, key text, kind text)")
    con.execute("create table obligations (id text primary key, notice_id text, clause_id text, path text, "
                "actor_id text, subject text, subject_explicit integer, modality text, trigger text, action text, "
                "condition text, deadline_text text, deadline_kind text, deadline_date text, sentence text, ord integer)")
    con.execute("insert into notices (id, name) values ('n1', 'old')")
    con.execute("insert into obligations (id, notice_id, subject, modality, trigger, action) "
                "values ('o1', 'n1', '认证机构和认证人员', 'must', '应当', '遵守认证规则')")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="migrate"):
        open_db(path, create=False)
    db = open_db(path)  # what `regpipe extract --db` does
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert "actor_relations" in db.table_names()
    bound = [r[0] for r in db.execute("select actor_id from obligation_actors where obligation_id = 'o1'")]
    assert sorted(bound) == ["认证人员", "认证机构"]
    # the old row gets the JSON `query obligations --json` prints for it
    assert q.obligations_json(db) == q.dumps(q.obligations(db)).encode()
    assert json.loads(q.obligations_json(db))[0]["title"] == "old"


def test_graph_export_formats(corpus_run, tmp_path):
    runner = CliRunner()
    for fmt in ("graphml", "gexf", "json", "html"):
        out = tmp_path / f"g.{fmt}"
        res = runner.invoke(cli, ["graph", "export", "--format", fmt, "-o", str(out), "--db", str(corpus_run[2])])
        assert res.exit_code == 0, res.output
        assert out.stat().st_size > 10_000
    page = (tmp_path / "g.html").read_text(encoding="utf-8")
    # self-contained: no external script, style or data
    loads = re.findall(r"""(?:src|href)\s*=\s*["']?https?://|url\(\s*["']?https?://|@import|fetch\(""", page)
    assert not loads and "<script src" not in page  # (the SVG namespace URI is a name, not a load)
    data = json.loads(page.split('type="application/json">', 1)[1].split("</script>", 1)[0])
    # the summary: notices with their counts, actors most bound first; every obligation knows its
    # notice, clause path and clause text, for the view of one actor or notice and its details
    assert data["notices"] and all({"label", "doc", "date", "count"} <= set(n) for n in data["notices"])
    counts = [a["count"] for a in data["actors"]]
    assert data["actors"][0]["label"] == "认证机构" and counts == sorted(counts, reverse=True)
    ids = {n["id"] for n in data["notices"]}
    assert all(o["n"] in ids and o["p"] is not None for o in data["obligations"])
    assert any(data["clauses"].get(o["k"]) for o in data["obligations"])
    assert "审核员" in data["scope"]["认证机构"]
    # current versions only: the 2016 认证认可条例 is not on the page
    assert not any(n["name"] == "cert-accreditation-regulation-2016" for n in data["notices"])
    # no layout library runs in Python (a fresh install has no scipy): the page lays out columns
    assert "spring_layout" not in (Path(__file__).resolve().parent.parent / "pipeline" / "graph.py").read_text("utf-8")


def test_actor_is_the_ontology_name_and_show_says_when_a_subject_was_inferred(db, corpus_run):
    # 投诉举报处理暂行办法 writes 市场监督管理部门 in full: the subject keeps it, `actor` maps it
    rows = q.obligations(db, actor="市场监管部门", notice="samr-complaint-report-handling-measures-2022")
    assert rows and any(r.subject == "市场监督管理部门" and r.actor == "市场监管部门" for r in rows)
    assert not any(r.subject == "市场监管部门" for r in rows)  # never a name the notice does not use
    inferred = db.execute("select id, subject_source from obligations where subject_source not in "
                          "('explicit', 'sentence') and subject != '' limit 1").fetchone()
    assert inferred
    out = CliRunner().invoke(cli, ["query", "show", inferred[0], "--db", str(corpus_run[2])])
    assert out.exit_code == 0 and f"subject inferred from: {inferred[1]}" in out.output


def test_queries_list_current_versions_unless_asked(corpus_run):
    # the 认证认可条例 of 2016, 2020 and 2023 are in corpora/: only the 2023 duties count
    db = str(corpus_run[2])
    run = CliRunner().invoke
    current = json.loads(run(cli, ["query", "obligations", "--actor", "认证机构", "--json", "--db", db]).stdout)
    every = json.loads(run(cli, ["query", "obligations", "--actor", "认证机构", "--all-versions", "--json",
                                 "--db", db]).stdout)
    notices = {r["notice"] for r in current}
    assert "cert-accreditation-regulation-2023" in notices
    assert not notices & {"cert-accreditation-regulation-2016", "cert-accreditation-regulation-2020"}
    assert len(every) > len(current) and {r["notice"] for r in every} >= notices | {"cert-accreditation-regulation-2016"}
    res = run(cli, ["query", "obligations", "--actor", "认证机构", "--db", db])
    assert "cert-accreditation-regulation-2016 left out, superseded by cert-accreditation-regulation-2023" in res.output


def test_query_notices_gives_level_dates_and_status(corpus_run):
    db = str(corpus_run[2])
    rows = {r["name"]: r for r in json.loads(CliRunner().invoke(cli, ["query", "notices", "--json", "--db", db]).stdout)}
    assert rows["cert-accreditation-regulation-2016"]["status"] == "已被修改"
    assert rows["cert-accreditation-regulation-2016"]["superseded_by"] == "cert-accreditation-regulation-2023"
    assert rows["cert-accreditation-regulation-2023"]["status"] == "现行有效"
    assert rows["cert-body-administration-measures-2020"]["level"] == "部门规章"
    assert rows["cert-body-administration-measures-2020"]["effective"] == "2018-01-01"
    before = json.loads(CliRunner().invoke(cli, ["query", "notices", "--as-of", "2017-06-01", "--level", "部门规章",
                                                 "--json", "--db", db]).stdout)
    assert {r["level"] for r in before} == {"部门规章"}
    assert next(r for r in before if r["name"] == "cert-body-administration-measures-2020")["status"] == "尚未生效"


def test_query_and_checklist_modules_import_no_nlp_library():
    import subprocess
    import sys
    code = ("import sys, pipeline.query, pipeline.checklist, pipeline.cli; "
            "print(','.join(m for m in ('spacy', 'jieba', 'networkx', 'sqlite_utils', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_a_query_reads_the_database_without_the_writers_library(corpus_run):
    # `regpipe query` opens the database read-only through the standard library alone
    import subprocess
    import sys
    code = ("import sys; from pipeline.cli import cli; "
            f"cli(['query', 'actors', '--json', '--db', {str(corpus_run[2])!r}], standalone_mode=False); "
            "print('LOADED:' + ','.join(m for m in ('sqlite_utils', 'numpy', 'spacy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("LOADED:") and '"认证机构"' in out


def test_modality_in_chinese_and_id_prefixes(corpus_run):
    db = str(corpus_run[2])
    run = CliRunner().invoke
    zh = json.loads(run(cli, ["query", "obligations", "--modality", "不得", "--json", "--db", db]).stdout)
    en = json.loads(run(cli, ["query", "obligations", "--modality", "must_not", "--json", "--db", db]).stdout)
    assert zh == en and zh
    assert run(cli, ["query", "obligations", "--modality", "必须", "--db", db]).exit_code == 2
    oid = en[0]["id"]
    res = run(cli, ["query", "show", oid[:8], "--db", db])
    assert res.exit_code == 0 and en[0]["action"][:10] in res.output


# ------------------------------------------------------------------ which notices (#13)
def test_actors_and_citations_count_current_versions_by_default(db):
    cur = {a.name: a.total for a in q.actors(db, current_only=True)}
    every = {a.name: a.total for a in q.actors(db)}
    # 认证认可条例 2016, 2020 and 2023 bind 认证机构 alike: only the 2023 version counts by default
    assert cur["认证机构"] < every["认证机构"]
    by = next(a for a in q.actors(db, current_only=True) if a.name == "认证机构").by_notice
    assert "cert-accreditation-regulation-2023" in by and "cert-accreditation-regulation-2016" not in by
    cited = {c.key: c for c in q.citations(db, current_only=True)}
    assert all("cert-accreditation-regulation-2020" not in c.notices for c in cited.values())


def test_level_and_in_force_filters(db):
    rows = q.obligations(db, actor="认证机构", level="部门规章")
    assert rows and {r.notice for r in rows} <= {"cert-body-administration-measures-2020",
                                                 "cert-certificate-and-mark-measures-2022",
                                                 "compulsory-product-certification-provisions-2022"}
    # on 2017-06-01 the 2020 认证认可条例 (revised 2016-02-06) was the version in force; the
    # 认证机构管理办法 (施行 2018-01-01) and the 2023 version were not
    then = {r.notice for r in q.obligations(db, in_force="2017-06-01")}
    assert "cert-accreditation-regulation-2020" in then
    assert not then & {"cert-accreditation-regulation-2023", "cert-accreditation-regulation-2016",
                       "cert-body-administration-measures-2020"}
    with pytest.raises(QueryError, match="unknown level"):
        q.obligations(db, level="省规")


def test_graph_export_of_current_versions_leaves_old_ones_out(db, tmp_path):
    from pipeline.graph import build_graph

    full = build_graph(db)
    cur = build_graph(db, q.notice_scope(db, current_only=True))
    old = db.execute("select id from notices where name = 'cert-accreditation-regulation-2016'").fetchone()[0]
    new = db.execute("select id from notices where name = 'cert-accreditation-regulation-2023'").fetchone()[0]
    below = [v for _, v, d in full.out_edges(f"notice:{old}", data=True) if d["rel"] == "contains"]
    assert below and not any(v in cur for v in below)
    assert any(d["rel"] == "contains" for _, _, d in cur.out_edges(f"notice:{new}", data=True))
    assert cur.number_of_nodes() < full.number_of_nodes()
    actors = [n for n, d in cur.nodes(data=True) if d["kind"] == "actor"]
    assert "actor:认证机构" in actors


def test_terminal_tables_fit_100_columns_with_short_notice_labels(corpus_run):
    from rich.cells import cell_len

    db = str(corpus_run[2])
    for args in (["query", "obligations", "--actor", "认证机构"], ["query", "deadlines"], ["query", "actors"],
                 ["query", "notices"]):
        res = CliRunner().invoke(cli, [*args, "--db", db])
        assert res.exit_code == 0, res.output
        lines = res.stdout.splitlines()
        assert len(lines) > 5 and max(cell_len(x) for x in lines) <= 100, args
    out = CliRunner().invoke(cli, ["query", "obligations", "--actor", "认证机构", "--db", db]).stdout
    assert "国务院" in out and "cert-accreditation" not in out  # its 文号 (国务院令第390号), not the slug
    # JSON keeps every field and the notice name, and never escapes Chinese
    js = CliRunner().invoke(cli, ["query", "obligations", "--actor", "认证机构", "--json", "--db", db]).stdout
    assert "\\u" not in js and '"notice": "cert-accreditation-regulation-2023"' in js


def test_text_terms_are_anded_over_obligation_and_clause_text(db):
    both = q.obligations(db, text="审核 证书")
    one = q.obligations(db, text="审核")
    assert both and len(both) < len(one)
    texts = {r[0]: r[1] for r in db.execute("select id, text from clauses")}
    for o in both:
        seen = " ".join([o.subject, o.action, o.condition or "", texts.get(o.clause_id, "")])
        assert "审核" in seen and "证书" in seen


def test_notice_is_named_whole_and_a_part_lists_candidates(db):
    with pytest.raises(QueryError, match="part of 2") as e:
        q.obligations(db, notice="test")
    assert "shanghai-inspection-testing-regulation-2024" in str(e.value.suggestions)
    # a title names every version; the current one is kept unless all versions are asked for
    assert {o.notice for o in q.obligations(db, notice="认证认可条例", current_only=True)} == {
        "cert-accreditation-regulation-2023"}
    # a version named by its own name is shown though superseded; a 文号 however bracketed
    assert {o.notice for o in q.obligations(db, notice="cert-accreditation-regulation-2016", current_only=True)} == {
        "cert-accreditation-regulation-2016"}
    assert {o.notice for o in q.obligations(db, notice="市监认证[2019]18号")} == {
        "samr-2019-18-certification-self-inspection"}


def test_readme_python_example_answers(corpus_run):
    # the README's library example, run on the corpora: it returns what its comments say
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    code = code.replace('"extracted/requirements.db"', repr(str(corpus_run[2])))
    env: dict = {}
    exec(compile(code, "README.md", "exec"), env)
    said = int(re.search(r"len\(rows\)\s+# (\d+)", code).group(1))
    assert len(env["rows"]) == said > 0
    first = re.search(r"# \('([^']+)', '([^']+)', '([^']+)', '([^']+)', '([^']+)'\)", code).groups()
    r = env["rows"][0]
    assert (r.notice, r.path, r.subject, r.trigger, r.action) == first


def test_long_terminal_listings_show_the_first_rows_and_count_the_rest(corpus_run, db, monkeypatch):
    import pipeline.cli as cli_mod

    monkeypatch.setattr(cli_mod, "TABLE_ROWS", 5)
    monkeypatch.setattr(cli_mod, "NOTES_SHOWN", 0)
    path = str(corpus_run[2])
    every = q.obligations(db, actor="认证机构")
    assert len(every) > 5
    res = CliRunner().invoke(cli, ["query", "obligations", "--actor", "认证机构", "--all-versions", "--db", path])
    assert res.exit_code == 0, res.output
    assert f"(first 5 of {len(every)})" in res.stdout
    assert f"note: {len(every) - 5} more rows not shown" in res.stderr and f"--limit {len(every)}" in res.stderr
    assert every[4].id in res.stdout and every[5].id not in res.stdout  # the first rows, in listing order
    # a --limit is shown whole; JSON and CSV always print every row
    res = CliRunner().invoke(cli, ["query", "obligations", "--actor", "认证机构", "--all-versions", "--limit", "7",
                                   "--db", path])
    assert "obligations (7)" in res.stdout and "not shown" not in res.stderr
    js = CliRunner().invoke(cli, ["query", "obligations", "--actor", "认证机构", "--all-versions", "--json",
                                  "--db", path]).stdout
    assert [o["id"] for o in json.loads(js)] == [o.id for o in every]
    # commands without --limit cut their tables too, and the notes on superseded versions are counted
    res = CliRunner().invoke(cli, ["query", "deadlines", "--db", path])
    assert "(first 5 of" in res.stdout and "more rows not shown; --json or --csv" in res.stderr
    assert "--limit" not in res.stderr.split("more rows not shown")[1].splitlines()[0]
    superseded = q.superseded(db)
    assert f"note: and {len(superseded)} more superseded versions left out" in res.stderr or not superseded


def test_count_obligations_counts_what_the_listing_lists(db):
    for filters in ({}, {"actor": "认证机构"}, {"actor": "认证机构", "exact": True, "current_only": True},
                    {"modality": ["must_not", "may"]}, {"text": "证书 审核"}, {"cites": "认证认可条例"},
                    {"due_after": "2020-01-01", "with_deadline": True}, {"level": "部门规章", "in_force": "2026-01-01"}):
        assert q.count_obligations(db, **filters) == len(q.obligations(db, **filters)), filters
    with pytest.raises(QueryError, match="unknown modality"):
        q.count_obligations(db, modality="shall")


def test_json_lists_one_element_per_line_and_keep_every_field(db):
    from dataclasses import asdict

    rows = q.obligations(db, actor="认证人员", limit=3)
    text = q.dumps(rows)
    lines = text.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == len(rows) + 2
    assert json.loads(text) == json.loads(json.dumps([asdict(r) for r in rows]))
    assert "\\u" not in text and q.dumps([]) == "[]"
    shown = q.show(db, rows[0].id)  # one object (with nested dataclasses): indented
    assert json.loads(q.dumps(shown)) == json.loads(json.dumps(asdict(shown), ensure_ascii=False))
    assert q.dumps(shown).startswith("{\n  ")


def test_an_actors_duties_are_found_through_covering_indexes_and_old_indexes_go(corpus_run, tmp_path):
    path = tmp_path / "r.db"
    with sqlite3.connect(corpus_run[2]) as src, sqlite3.connect(path) as dst:
        src.backup(dst)  # the write-ahead log's pages too
    db = open_db(path, create=False, readonly=True)
    where = q._obligation_filter(db, actor="认证机构")
    plan = " ".join(r[-1] for r in db.execute(
        "explain query plan select o.rowid from obligations o where " + " and ".join(where[0]), where[1]))
    assert "USING COVERING INDEX idx_obligation_actors_actor_id_obligation_id" in plan, plan
    db.conn.close()
    con = sqlite3.connect(path)  # as a schema-13 database was indexed
    con.execute("drop index idx_obligation_actors_actor_id_obligation_id")
    con.execute("create index idx_obligation_actors_actor_id on obligation_actors (actor_id)")
    con.execute("PRAGMA user_version = 13")
    con.commit()
    con.close()
    db = open_db(path)
    names = {r[0] for r in db.execute("select name from sqlite_master where type = 'index'")}
    assert "idx_obligation_actors_actor_id" not in names
    assert {"idx_obligation_actors_actor_id_obligation_id", "idx_obligation_citations_citation_id_obligation_id",
            "idx_clause_citations_citation_id_clause_id"} <= names
