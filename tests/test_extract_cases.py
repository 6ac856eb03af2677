"""Golden extraction cases: tests/cases/<case>/input.txt and the facts it must give.

expected.jsonl lists the activity facts in text order with the fields that matter;
"spans": N says the statement was seen N times.
"""
import json
from pathlib import Path

import pytest

from govkg.extract import extract
from govkg.ingest import read_report

CASES = sorted(p for p in (Path(__file__).parent / "cases").iterdir() if (p / "input.txt").exists())
FIELDS = ("category", "status", "period", "villages", "village_count", "quantities")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case):
    report = read_report(case / "input.txt")
    facts = extract(report)
    acts = [f for f in facts if f["type"] == "activity"]
    expected = [json.loads(l) for l in (case / "expected.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]
    got = [{k: f[k] for k in FIELDS} | ({"spans": len(f["spans"])} if len(f["spans"]) > 1 else {})
           for f in acts]
    assert got == expected
    for f in acts:  # every span slices the normalised text to the statement
        for a, b in f["spans"]:
            assert report.text[a:b] == f["text"]
