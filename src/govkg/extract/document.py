"""Report metadata: township, county, period, kind, date and document number."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..numerals import CN_NUM_CHARS, chinese_to_number
from .names import ANONYMISED, BOUNDARY, CJK, GENERIC, IS_CJK, LEADING, PLACEHOLDER, _cut_left, run_before


TOWN_SUFFIX = r"(?:镇|乡|苏木|街道)"
COUNTY_SUFFIX = r"(?:自治旗|自治县|旗|县|区|市)"
# a county-level unit (or a city, or a league) written before a township's name
LEADING_UNIT = re.compile(rf"^([{CJK}]{{1,7}}?(?:自治旗|自治县|旗|县|区|市|盟))([{CJK}]{{2,8}}{TOWN_SUFFIX})$")
GENERIC_TOWN_STEMS = {"全", "我", "本", "该", "各", "乡", "城", "集", "村", "小城", "重点", "建制",
                      "农村", "主要", "城市", "村内", "集镇", "城区", "村庄", "大街", "背街", "镇区", "社区",
                      "特色小", "市", "邻", "外", "全乡", "巴", "各乡", "乡村", "城乡"}

KIND_PATTERNS = [
    ("government-work-report", re.compile(r"政府工作报告|人民代表大会")),
    ("work-summary", re.compile(r"工作总结|总结|工作汇报|汇报|小结|工作回顾|述职|工作情况的?报告|进展情况的?报告|办理情况的?报告"
                                 r"|(?:民生实事|实事项目|重点项目|重点工作)(?:进展|完成|推进|实施|落实)?情况")),
    ("work-plan", re.compile(r"工作计划|工作安排|工作要点|工作打算|工作思路")),
]
DOCNUM = re.compile(rf"[{CJK}]{{1,8}}[〔\[［(（]\s*(?:19|20)\d{{2}}\s*[〕\]］)）]\s*\d{{1,4}}\s*号")
DATE_LINE = re.compile(r"^\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?\s*$")
DATE_SPEECH = re.compile(r"——\s*((?:19|20)\d{2})年(\d{1,2})月(?:(\d{1,2})日)?")
PERIOD_IN_TITLE = re.compile(
    r"((?:19|20)\d{2})\s*(?:全)?年\s*(?:度)?\s*(上半年|下半年|第?[一二三四1-4]季度|[一二三四1-4]季度)?")


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


TITLE_FIELD = re.compile(r"(?:^|\|)\s*标\s*题\s*[:：]\s*([^|]{4,60}?)\s*(?:\||$)")
# a title that reports a meeting (召开2024年产业工作总结会) names news of it, not the summary
MEETING_TITLE = re.compile(r"(?:召开|举行|举办|开展)[^，,。]{0,20}(?:总结会|总结大会|总结表彰|会议)|总结(?:表彰)?(?:大)?会$")


def _title_lines(lines: list[str]) -> list[str]:
    """The lines that can be a report's title: short lines near the top naming a kind."""
    out = []
    for ln in lines[:40]:
        s = ln.strip()
        field = TITLE_FIELD.search(s)
        if field:
            out.insert(0, field.group(1).strip())     # | 标题:X镇2023年工作计划 |: the page says so
            continue
        if "|" in s:
            continue        # a row of the page's metadata table (| 主题词:工作计划 |) is no title
        if s and len(s) <= 60 and any(p.search(s) for _, p in KIND_PATTERNS) \
                and "。" not in s and not (len(s) > 25 and re.search(r"[，,]", s)):
            out.append(s)       # a sentence (…召开座谈会。镇工作人员汇报了…) is no title
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
    m = re.match(rf"^(?:关于)?(?:报送)?《?(?:(?:19|20)\d{{2}}\s*年度?)?([{CJK}XxＸｘ×*＊〇○oO]{{2,18}}?{suffix_re})(?:人民政府)?", s)
    return m.group(1) if m else None


