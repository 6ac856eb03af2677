"""Organisations: cooperatives, companies and agencies named in a statement."""
from __future__ import annotations

import re

from .names import BOUNDARY, CJK, PLACEHOLDER, _strip_leading

ORG = re.compile(rf"(?P<name>[{CJK}（）()]{{2,30}}?)(?P<suf>专业合作社|股份经济合作社|经济合作社|合作社|联合社"
                 rf"|有限责任公司|有限公司|分公司|公司|集团|研究所|协会)")
ORG_GENERIC = re.compile(r"^(?:[各个等这该本多家一二三四五六七八九十两内外]|农民|专业|养殖|种植|肉牛养殖|外地|本地|当地|"
                         r"农牧业|企业|龙头|国有|村级|嘎查村|村|新型|农村|家庭|股份|经济|全镇|我镇|重点|种业|种子|"
                         r"秋季|春季|农户|相关|各类|优质|电商|物流|地方|省内|市内|县内|镇内)+$")
# words before a name that are not part of it: what the report does with the organisation
ORG_BOUNDARY = sorted(set(BOUNDARY) | set("""等 持续 发挥 统筹 发放 联合 对接 协调 邀请 联系 吸引 借助 鼓励
    培育 扶持 带领 支持 指导 牵头 入股 注册 签约 合作 委托 推动 促成 新增 新成立""".split()),
                      key=len, reverse=True)


def organisations(text: str) -> list[dict]:
    """Cooperatives, companies and agencies named in a statement, each without the words of
    the sentence around it; a bare 合作社 or 公司 (农户及合作社, 外地种植合作社) names none.

    >>> [o["name"] for o in organisations("持续发挥红柳养殖专业合作社作用，发放农户及合作社补贴，"
    ...                                      "引进吉林省等外地种植合作社，统筹金穗集团。")]
    ['红柳养殖专业合作社', '金穗集团']
    """
    out, seen = [], set()
    for m in ORG.finditer(text):
        raw = m.group("name")
        i = max(raw.rfind(c) for c in "、，,（(") + 1 if any(c in raw for c in "、，,（(") else 0
        raw = raw[i:]
        if raw[-1:] in "及和与等的、":
            continue        # 农户及合作社: a kind of organisation, not one of them
        cut = 0
        for j in range(len(raw) - 1):
            w = next((w for w in ORG_BOUNDARY if raw.startswith(w, j) and len(raw) - j - len(w) >= 1), None)
            if w:
                cut = j + len(w)
        stem = _strip_leading(raw[cut:])
        stem = re.sub(r"^(?:村|嘎查)(?=..)", "", stem)
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
