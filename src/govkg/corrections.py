"""Analysts' corrections: what extraction got wrong, fixed in a file kept with the store and
applied on every build.

The file is CSV (UTF-8, with or without a BOM, editable in Excel), one correction a row:

=========  ===========================================================================
report     the report: its source path (``reports/a.txt``), the end of it (``a.txt``) or its id
field      what is corrected (:data:`FIELDS`)
exact      the text it concerns, as the report writes it: the statement's words, the village
           as written, the quantity (``3.3公里``), the organisation's name; empty for the
           report's own fields
prefix     text right before ``exact`` (optional), to tell one occurrence from another
suffix     text right after it (optional)
value      the new value: a category id, a status, a period, a number, a unit id, a register
           village's name (empty: no link), a name; empty for ``not-village``
note       why (kept, not read)
=========  ===========================================================================

A sentence that names several works is read as one statement per work; a correction of what
they share (status, period, a village, a figure, an organisation) applies to each.  To correct
one of them, ``category`` takes ``old>new`` (``drainage>road-hardening``) and ``drop`` takes the
category of the one to drop (empty: drop them all).

A correction names its target by quoting it (a Web Annotation TextQuoteSelector), not by
character offset, so it holds when the file is edited elsewhere.  One whose quote is no longer
in the report, fits several places, or gives an unknown value is a problem naming the file and
line; the build goes on and lists it.  A corrected fact keeps its provenance: which file and
line, and the value it replaced.

>>> c = Correction("c.csv", 2, "a.txt", "status", "已开工建设", "", "", "ongoing", "")
>>> c.where
'c.csv:2'
"""
from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ResourceError

COLUMNS = ("report", "field", "exact", "prefix", "suffix", "value", "note")
# field -> what it corrects
FIELDS = {
    "category": "statement", "status": "statement", "period": "statement", "drop": "statement",
    "village-link": "village", "not-village": "village",
    "quantity-value": "quantity", "quantity-unit": "quantity",
    "organisation": "organisation",
    "township": "report", "county": "report", "report-period": "report", "kind": "report",
}
STATUSES = ("achieved", "ongoing", "planned")
KINDS = ("work-summary", "work-plan", "government-work-report", "other")
PERIOD = re.compile(r"^(19|20)\d{2}(-H[12]|-Q[1-4])?$")


def corrections_path(store_path: str | Path) -> Path:
    """Where a store's corrections are kept: ``<store>-corrections.csv`` beside it."""
    p = Path(store_path)
    return p.parent / f"{p.name}-corrections.csv"


@dataclass(frozen=True)
class Correction:
    file: str
    line: int
    report: str
    field: str
    exact: str
    prefix: str
    suffix: str
    value: str
    note: str

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def fits(self, key: str, name: str, report_id: str) -> bool:
        """Whether this correction is about the report of this source key, file name and id."""
        ref = "/".join(Path(self.report).parts)
        return ref in (key, report_id) or key.endswith("/" + ref) or (not key and ref == name)


@dataclass
class Corrections:
    """The corrections of a file, and the rows that could not be taken (with why)."""

    rows: list[Correction] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: str | Path) -> "Corrections":
        """Read a corrections CSV.  A file that is not one (no such columns) is a
        :class:`ResourceError`; a bad row is a problem, and the other rows stand."""
        from .register import read_csv_rows

        path = Path(path)
        rows = read_csv_rows(path, "corrections")
        if rows and not {"report", "field", "exact", "value"} <= set(rows[0]):
            raise ResourceError(str(path), "a corrections CSV needs the columns " + ", ".join(COLUMNS))
        out = cls()
        known = _known()
        for n, r in enumerate(rows, 2):
            c = Correction(str(path), n, *((r.get(k) or "").strip() for k in COLUMNS))
            why = _bad_value(c, known)
            if why:
                out.problems.append(f"{c.where}: {why}")
            else:
                out.rows.append(c)
        return out

    def for_report(self, key: str, name: str, report_id: str) -> list[Correction]:
        return [c for c in self.rows if c.fits(key, name, report_id)]

    def digest(self, key: str, name: str, report_id: str) -> str | None:
        """A hash of the corrections of one report (None when it has none): part of its version."""
        mine = self.for_report(key, name, report_id)
        if not mine:
            return None
        return hashlib.sha256("\n".join("\t".join((c.field, c.exact, c.prefix, c.suffix, c.value))
                                        for c in mine).encode("utf-8")).hexdigest()


