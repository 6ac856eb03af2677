"""Stage 3, map: turn extracted facts into RDF under the govkg ontology.

The facts are first rendered *generically* (each JSON object a blank node, each field a
``facts:`` property, list items nodes with ``facts:index``), then the SPARQL CONSTRUCT rules
in ``mappings/`` run over that rendering with pyoxigraph.  Every ontology triple comes from a
rule; none is written here.  Rules named ``0*.rq`` (00-09) prepare helper triples (minted IRIs) in
the ``facts:`` namespace; those never leave this module.  The data namespace is given to the
rules as one more fact, ``[] facts:base "https://…/"``.

>>> rules = load_rules()
>>> [r.name for r in rules][:2]
['00-keys-report.rq', '01-keys-statement.rq']
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from . import namespaces as ns
from .errors import MappingError
from .resources import folder

XSD_DECIMAL = ox.NamedNode(ns.XSD + "decimal")
XSD_INTEGER = ox.NamedNode(ns.XSD + "integer")
XSD_BOOLEAN = ox.NamedNode(ns.XSD + "boolean")


@dataclass(frozen=True)
class Rule:
    name: str
    path: str
    text: str
    produces: str
    prepare: bool


def _produces(text: str, path: Path) -> str:
    for line in text.splitlines():
        if line.lower().startswith("# produces:"):
            return line.split(":", 1)[1].strip()
    raise MappingError(str(path), "has no '# produces: …' header line",
                       "start each rule with a comment saying what it produces")


@lru_cache(maxsize=4)
def load_rules(directory: str | None = None) -> tuple[Rule, ...]:
    """Load and syntax-check every rule of ``mappings/`` (or another folder), in name order."""
    d = Path(directory) if directory else folder("mappings")
    rules = []
    for p in sorted(d.glob("*.rq")):
        text = p.read_text(encoding="utf-8")
        rule = Rule(p.name, str(p), text, _produces(text, p), p.name.startswith("0"))
        try:
            ox.Store().query(text)
        except SyntaxError as e:
            raise MappingError(str(p), f"is not valid SPARQL: {e}") from None
        rules.append(rule)
    if not rules:
        raise MappingError(str(d), "holds no mapping rules (*.rq)")
    return tuple(rules)


# --- the generic rendering -----------------------------------------------------------------

def _literal(v) -> ox.Literal:
    if isinstance(v, bool):
        return ox.Literal("true" if v else "false", datatype=XSD_BOOLEAN)
    if isinstance(v, int):
        return ox.Literal(str(v), datatype=XSD_INTEGER)
    if isinstance(v, float):
        return ox.Literal(format(Decimal(repr(v)), "f"), datatype=XSD_DECIMAL)
    return ox.Literal(str(v))


def render(facts: Iterable[dict]) -> list[ox.Triple]:
    """The direct RDF rendering of facts: no ontology, only their shape.

    >>> [str(t) for t in render([{"type": "document", "doc": "a.txt"}])]
    ['_:f0 <https://w3id.org/govkg/facts#type> "document"', '_:f0 <https://w3id.org/govkg/facts#doc> "a.txt"']
    """
    out: list[ox.Triple] = []
    counter = [0]

    def node() -> ox.BlankNode:
        counter[0] += 1
        return ox.BlankNode(f"n{counter[0]}")

    def emit(subject, obj: dict):
        for key, value in obj.items():
            if value is None:
                continue
            pred = ox.NamedNode(ns.FACTS + key)
            if isinstance(value, dict):
                child = node()
                out.append(ox.Triple(subject, pred, child))
                emit(child, value)
            elif isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    child = node()
                    out.append(ox.Triple(subject, pred, child))
                    out.append(ox.Triple(child, ox.NamedNode(ns.FACTS + "index"), _literal(i)))
                    if isinstance(item, dict):
                        emit(child, item)
                    elif isinstance(item, (list, tuple)):
                        emit(child, {"item": list(item)})
                    elif item is not None:
                        out.append(ox.Triple(child, ox.NamedNode(ns.FACTS + "value"), _literal(item)))
            else:
                out.append(ox.Triple(subject, pred, _literal(value)))

    for n, fact in enumerate(facts):
        emit(ox.BlankNode(f"f{n}"), fact)
    return out


@lru_cache(maxsize=1)
def _unit_triples() -> tuple[ox.Triple, ...]:
    path = folder("ontology") / "units.ttl"
    return tuple(q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


def map_facts(facts: list[dict], base: str = ns.DEFAULT_BASE,
              rules: tuple[Rule, ...] | None = None) -> list[ox.Triple]:
    """Run the mapping rules over one report's facts and return the ontology triples,
    sorted so that the same facts always give the same output."""
    rules = rules if rules is not None else load_rules()
    work = ox.Store()
    work.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                for t in list(render(facts)) + list(_unit_triples()))
    # the data namespace reaches the rules as data: [] facts:base "…"
    work.add(ox.Quad(ox.BlankNode("config"), ox.NamedNode(ns.FACTS + "base"), ox.Literal(base),
                     ox.DefaultGraph()))
    produced: set[ox.Triple] = set()
    for rule in rules:
        try:
            triples = list(work.query(rule.text))
        except (SyntaxError, OSError, ValueError) as e:
            raise MappingError(rule.path, f"failed: {e}") from None
        if rule.prepare:
            work.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
        else:
            produced.update(triples)
    return sorted(produced, key=str)
