"""Diff: what a new version of a rule changes, clause by clause and obligation by obligation.

Input: two versions, each a notice file or a notice already in the database
(:func:`load_version`). Output: a :class:`VersionDiff` of plain dataclasses.

Clause alignment (:func:`align_clauses`), linear in the clause counts plus the small gaps
between anchors:

1. texts are compared after normalisation (:func:`normalise`: NFKC, so ASCII and full-width
   brackets agree; every space, line break and U+3000 removed), never by label, so a clause
   renumbered after a deletion still matches;
2. identical texts are anchors (``unchanged`` when the path is the same, ``renumbered`` when
   only the number changed, ``moved`` when the chapter changed), taken in document order;
3. between consecutive anchors, the remaining clauses are paired by character-bigram
   similarity (>= 0.5: ``modified``), then tested as ``split`` (one old clause ≈ two or more
   consecutive new ones joined) or ``merged``; a clause left over is ``removed`` or ``added``.

Obligation changes (:func:`obligation_changes`) compare the obligations of each aligned pair:
modality strengthened / weakened (encouraged < may < must; must_not is its own axis and any
change to or from it is ``modality changed``), subject changed, deadline added / removed /
shortened / lengthened (``45日`` → ``30日`` is shorter), condition changed, amounts changed
(fines, thresholds: numbers with 元, 倍, %, 日 …), citations changed; and obligations new or
removed. Every change names the old and new clause paths.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import DiffError
from .model import Obligation

STRENGTH = {"encouraged": 0, "may": 1, "must": 2}
"""Deontic strength order of GUIDELINES.md modalities; ``must_not`` and ``target`` stand apart."""

SIMILAR = 0.5
"""Minimum character-bigram Dice similarity for two clause texts to be one modified clause."""


@dataclass(frozen=True)
class VClause:
    """A clause of one version: path, number label, kind, complete own text, document order,
    parent path (``""`` at top level)."""
    path: str
    label: str
    kind: str
    text: str
    order: int
    parent: str = ""
    body: str = ""
    """The text for display: one paragraph a line, Latin spaces kept (``Clause.body``)."""


@dataclass(frozen=True)
class Version:
    """One version of a rule: a display name, its clauses and obligations."""
    name: str
    title: str
    clauses: tuple[VClause, ...]
    obligations: tuple[Obligation, ...]
    notice_id: str | None = None
    date: str | None = None
    """ISO date of the version (its signature, promulgation or latest revision date)."""


@dataclass(frozen=True)
class ClauseChange:
    """An aligned pair (or a lone clause). ``status``: unchanged, renumbered, moved, modified,
    added, removed, split, merged. ``ops``: the character diff of modified text as
    ``(op, text)`` with op ``=``, ``-`` or ``+``."""
    status: str
    old: tuple[VClause, ...]
    new: tuple[VClause, ...]
    similarity: float = 1.0
    ops: tuple[tuple[str, str], ...] = ()
    moved: bool = False
    """A modified, split or merged clause that also moved (to another chapter or out of order)."""

    @property
    def old_path(self) -> str:
        return " + ".join(c.path for c in self.old)

    @property
    def new_path(self) -> str:
        return " + ".join(c.path for c in self.new)


@dataclass(frozen=True)
class ObligationChange:
    """One change to one obligation. ``kind``: new, removed, moved, modality_strengthened,
    modality_weakened, modality_changed, subject_changed, deadline_added, deadline_removed,
    deadline_shortened, deadline_lengthened, deadline_changed, condition_changed,
    amount_changed, citations_changed, action_changed. ``before``/``after`` are the values."""
    kind: str
    actor: str
    old_path: str | None
    new_path: str | None
    before: str | None = None
    after: str | None = None
    old_id: str | None = None
    new_id: str | None = None
    modality: str = ""
    """The duty's modality (the new one's; the old one's for a removed duty): must, must_not …"""
    action: str = ""
    """The duty's action as written (new version; old for a removed duty), to read the change in place."""


@dataclass(frozen=True)
class VersionDiff:
    """The whole comparison; ``summary`` counts clause statuses and obligation change kinds."""
    old: str
    new: str
    clauses: list[ClauseChange]
    obligations: list[ObligationChange]
    summary: dict = field(default_factory=dict)
    quantities: list = field(default_factory=list)
    """:class:`QuantityChange` of every modified, split, merged, added or removed clause."""
    old_title: str = ""
    new_title: str = ""
    old_date: str | None = None
    new_date: str | None = None

    def by_actor(self) -> dict[str, list[ObligationChange]]:
        """Obligation changes grouped by actor (most changes first)."""
        groups: dict[str, list[ObligationChange]] = {}
        for ch in self.obligations:
            groups.setdefault(ch.actor or "（未明确主体）", []).append(ch)
        return dict(sorted(groups.items(), key=lambda kv: -len(kv[1])))


