"""Store: write extraction results to SQLite (sqlite-utils) and open the database.

Tables (foreign keys on): ``notices``, ``clauses``, ``obligations``, ``actors``, ``citations``,
``obligation_citations``; the full-text search table ``obligations_fts`` uses
FTS5's ``trigram`` tokenizer, which matches any Chinese substring of 3+ characters (shorter
queries fall back to ``LIKE`` in the query layer). New rows are queued in ``fts_pending`` and
indexed in bulk by :func:`flush_fts` (at the end of an extract run, or when the database is
next opened): one ``INSERT … SELECT`` indexes about three times faster than a trigger per row.

IDs are stable: a notice's ID is the first 16 hex digits of the SHA-256 of its cleaned text;
clause and obligation IDs hash that with the clause path. Writing a notice first deletes every
row of a notice with the same name, then inserts, all in one transaction (a savepoint, so that
:func:`batch` can group the commits of many notices): re-running never duplicates and a
failure leaves the previous rows intact.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
import re
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import apsw

if TYPE_CHECKING:
    import sqlite_utils


from .errors import StoreError
from .model import Clause, Notice, Obligation
from .actors import load_ontology
from .lexicon import citation_key, find_citations

SCHEMA_VERSION = 15
"""1: first release. 2 and 3 (same session): actor ontology (``actors.kind``/``in_lexicon``, ``actor_aliases``,
``actor_relations``, ``obligation_actors``, ``actor_counts``: obligations per actor, notice and
modality, kept with the rows), ``citations.notice_id``, FTS on the texts only. 4: ``changes`` and
``supersessions`` recorded by ``regpipe diff``. 5: new rows are full-text indexed in bulk
(``fts_pending``, :func:`flush_fts`). 6: no full-text index on clause texts. 7:
``obligations.actors`` and ``obligations.citation_keys``, copies of the link tables that a
listing reads without a lookup per row. 8: ``obligations.actor``, ``subject_source``, ``rules``.
9: ``clauses.body``, the complete clause text for display (paragraph breaks, Latin spaces), and
the preamble stored as a unit of kind ``preamble`` with path ``""``; ``text`` is complete
(lead-in plus the paragraphs after the items). 10: ``notices.level`` (效力级别), ``effective``
(施行日期) and where each came from (``level_source``, ``effective_source``). 11: the notice's
history (``promulgated``, ``revisions``, ``history``, ``valid_until``), ``citations.alt_key``,
``relations``, ``definitions``. 12: ``notices.source_status``. 13: the Chinese views. 14: the
link tables' indexes cover their lookups (``obligation_actors (actor_id, obligation_id)``,
``…_citations (citation_id, …)``): an actor's duties are found without reading a link row.
15: ``obligations.row_json``, each row as ``regpipe query obligations --json`` prints it
(:func:`row_json`)."""

LIST_SEP = "\x1f"
"""Separator (ASCII unit separator) of the names in ``obligations.actors`` / ``citation_keys``."""
DEFAULT_DB = Path("extracted/requirements.db")


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def row_json(row: dict, name: str, title: str | None, doc_number: str | None) -> str:
    """One ``obligations`` row (a dict of its columns) with its notice's name, title and 文号,
    as the JSON object ``regpipe query obligations --json`` prints for it: the fields of
    :class:`pipeline.query.ObligationRow` in their order, Chinese unescaped, on one line
    (``actors`` and ``citations`` as lists; an empty ``actor`` is the subject, an empty
    ``subject_source`` is ``explicit``; a notice without a title shows its name).

    The store keeps it in ``obligations.row_json``, written with the row, so that listing
    every duty of a broad actor copies ten thousand strings out of SQLite instead of building
    ten thousand Python objects and encoding them again."""
    return _ENCODE({
        "id": row["id"], "notice": name, "title": title or name, "doc_number": doc_number, "path": row["path"],
        "subject": row["subject"], "actors": row["actors"].split(LIST_SEP) if row["actors"] else [],
        "modality": row["modality"], "trigger": row["trigger"], "action": row["action"],
        "condition": row["condition"], "deadline_text": row["deadline_text"], "deadline_kind": row["deadline_kind"],
        "deadline_date": row["deadline_date"],
        "citations": row["citation_keys"].split(LIST_SEP) if row["citation_keys"] else [],
        "clause_id": row["clause_id"], "actor": row["actor"] or row["subject"],
        "subject_source": row["subject_source"] or "explicit"})


def notice_id(notice: Notice) -> str:
    """Stable notice ID: 16 hex digits of the SHA-256 of the cleaned text."""
    return notice.sha256[:16]


def clause_id(notice: Notice, clause: Clause) -> str:
    """Stable clause ID from the notice hash, the clause path and its document order."""
    return hashlib.sha1(f"{notice.sha256}|{clause.path}|{clause.order}".encode()).hexdigest()[:16]


MMAP_SIZE = 1 << 30
"""Bytes of the database file SQLite reads through memory-mapped I/O instead of a ``read`` call
and a copy per 4 KiB page (https://www.sqlite.org/mmap.html): listing 12,694 obligations at
1,000 notices touches thousands of pages, and reading them in place is a sixth faster. SQLite
falls back to ordinary reads where mapping is not possible."""

BUSY_TIMEOUT = 60.0
"""Seconds a writer waits for another writer's transaction (another ``regpipe extract`` on the
same database) before giving up (SQLite's busy timeout)."""


def open_db(path: str | Path = DEFAULT_DB, create: bool = True, readonly: bool = False) -> sqlite_utils.Database:
    """Open (and with ``create``, create or migrate) the regpipe database.

    Args:
        path: the SQLite file.
        create: create it, or migrate an older schema in place, when needed.
        readonly: open it read-only (``mode=ro``; ``immutable`` when even the write-ahead
            log cannot be read without writing): what ``query``, ``checklist``, ``diff`` and
            ``graph export`` do, so that they work on a read-only file and never block a writer.
    Raises:
        StoreError: the file is missing, empty or of an older schema (``create=False``: the
            message says how to create or migrate it), not SQLite, of a newer schema, or
            read-only when ``create`` asks to write it.
    """
    path = Path(path)
    if not create and not path.exists():
        raise StoreError(f"{path}: no database; create it with `regpipe extract corpora/ --db {path}`")
    if not create and path.stat().st_size == 0:
        raise StoreError(f"{path}: empty file, not a regpipe database; create it with `regpipe extract corpora/ --db {path}`")
    if readonly:
        db = _open_readonly(path)
        version = db.execute("PRAGMA user_version").fetchone()[0]
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"{path}: cannot create the database's folder ({e.strerror or e})") from e
        import sqlite_utils  # the writer's library (imported here: queries open read-only without it)

        try:
            db = sqlite_utils.Database(sqlite3.connect(str(path), timeout=BUSY_TIMEOUT))
            version = db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.OperationalError as e:
            raise StoreError(f"{path}: cannot open the database ({e})") from e
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{path}: not a regpipe SQLite database ({e})") from e
    if version > SCHEMA_VERSION:
        raise StoreError(f"{path}: schema version {version} is newer than this regpipe ({SCHEMA_VERSION}); upgrade regpipe")
    if not create and version < SCHEMA_VERSION:
        raise StoreError(f"{path}: old schema (version {version}, this regpipe uses {SCHEMA_VERSION}); "
                         f"run `regpipe extract [PATH...] --db {path}` once to migrate it "
                         "(the schema is upgraded in place; existing rows are kept)")
    if readonly:
        return db
    deadline = time.monotonic() + BUSY_TIMEOUT
    while True:
        try:
            return _prepare(db, path, version)
        except StoreError as e:
            # two runs opening one new file at once: SQLite answers some of the first lock
            # requests (the journal-mode switch, a schema read upgraded to a write) with "locked"
            # at once instead of waiting; try again until BUSY_TIMEOUT has passed
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            if db.conn.in_transaction:
                db.conn.rollback()
            time.sleep(0.2)
            version = db.execute("PRAGMA user_version").fetchone()[0]


