"""Every stored query answers its question on the bundled examples with exact rows; the seed
answers of competency-questions.md come out exactly; parameters stay data; a remote endpoint
(a real Oxigraph server) gives the same rows as the local store."""
from pathlib import Path

import pytest
from click.testing import CliRunner

from govkg.cli import main
from govkg.errors import QueryError
from govkg.publish import sorted_nquads
from govkg.queries import list_queries, load_query, run
from govkg.store import GraphStore

from conftest import SEEDS, OxigraphServer


def rows(store_path, name, cols, **params):
    with GraphStore(store_path, read_only=True) as store:
        r = run(name, store, {k: v if isinstance(v, list) else [v] for k, v in params.items()})
    return [tuple(row[c] for c in cols) for row in r.rows]


def test_every_query_has_a_header_an_example_and_is_tested_here():
    names = {q.name for q in list_queries()}
    assert len(names) == 14
    for q in list_queries():
        assert q.summary and q.description and q.examples, q.name
        assert q.examples[0].startswith(f"govkg query {q.name}")
    tested = {n for n in names if f'"{n}"' in Path(__file__).read_text(encoding="utf-8")}
    assert tested == names


def test_corrections_of_a_store_without_any(examples_store):
    # what a store with corrections answers is tested in test_corrections.py
    assert rows(examples_store, "corrections", ("report", "field")) == []


def test_villages_with_all_categories(examples_store):
    assert rows(examples_store, "villages-with-all-categories", ("township", "village"),
                category=["drainage", "grassland-fencing"]) == [
        ("柳河乡", "四合"), ("白音镇", "呼和陶勒盖"), ("青石镇", "哈日干图")]
    assert rows(examples_store, "villages-with-all-categories", ("township", "village"),
                category=["drainage", "grassland-fencing"], period="2023-H1") == [("白音镇", "呼和陶勒盖")]
    assert rows(examples_store, "villages-with-all-categories", ("township", "village"),
                category=["drainage", "grassland-fencing"], period="2022") == []


def test_villages_with_any_categories(examples_store):
    assert rows(examples_store, "villages-with-any-categories",
                ("township", "village", "period", "status_label"), category=["drainage", "dike-reinforcement"]) == [
        ("柳河乡", "三道沟", "2023", "已完成"), ("柳河乡", "四合", "2024", "计划中"),
        ("白音镇", "呼和陶勒盖", "2023-H1", "已完成"), ("白音镇", "哈日干图", "2023-H1", "已完成"),
        ("白音镇", "胜利", "2023-H2", "已完成"),
        ("青石镇", "东升", "2023", "已完成"), ("青石镇", "哈日干图", "2023", "已完成"),
        ("青石镇", "哈日干图", "2024", "计划中"), ("青石镇", "塔林宝力格", "2023", "已完成")]
    en = rows(examples_store, "villages-with-any-categories", ("category_label", "status_label"),
              category="drainage", status="planned", lang="en")
    assert en == [("Drainage", "planned"), ("Drainage", "planned")]


def test_village_statements_in_time_order(examples_store):
    got = rows(examples_store, "village-statements", ("period", "category_label", "status_label", "quantities"),
               township="青石镇", village="哈日干图")
    assert [(p, c, s, set(q.split("; "))) for p, c, s, q in got] == [
        ("2023", "排涝排水", "已完成", {"18.5 km", "6 piece"}),
        ("2023", "肉牛品种改良", "已完成", {"230 head"}),
        ("2023", "草原围封", "已完成", {"32000 mu", "120000 mu"}),
        ("2024", "排涝排水", "计划中", {"9 km", "1 piece"})]
    # the same name in another township is another village
    assert [r[0] for r in rows(examples_store, "village-statements", ("period",), township="白音镇",
                                  village="哈日干图")] == ["2023-H1", "2023-H1", "2023-H1"]


def test_same_name_villages(examples_store):
    assert rows(examples_store, "same-name-villages", ("village", "townships")) == [("哈日干图", 2)]


def test_totals_by_township(examples_store):
    assert rows(examples_store, "totals-by-township", ("township", "period", "status_code", "total"),
                category="drainage", unit="km") == [
        ("柳河乡", "2023", "achieved", 8.5), ("柳河乡", "2024", "planned", 6),
        ("白音镇", "2023-H1", "achieved", 7.4), ("白音镇", "2023-H2", "achieved", 5.2),
        ("白音镇", "2023-H2", "planned", 5), ("青石镇", "2023", "achieved", 18.5), ("青石镇", "2024", "planned", 9)]
    # a domain covers its narrower categories, and units convert (km → m)
    assert rows(examples_store, "totals-by-township", ("township", "total"), category="water", unit="m",
                status="achieved")[0] == ("柳河乡", 8500)


