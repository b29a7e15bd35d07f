"""Report: a :class:`~pipeline.diff.VersionDiff` as text, Markdown, JSON or a 新旧对照 HTML page.

Every report opens with each version's title and date and counts by article (a notice's
top-level clauses when it has no articles), then lists the obligation changes grouped by actor
with modality and old → new values written out, the quantity changes, the full 条号对照
(articles only) and the clauses: changed words marked, and the whole text of an added or
removed article.

* Text is for the terminal: ``[-deleted-]`` and ``{+inserted+}``.
* Markdown reads well on GitHub: ``~~deleted~~`` and ``**inserted**``.
* HTML is self-contained (inline style, no script, no network): a table of contents grouped by
  kind of change, old on the left and new on the right aligned clause by clause, each
  obligation change as a badge on the row of the clause it is in (the new clause; the old one
  for a removed duty) with its values visible, also in print.

``changed_only`` leaves out the rows of unchanged and merely renumbered clauses.
"""
from __future__ import annotations

import html
import json
from dataclasses import asdict

from .diff import ClauseChange, ObligationChange, QuantityChange, VersionDiff
from .model import MODALITY_ZH

KIND_ZH = {
    "new": "新增义务", "removed": "删除义务", "moved": "义务移动", "modality_strengthened": "义务加重",
    "modality_weakened": "义务减轻", "modality_changed": "模态改变", "subject_changed": "主体改变",
    "deadline_added": "新增期限", "deadline_removed": "删除期限", "deadline_shortened": "期限缩短",
    "deadline_lengthened": "期限延长", "deadline_changed": "期限改变", "condition_changed": "条件改变",
    "amount_changed": "数额改变", "citations_changed": "引用改变", "action_changed": "行为内容改变"}
"""Chinese labels of the obligation change kinds, as a 新旧对照 table would name them."""

STATUS_ZH = {"unchanged": "未变", "renumbered": "条号变化", "moved": "移动", "modified": "修改", "added": "新增",
             "removed": "删除", "split": "拆分", "merged": "合并"}

QUANTITY_ZH = {"raised": "提高", "lowered": "降低", "lengthened": "延长", "shortened": "缩短",
               "limit_changed": "限度改变", "changed": "改变", "added": "新增", "removed": "删除"}
FAMILY_ZH = {"amount": "金额", "period": "期间", "ratio": "比例", "multiple": "倍数", "count": "数量"}


def _status(c: ClauseChange) -> str:
    return STATUS_ZH[c.status] + ("（移动）" if c.moved else "")


def _is_article(c: ClauseChange) -> bool:
    return any(x.kind == "article" for x in c.old + c.new) or not any(
        x.parent for x in c.old + c.new) and not any(x.kind in ("chapter", "section", "attachment") for x in c.old + c.new)


def summary_line(d: VersionDiff) -> str:
    """``"76 articles unchanged, 1 modified; obligations: …; quantities: …"``."""
    def part(prefix: str) -> list[str]:
        return [f"{v} {k.split(' ', 1)[1].replace('_', ' ')}" for k, v in d.summary.items() if k.startswith(prefix)]
    arts = part("articles ")
    ob, qt = part("obligations "), part("quantities ")
    return ("articles: " + (", ".join(arts) or "none") + "; obligations: " + (", ".join(ob) or "no change")
            + "; quantities: " + (", ".join(qt) or "no change"))


def summary_line_zh(d: VersionDiff) -> str:
    """The summary in the words of a 新旧对照 (the reports' header): ``"条文：未变 40 条，修改 8 条；
    义务：主体改变 7 项；数额与期限：无变化"``."""
    def part(prefix: str, labels: dict[str, str], unit: str) -> str:
        got = [f"{labels.get(k.split(' ', 1)[1], k.split(' ', 1)[1])} {v} {unit}" for k, v in d.summary.items()
               if k.startswith(prefix)]
        return "，".join(got)
    moved = dict(STATUS_ZH, moved="修改并移动")
    return ("条文：" + (part("articles ", moved, "条") or "无")
            + "；义务：" + (part("obligations ", KIND_ZH, "项") or "无变化")
            + "；数额与期限：" + (part("quantities ", QUANTITY_ZH, "处") or "无变化"))


