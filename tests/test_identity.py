"""A report keeps its identity across edits (issue 16): named by its source, versioned by its
bytes; rebuilds are incremental; copies are named as duplicates; reports gone from the
folder are listed and dropped on request; stores named by content are migrated."""
import re
import shutil

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from govkg import namespaces as ns
from govkg.cli import main
from govkg.errors import QueryError
from govkg.extract import extract
from govkg.ingest import read_report
from govkg.map import map_facts
from govkg.pipeline import build
from govkg.queries import list_queries, run
from govkg.store import GraphStore, report_graph

from conftest import EXAMPLES


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture()
def folder(tmp_path):
    """A copy of the bundled examples, free to edit."""
    out = tmp_path / "reports"
    shutil.copytree(EXAMPLES, out)
    return out


def _edit_one_figure(path):
    text = path.read_text(encoding="utf-8")
    edited = re.sub(r"(\d+)户", lambda m: f"{int(m.group(1)) + 1}户", text, count=1)
    assert edited != text
    path.write_text(edited, encoding="utf-8")


def _answers(store):
    """Every stored query's rows, run with its example parameters."""
    from govkg.serve import example_params

    out = {}
    with GraphStore(store, read_only=True) as s:
        for q in list_queries():
            for example in q.examples or [""]:
                try:
                    answer = sorted(map(str, run(q, s, example_params(example) if example else {}).rows))
                except QueryError as e:         # an example naming a place of the seeds
                    answer = [e.message]
                out[q.name, example] = answer
    return out


def test_an_edited_report_replaces_its_graph_and_every_answer_equals_a_fresh_build(folder, tmp_path):
    store = tmp_path / "store"
    assert build([folder], store, register=None).ok
    _edit_one_figure(folder / "qingshi-2023.txt")
    summary = build([folder], store, register=None)
    assert [b.file for b in summary.built] == [str(folder / "qingshi-2023.txt")]   # that file alone
    assert len(summary.unchanged) == 3
    fresh = tmp_path / "fresh"
    build([folder], fresh, register=None)
    with GraphStore(store, read_only=True) as s:
        assert sorted(r["file"] for r in s.reports()) == sorted(p.name for p in folder.iterdir())
        assert len(s.reports()) == 4                   # one graph for the edited file
    assert _answers(store) == _answers(fresh)
    r = cli("remove", folder / "qingshi-2023.txt", "--store", store)
    assert r.exit_code == 0 and r.stderr.count("removed ") == 1
    with GraphStore(store, read_only=True) as s:
        assert len(s.reports()) == 3


def test_the_description_records_each_version_and_what_it_replaced(folder, tmp_path):
    store = tmp_path / "store"
    build([folder], store, register=None)
    path = folder / "qingshi-2023.txt"
    old = read_report(path).file_sha256
    _edit_one_figure(path)
    new = read_report(path).file_sha256
    build([folder], store, register=None)
    graph = report_graph(read_report(path).id)
    with GraphStore(store, read_only=True) as s:
        q = f"""SELECT ?v ?old ?m WHERE {{ GRAPH <{ns.DESCRIPTION_GRAPH}> {{ <{graph}> <{ns.OWL}versionInfo> ?v ;
                <{ns.GW}replacedVersion> ?old ; <{ns.DCT}modified> ?m }} }}"""
        got = [(row["v"].value, row["old"].value) for row in s.query(q)]
    assert got == [(new, old)]


def test_a_byte_identical_copy_is_a_duplicate_of_the_first(folder, tmp_path):
    store = tmp_path / "store"
    shutil.copy(folder / "qingshi-2023.txt", folder / "副本-qingshi.txt")
    r = cli("build", folder, "--store", store, "--register", "none")
    assert r.exit_code == 0, r.output
    assert f"govkg: duplicate {folder / '副本-qingshi.txt'}: the same bytes as reports/qingshi-2023.txt, " \
           "which is built; not built again" in r.stderr
    assert "duplicates 1" in r.stderr
    with GraphStore(store, read_only=True) as s:
        files = sorted(r["file"] for r in s.reports())
    assert files == ["baiyin-2023-h1.txt", "baiyin-2023-h2.txt", "liuhe-2023.docx", "qingshi-2023.txt"]


def test_reports_gone_from_the_folder_are_named_and_pruned_on_request(folder, tmp_path):
    store = tmp_path / "store"
    build([folder], store, register=None)
    (folder / "baiyin-2023-h2.txt").unlink()
    r = cli("build", folder, "--store", store, "--register", "none")
    assert r.exit_code == 0
    assert "govkg: 1 report(s) in the store were not among the files given (kept; --prune drops them): " \
           "reports/baiyin-2023-h2.txt" in r.stderr
    with GraphStore(store, read_only=True) as s:
        assert len(s.reports()) == 4
    r = cli("build", folder, "--store", store, "--register", "none", "--prune")
    assert "govkg: dropped 1 report(s) whose file was not given: reports/baiyin-2023-h2.txt" in r.stderr
    with GraphStore(store, read_only=True) as s:
        assert sorted(r["file"] for r in s.reports()) == sorted(p.name for p in folder.iterdir())


def test_unchanged_reports_are_not_read_again_unless_forced(folder, tmp_path):
    store = tmp_path / "store"
    cli("build", folder, "--store", store, "--register", "none")
    r = cli("build", folder, "--store", store, "--register", "none")
    assert r.stderr.strip().endswith("(0 triples, 0 warning(s)); unchanged 4; skipped 0; quarantined 0")
    r = cli("build", folder, "--store", store, "--register", "none", "--force")
    assert "built 4 report(s)" in r.stderr and "unchanged 0" in r.stderr


def test_another_base_rebuilds_everything(folder, tmp_path):
    store = tmp_path / "store"
    cli("build", folder, "--store", store, "--register", "none")
    r = cli("build", folder, "--store", store, "--register", "none", "--base", "https://data.example.cn/kg/")
    assert "govkg: rebuilt every report: govkg, --base, the register or the review file changed" in r.stderr
    assert "built 4 report(s)" in r.stderr
    with GraphStore(store, read_only=True) as s:
        assert all(r["graph"].startswith("https://data.example.cn/kg/") for r in s.reports())
        assert len(s.reports()) == 4


def test_a_store_named_by_content_is_migrated(folder, tmp_path):
    store = tmp_path / "store"
    report = read_report(folder / "qingshi-2023.txt", key="")     # as govkg named it before
    assert report.id == report.sha256[:16]
    with GraphStore(store) as s:
        s.load_vocabularies()
        s.replace_graph_data(report_graph(report.id),
                             ox.serialize(map_facts(extract(report)), format=ox.RdfFormat.N_TRIPLES))
    r = cli("build", folder, "--store", store, "--register", "none")
    assert "govkg: 1 report(s) named by their content until now are named by their source path" in r.stderr
    with GraphStore(store, read_only=True) as s:
        assert len(s.reports()) == 4
        assert report_graph(report.id) not in s.named_graphs()


def test_a_report_keeps_its_id_when_its_text_changes(folder):
    a = read_report(folder / "qingshi-2023.txt")
    _edit_one_figure(folder / "qingshi-2023.txt")
    b = read_report(folder / "qingshi-2023.txt")
    assert a.key == b.key == "reports/qingshi-2023.txt"
    assert a.id == b.id and a.sha256 != b.sha256 and a.file_sha256 != b.file_sha256
