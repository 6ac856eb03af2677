"""Analysts' corrections (issue 16): kept with the store, applied on every build, named by
quoted text, each problem a line naming file and line, provenance queryable."""
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from govkg.cli import main
from govkg.corrections import corrections_path
from govkg.queries import run
from govkg.store import GraphStore

from conftest import EXAMPLES

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = "report,field,exact,prefix,suffix,value,note\n"


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture()
def built(tmp_path):
    folder = tmp_path / "reports"
    shutil.copytree(EXAMPLES, folder)
    store = tmp_path / "store"
    assert cli("build", folder, "--store", store, "--register", "none").exit_code == 0
    return folder, store


def _rows(store, name, **params):
    with GraphStore(store, read_only=True) as s:
        return run(name, s, {k: [v] for k, v in params.items()}).rows


def _statement(store, sentence):
    q = f"""PREFIX gw: <https://w3id.org/govkg/def#> PREFIX oa: <http://www.w3.org/ns/oa#>
    PREFIX qudt: <http://qudt.org/schema/qudt/>
    SELECT ?status ?cat (GROUP_CONCAT(DISTINCT STR(?n); separator=" ") AS ?figures) WHERE {{ GRAPH ?g {{
      ?s gw:evidence/oa:hasSelector/oa:exact "{sentence}"@zh ; gw:status ?status ; gw:category ?cat .
      OPTIONAL {{ ?s gw:quantity/qudt:numericValue ?n }} }} }} GROUP BY ?status ?cat"""
    with GraphStore(store, read_only=True) as s:
        return [(r["status"].value.rsplit("/", 1)[-1], r["cat"].value.rsplit("/", 1)[-1],
                 " ".join(sorted(r["figures"].value.split(), key=float))) for r in s.query(q)]


SENTENCE = "投入资金260万元，完成东升村至永丰村通村道路硬化6.8公里。"


def test_corrections_are_kept_with_the_store_and_applied_on_every_build(built):
    folder, store = built
    assert _statement(store, SENTENCE) == [("achieved", "road-hardening", "6.8 2600000")]
    for args in (["status", "通村道路硬化6.8公里", "ongoing"], ["quantity-value", "6.8公里", "7.2"],
                 ["category", "通村道路硬化", "drainage"]):
        r = cli("correct", "qingshi-2023.txt", *args, "--store", store)
        assert r.exit_code == 0, r.output
    assert corrections_path(store).read_bytes().startswith(b"\xef\xbb\xbf")     # opens in Excel
    r = cli("build", folder, "--store", store, "--register", "none")
    assert r.exit_code == 0, r.output
    assert "built 1 report(s)" in r.stderr                  # only the corrected report
    assert _statement(store, SENTENCE) == [("ongoing", "drainage", "7.2 2600000")]
    got = _rows(store, "corrections")
    assert [(row["field"], row["was"], row["value"], row["line"]) for row in got] == [
        ("status", "achieved", "ongoing", 2), ("quantity-value", "6.8", "7.2", 3),
        ("category", "road-hardening", "drainage", 4)]
    assert {row["evidence"] for row in got} == {SENTENCE}
    # a later build without any option, and one that reads everything again, keep them
    cli("build", folder, "--store", store, "--register", "none", "--force")
    assert _statement(store, SENTENCE) == [("ongoing", "drainage", "7.2 2600000")]
    assert [row["field"] for row in _rows(store, "corrections", field="category")] == ["category"]


def test_a_correction_survives_an_edit_elsewhere_in_the_file(built):
    folder, store = built
    cli("correct", "qingshi-2023.txt", "status", "通村道路硬化6.8公里", "planned", "--store", store)
    path = folder / "qingshi-2023.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("全镇玉米面积稳定在12.6万亩", "全镇玉米面积稳定在12.7万亩"),
                    encoding="utf-8")
    r = cli("build", folder, "--store", store, "--register", "none")
    assert r.exit_code == 0, r.output
    assert _statement(store, SENTENCE)[0][0] == "planned"


