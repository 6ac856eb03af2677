"""Stage 1, ingest: turn report files into normalised texts.

A report is read once, decoded (.txt in UTF-8 with or without BOM, UTF-16, GB18030/GBK;
.docx paragraphs and tables in document order), cleaned of conversion debris, and given a
content hash.  Every character offset used by later stages refers to ``Report.text``.

>>> r = report_from_text("x.txt", "[bookmark: _GoBack]某某镇2023年工作总结\\n\\n\\n\\n正文。")
>>> r.text
'某某镇2023年工作总结\\n\\n正文。\\n'
>>> len(r.sha256)
64
"""
from __future__ import annotations

import codecs
import dataclasses
import hashlib
import os
import re
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from .errors import IngestError

SUFFIXES = (".txt", ".docx")
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
# A .docx is a zip: refuse one whose parts expand past this (a "zip bomb").
DEFAULT_MAX_DOCX_EXPANDED = 512 * 1024 * 1024
# A report's paragraphs run to a few thousand characters; a "line" of millions is not a
# report (a dump, an encoded blob) and would only cost the extractor time.
DEFAULT_MAX_LINE_CHARS = 200_000
# A township report runs to 3,000–50,000 characters and rarely past 200,000; extraction costs
# ~10 s per million characters, so a text past this is a compilation or a dump, skipped with
# its reason rather than holding a build for minutes.
DEFAULT_MAX_CHARS = 200_000


