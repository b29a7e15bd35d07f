"""Notice metadata (issue #13, first part): authority level (效力级别) and effective date (施行日期),
each with where it came from, on the bundled corpora."""
from __future__ import annotations

import pytest

from pipeline.ingest import ingest

from .conftest import CORPORA


@pytest.mark.parametrize("path, level, rule", [
    ("versions/cert-accreditation-regulation-2016.md", "行政法规", "header.state_council"),
    ("versions/cert-accreditation-regulation-2023.md", "行政法规", "header.state_council"),
    ("more/cert-body-administration-measures-2020.md", "部门规章", "header.department_order"),
    ("more/product-quality-law-2018.md", "法律", "header.npc_law"),
    ("versions/shanghai-inspection-testing-regulation-2024.md", "地方性法规", "header.local_congress"),
    ("samr-2019-18-certification-self-inspection.txt", "规范性文件", "title.document"),
    ("more/mohrss-monthly-working-time-notice-2008.md", "规范性文件", "title.document"),
])
def test_authority_level_and_its_rule(path, level, rule):
    n = ingest(CORPORA / path)
    assert n.level == level and n.level_source.startswith(rule + ":")


def test_department_rule_names_its_order():
    n = ingest(CORPORA / "more" / "cert-body-administration-measures-2020.md")
    assert "国家质量监督检验检疫总局令第193号" in n.level_source or "国家市场监督管理总局令第31号" in n.level_source


@pytest.mark.parametrize("path, effective", [
    ("more/cert-body-administration-measures-2020.md", "2018-01-01"),  # 本办法自2018年1月1日起施行
    ("versions/cert-accreditation-regulation-2023.md", "2003-11-01"),
    ("versions/metrology-law-implementing-rules-2022.md", "1987-02-01"),  # 自发布之日起施行: 1987年2月1日 发布
])
def test_effective_date_from_the_final_articles(path, effective):
    n = ingest(CORPORA / path)
    assert n.effective == effective and "施行" in n.effective_source


def test_a_notice_without_an_effective_clause_has_none():
    n = ingest(CORPORA / "samr-2019-18-certification-self-inspection.txt")
    assert n.effective is None and n.effective_source is None
