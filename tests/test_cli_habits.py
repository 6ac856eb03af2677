"""Exports and command-line habits: JSON-LD with a context, -o -, closed pipes, progress on a
pipe, warnings named, the answering store named, tables on pipes and terminals, spreadsheets."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from govkg import namespaces as ns
from govkg.cli import main
from govkg.pipeline import BuildSummary, Built
from govkg.publish import export
from govkg.store import GraphStore
from govkg.validate import Finding

from conftest import EXAMPLES

GOVKG = Path(sys.executable).with_name("govkg")


def run(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kw)


def store_quads(path):
    with GraphStore(path, read_only=True) as store:
        data = ox.serialize(store.quads(), format=ox.RdfFormat.N_QUADS).decode("utf-8")
    ds = rdflib.Dataset()
    ds.parse(data=data, format="nquads")
    return {(s, p, o, str(g)) for s, p, o, g in ds.quads((None, None, None, None))
            if str(g) != "urn:x-rdflib:default"}


def test_jsonld_is_compacted_with_our_context_and_keeps_every_named_graph(examples_store, tmp_path):
    out = tmp_path / "d.jsonld"
    with GraphStore(examples_store, read_only=True) as store:
        n = export(store, "jsonld", out)
        graphs = store.named_graphs()
    text = out.read_text(encoding="utf-8")
    doc = json.loads(text)
    assert doc["@context"]["gw"] == ns.GW and doc["@context"]["data"] == ns.DEFAULT_BASE
    assert sorted(rdflib.URIRef(g["@id"].replace("data:", ns.DEFAULT_BASE)) for g in doc["@graph"]) == \
        sorted(rdflib.URIRef(g) for g in graphs)
    assert "\n" in text and "哈日干图" in text and '"gw:category"' in text       # readable, compacted
    ds = rdflib.Dataset()
    ds.parse(data=text, format="json-ld")
    got = {(s, p, o, str(g)) for s, p, o, g in ds.quads((None, None, None, None))}
    want = store_quads(examples_store)
    assert got == want and n == len(want)


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "nquads", "trig", "jsonld"])
def test_output_dash_is_standard_output(examples_store, tmp_path, monkeypatch, fmt):
    monkeypatch.chdir(tmp_path)
    r = run("export", "--store", examples_store, "--format", fmt, "-o", "-")
    assert r.exit_code == 0
    assert not (tmp_path / "-").exists()
    assert r.stderr.strip().endswith("to standard output")
    syntax = {"turtle": "turtle", "ntriples": "nt", "nquads": "nquads", "trig": "trig", "jsonld": "json-ld"}[fmt]
    if fmt in ("nquads", "trig", "jsonld"):
        ds = rdflib.Dataset()
        ds.parse(data=r.stdout, format=syntax)
        assert {str(g) for *_, g in ds.quads((None, None, None, None))} >= {ns.ONTOLOGY_GRAPH, ns.DESCRIPTION_GRAPH}
    else:
        assert len(rdflib.Graph().parse(data=r.stdout, format=syntax)) > 1000


def test_turtle_declares_a_data_prefix_and_says_the_graphs_are_merged(examples_store, tmp_path):
    out = tmp_path / "d.ttl"
    with GraphStore(examples_store, read_only=True) as store:
        export(store, "turtle", out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# govkg dataset in Turtle: the triples of every graph of the store, merged")
    assert "TriG or N-Quads" in text.split("@prefix")[0]
    assert f"@prefix data: <{ns.DEFAULT_BASE}>" in text and "\ndata:" in text


def test_a_closed_pipe_ends_the_command_quietly():
    proc = subprocess.run(f"'{GOVKG}' facts '{EXAMPLES}' | head -n 1", shell=True, capture_output=True,
                          text=True, executable="/bin/bash")
    assert proc.stdout.startswith('{"type": "document"')
    assert proc.stderr == ""
    status = subprocess.run(f"set -o pipefail; '{GOVKG}' facts '{EXAMPLES}' | head -c 10 >/dev/null",
                            shell=True, executable="/bin/bash")
    assert status.returncode == 141


def _build_piped(tmp_path, *extra, seconds="0"):
    env = dict(os.environ, GOVKG_PROGRESS_SECONDS=seconds)
    # --force: the same store each time, and progress is about reports read
    return subprocess.run([str(GOVKG), "build", str(EXAMPLES), "--store", str(tmp_path / "s"), "--force", *extra],
                          capture_output=True, text=True, env=env)


def test_progress_without_a_terminal_is_a_line_per_interval_and_quiet_silences_it(tmp_path):
    proc = _build_piped(tmp_path)
    lines = [x for x in proc.stderr.splitlines() if x.startswith("govkg: build: ")]
    assert proc.returncode == 0 and len(lines) == 4, proc.stderr
    assert lines[-1].startswith("govkg: build: 4/4 reports (100%), ") and "/s, " in lines[-1]
    assert lines[-1].rsplit("last ", 1)[1] in {p.name for p in EXAMPLES.iterdir()}
    assert _build_piped(tmp_path, seconds="3600").stderr.count("govkg: build: ") == 0   # not before the interval
    quiet = _build_piped(tmp_path, "--quiet")
    assert "govkg: build: " not in quiet.stderr and quiet.stderr.startswith("built 4 report(s)")


def test_the_build_summary_names_each_warning(tmp_path, monkeypatch):
    warning = Finding("Warning", "https://w3id.org/govkg/id/report/x", "青石镇2023年工作总结", None, "村级数字大于…",
                      "A village-level figure is larger than the township total of the same statement", None,
                      sentence="全镇新修道路2公里，其中东风村3公里。")
    summary = BuildSummary()
    summary.built = [Built("qingshi-2023.txt", "x", "g", 10, [warning] * 23)]
    monkeypatch.setattr("govkg.pipeline.build", lambda *a, **k: summary)
    r = run("build", EXAMPLES, "--store", tmp_path / "s", "--quiet")
    lines = r.stderr.splitlines()
    assert lines[0] == ("govkg: warning: qingshi-2023.txt: 青石镇2023年工作总结: A village-level figure is larger "
                        "than the township total of the same statement 「全镇新修道路2公里，其中东风村3公里。」")
    assert sum(x.startswith("govkg: warning: ") for x in lines) == 20
    assert lines[20] == "govkg: … and 3 more warning(s); `govkg validate` lists them all"
    assert "23 warning(s)" in lines[21]


def test_every_query_names_the_store_that_answered_on_stderr(examples_store):
    for fmt in ("table", "csv", "json"):
        r = run("query", "reports", "--store", examples_store, "--format", fmt)
        assert r.stderr == f"govkg: 4 row(s) from store {examples_store}\n"
        assert str(examples_store) not in r.stdout


def test_a_table_on_a_pipe_is_plain_text_and_never_cut(examples_store):
    r = run("query", "village-statements", "--store", examples_store, "--param", "village=哈日干图",
            "--param", "township=青石镇")
    lines = r.stdout.splitlines()
    assert r.exit_code == 0 and not any(ch in r.stdout for ch in "┃│━…")
    assert lines[0].split() == ["period", "category_label", "status_label", "quantities", "report", "evidence"]
    from rich.cells import cell_len
    at = lines[1].index("qingshi-2023.txt")
    assert cell_len(lines[1][:at]) == lines[0].index("report")                   # aligned by display width
    assert any("今年对哈日干图、塔林宝力格、东升等4个嘎查村实施排涝工程18.5公里，新修排水渠6条。" in x for x in lines)


@pytest.mark.skipif(shutil.which("script") is None, reason="needs util-linux script for a terminal")
def test_a_table_on_a_terminal_wraps_and_a_long_one_goes_to_the_pager(examples_store, tmp_path):
    paged = tmp_path / "paged.txt"
    env = dict(os.environ, COLUMNS="60", LINES="10", PAGER=f"cat > '{paged}'", TERM="xterm")
    cmd = f"'{GOVKG}' query reports --store '{examples_store}'"
    subprocess.run(["script", "-qec", cmd, str(tmp_path / "typescript")], env=env, check=True,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    table = paged.read_text(encoding="utf-8")
    assert "┃" in table and "…" not in table                        # a terminal table, folded
    assert max(len(x) for x in table.splitlines()) <= 60
    assert "".join(x.split("│")[1].strip() for x in table.splitlines() if x.startswith("│")).startswith(
        "baiyin-2023-h1.txt")                                           # the name whole, across lines
    paged.unlink()
    subprocess.run(["script", "-qec", cmd + " --no-pager", str(tmp_path / "typescript")], env=env, check=True,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    assert not paged.exists()


def test_spreadsheet_outputs(examples_store, tmp_path):
    import openpyxl

    r = run("query", "reports", "--store", examples_store, "--format", "csv", "--bom")
    assert r.stdout.startswith("\ufefffile,township,")
    assert not run("query", "reports", "--store", examples_store, "--format", "csv").stdout.startswith("\ufeff")
    out = tmp_path / "r.xlsx"
    r = run("query", "reports", "--store", examples_store, "--format", "xlsx", "-o", out)
    assert r.exit_code == 0 and r.stderr.endswith(f"; wrote {out}\n")
    ws = openpyxl.load_workbook(out).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][:3] == ["file", "township", "county"] and len(rows) == 5
    assert {r[0] for r in rows[1:]} == {p.name for p in EXAMPLES.iterdir()}
    assert all(isinstance(r[-1], int) for r in rows[1:])              # numbers stay numbers
    facts = run("facts", EXAMPLES, "--format", "csv", "--bom")
    assert facts.stdout.startswith("\ufeffdoc,township,")