ORG_SENTENCE = ("全年引进项目3个，与赤峰绿源农牧业有限公司签订招商引资合同，投资总额达2800万元，"
                "在塔林宝力格嘎查建设饲草加工厂，目前已完成主体工程。")


def _graph_facts(store):
    """What the corrected statements and report say in the graph."""
    pre = "PREFIX gw: <https://w3id.org/govkg/def#> PREFIX oa: <http://www.w3.org/ns/oa#> " \
          "PREFIX qudt: <http://qudt.org/schema/qudt/> PREFIX dct: <http://purl.org/dc/terms/> "
    with GraphStore(store, read_only=True) as s:
        def values(q):
            return sorted(tuple(str(v.value) if v is not None else None for v in row) for row in s.query(pre + q))
        return {
            "road": values(f"""SELECT ?st ?per ?cat ?n ?u WHERE {{ GRAPH ?g {{ ?x gw:evidence/oa:hasSelector/oa:exact
                "{SENTENCE}"@zh ; gw:status ?st ; gw:period/gw:periodCode ?per ; gw:category ?cat ;
                gw:quantity ?q . ?q qudt:numericValue ?n ; qudt:unit ?u }} }}"""),
            "orgs": values(f"""SELECT ?cat ?name WHERE {{ GRAPH ?g {{ ?x gw:evidence/oa:hasSelector/oa:exact
                "{ORG_SENTENCE}"@zh ; gw:category ?cat . OPTIONAL {{ ?x gw:organisation/gw:name ?name }} }} }}"""),
            "report": values("""SELECT ?town ?county ?per ?kind WHERE { GRAPH ?g { ?r a gw:Report ;
                gw:fileName "qingshi-2023.txt" ; gw:issuedBy ?t ; gw:period/gw:periodCode ?per ; gw:reportKind ?kind .
                ?t gw:name ?town . OPTIONAL { ?t gw:inCounty/gw:name ?county } } }"""),
        }


def test_every_kind_of_correction_changes_the_graph_and_survives_a_rebuild_without_any_flag(built):
    folder, store = built
    before = _graph_facts(store)
    assert [r[:3] for r in before["road"]][0] == ("https://w3id.org/govkg/def/status/achieved", "2023",
                                                 "https://w3id.org/govkg/def/category/road-hardening")
    assert len(before["orgs"]) == 2            # one sentence, two works, one organisation
    for args in (["period", "通村道路硬化6.8公里", "2024"], ["quantity-unit", "6.8公里", "m"],
                 ["status", "通村道路硬化6.8公里", "planned"],
                 ["organisation", "赤峰绿源农牧业有限公司", "赤峰绿源农牧业有限责任公司"],
                 ["category", "饲草加工厂", "silage-forage>breeding-zone"],
                 ["not-village", "乌兰敖包", "", "--suffix", "至查干淖尔"], ["kind", "", "work-plan"],
                 ["drop", "盐碱地改良三千五百亩"], ["report-period", "", "2022"], ["township", "", "青山镇"],
                 ["county", "", "沙湾县"]):
        r = cli("correct", "qingshi-2023.txt", *args, "--store", store)
        assert r.exit_code == 0, (args, r.output)
    r = cli("build", folder, "--store", store, "--register", "none")
    assert r.exit_code == 0, r.output
    after = _graph_facts(store)
    assert after["road"] == [("https://w3id.org/govkg/def/status/planned", "2024",
                              "https://w3id.org/govkg/def/category/road-hardening", "2600000",
                              "https://w3id.org/govkg/def/unit/yuan"),
                             ("https://w3id.org/govkg/def/status/planned", "2024",
                              "https://w3id.org/govkg/def/category/road-hardening", "6.8",
                              "https://w3id.org/govkg/def/unit/m")]
    assert sorted(c.rsplit("/", 1)[-1] for c, _ in after["orgs"]) == ["breeding-zone", "investment-attraction"]
    assert {n for _, n in after["orgs"]} == {"赤峰绿源农牧业有限责任公司"}          # in both statements
    assert after["report"] == [("青山镇", "沙湾县", "2022", "https://w3id.org/govkg/def/report-kind/work-plan")]
    with GraphStore(store, read_only=True) as s:
        texts = {r["t"].value for r in s.query(
            'SELECT ?t WHERE { GRAPH ?g { ?s <https://w3id.org/govkg/def#evidence>/<http://www.w3.org/ns/oa#hasSelector>'
            '/<http://www.w3.org/ns/oa#exact> ?t } }')}
    assert "在新发村、永丰村实施盐碱地改良三千五百亩。" not in texts       # dropped
    evidence = {row["evidence"] for row in _rows(store, "village-statements", township="青山镇", village="乌兰敖包")}
    assert evidence and not any("连接线绿化" in e for e in evidence)       # not a village of that sentence
    listed = [row["field"] for row in _rows(store, "corrections")]
    assert sorted(set(listed)) == sorted({"period", "quantity-unit", "status", "organisation", "category",
                                          "not-village", "kind", "drop", "report-period", "township", "county"})
    # edited elsewhere and rebuilt with no flag: read again, corrected again
    path = folder / "qingshi-2023.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("大豆种植8500亩", "大豆种植8600亩"), encoding="utf-8")
    r = cli("build", folder, "--store", store, "--register", "none")
    assert r.exit_code == 0 and "built 1 report(s)" in r.stderr
    assert _graph_facts(store) == after


