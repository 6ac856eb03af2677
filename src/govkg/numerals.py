"""Numbers and quantities in Chinese report text.

>>> chinese_to_number("三千五百")
3500
>>> chinese_to_number("二百三十")
230
>>> chinese_to_number("两")
2
>>> chinese_to_number("十一")
11
>>> [(q.value, q.unit, q.approximate) for q in find_quantities("草原围封5万亩，割草175200捆，资金381 余万元")]
[(50000, 'mu', False), (175200, 'bale', False), (3810000, 'yuan', True)]
>>> [(q.value, q.unit) for q in find_quantities("理赔资金60.1570万元，建设三千五百亩，新栽1.19万米")]
[(601570, 'yuan'), (3500, 'mu'), (11900, 'm')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .vocab import load_units

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}
CN_SMALL = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}
MULTIPLIERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
CN_NUM_CHARS = "零〇一二两三四五六七八九十百千万亿"
APPROX = "余多"


def chinese_to_number(s: str) -> int | None:
    """Value of a Chinese numeral (一, 十一, 二百三十, 三千五百, 1万 is not handled here)."""
    if not s or any(c not in CN_NUM_CHARS for c in s):
        return None
    total, section, digit = 0, 0, None
    for c in s:
        if c in CN_DIGITS:
            digit = CN_DIGITS[c] if digit is None else digit * 10 + CN_DIGITS[c]
        elif c in CN_SMALL:
            section += (1 if digit is None else digit) * CN_SMALL[c]
            digit = None
        else:  # 万 / 亿
            section += digit or 0
            if section == 0:
                section = 1
            total = (total + section) * CN_BIG[c] if c == "亿" else total + section * CN_BIG[c]
            section, digit = 0, None
    return total + section + (digit or 0)


@dataclass(frozen=True)
class Quantity:
    """A number with its unit found in text; ``start``/``end`` are offsets in that text."""

    start: int
    end: int
    value: int | float
    unit: str
    approximate: bool = False
    raw: str = ""


@lru_cache(maxsize=1)
def _unit_pattern() -> tuple[re.Pattern, dict[str, str]]:
    labels: dict[str, str] = {}
    for u in load_units().values():
        for z in u.zh:
            labels[z] = u.id
    alt = "|".join(re.escape(z) for z in sorted(labels, key=len, reverse=True))
    arabic = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    chinese = rf"(?P<cn>[{CN_NUM_CHARS}]+)"
    pat = re.compile(
        rf"(?:{arabic}|(?<![第{CN_NUM_CHARS}]){chinese})"
        rf"\s?(?P<a1>[{APPROX}])?(?P<mult>(?!(?:{alt}))[万亿千百](?=[{APPROX}]?\s?(?:{alt})))?(?P<a2>[{APPROX}])?\s?"
        rf"(?P<unit>{alt})(?P<a3>[{APPROX}])?"
        rf"(?P<a4>(?:以上|左右|有余))?")
    return pat, labels


def _as_number(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


def find_quantities(text: str) -> list[Quantity]:
    """Every number-with-unit in ``text``, with 万/亿/千 applied and 余/多 marked approximate.

    A number written as part of an ordinal (第三), a year (2023年) or a date is not a
    quantity because 年/月/日 are not units.
    """
    pat, labels = _unit_pattern()
    out = []
    for m in pat.finditer(text):
        if m.group("num"):
            # an Arabic number glued to a preceding Latin letter or digit run is a code (G111)
            if m.start() > 0 and (text[m.start() - 1].isascii() and text[m.start() - 1].isalnum()):
                continue
            value = Decimal(m.group("num").replace(",", ""))
        else:
            cn = m.group("cn")
            n = chinese_to_number(cn)
            if n is None or (n == 0):
                continue
            value = Decimal(n)
        if m.group("mult"):
            value *= MULTIPLIERS[m.group("mult")]
        approx = bool(m.group("a1") or m.group("a2") or m.group("a3") or m.group("a4"))
        out.append(Quantity(m.start(), m.end(), _as_number(value), labels[m.group("unit")], approx,
                            m.group(0)))
    return out