def _known() -> dict[str, set[str]]:
    from .resources import folder
    from .vocab import load_categories

    units = {line.split("\t", 1)[0] for line in (folder("ontology") / "units.tsv").read_text(
        encoding="utf-8").splitlines()[1:] if line.strip()}
    return {"category": set(load_categories()), "unit": units}


def _bad_value(c: Correction, known: dict[str, set[str]]) -> str | None:
    """Why a row cannot be taken, or None."""
    if c.field not in FIELDS:
        return f"unknown field '{c.field}' (one of {', '.join(FIELDS)})"
    if not c.report:
        return "no report named"
    if FIELDS[c.field] != "report" and not c.exact:
        return f"a {c.field} correction needs the text it concerns (exact)"
    v = c.value
    if c.field == "category" and ">" in v:          # old>new: one statement of a sentence read as several
        bad = [x for x in v.split(">", 1) if x.strip() not in known["category"]]
        return f"'{bad[0].strip()}' is no category id of the scheme" if bad else None
    if c.field == "drop" and v and v not in known["category"]:
        return f"'{v}' is no category id of the scheme (drop takes the category of the statement to drop, or none)"
    checks = {
        "category": (v in known["category"], f"'{v}' is no category id of the scheme"),
        "status": (v in STATUSES, f"'{v}' is no status ({', '.join(STATUSES)})"),
        "period": (bool(PERIOD.match(v)), f"'{v}' is no period (2023, 2023-H1, 2023-Q2)"),
        "report-period": (bool(PERIOD.match(v)), f"'{v}' is no period (2023, 2023-H1, 2023-Q2)"),
        "kind": (v in KINDS, f"'{v}' is no report kind ({', '.join(KINDS)})"),
        "quantity-unit": (v in known["unit"], f"'{v}' is no unit id (ontology/units.tsv)"),
        "quantity-value": (_number(v) is not None, f"'{v}' is not a number"),
        "organisation": (bool(v), "no new name given"),
        "township": (bool(v), "no township given"),
        "county": (bool(v), "no county given"),
    }
    ok, why = checks.get(c.field, (True, ""))
    return None if ok else why


def _number(v: str) -> int | float | None:
    try:
        f = float(v)
    except ValueError:
        return None
    return int(f) if f.is_integer() else f


def locate(c: Correction, text: str) -> tuple[int, int] | str:
    """Where the correction's quote is in the text, or why it cannot be placed."""
    found = []
    start = text.find(c.exact)
    while start >= 0:
        end = start + len(c.exact)
        if text[max(0, start - len(c.prefix)):start] == c.prefix and text[end:end + len(c.suffix)] == c.suffix:
            found.append((start, end))
        start = text.find(c.exact, start + 1)
    if not found:
        return f"「{c.exact}」 is no longer in the report" + (" with that prefix and suffix"
                                                           if c.prefix or c.suffix else "")
    if len(found) > 1:
        return f"「{c.exact}」 is in the report {len(found)} times: give a prefix or suffix to say which"
    return found[0]


def apply(corrections: list[Correction], text: str, facts: list[dict], register=None) -> list[str]:
    """Apply one report's corrections to its facts (in place); return the problems, each
    naming the file and line.  Every corrected fact gets a ``corrections`` entry: file,
    line, field, the value replaced and the new one."""
    problems: list[str] = []
    doc = facts[0]
    for c in corrections:
        why = _apply_one(c, text, facts, doc, register)
        if why:
            problems.append(f"{c.where}: {why}")
    return problems


def _record(fact: dict, c: Correction, was, value) -> None:
    fact.setdefault("corrections", []).append({
        "file": c.file, "line": c.line, "field": c.field, "exact": c.exact or None,
        "was": None if was is None else str(was), "value": None if value is None else str(value)})


