"""`govkg facts` output satisfies spec/facts-contract.md on every line."""
import json
import re

import pytest
from click.testing import CliRunner

from govkg.cli import main
from govkg.ingest import read_report
from govkg.vocab import load_categories, load_units

from conftest import EXAMPLES, SEEDS

PERIOD = re.compile(r"^(19|20)\d\d(-H[12]|-Q[1-4])?$")
DATE = re.compile(r"^(19|20)\d\d(-\d\d(-\d\d)?)?$")


def check_contract(folder):
    r = CliRunner().invoke(main, ["facts", str(folder), "--format", "jsonl"], catch_exceptions=False)
    assert r.exit_code == 0
    cats, units = load_categories(), load_units()
    texts = {p.name: read_report(p).text for p in folder.iterdir() if p.suffix in (".txt", ".docx")}
    lines = [json.loads(l) for l in r.stdout.splitlines()]
    docs = [l for l in lines if l["type"] == "document"]
    assert sorted(d["doc"] for d in docs) == sorted(texts)
    for d in docs:
        assert set(d) >= {"doc", "township", "county", "period", "kind", "date", "number"}
        assert d["kind"] in ("work-summary", "government-work-report", "work-plan", "other")
        assert d["period"] is None or PERIOD.match(d["period"])
        assert d["date"] is None or DATE.match(d["date"])
    acts = [l for l in lines if l["type"] == "activity"]
    assert acts
    for a in acts:
        assert set(a) >= {"doc", "township", "category", "status", "period", "villages", "register",
                          "village_count", "quantities", "span", "text"}
        assert a["category"] in cats
        assert a["status"] in ("achieved", "ongoing", "planned")
        assert a["period"] is None or PERIOD.match(a["period"])
        assert all(v and "X" not in v and not v.endswith(("村", "嘎查")) for v in a["villages"])
        assert len(a["register"]) == len(a["villages"])
        assert a["village_count"] is None or (isinstance(a["village_count"], int) and a["village_count"] > 0)
        for q in a["quantities"]:
            assert isinstance(q["value"], (int, float)) and q["value"] >= 0 and q["unit"] in units
        s, e = a["span"]
        assert texts[a["doc"]][s:e] == a["text"]
    return docs, acts


def test_contract_on_the_examples():
    check_contract(EXAMPLES)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="needs ../shared/corpus/seeds")
def test_contract_on_the_seeds():
    docs, acts = check_contract(SEEDS)
    assert len(docs) == 5 and len(acts) > 200
