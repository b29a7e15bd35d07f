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


# ------------------------------------------------------------------ history, relations, status (#13)
@pytest.mark.parametrize("path, promulgated, revisions, number, issuer", [
    ("versions/cert-accreditation-regulation-2016.md", "2003-09-03", (), "国务院令第390号", "国务院"),
    ("versions/cert-accreditation-regulation-2023.md", "2003-09-03", ("2016-02-06", "2020-11-29", "2023-07-20"),
     "国务院令第390号", "国务院"),
    # （2017年11月14日国家质量监督检验检疫总局令第193号公布 根据2020年10月23日国家市场监督管理总局令第31号修订）
    ("more/cert-body-administration-measures-2020.md", "2017-11-14", ("2020-10-23",), "国家市场监督管理总局令第31号",
     "国家市场监督管理总局"),
    # 1993年2月22日 第七届全国人民代表大会常务委员会第三十次会议通过, three 修正 by later sessions
    ("more/product-quality-law-2018.md", "1993-02-22", ("2000-07-08", "2009-08-27", "2018-12-29"), None,
     "全国人民代表大会常务委员会"),
    ("versions/shanghai-inspection-testing-regulation-2024.md", "2016-11-11", ("2024-12-31",), None,
     "上海市人民代表大会常务委员会"),
])
def test_history_gives_promulgation_revisions_order_and_organ(path, promulgated, revisions, number, issuer):
    n = ingest(CORPORA / path)
    assert (n.promulgated, n.revisions, n.doc_number, n.issuer) == (promulgated, revisions, number, issuer)


def test_a_notice_keeps_its_own_document_number_and_signature():
    n = ingest(CORPORA / "samr-2019-18-certification-self-inspection.txt")
    # a document is issued the day it is signed
    assert (n.doc_number, n.issuer, n.promulgated, n.revisions) == ("市监认证〔2019〕18号", "市场监管总局办公厅", "2019-03-21", ())


def test_repeal_of_the_dated_predecessor():
    n = ingest(CORPORA / "more" / "cert-body-administration-measures-2020.md")
    rep = [r for r in n.relations if r.kind == "repeals"]
    assert [(r.key, r.date) for r in rep] == [("认证机构管理办法", "2011-07-20"),
                                              ("国家质量监督检验检疫总局关于修改〈认证机构管理办法〉的决定", "2015-05-11")]
    assert all("同时废止" in r.evidence for r in rep)
    assert [r.key for r in n.relations if r.kind == "implements"] == ["认证认可条例"]


def test_repeal_names_the_order_or_document_number_of_its_target():
    n = ingest(CORPORA / "more" / "samr-complaint-report-handling-measures-2022.md")
    first = next(r for r in n.relations if r.kind == "repeals")
    assert (first.title, first.doc_number, first.date) == ("产品质量申诉处理办法", "国家质量技术监督局令第51号", "1998-03-12")
    n = ingest(CORPORA / "more" / "mohrss-monthly-working-time-notice-2008.md")
    (rep,) = [r for r in n.relations if r.kind == "repeals"]
    assert rep.doc_number == "劳社部发〔2000〕8号" and rep.date == "2000-03-17"
    assert [(r.title, r.doc_number) for r in n.relations if r.kind == "implements"] == [
        ("全国年节及纪念日放假办法", "国务院令第513号")]


def test_a_notice_implements_what_its_preamble_names():
    n = ingest(CORPORA / "samr-2019-18-certification-self-inspection.txt")
    imp = [(r.title, r.doc_number) for r in n.relations if r.kind == "implements"]
    assert imp[0] == ("市场监管总局关于加强认证检测市场监管工作的通知", "国市监认证〔2018〕173号")
    assert n.level == "规范性文件"


def test_history_lines_are_no_basis_and_duties_are_no_repeals():
    from pipeline.lifecycle import relations
    # 产品质量法's header: 根据……决定第二次修正 is its history, not what it implements
    n = ingest(CORPORA / "more" / "product-quality-law-2018.md")
    assert not [r for r in n.relations if r.kind == "implements"]
    # a duty to repeal (应当予以废止) repeals nothing by itself
    text = "第五条 与《中华人民共和国认证认可条例》相抵触的规定，应当予以废止。"
    assert relations(text, [], None) == []


def test_validity_period_of_the_notice_not_of_its_certificates():
    from pipeline.lifecycle import validity_end
    # 强制性产品认证管理规定: 认证证书有效期为5年 is the certificates' validity, not the rule's
    n = ingest(CORPORA / "more" / "compulsory-product-certification-provisions-2022.md")
    assert "有效期" in n.text and n.valid_until is None
    assert validity_end("本通知自印发之日起施行，有效期5年。", "2019-03-21") == ("2024-03-20", "本通知自印发之日起施行，有效期5年。")
    assert validity_end("本办法有效期至2025年12月31日。", None)[0] == "2025-12-31"


