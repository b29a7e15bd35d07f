"""Query: answers across notices from the database that ``regpipe extract`` writes.

Every function takes an open database (:func:`pipeline.store.open_db`) and returns plain
dataclasses, so notebooks and the CLI share one implementation::

    from pipeline.store import open_db
    from pipeline import query
    db = open_db("extracted/requirements.db", create=False)
    rows = query.obligations(db, actor="认证机构", modality="must_not")

Actors are matched through the ontology (:mod:`pipeline.actors`): aliases and a notice's own
abbreviations resolve to the canonical actor, and narrower actors are included unless
``exact``. Dates are ISO strings (``2026-12-31``). Unknown actors, citations and IDs raise
:class:`~pipeline.errors.QueryError` carrying the closest known names.
"""
from __future__ import annotations

import gc
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, is_dataclass
from functools import lru_cache
from datetime import date

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: `regpipe query` starts without importing sqlite-utils
    import sqlite_utils

from .actors import closest, load_ontology, narrower
from .store import LIST_SEP
from .errors import QueryError
from .model import MODALITIES
from .lexicon import STANDARD_RE, citation_key


@dataclass(slots=True)
class ObligationRow:
    """One obligation with where it comes from (``actors``: canonical actors it binds;
    ``citations``: normalised keys of what it cites). Treat it as read-only; it is not frozen
    because listing every duty of a broad actor builds tens of thousands of rows, and a frozen
    dataclass's ``__init__`` costs seven times as much."""
    id: str
    notice: str
    title: str
    doc_number: str | None
    path: str
    subject: str
    actors: tuple[str, ...]
    modality: str
    trigger: str
    action: str
    condition: str | None
    deadline_text: str | None
    deadline_kind: str | None
    deadline_date: str | None
    citations: tuple[str, ...] = ()
    clause_id: str | None = None
    actor: str = ""
    subject_source: str = "explicit"


@dataclass(frozen=True)
class ActorSummary:
    """An actor with its obligation counts (``by_modality``, ``by_notice``: name → count)."""
    name: str
    kind: str
    in_lexicon: bool
    total: int
    by_modality: dict
    by_notice: dict
    broader: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeadlineRow:
    """A dated obligation; ``status`` is ``overdue``/``upcoming`` relative to ``as_of``
    (``days`` from ``as_of`` to the date, negative when overdue)."""
    obligation: ObligationRow
    status: str
    days: int | None


@dataclass(frozen=True)
class DeadlineReport:
    """Obligations with a deadline: dated ones in date order, the others by kind."""
    as_of: str
    dated: list[DeadlineRow]
    recurring: list[ObligationRow]
    immediate: list[ObligationRow]
    relative: list[ObligationRow]


@dataclass(frozen=True)
class CitationSummary:
    """A cited law, rule, standard or document number; ``notice`` is the notice it names when
    that notice is in the database."""
    key: str
    kind: str
    count: int
    notices: dict
    notice: str | None = None


@dataclass(frozen=True)
class CitingClause:
    """A clause citing a given title / standard / document number."""
    notice: str
    path: str
    text: str
    written: str
    clause_id: str


@dataclass(frozen=True)
class Neighbour:
    """A related obligation and why it is related (``same actor and citation``,
    ``same clause``, ``similar text``); ``score`` is the text similarity (0..1)."""
    obligation: ObligationRow
    reason: str
    score: float = 0.0


@dataclass(frozen=True)
class ShowResult:
    """One obligation or clause in full: its clause text, the headings above it and its
    neighbours in the graph."""
    kind: str  # obligation | clause
    id: str
    notice: str
    title: str
    path: str
    clause_text: str
    headings: list[tuple[str, str]]
    obligation: ObligationRow | None = None
    obligations: list[ObligationRow] = field(default_factory=list)
    neighbours: list[Neighbour] = field(default_factory=list)
    terms: list["TermRow"] = field(default_factory=list)
    """The defined terms the obligation (or the clause) uses, whose scope reaches it."""
    notice_info: "NoticeRow | None" = None
    """The notice's level, 文号, dates and status (:func:`notices`)."""


@dataclass(frozen=True)
class TermRow:
    """A defined term (``regpipe query terms``): the notice and clause defining it, its scope
    (``""``: the whole notice; else the chapter, section or article path) and its definition."""
    term: str
    definition: str
    kind: str
    notice: str
    path: str
    scope: str
    note: str | None


# ------------------------------------------------------------------ helpers
_COLUMNS = ("o.notice_id, o.ord, o.id, o.path, o.subject, o.actors, o.modality, o.trigger, o.action, o.condition, "
            "o.deadline_text, o.deadline_kind, o.deadline_date, o.citation_keys, o.clause_id, "
            "coalesce(nullif(o.actor, ''), o.subject), coalesce(nullif(o.subject_source, ''), 'explicit')")
"""The columns a listing reads: the notice and document order to sort by, then the fields of
:class:`ObligationRow` in its order (the notice's name, title and 文号 are read once per notice)."""


def _fetch(db: sqlite_utils.Database, where: list[str], params: list, limit: int | None = None) -> list[ObligationRow]:
    """Obligations matching every SQL condition in ``where`` (on ``o``, the obligations table),
    ordered by notice name then document order, at most ``limit``, with their actors and
    citation keys (the ``actors`` / ``citation_keys`` columns the store keeps with each row).

    Notice names and titles are read once per notice, and rows naming the same actors or
    citations share one tuple of them (most rows of a listing name the same few).
    """
    with _gc_paused():  # thousands of acyclic rows: the cycle collector would only rescan them
        rows, notices = _ordered(db, _COLUMNS, where, params, limit)
        lists: dict[str | None, tuple[str, ...]] = {None: (), "": ()}

        def split(value: str | None) -> tuple[str, ...]:
            got = lists.get(value)
            if got is None:
                got = lists[value] = tuple(value.split(LIST_SEP))
            return got

        out = [ObligationRow(i, *notices[n], path, subj, split(acts), mod, trig, action, cond_, dtext, dkind, ddate,
                             split(cites), clause, actor, source)
               for n, _, i, path, subj, acts, mod, trig, action, cond_, dtext, dkind, ddate, cites, clause, actor, source
               in rows]
        del rows  # free the raw tuples before the collector runs again: it would scan each one
    return out


