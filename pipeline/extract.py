"""Extract: obligations from a notice's clauses (GUIDELINES.md "Obligations", gold/DECISIONS.md).

Input: a :class:`~pipeline.model.Notice` and its clauses from :func:`pipeline.segment.segment`.
Output: :class:`~pipeline.model.Obligation` records in document order.

Each paragraph of a clause goes through the spaCy pipeline of :mod:`pipeline.nlp` (trigger
candidates, citations, time expressions). Sentences end at 。！？; statements at ``；`` and at
the previous obligation's action; segments at ，： outside quotes and brackets. The roles of a
statement (condition, subject, adverbials, trigger, action, deadline) are read by the named
rules of :mod:`pipeline.grammar`, in their stated precedence; an elided subject is recovered in
a fixed order, each obligation saying where its subject came from (``subject_source``):

``explicit`` (in the statement) → ``sentence`` (an earlier statement of the same sentence) →
``authority`` (an authority act binds the competent authority the notice names) → ``clause``
(an earlier sentence of the clause) → ``heading`` → ``addressee`` → ``none`` (empty subject and
a notice warning; nothing is guessed).

``subject`` is the notice's own name for the actor (its ``（以下简称…）`` abbreviation, 各 dropped
on each conjunct); ``actor`` is the lexicon's canonical name for it, or the subject itself.
"""
from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from spacy.attrs import IDX, LENGTH

from . import grammar as g
from .model import Citation, Clause, Deadline, Notice, Obligation
from .nlp import doc_text, get_nlp, modal_words

_OPEN, _CLOSE = "“‘《（(〔【「", "”’》）)〕】」"
_SENT_END = "。！？!?"
_SEG_END = "，；：,;:"
_STMT_END = "。！？!?；;：:"

_DUTY_PHRASE = re.compile(r"^负有.+(?:义务|职责)$")
"""A trigger naming its own duty (``负有保密义务``, ``负有下列职责``: gap patterns of data/triggers.json)."""
_CASE_TAIL = re.compile("的(?:" + "|".join(g.words("case_noun")) + ")?$")
"""``……的`` / ``……的其他情形`` closing the words after a trigger (``data/grammar.json`` class ``case_noun``)."""
_DECISION_NOUN = re.compile(r"[\u4e00-\u9fff]{1,4}的?(?:书面)?(?:决定|通知)")
"""The rest of ``不予V决定`` / ``不予V通知书`` after 不予: the name of an authority's decision."""
_ABILITY_NOUN = re.compile(r"[\u4e00-\u9fff]{1,3}性(?=[。；;，,、）)和与及或的]|$)")
"""The rest of ``可V性`` after 可 (可追溯性, 可操作性, 可持续性): a noun of ability, closing its phrase."""
_TARGET = re.compile(r"(?:力争)?(?:(?:到|至|于)(\d{4})年(?:(\d{1,2})月)?(?:底|末)?(?:前)?|\d{4}年(?:\d{1,2}月(?:底|末)?|底|末)前)(?=[,，])")
_ABBREV = re.compile(r"([^\s，。；：、“”（）《》]{2,30})" + g.ABBREVIATION_BRACKET)
_COMPETENT = re.compile(r"([^，。；：、“”《》\n]{2,40})(?:" + "|".join(g.words("competence_verb"))
                        + r")[^，。；\n]{0,30}?工作")
"""``X主管全国……工作`` / ``X负责……监督管理工作``: X is the competent authority (立法技术规范:
the 总则 article naming the 主管部门)."""
_CAUSATIVE = re.compile("|".join(g.words("object_taking_verb")))
"""A verb that hands an actor a task (``责令生产者召回产品，销售者停止销售``: class ``object_taking_verb``)."""


@dataclass
class _Found:
    """An obligation being built (offsets are into the paragraph text)."""
    modality: str
    trigger: str
    ts: int
    te: int
    action_start: int
    action_end: int = -1
    subject: str | None = None
    source: str = "explicit"
    condition: str | None = None
    cond_span: tuple[int, int] | None = None
    extra_deadline: tuple[int, int] | None = None
    outcome: bool = False
    sentence: tuple[int, int] = (0, 0)
    is_actor: bool = True
    authority: bool = False
    back_reference: bool = False
    known: int = 0
    rules: list[str] = field(default_factory=list)


@dataclass
class _Context:
    notice: Notice
    abbreviations: dict[str, str]
    year: int | None
    clause_subjects: list[str] = field(default_factory=list)
    path_subjects: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def extract_obligations(notice: Notice, clauses: list[Clause], nlp=None) -> list[Obligation]:
    """All obligations of ``notice``, in document order.

    Args:
        notice: the ingested notice (its addressees and abbreviations guide subject recovery).
        clauses: its clause tree from :func:`pipeline.segment.segment`.
        nlp: a pipeline from :func:`pipeline.nlp.get_nlp` (built once when omitted).
    Returns:
        obligations with stable ``id`` values (notice hash + clause path + ordinal); those whose
        subject could not be found have ``subject == ""`` and ``subject_source == "none"`` (see
        :func:`subject_warnings`).
    """
    return read_notice(notice, clauses, nlp)[0]


def subject_warnings(obligations) -> list[str]:
    """One warning line for the obligations of a notice whose subject could not be found."""
    missing = [o for o in obligations if not o.subject]
    if not missing:
        return []
    paths = ", ".join(dict.fromkeys(o.path or "(preamble)" for o in missing[:5]))
    return [f"{len(missing)} obligation(s) with no subject found (e.g. {paths})"]


def read_notice(notice: Notice, clauses: list[Clause], nlp=None) -> tuple[list[Obligation], list[str]]:
    """(obligations, warnings) of ``notice``: :func:`extract_obligations` plus the warnings."""
    with g.document(notice.text):
        return _read_notice(notice, clauses, nlp)


def _read_notice(notice: Notice, clauses: list[Clause], nlp=None) -> tuple[list[Obligation], list[str]]:
    nlp = nlp or get_nlp()
    ctx = _Context(notice, find_abbreviations(notice.text), _notice_year(notice))
    units: list[tuple[Clause | None, int, str]] = []
    for c in clauses:
        if c.kind == "preamble":  # read as text before any clause: path ""
            units.extend((None, i, piece) for i, line in enumerate(c.lines) for piece in _pieces(line))
            continue
        for i, line in enumerate(c.lines):
            units.extend((c, i, piece) for piece in _pieces(line))
        for line in c.trailing:
            units.extend((c, -1, piece) for piece in _pieces(line))
    if not clauses:
        units = [(None, i, piece) for i, ln in enumerate(notice.text.split("\n")) if ln.strip() for piece in _pieces(ln)]
    by_path = {c.path: c for c in clauses if c.kind != "preamble"}
    pending: list[tuple[Clause | None, str, _Found, object]] = []
    prev_clause = None
    authority = None
    for (clause, idx, line), doc in zip(units, _views(nlp, [u[2] for u in units])):
        if clause is not prev_clause:
            if prev_clause is not None and ctx.clause_subjects and _introduces_items(prev_clause):
                ctx.path_subjects[prev_clause.path] = ctx.clause_subjects[-1]
            ctx.clause_subjects = []
            prev_clause = clause
        for f in _read_paragraph(doc, ctx):
            if f.subject is None:
                if f.authority:
                    if authority is None:
                        authority = _competent_authority(notice, ctx)
                    if authority:
                        f.subject, f.source = authority, "authority"
                        f.rules.append("recover.authority")
                    else:
                        f.source = "authority?"  # settled by _addressee: the regulator the notice names

                if f.subject is None and f.source != "authority?":
                    _recover(f, clause, idx, by_path, ctx, line)
            pending.append((clause, line, f, doc))
    _same_act(pending, ctx)
    _addressee([p[2] for p in pending], ctx)
    out: list[Obligation] = []
    seen: Counter = Counter()
    onto = _ontology()
    for clause, line, f, doc in pending:
        path = clause.path if clause else ""
        seen[path] += 1
        action = _clean(line[f.action_start:f.action_end])
        if not action:
            continue
        oid = hashlib.sha1(f"{notice.sha256}|{path}|{seen[path]}".encode()).hexdigest()[:16]
        subject = f.subject or ""
        out.append(Obligation(
            doc=notice.name, path=path, subject=subject,
            subject_explicit=f.source in ("explicit", "sentence"),
            modality=f.modality, trigger=f.trigger, action=action, condition=f.condition,
            deadline=_deadline(doc, f, ctx), citations=_citations(doc, f),
            sentence=_clean(line[f.sentence[0]:f.sentence[1]]),
            start=(clause.start if clause else 0), id=oid,
            actor=(onto.resolve(subject) or subject) if subject else "",
            subject_source=f.source if subject else "none", rules=tuple(dict.fromkeys(f.rules))))
    return out, subject_warnings(out)


