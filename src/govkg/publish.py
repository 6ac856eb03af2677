"""Stage 6, publish: dumps of the store, and the dataset's VoID + DCAT description.

Dumps stream: graphs are written one after the other, in IRI order, each sorted on its own,
so memory holds one graph at a time and the same store always gives the same bytes.  Our
prefixes are declared; a file name ending in ``.gz`` is compressed.  Every dump carries the
description graph (``namespaces.DESCRIPTION_GRAPH``), which :func:`refresh_description`
keeps current whenever a build or a removal changes the store.
"""
from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Iterator

import pyoxigraph as ox

from . import namespaces as ns
from .config import DatasetConfig
from .errors import StoreError
from .store import GraphStore

FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, False),
    "ntriples": (ox.RdfFormat.N_TRIPLES, False),
    "nquads": (ox.RdfFormat.N_QUADS, True),
    "trig": (ox.RdfFormat.TRIG, True),
    "jsonld": (ox.RdfFormat.JSON_LD, True),
}


def _key(q: ox.Quad | ox.Triple) -> tuple[str, str, str]:
    return (str(q.subject), str(q.predicate), str(q.object))


def sorted_graph(store: GraphStore, graph: str) -> list[ox.Quad]:
    """One graph's quads in a fixed order (no blank nodes are minted, so str order is stable)."""
    return sorted(store.quads(graph), key=_key)


def graph_quads(store: GraphStore, graph: str, config: DatasetConfig | None) -> list[ox.Quad]:
    """One graph's quads in a fixed order; the description's as it should be (never a
    missing or out-of-date one, as a build killed part way leaves)."""
    if graph == ns.DESCRIPTION_GRAPH:
        g = ox.NamedNode(graph)
        return [ox.Quad(t.subject, t.predicate, t.object, g)
                for t in sorted(current_description(store, config), key=_key)]
    return sorted_graph(store, graph)


def _stream(store: GraphStore, graphs: list[str], with_graphs: bool,
            config: DatasetConfig | None = None) -> Iterator[ox.Quad | ox.Triple]:
    for g in graphs:
        for q in graph_quads(store, g, config):
            yield q if with_graphs else q.triple


class _Counter:
    """Counts what passes through a generator, so a streamed dump can say how much it wrote."""

    def __init__(self, items):
        self.items, self.n = items, 0

    def __iter__(self):
        for x in self.items:
            self.n += 1
            yield x


TURTLE_HEADER = (
    "# govkg dataset in Turtle: the triples of every graph of the store, merged into one graph.\n"
    "# Turtle has no named graphs, so which report a triple came from is not kept here;\n"
    "# export TriG or N-Quads (govkg export --format trig|nquads) to keep one graph per report.\n"
)


def data_prefixes(store: GraphStore) -> dict[str, str]:
    """The prefix of the data's own IRIs (townships, villages, reports, statements): the base
    the reports were built with (``data:``), beside our vocabularies' prefixes."""
    bases = {r["graph"].split("graph/report/")[0] for r in store.reports() if "graph/report/" in r["graph"]}
    base = sorted(bases)[0] if len(bases) == 1 else ns.DEFAULT_BASE
    return {**ns.PREFIXES, "data": base}


def export(store: GraphStore, fmt: str, out: str | Path | BinaryIO, graph: str | None = None,
           config: DatasetConfig | None = None) -> int:
    """Write the store (or one report's graph, with the description) to ``out``, a path (a
    name ending in ``.gz`` is compressed) or a binary file object; return the number of
    statements written.

    Graph-less formats (Turtle, N-Triples) hold the triples of every graph, merged; use
    N-Quads, TriG or JSON-LD to keep each report in its own graph.  JSON-LD is compacted
    with our prefixes as its ``@context``, one named graph (``@id`` + ``@graph``) per graph.
    """
    if fmt not in FORMATS:
        raise StoreError(str(out), f"unknown export format '{fmt}'", f"use one of {', '.join(FORMATS)}")
    rdf_format, with_graphs = FORMATS[fmt]
    graphs = sorted(set(store.named_graphs()) | {ns.DESCRIPTION_GRAPH})
    if graph:
        found = store.find_report_graphs(graph) or ([graph] if graph in graphs else [])
        if not found:
            raise StoreError(graph, "no such report or graph in the store")
        graphs = sorted({found[0], ns.DESCRIPTION_GRAPH})
    prefixes = data_prefixes(store) if rdf_format not in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS) else None
    name = getattr(out, "name", None) if not isinstance(out, (str, Path)) else str(out)
    try:
        if isinstance(out, (str, Path)):
            opener = gzip.open if Path(out).suffix == ".gz" else open
            with opener(out, "wb") as f:
                return _write(store, graphs, fmt, rdf_format, with_graphs, prefixes, f, config)
        return _write(store, graphs, fmt, rdf_format, with_graphs, prefixes, out, config)
    except OSError as e:
        if isinstance(e, BrokenPipeError):
            raise
        raise StoreError(str(name or out), f"cannot be written ({e.strerror or e})") from None


