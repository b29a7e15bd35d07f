"""Definitions as a layer (#13): term, definition, defining clause and scope, on the corpora."""
from __future__ import annotations

import json

from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.definitions import definitions
from pipeline.ingest import ingest
from pipeline.segment import segment

from .conftest import CORPORA


def _defs(rel: str):
    n = ingest(CORPORA / rel)
    return {d.term: d for d in definitions(n.name, segment(n))}


def test_sentence_definitions_reach_the_notice():
    d = _defs("versions/cert-accreditation-regulation-2023.md")
    assert set(d) == {"认证", "认可"}
    assert d["认证"].definition.startswith("由认证机构证明产品、服务、管理体系") and d["认证"].scope == ""
    assert d["认证"].path == "第一章/第二条" and d["认证"].kind == "means"


def test_extensional_definitions_and_the_scope_of_a_paragraph():
    d = _defs("versions/shanghai-inspection-testing-regulation-2024.md")
    assert d["检验检测机构"].kind == "includes"  # 本条例所称检验检测机构，包括……
    # 前款所称计量认证，是指……: reaches its own article only
    assert d["计量认证"].scope == d["计量认证"].path == "第四章/第二十七条"


def test_listed_terms_and_notes():
    d = _defs("versions/metrology-law-implementing-rules-2022.md")  # 本细则下列用语的含义：（一）……
    assert {"计量器具", "计量检定", "仲裁检定"} <= set(d)
    assert d["计量检定"].path.endswith("/（二）") and d["计量检定"].scope == ""
    std = _defs("more/standardization-law-2017.md")["标准"]
    assert std.note == "（含标准样品）" and std.definition.startswith("农业、工业、服务业")
    # a definition runs to its full stop, across ；
    defect = _defs("more/product-quality-law-2018.md")["缺陷"]
    assert "；" in defect.definition and defect.definition.endswith("是指不符合该标准")


def test_no_definition_where_none_is_given():
    assert _defs("samr-2019-18-certification-self-inspection.txt") == {}


def test_terms_are_stored_queried_and_shown(corpus_run):
    _, out, db, _ = corpus_run
    rows = [json.loads(x) for x in (out / "cert-accreditation-regulation-2023.definitions.jsonl").read_text("utf-8").splitlines()]
    assert [r["term"] for r in rows] == ["认证", "认可"] and list(rows[0]) == [
        "doc", "term", "definition", "kind", "path", "scope", "note", "text"]
    assert not (out / "samr-2019-18-certification-self-inspection.definitions.jsonl").exists()
    res = CliRunner().invoke(cli, ["query", "terms", "--term", "认证", "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    got = {(t["term"], t["notice"]) for t in json.loads(res.stdout)}
    assert ("认证", "cert-accreditation-regulation-2023") in got
    assert ("认证", "cert-accreditation-regulation-2016") not in got  # superseded: --all-versions
    # query show of a duty lists the defined terms it uses (认证 in 从事认证活动), not 认可 inside
    # the organ name 认证认可监督管理部门
    from pipeline import query as q
    from pipeline.store import open_db
    d = open_db(db, create=False)
    (ob,) = [o for o in q.obligations(d, notice="cert-accreditation-regulation-2023", clause="第二章/第九条")
             if o.modality == "must"]
    shown = q.show(d, ob.id)
    assert [t.term for t in shown.terms] == ["认证"]
    assert shown.notice_info.level == "行政法规" and shown.notice_info.doc_number == "国务院令第390号"
