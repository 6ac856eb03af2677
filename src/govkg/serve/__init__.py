"""Stage 6, publish: a local, read-only SPARQL endpoint over a store, with a query page.

The SPARQL engine is the ``oxigraph`` server package (``oxigraph serve-read-only`` with the
union of the report graphs as default graph), started on a private loopback port.  In front
of it a small HTTP server adds what analysts need and keeps it read-only:

* ``/`` — a query page: Oxigraph's YASGUI editor, with the stored queries listed beside it;
  each opens in the editor with its parameters bound (``/?query=NAME&category=…&run=1``
  opens and runs one, so a link to an answer can be shared);
* ``/query`` (and ``/sparql``) — the SPARQL 1.1 query endpoint;
* ``/queries`` — the stored queries as JSON; ``/queries/NAME.rq?param=value…`` — one query's
  text with its parameters bound as RDF terms (the same binding as ``govkg query``);
* ``/.well-known/void`` — the dataset's VoID + DCAT description, naming this endpoint.

SPARQL updates, Graph Store writes and every method but GET, HEAD and POST-for-queries get
HTTP 403, and so does a federated ``SERVICE`` call (unless the user allows its target).
The front binds to 127.0.0.1 unless told otherwise and answers only its own ``Host`` names;
:mod:`govkg.serve.front` says what else it refuses and how answers stream, and
:mod:`govkg.serve.engine` how the engine is kept bounded.  When the engine stops (a query
past its memory limit, a crash) the front says why and starts it again; when the store
changes on disk (a build) it reopens it, so it never serves a stale snapshot.
"""
from __future__ import annotations

import http.client
import json
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox

from .. import namespaces as ns
from ..errors import ServeError
from .engine import Engine, oxigraph_executable
from .front import READ_ONLY, allowed_hosts, handler

__all__ = ["Endpoint", "READ_ONLY", "example_params", "oxigraph_executable"]

GiB = 1 << 30
MiB = 1 << 20
RESTARTS_PER_MINUTE = 3


def example_params(example: str) -> dict[str, list[str]]:
    """The parameters of a ``govkg query NAME --param k=v …`` example line.

    >>> example_params("govkg query x --param category=drainage --param category=dike")
    {'category': ['drainage', 'dike']}
    """
    out: dict[str, list[str]] = {}
    words = example.split()
    for flag, value in zip(words, words[1:]):
        if flag == "--param" and "=" in value:
            k, v = value.split("=", 1)
            out.setdefault(k, []).append(v)
    return out