def document_info(text: str, places=None, page: list[str] = ()) -> DocInfo:
    """Metadata of a report: township, county, period, kind, date, document number.

    ``places`` (a :class:`govkg.register.Register`) lets the township be chosen among real
    townships, and the county among the counties that township lies in; without it the
    names are read by rules alone.  ``page``: lines of the web page the report was saved
    from (breadcrumb, 来源), which may name the township and county.

    >>> info = document_info("关于报送青石镇2023年上半年工作总结的报告\\n现将我镇上半年工作总结如下。\\n")
    >>> info.township, info.period, info.kind
    ('青石镇', '2023-H1', 'work-summary')
    """
    lines = text.split("\n")
    info = DocInfo()
    titles = _title_lines(lines)
    info.title = titles[0] if titles else None
    info.kind = _kind(text, lines, titles)
    title_county = None
    if places is not None:
        info.township = _register_township(text + "\n" + "\n".join(page), titles, places)
    if not info.township:
        info.township, title_county = _rule_township(text, titles)
    if not info.township and places is not None:
        info.township = _bare_register_township(text, places) or _village_register_township(text, places)
    if places is not None and info.township:
        info.county = _register_county(text + "\n" + "\n".join(page), info.township, places)
    if not info.county:
        info.county = _rule_county(text, lines, title_county)
        if info.county and places is not None and not _a_register_county(info.county, places):
            info.county = None      # 喜迎七十周年县庆, 红旗: no county of the register
    if not info.county and info.township:
        info.county = _county_before(text, info.township, places)
    info.date = _date(text, lines) or _page_date(page)
    info.period = _report_period(text, titles, info)
    m = DOCNUM.search(text[:3000])
    if m:
        info.number = re.sub(r"\s+", "", m.group(0))
    return info


# a township's suffix before and after it was made a town (乡 → 镇) or a 街道 (镇 → 街道)
UPGRADED = {"镇": "乡", "街道": "镇"}
HEADLINE = re.compile(r"^[^：:，,。]{2,16}[：:]")
NEWS = re.compile(r"本报讯|本网讯|记者|通讯员|(?:日|月)电[）)]?|[（(]通讯员|[\u4e00-\u9fff]{2,3}\s+摄\s*$", re.MULTILINE)


def _kind(text: str, lines: list[str], titles: list[str]) -> str:
    """The title decides; the head of the text only when there is no title, and a news item
    about a township (本报讯, 记者…) is not a report of it."""
    kind = "other"
    for k, pat in KIND_PATTERNS:
        if any(pat.search(t) for t in titles):
            kind = k
            break
    if titles and kind == "work-plan" and any(re.search(r"总结|汇报|回顾", t) for t in titles):
        kind = "work-summary"
    if titles and kind in ("work-summary", "work-plan") and MEETING_TITLE.search(titles[0]):
        return "other"
    if titles and kind == "work-plan" and HEADLINE.match(titles[0]):
        kind = "other"      # 陇县河北镇：坚持“1234”工作思路…: a news headline, not a plan
    if kind == "other" and not NEWS.search(text[:400]):
        # a plan's words (工作思路, 安排) stand in every body: only a review or a report is
        # read from the head of a text without a title, and not from a title it quotes
        # (听取和审议了《镇人民政府工作报告》)
        head = re.sub(r"《[^》]*》", "", "\n".join(lines[:5]))
        for k, pat in KIND_PATTERNS[:2]:
            if pat.search(head):
                kind = k
                break
    return kind


TOWN_OCCURRENCE = re.compile(r"街道办事处|街道|办事处|苏木|镇(?![长委情域])|乡(?![镇村亲土贤愁情风长里])")
# register townships whose names are also common words: only a title or a 人民政府 line names them
COMMON_TOWN_NAMES = {"城镇", "小城镇", "中心镇", "新镇", "中心乡", "东街道", "城关镇"}
STRONG_AFTER = re.compile(rf"人民政府|党委|政府|第[{CN_NUM_CHARS}]+届|人大|\d{{4}}年|(?:上|下)半年|工作总结")


