"""Is a store sound?  ``govkg check-store`` reads every index of the store and says.

A store's files can be damaged by a failing disk, a copy cut short or a hand that edited
them.  RocksDB, under Oxigraph, checks a block's checksum when it reads the block, so what
is never read is never checked: a query may answer from intact blocks while another index
is broken, and a damaged length field can make a read ask for gigabytes.  The check:

* reads every quad through each of Oxigraph's indexes (by subject, predicate and object, in
  the default graph and in each named graph), so every block is read and checksummed, and
  the indexes must agree on how many quads there are;
* runs in a child process whose resident memory is watched: past the limit the child is
  killed and the store is reported unsound, instead of the machine running out of memory;
* then checks what govkg itself promises: the ontology and category graphs are present,
  each report graph holds one report, and the dataset description is present and current.

>>> check = StoreCheck("st", problems=["index by object: 3 quads, not 4"])
>>> check.sound, check.summary()
(False, 'st: not sound: index by object: 3 quads, not 4')
"""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MEMORY_MIB = 2048


@dataclass
class StoreCheck:
    """What a check found: the store is sound when ``problems`` is empty; ``notes`` are things
    to fix that lose no data (a stale description)."""

    path: str
    quads: int = 0
    graphs: int = 0
    reports: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.sound:
            return f"{self.path}: sound: {self.quads} quads in {self.graphs} graphs, {self.reports} reports"
        return f"{self.path}: not sound: " + "; ".join(self.problems)


def check_store(path: str | Path, memory_mib: int = DEFAULT_MEMORY_MIB, timeout_s: float | None = None) -> StoreCheck:
    """Check the store at ``path`` in a child process held under ``memory_mib`` of resident
    memory (and ``timeout_s`` seconds, when given).  Raises :class:`~govkg.errors.StoreError`
    only when there is no store there; a damaged one is a result, not an error."""
    from .children import end_with_parent
    from .errors import StoreError
    from .serve.engine import resident_bytes

    path = Path(path)
    if not path.is_dir() or not (path / "CURRENT").exists():
        raise StoreError(str(path), "no store here", "give the folder `govkg build` wrote (--store)")
    code = "import json, sys; from govkg.integrity import scan; print(json.dumps(scan(sys.argv[1])))"
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, preexec_fn=end_with_parent)
    over = threading.Event()
    limit = memory_mib << 20

    def watch() -> None:
        while proc.poll() is None:
            if resident_bytes(proc.pid) > limit:
                over.set()
                proc.kill()
                return
            time.sleep(0.05)

    threading.Thread(target=watch, daemon=True).start()
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return StoreCheck(str(path), problems=[f"reading it took more than {timeout_s:g} s"])
    if over.is_set():
        return StoreCheck(str(path), problems=[
            f"reading it took more than {memory_mib} MiB of memory: its files are likely damaged "
            f"(a larger store may need more: --memory-mib)"])
    if proc.returncode != 0:
        tail = " ".join(err.decode("utf-8", "replace").strip().splitlines()[-1:]) or f"exit {proc.returncode}"
        if proc.returncode < 0:
            tail = f"the reader was ended by signal {-proc.returncode} ({tail})"
        return StoreCheck(str(path), problems=[f"reading it failed: {tail[:300]}"])
    found = json.loads(out)
    return StoreCheck(str(path), **found)


def scan(path: str) -> dict:
    """Read every index of the store at ``path`` (in this process: :func:`check_store` runs
    it in a child); return the fields of a :class:`StoreCheck` but ``path``."""
    import pyoxigraph as ox

    problems: list[str] = []
    try:
        store = ox.Store.read_only(path)
    except (OSError, RuntimeError) as e:
        return {"problems": [f"cannot be opened ({' '.join(str(e).split())[:300]})"]}
    try:
        return _scan(store, problems)
    except (OSError, RuntimeError) as e:
        return {"problems": problems + [" ".join(str(e).split())[:300]]}


def _count(quads, term=None, part: str = "object") -> int:
    """How many quads; with ``term``, how many of them hold it as ``part`` (Oxigraph 0.5's
    prefix scan for the integer 255 also yields the integers after it: a quirk of the
    engine, not damage, so only exact matches count)."""
    n = 0
    for q in quads:
        n += term is None or getattr(q, part) == term
    return n


def _scan(store, problems: list[str]) -> dict:
    import pyoxigraph as ox

    from . import namespaces as ns

    total = 0
    per_graph: Counter = Counter()
    subjects, predicates, objects = set(), set(), set()
    in_graph: dict = {}
    for q in store.quads_for_pattern(None, None, None, None):
        total += 1
        per_graph[q.graph_name] += 1
        subjects.add(q.subject)
        predicates.add(q.predicate)
        objects.add(q.object)
        ps, os_ = in_graph.setdefault(q.graph_name, (set(), set()))
        ps.add(q.predicate)
        os_.add(q.object)

    def agree(what: str, n: int, expected: int) -> None:
        if n != expected:
            problems.append(f"{what}: {n} quads, not {expected}")

    agree("index by subject", sum(_count(store.quads_for_pattern(s, None, None, None)) for s in subjects), total)
    agree("index by predicate", sum(_count(store.quads_for_pattern(None, p, None, None)) for p in predicates), total)
    agree("index by object", sum(_count(store.quads_for_pattern(None, None, o, None), o) for o in objects), total)
    for g, (ps, os_) in in_graph.items():
        name = "the default graph" if isinstance(g, ox.DefaultGraph) else f"graph {g.value}"
        agree(f"{name}, by predicate", sum(_count(store.quads_for_pattern(None, p, None, g)) for p in ps), per_graph[g])
        agree(f"{name}, by object", sum(_count(store.quads_for_pattern(None, None, o, g), o) for o in os_),
              per_graph[g])
    named = {g for g in store.named_graphs()}
    missing = [g for g in per_graph if not isinstance(g, ox.DefaultGraph) and g not in named]
    if missing:
        problems.append(f"{len(missing)} graph(s) hold quads but are not listed, first {missing[0].value}")

    notes: list[str] = []
    names = {g.value for g in named if isinstance(g, ox.NamedNode)}
    for g in (ns.ONTOLOGY_GRAPH, ns.CATEGORIES_GRAPH):
        if g not in names:
            notes.append(f"graph {g} is missing (`govkg build` loads it again)")
    report_type, rdf_type = ox.NamedNode(ns.GW + "Report"), ox.NamedNode(ns.RDF + "type")
    reports = 0
    for g in sorted(n for n in names if "/graph/report/" in n):
        found = _count(store.quads_for_pattern(None, rdf_type, report_type, ox.NamedNode(g)))
        reports += found == 1
        if found != 1:
            problems.append(f"graph {g} holds {found} reports, not 1")
    from .publish import description_is_current

    if not description_is_current(store):
        notes.append("the dataset description is missing or out of date (the next `govkg build` rewrites it; push and export send a current one)")
    return {"quads": total, "graphs": len(names), "reports": reports, "problems": problems, "notes": notes}
