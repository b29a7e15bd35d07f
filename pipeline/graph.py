"""Graph: the requirement graph (networkx) built from the database.

Nodes (``kind`` attribute): ``notice``, ``clause``, ``obligation``, ``actor``, ``citation``;
IDs are prefixed (``notice:…``, ``clause:…``, ``obligation:…``, ``actor:认证机构``,
``citation:title:认证认可条例``). Edges (``rel`` attribute): ``contains`` (notice → top-level
clause, clause → sub-clause), ``states`` (clause → obligation), ``binds`` (obligation → each actor it
binds), ``is_a`` / ``part_of`` (narrower actor → broader actor, from the actor ontology),
``supersedes`` (new version → old version) and ``amends`` (changed obligation → its old
form), both recorded by ``regpipe diff``, ``cites`` (clause or obligation → citation) and ``refers_to`` (citation → notice, when a cited
title or document number is a notice in the database: ``citations.notice_id``), ``repeals`` and
``implements`` (notice → the notice it repeals, partly repeals or implements, or → the citation node of a document
the database lacks: the ``relations`` table). Node and edge order is sorted, so the exported
GraphML is byte-identical for the same database content.
"""
from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import sqlite_utils

from .actors import narrower
from .model import MODALITY_ZH


DEFAULT_GRAPH = Path("graph/requirements.graphml")


def build_graph(db: sqlite_utils.Database, scope: list[str] | None = None) -> nx.MultiDiGraph:
    """The requirement graph of every notice in ``db``, or of the notices whose IDs are in
    ``scope`` (:func:`pipeline.query.notice_scope`): their clauses and obligations, the actors
    these bind (with the broader actors above them) and what they cite, repeal or implement."""
    g = nx.MultiDiGraph()
    nodes: dict[str, dict] = {}
    edges: list[tuple[str, str, str]] = []
    notices = list(db.query("select id, name, title, doc_number, issuer, date, level, promulgated, effective "
                            "from notices"))
    for n in notices:
        nodes[f"notice:{n['id']}"] = {"kind": "notice", "label": n["title"] or n["name"], "name": n["name"],
                                      "doc_number": n["doc_number"] or "", "date": n["date"] or "",
                                      "level": n["level"] or "", "issuer": n["issuer"] or "",
                                      "promulgated": n["promulgated"] or "", "effective": n["effective"] or ""}
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
    for a in db.query("select id, kind, in_lexicon from actors"):
        nodes[f"actor:{a['id']}"] = {"kind": "actor", "label": a["id"], "actor_kind": a["kind"] or "",
                                     "in_lexicon": bool(a["in_lexicon"])}
    for r in db.query("select obligation_id, actor_id from obligation_actors"):
        edges.append((f"obligation:{r['obligation_id']}", f"actor:{r['actor_id']}", "binds"))
    for r in db.query("select child, parent, rel from actor_relations"):
        if f"actor:{r['child']}" in nodes and f"actor:{r['parent']}" in nodes:
            edges.append((f"actor:{r['child']}", f"actor:{r['parent']}", r["rel"]))
    for r in db.query("select new_notice_id, old_notice_id from supersessions"):
        edges.append((f"notice:{r['new_notice_id']}", f"notice:{r['old_notice_id']}", "supersedes"))
    for r in db.query("select distinct new_obligation_id, old_obligation_id from changes "
                      "where level = 'obligation' and new_obligation_id is not null and old_obligation_id is not null"):
        edges.append((f"obligation:{r['new_obligation_id']}", f"obligation:{r['old_obligation_id']}", "amends"))
    links = [(f"obligation:{r['src']}", r) for r in db.query(
        "select l.obligation_id as src, c.key, c.kind, c.notice_id from obligation_citations l "
        "join citations c on c.id = l.citation_id")]
    links += [(f"clause:{r['src']}", r) for r in db.query(
        "select l.clause_id as src, c.key, c.kind, c.notice_id from clause_citations l "
        "join citations c on c.id = l.citation_id")]
    for src, link in links:
        cid = f"citation:{link['kind']}:{link['key']}"
        nodes.setdefault(cid, {"kind": "citation", "label": link["key"], "citation_kind": link["kind"]})
        edges.append((src, cid, "cites"))
        if link["notice_id"]:
            edges.append((cid, f"notice:{link['notice_id']}", "refers_to"))
    for r in db.query("select notice_id, kind, key, title, doc_number, target_notice_id from relations"):
        # repeals / implements: to the notice when the database holds it, else to the document as cited
        if r["target_notice_id"]:
            target = f"notice:{r['target_notice_id']}"
        else:
            ckind = "title" if r["title"] else "doc_number"
            target = f"citation:{ckind}:{r['key']}"
            nodes.setdefault(target, {"kind": "citation", "label": r["key"], "citation_kind": ckind})
        edges.append((f"notice:{r['notice_id']}", target, r["kind"]))
    if scope is not None:
        nodes, edges = _scoped(nodes, edges, {f"notice:{i}" for i in scope})
    for key in sorted(nodes):
        g.add_node(key, **{k: v for k, v in nodes[key].items() if v is not None})
    for u, v, rel in sorted(set(edges)):
        g.add_edge(u, v, key=rel, rel=rel)
    return g


