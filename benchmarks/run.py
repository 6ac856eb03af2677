"""The scale benchmark: build generated corpora of N reports and measure every stage.

For each N (default 100, 1,000 and 10,000), on a corpus from ``generate.py``:

* extraction quality: the scorer's figures against the corpus's true facts;
* an end-to-end build (validation on) with ``--jobs`` processes, in a child process whose
  whole process tree is sampled for peak memory; per-stage seconds (ingest, extract + link,
  map, validate in the workers; load in the main process), wall time, store size;
* at the sizes given by ``--sequential``, the same build with one process (the ratio);
* the latency of every stored query (median of 3, pyoxigraph);
* at the sizes given by ``--rdflib``, the same bound queries on rdflib over the same quads,
  side by side (a ratio), and SHACL validation of the whole graph at once against the sum
  of per-report validation.

    python benchmarks/run.py --sizes 100 1000 10000 --jobs 2 --out benchmarks/results.json \\
        --plot benchmarks/stages.png

Figures are written to ``--out`` as JSON and printed as Markdown tables.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
STAGES = ("ingest", "extract", "map", "validate", "load")


# --- measuring a process tree -------------------------------------------------------------------

def _children(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(d.name))
    return out


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_measured(cmd: list[str]) -> tuple[float, int, str]:
    """Run a command; return (wall seconds, peak RSS of its process tree in bytes, stdout)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample():
        while proc.poll() is None:
            tree, todo = [], [proc.pid]
            while todo:
                p = todo.pop()
                tree.append(p)
                todo += _children(p)
            peak[0] = max(peak[0], sum(_rss(p) for p in tree))
            time.sleep(0.25)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, err = proc.communicate()
    t.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} failed ({proc.returncode}): {err[-2000:]}")
    return time.perf_counter() - start, peak[0], out


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# --- the child's work ----------------------------------------------------------------------------

def child_build(corpus: str, store: str, jobs: int) -> None:
    from govkg.pipeline import build

    t = time.perf_counter()
    s = build([corpus], store, jobs=jobs)
    me, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"built": len(s.built), "skipped": len(s.skipped), "quarantined": len(s.quarantined),
                      "triples": sum(b.triples for b in s.built), "seconds": s.seconds,
                      "build_seconds": time.perf_counter() - t,
                      # CPU of the whole build: this process (loading, RocksDB's threads) and the workers
                      "cpu_main_seconds": me.ru_utime + me.ru_stime,
                      "cpu_workers_seconds": workers.ru_utime + workers.ru_stime}))


# --- queries ------------------------------------------------------------------------------------

def query_params(store) -> dict[str, dict[str, list[str]]]:
    """Parameters for every stored query: its example, with a township and village of this
    store in place of the example's."""
    from govkg.queries import list_queries
    from govkg.serve import example_params as _example_params

    town, village = None, None
    q = """PREFIX gw: <https://w3id.org/govkg/def#>
    SELECT ?t ?v (COUNT(*) AS ?n) WHERE { ?s gw:place ?x . ?x gw:name ?v ; gw:inTownship/gw:name ?t }
    GROUP BY ?t ?v ORDER BY DESC(?n) ?t ?v LIMIT 1"""
    for row in store.query(q):
        town, village = row["t"].value, row["v"].value
    out = {}
    for sq in list_queries():
        params = _example_params(sq.examples[0]) if sq.examples else {}
        for p in sq.params:
            if p.type == "township" and p.name in params:
                params[p.name] = [town]
            if p.type == "village" and p.name in params:
                params[p.name] = [village]
        out[sq.name] = params
    return out


def time_queries(store_path: Path, runs: int = 3) -> tuple[dict, dict]:
    """Median latency of each stored query (pyoxigraph), and the bound texts."""
    from govkg.queries import LocalBackend, _resolver, load_query
    from govkg.store import GraphStore

    lat, texts = {}, {}
    with GraphStore(store_path, read_only=True) as store:
        backend = LocalBackend(store)
        for name, params in query_params(store).items():
            q = load_query(name)
            text = q.bind(params, resolve=_resolver(backend))
            texts[name] = text
            times, rows = [], 0
            for _ in range(runs):
                t = time.perf_counter()
                rows = len(backend.select(text, name)[1])
                times.append(time.perf_counter() - t)
            lat[name] = {"seconds": statistics.median(times), "rows": rows}
    return lat, texts


def child_rdflib(nquads: str, query_file: str, runs: int) -> None:
    """(In a child process) load N-Quads into rdflib and time one query."""
    import rdflib

    ds = rdflib.Dataset(default_union=True)
    t = time.perf_counter()
    ds.parse(nquads, format="nquads")
    load = time.perf_counter() - t
    text = Path(query_file).read_text(encoding="utf-8")
    times, rows = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        rows = len(list(ds.query(text)))
        times.append(time.perf_counter() - t)
    print(json.dumps({"load_seconds": load, "seconds": statistics.median(times), "rows": rows}))