# ------------------------------------------------------------------ loading
def load_version(ref: str | Path, db=None) -> Version:
    """A version from a notice file (extracted now, nothing stored) or, when ``ref`` is no
    file, from the database (notice name, ID, 文号 or title).

    Raises:
        DiffError: neither a readable notice file nor a notice in ``db``.
    """
    path = Path(ref)
    if path.is_file():
        from .batch import extract_file
        r = extract_file(path)
        if r.status == "error":
            raise DiffError(r.error)
        clauses = tuple(VClause(c.path, c.label, c.kind, c.text, c.order, c.parent, c.body) for c in r.clauses
                        if c.kind != "preamble")
        return Version(r.notice.name, r.notice.title or r.notice.name, clauses, r.obligations, r.notice.sha256[:16],
                       r.notice.date)
    if db is None:
        raise DiffError(f"{ref}: no such file (and no database given to look it up)")
    row = db.execute("select id, name, coalesce(title, name), date from notices where id = ? or name = ? "
                     "or doc_number = ? or title = ?", [str(ref)] * 4).fetchone()
    if row is None:
        raise DiffError(f"{ref}: neither a file nor a notice in the database")
    nid, name, title, date = row
    clauses = tuple(VClause(p, lb, k, t, o, pp or "", b or "") for p, lb, k, t, o, pp, b in db.execute(
        "select path, label, kind, text, ord, parent_path, body from clauses where notice_id = ? and kind != 'preamble' "
        "order by ord", [nid]))
    from .model import Citation, Deadline
    cites: dict[str, list[Citation]] = {}
    for oid, text, kind, key in db.execute(
            "select oc.obligation_id, oc.text, c.kind, c.key from obligation_citations oc "
            "join citations c on c.id = oc.citation_id join obligations o on o.id = oc.obligation_id "
            "where o.notice_id = ?", [nid]):
        cites.setdefault(oid, []).append(Citation(text, kind, key))
    obligations = tuple(
        Obligation(doc=name, path=r[1], subject=r[2] or "", subject_explicit=bool(r[3]), modality=r[4], trigger=r[5],
                   action=r[6], condition=r[7], deadline=Deadline(r[8], r[9], r[10]) if r[8] else None,
                   citations=tuple(cites.get(r[0], ())), sentence=r[11] or "", start=0, id=r[0])
        for r in db.execute("select id, path, subject, subject_explicit, modality, trigger, action, condition, "
                            "deadline_text, deadline_kind, deadline_date, sentence from obligations "
                            "where notice_id = ? order by ord", [nid]))
    return Version(name, title, clauses, obligations, nid, date)


# ------------------------------------------------------------------ text
def normalise(text: str) -> str:
    """Text for comparison: NFKC (full-width ASCII and brackets folded), all whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the character bigrams of two normalised texts (0..1)."""
    if a == b:
        return 1.0
    ga = [a[i:i + 2] for i in range(len(a) - 1)]
    gb = [b[i:i + 2] for i in range(len(b) - 1)]
    if not ga or not gb:
        return 0.0
    from collections import Counter
    ca, cb = Counter(ga), Counter(gb)
    return 2 * sum((ca & cb).values()) / (len(ga) + len(gb))


_NUM = r"(?:\d+(?:\.\d+)?|[零〇一二三四五六七八九十百千万两]+)"
QUANTITY = re.compile(
    rf"(?:不超过|不少于|不低于|不高于|最高|最低|超过|低于|满)?"
    rf"(?:百分之{_NUM}|{_NUM}\s*(?:%|％|亿元|万元|千元|元|倍|个工作日|工作日|日|天|个月|月|周|年|小时|人|名|家|次))"
    rf"(?:以上|以下|以内|以外)?")
"""A number with its unit and its limit word (``5000元以下``, ``不超过30日``, ``百分之十``,
``七个工作日``): one token of the word diff and one value of :func:`quantities`. Units: the
money, period, ratio and count units of Chinese laws and rules (GB/T 15835-2011 for the
numerals; 《立法技术规范（试行）》 for 以上/以下 and the writing of amounts and periods)."""

REFERENCE = re.compile(r"第[零〇一二三四五六七八九十百千\d]+[条款项章节](?:第[零〇一二三四五六七八九十百千\d]+[款项])*")
"""A cross-reference (``第二十三条第二款``), one token of the word diff."""