def test_plan_vs_outcome(examples_store):
    got = rows(examples_store, "plan-vs-outcome", ("period", "category_label", "plan_report", "outcome_report"),
               township="白音镇")
    assert sorted(set(got), key=str) == sorted({
        ("2023-H2", "人居环境整治", "baiyin-2023-h1.txt", None),
        ("2023-H2", "农业科技示范", "baiyin-2023-h1.txt", "baiyin-2023-h2.txt"),
        ("2023-H2", "厕所改造", "baiyin-2023-h1.txt", "baiyin-2023-h2.txt"),
        ("2023-H2", "排涝排水", "baiyin-2023-h1.txt", "baiyin-2023-h2.txt"),
        ("2024", "草原围封", "baiyin-2023-h2.txt", None)}, key=str)


def test_plan_vs_outcome_figures(examples_store, tmp_path):
    # figures side by side where both state one, in units that convert; a plan's figure alone
    got = rows(examples_store, "plan-vs-outcome", ("category_label", "planned_figure", "planned_unit",
                                                   "achieved_figure", "achieved_unit", "ratio"), township="白音镇")
    assert sorted(got, key=str) == sorted([
        ("人居环境整治", None, None, None, None, None), ("农业科技示范", 40, "个", 36, "个", 0.9),
        ("厕所改造", 300, "户", 280, "户", 0.93), ("排涝排水", 5, "公里", 5.2, "公里", 1.04),
        ("草原围封", 20000, "亩", None, None, None)], key=str)
    # a title line (二是防汛排涝能力提升。) is no outcome; 1200 hectares against 1.5万亩 is 1.2
    from govkg.pipeline import build
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "h1.txt").write_text(
        "河湾镇2023年上半年工作总结\n一、上半年工作情况\n全镇完成土地确权登记。\n二、下半年工作计划\n"
        "一是新修排水渠3公里。二是建设高标准农田1.5万亩。\n", encoding="utf-8")
    (tmp_path / "in" / "h2.txt").write_text(
        "河湾镇2023年下半年工作总结\n一、下半年工作情况\n（一）基础设施。二是防汛排涝能力提升。"
        "今年在柳营、沙坪2个村新修排水渠3.3公里。三是全镇完成高标准农田1200公顷。\n", encoding="utf-8")
    assert build([tmp_path / "in"], tmp_path / "store").ok
    got = rows(tmp_path / "store", "plan-vs-outcome", ("plan", "planned_figure", "planned_unit", "outcome",
                                                       "achieved_figure", "achieved_unit", "ratio"), township="河湾镇")
    assert sorted(got, key=str) == sorted([
        ("一是新修排水渠3公里。", 3, "公里", "今年在柳营、沙坪2个村新修排水渠3.3公里。", 3.3, "公里", 1.1),
        ("二是建设高标准农田1.5万亩。", 15000, "亩", "三是全镇完成高标准农田1200公顷。", 1200, "公顷", 1.2)], key=str)


def test_social_assistance(examples_store):
    assert rows(examples_store, "social-assistance", ("township", "period", "category_label", "households",
                                                      "persons", "yuan")) == [
        # a figure the statement does not give is unknown, not zero
        ("柳河乡", "2023", "临时救助", 28, None, 62000), ("柳河乡", "2023", "最低生活保障", 412, 690, 2365000),
        ("白音镇", "2023-H1", "最低生活保障", None, 980, 1523000), ("白音镇", "2023-H1", "残疾人补贴", None, 310, 216000),
        ("白音镇", "2023-H2", "临时救助", 19, None, 46000), ("白音镇", "2023-H2", "最低生活保障", None, 1012, 1604000),
        ("青石镇", "2023", "临时救助", 37, None, 98000), ("青石镇", "2023", "最低生活保障", 865, 1420, 3186000),
        ("青石镇", "2023", "特困供养", None, 52, 412000)]


def test_townships_reporting_category(examples_store):
    assert rows(examples_store, "townships-reporting-category",
                ("township", "statements", "villages_named", "villages_stated"), category="grassland-fencing") == [
        ("柳河乡", 1, 1, None), ("白音镇", 2, 2, 6), ("青石镇", 2, 3, 9)]


def test_organisations(examples_store):
    assert rows(examples_store, "organisations", ("organisation", "kind", "township")) == [
        ("赤峰绿源农牧业有限公司", "公司", "青石镇")]


def test_reports(examples_store):
    assert rows(examples_store, "reports", ("file", "township", "county", "period", "kind", "date", "number")) == [
        ("baiyin-2023-h1.txt", "白音镇", "沙湾旗", "2023-H1", "工作总结", "2023-07-03", None),
        ("baiyin-2023-h2.txt", "白音镇", "沙湾旗", "2023-H2", "工作总结", "2024-01-10", None),
        ("liuhe-2023.docx", "柳河乡", None, "2023", "政府工作报告", "2024-01", None),
        ("qingshi-2023.txt", "青石镇", "沙湾旗", "2023", "工作总结", "2024-01-08", "青政发〔2024〕5号")]


