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
import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Limits:
    """Size limits of ingest, each an option of the CLI."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_docx_expanded: int = DEFAULT_MAX_DOCX_EXPANDED
    max_line_chars: int = DEFAULT_MAX_LINE_CHARS


@dataclass(frozen=True)
class Report:
    """One report: its source name, normalised text and content hash."""

    name: str
    text: str
    sha256: str
    source: str = ""
    encoding: str = ""
    meta: dict = field(default_factory=dict, compare=False)

    @property
    def id(self) -> str:
        """A short stable identifier: the first 16 hex digits of the content hash."""
        return self.sha256[:16]


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

def docx_text(path: Path, max_expanded: int = DEFAULT_MAX_DOCX_EXPANDED) -> str:
    """Paragraphs and tables of a .docx in document order; a table row is one line whose
    cells are separated by a tab."""
    try:
        with zipfile.ZipFile(path) as z:
            expanded = sum(i.file_size for i in z.infolist())
            if expanded > max_expanded:
                raise IngestError(str(path), f"its parts expand to {expanded} bytes, more than "
                                             f"the limit of {max_expanded}")
            if "word/document.xml" not in z.namelist():
                raise IngestError(str(path), "is a zip file but not a Word document")
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
_FULLWIDTH = {c: chr(c - 0xFEE0) for c in list(range(0xFF10, 0xFF1A)) + list(range(0xFF21, 0xFF3B))
              + list(range(0xFF41, 0xFF5B))}
_FULLWIDTH.update({0xFF05: "%", 0xFF0E: "."})
_TERMINAL = set("。；！？：:;!?”」』）)…")
_HEADING_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、是]|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|——|第[一二三四五六七八九十]+)")


def normalise(raw: str) -> str:
    """Clean a decoded report into govkg's normalised text.

    Removes conversion debris (bookmarks, paywall markers, edit-password lines), folds
    full-width digits and Latin letters to ASCII, trims trailing spaces, folds runs of blank
    lines into one, and re-joins a long line that was broken in the middle of a sentence or
    a name (``大王\\n\\n家`` becomes ``大王家``).
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = unicodedata.normalize("NFC", text)
    for pat in _DEBRIS:
        text = pat.sub("", text)
    text = text.translate(_FULLWIDTH)
    text = "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc")
    lines = [ln.rstrip() for ln in text.split("\n")]
    lines = [ln for ln in lines if not _DEBRIS_LINES.match(ln)]
    out: list[str] = []
    blank = 0
    for ln in lines:
        if not ln.strip():
            blank += 1
            continue
        if out and _broken_mid_sentence(out[-1], ln):
            out[-1] += ln.lstrip()
        else:
            if out and blank:
                out.append("")
            out.append(ln)
        blank = 0
    return "\n".join(out).strip("\n") + "\n"


def _broken_mid_sentence(prev: str, nxt: str) -> bool:
    p, n = prev.rstrip(), nxt.lstrip()
    if not p or not n or p[-1] in _TERMINAL or _HEADING_START.match(n):
        return False
    if not ("\u4e00" <= n[0] <= "\u9fff"):
        return False
    # a long body line cut off mid-sentence, a title cut after a connective, or a list
    # broken inside an item ("大王" / "家、北巴")
    return (len(p.strip()) >= 40 or p[-1] in "、，,及和与并"
            or (re.match(r"^[\u4e00-\u9fff]{1,3}、", n) is not None
                and "、" in _HEADING_START.sub("", p)[-8:]))


def report_from_text(name: str, raw: str, source: str = "", encoding: str = "") -> Report:
    """Build a Report from already-decoded text."""
    text = normalise(raw)
    if not text.strip():
        raise IngestError(source or name, "has no text once cleaned")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Report(name=name, text=text, sha256=digest, source=source or name, encoding=encoding)


def read_report(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, limits: Limits | None = None) -> Report:
    """Read and normalise one report file, raising IngestError with the file's name."""
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
        raw, enc = docx_text(p, limits.max_docx_expanded), "docx"
    else:
        raw, enc = decode_bytes(p.read_bytes(), where)
    longest = max((len(line) for line in raw.splitlines()), default=0)
    if longest > limits.max_line_chars:
        raise IngestError(where, f"has a line of {longest} characters, more than the limit of "
                                 f"{limits.max_line_chars}", "raise --max-line-chars to read it")
    return report_from_text(p.name, raw, source=where, encoding=enc)


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders into a sorted list of candidate report files.

    Folders are walked recursively; hidden files are skipped; files given by name are kept
    whatever their type, so that an unsupported one is reported rather than ignored.
    """
    found: list[Path] = []
    for item in paths:
        p = Path(item)
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*") if f.is_file()
                                and not any(part.startswith(".") for part in f.relative_to(p).parts)
                                and f.suffix.lower() in SUFFIXES))
        else:
            found.append(p)
    return found


def read_reports(paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES
                 ) -> Iterator[Report | Skipped]:
    """Yield a Report for each readable file and a Skipped for each one that is not."""
    for p in discover(paths):
        try:
            yield read_report(p, max_bytes=max_bytes)
        except IngestError as e:
            yield Skipped(str(p), e.reason if e.where == str(p) else e.message)
        except OSError as e:
            yield Skipped(str(p), f"cannot be read ({e.strerror or e})")
