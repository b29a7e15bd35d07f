"""Checklist: the obligations binding an organisation as rows a compliance team can work from.

:func:`build_checklist` reads the database that ``regpipe extract`` writes and returns a
:class:`Checklist`: one :class:`ChecklistItem` per duty, with a readable requirement sentence,
its deadline, every source clause in full and the citations. The writers in
:mod:`pipeline.checklist_export` turn it into XLSX, CSV, Markdown or JSON.

Choices a reader relies on:

* **Filters** are those of :func:`pipeline.query.obligations` (actor with narrower actors unless
  ``exact``, notice, modality, dates, citation, text).
* **Versions**: a notice superseded by a newer version in the database
  (:func:`pipeline.query.superseded`) is left out unless ``all_versions`` or the notice is
  asked for by ``notice``; the checklist lists what binds now.
* **Duplicates**: the same duty restated in several notices (same actor, modality and
  deadline; condition + action at least :data:`MERGE_THRESHOLD` similar) is one item listing
  every source, unless ``merge=False``.
* **Order**: by actor (the one asked for first, then by number of duties), then notice (oldest
  first), then clause order.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: `regpipe query` starts without importing sqlite-utils
    import sqlite_utils

from . import query
from .diff import similarity
from .model import MODALITY_ZH

MERGE_THRESHOLD = 0.9
"""Minimum Dice similarity (:func:`pipeline.diff.similarity`, character bigrams) of two duties'
condition + action for them to count as one restated duty."""

STATUS_CHOICES = ("未开始", "进行中", "已完成", "不适用")
"""Values offered for the 状态 tracking column."""

@dataclass(frozen=True)
class Source:
    """One place a duty is written: notice, its 文号, the clause path and the clause's full text."""
    obligation_id: str
    notice: str
    title: str
    doc_number: str | None
    date: str | None
    path: str
    clause_text: str


@dataclass(frozen=True)
class ChecklistItem:
    """One duty of the checklist.

    Attributes:
        id: stable ID, the obligation ID of the first source (``regpipe query show ID``); it
            changes only when that notice's text changes.
        actor: the actor the item is filed under (its sheet / heading).
        actors: every actor the duty binds (canonical names).
        modality: ``must`` … ``target``; ``modality_zh`` the Chinese term (应当 / 不得 / …).
        requirement: readable sentence: condition, subject, trigger, action.
        deadline_date: ISO date or ``None``; ``deadline_text`` the words as written;
            ``deadline_kind`` absolute / relative / recurring / immediate.
        overdue: the dated deadline is before the checklist's ``as_of`` date.
        sources: every clause stating the duty (several when merged), in checklist order.
        citations: laws, standards and 文号 cited by the duty or its clause(s).
    """
    id: str
    actor: str
    actors: tuple[str, ...]
    modality: str
    modality_zh: str
    requirement: str
    subject: str
    trigger: str
    action: str
    condition: str | None
    deadline_date: str | None
    deadline_text: str | None
    deadline_kind: str | None
    overdue: bool
    sources: tuple[Source, ...]
    citations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Checklist:
    """A checklist with what it was made from.

    Attributes:
        items: in checklist order (actor, notice, clause).
        generated: ISO date-time it was made; ``as_of``: ISO date overdue is measured against.
        filters: the filters given (name → value), for the summary.
        notices: ``(name, title, 文号, date, items)`` of each notice with at least one item.
        superseded: ``(old notice, newer notice)`` pairs left out as no longer in force.
        merged: how many obligations were folded into another item as restatements.
    """
    items: list[ChecklistItem]
    generated: str
    as_of: str
    filters: dict
    notices: list[tuple[str, str, str | None, str | None, int]]
    superseded: list[tuple[str, str]] = field(default_factory=list)
    merged: int = 0

    def counts(self) -> dict[str, dict[str, int]]:
        """Items per actor and modality: ``{actor: {modality: n}}``, actors in checklist order."""
        out: dict[str, dict[str, int]] = {}
        for it in self.items:
            row = out.setdefault(it.actor, {})
            row[it.modality] = row.get(it.modality, 0) + 1
        return out


INFERRED_NOTE = {"clause": "〔主体据本条前文推定〕", "heading": "〔主体据标题推定〕",
                 "addressee": "〔主体据主送机关推定〕", "authority": "〔主体据主管机关推定〕",
                 "none": "〔主体未明〕"}
"""What a checklist row says after its requirement when the subject was not written in the
statement itself (``subject_source`` of :class:`pipeline.model.Obligation`)."""