@dataclass(frozen=True)
class Limits:
    """Size limits of ingest, each an option of the CLI."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_docx_expanded: int = DEFAULT_MAX_DOCX_EXPANDED
    max_line_chars: int = DEFAULT_MAX_LINE_CHARS
    max_chars: int = DEFAULT_MAX_CHARS


@dataclass(frozen=True)
class Report:
    """One report: its source name, normalised text and content hash."""

    name: str
    text: str
    sha256: str
    source: str = ""
    encoding: str = ""
    meta: dict = field(default_factory=dict, compare=False)
    key: str = ""              # where it comes from: the folder given and the path inside it
    file_sha256: str = ""      # the version: a hash of the file's bytes, and their count
    file_bytes: int = 0

    @property
    def id(self) -> str:
        """A short stable identifier: of its source (:func:`source_key`) when it has one, so a
        report keeps its id and graph when its text is edited; else of its content."""
        if self.key:
            return hashlib.sha256(f"source:{self.key}".encode("utf-8")).hexdigest()[:16]
        return self.sha256[:16]


def source_key(path: str | Path, folder: str | Path | None = None) -> str:
    """A report's identity: the name of the folder it was given in and its path inside it
    (``/``-separated); a file given by itself counts as given in its own folder.

    >>> source_key("/data/2023/reports/sub/a.txt", "/data/2023/reports")
    'reports/sub/a.txt'
    >>> source_key("reports/a.txt")
    'reports/a.txt'
    """
    p = Path(os.path.abspath(path))
    root = Path(os.path.abspath(folder)) if folder is not None else p.parent
    return "/".join((root.name or "/", *p.relative_to(root).parts))


@dataclass(frozen=True)
class Skipped:
    """A file that could not be ingested, and why."""

    path: str
    reason: str


# --- decoding -----------------------------------------------------------------------------

def decode_bytes(data: bytes, where: str = "<bytes>") -> tuple[str, str]:
    """Decode report bytes, returning ``(text, encoding)``.

    Strict UTF-8 is tried before GB18030, because GB18030 decodes UTF-8 bytes without error
    into nonsense.

    >>> decode_bytes("镇".encode("gb18030"))
    ('镇', 'gb18030')
    >>> decode_bytes(codecs.BOM_UTF8 + "镇".encode())
    ('镇', 'utf-8-sig')
    """
    if not data:
        raise IngestError(where, "the file is empty")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as e:
                raise IngestError(where, f"starts with a {enc} byte-order mark but does not decode "
                                         f"as {enc} at byte {e.start}") from None
    if b"\x00" in data:
        # UTF-8 and GB18030 text never holds NUL bytes; UTF-16 text (with its newlines) does
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _plausible_chinese(text):
                return text, enc
        raise IngestError(where, "looks binary (contains NUL bytes), not a text report")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        if _utf8_chinese_before(data, e.start):
            # a file that is UTF-8 Chinese up to some point and then is not: two encodings
            # pasted together; reading it either way would turn one half into nonsense
            raise IngestError(where, f"mixes encodings: UTF-8 up to byte {e.start}, then something else",
                              "save it as UTF-8 text") from None
    try:
        text = data.decode("gb18030")
        if _plausible_chinese(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding and _plausible_chinese(str(best)):
        return str(best), best.encoding
    raise IngestError(where, "cannot be decoded as UTF-8, UTF-16 or GB18030",
                      "save it as UTF-8 text")


def _utf8_chinese_before(data: bytes, end: int) -> bool:
    """Whether the bytes before ``end`` hold UTF-8-encoded CJK text (three-byte sequences)
    that GB18030 would not read as the same text."""
    head = data[:end].decode("utf-8", errors="ignore")
    cjk = sum(1 for c in head if "\u4e00" <= c <= "\u9fff")
    return cjk >= 8 and cjk >= len(head) // 20


def _plausible_chinese(text: str) -> bool:
    """A decoding is plausible when it is mostly CJK, ASCII and common punctuation, and Chinese
    makes up a fair share of it (Latin-1 read as GB18030 gives mostly ASCII and a few odd
    characters, not Chinese).

    >>> _plausible_chinese("青石镇2023年工作总结"), _plausible_chinese("Rapport de la commune 2023")
    (True, False)
    """
    if not text:
        return False
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    ok = cjk + sum(1 for c in text if c.isascii() or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef"
                   or c in "“”‘’—…·")
    visible = sum(1 for c in text if not c.isspace()) or 1
    return ok / len(text) > 0.9 and cjk >= min(10, visible) * 0.5 and cjk / visible >= 0.3


# --- .docx --------------------------------------------------------------------------------

def docx_text(path: Path, max_expanded: int = DEFAULT_MAX_DOCX_EXPANDED,
              max_chars: int | None = None) -> str:
    """Paragraphs and tables of a .docx in document order; a table row is one line whose
    cells are separated by a tab.  With ``max_chars``, a document holding more text (or more
    paragraphs) than that is refused before it is parsed whole."""
    try:
        with zipfile.ZipFile(path) as z:
            expanded = sum(i.file_size for i in z.infolist())
            if expanded > max_expanded:
                raise IngestError(str(path), f"its parts expand to {expanded} bytes, more than "
                                             f"the limit of {max_expanded}")
            if "word/document.xml" not in z.namelist():
                raise IngestError(str(path), "is a zip file but not a Word document")
            if max_chars is not None:
                with z.open("word/document.xml") as xml:
                    _check_docx_size(xml, str(path), max_chars)
    except zipfile.BadZipFile:
        raise IngestError(str(path), "is not a valid .docx (broken or truncated zip)") from None
    import docx

    try:
        document = docx.Document(str(path))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, docx.table.Table):
                lines.extend(_table_lines(block))
            else:
                lines.append(block.text)
    except IngestError:
        raise
    except Exception as e:  # python-docx raises many kinds on broken XML
        raise IngestError(str(path), f"is not a readable .docx ({type(e).__name__}: {e})") from None
    return "\n".join(lines)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _check_docx_size(xml, where: str, max_chars: int) -> None:
    """Stream a document part, counting its text and paragraphs (each paragraph will be a line
    of at least one character), and refuse it past ``max_chars``: python-docx builds the whole
    tree in memory, ~25 bytes per byte of XML, which a small zip of short paragraphs abuses."""
    from lxml import etree      # python-docx's own parser

    chars = 0
    try:
        for _, el in etree.iterparse(xml, events=("end",), tag=(_W + "t", _W + "p"),
                                     resolve_entities=False, no_network=True, load_dtd=False):
            chars += len(el.text or "") if el.tag == _W + "t" else 1
            if chars > max_chars:
                raise IngestError(where, f"has more than {max_chars} characters of text, the limit "
                                         "(a report is rarely longer)", "raise --max-chars to read it")
            if el.tag == _W + "p":
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]
    except etree.XMLSyntaxError:
        return                  # python-docx reports the broken XML with its own words


def _table_lines(table) -> Iterator[str]:
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            # merged cells appear once per grid column; keep each cell once
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
        yield "\t".join(cells)


# --- normalisation ------------------------------------------------------------------------

_DEBRIS = [
    re.compile(r"\[bookmark: [^\]\n]*\]"),               # Word bookmarks from conversion
    re.compile(r"##paid(?:begin|end)##"),                # paywall markers of document sites
]
_DEBRIS_LINES = re.compile(r"^\s*(?:本文档)?(?:编辑|修改|打开|文档)密码\s*[:：].*$")
# Reports saved from government and document sites carry the page around them: breadcrumbs,
# article fields, page numbers, download and share prompts.  Each is a whole line.
_CLUTTER_LINES = [re.compile(p) for p in (
    r"^\s*(?:当前位置|您的位置|你的位置|您现在的位置|您所在的位置|所在的?位置)\s*[:：]",
    r"^\s*(?:首页|网站首页|主页)\s*(?:[>＞»›→/|]|&gt;)",
    r"(?:[>＞»›]+\s*[^>＞»›\n]{1,20}){3,}$",                  # a > b > c > d, a>>b>>c: a breadcrumb
    r"^\s*(?:[-—–_]\s*)?\d{1,4}\s*(?:[-—–_]\s*)?$",            # - 1 -, 12
    r"^\s*第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?\s*$",
    r"^\s*\d{1,4}\s*/\s*\d{1,4}\s*$",                          # 1 / 4
    r"_第\d{1,4}页\s*$",                                      # title_第2页 (page previews)
    r"^\s*(?:全文预览已结束|下载本文档|点击下载|查看全文|展开全文|阅读全文|上一篇|下一篇|分享到|打印本页|关闭窗口|返回顶部|"
    r"版权说明|版权所有|免责声明|扫一扫|手机扫描|相关推荐|相关文章|猜你喜欢|本文来源|原文链接|责任编辑|本文由|来源\s*[:：]\s*\S{0,30}$)",
    r"^\s*(?:https?://|www\.)\S+\s*$",
    r"^\s*(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}\s*$",                    # 2014-04-28 alone: a page's date
    r"^\s*(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?\s*星期[一二三四五六日天]\s*$",  # a page's date
    r"^\s*(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?\s+\d{1,2}:\d{2}(?::\d{2})?\s*[:：]?\s*$",  # a timestamp
    r"^\s*\d{1,2}[./]\d{1,2}[./](?:19|20)\d{2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*$",   # 16.12.2015 13:48: day first
)]
# article fields (更新时间：… 阅读量：…): a short line made of two or more of them, or one of them alone
_FIELD = re.compile(r"(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}|(?:发布时间|更新时间|发布日期|发文日期|时间|日期|来源|信息来源|作者|编辑|阅读量|阅读|浏览量|浏览次数|"
                    r"点击数|点击量|访问量|字号|栏目|分类|供稿)\s*[:：]")
# a pinyin gloss after a character of pages that annotate readings: 鄉(xiāng)
_PINYIN_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹ][a-zü]*[)）]")
# marks doubled by a site's conversion (青龙,、房圩,,): the last one stands
_DOUBLED_MARK = re.compile(r"[,，][,，、]+")
# a page-break marker that a site's text extraction left inside a sentence: 两2 / 4 侧
_INLINE_PAGE = re.compile(r"(?<=[\u4e00-\u9fff，。、])\s?\d{1,3} / \d{1,3}\s?(?=[\u4e00-\u9fff])")
# PDF text puts spaces between characters and figures (清淤沟渠 38 公里); in Chinese prose a
# space between two such characters means nothing
_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff\d，。、；：“”（）%,]) +(?=[\u4e00-\u9fff，。、；：“”（）])"
                        r"|(?<=[\u4e00-\u9fff，。、；：]) +(?=[\d.])")


def _is_clutter(line: str) -> bool:
    s = line.strip()
    if any(p.search(s) for p in _CLUTTER_LINES):
        return True
    fields = _FIELD.findall(s)
    return bool(fields) and len(s) <= 120 and "。" not in s and (len(fields) >= 2 or _FIELD.match(s) is not None
                                                                 and len(s) <= 40)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> tuple[str, bool]:
    """Fold a text written in traditional script to simplified, character for character.

    Only a text that is traditional is folded (at least 2% of its Chinese characters change,
    and 5 of them), so that a simplified name which OpenCC would also map (乾安, 著名) is
    never touched in a simplified report.

    >>> to_simplified("鎮政府實施飲水工程，戶戶通水。")
    ('镇政府实施饮水工程，户户通水。', True)
    >>> to_simplified("乾安县实施饮水工程。")
    ('乾安县实施饮水工程。', False)
    """
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    if not cjk:
        return text, False
    conv = _t2s().convert(text)
    if len(conv) != len(text):
        conv = "".join(_t2s().convert(c) for c in text)     # keep one character for one
    changed = sum(1 for a, b in zip(text, conv) if a != b)
    if changed < 5 or changed < 0.02 * cjk:
        return text, False
    return conv, True
_FULLWIDTH = {c: chr(c - 0xFEE0) for c in list(range(0xFF10, 0xFF1A)) + list(range(0xFF21, 0xFF3B))
              + list(range(0xFF41, 0xFF5B))}
_FULLWIDTH.update({0xFF05: "%", 0xFF0E: "."})
_TERMINAL = set("。；！？：:;!?”」』）)…")
_HEADING_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、是]|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、](?!\d)|——|第[一二三四五六七八九十]+)")


def normalise(raw: str) -> str:
    """Clean a decoded report into govkg's normalised text (see :func:`normalise_page`)."""
    return normalise_page(raw)[0]


