"""The SPARQL engine behind ``govkg serve``: ``oxigraph serve-read-only`` on a private port.

What the front relies on, each for a reason seen in use:

* its standard error is read all the time (a pipe nobody reads fills at 64 KiB and then
  every engine thread blocks); the last lines are kept to say why it stopped;
* its memory is watched: past the limit (resident memory, read from ``/proc`` ten times a
  second) the engine is killed and the front starts it again, so a query that would take the
  machine's memory (a cartesian product under ORDER BY) ends alone, instead of the kernel
  killing whatever it picks.  (``RLIMIT_AS`` was tried: it counts every thread's reserved
  stack, and refused the engine threads for concurrent clients long before memory ran short.)
* it ends with its parent (Linux ``PR_SET_PDEATHSIG``): a front killed by any signal leaves
  no engine answering on its private port.
"""
from __future__ import annotations

import collections
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from ..children import end_with_parent
from ..errors import ServeError

def oxigraph_executable() -> str:
    """The ``oxigraph`` server installed beside this Python (the PyPI package), else on PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if not found:
        raise ServeError("oxigraph", "the Oxigraph server is not installed", "pip install oxigraph")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


STREAM_ERROR = "Internal server error while streaming results:"
CANCELLED = "The SPARQL operation has been cancelled"


def resident_bytes(pid: int) -> int:
    """Resident memory of a process (0 when it is gone or ``/proc`` is missing)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class Engine:
    """One engine process; ``start()`` waits until it answers, ``stop()`` ends it."""

    def __init__(self, store_path: Path, timeout_s: int, memory_bytes: int | None):
        self.store_path, self.timeout_s, self.memory_bytes = store_path, timeout_s, memory_bytes
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=50)
        # what the engine wrote at the end of an answer it could not finish (it still ends
        # the answer as if whole, so the front must recognise the message)
        self.stream_errors: collections.deque[str] = collections.deque([CANCELLED], maxlen=20)
        self._drain: threading.Thread | None = None
        self.over_memory = False

    def start(self) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [oxigraph_executable(), "serve-read-only", "--location", str(self.store_path),
             "--bind", f"127.0.0.1:{self.port}", "--union-default-graph",
             "--timeout-s", str(self.timeout_s)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            preexec_fn=end_with_parent)
        self._drain = threading.Thread(target=self._read_stderr, args=(self.proc,),
                                       name="govkg-engine-stderr", daemon=True)
        self._drain.start()
        self.over_memory = False
        if self.memory_bytes:
            threading.Thread(target=self._watch_memory, args=(self.proc,), name="govkg-engine-memory",
                             daemon=True).start()
        deadline = time.monotonic() + 20
        while True:
            if self.proc.poll() is not None:
                self._drain.join(timeout=2)
                raise ServeError(str(self.store_path), "the Oxigraph server did not start"
                                 + (f" ({self.reason()})" if self.stderr_tail else ""))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise ServeError(str(self.store_path), "the Oxigraph server did not answer in 20 s") from None
                time.sleep(0.05)

    def _read_stderr(self, proc: subprocess.Popen) -> None:
        for raw in proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip()
            if line and not line.startswith(("stack backtrace", "   ", "note:")):
                self.stderr_tail.append(line)
            if line.startswith(STREAM_ERROR):
                self.stream_errors.append(line[len(STREAM_ERROR):].strip())
        proc.stderr.close()

    def _watch_memory(self, proc: subprocess.Popen) -> None:
        while proc.poll() is None:
            if resident_bytes(proc.pid) > self.memory_bytes:
                self.over_memory = True
                proc.kill()
                return
            time.sleep(0.1)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def reason(self) -> str:
        """Why the engine stopped, in a few words: its last error line, or its exit status."""
        lines = [ln for ln in self.stderr_tail if not ln.startswith("Listening for requests")]
        rc = self.proc.returncode if self.proc is not None else None
        if self.over_memory or any("memory allocation" in ln for ln in lines):
            limit = f" of {self.memory_bytes >> 20} MiB" if self.memory_bytes else ""
            return f"a query went past the engine's memory limit{limit}"
        if lines:
            return lines[-1][:200]
        if rc is not None and rc < 0:
            return f"ended by signal {signal.Signals(-rc).name}"
        return f"exit status {rc}"

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._drain is not None:
            self._drain.join(timeout=2)
        self.proc = None
