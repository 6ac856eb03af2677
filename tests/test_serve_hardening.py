"""`govkg serve` against what an attacker, a careless user and a failing machine do (issue 17):
SERVICE calls, a stderr pipe that fills, a query that takes all memory, answers larger than a
client wants, DNS rebinding, huge or lying request bodies, SIGTERM and SIGKILL, a time-out
in the middle of an answer, a build writing the served store.  Every test runs the real
engine on loopback."""
import http.client
import http.server
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from click.testing import CliRunner

from govkg.cli import main
from govkg.serve import Endpoint

from conftest import EXAMPLES, OxigraphServer, child_pids

CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture()
def recorder():
    """An HTTP server on loopback that records every request it gets (a target for SSRF)."""
    hits = []

    class H(http.server.BaseHTTPRequestHandler):
        def _any(self):
            hits.append((self.command, self.path))
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"secret of another service")
        do_GET = do_POST = _any

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/sparql", hits
    srv.shutdown()
    srv.server_close()


def request(endpoint, method, path, body=None, headers=None, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", endpoint.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Host": f"127.0.0.1:{endpoint.port}", **(headers or {})})
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def q(text):
    return "/query?" + urllib.parse.urlencode({"query": text})


@pytest.fixture()
def endpoint(examples_store):
    events = []
    with Endpoint(examples_store, port=0, timeout_s=2, memory_bytes=1 << 30, on_event=events.append) as ep:
        ep.seen = events
        yield ep


def test_service_is_refused_in_every_form_and_nothing_is_fetched(endpoint, recorder):
    target, hits = recorder
    sent = [
        ("GET", q(f"SELECT * {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"), None, {}),
        ("GET", q(f"select * {{ service silent <{target}> {{ ?s ?p ?o }} }}"), None, {}),
        ("GET", q("SELECT * { \\u0053ERVICE <" + target + "> { ?s ?p ?o } }"), None, {}),
        ("POST", "/query", urllib.parse.urlencode({"query": f"ASK {{ SERVICE <{target}> {{ }} }}"}),
         {"Content-Type": "application/x-www-form-urlencoded"}),
        ("POST", "/sparql", f"ASK {{ SERVICE <{target}> {{ }} }}".encode(),
         {"Content-Type": "Application/SPARQL-Query; charset=utf-8"}),
        ("GET", q("SELECT * { SERVICE ?where { ?s ?p ?o } VALUES ?where { <" + target + "> } }"), None, {}),
    ]
    for method, path, body, headers in sent:
        status, text = request(endpoint, method, path, body, headers)
        assert status == 403 and "SERVICE" in text and "refused" in text, (path, status, text)
    # words in a literal or a comment are no call
    status, text = request(endpoint, "GET", q('SELECT ("SERVICE <http://x/>" AS ?w) {} # SERVICE <http://y/>'),
                           headers={"Accept": "text/csv"})
    assert status == 200 and text.splitlines()[1] == "SERVICE <http://x/>"
    time.sleep(0.5)
    assert hits == []


