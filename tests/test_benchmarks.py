"""The benchmark scripts measure what they say they measure (their figures are not asserted)."""
import json
import sys

from govkg.pipeline import build
from govkg.queries import run
from govkg.store import GraphStore

from conftest import EXAMPLES, ROOT


def test_engine_floor_compares_like_with_like(tmp_path):
    # the flattened summary graph and the in-memory copy must give the flagship query's answer,
    # or the comparison in BENCHMARKS.md would compare different work
    store = tmp_path / "store"
    build([EXAMPLES], store)
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import engine_floor

    out = tmp_path / "floor.json"
    assert engine_floor.main([str(store), "--flattened", "--memory", "--out", str(out)]) == 0
    f = json.loads(out.read_text(encoding="utf-8"))
    with GraphStore(store, read_only=True) as s:
        expected = len(run("villages-with-any-categories", s,
                           {"category": ["drainage", "dike-reinforcement"]}))
    assert expected > 0
    assert f["flagship"]["rows"] == f["flattened"]["rows"] == f["flattened_sorted"]["rows"] == expected
    assert f["memory_flagship"]["rows"] == expected
    assert f["flagship_first_page_unordered"]["rows"] == min(1000, expected)
    assert f["lookup"]["rows"] >= f["scan"]["rows"] > 0
