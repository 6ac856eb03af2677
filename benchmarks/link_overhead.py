"""Register linking against the rest of the build, per stage, on N reports.

The seed reports (../shared/corpus/seeds) are repeated, each copy made distinct, to N
reports; each is extracted, linked to the register, mapped, validated and loaded into a
fresh store, and each stage is timed on its own, side by side in one run.

    python benchmarks/link_overhead.py --reports 1000
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from govkg.extract import extract
from govkg.ingest import Report, read_reports, report_from_text
from govkg.map import map_facts
from govkg.register import Register, link_facts
from govkg.store import GraphStore, report_graph
from govkg.validate import validate_graph

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "corpus" / "seeds")
    a = ap.parse_args()
    seeds = [r for r in read_reports([a.seeds]) if isinstance(r, Report)]
    reports = [report_from_text(f"{i:05d}-{s.name}", s.text + f"\n（第{i}份）\n")
               for i, s in ((i, seeds[i % len(seeds)]) for i in range(a.reports))]
    t = dict.fromkeys(["extract", "link (incl. loading the register)", "map", "validate", "load"], 0.0)
    register = Register()
    with tempfile.TemporaryDirectory() as tmp, GraphStore(Path(tmp) / "store") as store:
        for r in reports:
            s = time.perf_counter(); facts = extract(r); e = time.perf_counter(); t["extract"] += e - s
            link_facts(facts, r.text, register); s = time.perf_counter()
            t["link (incl. loading the register)"] += s - e
            triples = map_facts(facts); e = time.perf_counter(); t["map"] += e - s
            validate_graph(triples); s = time.perf_counter(); t["validate"] += s - e
            store.replace_graph(report_graph(r.id), triples); e = time.perf_counter(); t["load"] += e - s
    total = sum(t.values())
    print(f"{a.reports} reports, {total:.1f} s in all ({a.reports / total:.2f} reports/s)\n")
    print("| stage | seconds | share |")
    print("| --- | ---: | ---: |")
    for k, v in t.items():
        print(f"| {k} | {v:.1f} | {100 * v / total:.1f}% |")


if __name__ == "__main__":
    main()
