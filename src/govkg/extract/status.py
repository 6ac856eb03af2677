"""Status (achieved, ongoing, planned) and period of a statement."""
from __future__ import annotations

import re

from .document import DocInfo, _period
from .segment import Statement

ONGOING = re.compile(r"正在|正持续|(?:已|顺利|陆续)开工|进度达?\d|推进中|进行中|建设中|实施中|审批中|当中|已动工|开工建设|启动建设|启动实施|在建|"
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