def _prepare(db: sqlite_utils.Database, path: Path, version: int) -> sqlite_utils.Database:
    """Set the connection's pragmas and create or upgrade the schema (:func:`open_db`)."""
    try:
        db.execute("PRAGMA foreign_keys = ON")
        # write-ahead log: a commit appends to the log instead of rewriting pages and syncing twice;
        # still one atomic transaction per notice (https://www.sqlite.org/wal.html); readers never
        # block the writer
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        # IDs are hashes, so every insert lands on a random page of each index: with SQLite's
        # default 2 MB page cache, a database of a few hundred notices no longer fits and writes
        # slow down as it grows. 64 MB keeps the indexes of thousands of notices in memory.
        db.execute("PRAGMA cache_size = -65536")
        db.execute(f"PRAGMA mmap_size = {MMAP_SIZE}")
        if version < SCHEMA_VERSION:
            # one process creates or upgrades the schema while another run on the same new file
            # waits for the write lock (BEGIN IMMEDIATE waits BUSY_TIMEOUT), then finds it done
            db.conn.execute("BEGIN IMMEDIATE")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version < SCHEMA_VERSION:
                _create_schema(db, version)
            else:
                db.conn.commit()
        elif db.execute("SELECT EXISTS (SELECT 1 FROM fts_pending)").fetchone()[0]:
            flush_fts(db)  # an interrupted run, or rows saved without extract_paths
    except sqlite3.OperationalError as e:
        if "readonly" in str(e) or "read-only" in str(e):
            raise StoreError(f"{path}: read-only database; extracting needs write access to it and its folder") from e
        raise StoreError(f"{path}: cannot write the database ({e})") from e
    return db


