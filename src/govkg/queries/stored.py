"""Stored queries: their decorators, typed parameters and how values become RDF terms."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from .. import namespaces as ns
from ..errors import QueryError
from ..resources import folder
from ..vocab import load_categories, load_units


TYPES = ("category", "status", "kind", "unit", "year", "period", "township", "village",
         "lang", "string", "integer")
STATUSES = ("achieved", "ongoing", "planned")
KINDS = ("work-summary", "government-work-report", "work-plan", "other")


# types whose values are terms of a scheme, given by id or label: their namespace
LABELLED = {"category": ns.CAT, "status": ns.STATUS, "kind": ns.KIND, "unit": ns.UNIT}


@lru_cache(maxsize=8)
def _labels(kind: str) -> dict[str, tuple[str, str]]:
    """id → (zh label, en label) of every term of a labelled type."""
    if kind == "category":
        return {c.id: (c.zh, c.en) for c in load_categories().values()}
    if kind == "unit":
        return {u.id: ("、".join(u.zh), u.en) for u in load_units().values()}
    g = ox.Store()
    g.load(path=str(folder("ontology") / "govwork.ttl"), format=ox.RdfFormat.TURTLE)
    base, ids = (ns.STATUS, STATUSES) if kind == "status" else (ns.KIND, KINDS)
    out = {}
    for i in ids:
        labels = {q.object.language: q.object.value for q in g.quads_for_pattern(
            ox.NamedNode(base + i), ox.NamedNode(ns.SKOS + "prefLabel"), None)}
        out[i] = (labels.get("zh", i), labels.get("en", i))
    return out


@lru_cache(maxsize=8)
def _spellings(kind: str) -> dict[str, str]:
    """Every accepted spelling (id, zh label, each Chinese unit word, en label lower-cased) → id."""
    out: dict[str, str] = {}
    for i, (zh, en) in _labels(kind).items():
        for s in [en.lower(), *zh.split("、"), i]:      # an id wins over a label spelled the same
            if s:
                out[s] = i
    return out


def _did_you_mean(kind: str, value: str) -> str | None:
    """The closest ids or labels (rapidfuzz), as a hint, or None when nothing is close."""
    from rapidfuzz import fuzz, process

    spellings = _spellings(kind)
    close = process.extract(value.lower(), list(spellings), scorer=fuzz.WRatio, limit=3, score_cutoff=75)
    ids = list(dict.fromkeys(spellings[s] for s, _, _ in close))
    if not ids:
        return None
    return "did you mean " + " or ".join(f"{i} ({_labels(kind)[i][0]})" for i in ids) + "?"


@dataclass
class Param:
    name: str
    type: str
    required: bool = False
    repeatable: bool = False
    default: str | None = None
    help: str = ""

    def allowed(self) -> str:
        if self.type == "category":
            return "a category id such as " + ", ".join(sorted(load_categories())[:6]) + ", …"
        if self.type == "status":
            return ", ".join(STATUSES)
        if self.type == "kind":
            return ", ".join(KINDS)
        if self.type == "unit":
            return ", ".join(sorted(load_units()))
        if self.type == "year":
            return "a year such as 2023"
        if self.type == "period":
            return "YYYY, YYYY-H1, YYYY-H2 or YYYY-Q1…Q4"
        if self.type == "integer":
            return "a whole number"
        if self.type == "lang":
            return "zh, en"
        if self.type in ("township", "village"):
            return f"the name of a {self.type} in the store"
        return "any text"

    def term(self, value: str) -> ox.NamedNode | ox.Literal:
        """The RDF term for one value, or QueryError naming what is allowed.  A category,
        status, kind or unit is given by its id or by its label, Chinese or English
        (排涝排水, 已完成, 亩); a value close to one of them is answered with "did you mean".

        >>> Param("category", "category").term("排涝排水").value
        'https://w3id.org/govkg/def/category/drainage'
        >>> Param("category", "category").term("drainag")
        Traceback (most recent call last):
        ...
        govkg.errors.QueryError: --param category: 'drainag' is not a valid category (did you mean drainage (排涝排水)?)
        """
        v = value.strip()
        if self.type in LABELLED:
            spellings = _spellings(self.type)
            found = spellings.get(v) or spellings.get(v.lower())
            if found is None:
                raise QueryError(f"--param {self.name}", f"'{value}' is not a valid {self.type}",
                                 _did_you_mean(self.type, v) or f"allowed: {self.allowed()}")
            return ox.NamedNode(LABELLED[self.type] + found)
        bad = QueryError(f"--param {self.name}", f"'{value}' is not a valid {self.type}",
                         f"allowed: {self.allowed()}")
        if self.type == "year":
            if not re.fullmatch(r"(19|20)\d\d", v):
                raise bad
            return ox.Literal(v, datatype=ox.NamedNode(ns.XSD + "gYear"))
        if self.type == "period":
            if not re.fullmatch(r"(19|20)\d\d(-H[12]|-Q[1-4])?", v):
                raise bad
            return ox.Literal(v)
        if self.type == "integer":
            if not re.fullmatch(r"-?\d{1,18}", v):
                raise bad
            return ox.Literal(v, datatype=ox.NamedNode(ns.XSD + "integer"))
        if self.type == "lang":
            if v not in ("zh", "en"):
                raise bad
            return ox.Literal(v)
        return ox.Literal(value)


@dataclass
class StoredQuery:
    name: str
    path: str
    text: str
    summary: str = ""
    description: str = ""
    params: list[Param] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        allowed = ", ".join(p.name for p in self.params) or "none"
        raise QueryError(f"--param {name}", f"query '{self.name}' has no parameter '{name}'",
                         f"its parameters: {allowed}")

    def bind(self, values: dict[str, list[str]], resolve=None) -> str:
        """The query text with every parameter's VALUES block holding validated terms.

        ``resolve(param, value, bound)`` turns a township or village name into the IRIs of
        its resources (``bound``: the terms already bound to earlier parameters).
        """
        for name in values:
            self.param(name)
        text = self.text
        bound: dict[str, list] = {}
        for p in self.params:
            given = values.get(p.name) or ([p.default] if p.default not in (None, "", "-", "any") else [])
            if not given and p.required:
                raise QueryError(f"--param {p.name}", f"query '{self.name}' needs this parameter",
                                 f"allowed: {p.allowed()}")
            if len(given) > 1 and not p.repeatable:
                raise QueryError(f"--param {p.name}", "may be given only once")
            if p.type in ("township", "village") and resolve is not None:
                found = [t for v in given for t in resolve(p, v, bound)]
            else:
                found = [p.term(v) for v in given]
            bound[p.name] = found
            terms = [str(t) for t in found]
            block = re.compile(r"VALUES\s+\?" + re.escape(p.name) + r"\s*\{[^{}]*\}")
            if not block.search(text):
                raise QueryError(self.path, f"declares parameter '{p.name}' but has no "
                                            f"'VALUES ?{p.name} {{ }}' block to bind it")
            content = " ".join(terms) if terms else "UNDEF"
            text = block.sub(lambda m: f"VALUES ?{p.name} {{ {content} }}", text)
        return text


HEADER_KEY = re.compile(r"^#\+ (\w[\w-]*):\s*(.*)$")
HEADER_MORE = re.compile(r"^#\+\s{2,}(.*)$")


def _parse(path: Path) -> StoredQuery:
    text = path.read_text(encoding="utf-8")
    q = StoredQuery(path.stem, str(path), text)
    entries: list[list] = []          # [key, value, line number]
    for n, line in enumerate(text.splitlines(), 1):
        m, more = HEADER_KEY.match(line), HEADER_MORE.match(line)
        if m:
            entries.append([m.group(1), m.group(2).strip(), n])
        elif more and entries:
            entries[-1][1] += " " + more.group(1).strip()   # an indented continuation line
        elif line.strip() and not line.startswith("#"):
            break
    for key, value, n in entries:
        if key == "summary":
            q.summary = value
        elif key == "description":
            q.description = value
        elif key == "example":
            q.examples.append(value)
        elif key == "param":
            parts = [s.strip() for s in value.split("|")]
            if len(parts) != 5 or parts[1] not in TYPES:
                raise QueryError(f"{path}:{n}", "a param line is 'name | type | flags | default | help'",
                                 f"types: {', '.join(TYPES)}")
            flags = {f.strip() for f in parts[2].split(",")}
            q.params.append(Param(parts[0], parts[1], "required" in flags, "repeatable" in flags,
                                  None if parts[3] in ("-", "") else parts[3], parts[4]))
    return q


def list_queries() -> list[StoredQuery]:
    """Every stored query of ``queries/``, by name."""
    return [_parse(p) for p in sorted(folder("queries").glob("*.rq"))]


def load_query(name_or_path: str) -> StoredQuery:
    """A stored query by name, or a .rq file by path."""
    p = Path(name_or_path)
    if p.suffix == ".rq" and p.is_file():
        return _parse(p)
    cand = folder("queries") / f"{name_or_path}.rq"
    if cand.is_file():
        return _parse(cand)
    names = ", ".join(q.name for q in list_queries())
    raise QueryError(name_or_path, "no such stored query or .rq file", f"stored queries: {names}")


# --- results -------------------------------------------------------------------------------
