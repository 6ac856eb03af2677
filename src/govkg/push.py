"""Stage 6, publish: push the store's graphs to another agency's triple store.

Each named graph (every report, the ontology, the categories and the description) is sent
whole, so pushing twice changes nothing remotely:

* SPARQL 1.1 Graph Store Protocol: ``PUT <graph-store>?graph=<g>`` with the graph as Turtle.
  Not every server replaces atomically: Oxigraph's server clears the graph and then loads the
  body in a second step, so a body that fails half-way leaves the graph empty.
* ``atomic``: the graph goes by PUT into a staging graph, then one SPARQL Update
  ``MOVE <staging> TO <g>`` swaps it in; the update endpoint runs that as one transaction.
* SPARQL 1.1 Update only (stores without the Graph Store Protocol):
  ``DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { … } }`` in one request per graph.

A journal beside the store (``<store>-push.json``) records, per target, the hash of each
graph pushed.  A rerun sends only the graphs that changed or did not get through, and drops
the remote copies of graphs removed locally; ``everything=True`` sends all again.
Transient failures (connection refused or reset, time-outs, HTTP 408/429/5xx) are retried
with exponential back-off.  Credentials never appear in messages.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from . import namespaces as ns
from .config import DatasetConfig
from .errors import PushError
from .publish import graph_quads
from .store import GraphStore

TRANSIENT_HTTP = {408, 425, 429, 500, 502, 503, 504}
STAGING = "https://w3id.org/govkg/graph/staging/"


@dataclass(frozen=True)
class Target:
    """Where to push: a Graph Store Protocol URL and/or a SPARQL Update endpoint."""

    graph_store: str | None = None
    update_endpoint: str | None = None
    atomic: bool = False
    # a user:password written into a URL, taken out of it (requests go to the bare URL)
    url_user: str | None = field(default=None, compare=False)
    url_password: str | None = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        for name in ("graph_store", "update_endpoint"):
            url = getattr(self, name)
            if url:
                bare, user, password = split_userinfo(url)
                object.__setattr__(self, name, bare)
                if user and not self.url_user:
                    object.__setattr__(self, "url_user", user)
                    object.__setattr__(self, "url_password", password)
        if not (self.graph_store or self.update_endpoint):
            raise PushError(None, "nothing to push to", "give --graph-store URL or --update-endpoint URL")
        if self.atomic and not (self.graph_store and self.update_endpoint):
            raise PushError("--atomic", "needs both --graph-store and --update-endpoint",
                            "the graph is PUT into a staging graph, then swapped in with MOVE")
        for url in (self.graph_store, self.update_endpoint):
            if url and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
                raise PushError(redact(url), "is not an http(s) URL")

    @property
    def key(self) -> str:
        """How the journal names this target (no credentials)."""
        return " ".join(redact(u) for u in (self.graph_store, self.update_endpoint) if u) + \
            (" atomic" if self.atomic else "")


@dataclass(frozen=True)
class Credentials:
    """A user and password (basic or digest, as the server asks), or a bearer token."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, user: str | None) -> "Credentials":
        """``user`` with $GOVKG_PASSWORD, else a bearer token from $GOVKG_TOKEN."""
        if user:
            return cls(user, os.environ.get("GOVKG_PASSWORD"))
        return cls(token=os.environ.get("GOVKG_TOKEN") or None)


_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/]*)@")


def split_userinfo(url: str) -> tuple[str, str | None, str | None]:
    """A URL without the user:password written into it, and that user and password.  The
    userinfo runs to the last ``@`` before the path, so a password holding ``#`` or ``?``
    (which a URL parser takes for a fragment or a query) is still found.

    >>> split_userinfo("http://alice:p#w@host/store")
    ('http://host/store', 'alice', 'p#w')
    """
    m = _USERINFO.match(url)
    if not m:
        return url, None, None
    user, _, password = m.group(2).partition(":")
    return m.group(1) + url[m.end():], urllib.parse.unquote(user) or None, \
        (urllib.parse.unquote(password) if _ else None)


def redact(url: str) -> str:
    """A URL without any user:password written into it.

    >>> redact("http://dba:secret@127.0.0.1:8890/sparql-graph-crud-auth")
    'http://127.0.0.1:8890/sparql-graph-crud-auth'
    """
    return split_userinfo(url)[0]


@dataclass
class Step:
    """One request of a push, for --dry-run and for the summary."""

    graph: str
    action: str            # put | put+move | update | drop | unchanged
    triples: int = 0
    bytes: int = 0


@dataclass
class PushResult:
    pushed: list[Step] = field(default_factory=list)
    unchanged: list[Step] = field(default_factory=list)
    dropped: list[Step] = field(default_factory=list)


