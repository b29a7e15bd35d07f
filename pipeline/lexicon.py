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
ORDER_RE = re.compile(r"(?:中华人民共和国)?([\u4e00-\u9fff]{2,20}?令)\s*第\s*([\d一二三四五六七八九十〇零○百]+)\s*号")
"""An order number (令号): ``国务院令第390号``, ``国家市场监督管理总局令第31号`` (``中华人民共和国`` dropped)."""


def order_key(m: re.Match) -> str:
    """The order number of an :data:`ORDER_RE` match as cited: ``国务院令第390号``."""
    return f"{re.sub('^原', '', m.group(1))}第{m.group(2)}号"


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


@lru_cache(maxsize=1)
def _form_endings() -> tuple[str, ...]:
    return tuple(sorted((e["word"] for e in load_lexicon("citation_forms.json")["forms"]), key=len, reverse=True))


def is_form(title: str) -> bool:
    """Whether a 《》 title names a form or instrument (``认证机构批准书``, ``整改通知书``,
    ``章程``: endings of ``data/citation_forms.json``) rather than a cited document; a title with
    关于 is always a document."""
    t = re.sub(r"[（(][^）)]*[）)]$", "", title.strip("《》"))
    return "关于" not in t and t.endswith(_form_endings())


_BRACKETED = re.compile(r"\s*[（(]\s*([^（）()]{2,40}?)\s*[）)]")


def citation_spans(text: str) -> list[tuple[int, int, str, str, str | None]]:
    """``(start, end, kind, key, alt_key)`` of every citation in ``text``, in text order.

    A title and the 文号 or standard number bracketed right after it (``《…》（国市监认证〔2018〕173号）``,
    ``《合格评定 管理体系审核认证机构要求》（GB/T 27021.1）``), or a standard number written right
    before its title (``GB/T 27021.1《…》``), are one citation: ``key`` is the title's key (the
    standard's number when a standard is named: kind ``standard``) and ``alt_key`` the other's, so
    that either finds it.
    Forms and instruments (:func:`is_form`) are no citations. Keys as :func:`citation_key_at`.
    """
    raw = sorted(((m.start(), m.end(), kind, m) for kind, m in _citation_matches(text)), key=lambda r: (r[0], -r[1]))
    out: list[tuple[int, int, str, str, str | None]] = []
    used: set[int] = set()
    for i, (a, b, kind, m) in enumerate(raw):
        if i in used:
            continue
        if kind == "title" and is_form(m.group(1)):
            continue
        key, alt, end = citation_key_at(kind, m, text), None, b
        if kind == "title":
            br = _BRACKETED.match(text, b)
            if br:
                order = ORDER_RE.fullmatch(br.group(1))
                if order:  # 《全国年节及纪念日放假办法》（国务院令第513号）
                    alt, end = order_key(order), br.end()
                for j, (a2, b2, kind2, m2) in enumerate(raw):
                    if alt is not None:
                        break
                    if j not in used and kind2 in ("doc_number", "standard") and br.start(1) <= a2 and b2 <= br.end(1):
                        alt, end = citation_key(kind2, m2.group(0)), br.end()
                        if kind2 == "standard":  # a standard is known by its number
                            kind, key, alt = "standard", alt, key
                        used.add(j)
                        break
        elif kind == "standard":
            nxt = next(((j, r) for j, r in enumerate(raw) if r[2] == "title" and j not in used
                        and 0 <= r[0] - b <= 1 and not text[b:r[0]].strip()), None)
            if nxt:
                j, (a2, b2, _, m2) = nxt
                alt, end = citation_key_at("title", m2, text), b2
                used.add(j)
        out.append((a, end, kind, key, alt))
    return out


def find_citations(text: str) -> list:
    """:class:`~pipeline.model.Citation` records for every citation of ``text``
    (:func:`citation_spans`; first occurrence of each key, in text order)."""
    from .model import Citation

    seen, out = set(), []
    for a, b, kind, key, alt in citation_spans(text):
        if (kind, key) not in seen:
            seen.add((kind, key))
            out.append(Citation(text[a:b], kind, key, alt))
    return out
