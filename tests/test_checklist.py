"""`regpipe checklist`: checklists built from the database of the bundled corpora and read back
the way a colleague would open them (openpyxl for XLSX, Excel's UTF-8-BOM for CSV)."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from pipeline.checklist import STATUS_CHOICES, build_checklist, requirement_sentence
from pipeline.checklist_export import COLUMNS, _sheet_name, to_csv, to_markdown, write_checklist
from pipeline.cli import cli
from pipeline.errors import ExportError, QueryError
from pipeline.store import open_db

from .conftest import CORPORA

HEADERS = [c for c, _ in COLUMNS]


@pytest.fixture(scope="module")
def db(corpus_run):
    return open_db(corpus_run[2], create=False)


@pytest.fixture(scope="module")
def cert_bodies(db):
    return build_checklist(db, actor="认证机构", as_of="2026-01-01")


# ------------------------------------------------------------------ sentences
def test_requirement_puts_the_condition_first():
    # cnca-2025-09 一/（七）
    assert requirement_sentence("认证机构", "应当", "记录最高管理者缺席理由",
                                "企业（组织）最高管理者因特殊原因不能参加首、末次会议的", "must") == \
        "企业（组织）最高管理者因特殊原因不能参加首、末次会议的，认证机构应当记录最高管理者缺席理由"


def test_requirement_puts_encouraging_triggers_before_their_actor():
    # cnca-2017-137 四: 鼓励认证机构开展整合管理体系认证
    assert requirement_sentence("认证机构", "鼓励", "开展整合管理体系认证", None, "encouraged") == \
        "鼓励认证机构开展整合管理体系认证"


def test_target_leads_with_its_date_and_does_not_repeat_the_subject():
    # samr-2025 二: 到2026年底，认证机构质量负责人制度全面实施
    assert requirement_sentence("认证机构", "到2026年底", "认证机构质量负责人制度全面实施", None, "target") == \
        "到2026年底，认证机构质量负责人制度全面实施"


def test_trigger_phrase_inside_the_action_is_said_once():
    # 认证机构管理办法 第六条
    assert requirement_sentence("认证机构及其人员", "负有保密义务", "对其认证活动中所知悉的国家秘密、商业秘密负有保密义务",
                                None, "must") == "认证机构及其人员对其认证活动中所知悉的国家秘密、商业秘密负有保密义务"


def test_subject_opening_the_condition_is_said_once():
    # 认证机构管理办法 第十一条
    assert requirement_sentence("认证机构", "应当", "自变更之日起30日内申请办理变更手续",
                                "认证机构有下列情形之一的", "must") == \
        "认证机构有下列情形之一的，应当自变更之日起30日内申请办理变更手续"


# ------------------------------------------------------------------ content
def test_checklist_for_certification_bodies_reads_like_the_notice(cert_bodies):
    by_text = {it.requirement: it for it in cert_bodies.items}
    it = by_text["企业（组织）最高管理者因特殊原因不能参加首、末次会议的，认证机构应当记录最高管理者缺席理由"]
    assert it.modality_zh == "应当" and it.actor == "认证机构"
    src = it.sources[0]
    assert (src.notice, src.doc_number, src.path) == ("cnca-2025-09-management-system-certification",
                                                     "国认监发〔2025〕9号", "一/（七）")
    assert "缺席理由" in src.clause_text and src.clause_text.startswith("认证机构应当要求企业（组织）最高管理者参加")
    bans = [i for i in cert_bodies.items if i.modality == "must_not"]
    assert bans and all(i.modality_zh == "不得" for i in bans)


def test_overdue_is_measured_against_as_of(db, cert_bodies):
    # samr-2019-18 二/（五）: 于2019年6月30日前报送
    late = [i for i in cert_bodies.items if i.overdue]
    assert [(i.deadline_date, i.deadline_text) for i in late] == [("2019-06-30", "于2019年6月30日前")]
    early = build_checklist(db, actor="认证机构", as_of="2019-01-01")
    assert not any(i.overdue for i in early.items)
    # targets due in 2026/2028/2030 are not overdue on 2026-01-01
    assert {i.deadline_date for i in cert_bodies.items if i.modality == "target"} == \
        {"2026-12-31", "2028-12-31", "2030-12-31"}


def test_order_is_actor_then_notice_then_clause(cert_bodies):
    actors = [i.actor for i in cert_bodies.items]
    assert actors[0] == "认证机构"
    assert actors == sorted(actors, key=lambda a: list(dict.fromkeys(actors)).index(a))  # contiguous blocks
    main = [i for i in cert_bodies.items if i.actor == "认证机构"]
    dates = [i.sources[0].date for i in main]
    assert dates == sorted(dates)  # notices oldest first
    in_2025 = [i.sources[0].path for i in main if i.sources[0].notice.startswith("cnca-2025-09")]
    assert in_2025.index("一/（七）") < in_2025.index("二/（十四）") < in_2025.index("四/（二十）")


def test_superseded_versions_are_left_out_unless_asked(db, cert_bodies):
    notices = {s.notice for i in cert_bodies.items for s in i.sources}
    assert "cert-accreditation-regulation-2023" in notices
    assert not notices & {"cert-accreditation-regulation-2016", "cert-accreditation-regulation-2020"}
    assert ("cert-accreditation-regulation-2016", "cert-accreditation-regulation-2023") in cert_bodies.superseded
    every = build_checklist(db, actor="认证机构", all_versions=True, merge=False)
    assert "cert-accreditation-regulation-2016" in {s.notice for i in every.items for s in i.sources}
    named = build_checklist(db, notice="cert-accreditation-regulation-2016")
    assert named.items and not named.superseded


def test_restated_duty_is_one_item_with_every_source(db, cert_bodies):
    # 认证机构管理办法 第二十一条 (跟踪监督) and 认证认可条例 第二十六条 (跟踪调查) state one duty
    text = "认证机构应当对其认证的产品、服务、管理体系实施有效的跟踪监督"
    merged = [i for i in cert_bodies.items if i.requirement == text]
    assert len(merged) == 1
    assert [(s.notice, s.path) for s in merged[0].sources] == [
        ("cert-body-administration-measures-2020", "第三章/第二十一条"),
        ("cert-accreditation-regulation-2023", "第三章/第二十六条")]
    separate = build_checklist(db, actor="认证机构", as_of="2026-01-01", merge=False)
    apart = [i for i in separate.items if i.requirement[:-2] == text[:-2]]
    assert [(i.requirement[-4:], len(i.sources)) for i in apart] == [("跟踪监督", 1), ("跟踪调查", 1)]
    assert len(separate.items) == len(cert_bodies.items) + cert_bodies.merged


def test_different_conditions_are_not_merged(cert_bodies):
    # cnca-2025-09 一/（七): 记录缺席理由 and 终止审核活动 bind the same actor in one clause
    absent = [i for i in cert_bodies.items if "首、末次会议" in (i.condition or "")]
    assert [i.action for i in absent] == ["记录最高管理者缺席理由", "终止审核活动"]
    assert all(len(i.sources) == 1 for i in absent)


def test_filters_are_those_of_the_obligation_query(db):
    only = build_checklist(db, actor="认证机构", exact=True, modality="must_not", notice="cnca-2025-09-management-system-certification")
    assert only.items and {(i.actor, i.modality) for i in only.items} == {("认证机构", "must_not")}
    due = build_checklist(db, due_before="2020-01-01")
    # 国办函〔2018〕71号 (2018-12-31, 2019-12-31, and 四/（三） 试点地区要于2019年12月底前…), 市监认证〔2019〕18号
    # (2019-06-30) and the dated goals of 国办发〔2019〕3号 三/1–2 (于2019年4月底前完成 …)
    assert sorted(i.deadline_date for i in due.items) == ["2018-12-31", "2019-04-30", "2019-06-30", "2019-06-30",
                                                         "2019-09-30", "2019-12-31", "2019-12-31", "2019-12-31"]
    with pytest.raises(QueryError) as e:
        build_checklist(db, actor="认证机够")
    assert "认证机构" in e.value.suggestions


# ------------------------------------------------------------------ XLSX
@pytest.fixture(scope="module")
def workbook(cert_bodies, tmp_path_factory):
    path = write_checklist(cert_bodies, tmp_path_factory.mktemp("xlsx") / "认证机构.xlsx")
    return load_workbook(path)


def test_xlsx_has_a_summary_and_one_sheet_per_actor(workbook, cert_bodies):
    counts = cert_bodies.counts()
    assert workbook.sheetnames == ["概览", *counts]
    summary = [[c for c in row if c is not None] for row in workbook["概览"].iter_rows(values_only=True)]
    assert any("逾期判断日期：2026-01-01" in r[0] for r in summary if r)
    assert any("筛选条件：义务主体=认证机构" in r[0] for r in summary if r)
    link = next(c for c in workbook["概览"]["A"] if c.value == "认证机构")
    assert link.hyperlink.location == "'认证机构'!A1"
    row = next(r for r in summary if r and r[0] == "认证机构")
    assert row[1:] == [counts["认证机构"].get(m, 0) for m in ("must", "must_not", "may", "encouraged", "target")] \
        + [sum(counts["认证机构"].values()), 1]
    covered = next(r for r in summary if r and r[0] == "国家认监委关于进一步规范管理体系认证活动切实提升认证有效性的通知")
    assert covered[1] == "国认监发〔2025〕9号" and covered[2] == datetime(2025, 12, 31)


def test_xlsx_actor_sheet_cells(workbook, cert_bodies):
    ws = workbook["认证机构"]
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:Q{ws.max_row}"
    assert ws.max_row == 1 + sum(cert_bodies.counts()["认证机构"].values())
    col = {h: i + 1 for i, h in enumerate(HEADERS)}
    rows = {ws.cell(r, col["要求"]).value: r for r in range(2, ws.max_row + 1)}
    r = rows["企业（组织）最高管理者因特殊原因不能参加首、末次会议的，认证机构应当记录最高管理者缺席理由"]
    assert ws.cell(r, col["义务类型"]).value == "应当"
    assert ws.cell(r, col["文号"]).value == "国认监发〔2025〕9号"
    assert ws.cell(r, col["条款"]).value == "一/（七）"
    assert "缺席理由" in ws.cell(r, col["条款原文"]).value
    assert all(ws.cell(r, col[h]).value is None for h in ("负责人", "状态", "证据", "备注"))
    assert ws.cell(r, col["要求"]).alignment.wrap_text
    assert ws.column_dimensions["E"].width == 48  # 要求
    # it prints: landscape A4 fitted to the page width, the header on every page, and rows tall
    # enough for their whole text
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows.replace("$", "") == "1:1"
    from pipeline.checklist_export import COLUMNS
    width = dict(COLUMNS)["条款原文"]
    for r in range(2, ws.max_row + 1):
        text = ws.cell(r, col["条款原文"]).value or ""
        lines = sum(max(1, -(-sum(2 if ord(ch) > 0x2e7f else 1 for ch in p) // (width - 1))) for p in text.split("\n"))
        assert ws.row_dimensions[r].height >= min(409, 15 * lines)
    # the overdue report: a real Excel date, formatted as a date, flagged
    late = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col["逾期"]).value == "是")
    due = ws.cell(late, col["期限"])
    assert due.value == datetime(2019, 6, 30) and due.number_format == "yyyy-mm-dd" and due.font.b
    assert ws.cell(late, col["期限原文"]).value == "于2019年6月30日前"


def test_xlsx_prohibitions_stand_out(workbook):
    ws = workbook["认证机构"]
    fills = {}
    for r in range(2, ws.max_row + 1):
        fills.setdefault(ws.cell(r, 4).value, set()).add(ws.cell(r, 5).fill.fgColor.rgb)
    assert fills["不得"] == {"00FDE2E1"}
    assert "00FDE2E1" not in fills["应当"] | fills["鼓励"]


def test_xlsx_status_column_offers_the_four_states(workbook):
    ws = workbook["认证机构"]
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == '"' + ",".join(STATUS_CHOICES) + '"'
    assert str(dv.sqref) == f"O2:O{ws.max_row}" and ws["O1"].value == "状态"


@given(st.text(min_size=0, max_size=60))
def test_sheet_names_are_valid_and_unique(actor):
    taken = {"概览"}
    a, b = _sheet_name(actor, taken), _sheet_name(actor, taken)
    for name in (a, b):
        assert 1 <= len(name) <= 31 and not set(name) & set("[]:*?/\\")
    assert a != b


# ------------------------------------------------------------------ CSV, Markdown, JSON
def test_csv_has_a_bom_and_opens_as_excel_reads_it(cert_bodies, tmp_path):
    path = write_checklist(cert_bodies, tmp_path / "c.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == HEADERS and len(rows) == len(cert_bodies.items)
    merged = next(r for r in rows if r["要求"] == "认证机构应当对其认证的产品、服务、管理体系实施有效的跟踪监督")
    assert merged["条款"] == "第三章/第二十一条\n第三章/第二十六条"
    assert merged["来源文件"] == "认证机构管理办法\n中华人民共和国认证认可条例"
    assert to_csv(cert_bodies).startswith("编号,义务主体")


def test_markdown_groups_by_actor_then_notice(cert_bodies):
    md = to_markdown(cert_bodies)
    assert md.count("\n- [ ] ") == len(cert_bodies.items)
    assert md.index("## 认证机构（") < md.index("### 国家认监委关于质量管理体系认证升级版的实施意见（国认可〔2017〕137号）") \
        < md.index("### 国家认监委关于进一步规范管理体系认证活动切实提升认证有效性的通知（国认监发〔2025〕9号）")
    item = "- [ ] **应当** 企业（组织）最高管理者因特殊原因不能参加首、末次会议的，认证机构应当记录最高管理者缺席理由"
    block = md.split(item, 1)[1].split("\n- [ ]", 1)[0]
    assert "  - 来源：国认监发〔2025〕9号 一/（七）" in block and "    > " in block
    assert "**已逾期**" in md


def test_cli_writes_each_format(corpus_run, tmp_path):
    runner = CliRunner()
    db = str(corpus_run[2])
    res = runner.invoke(cli, ["checklist", "--db", db, "--actor", "审核员", "-o", str(tmp_path / "a.xlsx")])
    assert res.exit_code == 0, res.output
    assert "a.xlsx: 2 duties of 1 actors" in res.output
    assert load_workbook(tmp_path / "a.xlsx").sheetnames == ["概览", "审核员"]
    res = runner.invoke(cli, ["checklist", "--db", db, "--actor", "审核员", "--format", "json"])
    data = json.loads(res.output)
    assert [i["modality"] for i in data["items"]] == ["must_not", "must"]
    assert data["items"][0]["sources"][0]["path"] == "二/（十五）"
    res = runner.invoke(cli, ["checklist", "--db", db, "--actor", "审核员"])
    assert res.output.startswith("# 义务清单") and res.output.count("- [ ]") == 2


def test_cli_reports_bad_requests_without_traceback(corpus_run, tmp_path):
    runner = CliRunner()
    db = str(corpus_run[2])
    res = runner.invoke(cli, ["checklist", "--db", db, "--actor", "认证机够"])
    assert res.exit_code == 1 and "did you mean: 认证机构" in res.output and "Traceback" not in res.output
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = runner.invoke(cli, ["checklist", "--db", db, "--actor", "审核员", "-o", str(blocker / "c.xlsx")])
    assert res.exit_code == 1 and "cannot write the checklist" in res.output


def test_unknown_format_is_an_export_error(cert_bodies, tmp_path):
    with pytest.raises(ExportError):
        write_checklist(cert_bodies, tmp_path / "c.pdf")


def test_only_laws_are_superseded_by_title(tmp_path):
    """Two notices with one title but their own 文号 (a yearly notice) both stay; two texts of a
    law (no 文号) are versions, the later revision current."""
    from pipeline.batch import extract_paths
    from pipeline.query import superseded

    src = tmp_path / "in"
    src.mkdir()
    text = (CORPORA / "samr-2019-18-certification-self-inspection.txt").read_text(encoding="utf-8")
    (src / "self-inspection-2019.txt").write_text(text, encoding="utf-8")
    (src / "self-inspection-2020.txt").write_text(text.replace("〔2019〕18号", "〔2020〕5号")
                                                  .replace("2019年3月21日", "2020年3月2日"), encoding="utf-8")
    for law in ("cert-accreditation-regulation-2016.md", "cert-accreditation-regulation-2023.md"):
        (src / law).write_bytes((CORPORA / "versions" / law).read_bytes())
    db_path = tmp_path / "r.db"
    extract_paths([src], db_path, None, None)
    assert superseded(open_db(db_path)) == {"cert-accreditation-regulation-2016": "cert-accreditation-regulation-2023"}


def test_readme_checklist_example_is_current(db):
    """The README's example summary line is what the bundled corpora give today."""
    import re

    from .conftest import ROOT
    line = re.search(r"认证机构\.xlsx: (\d+) duties of (\d+) actors from (\d+) notices, (\d+) restatements merged, "
                     r"(\d+) overdue as of (\S+)", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert line, "README lost its checklist example"
    cl = build_checklist(db, actor="认证机构", as_of=line.group(6))
    assert [int(x) for x in line.groups()[:5]] == [len(cl.items), len(cl.counts()), len(cl.notices), cl.merged,
                                                   sum(i.overdue for i in cl.items)]


def test_xlsx_drops_control_characters_it_cannot_hold(cert_bodies, tmp_path):
    # text extracted from PDFs can carry form feeds and other C0 controls
    from dataclasses import replace
    item = cert_bodies.items[0]
    src = replace(item.sources[0], clause_text="第一页\x0c第二页\x01")
    dirty = replace(cert_bodies, items=[replace(item, sources=(src,), requirement=item.requirement + "\x1f")])
    ws = load_workbook(write_checklist(dirty, tmp_path / "d.xlsx"))[item.actor]
    assert ws.cell(2, HEADERS.index("条款原文") + 1).value == "第一页第二页"
    assert ws.cell(2, HEADERS.index("要求") + 1).value == item.requirement


def test_notices_without_wenhao_sharing_a_notice_title_are_not_versions(tmp_path):
    """A 关于……的通知 without 文号 names no text across revisions: two such notices both stay."""
    from pipeline.batch import extract_paths
    from pipeline.query import superseded

    src = tmp_path / "in"
    src.mkdir()
    text = (CORPORA / "samr-2025-certification-professionalism-plan.txt").read_text(encoding="utf-8")
    (src / "plan-a.txt").write_text(text, encoding="utf-8")
    (src / "plan-b.txt").write_text(text.replace("2025年11月27日", "2026年11月27日"), encoding="utf-8")
    db_path = tmp_path / "r.db"
    extract_paths([src], db_path, None, None)
    assert superseded(open_db(db_path)) == {}


def test_a_subject_not_written_in_the_statement_is_marked_in_the_requirement(db):
    cl = build_checklist(db)
    marked = [i for i in cl.items if i.requirement.endswith(("〔主体据主送机关推定〕", "〔主体据本条前文推定〕",
                                                              "〔主体据主管机关推定〕", "〔主体据标题推定〕"))]
    assert marked, "inferred subjects are said to be inferred"
    assert not any("推定" in i.requirement for i in cl.items if i not in marked and "推定" not in i.action)


def test_a_duty_pointing_to_a_list_carries_its_items(corpus_run):
    from pipeline import query as q
    from pipeline.checklist import build_checklist
    from pipeline.store import open_db

    db = open_db(corpus_run[2], create=False)
    cl = build_checklist(db, actor="认证机构", notice="compulsory-product-certification-provisions-2022")
    # 第二十六条 有下列情形之一的，认证机构应当注销认证证书，并对外公布：（一）……（五）
    (it,) = [i for i in cl.items if "注销认证证书" in i.requirement and i.sources[0].path.endswith("第二十六条")]
    assert "（一）认证证书有效期届满" in it.requirement and "（五）其他依法应当注销的情形" in it.requirement
    assert "（三）获证产品型号已列入" in it.sources[0].clause_text
    shown = q.show(db, it.id)
    assert "（四）认证委托人申请注销的" in shown.clause_text
    # a duty that points to no list stays one sentence
    plain = [i for i in cl.items if "下列" not in i.sources[0].clause_text]
    assert plain and all("\n（一）" not in i.requirement for i in plain)


def test_near_duplicates_never_pair_a_prohibition_with_a_duty(corpus_run):
    from pipeline import query as q
    from pipeline.store import open_db

    db = open_db(corpus_run[2], create=False)
    for ob in q.obligations(db, actor="认证机构", modality="must_not")[:40]:
        assert all(o.modality == "must_not" for o, _ in q.similar_obligations(db, ob, ob.notice))


def test_checklist_in_force_on_a_past_date_keeps_the_version_then(corpus_run):
    from pipeline.checklist import build_checklist
    from pipeline.store import open_db

    db = open_db(corpus_run[2], create=False)
    then = build_checklist(db, actor="认证机构", in_force="2017-01-01")
    notices = {s.notice for it in then.items for s in it.sources}
    # on 2017-01-01 the 认证认可条例 in force was the version revised on 2016-02-06
    assert notices == {"cert-accreditation-regulation-2020"} and not then.superseded
    now = build_checklist(db, actor="认证机构")
    assert "cert-accreditation-regulation-2023" in {s.notice for it in now.items for s in it.sources}
