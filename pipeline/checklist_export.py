"""Checklist writers: a :class:`~pipeline.checklist.Checklist` as XLSX, CSV, Markdown or JSON.

All four carry the same columns (:data:`COLUMNS`): the duty (ID, actor, modality, readable
requirement, deadline), where it comes from (notice title, 文号, clause path, clause text,
citations) and four empty tracking columns (负责人 / 状态 / 证据 / 备注).

* XLSX (openpyxl): a 概览 summary sheet, then one sheet per actor; header frozen, autofilter,
  wrapped text, deadlines as Excel dates, prohibitions (不得) filled red, a 状态 drop-down.
* CSV: UTF-8 with a byte-order mark, so Excel shows the Chinese text; one row per item.
* Markdown: grouped by actor, then notice; one ``- [ ]`` line per item with its source below.
* JSON: the checklist as data, for other tools.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .checklist import STATUS_CHOICES, Checklist, ChecklistItem
from .errors import ExportError
from .model import MODALITIES, MODALITY_ZH

FORMATS = ("xlsx", "csv", "md", "json")
"""Formats :func:`write_checklist` writes."""

COLUMNS = (("编号", 17), ("义务主体", 12), ("共同主体", 12), ("义务类型", 7), ("要求", 48), ("期限", 11),
           ("期限原文", 14), ("逾期", 5), ("来源文件", 20), ("文号", 16), ("条款", 12), ("条款原文", 56),
           ("引用", 18), ("负责人", 8), ("状态", 8), ("证据", 14), ("备注", 14))
"""Column headers and their XLSX widths (in Excel's width unit: one Latin digit; a Chinese
character takes two), chosen so that a sheet printed landscape on A4 and fitted to the page
width stays readable."""

_LINE_PT = 15.0  # the height of one line of 11-point text, in points
_MAX_ROW_PT = 409.0  # Excel's largest row height

_CELL_MAX = 32000  # Excel holds at most 32,767 characters in a cell


def item_row(item: ChecklistItem) -> dict:
    """The item as one flat row keyed by :data:`COLUMNS` headers (``期限`` an ISO string or ""); several
    sources are listed one per line, their clause texts each headed by ``【notice path】``."""
    many = len(item.sources) > 1
    texts = [f"【{s.doc_number or s.title} {s.path}】{s.clause_text}" if many else s.clause_text
             for s in item.sources]
    return {"编号": item.id, "义务主体": item.actor,
            "共同主体": "、".join(a for a in item.actors if a != item.actor),
            "义务类型": item.modality_zh, "要求": item.requirement, "期限": item.deadline_date or "",
            "期限原文": item.deadline_text or "", "逾期": "是" if item.overdue else "",
            "来源文件": "\n".join(s.title for s in item.sources),
            "文号": "\n".join(s.doc_number or "" for s in item.sources).strip("\n"),
            "条款": "\n".join(s.path for s in item.sources),
            "条款原文": _clip("\n\n".join(texts)), "引用": "\n".join(item.citations),
            "负责人": "", "状态": "", "证据": "", "备注": ""}


def _clip(text: str) -> str:
    return text if len(text) <= _CELL_MAX else text[:_CELL_MAX - 1] + "…"


def write_checklist(checklist: Checklist, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``checklist`` to ``path`` as ``fmt`` (default: from the suffix); return the path.

    Raises:
        ExportError: ``fmt`` is not one of :data:`FORMATS`, or ``path`` cannot be written.
    """
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ExportError(f"{path}: unknown checklist format {fmt!r} (expected one of {', '.join(FORMATS)})")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "xlsx":
            to_workbook(checklist).save(path)
        elif fmt == "csv":
            path.write_text(to_csv(checklist), encoding="utf-8-sig", newline="")
        elif fmt == "md":
            path.write_text(to_markdown(checklist), encoding="utf-8")
        else:
            path.write_text(to_json(checklist), encoding="utf-8")
    except OSError as e:
        raise ExportError(f"{path}: cannot write the checklist ({e.strerror or e})") from e
    return path