def _db_of(tmp_path, files):
    from pipeline.batch import extract_paths
    from pipeline.store import open_db

    extract_paths(files, tmp_path / "r.db", tmp_path / "out", None)
    return open_db(tmp_path / "r.db")


def test_status_repealed_superseded_and_never_self_linked(tmp_path):
    from pipeline import query as q

    # the 2000 notice the 2008 one repeals, built from the 2008 notice's own header (文号 of 2000)
    old = tmp_path / "mohrss-2000.txt"
    old.write_text("关于职工全年月平均工作时间和工资折算问题的通知\n劳社部发〔2000〕8号\n"
                   "各省、自治区、直辖市劳动和社会保障厅（局）：\n"
                   "一、制度工作时间的计算\n工作小时数的计算：以月、季、年的工作日乘以每日的8小时。\n", encoding="utf-8")
    files = [old, CORPORA / "more" / "mohrss-monthly-working-time-notice-2008.md",
             CORPORA / "more" / "cert-body-administration-measures-2020.md",
             CORPORA / "versions" / "cert-accreditation-regulation-2020.md",
             CORPORA / "versions" / "cert-accreditation-regulation-2023.md"]
    db = _db_of(tmp_path, files)
    rows = {r.name: r for r in q.notices(db, as_of="2026-01-01")}
    assert rows["mohrss-2000"].status == "已废止"
    assert rows["mohrss-2000"].repealed_by == ("mohrss-monthly-working-time-notice-2008",)
    assert rows["mohrss-monthly-working-time-notice-2008"].repeals == ("mohrss-2000",)
    assert rows["cert-accreditation-regulation-2020"].status == "已被修改"
    assert rows["cert-accreditation-regulation-2023"].status == "现行有效"
    body = rows["cert-body-administration-measures-2020"]
    assert body.level == "部门规章" and body.doc_number == "国家市场监督管理总局令第31号"
    assert body.effective == "2018-01-01" and body.status == "现行有效"
    # its repeal of the 2011 办法 of the same title is linked to nothing, not to itself
    assert body.repeals[0] == "《认证机构管理办法》"
    linked = db.execute("select c.notice_id from citations c where c.key = '认证机构管理办法@2011-07-20'").fetchone()
    assert linked == (None,)
    assert "cert-accreditation-regulation-2023" in body.implements
    early = {r.name: r for r in q.notices(db, as_of="2017-06-01")}
    assert early["cert-body-administration-measures-2020"].status == "尚未生效"


# ------------------------------------------------------------------ citations (#13)
def test_a_title_and_its_number_are_one_citation_and_forms_are_none():
    from pipeline.lexicon import find_citations

    # samr-2019-18: the 文号 in brackets after the title
    (c, plan) = find_citations("为进一步贯彻落实《市场监管总局关于加强认证检测市场监管工作的通知》（国市监认证〔2018〕173号）"
                               "及市场监管总局《假冒伪劣重点领域治理工作方案（2019—2021）》，")
    assert (c.kind, c.key, c.alt_key) == ("title", "市场监管总局关于加强认证检测市场监管工作的通知", "国市监认证〔2018〕173号")
    assert plan.alt_key is None
    # the kindergarten notice: a standard named by title with its number; cnca-2025-09: number then title
    (std,) = find_citations("《城市居住区规划设计标准》（GB 50180）")
    assert (std.kind, std.key, std.alt_key) == ("standard", "GB 50180", "城市居住区规划设计标准")
    (std,) = find_citations("GB/T 27021《合格评定 管理体系审核认证机构要求》")
    assert (std.kind, std.key) == ("standard", "GB/T 27021")
    # mohrss 2008: an order number in brackets
    (law,) = find_citations("根据《全国年节及纪念日放假办法》（国务院令第513号）的规定")
    assert law.alt_key == "国务院令第513号"
    # 认证机构管理办法, the 2019 notice: forms the notice prescribes are no citations
    assert find_citations("颁发《认证机构批准书》，下达《整改通知书》、《提醒敦促函》") == []
    assert [c.key for c in find_citations("《国务院办公厅关于印发……的函》")] == ["国务院办公厅关于印发……的函"]


def test_a_cited_notice_is_found_by_either_key(tmp_path):
    from pipeline import query as q

    db = _db_of(tmp_path, [CORPORA / "samr-2019-18-certification-self-inspection.txt",
                           CORPORA / "more" / "mohrss-monthly-working-time-notice-2008.md",
                           CORPORA / "more" / "cert-body-administration-measures-2020.md"])
    assert q.citing_clauses(db, "国市监认证〔2018〕173号")[0].notice == "samr-2019-18-certification-self-inspection"
    assert q.citing_clauses(db, "全国年节及纪念日放假办法")
    assert q.citing_clauses(db, "国务院令第513号")
    assert not any("批准书" in c.key for c in q.citations(db))


