"""Robustness and security: bad input, hostile values, faults, exposure (SECURITY.md).

Every promise of SECURITY.md is a test here that fails if the promise is broken.
"""
import http.server
import os
import re
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.term import _is_valid_uri

from govkg import namespaces as ns
from govkg.cli import main
from govkg.errors import IngestError, PushError, QueryError
from govkg.extract import extract
from govkg.ingest import Limits, read_report, report_from_text
from govkg.map import map_facts
from govkg.pipeline import build, iter_facts
from govkg.publish import sorted_nquads
from govkg.queries import list_queries, run
from govkg.store import GraphStore
from govkg.validate import validate_graph

from conftest import EXAMPLES, ROOT, SEEDS, OxigraphServer, child_pids

HOSTILE = ['村<x>"{y}|\\^`', "换\n行村", "空\x00字", "\u200f右\u202e左村", " 空 格 ", "a%2Fb/../c", "<>", "'; DROP ALL #"]
IRI_BREAKERS = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')


def run_cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _texts():
    texts = [read_report(p).text for p in sorted(EXAMPLES.glob("*.txt"))]
    if SEEDS.is_dir():
        texts += [read_report(p).text for p in sorted(SEEDS.glob("*.txt"))]
    return [t for t in texts if t.strip()]


TEXTS = _texts()


# --- input -----------------------------------------------------------------------------------

def check_extraction(text: str) -> None:
    """extract() never raises, and every span it returns lies inside the text and is the
    statement's own text."""
    try:
        report = report_from_text("fuzz.txt", text)
    except IngestError:
        return          # nothing left once cleaned: ingest says so
    for fact in extract(report):
        if fact["type"] != "activity":
            continue
        for a, b in fact["spans"]:
            assert 0 <= a <= b <= len(report.text)
            assert report.text[a:b] == fact["text"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_the_extractor_never_raises_on_arbitrary_text(text):
    check_extraction(text)


GENRE = st.sampled_from(list("镇乡村嘎查苏木在、等个和及与至实施完成计划正在亩公里户万元亿千百十一二三四五是（）()。；，：\n 0123456789.%XＸ某")
                        + ["草原围封", "排涝工程", "高标准农田", "下一步", "工作计划", "2023年", "上半年", "合作社"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(GENRE, max_size=300).map("".join))
def test_the_extractor_never_raises_on_genre_like_noise(text):
    check_extraction(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(len(TEXTS))), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 400),
                                                               st.sampled_from(["", "、", "。", "\n", "村", "等13个嘎查",
                                                                                "万亩", "\x00", "计划"])),
                                                     max_size=8))
def test_the_extractor_never_raises_on_mutated_real_reports(i, edits):
    text = TEXTS[i]
    for pos, length, insert in edits:     # cut a slice out and put something else in
        pos %= len(text) + 1
        text = text[:pos] + insert + text[pos + length:]
    check_extraction(text)