def read_statement(text: str, nlp=None) -> list[Obligation]:
    """The obligations of one paragraph of text, read as a notice of its own (no clauses, no
    addressees): the rule examples of :data:`pipeline.grammar.RULES` are checked with it.

    Args:
        text: one paragraph (one or more sentences).
    Returns:
        obligations as :func:`extract_obligations` gives them.
    """
    notice = Notice(name="statement", source="", format="text", text=text,
                    sha256=hashlib.sha256(text.encode()).hexdigest())
    return extract_obligations(notice, [], nlp)


def read_doc(doc) -> list[Obligation]:
    """The obligations of a spaCy ``Doc``'s text, each line a paragraph (the
    ``regpipe_obligations`` component: ``nlp(text)._.obligations``)."""
    return read_statement(doc_text(doc))


@lru_cache(maxsize=1)
def _ontology():
    from .actors import load_ontology
    return load_ontology()


_CHUNK_CHARS = 200_000
"""Paragraphs are joined into Docs of at most this many characters (spaCy's limit is 1e6)."""


_PIECE_CHARS = 20_000
"""A paragraph longer than this (ten times the longest paragraph of the corpora) is read in
pieces; the sentence reading scans a paragraph's segment boundaries per trigger."""


def _pieces(line: str, limit: int = _PIECE_CHARS) -> list[str]:
    """``line`` cut into pieces of at most ``limit`` characters at sentence ends (``。；！？``),
    hard at ``limit`` only when a sentence is longer: a paragraph over spaCy's 1,000,000
    characters (a file with no line breaks) is read whole, in pieces, in time linear in its
    length, nothing lost."""
    out = []
    while len(line) > limit:
        cut = max(line.rfind(ch, 0, limit) for ch in "。；！？;!?") + 1
        cut = cut if cut > 0 else limit
        out.append(line[:cut])
        line = line[cut:]
    out.append(line)
    return out


def _views(nlp, paragraphs: list[str]):
    """One :class:`_View` per paragraph, in order.

    The paragraphs are joined with ``\n`` into as few Docs as possible: spaCy's per-Doc
    overhead (Doc construction, component calls) otherwise costs more than the jieba
    segmentation itself. The components match within a line, so nothing crosses paragraphs.
    """
    chunks: list[list[str]] = [[]]
    size = 0
    for p in paragraphs:
        p = p.replace("\n", " ")
        if size + len(p) > _CHUNK_CHARS and chunks[-1]:
            chunks.append([])
            size = 0
        chunks[-1].append(p)
        size += len(p) + 1
    texts = ("\n".join(c) for c in chunks)
    # the obligations component reads single paragraphs, and no rule reads the lexicon's entities
    skip = [p for p in ("regpipe_obligations", "entity_ruler") if p in nlp.pipe_names]
    docs = nlp.pipe(texts, disable=skip)
    for chunk, doc in zip(chunks, docs):
        whole = _View.of_doc(doc)
        offset = 0
        for p in chunk:
            yield whole.slice(offset, offset + len(p))
            offset += len(p) + 1


class _Mark(NamedTuple):
    """A plain copy of a spaCy span: trigger, deadline or citation."""
    label_: str
    start_char: int
    end_char: int
    text: str
    key: str | None = None
    alt_key: str | None = None


class _View:
    """A read-only snapshot of (part of) a spaCy ``Doc``: text and span groups (``spans``) with
    offsets into ``text``, and the token boundaries.

    ``Doc.text`` and the span groups are rebuilt on every access; the rules read them hundreds of
    times per paragraph, so they are materialised once per Doc, and a paragraph's share of them
    is cut out on first use (most paragraphs are never read past their triggers).
    """

    __slots__ = ("text", "_marks", "_cut", "_start", "_starts", "_ends", "_base", "_lo", "_hi")

    def __init__(self, text, marks, starts, ends, base=0, lo=0, hi=None, start=0):
        self.text, self._marks, self._cut, self._start = text, marks, {}, start
        self._starts, self._ends, self._base, self._lo = starts, ends, base, lo
        self._hi = len(starts) if hi is None else hi

    @classmethod
    def of_doc(cls, doc) -> "_View":
        text = doc_text(doc)
        marks = {}
        for k, v in doc.spans.items():
            marks[k] = sorted((_Mark(s.label_, *(exact := s._.chars or (s.start_char, s.end_char)),
                                     text[exact[0]:exact[1]], s._.key, s._.alt_key) for s in v),
                              key=_start_char)
        starts = doc.to_array(IDX).tolist()
        ends = (doc.to_array(IDX) + doc.to_array(LENGTH)).tolist()
        view = cls(text, marks, starts, ends)
        view._cut = marks
        return view

    def group(self, name: str) -> list[_Mark]:
        """The marks of one group (``triggers``, ``deadlines``, ``citations``)."""
        got = self._cut.get(name)
        if got is None:
            start, end = self._start, self._start + len(self.text)
            got = []
            marks = self._marks.get(name, [])
            for m in marks[bisect_left(marks, start, key=_start_char):]:
                if m.start_char >= end:
                    break
                if m.end_char <= end:
                    got.append(_Mark(m.label_, m.start_char - start, m.end_char - start, m.text, m.key))
            self._cut[name] = got
        return got

    def token_from(self, pos: int) -> tuple[int, int] | None:
        """(start, end) of the first token starting at or after ``pos``, or ``None``."""
        k = bisect_left(self._starts, self._base + pos, self._lo, self._hi)
        return (self._starts[k] - self._base, self._ends[k] - self._base) if k < self._hi else None

    def word_ending(self, pos: int) -> str:
        """The token ending exactly at ``pos`` (``""`` when none does)."""
        k = bisect_left(self._ends, self._base + pos, self._lo, self._hi)
        if k < self._hi and self._ends[k] == self._base + pos:
            return self.text[self._starts[k] - self._base:pos]
        return ""

    def slice(self, start: int, end: int) -> "_View":
        """The part ``text[start:end]`` of a whole-Doc view, offsets shifted to it; marks
        crossing an edge dropped."""
        lo = bisect_left(self._starts, self._base + start, self._lo, self._hi)
        hi = bisect_left(self._starts, self._base + end, lo, self._hi)
        return _View(self.text[start:end], self._marks, self._starts, self._ends, self._base + start, lo, hi,
                     start=start)


def _start_char(m: _Mark) -> int:
    return m.start_char


# ------------------------------------------------------------------ paragraph reading
def _protected(text: str) -> list[bool]:
    """True at each character inside quotes, 《》 or brackets (nesting allowed)."""
    depth, out = 0, []
    for ch in text:
        if ch in _OPEN:
            depth += 1
            out.append(True)
        elif ch in _CLOSE:
            out.append(True)
            depth = max(0, depth - 1)
        else:
            out.append(depth > 0)
    return out


def _boundaries(text: str, prot: list[bool], chars: str) -> list[int]:
    return [i for i, ch in enumerate(text) if ch in chars and not prot[i]]