def _scoped(nodes: dict, edges: list, kept_notices: set[str]) -> tuple[dict, list]:
    """The nodes and edges reachable from ``kept_notices``: clauses and obligations below them
    (``contains``, ``states``), actors bound (and their broader actors), citation nodes cited or
    named by a relation, and notices they refer to, repeal, implement or supersede."""
    out = {u: [] for u in nodes}
    for u, v, rel in edges:
        out.setdefault(u, []).append((v, rel))
    keep = set(kept_notices)
    todo = list(kept_notices)
    while todo:  # the notices' own clauses and obligations
        u = todo.pop()
        for v, rel in out.get(u, ()):
            if rel in ("contains", "states") and v not in keep:
                keep.add(v)
                todo.append(v)
    reach = {v for u in list(keep) for v, rel in out.get(u, ())
             if rel in ("binds", "cites", "repeals", "partly_repeals", "implements", "supersedes")}
    todo = list(reach - keep)
    keep |= reach
    while todo:  # broader actors, and the notices a kept citation refers to
        u = todo.pop()
        for v, rel in out.get(u, ()):
            if rel in ("is_a", "part_of", "refers_to") and v not in keep:
                keep.add(v)
                todo.append(v)
    return ({k: v for k, v in nodes.items() if k in keep},
            [(u, v, rel) for u, v, rel in edges if u in keep and v in keep])


FORMATS = ("graphml", "gexf", "json", "html")
"""Formats ``export_graph`` writes."""


def export_graph(db: sqlite_utils.Database, path: str | Path = DEFAULT_GRAPH, fmt: str | None = None,
                 scope: list[str] | None = None) -> nx.MultiDiGraph:
    """Write the graph of ``db`` (of the notices in ``scope`` only: :func:`build_graph`) to
    ``path`` and return it.

    ``fmt`` is one of :data:`FORMATS` (default: from the suffix, else GraphML): GraphML, GEXF,
    node-link JSON, or a self-contained interactive HTML page (:func:`html_page`).
    """
    g = build_graph(db, scope)
    path = Path(path)
    fmt = fmt or {".json": "json", ".gexf": "gexf", ".html": "html"}.get(path.suffix, "graphml")
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        path.write_text(json.dumps(nx.node_link_data(g, edges="edges"), ensure_ascii=False, indent=1, sort_keys=True),
                        encoding="utf-8")
    elif fmt == "gexf":
        nx.write_gexf(g, path, encoding="utf-8")
    elif fmt == "html":
        path.write_text(html_page(g), encoding="utf-8")
    else:
        nx.write_graphml(g, path, encoding="utf-8")
    return g


def html_page(g: nx.MultiDiGraph) -> str:
    """A self-contained HTML page (no network access: script, style and data inline) for reading
    the graph, laid out in columns, not by force (no layout library, no overlapping labels):

    - it opens on a summary: the notices (newest first, with their obligation counts) and the
      actors (most bound first, with counts), an edge for each notice-actor pair;
    - choosing an actor (narrower actors included) or a notice shows only its neighbourhood:
      notices, their obligations (one labelled row each) and the actors bound, and re-zooms;
    - the modality boxes filter obligations; the search lists its hits (notices, actors,
      obligations), a click on a hit opens it;
    - a clicked obligation shows its notice (title, 文号), clause path, requirement, condition,
      deadline and the clause's text.
    """
    from importlib import resources

    parent = {v: u for u, v, d in g.edges(data=True) if d["rel"] == "contains"}

    def notice_of(node: str) -> str:
        while node in parent:
            node = parent[node]
        return node

    clause_of = {v: u for u, v, d in g.edges(data=True) if d["rel"] == "states"}
    bound: dict[str, list[str]] = {}
    for u, v, d in g.edges(data=True):
        if d["rel"] == "binds":
            bound.setdefault(u, []).append(g.nodes[v]["label"])
    notices, obligations, clauses = {}, [], {}
    per_notice: dict[str, int] = {}
    per_actor: dict[str, int] = {}
    for n, a in g.nodes(data=True):
        if a["kind"] != "obligation":
            continue
        c = clause_of.get(n)
        nid = notice_of(c) if c else None
        if nid is None or g.nodes[nid]["kind"] != "notice":
            continue
        per_notice[nid] = per_notice.get(nid, 0) + 1
        for actor in bound.get(n, []):
            per_actor[actor] = per_actor.get(actor, 0) + 1
        if c and g.nodes[c]["kind"] == "clause":
            clauses[c] = g.nodes[c].get("text", "")
        obligations.append({"id": n.split(":", 1)[1], "n": nid, "m": a["modality"], "a": sorted(bound.get(n, [])),
                            "s": a["subject"], "t": a["trigger"], "x": a["action"], "c": a.get("condition", ""),
                            "d": a.get("deadline", ""), "p": a["path"], "k": c if c in clauses else ""})
    for n, a in g.nodes(data=True):
        if a["kind"] == "notice":
            notices[n] = {"id": n, "label": a.get("label", n), "name": a.get("name", ""), "doc": a.get("doc_number", ""),
                          "date": a.get("date", ""), "level": a.get("level", ""), "count": per_notice.get(n, 0)}
    hierarchy = [(g.nodes[u]["label"], g.nodes[v]["label"], d["rel"])
                 for u, v, d in g.edges(data=True) if d["rel"] in ("is_a", "part_of")]
    actors = sorted(per_actor)
    scope = {a: sorted(set(narrower(a, hierarchy)) & set(actors) | {a}) for a in actors}
    data = {"notices": sorted(notices.values(), key=lambda x: (x["date"], x["name"]), reverse=True),
            "actors": [{"label": a, "count": per_actor[a]} for a in sorted(actors, key=lambda a: (-per_actor[a], a))],
            "obligations": sorted(obligations, key=lambda o: (o["n"], o["id"])), "clauses": clauses, "scope": scope,
            "modalities": MODALITY_ZH}
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    template = resources.files("pipeline.data").joinpath("graph.html").read_text(encoding="utf-8")
    return template.replace("__GRAPH_DATA__", payload)
