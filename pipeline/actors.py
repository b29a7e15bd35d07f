"""Actors as an ontology: canonical names, aliases and a hierarchy.

Source: ``data/actors.json`` (its ``source`` key names the laws and notices each entry and
relation comes from). Relations:

* ``is_a``: a kind of (审核员 is_a 认证人员; 市场监管总局 is_a 市场监管部门);
* ``part_of``: works inside (认证人员 part_of 认证机构; 国家认监委 part_of 市场监管总局).

Both point from the narrower actor to the broader one. A query for an actor includes every
actor below it through either relation (:meth:`Ontology.narrower`).

Actors a notice names that the lexicon lacks are kept as they are written; when such a name
ends with a known actor (``京津冀……等市场监管部门``) it is placed under that actor
(:meth:`Ontology.placement`). A subject naming several actors (``认证机构和认证人员``) binds
each of them (:meth:`Ontology.split`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .lexicon import load_lexicon

RELATIONS = ("is_a", "part_of")
_COORDINATION = re.compile(r"、|及其|以及|和|及|与|或者|或")
_DETERMINERS = re.compile(r"^(各|有关|相关|其他|所有|全体|各级)(?=.{2,})")
_QUALIFICATION = re.compile(r"^(?:取得|申请|具备|获得)(.+?)(?:资质|资格)$")
"""A subject naming the qualification of an actor rather than the actor (``取得认证机构资质``)."""
_TRAILING = re.compile(r"(?<=..)(等|们)$")


@dataclass(frozen=True)
class Actor:
    """One canonical actor of the lexicon."""
    name: str
    kind: str  # regulated | body | regulator
    aliases: tuple[str, ...] = ()
    is_a: tuple[str, ...] = ()
    part_of: tuple[str, ...] = ()


@dataclass
class Ontology:
    """The actor lexicon with its alias index and hierarchy.

    ``actors``: canonical name → :class:`Actor`; ``aliases``: every alias (and canonical name)
    → canonical name; ``edges``: (narrower, broader, relation) triples.
    """
    actors: dict[str, Actor]
    aliases: dict[str, str] = field(default_factory=dict)
    edges: list[tuple[str, str, str]] = field(default_factory=list)

    def resolve(self, name: str) -> str | None:
        """The canonical actor ``name`` denotes (alias, ``各``/``有关`` stripped), or ``None``."""
        name = name.strip()
        for candidate in (name, _DETERMINERS.sub("", name), _TRAILING.sub("", name)):
            if candidate in self.aliases:
                return self.aliases[candidate]
        return None

    def split(self, subject: str) -> list[str]:
        """The actors a subject binds: ``认证机构和认证人员`` → [认证机构, 认证人员]. A part that
        is no known actor is kept verbatim; a subject that is no coordination is one actor."""
        if not subject:
            return []
        whole = self.resolve(subject)
        if whole:
            return [whole]
        parts = [p for p in (_TRAILING.sub("", x.strip()) for x in _COORDINATION.split(subject)) if p]
        resolved = [self.resolve(p) for p in parts]
        if len(parts) > 1 and any(resolved):
            out = []
            for p, r in zip(parts, resolved):
                name = r or p
                if name not in out:
                    out.append(name)
            return out
        return [subject]

    def placement(self, name: str) -> str | None:
        """For an actor not in the lexicon: the longest known actor its name ends with, or the
        actor whose qualification it names (``取得认证机构资质`` → 认证机构: the duty binds whoever
        seeks to be one)."""
        m = _QUALIFICATION.match(name)
        if m and m.group(1) in self.aliases:
            return self.aliases[m.group(1)]
        best = None
        for alias, canonical in self.aliases.items():
            if name.endswith(alias) and name != alias and (best is None or len(alias) > len(best[0])):
                best = (alias, canonical)
        return best[1] if best else None

    def broader(self, name: str) -> list[tuple[str, str]]:
        """(relation, actor) pairs directly above ``name``."""
        return [(rel, parent) for child, parent, rel in self.edges if child == name]


def narrower(name: str, edges) -> set[str]:
    """``name`` and every actor below it, transitively, through ``edges``: (narrower, broader,
    relation) triples, as in ``Ontology.edges`` or the ``actor_relations`` table."""
    children: dict[str, set[str]] = {}
    for child, parent, _ in edges:
        children.setdefault(parent, set()).add(child)
    out, todo = {name}, [name]
    while todo:
        for c in children.get(todo.pop(), ()):
            if c not in out:
                out.add(c)
                todo.append(c)
    return out


@lru_cache(maxsize=1)
def load_ontology() -> Ontology:
    """The ontology of ``data/actors.json`` (built once per process)."""
    actors = {}
    for a in load_lexicon("actors.json")["actors"]:
        actors[a["name"]] = Actor(a["name"], a.get("kind", "regulated"), tuple(a.get("aliases", ())),
                                  tuple(a.get("is_a", ())), tuple(a.get("part_of", ())))
    onto = Ontology(actors)
    for a in actors.values():
        onto.aliases[a.name] = a.name
        for al in a.aliases:
            onto.aliases.setdefault(al, a.name)
        for rel in RELATIONS:
            for parent in getattr(a, rel):
                onto.edges.append((a.name, parent, rel))
    return onto


def closest(name: str, candidates: list[str], n: int = 5) -> list[str]:
    """The ``n`` candidates most like ``name``, by shared characters (Dice coefficient on
    character bigrams and single characters; suits Chinese names, where edit distance does not)."""
    def grams(s: str) -> set[str]:
        return set(s) | {s[i:i + 2] for i in range(len(s) - 1)}
    g = grams(name)
    scored = []
    for c in candidates:
        h = grams(c)
        score = 2 * len(g & h) / (len(g) + len(h)) if g or h else 0.0
        if name in c or c in name:
            score += 0.5
        if score > 0.2:
            scored.append((-score, len(c), c))
    return [c for _, _, c in sorted(scored)[:n]]