def _segment_of(pos: int, seg_bounds: list[int], a: int, b: int) -> tuple[int, int]:
    s = max([x + 1 for x in seg_bounds if a <= x < pos] or [a])
    e = min([x for x in seg_bounds if pos <= x < b] or [b])
    return s, e


def _read_paragraph(doc, ctx: _Context) -> list[_Found]:
    text = doc.text
    if not doc.group("triggers") and not _TARGET.search(text) and not _DATE_GOAL.search(text):
        return []  # nothing can direct anyone here
    prot = _protected(text)
    ends = _boundaries(text, prot, _SENT_END)
    sentences, start = [], 0
    for e in ends + [len(text)]:
        if e >= start:
            sentences.append((start, e))
            start = e + 1
    seg_bounds = _boundaries(text, prot, _SEG_END)
    triggers = _urgings_in_action(text, _continued_permissions(text, [
        s for s in _joined_urgings(text, doc.group("triggers")) if _valid_trigger(text, prot, s, seg_bounds, doc)]))
    found: list[_Found] = []
    for a, b in sentences:
        if b <= a:
            continue
        t = _target(text, a, b, ctx)
        if t:
            found.append(t)
            while True:  # 到2025年，……；到2035年，……: each dated goal after a ； is a target of its own
                semi = next((i for i in range(t.action_start, b) if text[i] in "；;" and not prot[i]), -1)
                t2 = _target(text, semi + 1, b, ctx) if semi >= 0 else None
                if t2 is None:
                    break
                t.action_end = semi
                found.append(t2)
                t = t2
            continue
        sent_triggers = [s for s in triggers if a <= s.start_char < b]
        if not sent_triggers and not _DATE_GOAL.search(text, a, b):
            continue
        got = _read_sentence(doc, text, prot, a, b, sent_triggers, seg_bounds, ctx)
        goals = _dated_goals(text, prot, a, b, sent_triggers, ctx)
        if goals:
            got = sorted(got + goals, key=lambda f: f.ts)
        for f in got:
            f.known = len(ctx.clause_subjects)  # recovery sees only the sentences before this one
        # a later sentence of the paragraph with its subject elided falls back on the actor
        # named last (rule recover.clause)
        ctx.clause_subjects.extend(f.subject for f in got if f.subject and f.source == "explicit" and f.is_actor)
        found.extend(got)
    return found


def _statement_start(text: str, pos: int) -> int:
    """Offset where the statement holding ``pos`` begins: after the last 。！？ or ；before it."""
    return max(text.rfind(ch, 0, pos) for ch in _SENT_END + "；;") + 1


def _chained(text: str, doc, seg_s: int, ts: int) -> bool:
    """Whether the trigger at ``ts`` opens its segment (``seg_s``) after a trigger earlier in its
    sentence: the second predicate of ``应当A，不得B`` (``……应当对举报人的信息予以保密，不得将……泄露给
    ……无关的人员``), whose object may end like a case noun phrase."""
    if doc is None or text[seg_s:ts].strip():
        return False
    sent = _statement_start(text, ts)
    return any(sent <= t.start_char < seg_s for t in doc.group("triggers"))


def _in_object_relative(prev: str, after: str) -> bool:
    """Whether a modal opens the relative clause of a verb's object: the word before it
    (``prev``) is a verb, and the words after it (``after``, to the segment's end) are only verbs
    and coordinators up to a ``的`` and the noun that closes the segment
    (``收寄|禁止寄递或者限制寄递的物品``)."""
    if not prev or not g.tag_of(prev).startswith("v") or prev in g.words("trailing_adverb"):
        return False
    j = after.find("的")
    if j <= 0 or j == len(after) - 1 or "的" in after[j + 1:]:
        return False
    head = g.pos_tokens(after[:j])
    coord = set(g.words("coordinator"))
    return all(t.pos.startswith("v") or t.word in coord for t in head) and g.nominal_run(after, j + 1) == len(after)


_AFTER_STEP = re.compile(r"后[，,]?\s*$")


def _continued_permissions(text: str, triggers: list) -> list:
    """Rule ``trigger.only_then``: ``方可`` (only then may) right after a completed step
    (``……后方可``, ``……后，方可``) with a trigger before it in its sentence says when that
    trigger's actor may go on: it continues that action and directs no one of its own
    (``必须经过认证，并标注认证标志后，方可出厂``). ``方可`` after a condition of its own
    (``只有在……的情况下方可…``), or opening its sentence's only duty, is a permission.
    jieba's ``后方/可`` is read by the characters, as ``方可``."""
    out = []
    for span in triggers:
        ts = span.start_char
        fs = ts if span.text == "方可" else ts - 1 if span.text == "可" and text[ts - 1:ts] == "方" else -1
        if fs >= 0:
            sent = _statement_start(text, fs)
            if _AFTER_STEP.search(text, sent, fs) and any(sent <= o.start_char for o in out):
                continue
        out.append(span)
    return out


def _urgings_in_action(text: str, triggers: list) -> list:
    """Rule ``trigger.urging_as_act``, later in the statement: an urging verb opening a segment
    after a must or may of its statement (``……可以就……建议有关部门负责处理，支持消费者……起诉``)
    is one more act of that modal's actor, which goes on through it; it urges no one of its own."""
    out = []
    for span in triggers:
        if span.label_ == "encouraged":
            ts = span.start_char
            stmt = _statement_start(text, ts)
            seg = max(text.rfind(ch, stmt, ts) for ch in "，,")
            if seg >= stmt and not text[seg + 1:ts].strip() and any(
                    o.label_ in ("must", "may") and stmt <= o.start_char for o in out):
                continue
        out.append(span)
    return out


def _joined_urgings(text: str, marks: list[_Mark]) -> list[_Mark]:
    """Rule ``trigger.joined_urging``: urging verbs joined by a coordinator (``鼓励和支持``,
    ``鼓励、支持``, ``支持和鼓励``, ``鼓励和引导``) are one trigger as written, whose actor and
    action follow the last of them."""
    out: list[_Mark] = []
    joiners = set(g.words("coordinator")) - {"及其", "或其", "和其"}
    for m in marks:
        prev = out[-1] if out else None
        if (prev is not None and m.label_ == prev.label_ == "encouraged"
                and text[prev.end_char:m.start_char] in joiners):
            out[-1] = prev._replace(end_char=m.end_char, text=text[prev.start_char:m.end_char])
        else:
            out.append(m)
    return out


