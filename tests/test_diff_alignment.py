"""Article alignment on versions built from a real law (product-quality-law-2018) by the edits
real revisions make (issue #11): articles deleted and inserted (everything after renumbered),
moved to another chapter with words changed, grown by a paragraph, kept word for word as the
first paragraph of a longer new article, and their items edited. Every old article must be
paired with the new article that continues it, or reported removed."""
from __future__ import annotations

import random
import re

import pytest

from pipeline.diff import diff_versions, load_version
from pipeline.segment import label_for

from .conftest import CORPORA

LAW = CORPORA / "more" / "product-quality-law-2018.md"
_CN = "零一二三四五六七八九"


def _cn(n: int) -> str:
    if n < 10:
        return _CN[n]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[units] if units else "") if n < 100 else \
        _CN[n // 100] + "百" + ("零" if 0 < n % 100 < 10 else "") + (_cn(n % 100) if n % 100 else "")


def _blocks():
    """(header lines, [(chapter heading, [article lines without label])]) of the law."""
    lines = LAW.read_text(encoding="utf-8").split("\n")
    header, arts, chapter = [], [], None
    for ln in lines:
        s = ln.strip()
        if re.match(r"^#+\s*第.{1,4}[章节]", s):
            chapter = re.sub(r"^#+\s*", "", s)
            continue
        m = re.match(r"^第[零一二三四五六七八九十百]+条\s*(.*)$", s)
        if m:
            arts.append([chapter, [m.group(1)]])
        elif arts and s:
            arts[-1][1].append(s)
        elif not arts:
            header.append(ln)
    return header, arts


def _render(header, arts, chapters) -> str:
    out, last, n = list(header), None, 0
    for chapter, body in arts:
        if chapter != last:
            out += ["", "## " + chapters.get(chapter, chapter), ""]
            last = chapter
        n += 1
        out += [f"第{_cn(n)}条 " + body[0], *body[1:], ""]
    return "\n".join(out) + "\n"


def _edit(text: str, rng: random.Random) -> str:
    k = rng.randrange(len(text) // 3, max(len(text) // 3 + 1, 2 * len(text) // 3))
    return text[:k] + "依法" + text[k:]


def _revise(seed: int):
    """The two versions' texts and, for each old article number (1-based), the new number
    that continues it (``None``: deleted)."""
    rng = random.Random(seed)
    header, arts = _blocks()
    old_text = _render(header, arts, {})
    items = [[i + 1, a[0], list(a[1])] for i, a in enumerate(arts)]  # old number, chapter, lines
    chapters = sorted({a[0] for a in arts}, key=[a[0] for a in arts].index)
    deleted = set(rng.sample(range(5, 70), 2))
    items = [it for it in items if it[0] not in deleted]
    for it in rng.sample(items, 10):  # words changed
        it[2][0] = _edit(it[2][0], rng)
    for it in rng.sample(items, 4):  # a paragraph (款) added
        it[2].append("违反前款规定的，由县级以上人民政府有关部门责令改正，给予警告；情节严重的，处一万元以上五万元以下的罚款。")
    duties = [it for it in items if re.search("应当|不得", it[2][0])]
    for k, it in enumerate(rng.sample(duties, 3)):  # moved to another chapter, a word changed but in one
        items.remove(it)
        target = rng.choice([c for c in chapters if c != it[1]])
        at = max(k for k, x in enumerate(items) if x[1] == target) + 1
        it[1] = target
        if k:
            it[2][0] = _edit(it[2][0], rng)
        items.insert(at, it)
    host = rng.choice([it for it in items if len("".join(it[2])) > 40 and len(it[2]) == 1])
    host[2] += ["有关部门应当自收到材料之日起二十日内作出决定，并书面告知申请人；不予批准的，应当说明理由。",
                "前两款规定以外的其他事项，依照国务院有关规定执行。"]  # kept whole as the first 款 of a longer article
    for _ in range(3):  # new articles
        at = rng.randrange(1, len(items))
        items.insert(at, [None, items[at - 1][1], ["国家建立产品质量信息公开制度，由国务院产品质量监督部门统一发布产品质量抽查结果和相关信息。"
                                                 if _ == 0 else f"省、自治区、直辖市人民政府可以根据本地区实际制定第{_cn(_ + 3)}项实施细则。"
                                                 if _ == 1 else "本法所称产品质量检验机构，是指依法设立、从事产品质量检验活动的专业机构。"]])
    expected = {n: None for n in deleted}
    for k, it in enumerate(items):
        if it[0] is not None:
            expected[it[0]] = k + 1
    return old_text, _render(header, [(it[1], it[2]) for it in items], {}), expected


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_old_article_is_paired_with_its_successor(seed, tmp_path):
    old_text, new_text, expected = _revise(seed)
    (tmp_path / "old.md").write_text(old_text, encoding="utf-8")
    (tmp_path / "new.md").write_text(new_text, encoding="utf-8")
    d = diff_versions(load_version(tmp_path / "old.md"), load_version(tmp_path / "new.md"))
    got = {}
    for ch in d.clauses:
        for o in ch.old:
            if o.kind == "article":
                got[o.label] = ch.new[0].label if ch.new and ch.new[0].kind == "article" else None
    right = sum(got.get(label_for("article", _cn(n))) == (label_for("article", _cn(m)) if m else None)
                for n, m in expected.items())
    assert right >= len(expected) - 1, [(n, m, got.get(label_for("article", _cn(n)))) for n, m in expected.items()
                                        if got.get(label_for("article", _cn(n))) != (label_for("article", _cn(m)) if m else None)]
    # a moved article is marked moved; the one kept inside a longer article is modified, not removed
    assert any(ch.moved or ch.status == "moved" for ch in d.clauses)
    assert sum(ch.status == "removed" and ch.old[0].kind == "article" for ch in d.clauses) <= 3


def test_obligation_changes_only_where_the_text_changed(tmp_path):
    old_text, new_text, _ = _revise(2)
    (tmp_path / "old.md").write_text(old_text, encoding="utf-8")
    (tmp_path / "new.md").write_text(new_text, encoding="utf-8")
    old, new = load_version(tmp_path / "old.md"), load_version(tmp_path / "new.md")
    d = diff_versions(old, new)
    by_id = {o.id: o for o in old.obligations + new.obligations}
    kinds = {ch.kind for ch in d.obligations}
    assert "moved" in kinds  # the duties of the article moved unedited to another chapter
    moved = {c.old[0].path for c in d.clauses if c.moved or c.status == "moved"}
    assert not [ch for ch in d.obligations if ch.kind in ("new", "removed") and ch.old_path in moved]
    for ch in d.obligations:
        assert ch.modality in ("must", "must_not", "may", "encouraged", "target") and ch.action
        if ch.kind not in ("new", "removed", "moved"):
            a, b = by_id[ch.old_id], by_id[ch.new_id]
            assert re.sub(r"\s", "", a.sentence) != re.sub(r"\s", "", b.sentence), ch
    # a law against itself, renumbered by one inserted article: no duty changes, none moves
    header, arts = _blocks()
    shifted = _render(header, [(arts[0][0], ["本法所称产品，是指经过加工、制作，用于销售的产品。"])] + [tuple(a) for a in arts], {})
    (tmp_path / "shifted.md").write_text(shifted, encoding="utf-8")
    d2 = diff_versions(old, load_version(tmp_path / "shifted.md"))
    assert {ch.kind for ch in d2.obligations} <= {"new"}
