"""`regpipe serve`: datasette on the database, with Chinese views, facets and canned queries."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import quote

import pytest
from datasette.utils import tilde_encode

from pipeline.web import CANNED, metadata


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(corpus_run):
    db = corpus_run[2]
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--db", str(db), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}/{db.stem}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                raise AssertionError(proc.stderr.read())
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=20)


def _json(url: str):
    with urllib.request.urlopen(url, timeout=20) as r:
        return json.loads(r.read())


def _html(url: str) -> str:
    with urllib.request.urlopen(url, timeout=20) as r:
        return r.read().decode("utf-8")


def test_index_shows_views_and_queries_and_hides_shadow_tables(server):
    page = _html(server)
    for name in ("文件", "义务", "引用", "定义", "文件关系"):
        assert f">{name}<" in page
    for q in CANNED.values():
        assert q["title"] in page
    info = _json(server + ".json")
    hidden = {t["name"] for t in info["tables"] if t["hidden"]}
    assert {"obligations_fts", "obligations_fts_data", "fts_pending", "obligations"} <= hidden


def test_the_obligations_view_has_chinese_columns_and_facets(server):
    data = _json(server + "/" + tilde_encode("义务") + ".json?_size=5")
    assert {"编号", "义务主体", "义务类型", "行为", "条件", "期限日期", "文件", "条款"} <= set(data["columns"])
    assert {"义务主体", "义务类型", "文件", "效力级别"} <= set(data["facet_results"])
    types = {f["value"] for f in data["facet_results"]["义务类型"]["results"]}
    assert {"应当", "不得"} <= types
    page = _html(server + "/" + tilde_encode("义务"))
    assert "每条义务一行" in page


def test_canned_queries_answer(server):
    def canned(name, **params):
        q = "&".join(f"{quote(k)}={quote(v)}" for k, v in params.items())
        return _json(f"{server}/{tilde_encode(name)}.json?_shape=array&{q}")

    # the actor and every actor below it: at least the actor's own rows
    mine = canned("主体义务", 主体="认证机构")
    own = _json(f"{server}/{tilde_encode('义务')}.json?_shape=array&_size=max&{quote('义务主体')}={quote('认证机构')}")
    assert len(mine) >= len(own) > 50
    # two characters: the trigram index cannot, the canned search can
    hits = canned("检索", 词="保密")
    assert hits and all("保密" in h["行为"] + (h["条件"] or "") + h["原文主体"] for h in hits)
    cited = canned("引用某法", 被引="认证认可条例")
    assert cited and all("认证认可条例" in c["被引"] for c in cited)
    assert isinstance(canned("即将到期", 起始="2000-01-01"), list)


def test_metadata_is_plain_data():
    meta = metadata("requirements")
    assert meta["databases"]["requirements"]["tables"]["义务"]["facets"][0] == "义务主体"
    json.dumps(meta, ensure_ascii=False)