def _valid_trigger(text: str, prot: list[bool], span, seg_bounds: list[int], doc=None) -> bool:
    """Rules ``trigger.in_quote`` and ``trigger.case_item``: whether a trigger candidate directs
    someone: not inside a title or quotation, a case description (``……不予配合和协助……的；``) or
    a noun phrase (``应当注销的其他情形``). A trigger right after an actor phrase is a main
    predicate even when its object ends like such a noun phrase (``认证机构不得聘用……的人员``),
    though not when the segment is a case (``销售者不能指明……的，``)."""
    ts, te, word = span.start_char, span.end_char, span.text
    if prot[ts]:
        return False
    if _DUTY_PHRASE.match(word):  # 负有保密义务。: the phrase is the whole duty
        return te >= len(text) or text[te] not in "、的）)"
    if te >= len(text) or text[te] in "、，。；：,;:的）)":
        return False
    seg_s, seg_e = _segment_of(ts, seg_bounds, 0, len(text))
    seg_s = max(seg_s, max((text.rfind(ch, 0, ts) + 1 for ch in _SENT_END), default=0))
    seg_e = min(seg_e, next((i for i in range(te, len(text)) if text[i] in _SENT_END), len(text)))
    after = re.sub(r"（[^（）]*）$", "", text[te:seg_e].rstrip("。！？"))
    before = text[seg_s:ts]
    sent_end = next((i for i in range(te, len(text)) if text[i] in "。；;！？"), len(text))
    if text[te:sent_end].endswith("的") and not text[te:sent_end].endswith("目的"):
        return False  # the sentence only describes a case: （四）……不予配合和协助……的；
    case = _CASE_TAIL.search(after)
    if case and not after.endswith(("目的", "的要求")) and not (
            case.group(0) != "的" and (g.actor_before(text, seg_s, ts) or _chained(text, doc, seg_s, ts))):
        return False  # a case description or a relative clause: 应当注销的其他情形 / 不能满足条件的
    if (text[seg_e:seg_e + 1] in ("，", ",") and g.closes_case(after) and not g.opens_adverbial(after)
            and not after.endswith(("以外", "之外"))):  # 除应具备……以外，还应……: both are duties
        return False  # rule trigger.in_case: 需新增检验项目时，应…; 在双方协商不能自行解决的情况下，由…
    nxt = _words_after(doc, text, te, 4)
    while len(nxt) > 2 and nxt[0] in g.words("trailing_adverb"):
        nxt = nxt[1:]  # 可以当场收缴的罚款: adverbs between the modal and the verb of its noun phrase
    nxt = nxt[:2]
    if (len(nxt) == 2 and g.tag_of(nxt[0]).startswith("v") and nxt[1] == "的" and not _DUTY_PHRASE.match(word)
            and not g.actor_before(text, seg_s, ts)):
        return False  # rule trigger.modifier: 可识别的自然人, 应当告知的其他事项, 详细可操作的预案
    prev = _word_before(doc, text, ts)
    if "的" in after and (prev == "规定" or _in_object_relative(prev, after)) and not g.actor_before(text, seg_s, ts):
        # a modal in the relative clause of a noun: what a rule forbids (国家规定禁止通过内河运输的其他危险化学品),
        # or the object of a verb (快递企业不得违法收寄禁止寄递或者限制寄递的物品)
        return False
    if re.fullmatch(r"(对|对于|针对)", before[:g.strip_trailing_adverbs(before, 0, len(before))].strip()) \
            and "的" in after:
        return False  # 对需整改的社会团体，… / 对依法应当编制……的建设项目: a relative clause of the 对 phrase
    if word == "不予" and _DECISION_NOUN.match(text, te):
        return False  # 收到不予许可决定之日起: the name of a decision, no refusal
    m = re.search(r"(或者|或)$", before)
    if m and any(before[:m.start()].endswith(text[te:te + n]) for n in range(2, 5)):
        return False  # 作出受理或者不予受理的书面决定; 知道或者应当知道 (a standard of knowledge, no duty)
    if prev and g.tag_of(prev) == "p" and prev in g.words("inner_adverbial_opener") and prev not in ("由", "除", "除了"):
        return False  # 自应当订立……之日起: the modal sits inside a prepositional phrase
    if word == "负责":
        return "由" in before
    if span.label_ == "encouraged":
        b = before.strip()
        if b.endswith("为"):
            return False
        if any(m in b[g.strip_trailing_adverbs(b, 0, len(b)):] for m in modal_words()):
            return False  # rule trigger.urging_as_act: 县级以上人民政府应当支持……: the duty is to support
        # 鼓励 opens its statement, follows adverbs, or has the urging party before it (国家鼓励…)
        return (not b or g.strip_trailing_adverbs(b, 0, len(b)) == 0 or g.actor_before(text, seg_s, ts)
                or b in g.words("urger"))
    if word in ("要", "需", "须", "可") and (_word_before(doc, text, ts) if doc is not None else before[-1:]) in (
            "是", "为", "只", "所"):  # 所需, 是要: not 律师事务所要 (the word before is 事务所)
        return False
    if word == "可" and _ABILITY_NOUN.match(text, te):
        return False  # 确保样品的可追溯性, 可操作性: 可 and a noun in 性 are one noun (ability), no permission
    return True


def _read_sentence(doc, text, prot, a, b, triggers, seg_bounds, ctx: _Context) -> list[_Found]:
    out: list[_Found] = []
    boundary = a
    carried: tuple[str, tuple[int, int]] | None = None
    for k, span in enumerate(triggers):
        ts, te = span.start_char, span.end_char
        f = _Found(span.label_, span.text, ts, te, te, sentence=(a, b), outcome=span.text == "不予")
        semi = max((i for i in range(boundary, ts) if text[i] in "；;" and not prot[i]), default=-1)
        st = max(boundary, semi + 1)
        segs = _split_segments(text, prot, st, ts)
        head, others = segs[-1], segs[:-1]
        seg_end = next((i for i in range(te, b) if text[i] in _SEG_END + _STMT_END and not prot[i]), b)
        first_in_sentence = st == a or not out
        reading = g.Reading()
        if span.label_ == "encouraged":
            u = g.urged_actor(text, te, seg_end) or g.urged_relative(text, te, seg_end)
            if u:
                reading = g.Reading(subject=u, rule="subject.urged")
                f.action_start = u[1] if u[1] < seg_end else min(seg_end + 1, b)
        elif span.text in g.words("forbidding_verb") and (u := g.forbidden_actor(text, te, seg_end)):
            reading = g.Reading(subject=u, rule="subject.forbidden")  # 禁止任何单位和个人转让……
            f.action_start = u[1]
        elif span.text == "负责":
            m = re.search(r"由(.+)$", text[head[0]:ts])
            if m:
                s = head[0] + m.start(1)
                reading = g.Reading(subject=(s, ts), rule="subject.by")
        elif text.startswith("由", by := _after_adverbs(text, te, seg_end)):
            # 应当由X…, 也可以直接由X…: the actor after 由 (adverbs between are skipped)
            e = g.actor_phrase(text, by + 1, seg_end)
            if e <= by + 1:
                e = g.nominal_run(text, by + 1, seg_end)
            de = text.find("的", by + 1, min(seg_end, by + 9))
            if e <= by + 1 and de > 0:  # 由共同的上一级市场监督管理部门: a modifier before the actor
                e2 = g.actor_phrase(text, de + 1, seg_end)
                if e2 > de + 1:
                    e = e2
            if e > by + 1:
                rel = g.relative_split(text, by + 1, e)
                s0 = rel if e - rel >= 2 and not g.bare_head(text[rel:e]) else by + 1
                reading = g.Reading(subject=(s0, e), rule="subject.by")
        if reading.subject is None and span.label_ != "encouraged":
            reading = g.read_head(text, *head)
            if reading.subject is None:
                fronted = list(others)
                if reading.condition is not None:
                    fronted.append(reading.condition)
                r2 = g.read_fronted(text, fronted, first_in_sentence)
                if r2.subject is not None:
                    if reading.condition is not None:
                        hc = text[reading.condition[0]:reading.condition[1]].strip()
                        f.back_reference = hc in g.words("back_reference")
                        r2.extra = reading.condition  # the head's own case is searched for deadlines
                    reading = r2
                elif reading.condition is None:
                    reading.condition = g.case_condition(text, others)
                else:
                    reading.condition = g.case_condition(text, fronted) or reading.condition
            elif reading.condition is None and others:
                reading.condition = g.case_condition(text, others)
        elif reading.subject is not None and reading.condition is None:
            reading.condition = g.case_condition(text, others)
        if _DUTY_PHRASE.match(span.text):
            # 负有保密义务: the duty is named inside the trigger, so the action runs from the
            # fronted object (对其所知悉的……) through the trigger (gold/DECISIONS.md)
            hs = g.strip_lead(text, *head)
            f.action_start = (reading.subject[1] if reading.subject and reading.rule in ("subject.head", "subject.head_relative")
                              else hs)
            while f.action_start < ts and text[f.action_start].isspace():
                f.action_start += 1
            if reading.condition and reading.condition[0] >= f.action_start:
                reading.condition = None  # the fronted object is part of the action
        if reading.rule:
            f.rules.append(reading.rule)
        if reading.subject is not None and out and reading.rule in ("subject.head", "subject.activity") \
                and text[:head[0]].rstrip()[-1:] not in ("；", ";"):  # after a ；, a new statement: 处置方案应当报…
            subj_toks = g.pos_tokens(text[reading.subject[0]:reading.subject[1]])
            lead = "".join(t.word for t in subj_toks[:2])
            if (subj_toks[0].pos.startswith("v") and not g.has_actor_head(text[reading.subject[0]:reading.subject[1]])
                    and not g.recurs(lead)):
                # 应当A，保证B获取…: after a duty, a verb-initial head continues its action list
                # (unless the notice uses its opening words as a term: 认证规则的框架, 互认活动)
                reading.subject, reading.rule = None, ""
                f.rules = []
        if reading.subject is not None:
            s0, s1 = g.trim_function_words(text, *reading.subject)
            reading.subject = (s0, s1) if s1 > s0 else None
        if reading.subject is not None:
            name = _notice_name(text[reading.subject[0]:reading.subject[1]], ctx)
            if name and not (f.outcome and not g.has_actor_head(name)):
                f.subject = name
                f.is_actor = g.has_actor_head(name) or _ontology().resolve(name) is not None
        f.extra_deadline = reading.extra
        if reading.condition:
            cs, ce = reading.condition
            cond = text[cs:ce].strip("，,：: ")
            if cond:
                carried = (cond, (cs, ce))
        if carried:
            f.condition, f.cond_span = carried
        if f.subject is None and out:
            prior = [o for o in out if o.subject and o.source in ("explicit", "sentence")]
            party = _ordered_party(text, out[-1], a)
            if party:
                # X……的，Y应当责令其停业整顿，停业整顿期间不得…: the ordered party (其) is bound
                f.subject, f.source, f.is_actor = _notice_name(party, ctx), "sentence", True
                f.rules.append("subject.sentence")
            elif prior:
                f.subject, f.source, f.is_actor = prior[-1].subject, "sentence", prior[-1].is_actor
                f.rules.append("subject.sentence")
        # ---- action
        stop = _statement_end(text, prot, f.action_start, b)
        if f.outcome:
            tok = doc.token_from(te)
            stop = min(stop, tok[1]) if tok is not None else stop
        else:
            # 除应当符合X（以/之）外，还应当…: the 除……外 frame closes the action
            m = re.search(r"(以外|之外|外(?=\s*(?:[，,；;。：:]|$)))", text[f.action_start:stop])
            if m and "除" in text[head[0]:ts]:
                stop = f.action_start + m.start()
        if k + 1 < len(triggers) and triggers[k + 1].start_char < stop:
            cut = _next_prefix_start(text, prot, f.action_start, triggers[k + 1], seg_bounds, a, b)
            stop = min(stop, cut)
        stop = _parallel_subject_cut(text, f.action_start, stop, seg_bounds, doc)
        f.action_end = stop
        act = text[f.action_start:stop]
        if span.label_ != "encouraged" and (g.authority_act(act) or f.outcome and act.lstrip().startswith("批准")):
            # 责令其限期改正 / 对其申请不予批准: ordering, fining and licensing are an authority's
            # acts; the party of a fronted case is their object, not their subject
            if f.subject is None or reading.fronted or f.source == "sentence" and reading.subject is None:
                f.subject, f.authority, f.source = None, True, "explicit"
                f.rules = [r for r in f.rules if not r.startswith("subject.")]
                agent = _penalty_agent(text, prot, a, ts)
                if agent:
                    f.subject, f.authority = _notice_name(agent, ctx), False
                    f.rules.append("subject.by")
        boundary = stop
        while boundary < b and (text[boundary] in _SEG_END + _STMT_END or text[boundary].isspace()):
            boundary += 1
        out.append(f)
    for k, f in enumerate(out):
        if f.subject is None and f.modality == "encouraged":
            # 国家鼓励推行……，鼓励企业……: an unaddressed 鼓励 takes the actor its parallel urges
            nxt = next((o for o in out[k + 1:] if o.trigger == f.trigger and "subject.urged" in o.rules), None)
            if nxt is not None:
                f.subject, f.source, f.is_actor = nxt.subject, "sentence", nxt.is_actor
                f.rules.append("subject.sentence")
    return out


