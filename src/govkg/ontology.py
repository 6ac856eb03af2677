"""The ontology's own tools: a consistency check with owlready2's reasoner, and HTML docs
(written by :mod:`govkg.docs`).

``check`` loads ``ontology/govwork.ttl``, the category scheme and the units (and, if given,
the report graphs of a store and extra Turtle files) into owlready2, runs its HermiT reasoner
and checks that every category id of ``categories.tsv`` is a concept of the scheme.

HermiT accepts only the datatypes of the OWL 2 datatype map, so in the reasoner's copy a
literal or range of another XSD type (xsd:gYear, xsd:gYearMonth, xsd:date) is read as a
string; everything else is reasoned over as it is.
"""
from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDFS, SKOS, XSD

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

def docs(out_dir: str | Path) -> Path:
    """Write bilingual HTML documentation of the ontology (namespaces, diagram, cross-linked
    terms, an example statement with its evidence path, category, status and report-kind
    trees, units) into ``out_dir``; return the page's path.  See :mod:`govkg.docs`."""
    from .docs import write_docs

    return write_docs(out_dir)
