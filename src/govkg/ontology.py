"""The ontology's own tools: a consistency check with owlready2's reasoner, and HTML docs.

``check`` loads ``ontology/govwork.ttl``, the category scheme and the units (and, if given,
the report graphs of a store and extra Turtle files) into owlready2, runs its HermiT reasoner
and checks that every category id of ``categories.tsv`` is a concept of the scheme.

HermiT accepts only the datatypes of the OWL 2 datatype map, so in the reasoner's copy a
literal or range of another XSD type (xsd:gYear, xsd:gYearMonth, xsd:date) is read as a
string; everything else is reasoned over as it is.
"""
from __future__ import annotations

import csv
import html
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from . import namespaces as ns
from .errors import ResourceError
from .resources import folder

ONTOLOGY_FILES = ("govwork.ttl", "categories.ttl", "units.ttl")
OWL2_OUTSIDE_MAP = {XSD.gYear, XSD.gYearMonth, XSD.date, XSD.gMonth, XSD.gDay, XSD.duration}


@dataclass
class CheckResult:
    consistent: bool
    problems: list[str] = field(default_factory=list)
    triples: int = 0
    classes: int = 0

    @property
    def ok(self) -> bool:
        return self.consistent and not self.problems


def load_graph(extra: list[str | Path] = (), store_path: str | Path | None = None) -> rdflib.Graph:
    """The ontology, category scheme and units, plus extra Turtle files and a store's reports."""
    g = rdflib.Graph()
    for name in ONTOLOGY_FILES:
        g.parse(str(folder("ontology") / name), format="turtle")
    for p in extra:
        try:
            g.parse(str(p), format="turtle")
        except Exception as e:  # rdflib raises many kinds on bad Turtle
            raise ResourceError(str(p), f"is not valid Turtle: {e}") from None
    if store_path is not None:
        import pyoxigraph as ox

        from .store import GraphStore

        with GraphStore(store_path, read_only=True) as store:
            for r in store.reports():
                data = ox.serialize(store.graph_triples(r["graph"]), format=ox.RdfFormat.N_TRIPLES)
                g.parse(data=data.decode("utf-8"), format="nt")
    return g


def _reasoner_copy(g: rdflib.Graph) -> rdflib.Graph:
    """The graph as owlready2 should see it: without owl:imports (owlready2 would fetch them;
    govkg checks what it is given and never reaches out), OWL 2 datatypes mapped."""
    out = rdflib.Graph()
    for s, p, o in g:
        if p == OWL.imports:
            continue
        if isinstance(o, rdflib.Literal) and o.datatype in OWL2_OUTSIDE_MAP:
            o = rdflib.Literal(str(o))
        elif p == RDFS.range and o in OWL2_OUTSIDE_MAP:
            o = XSD.string
        out.add((s, p, o))
    return out


def missing_categories(g: rdflib.Graph, tsv: Path | None = None) -> list[str]:
    """Category ids of categories.tsv that are not concepts of the scheme."""
    tsv = tsv or folder("ontology") / "categories.tsv"
    with open(tsv, encoding="utf-8") as f:
        ids = [r["id"] for r in csv.DictReader(f, delimiter="\t")]
    scheme = rdflib.URIRef(ns.CAT + "scheme")
    return [i for i in ids if (rdflib.URIRef(ns.CAT + i), SKOS.inScheme, scheme) not in g]


def check(extra: list[str | Path] = (), store_path: str | Path | None = None) -> CheckResult:
    """Is the ontology (with the given data) consistent, and does it hold every category?"""
    from owlready2 import OwlReadyInconsistentOntologyError, World, sync_reasoner

    g = load_graph(extra, store_path)
    result = CheckResult(True, triples=len(g))
    result.problems += [f"category '{i}' of categories.tsv is not in the scheme"
                        for i in missing_categories(g)]
    with tempfile.TemporaryDirectory() as tmp:
        nt = Path(tmp) / "check.nt"
        _reasoner_copy(g).serialize(str(nt), format="nt", encoding="utf-8")
        world = World()
        onto = world.get_ontology(nt.as_uri()).load(format="ntriples")
        result.classes = len(list(world.classes()))
        try:
            with onto:
                sync_reasoner(world, infer_property_values=False, debug=0)
        except OwlReadyInconsistentOntologyError:
            result.consistent = False
            result.problems.append("the ontology and data are inconsistent (HermiT): "
                                   + ", ".join(_unsatisfiable(world)) or "no model exists")
    return result


def _unsatisfiable(world) -> list[str]:
    try:
        return [c.iri for c in world.inconsistent_classes()]
    except Exception:  # the world may be unusable after an inconsistency
        return []


# --- documentation -------------------------------------------------------------------------

