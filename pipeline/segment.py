"""Segment: split a notice's text into its clause tree (GUIDELINES.md, "Clauses").

Input: :class:`pipeline.model.Notice` (its ``text``, one paragraph per line). Output: a list of
:class:`pipeline.model.Clause` in document order; ``path`` joins the labels from the outermost
clause (``第二章/第八条/（四）``, ``三/（二）/1/（1）``, ``附件1/一/（二）``).

Numbering markers are data (:data:`MARKERS`): a marker only counts at the start of a line, so
cross-references inside a sentence (``应满足（三）的要求``, ``第八条规定的``) are never markers.
The preamble (title, 文号, addressees, lead paragraph) is one unit of kind ``preamble`` with
path ``""`` (no clause of GUIDELINES.md: it is stored, read for obligations, never written to
``clauses.jsonl``); trailers (signature, date, 联系人, 抄送, the 附件 list) belong to no unit; an
attachment's own title line (``附件1``) restarts the numbering under ``附件N``.

Every paragraph belongs to exactly one unit or to the trailer (:func:`layout`). A clause's
``text`` is complete (GUIDELINES "Clauses"): its lead-in plus any paragraph (款) after its
children. A numbered item is one paragraph unless its own line is a heading
(``（一）第一阶段为社会团体自查阶段。`` then its body); an unnumbered paragraph after an item
that is a whole paragraph belongs to the item's parent (an article's 款, a section's closing
paragraph). Items run into one line (``（1）有专职工作人员；（2）有独立、固定的办公住所；``) are
split when their numbers follow each other.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .ingest import cn_number
from .model import Clause, Notice

_CN = "一二三四五六七八九十百零〇两"
_NOT_AFTER = rf"(?!的|之|规定|要求|所|项|和|或|至|、|，|第[{_CN}\d]+[条款项章节])"

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


@dataclass(frozen=True)
class Layout:
    """Where each paragraph of a notice went.

    Attributes:
        preamble: the unit before the first numbered clause (kind ``preamble``, path ``""``),
            ``None`` when the notice opens with a clause.
        clauses: the numbered clauses in document order.
        trailer: the paragraphs of the trailers (signature, date, 联系人, 抄送, 附件 list).
    """

    preamble: Clause | None
    clauses: list[Clause]
    trailer: tuple[str, ...]


_ITEM_KINDS = ("cn_item", "ar_item", "arabic")
_NUMBERED_PARENTS = ("article", "cn_num", "cn_item", "arabic", "ar_item")
_HEADING_CHARS = 30
"""An item line of at most this many characters, one sentence at most, is a heading."""


def segment(notice: Notice) -> list[Clause]:
    """The units of ``notice.text`` in document order: the preamble (when there is one), then
    the numbered clauses. Never raises on odd input: text with no markers gives the preamble
    alone, an empty text an empty list."""
    lay = layout(notice)
    return ([lay.preamble] if lay.preamble else []) + lay.clauses


def layout(notice: Notice) -> Layout:
    """Split ``notice.text`` into preamble, clauses and trailer (see the module docstring)."""
    opened: list[_Open] = []
    stack: list[_Open] = []
    preamble: list[str] = []
    pre_span = [None, 0]
    trailer_lines: list[str] = []
    trailer = False
    for line, start, end in _paragraphs(notice.text):
        att = ATTACHMENT.match(line)
        if att:
            label = f"附件{att.group(1) or ''}"
            node = _Open(label, "attachment", 0, label, None, start, end, len(opened))
            opened.append(node)
            stack = [node]
            trailer = False
            continue
        if opened and _starts_trailer_line(line, notice.text, end):
            trailer = True
        if trailer:
            trailer_lines.append(line)
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
            preamble.append(line)
            pre_span[0] = start if pre_span[0] is None else pre_span[0]
            pre_span[1] = end
            continue
        top = stack[-1]
        if top.kind in _ITEM_KINDS and top.parent is not None and top.parent.kind in _NUMBERED_PARENTS and (
                top.parent.kind == "article" or not _is_heading(top)):
            stack.pop()  # the item was one paragraph: this one is its parent's (款, closing paragraph)
            while stack[-1].kind in _ITEM_KINDS and stack[-1].parent is not None and stack[-1].parent.kind == "article":
                stack.pop()
            top = stack[-1]
        if top.has_children:
            top.trailing.append(line)
            continue
        top.lines.append(line)
        top.end = end
    pre = None
    if preamble:
        pre = Clause(path="", label="", kind="preamble", text=_WS.sub("", "".join(preamble)),
                     heading=preamble[0], lines=tuple(preamble), start=pre_span[0], end=pre_span[1],
                     order=-1, body="\n".join(map(tidy, preamble)))
    clauses = [
        Clause(path=o.path, label=o.label, kind=o.kind, text=_WS.sub("", "".join(o.lines + o.trailing)),
               heading=o.lines[0] if o.lines else "", lines=tuple(o.lines),
               trailing=tuple(o.trailing), start=o.start, end=o.end, order=o.order,
               parent=o.parent.path if o.parent else "", body="\n".join(map(tidy, o.lines + o.trailing)))
        for o in opened
    ]
    return Layout(pre, clauses, tuple(trailer_lines))


def _is_heading(item: _Open) -> bool:
    """Whether an item's own line is a heading (its body follows in paragraphs of its own)."""
    if not item.lines:
        return True
    first = item.lines[0].strip()
    return len(first) <= _HEADING_CHARS and not re.search(r"[。；;！？].", first)