def _penalty_agent(text: str, prot: list[bool], a: int, ts: int) -> str | None:
    """The authority of a penalty chain that the sentence names before ``ts``: in ``……的，由X责令
    改正，……，可以并处……罚款`` the later act is X's too (rule ``subject.by``). The last ``由X``
    followed by an authority act in ``text[a:ts]`` outside quotes, or ``None``."""
    k = text.rfind("由", a, ts)
    while k >= a:
        if not prot[k]:
            e = g.actor_phrase(text, k + 1, ts)
            if e > k + 1 and g.authority_act(text[e:ts]):
                return text[k + 1:e]
        k = text.rfind("由", a, k)
    return None


def _after_adverbs(text: str, pos: int, end: int) -> int:
    """``pos`` moved past adverbs (``直接``, ``依法``) standing right after a trigger."""
    e = pos
    for t in g.pos_tokens(text[pos:min(end, pos + 12)]):
        if t.word in g.words("trailing_adverb") or t.pos in ("d", "ad"):
            e = pos + t.end
            continue
        break
    return e


def _ordered_party(text: str, prev: _Found, a: int) -> str | None:
    """The party a previous ``责令其……`` ordered, when it opens the sentence's fronted case: the
    actor phrase at the sentence start (``认证机构、实验室有下列情形之一的``)."""
    act = text[prev.action_start:prev.action_end].lstrip()
    if not act.startswith("责令其"):
        return None
    s = g.strip_lead(text, a, prev.ts)
    e = g.actor_phrase(text, s, prev.ts)
    return text[s:e] if e > s else None


def _words_after(doc, text: str, pos: int, n: int) -> list[str]:
    """The ``n`` jieba words of the paragraph starting at ``pos`` (the Doc's own tokens)."""
    out = []
    while len(out) < n and doc is not None:
        tok = doc.token_from(pos)
        if tok is None or tok[0] != pos:
            break
        out.append(text[tok[0]:tok[1]])
        pos = tok[1]
    return out


def _word_before(doc, text: str, pos: int) -> str:
    """The jieba word of the paragraph ending at ``pos``, or ``""``."""
    if doc is None:
        return ""
    return doc.word_ending(pos)


def _split_segments(text, prot, s, e) -> list[tuple[int, int]]:
    segs, cur = [], s
    for i in range(s, e):
        if text[i] in _SEG_END + _STMT_END and not prot[i]:
            segs.append((cur, i))
            cur = i + 1
    segs.append((cur, e))
    return [(x, y) for x, y in segs if y > x or (x, y) == (cur, e)]


def _statement_end(text, prot, start, b) -> int:
    for i in range(start, b):
        if text[i] in _STMT_END and not prot[i]:
            return i
    return b


def _next_prefix_start(text, prot, action_start, nxt, seg_bounds, a, b) -> int:
    """Where the next obligation's subject/condition begins (the current action stops there)."""
    ts = nxt.start_char
    s, _ = _segment_of(ts, seg_bounds, a, b)
    if s <= action_start:
        # same segment: 不予受理或者不予批准, 应当A并应当B
        cut = ts
        while cut > action_start and re.search(r"(或者|或|并且|并|和|且|，)$", text[action_start:cut]):
            cut -= len(re.search(r"(或者|或|并且|并|和|且|，)$", text[action_start:cut]).group(0))
        return cut
    # walk back over condition segments before the next trigger's segment
    while True:
        prev = [x for x in seg_bounds if action_start <= x < s - 1]
        ps = prev[-1] + 1 if prev else action_start
        seg = text[ps:s - 1]
        if ps > action_start and g.is_case(seg.strip()):
            s = ps
            continue
        break
    return s - 1