class ReadOnlyDatabase:
    """A read-only connection offering what the query stages call on a database: ``execute``
    (a cursor with ``fetchone``/``fetchall``, iterable), ``query`` (rows as dicts) and ``conn``,
    as ``sqlite_utils.Database`` does; errors are :class:`StoreError`.

    It reads through APSW (https://rogerbinns.github.io/apsw/), which brings its own current
    SQLite and turns rows into Python values about a quarter faster than the standard library's
    ``sqlite3`` (every duty of 认证机构 at 1,000 notices: 61 → 44 ms for the rows); the writer
    stays on sqlite-utils and ``sqlite3``; both read and write the same file format. Nor does a
    query import sqlite-utils, which imports numpy when it is installed (0.15 s)."""

    def __init__(self, conn, path: Path):
        self.conn = conn
        self.path = path

    def execute(self, sql: str, parameters=None):
        """The cursor of ``sql`` with ``parameters`` (a sequence or a mapping).

        Raises:
            StoreError: SQLite's error (a missing table, a damaged file), naming the database.
        """
        try:
            return self.conn.execute(sql, parameters) if parameters is not None else self.conn.execute(sql)
        except apsw.Error as e:
            raise StoreError(f"{self.path}: {e}") from e

    def query(self, sql: str, params=None):
        """Rows of ``sql`` as dicts keyed by column name."""
        cur = self.execute(sql, params)
        try:
            keys = [d[0] for d in cur.getdescription()]
        except apsw.ExecutionCompleteError:  # no rows
            return
        for row in cur:
            yield dict(zip(keys, row))

    def table_names(self) -> list[str]:
        """The tables of the database."""
        return [r[0] for r in self.execute("select name from sqlite_master where type = 'table'")]


def _open_readonly(path: Path) -> ReadOnlyDatabase:
    uri = path.resolve().as_uri()
    last = None
    for query in ("?mode=ro", "?mode=ro&immutable=1"):
        try:
            conn = apsw.Connection(uri + query, flags=apsw.SQLITE_OPEN_READONLY | apsw.SQLITE_OPEN_URI)
            conn.set_busy_timeout(int(BUSY_TIMEOUT * 1000))
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute(f"PRAGMA mmap_size = {MMAP_SIZE}")
            return ReadOnlyDatabase(conn, path)
        except (apsw.CantOpenError, apsw.BusyError, apsw.ReadOnlyError) as e:
            last = e  # a WAL database in a read-only folder: its -shm cannot be created
        except apsw.Error as e:
            raise StoreError(f"{path}: not a regpipe SQLite database ({e})") from e
    raise StoreError(f"{path}: cannot open the database read-only ({last})")


_FTS = {"obligations": ["subject", "action", "condition"]}
"""Tables with a trigram full-text index, and its columns. Clause texts had one until schema 6;
no query used it and it cost a twelfth of extraction time."""


