"""Report metadata: township, county, period, kind, date and document number."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..numerals import CN_NUM_CHARS, chinese_to_number
from .names import CJK, IS_CJK, PLACEHOLDER, _cut_left


TOWN_SUFFIX = r"(?:镇|乡|苏木|街道)"
COUNTY_SUFFIX = r"(?:自治旗|自治县|旗|县|区|市)"
# a county-level unit (or a city, or a league) written before a township's name
LEADING_UNIT = re.compile(rf"^([{CJK}]{{1,7}}?(?:自治旗|自治县|旗|县|区|市|盟))([{CJK}]{{2,8}}{TOWN_SUFFIX})$")
GENERIC_TOWN_STEMS = {"全", "我", "本", "该", "各", "乡", "城", "集", "村", "小城", "重点", "建制",
                      "特色小", "市", "邻", "外", "全乡", "巴", "各乡", "乡村", "城乡"}

KIND_PATTERNS = [
    ("government-work-report", re.compile(r"政府工作报告|人民代表大会")),
    ("work-summary", re.compile(r"工作总结|总结及|总结和|工作回顾|述职")),
    ("work-plan", re.compile(r"工作计划|工作安排|工作要点|工作打算|工作思路")),
]
DOCNUM = re.compile(rf"[{CJK}]{{1,8}}[〔\[［(（]\s*(?:19|20)\d{{2}}\s*[〕\]］)）]\s*\d{{1,4}}\s*号")
DATE_LINE = re.compile(r"^\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?\s*$")
DATE_SPEECH = re.compile(r"——\s*((?:19|20)\d{2})年(\d{1,2})月(?:(\d{1,2})日)?")
PERIOD_IN_TITLE = re.compile(
    r"((?:19|20)\d{2})\s*年\s*(?:度)?\s*(上半年|下半年|第?[一二三四1-4]季度|[一二三四1-4]季度)?")


@dataclass
class DocInfo:
    township: str | None = None
    county: str | None = None
    period: str | None = None
    kind: str = "other"
    date: str | None = None
    number: str | None = None
    title: str | None = None

    @property
    def year(self) -> int | None:
        return int(self.period[:4]) if self.period else None

    @property
    def township_stem(self) -> str | None:
        if not self.township:
            return None
        return re.sub(TOWN_SUFFIX + "$", "", self.township) or None


def _quarter(q: str) -> int:
    q = q.replace("第", "").replace("季度", "")
    return int(q) if q.isdigit() else chinese_to_number(q) or 1


def _period(year: str, part: str | None) -> str:
    if not part:
        return year
    if part == "上半年":
        return f"{year}-H1"
    if part == "下半年":
        return f"{year}-H2"
    return f"{year}-Q{_quarter(part)}"


def _title_lines(lines: list[str]) -> list[str]:
    """The lines that can be a report's title: short lines near the top naming a kind."""
    out = []
    for ln in lines[:40]:
        s = ln.strip()
        if s and len(s) <= 60 and any(p.search(s) for _, p in KIND_PATTERNS):
            out.append(s)
    return out


def _name_support(text: str, suffix_re: str, generic: set[str], max_stem: int = 7) -> dict[str, int]:
    """Count every place-name candidate ending in a suffix, extended leftwards only while the
    longer form keeps most of the support (so 举办大沁他拉镇 shrinks to 大沁他拉镇)."""
    counts: dict[str, int] = {}
    cands = []
    for m in re.finditer(suffix_re, text):
        s = m.start()
        run = ""
        i = s - 1
        while i >= 0 and IS_CJK.match(text[i]) and len(run) < max_stem:
            run = text[i] + run
            i -= 1
        cands.append((run, m.group(0)))
        for k in range(1, len(run) + 1):
            key = run[-k:] + m.group(0)
            counts[key] = counts.get(key, 0) + 1
    best: dict[str, int] = {}
    for run, suf in cands:
        name = None
        for k in range(2, len(run) + 1):
            stem = run[-k:]
            c = counts.get(stem + suf, 0)
            prev = counts.get(run[-(k - 1):] + suf, 0) if k > 2 else c
            if k > 2 and (c < 2 or c * 2 < prev):
                break
            name = stem
        if len(run) >= 2 and name is None:
            name = run[-2:]
        if name and counts.get(name + suf, 0) <= 1 and len(run) > len(name):
            # named once: the words before it, not its support, say where it starts
            cut, _, _ = _cut_left(run, set())
            name = cut if len(cut) >= 2 else name
        if name and name not in generic and not any(name.endswith(g) for g in ("全", "我", "本", "该")):
            best[name + suf] = counts.get(name + suf, 0)
    return best