def tokens(text: str) -> list[str]:
    """``text`` (whitespace removed) as the units a legal editor compares: quantities with their
    unit (:data:`QUANTITY`), cross-references (:data:`REFERENCE`) and jieba words (regpipe's
    segmenter, which knows the lexicon's organ names), so that ``100亿元`` → ``120亿元`` and
    ``国家认监委`` → ``市场监管总局`` change as wholes."""
    from .nlp import segmenter

    text = re.sub(r"\s+", "", text)
    out, pos = [], 0
    seg = segmenter()
    for m in re.finditer(f"{QUANTITY.pattern}|{REFERENCE.pattern}", text):
        if m.start() > pos:
            out += [w for w in seg.cut(text[pos:m.start()], HMM=False) if w]
        out.append(m.group(0))
        pos = m.end()
    if pos < len(text):
        out += [w for w in seg.cut(text[pos:], HMM=False) if w]
    return out


_TINY = 2
"""An unchanged run of at most this many characters between two changes is folded into them
(semantic clean-up: ``-各省、自治区+省级`` reads better than a change every other character)."""


def word_diff(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """Word-level diff of two texts as ``(op, text)`` with op ``=``, ``-`` or ``+`` (a deletion
    before the insertion that replaces it): ``责令改正`` → ``责令限期改正`` gives
    ``(("=", "责令"), ("+", "限期"), ("=", "改正"))``. Whitespace is dropped first, so reflowed
    lines are no change; see :func:`tokens` for the units."""
    a, b = tokens(old), tokens(new)
    runs: list[list[str]] = []  # ["=", text] or ["~", deleted, inserted]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            runs.append(["=", "".join(a[i1:i2])])
        else:
            d, i = "".join(a[i1:i2]), "".join(b[j1:j2])
            if runs and runs[-1][0] == "~":
                runs[-1][1] += d
                runs[-1][2] += i
            else:
                runs.append(["~", d, i])
    k = 1
    while k < len(runs) - 1:  # fold a tiny equality between two changes into them
        if runs[k][0] == "=" and len(runs[k][1]) <= _TINY and runs[k - 1][0] == "~" and runs[k + 1][0] == "~":
            eq, nxt = runs[k][1], runs[k + 1]
            runs[k - 1][1] += eq + nxt[1]
            runs[k - 1][2] += eq + nxt[2]
            del runs[k:k + 2]
        else:
            k += 1
    ops: list[tuple[str, str]] = []
    for r in runs:
        if r[0] == "=":
            ops.append(("=", r[1]))
        else:
            if r[1]:
                ops.append(("-", r[1]))
            if r[2]:
                ops.append(("+", r[2]))
    return tuple(ops)


char_diff = word_diff  # the name of earlier releases


# ------------------------------------------------------------------ quantities
_UNITS = {  # unit → (family, factor to the family's base: yuan, day, percent, times, count)
    "亿元": ("amount", 1e8), "万元": ("amount", 1e4), "千元": ("amount", 1e3), "元": ("amount", 1),
    "个工作日": ("period", 1.4), "工作日": ("period", 1.4), "日": ("period", 1), "天": ("period", 1),
    "周": ("period", 7), "个月": ("period", 30), "月": ("period", 30), "年": ("period", 365),
    "小时": ("period", 1 / 24), "%": ("ratio", 1), "％": ("ratio", 1), "倍": ("multiple", 1),
    "人": ("count", 1), "名": ("count", 1), "家": ("count", 1), "次": ("count", 1)}
_LIMIT = re.compile(r"^(不超过|不少于|不低于|不高于|最高|最低|超过|低于|满)|(以上|以下|以内|以外)$")


@dataclass(frozen=True)
class Quantity:
    """A quantity as written (``5000元以下``) with its family (amount, period, ratio, multiple,
    count), its value in the family's base unit (yuan, days, percent, times, persons or
    occurrences; a 工作日 counts 1.4 days) and its limit word (``以下``, ``不超过``; ``""``)."""
    text: str
    family: str
    value: float | None
    limit: str


def quantities(text: str) -> list[Quantity]:
    """The quantities written in ``text`` in order (:data:`QUANTITY`)."""
    out = []
    for m in QUANTITY.finditer(re.sub(r"\s+", "", text or "")):
        q = m.group(0)
        limit = "".join(x for g in (_LIMIT.search(q),) if g for x in g.groups() if x)
        core = re.sub(r"^(不超过|不少于|不低于|不高于|最高|最低|超过|低于|满)|(以上|以下|以内|以外)$", "", q)
        if core.startswith("百分之"):
            n = _cn_number(core[3:])
            out.append(Quantity(q, "ratio", n, limit))
            continue
        unit = next(u for u in sorted(_UNITS, key=len, reverse=True) if core.endswith(u))
        n = _cn_number(core[:-len(unit)].strip())
        family, factor = _UNITS[unit]
        out.append(Quantity(q, family, n * factor if n is not None else None, limit))
    return out


@dataclass(frozen=True)
class QuantityChange:
    """One quantity of a clause changed: ``kind`` is raised / lowered (amounts, ratios,
    multiples, counts), lengthened / shortened (periods), limit_changed (same number, other
    limit word: ``3万元以下`` → ``3万元``), added or removed; ``penalty`` when it is a fine
    (``罚款`` or ``没收`` follows within the sentence part); ``context`` is the words around it
    in the new text (the old for a removal)."""
    kind: str
    family: str
    old: str | None
    new: str | None
    old_path: str | None
    new_path: str | None
    penalty: bool = False
    context: str = ""


def quantity_changes(ch: ClauseChange) -> list[QuantityChange]:
    """The quantity changes of one clause change: for a modified, split or merged clause those
    in its word diff, each old quantity paired with the new one that replaced it (same family,
    in order); for an added or removed clause every quantity it holds."""
    op, np_ = ch.old_path or None, ch.new_path or None
    if ch.status in ("added", "removed"):
        text = (ch.new or ch.old)[0].text
        kind = "added" if ch.status == "added" else "removed"
        return [QuantityChange(kind, q.family, q.text if kind == "removed" else None,
                               q.text if kind == "added" else None, op, np_, _is_penalty(text, q.text),
                               _around(text, q.text)) for q in quantities(text)]
    if not ch.ops:
        return []
    out: list[QuantityChange] = []
    old_text = "".join(t for o, t in ch.ops if o != "+")
    new_text = "".join(t for o, t in ch.ops if o != "-")
    k = 0
    while k < len(ch.ops):
        o, t = ch.ops[k]
        if o == "=":
            k += 1
            continue
        gone = t if o == "-" else ""
        came = ch.ops[k + 1][1] if o == "-" and k + 1 < len(ch.ops) and ch.ops[k + 1][0] == "+" else (t if o == "+" else "")
        k += 2 if gone and came else 1
        qo, qn = quantities(gone), quantities(came)
        for a in qo:
            b = next((x for x in qn if x.family == a.family), None)
            if b is None:
                out.append(QuantityChange("removed", a.family, a.text, None, op, np_, _is_penalty(old_text, a.text),
                                          _around(old_text, a.text)))
                continue
            qn.remove(b)
            out.append(QuantityChange(_direction(a, b), a.family, a.text, b.text, op, np_,
                                      _is_penalty(new_text, b.text), _around(new_text, b.text)))
        out += [QuantityChange("added", b.family, None, b.text, op, np_, _is_penalty(new_text, b.text),
                               _around(new_text, b.text)) for b in qn]
    return out


def _direction(a: Quantity, b: Quantity) -> str:
    if a.value is None or b.value is None or a.value == b.value:
        return "limit_changed" if a.limit != b.limit else "changed"
    up = b.value > a.value
    if a.family == "period":
        return "lengthened" if up else "shortened"
    return "raised" if up else "lowered"


def _is_penalty(text: str, q: str) -> bool:
    k = text.find(q)
    if k < 0:
        return False
    tail = re.split(r"[，；。]", text[k + len(q):], maxsplit=1)[0]
    return bool(re.search(r"罚款|罚金|没收", tail))


def _around(text: str, q: str, width: int = 12) -> str:
    k = text.find(q)
    return text[max(0, k - width):k + len(q) + width] if k >= 0 else q


# ------------------------------------------------------------------ alignment
_STRUCTURE = ("chapter", "section", "attachment")


def _chapter(path: str) -> str:
    return path.split("/")[0] if "/" in path else ""


class _Tree:
    """One version's clauses as levels: the structure (chapters, sections, attachments), the
    articles (or a notice's top-level clauses: the units under no numbered clause) and each
    clause's children; ``whole`` is a clause's text with all its descendants', normalised."""

    def __init__(self, clauses: list[VClause]):
        self.clauses = clauses
        self.index = {c.path: i for i, c in enumerate(clauses)}
        self.children: dict[int, list[int]] = {}
        self.structure, self.top = [], []
        for i, c in enumerate(clauses):
            parent = self.index.get(c.parent)
            if c.kind in _STRUCTURE:
                self.structure.append(i)
            elif parent is None or clauses[parent].kind in _STRUCTURE:
                self.top.append(i)
            else:
                self.children.setdefault(parent, []).append(i)
        self.own = [normalise(c.text) for c in clauses]
        self.whole = list(self.own)
        for i in reversed(range(len(clauses))):
            kids = self.children.get(i)
            if kids:
                self.whole[i] = self.own[i] + "".join(self.whole[k] for k in kids)

    def subtree(self, i: int) -> list[int]:
        out = []
        for k in self.children.get(i, ()):
            out.append(k)
            out += self.subtree(k)
        return out


def align_clauses(old: list[VClause], new: list[VClause]) -> list[ClauseChange]:
    """Align two clause lists (see the module docstring): the structure by heading, then the
    articles globally by their whole text (own text plus items), then the items inside each
    pair of articles. The result follows the new version's order; a removed clause comes right
    after the clause that preceded it."""
    to, tn = _Tree(list(old)), _Tree(list(new))
    changes: dict[int, ClauseChange] = {}
    removed: list[tuple[int, ClauseChange]] = []
    chapter_map: dict[str, str] = {}
    _align_level(to, tn, to.structure, tn.structure, to.own, tn.own, changes, removed, {}, global_pass=False)
    for ch in changes.values():
        if ch.old and ch.new:
            chapter_map[ch.old[0].path] = ch.new[0].path
    pending = [(to.top, tn.top)]
    while pending:
        olds, news = pending.pop()
        pairs = _align_level(to, tn, olds, news, to.whole, tn.whole, changes, removed, chapter_map)
        for i, j in pairs:
            if to.children.get(i) or tn.children.get(j):
                pending.append((to.children.get(i, []), tn.children.get(j, [])))
        for j in news:  # an added article's items are added with it, a removed one's removed
            if changes.get(j) and changes[j].status == "added":
                for k in tn.subtree(j):
                    changes[k] = ClauseChange("added", (), (new[k],))
        gone = {r[0] for r in removed}
        for i in olds:
            if i in gone:
                removed += [(k, ClauseChange("removed", (old[k],), ())) for k in to.subtree(i)]
    covered = {id(c) for ch in changes.values() for c in ch.new}
    for j in range(len(new)):  # what no level reached (a clause under an unaligned parent)
        if id(new[j]) not in covered:
            changes[j] = ClauseChange("added", (), (new[j],))
    reached = {id(c) for ch in changes.values() for c in ch.old} | {id(ch.old[0]) for _, ch in removed}
    removed += [(i, ClauseChange("removed", (old[i],), ())) for i in range(len(old)) if id(old[i]) not in reached]
    removed.sort(key=lambda r: r[0])
    out: list[ClauseChange] = []
    k = 0
    for j in sorted(changes):
        ch = changes[j]
        if ch.old and ch.status != "moved" and not ch.moved:
            pos = min(c.order for c in ch.old)
            while k < len(removed) and old[removed[k][0]].order < pos:
                out.append(removed[k][1])
                k += 1
        out.append(ch)
    out += [rm for _, rm in removed[k:]]
    return out


def _align_level(to: _Tree, tn: _Tree, olds: list[int], news: list[int], wo: list[str], wn: list[str],
                 changes: dict, removed: list, chapter_map: dict, global_pass: bool = True) -> list[tuple[int, int]]:
    """Pair the clauses ``olds`` with ``news`` (indexes into the two versions) by the texts
    ``wo``/``wn``: identical texts as anchors (in order, then out of order), then in the gaps
    between anchors split, merged and similar clauses, then (``global_pass``) what is left
    across the whole level, with containment (an old article kept whole inside a new one is
    its predecessor). Adds to ``changes``/``removed``; returns the one-to-one pairs."""
    old, new = to.clauses, tn.clauses
    by_text: dict[str, list[int]] = {}
    for i in olds:
        by_text.setdefault(wo[i], []).append(i)
    pairs: dict[int, int] = {}
    used: set[int] = set()
    last = -1
    for j in news:
        cands = [i for i in by_text.get(wn[j], ()) if i > last and i not in used] if wn[j] else []
        if cands:
            pairs[j] = last = cands[0]
            used.add(last)
    monotone = dict(pairs)
    for j in news:
        if j not in pairs and wn[j]:
            cands = [i for i in by_text.get(wn[j], ()) if i not in used]
            if cands:
                pairs[j] = cands[0]
                used.add(cands[0])
    for j, i in pairs.items():
        changes[j] = ClauseChange(_status(old[i], new[j], j in monotone, chapter_map), (old[i],), (new[j],))
    gone: list[int] = []
    bounds = [(-1, -1), *sorted(monotone.items()), (len(new), len(old))]
    for (j0, i0), (j1, i1) in zip(bounds, bounds[1:]):
        gap_new = [j for j in news if j0 < j < j1 and j not in pairs]
        gap_old = [i for i in olds if i0 < i < i1 and i not in used]
        gone += _match_gap(old, new, wo, wn, gap_old, gap_new, changes)
    if global_pass:  # an article moved far, or grown or shrunk around its old text
        added = [j for j in news if changes.get(j) and changes[j].status == "added"]
        scored = sorted(((_kinship(wo[i], wn[j]), i, j) for i in gone for j in added), reverse=True)
        for score, i, j in scored:
            if score < SIMILAR:
                break
            if i in gone and j in added:
                changes[j] = ClauseChange("modified", (old[i],), (new[j],), score,  # found out of its place
                                          word_diff(old[i].text, new[j].text), moved=True)
                gone.remove(i)
                added.remove(j)
    removed += [(i, ClauseChange("removed", (old[i],), ())) for i in gone]
    for j in news:
        ch = changes.get(j)
        if ch and ch.status == "modified" and not ch.moved and ch.old[0].path != ch.new[0].path:
            if chapter_map.get(_chapter(ch.old[0].path), _chapter(ch.new[0].path)) != _chapter(ch.new[0].path):
                changes[j] = replace(ch, moved=True)
    return [(to.index[ch.old[0].path], j) for j in news
            for ch in [changes.get(j)] if ch and len(ch.old) == 1 and len(ch.new) == 1]


def _status(o: VClause, n: VClause, in_order: bool, chapter_map: dict) -> str:
    if o.path == n.path:
        return "unchanged"
    if not in_order or chapter_map.get(_chapter(o.path), _chapter(n.path)) != _chapter(n.path):
        return "moved"
    return "renumbered"


def _kinship(a: str, b: str) -> float:
    """How likely ``b`` is ``a``'s successor: their similarity, or, when one holds the other
    nearly whole (a paragraph added around an old article, one dropped from it), that share."""
    sim = similarity(a, b)
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 12 and len(short) < len(long_):
        sim = max(sim, 0.95 * _containment(short, long_))
    return sim


def _containment(part: str, whole: str) -> float:
    """Share of ``part``'s character bigrams found in ``whole``."""
    grams = {part[i:i + 2] for i in range(len(part) - 1)}
    return len(grams & {whole[i:i + 2] for i in range(len(whole) - 1)}) / len(grams) if grams else 0.0


def _composed(one: str, parts: list[str], joined: str) -> bool:
    """Whether ``one`` text became (or was made of) ``parts``: the parts joined are like it
    (>= 0.8), clearly more than any single part is, and each part comes mostly from it."""
    whole = similarity(one, joined)
    return (whole >= 0.8 and whole > max(similarity(one, p) for p in parts) + 0.03
            and all(_containment(p, one) >= 0.6 for p in parts))


def _match_gap(old, new, on, nn, gap_old: list[int], gap_new: list[int], changes: dict) -> list[int]:
    """Pair the unanchored clauses of one gap: split, merged, modified, else added; returns
    the old clauses left unpaired."""
    free_old, free_new = list(gap_old), list(gap_new)

    def runs(items: list[int]):
        for length in (2, 3, 4):
            for s in range(len(items) - length + 1):
                run = items[s:s + length]
                if run[-1] - run[0] == length - 1:
                    yield run

    for i in list(free_old):  # split: one old clause ≈ consecutive new clauses joined
        for run in runs(free_new):
            joined = "".join(nn[j] for j in run)
            if _composed(on[i], [nn[j] for j in run], joined):
                changes[run[0]] = ClauseChange("split", (old[i],), tuple(new[j] for j in run), similarity(on[i], joined),
                                               word_diff(old[i].text, "".join(new[j].text for j in run)))
                free_old.remove(i)
                for j in run:
                    free_new.remove(j)
                break
    for j in list(free_new):  # merged: consecutive old clauses joined ≈ one new clause
        for run in runs(free_old):
            joined = "".join(on[i] for i in run)
            if _composed(nn[j], [on[i] for i in run], joined):
                changes[j] = ClauseChange("merged", tuple(old[i] for i in run), (new[j],), similarity(joined, nn[j]),
                                          word_diff("".join(old[i].text for i in run), new[j].text))
                free_new.remove(j)
                for i in run:
                    free_old.remove(i)
                break
    scored = sorted(((similarity(on[i], nn[j]), i, j) for i in free_old for j in free_new), reverse=True)
    for score, i, j in scored:  # modified: the most similar pairs first
        if score < SIMILAR:
            break
        if i in free_old and j in free_new:
            changes[j] = ClauseChange("modified", (old[i],), (new[j],), score, word_diff(old[i].text, new[j].text))
            free_old.remove(i)
            free_new.remove(j)
    for j in free_new:
        changes[j] = ClauseChange("added", (), (new[j],))
    return free_old


# ------------------------------------------------------------------ obligations
_DURATION = re.compile(r"(\d+|[一二三四五六七八九十百两半]+)\s*(?:个)?(工作日|日|天|周|个月|月|年|小时)")
_UNIT_DAYS = {"工作日": 1.4, "日": 1, "天": 1, "周": 7, "个月": 30, "月": 30, "年": 365, "小时": 1 / 24}
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?|[一二三四五六七八九十百千万两半]+)\s*(万元|元|倍|%|％|日|天|个月|年|人|家|次)")


