"""Each mapping rule is the only source of its triples: remove it, and exactly its triples go."""
import pytest

from govkg.extract import extract
from govkg.ingest import read_report
from govkg.map import load_rules, map_facts, render

from pathlib import Path

from govkg.register import Register, link_facts

RULES = load_rules()
OUTPUT_RULES = [r for r in RULES if not r.prepare]


@pytest.fixture(scope="module")
def facts():
    # a report whose township and villages link to the register, with an analyst's
    # correction, so every rule has work
    from govkg.corrections import Correction, apply

    report = read_report(Path(__file__).parent / "fixtures" / "register" / "kulun-2023.txt")
    facts = link_facts(extract(report), report.text, Register())
    fix = Correction("c.csv", 2, "kulun-2023.txt", "status", "新修排水渠2.4公里", "", "", "ongoing", "")
    assert apply([fix], report.text, facts) == []
    return facts


@pytest.fixture(scope="module")
def full(facts):
    return set(map_facts(facts, rules=RULES))


def alone(facts, rule):
    return set(map_facts(facts, rules=tuple(r for r in RULES if r.prepare) + (rule,)))


def test_every_rule_says_what_it_produces():
    for r in RULES:
        assert len(r.produces) > 20, r.name


@pytest.mark.parametrize("rule", OUTPUT_RULES, ids=[r.name for r in OUTPUT_RULES])
def test_removing_a_rule_removes_exactly_its_triples(facts, full, rule):
    own = alone(facts, rule)
    assert own, f"{rule.name} produced nothing"
    without = set(map_facts(facts, rules=tuple(r for r in RULES if r is not rule)))
    assert full - without == own


def test_rules_produce_disjoint_triples_that_make_the_whole_graph(facts, full):
    parts = [alone(facts, r) for r in OUTPUT_RULES]
    assert sum(len(p) for p in parts) == len(full)
    assert set().union(*parts) == full


def test_no_helper_triple_of_the_generic_rendering_leaves_the_mapper(full):
    assert not [t for t in full if "govkg/facts#" in str(t)]
    assert not [t for t in full if t.subject.__class__.__name__ == "BlankNode"]


def test_the_generic_rendering_is_only_the_facts_shape(facts):
    preds = {t.predicate.value for t in render(facts)}
    assert all(p.startswith("https://w3id.org/govkg/facts#") for p in preds)
