"""Stage 5, store: an embedded, on-disk Oxigraph store with one named graph per report.

The ontology, the category scheme and the units sit in graphs of their own.  Loading a
report replaces its graph whole, so building the same corpus twice gives the same quads.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox

from . import namespaces as ns
from .errors import StoreError
from .resources import folder

VOCABULARY_GRAPHS = {
    ns.ONTOLOGY_GRAPH: ("govwork.ttl",),
    ns.CATEGORIES_GRAPH: ("categories.ttl", "units.ttl"),
}


FLUSH_EVERY = 100     # report graphs written between flushes of the memory tables


_DAMAGE = ("Corruption:",)
_DISK = ("No space left", "Disk quota", "File too large", "Read-only file system")


def storage_error(path: str | Path | None, e: BaseException) -> StoreError | None:
    """Our error for what the storage engine raised, when it says the store's files are damaged
    or the disk refused a write; ``None`` for anything else.

    >>> str(storage_error("st", RuntimeError("Corruption: block checksum mismatch")))
    'st: the store is damaged (Corruption: block checksum mismatch) (run `govkg check-store` for details; rebuild it from the reports)'
    >>> str(storage_error("st", OSError("IO error: No space left on device: While appending")))
    'st: cannot be written: no space left on the device (free some space and build again)'
    """
    msg = " ".join(str(e).split())
    where = str(path) if path is not None else "store"
    if any(m in msg for m in _DAMAGE):
        return StoreError(where, f"the store is damaged ({msg[:300]})",
                          "run `govkg check-store` for details; rebuild it from the reports")
    for m in _DISK:
        if m in msg:
            what = {"No space left": "no space left on the device", "Disk quota": "the disk quota is used up",
                    "File too large": "a file grew past the size this system allows",
                    "Read-only file system": "the file system is read-only"}[m]
            return StoreError(where, f"cannot be written: {what}", "free some space and build again"
                              if m != "Read-only file system" else "choose another --store")
    return None


def default_store_path() -> Path:
    """Where the store lives when no --store is given: $GOVKG_STORE, else ./.govkg/store."""
    return Path(os.environ.get("GOVKG_STORE") or Path.cwd() / ".govkg" / "store")


def report_graph(report_id: str, base: str = ns.DEFAULT_BASE) -> str:
    """The IRI of the named graph that holds everything taken from one report."""
    return f"{base}graph/report/{report_id}"


class GraphStore:
    """A govkg store on disk (or in memory when ``path`` is None)."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False,
                 create: bool = True):
        self.path = Path(path) if path is not None else None
        self._read_only = read_only
        self._written = 0
        try:
            if self.path is None:
                self.store = ox.Store()
            elif read_only:
                if not self.path.exists():
                    raise StoreError(str(self.path), "no store here", "run `govkg build` first")
                self.store = ox.Store.read_only(str(self.path))
            else:
                if not create and not self.path.exists():
                    raise StoreError(str(self.path), "no store here", "run `govkg build` first")
                self.path.mkdir(parents=True, exist_ok=True)
                self.store = ox.Store(str(self.path))
        except (OSError, RuntimeError) as e:
            msg = str(e)
            if "lock" in msg.lower() or "resource temporarily unavailable" in msg.lower():
                raise StoreError(str(self.path), "store in use by another govkg process",
                                 "wait for it to finish") from None
            raise storage_error(self.path, e) or StoreError(
                str(self.path), f"cannot open the store ({msg})") from None

    def close(self) -> None:
        """Release the store (and its lock on the folder), writing what it holds in memory;
        a failure to write (a full disk) is a :class:`StoreError`."""
        import gc

        if getattr(self, "store", None) is not None:
            store, self.store = self.store, None
            try:
                store.flush() if self.path is not None and not self._read_only else None
            except (OSError, RuntimeError) as e:
                raise storage_error(self.path, e) or StoreError(str(self.path), f"cannot be written ({e})") from None
            finally:
                del store
                gc.collect()

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
            return
        # already failing (often for the same reason, a full disk): the first error is the one
        # to report, not the second that closing the store then meets
        try:
            self.close()
        except Exception:  # noqa: BLE001
            pass

    # --- writing ------------------------------------------------------------------------

    def load_vocabularies(self) -> None:
        """(Re)load the ontology, category scheme and units into their own graphs."""
        for graph, files in VOCABULARY_GRAPHS.items():
            triples: list[ox.Triple] = []
            for name in files:
                triples += [q.triple for q in ox.parse(path=str(folder("ontology") / name),
                                                       format=ox.RdfFormat.TURTLE)]
            self.replace_graph(graph, triples)

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple]) -> int:
        """Replace a named graph's content whole; return the number of triples loaded."""
        triples = list(triples)
        self.replace_graph_data(graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
        return len(triples)

    def replace_graph_data(self, graph: str, ntriples: bytes) -> None:
        """Replace a named graph's content whole with N-Triples (parsed by Oxigraph itself)."""
        g = ox.NamedNode(graph)
        try:
            self.store.remove_graph(g)
        except (OSError, LookupError):
            pass
        try:
            self.store.load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=g)
        except (OSError, RuntimeError, SyntaxError) as e:
            raise storage_error(self.path, e) or StoreError(
                str(self.path), f"cannot write graph {graph} ({e})") from None
        self._written += 1
        if self._written % FLUSH_EVERY == 0:
            # RocksDB keeps written data in memory tables until flushed: without this a
            # 10,000-report build held 2 GB; flushed every 100 graphs it stays near 150 MB
            self.flush()

    def remove_graph(self, graph: str) -> bool:
        g = ox.NamedNode(graph)
        if not self.store.contains_named_graph(g):
            return False
        self.store.remove_graph(g)
        return True

    def flush(self) -> None:
        if self.path is not None:
            try:
                self.store.flush()
            except (OSError, RuntimeError) as e:
                raise storage_error(self.path, e) or StoreError(str(self.path), f"cannot be written ({e})") from None

    # --- reading ------------------------------------------------------------------------

    def reports(self) -> list[dict]:
        """One row per loaded report: graph, report IRI, file name, township, period."""
        q = f"""PREFIX gw: <{ns.GW}>
        SELECT ?g ?report ?file ?town ?period WHERE {{
          GRAPH ?g {{ ?report a gw:Report ; gw:fileName ?file .
            OPTIONAL {{ ?report gw:issuedBy/gw:name ?town }}
            OPTIONAL {{ ?report gw:period/gw:periodCode ?period }} }}
        }} ORDER BY ?file"""
        return [{"graph": s["g"].value, "report": s["report"].value, "file": s["file"].value,
                 "township": s["town"].value if s["town"] else None,
                 "period": s["period"].value if s["period"] else None}
                for s in self.store.query(q)]

    def versions(self) -> list[dict]:
        """One row per report graph: graph, source ``key`` (None for a graph named by its
        content, as before reports were named by source), file name, ``file_sha256`` of the
        version loaded, ``sha256`` of its text and ``corrections_sha256`` of the corrections
        applied to it."""
        q = f"""PREFIX gw: <{ns.GW}>
        SELECT ?g ?file ?key ?fsha ?sha ?csha WHERE {{
          GRAPH ?g {{ ?report a gw:Report ; gw:fileName ?file ; gw:sha256 ?sha .
            OPTIONAL {{ ?report gw:sourcePath ?key }} OPTIONAL {{ ?report gw:fileSha256 ?fsha }}
            OPTIONAL {{ ?report gw:correctionsSha256 ?csha }} }}
        }}"""
        value = lambda t: t.value if t else None  # noqa: E731
        return [{"graph": s["g"].value, "file": s["file"].value, "key": value(s["key"]),
                 "file_sha256": value(s["fsha"]), "sha256": s["sha"].value, "corrections_sha256": value(s["csha"])}
                for s in self.store.query(q)]

    def find_report_graphs(self, ref: str) -> list[str]:
        """The graph of the one report a reference names: its graph or report IRI, its id, its
        source path (``reports/a.txt``) or its end (``a.txt``, ``sub/a.txt``), or an id prefix of
        six characters or more.  A reference that fits several
        reports (two folders' 总结.txt, a short prefix) is refused with their ids, so nothing
        is removed that the user did not name; none fitting gives ``[]``."""
        reports = self.reports()
        rid = {r["graph"]: r["report"].rsplit("/", 1)[-1] for r in reports}
        keys = {v["graph"]: v["key"] or "" for v in self.versions()}
        path = "/".join(Path(ref).parts)
        for test in (lambda r: ref in (r["graph"], r["report"], rid[r["graph"]]) or path == keys.get(r["graph"]),
                     lambda r: len(ref) >= 6 and rid[r["graph"]].startswith(ref),
                     lambda r: bool(keys.get(r["graph"])) and (keys[r["graph"]].endswith("/" + path)
                                                                or path.endswith("/" + keys[r["graph"]])),
                     lambda r: not keys.get(r["graph"]) and (ref == r["file"] or Path(ref).name == r["file"])):
            fit = [r for r in reports if test(r)]
            if len(fit) > 1:
                ids = ", ".join(f"{rid[r['graph']]} ({r['file']})" for r in fit)
                raise StoreError(ref, f"names {len(fit)} reports: {ids}", "give the id of the one to remove")
            if fit:
                return [fit[0]["graph"]]
        return []

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        g = ox.NamedNode(graph) if graph else None
        return self.store.quads_for_pattern(None, None, None, g)

    def graph_triples(self, graph: str) -> list[ox.Triple]:
        return [q.triple for q in self.quads(graph)]

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def __len__(self) -> int:
        return len(self.store)

    def query(self, sparql: str, **kw):
        kw.setdefault("use_default_graph_as_union", True)
        return self.store.query(sparql, **kw)