BAD = [
    ("qingshi-2023.txt,colour,东升,,,red,", "unknown field 'colour' (one of category, status, period, drop, "
     "village-link, not-village, quantity-value, quantity-unit, organisation, township, county, report-period, kind)"),
    ("qingshi-2023.txt,category,通村道路硬化,,,nonsense,", "'nonsense' is no category id of the scheme"),
    ("qingshi-2023.txt,category,通村道路硬化,,,nonsense>drainage,", "'nonsense' is no category id of the scheme"),
    ("qingshi-2023.txt,status,通村道路硬化,,,done,", "'done' is no status (achieved, ongoing, planned)"),
    ("qingshi-2023.txt,period,通村道路硬化,,,23年,", "'23年' is no period (2023, 2023-H1, 2023-Q2)"),
    ("qingshi-2023.txt,kind,,,,memo,", "'memo' is no report kind (work-summary, work-plan, government-work-report, "
     "other)"),
    ("qingshi-2023.txt,quantity-unit,6.8公里,,,furlong,", "'furlong' is no unit id (ontology/units.tsv)"),
    ("qingshi-2023.txt,quantity-value,6.8公里,,,many,", "'many' is not a number"),
    ("qingshi-2023.txt,status,,,,planned,", "a status correction needs the text it concerns (exact)"),
    ("nothere.txt,status,什么,,,planned,", "names no report of the store or of this build ('nothere.txt')"),
    ("qingshi-2023.txt,status,这句话不在报告里,,,ongoing,", "「这句话不在报告里」 is no longer in the report"),
    ("qingshi-2023.txt,status,东升,,牧场,ongoing,", "「东升」 is no longer in the report with that prefix and suffix"),
    ("qingshi-2023.txt,status,嘎查,,,ongoing,", None),         # in the report many times
    ("qingshi-2023.txt,not-village,投入资金,,,,", "the statement names no village 「投入资金」"),
    ("qingshi-2023.txt,quantity-value,260万元,,,3,", None),       # a figure of the statement: applies
    ("qingshi-2023.txt,quantity-value,通村道路,,,3,", "the statement has no quantity 「通村道路」"),
    ("qingshi-2023.txt,organisation,东升村至永丰村,,,某公司,", "the statement names no organisation 「东升村至永丰村」"),
    ("qingshi-2023.txt,drop,通村道路硬化,,,drainage,", "no statement of category drainage holds 「通村道路硬化」"),
    ("qingshi-2023.txt,village-link,东升,,村至永丰,东升村,", "the report's township is not linked to the register, so "
     "no village of it can be named"),
]