def test_township_wide_statements(examples_store):
    got = rows(examples_store, "township-wide-statements", ("township", "period", "quantities"),
               category="minimum-livelihood")
    assert [(t, p, set(q.split("; "))) for t, p, q in got] == [
        ("柳河乡", "2023", {"412 household", "690 person", "2365000 yuan"}),
        ("白音镇", "2023-H1", {"980 person", "1523000 yuan"}),
        ("白音镇", "2023-H2", {"1012 person", "1604000 yuan"}),
        ("青石镇", "2023", {"865 household", "1420 person", "3186000 yuan"})]


def test_register_queries_on_unlinked_examples(examples_store):
    # the examples' townships are invented: nothing links, every mention is for review
    assert rows(examples_store, "unmentioned-villages", ("village",), township="青石镇") == []
    got = rows(examples_store, "unlinked-mentions", ("township_name", "village", "candidates"), township="柳河乡")
    assert got == [("柳河乡", v, None) for v in ["三道沟", "四合", "杏树洼", "榆树林"]]
    # (on linked reports both are tested in test_register.py)


def test_every_answer_row_about_statements_carries_its_evidence(examples_store):
    for name, params in [("villages-with-any-categories", {"category": "water"}),
                         ("village-statements", {"township": "柳河乡", "village": "四合"}),
                         ("social-assistance", {}), ("township-wide-statements", {"category": "social-security"})]:
        got = rows(examples_store, name, ("report", "evidence"), **params)
        assert got and all(r and e for r, e in got), name


# --- parameters stay data ------------------------------------------------------------------

HOSTILE = ['} ; DROP ALL ; #', 'x" } DROP ALL { "', "a>\n} INSERT DATA { <a> <b> <c> }", "{}|\\^`<>\x00", "\u202e镇"]
PARAM_OF_TYPE = {"category": ("totals-by-township", {"unit": ["km"]}), "status": ("totals-by-township", {"category": ["drainage"], "unit": ["km"]}),
                 "unit": ("totals-by-township", {"category": ["drainage"]}), "period": ("villages-with-all-categories", {"category": ["drainage"]}),
                 "lang": ("reports", {}), "township": ("village-statements", {"village": ["四合"]}),
                 "village": ("village-statements", {"township": ["柳河乡"]})}


@pytest.mark.parametrize("ptype", sorted(PARAM_OF_TYPE))
def test_hostile_values_of_every_parameter_type_are_data(examples_store, ptype):
    name, others = PARAM_OF_TYPE[ptype]
    pname = next(p.name for p in load_query(name).params if p.type == ptype)
    with GraphStore(examples_store, read_only=True) as store:
        before = sorted_nquads(store)
        for value in HOSTILE:
            with pytest.raises(QueryError) as e:
                run(name, store, {**others, pname: [value]})
            assert e.value.where == f"--param {pname}"
        assert sorted_nquads(store) == before


def test_a_name_parameter_lists_what_is_known(examples_store):
    with GraphStore(examples_store, read_only=True) as store, pytest.raises(QueryError) as e:
        run("village-statements", store, {"township": ["无此镇"], "village": ["四合"]})
    assert str(e.value) == ("--param township: no township named '无此镇' in the store "
                            "(known: 柳河乡, 白音镇, 青石镇)")


# --- the seed answers of competency-questions.md ---------------------------------------------

@pytest.fixture(scope="module")
def seed_store(tmp_path_factory):
    from govkg.pipeline import build

    if not SEEDS.is_dir():
        pytest.skip("needs ../shared/corpus/seeds")
    path = tmp_path_factory.mktemp("seeds") / "store"
    build([SEEDS], path)
    return path


def test_seed_answer_q1_villages_with_drainage_and_fencing(seed_store):
    assert rows(seed_store, "villages-with-all-categories", ("township", "village"),
                category=["drainage", "grassland-fencing"]) == [("代力吉镇", "后查巴灯")]


def test_seed_answer_q4_same_name_different_places(seed_store):
    got = rows(seed_store, "same-name-villages", ("village", "in_townships"))
    assert [(v, set(t.split(", "))) for v, t in got] == [("迷仁艾勒", {"代力吉镇", "巴彦塔拉镇"})]


def test_seed_answer_q5_drainage_totals(seed_store):
    assert rows(seed_store, "totals-by-township", ("township", "period", "status_code", "total"),
                category="drainage", unit="km") == [("代力吉镇", "2023", "achieved", 24),
                                                    ("巴彦塔拉镇", "2023-H1", "achieved", 119)]


