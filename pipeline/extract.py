"""Extract: obligations from a notice's clauses (GUIDELINES.md "Obligations", gold/DECISIONS.md).

Input: a :class:`~pipeline.model.Notice` and its clauses from :func:`pipeline.segment.segment`.
Output: :class:`~pipeline.model.Obligation` records in document order.

Each paragraph of a clause goes through the spaCy pipeline of :mod:`pipeline.nlp` (trigger
candidates, actors, citations, time expressions). This module then reads the clause the way
a careful reader of a regulation does:

* a sentence ends at 。！？; inside it, segments end at ，；： (never inside quotes or brackets);
* a trigger inside quotation marks, inside a case description (``……应当注销的其他情形``), or in
  a noun phrase (``作出受理或者不予受理的书面决定``) directs no one;
* the action runs from the trigger to the end of the statement (。；：) or to where the next
  obligation's subject or condition begins;
* the subject is what stands before the trigger in its segment (a thing subject verbatim);
  a fronted ``……的`` / ``在……时`` / ``对……`` phrase is the condition and carries over to
  later triggers of the same sentence; an elided subject is recovered from the same sentence,
  an earlier sentence of the clause, the headings above it, then the notice's addressees;
* a sentence opening with a dated goal (``到2026年底，……``) is a ``target``.
"""
from __future__ import annotations

import hashlib
from bisect import bisect_left
from functools import lru_cache
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from .model import Citation, Clause, Deadline, Notice, Obligation
from spacy.attrs import IDX, LENGTH

from .nlp import doc_text, get_nlp, load_lexicon

_OPEN, _CLOSE = "“‘《（(〔【「", "”’》）)〕】」"
_SENT_END = "。！？!?"
_SEG_END = "，；：,;:"
_STMT_END = "。！？!?；;：:"

ACTOR_HEADS = ("部门", "机构", "企业", "协会", "组织", "单位", "智库", "中心", "委员会", "总局", "人员",
               "审核员", "检查员", "负责人", "院校", "高校", "团体", "各方", "经营者", "生产者", "销售者",
               "申请人", "委托人", "政府", "消费者", "成员", "管理者", "实验室", "监管局", "管理局")
"""Head nouns of actor phrases not in the lexicon (``京津冀……等市场监管部门``, ``行业组织和智库``).
Source: the organisation and role nouns of the bundled notices and of 认证认可条例."""

_ACTOR_RE = re.compile(rf"[\u4e00-\u9fff（）]{{0,14}}?(?:{'|'.join(ACTOR_HEADS)})")
_REGULATOR_RE = re.compile(r"(部门|局|委|总局|委员会|政府|厅)$")
_GLUE = re.compile(r"^(、|和|及其|及|与|以及|或者|或|并|等|相关各方|有关各方)")
_LEAD = re.compile(r"^(并且|并|且|同时|而且|而|但|另外|此外|其中|因此|为此|对此|也|还|此外)")
_TRAIL_ADVERB = re.compile(
    r"(还|也|均|都|亦|仍|则|原则上|一般|一律|一定|同时|并|而|就|才|即|更|尤其|依法|必须|切实|首先|务必|积极|主动|"
    r"严格|自觉|另行|直接|应|须|除|不|要|可|继续|大力|进一步|着力|充分|重点|全面|加快|认真|坚决|共同)$")
_COND_START = re.compile(r"^(如果|如|若|凡|对于|对|针对|在|当|因|经|未经|除|属于)")
_COND_END = re.compile(r"(的|时|期间|过程中|情况下|之后|以后|之前|以前|以外|之外)$")
_DUTY_PHRASE = re.compile(r"^负有.+义务$")
"""A trigger naming its own duty (``负有保密义务``, gap pattern of data/triggers.json)."""
_NOUN_TAIL = re.compile(r"^(资质|资格|证书|许可|批准书|名称|标志)$")
"""What may follow an actor name inside a bigger noun phrase (``取得认证机构资质``)."""
_COMITATIVE = re.compile(r"^(与|同|跟|向|和)")
"""A segment opening with a comitative/directional preposition names a partner, not the subject."""
_RESPONSIBLE = re.compile(r"^([\u4e00-\u9fff]{2,10}?)(负责|主管|承担)")
"""``X负责……`` before ``，并可…``: X carries on as the subject."""
_THING_NP = re.compile(r"^[\u4e00-\u9fff、]{2,18}的[\u4e00-\u9fff]{2,6}$")
"""A noun phrase ``……的产品`` standing alone in a segment before a trigger: what is bound."""
_TOPIC = re.compile(r"的[^的]{2,}$")
"""An actor opening ``X……的Y`` names who did something to Y: the segment is Y, a fronted object."""
_MANNER = re.compile(r"^(本着|结合|通过|围绕|参照|遵循)")
_BASIS = re.compile(r"^(根据|依据|按照|依照|为了|为)")
_AUTHORITY_ACT = re.compile(r"^(责令|处以|处\d|处[一二三四五六七八九十百千万]|罚款|没收|吊销|给予.{0,12}处分|约谈)")
"""Acts only an authority performs (orders, fines, confiscation, revoking a licence, sanctions)."""
_PENALTY = re.compile(r"^(责令|处以|处|给予|没收|吊销|撤销|罚款|予以|批准|受理|通报|约谈)")
_CASE_TAIL = re.compile(r"(的|的(其他)?(情形|人员|单位|企业|机构|组织))$")
_TARGET = re.compile(r"(?:力争)?(?:到|至|于)(\d{4})年(?:(\d{1,2})月)?(?:底|末)?(?:前)?(?=[,，])")
_THING_PREDICATE = re.compile(
    r"(全面|显著|更加|进一步|基本|大幅|明显|得到|达到|实现|不少于|超过|稳步|持续|有效|逐步|初步|普遍|取得|形成|建成|提高|提升|增强|完善)(?!性)")