def _ordered(db: sqlite_utils.Database, columns: str, where: list[str], params: list,
             limit: int | None = None) -> tuple[list[tuple], dict[str, tuple[str, str, str | None]]]:
    """Rows of ``columns`` (``o.notice_id, o.ord`` first) of the obligations matching every
    condition in ``where``, ordered by notice name then document order, at most ``limit``; and
    ``{notice id: (name, title or name, 文号)}`` of their notices.

    A CTE selects the matching rowids (ordered and cut in SQL only when there is a limit) and
    each row is read once by rowid; a full result is sorted in Python, by the rank of its
    notice's name (sorting ten thousand rows with their text in SQLite copies all of it)."""
    cond = " where " + " and ".join(where) if where else ""
    if limit:
        inner = (f"select o.rowid as rid from obligations o join notices n on n.id = o.notice_id{cond} "
                 f"order by n.name, o.ord limit {int(limit)}")
    else:
        inner = f"select o.rowid as rid from obligations o{cond}"
    rows = db.execute(f"with sel as ({inner}) select {columns} from sel join obligations o on o.rowid = sel.rid",
                      params).fetchall()
    notices = {nid: (name, title or name, number) for nid, name, title, number in in_chunks(
        db, "select id, name, title, doc_number from notices where id in ({})", {r[0] for r in rows})}
    rank = {nid: i for i, nid in enumerate(sorted(notices, key=lambda n: notices[n][0]))}
    rows.sort(key=lambda r: (rank[r[0]], r[1]))
    return rows, notices


def in_chunks(db: sqlite_utils.Database, sql: str, values: set[str]) -> list[tuple]:
    """Rows of ``sql`` (one ``{}`` for the marks of an ``IN (…)``) over ``values``, 900 at a
    time (SQLite's default limit on bound parameters is 999)."""
    values = sorted(values)
    out: list[tuple] = []
    for i in range(0, len(values), 900):
        chunk = values[i:i + 900]
        out += db.execute(sql.format(",".join("?" * len(chunk))), chunk).fetchall()
    return out


