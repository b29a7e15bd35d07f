"""Report: a :class:`~pipeline.diff.VersionDiff` as text, Markdown, JSON or a 新旧对照 HTML page.

* Markdown reads well on GitHub: summary, obligation changes grouped by actor, then the
  changed clauses with ``~~deleted~~`` and ``**inserted**`` characters.
* HTML is self-contained (inline style, no script, no network): a table of contents, then old
  on the left and new on the right, aligned clause by clause, changed characters highlighted,
  obligation changes as badges under their clause.
"""
from __future__ import annotations

import html
import json
from dataclasses import asdict

from .diff import ClauseChange, ObligationChange, VersionDiff

KIND_ZH = {
    "new": "新增义务", "removed": "删除义务", "modality_strengthened": "义务加重", "modality_weakened": "义务减轻",
    "modality_changed": "模态改变", "subject_changed": "主体改变", "deadline_added": "新增期限",
    "deadline_removed": "删除期限", "deadline_shortened": "期限缩短", "deadline_lengthened": "期限延长",
    "deadline_changed": "期限改变", "condition_changed": "条件改变", "amount_changed": "数额改变",
    "citations_changed": "引用改变", "action_changed": "行为内容改变"}
"""Chinese labels of the obligation change kinds, as a 新旧对照 table would name them."""

STATUS_ZH = {"unchanged": "未变", "renumbered": "条号变化", "moved": "移动", "modified": "修改", "added": "新增",
             "removed": "删除", "split": "拆分", "merged": "合并"}


def summary_line(d: VersionDiff) -> str:
    """``"2 clauses renumbered, 1 modified, …; 3 obligations new, …"``."""
    cl = [f"{v} {k.split(' ', 1)[1]}" for k, v in d.summary.items() if k.startswith("clauses") and "unchanged" not in k]
    ob = [f"{v} {k.split(' ', 1)[1].replace('_', ' ')}" for k, v in d.summary.items() if k.startswith("obligations")]
    unchanged = d.summary.get("clauses unchanged", 0)
    return (f"{unchanged} clauses unchanged; " + (", ".join(cl) or "no clause changed") + "; obligations: "
            + (", ".join(ob) or "no change"))


def _change_text(ch: ObligationChange) -> str:
    where = f"{ch.old_path or '—'} → {ch.new_path or '—'}"
    if ch.kind in ("new", "removed"):
        return f"[{KIND_ZH[ch.kind]}] {where}: {ch.after or ch.before}"
    return f"[{KIND_ZH.get(ch.kind, ch.kind)}] {where}: {ch.before or '—'} → {ch.after or '—'}"


def _ops_plain(ops) -> str:
    return "".join(t if op == "=" else f"[-{t}-]" if op == "-" else f"{{+{t}+}}" for op, t in ops)


def render_text(d: VersionDiff) -> str:
    """Plain text for the terminal: summary, changes by actor, changed clauses."""
    lines = [f"{d.old} → {d.new}", summary_line(d), ""]
    for actor, changes in d.by_actor().items():
        lines.append(f"{actor} ({len(changes)})")
        lines += [f"  {_change_text(ch)}" for ch in changes]
    changed = [c for c in d.clauses if c.status not in ("unchanged", "renumbered")]
    if changed:
        lines += ["", "clauses"]
    for c in changed:
        lines.append(f"  {STATUS_ZH[c.status]} {c.old_path or '—'} → {c.new_path or '—'}"
                     + (f": {_ops_plain(c.ops)}" if c.ops else ""))
    renumbered = [c for c in d.clauses if c.status == "renumbered"]
    if renumbered:
        lines.append(f"  条号变化 ({len(renumbered)}): " + ", ".join(f"{c.old[0].label}→{c.new[0].label}"
                                                              for c in renumbered[:12])
                     + (" …" if len(renumbered) > 12 else ""))
    return "\n".join(lines) + "\n"


def render_markdown(d: VersionDiff) -> str:
    """GitHub-flavoured Markdown."""
    md = [f"# {d.old} → {d.new}", "", f"**Summary:** {summary_line(d)}", ""]
    if d.obligations:
        md += ["## Obligation changes by actor", ""]
        for actor, changes in d.by_actor().items():
            md += [f"### {actor}", ""]
            for ch in changes:
                md.append(f"- **{KIND_ZH.get(ch.kind, ch.kind)}** `{ch.old_path or '—'}` → `{ch.new_path or '—'}`: "
                          + (f"{ch.after or ch.before}" if ch.kind in ("new", "removed")
                             else f"{ch.before or '—'} → {ch.after or '—'}"))
            md.append("")
    changed = [c for c in d.clauses if c.status not in ("unchanged", "renumbered")]
    if changed:
        md += ["## Changed clauses", "", "| | old | new | text |", "|---|---|---|---|"]
        for c in changed:
            text = "".join(t if op == "=" else f"~~{t}~~" if op == "-" else f"**{t}**" for op, t in c.ops) if c.ops \
                else (c.new or c.old)[0].text
            md.append(f"| {STATUS_ZH[c.status]} | {c.old_path or '—'} | {c.new_path or '—'} | {text.replace('|', '｜')} |")
        md.append("")
    renumbered = [c for c in d.clauses if c.status == "renumbered"]
    if renumbered:
        md += [f"## Renumbered only ({len(renumbered)})", "",
               ", ".join(f"{c.old_path} → {c.new_path}" for c in renumbered), ""]
    return "\n".join(md)


