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
    # a report heard by the congress early in a year reviews the year before
    ("政 府 工 作 报 告 2016年2月3日在石岭镇第八届人民代表大会第五次会议上 各位代表：现在，我代表镇人民政府"
     "向大会作工作报告。一、过去一年的工作回顾 2015年是极不平凡的一年。\n",
     dict(township="石岭镇", period="2015", kind="government-work-report")),
    # a news item with photo credits; a sentence that says someone reported (汇报) is no title
    ("6月3日，县政协委员到青柳镇调研乡村振兴工作。\n\n在东岭村调研 李明 摄\n"
     "调研组在东岭村召开座谈会。青柳镇工作人员汇报了全镇工作情况。\n",
     dict(township="青柳镇", kind="other")),
    # a report of how the year's listed works went is a review
    ("柳河镇2021年民生实事项目进展情况\n一、……\n", dict(township="柳河镇", period="2021", kind="work-summary")),
    # a half year named further on in the title
    ("松岭镇2014年全面推进美丽乡村建设上半年工作总结\n一、……\n", dict(township="松岭镇", period="2014-H1")),
    # news of a meeting that summed up a year is no summary
    ("青柳乡召开2023年农业工作总结会\n1月5日，青柳乡召开会议。\n", dict(township="青柳乡", kind="other")),
    # a page's metadata table: the title is in its 标题 field, not in its 主题词
    ("| 发文机关:青柳镇人民政府 | 主题词:工作总结 |\n| 标题:青柳镇人民政府2024年工作计划 | |\n一是……\n",
     dict(township="青柳镇", period="2024", kind="work-plan")),
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


def test_a_township_made_a_town_is_read_as_written_not_as_a_town_inside_its_name():
    # the register still lists 霍龙门乡 (嫩江县); the text writes the town it became, and
    # 龙门镇, a register township of other counties, sits inside that name
    from govkg.register import Register

    text = ("（中共嫩江市霍龙门镇委员会）\n今年以来，嫩江市霍龙门镇围绕产业发展，在新兴村、迎丰村种植大豆1.2万亩。\n"
            "霍龙门镇党委将继续推进乡村振兴。\n")
    info = document_info(report_from_text("r.txt", text).text, places=Register())
    assert info.township == "霍龙门镇"


def test_what_a_township_is_names_no_township():
    # 农业大镇, 生态型村镇: a kind of township, not a name; the one name left is the township
    text = ("2019镇政府工作总结\n2019年是青柳镇加快发展的一年，我镇巩固农业大镇地位，建设生态型村镇，"
            "全镇粮食产量稳中有升。\n")
    info = document_info(report_from_text("r.txt", text).text)
    assert info.township == "青柳镇" and info.period == "2019"


def test_a_title_given_to_a_village_and_a_project_word_before_one_are_no_names():
    text = ("柏溪镇2022年工作总结\n石门村建设成为红色文化村，实施人居环境治理工程东岭村、南岗村道路硬化3公里。\n")
    acts = [f for f in extract(report_from_text("r.txt", text)) if f["type"] == "activity"]
    named = {v for f in acts for v in f["villages"]}
    assert "成为红色文化" not in named and "红色文化" not in named
    assert {"东岭", "南岗"} <= named and "工程东岭" not in named


def test_a_work_named_right_before_a_list_of_villages_governs_it_too():
    text = "青柳镇2021年工作总结\n在河滩区集中流转前营、后营等4个村3200亩土地种植青贮玉米。\n"
    acts = {f["category"]: f["villages"] for f in extract(report_from_text("r.txt", text)) if f["type"] == "activity"}
    assert acts["land-transfer"] == ["前营", "后营"] and acts["silage-forage"] == ["前营", "后营"]


