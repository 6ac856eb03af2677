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

import re

import pyoxigraph as ox

from ..errors import QueryError
from ..guard import check_query
from .backends import EndpointBackend, LocalBackend, _resolver, _term_from_json, _Wrapper
from .results import Rows, _sorted_lists, cell_text, plain_table, spreadsheet_safe
from .stored import KINDS, LABELLED, STATUSES, TYPES, Param, StoredQuery, list_queries, load_query

__all__ = ["EndpointBackend", "KINDS", "LABELLED", "LocalBackend", "Param", "Rows", "STATUSES", "StoredQuery",
           "TYPES", "cell_text", "list_queries", "load_query", "plain_table", "run", "spreadsheet_safe",
           "_Wrapper", "_resolver", "_term_from_json"]


def run(query: StoredQuery | str, store=None, params: dict[str, list[str]] | None = None,
        endpoint: str | None = None, user: str | None = None, allow_service: tuple[str, ...] = (),
        limit: int | None = None, offset: int = 0) -> Rows:
    """Run a stored query (or its name) with parameters over a GraphStore, or over a remote
    SPARQL endpoint when ``endpoint`` is given.  A federated ``SERVICE`` call is refused unless
    its IRI starts with an entry of ``allow_service`` (:func:`govkg.guard.check_query`).

    ``limit``/``offset`` give one page of the answer: the rows the whole answer holds from
    ``offset`` on, at most ``limit`` of them.  A query that pages by township (``#+ page:``)
    is asked for a few townships at a time, in the answer's order, until the page is full,
    so that a first page costs what those townships cost, not the whole corpus."""
    q = query if isinstance(query, StoredQuery) else load_query(query)
    check_query(q.text, q.path, allow_service)
    if limit is not None and limit < 0 or offset < 0:
        raise QueryError("--limit/--offset", "must be 0 or more")
    backend = EndpointBackend(endpoint, user) if endpoint else LocalBackend(store)
    text = q.bind(params or {}, resolve=_resolver(backend))
    check_query(text, q.path, allow_service)
    if limit is None and not offset:
        cols, terms = backend.select(text, q.path)
    elif q.page:
        cols, terms = _paged(backend, text, q, limit, offset)
    else:
        cols, terms = backend.select(_with_limit(text, q.path, limit, offset), q.path)
    return Rows(cols, _sorted_lists(text, cols, terms))


def _with_limit(text: str, where: str, limit: int | None, offset: int) -> str:
    """The query with LIMIT/OFFSET after its ORDER BY (a query that sets its own is refused)."""
    body = re.sub(r"#[^\n]*", "", text)
    if re.search(r"\b(?:LIMIT|OFFSET)\s+\d+\s*$", body.strip(), re.IGNORECASE):
        raise QueryError(where, "sets its own LIMIT or OFFSET", "drop --limit/--offset, or the query's own")
    return text.rstrip() + (f"\nLIMIT {limit}" if limit is not None else "") + (f"\nOFFSET {offset}" if offset else "")


PAGE_TOWNSHIPS = """PREFIX gw: <https://w3id.org/govkg/def#>
SELECT DISTINCT ?name WHERE { GRAPH ?g { ?t a gw:Township ; gw:name ?name } } ORDER BY ?name"""


def _paged(backend, text: str, q: StoredQuery, limit: int | None, offset: int):
    """One page of a query ordered by township: the townships in the answer's order, asked a
    few at a time (4, then twice as many each time, at most 256) until the page is full."""
    block = re.compile(r"VALUES\s+\?" + re.escape(q.page) + r"\s*\{\s*UNDEF\s*\}")
    _, names = backend.select(PAGE_TOWNSHIPS, q.path)
    names = [r[0] for r in names if r[0] is not None]
    cols, out, skip, i, size = None, [], offset, 0, 4
    while i < len(names) and (limit is None or len(out) < limit):
        batch = " ".join(str(ox.Literal(n.value)) for n in names[i:i + size])
        i, size = i + size, min(size * 2, 256)
        cols, terms = backend.select(block.sub(f"VALUES ?{q.page} {{ {batch} }}", text), q.path)
        for row in terms:
            if skip:
                skip -= 1
            elif limit is None or len(out) < limit:
                out.append(row)
    if cols is None:        # no township in the store: the columns of an empty answer
        cols, _ = backend.select(_with_limit(text, q.path, 0, 0), q.path)
    return cols, out