def _cn_number(s: str) -> float | None:
    if re.fullmatch(r"\d+(\.\d+)?", s):
        return float(s)
    digits = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "半": 0.5}
    total, cur = 0.0, 0.0
    for ch in s:
        if ch in digits:
            cur = digits[ch]
        elif ch in "十百千万":
            mult = {"十": 10, "百": 100, "千": 1000, "万": 10000}[ch]
            total += (cur or 1) * mult
            cur = 0
        else:
            return None
    return total + cur


def duration_days(text: str | None) -> float | None:
    """The length of a relative deadline in days (``三十日`` → 30, ``2个月`` → 60), else ``None``."""
    if not text:
        return None
    m = _DURATION.search(text)
    if not m:
        return None
    n = _cn_number(m.group(1))
    return n * _UNIT_DAYS[m.group(2)] if n is not None else None


def amounts(text: str) -> list[str]:
    """Amounts written in ``text`` (fines, thresholds, periods): ``['5万元', '20万元']``."""
    return [m.group(0).replace(" ", "") for m in _AMOUNT.finditer(text or "")]


def _pair_obligations(olds: list[Obligation], news: list[Obligation]) -> tuple[list, list, list]:
    scored = sorted(((similarity(normalise(o.action), normalise(n.action)) + 0.2 * (o.trigger == n.trigger)
                      + 0.1 * (o.subject == n.subject), a, b)
                     for a, o in enumerate(olds) for b, n in enumerate(news)), reverse=True)
    pairs, used_a, used_b = [], set(), set()
    for score, a, b in scored:
        if score < 0.45 or a in used_a or b in used_b:
            continue
        pairs.append((olds[a], news[b]))
        used_a.add(a)
        used_b.add(b)
    return pairs, [o for a, o in enumerate(olds) if a not in used_a], [n for b, n in enumerate(news) if b not in used_b]


