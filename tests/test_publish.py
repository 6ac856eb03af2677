"""Dumps of the store and the dataset's VoID + DCAT description."""
import gzip

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from govkg import namespaces as ns
from govkg.cli import main
from govkg.pipeline import build, remove
from govkg.publish import describe, export
from govkg.store import GraphStore

from conftest import EXAMPLES

SYNTAX = {"turtle": "turtle", "ntriples": "nt", "nquads": "nquads", "trig": "trig", "jsonld": "json-ld"}
VOID = rdflib.Namespace(ns.VOID)
DCT = rdflib.Namespace(ns.DCT)
GW = rdflib.Namespace(ns.GW)


def store_quads(path, graphs=None):
    """The store's quads as rdflib terms: (s, p, o, graph IRI)."""
    with GraphStore(path, read_only=True) as store:
        data = ox.serialize((q for g in (graphs or store.named_graphs()) for q in store.quads(g)),
                            format=ox.RdfFormat.N_QUADS)
    ds = rdflib.Dataset()
    ds.parse(data=data.decode("utf-8"), format="nquads")
    return {(s, p, o, str(g)) for s, p, o, g in ds.quads((None, None, None, None)) if str(g) != "urn:x-rdflib:default"}


def parsed_quads(path, fmt):
    if fmt in ("nquads", "trig", "jsonld"):
        ds = rdflib.Dataset()
        ds.parse(str(path), format=SYNTAX[fmt])
        return {(s, p, o, str(g)) for s, p, o, g in ds.quads((None, None, None, None))}
    return {(s, p, o) for s, p, o in rdflib.Graph().parse(str(path), format=SYNTAX[fmt])}


@pytest.mark.parametrize("fmt", list(SYNTAX))
def test_each_export_format_parses_back_to_the_same_quads(examples_store, tmp_path, fmt):
    out = tmp_path / f"dump.{fmt}"
    with GraphStore(examples_store, read_only=True) as store:
        n = export(store, fmt, out)
    want = store_quads(examples_store)
    got = parsed_quads(out, fmt)
    if fmt in ("nquads", "trig", "jsonld"):                      # one named graph per report
        assert got == want and n == len(want)
    else:
        assert got == {q[:3] for q in want}
    assert any(str(p) == ns.VOID + "triples" for _, p, *_ in got)   # the description rides along
    if fmt in ("turtle", "trig"):
        assert "@prefix gw: <https://w3id.org/govkg/def#>" in out.read_text(encoding="utf-8")
        assert "哈日干图" in out.read_text(encoding="utf-8")          # Chinese stays Chinese


def test_dumps_are_deterministic_and_gz_by_name(examples_store, tmp_path):
    with GraphStore(examples_store, read_only=True) as store:
        export(store, "trig", tmp_path / "a.trig")
        export(store, "trig", tmp_path / "b.trig")
        export(store, "trig", tmp_path / "c.trig.gz")
    assert (tmp_path / "a.trig").read_bytes() == (tmp_path / "b.trig").read_bytes()
    assert gzip.decompress((tmp_path / "c.trig.gz").read_bytes()) == (tmp_path / "a.trig").read_bytes()


def test_one_report_with_the_description(examples_store, tmp_path):
    out = tmp_path / "one.nq"
    with GraphStore(examples_store, read_only=True) as store:
        graph = store.find_report_graphs("qingshi-2023.txt")[0]
        export(store, "nquads", out, graph="qingshi-2023.txt")
    assert {q[3] for q in parsed_quads(out, "nquads")} == {graph, ns.DESCRIPTION_GRAPH}
    assert parsed_quads(out, "nquads") == store_quads(examples_store, [graph, ns.DESCRIPTION_GRAPH])


def description(path):
    """The stored description as an rdflib graph, and the dataset's node."""
    with GraphStore(path, read_only=True) as store:
        data = ox.serialize((q.triple for q in store.quads(ns.DESCRIPTION_GRAPH)), format=ox.RdfFormat.N_TRIPLES)
    g = rdflib.Graph().parse(data=data.decode("utf-8"), format="nt")
    return g, next(g.subjects(GW.namedGraphCount, None))


def test_the_description_counts_what_the_store_holds(tmp_path):
    path = tmp_path / "store"
    config = tmp_path / "govkg.toml"
    config.write_text('[dataset]\npublisher = "某某旗统计局"\npublisher_url = "https://tjj.example.gov.cn/"\n'
                      'license = "https://creativecommons.org/licenses/by-sa/4.0/"\n', encoding="utf-8")
    r = CliRunner().invoke(main, ["--config", str(config), "build", str(EXAMPLES), "--store", str(path)])
    assert r.exit_code == 0, r.output
    g, ds = description(path)
    with GraphStore(path, read_only=True) as store:
        others = [x for x in store.named_graphs() if x != ns.DESCRIPTION_GRAPH]
        triples = sum(1 for x in others for _ in store.quads(x))
        reports = {r["graph"] for r in store.reports()}
    assert int(g.value(ds, VOID.triples)) == triples
    assert int(g.value(ds, VOID.documents)) == 4 == len(reports)
    assert int(g.value(ds, GW.namedGraphCount)) == len(others) + 1 == 7
    assert {str(s) for s in g.objects(ds, VOID.subset)} == set(others)
    for sub in reports:
        assert int(g.value(rdflib.URIRef(sub), VOID.triples)) > 100
        assert str(g.value(rdflib.URIRef(sub), DCT.title)).endswith((".txt", ".docx"))
    assert {t.language for t in g.objects(ds, DCT.title)} == {"zh", "en"}
    assert str(g.value(ds, DCT.license)) == "https://creativecommons.org/licenses/by-sa/4.0/"
    publisher = g.value(ds, DCT.publisher)
    assert str(publisher) == "https://tjj.example.gov.cn/"
    assert str(g.value(publisher, rdflib.URIRef(ns.FOAF + "name"))) == "某某旗统计局"
    assert {str(v) for v in g.objects(ds, VOID.vocabulary)} >= {ns.GW, ns.PROV, ns.OA, ns.SKOS, ns.DCT}
    assert g.value(ds, DCT.issued).datatype == rdflib.XSD.dateTime