def rdflib_queries(store_path: Path, texts: dict[str, str], runs: int = 3, timeout: int = 30) -> dict:
    """The same bound queries on rdflib over the same quads, each in a child process with a
    time limit (rdflib's engine can take minutes, or fail, where Oxigraph takes milliseconds)."""
    import pyoxigraph as ox

    from govkg.store import GraphStore

    work = store_path.parent / f"{store_path.name}-rdflib"
    work.mkdir(exist_ok=True)
    nq = work / "all.nq"
    with GraphStore(store_path, read_only=True) as store:
        ox.serialize(store.quads(), str(nq), format=ox.RdfFormat.N_QUADS)
    out: dict = {"load_seconds": None, "queries": {}}
    for name, text in texts.items():
        qf = work / f"{name}.rq"
        qf.write_text(text, encoding="utf-8")
        try:
            done = subprocess.run([sys.executable, __file__, "_rdflib", str(nq), str(qf), str(runs)],
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            out["queries"][name] = {"error": f"more than {timeout} s"}
            continue
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["failed"])[-1]
            out["queries"][name] = {"error": last[:120]}
            continue
        r = json.loads(done.stdout)
        out["load_seconds"] = r["load_seconds"]
        out["queries"][name] = {"seconds": r["seconds"], "rows": r["rows"]}
    return out


def whole_graph_validation(store_path: Path) -> dict:
    """pyshacl once over the union of the report graphs, against once per report graph."""
    import pyoxigraph as ox

    from govkg.store import GraphStore
    from govkg.validate import validate_graph

    with GraphStore(store_path, read_only=True) as store:
        graphs = [store.graph_triples(r["graph"]) for r in store.reports()]
    t = time.perf_counter()
    per = [validate_graph(g).conforms for g in graphs]
    per_report = time.perf_counter() - t
    union = [t for g in graphs for t in g]
    t = time.perf_counter()
    whole = validate_graph(union).conforms
    whole_seconds = time.perf_counter() - t
    del ox
    return {"graphs": len(graphs), "triples": len(union), "per_report_seconds": per_report,
            "whole_graph_seconds": whole_seconds, "per_report_conforms": all(per), "whole_conforms": whole}


# --- one size -----------------------------------------------------------------------------------

def score(corpus: Path) -> dict:
    from govkg.pipeline import iter_facts

    facts = corpus / "facts.jsonl"
    with open(facts, "w", encoding="utf-8") as f:
        for item in iter_facts([corpus / "reports"]):
            if isinstance(item, tuple):
                for fact in item[1]:
                    f.write(json.dumps(fact, ensure_ascii=False) + "\n")
    out = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), str(facts), "--gold",
                          str(corpus / "gold.jsonl"), "--register", str(corpus / "gold-register.tsv")],
                         capture_output=True, text=True, check=True).stdout
    line = [ln for ln in out.splitlines() if ln.startswith("SUMMARY")][-1]
    return dict(kv.split("=") for kv in line.split()[1:])


def one_size(n: int, work: Path, jobs: int, seed: int, sequential: bool, with_rdflib: bool) -> dict:
    sys.path.insert(0, str(HERE))
    from generate import generate

    corpus = work / f"corpus-{n}-{seed}"
    if not (corpus / "gold.jsonl").exists():
        shutil.rmtree(corpus, ignore_errors=True)
        generate(corpus, n, seed)
    reports = sorted((corpus / "reports").glob("*.txt")) + sorted((corpus / "reports").glob("*.docx"))
    chars = 0
    from govkg.ingest import read_report

    for p in reports[:200]:
        chars += len(read_report(p).text)
    result: dict = {"reports": n, "chars_per_report": chars / min(200, len(reports))}
    print(f"== N={n}: scoring extraction", file=sys.stderr)
    result["score"] = score(corpus)
    for j in sorted({jobs, 1} if sequential else {jobs}):
        store = work / f"store-{n}-j{j}"
        shutil.rmtree(store, ignore_errors=True)
        shutil.rmtree(work / f"store-{n}-j{j}-quarantine", ignore_errors=True)
        print(f"== N={n}: build --jobs {j}", file=sys.stderr)
        wall, peak, out = run_measured([sys.executable, __file__, "_build", str(corpus / "reports"), str(store), str(j)])
        info = json.loads(out)
        info.update(wall_seconds=wall, peak_rss=peak, store_bytes=du(store), reports_per_second=n / wall)
        result[f"build_jobs{j}"] = info
    store = work / f"store-{n}-j{jobs}"
    print(f"== N={n}: stored queries", file=sys.stderr)
    result["queries"], texts = time_queries(store)
    if with_rdflib:
        print(f"== N={n}: rdflib side by side", file=sys.stderr)
        result["rdflib"] = rdflib_queries(store, texts)
        print(f"== N={n}: whole-graph validation", file=sys.stderr)
        result["whole_graph_validation"] = whole_graph_validation(store)
    return result