_RUN_IN = re.compile(r"(?<=[；;。])\s*(?=[（(](\d{1,2}|[一二三四五六七八九十]+)[）)])")


def _paragraphs(text: str):
    """``(paragraph, start, end)`` for each non-empty line, stripped, items run into one line
    split (``（1）……；（2）……``: the numbers must follow each other)."""
    pos = 0
    for raw in text.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        line = raw.strip()
        if not line:
            continue
        lead = len(raw) - len(raw.lstrip())
        yield from _run_in_items(line, start + lead)


def _run_in_items(line: str, start: int):
    m = match_marker(line)
    cuts = []
    if m and m[0] in ("cn_item", "ar_item"):
        want = _item_number(m[2]) + 1
        for c in _RUN_IN.finditer(line):
            nxt = match_marker(line[c.end():])
            if nxt and nxt[0] == m[0] and _item_number(nxt[2]) == want:
                cuts.append((c.start(), c.end()))
                want += 1
    prev = 0
    for a, b in cuts:
        yield line[prev:a], start + prev, start + a
        prev = b
    yield line[prev:], start + prev, start + len(line)


def _item_number(label: str) -> int:
    return cn_number(label.strip("（）")) or -1


_SPACE = re.compile(r"\s+")


def tidy(paragraph: str) -> str:
    """A paragraph for display: runs of whitespace become one space where both neighbours are
    Latin letters, digits or ASCII punctuation (``GB/T 27021.1``, ``ISO 9001``, English words)
    and vanish elsewhere (a PDF's or web page's spacing between Chinese characters)."""
    p = paragraph.strip()

    def keep(m: re.Match) -> str:
        a = p[m.start() - 1] if m.start() else ""
        b = p[m.end()] if m.end() < len(p) else ""
        return " " if a.isascii() and b.isascii() and a and b else ""
    return _SPACE.sub(keep, p)


def _starts_trailer_line(line: str, text: str, end: int) -> bool:
    """Whether paragraph ``line`` (ending at offset ``end`` of ``text``) starts the trailer."""
    pos, nxt = end, ""
    while pos < len(text) and not nxt:
        e = text.find("\n", pos + 1)
        e = len(text) if e < 0 else e
        nxt = text[pos:e].strip()
        pos = e
    return _starts_trailer(line, nxt)


def _starts_trailer(line: str, nxt: str) -> bool:
    """A signature block, date line, 联系人/抄送 line or the 附件 list starts the trailer;
    ``nxt`` is the next non-empty paragraph."""
    if _TRAILER_START.match(line) or _DATE_ONLY.match(line) or re.search(r"印\s*发$", line) and len(line) < 40:
        return True
    return (len(line) <= 30 and not re.search(r"[。，；：:,、]", line) and _DATE_ONLY.match(nxt) is not None
            and match_marker(line) is None)