def test_modified_moves_only_when_the_store_changes(tmp_path):
    path = tmp_path / "store"
    build([EXAMPLES], path)
    g, ds = description(path)
    issued, modified = g.value(ds, DCT.issued), g.value(ds, DCT.modified)
    build([EXAMPLES], path)                         # the same corpus again: nothing changed
    g2, _ = description(path)
    assert g2.value(ds, DCT.modified) == modified
    import time

    time.sleep(1.1)
    remove("qingshi-2023.txt", path)
    g3, _ = description(path)
    assert g3.value(ds, DCT.issued) == issued and g3.value(ds, DCT.modified) > modified
    assert int(g3.value(ds, VOID.documents)) == 3


def test_describe_names_the_endpoint_and_warns_without_a_publisher(examples_store):
    r = CliRunner().invoke(main, ["describe", "--store", str(examples_store), "--endpoint", "http://127.0.0.1:7878/query"])
    assert r.exit_code == 0, r.output
    g = rdflib.Graph().parse(data=r.stdout, format="turtle")
    ds = next(g.subjects(GW.namedGraphCount, None))
    assert str(g.value(ds, VOID.sparqlEndpoint)) == "http://127.0.0.1:7878/query"
    assert "no publisher configured" in r.stderr
    with GraphStore(examples_store, read_only=True) as store:
        assert not [t for t in describe(store) if t.predicate.value == ns.VOID + "sparqlEndpoint"]


def test_a_bad_configuration_is_one_line(tmp_path, examples_store):
    bad = tmp_path / "govkg.toml"
    bad.write_text('[dataset]\ntitle = "x"\nlicence = "y"\n', encoding="utf-8")
    r = CliRunner().invoke(main, ["--config", str(bad), "describe", "--store", str(examples_store)])
    assert r.exit_code == 2
    assert r.stderr.startswith(f"govkg: error: {bad}: unknown key(s) licence ([dataset] takes ")
    bad.write_text("[dataset\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["--config", str(bad), "describe", "--store", str(examples_store)])
    assert r.exit_code == 2 and f"{bad}: is not valid TOML" in r.stderr and len(r.stderr.splitlines()) == 1


def test_shards_hold_whole_graphs_with_a_manifest_and_recipes(examples_store, tmp_path):
    out = tmp_path / "shards"
    out.mkdir()
    (out / "govkg-00009.nq.gz").write_bytes(b"left from a larger export")
    r = CliRunner().invoke(main, ["export", "--store", str(examples_store), "--shards", "-o", str(out),
                                  "--graphs-per-shard", "2"])
    assert r.exit_code == 0, r.output
    files = sorted(p.name for p in out.glob("govkg-*.nq.gz"))
    assert files == ["govkg-00001.nq.gz", "govkg-00002.nq.gz"]           # 3 scheme graphs + 2, then 2
    assert r.stderr.startswith(f"wrote {len(store_quads(examples_store))} statements from store ")
    seen: dict[str, str] = {}
    got = set()
    for name in files:
        ds = rdflib.Dataset()
        ds.parse(data=gzip.decompress((out / name).read_bytes()).decode("utf-8"), format="nquads")
        for s, p, o, g in ds.quads((None, None, None, None)):
            assert seen.setdefault(str(g), name) == name, f"graph {g} split across shards"
            got.add((s, p, o, str(g)))
    assert got == store_quads(examples_store)
    manifest = (out / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    assert manifest[0] == "file\tgraphs\tquads\tsha256" and [m.split("\t")[0] for m in manifest[1:]] == files
    assert sum(int(m.split("\t")[2]) for m in manifest[1:]) == len(got)
    assert f"ld_dir('{out.resolve()}', 'govkg-*.nq.gz'" in (out / "load-virtuoso.sql").read_text(encoding="utf-8")
    assert "IndexBuilderMain" in (out / "load-qlever.sh").read_text(encoding="utf-8")
    # the same store gives the same bytes
    again = tmp_path / "again"
    CliRunner().invoke(main, ["export", "--store", str(examples_store), "--shards", "-o", str(again),
                              "--graphs-per-shard", "2"])
    assert (again / "MANIFEST.tsv").read_text() == (out / "MANIFEST.tsv").read_text()
    r = CliRunner().invoke(main, ["export", "--store", str(examples_store), "--shards", "-o", "-"])
    assert r.exit_code == 2 and "--shards writes every graph as N-Quads into a folder" in r.stderr
