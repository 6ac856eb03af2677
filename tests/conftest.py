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


VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
DirsAllowed = ., {dirs}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
Charset = UTF-8
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""



class VirtuosoServer:
    """A private Virtuoso (Debian's virtuoso-opensource, which .ci/run installs) on 127.0.0.1,
    in its own folder, started and stopped by the test; `base` is its root URL (…/sparql,
    …/sparql-graph-crud-auth; user dba, password dba).  Skips the test where Virtuoso is not
    installed, fails it under CI."""

    def __init__(self, folder: Path, dirs_allowed: tuple[Path, ...] = ()):
        self.folder = Path(folder)
        self.dirs_allowed = dirs_allowed
        self.port, self.sql_port = free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self) -> "VirtuosoServer":
        import os
        import shutil
        import subprocess
        import time
        import urllib.request

        exe = shutil.which("virtuoso-t")
        if exe is None:
            if os.environ.get("CI"):
                pytest.fail("virtuoso-t is not installed: .ci/run installs virtuoso-opensource")
            pytest.skip("virtuoso-opensource is not installed (apt-get install virtuoso-opensource)")
        d = self.folder
        d.mkdir(parents=True, exist_ok=True)
        (d / "virtuoso.ini").write_text(VIRTUOSO_INI.format(
            d=d, sql=self.sql_port, http=self.port, dirs=", ".join(str(Path(x).resolve()) for x in self.dirs_allowed) or "."), encoding="utf-8")
        self.proc = subprocess.Popen([exe, "+foreground", "+configfile", str(d / "virtuoso.ini")], cwd=d,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for_port(self.port, self.proc, seconds=60)
            for _ in range(100):        # the HTTP port opens before the SPARQL service is ready
                try:
                    urllib.request.urlopen(f"{self.base}/sparql?query=ASK%7B%7D", timeout=2).read()
                    break
                except OSError:
                    time.sleep(0.1)
        except BaseException:
            self.stop()
            raise
        return self

    def isql(self, script: Path) -> str:
        """Run an SQL script with Virtuoso's isql client (as dba); its output."""
        import shutil
        import subprocess

        exe = shutil.which("isql-vt") or shutil.which("isql")
        r = subprocess.run([exe, f"127.0.0.1:{self.sql_port}", "dba", "dba", str(script)],
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stdout + r.stderr
        return r.stdout

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
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
