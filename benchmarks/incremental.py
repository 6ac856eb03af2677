"""Incremental builds: a rebuild of an unchanged folder against the first build, side by side.

On a corpus from ``generate.py`` (default 1,000 reports), in one run:

1. the first build into an empty store;
2. the same folder again, nothing changed (every report unchanged: skipped);
3. one file edited (one figure), the folder again: that report alone is rebuilt;
4. the same with ``--force``: every report rebuilt (what a build without incremental
   builds costs).

Each build is ``govkg build`` in a child process (wall seconds, process start included).

    python benchmarks/incremental.py --reports 1000 --jobs 2 --out benchmarks/incremental.json
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def build(corpus: Path, store: Path, jobs: int, *extra: str) -> tuple[float, str]:
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "govkg.cli", "build", str(corpus), "--store", str(store),
                           "--jobs", str(jobs), "--quiet", "--register", "none", *extra],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"build failed ({proc.returncode}): {proc.stderr[-500:]}")
    return seconds, proc.stderr.strip().splitlines()[-1]


def counts(line: str) -> dict[str, int]:
    return {"built": int(re.search(r"built (\d+)", line).group(1)),
            "unchanged": int(re.search(r"unchanged (\d+)", line).group(1))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--work", type=Path, default=Path("/tmp/govkg-incremental"))
    ap.add_argument("--out", type=Path, default=HERE / "incremental.json")
    a = ap.parse_args()

    sys.path.insert(0, str(HERE))
    from generate import generate

    shutil.rmtree(a.work, ignore_errors=True)
    generate(a.work / "corpus", a.reports, seed=a.seed)
    corpus, store = a.work / "corpus" / "reports", a.work / "store"
    runs = {}
    runs["first build"] = build(corpus, store, a.jobs)
    runs["unchanged rebuild"] = build(corpus, store, a.jobs)
    one = sorted(p for p in corpus.iterdir() if p.suffix == ".txt")[0]
    text = one.read_text(encoding="utf-8")
    one.write_text(re.sub(r"\d+", lambda m: str(int(m.group(0)) + 1), text, count=1), encoding="utf-8")
    runs["one file edited"] = build(corpus, store, a.jobs)
    runs["--force (all rebuilt)"] = build(corpus, store, a.jobs, "--force")
    first = runs["first build"][0]
    result = {"reports": a.reports, "jobs": a.jobs,
              "runs": {k: {"seconds": round(s, 2), "ratio_to_first": round(s / first, 3), **counts(line)}
                       for k, (s, line) in runs.items()}}
    a.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"| build of {a.reports} reports, --jobs {a.jobs} | seconds | vs first build | built | unchanged |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for k, r in result["runs"].items():
        print(f"| {k} | {r['seconds']} | {r['ratio_to_first']:.1%} | {r['built']} | {r['unchanged']} |")


if __name__ == "__main__":
    main()
