"""Report metadata and organisations, each pattern in several phrasings."""
import pytest

from govkg.extract import document_info, extract, organisations
from govkg.ingest import report_from_text

META = [
    # township and period from the title, county from the addressee, number and signature date
    ("长政发〔2023〕12号\n\n长青镇2023年上半年工作总结\n\n巴林右旗人民政府办公室：\n现将……\n"
     "                    长青镇人民政府\n                    2023年7月2日\n",
     dict(township="长青镇", county="巴林右旗", period="2023-H1", kind="work-summary",
          date="2023-07-02", number="长政发〔2023〕12号")),
    # a government work report: township from the speech line, period the year it reviews
    ("政府工作报告\n——2024年1月在东湖镇第五届人民代表大会第三次会议上\n各位代表：\n2023年工作回顾\n"
     "一年来，东湖镇……\n",
     dict(township="东湖镇", county=None, period="2023", kind="government-work-report", date="2024-01")),
    # a plan; the township appears only in the body, the county in the body
    ("2024年工作计划\n一、工作目标\n今年，长青乡将在翁牛特旗委、旗政府领导下，推进翁牛特旗乡村振兴。"
     "长青乡党委、长青乡人民政府……\n",
     dict(township="长青乡", county="翁牛特旗", period="2024", kind="work-plan")),
    # a quarterly summary of a 苏木, the summary and its plan in one title
    ("巴彦苏木2023年第三季度工作总结及第四季度工作安排\n一、……\n",
     dict(township="巴彦苏木", period="2023-Q3", kind="work-summary")),
    # a year summary written 年度; an anonymised township stays as written
    ("XX镇2022年度工作总结\n一、……\n", dict(township="XX镇", period="2022", kind="work-summary")),
    # the county (or city and county) before the township in the title, a long autonomous county
    ("石泉县柳溪乡2022年工作总结\n一、……\n", dict(township="柳溪乡", county="石泉县", period="2022")),
    ("安康市石泉县柳溪乡2022年上半年工作总结\n一、……\n", dict(township="柳溪乡", county="石泉县", period="2022-H1")),
    ("彭水苗族土家族自治县龙射镇2021年工作总结\n一、……\n",
     dict(township="龙射镇", county="彭水苗族土家族自治县", period="2021")),
    # a township whose name holds 旗 is not split
    ("旗下营镇2023年工作总结\n一、……\n", dict(township="旗下营镇", period="2023")),
    # a report of how the year's listed works went is a review
    ("柳河镇2021年民生实事项目进展情况\n一、……\n", dict(township="柳河镇", period="2021", kind="work-summary")),
]


@pytest.mark.parametrize("text,expected", META, ids=[str(i) for i in range(len(META))])
def test_document_metadata(text, expected):
    info = document_info(report_from_text("r.txt", text).text)
    for field, value in expected.items():
        assert getattr(info, field) == value, field


def test_organisations_with_their_kind():
    text = ("今年3月与通辽市绿源养殖农民专业合作社签订合同，并与赤峰市草原牧业有限公司、内蒙古金穗集团合作，"
            "培育肉牛养殖合作社12个。")
    assert organisations(text) == [
        {"name": "通辽市绿源养殖农民专业合作社", "kind": "cooperative"},
        {"name": "赤峰市草原牧业有限公司", "kind": "company"},
        {"name": "内蒙古金穗集团", "kind": "company"},
    ]


def test_problem_sections_give_no_activities_and_plans_take_the_next_period():
    text = ("长青镇2023年工作总结\n一、2023年工作完成情况\n在红石村新打机井3眼。\n"
            "二、存在的问题\n红石村、白塔村排涝设施老化，高标准农田建设滞后。\n"
            "三、下一步工作打算\n在白塔村实施排涝工程2公里。\n")
    acts = [f for f in extract(report_from_text("r.txt", text)) if f["type"] == "activity"]
    assert [(a["category"], a["status"], a["period"], a["villages"]) for a in acts] == [
        ("irrigation-wells", "achieved", "2023", ["红石"]),
        ("drainage", "planned", "2024", ["白塔"]),
    ]


def test_a_user_lexicon_layers_over_ours_and_a_leaf_wins_over_its_domain(tmp_path):
    from govkg.extract import category_hits, lexicon

    extra = tmp_path / "terms.ttl"
    extra.write_text('@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n'
                     '<https://w3id.org/govkg/def/category/water> skos:altLabel "水政工程"@zh .\n', encoding="utf-8")
    lex = lexicon((str(extra),))
    assert {h.category for h in category_hits("实施水政工程3处。", lex)} == {"water"}
    assert {h.category for h in category_hits("实施水政工程和排涝工程3处。", lex)} == {"drainage"}
    assert {h.category for h in category_hits("实施水政工程3处。", lexicon())} == set()


def test_an_anonymised_township_of_any_spelling_is_kept_as_written():
    for name in ("ooo乡", "xx乡", "××镇"):
        info = document_info(report_from_text("r.txt", f"我代表{name}人民政府报告工作。{name}今年完成道路硬化5公里。\n").text)
        assert info.township == name


def test_a_list_closed_by_natural_villages_inside_is_a_list_of_villages():
    from govkg.extract.villages import village_mentions

    names = [m.name for m in village_mentions("建设福山、青龙、房圩等自然村内约12公里道路硬化", set(), None)]
    assert names == ["福山", "青龙", "房圩"]
    assert not village_mentions("新修村内道路3公里", set(), None)


def test_a_news_page_dated_day_first_reviews_the_year_it_is_dated():
    # the page's date line (day first) is page furniture, and "今年" is the year of that date,
    # not the later year a plan in it names
    text = ("柳林县：扎实推进村屯道路建设\n21.11.2019 09:30\n本文来源: 农业\n"
            "今年以来，柳林县青龙镇共完成村屯道路硬化12公里，已上报2020年道路建设项目5个。\n")
    report = report_from_text("n.txt", text)
    assert "21.11.2019" not in report.text
    doc = extract(report)[0]
    assert (doc["period"], doc["date"]) == ("2019", "2019-11-21")
