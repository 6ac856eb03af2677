"""Organisations: cooperatives, companies and agencies named in a statement."""
from __future__ import annotations

import re

from .names import BOUNDARY, CJK, PLACEHOLDER, _strip_leading

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
