"""The ``regpipe`` command line: parses options, calls the library, formats the results.

Every :class:`~pipeline.errors.RegpipeError` becomes one ``Error: …`` line and exit code 1;
bad input files are listed one line each and make the exit code 1 after all other notices
have been extracted.
"""
from __future__ import annotations

import json
import re
import sys
from functools import wraps
from pathlib import Path

import click

from .errors import RegpipeError
from .model import MODALITIES


def _errors_as_messages(f):
    @wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except RegpipeError as e:
            raise click.ClickException(str(e)) from e
    return wrapper


@click.group()
@click.version_option(package_name="regpipe")
def cli():
    """regpipe: Chinese regulatory notices → clauses, obligations, a SQLite database and a graph."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--db", "db_path", default="extracted/requirements.db", show_default=True, help="SQLite database to write.")
@click.option("--out", "out_dir", default="extracted", show_default=True, help="Folder for the per-notice JSONL files.")
@click.option("--graph", "graph_path", default="graph/requirements.graphml", show_default=True,
              help="GraphML file of the requirement graph.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable results instead of a table.")
@click.option("--ocr", type=click.Choice(["auto", "never"]), default="auto", show_default=True,
              help="Scanned PDFs: read them with Tesseract (chi_sim) when installed, or refuse them.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes that read the notices (default: this machine's cores); one writer.")
@click.option("--dask", "dask", metavar="SCHEDULER",
              help="Read the notices on a Dask cluster: a scheduler address (tcp://host:8786) or 'local' "
                   "(needs regpipe[dask]); this process stays the one writer.")
@_errors_as_messages
def extract(paths, db_path, out_dir, graph_path, as_json, ocr, jobs, dask):
    """Extract clauses and obligations from notices (files or folders; default: corpora/)."""
    from rich.console import Console
    from rich.progress import Progress

    from .batch import default_jobs, extract_paths

    paths = list(paths) or ["corpora"]
    jobs = jobs or default_jobs()
    if not any(Path(p).exists() or Path(p).is_symlink() for p in paths):  # nothing to read: create nothing
        raise click.ClickException(f"no such file or folder: {', '.join(paths)}"
                                   + (" (run from the project folder, or name the notices' folder)"
                                      if paths == ["corpora"] else ""))
    console = Console(stderr=True)
    if as_json or len(paths) == 1 and not Path(paths[0]).is_dir():
        results = extract_paths(paths, db_path, out_dir, graph_path, keep_records=False, ocr=ocr, jobs=jobs,
                                dask=dask)
    else:
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("extracting", total=None)
            results = extract_paths(paths, db_path, out_dir, graph_path,
                                    progress=lambda done, total, path: bar.update(task, completed=done, total=total,
                                                                                   description=path[-50:]),
                                    keep_records=False, ocr=ocr, jobs=jobs, dask=dask)
    failed = [r for r in results if r.status == "error"]
    if as_json:
        click.echo(json.dumps([_result_json(r) for r in results], ensure_ascii=False, indent=2))
    else:
        _summary_table(results)
    for r in failed:
        click.echo(f"Error: {r.error}", err=True)
    if not results:
        raise click.ClickException(f"no notice files found in {' '.join(paths)}")
    if failed:
        sys.exit(1)


def _result_json(r) -> dict:
    if r.status == "error":
        return {"source": r.source, "status": "error", "error": r.error}
    n = r.notice
    return {"source": r.source, "status": r.status, "notice": n.name, "title": n.title, "doc_number": n.doc_number,
            "issuer": n.issuer, "date": n.date, "level": n.level, "effective": n.effective,
            "addressees": list(n.addressees), "truncated": n.truncated,
            "warnings": list(n.warnings), "clauses": r.counts["clauses"], "obligations": r.counts["obligations"],
            "by_modality": {m: r.counts[m] for m in MODALITIES if r.counts.get(m)}}


def _summary_table(results) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="regpipe extract")
    table.add_column("notice", overflow="fold")
    table.add_column("clauses", justify="right")
    table.add_column("obligations", justify="right")
    for m in MODALITIES:
        table.add_column(m, justify="right")
    table.add_column("warnings", overflow="fold")
    for r in results:
        if r.status == "error":
            table.add_row(r.source, "-", "-", *["-"] * len(MODALITIES), f"[red]{r.error}[/red]")
            continue
        table.add_row(r.notice.name, str(r.counts["clauses"]), str(r.counts["obligations"]),
                      *[str(r.counts.get(m, 0)) for m in MODALITIES], "; ".join(r.notice.warnings))
    Console(width=max(100, Console().width)).print(table)  # a 100-column terminal at least


@cli.command(name="eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.argument("pred_dir", default="extracted", type=click.Path(file_okay=False))
@click.option("--threshold", default=0.5, show_default=True, help="Minimum action overlap F1 for a match.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--show-errors", default=20, show_default=True, help="How many errors to list (0: none).")
@click.option("--by-rule", is_flag=True, help="Subject accuracy per grammar rule (which rule an error came from).")
@_errors_as_messages
def eval_(gold_dir, pred_dir, threshold, as_json, show_errors, by_rule):
    """Score PRED_DIR (default: extracted/) against the gold files in GOLD_DIR."""
    from .evaluate import score, subject_errors_by_rule

    gold_names = {p.name.split(".")[0] for p in Path(gold_dir).glob("*.obligations.jsonl")}
    if not gold_names:
        raise click.ClickException(f"{gold_dir}: no gold files (NAME.obligations.jsonl)")
    missing = sorted(n for n in gold_names if not (Path(pred_dir) / f"{n}.obligations.jsonl").exists())
    if len(missing) == len(gold_names):
        raise click.ClickException(f"{pred_dir}: no predictions for any gold notice; run `regpipe extract` "
                                   f"on their texts with --out {pred_dir} first")
    for n in missing:
        click.echo(f"note: no prediction for {n} (scored as nothing found)", err=True)
    if by_rule:
        rows = subject_errors_by_rule(gold_dir, pred_dir, threshold)
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        click.echo(f"{'rule':28} {'matched':>8} {'wrong subject':>14}")
        for rule, r in rows.items():
            click.echo(f"{rule:28} {r['matched']:8d} {r['wrong']:14d}")
        return
    result, errors = score(gold_dir, pred_dir, threshold)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        o, c = result["obligations"], result["clauses"]
        click.echo(f"obligations  P={o['precision']:.3f} R={o['recall']:.3f} F1={o['f1']:.3f} "
                   f"(tp={o['tp']} pred={o['pred']} gold={o['gold']})")
        click.echo(f"on matched   modality={result['modality_accuracy']:.3f} subject={result['subject_accuracy']:.3f} "
                   f"deadline={result['deadline_accuracy']:.3f} path={result['path_accuracy']:.3f}")
        click.echo(f"clauses      P={c['precision']:.3f} R={c['recall']:.3f} F1={c['f1']:.3f} "
                   f"text={result['clause_text_accuracy']:.3f}")
        for name, d in result["per_doc"].items():
            click.echo(f"  {name}: obligations F1={d['obligations']['f1']:.3f} clauses F1={d['clauses']['f1']:.3f}")
        for e in errors[:show_errors]:
            click.echo(e)


# ------------------------------------------------------------------ query
def _db_option(f):
    return click.option("--db", "db_path", default="extracted/requirements.db", show_default=True,
                        help="SQLite database written by `regpipe extract`.")(f)


def _format_options(f):
    f = click.option("--csv", "as_csv", is_flag=True, help="Print CSV (UTF-8) instead of a table.")(f)
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(f)


def _open(db_path):
    """The database, read-only: queries work on a read-only file and never block a writer."""
    from .store import open_db
    return open_db(db_path, create=False, readonly=True)


def _fit_widths(want: list[int], room: int, least: list[int], keep: int = 16, fixed: tuple[int, ...] = (),
                text_share: float = 0.3) -> list[int]:
    """Column widths (terminal cells) summing to at most ``room`` where possible.

    Columns of at most ``keep`` cells (labels, IDs, dates, counts) keep their width while the
    wider text columns still get ``text_share`` of the room (or all they want, if less); when
    they would not, the widest of the narrow columns give up a cell at a time, never those in
    ``fixed`` (an ID folded over two lines cannot be copied). The text columns share what is
    left in proportion to the square root of their width (a long action gets more than a
    subject, not all of it); one narrower than its share keeps its width. Never under ``least``
    (per column: its header's width, at least 4)."""
    out = list(want)
    flex = [k for k, w in enumerate(want) if w > keep]
    if flex:
        narrow = [k for k in range(len(want)) if k not in flex]
        room_narrow = room - min(sum(want[k] for k in flex), int(room * text_share))
        while sum(out[k] for k in narrow) > room_narrow:
            give = [k for k in narrow if k not in fixed and out[k] > max(least[k], 4)]
            if not give:
                break
            out[max(give, key=lambda k: out[k])] -= 1
    left = room - sum(w for k, w in enumerate(out) if k not in flex)
    while flex:
        weight = sum(want[k] ** 0.5 for k in flex)
        share = {k: max(least[k], 4, int(left * want[k] ** 0.5 / weight)) for k in flex}
        small = [k for k in flex if want[k] <= share[k]]
        if not small:
            for k in flex:
                out[k] = share[k]
            break
        for k in small:
            out[k] = want[k]
            left -= want[k]
            flex.remove(k)
    return out


TABLE_ROWS = 200
"""Rows a terminal table shows when the command has no ``--limit``: rich lays out a row of
wrapped Chinese in about a millisecond, and every duty of a broad actor in a 1,000-notice
library (12,694 rows, 56,000 lines) took 10 s to print. The rest are counted in a note, and
``--json`` / ``--csv`` always print every row."""


def _emit(rows: list[dict], as_json: bool, as_csv: bool, title: str, data=None, columns: list[str] | None = None,
          limited: bool | None = None, total: int | None = None) -> None:
    """Print ``rows`` (flat dicts) as a rich table, CSV or JSON (``data``: the full JSON value);
    ``columns`` gives the CSV header when there are no rows. A table shows the first
    :data:`TABLE_ROWS` rows and says how many more there are, unless the user gave ``--limit``
    (``limited``: True; False: the command has ``--limit`` and it was not given; None: it has none).
    ``total``: how many rows there are when ``rows`` holds only the first of them."""
    if as_json:
        from .query import dumps
        click.echo(dumps(data if data is not None else rows))
        return
    if as_csv:
        import csv
        import io
        buf = io.StringIO()
        if rows or columns:
            w = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else columns)
            w.writeheader()
            w.writerows(rows)
        click.echo(buf.getvalue(), nl=False)
        return
    if not rows:
        click.echo(f"{title}: none found")
        return
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table
    total = max(total or 0, len(rows))
    if limited is not True and len(rows) > TABLE_ROWS:
        rows = rows[:TABLE_ROWS]
    cells = [["" if v is None else str(v) for v in r.values()] for r in rows]
    cols = list(rows[0])
    console = Console()
    width = max(100, console.width)
    # column widths computed here (rich measures every cell of every column otherwise, most of the
    # time of a long listing): the widest cell, the long text columns shrunk to fit the terminal
    want = [max([cell_len(c) for c in col] + [cell_len(name)]) for name, col in zip(cols, zip(*cells))]
    room = width - 3 * len(cols) - 1
    if sum(want) > room:
        want = _fit_widths(want, room, [cell_len(name) for name in cols],
                           fixed=tuple(k for k, name in enumerate(cols) if name == "id"))
    table = Table(title=f"{title} ({total})" if total == len(rows) else f"{title} (first {len(rows)} of {total})")
    for name, w in zip(cols, want):
        table.add_column(name, overflow="fold", width=w)
    for r in cells:
        table.add_row(*r)
    Console(width=width).print(table)
    if total > len(rows):
        click.echo(f"note: {total - len(rows)} more rows not shown; --json or --csv prints every row"
                   + (f", --limit {total} shows them here" if limited is False else ""), err=True)


