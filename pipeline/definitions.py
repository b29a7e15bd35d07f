"""Definitions: the terms a notice defines, what it says they mean, and how far that reaches.

eregs keeps definitions as a layer of their own, each with its scope; so does regpipe. A
definition is read from the definition sentences of Chinese legislation:

- ``本条例所称认证，是指由认证机构证明……的合格评定活动。`` (term 认证, scope: the notice);
- ``本条例所称检验检测机构，包括……`` (an extensional definition: ``kind="includes"``);
- ``前款所称计量认证，是指……`` / ``本章所称……`` (scope: that article / that chapter);
- ``本法下列用语的含义：（一）……，是指……；`` (each listed item defines a term).

The words come from ``pipeline/data/definitions.json`` (scope words, definers and list openers,
each with its source). :func:`definitions` takes the notice name and its clauses and returns
plain :class:`~pipeline.model.Definition` records; :func:`terms_in` finds which defined terms a
text uses (for ``regpipe query show``).
"""
from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import load_lexicon
from .model import Clause, Definition


@lru_cache(maxsize=1)
def _grammar() -> tuple[re.Pattern, re.Pattern, dict[str, str], dict[str, str], re.Pattern]:
    data = load_lexicon("definitions.json")
    scopes = {e["word"]: e["scope"] for e in data["scopes"]}
    definers = {e["word"]: e["kind"] for e in data["definers"]}
    alt = lambda ws: "|".join(map(re.escape, sorted(ws, key=len, reverse=True)))  # noqa: E731
    sentence = re.compile(
        rf"(?P<scope>{alt(scopes)})(?:中)?所称(?:的)?(?P<term>[^，,。；;：:（(“”\"]{{1,30}}?)(?P<note>[（(][^）)]*[）)])?"
        rf"\s*[，,]?\s*(?P<verb>{alt(definers)})(?P<definition>.+?)(?=。|[；;]\s*(?:{alt(scopes)})(?:中)?所称|$)")
    item = re.compile(
        rf"^(?P<term>[^，,。；;：:（(“”\"]{{1,30}}?)(?P<note>[（(][^）)]*[）)])?\s*[，,：:]?\s*(?P<verb>{alt(definers)})"
        rf"(?P<definition>[^。；;]+)")
    openers = re.compile(alt(e["word"] for e in data["list_openers"]))
    return sentence, item, scopes, definers, openers


def _scope_path(clause: Clause, by_path: dict[str, Clause], scope: str) -> str:
    """The path a definition reaches: ``""`` (the notice), or the enclosing chapter, section or
    article of ``clause``."""
    if scope == "notice":
        return ""
    kinds = {"chapter": ("chapter",), "section": ("section",), "article": ("article",)}[scope]
    c: Clause | None = clause
    while c is not None:
        if c.kind in kinds:
            return c.path
        c = by_path.get(c.parent) if c.parent else None
    return clause.path


def definitions(notice: str, clauses: list[Clause]) -> list[Definition]:
    """Every term ``clauses`` define, in document order (one record per term and clause).

    Args:
        notice: the notice name (the ``doc`` of each record).
        clauses: the notice's clauses (:func:`pipeline.segment.segment`).
    Returns:
        :class:`~pipeline.model.Definition` records: ``term`` as written (a bracketed note such as
        ``（含标准样品）`` kept in ``note``), ``definition`` (the text after 是指/包括, verbatim),
        ``kind`` (``means`` / ``includes``), ``path`` of the defining clause, ``scope`` (``""``
        for the whole notice, else the path of the chapter, section or article it reaches).
    """
    sentence, item, scopes, definers, openers = _grammar()
    by_path = {c.path: c for c in clauses}
    out: list[Definition] = []
    listing: dict[str, str] = {}  # path of a 下列用语的含义 clause → its scope
    for c in clauses:
        if c.kind == "preamble":
            continue
        text = c.text
        for m in sentence.finditer(text):
            term = m.group("term").strip()
            out.append(Definition(notice, term, m.group("definition").strip(), definers[m.group("verb")], c.path,
                                  _scope_path(c, by_path, scopes[m.group("scope")]), m.group("note") or None,
                                  m.group(0)))
        o = openers.search(text)
        if o:
            lead = text[:o.start()]
            word = next((w for w in sorted(scopes, key=len, reverse=True) if lead.endswith(w)), None)
            listing[c.path] = _scope_path(c, by_path, scopes[word]) if word else ""
        if c.parent in listing:
            m = item.match(text)
            if m:
                out.append(Definition(notice, m.group("term").strip(), m.group("definition").strip(),
                                      definers[m.group("verb")], c.path, listing[c.parent], m.group("note") or None,
                                      m.group(0)))
    return out


def terms_in(text: str, defined: list[Definition], path: str) -> list[Definition]:
    """The definitions of ``defined`` whose term occurs in ``text`` and whose scope reaches the
    clause at ``path`` (the notice, or a chapter/article ``path`` lies in), longest term first."""
    hits = [d for d in defined if d.term and d.term in text
            and (d.scope == "" or path == d.scope or path.startswith(d.scope + "/"))]
    return sorted(hits, key=lambda d: -len(d.term))
