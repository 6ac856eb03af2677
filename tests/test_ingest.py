"""Ingest: every encoding the genre comes in, .docx tables in order, debris, bad input."""
import codecs
from pathlib import Path
import zipfile

import docx
import pytest

from govkg.errors import IngestError
from govkg.ingest import normalise, read_report, read_reports, report_from_text, Skipped

TEXT = "青石镇2023年工作总结\n一、在红石村、沙河嘎查实施排涝工程6公里。\n"


@pytest.mark.parametrize("encoding,prefix", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("gb18030", b""), ("gbk", b""),
    ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-16-le", b""),
])
def test_encodings_decode_to_the_same_text(tmp_path, encoding, prefix):
    p = tmp_path / "r.txt"
    p.write_bytes(prefix + TEXT.encode(encoding))
    r = read_report(p)
    assert r.text == TEXT
    assert r.sha256 == read_report_text_hash(tmp_path)


def read_report_text_hash(tmp_path):
    q = tmp_path / "ref.txt"
    q.write_text(TEXT, encoding="utf-8")
    return read_report(q).sha256


def test_utf8_is_tried_before_gb18030(tmp_path):
    # these UTF-8 bytes also decode as GB18030, into nonsense
    p = tmp_path / "r.txt"
    p.write_bytes("嘎查村".encode("utf-8"))
    assert read_report(p).text == "嘎查村\n"


def test_docx_paragraphs_and_tables_in_document_order(tmp_path):
    d = docx.Document()
    d.add_paragraph("柳河乡2023年工作总结")
    d.add_paragraph("重点项目如下：")
    t = d.add_table(rows=2, cols=3)
    for row, values in zip(t.rows, [("项目", "地点", "规模"), ("排涝工程", "三道沟村", "8.5公里")]):
        for cell, v in zip(row.cells, values):
            cell.text = v
    d.add_paragraph("以上项目均已完成。")
    p = tmp_path / "r.docx"
    d.save(p)
    assert read_report(p).text == ("柳河乡2023年工作总结\n重点项目如下：\n项目\t地点\t规模\n"
                                   "排涝工程\t三道沟村\t8.5公里\n以上项目均已完成。\n")


def test_debris_is_stripped_and_a_broken_name_rejoined():
    raw = ("[bookmark: _GoBack]某镇2023年工作总结\n\n\n\n##paidbegin##一是在布和浩沁、西巴、大王\n\n\n"
           "家、北巴等嘎查村成立合作社四个，带动农户增收，效果明显，群众满意度不断提高。\n"
           "本文档编辑密码：abc123\n##paidend##\n")
    assert normalise(raw) == ("某镇2023年工作总结\n\n一是在布和浩沁、西巴、大王家、北巴等嘎查村成立合作社四个，"
                              "带动农户增收，效果明显，群众满意度不断提高。\n")


def test_a_short_heading_is_not_joined_to_its_paragraph():
    assert normalise("2023年工作回顾\n\n年初以来，全镇上下攻坚克难。") == "2023年工作回顾\n\n年初以来，全镇上下攻坚克难。\n"


def test_fullwidth_digits_are_folded_but_chinese_punctuation_kept():
    assert normalise("完成８０％，共３处；") == "完成80%，共3处；\n"


def _bad_files(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "noise.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    with zipfile.ZipFile(tmp_path / "notword.docx", "w") as z:
        z.writestr("hello.txt", "hi")
    (tmp_path / "latin.txt").write_bytes("Société générale".encode("latin-1") * 3)
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    return tmp_path


def test_each_bad_file_is_skipped_with_its_reason_and_the_rest_read(tmp_path):
    out = list(read_reports([_bad_files(tmp_path)]))
    skipped = {s.path.rsplit("/", 1)[-1]: s.reason for s in out if isinstance(s, Skipped)}
    good = [r for r in out if not isinstance(r, Skipped)]
    assert [r.name for r in good] == ["good.txt"]
    assert skipped == {
        "broken.docx": "is not a valid .docx (broken or truncated zip)",
        "empty.txt": "the file is empty",
        "latin.txt": "cannot be decoded as UTF-8, UTF-16 or GB18030 (save it as UTF-8 text)",
        "noise.txt": "looks binary (contains NUL bytes), not a text report",
        "notword.docx": "is a zip file but not a Word document",
    }


def test_unsupported_type_and_size_limit(tmp_path):
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    with pytest.raises(IngestError, match=r"unsupported file type '\.pdf'"):
        read_report(pdf)
    big = tmp_path / "big.txt"
    big.write_text(TEXT * 10, encoding="utf-8")
    with pytest.raises(IngestError, match="more than the limit of 100"):
        read_report(big, max_bytes=100)


def test_a_report_in_traditional_script_gives_the_facts_of_its_simplified_twin():
    from govkg.extract import extract

    case = Path(__file__).parent / "cases" / "traditional-script"
    trad, simp = read_report(case / "input.txt"), read_report(case / "simplified.txt")
    assert "鎮" in (case / "input.txt").read_text(encoding="utf-8") and trad.text == simp.text
    fields = ("township", "county", "period", "kind", "category", "status", "villages", "quantities", "span")
    facts = [[{k: f.get(k) for k in fields} for f in extract(r)] for r in (trad, simp)]
    assert facts[0] == facts[1] and facts[0][0]["township"] == "梨园镇" and len(facts[0]) == 5


def test_a_simplified_text_is_never_folded():
    # 乾安 and 著名 are simplified words that OpenCC would also map
    text = "乾安县著名的红岗村实施饮水工程。\n"
    assert report_from_text("x.txt", text).text == text


def test_the_web_page_around_a_report_is_kept_out_of_its_text_but_remembered():
    raw = ("当前位置：首页 > 乡镇动态 > 工作总结\n松岭乡2021年工作总结\n发布时间：2022-01-10  阅读量：318\n"
           "- 1 -\n鄉(xiāng)村道路硬化6公里，河道清理2 / 3 沟渠3公里。\n")
    r = report_from_text("x.txt", raw)
    # one traditional character is not a traditional text: the gloss goes, the character stays
    assert r.text == "松岭乡2021年工作总结\n鄉村道路硬化6公里，河道清理沟渠3公里。\n"
    assert r.meta["page"] == ["当前位置：首页 > 乡镇动态 > 工作总结", "发布时间：2022-01-10  阅读量：318", "- 1 -"]


def test_page_lines_of_news_sites_are_clutter():
    raw = ("您所在的位置:首页>>新闻中心>>县区新闻>>正文\n红岭乡整修乡村道路(图)\n"
           "(2013-12-13 10:41:42)  来源:县委宣传部   打印本页\n2025年03月22日 星期六\n"
           "2019-05-08 09:30\n近日，红岭乡整修乡村道路12公里。\n")
    r = report_from_text("x.txt", raw)
    assert r.text == "红岭乡整修乡村道路(图)\n近日，红岭乡整修乡村道路12公里。\n"
    assert len(r.meta["page"]) == 4


def test_marks_doubled_by_a_sites_conversion_are_one():
    text = report_from_text("x.txt", "建设福山、青龙,、房圩,,裕林等自然村内道路硬化12公里。\n").text
    assert text == "建设福山、青龙、房圩,裕林等自然村内道路硬化12公里。\n"
