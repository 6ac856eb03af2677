"""Extraction with register linking, per report: what `govkg facts` costs once the register is
loaded.  Ingest is done once up front; each report's facts are then made by the pipeline's own
per-report call (extract, and link to the bundled register), `--repeat` times.

Run it with two checkouts' sources on the same interpreter, one after the other, to compare a
change with what came before it (BENCHMARKS.md gives such a pair):

    python benchmarks/extract_link.py FOLDER... [--repeat 20]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from govkg.ingest import Report, read_reports
from govkg.pipeline import Options, _Linker


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", nargs="+", type=Path)
    ap.add_argument("--repeat", type=int, default=20)
    a = ap.parse_args()
    linker = _Linker(Options(register="bundled"))
    print("| corpus | reports | chars/report | ms/report (extract + link) |")
    print("| --- | ---: | ---: | ---: |")
    for folder in a.folders:
        reports = [r for r in read_reports([folder]) if isinstance(r, Report)]
        for r in reports:
            linker.facts(r)          # warm: the register's index and villages, the lexicon
        start = time.perf_counter()
        for _ in range(a.repeat):
            for r in reports:
                linker.facts(r)
        ms = 1000 * (time.perf_counter() - start) / (a.repeat * len(reports))
        avg = sum(len(r.text) for r in reports) / len(reports)
        print(f"| {folder.name} | {len(reports)} | {avg:,.0f} | {ms:.1f} |")


if __name__ == "__main__":
    main()