def _register_township(text: str, titles: list[str], places) -> str | None:
    """The reporting township among the register's townships: every name ending in a township
    suffix is looked up (longest first, so 在代力吉镇 gives 代力吉镇 and 我镇 gives nothing);
    a name in a title counts ten, one followed by 人民政府, 党委, a year… three, others one."""
    score: dict[str, float] = {}
    first: dict[str, int] = {}
    title_text = "\n".join(titles)
    for source, weight in ((title_text, 10.0), (text, 1.0)):
        for m in TOWN_OCCURRENCE.finditer(source):
            run = run_before(source, m.start(), 8, placeholders=True)
            suffix = "街道" if m.group(0) == "街道办事处" else m.group(0)
            for k in range(len(run), 0, -1):
                if k == 1 and not ANONYMISED.fullmatch(run[-1:]):
                    continue        # a one-character name only where it stands for one (×镇)
                name = run[-k:] + suffix
                if places.is_township(name) or ANONYMISED.fullmatch(run[-k:]):
                    break
                # 霍龙门镇 where the register still has 霍龙门乡: a township made a town keeps
                # its name, and the text is the authority on its suffix (not 龙门镇 inside it)
                if k >= 2 and suffix in UPGRADED and places.is_township(run[-k:] + UPGRADED[suffix]):
                    break
            else:
                continue
            if name[:-len(suffix)].endswith(("村", "社区")) and len(run) > k:
                continue        # 苏南村镇美好乡村建设: a village's name before 镇…, not 南村镇
            if name in COMMON_TOWN_NAMES and weight < 10 and not STRONG_AFTER.match(source, m.end()):
                continue
            w = weight
            if weight < 10 and STRONG_AFTER.match(source, m.end() + (3 if m.group(0) == "街道办事处" else 0)):
                w = 3.0
            score[name] = score.get(name, 0.0) + w
            first.setdefault(name, m.start() if weight < 10 else -1)
    if not score:
        return None
    # the most weight wins; between equals, the one named first (a report names itself
    # before its neighbours)
    return max(score, key=lambda n: (score[n], -first[n]))


OWN_PLACE_BEFORE = "立足|关系|魅力|开放|活力|和谐|富裕|实力|宜居|全域"
OWN_PLACE_AFTER = "实际|全局|有史以来|经济|发展|人民|群众|全域|各族|上下|大地|特色"
OWN_TOWN = re.compile(r"(?:我|本|全|该)(镇|乡|苏木|街道)|(镇|乡)(?:人民政府|党委|政府|人大)")


def _bare_register_township(text: str, places) -> str | None:
    """A township the report names only bare (建设文化万安、开放万安…; 关系枨冲全局): the
    suffix its own phrases use (我镇, 镇人民政府) joined to a name it writes where a report
    names its own place (立足X实际, 魅力X, X全局…) twice or more, when the register knows
    that township.

    >>> from govkg.register import Register
    >>> _bare_register_township("镇人民政府向大会报告。关系枨冲全局…枨冲段…枨冲有史以来。", Register())
    '枨冲镇'
    """
    own = {m.group(1) or m.group(2) for m in OWN_TOWN.finditer(text)}
    if len(own) != 1:
        return None
    suffix = own.pop()
    counts: dict[str, int] = {}
    for k in (2, 3, 4):
        for i in range(len(text) - k + 1):
            stem = text[i:i + k]
            if IS_CJK.match(stem[0]) and IS_CJK.match(stem[-1]):
                counts[stem] = counts.get(stem, 0) + 1
    def a_village(st: str) -> bool:     # 南村 of 苏南村, 红石 of 红石村: a village's name
        after = len(re.findall(rf"{re.escape(st)}(?:村|嘎查|社区)", text))
        return st.endswith(("村", "社区")) or 2 * after >= counts[st]

    cands = [(c, len(st), st) for st, c in counts.items() if c >= 2 and not a_village(st)
             and st not in GENERIC_TOWN_STEMS
             and not GENERIC.search(st) and st not in BOUNDARY and st not in LEADING
             and not _stock(st + suffix) and places.is_township(st + suffix)]
    # a common word that is also a township's name (文化, 建设) is not enough: the name must
    # stand where a report names its own place, twice (立足冶溪实际, 魅力冶溪, 关系枨冲全局)
    cands = [(len(re.findall(rf"(?:{OWN_PLACE_BEFORE}){re.escape(st)}|{re.escape(st)}(?:{OWN_PLACE_AFTER})", text)),
              c, len(st), st) for c, _, st in cands]
    cands = [c for c in cands if c[0] >= 2 and c[1] >= 3]
    if not cands:
        return None
    return max(cands)[3] + suffix


WRITTEN_VILLAGE = re.compile(r"([\u4e00-\u9fff]{2,5})(?:村委会|村|社区|嘎查)")