def _version_line(title: str, name: str, date: str | None) -> str:
    return f"{title or name}（{date or '日期不详'}，{name}）"


def _values(ch: ObligationChange) -> str:
    mod = MODALITY_ZH.get(ch.modality, ch.modality)
    if ch.kind in ("new", "removed"):
        return f"{mod} {ch.action}"
    if ch.kind == "action_changed":
        return f"{mod}：{ch.before or '—'} → {ch.after or '—'}"
    if ch.kind == "moved":
        return f"{mod} {ch.action}（{ch.old_path} → {ch.new_path}）"
    return f"{mod} {ch.action}：{ch.before or '—'} → {ch.after or '—'}"


def _change_text(ch: ObligationChange) -> str:
    return f"[{KIND_ZH.get(ch.kind, ch.kind)}] {ch.old_path or '—'} → {ch.new_path or '—'}: {_values(ch)}"


def _quantity_text(q: QuantityChange) -> str:
    what = f"{FAMILY_ZH.get(q.family, q.family)}{QUANTITY_ZH.get(q.kind, q.kind)}" + ("（罚款）" if q.penalty else "")
    return f"[{what}] {q.old_path or '—'} → {q.new_path or '—'}: {q.old or '—'} → {q.new or '—'}（…{q.context}…）"


def _ops_plain(ops) -> str:
    return "".join(t if op == "=" else f"[-{t}-]" if op == "-" else f"{{+{t}+}}" for op, t in ops)


def _number_table(d: VersionDiff, changed_only: bool = False) -> list[tuple[str, str, str]]:
    """(old label, new label, status) of every article pair, in the new version's order
    (``changed_only``: without the articles that kept number and text)."""
    return [(" + ".join(x.label for x in c.old) or "—", " + ".join(x.label for x in c.new) or "—", _status(c))
            for c in d.clauses if _is_article(c) and not (changed_only and c.status == "unchanged")]


def _shown(d: VersionDiff, changed_only: bool) -> list[ClauseChange]:
    return [c for c in d.clauses if not changed_only or c.status not in ("unchanged", "renumbered")]


def render_text(d: VersionDiff, changed_only: bool = False) -> str:
    """Plain text for the terminal."""
    lines = ["旧：" + _version_line(d.old_title, d.old, d.old_date), "新：" + _version_line(d.new_title, d.new, d.new_date),
             summary_line_zh(d)]
    for actor, changes in d.by_actor().items():
        lines.append(f"\n{actor} ({len(changes)})")
        lines += [f"  {_change_text(ch)}" for ch in changes]
    if d.quantities:
        lines += ["", "数额与期限"] + [f"  {_quantity_text(q)}" for q in d.quantities]
    lines += ["", "条号对照"] + [f"  {a} → {b}  {s}" for a, b, s in _number_table(d, changed_only)]
    changed = [c for c in _shown(d, True)]
    if changed:
        lines += ["", "条文变化"]
    for c in changed:
        body = _ops_plain(c.ops) if c.ops else "\n    ".join(x.body or x.text for x in (c.new or c.old))
        lines.append(f"  {_status(c)} {c.old_path or '—'} → {c.new_path or '—'}: {body}")
    return "\n".join(lines) + "\n"