def test_a_one_character_name_keeps_its_cun_and_a_name_ending_in_cheng_is_a_name():
    def villages(sentence):
        text = "柏溪镇2022年工作总结\n" + sentence + "\n"
        return [f["villages"] for f in extract(report_from_text("r.txt", text)) if f["type"] == "activity"]

    assert villages("项目涉及柳村、王明、辛庄三个村，实施道路硬化。") == [["柳村", "王明", "辛庄"]]
    assert villages("在谢村、四合村实施道路硬化。") == [["谢村", "四合"]]
    # a name ending in 和 closed by its 村 joins nothing (中和村, 太和村)
    assert villages("在太和村、永和村实施道路硬化。") == [["太和", "永和"]]
    assert villages("在石门村和永和村实施道路硬化。") == [["石门", "永和"]]
    # 官城 is a village though 县城 is not; 金牌旅游村 is a title, not a place
    assert villages("敏岭、官城、小白沙3个村启动创建金牌旅游村。") == [["敏岭", "官城", "小白沙"]]


def test_words_around_names_that_are_no_places():
    def villages(sentence):
        text = "柏溪镇2022年工作总结\n" + sentence + "\n"
        return [f["villages"] for f in extract(report_from_text("r.txt", text)) if f["type"] == "activity"]

    # the township before its village in the second of two; people (委员们) are not a route's start
    assert villages("当日，调研组先后到柏溪镇东岭村和南岗村，查看东岭村木耳种植基地。") == [["东岭", "南岗"]]
    # 超亿元村 is a rank, not a village
    assert villages("入选全国乡村特色产业超十亿元镇超亿元村名单，发展蔬菜种植。") == [[]]
    # 完成城乡供水: 城乡 is urban and rural, not a township named 完成城乡
    text = "新的一年，完成城乡供水一体化后续工程，完成户厕改造。\n"
    assert document_info(report_from_text("r.txt", text).text).township is None


def test_a_planting_demonstration_belt_is_planting_not_a_model_village():
    text = "柏溪镇2021年工作总结\n大力发展东岭村到南岗村“大豆+玉米”种植示范带。\n"
    cats = {f["category"] for f in extract(report_from_text("r.txt", text)) if f["type"] == "activity"}
    assert "crop-structure" in cats and "model-village" not in cats


def test_a_numeral_inside_a_village_name_is_no_figure():
    text = "柏溪镇2022年工作总结\n全年在八块田、三台山、五道沟等5个村种植青贮玉米2500亩。\n"
    acts = [f for f in extract(report_from_text("r.txt", text)) if f["type"] == "activity"]
    assert [(f["villages"], f["quantities"]) for f in acts] == [
        (["八块田", "三台山", "五道沟"], [{"value": 2500, "unit": "mu"}])]


def test_a_report_that_never_names_its_township_is_placed_by_its_villages():
    from govkg.register import Register
    # two villages the register puts in one township, and that township's name in another word
    text = "新的一年里，全镇要打造潼溪村、熊市村两个水稻示范片，推进筻口卫生院改造。\n"
    assert document_info(report_from_text("r.txt", text).text, places=Register()).township == "筻口镇"
    # one village only is not enough, nor is a suffix the register does not give it (全乡)
    one = "新的一年里，全镇要打造潼溪村水稻示范片，推进筻口卫生院改造。\n"
    assert document_info(report_from_text("r.txt", one).text, places=Register()).township is None
    other = text.replace("全镇", "全乡")
    assert document_info(report_from_text("r.txt", other).text, places=Register()).township is None
    # without the register, rules alone find nothing
    assert document_info(report_from_text("r.txt", text).text).township is None


def test_weak_words_corroborate_and_a_work_brought_by_a_firm_stays_with_its_village():
    def links(text):
        return sorted((f["category"], tuple(f["villages"]))
                      for f in extract(report_from_text("r.txt", "柏溪镇2022年工作总结\n" + text + "\n"))
                      if f["type"] == "activity")
    # a crop alone is weak, and a second weak word of its kind beside it makes it sure
    assert links("在东岭村建成草莓育苗繁育基地1处。") == [("seed-breeding", ("东岭",))]
    assert ("crop-structure", ("东岭",)) in links("在东岭村种植百合、花卉共300亩，配套建设机耕路2公里。")
    # what a road brings to planters is no planting
    assert links("新修东岭村产业路3公里，为果农种植葡萄提供便利。") == [("road-hardening", ("东岭",))]
    assert links("引进青禾农业有限公司在南岗村流转土地600亩。") == [
        ("investment-attraction", ("南岗",)), ("land-transfer", ("南岗",))]
