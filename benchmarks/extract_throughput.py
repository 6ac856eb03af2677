"""Extraction throughput: reports/s and characters/s of `govkg.extract`.

Measured on the seed reports (../shared/corpus/seeds) repeated, and on the bundled examples,
side by side in one run.  Ingest is done once up front, so the figures are extraction alone.

    python benchmarks/extract_throughput.py [--repeat 40]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from govkg.extract import extract, lexicon
from govkg.ingest import Report, read_reports

ROOT = Path(__file__).resolve().parents[1]


def measure(reports: list[Report], repeat: int) -> tuple[float, float, float]:
    chars = sum(len(r.text) for r in reports) * repeat
    start = time.perf_counter()
    for _ in range(repeat):
        for r in reports:
            extract(r)
    secs = time.perf_counter() - start
    return len(reports) * repeat / secs, chars / secs, secs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=40)
    ap.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "corpus" / "seeds")
    a = ap.parse_args()
    lexicon()  # compile the category terms once, as a long run does
    corpora = {"examples": ROOT / "examples" / "reports", "seeds": a.seeds}
    print(f"| corpus | reports | chars/report | runs | reports/s | chars/s |")
    print(f"| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, folder in corpora.items():
        if not folder.is_dir():
            print(f"| {name} | (missing: {folder}) | | | | |")
            continue
        reports = [r for r in read_reports([folder]) if isinstance(r, Report)]
        rps, cps, _ = measure(reports, a.repeat)
        avg = sum(len(r.text) for r in reports) / len(reports)
        print(f"| {name} | {len(reports)} | {avg:,.0f} | {a.repeat} | {rps:,.1f} | {cps:,.0f} |")


if __name__ == "__main__":
    main()