def render_json(d: VersionDiff) -> str:
    """Machine-readable JSON (every clause pair and obligation change)."""
    def clause(c: ClauseChange) -> dict:
        return {"status": c.status, "old_path": c.old_path or None, "new_path": c.new_path or None,
                "similarity": round(c.similarity, 3), "ops": [list(op) for op in c.ops]}
    return json.dumps({"old": d.old, "new": d.new, "summary": d.summary,
                       "clauses": [clause(c) for c in d.clauses],
                       "obligations": [asdict(o) for o in d.obligations]}, ensure_ascii=False, indent=2)


_CSS = """
body{font:15px/1.6 "Noto Serif CJK SC","Songti SC",serif;margin:0 auto;max-width:1400px;padding:16px;color:#222}
h1{font-size:20px} table{border-collapse:collapse;width:100%} td,th{border:1px solid #ddd;padding:6px 8px;vertical-align:top}
th{background:#f3f3f3} td.path{white-space:nowrap;color:#555;font-size:13px} del{background:#fdd;color:#900}
ins{background:#dfd;color:#060;text-decoration:none} tr.unchanged td.text{color:#777}
.badge{display:inline-block;border-radius:9px;padding:0 8px;margin:2px 4px 0 0;font-size:12px;color:#fff;background:#555}
.badge.new,.badge.deadline_added,.badge.modality_strengthened,.badge.deadline_shortened{background:#1a7f37}
.badge.removed,.badge.deadline_removed,.badge.modality_weakened,.badge.deadline_lengthened{background:#c62828}
.st{font-size:12px;border-radius:4px;padding:0 4px;background:#eee;white-space:nowrap} nav{margin-bottom:12px}
nav a{margin-right:10px} tr.modified td.text,tr.added td.text,tr.removed td.text{background:#fffbe6}
"""


def render_html(d: VersionDiff) -> str:
    """A self-contained 新旧对照 page."""
    e = html.escape
    by_new: dict[str, list[ObligationChange]] = {}
    for ch in d.obligations:
        by_new.setdefault(ch.new_path or ch.old_path or "", []).append(ch)
    rows, toc = [], []
    for k, c in enumerate(d.clauses):
        anchor = f"c{k}"
        if c.status not in ("unchanged", "renumbered"):
            toc.append(f'<a href="#{anchor}">{e(STATUS_ZH[c.status])} {e(c.new_path or c.old_path)}</a>')
        if c.ops:
            left = "".join(e(t) if op == "=" else f"<del>{e(t)}</del>" for op, t in c.ops if op != "+")
            right = "".join(e(t) if op == "=" else f"<ins>{e(t)}</ins>" for op, t in c.ops if op != "-")
        else:
            left = "<br>".join(e(x.text) for x in c.old)
            right = "<br>".join(e(x.text) for x in c.new)
        badges = "".join(f'<span class="badge {ch.kind}" title="{e((ch.before or "") + " → " + (ch.after or ""))}">'
                         f'{e(KIND_ZH.get(ch.kind, ch.kind))}: {e(ch.actor)}</span>'
                         for p in {c.new_path, c.old_path} if p for ch in by_new.pop(p, []))
        rows.append(f'<tr id="{anchor}" class="{c.status}"><td class="path">{e(c.old_path or "—")}</td>'
                    f'<td class="text">{left}</td><td class="path">{e(c.new_path or "—")}</td>'
                    f'<td class="text">{right}{"<div>" + badges + "</div>" if badges else ""}</td>'
                    f'<td><span class="st">{e(STATUS_ZH[c.status])}</span></td></tr>')
    return (f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{e(d.old)} → {e(d.new)} 新旧对照</title>'
            f"<style>{_CSS}</style></head><body><h1>新旧对照：{e(d.old)} → {e(d.new)}</h1>"
            f"<p>{e(summary_line(d))}</p><nav><b>目录（实质变化）</b> {''.join(toc) or '无'}</nav>"
            f"<table><thead><tr><th>旧条号</th><th>旧文本</th><th>新条号</th><th>新文本</th><th>变化</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></body></html>\n")