def _label(g: rdflib.Graph, node, lang: str) -> str:
    for p in (SKOS.prefLabel, RDFS.label):
        for o in g.objects(node, p):
            if getattr(o, "language", None) == lang:
                return str(o)
    return g.qname(node) if isinstance(node, rdflib.URIRef) else str(node)


def _definition(g: rdflib.Graph, node, lang: str) -> str:
    for o in g.objects(node, SKOS.definition):
        if getattr(o, "language", None) == lang:
            return str(o)
    return ""


def docs(out_dir: str | Path) -> Path:
    """Write bilingual HTML documentation of the ontology and its category tree; return the
    page's path."""
    g = rdflib.Graph()
    for name in ONTOLOGY_FILES:
        g.parse(str(folder("ontology") / name), format="turtle")
    for p, iri in ns.PREFIXES.items():
        g.bind(p, iri, override=True)
    e = html.escape
    onto = next(g.subjects(RDF.type, OWL.Ontology))
    title = {l: next((str(o) for o in g.objects(onto, rdflib.DCTERMS.title) if o.language == l), "")
             for l in ("zh", "en")}
    version = next((str(o) for o in g.objects(onto, OWL.versionIRI)), "")

    def term_rows(kind) -> str:
        rows = []
        for t in sorted(set(g.subjects(RDF.type, kind)), key=str):
            if not str(t).startswith(ns.GW):
                continue
            extra = []
            for p, name in ((RDFS.subClassOf, "subClassOf"), (RDFS.subPropertyOf, "subPropertyOf"),
                            (RDFS.domain, "domain"), (RDFS.range, "range")):
                vals = [g.qname(o) for o in g.objects(t, p) if isinstance(o, rdflib.URIRef)]
                if vals:
                    extra.append(f"{name}: {', '.join(vals)}")
            rows.append(
                f'<tr id="{e(g.qname(t).split(":")[1])}"><td><code>{e(g.qname(t))}</code></td>'
                f'<td lang="zh">{e(_label(g, t, "zh"))}<br><small>{e(_definition(g, t, "zh"))}</small></td>'
                f'<td lang="en">{e(_label(g, t, "en"))}<br><small>{e(_definition(g, t, "en"))}</small></td>'
                f'<td><small>{e("; ".join(extra))}</small></td></tr>')
        return "\n".join(rows)

    def tree(scheme_ns: str) -> str:
        top = sorted((c for c in g.subjects(RDF.type, SKOS.Concept)
                      if str(c).startswith(scheme_ns) and (c, SKOS.broader, None) not in g), key=str)

        def item(c) -> str:
            kids = sorted(g.subjects(SKOS.broader, c), key=str)
            alts = sorted(str(o) for o in g.objects(c, SKOS.altLabel))
            inner = "".join(item(k) for k in kids)
            return (f'<li class="concept" id="cat-{e(str(c)[len(scheme_ns):])}"><code>{e(str(c)[len(scheme_ns):])}</code> '
                    f'<span lang="zh">{e(_label(g, c, "zh"))}</span> · <span lang="en">{e(_label(g, c, "en"))}</span>'
                    + (f'<br><small lang="zh">{e("、".join(alts))}</small>' if alts else "")
                    + (f"<ul>{inner}</ul>" if inner else "") + "</li>")
        return "<ul>" + "".join(item(c) for c in top) + "</ul>"

    page = f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>{e(title['zh'])} · {e(title['en'])}</title>
<style>body{{font-family:sans-serif;max-width:70em;margin:auto;padding:1em}}table{{border-collapse:collapse;width:100%}}
td,th{{border:1px solid #ccc;padding:.3em;vertical-align:top}}code{{color:#a33}}li.concept{{margin:.2em 0}}</style>
</head><body>
<h1>{e(title['zh'])} · {e(title['en'])}</h1>
<p>{e(str(onto))} — version <code>{e(version)}</code></p>
<h2 id="classes">类 · Classes</h2>
<table id="class-list"><tr><th>term</th><th>中文</th><th>English</th><th></th></tr>
{term_rows(OWL.Class)}</table>
<h2 id="object-properties">对象属性 · Object properties</h2>
<table><tr><th>term</th><th>中文</th><th>English</th><th></th></tr>{term_rows(OWL.ObjectProperty)}</table>
<h2 id="datatype-properties">数据属性 · Datatype properties</h2>
<table><tr><th>term</th><th>中文</th><th>English</th><th></th></tr>{term_rows(OWL.DatatypeProperty)}</table>
<h2 id="categories">工作类别 · Category tree</h2>
<div id="category-tree">{tree(ns.CAT)}</div>
<h2 id="statuses">状态 · Statuses</h2>{tree(ns.STATUS)}
<h2 id="kinds">报告类型 · Report kinds</h2>{tree(ns.KIND)}
</body></html>
"""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