def _create_schema(db: sqlite_utils.Database, version: int) -> None:
    """Create the tables, or upgrade a database of an older ``version`` in place."""
    with db.conn:
        db["notices"].create({
            "id": str, "name": str, "source": str, "format": str, "title": str, "doc_number": str,
            "issuer": str, "date": str, "addressees": str, "attachments": str, "truncated": int,
            "warnings": str, "sha256": str, "text": str, "level": str, "level_source": str, "effective": str,
            "effective_source": str, "promulgated": str, "revisions": str, "history": str, "valid_until": str,
            "valid_until_source": str, "source_status": str}, pk="id", if_not_exists=True)
        for col in ("level", "level_source", "effective", "effective_source",  # schema 10
                    "promulgated", "revisions", "history", "valid_until", "valid_until_source",  # schema 11
                    "source_status"):  # schema 12
            if col not in db["notices"].columns_dict:
                db["notices"].add_column(col, str)
        db["relations"].create({"id": str, "notice_id": str, "kind": str, "key": str, "title": str,
                                "doc_number": str, "date": str, "text": str, "evidence": str,
                                "target_notice_id": str}, pk="id",
                               foreign_keys=[("notice_id", "notices", "id")], if_not_exists=True)
        db["definitions"].create({"id": str, "notice_id": str, "term": str, "definition": str, "kind": str,
                                  "path": str, "scope": str, "note": str, "text": str, "clause_id": str}, pk="id",
                                 foreign_keys=[("notice_id", "notices", "id")], if_not_exists=True)
        db["clauses"].create({
            "id": str, "notice_id": str, "path": str, "label": str, "kind": str, "parent_path": str,
            "ord": int, "text": str, "start": int, "end": int, "body": str}, pk="id",
            foreign_keys=[("notice_id", "notices", "id")], if_not_exists=True)
        if "body" not in db["clauses"].columns_dict:  # schema 9
            db["clauses"].add_column("body", str)
        db["actors"].create({"id": str, "name": str, "kind": str, "in_lexicon": int}, pk="id", if_not_exists=True)
        for col, typ in (("kind", str), ("in_lexicon", int)):
            if col not in db["actors"].columns_dict:
                db["actors"].add_column(col, typ)
        db["actor_aliases"].create({"alias": str, "actor_id": str, "source": str}, pk="alias", if_not_exists=True)
        db["actor_relations"].create({"child": str, "parent": str, "rel": str}, pk=("child", "parent", "rel"),
                                     if_not_exists=True)
        db["citations"].create({"id": str, "key": str, "kind": str, "notice_id": str, "alt_key": str}, pk="id",
                               if_not_exists=True)
        for col in ("notice_id", "alt_key"):  # alt_key: schema 11
            if col not in db["citations"].columns_dict:
                db["citations"].add_column(col, str)
        db["obligations"].create({
            "id": str, "notice_id": str, "clause_id": str, "path": str, "actor_id": str, "subject": str,
            "subject_explicit": int, "modality": str, "trigger": str, "action": str, "condition": str,
            "deadline_text": str, "deadline_kind": str, "deadline_date": str, "sentence": str, "ord": int,
            "actors": str, "citation_keys": str, "actor": str, "subject_source": str, "rules": str, "row_json": str},
            pk="id", foreign_keys=[("notice_id", "notices", "id"), ("clause_id", "clauses", "id"),
                                   ("actor_id", "actors", "id")], if_not_exists=True)
        for col in ("actor", "subject_source", "rules", "row_json"):  # schema 8; row_json: 15
            if col not in db["obligations"].columns_dict:
                db["obligations"].add_column(col, str)
        db["obligation_actors"].create({"obligation_id": str, "actor_id": str}, pk=("obligation_id", "actor_id"),
                                       foreign_keys=[("obligation_id", "obligations", "id"),
                                                     ("actor_id", "actors", "id")], if_not_exists=True)
        db["actor_counts"].create({"actor_id": str, "notice_id": str, "modality": str, "n": int},
                                  pk=("actor_id", "notice_id", "modality"), if_not_exists=True)
        db["supersessions"].create({"new_notice_id": str, "old_notice_id": str},
                                   pk=("new_notice_id", "old_notice_id"), if_not_exists=True)
        db["changes"].create({"id": str, "old_notice_id": str, "new_notice_id": str, "level": str, "kind": str,
                              "actor": str, "old_path": str, "new_path": str, "before": str, "after": str,
                              "old_obligation_id": str, "new_obligation_id": str}, pk="id", if_not_exists=True)
        db["clause_citations"].create({"clause_id": str, "citation_id": str, "text": str},
                                      pk=("clause_id", "citation_id"),
                                      foreign_keys=[("clause_id", "clauses", "id"), ("citation_id", "citations", "id")],
                                      if_not_exists=True)
        db["obligation_citations"].create({"obligation_id": str, "citation_id": str, "text": str},
                                          pk=("obligation_id", "citation_id"),
                                          foreign_keys=[("obligation_id", "obligations", "id"),
                                                        ("citation_id", "citations", "id")], if_not_exists=True)
        for table, cols in (("clauses", ["notice_id"]), ("obligations", ["notice_id"]),
                            ("obligations", ["actor_id"]), ("obligations", ["deadline_date"]),
                            ("obligations", ["clause_id"]), ("obligation_actors", ["actor_id", "obligation_id"]),
                            ("obligations", ["deadline_kind"]), ("actor_counts", ["notice_id"]),
                            ("changes", ["new_notice_id"]),
                            ("clause_citations", ["citation_id", "clause_id"]),
                            ("obligation_citations", ["citation_id", "obligation_id"]),
                            ("notices", ["name"]), ("relations", ["notice_id"]),
                            ("relations", ["target_notice_id"]), ("definitions", ["notice_id"]),
                            ("definitions", ["term"])):
            db[table].create_index(cols, if_not_exists=True)
        for table, col in (("obligation_actors", "actor_id"), ("clause_citations", "citation_id"),
                           ("obligation_citations", "citation_id")):  # schema < 14: covered now
            db.execute(f"DROP INDEX IF EXISTS idx_{table}_{col}")
        db.execute("CREATE TABLE IF NOT EXISTS fts_pending (tbl TEXT, rid INTEGER, PRIMARY KEY (tbl, rid)) "
                   "WITHOUT ROWID")
        if "clauses" not in _FTS and "clauses_fts" in db.table_names():  # schema < 6
            for name in ("ai", "ad", "au"):
                db.execute(f"DROP TRIGGER IF EXISTS [clauses_{name}]")
            db.execute("DROP TABLE clauses_fts")  # an FTS5 table takes its shadow tables with it
            db.execute("DELETE FROM fts_pending WHERE tbl = 'clauses'")
        for table, cols in _FTS.items():
            if db[table].detect_fts() and db[f"{table}_fts"].columns_dict.keys() - {"rowid"} != set(cols):
                db[table].disable_fts()
            if not db[table].detect_fts():
                db[table].enable_fts(cols, tokenize="trigram", create_triggers=False, replace=True)
                db[table].rebuild_fts()
            _fts_triggers(db, table, cols)
        sync_ontology(db)
        for col in ("actors", "citation_keys"):
            if col not in db["obligations"].columns_dict:
                db["obligations"].add_column(col, str)
        if version >= 1:  # existing rows: bind their obligations to the ontology's actors, recount
            onto = load_ontology()
            rows = [(o, a) for o, subj in db.execute("select id, subject from obligations")
                    for a in onto.split(subj or "")]
            _ensure_actors(db, {a for _, a in rows})
            db.conn.executemany("INSERT OR IGNORE INTO obligation_actors VALUES (?, ?)", rows)
            db.execute("DELETE FROM actor_counts")
            db.execute("INSERT INTO actor_counts SELECT oa.actor_id, o.notice_id, o.modality, count(*) "
                       "FROM obligation_actors oa JOIN obligations o ON o.id = oa.obligation_id GROUP BY 1, 2, 3")
        if 1 <= version < 7:  # the link columns listings read (see save)
            db.execute(f"UPDATE obligations SET actors = (SELECT group_concat(actor_id, '{LIST_SEP}') FROM "
                       "obligation_actors WHERE obligation_id = obligations.id), citation_keys = "
                       f"(SELECT group_concat(key, '{LIST_SEP}') FROM (SELECT DISTINCT c.key FROM obligation_citations oc "
                       "JOIN citations c ON c.id = oc.citation_id WHERE oc.obligation_id = obligations.id ORDER BY c.key))")
        if 1 <= version < 15:  # the rows as --json prints them
            got = list(db.query("SELECT o.*, o.rowid AS rid_, n.name AS name_, n.title AS title_, "
                                "n.doc_number AS number_ FROM obligations o JOIN notices n ON n.id = o.notice_id"))
            db.conn.executemany("UPDATE obligations SET row_json = ? WHERE rowid = ?",
                                [(row_json(r, r["name_"], r["title_"], r["number_"]), r["rid_"]) for r in got])
        _create_views(db)  # schema 13
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    flush_fts(db)
    resolve_citations(db)