@pytest.fixture()
def bad_corpus(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    good = (EXAMPLES / "qingshi-2023.txt").read_text(encoding="utf-8")
    (d / "青石镇 2023 总结 (定稿).txt").write_text(good, encoding="utf-8")     # spaces and Chinese
    (d / "empty.txt").write_bytes(b"")
    (d / "noise.txt").write_bytes(os.urandom(4096) + b"\x00")
    (d / "report.pdf.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\x00")
    (d / "truncated.docx").write_bytes((EXAMPLES / "liuhe-2023.docx").read_bytes()[:3000])
    with zipfile.ZipFile(d / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w:document/>" + b"\x00" * (3 * 2**20))
    (d / "latin1.txt").write_bytes("Rapport de la commune, année 2023: réalisé.".encode("latin-1") * 20)
    (d / "mixed.txt").write_bytes(good[:400].encode("utf-8") + good[400:800].encode("gb18030"))
    (d / "oneline.txt").write_text("在东升村实施排涝工程5公里，" * ONELINE_REPEATS, encoding="utf-8")   # 50 MB
    return d


ONELINE_REPEATS = 50 * 2**20 // len("在东升村实施排涝工程5公里，".encode("utf-8"))
EXPECTED_SKIPS = {
    "empty.txt": "the file is empty",
    "noise.txt": "looks binary (contains NUL bytes), not a text report",
    "report.pdf.txt": "looks binary (contains NUL bytes), not a text report",
    "truncated.docx": "is not a valid .docx (broken or truncated zip)",
    "bomb.docx": f"its parts expand to {len(b'<w:document/>') + 3 * 2**20} bytes, more than the limit of {2**20}",
    "latin1.txt": "cannot be decoded as UTF-8, UTF-16 or GB18030 (save it as UTF-8 text)",
    "mixed.txt": None,        # its byte offset is checked below
    "oneline.txt": f"has a line of {14 * ONELINE_REPEATS} characters, more than the limit of 200000 "
                   "(raise --max-line-chars to read it)",
}


def test_each_bad_file_is_one_line_and_the_rest_build(bad_corpus, tmp_path):
    store = tmp_path / "store"
    r = run_cli("build", bad_corpus, "--store", store, "--max-docx-bytes", 2**20)
    assert r.exit_code == 1
    lines = [ln for ln in r.stderr.splitlines() if not ln.startswith("govkg: build: ")]   # progress
    skipped = {}
    for line in lines[:-1]:
        m = re.match(rf"govkg: skipped {re.escape(str(bad_corpus))}/(.+?): (.*)$", line)
        assert m, line
        skipped[m.group(1)] = m.group(2)
    assert set(skipped) == set(EXPECTED_SKIPS)
    for name, reason in EXPECTED_SKIPS.items():
        if reason is not None:
            assert skipped[name] == reason, name
    assert re.fullmatch(r"mixes encodings: UTF-8 up to byte \d+, then something else \(save it as UTF-8 text\)",
                        skipped["mixed.txt"])
    assert lines[-1].startswith(f"built 1 report(s) into {store}") and lines[-1].endswith("skipped 8; quarantined 0")
    with GraphStore(store, read_only=True) as s:
        assert [x["file"] for x in s.reports()] == ["青石镇 2023 总结 (定稿).txt"]


def test_size_limits_are_options(bad_corpus):
    short = bad_corpus / "short-line.txt"
    short.write_text("在东升村实施排涝工程5公里，" * 20_000, encoding="utf-8")
    with pytest.raises(IngestError, match="has a line of 280000 characters"):
        read_report(short)
    with pytest.raises(IngestError, match=r"has 280000 characters of text, more than the limit of 200000 "
                                          r"\(a report is rarely longer\) \(raise --max-chars to read it\)"):
        read_report(short, limits=Limits(max_line_chars=10**6))
    assert len(read_report(short, limits=Limits(max_line_chars=10**6, max_chars=10**6)).text) > 250_000
    with pytest.raises(IngestError, match="more than the limit of 100"):
        read_report(bad_corpus / "青石镇 2023 总结 (定稿).txt", limits=Limits(max_bytes=100))


def test_a_small_docx_of_endless_paragraphs_is_refused_before_it_is_parsed(tmp_path):
    # 100 MiB of one-character paragraphs zip to ~350 KB; python-docx would build a tree of
    # gigabytes from it: the text is counted as it streams, and the file refused past the limit
    src, out = EXAMPLES / "liuhe-2023.docx", tmp_path / "endless.docx"
    para = "<w:p><w:r><w:t>村</w:t></w:r></w:p>".encode("utf-8")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                head, tail = data.split(b"<w:body>", 1)
                data = head + b"<w:body>" + para * (100 * 2**20 // len(para)) + tail
            zout.writestr(info, data)
    assert out.stat().st_size < 2**20
    with pytest.raises(IngestError) as got:
        read_report(out)
    assert str(got.value) == (f"{out}: has more than 200000 characters of text, the limit (a report is "
                              "rarely longer) (raise --max-chars to read it)")
    assert read_report(src, limits=Limits(max_chars=len(read_report(src).text))).text


def test_a_statement_is_bounded_however_long_the_unpunctuated_run(tmp_path):
    from govkg.extract.segment import MAX_STATEMENT_CHARS

    text = "在东升村实施排涝工程5公里" * 2000 + "。" + "红石村、" * 3000 + "沙河村实施排涝工程。"
    acts = [f for f in extract(report_from_text("run.txt", text)) if f["type"] == "activity"]
    assert sum(len(f["spans"]) for f in acts) >= 26000 // MAX_STATEMENT_CHARS    # the run, cut
    assert max(b - a for f in acts for a, b in f["spans"]) <= MAX_STATEMENT_CHARS
    assert all(text[a:b] == f["text"] for f in acts for a, b in f["spans"])
    assert {v for f in acts for v in f["villages"]} >= {"东升", "红石", "沙河"}


def test_the_folder_walk_names_links_out_broken_links_and_pipes(tmp_path):
    d, outside = tmp_path / "in", tmp_path / "elsewhere"
    d.mkdir()
    outside.mkdir()
    good = (EXAMPLES / "qingshi-2023.txt").read_bytes()
    (d / "a.txt").write_bytes(good)
    (outside / "secret.txt").write_bytes(good.replace("青石".encode(), "白石".encode()))
    (d / "b-link-inside.txt").symlink_to(d / "a.txt")
    (d / "c-link-out.txt").symlink_to(outside / "secret.txt")
    (d / "d-broken.txt").symlink_to(d / "gone.txt")
    os.mkfifo(d / "e-pipe.txt")
    store = tmp_path / "store"
    r = run_cli("build", d, "--store", store)
    assert r.exit_code == 1
    lines = [ln for ln in r.stderr.splitlines() if not ln.startswith("govkg: build: ")]   # progress
    assert lines[:-1] == [
        f"govkg: skipped {d}/c-link-out.txt: is a symbolic link to {outside.resolve()}/secret.txt, outside the "
        "folder (name that file to read it)",
        f"govkg: skipped {d}/d-broken.txt: is a broken symbolic link",
        f"govkg: skipped {d}/e-pipe.txt: is a named pipe (FIFO), not a file",
        # a link inside the folder is read: the same bytes as the file it names
        f"govkg: duplicate {d}/b-link-inside.txt: the same bytes as in/a.txt, which is built; not built again",
    ]
    assert lines[-1].endswith("skipped 3; quarantined 0; duplicates 1")
    with GraphStore(store, read_only=True) as s:
        assert {x["file"] for x in s.reports()} == {"a.txt"}
    # named by the user, a link out of a folder is read: the user chose that file
    assert run_cli("build", d / "c-link-out.txt", "--store", store).exit_code == 0


def test_control_characters_in_file_names_never_reach_a_terminal_raw(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    good = (EXAMPLES / "qingshi-2023.txt").read_bytes()
    (d / "换\n行.txt").write_bytes(b"")
    (d / "\x1b[2J\x1b]0;owned\x07青石.txt").write_bytes(good)
    store = tmp_path / "store"
    r = run_cli("build", d, "--store", store)
    assert r.exit_code == 1
    lines = [ln for ln in r.stderr.splitlines() if not ln.startswith("govkg: build: ")]
    assert lines[0] == f"govkg: skipped {d}/换\\n行.txt: the file is empty"
    assert len(lines) == 2 and "\x1b" not in r.stderr
    r = run_cli("query", "reports", "--store", store)
    assert r.exit_code == 0 and "\\x1b[2J\\x1b]0;owned\\x07青石.txt" in r.stdout and "\x1b" not in r.stdout


def test_csv_and_xlsx_cells_never_become_formulas(tmp_path):
    import openpyxl

    d = tmp_path / "in"
    d.mkdir()
    formula = '=HYPERLINK("http://evil.example/","点此")'
    (d / "f.txt").write_text("东风镇2023年工作总结\n一、主要工作\n" + formula + "在红石村实施排涝工程5公里。\n"
                             "-在沙河村新建高标准农田-300亩。\n", encoding="utf-8")
    r = run_cli("facts", d, "--format", "csv", "--register", "none")
    rows = list(__import__("csv").reader(r.stdout.splitlines()))
    texts = [row[-1] for row in rows[1:]]
    assert "'" + formula + "在红石村实施排涝工程5公里。" in texts
    assert all(not t.startswith(("=", "+", "-", "@")) for t in texts)
    store = tmp_path / "store"
    assert run_cli("build", d, "--store", store, "--register", "none").exit_code == 0
    args = ["query", "village-statements", "--store", store, "--param", "township=东风镇", "--param", "village=红石"]
    r = run_cli(*args, "--format", "csv")
    assert r.exit_code == 0, r.output
    cells = [c for row in __import__("csv").reader(r.stdout.splitlines()) for c in row if formula in c]
    assert cells and all(c.startswith("'=") for c in cells)
    out = tmp_path / "v.xlsx"
    assert run_cli(*args, "--format", "xlsx", "-o", out).exit_code == 0
    cells = [c for row in openpyxl.load_workbook(out).active.iter_rows() for c in row
             if isinstance(c.value, str) and formula in c.value]
    assert cells and all(c.data_type == "s" for c in cells)


def test_a_folder_of_thousands_of_files(tmp_path):
    d = tmp_path / "many"
    d.mkdir()
    for i in range(3000):
        (d / f"{i:04d}.txt").write_bytes(b"")
    (d / "0500.txt").write_text((EXAMPLES / "qingshi-2023.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (d / "ignored.png").write_bytes(b"\x89PNG")
    items = list(iter_facts([d], register=None))
    assert len(items) == 3000
    assert sum(1 for x in items if isinstance(x, tuple)) == 1


# --- injection -------------------------------------------------------------------------------

def hostile_facts():
    """The facts of a real example with every name a hostile string."""
    report = read_report(EXAMPLES / "qingshi-2023.txt")
    facts = extract(report)
    names = iter(HOSTILE * 50)
    doc = facts[0]
    doc["township"], doc["county"], doc["doc"] = next(names), next(names), next(names)
    for f in facts[1:]:
        f["township"], f["doc"] = doc["township"], doc["doc"]
        f["villages"] = [next(names) for _ in f["villages"]]
        f["village_forms"] = list(f["villages"])
        for o in f.get("organisations") or []:
            o["name"] = next(names)
    return facts


def test_hostile_names_cannot_break_an_iri_or_a_literal():
    facts = hostile_facts()
    triples = map_facts(facts)
    iris = {t.value for tr in triples for t in (tr.subject, tr.predicate, tr.object) if isinstance(t, ox.NamedNode)}
    assert iris and not [i for i in iris if IRI_BREAKERS.search(i) or not _is_valid_uri(i)]
    literals = {tr.object.value for tr in triples if isinstance(tr.object, ox.Literal)}
    assert set(HOSTILE) <= literals          # names arrive as they were, as data
    assert sum(1 for tr in triples if tr.predicate.value == ns.GW + "place") >= 20
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert len(list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))) == len(triples)
    assert len(rdflib.Graph().parse(data=data.decode("utf-8"), format="nt")) == len(triples)
    validate_graph(triples)       # runs; findings are data


def test_a_register_csv_cannot_put_a_hostile_code_into_an_iri(tmp_path):
    from govkg.errors import ResourceError
    from govkg.register import _csv_entries

    reg = tmp_path / "reg.csv"
    reg.write_text('code,name,level,parent\n"15 05>x",通辽市,2,\n', encoding="utf-8")
    with pytest.raises(ResourceError, match=r"reg.csv:2: '15 05>x' is not a register code"):
        _csv_entries(reg)


def test_a_hostile_base_is_refused(tmp_path):
    r = run_cli("build", EXAMPLES, "--store", tmp_path / "s", "--base", 'https://x.org/a"b/')
    assert r.exit_code == 2
    assert r.stderr.startswith("govkg: error: --base: 'https://x.org/a\"b/' is not an http(s) IRI ending in / or #")


@pytest.mark.parametrize("query", [q.name for q in list_queries()])
def test_every_parameter_of_every_query_stays_data(examples_store, query):
    hostile = '2023" } } DELETE WHERE { ?s ?p ?o } #'
    with GraphStore(examples_store, read_only=True) as s:
        before = sorted_nquads(s)
        q = next(x for x in list_queries() if x.name == query)
        for p in q.params:
            params = {x.name: ["drainage"] for x in q.params if x.required and x.type == "category"}
            params[p.name] = [hostile]
            try:
                rows = run(q, s, params)
            except QueryError as e:
                assert e.where == f"--param {p.name}" or e.where.startswith("--param"), e.message
                continue
            assert p.type == "string" or not len(rows), (p.name, p.type)
        assert sorted_nquads(s) == before


# --- faults ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    out = tmp_path_factory.mktemp("generated")
    generate(out, 120, seed=3)
    return out / "reports"


def test_a_build_killed_with_sigkill_leaves_whole_reports_and_a_rerun_completes(generated, tmp_path):
    store = tmp_path / "store"
    proc = subprocess.Popen([sys.executable, "-m", "govkg.cli", "build", str(generated), "--store", str(store),
                             "--register", "none"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(7)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    files = sorted(p for p in generated.iterdir() if p.suffix in (".txt", ".docx"))
    with GraphStore(store, read_only=True) as s:
        loaded = {r["file"]: r["graph"] for r in s.reports()}
        assert 0 < len(loaded) < len(files), "the kill should land part way"
        for name, graph in loaded.items():        # each loaded report is whole
            facts = extract(read_report(generated / name))
            assert {str(t) for t in s.graph_triples(graph)} == {str(t) for t in map_facts(facts)}
    summary = build([generated], store, register=None)
    # the rerun reads only what the killed build had not loaded
    assert summary.ok and len(summary.built) == len(files) - len(loaded) and len(summary.unchanged) == len(loaded)
    reference = tmp_path / "reference"
    build([generated], reference, register=None)
    with GraphStore(store, read_only=True) as a, GraphStore(reference, read_only=True) as b:
        data = [g for g in b.named_graphs() if g != ns.DESCRIPTION_GRAPH]
        assert sorted_nquads(a, data) == sorted_nquads(b, data)


def die_on_marked(item):
    """A worker's work that dies outright (as a crash or the OOM killer would) on one file."""
    from govkg.pipeline import _worker_prepare

    if "kills-its-worker" in item[0].name:
        os._exit(70)
    return _worker_prepare(item)


def test_a_worker_that_dies_names_its_report_as_skipped_and_the_rest_build(tmp_path):
    from govkg.pipeline import WORKER_DIED, Options, Prepared, Skipped, _prepared

    files = []
    for i, src in enumerate(sorted(EXAMPLES.glob("*.txt")) * 2):
        dst = tmp_path / f"{i:02d}-{src.name}"
        dst.write_bytes(src.read_bytes())
        files.append(dst)
    killer = tmp_path / "05-kills-its-worker.txt"
    files[5].rename(killer)
    files[5] = killer
    opts = Options(ns.DEFAULT_BASE, True, Limits(), None, None)
    got = list(_prepared([(f, f.name) for f in files], opts, 2, work=die_on_marked))
    assert [g.path if isinstance(g, Skipped) else g.report.source for g in got] == [str(f) for f in files]
    assert [(g.path, g.reason) for g in got if isinstance(g, Skipped)] == [(str(killer), WORKER_DIED)]
    assert sum(isinstance(g, Prepared) for g in got) == len(files) - 1


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_killing_a_build_with_jobs_leaves_no_worker_behind(generated, tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "govkg.cli", "build", str(generated), "--store",
                             str(tmp_path / "store"), "--register", "none", "--jobs", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(children := child_pids(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(2)
    children = child_pids(proc.pid)
    assert len(children) >= 2, "the workers should be running"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15
    while any(_alive(c) for c in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [c for c in children if _alive(c)] == []


def test_a_second_writer_gets_store_in_use(tmp_path):
    store = tmp_path / "store"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom govkg.store import GraphStore\n"
                               f"s = GraphStore({str(store)!r})\nprint('open', flush=True)\ntime.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        r = run_cli("build", EXAMPLES, "--store", store)
        assert r.exit_code == 2
        assert r.stderr == f"govkg: error: {store}: store in use by another govkg process (wait for it to finish)\n"
    finally:
        holder.kill()
        holder.wait()
    assert run_cli("build", EXAMPLES, "--store", store).exit_code == 0


def test_a_push_to_a_server_that_dies_mid_way_leaves_no_partial_graph(examples_store, tmp_path, monkeypatch):
    from govkg import push as push_module
    from govkg.push import Target, push, remote_quad_count

    local = tmp_path / "local" / "store"
    import shutil

    shutil.copytree(examples_store, local)
    server = OxigraphServer(tmp_path / "remote").start()
    target = Target(f"{server.base}/store", f"{server.base}/update", atomic=True)
    real_send = push_module._Client.send
    seen = []

    def dying_send(self, method, url, body=None, content_type=None, ok_missing=False):
        seen.append(method)
        if method == "POST" and seen.count("POST") == 4:
            server.stop()     # the 4th graph is staged; the server dies before it is swapped in
        return real_send(self, method, url, body, content_type, ok_missing)

    monkeypatch.setattr(push_module._Client, "send", dying_send)
    with pytest.raises(PushError) as e:
        push(local, target, retries=1, backoff=0.05)
    assert len(e.value.pushed) == 3
    monkeypatch.setattr(push_module._Client, "send", real_send)
    server.start()
    with GraphStore(local, read_only=True) as s:
        local_graphs = {g: {str(q.triple) for q in s.quads(g)} for g in s.named_graphs()}

    def remote_graphs() -> dict[str, set]:
        from govkg.queries import EndpointBackend

        cols, rows = EndpointBackend(f"{server.base}/query").select(
            "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", "remote")
        out: dict[str, set] = {}
        for g, s_, p, o in rows:
            out.setdefault(g.value, set()).add(str(ox.Triple(s_, p, o)))
        return out

    try:
        for g, triples in remote_graphs().items():
            if g.startswith(push_module.STAGING):
                continue
            assert triples == local_graphs[g], f"{g} is partial"
        rest = push(local, target)
        assert len(rest.pushed) == len(local_graphs) - 3
        remote = remote_graphs()
        assert not [g for g in remote if g.startswith(push_module.STAGING)]
        assert remote == local_graphs
        assert remote_quad_count(f"{server.base}/query") == sum(len(v) for v in local_graphs.values())
    finally:
        server.stop()


def test_a_staging_graph_left_by_a_dead_server_is_dropped_once_its_report_is_gone(examples_store, tmp_path,
                                                                                  monkeypatch):
    import shutil

    from govkg import push as push_module
    from govkg.pipeline import remove
    from govkg.push import Target, push

    local = tmp_path / "local" / "store"
    shutil.copytree(examples_store, local)
    server = OxigraphServer(tmp_path / "remote").start()
    target = Target(f"{server.base}/store", f"{server.base}/update", atomic=True)
    real_send = push_module._Client.send
    calls = []

    def dying_send(self, method, url, body=None, content_type=None, ok_missing=False):
        calls.append(method)
        if method == "POST" and b"graph%2Freport%2F" in body and "report" not in calls:
            calls.append("report")
            server.stop()     # a report's graph is staged; the server dies before it is swapped in
        return real_send(self, method, url, body, content_type, ok_missing)

    monkeypatch.setattr(push_module._Client, "send", dying_send)
    with pytest.raises(PushError) as e:
        push(local, target, retries=0)
    monkeypatch.setattr(push_module._Client, "send", real_send)
    staged = e.value.not_pushed[0]
    assert staged != ns.DESCRIPTION_GRAPH, e.value.not_pushed
    assert remove(staged, local) == [staged]          # the report is removed locally meanwhile
    server.start()
    try:
        def graphs():
            from govkg.queries import EndpointBackend

            _, rows = EndpointBackend(f"{server.base}/query").select(
                "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "remote")
            return {r[0].value for r in rows}

        assert any(g.startswith(push_module.STAGING) for g in graphs())     # what the failure left
        push(local, target)
        left = graphs()
        assert staged not in left and not [g for g in left if g.startswith(push_module.STAGING)]
    finally:
        server.stop()


# --- exposure --------------------------------------------------------------------------------

@pytest.fixture()
def watcher():
    """An HTTP server on 127.0.0.1 that counts the requests it gets."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/turtle")
            self.end_headers()
            self.wfile.write(b"<urn:a> <urn:b> <urn:c> .\n")

        def log_message(self, *a):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()


def test_no_command_fetches_imports_contexts_or_linked_parts(watcher, tmp_path):
    url, hits = watcher
    extra = tmp_path / "extra.ttl"
    extra.write_text(f"<urn:x> <http://www.w3.org/2002/07/owl#imports> <{url}/imported.ttl> .\n"
                     f"<urn:x> a <http://www.w3.org/2002/07/owl#Ontology> .\n", encoding="utf-8")
    run_cli("ontology", "check", "--no-store", "--with", extra)
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    d = docx.Document()
    p = d.add_paragraph("青石镇2023年工作总结 见 ")
    p.part.relate_to(f"{url}/linked.png", RT.IMAGE, is_external=True)
    p.part.relate_to(f"{url}/page", RT.HYPERLINK, is_external=True)
    d.save(str(tmp_path / "linked.docx"))
    (tmp_path / "ctx.txt").write_text(f"青石镇2023年工作总结\n详见 {url}/context.jsonld 与 {url}/x.ttl\n", encoding="utf-8")
    assert run_cli("build", tmp_path / "linked.docx", tmp_path / "ctx.txt", "--store", tmp_path / "s").exit_code in (0, 1)
    run_cli("export", "--store", tmp_path / "s", "--format", "jsonld", "-o", tmp_path / "d.jsonld")
    assert hits == []


def test_serve_is_loopback_and_read_only_by_default():
    from govkg.serve import Endpoint

    assert Endpoint("x").host == "127.0.0.1"
    r = run_cli("serve", "--help")
    assert "[default: 127.0.0.1]" in r.stdout


def test_security_md_states_each_promise_and_its_test():
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    tests = set(re.findall(r"def (test_\w+)", Path(__file__).read_text(encoding="utf-8")))
    named = set(re.findall(r"`(test_\w+)`", text))
    assert named and named <= tests | set(re.findall(r"def (test_\w+)", "".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py"))))
