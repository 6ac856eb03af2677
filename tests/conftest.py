from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "reports"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"


@pytest.fixture(scope="session")
def examples_store(tmp_path_factory):
    """The bundled examples built once into a store, for read-only tests."""
    from govkg.pipeline import build

    path = tmp_path_factory.mktemp("store") / "store"
    summary = build([EXAMPLES], path)
    assert summary.ok, summary
    return path


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc=None, seconds: float = 30) -> None:
    """Wait until something listens on 127.0.0.1:port (or fail with the process's output)."""
    import socket
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


class OxigraphServer:
    """A real Oxigraph server (the `oxigraph` PyPI package) on 127.0.0.1, started and stopped
    by the test; `base` is its root URL (…/store, …/query, …/update)."""

    def __init__(self, location, read_only: bool = False, port: int | None = None, union: bool = True):
        self.location, self.read_only, self.union = location, read_only, union
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self) -> "OxigraphServer":
        import subprocess
        import sys

        exe = Path(sys.executable).with_name("oxigraph")
        cmd = [str(exe), "serve-read-only" if self.read_only else "serve", "--location", str(self.location),
               "--bind", f"127.0.0.1:{self.port}"] + (["--union-default-graph"] if self.union else [])
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, self.proc)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def child_pids(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (read from /proc)."""
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.add(int(stat.parent.name))
    return out