def _parallel_subject_cut(text: str, start: int, stop: int, seg_bounds: list[int], doc=None) -> int:
    """Where an action ends because a parallel clause with its own subject begins:
    ``各级市场监管部门应积极履行认证监管职能,认可机构强化认可约束`` stops before ``认可机构``.

    A segment opening with an actor phrase followed by a verb starts such a clause unless it is a
    case (``……的``) or the action so far hands the segment's actor a task (``责令生产者召回产品，
    销售者停止销售产品``)."""
    for x in seg_bounds:
        s = x + 1
        if s <= start:
            continue
        if s >= stop:
            break
        if text[x] not in "，,":
            continue
        e = next((y for y in seg_bounds if y > s), stop)
        e = min(e, stop)
        if _CAUSATIVE.search(text, start, s):
            return stop
        if text.startswith("由", s) and _by_task(text, s, e):
            return x  # 申请复检，由受理复检的市场监督管理部门作出复检结论: another actor's task
        first = _words_after(doc, text, s, 1)
        if first and g.tag_of(first[0])[:1] in ("p", "d", "c", "u", "m", "q", "f") \
                and first[0] not in g.words("determiner"):
            continue  # a preposition, adverb or conjunction opens no actor (a cheap look first)
        if g.starts_clause_with_actor(text, s, e):
            return x
    return stop


def _by_task(text: str, s: int, e: int) -> bool:
    """Whether the segment ``text[s:e]`` (opening with 由) hands a task to an actor: ``由X`` and a
    verb after the actor phrase (``由受理复检的市场监督管理部门作出复检结论``)."""
    b = s + 1
    a = g.actor_phrase(text, b, e)
    if a <= b:
        de = text.find("的", b, e)  # 由受理复检的市场监督管理部门: a relative clause before the actor
        if de < 0:
            return False
        a = g.actor_phrase(text, de + 1, e)
        if a <= de + 1:
            return False
    nxt = g.pos_tokens(text[a:e])
    return bool(nxt) and nxt[0].pos.startswith(("v", "d", "p")) and not g.is_case(text[s:e])


@lru_cache(maxsize=1)
def _target_predicate() -> re.Pattern:
    """The predicates of a dated goal (class ``target_predicate``), built once."""
    return re.compile("(" + "|".join(g.words("target_predicate")) + ")(?!性)")


def _target(text, a, b, ctx) -> _Found | None:
    s = a
    while s < b and text[s].isspace():
        s += 1
    m = _TARGET.match(text, s, b)
    if not m:
        return None
    f = _Found("target", m.group(0), s, m.end(), m.end() + 1, action_end=b, sentence=(a, b), rules=["subject.target"])
    seg_end = min([i for i in range(m.end() + 1, b) if text[i] in _SEG_END] or [b])
    fs = m.end() + 1
    first = text[fs:seg_end]
    p = _target_predicate().search(first, 2)
    gs_e = fs + (p.start() if p else len(first))  # the grammatical subject ends before the predicate
    e = g.actor_phrase(text, fs, seg_end)
    if e > gs_e:  # 全国县级以上城市|基本建成……平台: the predicate ends any name
        e = g.actor_phrase(text, fs, gs_e)
    if e > fs and not text.startswith("的", e):
        f.subject = _notice_name(text[fs:e], ctx)
        return f
    # an actor inside the grammatical subject is the subject (认证机构质量负责人制度全面实施 → 认证机构)
    rel = g.relative_split(text, fs, gs_e)
    for t in g.pos_tokens(text[rel:gs_e]):
        if g.has_actor_head(text[rel:rel + t.end]) and t.end < gs_e - rel:
            f.subject = _notice_name(text[rel:rel + t.end], ctx)
            return f
    if rel > fs and g.has_actor_head(text[rel:gs_e]):
        f.subject = _notice_name(text[rel:gs_e], ctx)
        return f
    if g.starts_with(first, "target_predicate"):
        return f  # 到2025年，基本建成……: the goal opens with its predicate and names no subject
    f.subject = text[fs:gs_e]
    f.is_actor = False
    return f


_DATE_GOAL = re.compile(r"(?:于|到|至)?\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:底|末)?前|(?:到|至)\d{4}年(?:\d{1,2}月)?(?:底|末)?")


def _dated_goals(text, prot, a, b, triggers, ctx) -> list[_Found]:
    """Rule ``trigger.dated_goal``: in a statement (up to ；/。) with no modal, a date phrase
    ``于2019年4月底前`` / ``2020年12月底前`` followed by what is to be done is a ``target``
    (GUIDELINES.md: ``于YYYY年…前…`` stated as something to reach). Each action stops before the
    next date phrase; the words before the first date are read as subject and condition."""
    out: list[_Found] = []
    st = a
    for e in [i for i in range(a, b) if text[i] in "；;" and not prot[i]] + [b]:
        if any(st <= t.start_char < e for t in triggers) or st == a and _TARGET.match(text, st, e):
            st = e + 1
            continue
        dates = [m for m in _DATE_GOAL.finditer(text, st, e) if not prot[m.start()]]
        for k, m in enumerate(dates):
            act_s = m.end()
            act_e = dates[k + 1].start() if k + 1 < len(dates) else e
            if not g.pos_tokens(text[act_s:act_e].lstrip("，, ")[:8] or "的")[0].pos.startswith(("v", "p", "d")):
                continue  # 2019年4月底前的数据: a date modifying a noun, no goal (将/向…报送, 全面完成: goals)
            f = _Found("target", m.group(0), m.start(), m.end(), act_s, action_end=act_e, sentence=(a, b),
                       rules=["trigger.dated_goal"])
            if k == 0:
                segs = _split_segments(text, prot, st, m.start())
                r = g.read_head(text, *segs[-1])
                if r.subject is None:
                    r2 = g.read_fronted(text, segs[:-1], st == a)
                    r = r2 if r2.subject is not None else g.Reading(condition=g.case_condition(text, segs))
                if r.subject is not None:
                    f.subject = _notice_name(text[r.subject[0]:r.subject[1]], ctx)
                    f.is_actor = g.has_actor_head(f.subject)
                    f.rules.append(r.rule)
                if r.condition:
                    f.condition, f.cond_span = text[r.condition[0]:r.condition[1]].strip("，, "), r.condition
            else:
                prev = out[-1] if out else None
                if prev is not None:
                    f.subject, f.source, f.is_actor = prev.subject, prev.source, prev.is_actor
                    f.condition, f.cond_span = prev.condition, prev.cond_span
            out.append(f)
        st = e + 1
    return out


# ------------------------------------------------------------------ subjects
def find_abbreviations(text: str) -> dict[str, str]:
    """``{full name: short name}`` from ``X（以下简称Y）`` / ``（以下统称Y）`` definitions in the
    notice (a new dict each call; the scan of a given text is done once)."""
    return dict(_abbreviations(text))


@lru_cache(maxsize=8)
def _abbreviations(text: str) -> tuple[tuple[str, str], ...]:
    if "简称" not in text and "统称" not in text:
        return ()
    out: dict[str, str] = {}
    for m in _ABBREV.finditer(text):
        full = re.sub(r"^第[一二三四五六七八九十百零〇\d]{1,8}条", "", m.group(1))  # 第四条计量基准器具
        if len(full) >= 2:
            out[full] = m.group(2).strip("《》“”\"")
    return tuple(out.items())


def _drop_each(name: str) -> str:
    """各 dropped at the start of every conjunct (各地区、各部门 → 地区、部门), conjuncts split at
    coordinator words (so 参与各方 keeps its 各); not 各级 (part of the name), not the whole
    conjunct 各方, and not the word 各地, alone or before a noun (各地教育部门: 地教育部门 is no
    name) (GUIDELINES.md Actors; DECISIONS-kindergarten '各地 stays')."""
    if "各" not in name:
        return name
    toks = g.pos_tokens(name)
    out, conj_start = [], True
    for k, t in enumerate(toks):
        w = t.word
        nxt = toks[k + 1].word if k + 1 < len(toks) else ""
        if conj_start and w.startswith("各") and not w.startswith("各级") and w != "各地" and not (
                w == "各方" and (not nxt or nxt in g.words("coordinator"))):
            w = w[1:] if len(w) > 1 else w if not nxt else ""
        out.append(w)
        conj_start = t.word in g.words("coordinator") or t.word in "，,"
    return "".join(out)


def _notice_name(name: str, ctx: _Context) -> str:
    """The notice's own name for a subject phrase: whitespace and edge punctuation removed, the
    notice's abbreviation used where it defines one (``X（以下简称Y）`` → Y), a closing
    ``（如……）`` example list dropped, 各 dropped on every conjunct (not 各级, 各地, 各方)."""
    n = re.sub(r"\s+", "", name).strip("，；：、,;:")
    m = re.search(r"[（(](?:以下)?(?:简称|统称)[“\"]?([^”\"）)]+)[”\"]?[）)]$", n)
    if m:
        return _notice_name(m.group(1), ctx)
    n = re.sub(r"(?<=.)[（(](?:如|例如|包括|含|比如|不含)[^（）()]*[）)]$", "", n)
    if "简称" in n or "统称" in n:  # 计量基准器具（简称计量基准，下同）的使用 → 计量基准的使用
        n = re.sub(r"[（(](?:以下)?(?:简称|统称)[^（）()]*[）)]", "", n)
        for full, short in sorted(ctx.abbreviations.items(), key=lambda x: -len(x[0])):
            n = n.replace(full, short)
    n = _drop_each(n)
    if n in ctx.abbreviations:
        n = ctx.abbreviations[n]
    n = _contracted_name(n, ctx.notice.text)
    return re.sub(r"(?<=.{2})等$", "", n) if n.endswith("等") and g.has_actor_head(n[:-1]) and "、" not in n else n


@lru_cache(maxsize=4096)
def _contracted_name(name: str, text: str) -> str:
    """The notice's contracted name for ``R的H`` when ``H`` is a bare head (``组织``, ``人``) and
    the notice writes ``XH`` where the characters of ``X`` (two or three) are taken in order from
    ``R``, starting with its first: ``获得产品认证的组织`` → ``获证组织``. A coordinated name
    (``获得认证的组织和个人``) is kept. Source: the contraction rule of Chinese abbreviations
    (缩略: characters taken in order from the full form, 获得证书→获证) and DECISIONS-cert-mark.md
    ("The bare head 组织 is no name, so the text's short name is used")."""
    m = re.fullmatch(r"(.{2,12}?)的([^的、]{1,4})", name)
    if not m or not g.bare_head(m.group(2)) or any(c in name for c in "、，和及与或"):
        return name
    rel, head = m.groups()
    best = None
    k = text.find(head)
    while k >= 0:
        for n in (2, 3):
            x = text[max(0, k - n):k]
            if len(x) == n and x[0] == rel[0] and x != rel and _in_order(x, rel) \
                    and all("\u4e00" <= c <= "\u9fff" for c in x) and "的" not in x:
                if text.count(x + head) >= 2 and (best is None or len(x) > len(best) - len(head)):
                    best = x + head
        k = text.find(head, k + 1)
    return best or name


def _in_order(short: str, full: str) -> bool:
    it = iter(full)
    return all(c in it for c in short)


def _recover(f: _Found, clause, idx, by_path, ctx: _Context, line: str = "") -> None:
    """Rules ``recover.clause`` → ``recover.agent`` → ``recover.heading`` → ``recover.addressee``
    → ``recover.none``."""
    if ctx.clause_subjects[:f.known]:
        f.subject, f.source = ctx.clause_subjects[f.known - 1], "clause"
        f.rules.append("recover.clause")
        return
    p = by_path.get(clause.parent) if clause is not None else None
    while p is not None:  # an item under a lead-in: the lead-in's subject (应当遵守以下规定：（一）不得…)
        if p.path in ctx.path_subjects:
            f.subject, f.source = ctx.path_subjects[p.path], "clause"
            f.rules.append("recover.clause")
            return
        p = by_path.get(p.parent)
    agent = _named_agent(line[f.action_start:f.action_end], clause, ctx)
    if agent:
        f.subject, f.source = agent, "clause"
        f.rules.append("recover.agent")
        return
    subj = _from_headings(clause, idx, by_path, ctx)
    if subj:
        f.subject, f.source = subj, "heading"
        f.rules.append("recover.heading")
        return
    f.source = "addressee?"  # settled by _addressee once the whole notice is read


def _named_agent(action: str, clause, ctx: _Context) -> str | None:
    """Rule ``recover.agent``: the agent the clause itself names for the act: an action ``V O``
    (``制定推荐性国家标准``) whose clause says ``O由Y V`` (``推荐性国家标准由国务院标准化行政主管部门
    制定``) binds Y."""
    action = action.strip()
    toks = g.pos_tokens(action[:40])
    if len(toks) < 2 or not toks[0].pos.startswith("v"):
        return None
    verb, obj = toks[0].word, action[toks[0].end:]
    obj = re.split(r"[，。；、,]", obj)[0]
    if len(obj) < 2 or clause is None:
        return None
    text = "".join(clause.lines) + "".join(clause.trailing)
    k = text.find(obj + "由")
    while k >= 0:
        s = k + len(obj) + 1
        e = g.actor_phrase(text, s, min(len(text), s + 40))
        if e > s and text.startswith(verb, e):
            return _notice_name(text[s:e], ctx)
        k = text.find(obj + "由", k + 1)
    return None


def _act_bigrams(action: str) -> frozenset[str]:
    a = re.sub(r"[\s，。；：、,;:“”‘’《》（）()]", "", action)
    return frozenset(a[i:i + 2] for i in range(len(a) - 1))


def _same_act(pending, ctx: _Context) -> None:
    """Rule ``recover.act``: a statement with no actor of its own (its subject still missing, or
    carried from a thing that cannot act) binds the actors the notice binds to the same act in
    another clause: ``禁止伪造或者冒用认证标志等质量标志`` → ``生产者、销售者`` where one article
    binds 生产者 and another 销售者 to exactly that act. The same act means the other action is
    contained in this one (at least 3 of its character bigrams, 90% of them here) or the two share
    70% of their bigrams (Dice). Several actors tied on the best score are coordinated in the
    order the notice first names them (as the notice writes the pair when it does). Source:
    DECISIONS.md (2020: "the actor the law names for that act elsewhere"),
    DECISIONS-product-quality.md (第五条, 第十二条), DECISIONS-cert-mark.md (第十二条)."""
    acts = []
    for clause, line, f, _doc in pending:
        if f.subject and f.is_actor and f.source in ("explicit", "sentence") and f.action_end > f.action_start:
            b = _act_bigrams(line[f.action_start:f.action_end])
            if len(b) >= 3:
                acts.append((clause.path if clause else line, f.subject, b))
    if not acts:
        return
    for clause, line, f, _doc in pending:
        open_subject = f.source == "addressee?" or f.source == "sentence" and not f.is_actor
        if not open_subject or f.action_end <= f.action_start:
            continue
        a = _act_bigrams(line[f.action_start:f.action_end])
        path = clause.path if clause else line  # another clause (another line of a bare text)
        scores: dict[str, float] = {}
        for p, subj, b in acts:
            if p == path or not a:
                continue
            inter = len(a & b)
            sc = max(inter / len(b) if inter >= 3 and inter / len(b) >= 0.9 else 0.0,
                     d if (d := 2 * inter / (len(a) + len(b))) >= 0.7 else 0.0)
            if sc > scores.get(subj, 0.0):
                scores[subj] = sc
        if not scores:
            continue
        best = max(scores.values())
        tied = [n for n, v in scores.items() if v >= best - 0.05]
        text = ctx.notice.text
        tied.sort(key=lambda n: (text.find(n) if n in text else len(text)))
        f.subject = _coordinated(tied, text)
        f.source, f.is_actor = "clause", True
        f.rules = [r for r in f.rules if not r.startswith("subject.")] + ["recover.act"]


def _coordinated(names: list[str], text: str) -> str:
    """``names`` as one coordinated subject, with the coordinator the notice writes between them
    (``生产者、销售者``), else ``、``."""
    if len(names) == 1:
        return names[0]
    for sep in ("、", "和", "或者", "及"):
        joined = sep.join(names)
        if joined in text:
            return joined
    return "、".join(names)


def _introduces_items(clause) -> bool:
    """Whether a clause's own text is a lead-in to its items (``……应当遵守以下规定：``): only then
    do its items inherit its subject."""
    own = "".join(clause.lines).rstrip()
    return own.endswith(("：", ":")) or bool(re.search(r"(下列|以下|如下)[^。；]{0,12}[：:]?$", own))


def _addressee(found: list[_Found], ctx: _Context) -> None:
    """Rules ``recover.addressee`` and ``recover.none`` for the subjects still missing: the
    addressee (主送) whose role fits: the one this notice most often names as the explicit
    subject of a duty, else the first addressee; with no addressee the subject stays empty."""
    names = [_notice_name(a, ctx) for a in ctx.notice.addressees]
    explicit = Counter(f.subject for f in found if f.subject and f.source == "explicit")
    regulators = [n for n, _ in explicit.most_common() if g.ends_with(n, "authority_head")]
    for f in found:
        if f.source == "authority?":
            if regulators:
                f.subject, f.source = regulators[0], "authority"
                f.rules.append("recover.authority")
            else:
                f.source = "addressee?"
    fitting = max(names, key=lambda n: (explicit[n], -names.index(n))) if names else None
    for f in found:
        if f.source != "addressee?":
            continue
        if fitting:
            f.subject, f.source = fitting, "addressee"
            f.rules.append("recover.addressee")
        else:
            f.source = "none"
            f.rules.append("recover.none")


def _from_headings(clause, idx, by_path, ctx) -> str | None:
    """An actor named in the heading of the clause or of an enclosing clause (elided subject)."""
    heads = []
    if clause is not None and idx != 0 and clause.heading:
        heads.append(clause.heading)
    p = by_path.get(clause.parent) if clause is not None else None
    while p is not None:
        if p.heading:
            heads.append(re.split(r"[。；]", p.heading)[0])
        p = by_path.get(p.parent)
    for h in heads:
        actor = heading_actor(h, ctx.notice.text)
        if actor:
            return _notice_name(actor, ctx)
    return None


def heading_actor(heading: str, notice_text: str = "") -> str | None:
    """The actor a heading names: ``X层面`` / ``X方面`` (``总局层面`` → the notice's fuller name
    for 总局 when the lexicon knows it), else an actor phrase opening the heading."""
    return _heading_actor(heading, notice_text)


@lru_cache(maxsize=4096)
def _heading_actor(heading: str, notice_text: str) -> str | None:
    h = heading.strip()
    m = re.match(r"^([^，。；：、]{1,20}?)(?:层面|方面)", h)
    if m:
        name = m.group(1)
        canon = _ontology().resolve(name)
        if canon and canon != name:
            return canon  # GUIDELINES.md Actors: a clause under 1. 总局层面 binds 市场监管总局
        if g.has_actor_head(name) or canon:
            return name
    e = g.actor_phrase(h, 0, min(len(h), 30))
    if e > 0:
        rest = h[e:]
        if not rest or g.pos_tokens(rest)[0].pos.startswith(("v", "d", "p")):
            return h[:e]
    return None


def _competent_authority(notice: Notice, ctx: _Context) -> str | None:
    """The authority a notice names as competent: the subject of its first ``X主管/负责……工作``
    statement (level prefixes dropped where the notice also writes the shorter name), else the
    regulator most often written as a subject before an ``应当``."""
    for m in _COMPETENT.finditer(notice.text):
        s = re.sub(r"^第[一二三四五六七八九十百零〇\d]+条", "", m.group(1).strip()).strip()
        s = s[:g.strip_trailing_adverbs(s, 0, len(s))]
        e = g.actor_phrase(s)
        if e == len(s) and s:
            return _shorter_name(_notice_name(s, ctx), notice.text)
    return None


_LEVEL = re.compile("^(" + "|".join(g.words("level_prefix")) + ")(?:人民政府)?(?=.{4,})")


def _shorter_name(name: str, text: str) -> str:
    """``县级以上地方市场监督管理部门`` → ``市场监督管理部门`` when the notice also writes the
    shorter name on its own (GUIDELINES.md Actors: level prefixes are kept unless the notice also
    uses the shorter form)."""
    m = _LEVEL.match(name)
    if not m:
        return name
    short = name[m.end():]
    bare = re.sub("(" + "|".join(g.words("level_prefix") + ("上一级", "上级", "下级", "同级")) + ")" + re.escape(short), "", text)
    return short if short in bare else name


# ------------------------------------------------------------------ deadlines, citations

_KIND_RANK = {"absolute": 0, "relative": 1, "recurring": 2, "immediate": 3}


def _deadline(doc, f: _Found, ctx: _Context) -> Deadline | None:
    if f.modality == "target":
        return Deadline(f.trigger, "absolute", absolute_date(f.trigger, ctx.year))
    ranges = [(f.action_start, f.action_end)]
    if f.cond_span:
        ranges.append(f.cond_span)
    if f.extra_deadline:
        ranges.append(f.extra_deadline)
    cands = []
    for s in doc.group("deadlines"):
        if any(a <= s.start_char and s.end_char <= b + 1 for a, b in ranges):
            cands.append(s)
    if not cands and (f.condition in g.words("back_reference") or f.back_reference):
        # 停业整顿期限为6个月，期间不得从事认证活动: 期间 is the period stated just before
        cands = [s for s in doc.group("deadlines")
                 if f.sentence[0] <= s.start_char and s.end_char <= f.ts and s.label_ == "relative"][-1:]
    if not cands:
        return None
    best = min(cands, key=lambda s: (_KIND_RANK[s.label_], s.start_char))
    text = best.text.strip()
    date = absolute_date(text, ctx.year) if best.label_ == "absolute" else None
    return Deadline(text, best.label_, date)


def absolute_date(text: str, year: int | None) -> str | None:
    """ISO date an absolute deadline falls on: ``到2026年底`` → ``2026-12-31``,
    ``于2019年6月30日前`` → ``2019-06-30``, ``6月底前`` → that month's end in ``year``."""
    import calendar

    m = re.search(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(?:(\d{1,2})日)?", text.replace(" ", ""))
    y = int(m.group(1)) if m and m.group(1) else None
    mo = re.search(r"(\d{1,2})月", text)
    d = re.search(r"(\d{1,2})日", text)
    y = y or (int(re.search(r"(\d{4})年", text).group(1)) if re.search(r"(\d{4})年", text) else year)
    if y is None:
        return None
    if mo:
        month = int(mo.group(1))
        if not 1 <= month <= 12:
            return None
        day = int(d.group(1)) if d else calendar.monthrange(y, month)[1]
        return f"{y:04d}-{month:02d}-{day:02d}"
    return f"{y:04d}-12-31"


def _citations(doc, f: _Found) -> tuple[Citation, ...]:
    a = f.cond_span[0] if f.cond_span else f.ts
    out = []
    for s in doc.group("citations"):
        if a <= s.start_char and s.end_char <= f.action_end + 1 or f.sentence[0] <= s.start_char < f.ts:
            out.append(Citation(s.text, s.label_, s.key, s.alt_key))
    return tuple(dict.fromkeys(out))


def _notice_year(notice: Notice) -> int | None:
    if notice.date:
        return int(notice.date[:4])
    m = re.search(r"〔(\d{4})〕", notice.doc_number or "")
    return int(m.group(1)) if m else None


def _clean(s: str) -> str:
    s = re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", s).strip()
    return s.strip("，；。：、,;: ")
