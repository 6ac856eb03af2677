"""The ontology: consistent with real data under owlready2's reasoner; a contradiction is
caught; the HTML documentation shows classes and the category tree in a real browser."""
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from govkg.cli import main

CONTRADICTION = """@prefix gw: <https://w3id.org/govkg/def#> .
<https://example.org/place/1> a gw:Township , gw:Village ; gw:name "矛盾" .
"""


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_ontology_with_a_build_is_consistent(examples_store):
    r = run("ontology", "check", "--store", examples_store)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("consistent: ")
    assert f"with the reports of {examples_store}" in r.stdout


def test_a_deliberate_contradiction_is_reported(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(CONTRADICTION, encoding="utf-8")
    r = run("ontology", "check", "--no-store", "--with", bad)
    assert r.exit_code == 1
    assert r.stderr.startswith("govkg: the ontology and data are inconsistent (HermiT)")
    assert r.stdout.startswith("NOT consistent")


def test_a_broken_turtle_file_is_a_one_line_error(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    r = run("ontology", "check", "--no-store", "--with", bad)
    assert r.exit_code == 2
    assert r.stderr.startswith(f"govkg: error: {bad}: is not valid Turtle")


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(_chromium() is None, reason="needs Chromium (.ci/run installs it)")
def test_docs_open_in_headless_chromium_with_classes_and_category_tree(tmp_path):
    assert run("ontology", "docs", "-o", tmp_path / "docs").exit_code == 0
    page = tmp_path / "docs" / "index.html"
    dom = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True).stdout
    for cls in ("gw:Township", "gw:Village", "gw:Report", "gw:ActivityStatement", "gw:Quantity"):
        assert f"<code>{cls}</code>" in dom
    assert 'id="class-list"' in dom and 'id="category-tree"' in dom
    # the tree nests leaves under their domain, in both languages
    water = dom[dom.index('id="cat-water"'):]
    assert water.index('id="cat-drainage"') < water.index("</ul>")
    assert "排涝排水" in dom and "Drainage" in dom
    # the namespace table, the diagram (an SVG in the DOM, boxes linking to their classes) and
    # the example with its marked sentence reach the browser too
    assert 'id="namespace-table"' in dom and "<code>https://w3id.org/govkg/def#</code>" in dom
    assert dom.count('class="box"') >= 13 and '<a href="#Township">' in dom
    from govkg.docs.example import example
    assert f'<mark id="example-quote">{example().quote}</mark>' in dom


def test_every_term_is_labelled_in_zh_and_en_with_a_definition():
    import rdflib
    from rdflib.namespace import OWL, RDF, RDFS, SKOS

    from govkg.resources import folder

    g = rdflib.Graph().parse(str(folder("ontology") / "govwork.ttl"))
    terms = [t for k in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty) for t in g.subjects(RDF.type, k)
             if str(t).startswith("https://w3id.org/govkg/def#")]
    assert len(terms) > 30
    for t in terms:
        for p in (RDFS.label, SKOS.definition):
            assert {o.language for o in g.objects(t, p)} >= {"zh", "en"}, (t, p)


def test_a_domain_reaches_its_narrower_categories_through_skos_broader(examples_store):
    from govkg.store import GraphStore

    with GraphStore(examples_store, read_only=True) as store:
        rows = list(store.query("""
            PREFIX gw: <https://w3id.org/govkg/def#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
            PREFIX cat: <https://w3id.org/govkg/def/category/>
            SELECT DISTINCT ?c WHERE { ?s gw:category ?c . ?c skos:broader* cat:water }"""))
    found = {r["c"].value.rsplit("/", 1)[-1] for r in rows}
    assert {"drainage", "irrigation-wells"} <= found and "grassland-fencing" not in found


@pytest.mark.skipif(not __import__("conftest").SEEDS.is_dir(), reason="needs ../shared/corpus/seeds")
def test_ontology_with_the_seed_build_is_consistent(tmp_path):
    from conftest import SEEDS
    from govkg.pipeline import build

    build([SEEDS], tmp_path / "store")
    r = run("ontology", "check", "--store", tmp_path / "store")
    assert r.exit_code == 0 and r.stdout.startswith("consistent: ")
