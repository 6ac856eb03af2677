"""Namespaces used across govkg, in one place.

The ontology's own namespace is fixed; the namespace of the data (townships, villages,
reports, statements) defaults to ``DEFAULT_BASE`` and can be changed per build.
"""
from __future__ import annotations

GW = "https://w3id.org/govkg/def#"
CAT = "https://w3id.org/govkg/def/category/"
STATUS = "https://w3id.org/govkg/def/status/"
KIND = "https://w3id.org/govkg/def/report-kind/"
UNIT = "https://w3id.org/govkg/def/unit/"
FACTS = "https://w3id.org/govkg/facts#"  # the generic rendering of extracted facts
DEFAULT_BASE = "https://w3id.org/govkg/id/"

ONTOLOGY_GRAPH = "https://w3id.org/govkg/graph/ontology"
CATEGORIES_GRAPH = "https://w3id.org/govkg/graph/categories"
DESCRIPTION_GRAPH = "https://w3id.org/govkg/graph/description"   # VoID + DCAT of the dataset

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
TIME = "http://www.w3.org/2006/time#"
ORG = "http://www.w3.org/ns/org#"
QUDT = "http://qudt.org/schema/qudt/"
QUDT_UNIT = "http://qudt.org/vocab/unit/"
SH = "http://www.w3.org/ns/shacl#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SD = "http://www.w3.org/ns/sparql-service-description#"
FOAF = "http://xmlns.com/foaf/0.1/"

PREFIXES = {
    "gw": GW, "cat": CAT, "status": STATUS, "kind": KIND, "unit": UNIT,
    "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS, "dcterms": DCT,
    "prov": PROV, "oa": OA, "time": TIME, "org": ORG, "qudt": QUDT, "qudtunit": QUDT_UNIT,
    "void": VOID, "dcat": DCAT, "sd": SD, "foaf": FOAF,
}


def sparql_prefixes() -> str:
    """PREFIX declarations for every namespace above, for queries built in code."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