def render_markdown(d: VersionDiff, changed_only: bool = False) -> str:
    """GitHub-flavoured Markdown."""
    md = [f"# {d.old} → {d.new}", "", f"- 旧：{_version_line(d.old_title, d.old, d.old_date)}",
          f"- 新：{_version_line(d.new_title, d.new, d.new_date)}", "", f"**概要：**{summary_line_zh(d)}", ""]
    if d.obligations:
        md += ["## Obligation changes by actor", ""]
        for actor, changes in d.by_actor().items():
            md += [f"### {actor}", ""]
            md += [f"- **{KIND_ZH.get(ch.kind, ch.kind)}** `{ch.old_path or '—'}` → `{ch.new_path or '—'}`: {_values(ch)}"
                   for ch in changes]
            md.append("")
    if d.quantities:
        md += ["## Quantities", ""] + [f"- {_quantity_text(q)}" for q in d.quantities] + [""]
    md += ["## 条号对照", "", "| 旧条号 | 新条号 | 变化 |", "|---|---|---|"]
    md += [f"| {a} | {b} | {s} |" for a, b, s in _number_table(d, changed_only)] + [""]
    rows = _shown(d, changed_only)
    if rows:
        md += ["## Clauses", "", "| | old | new | text |", "|---|---|---|---|"]
        for c in rows:
            text = "".join(t if op == "=" else f"~~{t}~~" if op == "-" else f"**{t}**" for op, t in c.ops) if c.ops \
                else "".join(x.text for x in (c.new or c.old))
            md.append(f"| {_status(c)} | {c.old_path or '—'} | {c.new_path or '—'} | {text.replace('|', '｜')} |")
        md.append("")
    return "\n".join(md)


def render_json(d: VersionDiff, changed_only: bool = False) -> str:
    """Machine-readable JSON (clause pairs, obligation and quantity changes, summary)."""
    def clause(c: ClauseChange) -> dict:
        return {"status": c.status, "moved": c.moved, "old_path": c.old_path or None, "new_path": c.new_path or None,
                "similarity": round(c.similarity, 3), "ops": [list(op) for op in c.ops]}
    return json.dumps({"old": d.old, "new": d.new, "old_title": d.old_title, "new_title": d.new_title,
                       "old_date": d.old_date, "new_date": d.new_date, "summary": d.summary,
                       "clauses": [clause(c) for c in _shown(d, changed_only)],
                       "obligations": [asdict(o) for o in d.obligations],
                       "quantities": [asdict(q) for q in d.quantities]}, ensure_ascii=False, indent=2)


_CSS = """
body{font:15px/1.6 "Noto Serif CJK SC","Songti SC",serif;margin:0 auto;max-width:1400px;padding:16px;color:#222}
h1{font-size:20px} h2{font-size:17px;margin-top:24px} table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ddd;padding:6px 8px;vertical-align:top}
th{background:#f3f3f3} td.path{white-space:nowrap;color:#555;font-size:13px} del{background:#fdd;color:#900}
ins{background:#dfd;color:#060;text-decoration:none} tr.unchanged td.text,tr.renumbered td.text{color:#777}
.badge{display:block;border-left:4px solid #555;padding:1px 6px;margin:4px 0 0;font-size:13px;background:#f6f6f6}
.badge b{margin-right:6px}
.badge.new,.badge.deadline_added,.badge.modality_strengthened,.badge.deadline_shortened{border-color:#1a7f37}
.badge.removed,.badge.deadline_removed,.badge.modality_weakened,.badge.deadline_lengthened{border-color:#c62828}
.st{font-size:12px;border-radius:4px;padding:0 4px;background:#eee;white-space:nowrap} nav{margin-bottom:12px}
nav a{margin-right:10px} nav div{margin:2px 0} tr.modified td.text,tr.added td.text,tr.removed td.text,
tr.split td.text,tr.merged td.text{background:#fffbe6}
@media print{nav{display:none} tr{page-break-inside:avoid}}
"""


def badge_rows(d: VersionDiff) -> dict[int, list[ObligationChange]]:
    """Row index (into ``d.clauses``) → the obligation changes shown on it: a change sits on the
    row of the new clause it is in, a removed duty on the row of its old clause."""
    by_new = {x.path: k for k, c in enumerate(d.clauses) for x in c.new}
    by_old = {x.path: k for k, c in enumerate(d.clauses) for x in c.old}
    rows: dict[int, list[ObligationChange]] = {}
    for ch in d.obligations:
        k = by_new.get(ch.new_path) if ch.new_path else by_old.get(ch.old_path)
        if k is not None:
            rows.setdefault(k, []).append(ch)
    return rows


