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
HTTP 403.  The front binds to 127.0.0.1 unless told otherwise.
"""
from __future__ import annotations

import http.client
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from . import namespaces as ns
from .errors import GovkgError, ServeError

READ_ONLY = "govkg serve is read-only: SPARQL updates and graph writes are refused"
PASSED_THROUGH = {"/yasgui.min.js", "/yasgui.min.css", "/logo.svg"}


def oxigraph_executable() -> str:
    """The ``oxigraph`` server installed beside this Python (the PyPI package), else on PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if not found:
        raise ServeError("oxigraph", "the Oxigraph server is not installed", "pip install oxigraph")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _example_params(example: str) -> dict[str, list[str]]:
    """The parameters of a ``govkg query NAME --param k=v …`` example line.

    >>> _example_params("govkg query x --param category=drainage --param category=dike")
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
    """The endpoint over one store: ``start()`` returns its URL, ``stop()`` ends it."""

    def __init__(self, store_path: str | Path, host: str = "127.0.0.1", port: int = 7878,
                 timeout_s: int = 60):
        self.store_path = Path(store_path)
        self.host, self.port, self.timeout_s = host, port, timeout_s
        self._engine: subprocess.Popen | None = None
        self._engine_port = 0
        self._http: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self.port}/"

    def start(self) -> str:
        if not self.store_path.is_dir():
            raise ServeError(str(self.store_path), "no store here", "run `govkg build` first")
        self._engine_port = _free_port()
        self._engine = subprocess.Popen(
            [oxigraph_executable(), "serve-read-only", "--location", str(self.store_path),
             "--bind", f"127.0.0.1:{self._engine_port}", "--union-default-graph",
             "--timeout-s", str(self.timeout_s)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while True:
            if self._engine.poll() is not None:
                err = self._engine.stderr.read().decode("utf-8", "replace").strip().splitlines()
                raise ServeError(str(self.store_path), "the Oxigraph server did not start"
                                 + (f" ({err[-1]})" if err else ""))
            try:
                socket.create_connection(("127.0.0.1", self._engine_port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise ServeError(str(self.store_path), "the Oxigraph server did not answer in 20 s") from None
                time.sleep(0.05)
        try:
            self._http = ThreadingHTTPServer((self.host, self.port), _handler(self))
        except OSError as e:
            self.stop()
            raise ServeError(f"{self.host}:{self.port}", f"cannot listen there ({e.strerror or e})",
                             "choose another --port") from None
        self._http.daemon_threads = True
        self.port = self._http.server_address[1]
        self._thread = threading.Thread(target=self._http.serve_forever, name="govkg-serve", daemon=True)
        self._thread.start()
        return self.url

    def wait(self) -> None:
        """Block until the engine ends (or the front is stopped)."""
        while self._engine is not None and self._engine.poll() is None and self._http is not None:
            time.sleep(0.2)

    def stop(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None
        if self._engine is not None:
            self._engine.terminate()
            try:
                self._engine.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._engine.kill()
            self._engine.stderr.close()
            self._engine = None

    def __enter__(self) -> "Endpoint":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- what the front asks the engine ---------------------------------------------------

    def engine(self, method: str, path: str, body: bytes | None = None,
               headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self._engine_port, timeout=self.timeout_s + 5)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.getheader("Content-Type", "application/octet-stream"), resp.read()
        finally:
            conn.close()

    def select(self, text: str, where: str) -> tuple[list[str], list[list]]:
        """SELECT through the engine (the backend :mod:`govkg.queries` resolves names with)."""
        from .queries import _term_from_json

        status, _, data = self.engine("POST", "/query", urllib.parse.urlencode({"query": text}).encode(),
                                      {"Content-Type": "application/x-www-form-urlencoded",
                                       "Accept": "application/sparql-results+json"})
        if status != 200:
            raise ServeError(where, data.decode("utf-8", "replace")[:300])
        res = json.loads(data)
        cols = res["head"]["vars"]
        return cols, [[_term_from_json(b.get(c)) for c in cols] for b in res["results"]["bindings"]]

    def description(self) -> bytes:
        from .publish import endpoint_triples, turtle

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


def _is_update(method: str, content_type: str, body: bytes, query: str) -> bool:
    if "update" in urllib.parse.parse_qs(query):
        return True
    if method == "POST":
        if content_type.startswith("application/sparql-update"):
            return True
        if content_type.startswith("application/x-www-form-urlencoded"):
            return "update" in urllib.parse.parse_qs(body.decode("utf-8", "replace"))
    return False


def _handler(endpoint: Endpoint):
    class Handler(BaseHTTPRequestHandler):
        server_version = "govkg-serve"

        def log_message(self, *args):      # a library does not write to stderr on its own
            pass

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _refuse(self) -> None:
            self._send(403, "text/plain; charset=utf-8", READ_ONLY.encode("utf-8"))

        def _forward(self, body: bytes | None) -> None:
            headers = {k: v for k, v in self.headers.items() if k.lower() in ("accept", "content-type")}
            try:
                status, ctype, data = endpoint.engine(self.command, self.path, body, headers)
            except OSError as e:
                self._send(502, "text/plain; charset=utf-8", f"the SPARQL engine did not answer ({e})".encode())
                return
            self._send(status, ctype, data)

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            parts = urllib.parse.urlsplit(self.path)
            path = parts.path
            if path == "/":
                page = resources.files("govkg").joinpath("serve.html").read_bytes()
                self._send(200, "text/html; charset=utf-8", page)
            elif path in ("/query", "/sparql"):
                if _is_update("GET", "", b"", parts.query):
                    self._refuse()
                else:
                    self._forward(None)
            elif path in PASSED_THROUGH:
                self._forward(None)
            elif path == "/queries":
                self._send(200, "application/json; charset=utf-8", _catalogue())
            elif path.startswith("/queries/") and path.endswith(".rq"):
                self._bound_query(urllib.parse.unquote(path[len("/queries/"):-3]), parts.query)
            elif path == "/.well-known/void":
                self._send(200, "text/turtle; charset=utf-8", endpoint.description())
            elif path in ("/update", "/store"):
                self._refuse()
            else:
                self._send(404, "text/plain; charset=utf-8", b"not found")

        def do_POST(self):
            parts = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length > 0 else b""
            if parts.path not in ("/query", "/sparql") or \
                    _is_update("POST", self.headers.get("Content-Type", ""), body, parts.query):
                self._refuse()
            else:
                self._forward(body)

        def do_PUT(self):
            self._refuse()

        do_DELETE = do_PATCH = do_PUT

        def _bound_query(self, name: str, query: str) -> None:
            from .queries import _resolver, load_query

            values = urllib.parse.parse_qs(query)
            try:
                if not re.fullmatch(r"[\w-]+", name):
                    raise ServeError(name, "no such stored query")
                q = load_query(name)
                text = q.bind(values, resolve=_resolver(endpoint))
            except GovkgError as e:
                self._send(400, "text/plain; charset=utf-8", e.message.encode("utf-8"))
                return
            self._send(200, "application/sparql-query; charset=utf-8", text.encode("utf-8"))

    return Handler


def _catalogue() -> bytes:
    from .queries import list_queries

    return json.dumps([{"name": q.name, "summary": q.summary, "description": q.description,
                        "params": [{"name": p.name, "type": p.type, "required": p.required,
                                    "repeatable": p.repeatable, "default": p.default, "help": p.help}
                                   for p in q.params],
                        "example": _example_params(q.examples[0]) if q.examples else {}}
                       for q in list_queries()], ensure_ascii=False).encode("utf-8")
