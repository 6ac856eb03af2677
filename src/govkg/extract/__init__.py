"""Stage 2, extract: read a normalised report the way an analyst does.

Output is the *extracted facts* of ``spec/facts-contract.md``: one ``document`` fact per
report and one ``activity`` fact per (statement, category, status).  Every activity carries
the character span of its statement in ``Report.text``.

Names of villages, townships and organisations are found by rules (suffixes, lists, the
words around them); given the register, the township is chosen among its townships and that
township's villages are a gazetteer for the report (see ``extract``).  The category terms
come from the SKOS scheme in ``ontology/categories.ttl``.

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

from ..ingest import Report
from ..numerals import CN_NUM_CHARS, find_quantities
from .document import DocInfo, document_info
from .lexicon import Hit, Lexicon, category_hits, lexicon
from .names import ANONYMISED
from .orgs import organisations
from .segment import ENUMERATOR, HEADING, Statement, segment
from .status import _clause_cue, _clauses, statement_period
from .villages import LABEL, LEAD_AFTER, Mention, _written_suffix, gazetteer, village_mentions

__all__ = ["DocInfo", "Hit", "Lexicon", "Mention", "Statement", "category_hits", "document_info",
           "extract", "gazetteer", "lexicon", "organisations", "segment", "statement_period",
           "village_mentions"]


ADMINISTERS = re.compile(r"(?:下辖|辖有|管辖|辖(?!区|内))[^，,。；;]{0,60}?(?:行政村|村委会|嘎查村|嘎查|村|社区)[^，,。；;]*")
# a place's profile: its area, population, main crops, what it has (概况)
PROFILE = re.compile(r"总面积|耕地面积|林地面积|草场面积|总人口|总户数|户籍人口|常住人口|主要种植|主要产业|以[^，。；]{1,8}为主|"
                     r"(?:建|现|共|拥)有[^，。；]{0,12}[\d一二三四五六七八九十两][个座处]|^[^，。；]{0,8}(?:位于|地处)")
# words of work done or planned, which a profile sentence lacks
WORK = re.compile(r"完成|实施|新建|建成|新修|修建|新打|新铺|新栽|改造|投入|投资|开展|硬化|铺设|安装|栽植|种植了|新增|争取|"
                  r"推进|启动|打造|整治|清理|发放|落实|修复|维修|创建|举办|成立|引进|流转|计划|力争|拟|将")
# categories that count what a place has rather than work done (猪存栏12700头)
STATE_CATEGORIES = {"livestock-inventory"}
# words that introduce a list of villages as the places of work named before them
INTRO_BEFORE = re.compile(r"(?:涉及|包括|覆盖|辐射|带动|涵盖|分布在|分布于|惠及|落户|落地|位于|选址在?|坐落在?)[^，,。；;]{0,12}$")
# a firm brought in to a village (引进X公司在大坎村流转土地): the village has the investment
# and the work that follows it
BROUGHT_TO = re.compile(r"引进[^，,。；;]{2,25}?(?:到|在|落户|入驻)$")
# what may stand before a paragraph's own village: nothing, or the places above it (霸州市辛章办事处策城一村…)
PLACE_PREFIX = re.compile(r"(?:[\u4e00-\u9fff]{2,8}?(?:省|自治区|市|盟|州|县|区|旗|镇|乡|街道|办事处|苏木))*")
NARRATION = re.compile(r"记者(?:走进|来到|看到|实地|探访|了解到|发现)|我们看到|映入眼帘|一行(?:听取|查看|实地)|"
                       r"走进[^，,。]{0,12}村")
# an item's number inside a line (…。1、炼铁村千村扶贫开发项目完成情况：…)
HEAD_ENUM = re.compile(r"^(?:\d{1,2}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}[、是])")
SUFFIX_AFTER = re.compile(r"[^，,。；;]{0,3}?(?:嘎查村|嘎查|村委会|村|社区)")
IS_CJK_NAME = re.compile(r"[\u4e00-\u9fff]+")
LEAD = -2      # the list id of a village carried from the head of its paragraph
# a clause about the whole township (全镇…, 全乡共…)
TOWN_WIDE = re.compile(r"\s*(?:[^，,。；;]{0,6}?年)?(?:全镇|全乡|全街道|全苏木|全旗|全县|全区|全市|全域)")


def _heads(text: str, pos: int) -> bool:
    """Whether a village at ``pos`` heads its statement: nothing before it but the places
    above it (霸州市辛章办事处策城一村…) or a short label (漂亮乡村：鲍店中心村…)."""
    head = HEAD_ENUM.sub("", text[:pos], count=1)
    return PLACE_PREFIX.fullmatch(head) is not None or LABEL.fullmatch(head) is not None


def _registered_villages(info: DocInfo, text: str, register) -> frozenset[str]:
    """The register's villages of the report's township (names without suffix), when the
    township links to exactly one register entry; names that are common words are left out."""
    if register is None or not info.township:
        return frozenset()
    from ..register import link_township, village_stem

    entry = link_township(info.township, info.county, text, register).entry
    if entry is None:
        return frozenset()
    # every register village counts, those that look generic (凤城, 西城) and the one that
    # shares the township's name too: the register says they are villages
    return frozenset(n for n in (village_stem(v.name) for v in register.villages(entry))
                     if 2 <= len(n) <= 8 and IS_CJK_NAME.fullmatch(n))


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
        r"(?:重点|脱贫|贫困|示范|非脱贫|行政|自然)?(?:嘎查村|嘎查|村|行政村|社区)", text[q.end:]) is not None \
        or re.search(r"[\d" + CN_NUM_CHARS + r"]+(?:嘎查村|嘎查|村)$", q.raw) is not None


def extract(report: Report, extra_lexicons: tuple[str, ...] = (), register=None) -> list[dict]:
    """All facts of one report: its document fact, then its activity facts in text order.

    With a ``register`` (:class:`govkg.register.Register`) the township is chosen among real
    townships; without one, names are read by rules alone."""
    text = report.text
    info = document_info(text, register, report.meta.get("page", ()))
    lex = lexicon(extra_lexicons)
    stmts = segment(text, info)
    stem = info.township_stem
    registered = _registered_villages(info, text, register)
    known = gazetteer(stmts, stem, registered)
    doc = {"type": "document", "doc": report.name, "township": info.township, "county": info.county,
           "period": info.period, "kind": info.kind, "date": info.date, "number": info.number,
           "title": info.title, "sha256": report.sha256, "chars": len(text),
           "report_id": report.id, "key": report.key or None, "file_sha256": report.file_sha256 or None,
           "bytes": report.file_bytes or None,
           "anonymized": bool(info.township and ANONYMISED.search(info.township))}
    facts: dict[tuple, dict] = {}
    order: list[tuple] = []
    topic: list[str] = []
    lead: str | None = None
    # a report of one village (牛车湾村2021年工作总结) is about that village throughout
    first_line = text[:text.find("\n")]
    title_villages = {m.name for m in village_mentions(first_line, known, stem, registered=registered)
                      if m.suffix} if len(first_line) <= 60 else set()     # a title, not a page in one line
    doc_lead = next(iter(title_villages)) if len(title_villages) == 1 else None
    item_no = 0
    item_of: dict[tuple, int] = {}
    titles: set[tuple] = set()      # facts read from an item's title line (二是防汛排涝能力提升。)
    for st in stmts:
        hits = category_hits(st.text, lex)
        new_item = bool(ENUMERATOR.match(st.text)) or _starts_line(text, st.start)
        if new_item:
            topic = sorted({h.category for h in hits if not h.weak})
            item_no += 1
        if st.section == "problem":
            continue
        mentions = village_mentions(st.text, known, stem, registered=registered)
        admin = [m.span() for m in ADMINISTERS.finditer(st.text)]
        if admin:
            # 辖钟灵、大渔等12个村: what the township is made of, not where work was done
            mentions = [mn for mn in mentions if not any(a <= mn.start < b for a, b in admin)]
        # a paragraph that opens with a village (小营子村积极…, 1、红石村：…) is about it, and so
        # is what follows a sentence that opens with one, up to the next such sentence
        heading = next((m for m in mentions if m.strong and _heads(st.text, m.start)), None)
        if _starts_line(text, st.start):
            lead = heading.name if heading else None
        elif heading and sum(m.list_id == heading.list_id for m in mentions) == 1 and (
                HEAD_ENUM.match(st.text) or (sfx := SUFFIX_AFTER.match(st.text, heading.end))
                and LEAD_AFTER.match(st.text, sfx.end())):
            lead = heading.name     # 鲍店中心村是…。为实现…，在中心村内完成…: still 鲍店
        if NARRATION.search(st.text):
            continue    # 记者走进…, 告诉记者, 验收组一行查看了…: a reporter's scene, not a report of work
        if PROFILE.search(st.text) is not None and WORK.search(st.text) is None:
            # 耕地总面积2400亩，主要种植玉米; 该嘎查建有党支部1个: what a place has, not work done
            # in it.  Only a category that is itself a state (存栏) is read from it, township-wide.
            hits = [h for h in hits if h.category in STATE_CATEGORIES]
            if not hits:
                continue
            mentions = []
        elif not mentions and (lead or doc_lead):
            mentions = [Mention(0, 0, lead or doc_lead, True, LEAD)]
        # a numeral inside a village's name (八块田, 三台山) is no figure
        quantities = [q for q in find_quantities(st.text) if not _village_count_quantity(st.text, q)
                      and not any(mn.start <= q.start < mn.end for mn in mentions)]
        if not hits:
            if not topic or not (mentions or quantities) or new_item:
                continue
            hits = [Hit(0, 0, c, False) for c in topic]
        if not mentions and not quantities and len(re.sub(r"\W", "", st.text)) <= 6:
            continue    # a heading (人居环境。防汛排涝。) names a topic, not a piece of work
        cats = sorted({h.category for h in hits}, key=lambda c: (min(h.start for h in hits if h.category == c), c))
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
        # its clause; failing that, those after it in its clause; those before it when a
        # word such as 涉及 introduces it (高标准农田项目区涉及伊家、前刘等四个村); those of the
        # clauses that follow (…等五个自然村落，改造公厕29座); the rest of its own clause; the
        # clause before it; failing all, the statement's.
        # A bare name (no suffix, no list) takes only what its own phrase names.
        groups_of: dict[object, list[Mention]] = {}
        bare_key = None
        for i, mn in enumerate(mentions):
            if not mn.strong:
                # bare names joined by 、/和 (西念子町、大杨庄) are one list
                prev = mentions[i - 1] if i else None
                if not (prev and not prev.strong and st.text[prev.end:mn.start] in ("、", "和", "及", "与")):
                    bare_key = ("bare", mn.start)
            groups_of.setdefault(mn.list_id if mn.strong else bare_key, []).append(mn)
        ordered = sorted(groups_of.values(), key=lambda g: g[0].start)
        for gi, grp in enumerate(ordered):
            a, b = clauses[clause_index(grp[0].start)]
            nxt = next((g[0].start for g in ordered[gi + 1:] if a <= g[0].start < b), b)
            if grp[0].list_id == LEAD or (grp[0].name == lead and len(ordered) == 1
                                          and _heads(st.text, grp[0].start)):
                targets = cats      # the paragraph's own village: every work its statement names
            elif grp[0].strong:
                intro = INTRO_BEFORE.search(st.text, a, grp[0].start)
                targets = (_cats_in(hits, grp[0].start, nxt) or _cats_in(hits, grp[0].start, b)
                           or (intro and (_cats_in(hits, a, grp[0].start) or next(
                               (_cats_in(hits, x, y) for x, y in reversed(clauses) if y <= a), [])))
                           or next((_cats_in(hits, x, y) for x, y in clauses if x >= b
                                    and not TOWN_WIDE.match(st.text, x) and _cats_in(hits, x, y)), None)
                           or _cats_in(hits, a, b)
                           or next((_cats_in(hits, x, y) for x, y in reversed(clauses) if y <= a
                                    and _cats_in(hits, x, y)), None) or cats)
                if BROUGHT_TO.search(st.text, a, grp[0].start):
                    targets = sorted(set(targets) | set(_cats_in(hits, a, grp[0].start)))
                if len(ordered) == 1 and grp[0].start <= min(h.start for h in hits):
                    # the statement's one list, named before any work: every work it names,
                    # but not what a clause says of the whole township (…,全镇乳鸽出栏15万羽)
                    wide = [(x, y) for x, y in clauses if x > grp[0].start and TOWN_WIDE.match(st.text, x)]
                    targets = sorted(set(targets) | {h.category for h in hits if h.start >= grp[0].start
                                                     and not any(x <= h.start < y for x, y in wide)})
                # a work whose word stands right before the list governs it too
                # (集中流转徐庄、永康等6个村土地种植饲草玉米: the land is transferred and sown)
                # (not a route: 清淤东坡村至西岭村主干渠 clears the channel between them)
                route = re.search(r"[至到]", st.text[grp[0].start:grp[-1].end])
                governs = set() if route or len(grp) < 2 else {
                    h.category for h in hits if a <= h.start and 0 <= grp[0].start - h.end <= 1}
                if governs - set(targets):
                    targets = [c for c in cats if c in set(targets) | governs]
            else:
                pa = max(st.text.rfind("、", a, grp[0].start) + 1, a)
                pb = st.text.find("、", grp[-1].end, b)
                # what its phrase names after it (建成X示范区), else what it names before
                pe = b if pb < 0 else pb
                targets = _cats_in(hits, grp[0].start, pe) or _cats_in(hits, pa, pe)
            for mn in grp:
                for c in targets:
                    g = group(c, status_at(mn.start))
                    if mn.name not in g["villages"]:
                        g["villages"].append(mn.name)
                        g["forms"].append(mn.name + (mn.suffix or _written_suffix(st.text, mn.end)))
                    if mn.count and g["count"] is None:
                        g["count"] = mn.count
        all_hits = category_hits(st.text, lex, keep_weak=True) if quantities else None
        for q in quantities:
            clause = clauses[clause_index(q.start)]
            # a figure belongs to the work its own phrase names before it (道路硬化7.3公里、
            # 道路亮化7.8公里), even by a weak word; else to the nearest work of its clause
            phrase_start = max(clause[0], st.text.rfind("、", clause[0], q.start) + 1)
            own = [x for x in (all_hits if all_hits is not None else hits)
                   if phrase_start <= x.start and x.end <= q.start]
            h = max(own, key=lambda x: x.start) if own else _nearest(hits, q.start, clause)
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
            item_of[key] = item_no
            if new_item and not mentions and not quantities and len(
                    re.sub(r"\W", "", ENUMERATOR.sub("", st.text, count=1))) <= TITLE_CHARS:
                titles.add(key)
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
    # an item's title names the topic its body then reports: where the body reports that work,
    # the title is no statement of its own (no outcome to set beside a plan, no second count)
    told = {(item_of[k], facts[k]["category"]) for k in order if k not in titles}
    order = [k for k in order if k not in titles or (item_of[k], facts[k]["category"]) not in told]
    return [doc] + [facts[k] for k in order]


TITLE_CHARS = 14     # 三是帮扶政策持续巩固 is a title; a sentence of work runs longer


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


def _cats_in(hits: list[Hit], a: int, b: int) -> list[str]:
    return sorted({h.category for h in hits if a <= h.start < b and h.end > 0})


def _starts_line(text: str, pos: int) -> bool:
    i = text.rfind("\n", 0, pos) + 1
    return not text[i:pos].strip() or HEADING.fullmatch(text[i:pos]) is not None
