"""Every stored query on the embedded store and on Virtuoso, side by side, in one run.

On a corpus from ``generate.py`` (default 10,000 reports):

1. ``govkg build`` into an embedded store (reused with ``--store`` when it is already built);
2. ``govkg export --shards`` and Virtuoso's bulk loader run on the shards with the recipe
   written beside them (``load-virtuoso.sql``): load seconds;
3. every stored query, with the parameters the cross-store test uses (a township and a
   village of the corpus where a query needs one), through ``govkg.queries.run`` on the
   embedded store and on Virtuoso's endpoint: the median of 3 runs each, rows compared.

Virtuoso is Debian's virtuoso-opensource 7.2 (``apt-get install virtuoso-opensource``), a
private instance in a temporary folder, started and stopped here (the tests' VirtuosoServer).

    python benchmarks/cross_store.py --reports 10000 --jobs 2 --out benchmarks/cross_store.json
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))      # VirtuosoServer, the cross-store parameters


def timed(fn, runs: int = 3):
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=10000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--work", type=Path, default=None, help="folder for the corpus and store (kept)")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--reuse", action="store_true",
                    help="with --work: a Virtuoso database already loaded there is queried as it is")
    a = ap.parse_args()

    from conftest import VirtuosoServer
    from generate import generate
    from test_cross_store import _generated_params

    from govkg.publish import export_shards
    from govkg.push import remote_quad_count
    from govkg.queries import list_queries, run
    from govkg.store import GraphStore

    work = a.work or Path(tempfile.mkdtemp(prefix="govkg-cross-"))
    corpus, store = work / "corpus", work / "store"
    result: dict = {"reports": a.reports}
    if not (store / "CURRENT").exists():
        generate(corpus, a.reports, seed=7)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "govkg.cli", "build", str(corpus / "reports"), "--store", str(store),
                        "--jobs", str(a.jobs), "--quiet"], check=False)
        result["build_s"] = round(time.perf_counter() - t, 1)
    params_for = _generated_params(store)
    reuse = a.reuse and (work / "virtuoso" / "virtuoso.db").exists()
    with GraphStore(store, read_only=True) as s:
        if not reuse:
            t = time.perf_counter()
            shards = export_shards(s, work / "shards")
            result["export_s"] = round(time.perf_counter() - t, 1)
            result["quads"] = shards.quads
            print(json.dumps({"export_s": result["export_s"], "quads": shards.quads}), flush=True)
        with VirtuosoServer(work / "virtuoso", dirs_allowed=((work / "shards").resolve(),)) as v:
            if not reuse:
                t = time.perf_counter()
                v.isql(shards.folder / "load-virtuoso.sql")
                result["virtuoso_load_s"] = round(time.perf_counter() - t, 1)
                print(json.dumps({"virtuoso_load_s": result["virtuoso_load_s"]}), flush=True)
            result["virtuoso_quads"] = remote_quad_count(f"{v.base}/sparql")
            print(json.dumps({"virtuoso_quads": result["virtuoso_quads"]}), flush=True)
            rows = []
            for q in list_queries():
                p = params_for(q.name)
                local_s, local = timed(lambda: run(q, s, p))
                try:
                    remote_s, remote = timed(lambda: run(q, None, p, endpoint=f"{v.base}/sparql"))
                    same, remote_n = remote.rows == local.rows, len(remote)
                except Exception as e:         # a time-out or refusal is a figure too
                    remote_s, same, remote_n = None, False, f"{type(e).__name__}: {str(e)[:120]}"
                rows.append({"query": q.name, "rows": len(local), "embedded_s": round(local_s, 3),
                             "virtuoso_s": None if remote_s is None else round(remote_s, 3),
                             "virtuoso_rows": remote_n, "same_rows": same})
                print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
            result["queries"] = rows
    if a.out:
        a.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "queries"}, ensure_ascii=False))


if __name__ == "__main__":
    main()
