"""Stage 2, extract: read a normalised report the way an analyst does.

Output is the *extracted facts* of ``spec/facts-contract.md``: one ``document`` fact per
report and one ``activity`` fact per (statement, category, status).  Every activity carries
the character span of its statement in ``Report.text``.

Names of villages, townships and organisations are found by rules (suffixes, lists, the
words around them), never from a list of names; the category terms come from the SKOS
scheme in ``ontology/categories.ttl``.

>>> from govkg.ingest import report_from_text
>>> r = report_from_text("t.txt", "青石镇2023年工作总结\\n一、2023年工作完成情况\\n"
...     "在红柳、沙拐枣、白刺等6个嘎查实施草原围封保护3万亩。\\n")
>>> doc, act = extract(r)
>>> doc["township"], doc["period"], doc["kind"]
('青石镇', '2023', 'work-summary')
>>> act["category"], act["status"], act["villages"], act["village_count"], act["quantities"]
('grassland-fencing', 'achieved', ['红柳', '沙拐枣', '白刺'], 6, [{'value': 30000, 'unit': 'mu'}])
>>> r.text[act["span"][0]:act["span"][1]] == act["text"]
True
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from .ingest import Report
from .numerals import CN_NUM_CHARS, chinese_to_number, find_quantities
from .vocab import Category, load_categories

CJK = "\u4e00-\u9fff"
IS_CJK = re.compile(f"[{CJK}]")

# --- report metadata -----------------------------------------------------------------------

TOWN_SUFFIX = r"(?:镇|乡|苏木|街道)"
COUNTY_SUFFIX = r"(?:自治旗|自治县|旗|县|区|市)"
# a county-level unit (or a city, or a league) written before a township's name
LEADING_UNIT = re.compile(rf"^([{CJK}]{{1,7}}?(?:自治旗|自治县|旗|县|区|市|盟))([{CJK}]{{2,8}}{TOWN_SUFFIX})$")
GENERIC_TOWN_STEMS = {"全", "我", "本", "该", "各", "乡", "城", "集", "村", "小城", "重点", "建制",
                      "特色小", "市", "邻", "外", "全乡", "巴", "各乡", "乡村", "城乡"}
PLACEHOLDER = re.compile(r"[XxＸｘ×*＊某]")

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


# --- structure -----------------------------------------------------------------------------

HEADING = re.compile(
    r"^\s*(?:(?P<l1>[一二三四五六七八九十]+、)|(?P<l2>[（(][一二三四五六七八九十]+[）)])"
    r"|(?P<l3>\d{1,2}[.．、](?!\d))|(?P<l4>[（(]\d{1,2}[）)])|(?P<l1b>——)"
    r"|(?P<l1c>第[一二三四五六七八九十]+(?:部分|章)))\s*")
ENUMERATOR = re.compile(r"(?:[一二三四五六七八九十]{1,3}是|其[一二三四五六七八九十])(?=[^，、])")
PLAN_WORDS = re.compile(r"安排|计划|打算|思路|下一步|要点|目标任务|展望|举措|谋划|工作重点")
PROBLEM_WORDS = re.compile(r"存在.{0,4}问题|问题(?:与|及|和)|不足之处|困难和问题|困难和挑战|面临的挑战|^问题|主要问题")
REVIEW_WORDS = re.compile(r"回顾|完成情况|开展情况|工作总结|主要成效|取得的成绩|亮点|成效")
SENTENCE_END = re.compile(r"[。；;！？!?]+|(?=下一步)")


@dataclass
class Statement:
    start: int
    end: int
    text: str
    section: str                 # review | plan | problem
    period: str | None
    topic: list[str] = field(default_factory=list)   # categories of the item's topic sentence


@dataclass
class _Heading:
    level: int
    section: str | None
    period: str | None


def _heading_level(m: re.Match) -> int:
    for name, level in (("l1", 1), ("l1b", 1), ("l1c", 1), ("l2", 2), ("l3", 3), ("l4", 4)):
        if m.group(name):
            return level
    return 9


def _classify_heading(title: str) -> str | None:
    if PROBLEM_WORDS.search(title) and not REVIEW_WORDS.search(title):
        return "problem"
    if PLAN_WORDS.search(title) and not re.search(r"完成情况|开展情况|回顾", title):
        return "plan"
    if REVIEW_WORDS.search(title):
        return "review"
    return None


def _next_period(period: str | None) -> str | None:
    if not period:
        return None
    y = int(period[:4])
    if period.endswith("-H1"):
        return f"{y}-H2"
    if "-Q" in period:
        q = int(period[-1])
        return f"{y}-Q{q + 1}" if q < 4 else f"{y + 1}-Q1"
    return str(y + 1)


def _heading_period(title: str, section: str, info: DocInfo) -> str | None:
    m = PERIOD_IN_TITLE.search(title)
    if m:
        return _period(m.group(1), m.group(2))
    if section == "plan":
        if "下半年" in title and info.year:
            return f"{info.year}-H2"
        if re.search(r"明年|下一年", title) and info.year:
            return str(info.year + 1)
        return _next_period(info.period)
    return info.period


def segment(text: str, info: DocInfo) -> list[Statement]:
    """Split a report into statements, each knowing its section (review, plan, problem),
    its period and the topic of the enumerated item it belongs to."""
    default = "plan" if info.kind == "work-plan" else "review"
    stack: list[_Heading] = []
    out: list[Statement] = []
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        body_from = 0
        m = HEADING.match(line)
        if m:
            level = _heading_level(m)
            body_from = m.end()      # the marker (一、（一）1.) is not part of the statement
            title_end = re.compile(r"[。；;！？!?]").search(line, m.end())
            title = line[m.end(): title_end.start() if title_end else len(line)]
        elif len(line.strip()) <= 30 and not re.search(r"[。；，]", line):
            level, title = 0, line.strip()
        else:
            level, title = None, ""
        if level == 0 and re.search(r"工作总结|总结[及和]|政府工作报告|人民代表大会", title):
            level = None          # the report's own title, not a section of it
        if level is not None:
            own = _classify_heading(title)
            if level == 0 and own is None:
                level = None      # a short line that is not a section heading
            else:
                while stack and stack[-1].level >= level:
                    stack.pop()
                parent = stack[-1] if stack else None
                if own:
                    period = _heading_period(title, own, info)
                else:
                    period = parent.period if parent else info.period
                stack.append(_Heading(level, own or (parent.section if parent else None), period))
        section = next((h.section for h in reversed(stack) if h.section), None) or default
        period = next((h.period for h in reversed(stack) if h.period), None) or info.period
        out.extend(_split_line(line, line_start, body_from, section, period))
    return out


def _split_line(line: str, offset: int, start: int, section: str, period: str | None
                ) -> Iterable[Statement]:
    cuts = {start}
    for m in SENTENCE_END.finditer(line, start):
        cuts.add(m.end())
    for m in ENUMERATOR.finditer(line, start):
        cuts.add(m.start())
    bounds = sorted(c for c in cuts if c <= len(line)) + [len(line)]
    for a, b in zip(bounds, bounds[1:]):
        seg = line[a:b]
        lead = len(seg) - len(seg.lstrip())
        seg = seg.strip()
        if len(seg) < 2 or not IS_CJK.search(seg):
            continue
        s = offset + a + lead
        yield Statement(s, s + len(seg), seg, section, period)


# --- categories ----------------------------------------------------------------------------

@dataclass
class Lexicon:
    categories: dict[str, Category]
    pattern: re.Pattern
    term_cat: dict[str, list[tuple[str, bool]]]


@lru_cache(maxsize=4)
def lexicon(extra: tuple[str, ...] = ()) -> Lexicon:
    """Trigger terms of every category, compiled into one longest-first pattern."""
    cats = load_categories(extra)
    term_cat: dict[str, list[tuple[str, bool]]] = {}
    for c in cats.values():
        for t in c.terms:
            term_cat.setdefault(t, []).append((c.id, False))
        for t in c.weak_terms:
            term_cat.setdefault(t, []).append((c.id, True))
    alt = "|".join(re.escape(t) for t in sorted(term_cat, key=len, reverse=True))
    return Lexicon(cats, re.compile(alt), term_cat)


@dataclass
class Hit:
    start: int
    end: int
    category: str
    weak: bool


def category_hits(text: str, lex: Lexicon) -> list[Hit]:
    """Category terms in a statement; weak terms are dropped when a strong one is present,
    and a domain is dropped when one of its own leaves is present."""
    hits = [Hit(m.start(), m.end(), cid, weak)
            for m in lex.pattern.finditer(text) for cid, weak in lex.term_cat[m.group(0)]]
    if any(not h.weak for h in hits):
        hits = [h for h in hits if not h.weak]
    leaves_parents = {lex.categories[h.category].parent for h in hits}
    return [h for h in hits if h.category not in leaves_parents]


# --- villages ------------------------------------------------------------------------------

V_SUFFIX = re.compile(r"嘎查村|嘎查|村民委员会|村委会|行政村|社区|村")
NOT_AFTER_CUN = set("民级屯容规庄务集落医貌情风里内干两支书主部组")
NOT_AFTER_GACHA = set("干支集民级两党书")
MARKER_BEFORE = re.compile(
    rf"(?P<deng>等)?(?:(?P<n>\d+|[{CN_NUM_CHARS}]+)个?)?(?:重点|脱贫|贫困|示范|非脱贫|行政|相关|[\u4e00-\u9fff]{{0,2}}的)?$")
BOUNDARY = sorted("""其中 包括 涉及 带动 辐射 实施 完成 建设 建成 打造 新建 改造 推进 开展 成立 组建 位于
    依托 通过 利用 推行 启动 落实 选定 确定 覆盖 投入 投资 申请 支持 帮助 组织 引导 动员 发展 种植 成功
    对 在 于 将 把 向 从 由 与 和 及 同 为 是 了 的 仅 给 让 使 按 以 经 被 已 即 并 又 还 就 而 或 有
    今年 去年 明年 全年 当年 年内 年初 年底 上半年 下半年 同时 目前 累计 计划 力争 预计 另外 此外""".split(),
                  key=len, reverse=True)
LEADING = sorted("""仅 已 在 于 对 将 把 向 从 由 与 和 及 并 为 以 建设 完成 实施 新建 推进 开展 镇内 镇区 全镇
    辖区 境内 其中 涉及 包括 带动 周边 先后 分别 共 又 还 原 现 培育 发展 组建 成立 引进 扶持
    今年 去年 明年 全年 当年 年内 年初 年底 上半年 下半年 同时 目前 累计 计划 力争 预计 另外 此外""".split(),
                 key=len, reverse=True)
GENERIC = re.compile(
    "产业|示范|特色|重点|贫困|脱贫|专业|周边|部分|相关|低洼|薄弱|所有|其他|其余|全部|各个|多个|沿路|沿线"
    "|区域|辖区|农村|乡村|城乡|美丽|和美|宜居|文明|卫生|养殖|种植|试点|有关|集体|振兴|绿化|建设|发展"
    "|工作|项目|行动|全镇|全旗|全县|全市|我镇|本镇|北部|南部|东部|西部|中部|北侧|南侧|东侧|西侧|偏远|边远"
    "|牧区|山区|城区|社区|片区|园区|中心|服务|党|组织|民族|少数|贫困|易地|搬迁|安置|保障|标准|规范|合作"
    "|一个|每个|这个|那个|个别|嘎查村|业务|干部|领导|群众|农户|[各每逐驻该这那不]|[农城县市镇乡]$|..旗$")
DIRECTION_TAIL = re.compile(r"(?:北侧|南侧|东侧|西侧|境内|一带|周边|附近|段|组|[一二三四五六七八九十\d]+组)$")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    name: str
    strong: bool = True      # written with a suffix or in a marked list
    list_id: int = -1
    count: int | None = None
    suffix: str = ""         # the suffix the text gives it (a list's suffix covers its items)


def _name_like(name: str) -> bool:
    return (2 <= len(name) <= 8 and all(IS_CJK.match(c) for c in name)
            and not PLACEHOLDER.search(name) and not GENERIC.search(name)
            and "村" not in name and "嘎查" not in name[1:])


def _strip_leading(name: str) -> str:
    changed = True
    while changed:
        changed = False
        for w in LEADING:
            if len(w) == 1 and name[1:2] == "家":
                break       # 于家海, 向家湾: a surname before 家 starts the name
            if name.startswith(w) and len(name) - len(w) >= 2:
                name = name[len(w):]
                changed = True
                break
    return name


def _cut_left(raw: str, known: set[str]) -> tuple[str, int, bool]:
    """Find a name at the end of a run of CJK text.

    Returns (name, offset of the name in raw, whether a word to its left bounded it).
    The leftmost boundary word is cut first (so 布和浩沁 keeps its 和), then any later
    boundary of two or more characters (成功带动代力吉 gives 代力吉).
    """
    for k in sorted((k for k in known if raw.endswith(k)), key=len, reverse=True):
        return k, len(raw) - len(k), True
    cut, bounded = 0, False
    for i in range(len(raw) - 1):
        w = next((w for w in BOUNDARY if raw.startswith(w, i) and len(raw) - i - len(w) >= 2), None)
        if w and (bounded is False or len(w) >= 2):
            cut, bounded = i + len(w), True
    name = raw[cut:]
    stripped = _strip_leading(name)
    bounded = bounded or stripped != name
    name = stripped
    # a run with a generic word inside keeps only what follows the last generic word
    g = list(GENERIC.finditer(name))
    if g:
        tail = name[g[-1].end():]
        name = _strip_leading(tail) if len(tail) >= 2 else ""
        bounded = False     # what bounded the run no longer bounds this tail
    return name, len(raw) - len(name), bounded


def _run_before(text: str, end: int, limit: int = 14) -> str:
    i = end
    while i > 0 and end - i < limit and IS_CJK.match(text[i - 1]):
        i -= 1
    return text[i:end]


VERB_AFTER = re.compile(r"\d|完成|实施|建成|新建|投资|投入|建设|种植|发展|打造|成立|"
                       r"共|有|被|为|作为|通过|引进|组建|新打|新修|新增|修建|修复|维修|硬化|栽植|安装|流转|落实|开展|"
                       r"创建|推行|投产")


def _bad_name(name: str) -> bool:
    return name in BOUNDARY or name in LEADING or name[-1] in "和及与的了是为在对将把等并入进到出"


def _item_names(raw: str, first: bool, known: set[str]) -> list[tuple[str, int, bool]]:
    """Names in one list item (route items 'A至B' give two); offsets relative to raw.
    Each comes with whether a word to its left bounds it."""
    raw = DIRECTION_TAIL.sub("", raw)
    sm = re.search(r"(?:嘎查村|嘎查|村委会|行政村|村)$", raw)
    if sm and sm.start() >= 2:
        raw = raw[:sm.start()]
    route = re.match(r"^(.+?)(?:至|到)(.{2,})$", raw)
    if route and len(route.group(1)) >= 2 and _name_like(_strip_leading(route.group(2))) \
            and _name_like(_cut_left(route.group(1), known)[0]):
        parts = [(route.group(1), 0), (route.group(2), route.start(2))]
    else:
        parts = [(raw, 0)]
    out = []
    for i, (p, off) in enumerate(parts):
        p2 = re.sub(r"(?:嘎查村|嘎查|村)$", "", p) if len(p) > 3 else p
        if i == 0 and first:
            name, o, bounded = _cut_left(p2, known)
        else:
            name = _strip_leading(p2)
            o, bounded = len(p2) - len(name), True
        if _name_like(name) and not _bad_name(name):
            out.append((name, off + o, bounded))
    return out


def _list_items(text: str, end: int) -> list[tuple[int, int]]:
    """Raw items of a 、-separated list that ends at ``end``, left to right."""
    raw = _run_before(text, end)
    if not raw:
        return []
    items = [(end - len(raw), end)]
    while True:
        a = items[-1][0]
        if a > 0 and text[a - 1] == "、":
            prev = _run_before(text, a - 1)
            start = a - 1 - len(prev)
            if not prev or (start > 0 and text[start - 1].isdigit() and len(prev) <= 3):
                break         # "3.2公里、沙河村": the run before 、 is a figure's unit, not a name
            items.append((a - 1 - len(prev), a - 1))
        else:
            break
    return items[::-1]


def _split_conjunctions(text: str, items: list[tuple[int, int]], known: set[str],
                        marked: bool = False) -> list[tuple[int, int]]:
    """Split list items joined by 和/及/与 ("红石村和沙河", "白塔和沙河").  A 和 inside a name
    (布和浩沁, 呼和乌苏) leaves a one-character side, so it is not split there."""
    out = []
    for a, b in items:
        raw = text[a:b]
        cut = None
        for m in re.finditer(r"[和及与]", raw):
            left, right = raw[:m.start()], raw[m.end():]
            if (a, b) == items[0]:
                # what precedes the first item (在, 实施, …) is not part of its name
                for w in BOUNDARY:
                    i = left.rfind(w)
                    if i >= 0 and i + len(w) < len(left):
                        left = left[i + len(w):]
                        break
            if raw in known or len(right) < 2 or len(left) < 2:
                continue
            if re.search(r"(?:村|嘎查)$", left) or (len(left) >= 2 and (len(items) > 1 or marked) and
                                                    not any(k in raw for k in known if "和" in k)):
                cut = m
        if cut:
            out += [(a, a + cut.start()), (a + cut.end(), b)]
        else:
            out.append((a, b))
    return out


def village_mentions(text: str, known: set[str], town_stem: str | None,
                     bare: bool = True) -> list[Mention]:
    """Village mentions in a statement: suffixed names, lists closed by a suffix or by
    等N个嘎查, routes (A至B), and bare names this report names elsewhere with a suffix."""
    found: dict[int, Mention] = {}
    list_no = 0
    for m in V_SUFFIX.finditer(text):
        s, suf = m.start(), m.group(0)
        after = text[m.end():m.end() + 2]
        if suf == "村" and after[:1] in NOT_AFTER_CUN:
            continue
        if suf == "村" and text[s - 1:s] in "通进入" and after[:1] in "道公路":
            continue        # 通村道路, 进村公路: roads to villages, not a village
        if suf.startswith("嘎查") and after[:1] in NOT_AFTER_GACHA:
            continue
        if suf == "社区" and after[:1] in "矫服治建工":
            continue
        mk = MARKER_BEFORE.search(text, max(0, s - 14), s)
        marked = bool(mk and (mk.group("deng") or mk.group("n")))
        count = None
        if marked and mk.group("n"):
            n = mk.group("n")
            count = int(n) if n.isdigit() else chinese_to_number(n)
        end = s - (len(mk.group(0)) if marked else 0)
        items = _split_conjunctions(text, _list_items(text, end), known, marked)
        if not items:
            continue
        list_no += 1
        names: list[tuple[Mention, bool, bool]] = []
        last_ok = True
        for idx in range(len(items) - 1, -1, -1):
            a, b = items[idx]
            # an item right after 、 is bounded on its left even when the list walk stopped
            first = idx == 0 and not (a > 0 and text[a - 1] == "、")
            item = _item_names(text[a:b], first, known)
            if not item:
                if idx == len(items) - 1:
                    last_ok = False
                break              # a list stops at the first item that is not a name
            own_suffix = (idx == len(items) - 1 and not marked) or \
                re.search(r"(?:嘎查村|嘎查|村)$", DIRECTION_TAIL.sub("", text[a:b])) is not None
            for name, off, bounded in item:
                names.append((Mention(a + off, a + off + len(name), name, True, list_no, count,
                                      _written_suffix(text, a + off + len(name)) or suf),
                              bounded, own_suffix))
        single = len(names) <= 1 and not marked
        for mention, bounded, own_suffix in names if last_ok else []:
            name = mention.name
            if single and name not in known:
                # a lone suffixed word is a village only when something marks it as a
                # name: a preposition or verb before it, or a figure or verb after it
                if len(name) > 6 or not (bounded or VERB_AFTER.match(after)):
                    continue
            if name == town_stem and not own_suffix:
                continue   # a township's own name is its village only where 村/嘎查 says so
            found.setdefault(mention.start, mention)
    if bare and known:
        taken = [(m.start, m.end) for m in found.values()]
        for k in sorted(known, key=len, reverse=True):
            if k == town_stem:
                continue
            for mm in re.finditer(re.escape(k), text):
                a, b = mm.start(), mm.end()
                if any(a < y and x < b for x, y in taken):
                    continue
                if re.match(r"镇|乡|苏木|旗|县|街道", text[b:b + 2]):
                    continue
                found[a] = Mention(a, b, k, False)
                taken.append((a, b))
    return sorted(found.values(), key=lambda m: m.start)


def gazetteer(statements: list[Statement], town_stem: str | None) -> set[str]:
    """Names the report itself marks as villages (with a suffix or in a marked list)."""
    names: set[str] = set()
    for _ in range(2):    # a second pass lets names found once cut the runs around others
        for st in statements:
            if st.section == "problem":
                continue
            for m in village_mentions(st.text, names, town_stem, bare=False):
                names.add(m.name)
    return names - {town_stem}


# --- organisations -------------------------------------------------------------------------

ORG = re.compile(rf"(?P<name>[{CJK}（）()]{{2,30}}?)(?P<suf>专业合作社|股份经济合作社|经济合作社|合作社|联合社"
                 rf"|有限责任公司|有限公司|分公司|公司|集团|研究所|协会)")
ORG_GENERIC = re.compile(r"^(?:[各个等这该本多家一二三四五六七八九十两]|农民|专业|养殖|种植|肉牛养殖|外地|"
                         r"农牧业|企业|龙头|国有|村级|嘎查村|村|新型|农村|家庭|股份|经济|全镇|我镇)+$")


def organisations(text: str) -> list[dict]:
    """Cooperatives, companies and agencies named in a statement."""
    out, seen = [], set()
    for m in ORG.finditer(text):
        raw = m.group("name")
        i = max(raw.rfind(c) for c in "、，,（(") + 1 if any(c in raw for c in "、，,（(") else 0
        raw = raw[i:]
        cut = 0
        for j in range(len(raw) - 1):
            w = next((w for w in BOUNDARY if raw.startswith(w, j) and len(raw) - j - len(w) >= 2), None)
            if w:
                cut = j + len(w)
        stem = _strip_leading(raw[cut:])
        if len(stem) < 2 or ORG_GENERIC.match(stem) or PLACEHOLDER.fullmatch(stem[:2] or "x"):
            continue
        name = stem + m.group("suf")
        if name in seen:
            continue
        seen.add(name)
        suf = m.group("suf")
        kind = ("cooperative" if "社" in suf else "company" if suf in ("有限责任公司", "有限公司", "分公司", "公司", "集团")
                else "agency")
        out.append({"name": name, "kind": kind})
    return out


# --- status and period ---------------------------------------------------------------------

ONGOING = re.compile(r"正在|正持续|推进中|进行中|建设中|实施中|审批中|当中|已动工|开工建设|启动建设|启动实施|在建|"
                     r"加快建设|已完工\d{1,2}(?:\.\d+)?[%％]|完成\d{1,2}(?:\.\d+)?[%％]|\d{1,2}[%％]以上|逐步推进|有序推进")
PLANNED = re.compile(r"(?<![的露策项])计划(?!生育|单列|内)|(?<!已)拟(?!定)|力争|预计|下一步|明年|今后|即将|准备|"
                     r"将(?=继续|进一步|持续|逐步|全面|加快|大力|重点|在|着力|实现|建设|实施|投入|开展|启动|新建|推进|完成|建成|打造|于|积极|不断|做好|抓好|争取|力争)")
ACHIEVED = re.compile(r"已完成|已全部|已建成|全部完成|均已|已经|已于|完成了|建成了|已实现|圆满完成|顺利完成|现已完成|"
                      r"建成|竣工|完成")
STATUS_TEXT = {"ongoing": ONGOING, "planned": PLANNED, "achieved": ACHIEVED}
YEAR_LEAD = re.compile(r"^(?:[一二三四五六七八九十]+是)?\s*((?:19|20)\d{2})年(?!\d)(?!\s*[至到—-])(?!\d{1,2}月)"
                       r"(?P<half>上半年|下半年)?")
LAST_YEAR = re.compile(r"^(?:[一二三四五六七八九十]+是)?\s*去年")


def _clauses(text: str) -> list[tuple[int, int]]:
    bounds = [0] + [m.end() for m in re.finditer(r"[，,：:；;（）()]", text)] + [len(text)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def _clause_cue(text: str) -> str | None:
    for status in ("ongoing", "planned", "achieved"):
        if STATUS_TEXT[status].search(text):
            return status
    return None


def statement_period(st: Statement, info: DocInfo) -> str | None:
    m = YEAR_LEAD.match(st.text)
    if m and info.year and abs(int(m.group(1)) - info.year) <= 5 and st.section != "plan":
        return _period(m.group(1), m.group("half"))
    if LAST_YEAR.match(st.text) and info.year and st.section != "plan":
        return str(info.year - 1)
    return st.period


# --- putting it together -------------------------------------------------------------------

def _nearest(hits: list[Hit], pos: int, clause: tuple[int, int]) -> Hit | None:
    inside = [h for h in hits if clause[0] <= h.start < clause[1]]
    if inside:
        before = [h for h in inside if h.start <= pos]
        return max(before, key=lambda h: h.start) if before else min(inside, key=lambda h: h.start)
    before = [h for h in hits if h.start <= pos]
    if before:
        return max(before, key=lambda h: h.start)
    return min(hits, key=lambda h: h.start) if hits else None


def _village_count_quantity(text: str, q) -> bool:
    return q.unit == "piece" and re.match(
        r"(?:重点|脱贫|贫困|示范|非脱贫|行政)?(?:嘎查村|嘎查|村|行政村|社区)", text[q.end:]) is not None \
        or re.search(r"[\d" + CN_NUM_CHARS + r"]+(?:嘎查村|嘎查|村)$", q.raw) is not None


def extract(report: Report, extra_lexicons: tuple[str, ...] = ()) -> list[dict]:
    """All facts of one report: its document fact, then its activity facts in text order."""
    text = report.text
    info = document_info(text)
    lex = lexicon(extra_lexicons)
    stmts = segment(text, info)
    stem = info.township_stem
    known = gazetteer(stmts, stem)
    doc = {"type": "document", "doc": report.name, "township": info.township, "county": info.county,
           "period": info.period, "kind": info.kind, "date": info.date, "number": info.number,
           "title": info.title, "sha256": report.sha256, "chars": len(text),
           "anonymized": bool(info.township and PLACEHOLDER.search(info.township))}
    facts: dict[tuple, dict] = {}
    order: list[tuple] = []
    topic: list[str] = []
    for st in stmts:
        hits = category_hits(st.text, lex)
        new_item = bool(ENUMERATOR.match(st.text)) or _starts_line(text, st.start)
        if new_item:
            topic = sorted({h.category for h in hits if not h.weak})
        if st.section == "problem":
            continue
        mentions = village_mentions(st.text, known, stem)
        quantities = [q for q in find_quantities(st.text) if not _village_count_quantity(st.text, q)]
        if not hits:
            if not topic or not (mentions or quantities) or new_item:
                continue
            hits = [Hit(0, 0, c, False) for c in topic]
        cats = sorted({h.category for h in hits}, key=lambda c: min(h.start for h in hits if h.category == c))
        clauses = _clauses(st.text)
        cues = [(_clause_cue(st.text[a:b]) if st.section != "plan" else None) for a, b in clauses]
        sentence_ongoing = any(c == "ongoing" for c in cues)
        default = "planned" if st.section == "plan" else "achieved"

        def clause_index(pos: int) -> int:
            return next((i for i, (a, b) in enumerate(clauses) if a <= pos < b), len(clauses) - 1)

        def status_at(pos: int) -> str:
            if st.section == "plan":
                return "planned"
            i = clause_index(pos)
            for j in range(i, -1, -1):
                if cues[j]:
                    return cues[j]
            return "ongoing" if sentence_ongoing else default

        groups: dict[tuple[str, str], dict] = {}

        def group(cat: str, status: str) -> dict:
            return groups.setdefault((cat, status), {"villages": [], "forms": [], "quantities": [],
                                                     "count": None})

        # a list of villages takes the kinds of work named from it up to the next list in
        # its clause; failing that, those of its clause; failing that, the statement's.
        # A bare name (no suffix, no list) takes only what its own phrase names.
        groups_of: dict[object, list[Mention]] = {}
        for mn in mentions:
            groups_of.setdefault(mn.list_id if mn.strong else ("bare", mn.start), []).append(mn)
        ordered = sorted(groups_of.values(), key=lambda g: g[0].start)
        for gi, grp in enumerate(ordered):
            a, b = clauses[clause_index(grp[0].start)]
            nxt = next((g[0].start for g in ordered[gi + 1:] if a <= g[0].start < b), b)
            if grp[0].strong:
                targets = (_cats_in(hits, grp[0].start, nxt) or _cats_in(hits, a, b)
                           or next((_cats_in(hits, x, y) for x, y in clauses if x >= b
                                    and _cats_in(hits, x, y)), None) or cats)
            else:
                pa = max(st.text.rfind("、", a, grp[0].start) + 1, a)
                pb = st.text.find("、", grp[-1].end, b)
                targets = _cats_in(hits, pa, b if pb < 0 else pb)
            for mn in grp:
                for c in targets:
                    g = group(c, status_at(mn.start))
                    if mn.name not in g["villages"]:
                        g["villages"].append(mn.name)
                        g["forms"].append(mn.name + (mn.suffix or _written_suffix(st.text, mn.end)))
                    if mn.count and g["count"] is None:
                        g["count"] = mn.count
        for q in quantities:
            h = _nearest(hits, q.start, clauses[clause_index(q.start)])
            if h is None:
                continue
            item = {"value": q.value, "unit": q.unit}
            if q.approximate:
                item["approximate"] = True
            if "累计" in st.text[max(0, clauses[clause_index(q.start)][0]):q.start]:
                item["cumulative"] = True
            near = [mn for mn in mentions if 0 <= q.start - mn.end <= 3]
            if near:
                item["village"] = near[-1].name
            group(h.category, status_at(q.start))["quantities"].append(item)
        for c in cats:
            if not any(k[0] == c for k in groups):
                first = min((h.start for h in hits if h.category == c), default=0)
                group(c, status_at(first))
        period = statement_period(st, info)
        orgs = organisations(st.text)
        for (cat, status), g in groups.items():
            # the same statement repeated (under another heading marker) is one fact
            key = (HEADING.sub("", ENUMERATOR.sub("", st.text, count=1), count=1), cat, status)
            if key in facts and _merge_repeat(facts[key], st, key[0]):
                continue
            if key in facts:
                key = key + (st.start,)      # the same words, but not as one quotable text
            facts[key] = {
                "type": "activity", "doc": report.name, "township": info.township,
                "category": cat, "status": status, "period": period,
                "villages": g["villages"], "village_forms": g["forms"],
                "register": [None] * len(g["villages"]),
                "village_count": g["count"], "quantities": g["quantities"],
                "span": [st.start, st.end], "text": st.text, "spans": [[st.start, st.end]],
                "section": st.section, "organisations": orgs,
            }
            order.append(key)
    return [doc] + [facts[k] for k in order]


def _merge_repeat(fact: dict, st, core: str) -> bool:
    """Add a repetition of a statement to its fact; every span must slice the fact's text, so
    when the two differ by a marker (三是今年… / 今年…) the fact is narrowed to the words they
    share.  False when they share no such text.

    >>> from types import SimpleNamespace as S
    >>> f = {"text": "三是新打机井9眼。", "span": [10, 19], "spans": [[10, 19]]}
    >>> _merge_repeat(f, S(text="新打机井9眼。", start=40, end=47), "新打机井9眼。"), f["spans"], f["text"]
    (True, [[12, 19], [40, 47]], '新打机井9眼。')
    """
    if st.text == fact["text"]:
        fact["spans"].append([st.start, st.end])
        return True
    i, j = fact["text"].find(core), st.text.find(core)
    if not core or i < 0 or j < 0:
        return False
    a = fact["span"][0] + i
    fact["text"], fact["span"] = core, [a, a + len(core)]
    fact["spans"] = [[s0 + i, s0 + i + len(core)] for s0, _ in fact["spans"]]
    fact["spans"].append([st.start + j, st.start + j + len(core)])
    return True


def _written_suffix(text: str, end: int) -> str:
    """The suffix written right after a village name (嘎查, 村, 社区…), or ''."""
    m = re.match(r"嘎查村|嘎查|村民委员会|村委会|行政村|社区|村", text[end:])
    return m.group(0) if m else ""


def _cats_in(hits: list[Hit], a: int, b: int) -> list[str]:
    return sorted({h.category for h in hits if a <= h.start < b and h.end > 0})


def _starts_line(text: str, pos: int) -> bool:
    i = text.rfind("\n", 0, pos) + 1
    return not text[i:pos].strip() or HEADING.fullmatch(text[i:pos]) is not None
