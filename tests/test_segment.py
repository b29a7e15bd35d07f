"""Clause segmentation: marker table, paths, attachments, trailers, cross-references."""
from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest import ingest, iter_notice_files
from pipeline.model import Notice
from pipeline.segment import layout, match_marker, segment, tidy

from .conftest import CORPORA


def _notice(text: str) -> Notice:
    return Notice(name="t", source="t", format="text", text=text, sha256="0" * 64)


@pytest.mark.parametrize("line, kind, label", [
    ("第二章 认证机构", "chapter", "第二章"),
    ("第三节　监督", "section", "第三节"),
    ("第十二条　认证机构应当", "article", "第十二条"),
    ("三、重点任务", "cn_num", "三"),
    ("（十二）鼓励认证机构", "cn_item", "（十二）"),
    ("(二) 诚实守信经营", "cn_item", "（二）"),
    ("2. 突出行业特色", "arabic", "2"),
    ("1．总局层面", "arabic", "1"),
    ("（3）开展自愿性认证", "ar_item", "（3）"),
])
def test_marker_table(line, kind, label):
    m = match_marker(line)
    assert m is not None and m[0] == kind and m[2] == label


@pytest.mark.parametrize("line", ["（三）的要求", "第八条规定的条件", "2019年6月30日前", "1.5倍"])
def test_not_markers(line):
    assert match_marker(line) is None


def test_paths_nest_and_cross_references_stay_in_text():
    text = "\n".join(["通知如下：", "一、总体要求", "（一）基本原则", "1. 坚持继承创新。", "2. 突出行业特色。",
                      "（二）认证依据用标准应满足（三）的要求。", "二、组织实施", "各单位要落实。",
                      "国家认监委", "2017年11月20日"])
    lay = layout(_notice(text))
    clauses = lay.clauses
    assert lay.preamble.text == "通知如下：" and lay.trailer == ("国家认监委", "2017年11月20日")
    assert [c.path for c in clauses] == ["一", "一/（一）", "一/（一）/1", "一/（一）/2", "一/（二）", "二"]
    assert clauses[4].text == "认证依据用标准应满足（三）的要求。"
    assert clauses[-1].text == "组织实施各单位要落实。"  # signature and date are trailer


def test_attachment_restarts_numbering_and_attachment_list_is_trailer():
    n = ingest(CORPORA / "samr-2024-103-certification-credibility-plan.txt")
    paths = [c.path for c in segment(n)]
    assert "附件1/一/（一）" in paths and "附件3/一/（二）" in paths
    four_three = next(c for c in segment(n) if c.path == "四/（三）")
    assert "附件" not in four_three.text
    assert not any(p in ("1", "2", "8") for p in paths)


def test_article_paragraph_after_items_belongs_to_article():
    n = ingest(CORPORA / "more" / "cert-body-administration-measures-2020.md")
    clauses = {c.path: c for c in segment(n)}
    eight = clauses["第二章/第八条"]
    assert clauses["第二章/第八条/（五）"].text == "有10名以上相应领域的专职认证人员。"
    assert any("从事产品认证活动的认证机构" in t for t in eight.trailing)
    assert clauses["第一章"].text == "总则"


def test_unnumbered_attachment_is_labelled_and_trailer_skipped():
    n = ingest(CORPORA / "samr-2019-18-certification-self-inspection.txt")
    clauses = {c.path: c for c in segment(n)}
    assert clauses["附件"].text == "认证机构自查整改报告要求自查整改报告包括但不限于以下内容："
    assert "联系人" not in clauses["二/（五）"].text
    assert "抄送" not in clauses["附件/五"].text


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["一、总体要求", "（一）基本原则", "1. 坚持。", "（2）推进。", "第三条 应当。",
                                 "附件1", "认证机构应当开展自查。", "2024年1月1日", "联系人：张三", ""]), max_size=25))
def test_segment_is_total_and_paths_are_well_formed(lines):
    lay = layout(_notice("\n".join(lines)))
    assert segment(_notice("\n".join(lines))) == ([lay.preamble] if lay.preamble else []) + lay.clauses
    for c in lay.clauses:
        assert c.path.endswith(c.label)
        assert "" not in c.path.split("/")
        assert " " not in c.text


def _squashed(parts) -> Counter:
    return Counter(re.sub(r"\s+", "", "".join(parts)))


@pytest.mark.parametrize("path", iter_notice_files([CORPORA]), ids=lambda p: p.name)
def test_every_paragraph_belongs_to_one_unit_or_the_trailer(path):
    # nothing left out, nothing counted twice: what is left of the notice's characters once every
    # unit's paragraphs and the trailer are taken away is the numbering markers alone
    n = ingest(path)
    lay = layout(n)
    taken = _squashed(p for u in ([lay.preamble] if lay.preamble else []) + lay.clauses
                      for p in u.lines + u.trailing)
    taken += _squashed(lay.trailer)
    whole = _squashed([n.text])
    assert not taken - whole
    left = "".join((whole - taken).elements())
    assert re.fullmatch(r"[第条章节、（）()一二三四五六七八九十百零〇两0-9.．附件]*", left), left[:80]


def test_clause_text_is_complete_lead_in_plus_paragraph_after_items():
    clauses = {c.path: c for c in segment(ingest(CORPORA / "more" / "cert-body-administration-measures-2020.md"))}
    seventeen = clauses["第三章/第十七条"]
    assert seventeen.text.startswith("认证机构在从事认证活动时，应当对认证对象的下列情况进行核实：")
    assert seventeen.text.endswith("认证对象不符合上述要求的，认证机构不得向其出具认证证书。")
    assert "\n" in seventeen.body and "（一）" not in seventeen.text


def test_item_heading_keeps_its_body_and_closing_paragraph_goes_to_the_parent():
    html = CORPORA / "more" / "state-council-office-social-organization-cleanup-forwarding-notice-1997.html"
    clauses = {c.path: c for c in segment(ingest(html))}
    # （一）第一阶段为…阶段。 is a heading (not a cross-reference 第…条): its paragraphs follow
    assert clauses["四/（一）"].text.startswith("第一阶段为社会团体自查阶段。1997年4―6月")
    assert clauses["四/（二）"].text.endswith("报经人民银行审核后送社会团体登记管理机关。")
    # items run into one line are split; the paragraph after the last is the lead-in's
    assert clauses["三/（二）/10/（1）"].text == "有专职工作人员；"
    assert clauses["三/（二）/10/（2）"].text == "有独立、固定的办公住所；"
    assert clauses["三/（二）/10"].text.endswith("非法人社会团体还应有固定的联络地点、5000元以上的资金和兼职工作人员。")
    site = CORPORA / "more" / "state-council-office-government-website-consolidation-pilot-notice-2018.html"
    five = {c.path: c for c in segment(ingest(site))}
    assert five["五"].text.startswith("保障措施未纳入试点范围的其他省")
    assert "未纳入试点范围" not in five["五/（三）"].text


def test_run_in_items_need_consecutive_numbers():
    lay = layout(_notice("一、总体要求\n（一）按照（三）的要求办理；（三）另行规定。"))
    assert [c.path for c in lay.clauses] == ["一", "一/（一）"]


def test_preamble_is_a_unit_with_empty_path_and_display_keeps_latin_spaces():
    n = ingest(CORPORA / "cnca-2017-137-qms-certification-upgrade.txt")
    first = segment(n)[0]
    assert first.kind == "preamble" and first.path == "" and first.lines
    assert tidy("依据 GB/T 27021.1 开展 认证") == "依据GB/T 27021.1开展认证"
