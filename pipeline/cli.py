"""The ``regpipe`` command line: parses options, calls the library, formats the results.

Every :class:`~pipeline.errors.RegpipeError` becomes one ``Error: …`` line and exit code 1;
bad input files are listed one line each and make the exit code 1 after all other notices
have been extracted.
"""
from __future__ import annotations

import json
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
@_errors_as_messages
def extract(paths, db_path, out_dir, graph_path, as_json):
    """Extract clauses and obligations from notices (files or folders; default: corpora/)."""
    from rich.console import Console
    from rich.progress import Progress

    from .batch import extract_paths

    paths = list(paths) or ["corpora"]
    console = Console(stderr=True)
    if as_json or len(paths) == 1 and not Path(paths[0]).is_dir():
        results = extract_paths(paths, db_path, out_dir, graph_path, keep_records=False)
    else:
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("extracting", total=None)
            results = extract_paths(paths, db_path, out_dir, graph_path,
                                    progress=lambda done, total, path: bar.update(task, completed=done, total=total,
                                                                                   description=path[-50:]),
                                    keep_records=False)
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
            "issuer": n.issuer, "date": n.date, "addressees": list(n.addressees), "truncated": n.truncated,
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
    Console(width=200).print(table)


@cli.command(name="eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.argument("pred_dir", default="extracted", type=click.Path(file_okay=False))
@click.option("--threshold", default=0.5, show_default=True, help="Minimum action overlap F1 for a match.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--show-errors", default=20, show_default=True, help="How many errors to list (0: none).")
@_errors_as_messages
def eval_(gold_dir, pred_dir, threshold, as_json, show_errors):
    """Score PRED_DIR (default: extracted/) against the gold files in GOLD_DIR."""
    from .evaluate import score

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


if __name__ == "__main__":
    cli()