def compare_obligations(o: Obligation, n: Obligation) -> list[ObligationChange]:
    """The changes from obligation ``o`` to its counterpart ``n``."""
    out = []
    actor = n.subject or o.subject

    def add(kind, before, after):
        out.append(ObligationChange(kind, actor, o.path, n.path, before, after, o.id, n.id, n.modality, n.action))

    if o.modality != n.modality:
        if o.modality in STRENGTH and n.modality in STRENGTH:
            kind = "modality_strengthened" if STRENGTH[n.modality] > STRENGTH[o.modality] else "modality_weakened"
        else:
            kind = "modality_changed"
        add(kind, f"{o.modality} {o.trigger}", f"{n.modality} {n.trigger}")
    if normalise(o.subject) != normalise(n.subject) and (o.subject_explicit or n.subject_explicit):
        add("subject_changed", o.subject, n.subject)  # an inferred subject is no text of the rule
    od, nd = o.deadline.text if o.deadline else None, n.deadline.text if n.deadline else None
    if od and not nd:
        add("deadline_removed", od, None)
    elif nd and not od:
        add("deadline_added", None, nd)
    elif od and nd and normalise(od) != normalise(nd):
        a, b = duration_days(od), duration_days(nd)
        kind = ("deadline_shortened" if a and b and b < a else "deadline_lengthened" if a and b and b > a
                else "deadline_changed")
        add(kind, od, nd)
    if normalise(o.condition or "") != normalise(n.condition or ""):
        add("condition_changed", o.condition, n.condition)
    oa, na = amounts(o.action + (o.condition or "")), amounts(n.action + (n.condition or ""))
    if oa != na and (oa or na):
        add("amount_changed", "、".join(oa), "、".join(na))
    oc, nc = sorted({c.key for c in o.citations}), sorted({c.key for c in n.citations})
    if oc != nc:
        add("citations_changed", "、".join(oc), "、".join(nc))
    if normalise(o.action) != normalise(n.action) and not any(c.kind == "amount_changed" for c in out):
        add("action_changed", o.action, n.action)
    return out