# the longest wait between two tries: back-off doubles up to here (20 retries stay minutes, not days)
MAX_BACKOFF_S = 30.0


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A write is never followed to another place: urllib would resend it as a GET (which the
    new place answers 200, so a failed push looked done) and carry the credentials along."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port of a URL: where credentials may go.

    >>> origin("http://127.0.0.1:7878/query") == origin("HTTP://127.0.0.1:7878/other")
    True
    >>> origin("https://a.example/") == origin("https://a.example:8443/")
    False
    """
    u = urllib.parse.urlsplit(url)
    default = {"http": 80, "https": 443}.get(u.scheme.lower())
    return u.scheme.lower(), (u.hostname or "").lower(), u.port or default


class SameOriginRedirect(urllib.request.HTTPRedirectHandler):
    """A read may be redirected within the origin it was sent to; a redirect to another origin
    is refused (an :class:`urllib.error.HTTPError` naming the new place), since urllib would
    carry the request's Authorization header there."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = urllib.parse.urljoin(req.full_url, newurl)
        if origin(target) != origin(req.full_url):
            raise urllib.error.HTTPError(req.full_url, code, f"redirected to another origin, {redact(target)}; "
                                         f"govkg sends credentials only where it was told to", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Client:
    """HTTP with credentials, retries and back-off (urllib: no extra dependency)."""

    def __init__(self, creds: Credentials, urls: list[str], retries: int, backoff: float, timeout: float):
        handlers: list = []
        if creds.user:
            # the server's challenge picks the scheme: Virtuoso asks for digest, others basic
            mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            mgr.add_password(None, [redact(u) for u in urls], creds.user, creds.password or "")
            handlers += [urllib.request.HTTPDigestAuthHandler(mgr), urllib.request.HTTPBasicAuthHandler(mgr)]
        self.opener = urllib.request.build_opener(_NoRedirect(), *handlers)
        self.token = creds.token
        self.retries, self.backoff, self.timeout = retries, backoff, timeout

    def send(self, method: str, url: str, body: bytes | None = None, content_type: str | None = None,
             ok_missing: bool = False) -> None:
        where = redact(url)
        for attempt in range(self.retries + 1):
            req = urllib.request.Request(url, data=body, method=method)
            if content_type:
                req.add_header("Content-Type", content_type)
            if self.token:
                req.add_header("Authorization", f"Bearer {self.token}")
            try:
                with self.opener.open(req, timeout=self.timeout) as resp:
                    resp.read()
                return
            except urllib.error.HTTPError as e:
                detail = e.read(300).decode("utf-8", "replace").strip().replace("\n", " ")
                if ok_missing and e.code == 404:
                    return
                if 300 <= e.code < 400:
                    moved = redact(e.headers.get("Location") or "(no Location)")
                    raise PushError(where, f"the server redirected the request (HTTP {e.code}) to {moved}; "
                                           "govkg follows no redirect on a write",
                                    "push to the URL the server names, if it is the store you mean") from None
                if e.code in (401, 403):
                    raise PushError(where, f"the server refused the credentials (HTTP {e.code})",
                                    "check --user and $GOVKG_PASSWORD, or $GOVKG_TOKEN") from None
                if e.code not in TRANSIENT_HTTP or attempt == self.retries:
                    raise PushError(where, f"HTTP {e.code} {e.reason}" + (f": {detail}" if detail else "")) from None
            except (urllib.error.URLError, OSError) as e:
                reason = getattr(e, "reason", e)
                if attempt == self.retries:
                    raise PushError(where, f"cannot reach the server ({reason})",
                                    "is it running? rerun the same command to push the rest") from None
            time.sleep(min(self.backoff * (2 ** attempt), MAX_BACKOFF_S))


def _update_body(update: str) -> bytes:
    return urllib.parse.urlencode({"update": update}).encode("utf-8")


FORM = "application/x-www-form-urlencoded"
TURTLE = "text/turtle; charset=utf-8"


def _journal_path(store_path: Path) -> Path:
    return store_path.parent / f"{store_path.name}-push.json"


def _load_journal(path: Path) -> dict:
    """The push journal: target key → {graph: digest}.  One that cannot be read or has another
    shape (hand-edited, truncated) only means: push everything again."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: {g: d for g, d in v.items() if isinstance(g, str) and isinstance(d, str)}
            for k, v in data.items() if isinstance(v, dict)}


def _save_journal(path: Path, journal: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(journal, ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def push(store_path: str | Path, target: Target, creds: Credentials = Credentials(), *,
         everything: bool = False, dry_run: bool = False, retries: int = 3, backoff: float = 0.5,
         timeout: float = 120, progress: Callable[[int, int, str], None] | None = None,
         config: DatasetConfig | None = None) -> PushResult:
    """Push every named graph of the store to ``target``; see the module's docstring.

    On failure raises :class:`PushError` whose ``pushed`` and ``not_pushed`` list the graphs
    that did and did not get through; rerunning the same push sends the rest.
    """
    store_path = Path(store_path)
    journal_file = _journal_path(store_path)
    journal = _load_journal(journal_file)
    sent: dict[str, str] = dict(journal.get(target.key, {}))
    if target.url_user and not creds.user:
        creds = Credentials(target.url_user, target.url_password, creds.token)
    client = _Client(creds, [u for u in (target.graph_store, target.update_endpoint) if u],
                     retries, backoff, timeout)
    result = PushResult()
    with GraphStore(store_path, read_only=True) as store:
        # the description always goes, and as it should be: a build killed part way leaves
        # it missing or out of date in the store
        graphs = sorted(set(store.named_graphs()) | {ns.DESCRIPTION_GRAPH})
        gone = sorted(set(sent) - set(graphs))
        todo = graphs + gone
        done: list[str] = []
        try:
            for n, g in enumerate(todo, 1):
                if g in gone:
                    step = Step(g, "drop")
                    if not dry_run:
                        _drop(client, target, g)
                        sent.pop(g, None)
                    result.dropped.append(step)
                else:
                    triples = [q.triple for q in graph_quads(store, g, config)]
                    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
                    digest = hashlib.sha256(body).hexdigest()
                    if sent.get(g) == digest and not everything:
                        result.unchanged.append(Step(g, "unchanged", len(triples), len(body)))
                    else:
                        step = Step(g, "put+move" if target.atomic else "put" if target.graph_store else "update",
                                    len(triples), len(body))
                        if not dry_run:
                            # known before it is sent: a push that fails after staging it still
                            # leaves it in the journal, so a later run drops it (and its staging
                            # graph) if the report is gone by then
                            sent.setdefault(g, "")
                            _put(client, target, g, body)
                            sent[g] = digest
                        result.pushed.append(step)
                done.append(g)
                if progress:
                    progress(n, len(todo), g)
                if not dry_run and n % 200 == 0:
                    _save_journal(journal_file, {**journal, target.key: sent})
        except PushError as e:
            e.pushed = [s.graph for s in result.pushed + result.dropped]
            e.not_pushed = [g for g in todo if g not in done]
            raise
        finally:
            if not dry_run:
                _save_journal(journal_file, {**journal, target.key: sent})
    return result


def _put(client: _Client, target: Target, graph: str, body: bytes) -> None:
    if target.graph_store and not target.atomic:
        client.send("PUT", _gsp_url(target.graph_store, graph), body, TURTLE)
    elif target.atomic:
        staging = _staging(graph)
        client.send("PUT", _gsp_url(target.graph_store, staging), body, TURTLE)
        client.send("POST", target.update_endpoint, _update_body(f"MOVE <{staging}> TO <{graph}>"), FORM)
    else:
        data = body.decode("utf-8")
        client.send("POST", target.update_endpoint,
                    _update_body(f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{data}}} }}"),
                    FORM)


def _staging(graph: str) -> str:
    return STAGING + hashlib.sha256(graph.encode()).hexdigest()[:24]


def _drop(client: _Client, target: Target, graph: str) -> None:
    if target.atomic:
        client.send("POST", target.update_endpoint, _update_body(
            f"DROP SILENT GRAPH <{graph}> ;\nDROP SILENT GRAPH <{_staging(graph)}>"), FORM)
    elif target.update_endpoint:
        client.send("POST", target.update_endpoint, _update_body(f"DROP SILENT GRAPH <{graph}>"), FORM)
    else:
        client.send("DELETE", _gsp_url(target.graph_store, graph), ok_missing=True)


def _gsp_url(base: str, graph: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}{urllib.parse.urlencode({'graph': graph})}"


def remote_quad_count(endpoint: str, creds: Credentials = Credentials(), prefix: str = "https://w3id.org/govkg/"
                      ) -> int:
    """How many quads a SPARQL endpoint holds in graphs whose IRI starts with ``prefix``
    (Virtuoso keeps system graphs of its own beside ours)."""
    q = (f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
         f"FILTER(STRSTARTS(STR(?g), \"{prefix}\")) }}")
    req = urllib.request.Request(endpoint, data=urllib.parse.urlencode({"query": q}).encode(),
                                 headers={"Accept": "application/sparql-results+json", "Content-Type": FORM})
    if creds.token:
        req.add_header("Authorization", f"Bearer {creds.token}")
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            data = json.loads(resp.read().decode("utf-8"))
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise PushError(redact(endpoint), f"cannot count the remote quads ({e})") from None
    return int(data["results"]["bindings"][0]["n"]["value"])


__all__ = ["Target", "Credentials", "PushResult", "Step", "push", "redact", "remote_quad_count"]
