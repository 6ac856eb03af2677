"""The HTTP front of ``govkg serve``: what reaches the engine, and how answers leave it.

The front never passes a request through as it came. It reads the query from the three forms
the SPARQL protocol allows (``GET ?query=``, a form POST, a ``application/sparql-query`` POST),
refuses updates, graph writes and ``SERVICE`` calls, and sends the engine one canonical form
POST holding only that query and its dataset parameters, so that what was checked is what
runs.  It answers only the ``Host`` names of its own address (a page whose name re-resolves to
127.0.0.1 — DNS rebinding — gets 421), reads bodies only up to a limit (413, or 400 for a bad
``Content-Length``), and streams the engine's answer to the client in chunks: it stops as soon
as the client has gone or the answer passes its size limit, and an answer cut short ends
without the final chunk, so the client sees an incomplete response, never a complete-looking
one.
"""
from __future__ import annotations

import http.client
import json
import re
import urllib.parse
from http.server import BaseHTTPRequestHandler
from importlib import resources

from ..errors import GovkgError, ServeError
from ..guard import check_query

READ_ONLY = "govkg serve is read-only: SPARQL updates and graph writes are refused"
PASSED_THROUGH = {"/yasgui.min.js", "/yasgui.min.css", "/logo.svg"}
DATASET_PARAMS = ("default-graph-uri", "named-graph-uri")
CHUNK = 64 * 1024
HOLD = 1024        # bytes of an answer held back until the engine has ended it


class Refused(Exception):
    """A request the front answers itself with ``status`` and ``text``."""

    def __init__(self, status: int, text: str):
        super().__init__(text)
        self.status, self.text = status, text


def query_of(method: str, content_type: str, body: bytes, query_string: str) -> tuple[str, list]:
    """The query text and dataset parameters of a SPARQL protocol request, or :class:`Refused`.

    >>> query_of("GET", "", b"", "query=ASK%7B%7D&default-graph-uri=urn%3Ag")
    ('ASK{}', [('default-graph-uri', 'urn:g')])
    >>> query_of("POST", "application/sparql-update", b"DROP ALL", "")[0]
    Traceback (most recent call last):
    ...
    govkg.serve.front.Refused: govkg serve is read-only: SPARQL updates and graph writes are refused
    """
    url = urllib.parse.parse_qs(query_string, keep_blank_values=True)
    mime = content_type.split(";")[0].strip().lower()
    form: dict[str, list[str]] = {}
    if method == "POST":
        if mime == "application/sparql-update":
            raise Refused(403, READ_ONLY)
        if mime == "application/x-www-form-urlencoded":
            try:
                form = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True,
                                             errors="strict")
            except UnicodeDecodeError:
                raise Refused(400, "the form is not UTF-8") from None
        elif mime == "application/sparql-query":
            try:
                form = {"query": [body.decode("utf-8")]}
            except UnicodeDecodeError:
                raise Refused(400, "the query is not UTF-8") from None
        else:
            raise Refused(415, "send the query as application/sparql-query or as a form "
                               "(application/x-www-form-urlencoded)")
    if "update" in url or "update" in form:
        raise Refused(403, READ_ONLY)
    queries = url.get("query", []) + form.get("query", [])
    if len(queries) != 1:
        raise Refused(400, "give exactly one query" if queries else "no query given")
    params = [(k, v) for k in DATASET_PARAMS for v in url.get(k, []) + form.get(k, [])]
    return queries[0], params


def allowed_hosts(host: str, port: int, extra: tuple[str, ...] = ()) -> set[str]:
    """The ``Host`` header values the front answers: its own address and, on loopback,
    ``localhost``; on every interface (0.0.0.0), this machine's names too; each with and
    without the port; plus the names the user allowed.

    >>> sorted(allowed_hosts("127.0.0.1", 80))
    ['127.0.0.1', '127.0.0.1:80', '[::1]', '[::1]:80', 'localhost', 'localhost:80']
    """
    import socket

    names = {f"[{host}]" if ":" in host else host}
    if host in ("127.0.0.1", "::1", "localhost", "0.0.0.0", "::"):
        names |= {"localhost", "127.0.0.1", "[::1]"}
    if host in ("0.0.0.0", "::"):
        names |= {socket.gethostname(), socket.getfqdn()}
    names |= set(extra)
    return {n.lower() for name in names for n in (name, f"{name}:{port}")}


