"""The ontology documentation (govkg.docs): its links resolve, its namespace table covers every
prefix, its example is a statement the pipeline really stores with the evidence that leads to
its sentence, and its diagram draws every class and object property of the ontology."""
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from govkg import namespaces as ns
from govkg.docs.example import example, sample_path
from govkg.ontology import docs
from govkg.resources import folder

VOID = {"br", "meta", "link", "img", "input", "hr", "col", "wbr", "source"}


class Element:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        for c in self.children:
            if isinstance(c, Element):
                yield c
                yield from c.iter()

    def find(self, tag=None, **attrs):
        return [x for x in self.iter() if (tag is None or x.tag == tag)
                and all(x.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def ancestors(self):
        p = self.parent
        while p is not None:
            yield p
            p = p.parent


class Tree(HTMLParser):
    """The page as a tree of elements (html.parser: no browser, no guessing of missing tags)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.at = Element("#root", {})
        self.unclosed = []

    def handle_starttag(self, tag, attrs):
        el = Element(tag, attrs, self.at)
        self.at.children.append(el)
        if tag not in VOID:
            self.at = el

    def handle_startendtag(self, tag, attrs):
        self.at.children.append(Element(tag, attrs, self.at))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        assert self.at.tag == tag, f"</{tag}> closes <{self.at.tag}>"
        self.at = self.at.parent

    def handle_data(self, data):
        self.at.children.append(data)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs")
    path = docs(out)
    tree = Tree()
    tree.feed(path.read_text(encoding="utf-8"))
    tree.close()
    assert tree.at is tree.root, "an element is left open"
    return path, tree.root


@pytest.fixture(scope="module")
def ontology():
    g = rdflib.Graph()
    for name in ("govwork.ttl", "categories.ttl", "units.ttl"):
        g.parse(str(folder("ontology") / name))
    return g


def by_id(root, ident):
    found = [x for x in root.iter() if x.attrs.get("id") == ident]
    assert len(found) == 1, ident
    return found[0]


def test_every_link_resolves_and_no_id_is_repeated(page):
    path, root = page
    ids = [x.attrs["id"] for x in root.iter() if "id" in x.attrs]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    hrefs = [x.attrs["href"] for x in root.iter() if "href" in x.attrs]
    local = [h for h in hrefs if not re.match(r"[a-z]+:", h)]
    assert len(local) > 200           # the page is cross-linked, not a list of names
    for h in local:
        if h.startswith("#"):
            assert h[1:] in ids, h
        else:
            assert (path.parent / h).is_file(), h
    # the files linked to are the sample report and its graph, written beside the page
    assert {h for h in local if not h.startswith("#")} == {"sample-report.txt", "sample-report.ttl"}


def test_the_table_of_contents_reaches_every_section(page):
    _, root = page
    toc = {a.attrs["href"][1:] for a in by_id(root, "toc").find("a")}
    sections = {h.attrs["id"] for h in root.find("h2")} - {"contents"}
    assert sections <= toc
    assert {"namespaces", "diagram", "example", "units", "statuses", "kinds", "categories"} <= sections


def test_the_namespace_table_holds_every_prefix_with_its_iri_and_what_it_is(page):
    _, root = page
    rows = [[td.text().strip() for td in tr.find("td")] for tr in by_id(root, "namespace-table").find("tr")][1:]
    table = {r[0].rstrip(":"): r for r in rows if r[0] != "—"}
    for prefix, iri in ns.PREFIXES.items():
        assert table[prefix][1] == iri, prefix
        assert table[prefix][2] and table[prefix][3], f"{prefix}: say what it is, in zh and en"
    # every IRI the pipeline mints for the sample lies in one of the data namespaces listed
    data = [r[1] for r in rows if r[0] == "—"]
    minted = {x.value for t in example().triples for x in (t.subject, t.object)
              if hasattr(x, "value") and str(x).startswith("<" + ns.DEFAULT_BASE)}
    assert len(minted) > 20
    for iri in minted:
        assert any(iri.startswith(d) for d in data), iri


def _pre_text(root, ident) -> str:
    return html.unescape(by_id(root, ident).text())


def test_the_example_is_a_statement_the_pipeline_stores_with_its_evidence_path(page, tmp_path):
    from govkg.pipeline import build
    from govkg.store import GraphStore

    _, root = page
    ex = example()
    # its quote is a sentence of the sample report, at the offsets its selector gives
    raw = sample_path().read_text(encoding="utf-8")
    assert ex.quote in raw
    assert ex.text[ex.start:ex.end] == ex.quote and len(ex.quote) > 10
    assert by_id(root, "example-quote").text() == ex.quote

    # the Turtle on the page is the statement with its evidence path, as triples
    g = rdflib.Graph().parse(data=_pre_text(root, "example-turtle"), format="turtle")
    GW, OA, PROV = (rdflib.Namespace(n) for n in (ns.GW, ns.OA, ns.PROV))
    s, report = rdflib.URIRef(ex.statement), rdflib.URIRef(ex.report)
    assert (s, RDF.type, GW.ActivityStatement) in g
    assert (s, PROV.wasDerivedFrom, report) in g and (report, RDF.type, GW.Report) in g
    [span] = g.objects(s, GW.evidence)
    assert (span, OA.hasSource, report) in g
    selectors = set(g.objects(span, OA.hasSelector))
    [pos] = [x for x in selectors if (x, RDF.type, OA.TextPositionSelector) in g]
    [quote] = [x for x in selectors if (x, RDF.type, OA.TextQuoteSelector) in g]
    assert (g.value(pos, OA.start).toPython(), g.value(pos, OA.end).toPython()) == (ex.start, ex.end)
    assert str(g.value(quote, OA.exact)) == ex.quote
    assert list(g.objects(s, GW.place)) and list(g.objects(s, GW.quantity))

    # a build of the sample report stores every one of those triples, and the page's query
    # walks from the statement to the sentence on that store
    summary = build([sample_path()], tmp_path / "store")
    assert summary.ok, summary
    with GraphStore(tmp_path / "store", read_only=True) as store:
        stored = rdflib.Graph()
        for q in store.quads():
            stored.parse(data=f"{q.subject} {q.predicate} {q.object} .", format="nt")
        missing = [t for t in g if t not in stored]
        assert not missing, missing
        rows = list(store.query(_pre_text(root, "evidence-query")))
    assert [(r["exact"].value, int(r["start"].value), int(r["end"].value)) for r in rows] == \
        [(ex.quote, ex.start, ex.end)]
    cells = [td.text() for td in by_id(root, "evidence-answer").find("td")]
    assert ex.quote in cells and ex.statement in cells


def test_terms_in_relations_and_in_the_example_are_links(page, ontology):
    _, root = page
    # every term a class or property row names (subClassOf, subPropertyOf, domain, range, …)
    # is a link; every gw: term of the ontology has its row
    rows = {}
    for table in ("class-list", "object-property-list", "datatype-property-list"):
        for row in by_id(root, table).find("tr")[1:]:
            rows[row.attrs["id"]] = row
            relations = row.find("td")[3]
            for code in relations.find("code"):
                assert any(a.tag == "a" for a in code.ancestors()), (row.attrs["id"], code.text())
    terms = {str(t)[len(ns.GW):] for k in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
             for t in ontology.subjects(RDF.type, k) if str(t).startswith(ns.GW)}
    assert terms == set(rows)
    named = 0
    for t in terms:
        for p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range):
            for o in ontology.objects(rdflib.URIRef(ns.GW + t), p):
                named += 1
                want = "#" + str(o)[len(ns.GW):] if str(o).startswith(ns.GW) else str(o)
                assert want in {a.attrs["href"] for a in rows[t].find("a")}, (t, p, o)
    assert named > 80
    # every gw: term the Turtle and the query name is a link to its entry
    for ident in ("example-turtle", "evidence-query"):
        pre = by_id(root, ident)
        linked = {a.text(): a.attrs["href"] for a in pre.find("a")}
        named = set(re.findall(r"(?<![\w?<#/])gw:\w+", pre.text()))
        assert named and named <= set(linked), named - set(linked)
        for qname in named:
            assert linked[qname] == "#" + qname[3:]
        assert linked["oa:hasSelector"] == ns.OA + "hasSelector"
    # a property's domain and range are links too, to our class or the outside IRI
    evidence = by_id(root, "evidence")
    targets = {a.attrs["href"] for a in evidence.find("a")}
    assert {"#ActivityStatement", ns.OA + "SpecificResource"} <= targets


def _rect(box):
    r = box.find("rect")[0].attrs
    return tuple(float(r[k]) for k in ("x", "y", "width", "height"))


def _on_border(pt, rect, tol=1.0):
    x, y = pt
    rx, ry, w, h = rect
    inside = rx - tol <= x <= rx + w + tol and ry - tol <= y <= ry + h + tol
    edge = min(abs(x - rx), abs(x - rx - w), abs(y - ry), abs(y - ry - h)) <= tol
    return inside and edge


def test_the_diagram_draws_every_gw_class_and_object_property(page, ontology):
    _, root = page
    g = ontology
    for p, iri in ns.PREFIXES.items():
        g.bind(p, iri, override=True)
    svg = by_id(root, "diagram-svg")
    boxes = {b.attrs["data-term"]: b for b in svg.find("g", **{"class": "box"})}
    classes = {g.qname(c) for c in g.subjects(RDF.type, OWL.Class) if str(c).startswith(ns.GW)}
    assert classes and classes <= set(boxes)
    for c in classes:
        assert boxes[c].find("a")[0].attrs["href"] == "#" + c[3:]
    expected = {(g.qname(p), g.qname(d), g.qname(r)) for p in g.subjects(RDF.type, OWL.ObjectProperty)
                for d in g.objects(p, RDFS.domain) for r in g.objects(p, RDFS.range)
                if g.qname(d) in classes and g.qname(r) in classes}
    arrows = svg.find("g", **{"class": "arrow"})
    drawn = {(a.attrs["data-property"], a.attrs["data-domain"], a.attrs["data-range"]) for a in arrows}
    assert len(expected) >= 8 and expected <= drawn
    # boxes do not overlap, and each arrow runs from its domain's box to its range's
    rects = {k: _rect(b) for k, b in boxes.items()}
    keys = sorted(rects)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            (ax, ay, aw, ah), (bx, by, bw, bh) = rects[a], rects[b]
            assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay, (a, b)
    for a in arrows:
        nums = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", a.find("path")[0].attrs["d"])]
        start, end = (nums[0], nums[1]), (nums[-2], nums[-1])
        assert _on_border(start, rects[a.attrs["data-domain"]]), a.attrs
        assert _on_border(end, rects[a.attrs["data-range"]]), a.attrs
        assert a.find("a")[0].attrs["href"] == "#" + a.attrs["data-property"][3:]


def test_units_statuses_and_kinds_are_listed_in_both_languages(page):
    import csv

    _, root = page
    with open(folder("ontology") / "units.tsv", encoding="utf-8") as f:
        units = list(csv.DictReader(f, delimiter="\t"))
    assert len(units) > 10
    for u in units:
        cells = [td.text() for td in by_id(root, f"unit-{u['unit']}").find("td")]
        zh = u["zh"].split(";")
        assert cells[1].startswith(zh[0]) and all(z in cells[1] for z in zh), (u, cells)
        assert cells[2] == u["en"]
    hectare = by_id(root, "unit-hectare")
    assert [a.attrs["href"] for a in hectare.find("a")] == [ns.QUDT_UNIT + "HA", "#unit-m2"]
    for ident, zh, en in (("status-achieved", "已完成", "achieved"), ("status-planned", "计划中", "planned"),
                          ("kind-government-work-report", "政府工作报告", "government work report")):
        li = by_id(root, ident)
        assert zh in li.text() and en in li.text()
    # each category of the scheme has its anchor
    with open(folder("ontology") / "categories.tsv", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            by_id(root, "cat-" + row["id"])


def test_the_page_is_written_where_asked_and_returns_its_path(tmp_path):
    out = tmp_path / "a" / "b"
    path = docs(out)
    assert path == out / "index.html" and isinstance(path, Path)
    assert (out / "sample-report.txt").read_bytes() == sample_path().read_bytes()
    rdflib.Graph().parse(str(out / "sample-report.ttl"), format="turtle")
