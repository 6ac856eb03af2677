"""Hardening of the store's edges (issue 17): a damaged store is found and named, a full disk
is one line that says so, the dataset description is never missing or false, the
configuration is checked before a build spends its time, a failing SERVICE is one line, and
credentials given to ``query --endpoint`` never follow a redirect to another origin."""
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from govkg import namespaces as ns
from govkg.cli import main
from govkg.extract import extract
from govkg.ingest import read_report
from govkg.integrity import check_store
from govkg.map import map_facts
from govkg.publish import describe, description_is_current
from govkg.store import GraphStore, report_graph

from conftest import EXAMPLES, ROOT, OxigraphServer

def run_cli(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], **kw)


@pytest.fixture()
def store(examples_store, tmp_path):
    """A writable copy of the examples' store."""
    path = tmp_path / "store"
    shutil.copytree(examples_store, path)
    (path / "LOCK").unlink(missing_ok=True)
    return path


def _damage(path: Path) -> None:
    """Flip bytes inside every table file, as a failing disk or a torn copy would."""
    for sst in sorted(path.glob("*.sst")):
        data = bytearray(sst.read_bytes())
        if len(data) < 4096:
            continue
        for k in range(1, 8):
            data[len(data) * k // 10] ^= 0x5A
        sst.write_bytes(bytes(data))


# --- 11: a damaged store ----------------------------------------------------------------------

def test_check_store_reads_a_sound_store_and_names_a_damaged_one(store):
    r = run_cli("check-store", "--store", store)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith(f"{store}: sound: ") and " 4 reports" in r.stdout
    _damage(store)
    r = run_cli("check-store", "--store", store)
    assert r.exit_code == 1
    assert r.stdout.startswith(f"{store}: not sound: ")
    assert "checksum mismatch" in r.stdout and "govkg: problem: " in r.stderr
    assert len(r.stdout.splitlines()) == 1


def test_check_store_holds_the_reader_under_its_memory_limit(store):
    # a damaged length field makes a read ask for gigabytes; the watched child is killed first
    result = check_store(store, memory_mib=1)
    assert not result.sound
    assert result.problems == ["reading it took more than 1 MiB of memory: its files are likely damaged "
                               "(a larger store may need more: --memory-mib)"]


def test_check_store_without_a_store(tmp_path):
    r = run_cli("check-store", "--store", tmp_path / "none")
    assert r.exit_code == 2
    assert r.stderr == f"govkg: error: {tmp_path / 'none'}: no store here (give the folder `govkg build` wrote (--store))\n"


@pytest.mark.parametrize("command", [["query", "reports"], ["export", "--format", "nquads", "-o", "-"],
                                     ["validate"], ["describe"]])
def test_a_damaged_store_is_one_line_naming_it(store, command):
    (store / "CURRENT").write_bytes(b"MANIFEST-00000\x00garbage")
    r = run_cli(*command, "--store", store)
    assert r.exit_code == 2
    assert r.stderr.startswith(f"govkg: error: {store}: the store is damaged (Corruption: ")
    assert r.stderr.endswith("(run `govkg check-store` for details; rebuild it from the reports)\n")
    assert len(r.stderr.splitlines()) == 1


# --- 17: a full disk -----------------------------------------------------------------------------

@pytest.fixture()
def tiny_disk(tmp_path):
    """A 600 KiB file system (a tmpfs: needs root, as CI has)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_under_the_store_is_the_one_line_that_says_so(tiny_disk):
    store = tiny_disk / "store"
    r = subprocess.run([sys.executable, "-m", "govkg.cli", "build", str(EXAMPLES), "--store", str(store)],
                       capture_output=True, text=True)
    assert r.returncode == 2
    # the first error, not the second one that closing the store then met
    assert r.stderr == f"govkg: error: {store}: cannot be written: no space left on the device " \
                       f"(free some space and build again)\n"


def test_a_full_disk_under_standard_output_is_one_line(tmp_path):
    with open("/dev/full", "w") as full:
        r = subprocess.run([sys.executable, "-m", "govkg.cli", "facts", str(EXAMPLES)], stdout=full,
                           stderr=subprocess.PIPE, text=True)
    assert r.returncode == 2
    assert r.stderr == "govkg: error: standard output: cannot be written (No space left on device) " \
                       "(free some space and run again)\n"


# --- 13: the description is always present and true ---------------------------------------------

def _load_one_more(store: Path, tmp_path: Path) -> None:
    """What a build killed right after loading a report leaves: its graph, no new description."""
    text = (EXAMPLES / "qingshi-2023.txt").read_text(encoding="utf-8")
    copy = tmp_path / "qingshi-2023-b.txt"
    copy.write_text(text.replace("2023年", "2022年"), encoding="utf-8")
    report = read_report(copy)
    triples = map_facts(extract(report))
    with GraphStore(store) as s:
        s.replace_graph_data(report_graph(report.id), ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))


def _documents(triples) -> int:
    return next(int(t.object.value) for t in triples if t.predicate.value == ns.VOID + "documents")


def test_a_build_killed_part_way_still_pushes_and_exports_a_true_description(store, tmp_path):
    _load_one_more(store, tmp_path)
    with GraphStore(store, read_only=True) as s:
        assert not description_is_current(s)
        assert len(s.reports()) == 5
    r = run_cli("check-store", "--store", store)
    assert r.exit_code == 0 and "govkg: note: the dataset description is missing or out of date" in r.stderr

    out = tmp_path / "all.nq"
    assert run_cli("export", "--store", store, "--format", "nquads", "-o", out).exit_code == 0
    exported = [q for q in ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS)
                if q.graph_name == ox.NamedNode(ns.DESCRIPTION_GRAPH)]
    assert _documents(exported) == 5

    with OxigraphServer(tmp_path / "remote") as server:
        r = run_cli("push", "--store", store, "--graph-store", f"{server.base}/store")
        assert r.exit_code == 0, r.output
        q = (f"SELECT ?n WHERE {{ GRAPH <{ns.DESCRIPTION_GRAPH}> {{ ?d <{ns.VOID}documents> ?n }} }}")
        import urllib.parse
        import urllib.request

        body = urllib.request.urlopen(f"{server.base}/query?query={urllib.parse.quote(q)}").read()
        assert [b["n"]["value"] for b in json.loads(body)["results"]["bindings"]] == ["5"]


def test_a_build_ended_by_sigterm_describes_what_it_loaded(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    generate(tmp_path / "gen", 120, seed=5)
    store = tmp_path / "store"
    proc = subprocess.Popen([sys.executable, "-m", "govkg.cli", "build", str(tmp_path / "gen" / "reports"),
                             "--store", str(store), "--register", "none", "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(6)
    proc.send_signal(signal.SIGTERM)
    proc.wait(60)
    with GraphStore(store, read_only=True) as s:
        loaded = len(s.reports())
        assert 0 < loaded < 120, "the signal should land part way"
        assert description_is_current(s)
        assert _documents(describe(s)) == loaded


def test_serve_writes_a_missing_description_before_serving(store):
    from govkg.serve import Endpoint

    with GraphStore(store) as s:
        s.remove_graph(ns.DESCRIPTION_GRAPH)
    with Endpoint(store, port=0) as endpoint:
        assert "the dataset description was missing or out of date: written anew" in endpoint.events
    with GraphStore(store, read_only=True) as s:
        assert description_is_current(s)


# --- 17: configuration checked first --------------------------------------------------------------

def test_an_invalid_iri_in_the_configuration_stops_a_build_before_it_starts(tmp_path):
    config = tmp_path / "govkg.toml"
    config.write_text('[dataset]\nlicense = "CC BY 4.0"\n', encoding="utf-8")
    store = tmp_path / "store"
    r = run_cli("--config", config, "build", EXAMPLES, "--store", store)
    assert r.exit_code == 2
    assert r.stderr == f"govkg: error: {config}: [dataset] license = 'CC BY 4.0' is not an http(s) IRI " \
                       f"(e.g. https://example.gov.cn/)\n"
    assert not store.exists()


# --- 17: a SERVICE that fails ---------------------------------------------------------------------

class _Answer(http.server.BaseHTTPRequestHandler):
    """A loopback server: /sparql answers 501 with a page; records each request's Authorization."""

    seen: list = []

    def _answer(self):
        type(self).seen.append((self.server.server_address[1], self.path, self.headers.get("Authorization")))
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        target = getattr(self.server, "redirect_to", None)
        if target:
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if getattr(self.server, "sparql_json", False):
            body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [
                {"x": {"type": "literal", "value": "leaked"}}]}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
        else:
            body = b"<html><body><h1>Error response</h1>\n<p>Unsupported method</p></body></html>"
            self.send_response(501)
            self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *a):
        pass