# ------------------------------------------------------------------ CSV / JSON
def to_csv(checklist: Checklist) -> str:
    """CSV text, header first (write it as ``utf-8-sig`` for Excel; :func:`write_checklist` does)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=[c for c, _ in COLUMNS])
    w.writeheader()
    w.writerows(item_row(it) for it in checklist.items)
    return buf.getvalue()


def to_json(checklist: Checklist) -> str:
    """JSON: ``{"generated", "as_of", "filters", "counts", "notices", "superseded", "merged",
    "items": [ChecklistItem as an object, sources nested]}``."""
    import json
    from dataclasses import asdict
    data = {"generated": checklist.generated, "as_of": checklist.as_of, "filters": checklist.filters,
            "counts": checklist.counts(),
            "notices": [dict(zip(("name", "title", "doc_number", "date", "items"), n)) for n in checklist.notices],
            "superseded": [{"notice": o, "by": n} for o, n in checklist.superseded],
            "merged": checklist.merged, "items": [asdict(it) for it in checklist.items]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------ Markdown
def to_markdown(checklist: Checklist) -> str:
    """Markdown grouped by actor (``##``) then notice (``###``), one ``- [ ]`` item per duty with
    its deadline, sources (clause text quoted) and citations underneath."""
    out = ["# 义务清单", "", *_summary_lines(checklist, "- "), ""]
    counts = checklist.counts()
    actor = notice = None
    for it in checklist.items:
        if it.actor != actor:
            actor, notice = it.actor, None
            n = sum(counts[actor].values())
            out += [f"## {actor}（{n} 项）", ""]
        first = it.sources[0]
        if first.notice != notice:
            notice = first.notice
            out += [f"### {first.title}" + (f"（{first.doc_number}）" if first.doc_number else ""), ""]
        out.append(f"- [ ] **{it.modality_zh}** {it.requirement}  `{it.id}`")
        if it.deadline_text or it.deadline_date:
            due = " ".join(x for x in (it.deadline_date, f"（{it.deadline_text}）" if it.deadline_text else "") if x)
            out.append(f"  - 期限：{due}" + ("　**已逾期**" if it.overdue else ""))
        for i, s in enumerate(it.sources):
            label = "来源" if i == 0 else "另见"
            where = f"{s.doc_number or s.title} {s.path}" if i or not s.doc_number else f"{s.doc_number} {s.path}"
            out.append(f"  - {label}：{where}")
            out += [f"    > {ln}" for ln in s.clause_text.split("\n") if ln.strip()]
        if it.citations:
            out.append(f"  - 引用：{'、'.join(it.citations)}")
        if len(it.actors) > 1:
            out.append(f"  - 共同主体：{'、'.join(a for a in it.actors if a != it.actor)}")
    return "\n".join(out).rstrip() + "\n"


_FILTER_ZH = {"actor": "义务主体", "exact": "仅该主体", "notice": "文件", "modality": "义务类型",
              "due_before": "期限早于", "due_after": "期限不早于", "cites": "引用", "text": "全文检索",
              "merge": "合并重复", "all_versions": "含旧版本"}


def _filter_value(key: str, value) -> str:
    if key == "modality":
        return "、".join(MODALITY_ZH.get(m, m) for m in str(value).split(","))
    return "是" if value is True else "否" if value == "no" else str(value)


def _summary_lines(checklist: Checklist, bullet: str) -> list[str]:
    total = len(checklist.items)
    by_mod = {m: sum(1 for it in checklist.items if it.modality == m) for m in MODALITIES}
    lines = [f"{bullet}生成时间：{checklist.generated}；逾期判断日期：{checklist.as_of}",
             f"{bullet}筛选条件：" + ("；".join(f"{_FILTER_ZH.get(k, k)}={_filter_value(k, v)}"
                                              for k, v in checklist.filters.items()) or "无"),
             f"{bullet}共 {total} 项"
             + ("（" + "，".join(f"{MODALITY_ZH[m]} {n}" for m, n in by_mod.items() if n) + "）" if total else "")
             + f"，其中逾期 {sum(it.overdue for it in checklist.items)} 项",
             f"{bullet}涉及文件 {len(checklist.notices)} 件；多份文件重复规定的义务已合并 {checklist.merged} 处"]
    if checklist.superseded:
        lines.append(f"{bullet}未收录已被新版本取代的文件：" +
                     "；".join(f"{o}（由 {n} 取代）" for o, n in checklist.superseded))
    return lines


# ------------------------------------------------------------------ XLSX
def to_workbook(checklist: Checklist):
    """An openpyxl ``Workbook``: sheet 概览 (generation date, filters, counts per actor and
    modality, notices covered), then one sheet per actor with the :data:`COLUMNS`."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.hyperlink import Hyperlink

    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDE4EE")
    ban_fill = PatternFill("solid", fgColor="FDE2E1")
    ban_font = Font(bold=True, color="B00020")
    late_font = Font(bold=True, color="B00020")
    wrap = Alignment(wrap_text=True, vertical="top")

    wb = Workbook()
    ws = wb.active
    ws.title = "概览"
    ws.append(["义务清单"])
    ws["A1"].font = Font(bold=True, size=14)
    for line in _summary_lines(checklist, ""):
        ws.append([line])
    ws.append([])
    counts = checklist.counts()
    header = ["义务主体", *[MODALITY_ZH[m] for m in MODALITIES], "合计", "逾期"]
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = bold, head_fill
    names: set[str] = {"概览"}
    sheet_of = {actor: _sheet_name(actor, names) for actor in counts}
    for actor, by_mod in counts.items():
        late = sum(1 for it in checklist.items if it.actor == actor and it.overdue)
        ws.append([actor, *[by_mod.get(m, 0) for m in MODALITIES], sum(by_mod.values()), late])
        link = ws.cell(ws.max_row, 1)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{sheet_of[actor]}'!A1")  # to the actor's sheet
        link.style = "Hyperlink"
    ws.append(["合计", *[sum(c.get(m, 0) for c in counts.values()) for m in MODALITIES], len(checklist.items),
               sum(it.overdue for it in checklist.items)])
    for cell in ws[ws.max_row]:
        cell.font = bold
    ws.append([])
    ws.append(["涉及文件", "文号", "日期", "条目数", "文件名"])
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = bold, head_fill
    widths = {"A": 44, "B": 30, "C": 12, "D": 8, "E": 44, "F": 8, "G": 8, "H": 8}
    for name, title, number, day, n in checklist.notices:
        ws.append([_cell(title), number or "", _excel_date(day), n, name])
        row = ws.max_row
        for c in range(1, 6):
            ws.cell(row, c).alignment = wrap
        if day:
            ws.cell(row, 3).number_format = "yyyy-mm-dd"
        lines = max(-(-_cells_wide(v) // (w - 1)) for v, w in ((title or "", widths["A"]), (number or "", widths["B"]),
                                                             (name, widths["E"])))
        ws.row_dimensions[row].height = min(_MAX_ROW_PT, max(1, lines) * _LINE_PT + 2)
    # 概览: the summary lines run across the empty cells to their right; the actor table and the
    # notice table share the columns (义务主体 / 涉及文件, counts / 文号, 日期, 条目数, 文件名)
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    _print_setup(ws, ws.max_row, titles=False)

    status_col = get_column_letter([c for c, _ in COLUMNS].index("状态") + 1)
    date_col = [c for c, _ in COLUMNS].index("期限") + 1
    for actor in counts:
        sheet = wb.create_sheet(sheet_of[actor])
        sheet.append([c for c, _ in COLUMNS])
        for cell in sheet[1]:
            cell.font, cell.fill, cell.alignment = bold, head_fill, wrap
        r = 1  # openpyxl's max_row scans every cell: track the row number instead
        for it in (i for i in checklist.items if i.actor == actor):
            row = item_row(it)
            height = row_height(row)
            row["期限"] = _excel_date(it.deadline_date)
            sheet.append([_cell(v) for v in row.values()])
            r += 1
            sheet.row_dimensions[r].height = height
            for c in range(1, len(COLUMNS) + 1):  # sheet[r] would also scan every cell
                cell = sheet.cell(r, c)
                cell.alignment = wrap
                if it.modality == "must_not":
                    cell.fill = ban_fill
            if it.modality == "must_not":
                sheet.cell(r, 4).font = ban_font
            if it.deadline_date:
                sheet.cell(r, date_col).number_format = "yyyy-mm-dd"
                if it.overdue:
                    sheet.cell(r, date_col).font = late_font
                    sheet.cell(r, date_col + 2).font = late_font
        for i, (_, width) in enumerate(COLUMNS, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        _print_setup(sheet, r)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{r}"
        dv = DataValidation(type="list", formula1='"' + ",".join(STATUS_CHOICES) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="状态", error="请选择：" + "、".join(STATUS_CHOICES))
        dv.add(f"{status_col}2:{status_col}{max(r, 2)}")
        sheet.add_data_validation(dv)
    return wb


def _cells_wide(text: str) -> int:
    """Display width of ``text`` in Excel's width unit: two for a wide (CJK) character, one else."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def row_height(row: dict) -> float:
    """The height (points) at which every cell of ``row`` (keyed by :data:`COLUMNS` headers)
    shows its whole wrapped text at the column widths of :data:`COLUMNS`: the tallest cell's
    line count (each paragraph wrapped at its column's width) times one line, at most Excel's
    409 points."""
    lines = 1
    for (name, width), value in zip(COLUMNS, row.values()):
        text = str(value or "")
        n = sum(max(1, -(-_cells_wide(p) // max(1, width - 1))) for p in text.split("\n")) if text else 1
        lines = max(lines, n)
    return min(_MAX_ROW_PT, lines * _LINE_PT + 2)


def _print_setup(sheet, last_row: int, titles: bool = True) -> None:
    """Print ``sheet`` landscape on A4, fitted to the page width (as many pages down as it
    takes), narrow margins, the header row repeated on every page, page numbers in the footer."""
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # any number of pages down
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.print_options.gridLines = True
    if titles:
        sheet.print_title_rows = "1:1"
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def _cell(value):
    """``value`` without the control characters XLSX cannot hold (a PDF's form feeds, say)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _excel_date(iso: str | None):
    return date.fromisoformat(iso) if iso else None


def _sheet_name(actor: str, taken: set[str]) -> str:
    """A worksheet title for ``actor``: no ``[]:*?/\\``, at most 31 characters, unique."""
    base = re.sub(r"[\[\]:*?/\\]", "_", actor)[:31] or "主体"
    name, k = base, 2
    while name in taken:
        suffix = f"({k})"
        name, k = base[:31 - len(suffix)] + suffix, k + 1
    taken.add(name)
    return name
