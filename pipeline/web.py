"""Web view: the database in datasette (``regpipe serve``), for a team without Python.

datasette (https://datasette.io) is the well-kept browser of SQLite databases: tables and
views with facets, a JSON API for every page, and canned queries. :func:`metadata` lays the
regpipe database out for it:

- the Chinese views of :data:`pipeline.store.VIEWS` (文件, 义务, 义务主体关系, 主体层级, 引用, 定义,
  文件关系) first, titled and described, with facets on 义务主体 / 义务类型 / 文件 / 效力级别;
- the tables behind them, the full-text index's shadow tables and the bookkeeping tables
  hidden (still reachable by URL);
- canned queries: the obligations of an actor and every actor below it, upcoming deadlines,
  what a version changed, who cites a law, and a search that finds one or two characters too
  (the trigram index needs three).

:func:`serve` runs datasette on the database (read-only) with that metadata. datasette is an
optional dependency: ``pip install 'regpipe[web]'``.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from .errors import RegpipeError

_HIDDEN = ("notices", "clauses", "obligations", "actors", "actor_aliases", "actor_relations", "citations",
           "obligation_actors", "obligation_citations", "clause_citations", "actor_counts", "supersessions",
           "fts_pending", "definitions", "relations", "obligations_fts", "obligations_fts_data", "obligations_fts_idx",
           "obligations_fts_docsize", "obligations_fts_config", "changes")
"""Tables the views present (or bookkeeping): hidden from datasette's index page."""

CANNED = {
    "主体义务": {
        "title": "某主体（含下级主体）的义务",
        "description": "输入主体名称（如 认证机构），列出该主体及其下级主体（主体层级）的全部义务。",
        "sql": """with recursive scope(a) as (select :主体 union select child from actor_relations, scope
                    where parent = scope.a)
                  select v.* from 义务 v where v.编号 in (select obligation_id from obligation_actors
                    where actor_id in (select a from scope)) order by v.文件名, v.条款""",
    },
    "即将到期": {
        "title": "即将到期的义务",
        "description": "期限日期在今天之后（或 :起始 之后）的义务，按日期排列。",
        "sql": """select 期限日期, 义务主体, 义务类型, 行为, 期限, 文件, 条款, 编号 from 义务
                  where 期限日期 >= coalesce(nullif(:起始, ''), date('now')) order by 期限日期""",
    },
    "文件变更": {
        "title": "某版本修改了什么",
        "description": "输入新版本的文件名或标题（须已用 regpipe diff 比较过）。",
        "sql": """select c.kind as 变更类型, c.level as 层级, c.actor as 主体, c.old_path as 原条款,
                    c.new_path as 新条款, c.before as 修改前, c.after as 修改后
                  from changes c join notices n on n.id = c.new_notice_id
                  where n.name = :文件 or n.title = :文件 order by c.new_path""",
    },
    "引用某法": {
        "title": "谁引用了某部法律、规章或标准",
        "description": "输入被引文件的名称或文号的一部分（如 认证认可条例、GB/T 27021）。",
        "sql": """select 被引, 文件名, 条款, 原文, 指向文件 from 引用 where instr(被引, :被引) order by 被引, 文件名""",
    },
    "检索": {
        "title": "全文检索（一两个字也可）",
        "description": "在义务主体、行为、条件中查找（trigram 全文索引至少要三个字，这里逐行查找）。",
        "sql": """select 编号, 原文主体, 义务主体, 义务类型, 行为, 条件, 文件, 条款 from 义务
                  where instr(原文主体, :词) or instr(行为, :词) or instr(coalesce(条件, ''), :词)
                  order by 文件名, 条款""",
    },
}
"""Canned queries of :func:`metadata` (datasette ``queries``), with Chinese parameters."""

_VIEW_META = {
    "文件": ("文件", "每份文件：效力级别、文号、公布与施行日期、来源标注的时效性。", ["效力级别", "发布机关"]),
    "义务": ("义务", "每条义务一行：主体、义务类型、行为、条件、期限、出处。", ["义务主体", "义务类型", "文件", "效力级别"]),
    "义务主体关系": ("义务主体关系", "一条义务约束的每个主体（“认证机构和认证人员”约束两个）。", ["主体", "主体类别"]),
    "主体层级": ("主体层级", "下级主体属于或隶属于上级主体（data/actors.json）。", ["上级主体", "关系"]),
    "引用": ("引用", "条款引用的法律、规章、标准和文号；指向文件：库中被引用的文件。", ["被引", "类别", "文件名"]),
    "定义": ("定义", "文件定义的术语（本条例所称……是指……）及其适用范围。", ["文件名", "适用范围"]),
    "文件关系": ("文件关系", "文件废止或依据的其他文件。", ["关系", "文件名"]),
}


def metadata(db_name: str = "requirements") -> dict:
    """The datasette metadata for a regpipe database served under ``db_name``: titles,
    descriptions and facets of the views, hidden tables, canned queries."""
    tables: dict[str, dict] = {t: {"hidden": True} for t in _HIDDEN}
    for view, (title, description, facets) in _VIEW_META.items():
        tables[view] = {"title": title, "description": description, "facets": facets, "size": 50}
    return {
        "title": "regpipe 义务库",
        "description": "由 regpipe extract 从法规、规章和规范性文件中抽取的条款、义务、主体与引用。",
        "databases": {db_name: {"title": "义务库", "tables": tables, "queries": CANNED}},
    }


def serve(db_path: str | Path, port: int = 8001, host: str = "127.0.0.1") -> None:
    """Run datasette on ``db_path`` (read-only) at ``host:port`` with :func:`metadata`; blocks.

    Raises:
        RegpipeError: datasette is not installed (``pip install 'regpipe[web]'``).
    """
    try:
        from datasette.cli import cli as datasette_cli
    except ImportError as e:
        raise RegpipeError("regpipe serve needs datasette: pip install 'regpipe[web]'") from e
    db_path = Path(db_path)
    meta = Path(tempfile.mkdtemp(prefix="regpipe-serve-")) / "metadata.json"
    meta.write_text(json.dumps(metadata(db_path.stem), ensure_ascii=False, indent=1), encoding="utf-8")
    datasette_cli.main(["serve", str(db_path), "--metadata", str(meta), "--port", str(port), "--host", host,
                        "--setting", "default_page_size", "50", "--setting", "sql_time_limit_ms", "3000",
                        "--setting", "truncate_cells_html", "120"], standalone_mode=False)
