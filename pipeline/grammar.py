"""The statement grammar: who is bound, under which condition, read from a statement's structure.

A *statement* runs from the end of the previous obligation (or the sentence start, or a ``；``)
to the trigger. It is cut into *segments* at ``，：`` outside brackets and quotes; the last
segment (the *head*) stands right before the trigger and may be empty (``……的，应当…``).

The roles of the segments are read by the rules of :data:`RULES`, tried in ascending
``precedence``; the first rule that gives a subject wins, and every obligation records the ids
of the rules that set its fields. Each rule carries real example sentences with the roles a
careful reader assigns (``tests/test_grammar.py`` checks every example, and checks it again
with the actor swapped for names from other fields of regulation).

Actor phrases are found by grammar, not by lexicon (:func:`actor_phrase`): a run of nominal
words (jieba part-of-speech tags, ``data/grammar.json`` class ``nominal_pos``), coordinated by
``、 和 及 与 或者``, optionally with genitive ``的`` and level prefixes as written, ending in an
organisation, role or person head morpheme (class ``actor_head``). The actor lexicon is used
afterwards only to map a found name to its canonical ``actor``.

Word classes come from ``pipeline/data/grammar.json``; each entry names its source.
"""
from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache

from .nlp import _RE_SKIP as _RE_SKIP_BLANKS  # jieba's and posseg's whitespace split
from .nlp import load_lexicon, modal_words

logging.getLogger("jieba").setLevel(logging.WARNING)


# ------------------------------------------------------------------ word classes
@lru_cache(maxsize=1)
def _classes() -> dict[str, tuple[str, ...]]:
    data = load_lexicon("grammar.json")["classes"]
    return {k: tuple(sorted({e["word"] for e in v["entries"]}, key=len, reverse=True)) for k, v in data.items()}


def words(cls: str) -> tuple[str, ...]:
    """The words of one class of ``data/grammar.json``, longest first.

    Raises:
        KeyError: no such class.
    """
    return _classes()[cls]


@lru_cache(maxsize=None)
def _wordset(cls: str) -> frozenset[str]:
    return frozenset(words(cls))


def starts_with(text: str, cls: str) -> str | None:
    """The longest word of ``cls`` that ``text`` starts with as whole words (``经营者`` does not
    start with the condition opener ``经``, ``从事`` not with ``从``), or ``None``. A dictionary
    word made of a word of two or more characters and another word of two or more
    (``未经审查``, ``未经许可``: jieba's entries for 未经 + a verb) still starts with the first, and
    so does a text that jieba cuts after the candidate although a longer word runs on
    (``经国务院``: 经/国务院, though 经国 is a word)."""
    ws = _wordset(cls)
    cands = [text[:n] for n in _lengths(cls) if n <= len(text) and text[:n] in ws]
    if not cands:
        return None
    freq = _pos_tokenizer().tokenizer.FREQ
    for w in cands:
        n = len(w)
        # a word boundary: no dictionary word runs on past the candidate (经营者, 从事, 对外, 在于)
        if not any(freq.get(text[:k], 0) > 0 and not (n >= 2 and k - n >= 2 and freq.get(text[n:k], 0) > 0)
                   for k in range(n + 1, min(len(text), n + 3) + 1)):
            return w
        toks = pos_tokens(text[:n + 6])
        if toks and toks[0].end == n:
            return w  # jieba's own cut puts the boundary there (经/国务院, not the word 经国)
    return None


@lru_cache(maxsize=None)
def _lengths(cls: str) -> tuple[int, ...]:
    return tuple(sorted({len(w) for w in words(cls)}, reverse=True))


def ends_with(text: str, cls: str) -> str | None:
    """The longest word of ``cls`` that ``text`` ends with, or ``None``."""
    ws = _wordset(cls)
    for n in _lengths(cls):
        if n <= len(text) and text[-n:] in ws:
            return text[-n:]
    return None


# ------------------------------------------------------------------ part-of-speech tokens
@dataclass(frozen=True)
class Tok:
    """A jieba word with its part-of-speech tag; ``start``/``end`` are character offsets."""
    start: int
    end: int
    word: str
    pos: str


@lru_cache(maxsize=1)
def _pos_tokenizer():
    """A private jieba tokenizer with part-of-speech tagging (jieba's global dictionary is never
    changed)."""
    import jieba
    import jieba.posseg

    tk = jieba.Tokenizer()
    tk.initialize()
    for w in words("segmenter_split"):
        tk.suggest_freq(tuple(w.split()), tune=True)
    return jieba.posseg.POSTokenizer(tk)


def tag_of(word: str) -> str:
    """jieba's dictionary part-of-speech tag of ``word`` (``"x"`` when the dictionary lacks it):
    a lookup, no segmentation."""
    return _pos_tokenizer().word_tag_tab.get(word, "x")


def _unjoined(ch: str) -> bool:
    """A Chinese character standing alone that is no function word: a piece of a word jieba's
    dictionary lacks (互认 → 互 / 认)."""
    return "\u4e00" <= ch <= "\u9fff" and ch not in _wordset("function_char")


# jieba.posseg's block and token patterns (jieba/posseg/__init__.py), so that :class:`_Tagger` cuts
# exactly as ``POSTokenizer.cut(text, HMM=False)`` does
_RE_BLOCK = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._]+)")
_RE_NUM = re.compile(r"[\.0-9]+")
_RE_ENG = re.compile("[a-zA-Z0-9]+")
_RE_ENG1 = re.compile("^[a-zA-Z0-9]$")


class _Tagger:
    """``jieba.posseg.POSTokenizer.cut(text, HMM=...)`` without its per-call overhead: the route
    of :class:`pipeline.nlp.Route` over the part-of-speech tokenizer's dictionary and jieba's tags,
    block by block as posseg does (one-letter Latin/digit words joined as ``eng`` without the
    HMM; with it, unjoined runs read by posseg's HMM, memoised). The statement grammar tags
    thousands of short statement prefixes per notice; ``tests/test_grammar.py`` checks that both
    give the same pairs on the corpora.
    """

    def __init__(self, pos_tokenizer):
        from .nlp import Route

        self.route = Route(pos_tokenizer.tokenizer)
        self.freq = self.route.freq
        self.tags = pos_tokenizer.word_tag_tab
        self._cut_detail = pos_tokenizer._POSTokenizer__cut_detail  # jieba's HMM over one run
        self._words = self.route.words

    def _unknown(self, buf: str) -> tuple[tuple[str, str], ...]:
        """A run of single characters the route left unjoined, as jieba's HMM pass reads it (its
        ``__cut_detail``: a Viterbi pass over word-position and tag states), memoised: the
        grammar tags many prefixes of one sentence, which share their unknown words."""
        got = self.route.unknown.get(buf)
        if got is None:
            got = self.route.remember(buf, tuple((p.word, p.flag) for p in self._cut_detail(buf)))
        return got

    def _hmm_block(self, blk: str, out: list) -> None:
        # POSTokenizer.__cut_DAG: the same route; runs of one-character words the dictionary
        # does not know as a whole go to the HMM
        tags, buf = self.tags, ""

        def flush():
            if len(buf) == 1:
                out.append((buf, tags.get(buf, "x")))
            elif not self.freq.get(buf):
                out.extend(self._unknown(buf))
            else:
                out.extend((ch, tags.get(ch, "x")) for ch in buf)

        for w in self._words(blk):
            if len(w) == 1:
                buf += w
                continue
            if buf:
                flush()
                buf = ""
            out.append((w, tags.get(w, "x")))
        if buf:
            flush()

    def cut(self, text: str, hmm: bool = False) -> list[tuple[str, str]]:
        """``text`` as (word, tag) pairs, as jieba's ``POSTokenizer.cut(text, HMM=hmm)``."""
        out: list[tuple[str, str]] = []
        tags = self.tags
        for blk in _RE_BLOCK.split(text):
            if not blk:
                continue
            if _RE_BLOCK.match(blk):
                if hmm:
                    self._hmm_block(blk, out)
                    continue
                buf = ""
                for w in self._words(blk):
                    if _RE_ENG1.match(w):
                        buf += w
                        continue
                    if buf:
                        out.append((buf, "eng"))
                        buf = ""
                    out.append((w, tags.get(w, "x")))
                if buf:
                    out.append((buf, "eng"))
                continue
            for x in _RE_SKIP_BLANKS.split(blk):
                if _RE_SKIP_BLANKS.match(x):
                    out.append((x, "x"))
                    continue
                for xx in x:
                    out.append((xx, "m" if _RE_NUM.match(xx) else "eng" if _RE_ENG.match(x) else "x"))
        return out


@lru_cache(maxsize=1)
def _tagger() -> _Tagger:
    return _Tagger(_pos_tokenizer())


@lru_cache(maxsize=65536)
def pos_tokens(text: str) -> tuple[Tok, ...]:
    """``text`` as jieba words with part-of-speech tags (cached per text).

    Returns:
        tokens covering ``text`` in order; offsets are characters into ``text``.
    """
    out, pos = [], 0
    pairs = _tagger().cut(text)
    if any(len(a[0]) == 1 and len(b[0]) == 1 and _unjoined(a[0]) and _unjoined(b[0])
           for a, b in zip(pairs, pairs[1:])):
        # characters jieba's dictionary does not join (典当行, 互认): its HMM reads unknown words
        pairs = _tagger().cut(text, hmm=True)
    for w, flag in pairs:
        if not w:
            continue
        out.append(Tok(pos, pos + len(w), w, flag))
        pos += len(w)
    return tuple(out)


_BRACKETS = {"（": "）", "(": ")"}
_NUMERALS = set("0123456789０１２３４５６７８９一二三四五六七八九十百千万两半几")


def _is_nominal(t: Tok) -> bool:
    if t.pos in _wordset("nominal_pos") or (t.pos and t.pos[0] == "n"):
        return True
    # jieba tags some unknown compounds as verbs (典当行/v): a 3+ character word ending in a
    # head morpheme is a noun
    return len(t.word) >= 3 and t.word.endswith(words("actor_head")) and t.pos != "p"


def has_actor_head(phrase: str) -> bool:
    """Whether ``phrase`` ends in an organisation, role or person head morpheme (``等`` and a
    closing bracket group allowed after it). A one-character head (``行``, ``所``, ``人``) counts
    only as a word of its own (``者/k``), a noun (``银行/n``) or the end of a 3+ character word
    (``典当行``): ``进行/v``, ``场所`` of a verb, are no actors."""
    p = phrase
    if p.endswith("等"):
        p = p[:-1]
    while p.endswith(("）", ")")):
        k = max(p.rfind("（"), p.rfind("("))
        if k <= 0:
            break
        p = p[:k]
    h = ends_with(p, "actor_head") if p else None
    if not h:
        return False
    if len(h) >= 2:
        return True
    toks = pos_tokens(p)
    last = toks[-1] if toks else None
    if last is None:
        return False
    if last.word == h or len(last.word) >= 3:
        return True
    # a two-character word (银行, 专家, 外商) is a head unless the phrase already named an actor
    # before it (认证机构国际化布局: 布局 is no 局)
    return (_is_nominal(last) and not last.pos.startswith("v")
            and not any(t.word in _wordset("actor_head") or len(t.word) >= 2 and has_actor_head(t.word)
                        for t in toks[:-1]))


def nominal_run(text: str, start: int = 0, end: int | None = None) -> int:
    """End offset of the nominal phrase opening ``text[start:end]`` (``start`` when there is none).

    A nominal phrase is a run of nominal words and the verbs compounded into them (``认证/v
    机构/n``, ``信息处理/n 者/k``), level words (``县级``, ``以上``), determiners (``各``,
    ``有关``), coordinators between nominals (``、 和 及 与 或者``), ``的`` between nominals,
    and bracket groups (``（以下简称…）``, ``（区、市）``). It ends in its last nominal word: a
    preposition, adverb, other conjunction or punctuation ends it.
    """
    end = len(text) if end is None else end
    lead = starts_with(text[start:end], "determiner") or starts_with(text[start:end], "level_prefix")
    if lead and len(lead) >= 2 and start + len(lead) < end:
        # 上一级市场监督管理部门, 县级以上地方……: a multi-word prefix jieba splits (上/一/级)
        e = nominal_run(text, start + len(lead), end)
        if e > start + len(lead):
            return e
    seg = text[start:end]
    toks = pos_tokens(seg)
    coord, det = _wordset("coordinator"), _wordset("determiner")
    last_good = 0
    i = 0
    while i < len(toks):
        t = toks[i]
        w = t.word
        if w in _BRACKETS:
            close = seg.find(_BRACKETS[w], t.start)
            if close < 0 or last_good == 0:
                break
            last_good = close + 1
            while i < len(toks) and toks[i].end <= close + 1:
                i += 1
            continue
        if w in ("以上", "以下") and last_good:
            last_good = t.end
        elif w == "等" and last_good:
            last_good = t.end
        elif w in _wordset("trailing_adverb") and last_good and len(w) > 1:
            break  # 经营者内部人员|依法举报: an adverb ends the noun phrase (jieba tags 依法 as a noun)
        elif _is_nominal(t) and w != "的":
            last_good = t.end
        elif w in det or (w in coord and last_good) or (w == "的" and i > 0) \
                or last_good and w in _wordset("level_prefix"):
            pass  # 本市各级国家机关: a level word after the owner
        elif (t.pos == "v" and i > 0 and i + 1 < len(toks) and _is_nominal(toks[i - 1]) and len(toks[i - 1].word) > 1
              and has_actor_head(toks[i - 1].word) and _is_nominal(toks[i + 1]) and not toks[i + 1].pos.startswith("v")):
            break  # 用人单位|招用劳动者, 认证机构|聘用审核员: a named actor, then its predicate and object
        elif t.pos.startswith("v") and w not in _wordset("inner_adverbial_opener"):
            pass  # a verb compounded into the noun (认证机构, 监督管理部门) or a relative clause
        elif (t.pos == "a" or t.pos == "f" and last_good) and i + 1 < len(toks) and _is_nominal(toks[i + 1]):
            pass  # a locative or adjective inside a name (长江中游三省, 小区配套幼儿园, 私募基金管理人)
        elif t.pos == "h" and i + 1 < len(toks) and _is_nominal(toks[i + 1]):
            pass  # a prefix (jieba's h: 非, 副, 准) before its noun: 非煤矿山, 非营利组织
        elif w == "被" and i == 0 and i + 1 < len(toks) and any(
                _is_nominal(x) and has_actor_head(x.word) for x in toks[i + 1:i + 3]):
            pass  # 被授权单位, 被投诉人: the passive names an actor
        elif t.pos == "p" and i > 0 and toks[i - 1].word in coord and (
                "的" in seg[t.start:t.start + 20]
                or any(_is_nominal(x) and has_actor_head(x.word) for x in toks[i + 1:i + 3])):
            pass  # a conjunct with its own relative clause (认证机构以及与认证有关的检查机构)
        else:
            break
        i += 1
    return start + last_good


def relative_split(text: str, s: int, e: int) -> int:
    """Start of the head noun phrase of ``text[s:e]`` after its last relative clause
    (``从事产品质量检验、认证的社会中介机构`` → start of ``社会中介机构``); ``s`` when the
    phrase has none. A ``的`` after a noun is genitive (``列入目录产品的生产者``) and stays."""
    toks = pos_tokens(text[s:e])
    cut, depth = s, 0
    for k, t in enumerate(toks):
        depth += t.word in _BRACKETS
        depth -= t.word in "）)"
        if depth > 0:
            continue
        if t.word == "的" and 0 < k < len(toks) - 1:
            prev = toks[k - 1]
            if prev.pos.startswith(("v", "a", "d")) and not _is_nominal(prev):
                cut = s + t.end
            elif _verb_object_relative(toks[:k], text[s + t.end:e]):
                cut = s + t.end  # 有处理权限的|市场监督管理部门: a verb and its object, then 的
    return cut


def _verb_object_relative(mod: list, head: str) -> bool:
    """Whether the words ``mod`` before a ``的`` that follows a noun are a verb-object relative
    clause (``有处理权限``, ``负责认证工作``) rather than a possessor (``列入目录产品的生产者``:
    the producer *of* the product). A relative clause opens with a verb and its last noun is no
    actor (an actor before 的 possesses: ``认证机构的人员``); before an agentive head in
    ``者`` (``生产者``, ``销售者``) the noun is that agent's object, so the 的 is genitive."""
    first = mod[0] if mod else None
    if first is None or not first.pos.startswith("v") or _is_nominal(first):
        return False
    if first.word in _wordset("determiner") or has_actor_head(mod[-1].word) \
            or any(t.word in _wordset("coordinator") for t in mod):
        return False  # 认证机构以及与认证有关的检查机构: the clause modifies one conjunct only
    head = re.split(r"[、和及与或]", head)[0]
    return not head.endswith("者")


def subject_extent(text: str, s: int, e: int) -> int:
    """End of the subject in a head segment ``text[s:e]`` (the words right before a trigger):
    the subject stops at the first preposition, adverb, conjunction other than a coordinator,
    time or number word, or locative (``个人信息处理者|在处理个人信息前``, ``物业服务人|根据需要``,
    ``承诺|一经作出``, ``年度报告|中``)."""
    seg = text[s:e]
    toks = pos_tokens(seg)
    coord = _wordset("coordinator")
    opener = _wordset("inner_adverbial_opener")
    skip_to = 0
    for k, t in enumerate(toks):
        if k == 0 or t.start < skip_to:
            continue
        w, p = t.word, t.pos
        if w in _BRACKETS:
            close = seg.find(_BRACKETS[w], t.start)
            skip_to = close + 1 if close > 0 else len(seg)
            continue
        if w in _wordset("level_prefix") or w in _wordset("determiner") or w.startswith("各") and len(w) > 1:
            continue  # 县级以上, 有关, 各省 (各 + a noun, one jieba word)
        if p in ("f", "ad") and k + 1 < len(toks) and toks[k + 1].word == "的":
            continue  # 产品或者其包装上的标识, 应当公开/ad的信息: a word before 的 stays in the noun phrase
        if p == "p" and toks[k - 1].word in coord:
            continue  # 委托企业或者被委托企业
        if p == "p" and not any(_is_nominal(x) for x in toks[:k]):
            continue  # 认证依据用标准: no noun yet, so the "preposition" is part of a noun (依据)
        if p == "m" and not any(ch in _NUMERALS for ch in w):
            continue  # a mis-tagged word (整顿/m), not a number
        if p == "m" and w.endswith(("款", "条", "项")):
            continue  # 本条第一款规定的单位, 前两款规定的人员: a clause reference inside the noun phrase
        if p == "m" and w.startswith("第") and w.endswith(("方", "人")):
            continue  # 网络交易第三方平台提供者, 第三人: an ordinal party, part of the noun
        if w in opener or p in ("p", "d", "ad", "m", "f", "r") and w not in _wordset("determiner") \
                or p == "c" and w not in coord or p == "x" and w not in "（）()、":
            if w in ("以上", "以下"):
                continue
            return s + t.start
    return e


_DOCUMENT: ContextVar[str] = ContextVar("regpipe_document", default="")


@contextmanager
def document(text: str):
    """Read statements of the notice ``text``: an actor phrase that could end at several heads
    (``国务院|认证认可监督管理部门``) is read as the longest one the notice writes more than once.
    """
    token = _DOCUMENT.set(text)
    try:
        yield
    finally:
        _DOCUMENT.reset(token)


@lru_cache(maxsize=65536)
def _recurs(doc_id: int, phrase: str) -> bool:
    return _DOCUMENT.get().count(phrase) >= 2


def used_alone(name: str) -> bool:
    """Whether the notice being read (:func:`document`) writes ``name`` at least once as a name of
    its own: not right after a ``的`` or inside a longer word (the character before it is
    punctuation, whitespace, the text's start, or a one-character function word). Outside a
    notice, or for a name the notice writes only once, True. Source: DECISIONS-product-quality.md / DECISIONS-standardization.md (a relative
    clause is dropped from an actor whose head the law also uses alone; 制定标准的行政主管部门
    stays whole because 行政主管部门 never stands alone)."""
    doc = _DOCUMENT.get()
    return not doc or _used_alone(hash(doc), name)


@lru_cache(maxsize=65536)
def _used_alone(doc_id: int, name: str) -> bool:
    doc = _DOCUMENT.get()
    fn = _wordset("function_char") - {"的", "之", "所", "其", "该", "各", "本"}
    if doc.count(name) < 2:
        return True  # written once: no evidence against the default (the clause is dropped)
    k = doc.find(name)
    while k >= 0:
        before = doc[k - 1] if k else ""
        if not before or not ("\u4e00" <= before <= "\u9fff") or before in fn:
            return True
        k = doc.find(name, k + 1)
    return False


def recurs(phrase: str) -> bool:
    """Whether the notice being read (:func:`document`) writes ``phrase`` more than once."""
    doc = _DOCUMENT.get()
    return bool(doc) and _recurs(hash(doc), phrase)


def actor_phrase(text: str, start: int = 0, end: int | None = None, *, need_head: bool = True) -> int:
    """End offset of the actor phrase opening ``text[start:end]``, or ``start`` when none.

    With ``need_head`` the phrase must end in an actor head morpheme (:func:`has_actor_head`).
    Its end is a word boundary inside the nominal run where such a head ends and the next word
    does not continue the noun (a verb, preposition, adverb or the run's end: ``认证机构|承担…``,
    not ``…的主体|责任``). Of several such ends, the first before a verb that takes an actor
    as object (``销售者、进口商|作为认证委托人``), else the longest that the notice writes more
    than once (``国务院认证认可监督管理部门``), else the longest. A phrase opening with such a
    verb (``取得认证机构资质``) is no actor; nor is a preposition, conjunction, time or case phrase.
    """
    e = nominal_run(text, start, end)
    if e <= start:
        return start
    if not need_head:
        return e
    phrase = text[start:e]
    toks = pos_tokens(phrase)
    if toks and toks[0].word in _wordset("object_taking_verb"):
        return start  # a verb phrase (取得认证机构资质) names a qualification, not an actor
    coord = _wordset("coordinator")
    ends = []
    verb_initial = (bool(toks) and toks[0].pos.startswith("v") and not _is_nominal(toks[0])
                    and toks[0].word not in _wordset("determiner") and toks[0].word not in _wordset("passive_prefix"))
    if verb_initial and len(toks) > 1 and _is_nominal(toks[1]) and toks[1].pos not in ("nt", "nr", "ns") \
            and has_actor_head(toks[1].word) and (toks[1].word in _wordset("actor_head") or not _DOCUMENT.get()
                                                  or recurs(toks[0].word + toks[1].word)):
        verb_initial = False  # a verb compounded with the head noun after it: 认证/机构, 认证/委托人
    if verb_initial and (len(toks) < 2 or toks[1].pos in ("nt", "nr", "ns")):
        return start  # 涉及国务院: a verb and its object
    if verb_initial and toks[1].pos.startswith("v") and not _is_nominal(toks[1]) \
            and not toks[1].word.startswith(modal_words()):
        return start  # 组织|开展……, 指导|督促……: two verbs in a row are a predicate, not a name and its verb
    for k, t in enumerate(toks):
        if k > 0 and t.pos.startswith("v") and (t.word in _wordset("object_taking_verb")
                                                or t.word in _wordset("authority_act")) \
                and toks[k - 1].word not in _wordset("passive_prefix"):
            break  # 大力推动认证机构: a verb taking the actor as its object ends the phrase (not 被授权单位)
        if verb_initial and t.word == "的":
            break  # a relative clause (收到举报的…) is read by the rules, not as a name
        if verb_initial and k > 1 and not ends:
            break  # a verb compounds only with the head right after it (认证/机构, 认证/委托人)
        if t.word in coord or t.word == "的":
            continue
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        if nxt is not None and nxt.word not in _wordset("trailing_adverb") and (
                _is_nominal(nxt) and nxt.pos != "vn" or nxt.word in coord or nxt.word == "的" or nxt.word in _BRACKETS
                                or nxt.word in ("以上", "以下", "等")):
            continue
        if not has_actor_head(phrase[:t.end]):
            continue
        if not ends and k > 0 and t.word in _wordset("unique_actor") and toks[k - 1].pos.startswith("v") \
                and toks[k - 1].word not in _wordset("determiner"):
            return start  # 服用/vn 国家管制的…, 报请国务院: a verb and its object, not a compound name
        if nxt is not None and nxt.word in _wordset("object_taking_verb"):
            return start + t.end
        if (nxt is not None and nxt.pos.startswith("v") and k + 2 < len(toks)
                and toks[k + 2].word in _wordset("determiner")):
            return start + t.end  # 社会团体|协调相关市场主体: a verb and its determined object
        ends.append(t.end)
    if not ends:
        return start
    doc = _DOCUMENT.get()
    if doc and len(ends) > 1:
        for x in reversed(ends):
            if _recurs(hash(doc), phrase[:x]):
                return start + x
    return start + ends[-1]


def trim_function_words(text: str, s: int, e: int) -> tuple[int, int]:
    """``(s, e)`` without trailing prepositions, conjunctions, particles and adverbs
    (``认证机构以`` → ``认证机构``, ``委托企业或者`` → ``委托企业``): a subject never ends in one."""
    while s < e and text[s] in "（(、，" and not any(ch in "）)" for ch in text[s:e]):
        s += 1  # an unbalanced opening bracket is no part of a name
    while e > s:
        toks = pos_tokens(text[s:e])
        last = toks[-1]
        if len(toks) > 1 and last.word != "等" and (
                last.pos in ("p", "c", "u", "uj", "ul", "d", "ad", "x") and last.word not in "）)"
                or last.word in _wordset("coordinator") or last.word in _wordset("trailing_adverb")):
            e = s + last.start
            continue
        break
    return s, e


def strip_lead(text: str, s: int, e: int) -> int:
    """``s`` moved past leading connectives (``并且``, ``同时``, ``但``) of ``text[s:e]``."""
    while s < e:
        w = starts_with(text[s:e], "lead_connective")
        if not w or s + len(w) >= e:
            break
        s += len(w)
    return s


def strip_trailing_adverbs(text: str, s: int, e: int) -> int:
    """``e`` moved back over trailing adverbs (``还``, ``依法``, ``积极``) of ``text[s:e]``, cut
    only at word boundaries (so ``规则`` keeps its ``则``)."""
    while e > s:
        seg = text[s:e]
        toks = pos_tokens(seg)
        if not toks:
            break
        last = toks[-1]
        if last.word in _wordset("trailing_adverb") or last.pos in ("d", "ad") and len(toks) > 1:
            e = s + last.start
            continue
        break
    return e


# ------------------------------------------------------------------ segment kinds
def is_case(seg: str) -> bool:
    """A case (condition) segment: opens with a condition opener (``如果``, ``对``, ``在``) or
    closes with a condition closer (``……的``, ``……时``, ``……期间``), but is no bare closer, no
    purpose (``目的``) and no actor noun phrase whose relative clause a ``relative_opener``
    begins (``未经……合格的从业人员``)."""
    seg = seg.strip()
    if not seg or seg in _wordset("condition_closer"):
        return False
    if starts_with(seg, "relative_opener") and _actor_relative(seg):
        return False  # 未经安全生产教育和培训合格的从业人员: a noun phrase, its relative clause the condition
    if starts_with(seg, "condition_opener"):
        return True
    return closes_case(seg)


def _relative_np(text: str, s: int, e: int) -> bool:
    """Whether the segment ``text[s:e]`` is one noun phrase headed by its last actor, whose
    relative clause opens with another actor and its verb (``被授权单位执行检定任务的人员``), not an
    actor whose verb takes the last one as object (``……部门指定前款规定的认证机构``)."""
    s, e = _span(text, s, e)
    if not _actor_relative(text[s:e]):
        return False
    a = actor_phrase(text, s, e)
    nxt = pos_tokens(text[a:e]) if s < a < e else ()
    return not nxt or nxt[0].word not in _wordset("object_taking_verb")


def _actor_relative(seg: str) -> bool:
    """Whether ``seg`` closes with ``的`` and an actor noun phrase (``……的产品质量检验机构``)."""
    j = seg.rfind("的")
    return 0 < j < len(seg) - 1 and has_actor_head(seg[j + 1:]) and nominal_run(seg, j + 1, len(seg)) == len(seg)


def closes_case(seg: str) -> bool:
    """Whether ``seg`` closes with a condition closer (``……的``, ``……时``, ``……的情况下``,
    ``……期间``), a one-character one as its own word (``在处理个人信息前``, ``需新增检验项目时``;
    not ``目前``, ``今后``, ``及时``, ``同时``), and is no purpose (``目的``, ``的要求``)."""
    seg = seg.strip()
    c = ends_with(seg, "condition_closer")
    if not c or seg == c or seg.endswith(("目的", "的要求")):
        return False
    if c in ("前", "后", "时", "起"):
        toks = pos_tokens(seg)
        return len(toks) > 1 and toks[-1].word == c
    return True


def opens_adverbial(seg: str) -> bool:
    """Whether ``seg`` opens with a preposition or condition opener (``在``, ``自``, ``于``,
    ``对``): words after a modal that it governs (``应当在受理认证委托时，告知…``, ``应当自收到
    申请之日起，…``), where a case closer at their end is no case of the modal's own."""
    seg = seg.strip()
    if starts_with(seg, "condition_opener"):
        return True
    toks = pos_tokens(seg)
    return bool(toks) and toks[0].pos == "p"


ABBREVIATION_BRACKET = r"[（(](?:以下)?(?:简称|统称)[“\"]?([^”\"）)，,]{2,20})[”\"]?(?:[，,]下同)?[）)]"
"""``（以下简称Y）`` / ``（以下统称Y）``, Y in group 1: the name a text defines for the phrase before it."""
_DEFINED_NAME = re.compile(ABBREVIATION_BRACKET + "$")


def is_basis(seg: str) -> bool:
    """A basis, purpose or manner phrase (``根据……``, ``为……``, ``本着……``), but no noun phrase
    whose relative clause the opener begins: ``为社会提供公证数据的产品质量检验机构``,
    ``根据本细则第二十七条规定被授权的单位`` (``……的`` and an actor head close the segment;
    ``为保护消费者的合法权益`` stays a purpose)."""
    seg = seg.strip()
    if not (starts_with(seg, "basis_opener") or starts_with(seg, "manner_opener")):
        return False
    return not (_actor_relative(seg) or _relative_after_basis(seg))


def _relative_after_basis(seg: str) -> bool:
    """Whether ``seg`` is ``根据/依照……规定`` and then a relative clause and its head noun
    (``依照本法规定应当公开的信息``, ``按照国家有关规定需要备案的材料``): a noun phrase the basis
    phrase only opens (not ``根据本办法的规定``, nor ``按照规定的程序``)."""
    if not starts_with(seg, "basis_opener"):
        return False
    k, j = seg.find("规定"), seg.rfind("的")
    return 0 < k and k + 2 < j < len(seg) - 1 and nominal_run(seg, j + 1, len(seg)) == len(seg)


def authority_act(action: str) -> bool:
    """Whether ``action`` opens with an act only an authority performs (``责令``, ``处…罚款``,
    ``没收``, ``吊销``, ``不予批准``)."""
    a = re.sub(r"^(予以|依法|并|可以|可|一律)+", "", action.lstrip())  # 予以没收, 依法吊销
    w = starts_with(a, "authority_act")
    if not w:
        return False
    if w == "处":
        # 处五万元以下罚款 / 处违法收入一倍以下的罚款: 处 with an amount or a fine in its clause
        return len(a) > 1 and (a[1].isdigit() or a[1] in "一二三四五六七八九十百千万以"
                               or "罚款" in re.split(r"[，。；,;]", a)[0])
    return True


# ------------------------------------------------------------------ rules
@dataclass(frozen=True)
class Example:
    """A real sentence and the roles a reader assigns to the obligation on ``trigger``.

    ``expect`` keys: ``subject`` (as the notice names it; ``""`` for none), ``condition``
    (``None`` for none), ``source`` (``subject_source``); ``{"obligation": False}`` when the
    trigger directs no one. ``swap`` names the actor phrase the
    swap test replaces (``None``: the example names no actor).
    """
    text: str
    trigger: str
    expect: dict
    swap: str | None = None
    where: str = ""


@dataclass(frozen=True)
class Rule:
    """One named rule of the statement grammar.

    ``role``: what it assigns (``subject``, ``condition``, ``trigger``, ``recovery``); a lower
    ``precedence`` is tried first. ``examples`` are checked by the tests; ``source`` says where
    the reading comes from.
    """
    id: str
    role: str
    precedence: int
    doc: str
    examples: tuple[Example, ...] = field(default=())
    source: str = ""


G, D = "GUIDELINES.md", "gold/DECISIONS.md"