def test_a_query_file_with_service_is_refused_unless_allowed(examples_store, recorder, tmp_path):
    target, hits = recorder
    rq = tmp_path / "fed.rq"
    rq.write_text(f"SELECT ?s WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["query", str(rq), "--store", str(examples_store)])
    assert r.exit_code == 2 and hits == []
    assert r.stderr.strip() == (f"govkg: error: {rq}: SERVICE <{target}> is refused: govkg runs no federated "
                                f"query unless allowed (to allow it: --allow-service {target})")
    # allowed, it reaches a real SPARQL server
    with OxigraphServer(examples_store, read_only=True) as other:
        rq.write_text(f"SELECT (COUNT(*) AS ?n) WHERE {{ SERVICE <{other.base}/query> {{ ?s a "
                      "<https://w3id.org/govkg/def#Report> } }\n", encoding="utf-8")
        r = CliRunner().invoke(main, ["query", str(rq), "--store", str(examples_store), "--format", "csv",
                                      "--allow-service", other.base + "/"])
        assert r.exit_code == 0, r.output
        assert r.stdout.splitlines() == ["n", "4"]


def test_the_engines_errors_never_fill_a_pipe(endpoint):
    # each client that leaves mid-answer makes the engine write a line to its stderr; 64 KiB
    # of them once blocked every engine thread for good
    for _ in range(1200):
        with socket.create_connection(("127.0.0.1", endpoint.port)) as s:
            s.sendall(f"GET {q(CARTESIAN)} HTTP/1.1\r\nHost: 127.0.0.1:{endpoint.port}\r\n"
                      "Accept: text/csv\r\n\r\n".encode())
            s.recv(4096)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    assert request(endpoint, "GET", q("ASK { ?s ?p ?o }"), headers={"Accept": "text/csv"},
                   timeout=10) == (200, "true")


def test_a_query_past_the_memory_limit_stops_the_engine_which_is_started_again(endpoint):
    status, text = request(endpoint, "GET", q(CARTESIAN + " ORDER BY ?a ?d ?g LIMIT 1"))
    assert status == 502
    assert "memory limit of 1024 MiB" in text, text
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and request(endpoint, "GET", q("ASK {}"))[0] != 200:
        time.sleep(0.2)
    assert request(endpoint, "GET", q("ASK { ?s ?p ?o }"), headers={"Accept": "text/csv"}) == (200, "true")
    assert endpoint.seen == ["the SPARQL engine stopped (a query went past the engine's memory limit of "
                             "1024 MiB); starting it again"]


def test_an_engine_that_keeps_dying_ends_serve_with_its_reason(examples_store):
    with Endpoint(examples_store, port=0) as ep:
        for _ in range(4):
            pid = ep.engine_pid
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not ep.failure and (
                    ep.engine_pid in (pid, None) or request(ep, "GET", q("ASK {}"))[0] != 200):
                time.sleep(0.1)
        assert ep.wait() == "the SPARQL engine stopped 4 times in a minute (ended by signal SIGKILL)"


def _rss_mib(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", text).group(1)) / 1024


def test_answers_stream_stop_when_the_client_goes_and_are_capped(examples_store):
    with Endpoint(examples_store, port=0, max_answer=2 << 20) as ep:
        # a client that reads 1 MiB of an endless answer and goes: the front stops reading
        conn = http.client.HTTPConnection("127.0.0.1", ep.port, timeout=30)
        conn.request("GET", q(CARTESIAN), headers={"Accept": "text/csv"})
        resp = conn.getresponse()
        assert resp.status == 200 and len(resp.read(1 << 20)) == 1 << 20
        conn.close()
        time.sleep(3)
        assert _rss_mib(os.getpid()) < 1024 and _rss_mib(ep.engine_pid) < 1024
        # a client that reads on gets no more than the cap, and sees the answer incomplete
        conn = http.client.HTTPConnection("127.0.0.1", ep.port, timeout=30)
        conn.request("GET", q(CARTESIAN), headers={"Accept": "text/csv"})
        resp = conn.getresponse()
        with pytest.raises(http.client.IncompleteRead) as got:
            resp.read()
        conn.close()
        assert len(got.value.partial) <= (2 << 20) + 70000
        assert "an answer passed the limit of 2097152 bytes (--max-answer) and was cut off" in ep.events


def test_a_time_out_in_the_middle_of_an_answer_is_not_sent_as_a_whole_answer(endpoint):
    conn = http.client.HTTPConnection("127.0.0.1", endpoint.port, timeout=30)
    conn.request("GET", q("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"), headers={"Accept": "text/csv"})
    resp = conn.getresponse()
    assert resp.status == 200
    with pytest.raises(http.client.IncompleteRead) as got:
        resp.read()
    conn.close()
    assert b"cancelled" not in got.value.partial[-200:]
    assert any("failed part way" in e and "cancelled" in e for e in endpoint.seen)


def test_only_the_own_host_names_are_answered(examples_store):
    with Endpoint(examples_store, port=0, hosts=("govkg.intranet",)) as ep:
        for host, want in ((f"127.0.0.1:{ep.port}", 200), (f"localhost:{ep.port}", 200), ("localhost", 200),
                           ("govkg.intranet", 200), ("attacker.example", 421),
                           (f"attacker.example:{ep.port}", 421), ("", 421)):
            status, text = request(ep, "GET", q("ASK {}"), headers={"Host": host, "Accept": "text/csv"})
            assert status == want, (host, status, text)
        assert text == f"govkg serve answers only Host: 127.0.0.1:{ep.port} (give another name with --allow-host)"


def test_request_bodies_are_capped_and_a_bad_length_is_400(endpoint):
    with socket.create_connection(("127.0.0.1", endpoint.port), timeout=10) as s:
        s.sendall(f"POST /query HTTP/1.1\r\nHost: 127.0.0.1:{endpoint.port}\r\nContent-Type: "
                  f"application/sparql-query\r\nContent-Length: {400 << 20}\r\n\r\nASK".encode())
        answer = _read_all(s)
    assert answer.startswith("HTTP/1.1 413 ") and "over the limit of 1048576 bytes (--max-body)" in answer
    for bad in ("abc", "-5", "1e9"):
        with socket.create_connection(("127.0.0.1", endpoint.port), timeout=10) as s:
            s.sendall(f"POST /query HTTP/1.1\r\nHost: 127.0.0.1:{endpoint.port}\r\n"
                      f"Content-Length: {bad}\r\n\r\n".encode())
            answer = _read_all(s)
        assert answer.startswith("HTTP/1.1 400 ") and "bad Content-Length" in answer, bad
    assert request(endpoint, "GET", q("ASK {}"), headers={"Accept": "text/csv"}) == (200, "true")


def _read_all(s: socket.socket) -> str:
    data = b""
    while chunk := s.recv(65536):
        data += chunk
    return data.decode("utf-8", "replace")


def _gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return True
        except OSError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 0), (signal.SIGKILL, -9)])
def test_serve_ended_by_a_signal_leaves_no_engine(examples_store, sig, code):
    proc = subprocess.Popen([sys.executable, "-m", "govkg.cli", "serve", "--store", str(examples_store), "--port", "0"],
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        assert "read-only at http://127.0.0.1:" in line, line
        engine = next(iter(child_pids(proc.pid)))
        proc.send_signal(sig)
        assert proc.wait(timeout=15) == code
        assert _gone(engine)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_build_into_the_served_store_is_served_once_done(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "qingshi-2023.txt").write_bytes((EXAMPLES / "qingshi-2023.txt").read_bytes())
    from govkg.pipeline import build

    build([tmp_path / "a"], tmp_path / "store")
    count = q("SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a <https://w3id.org/govkg/def#Report> }")
    with Endpoint(tmp_path / "store", port=0) as ep:
        assert request(ep, "GET", count, headers={"Accept": "text/csv"})[1].split() == ["n", "1"]
        subprocess.run([sys.executable, "-m", "govkg.cli", "build", str(EXAMPLES), "--store", str(tmp_path / "store"),
                        "--quiet"], check=True, capture_output=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            got = request(ep, "GET", count, headers={"Accept": "text/csv"})
            if got[0] == 200 and got[1].split() == ["n", "4"]:
                break
            time.sleep(0.3)
        assert got[1].split() == ["n", "4"]
        assert "the store changed on disk; reopening it" in ep.events