_URGE_ADVERB = re.compile(r"^(大力|积极|进一步|继续|同时|并|还|也|更加|充分|着力|重点|要|应|切实|广泛)*$")
_SUBJECT_MODIFIER = re.compile(r"^(县级以上(地方)?|省级以上|设区的市级以上|相关|有关|其他)(?=.{4,})")
_ABBREV = re.compile(r"([^\s，。；：、“”（）《》]{2,30})[（(](?:以下)?简称[“\"]?([^”\"）)]{2,20})[”\"]?[）)]")


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
    explicit: bool = True
    condition: str | None = None
    cond_span: tuple[int, int] | None = None
    extra_deadline: tuple[int, int] | None = None
    needs_default: bool = False
    outcome: bool = False
    sentence: tuple[int, int] = (0, 0)
    is_actor: bool = True
    authority_act: bool = False


@dataclass
class _Context:
    notice: Notice
    abbreviations: dict[str, str]
    canonical: dict[str, str]
    year: int | None
    clause_subjects: list[str] = field(default_factory=list)



def extract_obligations(notice: Notice, clauses: list[Clause], nlp=None) -> list[Obligation]:
    """All obligations of ``notice``, in document order.

    Args:
        notice: the ingested notice (its addressees and abbreviations guide subject recovery).
        clauses: its clause tree from :func:`pipeline.segment.segment`.
        nlp: a pipeline from :func:`pipeline.nlp.get_nlp` (built once when omitted).
    Returns:
        obligations with stable ``id`` values (notice hash + clause path + ordinal).
    """
    nlp = nlp or get_nlp()
    ctx = _Context(notice, find_abbreviations(notice.text), _canonical_names(), _notice_year(notice))
    units: list[tuple[Clause | None, int, str]] = []
    for c in clauses:
        for i, line in enumerate(c.lines):
            units.append((c, i, line))
        for line in c.trailing:
            units.append((c, -1, line))
    if not clauses:
        units = [(None, i, ln) for i, ln in enumerate(notice.text.split("\n")) if len(ln) > 15]
    by_path = {c.path: c for c in clauses}
    pending: list[tuple[Clause | None, str, _Found, object]] = []
    prev_clause = None
    for (clause, idx, line), doc in zip(units, _views(nlp, [u[2] for u in units])):
        if clause is not prev_clause:
            ctx.clause_subjects = []
            prev_clause = clause
        for f in _read_paragraph(doc, ctx):
            if f.subject is None and not f.needs_default:
                subj = _from_headings(clause, idx, by_path, doc, ctx)
                if subj:
                    f.subject, f.explicit = subj, False
                else:
                    f.needs_default = True
            if f.subject and f.explicit and f.is_actor:
                ctx.clause_subjects.append(f.subject)
            elif f.subject and not f.explicit:
                ctx.clause_subjects.append(f.subject)
            pending.append((clause, line, f, doc))
    _fill_defaults([(p[2], p[1][p[2].action_start:p[2].action_end]) for p in pending], notice, ctx)
    out: list[Obligation] = []
    seen: Counter = Counter()
    for clause, line, f, doc in pending:
        path = clause.path if clause else ""
        seen[path] += 1
        action = _clean(line[f.action_start:f.action_end])
        if not action:
            continue
        oid = hashlib.sha1(f"{notice.sha256}|{path}|{seen[path]}".encode()).hexdigest()[:16]
        out.append(Obligation(
            doc=notice.name, path=path, subject=f.subject or "", subject_explicit=f.explicit,
            modality=f.modality, trigger=f.trigger, action=action, condition=f.condition,
            deadline=_deadline(doc, f, ctx), citations=_citations(doc, f),
            sentence=_clean(line[f.sentence[0]:f.sentence[1]]),
            start=(clause.start if clause else 0), id=oid))
    return out


_CHUNK_CHARS = 200_000
"""Paragraphs are joined into Docs of at most this many characters (spaCy's limit is 1e6)."""


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
    for chunk, doc in zip(chunks, nlp.pipe("\n".join(c) for c in chunks)):
        whole = _View.of_doc(doc)
        offset = 0
        for p in chunk:
            yield whole.slice(offset, offset + len(p))
            offset += len(p) + 1


