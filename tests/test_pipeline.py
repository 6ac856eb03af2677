"""End to end on the bundled examples: build, named graphs, idempotence, the flagship query."""
import pytest

from govkg import namespaces as ns
from govkg.map import map_facts
from govkg.pipeline import build, remove
from govkg.publish import sorted_nquads
from govkg.queries import run
from govkg.store import GraphStore
from govkg.validate import validate_graph

from conftest import EXAMPLES, SEEDS

FLAGSHIP = "villages-with-all-categories"


def test_one_named_graph_per_report_plus_vocabularies(examples_store):
    store = GraphStore(examples_store, read_only=True)
    reports = store.reports()
    assert sorted(r["file"] for r in reports) == ["baiyin-2023-h1.txt", "baiyin-2023-h2.txt", "liuhe-2023.docx",
                                                  "qingshi-2023.txt"]
    assert len({r["graph"] for r in reports}) == 4
    assert len(store.named_graphs()) == 7   # four reports, the ontology, categories + units, description


def test_flagship_query_on_the_examples(examples_store):
    store = GraphStore(examples_store, read_only=True)
    rows = run(FLAGSHIP, store, {"category": ["drainage", "grassland-fencing"]}).rows
    # (ORDER BY compares code points: 柳 < 白 < 青)
    assert [(r["township"], r["village"]) for r in rows] == [
        ("柳河乡", "四合"), ("白音镇", "呼和陶勒盖"), ("青石镇", "哈日干图")]
    assert all(r["report"] and r["evidence"] for r in rows)
    achieved = run(FLAGSHIP, store, {"category": ["drainage", "grassland-fencing"], "status": ["achieved"]})
    assert [(r["township"], r["village"]) for r in achieved.rows] == [("白音镇", "呼和陶勒盖"), ("青石镇", "哈日干图")]


def test_a_domain_covers_its_narrower_categories(examples_store):
    store = GraphStore(examples_store, read_only=True)
    water = run(FLAGSHIP, store, {"category": ["water", "grassland-fencing"]}).rows
    drainage = run(FLAGSHIP, store, {"category": ["drainage", "grassland-fencing"]}).rows
    assert {(r["township"], r["village"]) for r in drainage} <= {(r["township"], r["village"]) for r in water}


def test_rebuild_is_idempotent_and_remove_then_rebuild_restores(tmp_path):
    path = tmp_path / "store"

    def dump(description=False):
        # the description says when the dataset last changed: remove + rebuild changes it twice
        with GraphStore(path) as store:
            return sorted_nquads(store, [g for g in store.named_graphs()
                                         if description or g != ns.DESCRIPTION_GRAPH])

    build([EXAMPLES], path)
    first, described = dump(), dump(description=True)
    build([EXAMPLES], path)
    assert dump(description=True) == described
    assert remove("qingshi-2023.txt", path)
    without = dump()
    assert len(without) < len(first) and "青石镇".encode() not in without
    build([EXAMPLES / "qingshi-2023.txt"], path)
    assert dump() == first


def test_every_statement_has_evidence_whose_quote_is_the_text_at_its_span(tmp_path):
    from govkg.extract import extract
    from govkg.ingest import read_report

    report = read_report(EXAMPLES / "qingshi-2023.txt")
    store = GraphStore(None)
    store.replace_graph("urn:g", map_facts(extract(report)))
    rows = list(store.query("""PREFIX gw: <https://w3id.org/govkg/def#> PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?st ?s ?e ?q WHERE { ?st a gw:ActivityStatement .
          OPTIONAL { ?st gw:evidence/oa:hasSelector ?p , ?x . ?p oa:start ?s ; oa:end ?e . ?x oa:exact ?q } }"""))
    assert rows
    for r in rows:
        assert r["q"] is not None
        assert report.text[int(r["s"].value):int(r["e"].value)] == r["q"].value


