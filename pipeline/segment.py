"""Segment: split a notice's text into its clause tree (GUIDELINES.md, "Clauses").

Input: :class:`pipeline.model.Notice` (its ``text``, one paragraph per line). Output: a list of
:class:`pipeline.model.Clause` in document order; ``path`` joins the labels from the outermost
clause (``第二章/第八条/（四）``, ``三/（二）/1/（1）``, ``附件1/一/（二）``).

Numbering markers are data (:data:`MARKERS`): a marker only counts at the start of a line, so
cross-references inside a sentence (``应满足（三）的要求``, ``第八条规定的``) are never markers.
The preamble (title, 文号, addressees, lead paragraph) and trailers (signature, date, 联系人,
抄送, the 附件 list) produce no clauses; an attachment's own title line (``附件1``) restarts the
numbering under ``附件N``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Clause, Notice

_CN = "一二三四五六七八九十百零〇两"
_NOT_AFTER = r"(?!的|之|规定|要求|所|项|和|或|至|、|，|第)"

MARKERS: tuple[tuple[str, int, re.Pattern], ...] = (
    ("chapter", 1, re.compile(rf"^第([{_CN}\d]+)章{_NOT_AFTER}\s*(.*)$")),
    ("section", 2, re.compile(rf"^第([{_CN}\d]+)节{_NOT_AFTER}\s*(.*)$")),
    ("article", 3, re.compile(rf"^第([{_CN}\d]+)条{_NOT_AFTER}[\s\u3000]*(.*)$")),
    ("cn_num", 4, re.compile(r"^([一二三四五六七八九十]+)、\s*(.*)$")),
    ("cn_item", 5, re.compile(rf"^[（(]([一二三四五六七八九十]+)[）)]{_NOT_AFTER}\s*(.*)$")),
    ("arabic", 6, re.compile(r"^(\d{1,2})(?:[.．](?!\d)|、)\s*(.*)$")),
    ("ar_item", 7, re.compile(rf"^[（(](\d{{1,2}})[）)]{_NOT_AFTER}\s*(.*)$")),
)
"""Marker table: (kind, rank, pattern). A smaller rank is an outer level. Groups: number, rest.

Source: the numbering conventions of 《党政机关公文格式》 GB/T 9704-2012 (一、/（一）/1./（1）)
and of laws and rules (第X章/第X节/第X条), as listed in GUIDELINES.md."""

ATTACHMENT = re.compile(r"^附件\s*(\d{1,2})?\s*$")
"""An attachment's own title line: ``附件`` or ``附件1`` alone (``附件：…`` is the list)."""

_TRAILER_START = re.compile(r"^(联\s*系\s*人|联系电话|联系方式|联系邮箱|抄\s*送|附件\s*\d*\s*[:：]|（此件|\(此件|主题词)")
_DATE_ONLY = re.compile(r"^(\d{4}|[一二三四五六七八九〇零○]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月\s*[\d一二三四五六七八九十]{1,3}\s*日$")
_WS = re.compile(r"\s+")


def label_for(kind: str, number: str) -> str:
    """The label kept in paths: ``第二章``, ``三``, ``（十二）``, ``2``, ``（3）``."""
    if kind in ("chapter", "section", "article"):
        return f"第{number}{ {'chapter': '章', 'section': '节', 'article': '条'}[kind] }"
    if kind in ("cn_item", "ar_item"):
        return f"（{number}）"
    return number


def match_marker(line: str) -> tuple[str, int, str, str] | None:
    """``(kind, rank, label, rest)`` when ``line`` starts with a numbering marker, else None.

    >>> match_marker("（十二）鼓励认证机构设立")[2]
    '（十二）'
    """
    for kind, rank, pat in MARKERS:
        m = pat.match(line)
        if m:
            return kind, rank, label_for(kind, m.group(1)), m.group(2)
    return None


@dataclass
class _Open:
    label: str
    kind: str
    rank: int
    path: str
    parent: _Open | None
    start: int
    end: int
    order: int
    lines: list[str] = field(default_factory=list)
    trailing: list[str] = field(default_factory=list)
    has_children: bool = False


def segment(notice: Notice) -> list[Clause]:
    """Split ``notice.text`` into clauses (document order). Never raises on odd input:
    text with no markers gives an empty list."""
    lines = notice.text.split("\n")
    offsets, pos = [], 0
    for ln in lines:
        offsets.append(pos)
        pos += len(ln) + 1
    opened: list[_Open] = []
    stack: list[_Open] = []
    trailer = False
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        start, end = offsets[i], offsets[i] + len(raw)
        att = ATTACHMENT.match(line)
        if att:
            label = f"附件{att.group(1) or ''}"
            node = _Open(label, "attachment", 0, label, None, start, end, len(opened))
            opened.append(node)
            stack = [node]
            trailer = False
            continue
        if opened and _starts_trailer(lines, i):
            trailer = True
        if trailer:
            continue
        m = match_marker(line)
        if m and not (stack and stack[-1].kind == "attachment" and not stack[-1].lines):
            kind, rank, label, rest = m
            while stack and stack[-1].rank >= rank:
                stack.pop()
            parent = stack[-1] if stack else None
            if parent:
                parent.has_children = True
            path = f"{parent.path}/{label}" if parent else label
            node = _Open(label, kind, rank, path, parent, start, end, len(opened), [rest] if rest else [])
            opened.append(node)
            stack.append(node)
            continue
        if not stack:
            continue  # preamble
        top = stack[-1]
        if (top.kind in ("cn_item", "ar_item", "arabic") and top.parent is not None
                and top.parent.kind == "article"):
            top.parent.trailing.append(line)  # a 款 after the items belongs to the article
            continue
        if top.has_children:
            top.trailing.append(line)
            continue
        top.lines.append(line)
        top.end = end
    return [
        Clause(path=o.path, label=o.label, kind=o.kind, text=_WS.sub("", "".join(o.lines)),
               heading=o.lines[0] if o.lines else "", lines=tuple(o.lines),
               trailing=tuple(o.trailing), start=o.start, end=o.end, order=o.order,
               parent=o.parent.path if o.parent else "")
        for o in opened
    ]


def _starts_trailer(lines: list[str], i: int) -> bool:
    """A signature block, date line, 联系人/抄送 line or the 附件 list starts the trailer."""
    line = lines[i].strip()
    if _TRAILER_START.match(line) or _DATE_ONLY.match(line) or re.search(r"印\s*发$", line) and len(line) < 40:
        return True
    nxt = next((ln.strip() for ln in lines[i + 1:] if ln.strip()), "")
    return (len(line) <= 30 and not re.search(r"[。，；：:,、]", line) and _DATE_ONLY.match(nxt) is not None
            and match_marker(line) is None)
