"""A notice's life: its promulgation and revision history, and what it repeals or implements.

Read from the notice's own text, as a law database's editor reads it:

- the **history** (题注) between the title and the first article: ``2003年9月3日 中华人民共和国
  国务院令第390号公布``, ``（2017年11月14日国家质量监督检验检疫总局令第193号公布 根据2020年10月23日
  国家市场监督管理总局令第31号修订）``, ``1993年2月22日 第七届全国人民代表大会常务委员会第三十次会议通过``:
  one :class:`~pipeline.model.HistoryEvent` per date (what happened, by which organ, under
  which order number);
- **repeals** from the final articles: ``2011年7月20日公布的《认证机构管理办法》同时废止``,
  ``原……《关于……的通知》（劳社部发〔2000〕8号）同时废止``, ``……不再执行``;
- **implements** from the preamble or the first article: ``根据《中华人民共和国认证认可条例》…，
  制定本办法``, ``为贯彻落实《……》（国市监认证〔2018〕173号）``;
- the **validity period** (``有效期至2025年12月31日``, ``有效期5年``).

The words come from ``pipeline/data/lifecycle.json`` (each with its source: 立法法, 规章制定程序
条例, 党政机关公文处理工作条例, 国办发〔2018〕37号). Functions take text and return plain data; linking a
relation to a notice in the database is the store's job (:func:`pipeline.store.resolve_relations`).
"""
from __future__ import annotations

import re
from datetime import date as _date
from functools import lru_cache

from .lexicon import DOC_NUMBER_RE, ORDER_RE, TITLE_RE, citation_key, load_lexicon, order_key
from .model import HistoryEvent, Relation

_NUM = r"[\d一二三四五六七八九十〇零○]"
_DATE = re.compile(rf"({_NUM}{{4}})\s*年\s*({_NUM}{{1,3}})\s*月\s*({_NUM}{{1,3}})\s*日")
_DUTY = re.compile(r"应当|应|必须|须|可以|责令|由")
_PART = re.compile(r"规定|第\S{1,6}[条款项章节]|条款|内容|部分")
_SESSION = re.compile(rf"第{_NUM}+届|第{_NUM}+次(?:全体)?会议|第{_NUM}+次")
_HISTORY_START = re.compile(rf"^\s*[（(]?\s*{_DATE.pattern}")


@lru_cache(maxsize=1)
def _words() -> dict:
    return load_lexicon("lifecycle.json")


def _iso(m: re.Match) -> str | None:
    from .ingest import parse_date

    return parse_date(m.group(0))


def _masked(s: str) -> str:
    """``s`` with the inside of every 《…》 replaced by spaces (same length): words inside a cited
    title (``《国务院关于修改和废止部分行政法规的决定》``) state nothing about this notice."""
    return re.sub(r"《[^《》]*》", lambda m: "《" + " " * (len(m.group(0)) - 2) + "》", s)


