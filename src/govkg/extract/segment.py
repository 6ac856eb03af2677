"""Structure: a report split into statements, each with its section and period."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from .document import PERIOD_IN_TITLE, DocInfo, _period
from .names import IS_CJK


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


# A sentence of the genre runs to a few hundred characters; the extractor's cost grows faster
# than a sentence's length, so a longer run (text with no sentence ends) is cut at its last
# comma before this, or here: cost stays linear in the report, bounded per statement.
MAX_STATEMENT_CHARS = 1000
_CLAUSE_END = re.compile(r"[，,、：:]")


def _bounded(line: str, bounds: list[int]) -> Iterable[int]:
    """The cut points, with more cuts wherever two lie more than MAX_STATEMENT_CHARS apart.

    >>> list(_bounded("甲，" * 800, [0, 1600]))
    [0, 1000, 1600]
    """
    for a, b in zip(bounds, bounds[1:]):
        yield a
        while b - a > MAX_STATEMENT_CHARS:
            comma = max((m.end() for m in _CLAUSE_END.finditer(line, a + MAX_STATEMENT_CHARS // 2,
                                                                a + MAX_STATEMENT_CHARS)), default=None)
            a = comma or a + MAX_STATEMENT_CHARS
            yield a
    yield bounds[-1]


def _split_line(line: str, offset: int, start: int, section: str, period: str | None
                ) -> Iterable[Statement]:
    cuts = {start}
    for m in SENTENCE_END.finditer(line, start):
        cuts.add(m.end())
    for m in ENUMERATOR.finditer(line, start):
        cuts.add(m.start())
    bounds = sorted(c for c in cuts if c <= len(line)) + [len(line)]
    bounds = list(_bounded(line, bounds))
    for a, b in zip(bounds, bounds[1:]):
        seg = line[a:b]
        lead = len(seg) - len(seg.lstrip())
        seg = seg.strip()
        if len(seg) < 2 or not IS_CJK.search(seg):
            continue
        s = offset + a + lead
        yield Statement(s, s + len(seg), seg, section, period)