def _cut_title_name(s: str, suffix_re: str) -> str | None:
    m = re.match(rf"^(?:关于)?(?:报送)?《?([{CJK}XＸ]{{2,18}}?{suffix_re})(?:人民政府)?", s)
    return m.group(1) if m else None


def document_info(text: str) -> DocInfo:
    """Metadata of a report: township, county, period, kind, date, document number."""
    lines = text.split("\n")
    info = DocInfo()
    titles = _title_lines(lines)
    info.title = titles[0] if titles else None
    # kind: the title decides; the body only when there is no title
    for kind, pat in KIND_PATTERNS:
        if any(pat.search(t) for t in titles):
            info.kind = kind
            break
    if titles and info.kind == "work-plan" and any(re.search(r"总结", t) for t in titles):
        info.kind = "work-summary"
    if info.kind == "other":
        head = "\n".join(lines[:15])
        for kind, pat in KIND_PATTERNS:
            if pat.search(head):
                info.kind = kind
                break
    # township: a title that opens with it, then strong contexts, then support in the body
    title_county = None
    for t in titles:
        name = _cut_title_name(t, TOWN_SUFFIX)
        # a title may name the county (and city) first: 乐至县全胜乡2019年工作总结
        while name and (m := LEADING_UNIT.match(name)):
            title_county, name = m.group(1), m.group(2)
        if name and len(name) <= 12 and re.sub(TOWN_SUFFIX + "$", "", name) not in GENERIC_TOWN_STEMS \
                and not re.search(r"\d", name):
            info.township = name
            break
    if not info.township:
        support = _name_support(text, TOWN_SUFFIX + r"(?![长委])", GENERIC_TOWN_STEMS)
        strong = [n for n in support if re.search(
            rf"{re.escape(n)}(?:人民政府|党委|第[{CN_NUM_CHARS}]+届|\d{{4}}年)", text)]
        pool = strong or [n for n, c in support.items() if c >= 2]
        if pool:
            info.township = max(pool, key=lambda n: (support[n], len(n)))
    # county: the addressee line, then the most supported county-level name
    for ln in lines[:40]:
        m = re.match(rf"^\s*([{CJK}]{{2,8}}?{COUNTY_SUFFIX})(?:人民)?政府(?:办公室)?\s*[:：]", ln)
        if m:
            info.county = m.group(1)
            break
    if not info.county and title_county and title_county.endswith(("旗", "县", "区")):
        info.county = title_county
    if not info.county:
        generic = {"全", "本", "我", "该", "各", "市", "县", "区", "地", "园", "社", "城", "景", "小", "开发",
                   "工业园", "园区", "辖", "新", "老", "农", "城区", "镇区", "山区", "牧区", "库区", "片区", "景区", "社区"}
        support = _name_support(text, r"(?:自治旗|自治县|旗|县)(?![委长级域内直帜])", generic, max_stem=5)
        good = {n: c for n, c in support.items() if PLACEHOLDER.search(n) is None}
        if good:
            info.county = max(good, key=lambda n: (good[n], len(n)))
    # period: the year a government work report reviews; else the title; else the first year
    review = re.search(r"((?:19|20)\d{2})\s*年(?:工作|重点工作)?(?:回顾|总结|完成情况)", text)
    if info.kind == "government-work-report" and review:
        info.period = review.group(1)
    for t in titles if not info.period else []:
        m = PERIOD_IN_TITLE.search(t)
        if m:
            info.period = _period(m.group(1), m.group(2))
            break
    # date: a signature line, or the date of a speech (——2023年12月在…会议上)
    for ln in lines:
        m = DATE_LINE.match(ln)
        if m:
            y, mo, d = m.groups()
            info.date = f"{y}-{int(mo):02d}" + (f"-{int(d):02d}" if d else "")
    if not info.date:
        m = DATE_SPEECH.search(text[:2000])
        if m:
            y, mo, d = m.groups()
            info.date = f"{y}-{int(mo):02d}" + (f"-{int(d):02d}" if d else "")
    if not info.period:
        m = re.search(r"((?:19|20)\d{2})\s*年\s*(?:度)?\s*(上半年|下半年)?\s*(?:工作|重点工作)", text)
        if m:
            info.period = _period(m.group(1), m.group(2))
        elif info.date:
            info.period = info.date[:4]
    m = DOCNUM.search(text[:3000])
    if m:
        info.number = re.sub(r"\s+", "", m.group(0))
    return info
