"""Where a query runs: the embedded store, or a remote SPARQL endpoint."""
from __future__ import annotations

import http.client

import pyoxigraph as ox

from .. import namespaces as ns
from ..errors import QueryError
from .stored import Param


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
            from ..store import storage_error

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

        from ..push import split_userinfo

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

            from ..push import SameOriginRedirect

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