_OB_COLUMNS = ["notice", "clause", "subject", "actor", "modality", "action", "condition", "deadline", "due", "id"]


NOTES_SHOWN = 5
"""Superseded versions named one per line before the rest are counted in one line (a law
library holds thousands of old versions; a note per version buries the answer)."""


def _note_superseded(db, current: bool) -> None:
    if current:
        from . import query as q
        _note_left_out(sorted(q.superseded(db).items()))


def _note_left_out(pairs: list[tuple[str, str]]) -> None:
    """Notes on the superseded versions a listing left out: (old, new) notice names."""
    for old, new in pairs[:NOTES_SHOWN]:
        click.echo(f"note: {old} left out, superseded by {new} (--all-versions keeps it)", err=True)
    if len(pairs) > NOTES_SHOWN:
        click.echo(f"note: and {len(pairs) - NOTES_SHOWN} more superseded versions left out "
                   "(`regpipe query notices` lists them; --all-versions keeps them)", err=True)


_ALL_VERSIONS = click.option("--all-versions", is_flag=True, help="Also notices superseded by a newer version.")


def _scope_options(f):
    """``--all-versions``, ``--in-force [DATE]`` and ``--level``: which notices a command reads
    (:func:`pipeline.query.notice_scope`)."""
    f = click.option("--level", help="Only notices of this 效力级别 (法律, 行政法规, 部门规章, 地方性法规, "
                                     "地方政府规章, 规范性文件).")(f)
    f = click.option("--in-force", "in_force", is_flag=False, flag_value="today", default=None, metavar="[DATE]",
                     help="Only notices 现行有效 on DATE (ISO; alone: today): not yet in force, repealed, "
                          "expired and superseded ones left out.")(f)
    return _ALL_VERSIONS(f)


