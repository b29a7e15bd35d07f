"""Clause segmentation: marker table, paths, attachments, trailers, cross-references."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest import ingest
from pipeline.model import Notice
from pipeline.segment import match_marker, segment

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
    clauses = segment(_notice(text))
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
    clauses = segment(_notice("\n".join(lines)))
    for c in clauses:
        assert c.path.endswith(c.label)
        assert "" not in c.path.split("/")
        assert " " not in c.text
