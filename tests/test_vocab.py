"""The category scheme and units are generated from their TSV sources and stay in step."""
import csv

import pyoxigraph as ox
import pytest

from govkg import vocab
from govkg.resources import folder

from conftest import SHARED


def _triples(path):
    return {str(q.triple) for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)}


def test_generated_turtle_is_up_to_date_with_the_tsv_sources(tmp_path):
    vocab.generate(folder("ontology"), tmp_path)
    for name in ("categories.ttl", "units.ttl"):
        assert _triples(tmp_path / name) == _triples(folder("ontology") / name), f"run `govkg ontology generate`"


def test_every_category_id_of_the_tsv_is_a_concept_with_both_labels():
    rows = list(csv.DictReader(open(folder("ontology") / "categories.tsv", encoding="utf-8"), delimiter="\t"))
    cats = vocab.load_categories()
    assert sorted(cats) == sorted(r["id"] for r in rows)
    for r in rows:
        c = cats[r["id"]]
        assert (c.zh, c.en, c.parent) == (r["zh"], r["en"], r["parent"] or None)
        assert set(t for t in r["example_terms"].split(";") if t) <= set(c.terms) | set(c.weak_terms)


@pytest.mark.skipif(not (SHARED / "spec" / "categories.tsv").exists(), reason="needs ../shared")
def test_our_copies_of_the_spec_tables_match_shared():
    for name in ("categories.tsv", "units.tsv"):
        assert (folder("ontology") / name).read_text(encoding="utf-8") == \
            (SHARED / "spec" / name).read_text(encoding="utf-8")


def test_an_unknown_category_in_our_term_additions_is_a_precise_error(tmp_path):
    for name in ("categories.tsv", "units.tsv", "unit-standards.tsv"):
        (tmp_path / name).write_bytes((folder("ontology") / name).read_bytes())
    (tmp_path / "category-terms.tsv").write_text("id\tterms\ndrainage\t排水\nno-such-id\t某词\n", encoding="utf-8")
    with pytest.raises(vocab.ResourceError, match=r"category-terms.tsv:3: unknown category id 'no-such-id'"):
        vocab.generate(tmp_path, tmp_path)


def test_units_convert_to_their_base():
    u = vocab.load_units()
    assert (u["mu"].base, round(u["mu"].factor, 4)) == ("m2", 666.6667)
    assert (u["hectare"].base, u["hectare"].factor) == ("m2", 10000.0)
    assert u["km"].standard == "http://qudt.org/vocab/unit/KiloM"


def test_each_non_category_phrase_hides_a_term_and_names_no_work():
    from govkg.extract import category_hits, lexicon
    from govkg.extract.lexicon import non_category_terms

    terms = {t for c in vocab.load_categories().values() for t in c.terms + c.weak_terms}
    for phrase in non_category_terms():
        assert any(t in phrase for t in terms), f"{phrase} hides no term: it is dead data"
    lex = lexicon()
    assert not category_hits("红石村党支部书记王明介绍说：", lex)
    assert {h.category for h in category_hits("红石村党支部开展主题党日活动。", lex)} == {"party-building"}


def test_a_bad_category_pattern_names_its_line(tmp_path, monkeypatch):
    import importlib
    lx = importlib.import_module("govkg.extract.lexicon")     # the module, not its lexicon()
    from govkg.errors import ResourceError
    bad = tmp_path / "category-patterns.tsv"
    bad.write_text("id\tpattern\ninvestment-attraction\t引进(公司\n", encoding="utf-8")
    monkeypatch.setattr(lx, "path", lambda *parts: bad)
    lx.category_patterns.cache_clear()
    try:
        with pytest.raises(ResourceError) as e:
            lx.category_patterns()
        assert f"{bad}:2" in str(e.value) and "bad pattern" in str(e.value)
    finally:
        lx.category_patterns.cache_clear()