def notice_label(name: str, title: str | None, doc_number: str | None) -> str:
    """A short label for a notice in a terminal table: its 文号 (an order number too), else its
    title without 中华人民共和国 and 关于 (at most 14 characters), else its name."""
    if doc_number:
        return doc_number
    if title:
        t = re.sub(r"^中华人民共和国", "", title)
        t = t.split("关于", 1)[1] if "关于" in t[:12] and not t.startswith("关于") else t
        return t if len(t) <= 14 else t[:13] + "…"
    return name


def _ob_row(o, short: bool = False) -> dict:
    if short:  # the terminal: fewer, shorter columns (every field is in --json / --csv)
        from .model import MODALITY_ZH
        return {"notice": notice_label(o.notice, o.title, o.doc_number), "clause": o.path or "（序言）",
                "subject": o.subject + (f"（{o.actor}）" if o.actor and o.actor != o.subject else ""),
                "": MODALITY_ZH.get(o.modality, o.modality),
                "action": (f"〔{o.condition}〕" if o.condition else "") + o.action,
                "deadline": " ".join(x for x in (o.deadline_text, o.deadline_date) if x), "id": o.id}
    return {"notice": o.notice, "clause": o.path, "subject": o.subject, "actor": o.actor, "modality": o.modality,
            "action": o.action,
            "condition": o.condition or "", "deadline": o.deadline_text or "", "due": o.deadline_date or "",
            "id": o.id}