def engine_floor(store: Path) -> dict:
    """``engine_floor.py`` on a store, in a child process (its in-memory copy needs GiBs)."""
    out = subprocess.run([sys.executable, str(HERE / "engine_floor.py"), str(store), "--flattened", "--memory"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


# --- reporting ----------------------------------------------------------------------------------

def markdown(results: list[dict], jobs: int) -> str:
    lines = ["| N | chars/report | reports/s (jobs=%d) | wall s | peak RSS MiB | store MiB | triples | link F1 | register |" % jobs,
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        b = r[f"build_jobs{jobs}"]
        lines.append(f"| {r['reports']:,} | {r['chars_per_report']:.0f} | {b['reports_per_second']:.1f} | "
                     f"{b['wall_seconds']:.0f} | {b['peak_rss'] / 2**20:.0f} | {b['store_bytes'] / 2**20:.0f} | "
                     f"{b['triples']:,} | {r['score']['link_f1']} | {r['score']['register']} |")
    lines += ["", "Per-stage milliseconds per report: wall time in the process that ran the stage, and in "
              "brackets its CPU time (the two differ as the workers and the loading process share two cores); "
              "then the CPU of the whole build per report, in the loading process (with RocksDB's own "
              "threads) and in the workers:", "",
              "| N | " + " | ".join(STAGES) + " | CPU main | CPU workers | per report, wall |",
              "| ---: |" + " ---: |" * (len(STAGES) + 3)]
    for r in results:
        b = r[f"build_jobs{jobs}"]
        per = lambda sec: f"{1000 * sec / b['built']:.1f}"  # noqa: E731
        lines.append(f"| {r['reports']:,} | "
                     + " | ".join(f"{per(b['seconds'].get(s, 0))} ({per(b['seconds'].get(s + '_cpu', 0))})" for s in STAGES)
                     + f" | {per(b.get('cpu_main_seconds', 0))} | {per(b.get('cpu_workers_seconds', 0))}"
                     + f" | {1000 * b['wall_seconds'] / r['reports']:.1f} |")
    flat = [r for r in results if r["reports"] in (1000, 10000)]
    if len(flat) == 2:
        a, z = (1000 * r[f"build_jobs{jobs}"]["wall_seconds"] / r["reports"] for r in flat)
        lines += ["", f"Cost per report from 1,000 to 10,000 reports: {a:.1f} → {z:.1f} ms wall ({100 * (z / a - 1):+.0f}%)."]
    seq = [r for r in results if "build_jobs1" in r and jobs != 1]
    if seq:
        lines += ["", "| N | jobs=1 reports/s | jobs=%d reports/s | speed-up |" % jobs, "| ---: | ---: | ---: | ---: |"]
        for r in seq:
            a, b = r["build_jobs1"]["reports_per_second"], r[f"build_jobs{jobs}"]["reports_per_second"]
            lines.append(f"| {r['reports']:,} | {a:.1f} | {b:.1f} | {b / a:.2f}x |")
    names = sorted(results[0]["queries"])
    lines += ["", "Stored-query latency, milliseconds (median of 3, pyoxigraph):", "",
              "| query | " + " | ".join(f"N={r['reports']:,}" for r in results) + " |",
              "| --- |" + " ---: |" * len(results)]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(f"{1000 * r['queries'][name]['seconds']:.1f}" for r in results) + " |")
    for r in results:
        if "floor" in r:
            f = r["floor"]
            ms = lambda k: f"{1000 * f[k]['seconds']:.0f}"  # noqa: E731
            lines += ["", f"What Oxigraph costs per row at N={r['reports']:,} (`engine_floor.py`, median of 3):", "",
                      "| measure | ms | rows |", "| --- | ---: | ---: |",
                      f"| scan: statements of drainage or dike-reinforcement | {ms('scan')} | {f['scan']['rows']:,} |",
                      f"| the same, joined to `gw:place` (one lookup a statement) | {ms('lookup')} | {f['lookup']['rows']:,} |",
                      f"| the same, `ORDER BY ?v ?statement` | {ms('sort')} | {f['sort']['rows']:,} |",
                      f"| `villages-with-any-categories` as stored | {ms('flagship')} | {f['flagship']['rows']:,} |"]
            if "flagship_first_page_unordered" in f:
                lines += [f"| its first 1,000 rows without `ORDER BY` (a page in index order) "
                          f"| {ms('flagship_first_page_unordered')} | {f['flagship_first_page_unordered']['rows']:,} |"]
            if "flattened" in f:
                lines += [f"| the same answer from a flattened summary graph (one subject a row) | {ms('flattened')} | {f['flattened']['rows']:,} |",
                          f"| the same, sorted | {ms('flattened_sorted')} | {f['flattened_sorted']['rows']:,} |"]
            if "memory_flagship" in f:
                lines += [f"| `villages-with-any-categories` on an in-memory copy ({f['memory_peak_rss_mib'] / 1024:.1f} GiB) "
                          f"| {ms('memory_flagship')} | {f['memory_flagship']['rows']:,} |"]
            lines += ["", f"One index lookup: {f['per_lookup_us']:.0f} µs a statement; `ORDER BY`: {f['per_sorted_row_us']:.0f} µs a row."]
        if "rdflib" in r:
            rd = r["rdflib"]
            lines += ["", f"rdflib against pyoxigraph at N={r['reports']:,} (same bound queries, same quads; "
                          f"rdflib loaded them in {rd['load_seconds'] or 0:.1f} s):", "",
                      "| query | pyoxigraph ms | rdflib ms | ratio | rows agree |", "| --- | ---: | ---: | ---: | --- |"]
            for name in names:
                a, b = r["queries"][name], rd["queries"][name]
                if "error" in b:
                    lines.append(f"| {name} | {1000 * a['seconds']:.1f} | fails: {b['error'][:60]} | — | — |")
                    continue
                lines.append(f"| {name} | {1000 * a['seconds']:.1f} | {1000 * b['seconds']:.1f} | "
                             f"{b['seconds'] / max(a['seconds'], 1e-9):.0f}x | {a['rows'] == b['rows']} |")
            w = r["whole_graph_validation"]
            lines += ["", f"SHACL validation at N={r['reports']:,} ({w['triples']:,} triples): one run per report graph "
                          f"{w['per_report_seconds']:.1f} s; one run over the whole graph {w['whole_graph_seconds']:.1f} s "
                          f"(conforms: {w['per_report_conforms']} / {w['whole_conforms']})."]
    return "\n".join(lines)


def plot(results: list[dict], jobs: int, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ns = [r["reports"] for r in results]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for s in STAGES:
        ax.plot(ns, [1000 * r[f"build_jobs{jobs}"]["seconds"].get(s, 0) / r[f"build_jobs{jobs}"]["built"]
                     for r in results], marker="o", label=s)
    ax.plot(ns, [1000 * r[f"build_jobs{jobs}"]["wall_seconds"] / r["reports"] for r in results], marker="s",
            linestyle="--", color="black", label=f"wall per report (jobs={jobs})")
    ax.set_xscale("log")
    ax.set_xlabel("reports in the build (N)")
    ax.set_ylabel("milliseconds per report")
    ax.set_title("govkg build: time per report and stage against N")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_build":
        child_build(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_rdflib":
        child_rdflib(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--sequential", type=int, nargs="*", default=[100, 1000],
                    help="sizes at which a one-process build runs too")
    ap.add_argument("--rdflib", type=int, nargs="*", default=[100],
                    help="sizes at which rdflib and whole-graph validation run side by side")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", type=Path, default=Path("/tmp/govkg-bench"))
    ap.add_argument("--out", type=Path, default=HERE / "results.json")
    ap.add_argument("--plot", type=Path, default=None)
    ap.add_argument("--floor", type=int, nargs="*", default=[10000],
                    help="sizes at which engine_floor.py measures what a lookup and a sort cost")
    ap.add_argument("--requery", action="store_true",
                    help="only time the stored queries again on the stores of an earlier run (--out)")
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    if a.requery:
        results = json.loads(a.out.read_text(encoding="utf-8"))
        for r in results:
            store = a.work / f"store-{r['reports']}-j{a.jobs}"
            print(f"== N={r['reports']}: stored queries again", file=sys.stderr)
            r["queries"], texts = time_queries(store)
            if r["reports"] in a.rdflib:
                r["rdflib"] = rdflib_queries(store, texts)
            a.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
        print(markdown(results, a.jobs))
        if a.plot:
            plot(results, a.jobs, a.plot)
        return
    results = []
    for n in a.sizes:
        results.append(one_size(n, a.work, a.jobs, a.seed, n in a.sequential, n in a.rdflib))
        if n in a.floor:
            print(f"== N={n}: engine floor", file=sys.stderr)
            results[-1]["floor"] = engine_floor(a.work / f"store-{n}-j{a.jobs}")
        a.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(markdown(results, a.jobs))
    if a.plot:
        plot(results, a.jobs, a.plot)


if __name__ == "__main__":
    main()
