"""What the command line prints, and where: progress, tables, files or standard output.

These are the habits of the terminal, kept apart from the commands:

- progress is a bar on a terminal, a line every few seconds when stderr is piped or logged
  (``$GOVKG_PROGRESS_SECONDS``, default 5), nothing with ``--quiet``;
- a table is wrapped to the terminal and paged when it is taller than the screen (``$PAGER``,
  as git and psql do); on a pipe it is plain aligned text, never cut
  (:func:`govkg.queries.plain_table`);
- ``-o -`` is standard output;
- a closed pipe (``govkg facts … | head``) ends the command quietly with status 141, the status
  of a process that SIGPIPE stopped.
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Callable, Iterator

import click

PROGRESS_SECONDS_ENV = "GOVKG_PROGRESS_SECONDS"
DEFAULT_PROGRESS_SECONDS = 5.0
PIPE_CLOSED_STATUS = 141   # 128 + SIGPIPE, as a shell reports a process SIGPIPE ended

Progress = Callable[[int, int, str], None]


def pipe_closed() -> None:
    """End the process quietly after the reader of standard output went away.

    Standard output is pointed at /dev/null first, so that Python's flush at exit does not
    raise a second BrokenPipeError ("Exception ignored …").
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):   # stdout has no file descriptor (tests)
        pass
    sys.exit(PIPE_CLOSED_STATUS)


class LineProgress:
    """A progress line on stderr at most every ``interval`` seconds: count, rate, last file.

    >>> import io
    >>> out, clock = io.StringIO(), iter([0.0, 1.0, 2.0, 7.0]).__next__
    >>> p = LineProgress("build", 5.0, out, clock)
    >>> p(1, 3, "a.txt"); p(2, 3, "b.txt"); p(3, 3, "c.txt")
    >>> out.getvalue()
    'govkg: build: 3/3 reports (100%), 0.4/s, 7 s; last c.txt\\n'
    """

    def __init__(self, label: str, interval: float, stream: IO[str] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.label, self.interval, self.stream, self.clock = label, interval, stream, clock
        self.start = self.last = clock()

    def __call__(self, done: int, total: int, name: str) -> None:
        now = self.clock()
        if now - self.last < self.interval:
            return
        self.last = now
        elapsed = now - self.start
        rate = done / elapsed if elapsed > 0 else 0.0
        of = f"/{total}" if total else ""
        share = f" ({100 * done // total}%)" if total else ""
        what = "graphs" if self.label == "push" else "reports"
        stream = self.stream or sys.stderr
        stream.write(f"govkg: {self.label}: {done}{of} {what}{share}, {rate:.1f}/s, {elapsed:.0f} s;"
                     f" last {Path(name).name}\n")
        stream.flush()


def _interval() -> float:
    raw = os.environ.get(PROGRESS_SECONDS_ENV, "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_PROGRESS_SECONDS
    except ValueError:
        return DEFAULT_PROGRESS_SECONDS


@contextmanager
def progress(label: str, quiet: bool = False) -> Iterator[Progress | None]:
    """A rich progress bar on a terminal, progress lines when stderr is not one, or nothing."""
    if quiet:
        yield None
        return
    if not sys.stderr.isatty():
        yield LineProgress(label, _interval())
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeRemainingColumn

    with Bar(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
             TextColumn("{task.description}"), transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task("", total=None)

        def update(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=Path(name).name)

        yield update


def quiet_option(f):
    return click.option("--quiet", "-q", is_flag=True, help="No progress output.")(f)


# --- tables --------------------------------------------------------------------------------

def print_table(columns: list[str], rows: list[dict], use_pager: bool = True) -> None:
    """A table on standard output: on a terminal wrapped to its width (cells fold, never cut)
    and paged when taller than the screen; elsewhere :func:`plain_table`."""
    if not sys.stdout.isatty():
        from ..queries import plain_table

        sys.stdout.write(plain_table(columns, rows) + "\n")
        sys.stdout.flush()
        return
    from rich.console import Console
    from rich.table import Table

    from ..queries import cell_text

    console = Console()
    table = Table(show_lines=False)
    for c in columns:
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(*[cell_text(r[c]) for c in columns])
    tall = len(console.render_lines(table, console.options, pad=False)) > console.height - 1
    if use_pager and tall:
        with console.pager(styles=False):
            console.print(table)
    else:
        console.print(table)


# --- files ---------------------------------------------------------------------------------

def is_stdout(path: Path | str | None) -> bool:
    return path is None or str(path) == "-"


@contextmanager
def binary_output(path: Path | str | None) -> Iterator[IO[bytes]]:
    """Standard output's bytes for ``-`` (or no path), else the file opened for writing."""
    if is_stdout(path):
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with open(path, "wb") as f:
        yield f