@contextmanager
def _gc_paused():
    """Pause Python's cyclic garbage collector for a bulk build of plain rows (restored after)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def resolve_actor(db: sqlite_utils.Database, name: str) -> str:
    """The canonical actor for ``name`` (canonical, alias, a notice's abbreviation, ``各…``).

    Raises:
        QueryError: no such actor; the message lists the closest known names.
    """
    name = name.strip()
    row = db.execute("select actor_id from actor_aliases where alias = ?", [name]).fetchone()
    if row:
        return row[0]
    canonical = load_ontology().resolve(name)
    if canonical:
        return canonical
    if db.execute("select 1 from actors where id = ?", [name]).fetchone():
        return name
    known = [r[0] for r in db.execute("select id from actors union select alias from actor_aliases")]
    raise QueryError(f"unknown actor {name!r}", suggestions=closest(name, known))


def actor_scope(db: sqlite_utils.Database, name: str, exact: bool = False) -> set[str]:
    """``name`` resolved, with every narrower actor (is_a / part_of, transitively) unless ``exact``."""
    canonical = resolve_actor(db, name)
    if exact:
        return {canonical}
    return narrower(canonical, db.execute("select child, parent, rel from actor_relations").fetchall())


def resolve_citation(db: sqlite_utils.Database, text: str) -> list[str]:
    """Citation IDs for ``text`` however it is written (``《中华人民共和国认证认可条例》``,
    ``认证认可条例``, ``GB/T27021.1``, ``市监认证〔2019〕18号``). A standard number also matches
    its parts (``GB/T 27021`` → ``GB/T 27021.1``, ``.2`` …).

    Raises:
        QueryError: nothing cited matches; the message lists the closest cited keys.
    """
    text = text.strip()
    # a title written with its 文号 or standard number is one citation: either key finds it
    # (alt_key); a dated title (KEY@DATE, a version the notice repeals) is found by its title
    if STANDARD_RE.search(text):
        key = citation_key("standard", text)
        rows = db.execute("select id from citations where (kind = 'standard' and (key = ? or key like ?)) "
                          "or alt_key = ? or alt_key like ?", [key, key + ".%", key, key + ".%"]).fetchall()
    elif re.search(r"〔\d{4}〕|\[\d{4}\]|令第\S+号", text):
        key = citation_key("doc_number", text)
        rows = db.execute("select id from citations where key = ? or alt_key = ?", [key, key]).fetchall()
    else:
        key = citation_key("title", text if text.startswith("《") else f"《{text}》")
        rows = db.execute("select id from citations where (kind = 'title' and (key = ? or substr(key, 1, ?) = ?)) "
                          "or alt_key = ?", [key, len(key) + 1, key + "@", key]).fetchall()
    if rows:
        return [r[0] for r in rows]
    known = [r[0] for r in db.execute("select distinct key from citations")]
    raise QueryError(f"nothing cites {text!r}", suggestions=closest(citation_key("title", text), known))


def _notice_ids(db: sqlite_utils.Database, notice: str) -> list[str]:
    """The notices ``notice`` names as a whole: an ID, a name, a 文号 or order number (however
    bracketed: ``市监认证[2019]18号``), or a title (``认证认可条例`` = ``中华人民共和国认证认可条例``:
    every version of it).

    Raises:
        QueryError: no notice has that name; a part of names or titles lists the notices it is
            part of (``test`` is no notice, ``shanghai-inspection-testing-regulation-2024`` is).
    """
    number = citation_key("doc_number", notice) if re.search(r"[〔\[［【]\d{4}[〕\]］】]", notice) else notice
    key = citation_key("title", notice if notice.startswith("《") else f"《{notice}》")
    rows = [nid for nid, name, num, title in db.execute("select id, name, doc_number, title from notices")
            if notice in (nid, name) or num in (notice, number)
            or title and (title == notice or citation_key("title", f"《{title}》") == key)]
    if rows:
        return rows
    part = [r[0] for r in db.execute("select name from notices where instr(name, ?) or instr(coalesce(title, ''), ?) "
                                     "order by name", [notice] * 2)]  # as written: % and _ are no wildcards
    if part:
        raise QueryError(f"no notice is named {notice!r}; it is part of {len(part)} "
                         f"(name one whole: its name, 文号 or title)", suggestions=part[:8])
    known = [r[0] for r in db.execute("select name from notices")]
    raise QueryError(f"no notice {notice!r}", suggestions=closest(notice, known))


_LAW_TITLE = re.compile(r"(法|条例|规定|办法|细则|规则|决定|规范|准则)(（[^）]*）)?$")
"""Titles of laws and rules, which name one text across its revisions (a notice's do not)."""


def superseded(db: sqlite_utils.Database) -> dict[str, str]:
    """Notices no longer in force: old notice name → the name of the newest version.

    A notice is superseded when ``regpipe diff`` recorded a newer version of it
    (``supersessions``), or when it is a law or rule (no 文号 but at most an order number such as
    ``国务院令第390号``, a title ending in 法, 条例,
    办法 …: such texts are known by their title) and another one has the same title and a later date (the latest revision in the
    header: see :func:`pipeline.ingest.extract_metadata`; equal dates are ordered by name).
    Notices with a 文号 are separate documents even under one title (a yearly
    ``关于开展……工作的通知``), so only a recorded diff supersedes them."""
    rows = db.execute("select id, name, title, coalesce(date, ''), doc_number from notices").fetchall()
    name = {nid: n for nid, n, _, _, _ in rows}
    newer: dict[str, str] = {}
    by_title: dict[str, list[tuple[str, str]]] = {}
    for nid, n, title, day, number in rows:
        # a law or rule has no 文号, at most the number of the order that issued it (国务院令第390号)
        if title and (not number or "令第" in number) and _LAW_TITLE.search(title) and "关于" not in title:
            by_title.setdefault(citation_key("title", f"《{title}》"), []).append((day, n))
    for versions in by_title.values():
        latest = max(versions)[1]
        newer.update({n: latest for _, n in versions if n != latest})
    for new_id, old_id in db.execute("select new_notice_id, old_notice_id from supersessions"):
        if old_id in name and new_id in name:
            newer.setdefault(name[old_id], name[new_id])
    for old in list(newer):  # follow chains 2016 → 2020 → 2023 to the newest
        seen = {old}
        while newer[old] in newer and newer[old] not in seen:
            seen.add(newer[old])
            newer[old] = newer[newer[old]]
    return newer


_STATED = {"已修改": "已被修改", "已被修改": "已被修改", "已废止": "已废止", "失效": "已废止", "已失效": "已废止"}
"""A source comment's 时效性 (``<!-- STATUS: 已修改 -->``) → the status :func:`notices` gives."""

STATUS_ZH = ("尚未生效", "现行有效", "已被修改", "已废止")
"""时效性 values :func:`notices` gives (as 北大法宝 names them)."""


@dataclass(frozen=True)
class NoticeRow:
    """One notice with what a law database shows on its page: 效力级别, 文号 (or order number),
    issuer, version date, 公布日期, 修订/修正 dates, 施行日期 (ISO), 时效性 as of ``as_of`` with its
    reason, and its relations: the newer version that supersedes it, the notices that repeal it,
    and what it repeals and implements (names of notices in the database, else the titles or 文号
    as written)."""
    name: str
    title: str
    level: str | None
    doc_number: str | None
    issuer: str | None
    date: str | None
    effective: str | None
    status: str
    superseded_by: str | None
    promulgated: str | None = None
    revisions: tuple[str, ...] = ()
    valid_until: str | None = None
    repealed_by: tuple[str, ...] = ()
    repeals: tuple[str, ...] = ()
    implements: tuple[str, ...] = ()
    status_reason: str | None = None


def notices(db: sqlite_utils.Database, as_of: str | None = None, level: str | None = None,
            names: set[str] | None = None) -> list[NoticeRow]:
    """Every notice, ordered by level then date, with its 时效性 as of ``as_of`` (default today):

    - 已废止 when a notice of the database in force by then repeals it (``relations``), or its
      own validity period (``有效期至``) ended before that day;
    - 已被修改 when a newer version of the same rule, dated by that day, is in the database
      (:func:`superseded`);
    - 尚未生效 when its 施行日期, or the date of this version, is after that day;
    - what the source site stated in a comment (``<!-- STATUS: 已修改 -->``: 已被修改, 已废止), when
      the database says nothing else and ``as_of`` is not in the past; else 现行有效.

    ``level`` keeps one 效力级别, ``names`` only the notices named. ``status_reason`` says which
    fact gave the status.

    Raises:
        QueryError: a malformed ``as_of``.
    """
    from datetime import date as _date

    day = iso_date(as_of) if as_of else _date.today().isoformat()
    newer = superseded(db)
    # one read of the notices table (its rows hold the texts: each scan of a later column is costly)
    table = db.execute("select id, name, coalesce(title, name), level, doc_number, issuer, date, effective, "
                       "promulgated, revisions, valid_until, source_status from notices").fetchall()
    name_of = {r[0]: r[1] for r in table}
    starts = {r[0]: r[7] or r[6] for r in table}
    rel: dict[str, dict[str, list[str]]] = {}
    repealed: dict[str, list[str]] = {}
    for nid, kind, key, title, number, target in db.execute(
            "select notice_id, kind, key, title, doc_number, target_notice_id from relations order by id"):
        said = name_of.get(target) or (f"《{title}》" if title else number or key)
        rel.setdefault(nid, {}).setdefault(kind, []).append(said)
        if kind == "repeals" and target and (starts.get(nid) or "") <= day:
            repealed.setdefault(target, []).append(name_of.get(nid, nid))
    dates = {r[1]: r[6] or "" for r in table}
    versions: dict[str, list[str]] = {}
    for old, newest in newer.items():
        versions.setdefault(newest, [newest]).append(old)

    def replaced_by(name: str) -> str | None:
        """The first version of the same rule dated after ``name`` and by ``day``."""
        later = [v for v in versions.get(newer.get(name, ""), ()) if dates[name] < dates[v] <= day]
        return min(later, key=lambda v: (dates[v], v)) if later else None

    rows = []
    for nid, name, title, lvl, number, issuer, d, eff, prom, revs, until, stated in table:
        if level and lvl != level or names is not None and name not in names:
            continue
        if nid in repealed:
            status, why = "已废止", "废止：" + "、".join(repealed[nid])
        elif until and until < day:
            status, why = "已废止", f"有效期至{until}"
        elif name in newer and replaced_by(name):
            status, why = "已被修改", f"新版本：{replaced_by(name)}"
        elif eff and eff > day or d and d > day:
            status, why = "尚未生效", f"{eff}起施行" if eff and eff > day else f"本版本{d}发布"
        elif stated in _STATED and day >= _date.today().isoformat():
            # the source site says so (as of its download), and nothing in the database says otherwise
            status, why = _STATED[stated], f"来源标注：{stated}"
        else:
            status, why = "现行有效", None
        r = rel.get(nid, {})
        rows.append(NoticeRow(name, title, lvl, number, issuer, d, eff, status, newer.get(name), prom,
                              tuple(json.loads(revs or "[]")), until, tuple(repealed.get(nid, ())),
                              tuple(r.get("repeals", ())) + tuple(f"{x}（部分）" for x in r.get("partly_repeals", ())),
                              tuple(r.get("implements", ())), why))
    order = {lvl: k for k, lvl in enumerate(("法律", "行政法规", "地方性法规", "部门规章", "地方政府规章", "规范性文件"))}
    return sorted(rows, key=lambda r: (order.get(r.level, 9), r.date or "", r.name))


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


# ------------------------------------------------------------------ obligations
def notice_scope(db: sqlite_utils.Database, current_only: bool = False, in_force: str | None = None,
                 level: str | None = None) -> list[str] | None:
    """The IDs of the notices a query keeps, or ``None`` for all of them.

    Args:
        current_only: leave out notices superseded by a newer version (:func:`superseded`).
        in_force: an ISO date (or ``"today"``): only notices 现行有效 that day (not yet in force,
            repealed, expired and superseded ones left out; see :func:`notices`).
        level: only notices of this 效力级别 (法律, 行政法规, 部门规章, 地方性法规, 地方政府规章, 规范性文件).
    Raises:
        QueryError: a malformed date, or an unknown level.
    """
    if not (current_only or in_force or level):
        return None
    if level and level not in LEVELS:
        raise QueryError(f"unknown level {level!r}", suggestions=list(LEVELS))
    ids = dict((n, i) for i, n in db.execute("select id, name from notices"))
    keep = set(ids)
    if current_only and not in_force:  # in force on a date: the version in force that day
        keep -= set(superseded(db))
    if in_force:
        day = None if in_force == "today" else in_force
        keep &= {r.name for r in notices(db, as_of=day) if r.status == "现行有效"}
    if level:
        keep &= {n for n, in db.execute("select name from notices where level = ?", [level])}
    return sorted(ids[n] for n in keep)


def _scope_sql(scope: list[str] | None, column: str) -> tuple[str | None, list[str]]:
    if scope is None:
        return None, []
    return f"{column} in ({','.join('?' * len(scope))})" if scope else "0", list(scope)


LEVELS = ("法律", "行政法规", "地方性法规", "部门规章", "地方政府规章", "规范性文件", "党内法规", "其他")
"""效力级别 values (GUIDELINES and ``data/levels.json``)."""


def obligations(db: sqlite_utils.Database, actor: str | None = None, exact: bool = False,
                modality: str | list[str] | None = None, notice: str | None = None,
                due_before: str | None = None, due_after: str | None = None, cites: str | None = None,
                text: str | None = None, clause: str | None = None, limit: int | None = None,
                with_deadline: bool = False, current_only: bool = False, in_force: str | None = None,
                level: str | None = None) -> list[ObligationRow]:
    """Obligations matching every given filter, ordered by notice then document order.

    Args:
        actor: bound actor (alias or abbreviation allowed); narrower actors included unless ``exact``.
        modality: one or several of ``must``, ``must_not``, ``may``, ``encouraged``, ``target``.
        notice: notice name, ID, 文号 or title (a substring of the name or title also matches).
        due_before / due_after: ISO dates; only obligations with a dated deadline in range
            (``due_before`` exclusive, ``due_after`` inclusive).
        cites: a cited title, standard or document number, however written.
        text: full-text search: terms separated by spaces, each of which must occur in the
            obligation's subject, action or condition or in its clause's text (3+ characters use
            the trigram index; shorter ones and clause texts a substring scan).
        clause: a clause path; the clause and everything under it.
        limit: at most this many rows.
        with_deadline: only obligations that have a deadline.
        current_only, in_force, level: which notices (:func:`notice_scope`); a ``notice`` given
            by its own name or ID is kept even when superseded (a title names every version, and
            ``current_only`` keeps the current one).
    Raises:
        QueryError: unknown actor, notice, citation, modality or level.
    """
    where, params = _obligation_filter(db, actor, exact, modality, notice, due_before, due_after, cites, text,
                                       clause, with_deadline, current_only, in_force, level)
    return _fetch(db, where, params, limit)


def obligations_json(db: sqlite_utils.Database, limit: int | None = None, **filters) -> bytes:
    """What ``regpipe query obligations --json`` prints for the same filters as
    :func:`obligations`: a JSON list, one obligation per line, UTF-8 encoded, byte for byte
    ``dumps(obligations(db, limit=limit, **filters)).encode()``. Each line is the row's
    ``row_json`` (:func:`pipeline.store.row_json`) copied out of the database: listing every
    duty of a broad actor builds no Python object per row.

    Raises:
        QueryError: as :func:`obligations`.
    """
    where, params = _obligation_filter(db, **filters)
    rows, _ = _ordered(db, "o.notice_id, o.ord, cast(o.row_json as blob)", where, params, limit)
    return b"[\n" + b",\n".join([r[2] for r in rows]) + b"\n]" if rows else b"[]"


def count_obligations(db: sqlite_utils.Database, **filters) -> int:
    """How many obligations :func:`obligations` lists for the same keyword filters (``limit``
    aside), counted without reading them: a terminal shows the first rows of a long listing and
    says how many there are.

    Raises:
        QueryError: as :func:`obligations`.
    """
    where, params = _obligation_filter(db, **filters)
    cond = " where " + " and ".join(where) if where else ""
    return db.execute(f"select count(*) from obligations o{cond}", params).fetchone()[0]


def _obligation_filter(db: sqlite_utils.Database, actor: str | None = None, exact: bool = False,
                       modality: str | list[str] | None = None, notice: str | None = None,
                       due_before: str | None = None, due_after: str | None = None, cites: str | None = None,
                       text: str | None = None, clause: str | None = None, with_deadline: bool = False,
                       current_only: bool = False, in_force: str | None = None,
                       level: str | None = None) -> tuple[list[str], list]:
    """The SQL conditions on ``o`` (the obligations table) and their parameters for the filters
    of :func:`obligations`."""
    where, params = [], []
    if notice and current_only and db.execute("select 1 from notices where name = ? or id = ?",
                                              [notice, notice]).fetchone():
        current_only = False  # a version named by its own name is shown even if superseded
    cond, args = _scope_sql(notice_scope(db, current_only, in_force, level), "o.notice_id")
    if cond:
        where.append(cond)
        params += args
    if actor:
        scope = sorted(actor_scope(db, actor, exact))
        where.append(f"o.id in (select obligation_id from obligation_actors where actor_id in "
                     f"({','.join('?' * len(scope))}))")
        params += scope
    if modality:
        mods = [modality] if isinstance(modality, str) else list(modality)
        bad = [m for m in mods if m not in MODALITIES]
        if bad:
            raise QueryError(f"unknown modality {bad[0]!r}", suggestions=list(MODALITIES))
        where.append(f"o.modality in ({','.join('?' * len(mods))})")
        params += mods
    if notice:
        ids = _notice_ids(db, notice)
        where.append(f"o.notice_id in ({','.join('?' * len(ids))})")
        params += ids
    if due_before:
        where.append("o.deadline_date < ?")
        params.append(iso_date(due_before))
    if due_after:
        where.append("o.deadline_date >= ?")
        params.append(iso_date(due_after))
    if cites:
        cids = resolve_citation(db, cites)
        marks = ",".join("?" * len(cids))
        where.append(f"(o.id in (select obligation_id from obligation_citations where citation_id in ({marks})) "
                     f"or o.clause_id in (select clause_id from clause_citations where citation_id in ({marks})))")
        params += cids + cids
    for term in (text or "").split():  # several terms: every one must occur (AND)
        clause_hit = "o.clause_id in (select id from clauses where instr(text, ?))"
        if len(term) >= 3:
            where.append(f"(o.rowid in (select rowid from obligations_fts where obligations_fts match ?) or {clause_hit})")
            params += [_fts_phrase(term), term]
        else:
            where.append(f"(instr(o.action, ?) or instr(coalesce(o.condition, ''), ?) or instr(o.subject, ?) "
                         f"or {clause_hit})")
            params += [term] * 4
    if with_deadline:
        where.append("o.deadline_kind is not null")
    if clause:
        prefix = clause.rstrip("/") + "/"
        where.append("(o.path = ? or substr(o.path, 1, ?) = ?)")  # no LIKE: % in a path is no wildcard
        params += [clause, len(prefix), prefix]
    return where, params


def iso_date(value: str) -> str:
    """``value`` as a normalised ISO date (``2026-12-31``).

    Raises:
        QueryError: not a date written YYYY-MM-DD.
    """
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as e:
        raise QueryError(f"not an ISO date: {value!r} (expected YYYY-MM-DD)") from e


# ------------------------------------------------------------------ actors
def actors(db: sqlite_utils.Database, include_unbound: bool = False, current_only: bool = False,
           in_force: str | None = None, level: str | None = None) -> list[ActorSummary]:
    """Every actor bound by at least one obligation of the notices kept (``current_only``,
    ``in_force``, ``level``: :func:`notice_scope`; all lexicon actors with ``include_unbound``),
    most obligations first; unlisted actors (not in the lexicon) are marked ``in_lexicon=False``."""
    counts: dict[str, dict] = {}
    names = dict(db.execute("select id, name from notices").fetchall())
    cond, args = _scope_sql(notice_scope(db, current_only, in_force, level), "notice_id")
    for actor_id, modality, notice_id, n in db.execute(
            "select actor_id, modality, notice_id, n from actor_counts" + (f" where {cond}" if cond else ""), args):
        notice = names.get(notice_id, notice_id)
        c = counts.setdefault(actor_id, {"mod": {}, "notice": {}})
        c["mod"][modality] = c["mod"].get(modality, 0) + n
        c["notice"][notice] = c["notice"].get(notice, 0) + n
    broader: dict[str, list[str]] = {}
    for child, parent, rel in db.execute("select child, parent, rel from actor_relations order by parent"):
        broader.setdefault(child, []).append(f"{rel} {parent}")
    out = []
    for name, kind, in_lex in db.execute("select id, kind, in_lexicon from actors"):
        c = counts.get(name)
        if c is None and not include_unbound:
            continue
        c = c or {"mod": {}, "notice": {}}
        out.append(ActorSummary(name, kind or "", bool(in_lex), sum(c["mod"].values()),
                                {m: c["mod"][m] for m in MODALITIES if m in c["mod"]},
                                dict(sorted(c["notice"].items())), tuple(broader.get(name, ()))))
    return sorted(out, key=lambda a: (-a.total, a.name))


# ------------------------------------------------------------------ deadlines
def deadlines(db: sqlite_utils.Database, as_of: str | None = None, actor: str | None = None,
              exact: bool = False, current_only: bool = False, in_force: str | None = None,
              level: str | None = None) -> DeadlineReport:
    """Obligations with deadlines. Dated ones (an ISO ``deadline_date``) in date order, each
    ``overdue`` or ``upcoming`` relative to ``as_of`` (default: today); recurring, immediate
    and relative (``30日内``) ones listed apart."""
    as_of = iso_date(as_of) if as_of else date.today().isoformat()
    rows = obligations(db, actor=actor, exact=exact, with_deadline=True, current_only=current_only,
                       in_force=in_force, level=level)
    ref = date.fromisoformat(as_of)
    dated = []
    for r in sorted((r for r in rows if r.deadline_date), key=lambda r: (r.deadline_date, r.notice, r.path)):
        days = (date.fromisoformat(r.deadline_date) - ref).days
        dated.append(DeadlineRow(r, "overdue" if days < 0 else "upcoming", days))
    by_kind = {k: [r for r in rows if r.deadline_kind == k and not r.deadline_date]
               for k in ("recurring", "immediate", "relative", "absolute")}
    return DeadlineReport(as_of, dated, by_kind["recurring"], by_kind["immediate"],
                          by_kind["relative"] + by_kind["absolute"])


# ------------------------------------------------------------------ citations
def citations(db: sqlite_utils.Database, current_only: bool = False, in_force: str | None = None,
              level: str | None = None) -> list[CitationSummary]:
    """What the notices kept (:func:`notice_scope`) cite, how often, by which notices; most cited
    first. A notice citing its own title (a predecessor of that name) is not linked to itself."""
    per: dict[str, dict] = {}
    cond, args = _scope_sql(notice_scope(db, current_only, in_force, level), "cl.notice_id")
    for cid, key, kind, target, notice, n in db.execute(
            "select c.id, c.key, c.kind, case when t.id = cl.notice_id then null else t.name end, nt.name, count(*) "
            "from clause_citations cc "
            "join citations c on c.id = cc.citation_id join clauses cl on cl.id = cc.clause_id "
            "join notices nt on nt.id = cl.notice_id left join notices t on t.id = c.notice_id "
            + (f"where {cond} " if cond else "") + "group by c.id, nt.name", args):
        p = per.setdefault(cid, {"key": key, "kind": kind, "target": target, "notices": {}})
        p["notices"][notice] = n
    out = [CitationSummary(p["key"], p["kind"], sum(p["notices"].values()), dict(sorted(p["notices"].items())),
                           p["target"]) for p in per.values()]
    return sorted(out, key=lambda c: (-c.count, c.key))


def citing_clauses(db: sqlite_utils.Database, of: str) -> list[CitingClause]:
    """The clauses citing ``of`` (a title, standard or document number, however written).

    Raises:
        QueryError: nothing cites it (with the closest cited keys).
    """
    cids = resolve_citation(db, of)
    rows = db.execute(
        f"select nt.name, cl.path, cl.text, cc.text, cl.id from clause_citations cc "
        f"join clauses cl on cl.id = cc.clause_id join notices nt on nt.id = cl.notice_id "
        f"where cc.citation_id in ({','.join('?' * len(cids))}) order by nt.name, cl.ord", cids).fetchall()
    return [CitingClause(*r) for r in rows]


# ------------------------------------------------------------------ show
def show(db: sqlite_utils.Database, item_id: str, similar: int = 5) -> ShowResult:
    """One obligation or clause by ID (or a unique prefix of at least 4 hex digits): full clause text, headings above it, and neighbours:
    obligations in other notices binding the same actor and citing the same thing, the
    clause's other obligations, and near-duplicates in other notices (character-bigram
    similarity of the action >= 0.5, the ``similar`` best).

    Raises:
        QueryError: no obligation or clause has this ID (the closest ID prefixes are listed).
    """
    item_id = _unique_id(db, item_id)
    got = obligations_by_ids(db, [item_id])
    if got:
        ob = got[0]
        clause_id = ob.clause_id
    else:
        ob = None
        clause_id = item_id
    cl = db.execute("select c.id, c.notice_id, c.path, coalesce(nullif(c.body, ''), c.text), c.parent_path, n.name, "
                    "coalesce(n.title, n.name) "
                    "from clauses c join notices n on n.id = c.notice_id where c.id = ?", [clause_id]).fetchone()
    if cl is None:
        known = [r[0] for r in db.execute("select id from obligations where id like ? union "
                                          "select id from clauses where id like ? limit 5",
                                          [item_id[:4] + "%"] * 2)]
        raise QueryError(f"no obligation or clause with ID {item_id!r}", suggestions=known)
    cid, nid, path, text, parent, notice, title = cl
    text = with_listed_items(db, cid, text)
    headings = []
    while parent:
        p = db.execute("select path, coalesce(nullif(body, ''), text), parent_path from clauses "
                       "where notice_id = ? and path = ?",
                       [nid, parent]).fetchone()
        if p is None:
            break
        headings.insert(0, (p[0], p[1].split("\n")[0]))
        parent = p[2]
    in_clause = obligations_by_clause(db, cid)
    neighbours: list[Neighbour] = []
    if ob is not None:
        neighbours += [Neighbour(o, "same clause") for o in in_clause if o.id != ob.id]
        if ob.citations and ob.actors:
            same = db.execute(
                "select distinct oa.obligation_id from obligation_actors oa "
                "join obligation_citations oc on oc.obligation_id = oa.obligation_id "
                "join citations c on c.id = oc.citation_id join obligations o on o.id = oa.obligation_id "
                f"where oa.actor_id in ({','.join('?' * len(ob.actors))}) "
                f"and c.key in ({','.join('?' * len(ob.citations))}) and o.notice_id != ? limit 20",
                [*ob.actors, *ob.citations, nid]).fetchall()
            neighbours += [Neighbour(o, "same actor and citation") for o in obligations_by_ids(db, [r[0] for r in same])]
        neighbours += [Neighbour(o, "similar text", s) for o, s in similar_obligations(db, ob, nid)[:similar]]
    used = " ".join(x or "" for x in (ob.subject, ob.action, ob.condition)) if ob else text
    info = next(iter(notices(db, names={notice})), None)
    return ShowResult("obligation" if ob else "clause", item_id, notice, title, path, text, headings,
                      ob, in_clause, neighbours, _terms_used(db, nid, path, used), info)


def terms(db: sqlite_utils.Database, term: str | None = None, notice: str | None = None,
          current_only: bool = False, in_force: str | None = None, level: str | None = None) -> list[TermRow]:
    """Defined terms (``本条例所称认证，是指……``), by term then notice; ``term`` matches a term
    that contains it, ``notice`` a notice as in :func:`obligations`; the notices kept as in
    :func:`notice_scope`.

    Raises:
        QueryError: unknown notice or level.
    """
    where, params = [], []
    cond, args = _scope_sql(notice_scope(db, current_only, in_force, level), "d.notice_id")
    if cond:
        where.append(cond)
        params += args
    if term:
        where.append("instr(d.term, ?)")
        params.append(term)
    if notice:
        ids = _notice_ids(db, notice)
        where.append(f"d.notice_id in ({','.join('?' * len(ids))})")
        params += ids
    rows = db.execute("select d.term, d.definition, d.kind, n.name, d.path, d.scope, d.note from definitions d "
                      "join notices n on n.id = d.notice_id" + (" where " + " and ".join(where) if where else "")
                      + " order by d.term, n.name, d.id", params).fetchall()
    return [TermRow(*r) for r in rows]


def _terms_used(db: sqlite_utils.Database, notice_id: str, path: str, text: str) -> list[TermRow]:
    """The notice's defined terms that ``text`` uses and whose scope reaches ``path``."""
    from .definitions import terms_in
    from .model import Definition

    name = db.execute("select name from notices where id = ?", [notice_id]).fetchone()[0]
    defined = [Definition(name, t, d, k, p, sc, nt, "") for t, d, k, p, sc, nt in db.execute(
        "select term, definition, kind, path, scope, note from definitions where notice_id = ? order by id",
        [notice_id])]
    # a term inside an actor's name is not used there (认可 in 认证认可监督管理部门)
    known = {n for (n,) in db.execute("select alias from actor_aliases union select id from actors")}
    names = sorted({n for n in known for d in defined if d.term in n and n != d.term}, key=len, reverse=True)
    for n in names:
        text = text.replace(n, "\u3000")
    seen, out = set(), []
    for d in terms_in(text, defined, path):
        if d.term not in seen:
            seen.add(d.term)
            out.append(TermRow(d.term, d.definition, d.kind, name, d.path, d.scope, d.note))
    return out


@lru_cache(maxsize=1)
def _list_words() -> tuple[str, ...]:
    from .lexicon import load_lexicon

    return tuple(e["word"] for e in load_lexicon("grammar.json")["classes"]["list_reference"]["entries"])


def points_to_list(text: str) -> bool:
    """Whether ``text`` points to items listed under its clause (``下列``, ``以下``, ``如下``,
    ``上述``: word class ``list_reference`` of ``data/grammar.json``)."""
    return any(w in text for w in _list_words())


def listed_items(db: sqlite_utils.Database, clause_id: str) -> list[tuple[str, str]]:
    """(label, text) of the clauses directly under ``clause_id``, in document order."""
    row = db.execute("select notice_id, path from clauses where id = ?", [clause_id]).fetchone()
    if row is None:
        return []
    return [(label, text) for label, text in db.execute(
        "select label, coalesce(nullif(body, ''), text) from clauses where notice_id = ? and parent_path = ? "
        "and kind not in ('chapter', 'section') order by ord", list(row))]


def with_listed_items(db: sqlite_utils.Database, clause_id: str, text: str) -> str:
    """``text`` (the clause's own) followed by the items listed under it, one per line, when it
    points to them (:func:`points_to_list`); else ``text``."""
    if not points_to_list(text):
        return text
    items = listed_items(db, clause_id)
    return text + "".join(f"\n{label}{t}" for label, t in items) if items else text


def _unique_id(db: sqlite_utils.Database, prefix: str) -> str:
    """The obligation or clause ID ``prefix`` starts (an ID of its own is kept as given).

    Raises:
        QueryError: the prefix starts several IDs (they are listed).
    """
    if len(prefix) >= 16 or not re.fullmatch(r"[0-9a-f]{4,15}", prefix):
        return prefix
    hits = [r[0] for r in db.execute("select id from obligations where substr(id, 1, ?) = ? union "
                                     "select id from clauses where substr(id, 1, ?) = ? limit 6",
                                     [len(prefix), prefix] * 2)]
    if len(hits) > 1:
        raise QueryError(f"ID prefix {prefix!r} is not unique", suggestions=hits[:5])
    return hits[0] if hits else prefix


def obligations_by_ids(db: sqlite_utils.Database, ids: list[str]) -> list[ObligationRow]:
    """The obligations with these IDs (unknown IDs are skipped)."""
    if not ids:
        return []
    return _fetch(db, [f"o.id in ({','.join('?' * len(ids))})"], list(ids))


def obligations_by_clause(db: sqlite_utils.Database, clause_id: str) -> list[ObligationRow]:
    """The obligations a clause states, in order."""
    return _fetch(db, ["o.clause_id = ?"], [clause_id])


def similar_obligations(db: sqlite_utils.Database, ob: ObligationRow, exclude_notice: str | None = None,
                        threshold: float = 0.5, candidates: int = 200) -> list[tuple[ObligationRow, float]]:
    """Near-duplicates of ``ob`` in other notices: candidates from the trigram index (any of up
    to 12 trigrams of the action), kept when their bigram similarity is >= ``threshold`` and
    both or neither are prohibitions (opposite modalities are no duplicates)."""
    action = re.sub(r"\s+", "", ob.action)
    grams = [action[i:i + 3] for i in range(0, max(1, len(action) - 2), max(1, (len(action) - 2) // 12 or 1))]
    grams = [g for g in dict.fromkeys(grams) if len(g) == 3][:12]
    if not grams:
        return []
    query = " OR ".join(_fts_phrase(g) for g in grams)
    rows = db.execute(
        "select o.id, o.action, o.notice_id from obligations o where o.rowid in "
        "(select rowid from obligations_fts where obligations_fts match ? order by rank limit ?) and o.id != ?",
        [query, candidates, ob.id]).fetchall()
    from .diff import similarity  # imported here: `regpipe query` starts without the diff stage

    scored = [(oid, similarity(action, a)) for oid, a, nid in rows if nid != exclude_notice]
    scored = sorted(((oid, s) for oid, s in scored if s >= threshold), key=lambda x: -x[1])
    by_id = {o.id: o for o in obligations_by_ids(db, [oid for oid, _ in scored])}
    # a prohibition is never a near-duplicate of a duty or a permission to do the same thing
    # (不得向其出具认证证书 ~ 应当及时向委托人出具认证证书)
    banned = ob.modality == "must_not"
    return [(by_id[oid], s) for oid, s in scored if oid in by_id and (by_id[oid].modality == "must_not") == banned]


def _json_default(value):
    """A dataclass as the dict of its fields (the JSON encoder calls this for each one it meets,
    so nested dataclasses are turned one level at a time, without copying the rest)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(value) -> str:
    """``value`` (dataclasses, lists, dicts, strings, numbers) as JSON, Chinese kept as is: a list
    one element per line (``[`` and ``]`` on lines of their own; grep-able, and encoded by the
    C encoder: 12,694 obligations in a fifth of a second), anything else indented by two.

    Dataclasses are encoded field by field as the encoder reaches them; :func:`dataclasses.asdict`
    deep-copies every value first, which took longer than encoding them."""
    if isinstance(value, (list, tuple)):
        enc = json.JSONEncoder(ensure_ascii=False, default=_json_default).encode
        return "[\n" + ",\n".join(map(enc, value)) + "\n]" if value else "[]"
    return json.dumps(value, ensure_ascii=False, indent=2, default=_json_default)


@dataclass(frozen=True)
class ChangeRow:
    """A change recorded by ``regpipe diff`` (see :mod:`pipeline.diff`)."""
    old_notice: str
    new_notice: str
    level: str  # clause | obligation
    kind: str
    actor: str | None
    old_path: str | None
    new_path: str | None
    before: str | None
    after: str | None
    old_obligation_id: str | None
    new_obligation_id: str | None


def changes(db: sqlite_utils.Database, notice: str | None = None, actor: str | None = None,
            exact: bool = False) -> list[ChangeRow]:
    """Changes recorded between versions ("which obligations did the 2023 revision change?").

    Args:
        notice: only changes made by this new version (name, ID, 文号, title or part of one).
        actor: only obligation changes binding this actor (narrower ones included unless ``exact``).
    """
    where, params = [], []
    if notice:
        ids = _notice_ids(db, notice)
        where.append(f"c.new_notice_id in ({','.join('?' * len(ids))})")
        params += ids
    if actor:
        scope = sorted(actor_scope(db, actor, exact))
        where.append(f"c.level = 'obligation' and (c.actor in ({','.join('?' * len(scope))}) or "
                     f"c.new_obligation_id in (select obligation_id from obligation_actors where actor_id in "
                     f"({','.join('?' * len(scope))})))")
        params += scope + scope
    rows = db.execute(
        "select o.name, n.name, c.level, c.kind, c.actor, c.old_path, c.new_path, c.before, c.after, "
        "c.old_obligation_id, c.new_obligation_id from changes c join notices o on o.id = c.old_notice_id "
        "join notices n on n.id = c.new_notice_id" + (" where " + " and ".join(where) if where else "")
        + " order by n.name, c.level, c.rowid", params).fetchall()
    return [ChangeRow(*r) for r in rows]
