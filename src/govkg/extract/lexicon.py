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
    return Lexicon(cats, re.compile(alt), term_cat)


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


def category_hits(text: str, lex: Lexicon, keep_weak: bool = False) -> list[Hit]:
    """Category terms in a statement; weak terms are dropped when a strong one is present
    (unless ``keep_weak``), and a domain is dropped when one of its own leaves is present."""
    hits = [Hit(m.start(), m.end(), cid, weak)
            for m in lex.pattern.finditer(text) for cid, weak in lex.term_cat[m.group(0)]]
    if not keep_weak and any(not h.weak for h in hits):
        hits = [h for h in hits if not h.weak]
    leaves_parents = {lex.categories[h.category].parent for h in hits}
    return [h for h in hits if h.category not in leaves_parents]