def normalise_page(raw: str) -> tuple[str, list[str]]:
    """Clean a decoded report into govkg's normalised text, and the lines of the web page
    around it that were removed (a breadcrumb or a 来源 line may still say whose report it is).

    Removes conversion debris (bookmarks, paywall markers, edit-password lines) and the web
    page around a saved report (breadcrumbs, article fields, page numbers, pinyin glosses),
    folds traditional script to simplified, full-width digits and Latin letters to ASCII,
    drops the spaces PDF text puts between Chinese characters and figures, trims trailing spaces, folds runs of blank
    lines into one, and re-joins a long line that was broken in the middle of a sentence or
    a name (``大王\\n\\n家`` becomes ``大王家``).
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = unicodedata.normalize("NFC", text)
    for pat in _DEBRIS:
        text = pat.sub("", text)
    text = text.translate(_FULLWIDTH)
    text = "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc")
    text, _ = to_simplified(text)
    text = _PINYIN_GLOSS.sub("", text)
    text = _DOUBLED_MARK.sub(lambda m: m.group(0)[-1], text)
    text = _INLINE_PAGE.sub("", text)
    lines = [ln.rstrip() for ln in text.split("\n")]
    page = [ln.strip() for ln in lines if _is_clutter(ln)]
    lines = [_CJK_SPACE.sub("", ln) if len(ln.strip()) > 40 else ln for ln in lines
             if not _DEBRIS_LINES.match(ln) and not _is_clutter(ln)]
    out: list[str] = []
    blank = 0
    width, last = _wrap_width(lines), ""
    for ln in lines:
        if not ln.strip():
            blank += 1
            continue
        if out and _broken_mid_sentence(out[-1], ln, width, last):
            out[-1] += ln.lstrip()
        else:
            if out and blank:
                out.append("")
            out.append(ln)
        blank, last = 0, ln
    return "\n".join(out).strip("\n") + "\n", page


def _wrap_width(lines: list[str]) -> int | None:
    """The width a report's text was hard-wrapped at (text taken from a PDF in narrow columns:
    every body line about as long, most ending mid-sentence), or None.

    >>> _wrap_width(["这是一个被硬换行的段落文字示例内容"] * 9 + ["短。"])
    17
    """
    body = [len(ln.strip()) for ln in lines if len(ln.strip()) >= 12]
    if len(body) < 8:
        return None
    from collections import Counter

    counts = Counter(body)
    width = max(counts, key=lambda w: (sum(counts[x] for x in range(w - 2, w + 3)), w))
    near = [ln for ln in lines if width - 3 <= len(ln.strip()) <= width + 3]
    open_ended = [ln for ln in near if ln.rstrip()[-1] not in _TERMINAL]
    if len(near) < 0.4 * len(body) or len(open_ended) < 0.5 * len(near):
        return None
    return width


def _broken_mid_sentence(prev: str, nxt: str, width: int | None = None, line: str = "") -> bool:
    p, n = prev.rstrip(), nxt.lstrip()
    if not p or not n or p[-1] in _TERMINAL or _HEADING_START.match(n):
        return False
    # in a hard-wrapped text a full line runs on into the next, whatever that starts with
    wrapped = width is not None and width - 3 <= len(line.strip()) and \
        re.match(r"[\u4e00-\u9fff\d（(“《]", n) is not None
    if wrapped:
        return True
    if not ("\u4e00" <= n[0] <= "\u9fff"):
        return False
    # a long body line cut off mid-sentence, a title cut after a connective, or a list
    # broken inside an item ("大王" / "家、北巴")
    return (len(p.strip()) >= 40 or p[-1] in "、，,及和与并"
            or (re.match(r"^[\u4e00-\u9fff]{1,3}、", n) is not None
                and "、" in _HEADING_START.sub("", p)[-8:]))


def report_from_text(name: str, raw: str, source: str = "", encoding: str = "") -> Report:
    """Build a Report from already-decoded text."""
    text, page = normalise_page(raw)
    if not text.strip():
        raise IngestError(source or name, "has no text once cleaned")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Report(name=name, text=text, sha256=digest, source=source or name, encoding=encoding,
                  meta={"page": page} if page else {})


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def read_report(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, limits: Limits | None = None,
                key: str | None = None) -> Report:
    """Read and normalise one report file, raising IngestError with the file's name.  Its
    ``key`` (its identity, :func:`source_key`) defaults to its folder's name and its own."""
    limits = limits or Limits(max_bytes=max_bytes)
    max_bytes = limits.max_bytes
    p = Path(path)
    where = str(p)
    if not p.is_file():
        raise IngestError(where, "is not a file")
    suffix = p.suffix.lower()
    if suffix not in SUFFIXES:
        raise IngestError(where, f"unsupported file type '{suffix or '(none)'}'",
                          f"govkg reads {', '.join(SUFFIXES)}")
    size = p.stat().st_size
    if size == 0:
        raise IngestError(where, "the file is empty")
    if size > max_bytes:
        raise IngestError(where, f"is {size} bytes, more than the limit of {max_bytes}",
                          "raise --max-bytes to read it")
    if suffix == ".docx":
        raw, enc = docx_text(p, limits.max_docx_expanded, limits.max_chars), "docx"
        digest = file_digest(p)
    else:
        data = p.read_bytes()
        raw, enc = decode_bytes(data, where)
        digest = hashlib.sha256(data).hexdigest()
    longest = max((len(line) for line in raw.splitlines()), default=0)
    if longest > limits.max_line_chars:
        raise IngestError(where, f"has a line of {longest} characters, more than the limit of "
                                 f"{limits.max_line_chars}", "raise --max-line-chars to read it")
    if len(raw) > limits.max_chars:
        raise IngestError(where, f"has {len(raw)} characters of text, more than the limit of {limits.max_chars} "
                                 "(a report is rarely longer)", "raise --max-chars to read it")
    report = report_from_text(p.name, raw, source=where, encoding=enc)
    return dataclasses.replace(report, key=key if key is not None else source_key(p),
                               file_sha256=digest, file_bytes=size)


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """The report files of :func:`walk` (what it refuses left out)."""
    return walk(paths)[0]