VIEWS = {
    "文件": """select n.name as 名称, n.title as 标题, n.level as 效力级别, n.doc_number as 文号, n.issuer as 发布机关,
        n.promulgated as 公布日期, n.date as 版本日期, n.effective as 施行日期, n.source_status as 来源标注时效性,
        (select count(*) from obligations o where o.notice_id = n.id) as 义务数, n.id as 文件编号
        from notices n""",
    "义务": """select o.id as 编号, n.title as 文件, n.name as 文件名, n.level as 效力级别, o.path as 条款,
        o.actor as 义务主体, o.subject as 原文主体,
        case o.modality when 'must' then '应当' when 'must_not' then '不得' when 'may' then '可以'
          when 'encouraged' then '鼓励' when 'target' then '目标' else o.modality end as 义务类型,
        o.trigger as 触发词, o.action as 行为, o.condition as 条件, o.deadline_text as 期限, o.deadline_date as 期限日期,
        o.subject_source as 主体来源
        from obligations o join notices n on n.id = o.notice_id""",
    "义务主体关系": """select oa.obligation_id as 义务编号, oa.actor_id as 主体, a.kind as 主体类别
        from obligation_actors oa left join actors a on a.id = oa.actor_id""",
    "主体层级": """select child as 下级主体, parent as 上级主体,
        case rel when 'is_a' then '属于' when 'part_of' then '隶属' else rel end as 关系 from actor_relations""",
    "引用": """select n.name as 文件名, cl.path as 条款, c.key as 被引, c.kind as 类别, cc.text as 原文,
        t.name as 指向文件
        from clause_citations cc join citations c on c.id = cc.citation_id join clauses cl on cl.id = cc.clause_id
        join notices n on n.id = cl.notice_id left join notices t on t.id = c.notice_id and t.id != cl.notice_id""",
    "定义": """select d.term as 术语, d.definition as 定义, n.name as 文件名, d.path as 条款,
        case when d.scope = '' then '全文' else d.scope end as 适用范围
        from definitions d join notices n on n.id = d.notice_id""",
    "文件关系": """select n.name as 文件名, case r.kind when 'repeals' then '废止' when 'implements' then '依据'
          else r.kind end as 关系, r.title as 对象, r.doc_number as 对象文号, r.date as 对象日期, t.name as 指向文件,
        r.evidence as 原文
        from relations r join notices n on n.id = r.notice_id left join notices t on t.id = r.target_notice_id""",
}
"""Views with Chinese column names over the tables, one row per fact (a link table instead of
the U+001F-joined columns): what ``regpipe serve`` shows in datasette, and plain SQL for anyone
else. Recreated with the schema."""


def _create_views(db: sqlite_utils.Database) -> None:
    for name, sql in VIEWS.items():
        db.execute(f"DROP VIEW IF EXISTS [{name}]")
        db.execute(f"CREATE VIEW [{name}] AS {sql}")


def _fts_triggers(db: sqlite_utils.Database, table: str, cols: list[str]) -> None:
    """Triggers keeping ``{table}_fts`` right with bulk indexing: an inserted row is queued in
    ``fts_pending``; a deleted row, or one whose indexed columns change, leaves the index if it
    was in it (an external-content FTS5 table must be told the old values), else the queue."""
    fts, c = f"{table}_fts", ", ".join(f"[{x}]" for x in cols)
    old = ", ".join(f"old.[{x}]" for x in cols)
    unindex = (f"INSERT INTO [{fts}] ([{fts}], rowid, {c}) SELECT 'delete', old.rowid, {old} WHERE NOT EXISTS "
               f"(SELECT 1 FROM fts_pending WHERE tbl = '{table}' AND rid = old.rowid); "
               f"DELETE FROM fts_pending WHERE tbl = '{table}' AND rid = old.rowid;")
    queue = f"INSERT OR IGNORE INTO fts_pending VALUES ('{table}', new.rowid);"
    for name in ("ai", "ad", "au"):
        db.execute(f"DROP TRIGGER IF EXISTS [{table}_{name}]")
    db.execute(f"CREATE TRIGGER [{table}_ai] AFTER INSERT ON [{table}] BEGIN {queue} END")
    db.execute(f"CREATE TRIGGER [{table}_ad] AFTER DELETE ON [{table}] BEGIN {unindex} END")
    db.execute(f"CREATE TRIGGER [{table}_au] AFTER UPDATE OF {c} ON [{table}] BEGIN {unindex} {queue} END")