class Endpoint:
    """The endpoint over one store: ``start()`` returns its URL, ``wait()`` blocks until it
    ends (returning why, if it failed), ``stop()`` ends it.

    ``memory_bytes`` caps the engine's address space, ``max_body`` a request's body and
    ``max_answer`` one answer's bytes; ``hosts`` are further ``Host`` names to answer and
    ``allow_service`` IRI prefixes a ``SERVICE`` may call.  ``on_event`` is called with a line
    for each thing an operator should know (an engine restart, a cut-off answer)."""

    def __init__(self, store_path: str | Path, host: str = "127.0.0.1", port: int = 7878,
                 timeout_s: int = 60, memory_bytes: int | None = 4 * GiB, max_body: int = 1 * MiB,
                 max_answer: int = 512 * MiB, hosts: tuple[str, ...] = (),
                 allow_service: tuple[str, ...] = (), on_event: Callable[[str], None] | None = None,
                 config=None):
        self.store_path = Path(store_path)
        self.config = config
        self.host, self.port, self.timeout_s = host, port, timeout_s
        self.max_body, self.max_answer = max_body, max_answer
        self.extra_hosts, self.allow_service = tuple(hosts), tuple(allow_service)
        self.on_event = on_event
        self.events: list[str] = []
        self.failure: str | None = None
        self.hosts: set[str] = set()
        self._engine = Engine(self.store_path, timeout_s, memory_bytes)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._http: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._monitor: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.display_host}/"

    @property
    def display_host(self) -> str:
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"{host}:{self.port}"

    @property
    def engine_pid(self) -> int | None:
        return self._engine.proc.pid if self._engine.proc is not None else None

    def start(self) -> str:
        if not self.store_path.is_dir():
            raise ServeError(str(self.store_path), "no store here", "run `govkg build` first")
        self._describe_store()
        self._engine.start()
        try:
            self._http = ThreadingHTTPServer((self.host, self.port), handler(self))
        except OSError as e:
            self._engine.stop()
            raise ServeError(f"{self.host}:{self.port}", f"cannot listen there ({e.strerror or e})",
                             "choose another --port") from None
        self._http.daemon_threads = True
        self.port = self._http.server_address[1]
        self.hosts = allowed_hosts(self.host, self.port, self.extra_hosts)
        self._thread = threading.Thread(target=self._http.serve_forever, name="govkg-serve", daemon=True)
        self._thread.start()
        self._monitor = threading.Thread(target=self._watch, name="govkg-serve-watch", daemon=True)
        self._monitor.start()
        return self.url

    def _describe_store(self) -> None:
        """A build killed part way leaves the dataset description missing or out of date:
        rewrite it before serving (the only write serve makes, and only then)."""
        from ..errors import StoreError
        from ..publish import description_is_current, ensure_description
        from ..store import GraphStore

        try:
            with GraphStore(self.store_path, read_only=True) as st:
                if description_is_current(st):
                    return
            with GraphStore(self.store_path, create=False) as st:
                if ensure_description(st, self.config):
                    self.note("the dataset description was missing or out of date: written anew")
        except StoreError as e:
            self.note(f"the dataset description is missing or out of date, and cannot be written now ({e.problem})")

    def note(self, line: str) -> None:
        self.events.append(line)
        if self.on_event is not None:
            self.on_event(line)

    def _store_state(self) -> tuple:
        try:
            return tuple(sorted((p.name, st.st_size, st.st_mtime_ns) for p in self.store_path.iterdir()
                                if p.name != "LOCK" and (st := p.stat())))
        except OSError:
            return ()

    def _watch(self) -> None:
        restarts: list[float] = []
        seen, changed_at = self._store_state(), None
        while not self._stopping.wait(0.5):
            now = time.monotonic()
            state = self._store_state()
            if state != seen:
                seen, changed_at = state, now
            reopen = changed_at is not None and now - changed_at >= 1.5   # the writer is done
            if self._engine.alive() and not reopen:
                continue
            with self._lock:
                if self._stopping.is_set():
                    return
                if reopen:
                    changed_at = None
                    self.note("the store changed on disk; reopening it")
                else:
                    restarts = [t for t in restarts if now - t < 60] + [now]
                    why = self._engine.reason()
                    if len(restarts) > RESTARTS_PER_MINUTE:
                        self._fail(f"the SPARQL engine stopped {len(restarts)} times in a minute ({why})")
                        return
                    self.note(f"the SPARQL engine stopped ({why}); starting it again")
                self._engine.stop()
                try:
                    self._engine.start()
                except ServeError:
                    # an engine that dies while starting is one more death: the next round
                    # counts it and starts it again, or gives up with the reason
                    continue

    def _fail(self, why: str) -> None:
        self.failure = why
        self.note(why)
        self._stopping.set()

    def wait(self) -> str | None:
        """Block until the endpoint ends; the reason if it could not go on, else None."""
        while not self._stopping.wait(0.2):
            pass
        return self.failure

    def stop(self) -> None:
        self._stopping.set()
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None
        if self._monitor is not None and self._monitor is not threading.current_thread():
            self._monitor.join(timeout=15)
        with self._lock:
            self._engine.stop()

    def __enter__(self) -> "Endpoint":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- what the front asks the engine ---------------------------------------------------

    def open(self, method: str, path: str, body: bytes | None, headers: dict[str, str]
             ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        """A request to the engine, its answer not yet read (the caller closes ``conn``)."""
        conn = http.client.HTTPConnection("127.0.0.1", self._engine.port, timeout=self.timeout_s + 5)
        try:
            conn.request(method, path, body=body, headers=headers)
            return conn, conn.getresponse()
        except BaseException:
            conn.close()
            raise

    def failed_answer(self, tail: bytes) -> bool:
        """Whether an answer that ends with ``tail`` ends with the engine's error message (a
        time-out, an evaluation error) instead of its last row; such an answer is cut off."""
        end = tail.rstrip(b"\r\n")
        if any(m and end.endswith(m.encode("utf-8")) for m in list(self._engine.stream_errors)):
            last = end.decode("utf-8", "replace").splitlines()[-1][:120]
            self.note(f"a query's answer failed part way (the engine said: {last}); it was cut off")
            return True
        return False

    def engine_state(self, error: Exception) -> str:
        """What to tell a client whose request the engine dropped: why, when it stopped."""
        proc = self._engine.proc
        if proc is not None:
            try:
                # the kernel closes a dying process's sockets a moment before it can be reaped
                proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                return str(error)
        return f"it stopped: {self._engine.reason()}; it is being started again"

    def engine(self, method: str, path: str, body: bytes | None = None,
               headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
        conn, resp = self.open(method, path, body, headers or {})
        try:
            return resp.status, resp.getheader("Content-Type", "application/octet-stream"), resp.read()
        finally:
            conn.close()

    def select(self, text: str, where: str) -> tuple[list[str], list[list]]:
        """SELECT through the engine (the backend :mod:`govkg.queries` resolves names with)."""
        from ..queries import _term_from_json

        status, _, data = self.engine("POST", "/query", urllib.parse.urlencode({"query": text}).encode(),
                                      {"Content-Type": "application/x-www-form-urlencoded",
                                       "Accept": "application/sparql-results+json"})
        if status != 200:
            raise ServeError(where, data.decode("utf-8", "replace")[:300])
        res = json.loads(data)
        cols = res["head"]["vars"]
        return cols, [[_term_from_json(b.get(c)) for c in cols] for b in res["results"]["bindings"]]

    def description(self) -> bytes:
        from ..publish import endpoint_triples, turtle

        q = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ns.DESCRIPTION_GRAPH}> {{ ?s ?p ?o }} }}"
        status, _, data = self.engine("POST", "/query", urllib.parse.urlencode({"query": q}).encode(),
                                      {"Content-Type": "application/x-www-form-urlencoded",
                                       "Accept": "application/n-triples"})
        triples = [t.triple if isinstance(t, ox.Quad) else t
                   for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)] if status == 200 else []
        ds = next((t.subject for t in triples if t.predicate.value == ns.GW + "namedGraphCount"), None)
        if ds is not None:
            triples += endpoint_triples(ds, self.url + "query")
        return turtle(sorted(set(triples), key=str)).encode("utf-8")