@pytest.mark.parametrize("row,why", BAD, ids=[str(i) for i in range(len(BAD))])
def test_each_bad_correction_is_its_one_line_and_the_build_completes(built, row, why):
    folder, store = built
    path = corrections_path(store)
    path.write_text(HEADER + row + "\n", encoding="utf-8")
    r = cli("build", folder, "--store", store, "--register", "none", "--force")
    assert "built 4 report(s)" in r.stderr
    problems = [ln for ln in r.stderr.splitlines() if ln.startswith("govkg: correction not applied: ")]
    if why is None and "嘎查" not in row:
        assert r.exit_code == 0 and problems == []
        return
    assert r.exit_code == 1 and len(problems) == 1
    if why is None:
        assert re.fullmatch(rf"govkg: correction not applied: {re.escape(str(path))}:2: 「嘎查」 is in the report "
                            r"\d+ times: give a prefix or suffix to say which", problems[0])
    else:
        assert problems[0] == f"govkg: correction not applied: {path}:2: {why}"


def test_bad_corrections_are_lines_naming_file_and_line_and_the_build_goes_on(built):
    folder, store = built
    path = corrections_path(store)
    path.write_text(HEADER + "qingshi-2023.txt,category,通村道路硬化,,,nonsense,\n"
                    "qingshi-2023.txt,status,这句话不在报告里,,,ongoing,\n"
                    "qingshi-2023.txt,status,嘎查,,,ongoing,\n"
                    "nothere.txt,status,什么,,,planned,\n"
                    "qingshi-2023.txt,status,通村道路硬化6.8公里,,,ongoing,\n", encoding="utf-8")   # no BOM
    r = cli("build", folder, "--store", store, "--register", "none", "--force")
    assert r.exit_code == 1
    problems = [ln for ln in r.stderr.splitlines() if ln.startswith("govkg: correction not applied: ")]
    assert problems[:3] == [
        f"govkg: correction not applied: {path}:2: 'nonsense' is no category id of the scheme",
        f"govkg: correction not applied: {path}:5: names no report of the store or of this build ('nothere.txt')",
        f"govkg: correction not applied: {path}:3: 「这句话不在报告里」 is no longer in the report"]
    assert re.fullmatch(rf"govkg: correction not applied: {re.escape(str(path))}:4: 「嘎查」 is in the report "
                        r"\d+ times: give a prefix or suffix to say which", problems[3])
    assert len(problems) == 4
    assert "built 4 report(s)" in r.stderr and "corrections not applied 4" in r.stderr
    assert _statement(store, SENTENCE)[0][0] == "ongoing"          # the good line applied


def test_a_village_link_names_a_register_village_or_is_a_problem(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(FIXTURES / "register" / "kulun-2023.txt", folder)
    store = tmp_path / "store"
    assert cli("build", folder, "--store", store).exit_code == 0
    before = _rows(store, "unlinked-mentions")
    assert "下养畜牧" in {row["village"] for row in before}
    cli("correct", "kulun-2023.txt", "village-link", "下养畜牧", "下养畜牧东嘎查", "--suffix", "嘎查新建", "--store", store)
    cli("correct", "kulun-2023.txt", "village-link", "敖伦", "没有这个嘎查", "--suffix", "嘎查建设", "--store", store)
    r = cli("build", folder, "--store", store)
    assert r.exit_code == 1
    assert f"govkg: correction not applied: {corrections_path(store)}:3: the register has no village " \
           f"'没有这个嘎查' in 库伦镇" in r.stderr
    assert "下养畜牧" not in {row["village"] for row in _rows(store, "unlinked-mentions")}
    got = [(row["field"], row["was"], row["value"]) for row in _rows(store, "corrections")]
    assert got == [("village-link", None, "下养畜牧东嘎查")]


def test_correct_refuses_an_unknown_value_and_writes_nothing(built):
    _, store = built
    r = cli("correct", "qingshi-2023.txt", "status", "通村道路硬化", "done", "--store", store)
    assert r.exit_code == 2
    assert r.stderr == f"govkg: error: {corrections_path(store)}: 'done' is no status (achieved, ongoing, planned)\n"
    assert not corrections_path(store).exists()