def history(head: list[str]) -> list[HistoryEvent]:
    """The dated events of the header lines ``head`` (the lines between the title and the first
    article), in the order written.

    Only lines that open with a date (or ``（`` and a date) are history lines. Each date starts an event that runs to the next date; its act is the first history word of
    ``lifecycle.json`` after the date outside 《》 (公布, 通过, 修订 …; a date with none, such as a
    revision date quoted inside a sentence, is no event). The organ is what stands between the date
    and the act, without the session (``第七届…第三十次会议`` → ``全国人民代表大会常务委员会``) and
    without the order number, or else the issuer of a cited decision (``《国务院关于修改…的决定》``
    → ``国务院``). The order number is kept as cited (``国务院令第390号``: without 中华人民共和国).
    """
    acts = sorted(_words()["history_acts"], key=lambda e: -len(e["word"]))
    out: list[HistoryEvent] = []
    for line in head:
        if not _HISTORY_START.match(line):
            continue  # a preamble sentence quoting a date is no history line
        dates = list(_DATE.finditer(line))
        for i, m in enumerate(dates):
            end = dates[i + 1].start() if i + 1 < len(dates) else len(line)
            seg = line[m.end():end]
            masked = _masked(seg)
            hits = [(masked.find(e["word"]), e) for e in acts if e["word"] in masked]
            if not hits:
                continue
            pos, act = min(hits, key=lambda h: (h[0], -len(h[1]["word"])))
            before = seg[:pos]
            order_m = ORDER_RE.search(before)
            order = order_key(order_m) if order_m else None
            organ = before[:order_m.start()] + order_m.group(1)[:-1] if order_m else before
            organ = re.sub(r"《[^《》]*》", "", organ)
            organ = _SESSION.sub("", organ)
            organ = re.sub(r"^[\s（(]*(?:根据)?\s*", "", organ).strip(" 　）)，,")
            organ = re.sub(r"^中华人民共和国(?=国务院|主席)", "", organ)
            if not organ:
                t = TITLE_RE.search(seg[:pos + len(act["word"]) + 2])
                if t and "关于" in t.group(1) and not t.group(1).startswith("关于"):
                    organ = t.group(1).split("关于", 1)[0]
            iso = _iso(m)
            if iso:
                out.append(HistoryEvent(iso, act["word"], act["kind"], organ or None, order,
                                        line[m.start():end].strip()))
    return out


def version_facts(events: list[HistoryEvent]) -> dict:
    """What the history says of the version the text is: ``promulgated`` (the first 公布/通过/发布
    date), ``revisions`` (every 修订/修正/修改 date, ascending), ``order`` (the latest order number:
    the 令 the text was last issued under) and ``organ`` (the organ of the latest event naming one).
    """
    first = [e.date for e in events if e.kind in ("promulgated", "adopted")]
    orders = [e for e in events if e.order]
    organs = [e for e in events if e.organ]
    return {"promulgated": min(first) if first else None,
            "revisions": tuple(sorted({e.date for e in events if e.kind == "revised"})),
            "order": max(orders, key=lambda e: e.date).order if orders else None,
            "organ": max(organs, key=lambda e: e.date).organ if organs else None}


def _sentences(text: str):
    """(start, sentence) for every sentence of ``text`` (ending at 。；！？ or a line break)."""
    for m in re.finditer(r"[^。；！？\n]+[。；！？]?", text):
        yield m.start(), m.group(0)


def _targets(sentence: str, start: int = 0) -> list[tuple[str | None, str | None, str | None, str]]:
    """(title, 文号, date, written) of every document a sentence names from ``start`` on: a title
    with the 文号 in brackets right after it is one document (``《…》（国市监认证〔2018〕173号）``), as
    is a 文号 standing alone; ``2011年7月20日公布的《…》`` dates the title."""
    out = []
    used: list[tuple[int, int]] = []
    for t in TITLE_RE.finditer(sentence, start):
        num, end = None, t.end()
        n = re.match(r"\s*[（(]\s*([^（）()]{2,30}?)\s*[）)]", sentence[t.end():])
        if n:
            d = DOC_NUMBER_RE.search(n.group(1))
            o = ORDER_RE.search(n.group(1))
            if d or o:
                num = citation_key("doc_number", d.group(0)) if d else order_key(o)
                end = t.end() + n.end()
        dated = None
        before = sentence[max(0, t.start() - 40):t.start()]
        dm = list(re.finditer(rf"{_DATE.pattern}[^。；，、《》]{{0,30}}?(?:公布|发布|印发|颁布|施行)的\s*(?:原)?$", before))
        if dm:
            dated = _iso(dm[-1])
            said = dm[-1].group(0)
            o = ORDER_RE.search(said[_DATE.match(said).end():])  # 1998年3月12日原国家质量技术监督局令第51号公布的《…》
            if o and num is None:
                num = order_key(o)  # 原 (the organ's old name) dropped
        out.append((t.group(1), num, dated, sentence[t.start():end]))
        used.append((t.start(), end))
    for d in DOC_NUMBER_RE.finditer(sentence, start):
        if not any(a <= d.start() < b for a, b in used):
            out.append((None, citation_key("doc_number", d.group(0)), None, d.group(0)))
    return out