def obligation_changes(clauses: list[ClauseChange], old: Version, new: Version) -> list[ObligationChange]:
    """Obligation changes where the text changed, plus duties moved, new and removed.

    A duty in a clause whose text is the same in both versions, or in a sentence that is the
    same, is never ``changed`` (an inferred subject may differ, the rule does not); in a moved
    clause it is ``moved`` with its old and new paths. A duty removed from one clause and new
    in another, in the same words, is ``moved`` too."""
    by_old: dict[str, list[Obligation]] = {}
    by_new: dict[str, list[Obligation]] = {}
    for o in old.obligations:
        by_old.setdefault(o.path, []).append(o)
    for n in new.obligations:
        by_new.setdefault(n.path, []).append(n)
    out: list[ObligationChange] = []
    gone_all: list[Obligation] = []
    added_all: list[Obligation] = []
    for ch in clauses:
        olds = [o for c in ch.old for o in by_old.get(c.path, ())]
        news = [n for c in ch.new for n in by_new.get(c.path, ())]
        moved = ch.status == "moved" or ch.moved
        if ch.status in ("unchanged", "renumbered", "moved"):
            pairs, gone, added = list(zip(olds, news)), olds[len(news):], news[len(olds):]
            changed = []
        else:
            pairs, gone, added = _pair_obligations(olds, news)
            changed = [(o, n) for o, n in pairs if _said(o) != _said(n)]
        for o, n in pairs:
            if (o, n) in changed:
                out += compare_obligations(o, n)
            elif moved:
                out.append(_moved(o, n))
        gone_all += gone
        added_all += added
    same = {}
    for n in added_all:
        same.setdefault(_said(n), []).append(n)
    for o in gone_all:
        twin = same.get(_said(o))
        if twin:
            n = twin.pop(0)
            added_all.remove(n)
            out.append(_moved(o, n))
        else:
            out.append(ObligationChange("removed", o.subject, o.path, None, o.action, None, o.id, None,
                                        o.modality, o.action))
    out += [ObligationChange("new", n.subject, None, n.path, None, n.action, None, n.id, n.modality, n.action)
            for n in added_all]
    return out


