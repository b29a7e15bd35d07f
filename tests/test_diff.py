"""`regpipe diff` on the real version series in corpora/versions/ (what SOURCES.md says happened)."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.diff import (ClauseChange, VClause, align_clauses, char_diff, compare_obligations, diff_versions,
                           duration_days, load_version, normalise, quantities, quantity_changes, word_diff)
from pipeline.model import Deadline, Obligation

from .conftest import CORPORA

V = CORPORA / "versions"


@pytest.fixture(scope="module")
def regulation():
    return {y: load_version(V / f"cert-accreditation-regulation-{y}.md") for y in (2016, 2020, 2023)}


def test_2016_to_2020_one_article_removed_rest_renumbered(regulation):
    d = diff_versions(regulation[2016], regulation[2020])
    removed = [c for c in d.clauses if c.status == "removed"]
    # 第十一条 (foreign-invested certification bodies) and its two items, nothing else
    assert {c.old[0].path.split("/")[1] for c in removed} == {"第十一条"}
    assert not [c for c in d.clauses if c.status == "added"]
    renumbered = [c for c in d.clauses if c.status == "renumbered"]
    assert len(renumbered) > 60
    assert any(c.old[0].label == "第十二条" and c.new[0].label == "第十一条" for c in renumbered)
    modified = {c.old_path: c for c in d.clauses if c.status == "modified"}
    # the substantive edits are listed: 工商行政管理部门 → 市场监督管理部门 in the old 第十三条
    ops = modified["第二章/第十三条"].ops
    assert ("-", "工商行政管理部门") in ops and ("+", "市场监督管理部门") in ops  # organ names as wholes
    assert any(ch.kind == "removed" and ch.old_path == "第二章/第十一条" for ch in d.obligations)


def test_2020_to_2023_only_article_66_changes(regulation):
    d = diff_versions(regulation[2020], regulation[2023])
    changed = [c for c in d.clauses if c.status != "unchanged"]
    assert [(c.status, c.new_path) for c in changed] == [("modified", "第六章/第六十六条")]
    assert ("+", "限期") in changed[0].ops  # 责令改正 → 责令限期改正


def test_metrology_rules_2018_to_2022_change_only_article_31():
    d = diff_versions(load_version(V / "metrology-law-implementing-rules-2018.md"),
                      load_version(V / "metrology-law-implementing-rules-2022.md"))
    assert [c.new_path.split("/")[-1] for c in d.clauses if c.status != "unchanged"] == ["第三十一条"]


def test_a_notice_against_itself_has_no_changes(regulation):
    d = diff_versions(regulation[2023], regulation[2023])
    assert {c.status for c in d.clauses} == {"unchanged"} and not d.obligations


def test_lightly_edited_copy(tmp_path):
    text = (CORPORA / "versions" / "cert-accreditation-regulation-2023.md").read_text(encoding="utf-8")
    edited = text.replace("第三条 在中华人民共和国境内从事认证认可活动，应当遵守本条例。\n\n", "")
    assert edited.count("使用的，责令限期改正") == 1  # 第六十六条
    edited = edited.replace("使用的，责令限期改正", "使用的，责令改正")
    edited = edited.replace("总则", "总 则").replace("（", "(").replace("）", ")")  # formatting only
    f = tmp_path / "edited.md"
    f.write_text(edited, encoding="utf-8")
    d = diff_versions(load_version(V / "cert-accreditation-regulation-2023.md"), load_version(f))
    statuses = {}
    for c in d.clauses:
        statuses[c.status] = statuses.get(c.status, 0) + 1
    # the later articles keep their numbers (only a real renumbering counts as one)
    assert statuses == {"removed": 1, "modified": 1, "unchanged": 110}
    assert [c.old_path for c in d.clauses if c.status == "removed"] == ["第一章/第三条"]
    assert [c.ops for c in d.clauses if c.status == "modified"][0][1] == ("-", "限期")
    assert [(ch.kind, ch.old_path) for ch in d.obligations] == [("removed", "第一章/第三条")]


def test_split_and_merged_clauses_are_recognised():
    a = VClause("第一条", "第一条", "article", "认证机构应当建立风险防范机制，对其从事认证活动可能引发的风险和责任，采取合理、有效防范措施。", 0)
    b1 = VClause("第一条", "第一条", "article", "认证机构应当建立风险防范机制。", 0)
    b2 = VClause("第二条", "第二条", "article", "对其从事认证活动可能引发的风险和责任，认证机构应采取合理、有效防范措施。", 1)
    split = align_clauses([a], [b1, b2])
    assert [c.status for c in split] == ["split"] and len(split[0].new) == 2
    merged = align_clauses([b1, b2], [a])
    assert [c.status for c in merged] == ["merged"]


def test_obligation_change_kinds():
    base = Obligation(doc="x", path="第十条", subject="认证机构", subject_explicit=True, modality="may", trigger="可以",
                      action="在45日内作出决定", condition=None, deadline=Deadline("45日内", "relative", None),
                      citations=(), sentence="", start=0, id="a")
    new = replace(base, path="第九条", modality="must", trigger="应当", subject="市场监督管理部门", action="在30日内作出决定",
                  deadline=Deadline("30日内", "relative", None), id="b")
    kinds = {c.kind: c for c in compare_obligations(base, new)}
    assert {"modality_strengthened", "subject_changed", "deadline_shortened"} <= set(kinds)
    assert kinds["deadline_shortened"].old_path == "第十条" and kinds["deadline_shortened"].new_path == "第九条"
    weaker = {c.kind for c in compare_obligations(new, replace(new, modality="encouraged", trigger="鼓励"))}
    assert "modality_weakened" in weaker
    fine = replace(base, action="处5万元以上20万元以下的罚款", deadline=None)
    assert "amount_changed" in {c.kind for c in compare_obligations(fine, replace(fine, action="处10万元以上50万元以下的罚款"))}
    assert duration_days("四十五日") == 45 and duration_days("3个月内") == 90


def test_formatting_is_not_a_change():
    assert normalise("第一章 总 则") == normalise("第一章　总则")
    assert normalise("（一）") == normalise("(一)")
    assert char_diff("责令改正", "责令限期改正") == (("=", "责令"), ("+", "限期"), ("=", "改正"))


def test_cli_reports_and_stored_changes(corpus_run, tmp_path):
    db = str(corpus_run[2])
    runner = CliRunner()
    res = runner.invoke(cli, ["diff", "cert-accreditation-regulation-2020", "cert-accreditation-regulation-2023",
                              "--format", "json", "--db", db])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["summary"] == {"articles unchanged": 76, "articles modified": 1, "quantities added": 2}
    res = runner.invoke(cli, ["diff", "cert-accreditation-regulation-2016", "cert-accreditation-regulation-2020",
                              "--format", "html", "-o", str(tmp_path / "d.html"), "--db", db])
    assert res.exit_code == 0, res.output
    page = (tmp_path / "d.html").read_text(encoding="utf-8")
    assert "新旧对照" in page and "<del>工商行政管理部门</del>" in page and "http" not in page
    md = runner.invoke(cli, ["diff", str(V / "metrology-law-implementing-rules-2018.md"),
                             str(V / "metrology-law-implementing-rules-2022.md"), "--format", "md", "--db", db]).stdout
    assert md.startswith("# metrology-law-implementing-rules-2018") and "第三十一条" in md
    res = runner.invoke(cli, ["query", "changes", "--notice", "cert-accreditation-regulation-2020", "--json", "--db", db])
    rows = json.loads(res.output)
    assert any(r["kind"] == "removed" and r["old_path"] == "第二章/第十一条" for r in rows)
    import sqlite3
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from supersessions").fetchone()[0] >= 2
    res = runner.invoke(cli, ["diff", "no-such-notice", "cert-accreditation-regulation-2020", "--db", db])
    assert res.exit_code == 1 and "neither a file nor a notice" in res.output


def _modified(old: str, new: str) -> ClauseChange:
    a, b = VClause("第三条", "第三条", "article", old, 0), VClause("第三条", "第三条", "article", new, 0)
    return ClauseChange("modified", (a,), (b,), 0.9, word_diff(old, new))


@pytest.mark.parametrize("old, new, expected", [
    # 经营者集中申报标准 2018 → 2024 (thresholds)
    ("营业额合计超过100亿元人民币，并且其中至少两个经营者上一会计年度在中国境内的营业额均超过4亿元人民币",
     "营业额合计超过120亿元人民币，并且其中至少两个经营者上一会计年度在中国境内的营业额均超过8亿元人民币",
     [("raised", "超过100亿元", "超过120亿元", False), ("raised", "超过4亿元", "超过8亿元", False)]),
    # a fine deleted from a penalty article without any modal
    ("责令改正，可以处5000元以下的罚款；情节严重的，吊销许可证。", "责令改正；情节严重的，吊销许可证。",
     [("removed", "5000元以下", None, True)]),
    ("由县级以上地方市场监督管理部门责令改正，处3万元以下罚款", "由县级以上地方市场监督管理部门责令改正，处3万元罚款",
     [("limit_changed", "3万元以下", "3万元", True)]),
    ("市场监督管理部门自收到投诉之日起10个工作日内作出处理决定", "市场监督管理部门自收到投诉之日起7个工作日内作出处理决定",
     [("shortened", "10个工作日", "7个工作日", False)]),
    # 反垄断法 2007 → 2022: 五十万元 became 三百万元, and a new 一百万元 limit was added elsewhere
    ("尚未实施集中的，可以处五十万元以下的罚款。", "尚未实施集中的，处一百万元以下的罚款；已经实施集中的，处三百万元以下的罚款。",
     [("raised", "五十万元以下", "一百万元以下", True), ("added", None, "三百万元以下", True)]),
])
def test_quantities_compared_in_modified_clauses(old, new, expected):
    got = [(q.kind, q.old, q.new, q.penalty) for q in quantity_changes(_modified(old, new))]
    assert got == expected


def test_quantities_read_values_in_base_units():
    q = {x.text: x for x in quantities("处五十万元以上一百万元以下的罚款，期限为三个月，不超过30日，百分之十")}
    assert q["五十万元以上"].value == 500_000 and q["五十万元以上"].limit == "以上"
    assert q["一百万元以下"].value == 1_000_000
    assert q["不超过30日"].family == "period" and q["不超过30日"].limit == "不超过"
    assert q["百分之十"].family == "ratio" and q["百分之十"].value == 10


def test_word_diff_keeps_numbers_and_names_whole():
    ops = word_diff("合计超过100亿元人民币", "合计超过120亿元人民币")
    assert ("-", "超过100亿元") in ops and ("+", "超过120亿元") in ops
    assert ("-", "国家认监委") in word_diff("由国家认监委负责", "由市场监管总局负责")
    # a tiny equality between two changes is folded into them
    assert word_diff("责令停止生产", "限令停止销售") == (("-", "责令停止生产"), ("+", "限令停止销售"))


def test_html_badges_sit_on_the_row_of_their_clause(regulation):
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    from pipeline.report import render_html
    d = diff_versions(regulation[2016], regulation[2020])
    tree = HTMLParser(render_html(d))
    seen = 0
    for row in tree.css("tbody tr[id]"):
        cells = row.css("td")
        old_path, new_path = cells[0].text(), cells[2].text()
        for badge in row.css(".badge"):
            seen += 1
            kind = badge.attributes["class"].split()[1]
            assert any(ch.kind == kind and (ch.new_path == new_path if ch.new_path else ch.old_path == old_path)
                       for ch in d.obligations), (kind, old_path, new_path, badge.text())
    assert seen == len(d.obligations)
    # values are written out (print), not only in tooltips: the removed duty's action is on the page
    removed = next(ch for ch in d.obligations if ch.kind == "removed")
    assert removed.action in tree.body.text()
    head = tree.css_first("p").text()
    assert "中华人民共和国认证认可条例" in head and "2003-09-03" in head and "2016-02-06" in head


def test_reports_show_articles_and_hide_unchanged_on_request(regulation):
    from pipeline.report import render_html, render_text
    d = diff_versions(regulation[2016], regulation[2020])
    text = render_text(d)
    table = text.split("条号对照\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(table) == sum(1 for c in d.clauses if any(x.kind == "article" for x in c.old + c.new)) > 70
    assert all("（" not in line.split("→")[0] for line in table)  # articles only, no items
    # the text of a removed article is shown
    assert "外商投资" in text.split("\n条文变化\n", 1)[1]
    # the header counts articles in Chinese, as d.summary does
    modified = d.summary.get("articles modified", 0)
    assert modified > 0 and f"修改 {modified} 条" in text.splitlines()[2]
    full, short = render_html(d), render_html(d, changed_only=True)
    assert short.count("<tr id=") < full.count("<tr id=") and 'class="unchanged"' not in short


def test_added_and_removed_articles_keep_their_paragraphs(tmp_path):
    from pipeline.report import render_html
    law = (CORPORA / "more" / "product-quality-law-2018.md").read_text(encoding="utf-8")
    start = law.index("第二十七条")
    end = law.index("第二十八条")
    (tmp_path / "new.md").write_text(law[:start] + law[end:], encoding="utf-8")  # 第二十七条 (lead-in, items, 款) deleted
    d = diff_versions(load_version(CORPORA / "more" / "product-quality-law-2018.md"), load_version(tmp_path / "new.md"))
    gone = next(c for c in d.clauses if c.status == "removed" and c.old[0].label == "第二十七条")
    assert "\n" in gone.old[0].body  # the lead-in and the closing 款 are two paragraphs
    row = render_html(d).split(f'<td class="path">{gone.old_path}</td>', 1)[1].split("</tr>", 1)[0]
    assert "<br>" in row and "裸装的食品" in row
