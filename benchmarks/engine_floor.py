"""What Oxigraph costs per row: the floor under the corpus-wide stored queries.

On a built store (say the 10,000-report store of ``run.py``) this measures, side by side in
one run:

* a scan: the statements of the flagship query's two categories (one index range);
* a lookup: the same scan joined to one more triple pattern per row (``gw:place``), whose
  extra time over the scan, divided by the rows, is the price of one index lookup;
* a sort: those rows ordered by the village and statement IRIs, whose extra time is what
  ``ORDER BY`` costs per row (Oxigraph decodes a long string for every comparison);
* the flagship query ``villages-with-any-categories`` as stored, and its first 1,000 rows
  without ``ORDER BY`` (a page in index order: what paging without a sort would cost);
* with ``--flattened``: the same answer from a summary graph of one subject per row with
  every column a direct property (what a summary graph maintained by the build would hold),
  written to a separate store first;
* with ``--memory``: the flagship query on an in-memory copy of the whole store.

    python benchmarks/engine_floor.py /tmp/govkg-bench/store-10000-j2 --flattened --memory

Each figure is the median of 3 runs after one warm-up run.
"""
from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

PREFIXES = """PREFIX gw: <https://w3id.org/govkg/def#>
PREFIX cat: <https://w3id.org/govkg/def/category/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX x: <urn:x-govkg-bench:>
"""
CATEGORIES = "cat:drainage cat:dike-reinforcement"
SCAN = f"SELECT ?statement WHERE {{ VALUES ?c {{ {CATEGORIES} }} ?statement gw:category ?c }}"
LOOKUP = f"SELECT ?statement ?v WHERE {{ VALUES ?c {{ {CATEGORIES} }} ?statement gw:category ?c ; gw:place ?v }}"
SORT = LOOKUP + " ORDER BY ?v ?statement"
# the rows of villages-with-any-categories, for the summary graph
ROWS = f"""SELECT ?statement ?v ?c ?status ?village ?township ?report ?evidence ?period WHERE {{
  GRAPH ?g {{
    ?statement a gw:ActivityStatement ; gw:category ?c ; gw:status ?status ; gw:place ?v ;
               prov:wasDerivedFrom/gw:fileName ?report ;
               gw:evidence/oa:hasSelector/oa:exact ?evidence .
    ?v gw:name ?village ; gw:inTownship/gw:name ?township .
    OPTIONAL {{ ?statement gw:period/gw:periodCode ?period }}
  }} }}"""
FLAT = f"""SELECT DISTINCT ?township ?village ?c ?period ?status ?report ?evidence WHERE {{
  VALUES ?category {{ {CATEGORIES} }}
  ?c skos:broader* ?category .
  GRAPH x:summary {{ ?r x:category ?c ; x:status ?status ; x:village ?village ; x:township ?township ;
                      x:report ?report ; x:evidence ?evidence . OPTIONAL {{ ?r x:period ?period }} }} }}"""
FLAT_SORTED = FLAT + " ORDER BY ?township ?village ?period ?c ?status ?evidence"


def timed(store: ox.Store, text: str, runs: int = 3, union: bool = True) -> dict:
    """Median seconds of ``runs`` runs after a warm-up, and the number of rows."""
    rows = sum(1 for _ in store.query(PREFIXES + text, use_default_graph_as_union=union))
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        sum(1 for _ in store.query(PREFIXES + text, use_default_graph_as_union=union))
        times.append(time.perf_counter() - t)
    return {"seconds": statistics.median(times), "rows": rows}


def flagship(ordered: bool = True) -> str:
    from govkg.queries import load_query

    text = load_query("villages-with-any-categories").bind({"category": ["drainage", "dike-reinforcement"]})
    return text if ordered else re.sub(r"\nORDER BY[^\n]*\s*$", "\n", text) + " LIMIT 1000"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store", type=Path)
    ap.add_argument("--flattened", action="store_true", help="also measure a flattened summary graph")
    ap.add_argument("--memory", action="store_true", help="also measure an in-memory copy of the store")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)

    store = ox.Store.read_only(str(args.store))
    out: dict = {"store": str(args.store)}
    out["scan"] = timed(store, SCAN)
    out["lookup"] = timed(store, LOOKUP)
    out["sort"] = timed(store, SORT)
    out["flagship"] = timed(store, flagship())
    out["flagship_first_page_unordered"] = timed(store, flagship(ordered=False))
    scan_rows, rows = out["scan"]["rows"], out["lookup"]["rows"]
    out["per_lookup_us"] = 1e6 * (out["lookup"]["seconds"] - out["scan"]["seconds"]) / scan_rows
    out["per_sorted_row_us"] = 1e6 * (out["sort"]["seconds"] - out["lookup"]["seconds"]) / rows
    if args.flattened:
        tmp = Path(tempfile.mkdtemp(prefix="govkg-floor-"))
        try:
            flat = ox.Store(str(tmp))
            t = time.perf_counter()
            quads, x, g = [], (lambda p: ox.NamedNode("urn:x-govkg-bench:" + p)), ox.NamedNode("urn:x-govkg-bench:summary")
            for n, s in enumerate(store.query(PREFIXES + ROWS)):
                r = ox.NamedNode(f"urn:x-govkg-bench:row/{n}")
                for col in ("c", "status", "village", "township", "report", "evidence", "period"):
                    if s[col] is not None:
                        quads.append(ox.Quad(r, x("category" if col == "c" else col), s[col], g))
            flat.bulk_extend(quads)
            # the category hierarchy the query walks
            flat.extend(store.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/2004/02/skos/core#broader"), None))
            flat.flush()
            out["flattened_rows_written"] = len(quads)
            out["flattened_build_seconds"] = time.perf_counter() - t
            out["flattened"] = timed(flat, FLAT)
            out["flattened_sorted"] = timed(flat, FLAT_SORTED)
            del flat
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.memory:
        mem = ox.Store()
        t = time.perf_counter()
        for graph in store.named_graphs():
            mem.bulk_extend(store.quads_for_pattern(None, None, None, graph))
        out["memory_load_seconds"] = time.perf_counter() - t
        out["memory_peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out["memory_flagship"] = timed(mem, flagship())
    text = json.dumps(out, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
