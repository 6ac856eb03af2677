"""Pushing the store to real triple stores started here on 127.0.0.1: an Oxigraph server, and
Virtuoso (Debian's virtuoso-opensource, which .ci/run installs) with digest authentication."""

import pytest
from click.testing import CliRunner

from govkg.cli import main
from govkg.errors import PushError
from govkg.pipeline import remove
from govkg.push import Target, push, remote_quad_count
from govkg.queries import run
from govkg.store import GraphStore

from conftest import EXAMPLES, OxigraphServer, VirtuosoServer, free_port


@pytest.fixture()
def store(tmp_path):
    """The examples built into a store of the test's own (pushes write a journal beside it)."""
    from govkg.pipeline import build

    path = tmp_path / "local" / "store"
    assert build([EXAMPLES], path).ok
    return path


def local_quads(path) -> int:
    with GraphStore(path, read_only=True) as s:
        return sum(1 for g in s.named_graphs() for _ in s.quads(g))


def remote_graphs(query_url) -> set[str]:
    r = run(_graphs_query(), None, {}, endpoint=query_url)
    return {row["g"] for row in r.rows}


def _graphs_query():
    from govkg.queries import StoredQuery

    return StoredQuery("graphs", "graphs", 'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } '
                       'FILTER(STRSTARTS(STR(?g), "https://w3id.org/govkg/")) }')


@pytest.mark.parametrize("mode", ["gsp", "atomic", "update"])
def test_push_once_and_twice_gives_the_local_quads(store, tmp_path, mode):
    with OxigraphServer(tmp_path / "remote") as server:
        target = Target(graph_store=None if mode == "update" else f"{server.base}/store",
                        update_endpoint=None if mode == "gsp" else f"{server.base}/update", atomic=mode == "atomic")
        first = push(store, target)
        assert len(first.pushed) == 7 and not first.unchanged
        assert remote_quad_count(f"{server.base}/query") == local_quads(store)
        second = push(store, target)
        assert not second.pushed and len(second.unchanged) == 7
        third = push(store, target, everything=True)          # sent again, replaced whole
        assert len(third.pushed) == 7
        assert remote_quad_count(f"{server.base}/query") == local_quads(store)
        assert not any("/staging/" in g for g in remote_graphs(f"{server.base}/query"))


def test_a_server_stopped_mid_push_gives_a_clear_error_and_a_rerun_completes(store, tmp_path):
    server = OxigraphServer(tmp_path / "remote").start()
    target = Target(graph_store=f"{server.base}/store")

    def stop_after_three(done, total, graph):
        if done == 3:
            server.stop()

    try:
        with pytest.raises(PushError) as e:
            push(store, target, retries=1, backoff=0.05, progress=stop_after_three)
        assert e.value.message.startswith(f"{server.base}/store?graph=")
        assert "cannot reach the server" in e.value.message
        assert len(e.value.pushed) == 3 and len(e.value.not_pushed) == 4
        server.start()                                       # the same data folder and port
        rest = push(store, target)
        assert sorted(s.graph for s in rest.pushed) == sorted(e.value.not_pushed)
        assert len(rest.unchanged) == 3
        assert remote_quad_count(f"{server.base}/query") == local_quads(store)
    finally:
        server.stop()


def test_a_report_removed_locally_is_dropped_remotely(store, tmp_path):
    with OxigraphServer(tmp_path / "remote") as server:
        target = Target(graph_store=f"{server.base}/store")
        push(store, target)
        gone = remove("qingshi-2023.txt", store)
        result = push(store, target)
        assert [s.graph for s in result.dropped] == gone
        assert [s.graph for s in result.pushed] == ["https://w3id.org/govkg/graph/description"]
        assert remote_quad_count(f"{server.base}/query") == local_quads(store)


def test_dry_run_sends_nothing_and_lists_every_graph(store, tmp_path):
    with OxigraphServer(tmp_path / "remote") as server:
        r = CliRunner().invoke(main, ["push", "--store", str(store), "--graph-store", f"{server.base}/store",
                                      "--dry-run"])
        assert r.exit_code == 0, r.output
        lines = r.stdout.splitlines()
        assert len(lines) == 7 and all(line.startswith("put\thttps://w3id.org/govkg/") for line in lines)
        assert remote_quad_count(f"{server.base}/query") == 0


