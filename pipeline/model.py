"""Plain data passed between the stages (frozen dataclasses, no behaviour beyond helpers).

Character offsets are 0-based indices into ``Notice.text`` (Python ``str`` indices, i.e.
Unicode code points). Dates are ISO 8601 strings (``YYYY-MM-DD``).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

MODALITIES = ("must", "must_not", "may", "encouraged", "target")
"""The five deontic modalities of ``../shared/eval/GUIDELINES.md``."""

MODALITY_ZH = {"must": "应当", "must_not": "不得", "may": "可以", "encouraged": "鼓励", "target": "目标"}
"""Each modality as the Chinese term a reader of regulations expects (GUIDELINES.md's trigger lists)."""

DEADLINE_KINDS = ("absolute", "relative", "recurring", "immediate")
"""Deadline kinds, most specific first (GUIDELINES.md, "Fields")."""


@dataclass(frozen=True)
class HistoryEvent:
    """One dated line of a notice's history (题注): ``2020年10月23日国家市场监督管理总局令第31号修订``.

    Attributes:
        date: ISO date; act: the word written (公布, 通过, 修订 …); kind: ``promulgated``,
        ``adopted``, ``approved`` or ``revised``; organ: who acted (``国家市场监督管理总局``,
        ``全国人民代表大会常务委员会``) or ``None``; order: the order number (``国务院令第390号``) or
        ``None``; text: the event as written.
    """

    date: str
    act: str
    kind: str
    organ: str | None
    order: str | None
    text: str


@dataclass(frozen=True)
class Relation:
    """A notice's relation to another document, as its text states it.

    Attributes:
        kind: ``repeals`` (``……同时废止``), ``partly_repeals`` (``《…》中有关……的规定同时废止``) or
            ``implements`` (``根据《…》``, ``为贯彻落实《…》``).
        key: the target's citation key (its title key, else its 文号).
        title: the target's title without 《》, or ``None``; doc_number: its 文号 or order number,
        or ``None``; date: the date the text gives it (``2011年7月20日公布的《…》``), ISO, or ``None``.
        text: the target as written; evidence: the sentence.
    """

    kind: str
    key: str
    title: str | None
    doc_number: str | None
    date: str | None
    text: str
    evidence: str


@dataclass(frozen=True)
class Definition:
    """A term the notice defines (``本条例所称认证，是指……``), see :mod:`pipeline.definitions`.

    Attributes:
        doc: notice name; term: the term as written; definition: what it means, verbatim;
        kind: ``means`` (是指) or ``includes`` (包括); path: the defining clause; scope: ``""``
        (the notice) or the path of the chapter, section or article the definition reaches;
        note: a bracketed note after the term (``（含标准样品）``) or ``None``; text: the sentence.
    """

    doc: str
    term: str
    definition: str
    kind: str
    path: str
    scope: str
    note: str | None
    text: str

    def to_record(self) -> dict:
        """The JSONL record (``NAME.definitions.jsonl``), keys in a fixed order."""
        return {"doc": self.doc, "term": self.term, "definition": self.definition, "kind": self.kind,
                "path": self.path, "scope": self.scope, "note": self.note, "text": self.text}


@dataclass(frozen=True)
class Notice:
    """One ingested notice: clean text plus metadata.

    Attributes:
        name: file name without extension; the ``doc`` key of every output row.
        source: path of the file as given.
        format: detected format: ``"text"``, ``"html"``, ``"markdown"`` or ``"pdf"``.
        text: cleaned text, one paragraph per line, trailer of download sites removed.
        sha256: hex digest of the cleaned text (stable IDs are derived from it).
        title, doc_number (文号, e.g. ``市监认证〔2019〕18号``), issuer, date (ISO signature
        date): ``None`` when not found.
        addressees: 主送 organisations in the order written.
        attachments: attachment titles (from the 附件 list or the attachments' own title lines).
        truncated: True when the file is a partial download or ends mid-sentence.
        warnings: human-readable warnings for this notice.
    """

    name: str
    source: str
    format: str
    text: str
    sha256: str
    title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    date: str | None = None
    addressees: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ()
    truncated: bool = False
    warnings: tuple[str, ...] = ()
    level: str | None = None
    """效力级别: 法律, 行政法规, 部门规章, 地方性法规, 地方政府规章 or 规范性文件 (``None``: unknown)."""
    level_source: str | None = None
    """The rule of ``data/levels.json`` that gave ``level`` and the words it matched."""
    effective: str | None = None
    """施行日期 (ISO), from ``自……起施行`` (or the issue date for ``自公布之日起施行``)."""
    effective_source: str | None = None
    """The sentence ``effective`` was read from."""
    promulgated: str | None = None
    """公布日期 (ISO): the first 公布/通过/发布 date of the header's history."""
    revisions: tuple[str, ...] = ()
    """Every 修订/修正/修改 date of the header's history (ISO, ascending)."""
    history: tuple["HistoryEvent", ...] = ()
    """The header's dated events (:func:`pipeline.lifecycle.history`)."""
    relations: tuple["Relation", ...] = ()
    """What the notice repeals and implements (:func:`pipeline.lifecycle.relations`)."""
    valid_until: str | None = None
    """The last day of a stated validity period (``有效期至``, ``有效期N年``), ISO."""
    valid_until_source: str | None = None
    """The sentence ``valid_until`` was read from."""
    source_status: str | None = None
    """The 时效性 the source site stated in a comment (``<!-- STATUS: 已修改 -->``), as of its download."""


@dataclass(frozen=True)
class Clause:
    """A unit the notice numbers itself (GUIDELINES.md, "Clauses").

    Attributes:
        path: labels from outermost to this clause joined by ``/`` (e.g. ``三/（二）/1``).
        label: this clause's own label (``第十二条``, ``（三）``, ``2``, ``附件1``).
        kind: marker kind from :data:`pipeline.segment.MARKERS` (``article``, ``cn_item`` ...).
        text: the clause's complete own text (GUIDELINES "Clauses"): lead-in plus any paragraph
            after its children, label and whitespace removed.
        heading: the heading line (text of the marker line), used to recover elided subjects.
        lines: the clause's own paragraphs (first = marker line without label), whitespace kept.
        trailing: paragraphs (款) that follow this clause's items and belong to it but are not
            part of the contiguous ``text`` (GUIDELINES decision for article-numbered laws).
        start, end: character span of the clause's own text in ``Notice.text``.
        order: position of the clause in document order (0-based).
        parent: path of the enclosing clause, ``""`` at top level.
        body: the complete text for display: one paragraph per line, spaces kept between Latin
            letters and digits (``GB/T 27021.1``), label removed.
    """

    path: str
    label: str
    kind: str
    text: str
    heading: str
    lines: tuple[str, ...]
    trailing: tuple[str, ...] = ()
    start: int = 0
    end: int = 0
    order: int = 0
    parent: str = ""
    body: str = ""


@dataclass(frozen=True)
class Deadline:
    """A time expression bounding an obligation.

    ``kind`` is one of :data:`DEADLINE_KINDS`; ``date`` is an ISO date for absolute deadlines
    (end of the period for ``到2026年底`` → ``2026-12-31``), else ``None``.
    """

    text: str
    kind: str
    date: str | None = None


@dataclass(frozen=True)
class Citation:
    """A cited law, rule, standard or document number.

    ``kind`` is ``"title"`` (a 《…》 title), ``"standard"`` (``GB/T 27021.1``) or
    ``"doc_number"`` (``国发〔2018〕3号``); ``key`` is the normalised form used to merge
    citations written differently.
    """

    text: str
    kind: str
    key: str
    alt_key: str | None = None
    """The key of the 文号 or standard number written with a title (``《…》（国发〔2018〕3号）``),
    or of the title written after a standard number: one citation, found by either."""


@dataclass(frozen=True)
class Obligation:
    """One normative statement directing an actor (GUIDELINES.md, "Obligations").

    Attributes:
        doc, path: notice name and innermost clause path (``""`` for the preamble).
        subject: the notice's own name for the actor bound (a thing subject verbatim; ``""``
            when none could be found).
        subject_explicit: True when the subject is written in the same sentence.
        actor: the actor ontology's canonical name for ``subject`` (``data/actors.json``), or
            the subject itself for an actor the ontology does not know.
        subject_source: where the subject came from: ``explicit`` (the statement), ``sentence``
            (an earlier statement of the sentence), ``clause`` (an earlier sentence of the
            clause), ``heading``, ``addressee`` (主送), ``authority`` (the competent authority,
            for 责令, fines and approvals) or ``none``.
        rules: ids of the :data:`pipeline.grammar.RULES` that set its fields.
        modality: one of :data:`MODALITIES`.
        trigger: the trigger exactly as written (``应当``, ``不得``, ``到2026年底`` ...).
        action: verb phrase after the trigger, verbatim, whitespace between CJK removed.
        condition: fronted condition verbatim, or ``None``.
        deadline: :class:`Deadline` or ``None``.
        citations: citations inside the statement.
        sentence: the whole sentence holding the trigger.
        start: character offset of the trigger in ``Notice.text`` (-1 when unknown).
        id: stable ID (derived from the notice hash, path and ordinal).
    """

    doc: str
    path: str
    subject: str
    subject_explicit: bool
    modality: str
    trigger: str
    action: str
    condition: str | None = None
    deadline: Deadline | None = None
    citations: tuple[Citation, ...] = ()
    sentence: str = ""
    start: int = -1
    id: str = ""
    actor: str = ""
    subject_source: str = "explicit"
    rules: tuple[str, ...] = ()

    def to_record(self) -> dict:
        """The GUIDELINES.md JSON record (keys in the gold order) plus ``id`` and ``citations``."""
        rec = {
            "doc": self.doc,
            "path": self.path,
            "subject": self.subject,
            "subject_explicit": self.subject_explicit,
            "modality": self.modality,
            "trigger": self.trigger,
            "action": self.action,
            "condition": self.condition,
            "deadline": ({"text": self.deadline.text, "kind": self.deadline.kind, "date": self.deadline.date}
                         if self.deadline else None),
            "id": self.id,
            "citations": [c.text for c in self.citations],
            "actor": self.actor,
            "subject_source": self.subject_source,
            "rules": list(self.rules),
        }
        return rec


@dataclass(frozen=True)
class ExtractionResult:
    """Everything extracted from one notice, or why it failed.

    ``status`` is ``"ok"``, ``"warning"`` (extracted, with warnings) or ``"error"`` (``error``
    holds the reason and the other fields are empty).
    """

    source: str
    status: str
    notice: Notice | None = None
    clauses: tuple[Clause, ...] = ()
    obligations: tuple[Obligation, ...] = ()
    error: str | None = None
    timings: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    """``{"clauses": n, "obligations": n, "definitions": n, "must": n, …}``: kept when the records
    are dropped (``clauses`` counts numbered clauses, not the preamble)."""
    definitions: tuple["Definition", ...] = ()
    """The terms the notice defines (:func:`pipeline.definitions.definitions`)."""

    def __post_init__(self):
        if not self.counts and self.notice is not None:
            self.counts.update(clauses=sum(c.kind != "preamble" for c in self.clauses), obligations=len(self.obligations),
                               definitions=len(self.definitions))
            for o in self.obligations:
                self.counts[o.modality] = self.counts.get(o.modality, 0) + 1

    def light(self) -> "ExtractionResult":
        """This result without its clause and obligation records and the notice text (the
        counts stay): what a long batch keeps in memory once a notice is stored."""
        if self.notice is None:
            return self
        return replace(self, notice=replace(self.notice, text=""), clauses=(), obligations=(), definitions=())