@cli.group()
def query():
    """Ask the obligation database questions across notices."""


def _modalities(ctx, param, values):
    """``--modality`` in English or as the Chinese term (``应当`` → ``must``)."""
    from .model import MODALITY_ZH
    by_zh = {zh: en for en, zh in MODALITY_ZH.items()}
    out = []
    for v in values:
        m = by_zh.get(v, v)
        if m not in MODALITIES:
            raise click.BadParameter(f"{v!r} is none of {', '.join(MODALITIES)} / {', '.join(by_zh)}")
        out.append(m)
    return tuple(out)


def _obligation_filters(f):
    """The filters shared by `query obligations` and `checklist` (pipeline.query.obligations)."""
    for opt in reversed((
            click.option("--actor", help="Bound actor (alias or abbreviation allowed); narrower actors included."),
            click.option("--exact", is_flag=True, help="Only the actor itself, not the actors below it."),
            click.option("--modality", multiple=True, callback=_modalities,
                         help="must/must_not/may/encouraged/target or 应当/不得/可以/鼓励/目标; repeat for several."),
            click.option("--notice", help="Notice name, 文号, title or part of one."),
            click.option("--due-before", help="ISO date: dated deadline before it."),
            click.option("--due-after", help="ISO date: dated deadline on or after it."),
            click.option("--cites", help="A cited law, rule, standard or 文号, however written."),
            click.option("--text", help="Full-text search (Chinese): terms separated by spaces, all of which must "
                                        "occur in the actor, action, condition or clause text."))):
        f = opt(f)
    return f


@query.command(name="obligations")
@_obligation_filters
@click.option("--clause", "clause_path", help="Clause path: that clause and the ones under it.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many rows (1 or more).")
@_scope_options
@_db_option
@_format_options
@_errors_as_messages
def query_obligations(actor, exact, modality, notice, due_before, due_after, cites, text, clause_path, limit,
                      all_versions, in_force, level, db_path, as_json, as_csv):
    """Obligations matching every given filter (current versions only, unless --all-versions
    or --notice names one)."""
    from . import query as q
    db = _open(db_path)
    current = not all_versions
    filters = dict(actor=actor, exact=exact, modality=list(modality) or None, notice=notice, due_before=due_before,
                   due_after=due_after, cites=cites, text=text, clause=clause_path, current_only=current,
                   in_force=in_force, level=level)
    if as_json:  # the rows as the store keeps them for it: no Python object per row
        click.echo(q.obligations_json(db, limit=limit, **filters))  # bytes: written as they are
        _note_superseded(db, current and not in_force)
        return
    table = not as_csv
    if table and limit is None:  # the terminal shows the first TABLE_ROWS: read those, count the rest
        rows = q.obligations(db, limit=TABLE_ROWS, **filters)
        total = q.count_obligations(db, **filters) if len(rows) == TABLE_ROWS else len(rows)
    else:
        rows = q.obligations(db, limit=limit, **filters)
        total = None
    _emit([_ob_row(o, short=table) for o in rows], as_json, as_csv, "obligations", rows,
          columns=_OB_COLUMNS, limited=limit is not None, total=total)
    _note_superseded(db, current and not in_force)


