"""Stage 4, validate: check graphs against the SHACL shapes in ``shapes/`` with pyshacl.

Validation results are data (:class:`Outcome`), never exceptions; only a failure to run
raises :class:`~govkg.errors.ValidationError`.  Each result carries the focus node's label,
the message in Chinese and English, and the sentence of the statement it concerns.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Iterable

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDFS, SH, SKOS

from . import namespaces as ns
from .errors import ValidationError
from .resources import folder

GW = rdflib.Namespace(ns.GW)
OA = rdflib.Namespace(ns.OA)
PROV = rdflib.Namespace(ns.PROV)


@dataclass
class Finding:
    severity: str                 # Violation | Warning | Info
    focus: str
    focus_label: str | None
    path: str | None
    message_zh: str | None
    message_en: str | None
    value: str | None
    report: str | None = None
    sentence: str | None = None


@dataclass
class Outcome:
    conforms: bool
    findings: list[Finding] = field(default_factory=list)
    results_graph: rdflib.Graph | None = None

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    def as_dicts(self) -> list[dict]:
        return [asdict(f) for f in self.findings]


@lru_cache(maxsize=2)
def shapes_graph(extra: tuple[str, ...] = ()) -> rdflib.Graph:
    """The shapes of ``shapes/*.ttl``, then any user shape files layered on top."""
    g = rdflib.Graph()
    files = sorted(folder("shapes").glob("*.ttl")) + [p for p in extra]
    for p in files:
        try:
            g.parse(str(p), format="turtle")
        except Exception as e:  # rdflib raises several kinds on bad Turtle
            raise ValidationError(str(p), f"is not valid Turtle: {e}") from None
    return g


@lru_cache(maxsize=1)
def ontology_graph() -> rdflib.Graph:
    """Ontology, category scheme and units: what shapes need to check scheme membership."""
    g = rdflib.Graph()
    for name in ("govwork.ttl", "categories.ttl", "units.ttl"):
        g.parse(str(folder("ontology") / name), format="turtle")
    return g


@lru_cache(maxsize=1)
def support_triples() -> tuple:
    """The part of the ontology the shapes read: the class hierarchy (for sh:class) and scheme
    membership (categories, units).  Merging only these, not the whole ontology, into each
    data graph keeps validation cheap."""
    g = ontology_graph()
    return tuple(t for p in (RDFS.subClassOf, SKOS.inScheme) for t in g.triples((None, p, None)))


_XSD_STRING = ns.XSD + "string"


def _term(t):
    if isinstance(t, ox.NamedNode):
        return rdflib.URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return rdflib.BNode(t.value)
    if t.language:
        return rdflib.Literal(t.value, lang=t.language)
    dt = t.datatype.value
    return rdflib.Literal(t.value) if dt == _XSD_STRING else rdflib.Literal(t.value, datatype=rdflib.URIRef(dt))


@lru_cache(maxsize=64)
def _prepared(text: str):
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


class _DataGraph(rdflib.Graph):
    """A data graph whose SPARQL queries are parsed once per process, not once per report:
    pyshacl hands the text of each SHACL-SPARQL constraint to ``query`` for every report, and
    parsing it (pyparsing) cost more than evaluating it."""

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str) and not kwargs.get("initNs") and not kwargs.get("base"):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


def to_rdflib(triples: Iterable[ox.Triple], graph: rdflib.Graph | None = None) -> rdflib.Graph:
    """Copy pyoxigraph triples into an rdflib graph, term by term."""
    g = graph if graph is not None else _DataGraph()
    g.addN((_term(t.subject), _term(t.predicate), _term(t.object), g) for t in triples)
    return g


def _lang_messages(results: rdflib.Graph, node) -> tuple[str | None, str | None]:
    zh = en = None
    for m in results.objects(node, SH.resultMessage):
        lang = getattr(m, "language", None) or \
            ("zh" if any("\u4e00" <= c <= "\u9fff" for c in str(m)) else "en")
        if lang == "zh":
            zh = str(m)
        elif lang == "en" or en is None:
            en = str(m)
    return zh, en


def _sentence_of(data: rdflib.Graph, focus) -> tuple[str | None, str | None]:
    """The report and the quoted sentence behind a focus node (a statement, or a node one
    step from one: its quantity, evidence or village)."""
    stmts = [focus] if (focus, GW.evidence, None) in data else \
        list(data.subjects(None, focus)) + list(data.subjects(GW.evidence, focus))
    for st in stmts:
        for ev in data.objects(st, GW.evidence):
            for sel in data.objects(ev, OA.hasSelector):
                for exact in data.objects(sel, OA.exact):
                    report = next(iter(data.objects(st, PROV.wasDerivedFrom)), None)
                    return (str(report) if report else None), str(exact)
    return None, None


def _run(data: rdflib.Graph, shapes: rdflib.Graph | None):
    import pyshacl

    try:
        return pyshacl.validate(
            data, shacl_graph=shapes if shapes is not None else shapes_graph(),
            inference="none", advanced=False, allow_warnings=True, inplace=True,
            meta_shacl=False, js=False, debug=False)
    except Exception as e:  # pyshacl reports broken shapes with many exception types
        raise ValidationError("shapes/", f"validation could not run: {e}") from None


def validate_graph(triples: Iterable[ox.Triple] | rdflib.Graph,
                   shapes: rdflib.Graph | None = None) -> Outcome:
    """Validate one graph; warnings do not break conformance, violations do."""
    if isinstance(triples, rdflib.Graph):
        data = _DataGraph()
        for t in triples:
            data.add(t)
    else:
        data = to_rdflib(triples)
    # the schemes are merged in (not passed as ont_graph, which pyshacl mixes in only when
    # it infers) so that shapes can check a category or unit belongs to its scheme; the
    # copy keeps them out of the caller's graph (pyshacl validates in place)
    for t in support_triples():
        data.add(t)
    conforms, results, _ = _run(data, shapes)
    findings = []
    for r in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        if (None, SH.detail, r) in results:
            continue        # a nested shape's detail of a result already reported
        focus = results.value(r, SH.focusNode)
        sev = results.value(r, SH.resultSeverity)
        zh, en = _lang_messages(results, r)
        label = data.value(focus, RDFS.label) if focus is not None else None
        path = results.value(r, SH.resultPath)
        value = results.value(r, SH.value)
        report, sentence = _sentence_of(data, value) if isinstance(value, rdflib.URIRef) \
            else (None, None)
        if sentence is None:
            report, sentence = _sentence_of(data, focus)
        findings.append(Finding(
            severity=str(sev).rsplit("#", 1)[-1] if sev else "Violation",
            focus=str(focus), focus_label=str(label) if label is not None else None,
            path=path.n3() if path is not None and not isinstance(path, rdflib.BNode) else None,
            message_zh=zh, message_en=en, value=str(value) if value is not None else None,
            report=report, sentence=sentence))
    findings.sort(key=lambda f: (f.severity != "Violation", f.focus, f.message_en or ""))
    return Outcome(bool(conforms), findings, results)
