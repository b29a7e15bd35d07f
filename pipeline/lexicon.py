"""Lexicons and citation patterns: plain data and regular expressions, no NLP library.

What the query, store and actor modules need from ``pipeline/data`` and the citation
grammar lives here, so that ``regpipe query …``, ``checklist`` and ``graph export`` start without
importing spaCy or jieba (:mod:`pipeline.nlp` re-exports these names for the extraction stages).
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=None)
def _lexicon_text(name: str) -> str:
    return resources.files("pipeline.data").joinpath(name).read_text(encoding="utf-8")


def load_lexicon(name: str) -> dict:
    """A JSON lexicon from ``pipeline/data`` (each names its ``source``)."""
    return json.loads(_lexicon_text(name))


# ------------------------------------------------------------------ citations
TITLE_RE = re.compile(r"《([^《》]{2,80})》")
STANDARD_RE = re.compile(
    r"(?<![A-Za-z])(GB/T|GB/Z|GB|ISO/IEC|ISO|IEC|RB/T|JJF|JJG|SN/T|HJ|YY/T|YY)\s*(\d{2,6}(?:\.\d+)*)(?:\s*[-—]\s*(\d{4}))?")
DOC_NUMBER_RE = re.compile(r"([\u4e00-\u9fff]{1,12}?[发函字令办]*)\s*[〔\[［【]\s*(\d{4})\s*[〕\]］】]\s*(\d{1,4})\s*号")


_CITATION_KINDS = (("title", TITLE_RE, "《"), ("standard", STANDARD_RE, None), ("doc_number", DOC_NUMBER_RE, "〔[［【"))


def _citation_matches(text: str):
    """(kind, match) for every citation in ``text``; each regex runs only when its anchor
    characters occur (the document-number regex is costly on long CJK runs)."""
    for kind, rx, anchors in _CITATION_KINDS:
        if anchors is None:
            if not re.search(r"[A-Z]{2}", text):
                continue
        elif not any(a in text for a in anchors):
            continue
        for m in rx.finditer(text):
            yield kind, m


def citation_key(kind: str, text: str) -> str:
    """Normalised key merging citations written differently.

    ``《中华人民共和国认证认可条例》`` and ``《认证认可条例》`` → ``认证认可条例``;
    ``GB/T27021.1`` and ``GB/T 27021.1-2017`` → ``GB/T 27021.1``; document numbers →
    ``国发〔2018〕3号``.
    """
    if kind == "title":
        t = re.sub(r"\s+", "", text.strip("《》"))
        t = re.sub(r"^中华人民共和国", "", t)
        return re.sub(r"[（(][^）)]*(修订|修正|试行|年)[^）)]*[）)]$", "", t)
    if kind == "standard":
        m = STANDARD_RE.search(text)
        return f"{m.group(1)} {m.group(2)}" if m else re.sub(r"\s+", "", text)
    m = DOC_NUMBER_RE.search(text)
    return f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号" if m else text


_DATED_BEFORE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日[^。；，、《》]{0,30}?(?:公布|发布|印发|颁布)的\s*原?$")


def citation_key_at(kind: str, m: re.Match, text: str) -> str:
    """:func:`citation_key` of the citation ``m`` of ``text``, qualified by the date the text gives
    the cited version: ``2011年7月20日公布的《认证机构管理办法》`` → ``认证机构管理办法@2011-07-20``. Such
    a citation names that version (typically one the notice repeals), not whatever notice of that
    title the database holds; :func:`pipeline.store.resolve_citations` links it only to a notice
    promulgated, revised or dated that day."""
    key = citation_key(kind, m.group(0))
    if kind == "title":
        d = _DATED_BEFORE.search(text, max(0, m.start() - 48), m.start())
        if d:
            key += f"@{int(d.group(1)):04d}-{int(d.group(2)):02d}-{int(d.group(3)):02d}"
    return key


def find_citations(text: str) -> list:
    """:class:`~pipeline.model.Citation` records for every title, standard and document number in
    ``text`` (first occurrence of each key, in text order)."""
    from .model import Citation

    found = [(m.start(), Citation(m.group(0), kind, citation_key_at(kind, m, text)))
             for kind, m in _citation_matches(text)]
    seen, out = set(), []
    for _, c in sorted(found, key=lambda x: x[0]):
        if (c.kind, c.key) not in seen:
            seen.add((c.kind, c.key))
            out.append(c)
    return out