def flush_fts(db: sqlite_utils.Database) -> int:
    """Index the rows queued in ``fts_pending``, one statement per table; returns how many."""
    done = 0
    with atomic(db, "flush_fts"):
        for table, cols in _FTS.items():
            c = ", ".join(f"[{x}]" for x in cols)
            cur = db.conn.execute(f"INSERT INTO [{table}_fts] (rowid, {c}) SELECT t.rowid, {', '.join(f't.[{x}]' for x in cols)} "
                                  f"FROM fts_pending p JOIN [{table}] t ON t.rowid = p.rid WHERE p.tbl = ?", [table])
            done += max(cur.rowcount, 0)
            db.conn.execute("DELETE FROM fts_pending WHERE tbl = ?", [table])
    return done


def sync_ontology(db: sqlite_utils.Database) -> None:
    """Write the lexicon's actors, aliases and relations (``data/actors.json``) into ``db``."""
    onto = load_ontology()
    db.conn.executemany("INSERT INTO actors (id, name, kind, in_lexicon) VALUES (?, ?, ?, 1) "
                        "ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, in_lexicon = 1",
                        [(a.name, a.name, a.kind) for a in onto.actors.values()])
    db.conn.executemany("INSERT OR REPLACE INTO actor_aliases VALUES (?, ?, 'lexicon')",
                        [(al, name) for al, name in onto.aliases.items()])
    db.conn.executemany("INSERT OR IGNORE INTO actor_relations VALUES (?, ?, ?)", onto.edges)


def _ensure_actors(db: sqlite_utils.Database, names: set[str]) -> None:
    """Actors not in the lexicon: stored as ``unlisted``, placed under the known actor their
    name ends with (``京津冀……等市场监管部门`` is_a 市场监管部门)."""
    onto = load_ontology()
    new = [n for n in names if n not in onto.actors]
    db.conn.executemany("INSERT OR IGNORE INTO actors (id, name, kind, in_lexicon) VALUES (?, ?, 'unlisted', 0)",
                        [(n, n) for n in new])
    rel = [(n, p, "is_a") for n in new if (p := onto.placement(n))]
    db.conn.executemany("INSERT OR IGNORE INTO actor_relations VALUES (?, ?, ?)", rel)


def _notice_index(db: sqlite_utils.Database):
    """(title key → notice ids newest first, 文号 → notice ids, notice id → the dates it is known by
    (promulgation, version date, revisions))."""
    by_title: dict[str, list[str]] = {}
    by_number: dict[str, list[str]] = {}
    dates: dict[str, set[str]] = {}
    # a title shared by several versions (认证认可条例 2016/2020/2023) names the newest one first
    for nid, title, number, day, prom, revs in db.execute(
            "select id, title, doc_number, date, promulgated, revisions from notices "
            "order by coalesce(date, '') desc, name desc"):
        if title:
            by_title.setdefault(citation_key("title", title), []).append(nid)
            for inner in re.findall(r"《([^》]+)》", title):
                by_title.setdefault(citation_key("title", inner), []).append(nid)
        if number:
            by_number.setdefault(number, []).append(nid)
        dates[nid] = {d for d in (day, prom, *json.loads(revs or "[]")) if d}
    return by_title, by_number, dates


def _named(key: str, kind: str, index, not_id: str | None = None, dated: str | None = None) -> str | None:
    """The notice a citation or relation target names: by 文号, or by title key (``KEY@DATE``: only
    a notice known by that date); never ``not_id`` (the notice that states it)."""
    by_title, by_number, dates = index
    if kind == "title" and "@" in key:
        key, dated = key.split("@", 1)
    cands = by_title.get(key, []) if kind == "title" else by_number.get(key, []) if kind == "doc_number" else []
    cands = [n for n in cands if n != not_id and (dated is None or dated in dates.get(n, ()))]
    return cands[0] if cands else None


def _alt_kind(key: str) -> str:
    """The kind of an ``alt_key``: a 文号 or order number, a standard number, else a title."""
    return "doc_number" if key.endswith("号") else "standard" if re.match(r"[A-Z]", key) else "title"


def resolve_citations(db: sqlite_utils.Database) -> int:
    """Link every citation that names a notice in ``db`` (by its title, the title of the plan a
    印发 notice issues, or its 文号; a dated title ``KEY@DATE`` only to the version known by that
    date) to that notice: ``citations.notice_id``; then the relations (:func:`resolve_relations`).
    Returns the number of linked citations."""
    index = _notice_index(db)
    updates = []
    for cid, key, kind, alt, current in db.execute("select id, key, kind, alt_key, notice_id from citations"):
        target = _named(key, kind, index) or (_named(alt, _alt_kind(alt), index) if alt else None)
        if target != current:
            updates.append((target, cid))
    with db.conn:
        db.conn.executemany("UPDATE citations SET notice_id = ? WHERE id = ?", updates)
    resolve_relations(db, index)
    return sum(1 for t, _ in updates if t)


def resolve_relations(db: sqlite_utils.Database, index=None) -> int:
    """Link every relation (``repeals``, ``implements``) to the notice of ``db`` it names:
    ``relations.target_notice_id``, by 文号 first, else by title (when the text dates the target,
    ``2011年7月20日公布的《…》``, only a notice promulgated, revised or dated that day); a notice is
    never its own target. Returns the number of linked relations."""
    index = index or _notice_index(db)
    updates = []
    for rid, nid, key, title, number, dated, current in db.execute(
            "select id, notice_id, key, title, doc_number, date, target_notice_id from relations"):
        target = (_named(number, "doc_number", index, nid) if number else None) or (
            _named(key, "title", index, nid, dated) if title else None)
        if target != current:
            updates.append((target, rid))
    with db.conn:
        db.conn.executemany("UPDATE relations SET target_notice_id = ? WHERE id = ?", updates)
    return sum(1 for t, _ in updates if t)