def _village_register_township(text: str, places) -> str | None:
    """The township of the villages a report names, for a report that never names its own
    township (a plan that opens 新的一年里…): the register's township holding the most of the
    names written with 村/社区/嘎查, when it holds two or more and no other holds as many, and
    the report also writes the township's name or names three of its villages.  Its suffix
    is the one the report uses of itself (全镇, 我乡) when it uses one.

    >>> from govkg.register import Register
    >>> _village_register_township("全镇推进潼溪村、熊市村示范片；筻口中心医院新建。", Register())
    '筻口镇'
    """
    hits: dict[tuple, set[str]] = {}
    for m in WRITTEN_VILLAGE.finditer(text):
        run = m.group(1)
        for k in range(len(run), 1, -1):
            towns = places.village_townships(run[-k:])
            if towns:
                for t in {t.path: t for t in towns}.values():
                    hits.setdefault(t.path, set()).add(run[-k:])
                break
    if not hits:
        return None
    ranked = sorted(hits.items(), key=lambda kv: -len(kv[1]))
    path, names = ranked[0]
    if len(names) < 2 or (len(ranked) > 1 and len(ranked[1][1]) == len(names)):
        return None
    town = path[-1]
    stem = re.sub(r"(?:镇|乡|街道办事处|街道|苏木|办事处)$", "", town)
    if len(names) < 3 and not (len(stem) >= 2 and stem in text):
        return None
    own = {m.group(1) or m.group(2) for m in OWN_TOWN.finditer(text)}
    if own and not any(town.endswith(o) for o in own):
        return None     # 全乡 in a report whose villages the register puts in a 镇: not it
    return town


def _rule_township(text: str, titles: list[str]) -> tuple[str | None, str | None]:
    """(township, county written before it in the title) by rules alone: a title that opens
    with a township, then strong contexts, then support in the body."""
    title_county = None
    for t in titles:
        name = _cut_title_name(t, TOWN_SUFFIX)
        # a title may name the county (and city) first: 乐至县全胜乡2019年工作总结
        while name and (m := LEADING_UNIT.match(name)):
            title_county, name = m.group(1), m.group(2)
        if name and len(name) <= 12 and re.sub(TOWN_SUFFIX + "$", "", name) not in GENERIC_TOWN_STEMS \
                and not re.search(r"\d", name) and not _stock(name):
            return name, title_county
    anon = [m.group(1) for m in ANON_TOWN.finditer(text)]
    if anon and (len(anon) >= 2 or STRONG_AFTER.match(text, text.find(anon[0]) + len(anon[0]))):
        return max(set(anon), key=anon.count), title_county      # ooo乡人民政府: anonymised, kept as written
    office = OFFICE_AFTER_COUNTY.search(text)
    if office and not _stock(office.group(2)):
        # 霸州市辛章办事处: a sub-district office named after its county-level city
        return office.group(2), office.group(1)
    support = _name_support(text, TOWN_SUFFIX + r"(?![长委镇村情域内级街])", GENERIC_TOWN_STEMS)
    support = {_drop_leading_unit(re.sub(r"^.*年", "", n)): c for n, c in support.items()}
    support = {n: c for n, c in support.items() if len(n) > 2 and not _stock(n)}
    strong = [n for n in support if re.search(
        rf"{re.escape(n)}(?:人民政府|党委|第[{CN_NUM_CHARS}]+届|\d{{4}}年)", text)]
    pool = strong or [n for n, c in support.items() if c >= 2] or (list(support) if len(support) == 1 else [])
    if pool:
        return max(pool, key=lambda n: (support[n], len(n))), title_county
    return None, title_county


def _drop_leading_unit(name: str) -> str:
    while (m := LEADING_UNIT.match(name)):
        name = m.group(2)
    return name


ANON_TOWN = re.compile(r"(?<![A-Za-z])((?:[XxＸｘ×*＊〇○某]{1,3}|[oO]{2,4})(?:镇|乡|苏木|街道))")
OFFICE_AFTER_COUNTY = re.compile(rf"([{CJK}]{{2,6}}?(?:市|县|区|旗))((?!街道)[{CJK}]{{2,4}}?办事处)")


