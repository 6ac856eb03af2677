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

    ``limit``/``offset`` give one page of the answer (SPARQL LIMIT/OFFSET after its ORDER BY):
    the rows the whole answer holds from ``offset`` on, at most ``limit`` of them.  A sorted
    answer is computed whole before its first page, so a page costs about what the answer
    costs (BENCHMARKS.md)."""
    q = query if isinstance(query, StoredQuery) else load_query(query)
    check_query(q.text, q.path, allow_service)
    if limit is not None and limit < 0 or offset < 0:
        raise QueryError("--limit/--offset", "must be 0 or more")
    backend = EndpointBackend(endpoint, user) if endpoint else LocalBackend(store)
    text = q.bind(params or {}, resolve=_resolver(backend))
    check_query(text, q.path, allow_service)
    if limit is not None or offset:
        text = _with_limit(text, q.path, limit, offset)
    cols, terms = backend.select(text, q.path)
    return Rows(cols, _sorted_lists(text, cols, terms))


def _with_limit(text: str, where: str, limit: int | None, offset: int) -> str:
    """The query with LIMIT/OFFSET after its ORDER BY (a query that sets its own is refused)."""
    body = re.sub(r"#[^\n]*", "", text)
    if re.search(r"\b(?:LIMIT|OFFSET)\s+\d+\s*$", body.strip(), re.IGNORECASE):
        raise QueryError(where, "sets its own LIMIT or OFFSET", "drop --limit/--offset, or the query's own")
    return text.rstrip() + (f"\nLIMIT {limit}" if limit is not None else "") + (f"\nOFFSET {offset}" if offset else "")
