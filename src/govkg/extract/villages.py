"""Village mentions: suffixed names, marked lists, routes and names the report marks elsewhere."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..numerals import CN_NUM_CHARS, chinese_to_number
from .names import BOUNDARY, GENERIC, IS_CJK, LEADING, PLACEHOLDER, TOWN_BEFORE, _cut_left, _strip_leading, run_before
from .segment import Statement

V_SUFFIX = re.compile(r"嘎查村|嘎查|村民委员会|村委会|行政村|社区|村")
NOT_AFTER_CUN = set("民级屯容规庄务集落医貌情风里内书部组")
# 村主任, 村干部, 村支书: about villages; but 司庄村主水渠, 张村干道, 李村支渠 name a village
NOT_AFTER_CUN_WORDS = ("主任", "干部", "支书", "支部", "支委", "两委", "共富", "振兴", "干群", "主职")
NOT_AFTER_GACHA = set("干支集民级两党书")
MARKER_BEFORE = re.compile(
    rf"(?P<deng>等)?(?:(?P<n>\d+|[{CN_NUM_CHARS}]+)个?)?(?:重点|脱贫|贫困|示范|非脱贫|行政|自然|相关|标准化|规范化|高标准|"
    rf"(?!项目|工程|工作|活动)[\u4e00-\u9fff]{{0,2}}的|(?<=个)[\u4e00-\u9fff]{{2,4}})?$")
DIRECTION_TAIL = re.compile(r"(?:北侧|南侧|东侧|西侧|境内|一带|周边|附近|段|组|[一二三四五六七八九十\d]+组)$")
# a village's trade written between its name and 村 (照庄养牛大村, 文家川养羊大村)
TRADE_TAIL = re.compile(r"(?:养[牛羊猪鸡鸭鹅鱼蜂兔]|养殖|种植|蔬菜|林果|果品|旅游|电商)(?:大|专业|示范|特色|重点)?$"
                        r"|(?<=..)中心$")      # 鲍店中心村: the central village of 鲍店
# what a statement says before a list's first name when a 、 list runs on from it
# (党委、政府在对圃田村、河沟王村): 在/对 after two characters or more start the name
ITEM_LEAD = re.compile(r"^.{2,}?(?:在对|在|对|向|给|的|根据|按照|通过|针对|依托|围绕)(?=.{2,}$)")


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


VERB_AFTER = re.compile(r"\d|完成|实施|建成|新建|投资|投入|建设|种植|发展|打造|成立|"
                       r"共|有|被|为|作为|通过|引进|组建|新打|新修|新增|修建|修复|维修|硬化|栽植|安装|流转|落实|开展|"
                       r"创建|推行|投产")


# a short label before a paragraph's village: 漂亮乡村：鲍店中心村是…
LABEL = re.compile(r"[^，,。；;：:]{1,10}[：:]")
LEAD_AFTER = re.compile(r"[，,：:（(]|位于|地处|积极|坚持|按照|通过|立足|依托|围绕|大力|结合|今年|去年|现有|全村|"
                        r"共有|是|以|在|把|将|先后|新建|新铺|投入|投资|实施|完成|建成|争取|紧紧|抢抓|借助|利用|依靠|抓住|"
                        r"现建|充分|多方|着力|注重|探索|发挥")


LONG_BOUNDARY = tuple(w for w in BOUNDARY if len(w) >= 2)
# one-character words that lead into a name (在谢村: 在 + 谢村), never the start of a 2-character one
ONE_CHAR_LEAD = set("在对将把向从由为是给让使按以经被已即并又还就而或")


def _bad_name(name: str) -> bool:
    return (name in BOUNDARY or name in LEADING or name[-1] in "和及与的了是为在对将把等并入到出"
            or name[0] in "了的着"
            or name.startswith(LONG_BOUNDARY) or name.endswith(LONG_BOUNDARY))  # 涉及柳, 持续推进


def _item_names(raw: str, first: bool, known: set[str]) -> list[tuple[str, int, bool, bool]]:
    """Names in one list item (route items 'A至B' give two); offsets relative to raw.
    Each comes with whether a word to its left bounds it, and whether a suffix is its own
    (the start of a route A至B村 has none)."""
    raw = DIRECTION_TAIL.sub("", raw)
    trade = TRADE_TAIL.search(raw)
    if trade and not re.search(r"个", raw[:trade.start()]):
        raw = raw[:trade.start()]      # but 4个肉羊养殖专业村 is a count of villages, not a name
    sm = re.search(r"(?:嘎查村|嘎查|村委会|行政村|村)$", raw)
    cun = bool(sm and sm.group(0) == "村" and sm.start() >= 2)
    if sm and sm.start() >= 2:
        raw = raw[:sm.start()]
    route = re.match(r"^(.+?)(?:至|到)(.{2,})$", raw)
    if route and re.search(r"(?:先后|分别|相继|一行|们|组|前往|来|去|走|又|再|也|都)$", route.group(1)):
        route = None        # 调研组先后到东岭村: people going to a village, not a road from A to B
    if route and len(route.group(1)) >= 2 and _name_like(_strip_leading(route.group(2))) \
            and _name_like(_cut_left(re.sub(r"(?:嘎查村|嘎查|村)$", "", route.group(1)), known)[0]):
        parts = [(route.group(1), 0), (route.group(2), route.start(2))]
    else:
        parts = [(raw, 0)]
    out = []
    for i, (p, off) in enumerate(parts):
        p2 = re.sub(r"(?:嘎查村|嘎查|村)$", "", p) if len(p) > 3 else p
        if i == 0 and first:
            name, o, bounded = _cut_left(p2, known)
        elif town := TOWN_BEFORE.match(p2):
            # the township written before its village (三道湾镇东沟村和北张芝村)
            name = max((k for k in known if p2.endswith(k)), key=len, default=None) \
                or _strip_leading(p2[town.end():])
            o, bounded = len(p2) - len(name), True
        else:
            lead = ITEM_LEAD.match(p2)
            name = _strip_leading(p2[lead.end():] if lead else p2)
            o, bounded = len(p2) - len(name), True
        if cun and i == len(parts) - 1 and (len(name) == 1 or name.startswith(LONG_BOUNDARY)
                                            or len(name) == 2 and name[0] in ONE_CHAR_LEAD):
            # 柳村, 谢村 (涉及柳村、王明…; 在谢村): a one-character name keeps its 村
            whole = (_cut_left(p + "村", known) if i == 0 and first else (_strip_leading(p + "村"), 0, True))[0]
            if len(whole) == 2 and whole[0] not in ONE_CHAR_LEAD and IS_CJK.match(whole[0]) \
                    and not GENERIC.search(whole):
                name, o = whole, len(p) - 1
        one_char = len(name) == 2 and name[1] == "村" and cun
        # 中和村, 太和村: a 和 right before the suffix ends the name, it joins nothing
        he = cun and i == len(parts) - 1 and len(name) >= 2 and name[-1] == "和" and not _bad_name(name[:-1] + "村")
        if (_name_like(name) or one_char or name in known and len(name) >= 2) and (he or not _bad_name(name)):
            # a name the register or the report knows (凤城, 西城) is one though it looks generic;
            # a route's start carries no suffix of its own (左右礼仪口至花罗村) unless written
            suffixed = i == len(parts) - 1 or p2 != p
            out.append((name, off + o, bounded, suffixed))
    return out


# a township has a few dozen villages; a longer 、-run is not one list of them, and walking it
# back from every suffix in it would cost the square of its length
MAX_LIST_ITEMS = 60


def _list_items(text: str, end: int) -> list[tuple[int, int]]:
    """Raw items of a 、-separated list that ends at ``end``, left to right."""
    raw = run_before(text, end)
    if not raw:
        return []
    items = [(end - len(raw), end)]
    while len(items) < MAX_LIST_ITEMS:
        a = items[-1][0]
        if a > 0 and text[a - 1] == "、":
            prev = run_before(text, a - 1)
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
            if raw[max(0, m.start() - 1):m.end()] in ("涉及", "以及", "普及", "危及", "波及", "惠及"):
                continue       # 涉及伊家: a word, not a conjunction
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
                     bare: bool = True, registered: frozenset[str] = frozenset()) -> list[Mention]:
    """Village mentions in a statement: suffixed names, lists closed by a suffix or by
    等N个嘎查, routes (A至B), and bare names this report names elsewhere with a suffix.

    ``registered``: the register's villages of the report's township (names without
    suffix).  They cut names out of the words around them (巩固提升红石村 gives 红石), are
    found bare where they have three characters or more, and a name in a list that is
    neither registered nor written with its own suffix is not taken for a village.

    >>> [m.name for m in village_mentions("在高油、内化等3个村实施电网改造。", set(), None)]
    ['高油', '内化']
    >>> [m.name for m in village_mentions("对西念子町、大杨庄实施道路硬化。", set(), None,
    ...                                   registered=frozenset({"西念子町", "大杨庄"}))]
    ['西念子町', '大杨庄']
    """
    marked_names, known = known, known | registered if registered else known
    found: dict[int, Mention] = {}
    item_cache: dict[tuple[int, int, bool], list] = {}
    list_no = 0
    # 长村张街道, 三村镇: where the township's own name holds 村, that 村 ends no village
    in_town = [(x.start(), x.end()) for x in re.finditer(re.escape(town_stem), text)] \
        if town_stem and V_SUFFIX.search(town_stem) else []
    for m in V_SUFFIX.finditer(text):
        s, suf = m.start(), m.group(0)
        if any(a <= s < b for a, b in in_town):
            continue
        after = text[m.end():m.end() + 2]
        if suf == "村" and after[:1] == "内" and re.search(r"等(?:\d+个)?(?:自然|行政)?$", text[max(0, s - 8):s]):
            pass           # 福山、青龙等自然村内约12.3公里道路: a list of villages after all
        elif suf == "村" and (after[:1] in NOT_AFTER_CUN or after in NOT_AFTER_CUN_WORDS or text[s - 1:s] == "整"):
            continue       # 村民, 村级, 村两委…: words about villages, not a village's name
        if suf == "村" and text[s - 1:s] in "通进入" and re.match(r"[^，,。；;、]{0,10}?(?:道|公路|路)", text[m.end():]):
            continue        # 通村道路, 进村公路, 至田湾通村4.75公里道路: roads to villages, not a village
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
        if marked and not mk.group("deng") and not mk.group(0).endswith("个") \
                and not mk.group("n").isdigit() and len(items) < 2:
            # 策城一村: a numeral that ends one name, not the count of a list (圃田、河沟王两村)
            marked, count, end = False, None, s
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
            key = (a, b, first)
            if key not in item_cache:      # the items of a list are met again from each suffix in it
                item_cache[key] = _item_names(text[a:b], first, known)
                if not item_cache[key] and idx == len(items) - 1 and not marked and text[b:b + 1] == "村":
                    # read with the 村 that closes it: a name ending in 和 (中和村), or of one
                    # character (谢村)
                    item_cache[key] = _item_names(text[a:b + 1], first, known)
            item = item_cache[key]
            if not item:
                if idx == len(items) - 1:
                    last_ok = False
                break              # a list stops at the first item that is not a name
            own_suffix = (idx == len(items) - 1 and not marked) or \
                re.search(r"(?:嘎查村|嘎查|村)$", DIRECTION_TAIL.sub("", text[a:b])) is not None
            for name, off, bounded, suffixed in item:
                names.append((Mention(a + off, a + off + len(name), name, True, list_no, count,
                                      _written_suffix(text, a + off + len(name)) or suf),
                              bounded, own_suffix and suffixed))
        if len(names) == 1 and count and not mk.group("deng") and names[0][0].name not in registered:
            continue       # 山后3个嘎查村, 沿河5个村: an area and its count, not a list of villages
        single = len(names) <= 1 and not marked
        for mention, bounded, own_suffix in names if last_ok else []:
            name = mention.name
            if single and name not in known:
                # a lone suffixed word is a village only when something marks it as a
                # name: a preposition or verb before it, or a figure or verb after it
                # a paragraph may open with its village (小营子村积极谋划…, 红石村：…)
                at_head = (mention.start == 0 or LABEL.fullmatch(text[:mention.start]) is not None) and (
                    in_register(name, registered) or suf != "嘎查村"
                                                  and LEAD_AFTER.match(text, m.end()) is not None)
                if len(name) > 6 or not (bounded or at_head or VERB_AFTER.match(after)):
                    continue
            if name == town_stem and not own_suffix and not (name in registered and len(names) > 1):
                continue   # a township's own name is its village only where 村/嘎查 says so
            if registered and not in_register(name, registered) and (
                    not (own_suffix or count) or len(name) > 4 and not bounded):
                continue   # an unregistered name the text does not mark as a village
            if mention.start > 0 and re.search(r"(?:村|嘎查)的?$", text[:mention.start]) \
                    and not in_register(name, registered):
                continue   # 湾岛村礼仪口: a place inside the village just named
            if name.endswith("新") and not in_register(name, registered) and len(names) < 3:
                continue   # X新村: a new estate (长城新村), not an administrative village,
                # unless it stands among villages (潼溪村、沙南新村、释迦寺村)
            found.setdefault(mention.start, mention)
    bare_names = marked_names | {r for r in registered if len(r) >= 3}
    if bare and bare_names:
        taken = [(m.start, m.end) for m in found.values()]
        for k in sorted(bare_names, key=len, reverse=True):
            if k == town_stem:
                continue
            for mm in re.finditer(re.escape(k), text):
                a, b = mm.start(), mm.end()
                if any(a < y and x < b for x, y in taken + in_town):
                    continue
                if re.match(r"镇|乡|苏木|旗|县|街道", text[b:b + 2]):
                    continue
                if re.search(r"(?:村|嘎查)的?$", text[:a]) and k not in registered:
                    continue   # 湾岛村礼仪口: a place inside the village just named
                found[a] = Mention(a, b, k, False)
                taken.append((a, b))
    return sorted(found.values(), key=lambda m: m.start)


def in_register(name: str, registered: frozenset[str]) -> bool:
    """Whether a name is one of the register's villages as the linker would read it: the same
    name, an abbreviation (大王家 for 大王家窝堡), the same sound, or one character apart.

    >>> in_register("大王家", frozenset({"大王家窝堡"})), in_register("红光", frozenset({"红星"}))
    (True, False)
    """
    if name in registered or any(r.startswith(name) for r in registered):
        return True
    from ..register import _pinyin
    from rapidfuzz.distance import Levenshtein

    same_len = [r for r in registered if len(r) == len(name)]
    return any(_pinyin(r) == _pinyin(name) for r in same_len) or \
        (len(name) >= 3 and any(Levenshtein.distance(r, name) == 1 for r in same_len))


def gazetteer(statements: list[Statement], town_stem: str | None,
              registered: frozenset[str] = frozenset()) -> set[str]:
    """Names the report itself marks as villages (with a suffix or in a marked list)."""
    names: set[str] = set()
    for _ in range(2):    # a second pass lets names found once cut the runs around others
        for st in statements:
            if st.section == "problem":
                continue
            for m in village_mentions(st.text, names, town_stem, bare=False, registered=registered):
                names.add(m.name)
    return names - {town_stem}


def _written_suffix(text: str, end: int) -> str:
    """The suffix written right after a village name (嘎查, 村, 社区…), or ''."""
    m = re.match(r"嘎查村|嘎查|村民委员会|村委会|行政村|社区|村", text[end:])
    return m.group(0) if m else ""