def handler(endpoint):
    """The request handler class of one :class:`govkg.serve.Endpoint`."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "govkg-serve"
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):      # a library does not write to stderr on its own
            pass

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            if self.command != "HEAD":
                self.wfile.write(body)

        def _text(self, status: int, text: str) -> None:
            self._send(status, "text/plain; charset=utf-8", text.encode("utf-8"))

        def _host_ok(self) -> bool:
            host = (self.headers.get("Host") or "").strip().lower()
            if host in endpoint.hosts:
                return True
            self._text(421, f"govkg serve answers only Host: {endpoint.display_host} "
                            "(give another name with --allow-host)")
            return False

        def _body(self) -> bytes | None:
            if self.headers.get("Transfer-Encoding"):
                self._text(411, "send a Content-Length")
                return None
            raw = self.headers.get("Content-Length")
            if raw is None:
                return b""
            if not re.fullmatch(r"\d{1,18}", raw.strip()):
                self._text(400, f"bad Content-Length: {raw[:40]!r}")
                return None
            length = int(raw)
            if length > endpoint.max_body:
                self._text(413, f"request body over the limit of {endpoint.max_body} bytes "
                                "(--max-body)")
                return None
            body = self.rfile.read(length)
            if len(body) != length:
                self.close_connection = True
                return None
            return body

        def _query(self, body: bytes, query_string: str) -> None:
            try:
                text, params = query_of(self.command, self.headers.get("Content-Type", ""), body,
                                        query_string)
                check_query(text, "query", endpoint.allow_service)
            except Refused as e:
                self._text(e.status, e.text)
                return
            except GovkgError as e:
                self._text(403, e.message)
                return
            form = urllib.parse.urlencode([("query", text)] + params).encode("utf-8")
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            if self.headers.get("Accept"):
                headers["Accept"] = self.headers["Accept"]
            self._stream("POST", "/query", form, headers)

        def _stream(self, method: str, path: str, body: bytes | None, headers: dict) -> None:
            try:
                conn, resp = endpoint.open(method, path, body, headers)
            except OSError as e:
                self._text(502, f"the SPARQL engine did not answer ({endpoint.engine_state(e)})")
                return
            try:
                self.send_response(resp.status)
                self.send_header("Content-Type", resp.getheader("Content-Type", "application/octet-stream"))
                self.send_header("X-Content-Type-Options", "nosniff")
                self.send_header("Transfer-Encoding", "chunked")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                if self.command == "HEAD":
                    return
                sent, held = 0, b""
                while True:
                    try:
                        data = resp.read1(CHUNK)
                    except (OSError, http.client.HTTPException):
                        return          # the engine broke off: no final chunk, the client sees it
                    if not data:
                        if endpoint.failed_answer(held):
                            return      # a time-out or error mid-answer: cut, not ended as whole
                        self._chunk(held)
                        self.wfile.write(b"0\r\n\r\n")
                        return
                    sent += len(data)
                    if sent > endpoint.max_answer:
                        endpoint.note(f"an answer passed the limit of {endpoint.max_answer} bytes "
                                      "(--max-answer) and was cut off")
                        return
                    # the last bytes wait, so that an error the engine writes there is not sent
                    held += data
                    self._chunk(held[:-HOLD])
                    held = held[-HOLD:]
            except OSError:
                return                  # the client has gone: stop reading the engine
            finally:
                conn.close()

        def _chunk(self, data: bytes) -> None:
            if data:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            if not self._host_ok():
                return
            parts = urllib.parse.urlsplit(self.path)
            path = parts.path
            if path == "/":
                self._send(200, "text/html; charset=utf-8",
                           resources.files("govkg.serve").joinpath("page.html").read_bytes())
            elif path in ("/query", "/sparql"):
                self._query(b"", parts.query)
            elif path in PASSED_THROUGH:
                self._stream("GET", path, None, {})
            elif path == "/queries":
                self._send(200, "application/json; charset=utf-8", catalogue())
            elif path.startswith("/queries/") and path.endswith(".rq"):
                self._bound_query(urllib.parse.unquote(path[len("/queries/"):-3]), parts.query)
            elif path == "/.well-known/void":
                self._send(200, "text/turtle; charset=utf-8", endpoint.description())
            elif path in ("/update", "/store"):
                self._text(403, READ_ONLY)
            else:
                self._text(404, "not found")

        def do_POST(self):
            if not self._host_ok():
                return
            parts = urllib.parse.urlsplit(self.path)
            if parts.path not in ("/query", "/sparql"):
                self.close_connection = True
                self._text(403, READ_ONLY)
                return
            body = self._body()
            if body is not None:
                self._query(body, parts.query)

        def do_PUT(self):
            if self._host_ok():
                self._text(403, READ_ONLY)

        do_DELETE = do_PATCH = do_PUT

        def _bound_query(self, name: str, query: str) -> None:
            from ..queries import _resolver, load_query

            values = urllib.parse.parse_qs(query)
            try:
                if not re.fullmatch(r"[\w-]+", name):
                    raise ServeError(name, "no such stored query")
                q = load_query(name)
                text = q.bind(values, resolve=_resolver(endpoint))
            except GovkgError as e:
                self._text(400, e.message)
                return
            self._send(200, "application/sparql-query; charset=utf-8", text.encode("utf-8"))

    return Handler


def catalogue() -> bytes:
    """The stored queries as the page lists them (JSON)."""
    from ..queries import list_queries
    from . import example_params

    return json.dumps([{"name": q.name, "summary": q.summary, "description": q.description,
                        "params": [{"name": p.name, "type": p.type, "required": p.required,
                                    "repeatable": p.repeatable, "default": p.default, "help": p.help}
                                   for p in q.params],
                        "example": example_params(q.examples[0]) if q.examples else {}}
                       for q in list_queries()], ensure_ascii=False).encode("utf-8")
