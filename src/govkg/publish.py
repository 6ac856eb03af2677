"""Stage 6, publish: dumps of the store in the standard RDF formats.

Dumps are deterministic (quads sorted), declare our prefixes, and are gzipped when the file
name ends in ``.gz``.
"""
from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox

from . import namespaces as ns
from .errors import StoreError
from .store import GraphStore

FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, False),
    "ntriples": (ox.RdfFormat.N_TRIPLES, False),
    "nquads": (ox.RdfFormat.N_QUADS, True),
    "trig": (ox.RdfFormat.TRIG, True),
    "jsonld": (ox.RdfFormat.JSON_LD, False),
}


def _key(q: ox.Quad) -> tuple[str, str, str, str]:
    return (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))


def export(store: GraphStore, fmt: str, out: str | Path, graph: str | None = None) -> int:
    """Write the store (or one report's graph) to ``out``; return the number of statements.

    Graph-less formats (Turtle, N-Triples, JSON-LD) hold the triples of every graph; use
    N-Quads or TriG to keep each report in its own graph.
    """
    if fmt not in FORMATS:
        raise StoreError(str(out), f"unknown export format '{fmt}'", f"use one of {', '.join(FORMATS)}")
    rdf_format, with_graphs = FORMATS[fmt]
    graph_iri = None
    if graph:
        graphs = store.find_report_graphs(graph) or ([graph] if graph in store.named_graphs() else [])
        if not graphs:
            raise StoreError(graph, "no such report or graph in the store")
        graph_iri = graphs[0]
    quads = sorted(store.quads(graph_iri), key=_key)
    if with_graphs:
        items = quads
    else:
        seen: set[ox.Triple] = set()
        items = []
        for q in quads:
            if q.triple not in seen:
                seen.add(q.triple)
                items.append(q.triple)
    prefixes = dict(ns.PREFIXES) if rdf_format not in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS) else None
    out = Path(out)
    opener = gzip.open if out.suffix == ".gz" else open
    with opener(out, "wb") as f:
        ox.serialize(items, f, rdf_format, prefixes=prefixes)
    return len(items)


def sorted_nquads(store: GraphStore) -> bytes:
    """The whole store as sorted N-Quads: byte-identical for the same content."""
    lines = sorted(ox.serialize(store.quads(), format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines())
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