@query.command(name="notices")
@click.option("--as-of", help="ISO date the status (时效性) is judged at (default: today).")
@click.option("--level", help="Only this 效力级别 (法律, 行政法规, 部门规章, 地方性法规, 地方政府规章, 规范性文件).")
@_db_option
@_format_options
@_errors_as_messages
def query_notices(as_of, level, db_path, as_json, as_csv):
    """Notices with 效力级别, 文号, issuer, dates, 时效性 and their relations: the version that
    supersedes them, the notices that repeal them, what they repeal and implement."""
    from . import query as q
    rows = q.notices(_open(db_path), as_of=as_of, level=level)
    flat = [{"notice": r.name, "title": r.title, "level": r.level or "", "文号": r.doc_number or "",
             "issuer": r.issuer or "", "promulgated": r.promulgated or "", "revised": " ".join(r.revisions),
             "effective": r.effective or "", "status": r.status, "superseded by": r.superseded_by or "",
             "repealed by": "; ".join(r.repealed_by), "repeals": "; ".join(r.repeals),
             "implements": "; ".join(r.implements)} for r in rows]
    columns = ["notice", "title", "level", "文号", "issuer", "promulgated", "revised", "effective", "status",
               "superseded by", "repealed by", "repeals", "implements"]
    if not (as_json or as_csv):  # the terminal table: dates and relations folded into fewer columns
        flat = [{"notice": f["notice"], "title": f["title"], "level": f["level"], "文号 / issuer":
                 " ".join(x for x in (f["文号"], f["issuer"]) if x), "公布 / 修订 / 施行":
                 " / ".join((f["promulgated"] or "—", f["revised"] or "—", f["effective"] or "—")),
                 "status": f["status"] + (f"（{r.status_reason}）" if r.status_reason else ""),
                 "relations": "; ".join(x for x in (f"废止 {f['repeals']}" if f["repeals"] else "",
                                                    f"依据 {f['implements']}" if f["implements"] else "") if x)}
                for f, r in zip(flat, rows)]
    _emit(flat, as_json, as_csv, "notices", rows, columns=columns)


@query.command(name="actors")
@click.option("--all", "include_unbound", is_flag=True, help="Also lexicon actors no obligation binds.")
@_scope_options
@_db_option
@_format_options
@_errors_as_messages
def query_actors(include_unbound, all_versions, in_force, level, db_path, as_json, as_csv):
    """Every actor with its obligation counts per modality and per notice (current versions only,
    unless --all-versions)."""
    from . import query as q
    db = _open(db_path)
    rows = q.actors(db, include_unbound, current_only=not all_versions, in_force=in_force, level=level)
    flat = [{"actor": a.name, "kind": a.kind, "in lexicon": "yes" if a.in_lexicon else "no (unlisted)",
             "total": a.total, **{m: a.by_modality.get(m, 0) for m in MODALITIES},
             "notices": "; ".join(f"{k} {v}" for k, v in a.by_notice.items()), "broader": "; ".join(a.broader)}
            for a in rows]
    if not (as_json or as_csv):  # the terminal: one line per actor (per-notice counts: --csv/--json)
        from .model import MODALITY_ZH
        flat = [{"actor": a.name + ("" if a.in_lexicon else " *"), "kind": a.kind, "total": a.total,
                 **{MODALITY_ZH[m]: a.by_modality.get(m, 0) or "" for m in MODALITIES},
                 "notices": len(a.by_notice), "broader": "; ".join(p.split(" ", 1)[1] for p in a.broader)}
                for a in rows]
    _emit(flat, as_json, as_csv, "actors", rows)
    if not (as_json or as_csv):
        click.echo("* not in the actor lexicon (found by grammar); --csv or --json give the counts per notice",
                   err=True)
    _note_superseded(db, not all_versions and not in_force)