def _said(o: Obligation) -> tuple[str, str, str]:
    """What a duty says, as written: its sentence, modality and action."""
    return normalise(o.sentence or ""), o.modality, normalise(o.action)


def _moved(o: Obligation, n: Obligation) -> ObligationChange:
    return ObligationChange("moved", n.subject or o.subject, o.path, n.path, o.path, n.path, o.id, n.id,
                            n.modality, n.action)


def diff_versions(old: Version, new: Version) -> VersionDiff:
    """Compare two versions: aligned clauses, word diffs, obligation and quantity changes, and
    a summary counting articles (or a notice's top-level clauses: ``articles modified``),
    obligation change kinds and quantity change kinds."""
    clauses = align_clauses(list(old.clauses), list(new.clauses))
    obligations = obligation_changes(clauses, old, new)
    qty = [q for ch in clauses if ch.status not in ("unchanged", "renumbered", "moved") for q in quantity_changes(ch)]
    top = {id(old.clauses[i]) for i in _Tree(list(old.clauses)).top} | {id(new.clauses[j]) for j in _Tree(list(new.clauses)).top}
    summary: dict[str, int] = {}
    for ch in clauses:
        if any(id(c) in top for c in ch.old + ch.new):
            key = f"articles {'moved' if ch.moved else ch.status}" if ch.status == "modified" else f"articles {ch.status}"
            summary[key] = summary.get(key, 0) + 1
    for ch in obligations:
        summary[f"obligations {ch.kind}"] = summary.get(f"obligations {ch.kind}", 0) + 1
    for q in qty:
        summary[f"quantities {q.kind}"] = summary.get(f"quantities {q.kind}", 0) + 1
    return VersionDiff(old.name, new.name, clauses, obligations, summary, qty, old.title, new.title, old.date, new.date)