@contextmanager
def atomic(db: sqlite_utils.Database, name: str = "notice"):
    """All of the block's writes or none: a SAVEPOINT, so it nests inside :func:`batch` (and
    commits by itself outside one). An exception rolls the block back and propagates.

    A transaction it opens is ``BEGIN IMMEDIATE``: the write lock is taken (waiting up to
    :data:`BUSY_TIMEOUT` for another writer) before anything is read, so two runs on one
    database wait for each other instead of failing on a stale snapshot."""
    conn = db.conn
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        conn.execute(f"ROLLBACK TO {name}")
        conn.execute(f"RELEASE {name}")
        if own and not _BATCHING.get(id(conn)):
            conn.rollback()
        raise
    conn.execute(f"RELEASE {name}")
    if own and not _BATCHING.get(id(conn)):
        conn.commit()


_BATCHING: dict[int, bool] = {}


@contextmanager
def batch(db: sqlite_utils.Database, seconds: float = 2.0):
    """Group many :func:`atomic` writes into few commits; yields ``checkpoint()``, to be called
    between notices, which commits when ``seconds`` have passed since the last commit.

    Each notice stays all-or-nothing (its savepoint); committing every few seconds instead of
    after every notice saves the fsync and, above all, lets SQLite's FTS5 build one larger
    index segment per commit instead of one tiny segment per notice that it must merge later
    (https://www.sqlite.org/fts5.html#the_automerge_option). The write lock is held only from
    the first write after a commit to the next commit, never while the first notice after a
    commit is read, so another run on the same database gets its turn. Leaving the block commits.
    """
    conn = db.conn
    if conn.in_transaction:
        conn.commit()
    last = time.monotonic()
    _BATCHING[id(conn)] = True

    def checkpoint() -> None:
        nonlocal last
        if time.monotonic() - last >= seconds and conn.in_transaction:
            conn.commit()
            last = time.monotonic()
    try:
        yield checkpoint
    finally:
        _BATCHING.pop(id(conn), None)
        if conn.in_transaction:
            conn.commit()