@query.command(name="deadlines")
@click.option("--as-of", help="ISO date to compare with (default: today).")
@click.option("--actor", help="Only obligations binding this actor (and narrower ones).")
@_scope_options
@_db_option
@_format_options
@_errors_as_messages
def query_deadlines(as_of, actor, all_versions, in_force, level, db_path, as_json, as_csv):
    """Dated obligations in date order (overdue / upcoming), then recurring, immediate, relative
    (current versions only, unless --all-versions)."""
    from . import query as q
    db = _open(db_path)
    rep = q.deadlines(db, as_of=as_of, actor=actor, current_only=not all_versions, in_force=in_force, level=level)
    flat = [{"due": d.obligation.deadline_date, "status": d.status, "days": d.days, **_ob_row(d.obligation)}
            for d in rep.dated]
    for kind, rows in (("recurring", rep.recurring), ("immediate", rep.immediate), ("relative", rep.relative)):
        flat += [{"due": "", "status": kind, "days": "", **_ob_row(o)} for o in rows]
    if not (as_json or as_csv):  # the terminal: the date with its status in one column
        said = {"overdue": "逾期", "upcoming": "未到期", "recurring": "定期", "immediate": "立即", "relative": "相对期限"}

        def when(d):
            return f"{d.obligation.deadline_date}（{said[d.status]}{abs(d.days)}天）"

        flat = [{"due": when(d), **{k: v for k, v in _ob_row(d.obligation, True).items() if k != "deadline"},
                 "deadline": d.obligation.deadline_text or ""} for d in rep.dated]
        for kind, rows in (("recurring", rep.recurring), ("immediate", rep.immediate), ("relative", rep.relative)):
            flat += [{"due": said[kind], **{k: v for k, v in _ob_row(o, True).items() if k != "deadline"},
                      "deadline": o.deadline_text or ""} for o in rows]
    _emit(flat, as_json, as_csv, f"deadlines as of {rep.as_of}", rep)
    _note_superseded(db, not all_versions and not in_force)


@query.command(name="citations")
@click.option("--of", "of", help="Show the clauses citing this title, standard or 文号.")
@_scope_options
@_db_option
@_format_options
@_errors_as_messages
def query_citations(of, all_versions, in_force, level, db_path, as_json, as_csv):
    """What is cited, how often and by which notices (current versions only, unless
    --all-versions)."""
    from . import query as q
    db = _open(db_path)
    if of:
        rows = q.citing_clauses(db, of)
        _emit([{"notice": c.notice, "clause": c.path or "（序言）", "cited as": c.written, "text": c.text} for c in rows],
              as_json, as_csv, f"clauses citing {of}", rows)
        return
    rows = q.citations(db, current_only=not all_versions, in_force=in_force, level=level)
    _emit([{"cited": c.key, "kind": c.kind, "times": c.count, "in notice": c.notice or "",
            "cited by": "; ".join(f"{k} {v}" for k, v in c.notices.items())} for c in rows],
          as_json, as_csv, "citations", rows)
    _note_superseded(db, not all_versions and not in_force)


@query.command(name="show")
@click.argument("item_id")
@_db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_errors_as_messages
def query_show(item_id, db_path, as_json):
    """One obligation or clause: clause text, headings above it, related obligations."""
    from . import query as q
    r = q.show(_open(db_path), item_id)
    if as_json:
        click.echo(q.dumps(r))
        return
    from rich.console import Console
    from rich.panel import Panel
    con = Console()
    con.print(f"[bold]{r.title}[/bold]  ({r.notice})")
    if r.notice_info:
        i = r.notice_info
        con.print("  " + "  ".join(x for x in (i.level, i.doc_number, i.issuer, i.promulgated and f"公布 {i.promulgated}",
                                               i.effective and f"施行 {i.effective}", i.status) if x))
    for path, head in r.headings:
        con.print(f"  {path}  {head}")
    con.print(Panel(r.clause_text, title=r.path))
    if r.obligation:
        o = r.obligation
        con.print(f"[bold]{o.subject or '（主体未明）'}[/bold] [cyan]{o.trigger}[/cyan] {o.action}  "
                  f"({o.modality}{', ' + o.deadline_text if o.deadline_text else ''})")
        if o.subject_source not in ("explicit", "sentence"):
            con.print(f"  subject inferred from: {o.subject_source} (actor: {o.actor or '—'})")
        if o.condition:
            con.print(f"  condition: {o.condition}")
        if o.citations:
            con.print(f"  cites: {', '.join(o.citations)}")
    else:
        for o in r.obligations:
            con.print(f"  - {o.subject} {o.trigger} {o.action} [{o.modality}] {o.id}")
    if r.terms:
        con.print("[bold]defined terms[/bold]")
        for t in r.terms:
            where = "the notice" if not t.scope else t.scope
            con.print(f"  {t.term}{t.note or ''}（{t.path}, for {where}）: {t.definition}")
    if r.neighbours:
        con.print("[bold]related[/bold]")
        for nb in r.neighbours:
            o = nb.obligation
            score = f" {nb.score:.2f}" if nb.score else ""
            con.print(f"  {nb.reason}{score}: {o.notice} {o.path} — {o.subject} {o.trigger} {o.action[:60]}  {o.id}")