# ------------------------------------------------------------------ storing
def store_diff(db, diff: VersionDiff, old: Version, new: Version) -> int:
    """Record ``diff`` in ``db`` when both versions are notices there: rows in ``changes``
    (one per clause change other than ``unchanged`` and per obligation change) and a
    ``supersessions`` row (new supersedes old); quantity changes are rows of level ``quantity``
    (kind ``raised``, ``removed penalty`` …). Replaces an earlier record of the same pair.
    Returns the number of change rows written (0 when a version is not in the database)."""
    import hashlib
    import json

    ids = [old.notice_id, new.notice_id]
    if not all(ids) or db.execute("select count(*) from notices where id in (?, ?)", ids).fetchone()[0] < 2:
        return 0
    rows = []
    for k, ch in enumerate(diff.clauses):
        if ch.status == "unchanged":
            continue
        rows.append(("clause", ch.status, None, ch.old_path or None, ch.new_path or None,
                     json.dumps(ch.ops, ensure_ascii=False) if ch.ops else None, None, None, None, k))
    for k, ch in enumerate(diff.obligations):
        rows.append(("obligation", ch.kind, ch.actor, ch.old_path, ch.new_path, ch.before, ch.after,
                     ch.old_id, ch.new_id, k))
    for k, q in enumerate(diff.quantities):
        rows.append(("quantity", q.kind + (" penalty" if q.penalty else ""), None, q.old_path, q.new_path, q.old, q.new,
                     None, None, k))
    with db.conn:
        db.execute("delete from changes where old_notice_id = ? and new_notice_id = ?", ids)
        db.execute("insert or replace into supersessions values (?, ?)", [new.notice_id, old.notice_id])
        db.conn.executemany(
            "insert into changes values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(hashlib.sha1(f"{old.notice_id}|{new.notice_id}|{r[0]}|{r[-1]}".encode()).hexdigest()[:16],
              old.notice_id, new.notice_id, *r[:-1]) for r in rows])
    return len(rows)