def _apply_one(c: Correction, text: str, facts: list[dict], doc: dict, register) -> str | None:
    kind = FIELDS[c.field]
    if kind == "report":
        target = {"report-period": "period"}.get(c.field, c.field)
        was = doc.get(target)
        doc[target] = c.value
        if c.field == "township":
            for f in facts[1:]:
                f["township"] = c.value
        if c.field == "report-period":
            for f in facts[1:]:
                if f.get("period") == was:
                    f["period"] = c.value
        _record(doc, c, was, c.value)
        return None
    where = locate(c, text)
    if isinstance(where, str):
        return where
    start, end = where
    # a sentence that names several works is read as one statement per work: a correction of
    # what they share (a village, a figure, an organisation, the status) applies to each
    holders = [f for f in facts[1:] if any(s <= start and end <= e for s, e in f.get("spans") or [f["span"]])]
    if not holders:
        return f"no statement holds 「{c.exact}」"
    if c.field == "drop" or (c.field == "category" and ">" in c.value):
        which = c.value.split(">", 1)[0].strip() if c.field == "category" else c.value
        if which:
            holders = [f for f in holders if f.get("category") == which]
            if not holders:
                return f"no statement of category {which} holds 「{c.exact}」"
    if c.field == "drop":
        for f in holders:
            facts.remove(f)
            _record(doc, c, f"{f.get('category')}: {f.get('text')}", None)
        return None
    if kind == "statement":
        value = c.value.split(">", 1)[-1].strip()
        for f in holders:
            was = f.get(c.field)
            f[c.field] = value
            twin = c.field == "category" and next((g for g in facts[1:] if g is not f and g.get("category") == value
                                                   and g.get("span") == f.get("span")), None)
            if twin:        # the sentence's statement of that category already exists: one is enough
                facts.remove(f)
                f = twin
            _record(f, c, was, value)
        return None
    problems = [_apply_part(c, f, kind, doc, register) for f in holders]
    if all(problems):
        return problems[0]
    return None


def _apply_part(c: Correction, f: dict, kind: str, doc: dict, register) -> str | None:
    """Correct a village, a figure or an organisation of one statement."""
    if kind == "village":
        forms = f.get("village_forms") or f["villages"]
        i = next((i for i, (n, w) in enumerate(zip(f["villages"], forms)) if c.exact in (n, w)), None)
        if i is None:
            return f"the statement names no village 「{c.exact}」"
        if c.field == "not-village":
            name = f["villages"][i]
            for k in ("villages", "village_forms", "register", "register_candidates"):
                if isinstance(f.get(k), list) and len(f[k]) > i:
                    del f[k][i]
            if isinstance(f.get("unregistered"), list) and name in f["unregistered"]:
                f["unregistered"].remove(name)
            _record(f, c, name, None)
            return None
        return _relink(c, f, i, doc, register)
    if kind == "quantity":
        from .numerals import find_quantities

        said = find_quantities(c.exact)
        qs = f.get("quantities") or []
        pick = [q for q in qs if said and q["value"] == said[0].value and (not said[0].unit or q["unit"] == said[0].unit)]
        if not pick:
            return f"the statement has no quantity 「{c.exact}」"
        q = pick[0]
        key = "value" if c.field == "quantity-value" else "unit"
        was = q[key]
        q[key] = _number(c.value) if key == "value" else c.value
        _record(f, c, was, q[key])
        return None
    orgs = f.get("organisations") or []
    org = next((o for o in orgs if o.get("name") == c.exact), None)
    if org is None:
        return f"the statement names no organisation 「{c.exact}」"
    was = org["name"]
    org["name"] = c.value
    _record(f, c, was, c.value)
    return None


def _relink(c: Correction, f: dict, i: int, doc: dict, register) -> str | None:
    links = f.setdefault("register", [None] * len(f["villages"]))
    was = links[i]["village"] if i < len(links) and links[i] else None
    if not c.value:
        links[i] = None
        _record(f, c, was, None)
        return None
    town = doc.get("register") or {}
    if "township" not in town:
        return "the report's township is not linked to the register, so no village of it can be named"
    if c.value not in town.get("villages", []):
        return f"the register has no village '{c.value}' in {town['township']}"
    links[i] = {"county": town["county"], "township": town["township"], "village": c.value, "code": None,
                "score": 1.0, "reason": f"corrected ({c.where})"}
    if isinstance(f.get("unregistered"), list) and f["villages"][i] in f["unregistered"]:
        f["unregistered"].remove(f["villages"][i])
    _record(f, c, was, c.value)
    return None


def add(path: str | Path, row: dict[str, str]) -> int:
    """Append one correction to the file (created with its header); return its line number.
    The row is checked first: a bad one is a :class:`ResourceError` and nothing is written."""
    c = Correction(str(path), 0, *((row.get(k) or "").strip() for k in COLUMNS))
    why = _bad_value(c, _known())
    if why:
        raise ResourceError(str(path), why)
    path = Path(path)
    new = not path.exists() or path.stat().st_size == 0
    with open(path, "a", encoding="utf-8-sig" if new else "utf-8", newline="") as f:
        w = csv.writer(f)
        if new:
            w.writerow(COLUMNS)
        w.writerow([getattr(c, k) for k in COLUMNS])
    with open(path, encoding="utf-8-sig", newline="") as f:
        return sum(1 for _ in csv.reader(f))
