"""Category terms: the SKOS scheme's labels compiled into one pattern, and their hits in a statement."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import ResourceError
from ..resources import path
from ..vocab import Category, load_categories


@dataclass
class Lexicon:
    categories: dict[str, Category]
    pattern: re.Pattern
    term_cat: dict[str, list[tuple[str, bool]]]
    patterns: tuple[tuple[str, re.Pattern], ...] = ()


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
    for t in non_category_terms():
        term_cat.setdefault(t, [])     # matched so that the term inside it is not
    alt = "|".join(re.escape(t) for t in sorted(term_cat, key=len, reverse=True))
    patterns = tuple((cid, rx) for cid, rx in category_patterns() if cid in cats)
    return Lexicon(cats, re.compile(alt), term_cat, patterns)


@lru_cache(maxsize=1)
def category_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    """The (category id, compiled pattern) rows of ``ontology/category-patterns.tsv``.

    >>> dict(category_patterns())["investment-attraction"].search("成功引进万盛农牧科技有限公司").group(0)
    '成功引进万盛农牧科技有限公司'
    """
    p = path("ontology", "category-patterns.tsv")
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise ResourceError(str(p), f"cannot be read ({e})") from None
    out = []
    for no, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#") or line.startswith("id\t"):
            continue
        cid, _, rx = line.partition("\t")
        try:
            out.append((cid.strip(), re.compile(rx.strip())))
        except re.error as e:
            raise ResourceError(f"{p}:{no}", f"holds a bad pattern ({e})",
                                "write a Python regular expression after the tab") from None
    return tuple(out)


@lru_cache(maxsize=1)
def non_category_terms() -> tuple[str, ...]:
    """Phrases of ``ontology/non-category-terms.txt``: they hold a category term but name no
    work (党支部书记 holds 党支部), so a match of one hides the term inside it.

    >>> "党支部书记" in non_category_terms()
    True
    """
    p = path("ontology", "non-category-terms.txt")
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise ResourceError(str(p), f"cannot be read ({e})") from None
    return tuple(ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#"))


@dataclass
class Hit:
    start: int
    end: int
    category: str
    weak: bool


# a clause that says what a work brings, not what was done (为茶农提供良好的交通条件,
# 推动了当地特色种植业发展, 极大方便佛手茶的种植)
EFFECT = re.compile(r"(?:并|从而|进而|有效|有力|极大|大大|进一步|以)?(?:地)?(?:推动|带动|促进|助力|助推|拉动|方便|便于|"
                    r"方便了|为[^，,。；;]{1,30}?(?:提供|创造|奠定|打下|增添))")
CLAUSE_MARK = re.compile(r"[，,；;。]")
# two weak terms of one category this close (种植百合, 种植花卉、水果) name it as a strong one does
CORROBORATE = 8


def _effect_spans(text: str) -> list[tuple[int, int]]:
    """The clauses of a statement that open with what its work brings (推动…, 为…提供…).

    >>> t = "新建硬化道路1公里,为茶农种植茶叶提供良好条件"
    >>> [t[a:b] for a, b in _effect_spans(t)]
    ['为茶农种植茶叶提供良好条件']
    """
    bounds = [0] + [m.end() for m in CLAUSE_MARK.finditer(text)] + [len(text)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a and EFFECT.match(text, a)]


def category_hits(text: str, lex: Lexicon, keep_weak: bool = False) -> list[Hit]:
    """Category terms in a statement; weak terms are dropped when a strong one is present
    (unless ``keep_weak``), and a domain is dropped when one of its own leaves is present.
    Two weak terms of one category close together count as a strong one; the terms of a
    clause saying what the work brings (推动…发展, 为…提供…) are dropped when another clause
    names work.

    >>> [h.category for h in category_hits("支边村草莓育种基地开始育种", lexicon())]
    ['seed-breeding', 'seed-breeding']
    >>> sorted({h.category for h in category_hits("新建硬化道路1公里,为种植茶叶提供条件", lexicon())})
    ['road-hardening']
    """
    hits = [Hit(m.start(), m.end(), cid, weak)
            for m in lex.pattern.finditer(text) for cid, weak in lex.term_cat[m.group(0)]]
    for cid, rx in lex.patterns:
        for m in rx.finditer(text):
            if not any(h.category == cid and not h.weak and m.start() <= h.start < m.end() for h in hits):
                hits.append(Hit(m.start(), m.end(), cid, False))
    hits.sort(key=lambda h: (h.start, h.end))
    weak = [h for h in hits if h.weak]
    for x, y in zip(weak, weak[1:]):
        if x.category == y.category and 0 <= y.start - x.end <= CORROBORATE:
            x.weak = y.weak = False
    for x, y in zip(hits, hits[1:]):
        # works named side by side (实施硬化、亮化工程): each is named as surely as the other
        if x.weak != y.weak and text[x.end:y.start] in ("、", "和", "及", "与"):
            x.weak = y.weak = False
    effects = _effect_spans(text)
    if effects:
        inside = [h for h in hits if any(a <= h.start < b for a, b in effects)]
        if inside and len(inside) < len(hits):
            hits = [h for h in hits if h not in inside]
    if not keep_weak and any(not h.weak for h in hits):
        hits = [h for h in hits if not h.weak]
    leaves_parents = {lex.categories[h.category].parent for h in hits}
    return [h for h in hits if h.category not in leaves_parents]