# stock phrases that end in a township suffix but name none: 现将我镇, 我代表乡, 优秀乡镇, 在镇党委
STOCK_STEM = re.compile(r"[我本该各的是给以和在与及对]|政府|人民|党委|成立|组织|全力|深化|推进|加快|持续|做好|"
                        r"^(?:目前|当前|今年|去年|全年|近年|同时|其中|另外)|.镇|代表|小编|下面|^在|^将|^现|^由|乡$|秀$|"
                        r"^(?:完成|实施|开展|推动|落实|促进|统筹|加强|巩固|打造|创建).")


def _stock(name: str) -> bool:
    if re.search(r"[之返下回故离还]乡$", name):
        return True         # 水果之乡, 务工返乡: a hometown, not a township
    if re.search(r"(?:农业|工业|经济|旅游|文化|人口|产粮|畜牧|养殖|商贸)[大强名重]镇$|[型式]村?镇$", name):
        return True         # 农业大镇, 生态型村镇: what a township is, not its name
    return STOCK_STEM.search(re.sub(TOWN_SUFFIX + "$", "", name)) is not None


def _register_county(text: str, township: str, places) -> str | None:
    """The county as the text writes it, among the counties the register puts this township
    in: its full name, its stem with a suffix, or an abbreviation (科左中旗); the form most
    often written wins, one written right before the township first."""
    from ..register import county_matches

    counties = places.township_counties(township)
    if not counties:
        return None
    seen: dict[str, float] = {}
    for m in re.finditer(r"自治旗|自治县|旗|县|区|市", text):
        run = run_before(text, m.start(), 7, placeholders=True)
        for k in range(len(run), 0, -1):
            written = run[-k:] + m.group(0)
            if any(county_matches(written, c) for c in counties):
                bonus = 5.0 if text.startswith(township, m.end()) else 1.0
                seen[written] = seen.get(written, 0.0) + bonus
                break
    if not seen:
        return _county_before(text, township, places)
    return max(seen, key=lambda n: (seen[n], len(n)))


def _county_before(text: str, township: str, places) -> str | None:
    """A county-level name written right before the township (覃塘区樟木镇, 迁安市阎家店乡): with
    the register, one of its counties, though the register may put the township elsewhere
    (the text is the authority on where its township lies, and the register may predate a
    change); without it, the shortest unit the words before the township end in."""
    for m in re.finditer(re.escape(township), text):
        run = run_before(text, m.start(), 9)
        if places is None:
            # rules alone: the shortest county-level unit that ends right before the township
            found = re.search(rf"(?:[{CJK}]{{2,7}}?(?:自治旗|自治县)|[{CJK}]{{2,4}}?[旗县区市])$", run)
            if found and not STOCK_STEM.search(found.group(0)[:-1]):
                return found.group(0)
            continue
        for k in range(len(run), 1, -1):
            written = run[-k:]
            if re.search(r"(?:自治旗|自治县|旗|县|区|市)$", written) and _a_register_county(written, places):
                return written
    return None


def _a_register_county(written: str, places) -> bool:
    return places.is_county(written)


def _rule_county(text: str, lines: list[str], title_county: str | None) -> str | None:
    """The addressee line, the county a title writes before the township, else the most
    supported county-level name."""
    for ln in lines[:40]:
        m = re.match(rf"^\s*([{CJK}]{{2,8}}?{COUNTY_SUFFIX})(?:人民)?政府(?:办公室)?\s*[:：]", ln)
        if m:
            return m.group(1)
    if title_county:
        return title_county
    generic = {"全", "本", "我", "该", "各", "市", "县", "区", "地", "园", "社", "城", "景", "小", "开发",
               "工业园", "园区", "辖", "新", "老", "农", "城区", "镇区", "山区", "牧区", "库区", "片区", "景区", "社区"}
    support = _name_support(text, r"(?:自治旗|自治县|旗|县)(?![委长级域内直帜庆城])", generic, max_stem=5)
    good = {n: c for n, c in support.items() if PLACEHOLDER.search(n) is None and not re.search(r"周年|[我本该]", n)
            and not STOCK_STEM.search(n[:-1])}
    if good:
        return max(good, key=lambda n: (good[n], len(n)))
    return None


