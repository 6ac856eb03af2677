"""The CLI, in process: exit codes and the exact one-line messages."""
import json
import zipfile

from click.testing import CliRunner

from govkg.cli import main
from govkg.publish import sorted_nquads
from govkg.store import GraphStore

from conftest import EXAMPLES

FLAGSHIP = "villages-with-all-categories"


def run(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kw)


def _corpus_with_bad_files(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes((EXAMPLES / "qingshi-2023.txt").read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "noise.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "broken.docx").write_bytes(b"PK\x03\x04garbage")
    return folder


def test_facts_prints_jsonl_with_chinese_as_is(tmp_path):
    r = run("facts", EXAMPLES / "qingshi-2023.txt")
    assert r.exit_code == 0
    lines = [json.loads(l) for l in r.stdout.splitlines()]
    assert lines[0]["type"] == "document" and lines[0]["township"] == "青石镇"
    assert "青石镇" in r.stdout                       # not \u-escaped
    assert all(l["doc"] == "qingshi-2023.txt" for l in lines)


def test_facts_csv_has_a_header_and_one_row_per_activity():
    r = run("facts", EXAMPLES / "qingshi-2023.txt", "--format", "csv")
    assert r.exit_code == 0
    rows = r.stdout.splitlines()
    assert rows[0] == "doc,township,category,status,period,villages,village_count,quantities,span_start,span_end,text"
    assert len(rows) > 10


def test_bad_files_get_one_line_each_and_the_rest_build(tmp_path):
    folder = _corpus_with_bad_files(tmp_path)
    r = run("build", folder, "--store", tmp_path / "store")
    assert r.exit_code == 1
    err = r.stderr.splitlines()
    assert err[:3] == [
        f"govkg: skipped {folder / 'broken.docx'}: is not a valid .docx (broken or truncated zip)",
        f"govkg: skipped {folder / 'empty.txt'}: the file is empty",
        f"govkg: skipped {folder / 'noise.txt'}: looks binary (contains NUL bytes), not a text report",
    ]
    assert err[3].startswith(f"built 1 report(s) into {tmp_path / 'store'}")
    assert err[3].endswith("skipped 3; quarantined 0")
    assert "Traceback" not in r.stderr


def test_facts_on_bad_files_exits_1_after_printing_the_good_ones(tmp_path):
    r = run("facts", _corpus_with_bad_files(tmp_path))
    assert r.exit_code == 1
    assert r.stderr.splitlines()[-1] == "govkg: 3 file(s) skipped"
    assert json.loads(r.stdout.splitlines()[0])["doc"] == "good.txt"


def test_unsupported_file_named_on_the_command_line(tmp_path):
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(b"%PDF")
    r = run("facts", pdf)
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == f"govkg: skipped {pdf}: unsupported file type '.pdf' (govkg reads .txt, .docx)"


def test_build_query_export(tmp_path):
    store = tmp_path / "store"
    assert run("build", EXAMPLES, "--store", store).exit_code == 0
    r = run("query", FLAGSHIP, "--store", store, "--param", "category=drainage",
            "--param", "category=grassland-fencing", "--format", "csv")
    assert r.exit_code == 0
    assert [l.split(",")[:2] for l in r.stdout.splitlines()] == [
        ["township", "village"], ["柳河乡", "四合"], ["白音镇", "呼和陶勒盖"], ["青石镇", "哈日干图"]]
    j = json.loads(run("query", FLAGSHIP, "--store", store, "--param", "category=drainage",
                       "--param", "category=grassland-fencing", "--format", "json").stdout)
    assert j["head"]["vars"] == ["township", "village", "report", "evidence"]
    assert len(j["results"]["bindings"]) == 3
    out = tmp_path / "dump.nq.gz"
    r = run("export", "--store", store, "--format", "nquads", "-o", out)
    assert r.exit_code == 0 and out.stat().st_size > 1000


def test_query_errors_are_one_line_with_what_is_allowed(tmp_path):
    store = tmp_path / "store"
    run("build", EXAMPLES, "--store", store)
    r = run("query", FLAGSHIP, "--store", store, "--param", "colour=red")
    assert r.exit_code == 2
    assert r.stderr == ("govkg: error: --param colour: query 'villages-with-all-categories' has no parameter "
                        "'colour' (its parameters: category, status, period)\n")
    r = run("query", FLAGSHIP, "--store", store, "--param", "category=drainage", "--param", "status=done")
    assert r.stderr == ("govkg: error: --param status: 'done' is not a valid status "
                        "(allowed: achieved, ongoing, planned)\n")
    r = run("query", FLAGSHIP, "--store", store)
    assert r.exit_code == 2 and "needs this parameter" in r.stderr


def test_hostile_parameter_values_are_data_and_the_store_is_unchanged(tmp_path):
    store = tmp_path / "store"
    run("build", EXAMPLES, "--store", store)
    with GraphStore(store) as s:
        before = sorted_nquads(s)
    for value in ['} ; DROP ALL ; #', 'drainage" } DROP ALL { "', "drainage>\n} INSERT DATA { <a> <b> <c> }",
                  "{}|\\^`<>"]:
        r = run("query", FLAGSHIP, "--store", store, "--param", f"category={value}")
        assert r.exit_code == 2
        assert r.stderr.startswith("govkg: error: --param category: ")
        assert "is not a valid category" in r.stderr
    with GraphStore(store) as s:
        assert sorted_nquads(s) == before


def test_validate_exit_codes_and_formats(tmp_path):
    store = tmp_path / "store"
    run("build", EXAMPLES, "--store", store)
    r = run("validate", "--store", store)
    assert r.exit_code == 0
    assert "qingshi-2023.txt: conforms" in r.stdout
    r = run("validate", "--store", store, "--format", "json")
    assert json.loads(r.stdout)["conforms"] is True
    r = run("validate", "--store", tmp_path / "nowhere")
    assert r.exit_code == 2
    assert r.stderr == f"govkg: error: {tmp_path / 'nowhere'}: no store here (run `govkg build` first)\n"


def test_remove_and_queries_listing(tmp_path):
    store = tmp_path / "store"
    run("build", EXAMPLES, "--store", store)
    r = run("remove", "baiyin-2023-h1.txt", "--store", store)
    assert r.exit_code == 0 and r.stderr.startswith("removed https://w3id.org/govkg/id/graph/report/")
    r = run("remove", "baiyin-2023-h1.txt", "--store", store)
    assert r.exit_code == 2
    assert r.stderr == "govkg: error: baiyin-2023-h1.txt: no such report in the store\n"
    r = run("queries")
    assert f"{FLAGSHIP}\tVillages that had every one of the given kinds of work" in r.stdout.splitlines()
    assert len(r.stdout.splitlines()) == 14
    r = run("query", FLAGSHIP, "--describe")
    assert "--param category=<category>" in r.stdout


def test_remove_takes_exactly_the_report_named_or_refuses(tmp_path):
    store = tmp_path / "store"
    text = (EXAMPLES / "qingshi-2023.txt").read_text(encoding="utf-8")
    for folder, extra in (("a", ""), ("b", "\n另在沙河村新建高标准农田300亩。")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "总结.txt").write_text(text + extra, encoding="utf-8")
    assert run("build", tmp_path / "a", tmp_path / "b", "--store", store).exit_code == 0
    with GraphStore(store, read_only=True) as s:
        ids = sorted(r["report"].rsplit("/", 1)[-1] for r in s.reports())
    assert len(ids) == 2
    r = run("remove", "总结.txt", "--store", store)          # the name of both
    assert r.exit_code == 2
    assert r.stderr.startswith("govkg: error: 总结.txt: names 2 reports: ")
    assert r.stderr.endswith(" (give the id of the one to remove)\n") and all(i in r.stderr for i in ids)
    common = next(n for n in range(16) if ids[0][n] != ids[1][n])
    if common >= 6:                            # a prefix both ids share is refused too
        assert run("remove", ids[0][:common], "--store", store).exit_code == 2
    with GraphStore(store, read_only=True) as s:
        a_id = next(r["report"].rsplit("/", 1)[-1] for r in s.reports()
                    if s.find_report_graphs("a/总结.txt") == [r["graph"]])
    r = run("remove", tmp_path / "a" / "总结.txt", "--store", store)     # its path names one
    assert r.exit_code == 0 and r.stderr.count("removed ") == 1
    with GraphStore(store, read_only=True) as s:
        assert [r["report"].rsplit("/", 1)[-1] for r in s.reports()] == [i for i in ids if i != a_id]
    r = run("remove", [i for i in ids if i != a_id][0], "--store", store)
    assert r.exit_code == 0 and r.stderr.count("removed ") == 1


def test_default_store_location(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GOVKG_STORE", raising=False)
    assert run("build", EXAMPLES / "qingshi-2023.txt").exit_code == 0
    assert (tmp_path / ".govkg" / "store").is_dir()
    r = run("query", FLAGSHIP, "--param", "category=drainage", "--param", "category=grassland-fencing",
            "--format", "tsv")
    assert r.stdout.splitlines()[1].split("\t")[:2] == ["青石镇", "哈日干图"]