def requirement_sentence(subject: str, trigger: str, action: str, condition: str | None, modality: str) -> str:
    """The duty as one readable sentence: condition first, then who, the trigger and the action.

    ``认证机构`` + ``应当`` + ``记录…`` with condition ``…不能参加首、末次会议的`` gives
    ``…不能参加首、末次会议的，认证机构应当记录…``. Triggers taking the actor as object
    (``鼓励``, ``引导`` …) come first (``鼓励认证机构开展…``); a target's time phrase leads its
    clause (``到2026年底，认证机构质量负责人配备率达100%``) and its subject is not repeated
    when the action names it; nor is a subject the condition opens with (``认证机构有下列情形之一的，应当…``).
    """
    action = action.strip().rstrip("。；;，,")
    subject = subject.strip()
    trigger = trigger.strip()
    if modality == "target":
        body = action if subject and subject in action else subject + action
        core = f"{trigger}，{body}" if trigger and not body.startswith(trigger) else body
    elif modality == "encouraged":  # 鼓励/引导/倡导/支持 take the actor as their object
        core = trigger + subject + action
    elif trigger and action.endswith(trigger):
        core = subject + action  # 负有保密义务: the action already ends with the trigger phrase
    else:
        core = subject + trigger + action
    cond = (condition or "").strip().rstrip("，,；;")
    if not cond or cond in core:
        return core
    if subject and cond.startswith(subject) and core.startswith(subject + trigger):
        core = core[len(subject):]  # 认证机构有下列情形之一的，应当… (the subject is said once)
    return f"{cond}，{core}"


def build_checklist(db: sqlite_utils.Database, actor: str | None = None, exact: bool = False,
                    notice: str | None = None, modality: str | list[str] | None = None,
                    due_before: str | None = None, due_after: str | None = None, cites: str | None = None,
                    text: str | None = None, as_of: str | None = None, merge: bool = True,
                    all_versions: bool = False, in_force: str | None = None, level: str | None = None) -> Checklist:
    """The checklist of the obligations matching the filters (see the module docstring).

    Args:
        db: database written by ``regpipe extract`` (:func:`pipeline.store.open_db`).
        actor, exact, notice, modality, due_before, due_after, cites, text: as in
            :func:`pipeline.query.obligations`.
        as_of: ISO date overdue deadlines are measured against (default: today).
        merge: fold restatements of one duty in several notices into one item.
        all_versions: keep notices superseded by a newer version.
        in_force, level: only notices in force on that date / of that 效力级别
            (:func:`pipeline.query.notice_scope`).
    Raises:
        QueryError: unknown actor, notice, citation, modality or level, or a malformed date.
    """
    as_of = query.iso_date(as_of) if as_of else date.today().isoformat()
    rows = query.obligations(db, actor=actor, exact=exact, modality=modality, notice=notice,
                             due_before=due_before, due_after=due_after, cites=cites, text=text,
                             in_force=in_force, level=level)
    newer = {} if all_versions or notice or in_force else query.superseded(db)  # in force then: that version
    left_out = sorted({(r.notice, newer[r.notice]) for r in rows if r.notice in newer})
    rows = [r for r in rows if r.notice not in newer]

    scope = query.actor_scope(db, actor, exact) if actor else None
    asked = query.resolve_actor(db, actor) if actor else None
    meta = {n: (t, dn, d) for n, t, dn, d in
            db.execute("select name, coalesce(title, name), doc_number, date from notices")}
    clause_text = _clause_texts(db, [r.clause_id for r in rows if r.clause_id])

    def primary(r: query.ObligationRow) -> str:
        bound = [a for a in r.actors if scope is None or a in scope] or list(r.actors) or [r.subject]
        return asked if asked in bound else bound[0]

    filed = [(primary(r), r) for r in rows]  # rows come in notice, document order
    doc_order = {r.id: i for i, r in enumerate(rows)}
    sizes = Counter(a for a, _ in filed)
    actor_rank = {a: (a != asked, -n, a) for a, n in sizes.items()}
    notice_rank = {n: (m[2] or "9999", n) for n, m in meta.items()}
    filed.sort(key=lambda ar: (actor_rank[ar[0]], notice_rank.get(ar[1].notice, ("9999", "")), doc_order[ar[1].id]))

    groups = _merge(filed) if merge else [[ar] for ar in filed]
    items = []
    for group in groups:
        a, r = group[0]
        sources = tuple(Source(obligation_id=o.id, notice=o.notice, title=o.title, doc_number=o.doc_number,
                               date=meta.get(o.notice, (None, None, None))[2], path=o.path,
                               clause_text=clause_text.get(o.clause_id, ""))
                        for _, o in group)
        cites_all = sorted({c for _, o in group for c in o.citations})
        items.append(ChecklistItem(
            id=r.id, actor=a, actors=r.actors or (r.subject,), modality=r.modality,
            modality_zh=MODALITY_ZH.get(r.modality, r.modality),
            requirement=requirement_sentence(r.subject, r.trigger, r.action, r.condition, r.modality)
            + _listed(db, r) + INFERRED_NOTE.get(r.subject_source, ""),
            subject=r.subject, trigger=r.trigger, action=r.action, condition=r.condition,
            deadline_date=r.deadline_date, deadline_text=r.deadline_text, deadline_kind=r.deadline_kind,
            overdue=bool(r.deadline_date and r.deadline_date < as_of), sources=sources,
            citations=tuple(cites_all)))
    per_notice = Counter(s.notice for it in items for s in it.sources)
    notices = sorted(((n, *meta[n], k) for n, k in per_notice.items()), key=lambda t: notice_rank[t[0]])
    filters = {k: v for k, v in (("actor", actor), ("exact", exact or None), ("notice", notice),
                                 ("modality", ",".join([modality] if isinstance(modality, str) else modality)
                                  if modality else None),
                                 ("due_before", due_before), ("due_after", due_after), ("cites", cites),
                                 ("text", text), ("merge", None if merge else "no"),
                                 ("all_versions", all_versions or None), ("in_force", in_force),
                                 ("level", level)) if v}
    return Checklist(items=items, generated=datetime.now().isoformat(timespec="seconds"), as_of=as_of,
                     filters=filters, notices=notices, superseded=left_out,
                     merged=len(filed) - len(groups))