def _date(text: str, lines: list[str]) -> str | None:
    """A signature line, or the date of a speech (——2023年12月在…会议上)."""
    date = None
    for ln in lines:
        m = DATE_LINE.match(ln)
        if m:
            y, mo, d = m.groups()
            date = f"{y}-{int(mo):02d}" + (f"-{int(d):02d}" if d else "")
    if not date:
        m = DATE_SPEECH.search(text[:2000])
        if m:
            y, mo, d = m.groups()
            date = f"{y}-{int(mo):02d}" + (f"-{int(d):02d}" if d else "")
    return date


PAGE_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


PAGE_DATE_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[./](\d{1,2})[./]((?:19|20)\d{2})\b")


def _page_date(page: list[str]) -> str | None:
    """The date a web page gives its article (发布时间：2024-02-27; 16.12.2015 13:48 day
    first), when the text has none."""
    for ln in page:
        m = PAGE_DATE.search(ln)
        if m:
            y, mo, d = m.groups()
        elif (m := PAGE_DATE_DAY_FIRST.match(ln)):
            d, mo, y = m.groups()
        else:
            continue
        if 1 <= int(mo) <= 12 and 1 <= int(d) <= 31:
            return f"{y}-{int(mo):02d}-{int(d):02d}"
    return None


YEAR = re.compile(r"((?:19|20)\d{2})\s*(?:全)?年")


def _report_period(text: str, titles: list[str], info: DocInfo) -> str | None:
    """The period the report reviews: for a government work report the year it reviews; else
    the title's (2019全年工作总结及2020年工作计划 reviews 2019); else the year the text
    speaks of most in its first half, not the year it is dated."""
    review = re.search(r"((?:19|20)\d{2})\s*年(?:工作|重点工作)?(?:回顾|总结|完成情况)", text)
    if info.kind == "government-work-report" and review:
        return review.group(1)
    if info.kind == "government-work-report":
        # heard early in year Y (2010年1月29日在…人民代表大会…上), it reviews Y-1
        heard = re.search(r"((?:19|20)\d{2})\s*年\s*(?:[1-3]|一|二|三)\s*月[^。\n]{0,30}?人民代表大会", text[:600])
        if heard and re.search(rf"{int(heard.group(1)) - 1}\s*年", text):
            return str(int(heard.group(1)) - 1)
        # a congress hears the report of year Y early in Y: 2021年政府工作报告 reviews 2020
        m = next((PERIOD_IN_TITLE.search(t) for t in titles if PERIOD_IN_TITLE.search(t)), None)
        if m and not m.group(2) and re.search(rf"{int(m.group(1)) - 1}\s*年", text):
            return str(int(m.group(1)) - 1)
    for t in titles:
        m = PERIOD_IN_TITLE.search(t)
        if m:
            part = m.group(2)
            if not part and len(set(re.findall(r"上半年|下半年", t[m.end():]))) == 1:
                # 新田镇2011年深入推进…上半年工作总结: the half stands further on
                part = re.search(r"上半年|下半年", t[m.end():]).group(0)
            return _period(m.group(1), part)
    half = None
    for t in titles + [ln for ln in text.split("\n")[:3]]:
        if re.search(r"上半年|1-6月|1—6月|一至六月", t):
            half = "上半年"
            break
        if re.search(r"下半年", t) and not re.search(r"上半年", t):
            break
    m = re.search(r"((?:19|20)\d{2})\s*年\s*(?:度)?\s*(上半年|下半年)?\s*(?:工作|重点工作)", text)
    if m:
        return _period(m.group(1), m.group(2) or half)
    for part in (text[: max(400, len(text) // 2)], text):
        years: dict[str, int] = {}
        for y in YEAR.finditer(part):
            if not re.match(r"\s*(?:计划|目标|力争|将|要)", part[y.end():y.end() + 4]):
                years[y.group(1)] = years.get(y.group(1), 0) + 1
        if info.date and any(y > info.date[:4] for y in years) and re.search(r"今年|本年", part):
            # a text dated in year D that speaks of 今年 reviews D: a later year it names is a plan
            years = {y: n for y, n in years.items() if y <= info.date[:4]} or {info.date[:4]: 1}
        if years:
            return _period(max(years, key=lambda y: (years[y], -part.find(y))), half)
    if info.date:
        return info.date[:4]
    return None