def test_credentials_are_sent_but_never_printed(store, tmp_path, monkeypatch):
    monkeypatch.setenv("GOVKG_PASSWORD", "s3cret-pw")
    monkeypatch.setenv("GOVKG_TOKEN", "tok-abc123")
    port = free_port()        # nothing listens: the push fails and says so
    for args in (["--user", "analyst"], []):
        r = CliRunner().invoke(main, ["push", "--store", str(store), "--retries", "0",
                                      "--graph-store", f"http://analyst:s3cret-pw@127.0.0.1:{port}/store", *args])
        assert r.exit_code == 2
        assert "s3cret-pw" not in r.output and "tok-abc123" not in r.output
        assert f"govkg: error: http://127.0.0.1:{port}/store?graph=" in r.stderr
        assert "rerun the same command to push the rest" in r.stderr


@pytest.mark.parametrize("option", ["--graph-store", "--update-endpoint"])
@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_a_redirect_on_a_write_is_a_failure_and_credentials_stay_home(store, tmp_path, monkeypatch, code, option):
    import http.server
    import threading

    seen = []

    class Redirect(http.server.BaseHTTPRequestHandler):
        def _answer(self):
            seen.append((self.command, self.path, self.headers.get("Authorization")))
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.startswith("/elsewhere"):
                self.send_response(200)          # what a GET to the new place answers
                self.send_header("Content-Length", "0")
            else:
                self.send_response(code)
                self.send_header("Location", f"http://127.0.0.1:{self.server.server_address[1]}/elsewhere")
                self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_PUT = do_POST = do_DELETE = _answer

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("GOVKG_TOKEN", "tok-abc123")
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        r = CliRunner().invoke(main, ["push", "--store", str(store), "--retries", "0", option, f"{base}/store"])
        assert r.exit_code == 2
        assert r.stderr.startswith(f"govkg: error: {base}/store")
        assert f"the server redirected the request (HTTP {code}) to {base}/elsewhere; govkg follows no " \
               "redirect on a write" in r.stderr
        assert [p for _, p, _ in seen if p.startswith("/elsewhere")] == []     # nothing followed it
        target = Target(graph_store=f"{base}/store") if option == "--graph-store" else \
            Target(graph_store=None, update_endpoint=f"{base}/store")
        again = push(store, target, dry_run=True)
        assert len(again.pushed) == 7 and not again.unchanged     # the journal recorded nothing
    finally:
        server.shutdown()
        server.server_close()


def _recording_server(answer):
    """A loopback HTTP server that asks for basic credentials, records what it was sent and
    answers ``answer(handler)``; returns (server, base URL, records)."""
    import http.server
    import threading

    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _any(self):
            seen.append((self.command, self.path, self.headers.get("Authorization")))
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if not self.headers.get("Authorization"):
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="store"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            answer(self)

        do_GET = do_PUT = do_POST = do_DELETE = _any

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"127.0.0.1:{server.server_address[1]}", seen


def _no_content(h):
    h.send_response(204)
    h.end_headers()


def _html(h):
    body = b"<html><body>not SPARQL</body></html>"
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def test_credentials_in_a_url_are_sent_and_never_printed_or_journalled(store, tmp_path):
    import base64

    server, hostport, seen = _recording_server(_no_content)
    try:
        r = CliRunner().invoke(main, ["push", "--store", str(store), "--graph-store", f"http://alice:p#w@{hostport}/store"])
        assert r.exit_code == 0, r.output
        assert "p#w" not in r.output
        sent = {a for _, _, a in seen if a}
        assert sent == {"Basic " + base64.b64encode(b"alice:p#w").decode()}
        journal = next(store.parent.glob("*push*")).read_text(encoding="utf-8")
        assert "p#w" not in journal and "alice" not in journal
        # no port: the user:password is not read as a host and a port
        r = CliRunner().invoke(main, ["push", "--store", str(store), "--retries", "0", "--all",
                                      "--graph-store", "http://alice:pw@127.0.0.1/store"])
        assert r.exit_code == 2 and "pw@" not in r.output and "internal error" not in r.output
        assert r.stderr.startswith("govkg: error: http://127.0.0.1/store?graph=")
        # query --endpoint: the same, and an answer that is not SPARQL JSON is a one-line error
        html, hp2, _ = _recording_server(_html)
        try:
            r = CliRunner().invoke(main, ["query", "reports", "--endpoint", f"http://bob:s3cret@{hp2}/query"])
            assert r.exit_code == 2 and "s3cret" not in r.output
            assert r.stderr == (f"govkg: error: http://{hp2}/query: the endpoint's answer is not SPARQL JSON "
                                "results (is this URL the SPARQL query endpoint?)\n")
        finally:
            html.shutdown()
            html.server_close()
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("journal", ['[1, 2]', '{"k": 5}', '{"k": {"g": 7}}', '{"k": ', "\x00\xff"])
def test_a_malformed_push_journal_means_push_everything_again(store, tmp_path, journal):
    from govkg.push import _journal_path

    _journal_path(store).write_bytes(journal.encode("latin-1"))
    with OxigraphServer(tmp_path / "remote") as server:
        r = CliRunner().invoke(main, ["push", "--store", str(store), "--graph-store", f"{server.base}/store"])
        assert r.exit_code == 0, r.output
        assert remote_quad_count(f"{server.base}/query") == local_quads(store)