def walk(paths: Iterable[str | Path]) -> tuple[list[Path], list[Skipped]]:
    """The report files of :func:`walk_keyed` without their keys, and what it refused."""
    found, refused = walk_keyed(paths)
    return [p for p, _ in found], refused


def walk_keyed(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, str]], list[Skipped]]:
    """Expand files and folders into a sorted list of candidate report files, and the entries
    a folder holds under a report's name that are not read, each with why.

    Folders are walked recursively; hidden files are skipped; files given by name are kept
    whatever their type, so that an unsupported one is reported rather than ignored.  Inside a
    folder, a symbolic link to a file in the same folder is read; one that leads out of it, a
    broken link, a named pipe or a device is named as skipped (a pipe would block the build,
    a link outside would read a file nobody put in the folder).
    """
    found: list[tuple[Path, str]] = []
    refused: list[Skipped] = []
    for item in paths:
        p = Path(item)
        if not p.is_dir():
            found.append((p, source_key(p)))
            continue
        root, inside = p.resolve(), []
        for folder, dirs, files in os.walk(p):      # links to folders are not followed
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                f = Path(folder) / name
                if name.startswith(".") or f.suffix.lower() not in SUFFIXES:
                    continue
                why = _not_a_report_file(f, root)
                if why:
                    refused.append(Skipped(str(f), why))
                else:
                    inside.append(f)
        found.extend((f, source_key(f, p)) for f in sorted(inside))
    return found, sorted(refused, key=lambda s: s.path)