def relations(text: str, head: list[str], first_article: str | None) -> list[Relation]:
    """The notice's ``repeals`` and ``implements`` relations, in text order.

    ``repeals``: a sentence whose predicate, at its end, is a repeal verb of ``lifecycle.json``
    (``同时废止``, ``不再执行``; not inside a cited title, not ``已废止的`` as a modifier) repeals the
    documents it names before the verb; ``partly_repeals`` when what it repeals is a part of them
    (``《X》中有关认证标志的规定``, ``《X》第三条``): X stays in force. ``implements``: in the preamble lines ``head`` and the
    ``first_article``, a basis opener (``根据``, ``为贯彻落实``) names the documents after it in
    its sentence.

    Returns:
        :class:`~pipeline.model.Relation` records; ``evidence`` is the sentence.
    """
    verbs = sorted((e["word"] for e in _words()["repeal_verbs"]), key=len, reverse=True)
    verb_at_end = re.compile(r"(?:" + "|".join(map(re.escape, verbs)) + r")\s*[。；]?\s*$")
    out: list[Relation] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, sentence: str, start: int = 0, stop: int | None = None) -> None:
        for title, num, dated, written in _targets(sentence[:stop] if stop else sentence, start):
            key = citation_key("title", f"《{title}》") if title else num
            if (kind, key) in seen:
                continue
            seen.add((kind, key))
            out.append(Relation(kind, key, title, num, dated, written, sentence.strip()))

    for _, s in _sentences(text):
        m = verb_at_end.search(_masked(s))
        if not m or _DUTY.search(_masked(s)[:m.start()]):
            continue  # 与《X》相抵触的，应当予以废止: a duty to repeal, not a repeal
        if "《" in s[:m.start()] or DOC_NUMBER_RE.search(s[:m.start()]):
            # 《X》中有关认证标志的规定同时废止 / 《X》第三条同时废止: a part of X, which stays in force
            tail = _masked(s)[:m.start()]
            tail = tail[tail.rfind("》") + 1:]
            add("partly_repeals" if _PART.search(tail) else "repeals", s, 0, m.start())
    openers = sorted((e["word"] for e in _words()["basis_openers"]), key=len, reverse=True)
    opener = re.compile("|".join(map(re.escape, openers)))
    preamble = [ln for ln in head if not _HISTORY_START.match(ln)]  # 根据…决定修正: history, not basis
    for part in [*preamble, *([first_article] if first_article else [])]:
        for _, s in _sentences(part):
            m = opener.search(_masked(s))
            if m:
                add("implements", s, m.start())
    return out


def validity_end(text: str, start: str | None) -> tuple[str | None, str | None]:
    """(the last day the notice is valid, the sentence that says so) from ``有效期至X`` or
    ``有效期N年`` (counted from ``start``, the 施行 or issue date, ISO); ``(None, None)`` without one."""
    from .ingest import cn_number, parse_date

    for e in _words()["validity"]:
        for m in re.finditer(e["pattern"], text):
            sentence = next(s for p, s in _sentences(text) if p <= m.start() < p + len(s))
            if "date" in m.groupdict() and m.group("date"):
                return parse_date(m.group("date")), sentence.strip()
            if start and m.groupdict().get("years"):
                years = int(m.group("years")) if m.group("years").isdigit() else cn_number(m.group("years"))
                d = _date.fromisoformat(start)
                try:
                    end = d.replace(year=d.year + years)
                except ValueError:  # 29 February
                    end = d.replace(year=d.year + years, day=28)
                return (end.fromordinal(end.toordinal() - 1)).isoformat(), sentence.strip()
    return None, None