@query.command(name="terms")
@click.option("--term", help="Only terms containing this.")
@click.option("--notice", help="Only the terms of this notice: name, 文号 or title.")
@_scope_options
@_db_option
@_format_options
@_errors_as_messages
def query_terms(term, notice, all_versions, in_force, level, db_path, as_json, as_csv):
    """Defined terms (本条例所称认证，是指……): definition, defining clause and scope (current
    versions only, unless --all-versions or --notice names one)."""
    from . import query as q
    db = _open(db_path)
    current = not all_versions and not notice
    rows = q.terms(db, term=term, notice=notice, current_only=current, in_force=in_force, level=level)
    _emit([{"term": t.term + (t.note or ""), "notice": t.notice, "clause": t.path, "scope": t.scope or "(notice)",
            "kind": t.kind, "definition": t.definition} for t in rows], as_json, as_csv, "terms", rows,
          columns=["term", "notice", "clause", "scope", "kind", "definition"])
    _note_superseded(db, current and not in_force)


@query.command(name="changes")
@click.option("--notice", help="Only changes made by this (new) version: name, 文号 or title.")
@click.option("--actor", help="Only obligation changes for this actor.")
@_db_option
@_format_options
@_errors_as_messages
def query_changes(notice, actor, db_path, as_json, as_csv):
    """Changes recorded by `regpipe diff` between versions in the database."""
    from . import query as q
    rows = q.changes(_open(db_path), notice=notice, actor=actor)
    _emit([{"old": r.old_notice, "new": r.new_notice, "level": r.level, "kind": r.kind, "actor": r.actor or "",
            "old path": r.old_path or "", "new path": r.new_path or "", "before": r.before or "",
            "after": r.after or ""} for r in rows], as_json, as_csv, "changes", rows)


# ------------------------------------------------------------------ diff
@cli.command()
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "html", "json"]), default="text", show_default=True)
@click.option("-o", "--output", help="Write the report to this file instead of printing it.")
@click.option("--changed-only", is_flag=True, help="Leave out the rows of unchanged and merely renumbered clauses.")
@_db_option
@_errors_as_messages
def diff(old, new, fmt, output, changed_only, db_path):
    """What NEW changes relative to OLD (notice files, or notices in the database).

    When both versions are notices in the database, the changes are recorded there
    (`regpipe query changes`) and in the graph (supersedes / amends edges).
    """
    from .diff import diff_versions, load_version, store_diff
    from .errors import StoreError
    from .report import render_html, render_json, render_markdown, render_text
    from .store import open_db

    db = open_db(db_path, create=False, readonly=True) if Path(db_path).exists() else None
    a, b = load_version(old, db), load_version(new, db)
    d = diff_versions(a, b)
    stored = 0
    if db is not None and a.notice_id and b.notice_id:
        try:  # recording the changes is the one write; a read-only database only skips it
            stored = store_diff(open_db(db_path, create=False), d, a, b)
        except StoreError as e:
            click.echo(f"note: changes not recorded ({e})", err=True)
    text = {"text": render_text, "md": render_markdown, "html": render_html, "json": render_json}[fmt](d, changed_only)
    if output:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(text, encoding="utf-8")
        from .report import summary_line
        click.echo(f"{output}: {summary_line(d)}")
    else:
        click.echo(text, nl=False)
    if stored:
        click.echo(f"recorded {stored} changes in {db_path}", err=True)


# ------------------------------------------------------------------ checklist
@cli.command()
@_obligation_filters
@click.option("--as-of", help="ISO date deadlines are flagged overdue against (default: today).")
@click.option("--no-merge", is_flag=True, help="Keep a duty restated in several notices as separate rows.")
@_scope_options
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv", "md", "json"]),
              help="Output format (default: from the -o suffix; Markdown when printing).")