class _Mark(NamedTuple):
    """A plain copy of a spaCy span: actor entity, trigger, deadline or citation."""
    label_: str
    start_char: int
    end_char: int
    text: str
    ent_id_: str = ""
    key: str | None = None


class _View:
    """A read-only snapshot of (part of) a spaCy ``Doc``: text, actor entities (``ents``) and
    span groups (``spans``) with offsets into ``text``, and the token boundaries.

    ``Doc.text`` and ``Doc.ents`` are rebuilt on every access; the rules read them hundreds of
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
        marks = {"ents": [_Mark(e.label_, e.start_char, e.end_char, text[e.start_char:e.end_char], e.ent_id_)
                          for e in doc.ents]}
        for k, v in doc.spans.items():
            marks[k] = sorted((_Mark(s.label_, *(exact := s._.chars or (s.start_char, s.end_char)),
                                     text[exact[0]:exact[1]], "", s._.key) for s in v), key=_start_char)
        starts = doc.to_array(IDX).tolist()
        ends = (doc.to_array(IDX) + doc.to_array(LENGTH)).tolist()
        view = cls(text, marks, starts, ends)
        view._cut = marks
        return view

    def group(self, name: str) -> list[_Mark]:
        """The marks of one group (``ents``, ``triggers``, ``deadlines``, ``citations``)."""
        got = self._cut.get(name)
        if got is None:
            start, end = self._start, self._start + len(self.text)
            got = []
            marks = self._marks.get(name, [])
            for m in marks[bisect_left(marks, start, key=_start_char):]:
                if m.start_char >= end:
                    break
                if m.end_char <= end:
                    got.append(_Mark(m.label_, m.start_char - start, m.end_char - start, m.text, m.ent_id_, m.key))
            self._cut[name] = got
        return got

    @property
    def ents(self) -> list[_Mark]:
        return self.group("ents")

    def token_from(self, pos: int) -> tuple[int, int] | None:
        """(start, end) of the first token starting at or after ``pos``, or ``None``."""
        k = bisect_left(self._starts, self._base + pos, self._lo, self._hi)
        return (self._starts[k] - self._base, self._ends[k] - self._base) if k < self._hi else None

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


def _read_paragraph(doc, ctx: _Context) -> list[_Found]:
    text = doc.text
    if not doc.group("triggers") and not _TARGET.search(text):
        return []  # nothing can direct anyone here
    prot = _protected(text)
    ends = _boundaries(text, prot, _SENT_END)
    sentences, start = [], 0
    for e in ends + [len(text)]:
        if e >= start:
            sentences.append((start, e))
            start = e + 1
    seg_bounds = _boundaries(text, prot, _SEG_END)
    actor_ends = {e.end_char for e in doc.ents if e.label_ == "ACTOR"}
    triggers = [s for s in doc.group("triggers") if _valid_trigger(text, prot, s, seg_bounds, actor_ends)]
    found: list[_Found] = []
    for a, b in sentences:
        if b <= a:
            continue
        t = _target(text, a, b, doc, ctx)
        if t:
            found.append(t)
            continue
        sent_triggers = [s for s in triggers if a <= s.start_char < b]
        got = _read_sentence(doc, text, prot, a, b, sent_triggers, seg_bounds, ctx)
        # a later sentence of the paragraph with its subject elided (……部门应当…。对……的，应当…)
        # falls back on the actor named last
        ctx.clause_subjects.extend(f.subject for f in got if f.subject and f.explicit and f.is_actor)
        found.extend(got)
    return found


def _segment_of(pos: int, seg_bounds: list[int], a: int, b: int) -> tuple[int, int]:
    s = max([x + 1 for x in seg_bounds if a <= x < pos] or [a])
    e = min([x for x in seg_bounds if pos <= x < b] or [b])
    return s, e


def _valid_trigger(text: str, prot: list[bool], span, seg_bounds: list[int], actor_ends: set[int] = frozenset()) -> bool:
    """Whether a trigger candidate directs someone: not inside a title or quotation, a case
    description (``……不予配合和协助……的；``) or a noun phrase (``应当注销的其他情形``). A trigger
    right after a known actor is a main predicate even when its object ends like such a noun
    phrase (``认证机构不得聘用……的人员``), though not when the segment is a case
    (``销售者不能指明……的，``)."""
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
    if case and not after.endswith(("目的", "的要求")) and not (ts in actor_ends and case.group(0) != "的"):
        return False  # a case description or a relative clause: 应当注销的其他情形 / 不能满足条件的
    if re.fullmatch(r"(对|对于|针对)", before.strip()) and "的" in after:
        return False  # 对需整改的社会团体，…: the modal sits in a relative clause of the 对 phrase
    if word == "不予":
        m = re.search(r"(或者|或)$", before)
        if m and any(before[:m.start()].endswith(text[te:te + n]) for n in range(1, 5)):
            return False  # 作出受理或者不予受理的书面决定
    if word == "负责":
        return "由" in before
    if span.label_ == "encouraged":
        return _URGE_ADVERB.match(before) is not None and not before.endswith("为")
    if word in ("要", "需", "须", "可") and re.search(r"[是为只]$", before):
        return False
    return True


def _read_sentence(doc, text, prot, a, b, triggers, seg_bounds, ctx: _Context) -> list[_Found]:
    out: list[_Found] = []
    boundary = a
    condition: tuple[str, tuple[int, int]] | None = None
    for k, span in enumerate(triggers):
        ts, te = span.start_char, span.end_char
        f = _Found(span.label_, span.text, ts, te, te, sentence=(a, b), outcome=span.text == "不予")
        seg_s, _ = _segment_of(ts, seg_bounds, a, b)
        # ---- prefix: subject and condition
        boundary_before = boundary
        semi = max((i for i in range(boundary, ts) if text[i] in "；;" and not prot[i]), default=-1)
        prefix_segments = _split_segments(text, prot, max(boundary, semi + 1), ts)  # not across ；
        head_s, head_e = prefix_segments[-1] if prefix_segments else (ts, ts)
        others = prefix_segments[:-1]
        head = text[head_s:head_e]
        head_clean, head_clean_s = _strip_head(head, head_s, doc)
        own_cond = None
        if span.label_ == "encouraged":
            f.subject, f.action_start = _urged_actor(doc, text, te, ctx)
            if f.subject is None:
                f.explicit = False
        elif span.text == "负责":
            m = re.search(r"由(.+)$", text[seg_s:ts])
            f.subject = _canonical(m.group(1), ctx) if m else None
        elif re.match(r"由", text[te:]):
            m = _ACTOR_RE.match(text, te + 1)
            if m:
                f.subject = _canonical(re.sub(r"^.*的", "", m.group(0)), ctx)
        if f.subject is None and _DUTY_PHRASE.match(span.text):
            # 负有保密义务: the duty is named inside the trigger, so the action runs from the
            # fronted object (对其所知悉的……) through the trigger (gold/DECISIONS.md)
            he = head_clean_s + len(head_clean)
            actor = _actor_at(doc, head_clean_s, he, ctx) if head_clean else None
            if actor:
                name, ae = actor
                glue = _GLUE.match(text[ae:he])
                more = _ACTOR_RE.match(text, ae + len(glue.group(0)), he) if glue else None
                if more:  # 认证机构及其人员对其……
                    name, ae = _canonical(text[head_clean_s:more.end()], ctx), more.end()
                f.subject = name
                f.action_start = ae if ae < he else ts
            else:
                f.action_start = head_clean_s if head_clean else ts
                if others:
                    subj, cond = _parse_others(doc, text, others, boundary == a and not out, ctx, f.outcome)
                    f.subject, own_cond = subj, cond
                    f.is_actor = subj is not None and _is_actor(doc, subj, ctx)
        elif f.subject is None and span.label_ != "encouraged" and span.text != "负责":
            if head_clean:
                subj, cond, extra = _parse_head(doc, head_clean, head_clean_s, ctx, f.outcome)
                f.subject = subj
                if cond:
                    own_cond = cond
                f.extra_deadline = extra
                if subj is not None and not _is_actor(doc, subj, ctx):
                    f.is_actor = False
            if f.subject is None and others:
                subj, cond = _parse_others(doc, text, others, boundary == a and not out, ctx, f.outcome)
                if subj is not None and not (f.outcome and not _is_actor(doc, subj, ctx)):
                    f.subject = subj
                    f.is_actor = _is_actor(doc, subj, ctx)
                if cond and own_cond is None:
                    own_cond = cond
            elif others and own_cond is None:
                _, cond = _parse_others(doc, text, others, boundary == a and not out, ctx, f.outcome, cond_only=True)
                own_cond = cond
        if own_cond is None and others and f.subject is not None and span.label_ != "encouraged":
            _, own_cond = _parse_others(doc, text, others, boundary == a and not out, ctx, f.outcome, cond_only=True)
        if own_cond:
            condition = own_cond
        if condition:
            f.condition, f.cond_span = condition
        if f.subject is None:
            prior = [o.subject for o in out if o.subject and o.is_actor]
            if prior:
                f.subject, f.explicit = prior[-1], True
            else:
                m = _sentence_actor(doc, a, ts, f.cond_span, ctx)
                if m:
                    f.subject, f.explicit = m, True
                elif ctx.clause_subjects:
                    f.subject, f.explicit = ctx.clause_subjects[-1], False
        # ---- action
        stop = _statement_end(text, prot, f.action_start, b)
        if f.outcome:
            tok = doc.token_from(te)
            stop = min(stop, tok[1]) if tok is not None else stop
        else:
            m = re.search(r"(以外|之外)", text[f.action_start:stop])
            if m and "除" in text[seg_s:ts]:
                stop = f.action_start + m.start()
        if k + 1 < len(triggers) and triggers[k + 1].start_char < stop:
            nxt = triggers[k + 1]
            cut = _next_prefix_start(text, prot, f.action_start, nxt, seg_bounds, a, b)
            stop = min(stop, cut)
        stop = _parallel_subject_cut(doc, text, f.action_start, stop)
        f.action_end = stop
        act = text[f.action_start:stop].lstrip()
        if (f.subject and span.label_ != "encouraged" and not _names_subject(text[boundary_before:ts], f.subject)
                and (_AUTHORITY_ACT.match(act) or f.outcome and act.startswith("批准"))):
            # 认证机构……的，应当责令其限期改正 / ……的，对其申请不予批准: ordering, fining and
            # licensing are an authority's acts, and the party of the case is their object
            f.authority_act = True
        boundary = stop
        while boundary < b and (text[boundary] in _SEG_END + _STMT_END or text[boundary].isspace()):
            boundary += 1
        out.append(f)
    return out


def _split_segments(text, prot, s, e) -> list[tuple[int, int]]:
    segs, cur = [], s
    for i in range(s, e):
        if text[i] in _SEG_END + _STMT_END and not prot[i]:
            segs.append((cur, i))
            cur = i + 1
    segs.append((cur, e))
    return [(x, y) for x, y in segs if y > x or (x, y) == (cur, e)]


_CAUSATIVE = re.compile(r"(责令|要求|督促|指导|组织|推动|鼓励|支持|引导|通知|告知)")


def _names_subject(prefix: str, subject: str) -> bool:
    """Whether ``subject`` is written right before the trigger, as the subject of the
    statement (``市场监管总局应当责令…``), rather than inside a fronted case."""
    tail = re.split(r"[，,；;：:]", prefix)[-1]
    return tail.strip().startswith(subject) and not tail.rstrip().endswith("的")


def _parallel_subject_cut(doc, text: str, start: int, stop: int) -> int:
    """Where an action ends because a parallel clause with its own subject begins:
    ``各级市场监管部门应积极履行认证监管职能,认可机构强化认可约束`` stops before ``认可机构``.

    A known actor opening a segment starts such a clause unless the segment is a case
    (``……的``) or the action so far hands the segment's actor a task (``责令生产者召回产品，
    销售者停止销售产品``)."""
    for ent in doc.ents:
        s = ent.start_char
        if s >= stop:
            break
        if ent.label_ != "ACTOR" or s <= start or text[s - 1] not in _SEG_END:
            continue
        seg_end = next((i for i in range(s, stop) if text[i] in _SEG_END), stop)
        if text[s:seg_end].endswith("的") or _CAUSATIVE.search(text, start, s):
            continue
        return s - 1
    return stop


def _strip_head(head: str, start: int, doc=None) -> tuple[str, int]:
    """The words before a trigger without leading connectives (``并且``, ``同时``) and trailing
    adverbs (``还``, ``依法``, ``积极``). With ``doc``, a trailing adverb is only cut where a jieba
    word begins, so the last character of a word (``规则``, ``变更``, ``人才``) stays."""
    h = head
    lead = _LEAD.match(h)
    while lead and len(h) > len(lead.group(0)):
        h = h[len(lead.group(0)):]
        start += len(lead.group(0))
        lead = _LEAD.match(h)
    while True:
        m = _TRAIL_ADVERB.search(h)
        if not m or m.start() == 0 and not _TRAIL_ADVERB.fullmatch(h):
            break
        if doc is not None and m.start() > 0:
            tok = doc.token_from(start + m.start())
            if tok is None or tok[0] != start + m.start():
                break  # inside a word
        h = h[:m.start()]
        if not h:
            break
    return h.strip(), start


def _actor_at(doc, start: int, end: int, ctx: _Context, anchored=True):
    """(canonical, span end) of an actor starting at ``start`` (lexicon first, then head nouns)."""
    best = None
    for ent in doc.ents:
        if ent.label_ == "ACTOR" and ent.start_char == start and ent.end_char <= end:
            if best is None or ent.end_char > best[1]:
                best = (ent.ent_id_ or ent.text, ent.end_char)
    if best:
        return best
    m = _ACTOR_RE.match(doc.text, start, end)
    if m:
        return _canonical(m.group(0), ctx), m.end()
    return None


def _parse_head(doc, head: str, hs: int, ctx: _Context, outcome: bool):
    """(subject, (condition, span) or None, extra deadline span) from the words before a trigger."""
    text = doc.text
    he = hs + len(head)
    extra = None
    tm = re.search(r"(在)?\d+(个)?(日|月|年|个月|工作日)(内|以内)?$", head)
    if tm and tm.start() > 0:
        extra = (hs + tm.start(), he)
        head = head[:tm.start()]
        he = hs + len(head)
    if _COND_START.match(head) or (_COND_END.search(head) and not _actor_tail(doc, hs, he, ctx)):
        return None, (head, (hs, he)), extra
    a = _actor_at(doc, hs, he, ctx)
    if a:
        name, ae = a
        rest = text[ae:he]
        if not rest:
            return name, None, extra
        if _GLUE.match(rest):
            return _canonical(head, ctx), None, extra
        if re.match(r"^(在|从事|于)", rest):
            return name, (rest, (ae, he)), extra
        if _BASIS.match(rest) or _MANNER.match(rest):
            return name, None, extra  # 企业根据自愿原则，可以…: a basis or manner, not the subject
    tail = _actor_tail(doc, hs, he, ctx)
    if tail:
        name, ts = tail
        if text[hs:ts].endswith("的"):
            return name, (text[hs:ts], (hs, ts)), extra
    if outcome:
        return None, None, extra
    return _canonical(head, ctx), None, extra


def _actor_tail(doc, hs: int, he: int, ctx: _Context):
    """(canonical, start) of a lexicon actor ending exactly at ``he``."""
    for ent in doc.ents:
        if ent.label_ == "ACTOR" and ent.end_char == he and ent.start_char >= hs:
            return ent.ent_id_ or ent.text, ent.start_char
    return None


def _is_condition(seg: str) -> bool:
    """A segment read as a condition: opens with 如果/对/在/除… or closes with …的/时/以外….
    A bare closing word (``以外``, ``期间``: the rest of a ``除……以外`` whose opening another
    statement's action took) is a fragment, not a condition."""
    if _COND_END.fullmatch(seg):
        return False
    return bool(_COND_START.match(seg) or (_COND_END.search(seg) and not seg.endswith("目的")))


def _parse_others(doc, text, others, first_in_sentence: bool, ctx, outcome: bool, cond_only=False):
    """Subject and condition from the segments between the previous statement and the trigger."""
    cond_idx = []
    i = len(others) - 1
    while i >= 0 and _is_condition(text[others[i][0]:others[i][1]].strip()):
        cond_idx.insert(0, i)
        i -= 1
    subject = None
    cond = None
    if cond_idx:
        cs = others[cond_idx[0]][0]
        if first_in_sentence and i >= 0:
            # a multi-segment condition opening the sentence (属于认证新领域，……尚未制定……的)
            k = 0
            while k <= i and _BASIS.match(text[others[k][0]:others[k][1]]):
                k += 1
            if k <= i:
                cs = others[k][0]
        ce = others[cond_idx[-1]][1]
        seg0 = text[cs:ce]
        a = _actor_at(doc, cs, ce, ctx)
        if a and not cond_only:
            name, ae = a
            rest = text[ae:ce]
            if re.match(r"^(在|从事|于)", rest):
                return name, (rest, (ae, ce))
            if _GLUE.match(rest):
                m = re.match(rf"^(.*?(?:{'|'.join(ACTOR_HEADS)}))(在|从事|于)", seg0)
                if m:
                    return m.group(1), (seg0[len(m.group(1)):], (cs + len(m.group(1)), ce))
            if re.match(r"^.{0,3}(有|存在)", rest) or (
                    rest and seg0.endswith(("的", "时")) and not outcome and not _GLUE.match(rest)
                    and name in _actor_names()):
                # X有下列情形之一的，应当…; 认证委托人对……有异议的，可以…; 市场监督管理部门进行
                # 监督检查时，可以…: a known actor opening a case binds the elided trigger
                subject = name
        cond = (seg0, (cs, ce))
        return subject, cond
    if cond_only or not first_in_sentence:
        return None, None
    # the nearest segment is a subject phrase: 取得认证机构资质，应当…; 从事…的认证机构，还应当…
    s, e = others[-1]
    seg = text[s:e].strip()
    if not seg or _BASIS.match(seg):
        return None, None
    if _COMITATIVE.match(seg) and len(others) > 1:
        # 认证机构在……内，与境外认证机构签订……合约，应当…: the partner after 与/同/向 is not
        # the subject; the actor opening the sentence is, and the rest is the condition
        fs, _ = others[0]
        a = _actor_at(doc, fs, others[0][1], ctx)
        if a and a[1] < e:
            return a[0], (text[a[1]:e], (a[1], e))
        return None, None
    tail = _actor_tail(doc, s, e, ctx)
    if tail and text[s:tail[1]].endswith("的"):
        return tail[0], (text[s:tail[1]], (s, tail[1]))
    a = _actor_at(doc, s, e, ctx)
    if a:
        name, ae = a
        rest = text[ae:e]
        if re.match(r"^(在|从事|于)", rest):
            return name, (rest, (ae, e))
        if not rest:
            return name, None
        if _GLUE.match(rest):  # 认证机构以及……实验室从事……活动，应当…: the event clause is the condition
            m = re.match(rf"^(.*?(?:{'|'.join(ACTOR_HEADS)}))(在|从事|于)", seg)
            if m:
                return _canonical(m.group(1), ctx), (seg[len(m.group(1)):], (s + len(m.group(1)), e))
        if (not _GLUE.match(rest) and _TOPIC.search(rest)
                and not _is_actor(doc, re.sub(r"等$", "", rest.rsplit("的", 1)[1]), ctx)):
            # ……各方盖章或者签字的认证记录、认证资料等，应当…: a fronted object; a case or time
            # before it (在认证证书有效期内，) is still the condition
            cond = next(((text[cs:ce].strip(), (cs, ce)) for cs, ce in reversed(others[:-1])
                         if _is_condition(text[cs:ce].strip())), None)
            return None, cond
        if not _GLUE.match(rest) and not _NOUN_TAIL.match(rest):
            return name, None
        return _canonical(seg, ctx), None  # 认证机构及其人员; 取得认证机构资质 (a bigger noun phrase)
    if len(others) == 1 and len(seg) <= 20:
        m = _RESPONSIBLE.match(seg)
        if m:  # 计量监督员负责……巡回检查，并可…: the one responsible is the subject
            return _canonical(m.group(1), ctx), None
        return _canonical(seg, ctx), None
    if (len(others) > 1 and _THING_NP.match(seg) and not _GLUE.match(seg) and not _PENALTY.match(seg)
            and not seg.startswith("由")
            and all(_is_condition(text[x:y].strip()) for x, y in others[:-1])):
        # 自……之日起或者……期间，不符合认证要求的产品，不得继续出厂: cases, then what is bound
        return _canonical(seg, ctx), (text[others[0][0]:others[-2][1]], (others[0][0], others[-2][1]))
    return None, None


def _urged_actor(doc, text: str, te: int, ctx: _Context):
    """The actor urged by 鼓励/支持/倡导/引导 and where the action starts after it."""
    end = len(text)
    for i in range(te, len(text)):
        if text[i] in _SEG_END + _STMT_END:
            end = i
            break
    if re.match(r"(对|向|在|为|与|将|把|按照|通过)", text[te:end]):
        return None, te  # 鼓励对政府网站域名进行集中解析: the urged actor is left unsaid
    m = re.match(r"(?:[\u4e00-\u9fff]{1,10}、)+[\u4e00-\u9fff]{1,10}等", text[te:end])
    pos = te + (m.end() if m else 0)
    parts_end = None
    if m and _is_actor(doc, m.group(0)[:-1], ctx):
        parts_end = pos  # 相关行业协会、企业、认证机构等
    while pos < end:
        a = _actor_at(doc, pos, end, ctx)
        if not a:
            break
        parts_end = a[1]
        pos = a[1]
        g = _GLUE.match(text[pos:end])
        if not g:
            break
        if g.group(0) in ("等", "相关各方", "有关各方"):
            parts_end = pos + len(g.group(0))
            pos = parts_end
            g2 = _GLUE.match(text[pos:end])
            if not g2:
                break
            g = g2
        pos += len(g.group(0))
    if parts_end is None:
        return None, te
    phrase = text[te:parts_end]
    if parts_end >= end:
        # the whole segment is the actor list: the action starts after the comma
        start = end + 1 if end < len(text) else end
        return _canonical(phrase, ctx), start
    return _canonical(phrase, ctx), parts_end


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
        if not prev:
            ps = action_start
        else:
            ps = prev[-1] + 1
        seg = text[ps:s - 1]
        if ps > action_start and _is_condition(seg.strip()):
            s = ps
            continue
        break
    return s - 1


def _sentence_actor(doc, a, ts, cond_span, ctx):
    for ent in doc.ents:
        if ent.label_ != "ACTOR" or not (a <= ent.start_char < ts):
            continue
        if cond_span and cond_span[0] <= ent.start_char < cond_span[1]:
            continue
        return ent.ent_id_ or ent.text
    return None


def _target(text, a, b, doc, ctx) -> _Found | None:
    s = a
    while s < b and text[s].isspace():
        s += 1
    m = _TARGET.match(text, s, b)
    if not m:
        return None
    f = _Found("target", m.group(0), s, m.end(), m.end() + 1, action_end=b, sentence=(a, b))
    seg_end = min([i for i in range(m.end() + 1, b) if text[i] in _SEG_END] or [b])
    for ent in doc.ents:
        if ent.label_ == "ACTOR" and m.end() < ent.start_char < seg_end:
            if re.match(r"^[^，,。]{0,6}的", text[ent.end_char:seg_end]):
                continue  # inside a modifier: 取得高新技术企业认定的认证机构
            f.subject = ent.ent_id_ or ent.text
            return f
    first = text[m.end() + 1:seg_end]
    p = _THING_PREDICATE.search(first, 2)
    f.subject = first[:p.start()] if p else first
    f.is_actor = False
    return f


# ------------------------------------------------------------------ subjects
def find_abbreviations(text: str) -> dict[str, str]:
    """``{full name: short name}`` from ``X（以下简称Y）`` definitions in the notice (a new
    dict each call; the scan of a given text is done once, as extraction and the store both ask)."""
    return dict(_abbreviations(text))


@lru_cache(maxsize=8)
def _abbreviations(text: str) -> tuple[tuple[str, str], ...]:
    if "简称" not in text:
        return ()
    out: dict[str, str] = {}
    for m in _ABBREV.finditer(text):
        out[m.group(1)] = m.group(2).strip("《》“”\"")
    return tuple(out.items())


@lru_cache(maxsize=1)
def _canonical_names() -> dict[str, str]:
    """Every lexicon name and alias → canonical actor name (read once per process; read-only)."""
    names = {}
    for a in load_lexicon("actors.json")["actors"]:
        names[a["name"]] = a["name"]
        for al in a["aliases"]:
            names[al] = a["name"]
    return names


@lru_cache(maxsize=1)
def _actor_names() -> frozenset[str]:
    """Canonical names of the lexicon's actors."""
    return frozenset(_canonical_names().values())


def _canonical(name: str, ctx: _Context) -> str:
    """Canonical subject: abbreviation → short name, lexicon alias → name, 各X → X,
    ``（以下简称Y）`` → Y, a closing ``（如……）`` example list dropped, modifiers like 县级以上
    dropped when the rest is an actor name."""
    n = re.sub(r"\s+", "", name).strip("，；：、")
    m = re.search(r"[（(](?:以下)?简称[“\"]?([^”\"）)]+)[”\"]?[）)]$", n)
    if m:
        return _canonical(m.group(1), ctx)
    n = re.sub(r"(?<=.)[（(](?:如|例如|包括|含|比如)[^（）()]*[）)]$", "", n)  # 认证规则的框架及内容（如……）
    if n in ctx.abbreviations:
        n = ctx.abbreviations[n]
    if n.startswith("各") and not n.startswith(("各级", "各地", "各方")) and len(n) > 2:
        n = n[1:]
    if n in ctx.canonical:
        return ctx.canonical[n]
    mm = _SUBJECT_MODIFIER.match(n)
    if mm and n[mm.end():] in ctx.canonical:
        return ctx.canonical[n[mm.end():]]
    return n


def _is_actor(doc, subject: str, ctx: _Context) -> bool:
    return subject in ctx.canonical.values() or bool(re.search(rf"({'|'.join(ACTOR_HEADS)})(等)?$", subject))


def _from_headings(clause, idx, by_path, doc, ctx) -> str | None:
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
        actor = _heading_actor(h)
        if actor:
            return actor
    return None


@lru_cache(maxsize=4096)
def _heading_actor(heading: str) -> str | None:
    """The first lexicon actor named in a heading line (cached: headings repeat per clause)."""
    for ent in get_nlp()(heading).ents:
        if ent.label_ == "ACTOR":
            return ent.ent_id_ or ent.text
    return None


def _fill_defaults(found: list[tuple[_Found, str]], notice: Notice, ctx: _Context) -> None:
    """Subjects still missing: the addressee whose role fits (most frequent explicit actor
    among the addressees; for penalties and approvals, the most frequent regulator). An
    authority's act (``责令``, ``罚款``, ``不予批准``) credited to a non-authority from a fronted case
    goes to that regulator too (gold/DECISIONS.md, "Recovery order")."""
    explicit = Counter(f.subject for f, _ in found if f.subject and f.explicit and f.is_actor)
    addressees = {_canonical(a, ctx) for a in notice.addressees}
    regulators = Counter({s: n for s, n in explicit.items() if _REGULATOR_RE.search(s)})
    fitting = Counter({s: n for s, n in explicit.items() if s in addressees}) if addressees else explicit
    if not fitting and addressees:
        fitting = Counter({a: 1 for a in addressees if a in ctx.canonical.values()})
    for f, action in found:
        if f.authority_act and f.subject and not _REGULATOR_RE.search(f.subject) and regulators:
            f.subject, f.explicit = regulators.most_common(1)[0][0], False
            continue
        if f.subject is not None and not f.needs_default:
            continue
        f.explicit = False
        penalty = f.outcome or _PENALTY.match(action) is not None
        pool = regulators if f.modality != "encouraged" and penalty and regulators else fitting
        if pool:
            f.subject = pool.most_common(1)[0][0]
        elif explicit:
            f.subject = explicit.most_common(1)[0][0]
        elif addressees:  # a notice to governments whose own actors are all places or things
            f.subject = _canonical(notice.addressees[0], ctx)


# ------------------------------------------------------------------ deadlines, citations
_BACK_REFERENCE = {"期间", "其间", "此期间", "在此期间", "在此期限内", "期限内"}
"""Conditions that only point back at a period stated earlier in the sentence."""
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
    if not cands and f.condition in _BACK_REFERENCE:
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
            out.append(Citation(s.text, s.label_, s.key))
    return tuple(dict.fromkeys(out))


def _notice_year(notice: Notice) -> int | None:
    if notice.date:
        return int(notice.date[:4])
    m = re.search(r"〔(\d{4})〕", notice.doc_number or "")
    return int(m.group(1)) if m else None


def _clean(s: str) -> str:
    s = re.sub(rf"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", s).strip()
    return s.strip("，；。：、,;: ")