def test_a_report_with_a_violation_is_quarantined_and_the_others_load(tmp_path, monkeypatch):
    import govkg.pipeline as pipeline

    real = pipeline.extract

    def planted(report, **kw):
        facts = real(report, **kw)
        if report.name == "liuhe-2023.docx":
            for f in facts:
                if f["type"] == "activity" and f["quantities"]:
                    f["quantities"][0]["value"] = -5      # quantities are never negative
                    break
        return facts

    monkeypatch.setattr(pipeline, "extract", planted)
    path = tmp_path / "store"
    summary = build([EXAMPLES], path)
    assert [q.file.rsplit("/", 1)[-1] for q in summary.quarantined] == ["liuhe-2023.docx"]
    assert "non-negative" in summary.quarantined[0].reason
    assert sorted(b.file.rsplit("/", 1)[-1] for b in summary.built) == [
        "baiyin-2023-h1.txt", "baiyin-2023-h2.txt", "qingshi-2023.txt"]
    kept = list((tmp_path / "store-quarantine").glob("*.facts.jsonl"))
    assert len(kept) == 1 and "liuhe" in kept[0].name


def test_shapes_catch_a_placeholder_village_and_a_span_outside_the_text():
    from govkg.extract import extract
    from govkg.ingest import read_report

    facts = extract(read_report(EXAMPLES / "qingshi-2023.txt"))
    assert validate_graph(map_facts(facts)).conforms
    act = next(f for f in facts if f["type"] == "activity" and f["villages"])
    act["villages"][0] = "XX"
    act["spans"][0] = [act["span"][0], facts[0]["chars"] + 50]
    messages = {f.message_en for f in validate_graph(map_facts(facts)).violations}
    assert "A village has exactly one name, never a placeholder (XX)" in messages
    assert "An evidence span must lie inside the report text and match its quote's length" in messages


@pytest.mark.skipif(not SEEDS.is_dir(), reason="needs ../shared/corpus/seeds")
def test_seeds_build_and_answer_the_flagship(tmp_path):
    path = tmp_path / "store"
    summary = build([SEEDS], path)
    assert summary.ok and len(summary.built) == 5
    from govkg.ingest import read_report

    texts = {p.name: read_report(p).text for p in SEEDS.iterdir()}
    with GraphStore(path, read_only=True) as store:
        rows = run(FLAGSHIP, store, {"category": ["drainage", "grassland-fencing"]}).rows
        assert [(r["township"], r["village"]) for r in rows] == [("代力吉镇", "后查巴灯")]
        # every statement node has evidence whose quote is the text at its span
        ev = list(store.query("""PREFIX gw: <https://w3id.org/govkg/def#> PREFIX oa: <http://www.w3.org/ns/oa#>
            PREFIX prov: <http://www.w3.org/ns/prov#>
            SELECT ?st ?file ?s ?e ?q WHERE { ?st a gw:ActivityStatement ; prov:wasDerivedFrom/gw:fileName ?file .
              OPTIONAL { ?st gw:evidence/oa:hasSelector ?p , ?x . ?p oa:start ?s ; oa:end ?e . ?x oa:exact ?q } }"""))
    assert len(ev) > 200
    for r in ev:
        assert r["q"] is not None, r["st"]
        assert texts[r["file"].value][int(r["s"].value):int(r["e"].value)] == r["q"].value


def test_jobs_build_the_same_store_as_one_process(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    a = build([EXAMPLES], one)
    b = build([EXAMPLES], two, jobs=2)
    assert [x.file for x in a.built] == [x.file for x in b.built] and len(b.built) == 4
    stages = {"ingest", "extract", "map", "validate", "load"}
    assert set(b.seconds) == stages | {f"{s}_cpu" for s in stages}
    # a stage's CPU is counted in the process that ran it (the workers' reach the summary too)
    assert all(0 <= b.seconds[f"{s}_cpu"] for s in stages) and b.seconds["validate_cpu"] > 0
    with GraphStore(one, read_only=True) as x, GraphStore(two, read_only=True) as y:
        graphs = [g for g in x.named_graphs() if g != ns.DESCRIPTION_GRAPH]
        assert graphs == [g for g in y.named_graphs() if g != ns.DESCRIPTION_GRAPH]
        assert sorted_nquads(x, graphs) == sorted_nquads(y, graphs)