@click.option("-o", "--output", help="Write to this file (an .xlsx without -o goes to checklist.xlsx).")
@_db_option
@_errors_as_messages
def checklist(actor, exact, notice, modality, due_before, due_after, cites, text, as_of, no_merge, all_versions,
              in_force, level, fmt, output, db_path):
    """A checklist of duties to work from: XLSX, CSV (UTF-8 with BOM), Markdown or JSON.

    One row per duty with its requirement sentence, deadline, source clause, citations and
    empty 负责人 / 状态 / 证据 / 备注 columns; ordered by actor, notice, clause.
    """
    from .checklist import build_checklist
    from .checklist_export import FORMATS, to_csv, to_json, to_markdown, write_checklist

    cl = build_checklist(_open(db_path), actor=actor, exact=exact, notice=notice, modality=list(modality) or None,
                         due_before=due_before, due_after=due_after, cites=cites, text=text, as_of=as_of,
                         merge=not no_merge, all_versions=all_versions, in_force=in_force, level=level)
    if output is None and fmt == "xlsx":
        output = "checklist.xlsx"
    if output is None:
        render = {"csv": lambda c: "\ufeff" + to_csv(c), "json": to_json}.get(fmt, to_markdown)
        click.echo(render(cl), nl=False)
    else:
        suffix = Path(output).suffix.lstrip(".").lower()
        suffix = {"markdown": "md"}.get(suffix, suffix)
        if fmt is None and suffix not in FORMATS:
            raise click.UsageError(f"{output}: cannot tell the format from the ending .{suffix}; "
                                   f"name it .xlsx, .csv, .md or .json, or give --format")
        if fmt is not None and suffix in FORMATS and suffix != fmt:
            raise click.UsageError(f"{output}: ends in .{suffix} but --format is {fmt}")
        if not Path(output).parent.exists():
            click.echo(f"note: created folder {Path(output).parent}", err=True)
        path = write_checklist(cl, output, fmt or suffix)
        click.echo(f"{path}: {len(cl.items)} duties of {len(cl.counts())} actors from {len(cl.notices)} notices"
                   + (f", {cl.merged} restatements merged" if cl.merged else "")
                   + (f", {sum(i.overdue for i in cl.items)} overdue as of {cl.as_of}"
                      if any(i.overdue for i in cl.items) else ""))
    if not cl.items:
        click.echo("note: no duty matches these filters", err=True)
    _note_left_out(list(cl.superseded))


# ------------------------------------------------------------------ graph
@cli.group()
def graph():
    """The requirement graph."""


@graph.command(name="export")
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "json", "html"]), default="graphml",
              show_default=True)
@click.option("-o", "--output", help="Output file (default: graph/requirements.<format>).")
@_scope_options
@_db_option
@_errors_as_messages
def graph_export(fmt, output, all_versions, in_force, level, db_path):
    """Write the requirement graph as GraphML, GEXF, node-link JSON or an interactive HTML page
    (current versions only, unless --all-versions; `regpipe extract` writes the whole database's)."""
    from . import query as q
    from .graph import export_graph
    out = Path(output or f"graph/requirements.{fmt}")
    db = _open(db_path)
    g = export_graph(db, out, fmt=fmt, scope=q.notice_scope(db, not all_versions, in_force, level))
    click.echo(f"{out}: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges")


@cli.command()
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--db", "db_path", default="extracted/requirements.db", show_default=True, help="SQLite database to write.")
@click.option("--graph", "graph_path", default="graph/requirements.graphml", show_default=True,
              help="GraphML file of the whole database after loading.")
@_errors_as_messages
def load(folders, db_path, graph_path):
    """Load the output folders of other `regpipe extract` runs (NAME.notice.json and its JSONL
    files) into one database, without extracting again."""
    from .load import load_outputs

    results = load_outputs(list(folders), db_path, graph_path)
    failed = [r for r in results if r.status == "error"]
    click.echo(f"{db_path}: loaded {len(results) - len(failed)} notices from {len(results)} file sets", err=True)
    for r in failed:
        click.echo(f"Error: {r.error}", err=True)
    if not results:
        raise click.ClickException(f"no NAME.notice.json files in {' '.join(folders)}")
    if failed:
        sys.exit(1)


@cli.command()
@click.option("--db", "db_path", default="extracted/requirements.db", show_default=True,
              help="SQLite database written by `regpipe extract`.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(1, 65535))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: the whole network).")
@_errors_as_messages
def serve(db_path, port, host):
    """Browse the database in datasette (needs regpipe[web]): Chinese views with facets, canned
    queries, the JSON API, for a team without Python."""
    from .store import open_db
    from .web import serve as run

    open_db(db_path, create=False).conn.close()  # a missing or old database: one clear line
    click.echo(f"regpipe serve: http://{host}:{port}/ (Ctrl+C stops)", err=True)
    run(db_path, port=port, host=host)


if __name__ == "__main__":
    cli()
