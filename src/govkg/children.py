"""Child processes that end with their parent (the SPARQL engine, build workers).

A ``govkg serve`` or ``govkg build --jobs`` killed by any signal, SIGKILL included, must not
leave an engine answering on its private port or workers holding memory for good.
"""
from __future__ import annotations

import ctypes
import signal

PR_SET_PDEATHSIG = 1


def end_with_parent() -> None:
    """Ask Linux to send this process SIGTERM when the thread that started it ends (a no-op
    where ``prctl`` is missing).  Call it in the child: between fork and exec, or first thing
    in a worker."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass
