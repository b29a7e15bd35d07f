"""The spaCy pipeline: a blank ``zh`` language with the jieba segmenter and regpipe's components.

Components (registered by name, each declaring what it assigns):

* ``regpipe_triggers`` (Matcher over jieba tokens): ``doc.spans["triggers"]``, label = deontic
  modality; lexicon ``data/triggers.json``. Matching whole jieba words is what keeps 应用, 相应,
  要求, 需要, 可能, 应知应会 from being read as modals: jieba keeps them as one word.
* ``entity_ruler`` (spaCy's EntityRuler): ``doc.ents`` labelled ``ACTOR`` with ``ent_id_`` = the
  canonical actor; lexicon ``data/actors.json``. Actor names are added to jieba's dictionary
  so that tokens line up with the phrase patterns.
* ``regpipe_citations``: ``doc.spans["citations"]`` (labels ``title``, ``standard``,
  ``doc_number``).
* ``regpipe_deadlines``: ``doc.spans["deadlines"]`` (labels = deadline kinds).

Custom attributes: ``Span._.modality`` (trigger modality), ``Span._.key`` (normalised citation
key), ``Span._.chars`` (exact ``(start_char, end_char)`` of a deadline whose span had to be
widened to jieba's word boundaries: ``10日内`` inside the word ``内向``). :func:`get_nlp` builds the pipeline once per process; nothing is downloaded.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import registry

logging.getLogger("jieba").setLevel(logging.WARNING)

if not Span.has_extension("modality"):
    Span.set_extension("modality", default=None)
if not Span.has_extension("key"):
    Span.set_extension("key", default=None)
if not Span.has_extension("alt_key"):
    Span.set_extension("alt_key", default=None)
if not Span.has_extension("chars"):
    Span.set_extension("chars", default=None)
if not Doc.has_extension("obligations"):
    Doc.set_extension("obligations", default=None)


from .lexicon import (  # noqa: E402,F401  (re-exported: the extraction stages import them from here)
    DOC_NUMBER_RE, STANDARD_RE, TITLE_RE, _citation_matches, citation_key, citation_key_at, citation_spans,
    find_citations, load_lexicon)


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per Doc and kept in ``doc.user_data`` (spaCy rebuilds it from the
    tokens on every access, which dominated the pipeline's run time)."""
    text = doc.user_data.get("regpipe_text")
    if text is None:
        text = doc.user_data["regpipe_text"] = doc.text
    return text


def lines_of(text: str):
    """(offset, line) for each ``\n``-separated line of ``text``: the text components match
    within a line, so one Doc may hold a whole notice, a paragraph per line."""
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


@Language.component("regpipe_citations", assigns=["doc.spans"])
def citations_component(doc: Doc) -> Doc:
    """Mark 《…》 titles, standard numbers and document numbers as ``doc.spans["citations"]``."""
    spans = []
    for offset, line in lines_of(doc_text(doc)):
        for a, b, kind, key, alt in citation_spans(line):
            span = doc.char_span(offset + a, offset + b, label=kind, alignment_mode="expand")
            if span is not None:
                span._.key = key
                span._.alt_key = alt
                spans.append(span)
    doc.spans["citations"] = spans
    return doc


# ------------------------------------------------------------------ deadlines
_NUM = r"(?:\d+|[一二三四五六七八九十两半]+)"
DEADLINE_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("absolute", re.compile(r"(?:于|在|到|至|截至|截止)?\s*(\d{4})\s*年\s*(?:(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日|(底|末))?|(底|末|年底))?\s*(?:前|之前|以前)?")),
    ("absolute_noyear", re.compile(r"(?<![年\d])(?:于|在|到)?(\d{1,2})月(?:(\d{1,2})日|(底|末))(?:前|之前|以前)")),
    ("recurring", re.compile(rf"(?:在)?每(?:{_NUM}个?)?(?:年|季度|月|半年|周|日)(?:度)?(?:\d{{1,2}}月(?:底|末)?(?:\d{{1,2}}日)?(?:(?:至|到)\d{{1,2}}月\d{{1,2}}日)?(?:之前|前)?)?|(?<!固)定期(?!限)|年度内")),
    ("relative", re.compile(
        rf"(?:(?:自|在|于|从)[^，。；：]{{0,40}}?(?:之日起|起|后|届满))?(?<![上下本当同次月\d])(?<![^届]满){_NUM}(?:个)?(?:工作日|日|天|个月|年(?!度)|小时|周)(?!岁)(?:内|以内|前|以上)?"
        rf"|在[^，。；：]{{1,30}}?(?:(?:有效期|期限)届满前(?:{_NUM}个?(?:工作日|日|天|月|年)(?:内|以内)?)?|有效期内|期间)|限期")),
    ("immediate", re.compile(r"立即|立刻|及时|第一时间|迅速|尽快|马上|即时")),
)
"""Deadline patterns, (kind, regex). Source: GUIDELINES.md "Fields" (deadline kinds and
examples) and gold/DECISIONS.md "Deadline" (periods, caps, retention times, 限期, yearly dates).
A period named relative to now (``上一年度``, ``下一年``, ``本年度``) is no time limit, nor is the day
of a date (``6月30日``) or a length reached (``连续工作满十年的``); a yearly window is one recurrence (``每年1月1日至6月30日``).
``届满前`` takes the period before it (``在检验合格有效期届满前一个月``); ``定期`` inside one word
(``定期检验``, a kind of inspection) is no recurrence; a start date (``自2025年1月1日起``) is no limit."""
_DEADLINE_HINT = re.compile(
    r"\d|[一二三四五六七八九十两半]个?(?:工作日|日|天|月|年|小时|周)|每|定期|年度内|限期|期间|有效期|届满"
    r"|立即|立刻|及时|第一时间|迅速|尽快|马上|即时")
"""A line without any of these has no deadline: the patterns below are skipped for it."""


@Language.component("regpipe_deadlines", assigns=["doc.spans"])
def deadlines_component(doc: Doc) -> Doc:
    """Mark time expressions as ``doc.spans["deadlines"]`` (label = kind), skipping titles and
    document numbers (``（2025年第9号）``, ``国发〔2018〕3号``)."""
    spans = []
    for offset, line in lines_of(doc_text(doc)):
        if not _DEADLINE_HINT.search(line):
            continue
        masked = mask_references(line)
        taken: set[int] = set()
        for kind, rx in DEADLINE_PATTERNS:
            for m in rx.finditer(masked):
                if not m.group(0).strip() or (kind == "absolute" and not _is_absolute(m)):
                    continue
                if kind.startswith("absolute") and masked[max(0, m.start() - 1):m.start()] in ("自", "从") \
                        and _START_DATE_END.match(masked, m.end()):
                    taken.update(range(m.start(), m.end()))
                    continue  # 自2025年1月1日起: when a rule starts to apply, no time limit
                if taken.intersection(range(m.start(), m.end())):
                    continue  # inside a more specific expression
                taken.update(range(m.start(), m.end()))
                span = doc.char_span(offset + m.start(), offset + m.end(), label=kind.replace("_noyear", ""),
                                     alignment_mode="expand")
                if span is not None and m.group(0) == "定期" and len(span) == 1 and len(span.text) > 2:
                    continue  # 定期检验, 定期存款: one word, a kind of act, not "at regular intervals"
                if span is not None:
                    exact = (offset + m.start(), offset + m.end())
                    if exact != (span.start_char, span.end_char):
                        span._.chars = exact
                    spans.append(span)
    spans.sort(key=lambda sp: sp.start_char)
    doc.spans["deadlines"] = spans
    return doc


_START_DATE_END = re.compile(r"(?:之日)?起(?![\d一二三四五六七八九十两半])")
"""``起`` closing ``自<date>起`` with no period after it (``自2025年1月1日起30日内`` is a limit)."""


def _is_absolute(m: re.Match) -> bool:
    text = m.group(0)
    # a bare year ("2019年") is a date only with 到/于/前/底 around it
    return bool(m.group(2) or m.group(4) or m.group(5)) or text.startswith(("到", "至", "于")) or text.endswith("前")


_BRACKETED_REF = re.compile(r"[（(][^（）()]*(?:号|第\d+号|\d{4}\s*[—-]\s*\d{4}年?)[^（）()]*[）)]")


def mask_references(text: str) -> str:
    """``text`` with titles, document numbers and bracketed references blanked (same length)."""
    def blank(m: re.Match) -> str:
        return "\u25a1" * len(m.group(0))
    if "《" in text:
        text = TITLE_RE.sub(blank, text)
    if "（" in text or "(" in text:
        text = _BRACKETED_REF.sub(blank, text)
    if any(a in text for a in "〔[［【"):
        text = DOC_NUMBER_RE.sub(blank, text)
    return text


# ------------------------------------------------------------------ triggers
@Language.factory("regpipe_triggers", assigns=["doc.spans"], default_config={"lexicon": "triggers.json"})
def make_triggers(nlp: Language, name: str, lexicon: str):
    """Trigger matcher: every candidate modal word as ``doc.spans["triggers"]``.

    Whether a candidate really directs an actor is decided in :mod:`pipeline.extract`, which
    sees the clause context (quotes, conditions, 由X负责).
    """
    return TriggerMatcher(nlp, load_lexicon(lexicon)["triggers"])


class TriggerMatcher:
    """Callable component: a :class:`spacy.matcher.PhraseMatcher` for the fixed token sequences
    of the lexicon and a :class:`spacy.matcher.Matcher` for patterns with a gap (``负有 * 义务``),
    both over token ``ORTH`` (the PhraseMatcher is about six times faster)."""

    def __init__(self, nlp: Language, entries: list[dict]):
        self.phrases = PhraseMatcher(nlp.vocab)
        self.matcher = Matcher(nlp.vocab)
        self.modality: dict[str, str] = {}
        self.gap_words: set[str] = set()
        for i, e in enumerate(entries):
            key = f"T{i}"
            self.modality[key] = e["modality"]
            if "*" in e["pattern"]:
                pattern = [{"OP": "{0,3}", "IS_PUNCT": False, "IS_SPACE": False} if w == "*" else {"ORTH": w} for w in e["pattern"]]
                self.matcher.add(key, [pattern], greedy="LONGEST")
                self.gap_words.add(e["pattern"][0])
            else:
                self.phrases.add(key, [Doc(nlp.vocab, words=e["pattern"])])

    def _matches(self, doc: Doc):
        """(match_id, start, end) token offsets; the gap Matcher runs only on the lines holding
        one of its first words (it would otherwise walk every token of a long Doc)."""
        yield from self.phrases(doc)
        for offset, line in lines_of(doc_text(doc)):
            if line and any(w in line for w in self.gap_words):
                part = doc.char_span(offset, offset + len(line), alignment_mode="expand")
                for span in self.matcher(part, as_spans=True):
                    yield span.label, span.start, span.end

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for match_id, start, end in self._matches(doc):
            key = doc.vocab.strings[match_id]
            span = Span(doc, start, end, label=self.modality[key])
            span._.modality = self.modality[key]
            spans.append(span)
        # keep the longest match at each position (不/应当 over 应当)
        spans.sort(key=lambda s: (s.start_char, -(s.end_char - s.start_char)))
        kept, last_end = [], -1
        for s in spans:
            if s.start_char >= last_end:
                kept.append(s)
                last_end = s.end_char
        doc.spans["triggers"] = kept
        return doc


# ------------------------------------------------------------------ pipeline
@lru_cache(maxsize=1)
def modal_words() -> tuple[str, ...]:
    """The one-word modal triggers of ``data/triggers.json`` (must / must not / may; not 负责, 不予),
    longest first: the modals jieba sometimes
    glues to the next word (``不得公开``, ``要从严``)."""
    words = {e["pattern"][0] for e in load_lexicon("triggers.json")["triggers"]
             if len(e["pattern"]) == 1 and e["modality"] in ("must", "must_not", "may") and not e.get("requires")
             and not e.get("outcome")}
    return tuple(sorted(words, key=len, reverse=True))


def split_fused_modals(words: list[str], freq: dict) -> list[str]:
    """Words with a modal glued into them split again, so the trigger matcher sees the modal:
    a rare dictionary phrase (frequency under 10: ``要从严``, ``不得公开``) that starts with a
    modal followed by a word, or a two-character word jieba's HMM made up (not in the dictionary:
    ``库应``, ``人要`` in ``经营人要``) that ends in ``应``/``须``/``需``/``要``, or a rare two-character
    word of a one-character modal and a preposition (``应于``, ``要于``, ``可向``). Lexicalised words
    (``需要``, ``应用``, ``应对``, ``不得不``) are frequent dictionary entries and stay whole.

    Args:
        words: jieba words in order; freq: the segmenter's word → frequency dictionary.
    Returns:
        the words, with fused modals split off (same characters, same order).
    """
    out = []
    for w in words:
        f = freq.get(w)
        if len(w) >= 3 and f is not None and f < 10:
            m = next((m for m in modal_words() if w.startswith(m) and freq.get(w[len(m):], 0) >= 10), None)
            if m:
                out += [m, w[len(m):]]
                continue
        if len(w) == 2 and not f and w[1] in "应须需要" and freq.get(w[0], 0) >= 10:
            out += [w[0], w[1]]
            continue
        if len(w) == 2 and (f or 0) < 10 and w[0] in modal_words() and w[1] in _preposition_chars():
            out += [w[0], w[1]]  # 应于2023年底前, 要于, 可向, 应予: a modal, then the preposition of its act
            continue
        out.append(w)
    return out


@lru_cache(maxsize=1)
def _preposition_chars() -> frozenset[str]:
    """One-character prepositions a modal can open its act with (``应于……前``, ``可向……``): the
    one-character words of the ``inner_adverbial_opener`` class of ``data/grammar.json`` that are
    no modal themselves, and 予 (``应予公布`` = 应当予以)."""
    entries = load_lexicon("grammar.json")["classes"]["inner_adverbial_opener"]["entries"]
    return frozenset(e["word"] for e in entries if len(e["word"]) == 1 and e["word"] not in modal_words()) | {"予"}


MEMO_MAX = 200_000
"""Most unjoined runs a :class:`Route` remembers the HMM's reading of."""


class Route:
    """jieba's maximum-probability segmentation of one block of Chinese (``Tokenizer.get_DAG`` and
    ``Tokenizer.calc``) in one pass, for a given jieba tokenizer: the same prefix-dictionary DAG,
    the same sums of log frequencies in the same order (so the same floats) and the same tie-break
    (the later word end wins), with each word's log probability computed once. jieba builds a DAG
    dict, a route dict and a generator per block; the pipeline cuts hundreds of thousands of blocks
    (the whole text once, thousands of statement prefixes for the grammar), where that overhead
    costs more than the route. ``tests/test_nlp.py`` checks the words equal jieba's on the corpora.

    The tokenizer's dictionary must be complete (``add_word`` done) before the Route is made.
    """

    def __init__(self, tokenizer):
        from math import log

        tokenizer.check_initialized()
        self._log = log
        self.freq = tokenizer.FREQ
        self.logtotal = log(tokenizer.total)
        self.logp: dict[str, float] = {}
        self.unknown: dict[str, tuple] = {}  # memo of the HMM's reading of unjoined runs (see remember)

    def remember(self, run: str, reading: tuple) -> tuple:
        """Memoise the HMM's ``reading`` of an unjoined ``run``; the memo is emptied when it holds
        :data:`MEMO_MAX` runs, so a long extraction's memory stays flat."""
        if len(self.unknown) >= MEMO_MAX:
            self.unknown.clear()
        self.unknown[run] = reading
        return reading

    def clear(self) -> None:
        """Forget the memoised log probabilities and HMM readings (benchmarks time cold runs)."""
        self.logp.clear()
        self.unknown.clear()

    def words(self, s: str) -> list[str]:
        """``s`` (a block of Chinese without punctuation) as the route's words, in order, before
        any HMM reading of unjoined characters (jieba's ``cut(HMM=False)`` of one block)."""
        freq, logp, log, logtotal, n = self.freq, self.logp, self._log, self.logtotal, len(s)
        # rp[k]: best log probability of s[k:]; rx[k]: end (inclusive) of its first word. The
        # DAG's words starting at k are scored as they are found; ends rise, so ``>=`` keeps
        # jieba's tie-break (max over (probability, end) tuples: the later end).
        rp, rx = [0.0] * (n + 1), [0] * (n + 1)
        for k in range(n - 1, -1, -1):
            best_p, best_x, i, frag = None, k, k, s[k]
            f = freq.get(frag)
            while f is not None:
                if f:
                    p = logp.get(frag)
                    if p is None:
                        p = logp[frag] = log(f) - logtotal
                    p += rp[i + 1]
                    if best_p is None or p >= best_p:
                        best_p, best_x = p, i
                i += 1
                if i >= n:
                    break
                frag = s[k:i + 1]
                f = freq.get(frag)
            if best_p is None:  # no word starts here: the character alone, frequency 1
                best_p = -logtotal + rp[k + 1]
            rp[k], rx[k] = best_p, best_x
        out, x = [], 0
        while x < n:
            y = rx[x] + 1
            out.append(s[x:y])
            x = y
        return out


# jieba's block patterns (jieba/__init__.py), so that :func:`cut` splits as ``Tokenizer.cut``
_RE_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)")
_RE_SKIP = re.compile(r"(\r\n|\s)")


def cut(route: Route, text: str) -> list[str]:
    """``text`` as jieba words, exactly as ``Tokenizer.cut(text, HMM=True)`` of the route's
    tokenizer gives them: the route per block, then runs of one-character words that the dictionary
    does not know as a whole read by jieba's HMM (``jieba.finalseg``, memoised per run).

    Returns:
        the words in order, concatenating to ``text``.
    """
    from jieba import finalseg

    out: list[str] = []
    freq, memo = route.freq, route.unknown

    def flush(buf: str) -> None:
        if len(buf) == 1:
            out.append(buf)
        elif not freq.get(buf):
            got = memo.get(buf)
            if got is None:
                got = route.remember(buf, tuple(finalseg.cut(buf)))
            out.extend(got)
        else:
            out.extend(buf)

    for blk in _RE_HAN.split(text):
        if not blk:
            continue
        if _RE_HAN.match(blk):
            buf = ""
            for w in route.words(blk):
                if len(w) == 1:
                    buf += w
                    continue
                if buf:
                    flush(buf)
                    buf = ""
                out.append(w)
            if buf:
                flush(buf)
            continue
        for x in _RE_SKIP.split(blk):
            if _RE_SKIP.match(x):
                out.append(x)
            else:
                out.extend(x)
    return out


@lru_cache(maxsize=1)
def segmenter():
    """regpipe's own jieba tokenizer (a ``jieba.Tokenizer`` instance: jieba's global dictionary
    is never changed), with the actor lexicon's names added so that the entity ruler's phrase
    patterns line up with the words, and modal + verb pairs jieba's dictionary glues split."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    actors = load_lexicon("actors.json")["actors"]
    for n in sorted({a["name"] for a in actors} | {al for a in actors for al in a["aliases"]}, key=len):
        tk.add_word(n, freq=2_000_000)
    for w in ("有义务", "不予", "不应当"):
        tk.add_word(w, freq=2_000_000)
    for e in load_lexicon("grammar.json")["classes"]["segmenter_split"]["entries"]:
        tk.suggest_freq(tuple(e["word"].split()), tune=True)
    return tk


@lru_cache(maxsize=1)
def segmenter_route() -> Route:
    """The :class:`Route` of :func:`segmenter` (made once its dictionary is complete)."""
    return Route(segmenter())


class JiebaTokenizer:
    """The spaCy tokenizer of the ``regpipe`` pipeline (registered as
    ``regpipe.JiebaTokenizer.v1``): words from :func:`segmenter` with fused modals split
    (:func:`split_fused_modals`), aligned to the text in linear time (``spacy.util.
    get_words_and_spaces`` slices the remaining text for every word, quadratic on a whole law).
    Each Doc keeps its input text in ``doc.user_data`` for :func:`doc_text`.
    """

    def __init__(self, vocab):
        self.vocab = vocab
        self.seg = segmenter()
        self.route = segmenter_route()

    def __call__(self, text: str) -> Doc:
        words = split_fused_modals([w for w in cut(self.route, text) if w], self.seg.FREQ)
        words, spaces = words_and_spaces(words, text)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.user_data["regpipe_text"] = text
        return doc

    def pipe(self, texts, batch_size: int = 1000):
        for t in texts:
            yield self(t)

    def to_bytes(self, **kwargs):
        return b""

    def from_bytes(self, data, **kwargs):
        return self

    def to_disk(self, path, **kwargs):
        return None

    def from_disk(self, path, **kwargs):
        return self


@registry.tokenizers("regpipe.JiebaTokenizer.v1")
def create_tokenizer():
    """spaCy registry entry: ``[nlp.tokenizer] @tokenizers = "regpipe.JiebaTokenizer.v1"``."""
    def make(nlp: Language) -> JiebaTokenizer:
        return JiebaTokenizer(nlp.vocab)
    return make


def words_and_spaces(words: list[str], text: str) -> tuple[list[str], list[bool]]:
    """``spacy.util.get_words_and_spaces`` in linear time: whitespace-only words dropped, each
    word found in ``text`` from the current position, a single following space becoming the
    token's trailing space, any skipped text kept as a token of its own.

    Raises:
        ValueError: a word does not occur in ``text`` in order.
    """
    out_words: list[str] = []
    out_spaces: list[bool] = []
    pos, n = 0, len(text)
    for word in words:
        if word.isspace():
            continue
        start = text.find(word, pos)
        if start < 0:
            raise ValueError(f"jieba word {word!r} not found in the text after offset {pos}")
        if start > pos:
            out_words.append(text[pos:start])
            out_spaces.append(False)
        out_words.append(word)
        pos = start + len(word)
        if pos < n and text[pos] == " ":
            out_spaces.append(True)
            pos += 1
        else:
            out_spaces.append(False)
    if pos < n:
        out_words.append(text[pos:])
        out_spaces.append(False)
    return out_words, out_spaces


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The regpipe pipeline, built once per process (about 1 s: jieba's dictionary): a blank
    ``zh`` language with the registered tokenizer ``regpipe.JiebaTokenizer.v1`` and the
    components ``regpipe_triggers``, ``entity_ruler`` (lexicon actors, for ``doc.ents``),
    ``regpipe_citations``, ``regpipe_deadlines`` and ``regpipe_obligations``
    (``doc._.obligations``). Nothing is downloaded."""
    import spacy

    actors = load_lexicon("actors.json")["actors"]
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "regpipe.JiebaTokenizer.v1"}}})
    nlp.add_pipe("regpipe_triggers")
    ruler = nlp.add_pipe("entity_ruler")
    patterns = []
    for a in actors:
        for n in [a["name"], *a["aliases"]]:
            patterns.append({"label": "ACTOR", "pattern": n, "id": a["name"]})
            patterns.append({"label": "ACTOR", "pattern": "各" + n, "id": a["name"]})
    ruler.add_patterns(patterns)
    nlp.add_pipe("regpipe_citations")
    nlp.add_pipe("regpipe_deadlines")
    nlp.add_pipe("regpipe_obligations")
    return nlp


@Language.component("regpipe_obligations", assigns=["doc._.obligations"])
def obligations_component(doc: Doc) -> Doc:
    """Read the Doc's text as one paragraph of a notice and set ``doc._.obligations`` to its
    :class:`~pipeline.model.Obligation` records (``nlp(text)._.obligations`` in a notebook).
    :func:`pipeline.extract.extract_obligations` reads whole notices (clauses, addressees) and
    does not run this component."""
    from .extract import read_doc
    doc._.obligations = read_doc(doc)
    return doc
