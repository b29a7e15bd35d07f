"""Graph: the requirement graph (networkx) built from the database.

Nodes (``kind`` attribute): ``notice``, ``clause``, ``obligation``, ``actor``, ``citation``;
IDs are prefixed (``notice:…``, ``clause:…``, ``obligation:…``, ``actor:认证机构``,
``citation:title:认证认可条例``). Edges (``rel`` attribute): ``contains`` (notice → top-level
clause, clause → sub-clause), ``states`` (clause → obligation), ``binds`` (obligation → actor),
``cites`` (clause or obligation → citation) and ``refers_to`` (citation → notice, when a cited title or
document number is a notice in the database). Node and edge order is sorted, so the exported
GraphML is byte-identical for the same database content.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import sqlite_utils

from .nlp import citation_key

DEFAULT_GRAPH = Path("graph/requirements.graphml")


def build_graph(db: sqlite_utils.Database) -> nx.MultiDiGraph:
    """The requirement graph of every notice in ``db``."""
    g = nx.MultiDiGraph()
    nodes: dict[str, dict] = {}
    edges: list[tuple[str, str, str]] = []
    notices = list(db.query("select id, name, title, doc_number, issuer, date from notices"))
    by_title = {citation_key("title", n["title"]): n["id"] for n in notices if n["title"]}
    for n in notices:
        # a 印发 notice is also cited by the title of the plan it issues: 《…行动方案》
        for inner in re.findall(r"《([^》]+)》", n["title"] or ""):
            by_title.setdefault(citation_key("title", inner), n["id"])
    by_number = {n["doc_number"]: n["id"] for n in notices if n["doc_number"]}
    for n in notices:
        nodes[f"notice:{n['id']}"] = {"kind": "notice", "label": n["title"] or n["name"], "name": n["name"],
                                      "doc_number": n["doc_number"] or "", "date": n["date"] or ""}
    for c in db.query("select id, notice_id, path, parent_path, text from clauses"):
        nodes[f"clause:{c['id']}"] = {"kind": "clause", "label": c["path"], "path": c["path"], "text": c["text"]}
    parents = {(c["notice_id"], c["path"]): c["id"] for c in db.query("select id, notice_id, path from clauses")}
    for c in db.query("select id, notice_id, parent_path from clauses"):
        parent = parents.get((c["notice_id"], c["parent_path"])) if c["parent_path"] else None
        edges.append((f"clause:{parent}" if parent else f"notice:{c['notice_id']}", f"clause:{c['id']}", "contains"))
    for o in db.query("select * from obligations"):
        oid = f"obligation:{o['id']}"
        nodes[oid] = {"kind": "obligation", "label": f"{o['subject']} {o['trigger']} {o['action'][:30]}",
                      "modality": o["modality"], "subject": o["subject"], "trigger": o["trigger"],
                      "action": o["action"], "condition": o["condition"] or "", "path": o["path"],
                      "deadline": o["deadline_text"] or "", "deadline_date": o["deadline_date"] or ""}
        src = f"clause:{o['clause_id']}" if o["clause_id"] else f"notice:{o['notice_id']}"
        edges.append((src, oid, "states"))
        if o["actor_id"]:
            nodes.setdefault(f"actor:{o['actor_id']}", {"kind": "actor", "label": o["actor_id"]})
            edges.append((oid, f"actor:{o['actor_id']}", "binds"))
    links = [(f"obligation:{r['src']}", r) for r in db.query(
        "select l.obligation_id as src, c.key, c.kind from obligation_citations l join citations c on c.id = l.citation_id")]
    links += [(f"clause:{r['src']}", r) for r in db.query(
        "select l.clause_id as src, c.key, c.kind from clause_citations l join citations c on c.id = l.citation_id")]
    for src, link in links:
        cid = f"citation:{link['kind']}:{link['key']}"
        nodes.setdefault(cid, {"kind": "citation", "label": link["key"], "citation_kind": link["kind"]})
        edges.append((src, cid, "cites"))
        target = by_title.get(link["key"]) if link["kind"] == "title" else by_number.get(link["key"])
        if target:
            edges.append((cid, f"notice:{target}", "refers_to"))
    for key in sorted(nodes):
        g.add_node(key, **{k: v for k, v in nodes[key].items() if v is not None})
    for u, v, rel in sorted(set(edges)):
        g.add_edge(u, v, key=rel, rel=rel)
    return g


def export_graph(db: sqlite_utils.Database, path: str | Path = DEFAULT_GRAPH) -> nx.MultiDiGraph:
    """Write the graph of ``db`` as GraphML (or ``.json`` node-link) to ``path``; return it."""
    g = build_graph(db)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".json":
        path.write_text(json.dumps(nx.node_link_data(g, edges="edges"), ensure_ascii=False, indent=1, sort_keys=True),
                        encoding="utf-8")
    else:
        nx.write_graphml(g, path, encoding="utf-8")
    return g
