"""Shared fixtures: the corpora are extracted once per test session into a temporary folder."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
GOLD = Path(__file__).resolve().parent / "gold"


@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory):
    """(results, out_dir, db_path, graph_path) of `extract_paths` over corpora/."""
    from pipeline.batch import extract_paths

    tmp = tmp_path_factory.mktemp("run")
    db, out, graph = tmp / "requirements.db", tmp / "extracted", tmp / "graph" / "requirements.graphml"
    results = extract_paths([CORPORA], db, out, graph)
    return results, out, db, graph