def _not_a_report_file(f: Path, root: Path) -> str | None:
    """Why an entry of a walked folder is not read, or None."""
    try:
        st = f.lstat()
    except OSError as e:
        return f"cannot be read ({e.strerror or e})"
    if stat.S_ISLNK(st.st_mode):
        try:
            target = f.resolve(strict=True)
        except (OSError, RuntimeError):
            return "is a broken symbolic link"
        if not target.is_relative_to(root):
            return f"is a symbolic link to {target}, outside the folder (name that file to read it)"
        st = target.stat()
    if stat.S_ISFIFO(st.st_mode):
        return "is a named pipe (FIFO), not a file"
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        return "is a device, not a file"
    if stat.S_ISSOCK(st.st_mode):
        return "is a socket, not a file"
    if not stat.S_ISREG(st.st_mode):
        return "is not a file"
    return None


def read_reports(paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES
                 ) -> Iterator[Report | Skipped]:
    """Yield a Report for each readable file and a Skipped for each one that is not."""
    files, refused = walk(paths)
    yield from refused
    for p in files:
        try:
            yield read_report(p, max_bytes=max_bytes)
        except IngestError as e:
            yield Skipped(str(p), e.reason if e.where == str(p) else e.message)
        except OSError as e:
            yield Skipped(str(p), f"cannot be read ({e.strerror or e})")