def render_html(d: VersionDiff, changed_only: bool = False) -> str:
    """A self-contained 新旧对照 page."""
    e = html.escape
    badges_at = badge_rows(d)
    rows, toc = [], {}
    for k, c in enumerate(d.clauses):
        if changed_only and c.status in ("unchanged", "renumbered") and k not in badges_at:
            continue
        anchor = f"c{k}"
        if c.status not in ("unchanged", "renumbered") and _is_article(c):
            toc.setdefault(_status(c), []).append(f'<a href="#{anchor}">{e(c.new_path or c.old_path)}</a>')
        if c.ops:
            left = "".join(e(t) if op == "=" else f"<del>{e(t)}</del>" for op, t in c.ops if op != "+")
            right = "".join(e(t) if op == "=" else f"<ins>{e(t)}</ins>" for op, t in c.ops if op != "-")
        else:
            left = "<br>".join(e(x.body or x.text).replace("\n", "<br>") for x in c.old)
            right = "<br>".join(e(x.body or x.text).replace("\n", "<br>") for x in c.new)
            if c.status == "added":
                right = f"<ins>{right}</ins>"
            elif c.status == "removed":
                left = f"<del>{left}</del>"
        badges = "".join(f'<div class="badge {ch.kind}"><b>{e(KIND_ZH.get(ch.kind, ch.kind))}</b>'
                         f'{e(ch.actor or "（未明确主体）")}：{e(_values(ch))}</div>' for ch in badges_at.get(k, []))
        rows.append(f'<tr id="{anchor}" class="{c.status}"><td class="path">{e(c.old_path or "—")}</td>'
                    f'<td class="text">{left}</td><td class="path">{e(c.new_path or "—")}</td>'
                    f'<td class="text">{right}{badges}</td>'
                    f'<td><span class="st">{e(_status(c))}</span></td></tr>')
    obl = "".join(f"<li>{e(actor)}<ul>" + "".join(f"<li>{e(_change_text(ch))}</li>" for ch in changes) + "</ul></li>"
                  for actor, changes in d.by_actor().items())
    qty = "".join(f"<li>{e(_quantity_text(q))}</li>" for q in d.quantities)
    numbers = "".join(f"<tr><td>{e(a)}</td><td>{e(b)}</td><td>{e(s)}</td></tr>"
                      for a, b, s in _number_table(d, changed_only))
    nav = "".join(f"<div><b>{e(kind)}（{len(links)}）</b> {''.join(links)}</div>" for kind, links in toc.items()) or "无"
    return (f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{e(d.old_title or d.old)} 新旧对照</title>'
            f"<style>{_CSS}</style></head><body><h1>新旧对照</h1>"
            f"<p>旧：{e(_version_line(d.old_title, d.old, d.old_date))}<br>新：{e(_version_line(d.new_title, d.new, d.new_date))}</p>"
            f"<p>{e(summary_line_zh(d))}</p><nav><b>目录（按变化类型）</b>{nav}</nav>"
            f"<h2>义务变化（{len(d.obligations)}）</h2><ul>{obl or '<li>无</li>'}</ul>"
            f"<h2>数额与期限变化（{len(d.quantities)}）</h2><ul>{qty or '<li>无</li>'}</ul>"
            f"<h2>条文对照</h2>"
            f"<table><thead><tr><th>旧条号</th><th>旧文本</th><th>新条号</th><th>新文本</th><th>变化</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            f"<h2>条号对照</h2><table class=\"numbers\"><thead><tr><th>旧条号</th><th>新条号</th><th>变化</th></tr></thead>"
            f"<tbody>{numbers}</tbody></table></body></html>\n")
