"""Parallel extraction (`regpipe extract --jobs N`): worker processes read, one process writes,
and the outputs are the same as a serial run's, byte for byte."""
import os
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from pipeline.batch import extract_paths
from pipeline.cli import cli

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "corpora" / n for n in ("samr-2019-18-certification-self-inspection.txt",
                                        "cnca-2025-09-management-system-certification.txt",
                                        "samr-2024-103-certification-credibility-plan.txt")]
FILES += sorted((ROOT / "corpora" / "more").iterdir())[:3]


def _rows(db: Path) -> list[str]:
    # every row of every table; sorted, since SQLite's row order of set-built tables may differ
    return sorted(sqlite3.connect(db).iterdump())


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_jobs_give_the_serial_outputs_byte_for_byte(tmp_path):
    runs = {}
    for jobs in (1, 2):
        d = tmp_path / f"j{jobs}"
        d.mkdir()
        res = CliRunner().invoke(cli, ["extract", *map(str, FILES), "--db", str(d / "r.db"), "--out", str(d / "out"),
                                       "--graph", str(d / "g.graphml"), "--jobs", str(jobs), "--json"])
        assert res.exit_code == 0, res.output
        runs[jobs] = d
    a, b = runs[1], runs[2]
    assert len(_outputs(a / "out")) >= 2 * len(FILES)
    assert _outputs(a / "out") == _outputs(b / "out")
    assert (a / "g.graphml").read_bytes() == (b / "g.graphml").read_bytes()
    assert _rows(a / "r.db") == _rows(b / "r.db")


_PARENT = os.getpid()


def _die_in_worker() -> None:
    if os.getpid() != _PARENT:
        os._exit(3)  # a worker killed mid-run (out of memory, a native crash)


def test_a_dead_worker_loses_no_notice(tmp_path):
    serial = extract_paths(FILES, tmp_path / "a.db", tmp_path / "a", None)
    parallel = extract_paths(FILES, tmp_path / "b.db", tmp_path / "b", None, jobs=2, hook=_die_in_worker)
    assert [r.source for r in parallel] == [r.source for r in serial] and len(serial) == len(FILES)
    assert all(r.status != "error" for r in parallel)
    assert [r.obligations for r in parallel] == [r.obligations for r in serial]
    assert _outputs(tmp_path / "a") == _outputs(tmp_path / "b")


def test_a_dask_cluster_gives_the_serial_outputs(tmp_path):
    # dask.distributed's LocalCluster in the test process (threads): the same per-notice
    # function, the results written by this process alone
    from dask.distributed import LocalCluster

    serial = extract_paths(FILES, tmp_path / "a.db", tmp_path / "a", tmp_path / "a.graphml")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        on_dask = extract_paths(FILES, tmp_path / "b.db", tmp_path / "b", tmp_path / "b.graphml",
                                dask=cluster.scheduler_address)
    assert [r.source for r in on_dask] == [r.source for r in serial]
    assert [r.obligations for r in on_dask] == [r.obligations for r in serial]
    assert _outputs(tmp_path / "a") == _outputs(tmp_path / "b")
    assert (tmp_path / "a.graphml").read_bytes() == (tmp_path / "b.graphml").read_bytes()
    assert _rows(tmp_path / "a.db") == _rows(tmp_path / "b.db")


def test_an_unreachable_scheduler_is_one_clear_error(tmp_path):
    res = CliRunner().invoke(cli, ["extract", str(FILES[0]), "--db", str(tmp_path / "r.db"), "--out", str(tmp_path / "o"),
                                   "--graph", str(tmp_path / "g.graphml"), "--dask", "tcp://127.0.0.1:9", "--json"])
    assert res.exit_code == 1 and "cannot reach the Dask scheduler tcp://127.0.0.1:9" in res.output
    assert "Traceback" not in res.output


def test_load_rebuilds_the_database_from_the_output_files(tmp_path):
    # what several machines' extracted/ folders give when merged: the same rows and graph
    extract_paths(FILES, tmp_path / "a.db", tmp_path / "out", tmp_path / "a.graphml")
    res = CliRunner().invoke(cli, ["load", str(tmp_path / "out"), "--db", str(tmp_path / "b.db"),
                                   "--graph", str(tmp_path / "b.graphml")])
    assert res.exit_code == 0, res.output
    # every row of every table; the full-text index's own pages depend on how rows were batched
    rows = [[x for x in _rows(tmp_path / d) if "obligations_fts_" not in x] for d in ("a.db", "b.db")]
    assert rows[0] == rows[1] and len(rows[0]) > 1000
    assert (tmp_path / "a.graphml").read_bytes() == (tmp_path / "b.graphml").read_bytes()
    # an edited file set is refused by name, the others still load
    bad = next((tmp_path / "out").glob("*.notice.json"))
    bad.write_text(bad.read_text(encoding="utf-8").replace('"order": 1', '"order": 7', 1), encoding="utf-8")
    res = CliRunner().invoke(cli, ["load", str(tmp_path / "out"), "--db", str(tmp_path / "c.db"), "--graph", ""])
    assert res.exit_code == 1 and bad.name in res.output and "does not match" in res.output
    import sqlite3
    assert sqlite3.connect(tmp_path / "c.db").execute("select count(*) from notices").fetchone()[0] == len(FILES) - 1
