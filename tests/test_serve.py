"""`govkg serve`: a read-only SPARQL endpoint (the Oxigraph server) with a query page, on
loopback; a real headless Chromium opens the page and runs the flagship query."""
import json
import os
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest

from govkg.publish import sorted_nquads
from govkg.serve import READ_ONLY, Endpoint
from govkg.store import GraphStore


@pytest.fixture(scope="module")
def served(examples_store):
    with GraphStore(examples_store, read_only=True) as s:
        before = sorted_nquads(s)
    with Endpoint(examples_store, port=0) as endpoint:
        yield endpoint
    with GraphStore(examples_store, read_only=True) as s:
        assert sorted_nquads(s) == before        # nothing a test sent changed the store


def call(url, method="GET", body=None, content_type=None, accept=None):
    req = urllib.request.Request(url, data=body, method=method)
    if content_type:
        req.add_header("Content-Type", content_type)
    if accept:
        req.add_header("Accept", accept)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def test_binds_to_loopback_by_default(served):
    assert Endpoint("x").host == "127.0.0.1"
    assert served.url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("method, path, body, ctype", [
    ("POST", "update", b"CLEAR ALL", "application/sparql-update"),
    ("POST", "sparql", b"DROP ALL", "application/sparql-update"),
    ("POST", "query", b"update=CLEAR%20ALL", "application/x-www-form-urlencoded"),
    ("GET", "query?update=CLEAR%20ALL", None, None),
    ("PUT", "store?graph=https%3A%2F%2Fw3id.org%2Fgovkg%2Fgraph%2Fontology", b"<a:s> <a:p> <a:o> .", "text/turtle"),
    ("DELETE", "store?graph=https%3A%2F%2Fw3id.org%2Fgovkg%2Fgraph%2Fontology", None, None),
])
def test_updates_and_graph_writes_are_refused(served, method, path, body, ctype):
    assert call(served.url + path, method, body, ctype) == (403, READ_ONLY)


def test_queries_are_answered(served):
    q = urllib.parse.urlencode({"query": "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a <https://w3id.org/govkg/def#Report> }"})
    status, body = call(served.url + "query?" + q, accept="application/sparql-results+json")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "4"
    status, body = call(served.url + "query", "POST", q.encode(), "application/x-www-form-urlencoded", "text/csv")
    assert status == 200 and body.splitlines() == ["n", "4"]


def test_stored_queries_are_listed_and_bound_as_rdf_terms(served):
    status, body = call(served.url + "queries")
    listed = {q["name"]: q for q in json.loads(body)}
    assert status == 200 and "villages-with-all-categories" in listed
    assert listed["villages-with-all-categories"]["example"] == {"category": ["drainage", "grassland-fencing"]}
    status, text = call(served.url + "queries/village-statements.rq?township=青石镇&village=哈日干图".replace(
        "青石镇", urllib.parse.quote("青石镇")).replace("哈日干图", urllib.parse.quote("哈日干图")))
    assert status == 200 and "VALUES ?village { <https://w3id.org/govkg/id/village/" in text
    status, text = call(served.url + "queries/villages-with-all-categories.rq?category=" +
                        urllib.parse.quote('drainage> } } DROP ALL #'))
    assert status == 400 and text.startswith("--param category: 'drainage> } } DROP ALL #' is not a valid category")
    assert call(served.url + "queries/..%2F..%2Fpyproject.rq")[0] == 400


def test_the_description_names_this_endpoint(served):
    status, body = call(served.url + ".well-known/void")
    assert status == 200 and f"void:sparqlEndpoint <{served.url}query>" in body


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def test_the_page_runs_the_flagship_query_in_headless_chromium(served, tmp_path):
    if _chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed: .ci/run installs it")
        pytest.skip("needs Chromium (.ci/run installs it)")
    link = served.url + "?" + urllib.parse.urlencode(
        [("query", "villages-with-all-categories"), ("category", "drainage"), ("category", "grassland-fencing"),
         ("run", "1")])
    dom = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=20000", "--dump-dom", link],
        capture_output=True, text=True, timeout=120, check=True).stdout
    # YASGUI's result table holds the answer: three villages, each with its township
    table = dom[dom.index('class="dataTable'):]
    for township, village in (("柳河乡", "四合"), ("白音镇", "呼和陶勒盖"), ("青石镇", "哈日干图")):
        assert f'<span class="nonIri">{township}</span>' in table
        assert f'<span class="nonIri">{village}</span>' in table
    assert 'id="q-villages-with-all-categories"' in dom      # the stored queries are listed beside it
