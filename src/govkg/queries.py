"""Stage 6, query: stored SPARQL queries with typed parameters.

A stored query is a ``.rq`` file in ``queries/`` headed by decorator lines (grlc style)::

    #+ summary: one line
    #+ description: what it answers
    #+ param: name | type | flags | default | help
    #+ example: govkg query NAME --param name=value

Parameter values are validated and turned into RDF terms (a category id into its concept
IRI, a year into an ``xsd:gYear`` literal, …) and bound through the query's own
``VALUES ?name { … }`` block, which is rewritten from those terms only: a value is never
pasted into the query text as a string.

>>> q = load_query("villages-with-all-categories")
>>> [p.name for p in q.params]
['category', 'status', 'period']
>>> bound = q.bind({"category": ["drainage"], "status": ["achieved"]})
>>> "VALUES ?category { <https://w3id.org/govkg/def/category/drainage> }" in bound
True
"""
from __future__ import annotations

import csv
import http.client
import io
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from . import namespaces as ns
from .guard import check_query
from .errors import QueryError, one_line
from .resources import folder
from .vocab import load_categories, load_units

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

@dataclass
class Rows:
    """Rows of a SELECT answer: ``columns`` and ``rows`` of python values (str/int/float)."""

    columns: list[str]
    terms: list[list[ox.NamedNode | ox.Literal | ox.BlankNode | None]]

    @property
    def rows(self) -> list[dict]:
        return [{c: _py(t) for c, t in zip(self.columns, r)} for r in self.terms]

    def __len__(self) -> int:
        return len(self.terms)

    def __iter__(self):
        return iter(self.rows)

    def to_dataframe(self):
        """The rows as a pandas DataFrame (pandas must be installed)."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)

    def to_csv(self, delimiter: str = ",") -> str:
        out = io.StringIO()
        w = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        w.writerow(self.columns)
        for r in self.rows:
            w.writerow(["" if r[c] is None else spreadsheet_safe(r[c]) for c in self.columns])
        return out.getvalue()

    def to_text(self) -> str:
        """The rows as a plain aligned text table (see :func:`plain_table`), newline-ended."""
        return plain_table(self.columns, self.rows) + "\n"

    def to_xlsx(self, target, sheet: str = "govkg") -> None:
        """Write the rows as an Excel workbook to ``target`` (a path or a binary file): one
        sheet, a bold header row frozen at the top, numbers as numbers."""
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(re.sub(r"[\\/*?:\[\]]", "-", sheet)[:31] or "govkg")
        ws.freeze_panes = "A2"
        rows = self.rows
        for i, c in enumerate(self.columns, 1):
            width = max([len(c)] + [len(cell_text(r[c])) for r in rows[:200]])
            ws.column_dimensions[get_column_letter(i)].width = min(80, 2 * width + 2)
        header = []
        for c in self.columns:
            cell = WriteOnlyCell(ws, value=c)
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        for r in rows:
            ws.append([_text_cell(ws, r[c]) for c in self.columns])
        wb.save(target)

    def to_json(self) -> str:
        """SPARQL 1.1 query results JSON."""
        bindings = []
        for r in self.terms:
            b = {}
            for c, t in zip(self.columns, r):
                if t is None:
                    continue
                if isinstance(t, ox.NamedNode):
                    b[c] = {"type": "uri", "value": t.value}
                elif isinstance(t, ox.BlankNode):
                    b[c] = {"type": "bnode", "value": t.value}
                else:
                    d = {"type": "literal", "value": t.value}
                    if t.language:
                        d["xml:lang"] = t.language
                    elif t.datatype and t.datatype.value != ns.XSD + "string":
                        d["datatype"] = t.datatype.value
                    b[c] = d
            bindings.append(b)
        return json.dumps({"head": {"vars": self.columns}, "results": {"bindings": bindings}},
                          ensure_ascii=False, indent=1)


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_safe(value):
    r"""A CSV cell a spreadsheet will not run: text starting with ``= + - @`` (or a tab or CR)
    gets a leading ``'``, as OWASP advises; numbers, negative ones included, stay numbers.

    >>> spreadsheet_safe('=HYPERLINK("http://x/","点")'), spreadsheet_safe("-12.5"), spreadsheet_safe(3)
    ('\'=HYPERLINK("http://x/","点")', '-12.5', 3)
    """
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _text_cell(ws, value):
    """An xlsx cell: text stays text (openpyxl would store ``=…`` as a formula, run on open)."""
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def cell_text(value) -> str:
    """A result value as table text: empty for unbound."""
    return "" if value is None else str(value)


def plain_table(columns: list[str], rows: list[dict]) -> str:
    """Rows as plain text: columns aligned by display width (a Chinese character is two
    columns wide), nothing cut, no box drawing; what a pipe or a file should receive.

    >>> print(plain_table(["村", "n"], [{"村": "后查巴灯", "n": 2}, {"村": "双宝", "n": 11}]))
    村        n
    后查巴灯  2
    双宝      11
    """
    from rich.cells import cell_len

    cells = [[one_line(cell_text(r[c]).replace("\n", " ")) for c in columns] for r in rows]
    widths = [max([cell_len(c)] + [cell_len(row[i]) for row in cells]) for i, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - cell_len(v)) for v, w in zip(values, widths)).rstrip()

    return "\n".join([line(list(columns))] + [line(row) for row in cells])


def _py(t):
    if t is None:
        return None
    if isinstance(t, ox.Literal):
        dt = t.datatype.value if t.datatype else ""
        if dt.endswith(("#integer", "#int", "#long")):
            return int(t.value)
        if dt.endswith(("#decimal", "#double", "#float")):
            f = float(t.value)
            return int(f) if f.is_integer() else f
        return t.value
    return t.value


class LocalBackend:
    """Runs SELECT queries on a GraphStore."""

    def __init__(self, store):
        self.store = store

    def select(self, text: str, where: str) -> tuple[list[str], list[list]]:
        try:
            result = self.store.query(text)
            if not isinstance(result, ox.QuerySolutions):
                raise QueryError(where, "is not a SELECT query")
            cols = [v.value for v in result.variables]
            return cols, [[s[c] for c in cols] for s in result]
        except SyntaxError as e:
            raise QueryError(where, f"is not valid SPARQL: {e}") from None
        except (OSError, RuntimeError) as e:
            from .store import storage_error

            damaged = storage_error(getattr(self.store, "path", None), e)
            if damaged is not None:
                raise damaged from None
            # what is left is a SERVICE the user allowed that failed: its first line, not the
            # page the remote end sent back
            first = str(e).split("\n", 1)[0].split(" with payload:", 1)[0]
            raise QueryError(where, f"the query failed: {first[:300]}",
                             "check the SERVICE endpoint the query calls") from None


class EndpointBackend:
    """Runs SELECT queries on a remote SPARQL endpoint through SPARQLWrapper.

    Credentials: ``user`` with the password from $GOVKG_PASSWORD, or a bearer token from
    $GOVKG_TOKEN; neither is ever printed.
    """

    def __init__(self, url: str, user: str | None = None, timeout: int = 60):
        import os

        from SPARQLWrapper import JSON

        from .push import split_userinfo

        # a user:password written into the URL is taken out of it: sent as credentials, never
        # part of a message (urllib would also read "user:pw@host" as a host and a bad port)
        url, url_user, url_password = split_userinfo(url)
        self.url = url
        self.sw = _Wrapper(url)
        self.sw.setReturnFormat(JSON)
        self.sw.setMethod("POST")
        self.sw.setTimeout(timeout)
        if user:
            self.sw.setCredentials(user, os.environ.get("GOVKG_PASSWORD", ""))
        elif url_user:
            self.sw.setCredentials(url_user, url_password or "")
        elif os.environ.get("GOVKG_TOKEN"):
            self.sw.addCustomHttpHeader("Authorization", f"Bearer {os.environ['GOVKG_TOKEN']}")

    def select(self, text: str, where: str) -> tuple[list[str], list[list]]:
        # SPARQLWrapper guesses the query type from the text, and a comment saying "added"
        # reads to it as an ADD update: comment lines are for people, so they stay here
        self.sw.setQuery("\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("#")))
        try:
            try:
                data = self.sw.queryAndConvert()
            except (http.client.RemoteDisconnected, ConnectionResetError):
                # closed before any answer (a busy server recycling a connection): a query
                # changes nothing, so it is asked once more
                data = self.sw.queryAndConvert()
        except Exception as e:  # SPARQLWrapper raises urllib and its own errors
            raise QueryError(self.url, f"the endpoint did not answer the query ({type(e).__name__}: {e})",
                             "check the URL and credentials") from None
        try:
            cols = data["head"]["vars"]
            return cols, [[_term_from_json(b.get(c)) for c in cols] for b in data["results"]["bindings"]]
        except (TypeError, KeyError, AttributeError, ValueError):
            raise QueryError(self.url, "the endpoint's answer is not SPARQL JSON results",
                             "is this URL the SPARQL query endpoint?") from None


def _wrapper_class():
    from SPARQLWrapper import SPARQLWrapper

    class Wrapper(SPARQLWrapper):
        """SPARQLWrapper sending through an opener of our own: urlopen's global one follows a
        redirect to any host with the Authorization header; ours only within the origin."""

        def _query(self):
            import urllib.request

            from .push import SameOriginRedirect

            opener = urllib.request.build_opener(SameOriginRedirect())
            return opener.open(self._createRequest(), timeout=self.timeout or None), self.returnFormat

    return Wrapper


def _Wrapper(url: str):  # noqa: N802 - a class, made on first use (SPARQLWrapper loads late)
    return _wrapper_class()(url)


def _term_from_json(b: dict | None):
    if b is None:
        return None
    if b["type"] == "uri":
        return ox.NamedNode(b["value"])
    if b["type"] == "bnode":
        return ox.BlankNode(b["value"])
    if "xml:lang" in b:
        return ox.Literal(b["value"], language=b["xml:lang"])
    if "datatype" in b:
        return ox.Literal(b["value"], datatype=ox.NamedNode(b["datatype"]))
    return ox.Literal(b["value"])


def _resolver(backend):
    """Township and village names become the IRIs of their resources."""

    def resolve(p: Param, value: str, bound: dict[str, list]) -> list[ox.NamedNode]:
        name = ox.Literal(value.strip())
        cls = "Township" if p.type == "township" else "Village"
        scope = ""
        if p.type == "village" and bound.get("township"):
            scope = "?x gw:inTownship ?t . VALUES ?t { " + " ".join(str(t) for t in bound["township"]) + " }"
        # GRAPH ?g: the same answer whether or not the store's default graph is the union
        q = (f"PREFIX gw: <{ns.GW}> SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ ?x a gw:{cls} ; gw:name {name} . {scope} }} }}"
             f" ORDER BY ?x")
        _, rows = backend.select(q, f"--param {p.name}")
        found = [r[0] for r in rows if isinstance(r[0], ox.NamedNode)]
        if not found:
            q = (f"PREFIX gw: <{ns.GW}> SELECT DISTINCT ?n WHERE {{ GRAPH ?g {{ ?x a gw:{cls} ; gw:name ?n }} }}"
                 f" ORDER BY ?n LIMIT 12")
            known = ", ".join(r[0].value for r in backend.select(q, f"--param {p.name}")[1] if r[0] is not None)
            raise QueryError(f"--param {p.name}", f"no {p.type} named '{value}' in the store",
                             f"known: {known or 'none'}")
        return found
    return resolve


def run(query: StoredQuery | str, store=None, params: dict[str, list[str]] | None = None,
        endpoint: str | None = None, user: str | None = None, allow_service: tuple[str, ...] = ()) -> Rows:
    """Run a stored query (or its name) with parameters over a GraphStore, or over a remote
    SPARQL endpoint when ``endpoint`` is given.  A federated ``SERVICE`` call is refused unless
    its IRI starts with an entry of ``allow_service`` (:func:`govkg.guard.check_query`)."""
    q = query if isinstance(query, StoredQuery) else load_query(query)
    check_query(q.text, q.path, allow_service)
    backend = EndpointBackend(endpoint, user) if endpoint else LocalBackend(store)
    text = q.bind(params or {}, resolve=_resolver(backend))
    check_query(text, q.path, allow_service)
    cols, terms = backend.select(text, q.path)
    return Rows(cols, _sorted_lists(text, cols, terms))


_LIST = re.compile(r'GROUP_CONCAT\s*\((?:[^()]|\([^()]*\))*?SEPARATOR\s*=\s*"((?:[^"\\]|\\.)*)"\s*\)\s*AS\s+\?(\w+)',
                   re.IGNORECASE)


def _sorted_lists(text: str, cols: list[str], terms: list[list]) -> list[list]:
    """Each GROUP_CONCAT column's items in sorted order, and an empty list an empty cell:
    SPARQL leaves the order to the store (and Oxigraph leaves a list of no item unbound where
    Virtuoso gives ""), and the same query should print the same answer whichever store gave it.

    >>> q = 'SELECT ?t (GROUP_CONCAT(DISTINCT ?v; SEPARATOR=", ") AS ?vs) WHERE {}'
    >>> _sorted_lists(q, ["t", "vs"], [[ox.Literal("x"), ox.Literal("甲, 乙")]])[0][1].value
    '乙, 甲'
    """
    lists = {cols.index(col): sep.replace('\\"', '"') for sep, col in _LIST.findall(text) if col in cols and sep}
    if not lists:
        return terms
    out = []
    for row in terms:
        row = list(row)
        for i, sep in lists.items():
            cell = row[i]
            if isinstance(cell, ox.Literal) and cell.value == "":
                row[i] = None       # an empty list: unbound in Oxigraph, "" in Virtuoso
            elif isinstance(cell, ox.Literal) and sep in cell.value:
                joined = sep.join(sorted(cell.value.split(sep)))
                row[i] = (ox.Literal(joined, language=cell.language) if cell.language
                          else ox.Literal(joined, datatype=cell.datatype))
        out.append(row)
    return out