def test_retries_back_off_is_capped(monkeypatch):
    from govkg import push as push_module

    waits = []
    monkeypatch.setattr(push_module.time, "sleep", waits.append)
    client = push_module._Client(push_module.Credentials(), [], retries=20, backoff=0.5, timeout=1)
    with pytest.raises(PushError, match="cannot reach the server"):
        client.send("PUT", f"http://127.0.0.1:{free_port()}/store", b"")
    assert len(waits) == 20 and max(waits) == push_module.MAX_BACKOFF_S and sum(waits) < 20 * 31


def test_bad_targets_are_one_line_errors(store):
    r = CliRunner().invoke(main, ["push", "--store", str(store), "--graph-store", "http://127.0.0.1:9/store", "--atomic"])
    assert r.exit_code == 2
    assert r.stderr == ("govkg: error: --atomic: needs both --graph-store and --update-endpoint (the graph is PUT "
                        "into a staging graph, then swapped in with MOVE)\n")
    r = CliRunner().invoke(main, ["push", "--store", str(store), "--graph-store", "file:///etc/passwd"])
    assert r.exit_code == 2 and r.stderr == "govkg: error: file:///etc/passwd: is not an http(s) URL\n"


# --- Virtuoso --------------------------------------------------------------------------------

@pytest.fixture()
def virtuoso(tmp_path):
    with VirtuosoServer(tmp_path / "virtuoso") as server:
        yield server.base


def test_push_to_virtuoso_with_digest_auth_and_query_it(store, virtuoso, monkeypatch):
    monkeypatch.setenv("GOVKG_PASSWORD", "dba")       # a fresh Virtuoso's administrator
    for extra in ([], ["--update-endpoint", f"{virtuoso}/sparql-auth", "--atomic"]):
        for _ in range(2):
            r = CliRunner().invoke(main, ["push", "--store", str(store), "--user", "dba", "--all",
                                          "--graph-store", f"{virtuoso}/sparql-graph-crud-auth", *extra])
            assert r.exit_code == 0, r.output
            assert remote_quad_count(f"{virtuoso}/sparql") == local_quads(store)
    r = CliRunner().invoke(main, ["query", "villages-with-all-categories", "--endpoint", f"{virtuoso}/sparql",
                                  "--param", "category=drainage", "--param", "category=grassland-fencing",
                                  "--format", "csv"])
    assert r.exit_code == 0, r.output
    with GraphStore(store, read_only=True) as s:
        local = run("villages-with-all-categories", s, {"category": ["drainage", "grassland-fencing"]})
    import csv
    import io

    def answer(rows):
        # GROUP_CONCAT's order is each store's own: compare the sentences as a set
        return sorted((r["township"], r["village"], r["report"], frozenset(r["evidence"].split(" | "))) for r in rows)

    remote = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(remote[0]) == local.columns
    assert answer(remote) == answer(local.rows) and len(remote) == 3


def test_virtuoso_refuses_a_wrong_password_clearly(store, virtuoso, monkeypatch):
    monkeypatch.setenv("GOVKG_PASSWORD", "not-the-password")
    r = CliRunner().invoke(main, ["push", "--store", str(store), "--user", "dba",
                                  "--graph-store", f"{virtuoso}/sparql-graph-crud-auth"])
    assert r.exit_code == 2
    assert "the server refused the credentials (HTTP 401)" in r.stderr and "not-the-password" not in r.output