@pytest.fixture()
def loopback():
    servers = []

    def start(**attrs):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
        for k, v in attrs.items():
            setattr(server, k, v)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server, f"http://127.0.0.1:{server.server_address[1]}"

    _Answer.seen = []
    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


def test_a_failing_service_is_one_line(examples_store, tmp_path, loopback):
    _, base = loopback()
    rq = tmp_path / "federated.rq"
    rq.write_text(f"SELECT * WHERE {{ SERVICE <{base}/sparql> {{ ?s ?p ?o }} }} LIMIT 1\n", encoding="utf-8")
    r = run_cli("query", rq, "--store", examples_store, "--allow-service", f"{base}/")
    assert r.exit_code == 2
    assert r.stderr == f"govkg: error: {rq}: the query failed: Error 501 Not Implemented returned by " \
                       f"{base}/sparql (check the SERVICE endpoint the query calls)\n"


# --- 19: credentials of query --endpoint stay with the origin given ----------------------------

@pytest.mark.parametrize("how", ["basic", "token"])
def test_query_endpoint_credentials_never_follow_a_redirect_to_another_origin(loopback, monkeypatch, how):
    other, other_base = loopback(sparql_json=True)
    _, base = loopback(redirect_to=f"{other_base}/sparql")
    monkeypatch.setenv("GOVKG_PASSWORD", "s3cret-pw")
    monkeypatch.setenv("GOVKG_TOKEN", "tok-abc123")
    args = ["--user", "analyst"] if how == "basic" else []
    r = run_cli("query", "reports", "--endpoint", f"{base}/query", *args)
    assert r.exit_code == 2
    assert r.stderr.startswith(f"govkg: error: {base}/query: the endpoint did not answer the query")
    assert f"redirected to another origin, {other_base}/sparql" in r.stderr
    assert "s3cret-pw" not in r.output and "tok-abc123" not in r.output
    assert [s for s in _Answer.seen if s[0] == other.server_address[1]] == []    # never reached
    sent = [auth for port, _, auth in _Answer.seen]
    assert sent and all(sent)              # the origin given did get the credentials