def test_seed_answer_q7_minimum_livelihood(seed_store):
    got = rows(seed_store, "social-assistance", ("township", "period", "households", "persons", "yuan"),
               category="minimum-livelihood")
    assert ("代力吉镇", "2023", 1131, 1933, 3810000) in got
    assert ("东明镇", "2023", 2581, 4419, 15095800) in got
    assert ("大沁他拉镇", "2018", 1840, 3334, None) in got      # no yuan figure given: unknown


# --- a real SPARQL server -------------------------------------------------------------------

@pytest.fixture()
def oxigraph_server(examples_store):
    with OxigraphServer(examples_store, read_only=True) as server:
        yield f"{server.base}/query"


def test_the_same_query_local_and_through_an_endpoint(examples_store, oxigraph_server):
    for name, params in [("villages-with-all-categories", {"category": ["drainage", "grassland-fencing"]}),
                         ("totals-by-township", {"category": ["drainage"], "unit": ["km"]}),
                         ("village-statements", {"township": ["青石镇"], "village": ["哈日干图"]}),
                         ("reports", {"lang": ["en"]})]:
        with GraphStore(examples_store, read_only=True) as store:
            local = run(name, store, params)
        remote = run(name, None, params, endpoint=oxigraph_server)
        assert remote.columns == local.columns
        assert remote.rows == local.rows, name
    r = CliRunner().invoke(main, ["query", "same-name-villages", "--endpoint", oxigraph_server, "--format", "csv"])
    assert r.exit_code == 0 and r.stdout.splitlines()[1].startswith("哈日干图,2")


def test_library_api(examples_store):
    import govkg

    r = govkg.query("totals-by-township", store=examples_store, category="drainage", unit="km", status="planned")
    assert [(x["township"], x["total"]) for x in r] == [("柳河乡", 6), ("白音镇", 5), ("青石镇", 9)]
    assert r.columns[:3] == ["township", "period", "status_code"]


def test_parameters_take_chinese_and_english_labels_and_a_typo_gets_did_you_mean(examples_store):
    def ask(*params):
        args = ["query", "villages-with-any-categories", "--store", str(examples_store), "--format", "csv"]
        return CliRunner().invoke(main, args + [x for p in params for x in ("--param", p)])

    by_id = ask("category=drainage", "status=planned")
    assert by_id.exit_code == 0 and by_id.stdout.count("\n") == 3          # header and two plans
    for labels in (("category=排涝排水", "status=计划中"), ("category=Drainage", "status=planned")):
        r = ask(*labels)
        assert r.exit_code == 0 and r.stdout == by_id.stdout, labels
    r = ask("category=drainag")
    assert r.exit_code == 2
    assert r.stderr == ("govkg: error: --param category: 'drainag' is not a valid category "
                        "(did you mean drainage (排涝排水)?)\n")
    r = ask("category=drainage", "status=完成")
    assert r.exit_code == 2 and r.stderr.endswith("(did you mean achieved (已完成)?)\n")
    r = CliRunner().invoke(main, ["query", "totals-by-township", "--store", str(examples_store), "--format", "csv",
                                  "--param", "category=排涝排水", "--param", "unit=公里"])
    assert r.exit_code == 0 and "柳河乡,2023,achieved,8.5" in r.stdout
    r = ask("category=xyzzy")
    assert r.exit_code == 2 and "allowed: a category id such as" in r.stderr


@pytest.mark.parametrize("name", ["villages-with-any-categories", "totals-by-township", "reports"])
def test_pages_put_together_are_the_whole_answer(examples_store, name):
    params = {"villages-with-any-categories": {"category": ["drainage", "toilet-renovation"]},
              "totals-by-township": {"category": ["drainage"], "unit": ["km"]}}.get(name, {})
    with GraphStore(examples_store, read_only=True) as s:
        whole = run(name, s, params).rows
        assert len(whole) >= 3
        for size in (1, 2, 5):
            pages = [run(name, s, params, limit=size, offset=o).rows for o in range(0, len(whole) + size, size)]
            assert all(len(p) <= size for p in pages)
            assert [r for p in pages for r in p] == whole, size
        assert run(name, s, params, limit=0).rows == [] and run(name, s, params, offset=len(whole)).rows == []


def test_a_page_on_the_command_line_says_where_the_next_begins(examples_store):
    r = CliRunner().invoke(main, ["query", "villages-with-any-categories", "--store", str(examples_store),
                                  "--param", "category=drainage", "--format", "csv", "--limit", "2", "--offset", "1"])
    assert r.exit_code == 0 and r.stdout.count("\n") == 3
    assert r.stderr == f"govkg: 2 row(s) from store {examples_store} (rows 2–3; --offset 3 for the next)\n"