def save(db: sqlite_utils.Database, notice: Notice, clauses: list[Clause], obligations: list[Obligation],
         definitions: list = ()) -> None:
    """Replace every row of ``notice`` (matched by name) with these, all or nothing (one
    transaction, or one savepoint inside :func:`batch`); ``definitions``:
    :class:`~pipeline.model.Definition` records."""
    nid = notice_id(notice)
    cids = {}
    clause_rows = []
    for c in clauses:
        cid = clause_id(notice, c)
        cids.setdefault(c.path, cid)
        clause_rows.append({"id": cid, "notice_id": nid, "path": c.path, "label": c.label, "kind": c.kind,
                            "parent_path": c.parent, "ord": c.order, "text": c.text, "start": c.start, "end": c.end,
                            "body": c.body or c.text})
    with atomic(db):
        old = [r[0] for r in db.execute("select id from notices where name = ? or id = ?", [notice.name, nid])]
        for oid in old:
            db.execute("delete from obligation_citations where obligation_id in (select id from obligations where notice_id = ?)", [oid])
            db.execute("delete from obligation_actors where obligation_id in (select id from obligations where notice_id = ?)", [oid])
            db.execute("delete from obligations where notice_id = ?", [oid])
            db.execute("delete from actor_counts where notice_id = ?", [oid])
            db.execute("delete from clause_citations where clause_id in (select id from clauses where notice_id = ?)", [oid])
            db.execute("delete from clauses where notice_id = ?", [oid])
            db.execute("delete from changes where old_notice_id = ? or new_notice_id = ?", [oid, oid])
            db.execute("delete from supersessions where old_notice_id = ? or new_notice_id = ?", [oid, oid])
            db.execute("delete from relations where notice_id = ?", [oid])
            db.execute("delete from definitions where notice_id = ?", [oid])
            db.execute("update relations set target_notice_id = null where target_notice_id = ?", [oid])
            db.execute("delete from notices where id = ?", [oid])
        _insert(db, "notices", [{
            "id": nid, "name": notice.name, "source": notice.source, "format": notice.format,
            "title": notice.title, "doc_number": notice.doc_number, "issuer": notice.issuer, "date": notice.date,
            "addressees": json.dumps(notice.addressees, ensure_ascii=False),
            "attachments": json.dumps(notice.attachments, ensure_ascii=False),
            "truncated": int(notice.truncated), "warnings": json.dumps(notice.warnings, ensure_ascii=False),
            "sha256": notice.sha256, "text": notice.text, "level": notice.level, "level_source": notice.level_source,
            "effective": notice.effective, "effective_source": notice.effective_source,
            "promulgated": notice.promulgated, "revisions": json.dumps(notice.revisions),
            "history": json.dumps([asdict(e) for e in notice.history], ensure_ascii=False),
            "valid_until": notice.valid_until, "valid_until_source": notice.valid_until_source,
            "source_status": notice.source_status}])
        _insert(db, "relations", [{"id": f"{nid}:{i}", "notice_id": nid, "kind": r.kind, "key": r.key, "title": r.title,
                                   "doc_number": r.doc_number, "date": r.date, "text": r.text, "evidence": r.evidence,
                                   "target_notice_id": None} for i, r in enumerate(notice.relations)])
        _insert(db, "definitions", [{"id": f"{nid}:{i}", "notice_id": nid, "term": d.term, "definition": d.definition,
                                     "kind": d.kind, "path": d.path, "scope": d.scope, "note": d.note, "text": d.text,
                                     "clause_id": cids.get(d.path)} for i, d in enumerate(definitions)])
        _insert(db, "clauses", clause_rows)
        onto = load_ontology()
        bound = {o.id: onto.split(o.subject) for o in obligations}
        _ensure_actors(db, {a for names in bound.values() for a in names})
        _insert(db, "actor_aliases", _notice_aliases(notice, onto), ignore=True)
        rows, links, cites = [], [], {}
        for i, o in enumerate(obligations):
            rows.append({
                "id": o.id, "notice_id": nid, "clause_id": cids.get(o.path), "path": o.path,
                "actor_id": bound[o.id][0] if bound[o.id] else None, "subject": o.subject, "subject_explicit": int(o.subject_explicit),
                "modality": o.modality, "trigger": o.trigger, "action": o.action, "condition": o.condition,
                "deadline_text": o.deadline.text if o.deadline else None,
                "deadline_kind": o.deadline.kind if o.deadline else None,
                "deadline_date": o.deadline.date if o.deadline else None, "sentence": o.sentence, "ord": i,
                "actors": LIST_SEP.join(bound[o.id]) or None,
                "citation_keys": LIST_SEP.join(sorted({c.key for c in o.citations})) or None,
                "actor": o.actor or (bound[o.id][0] if bound[o.id] else None), "subject_source": o.subject_source,
                "rules": LIST_SEP.join(o.rules) or None})
            rows[-1]["row_json"] = row_json(rows[-1], notice.name, notice.title, notice.doc_number)
            for c in o.citations:
                cid = citation_id(c)
                cites[cid] = {"id": cid, "key": c.key, "kind": c.kind, "alt_key": c.alt_key}
                links.append({"obligation_id": o.id, "citation_id": cid, "text": c.text})
        clause_links = []
        for row in clause_rows:
            for c in find_citations(row["text"]):
                cid = citation_id(c)
                cites[cid] = {"id": cid, "key": c.key, "kind": c.kind, "alt_key": c.alt_key}
                clause_links.append({"clause_id": row["id"], "citation_id": cid, "text": c.text})
        _insert(db, "citations", list(cites.values()), ignore=True)
        _insert(db, "clause_citations", clause_links, ignore=True)
        _insert(db, "obligations", rows)
        _insert(db, "obligation_citations", links, ignore=True)
        _insert(db, "obligation_actors", [{"obligation_id": oid, "actor_id": a}
                                          for oid, names in bound.items() for a in names], ignore=True)
        tally: dict[tuple[str, str], int] = {}
        for o in obligations:
            for a in bound[o.id]:
                tally[(a, o.modality)] = tally.get((a, o.modality), 0) + 1
        _insert(db, "actor_counts", [{"actor_id": a, "notice_id": nid, "modality": m, "n": n}
                                     for (a, m), n in tally.items()])
        if old:
            _drop_orphan_actors(db)


def _drop_orphan_actors(db: sqlite_utils.Database) -> None:
    """Unlisted actors that no obligation binds any more (their notice was re-extracted)."""
    orphans = ("select id from actors where in_lexicon = 0 and not exists "
               "(select 1 from obligation_actors oa where oa.actor_id = actors.id) and not exists "
               "(select 1 from obligations o where o.actor_id = actors.id)")
    db.execute(f"delete from actor_relations where child in ({orphans})")
    db.execute(f"delete from actors where id in ({orphans})")


def _notice_aliases(notice: Notice, onto) -> list[dict]:
    """The abbreviations a notice defines for known actors (``管理体系认证机构（以下简称认证机构）``)."""
    from .extract import find_abbreviations

    out = []
    for full, short in find_abbreviations(notice.text).items():
        canonical = onto.resolve(full) or onto.resolve(short)
        if canonical:
            out += [{"alias": full, "actor_id": canonical, "source": notice.name},
                    {"alias": short, "actor_id": canonical, "source": notice.name}]
    return out


def citation_id(citation) -> str:
    """Stable citation ID: 16 hex digits of the SHA-1 of ``kind|key``."""
    return hashlib.sha1(f"{citation.kind}|{citation.key}".encode()).hexdigest()[:16]


def _insert(db: sqlite_utils.Database, table: str, rows: list[dict], ignore: bool = False) -> None:
    """``executemany`` of rows sharing the first row's keys (sqlite-utils' ``insert_all``
    re-reads the table schema and converts every value: ten times slower here)."""
    if not rows:
        return
    cols = list(rows[0])
    sql = (f"INSERT {'OR IGNORE ' if ignore else ''}INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) "
           f"VALUES ({', '.join('?' * len(cols))})")
    db.conn.executemany(sql, [tuple(r[c] for c in cols) for r in rows])