@dataclass
class Shards:
    """What :func:`export_shards` wrote: the shard files, graphs and quads in each."""

    folder: Path
    files: list[tuple[str, int, int]]        # (file name, graphs, quads)

    @property
    def quads(self) -> int:
        return sum(n for _, _, n in self.files)


SHARD_NAME = "govkg-{:05d}.nq.gz"


def export_shards(store: GraphStore, folder: str | Path, graphs_per_shard: int = 1000,
                  config: DatasetConfig | None = None) -> Shards:
    """Write the store as gzipped N-Quads shards for a bulk loader, each holding whole graphs
    (``graphs_per_shard`` of them; the scheme graphs and the description in the first), with
    ``MANIFEST.tsv`` (file, graphs, quads, sha256) and the recipes ``load-virtuoso.sql`` and
    ``load-qlever.sh`` beside them.  An existing shard of ours in the folder is replaced;
    shards left from a larger export are removed, so the folder is the store."""
    if graphs_per_shard < 1:
        raise StoreError(str(folder), "--graphs-per-shard must be 1 or more")
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        present = set(store.named_graphs()) | {ns.DESCRIPTION_GRAPH}
        shared = [g for g in (ns.ONTOLOGY_GRAPH, ns.CATEGORIES_GRAPH, ns.DESCRIPTION_GRAPH) if g in present]
        reports = sorted(present - set(shared))
        groups = [shared + reports[:graphs_per_shard]] + [
            reports[i:i + graphs_per_shard] for i in range(graphs_per_shard, len(reports), graphs_per_shard)]
        files, manifest = [], ["file\tgraphs\tquads\tsha256"]
        for n, group in enumerate(groups, 1):
            name = SHARD_NAME.format(n)
            # mtime=0: the same store gives the same bytes (and digests) every time
            with open(folder / name, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
                items = _Counter(_stream(store, group, True, config))
                ox.serialize(items, f, ox.RdfFormat.N_QUADS)
            digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
            files.append((name, len(group), items.n))
            manifest.append(f"{name}\t{len(group)}\t{items.n}\t{digest}")
        for old in folder.glob("govkg-*.nq.gz"):
            if old.name not in {f for f, _, _ in files}:
                old.unlink()
        (folder / "MANIFEST.tsv").write_text("\n".join(manifest) + "\n", encoding="utf-8")
        (folder / "load-virtuoso.sql").write_text(VIRTUOSO_RECIPE.format(folder=folder.resolve()), encoding="utf-8")
        (folder / "load-qlever.sh").write_text(QLEVER_RECIPE, encoding="utf-8")
    except OSError as e:
        raise StoreError(str(folder), f"cannot be written ({e.strerror or e})") from None
    return Shards(folder, files)


VIRTUOSO_RECIPE = """-- Bulk-load this folder's N-Quads shards into Virtuoso 7 (written by `govkg export --shards`).
--   1. The folder must be readable by the server and listed in DirsAllowed of virtuoso.ini.
--   2. Into an empty database, or drop the old graphs first: each shard names its graphs.
--   3. isql-vt 1111 dba PASSWORD load-virtuoso.sql     (1111: the server's SQL port)
-- Each quad keeps its graph; the third argument is used only for triples without one.
ld_dir('{folder}', 'govkg-*.nq.gz', 'https://w3id.org/govkg/graph/unnamed');
rdf_loader_run();
checkpoint;
-- every shard should be loaded (ll_state 2) with no error:
SELECT ll_file, ll_state, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_file LIKE '%govkg-%';
"""

QLEVER_RECIPE = """#!/bin/sh
# Build a QLever index from this folder's N-Quads shards (written by `govkg export --shards`),
# then serve it.  QLever's index builder reads N-Quads and keeps each quad's graph.
# With the `qlever` control script (pip install qlever), in this folder:
#   qlever setup-config default
#   then set in its Qleverfile:  NAME = govkg
#                                MULTI_INPUT_JSON = { "cmd": "zcat govkg-*.nq.gz", "format": "nq" }
#   qlever index && qlever start
# Or with the binaries directly:
set -e
zcat govkg-*.nq.gz | IndexBuilderMain -i govkg -F nq -f -
ServerMain -i govkg -p 7001
"""


def _write(store: GraphStore, graphs: list[str], fmt: str, rdf_format, with_graphs: bool,
           prefixes: dict | None, f: BinaryIO, config: DatasetConfig | None = None) -> int:
    if fmt == "jsonld":
        return _write_jsonld(store, graphs, prefixes or dict(ns.PREFIXES), f, config)
    if fmt == "turtle":
        f.write(TURTLE_HEADER.encode("utf-8"))
    items = _Counter(_stream(store, graphs, with_graphs, config))
    ox.serialize(items, f, rdf_format, prefixes=prefixes)
    return items.n


def _sorted_json(value):
    """JSON-LD values in a fixed order (the order of a ``@list`` is data and stays)."""
    if isinstance(value, dict):
        return {k: (v if k == "@list" else _sorted_json(v)) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return value


def _write_jsonld(store: GraphStore, graphs: list[str], context: dict[str, str], f: BinaryIO,
                  config: DatasetConfig | None = None) -> int:
    """Compacted JSON-LD, streamed graph by graph: one ``{"@id", "@graph"}`` object per named
    graph under a top-level ``@graph``, each compacted by rdflib's serializer with ``context``."""
    import rdflib

    def compact_iri(iri: str) -> str:
        for p, base in sorted(context.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(base) and len(iri) > len(base):
                return f"{p}:{iri[len(base):]}"
        return iri

    f.write(b'{\n "@context": ' + json.dumps(context, ensure_ascii=False, indent=1).replace("\n", "\n ")
            .encode("utf-8") + b',\n "@graph": [')
    n = 0
    for i, g in enumerate(graphs):
        quads = graph_quads(store, g, config)
        n += len(quads)
        rg = rdflib.Graph()
        rg.parse(data=ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES).decode("utf-8"),
                 format="nt")
        doc = json.loads(rg.serialize(format="json-ld", context=context, auto_compact=True)) if quads else {}
        doc.pop("@context", None)
        nodes = doc.get("@graph", [doc] if doc else [])
        nodes = sorted((_sorted_json(x) for x in nodes), key=lambda x: x.get("@id", ""))
        block = json.dumps({"@id": compact_iri(g), "@graph": nodes}, ensure_ascii=False, indent=1)
        f.write((("," if i else "") + "\n  " + block.replace("\n", "\n  ")).encode("utf-8"))
    f.write(b"\n ]\n}\n")
    return n


def sorted_nquads(store: GraphStore, graphs: list[str] | None = None) -> bytes:
    """The store (or some of its graphs) as sorted N-Quads: byte-identical for the same content."""
    quads = store.quads() if graphs is None else (q for g in graphs for q in store.quads(g))
    lines = sorted(ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines())
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


# --- the dataset's description -------------------------------------------------------------

def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=_n(ns.XSD + "integer"))


def _namespace(iri: str) -> str:
    for known in ns.PREFIXES.values():
        if iri.startswith(known):
            return known
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[:cut + 1]


def _previous(store: GraphStore | ox.Store) -> dict:
    """What the stored description says: dataset IRI, issued, modified, fingerprint."""
    q = f"""PREFIX gw: <{ns.GW}> PREFIX dcterms: <{ns.DCT}> PREFIX void: <{ns.VOID}>
    SELECT ?ds ?issued ?modified ?fp WHERE {{ GRAPH <{ns.DESCRIPTION_GRAPH}> {{
      ?ds gw:namedGraphCount ?n . OPTIONAL {{ ?ds dcterms:issued ?issued }}
      OPTIONAL {{ ?ds dcterms:modified ?modified }} OPTIONAL {{ ?ds dcterms:identifier ?fp }} }} }}"""
    for s in getattr(store, "store", store).query(q):
        return {k: s[k] for k in ("ds", "issued", "modified", "fp")}
    return {}


def _graph_counts(store: GraphStore | ox.Store) -> dict[str, int]:
    """Triples per named graph, the description's own graph left out."""
    return {s["g"].value: int(s["n"].value) for s in getattr(store, "store", store).query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        if s["g"].value != ns.DESCRIPTION_GRAPH}


def _graph_versions(store: GraphStore | ox.Store) -> dict[str, str]:
    """The version (file hash, else text hash) of each report graph."""
    q = f"""PREFIX gw: <{ns.GW}> SELECT ?g ?v WHERE {{ GRAPH ?g {{ ?r a gw:Report ; gw:sha256 ?sha .
      OPTIONAL {{ ?r gw:fileSha256 ?fsha }} BIND(COALESCE(?fsha, ?sha) AS ?v) }} }}"""
    return {row["g"].value: row["v"].value for row in getattr(store, "store", store).query(q)}


def _fingerprint(counts: dict[str, int], versions: dict[str, str]) -> str:
    """What the description was written for: each graph's size and version."""
    return hashlib.sha256("\n".join(f"{g} {n} {versions.get(g, '')}".rstrip()
                                     for g, n in sorted(counts.items())).encode()).hexdigest()


def description_is_current(store: GraphStore | ox.Store) -> bool:
    """Whether the stored description is there and was written for the graphs the store
    holds now (a build killed part way leaves it missing or out of date)."""
    prev = _previous(store)
    return bool(prev.get("fp")) and prev["fp"].value == _fingerprint(_graph_counts(store), _graph_versions(store))


def current_description(store: GraphStore, config: DatasetConfig | None = None) -> list[ox.Triple]:
    """The description as it should be stored: the stored one when current, else one
    described afresh (what push and export send, so they never send a missing or false one)."""
    if description_is_current(store):
        return [q.triple for q in sorted_graph(store, ns.DESCRIPTION_GRAPH)]
    return describe(store, config)


def ensure_description(store: GraphStore, config: DatasetConfig | None = None, base: str | None = None) -> bool:
    """Rewrite the stored description when it is missing or out of date; whether it was."""
    if description_is_current(store):
        return False
    refresh_description(store, config, base)
    return True


def describe(store: GraphStore, config: DatasetConfig | None = None, base: str | None = None,
             endpoint: str | None = None, now: datetime | None = None,
             replaced: dict[str, str] | None = None, signature: str | None = None) -> list[ox.Triple]:
    """The VoID + DCAT description of the store's dataset: titles, licence, publisher,
    issued/modified, triple, document and graph counts, the vocabularies used, one entry per
    graph, and the SPARQL endpoint when one is given.

    ``issued`` is kept from the stored description; ``modified`` moves only when the graphs
    or their sizes changed (so rebuilding the same corpus leaves the store byte-identical).
    """
    config = config or DatasetConfig()
    prev = _previous(store)
    ds = _n(f"{base}dataset") if base else (prev.get("ds") or _n(f"{ns.DEFAULT_BASE}dataset"))
    counts = _graph_counts(store)
    reports = [r for r in store.reports() if r["graph"] in counts]
    fingerprint = _fingerprint(counts, _graph_versions(store))
    stamp = ox.Literal((now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                       datatype=_n(ns.XSD + "dateTime"))
    issued = prev.get("issued") or stamp
    versions = {v["graph"]: v for v in store.versions()}
    before = _previous_versions(store)
    replaced = replaced or {}
    signature = signature or stored_signature(store)
    modified = prev["modified"] if prev.get("fp") and prev["fp"].value == fingerprint and prev.get("modified") \
        else stamp
    used = {_namespace(s["x"].value) for s in store.store.query(
        f"SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ {{ ?s ?x ?o }} UNION {{ ?s a ?x }} }} "
        f"FILTER(?g != <{ns.DESCRIPTION_GRAPH}>) }}") if isinstance(s["x"], ox.NamedNode)}

    rdf_type, void, dcat, dct = _n(ns.RDF + "type"), ns.VOID, ns.DCAT, ns.DCT
    out = [ox.Triple(ds, rdf_type, _n(void + "Dataset")), ox.Triple(ds, rdf_type, _n(dcat + "Dataset"))]
    add = lambda p, o: out.append(ox.Triple(ds, _n(p), o))  # noqa: E731
    add(dct + "title", ox.Literal(config.title, language="zh"))
    add(dct + "title", ox.Literal(config.title_en, language="en"))
    add(dct + "description", ox.Literal(config.description, language="zh"))
    add(dct + "description", ox.Literal(config.description_en, language="en"))
    add(dct + "license", _n(config.license))
    add(dct + "issued", issued)
    add(dct + "modified", modified)
    add(dct + "identifier", ox.Literal(fingerprint))
    add(void + "triples", _int(sum(counts.values())))
    add(void + "documents", _int(len(reports)))
    add(ns.GW + "namedGraphCount", _int(len(counts) + 1))   # and the description graph itself
    if signature:
        add(ns.GW + "buildSignature", ox.Literal(signature))
    for v in sorted(used):
        add(void + "vocabulary", _n(v))
    if config.homepage:
        add(ns.FOAF + "homepage", _n(config.homepage))
    if config.publisher:
        pub = _n(config.publisher_url) if config.publisher_url else _n(f"{ds.value}/publisher")
        add(dct + "publisher", pub)
        out.append(ox.Triple(pub, rdf_type, _n(ns.FOAF + "Agent")))
        out.append(ox.Triple(pub, _n(ns.FOAF + "name"), ox.Literal(config.publisher)))
    if endpoint:
        out += endpoint_triples(ds, endpoint)
    by_graph = {r["graph"]: r for r in reports}
    titles = {ns.ONTOLOGY_GRAPH: "ontology", ns.CATEGORIES_GRAPH: "categories and units"}
    for g, n in sorted(counts.items()):
        sub = _n(g)
        add(void + "subset", sub)
        out += [ox.Triple(sub, rdf_type, _n(void + "Dataset")), ox.Triple(sub, rdf_type, _n(dcat + "Dataset")),
                ox.Triple(sub, _n(ns.SD + "name"), sub), ox.Triple(sub, _n(void + "triples"), _int(n))]
        r = by_graph.get(g)
        if r:
            out.append(ox.Triple(sub, _n(dct + "title"), ox.Literal(r["file"])))
            out.append(ox.Triple(sub, _n(dct + "source"), _n(r["report"])))
            v, was = versions.get(g, {}), before.get(g, {})
            version = v.get("file_sha256") or v.get("sha256")
            if version:
                # when this version was built and what it replaced: kept while it stays
                same = was.get("version") == version and g not in replaced
                out.append(ox.Triple(sub, _n(ns.OWL + "versionInfo"), ox.Literal(version)))
                out.append(ox.Triple(sub, _n(dct + "modified"), was["modified"] if same and was.get("modified")
                                     else stamp))
                old = replaced.get(g) or (was.get("replaced").value if same and was.get("replaced") else None)
                if old and old != version:
                    out.append(ox.Triple(sub, _n(ns.GW + "replacedVersion"), ox.Literal(old)))
        elif g in titles:
            out.append(ox.Triple(sub, _n(dct + "title"), ox.Literal(titles[g], language="en")))
    return sorted(set(out), key=_key)


def endpoint_triples(ds: ox.NamedNode, endpoint: str) -> list[ox.Triple]:
    """What a description says of the SPARQL endpoint that serves its dataset."""
    service = _n(f"{ds.value}/sparql-service")
    return [ox.Triple(ds, _n(ns.VOID + "sparqlEndpoint"), _n(endpoint)),
            ox.Triple(service, _n(ns.RDF + "type"), _n(ns.DCAT + "DataService")),
            ox.Triple(service, _n(ns.DCAT + "endpointURL"), _n(endpoint)),
            ox.Triple(service, _n(ns.DCAT + "servesDataset"), ds)]


def refresh_description(store: GraphStore, config: DatasetConfig | None = None,
                        base: str | None = None, replaced: dict[str, str] | None = None,
                        signature: str | None = None) -> int:
    """Recompute the description and store it in its graph; return its triple count.
    ``replaced``: the version each rebuilt report graph replaced; ``signature``: what the
    build depended on (:func:`govkg.pipeline.build_signature`)."""
    return store.replace_graph(ns.DESCRIPTION_GRAPH, describe(store, config, base, replaced=replaced,
                                                              signature=signature))


def stored_signature(store: GraphStore) -> str | None:
    """The build signature the stored description records (None before any build)."""
    q = f"SELECT ?s WHERE {{ GRAPH <{ns.DESCRIPTION_GRAPH}> {{ ?d <{ns.GW}buildSignature> ?s }} }}"
    for row in store.store.query(q):
        return row["s"].value
    return None


def _previous_versions(store: GraphStore) -> dict[str, dict]:
    """Per report graph, what the stored description says of its version: hash, when it was
    built, what it replaced."""
    q = f"""PREFIX gw: <{ns.GW}> PREFIX dcterms: <{ns.DCT}> PREFIX owl: <{ns.OWL}>
    SELECT ?g ?v ?m ?old WHERE {{ GRAPH <{ns.DESCRIPTION_GRAPH}> {{
      ?g owl:versionInfo ?v . OPTIONAL {{ ?g dcterms:modified ?m }} OPTIONAL {{ ?g gw:replacedVersion ?old }} }} }}"""
    return {row["g"].value: {"version": row["v"].value, "modified": row["m"], "replaced": row["old"]}
            for row in store.store.query(q)}


def turtle(triples: list[ox.Triple]) -> str:
    """Triples as Turtle with our prefixes."""
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(ns.PREFIXES)).decode("utf-8")