def test_source_comments_and_party_rules(tmp_path):
    from pipeline import query as q
    from pipeline.ingest import authority_level

    # <!-- STATUS: 已修改 --> of 国家法律法规数据库: stated, and used when the database holds no newer version
    n = ingest(CORPORA / "versions" / "cert-accreditation-regulation-2016.md")
    assert n.source_status == "已修改"
    db = _db_of(tmp_path, [CORPORA / "versions" / "cert-accreditation-regulation-2016.md"])
    (row,) = q.notices(db)
    assert (row.status, row.status_reason) == ("已被修改", "来源标注：已修改")
    (then,) = q.notices(db, as_of="2004-01-01")  # the comment speaks of its download, not of 2004
    assert then.status == "现行有效"
    assert authority_level("中国共产党纪律处分条例", [])[0] == "党内法规"
    assert authority_level("中共中央办公厅 国务院办公厅关于进一步加强X工作的意见", [])[0] == "规范性文件"


def test_an_order_page_gives_number_organ_level_and_promulgation(tmp_path):
    # the layout of a 令 page (order line, number line, 现予公布 preamble, signer, date); the
    # articles are 认证机构管理办法's own
    page = tmp_path / "order.txt"
    page.write_text("国家市场监督管理总局令\n第 31 号\n"
                    "《认证机构管理办法》已经国家市场监督管理总局局务会议审议通过，现予公布，自2018年1月1日起施行。\n"
                    "局长  张某\n2020年10月23日\n认证机构管理办法\n"
                    "第一条 为了加强对认证机构的监督管理，规范认证活动，提高认证有效性，根据《中华人民共和国认证认可条例》"
                    "等有关法律、行政法规的规定，制定本办法。\n"
                    "第二条 本办法所称认证机构，是指依法取得资质，独立进行合格评定的具有法人资格的证明机构。\n", encoding="utf-8")
    n = ingest(page)
    assert (n.level, n.doc_number, n.issuer) == ("部门规章", "国家市场监督管理总局令第31号", "国家市场监督管理总局")
    assert (n.promulgated, n.effective) == ("2020-10-23", "2018-01-01")


def test_a_law_header_in_brackets_and_a_state_council_document(tmp_path):
    # the bracketed 题注 of a law: adopted and promulgated the same day, 施行 later; the version
    # date is the promulgation, not the 施行 date written in the same brackets
    law = tmp_path / "law.txt"
    law.write_text("中华人民共和国电子商务法\n（2018年8月31日第十三届全国人民代表大会常务委员会第五次会议通过　"
                   "2018年8月31日中华人民共和国主席令第七号公布　自2019年1月1日起施行）\n第一章　总　　则\n"
                   "第一条　为了保障电子商务各方主体的合法权益，规范电子商务行为，制定本法。\n"
                   "第八十九条　本法自2019年1月1日起施行。\n", encoding="utf-8")
    n = ingest(law)
    assert (n.level, n.doc_number, n.issuer) == ("法律", "主席令第七号", "全国人民代表大会常务委员会")
    assert (n.promulgated, n.date, n.effective, n.revisions) == ("2018-08-31", "2018-08-31", "2019-01-01", ())
    # a State Council document: 文号, the signing organ and date, which is also its issue date
    doc = tmp_path / "gf.txt"
    doc.write_text("国务院关于加强质量认证体系建设促进全面质量管理的意见\n国发〔2018〕3号\n"
                   "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
                   "为贯彻落实《中共中央 国务院关于开展质量提升行动的指导意见》，现提出以下意见。\n"
                   "一、总体要求\n各地区、各部门要高度重视质量认证工作。\n国务院\n2018年1月17日\n", encoding="utf-8")
    n = ingest(doc)
    assert (n.level, n.doc_number, n.issuer, n.date, n.promulgated) == (
        "规范性文件", "国发〔2018〕3号", "国务院", "2018-01-17", "2018-01-17")
    assert [r.kind for r in n.relations] == ["implements"]


def test_a_repeal_of_a_part_leaves_the_document_in_force():
    # 认证证书和认证标志管理办法 第三十四条: 《……管理办法》和《……标志管理办法》中有关认证标志的规定同时废止
    n = ingest(CORPORA / "more" / "cert-certificate-and-mark-measures-2022.md")
    assert [(r.kind, r.date) for r in n.relations if "repeal" in r.kind] == [
        ("partly_repeals", "1992-02-10"), ("partly_repeals", "1995-09-21")]