def _clause_texts(db: sqlite_utils.Database, ids: list[str]) -> dict[str, str]:
    """Clause ID → its display text, followed by the items listed under it when the clause
    points to them (:func:`pipeline.query.with_listed_items`)."""
    texts = dict(query.in_chunks(db, "select id, coalesce(nullif(body, ''), text) from clauses where id in ({})", set(ids)))
    return {cid: query.with_listed_items(db, cid, text) for cid, text in texts.items()}


def _listed(db: sqlite_utils.Database, r: query.ObligationRow) -> str:
    """The items a duty points to (``有下列情形之一的，认证机构应当注销认证证书``: the 情形 listed
    under its clause), one per line after the requirement; ``""`` for a duty that points to none."""
    said = (r.condition or "") + r.action
    if not r.clause_id or not query.points_to_list(said):
        return ""
    items = query.listed_items(db, r.clause_id)
    return "：\n" + "\n".join(f"{label}{text}" for label, text in items) if items else ""


def _norm(text: str) -> str:
    return re.sub(r"[\s，。；、：,.;:“”\"'（）()《》]", "", text)


def _merge(filed: list[tuple[str, query.ObligationRow]]) -> list[list[tuple[str, query.ObligationRow]]]:
    """Group restatements: items of one actor, modality and deadline date whose condition +
    action are :data:`MERGE_THRESHOLD` similar and that come from different notices. Each group
    keeps the position of its first member.

    Candidates are found through an index of each text's rarest character bigrams (prefix
    filtering), so the cost stays near-linear in the number of rows rather than quadratic.
    """
    texts = [_norm((r.condition or "") + r.action) for _, r in filed]
    grams = [{t[i:i + 2] for i in range(len(t) - 1)} or {t} for t in texts]
    freq = Counter(g for gs in grams for g in gs)
    index: dict[tuple, dict[str, list[int]]] = {}
    leader: dict[int, int] = {}
    groups: dict[int, list[int]] = {}
    for i, (a, r) in enumerate(filed):
        block = index.setdefault((a, r.modality, r.deadline_date), {})
        ordered = sorted(grams[i], key=lambda g: (freq[g], g))
        prefix = ordered[:len(ordered) - int(MERGE_THRESHOLD * 0.9 * len(ordered)) + 1]
        found = None
        seen: set[int] = set()
        for g in prefix:
            for j in block.get(g, ()):
                if j in seen:
                    continue
                seen.add(j)
                lead = leader[j]
                if any(filed[k][1].notice == r.notice for k in groups[lead]):
                    continue
                if texts[i] == texts[j] or similarity(texts[i], texts[j]) >= MERGE_THRESHOLD:
                    found = lead
                    break
            if found is not None:
                break
        if found is None:
            leader[i] = i
            groups[i] = [i]
            for g in prefix:
                block.setdefault(g, []).append(i)
        else:
            leader[i] = found
            groups[found].append(i)
    return [[filed[k] for k in members] for _, members in sorted(groups.items())]