RULES: tuple[Rule, ...] = (
    Rule("trigger.in_quote", "trigger", 1,
         "A trigger inside quotation marks, a title or brackets directs no one.",
         (Example("认证机构应当在认证证书上注明“不得用于宣传”字样。", "应当",
                  {"subject": "认证机构", "condition": None, "source": "explicit"}, "认证机构"),),
         G + " Obligations"),
    Rule("trigger.case_item", "trigger", 2,
         "A trigger inside a case description or relative clause (``应当注销的其他情形``, "
         "``不能满足条件的``) directs no one; one right after an actor phrase still does, and so does one "
         "opening a segment after a trigger of its sentence (``应当A，不得B……的人员``).",
         (Example("认证机构不得聘用不具备相应能力的人员。", "不得",
                  {"subject": "认证机构", "condition": None, "source": "explicit"}, "认证机构"),
          Example("市场监督管理部门应当对举报人的信息予以保密，不得将举报人个人信息泄露给与办理举报工作无关的人员。",
                  "不得", {"subject": "市场监督管理部门", "condition": None, "source": "sentence"}, "市场监督管理部门")),
         D + " 'triggers inside case items'; 市场监督管理部门投诉举报处理暂行办法 第三十三条"),
    Rule("trigger.modifier", "trigger", 3,
         "A modal right before a verb and 的 modifies a noun (``可识别的自然人``, ``应当告知的其他事项``, "
         "``详细可操作的应急预案``): no one is directed, unless an actor stands right before it. "
         "Nor does 可 in a noun of ability ``可V性`` (``可追溯性``, ``可操作性``), nor a modal after 规定 in a "
         "noun phrase (``国家规定禁止通过内河运输的其他危险化学品``), nor one opening the relative clause of a "
         "verb's object (``收寄禁止寄递或者限制寄递的物品``).",
         (Example("数据处理者应当制定详细可操作的应急预案。", "应当",
                  {"subject": "数据处理者", "condition": None, "source": "explicit"}, "数据处理者"),
          Example("检验检测机构和委托人应当对样品的来源进行确认并做好记录，确保样品的可追溯性。", "可",
                  {"obligation": False}),
          Example("除依法可以当场收缴的罚款外，作出行政处罚决定的行政机关及其执法人员不得自行收缴罚款。", "可以",
                  {"obligation": False}),  # 行政处罚法 第六十七条: adverbs between modal and verb
          # what a rule forbids, inside a noun phrase (危险化学品安全管理条例 第八十七条 pattern)
          Example("国家规定禁止生产的产品，不得销售。", "不得", {"subject": "国家规定禁止生产的产品", "source": "explicit"}),
          Example("快递企业不得违法收寄禁止寄递或者限制寄递的物品。", "禁止", {"obligation": False})),
         "issue #10 failure class (4); GUIDELINES.md 'a trigger in a noun phrase'; 上海市检验检测条例（2024）第二十二条"),
    Rule("trigger.in_adverbial", "trigger", 4,
         "A modal inside a prepositional phrase (``自应当订立……之日起``, ``对依法应当编制……的建设项目``) or in "
         "``V或者应当V`` (``知道或者应当知道``, a standard of knowledge; ``受理或者不予受理``) directs no one; "
         "nor does 不予 naming a decision (``收到不予许可决定之日起``).",
         (Example("用人单位违反本法规定不与劳动者订立劳动合同的，自应当订立劳动合同之日起向劳动者支付二倍的工资。",
                  "应当", {"obligation": False}),
          Example("电子商务平台经营者知道或者应当知道平台内经营者销售的商品不符合要求的，依法承担连带责任。",
                  "应当", {"obligation": False}),
          Example("申请人可以自收到不予许可决定之日起六十日内申请行政复议。", "不予", {"obligation": False}),
          Example("对依法应当编制环境影响报告书的建设项目，建设单位应当在报批建设项目环境影响报告书前，举行论证会、"
                  "听证会，征求有关单位、专家和公众的意见。", "应当",
                  {"subject": "建设单位", "condition": "对依法应当编制环境影响报告书的建设项目", "source": "explicit"},
                  "建设单位")),
         "劳动合同法 第八十二条; 电子商务法 第三十八条; gold/DECISIONS.md 不予 noun phrases; 行政许可法 (不予行政许可"
         "的书面决定); 环境影响评价法 第二十一条"),
    Rule("trigger.joined_urging", "trigger", 5,
         "Urging verbs joined by a coordinator (``鼓励和支持``, ``鼓励、支持``, ``支持和鼓励``, ``鼓励和引导``) are "
         "one trigger as written; the urged actor and the act follow the last of them.",
         (Example("国家鼓励、支持企业开展技术创新。", "鼓励、支持",
                  {"subject": "企业", "source": "explicit"}, "企业"),
          Example("国家鼓励和引导检验检测机构开展国际合作。", "鼓励和引导",
                  {"subject": "检验检测机构", "source": "explicit"}, "检验检测机构")),
         G + " modality 'encouraged'; the coordinated urging verbs of promotion laws (促进法: 鼓励和支持…)"),
    Rule("trigger.urging_as_act", "trigger", 6,
         "An urging verb right after a modal (``应当支持``, ``应当鼓励和支持``, adverbs between allowed), or "
         "opening a later segment of a must or may statement (``可以……，支持消费者……``), is the act of that "
         "modal: the actor before it must (may) urge, and the modal's action goes on through it.",
         (Example("县级以上人民政府应当支持开展标准化试点示范和宣传工作，传播标准化理念。", "应当",
                  {"subject": "县级以上人民政府", "condition": None, "source": "explicit"}, "县级以上人民政府"),
          Example("县级以上人民政府应当支持开展标准化试点示范和宣传工作，传播标准化理念。", "支持",
                  {"obligation": False}),
          Example("保护消费者权益的社会组织可以就消费者反映的产品质量问题建议有关部门负责处理，支持消费者对因产品质量"
                  "造成的损害向人民法院起诉。", "支持", {"obligation": False})),
         "标准化法（2017）第三十一条 (gold: must, 应当 支持…); 产品质量法 第四条 (应当……引导、督促……), "
         "第二十三条 (gold: 支持 inside the 可以 action)"),
    Rule("trigger.in_case", "trigger", 7,
         "A modal in a case segment that the sentence goes on after (``需新增检验项目时，``, ``在双方协商不能"
         "自行解决的情况下，``: the words after it close with ``时``, ``的情况下``, ``期间``…) states the "
         "case, not a duty, unless it governs the whole adverbial (``应当在受理认证委托时，告知…``) or "
         "the segment is a ``除……以外`` frame (``除应具备……以外，还应……``: both are duties).",
         (Example("已经取得计量认证合格证书的产品质量检验机构，需新增检验项目时，应按照本细则有关规定，申请单项计量认证。",
                  "需", {"obligation": False}),
          Example("被授权单位成为计量纠纷中当事人一方时，在双方协商不能自行解决的情况下，由县级以上有关人民政府"
                  "计量行政部门进行调解和仲裁检定。", "不能", {"obligation": False}),
          Example("认证机构应当在受理认证委托时，告知委托人认证收费标准。", "应当",
                  {"subject": "认证机构", "source": "explicit"}, "认证机构"),
          Example("认证机构和认证人员除应具备（五）规定的要求以外，还应掌握分级认证适用的评价工具及方法。", "应",
                  {"subject": "认证机构和认证人员", "source": "sentence"}, "认证机构")),  # the last: 还应掌握
         "计量法实施细则（2022）第二十八条、第三十三条; GUIDELINES.md Condition (……时, ……的情况下)"),
    Rule("trigger.only_then", "trigger", 8,
         "``方可`` (only then may) right after a completed step (``……后方可``, ``……后，方可``) with a "
         "trigger before it in its sentence continues that trigger's action; after a condition of "
         "its own (``只有在……的情况下方可``) it is a permission.",
         (Example("国家规定的相关产品必须经过认证，并标注认证标志后，方可出厂、销售、进口或者在其他经营活动中使用。",
                  "方可", {"obligation": False}),
          Example("承包人应当按照合同约定的期限完成工程建设，经验收合格后方可交付使用。", "可",  # jieba: 后方/可
                  {"obligation": False}),
          Example("获证组织不得在产品上标注管理体系认证标志，只有在注明获证组织通过相关管理体系认证的情况下方可"
                  "在产品的包装上标注管理体系认证标志。", "方可",
                  {"subject": "获证组织", "condition": "只有在注明获证组织通过相关管理体系认证的情况下",
                   "source": "sentence"}, "获证组织")),
         "gold compulsory-product-certification-provisions-2022 第二条, 第四十二条 (方可 inside the action); "
         "gold cert-certificate-and-mark-measures-2022 第三章/第二十条 (方可: may)"),
    Rule("subject.by", "subject", 10,
         "``应当由X…`` / ``可以由X…``: X, the actor after 由, is bound.",
         (Example("首、末次会议应当由获得授权的高级管理层其他成员参会。", "应当",
                  {"subject": "高级管理层其他成员", "source": "explicit"}),
          Example("调解由市场监督管理部门或者其委托单位工作人员主持，并可以根据需要邀请有关人员协助。", "可以",
                  {"subject": "市场监督管理部门或者其委托单位工作人员", "source": "explicit"})),
         D + " '由X'; DECISIONS-complaint '可以由X做Y'"),
    Rule("subject.urged", "subject", 12,
         "鼓励/支持/倡导/引导 urge the actor written after them (``鼓励企业采用…``), with a short relative "
         "clause of its own (``鼓励有条件的地区…``).",
         (Example("国家鼓励企业积极采用推荐性标准。", "鼓励",
                  {"subject": "企业", "condition": None, "source": "explicit"}, "企业"),
          Example("鼓励有条件的地区将评价结果向社会公开。", "鼓励",
                  {"subject": "有条件的地区", "condition": None, "source": "explicit"}),
          Example("鼓励社会力量参与养老服务体系建设。", "鼓励",  # 社会力量 is a name; 集中力量攻坚 is no actor
                  {"subject": "社会力量", "condition": None, "source": "explicit"})),
         G + " modality 'encouraged'"),
    Rule("subject.forbidden", "subject", 13,
         "禁止/严禁 forbid the actor written after them when its act follows (``禁止任何单位和个人转让…``): "
         "the pivot of 禁止X做Y is bound, the act is the action.",
         (Example("禁止任何单位和个人转让、买卖医疗废物。", "禁止",
                  {"subject": "任何单位和个人", "condition": None, "source": "explicit"}, "任何单位和个人"),
          Example("严禁医务人员收受患者财物。", "严禁",
                  {"subject": "医务人员", "condition": None, "source": "explicit"}, "医务人员"),
          Example("禁止生产、销售不符合保障人体健康和人身、财产安全的标准和要求的工业产品。", "禁止",
                  {"subject": "", "source": "none"})),
         "现代汉语 兼语句; 医疗废物管理条例 第十四条; 产品质量法 第十三条 (no pivot: the gold recovers the subject)"),
    Rule("subject.head", "subject", 20,
         "The actor phrase standing right before the trigger (after connectives, before adverbials "
         "such as ``在……前``, ``根据需要``, ``一经作出``) is the subject, as written.",
         (Example("受托人应当按照约定处理个人信息。", "应当",
                  {"subject": "受托人", "condition": None, "source": "explicit"}, "受托人"),
          Example("个人信息处理者在处理个人信息前应当告知个人。", "应当",
                  {"subject": "个人信息处理者", "condition": "在处理个人信息前", "source": "explicit"}, "个人信息处理者"),
          Example("物业服务人根据需要可以聘请专业机构。", "可以",
                  {"subject": "物业服务人", "condition": None, "source": "explicit"}, "物业服务人"),
          Example("劳动合同被确认无效，劳动者已付出劳动的，用人单位应当向劳动者支付劳动报酬。", "应当",
                  {"subject": "用人单位", "condition": "劳动合同被确认无效，劳动者已付出劳动的", "source": "explicit"},
                  "用人单位"),  # 劳动合同法 第二十八条: the 的 case covers both clauses
          Example("县级以上地方市场监督管理部门应当加强监督检查。", "应当",
                  {"subject": "县级以上地方市场监督管理部门", "condition": None, "source": "explicit"},
                  "县级以上地方市场监督管理部门"),
          Example("年度报告中应当包括其对获证组织的跟踪调查情况。", "应当",
                  {"subject": "年度报告", "condition": None, "source": "explicit"}),
          Example("网络交易第三方平台提供者应当对入网食品经营者进行实名登记。", "应当",  # 第三方: an ordinal party
                  {"subject": "网络交易第三方平台提供者", "condition": None, "source": "explicit"},
                  "网络交易第三方平台提供者")),
         G + " Actors; " + D + " 'locative thing-topic'; 食品安全法 第六十二条; 劳动合同法 第二十八条"),
    Rule("subject.head_relative", "subject", 22,
         "``MOD的NP`` before the trigger with a verb before 的: NP is the subject, the relative "
         "clause MOD的 is the condition (a genitive ``N的N`` stays whole).",
         (Example("从事产品质量检验、认证的社会中介机构必须依法设立。", "必须",
                  {"subject": "社会中介机构", "condition": "从事产品质量检验、认证的", "source": "explicit"},
                  "社会中介机构"),),
         D + " 'relative clause on the subject'; DECISIONS-ccc 'Genitive 的'"),
    Rule("subject.fronted_case", "subject", 30,
         "An actor phrase opening the statement, followed by its predicate, binds a trigger whose "
         "own segment names no one (``个人信息处理者处理……的，应当…``); the case is the condition.",
         (Example("个人信息处理者处理敏感个人信息的，应当取得个人的单独同意。", "应当",
                  {"subject": "个人信息处理者", "condition": "个人信息处理者处理敏感个人信息的", "source": "explicit"},
                  "个人信息处理者"),
          Example("认证委托人对认证结果有异议的，可以向认证机构提出申诉。", "可以",
                  {"subject": "认证委托人", "condition": "认证委托人对认证结果有异议的", "source": "explicit"},
                  "认证委托人"),
          Example("符合条件的毕业生到养老机构就业的，可按规定享受一次性入职补贴。", "可",  # constructed: 到 opens a
                  {"subject": "符合条件的毕业生", "source": "explicit"}),  # place adverbial; 毕业生 is a person
          Example("本市各级国家机关、事业单位、社会团体等因履行职责或者提供公共服务的需要，使用财政性资金委托他人进行"
                  "检验检测的，应当通过政府购买服务的方式进行。", "应当",  # a level word (各级) after the owner (本市)
                  {"subject": "本市各级国家机关、事业单位、社会团体等", "source": "explicit"})),
         D + " 'A known actor that opens a ……的 case'; DECISIONS-complaint 'condition includes its own subject'; "
         "上海市检验检测条例（2024）第二十一条"),
    Rule("subject.pivot", "subject", 31,
         "A statement opening with a pivotal verb (指导, 督促, 推动, 要求 …) and an actor: the actor "
         "(the pivot of 兼语句 V+X+VP) is who does the later duty.",
         (Example("指导地方市场监管部门综合运用各种管理手段，能够通过教育引导等方式管理的，一般不予罚款。", "不予",
                  {"subject": "地方市场监管部门", "source": "explicit"}, "地方市场监管部门"),),
         "现代汉语 兼语句; gold samr-2024-103 附件2/一"),
    Rule("subject.fronted_topic", "subject", 32,
         "An actor phrase opening a topic segment that is no case (``市场监督管理部门处理投诉举报，应当…``), "
         "also when the object of its verb is a person (``用人单位招用劳动者，``: the name ends before the verb).",
         (Example("市场监督管理部门处理投诉举报，应当遵循公正、高效的原则。", "应当",
                  {"subject": "市场监督管理部门", "condition": None, "source": "explicit"}, "市场监督管理部门"),
          Example("用人单位招用劳动者，不得扣押劳动者的居民身份证和其他证件。", "不得",
                  {"subject": "用人单位", "condition": None, "source": "explicit"}, "用人单位"),
          # a generic head keeps its relative clause, as in subject.fronted_np
          Example("从事数据交易中介服务的机构提供服务，应当要求数据提供方说明数据来源。", "应当",
                  {"subject": "从事数据交易中介服务的机构", "condition": None, "source": "explicit"})),
         "DECISIONS-complaint 'A topic without a conditional form is not a condition'; 劳动合同法 第九条; "
         "数据安全法 第三十三条"),
    Rule("subject.fronted_np", "subject", 34,
         "A segment that is only a noun phrase (``不符合认证要求的产品，``) before the trigger's "
         "segment is what is bound; cases before it are the condition, and so is the phrase with the cases "
         "after it (``……的认证机构，经……推荐，方可…``). A thing keeps its relative clause (verbatim); an "
         "actor's relative clause goes to the condition, also when it names another actor.",
         (Example("自认证证书注销之日起，不符合认证要求的产品，不得继续出厂。", "不得",
                  {"subject": "不符合认证要求的产品", "source": "explicit"}),
          Example("对不符合要求的，从事产品质量检验的社会中介机构，应当停止检验。", "应当",
                  {"subject": "社会中介机构", "source": "explicit"}, "社会中介机构"),
          Example("从事认证认可活动的机构及其人员，对其所知悉的国家秘密负有保密义务。", "负有保密义务",
                  {"subject": "从事认证认可活动的机构及其人员", "source": "explicit"}),
          # a basis, purpose or condition opener can begin the relative clause: still a noun phrase
          Example("未经安全生产教育和培训合格的从业人员，不得上岗作业。", "不得",
                  {"subject": "从业人员", "condition": "未经安全生产教育和培训合格的", "source": "explicit"},
                  "从业人员"),
          Example("为社会提供公证数据的产品质量检验机构，必须经省级以上人民政府计量行政部门计量认证。", "必须",
                  {"subject": "产品质量检验机构", "condition": "为社会提供公证数据的", "source": "explicit"},
                  "产品质量检验机构"),
          # an actor's relative clause may name another actor; cases after the phrase join the condition
          Example("从事矿山、危险化学品、烟花爆竹生产经营单位安全生产综合评价的认证机构，经国务院安全生产监督管理部门"
                  "推荐，方可取得认可机构的认可。", "方可",
                  {"subject": "认证机构", "condition": "从事矿山、危险化学品、烟花爆竹生产经营单位安全生产综合评价的"
                   "认证机构，经国务院安全生产监督管理部门推荐", "source": "explicit"}, "认证机构"),
          Example("前款规定以外的其他生产经营单位，从业人员超过一百人的，应当设置安全生产管理机构或者配备专职安全生产"
                  "管理人员。", "应当",  # the case's own actor (从业人员) is not bound: the noun phrase before it is
                  {"subject": "其他生产经营单位",
                   "condition": "前款规定以外的其他生产经营单位，从业人员超过一百人的", "source": "explicit"}),
          Example("前两款规定的人员，不得从事相关工作。", "不得",  # constructed: a clause reference inside the phrase
                  {"subject": "前两款规定的人员", "condition": None, "source": "explicit"}),
          Example("任何单位或者个人，未取得《医疗机构执业许可证》，不得开展诊疗活动。", "不得",  # 未 opens a case
                  {"subject": "任何单位或者个人", "condition": "未取得《医疗机构执业许可证》", "source": "explicit"},
                  "任何单位或者个人"),
          Example("煤矿、非煤矿山、危险化学品、烟花爆竹、金属冶炼等生产经营单位，应当设置安全生产管理机构。", "应当",
                  {"subject": "煤矿、非煤矿山、危险化学品、烟花爆竹、金属冶炼等生产经营单位", "source": "explicit"},
                  "生产经营单位"),  # a prefix (非) inside a conjunct
          Example("根据本细则第二十七条规定被授权的单位，应当遵守下列规定：", "应当",
                  {"subject": "被授权的单位", "condition": "根据本细则第二十七条规定", "source": "explicit"}),
          # a phrase closing with the name the text defines for it: that name (not the actor of its relative clause)
          Example("国务院认证认可监督管理部门指定的从事列入目录产品认证活动的认证机构以及与认证有关的实验室（以下简称指定的"
                  "认证机构、实验室），应当是长期从事相关业务、无不良记录，且已经依照本条例的规定取得认可、具备从事相关"
                  "认证活动能力的机构。", "应当", {"subject": "指定的认证机构、实验室", "source": "explicit"}),
          Example("市场监督管理部门指定的检验机构，应当在五日内出具检验报告。", "应当",  # constructed
                  {"subject": "检验机构", "condition": "市场监督管理部门指定的", "source": "explicit"}, "检验机构"),
          # a basis opening a thing's relative clause (constructed on the pattern of 根据本细则第二十七条规定被授权的单位)
          Example("依照本法规定应当公开的信息，应当及时、准确、完整地公开。", "应当",
                  {"subject": "应当公开的信息", "condition": "依照本法规定", "source": "explicit"})),
         D + " 'Cases followed by a ……的NP segment'; 计量法实施细则（2022）第二十八条、第二十九条; 安全生产法 第二十四条、第二十八条; 认证认可条例 第三十一条、第七十四条; 医疗机构管理条例; "
         "the high-risk trades as safety-production notices list them (煤矿、非煤矿山、危险化学品、烟花爆竹、金属冶炼)"),
    Rule("subject.activity", "subject", 36,
         "A single segment opening the sentence that is no case, basis or manner phrase is a thing "
         "or activity subject, verbatim (``制定团体标准，应当…``).",
         (Example("承诺一经作出，应当履行。", "应当",
                  {"subject": "承诺", "condition": None, "source": "explicit"}),
          Example("制定团体标准，应当遵循开放、透明、公平的原则。", "应当",
                  {"subject": "制定团体标准", "condition": None, "source": "explicit"})),
         G + " 'a thing subject is kept verbatim'; DECISIONS-standardization"),
    Rule("subject.sentence", "subject", 40,
         "A later trigger of the same sentence with no subject of its own takes the subject of the "
         "obligation before it (``应当A，不得B``).",
         (Example("认证机构应当公开认证基本规范，不得误导认证委托人。", "不得",
                  {"subject": "认证机构", "condition": None, "source": "sentence"}, "认证机构"),),
         G + " 'One statement per (subject, trigger, action)'"),
    Rule("subject.target", "subject", 42,
         "A dated goal opening a sentence (``到2026年底，……``): an actor inside its grammatical "
         "subject is the subject, else the subject is taken verbatim up to the predicate.",
         (Example("到2026年底，认证机构质量负责人制度全面实施。", "到2026年底",
                  {"subject": "认证机构", "source": "explicit"}, "认证机构"),
          Example("到2026年底，质量认证有效性全面提高。", "到2026年底",
                  {"subject": "质量认证有效性", "source": "explicit"}),
          Example("到2025年，基本建成覆盖城乡的养老服务体系。", "到2025年",  # opens with its predicate
                  {"subject": "", "source": "none"})),
         G + " modality 'target'; " + D + " targets"),
    Rule("trigger.dated_goal", "trigger", 43,
         "A date phrase inside a statement with no modal (``于2019年4月底前完成``) is a target; each "
         "action stops before the next date phrase.",
         (Example("该项工作于2019年4月底前完成。", "于2019年4月底前",
                  {"subject": "该项工作", "source": "explicit"}),),
         "DECISIONS-kindergarten 'Targets'"),
    Rule("recover.authority", "recovery", 50,
         "An authority act (``责令``, ``处…罚款``, ``没收``, ``吊销``, ``不予批准``) binds the "
         "competent authority the notice names (``X主管……工作``, else the regulator it names as "
         "subject), not the party of a fronted case.",
         (Example("认证机构违反本办法规定的，应当责令其限期改正。", "应当",
                  {"subject": "", "condition": "认证机构违反本办法规定的", "source": "none"}),),
         "行政处罚法 第九条; " + D + " 'Recovery order'"),
    Rule("recover.clause", "recovery", 60,
         "An elided subject is the subject of an earlier sentence of the same clause.",
         (), G + " Actors 'When the subject is elided, recover it: first from an earlier sentence'"),
    Rule("recover.agent", "recovery", 61,
         "An action ``V O`` whose clause names the agent of the act elsewhere (``推荐性国家标准由国务院"
         "标准化行政主管部门制定``) binds that agent.",
         (), "标准化法 第十一条 (the article's second paragraph names who 制定)"),
    Rule("recover.act", "recovery", 61,
         "A statement with no actor (or carried from a thing that cannot act) binds the actors the "
         "notice binds to the same act in another clause (the other action contained in this one, or "
         "70% of their character bigrams shared); actors tied on the act are coordinated.",
         (Example("禁止伪造或者冒用认证标志等质量标志。\n生产者不得伪造或者冒用认证标志等质量标志。\n"
                  "销售者不得伪造或者冒用认证标志等质量标志。", "禁止",
                  {"subject": "生产者、销售者", "source": "clause"}, swap="生产者"),
          Example("禁止利用产品认证证书和相关文字、符号误导公众认为其服务、管理体系通过认证。\n"
                  "获证组织不得利用产品认证标志误导公众认为其服务、管理体系通过认证。", "禁止",
                  {"subject": "获证组织", "source": "clause"}, swap="获证组织")),
         "产品质量法 第五条 with 第三十一条/第三十八条; 认证证书和认证标志管理办法 第十二条 with 第十八条; "
         "DECISIONS.md (2020: 'the actor the law names for that act elsewhere')"),
    Rule("recover.heading", "recovery", 62,
         "…then an actor named in the clause's heading or an enclosing heading (``1. 总局层面``).",
         (), G + " Actors"),
    Rule("recover.addressee", "recovery", 64,
         "…then the notice's first addressee (主送), 各 dropped.",
         (), G + " Actors; DECISIONS-kindergarten 'Addressee recovery'"),
    Rule("recover.none", "recovery", 99,
         "No actor found: the subject stays empty and the notice gets a warning (no guess).",
         (Example("未经审查，不得发布。", "不得",  # jieba's one word 未经审查 still opens with 未经
                  {"subject": "", "condition": "未经审查", "source": "none"}),
          Example("服用国家管制的精神药品或者麻醉药品的，不得驾驶机动车。", "不得",  # 服用|国家: a verb and its object
                  {"subject": "", "source": "none"}),
          Example("已建立劳动关系，未同时订立书面劳动合同的，应当自用工之日起一个月内订立书面劳动合同。", "应当",
                  {"subject": "", "condition": "已建立劳动关系，未同时订立书面劳动合同的", "source": "none"})),
         "issue #10; 广告法 第四十六条; 道路交通安全法 第二十二条; 劳动合同法 第十条 (a ……的 case closes the clauses "
         "before it too)"),
)
"""The statement grammar, in precedence order. ``subject.*`` rules are tried in order on every
trigger; ``recover.*`` rules fill an empty subject; ``trigger.*`` rules filter candidates."""

RULE_IDS = frozenset(r.id for r in RULES)


@dataclass
class Reading:
    """What the subject rules found for one trigger.

    ``subject``: (start, end) offsets of the subject phrase in the paragraph text, or ``None``;
    ``condition``: (start, end) or ``None``; ``rule``: the id of the rule that matched;
    ``fronted``: the subject was read from a fronted case (an authority act overrides it);
    ``extra``: (start, end) of adverbials between subject and trigger (searched for deadlines).
    """
    subject: tuple[int, int] | None = None
    condition: tuple[int, int] | None = None
    rule: str = ""
    fronted: bool = False
    extra: tuple[int, int] | None = None


def _span(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def read_head(text: str, hs: int, he: int) -> Reading:
    """Rules ``subject.head`` and ``subject.head_relative`` on the head segment ``text[hs:he]``.

    Returns a :class:`Reading` (empty when the head names no subject; with ``condition`` when the
    head is itself a case).
    """
    hs = strip_lead(text, hs, he)
    hs, he = _span(text, hs, he)
    core_e = strip_trailing_adverbs(text, hs, he)
    if core_e <= hs:
        return Reading()
    seg = text[hs:core_e]
    if seg in _wordset("condition_closer") or seg in _wordset("back_reference"):
        return Reading(condition=(hs, core_e))  # 期间不得…: a back-reference to a stated period
    if is_case(seg) and not _opens_with_actor_then_adverbial(text, hs, core_e):
        # the head is itself a case (……的 / 在……时): no subject here
        return Reading(condition=(hs, core_e))
    first = pos_tokens(seg)[0]
    if first.pos in ("d", "ad") and "的" in seg:
        # 已建成的小区配套幼儿园应…: an adverb opening a relative clause on the subject
        j = seg.rfind("的")
        np_s = hs + j + 1
        np_e = nominal_run(text, np_s, core_e)
        if np_e - np_s >= 2 and np_e == subject_extent(text, np_s, core_e):
            if has_actor_head(text[np_s:np_e]):
                return Reading(subject=(np_s, np_e), condition=(hs, np_s), rule="subject.head_relative",
                               extra=(np_e, he) if text[np_e:core_e].strip() else None)
            # a thing keeps its relative clause (已建成的小区配套幼儿园)
            return Reading(subject=(hs, np_e), rule="subject.head",
                           extra=(np_e, he) if text[np_e:core_e].strip() else None)
    passive_actor = first.word == "被" and actor_phrase(text, hs, core_e) > hs + 1  # 被检查单位, 被投诉人
    if (first.pos == "p" or first.word in _wordset("inner_adverbial_opener") or first.pos in ("d", "c", "m", "t")
            or first.word in _wordset("authority_act") and not has_actor_head(seg)) and not passive_actor:
        return Reading()  # 责令其停止销售，…: a verb phrase, no subject
    sub_e = subject_extent(text, hs, core_e)
    while sub_e > hs and text[sub_e - 1] in "的、和及与":
        sub_e -= 1
    if sub_e <= hs:
        return Reading()
    rest = text[sub_e:core_e]
    extra = (sub_e, he) if rest.strip() else None
    cond = (sub_e, core_e) if rest.strip() and is_case(rest) else None
    toks = pos_tokens(text[hs:sub_e])
    for t in toks[:-1]:
        if t.pos == "t":  # 法定节假日|用人单位: a time noun before the actor is an adverbial
            a = actor_phrase(text, hs + t.end, sub_e)
            if a == sub_e:
                return Reading(subject=(hs + t.end, sub_e), condition=cond, rule="subject.head", extra=extra)
    a = actor_phrase(text, hs, sub_e) if not has_actor_head(text[hs:sub_e]) else sub_e
    if hs < a < sub_e:
        nxt = pos_tokens(text[a:sub_e])
        if nxt and nxt[0].pos in ("v", "vd", "vi") and nxt[0].word != "的":
            # 认证机构从事认证活动应当…: the actor, then a topic predicate (not 专家|评审/vn 时间)
            return Reading(subject=(hs, a), condition=None, rule="subject.head", extra=(a, he))
    rel = relative_split(text, hs, sub_e)
    if rel > hs and sub_e - rel >= 2 and not bare_head(text[rel:sub_e]) and has_actor_head(text[rel:sub_e]) \
            and used_alone(re.split("|".join(map(re.escape, words("coordinator"))), text[rel:sub_e])[0]):
        return Reading(subject=(rel, sub_e), condition=cond or (hs, rel), rule="subject.head_relative", extra=extra)
    return Reading(subject=(hs, sub_e), condition=cond, rule="subject.head", extra=extra)


def bare_head(np: str) -> bool:
    """A noun phrase of generic head words only (``组织``, ``机构及其人员``): no name on its own,
    so a relative clause before it stays in the subject."""
    toks = [t for t in pos_tokens(np) if t.word not in _wordset("coordinator") and t.word != "等"]
    return bool(toks) and all(t.word in _wordset("actor_head") for t in toks)


def _opens_with_actor_then_adverbial(text: str, s: int, e: int) -> bool:
    """``个人信息处理者在处理个人信息前``: an actor phrase, then an adverbial case."""
    a = actor_phrase(text, s, e)
    if a <= s or a >= e:
        return False
    rest = text[a:e]
    return starts_with(rest, "inner_adverbial_opener") is not None


def read_fronted(text: str, segs: list[tuple[int, int]], first_in_sentence: bool) -> Reading:
    """Rules ``subject.fronted_case``, ``subject.fronted_topic``, ``subject.fronted_np`` and
    ``subject.activity`` on the segments before the head (``segs``, in order)."""
    if not segs:
        return Reading()
    kinds = [("basis" if is_basis(text[s:e]) else "case" if is_case(text[s:e]) else "other") for s, e in segs]
    # an actor phrase opening the statement (or the first segment after its cases), followed by
    # its predicate
    for k0, kind in enumerate(kinds):
        if kind == "basis":
            continue
        if kind == "other" and _relative_np(text, *segs[k0]):
            break  # 被授权单位执行检定任务的人员，: a noun phrase whose head is the last actor (人员)
        r = _actor_opening(text, segs, kinds, k0)
        if r is not None:
            return r
        if kind != "case" or k0 > 0 and kinds[k0 - 1] == "other":
            break
    if len(segs) > 1 and kinds[-1] == "case" and kinds[-2] == "other" \
            and not _actor_relative(text[slice(*_span(text, *segs[-2]))]):
        # ……发生效力，但代表人变更……的，应当…: the case right before the trigger opens with its actor
        # (not after a noun phrase naming an actor: 前款规定以外的其他生产经营单位，从业人员超过一百人的，)
        r = _actor_opening(text, segs, kinds, len(segs) - 1)
        if r is not None and r.rule == "subject.fronted_case":
            r.condition = _span(text, *segs[-1])
            return r
    # a noun-phrase segment (the last one that is no case); cases before it are the condition
    for k in range(len(segs) - 1, -1, -1):
        if kinds[k] != "other":
            continue
        s, e = _span(text, *segs[k])
        seg = text[s:e]
        if not seg or any(kinds[i] == "other" for i in range(k)):
            break
        m = _DEFINED_NAME.search(seg)
        if m and m.start() >= 2:
            # ……的认证机构以及……实验室（以下简称指定的认证机构、实验室），应当…: the text's own name for the phrase
            cases = [i for i in range(len(segs)) if i != k]
            cond = _span(text, segs[cases[0]][0], segs[cases[-1]][1]) if cases else None
            return Reading(subject=(s + m.start(1), s + m.end(1)), condition=cond, rule="subject.fronted_np")
        j = seg.rfind("的")
        np_s = s + j + 1 if j >= 0 else s
        np_e = nominal_run(text, np_s, e)
        if starts_with(seg, "authority_act"):
            break  # 处……罚款 / 责令其停止销售: an authority's act, no noun phrase
        if j < 0:
            first = pos_tokens(seg)[0]
            if first.pos.startswith("v") and not _is_nominal(first):
                break  # a verb phrase; an activity subject is rule subject.activity
        if bare_head(text[np_s:np_e]) or not has_actor_head(text[np_s:np_e]):
            # generic heads (从事……的机构及其人员) and things (可能危及……的工业产品) keep their
            # modifier, when the whole segment is one noun phrase (not 认证增值服务不以……为目的的…)
            lead = s
            while lead < e and pos_tokens(text[lead:e])[0].pos in ("d", "ad"):
                lead += len(pos_tokens(text[lead:e])[0].word)
            start = s
            basis = text.find("规定", lead, np_s) if starts_with(text[lead:np_s], "basis_opener") else -1
            if basis > lead:  # 根据本细则第二十七条规定被授权的单位: the basis is the condition
                lead = start = basis + 2
            if subject_extent(text, lead, e) != e or j >= 0 and not bare_head(text[np_s:np_e]) \
                    and _names_actor(text, s, np_s):
                break  # ……各方盖章或者签字的认证记录: a fronted object, its modifier names who acted
            np_s = start
        if np_e == e and np_e - np_s >= 2 and (
                np_s == s or not _names_actor(text, s, np_s)
                or has_actor_head(text[np_s:np_e]) and actor_phrase(text, s, e) != e):
            # an actor's relative clause may name another actor (从事……生产经营单位安全生产综合评价的认证机构),
            # unless the whole segment is one actor phrase (认证机构资质的申请人: a genitive)
            cond_s = segs[0][0] if k > 0 else s
            cond = _span(text, cond_s, np_s) if np_s > cond_s else None
            if k < len(segs) - 1:  # cases after the noun phrase (……的认证机构，经……推荐，方可…): from its
                cond = _span(text, cond_s if cond else segs[k + 1][0], segs[-1][1])  # modifier on
            return Reading(subject=(np_s, np_e), condition=cond, rule="subject.fronted_np")
        break
    s, e = _span(text, *segs[-1])
    seg = text[s:e]
    if first_in_sentence and len(segs) == 1 and kinds[0] == "other" and len(seg) <= 20 and seg \
            and not starts_with(seg, "authority_act"):
        ae = subject_extent(text, s, e)
        return Reading(subject=(s, ae), rule="subject.activity")
    return Reading()


def _actor_opening(text: str, segs, kinds, k0: int) -> Reading | None:
    """Rules ``subject.by``, ``subject.fronted_case`` and ``subject.fronted_topic`` on segment
    ``k0``: an actor phrase opening it, followed by its predicate."""
    s, e = segs[k0]
    s = strip_lead(text, *_span(text, s, e))
    s = _skip_quantifier(text, s, e)
    if kinds[k0] == "case" and starts_with(text[s:e], "condition_opener") in ("经", "未经"):
        return None  # 经本行政机关负责人批准，可以延长: the actor after 经 approves, it is not bound
    by = text.find("由", s, e)
    if by > s and kinds[k0] == "other" and not starts_with(text[s:e], "condition_opener"):
        # 调解由市场监督管理部门……主持，并可以…: the agent after 由 is bound
        b_e = actor_phrase(text, by + 1, e)
        if b_e > by + 1:
            return Reading(subject=(by + 1, b_e), rule="subject.by")
    piv = starts_with(text[s:e], "causative_verb")
    if piv and kinds[k0] == "other":
        # 指导地方市场监管部门综合运用……，……的，一般不予罚款: the pivot of 指导X做Y acts
        p_e = actor_phrase(text, s + len(piv), e)
        if p_e > s + len(piv) and p_e < e:
            last_case = max((i for i, k in enumerate(kinds) if k == "case"), default=-1)
            cond = _span(text, segs[last_case][0], segs[last_case][1]) if last_case > k0 else None
            return Reading(subject=(s + len(piv), p_e), condition=cond, rule="subject.pivot")
    a = actor_phrase(text, s, e)
    if a <= s and not starts_with(text[s:e], "condition_opener"):
        # 收到举报的市场监督管理部门认为……的: a relative clause before the actor
        for t in pos_tokens(text[s:e]):
            if t.word == "的":
                a2 = actor_phrase(text, s + t.end, e)
                if s + t.end < a2 < e and not text.startswith(("的", "等"), a2):
                    # a generic head keeps its relative clause, as a fronted noun phrase does
                    # (从事数据交易中介服务的机构|提供服务，应当…)
                    s, a = (s, a2) if bare_head(text[s + t.end:a2]) else (s + t.end, a2)
                break
    if not s < a < e:
        return None
    rest = text[a:e]
    if rest.startswith(("的", "等")) or rest.startswith(words("coordinator")):
        return None
    nxt = pos_tokens(rest[:12])
    if kinds[k0] == "other" and len(nxt) > 1 and nxt[0].pos.startswith("v") and nxt[1].word == "的" \
            and _actor_relative(re.sub(r"[（(][^（）()]*[）)]$", "", text[s:e].rstrip())):
        return None  # 市场监督管理部门指定的检验机构，: the actor's relative clause on a later actor
    last_case = max((i for i, k in enumerate(kinds) if k == "case"), default=-1)
    if kinds[k0] == "case" or last_case >= k0:
        cs = segs[0][0] if k0 > 0 and kinds[0] == "case" else s
        ce = segs[max(last_case, k0)][1]
        return Reading(subject=(s, a), condition=_span(text, cs, ce), rule="subject.fronted_case", fronted=True)
    cond = None
    if k0 > 0 and all(k in ("case", "basis") for k in kinds[:k0]) and "case" in kinds[:k0]:
        cond = _span(text, segs[kinds.index("case")][0], segs[k0 - 1][1])  # 有下列情形之一的，X依据职权，可以…
    elif starts_with(rest.lstrip(), "inner_adverbial_opener") or k0 < len(segs) - 1:
        cond = _span(text, a, segs[-1][1])  # 认证机构在……内，与……签订……合约，应当…
    return Reading(subject=(s, a), condition=cond, rule="subject.fronted_topic")


_QUANTITY = re.compile(r"[0-9０-９一二三四五六七八九十百两几]+[个名家位所]?(?:以上|以下)?")


def _skip_quantifier(text: str, s: int, e: int) -> int:
    """``s`` moved past a leading quantity (``两个以上``, ``三名``) before an actor phrase."""
    m = _QUANTITY.match(text, s, e)
    return m.end() if m and m.end() < e else s


def _names_actor(text: str, s: int, e: int) -> bool:
    """Whether an actor phrase occurs in ``text[s:e]`` (a modifier naming who acted on the noun
    after it: ``……各方盖章或者签字的认证记录`` is a fronted object, not a subject)."""
    for t in pos_tokens(text[s:e]):
        if len(t.word) >= 2 and has_actor_head(t.word):
            return True
        if _is_nominal(t) and actor_phrase(text, s + t.start, e) > s + t.start:
            return True
    return False


def case_condition(text: str, segs: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The condition of a statement whose subject rule set none: from the first case segment to
    the end of the last one among ``segs`` (basis and manner phrases are left out), and back over
    the clauses right before it that a ``……的`` case closes with it (``劳动合同被确认无效，劳动者已付出
    劳动的，``; ``已建立劳动关系，未同时订立书面劳动合同的，``): no actor opens them."""
    idx = [i for i, (s, e) in enumerate(segs) if is_case(text[s:e])]
    if not idx:
        return None
    first = idx[0]
    seg = text[segs[first][0]:segs[first][1]]
    if closes_case(seg) and seg.rstrip().endswith("的"):
        while first > 0:
            s, e = _span(text, *segs[first - 1])
            if is_basis(text[s:e]) or actor_phrase(text, s, e) > s:
                break
            first -= 1
    return _span(text, segs[first][0], segs[idx[-1]][1])


def urged_actor(text: str, te: int, end: int) -> tuple[int, int] | None:
    """Rule ``subject.urged``: (start, end) of the actor urged after 鼓励/支持/倡导/引导 in
    ``text[te:end]``, or ``None`` (``鼓励对……进行……`` urges no one in particular)."""
    if starts_with(text[te:end], "inner_adverbial_opener"):
        return None
    a = actor_phrase(text, te, end)
    if a > te:
        return (te, a)
    # 鼓励企业产品质量达到……: the actor opening the urged noun phrase, whose thing follows
    # (DECISIONS-product-quality: "an actor written inside the subject phrase is the subject")
    toks = pos_tokens(text[te:min(end, te + 30)])
    if len(toks) >= 3 and len(toks[0].word) >= 2 and _is_nominal(toks[0]) and has_actor_head(toks[0].word) \
            and _is_nominal(toks[1]) and not has_actor_head(toks[1].word):
        run = nominal_run(text, te, end)
        rest = pos_tokens(text[run:min(end, run + 8)])
        if run > te + toks[1].end - 1 and rest and rest[0].pos.startswith("v"):
            return (te, te + toks[0].end)
    return None


def forbidden_actor(text: str, te: int, end: int) -> tuple[int, int] | None:
    """Rule ``subject.forbidden``: (start, end) of the actor a prohibiting verb (class
    ``forbidding_verb``) forbids when an actor phrase and its verb follow it (``禁止任何单位和个人
    转让、买卖医疗废物``), or ``None`` (``禁止生产、销售……的产品`` names no one)."""
    a = actor_phrase(text, te, end)
    if not te < a < end:
        return None
    nxt = pos_tokens(text[a:min(end, a + 12)])
    return (te, a) if nxt and nxt[0].pos.startswith(("v", "d", "p")) and not _is_nominal(nxt[0]) else None


def urged_relative(text: str, te: int, end: int) -> tuple[int, int] | None:
    """Rule ``subject.urged``, an actor with a short relative clause the actor phrase does not
    take in (``鼓励有条件的地区将……``): at most eight characters and ``的`` after the urging
    verb, then an actor phrase and its verb. (start, end) of the whole, relative clause kept
    as :func:`urged_actor` keeps it (``支持符合条件的企业……``), or ``None``."""
    j = text.find("的", te, min(end, te + 9))
    if j <= te or any(ch in "，,、；;：:" for ch in text[te:j]):
        return None
    a = actor_phrase(text, j + 1, end)
    if a <= j + 1 or a >= end:
        return None
    rest = pos_tokens(text[a:min(end, a + 8)])
    if not rest or not (rest[0].pos.startswith(("v", "p", "d")) or rest[0].word in ("将", "把")):
        return None
    return te, a


def actor_before(text: str, s: int, ts: int) -> bool:
    """Whether ``text[s:ts]`` (a segment up to a trigger) ends in an actor phrase, i.e. the
    trigger is the main predicate of an actor (``认证机构不得聘用……的人员``)."""
    s = strip_lead(text, *_span(text, s, ts))
    e = strip_trailing_adverbs(text, s, ts)
    return e > s and actor_phrase(text, s, e) == e


def starts_clause_with_actor(text: str, s: int, e: int) -> bool:
    """Whether the segment ``text[s:e]`` opens a parallel clause with its own actor
    (``认可机构强化认可约束``): an actor phrase followed by a verb, and the segment no case other
    than the actor's own ``X认为……的`` (``国务院标准化行政主管部门认为需要立项的，会同……决定``:
    the case and what follows are X's)."""
    a = actor_phrase(text, s, e)
    if a <= s or a >= e:
        return False
    if is_case(text[s:e]) and not text[s:e].rstrip().endswith("的"):
        return False
    nxt = pos_tokens(text[a:e])
    return bool(nxt) and (nxt[0].pos.startswith(("v", "d", "p")) or nxt[0].word in ("应", "要", "须"))
