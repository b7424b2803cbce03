"""PostgreSQL's faults as one line for the operator, naming the server but never the password.

A `DATABASE_URL` carries a password; the address shown in every message (`shown`) keeps the user,
host, port, database and socket folder, and drops the password and every other query setting.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import asyncpg

from bot.lore.store.base import StorageError


def shown(url: str) -> str:
    """The address without its password: enough to tell which server and database is meant."""
    parts = urlsplit(url)
    user_info, _, host = parts.netloc.rpartition("@")
    user = user_info.partition(":")[0]
    sockets = [value for key, value in parse_qsl(parts.query) if key == "host"]
    query = f"?host={sockets[0]}" if sockets else ""
    return f"{parts.scheme}://{user + '@' if user else ''}{host}{parts.path}{query}"


def storage_error(where: str, error: BaseException) -> StorageError:
    """What went wrong talking to PostgreSQL, in its own words where they hold no secret, and
    what to do about it."""
    if isinstance(
        error, asyncpg.InvalidPasswordError | asyncpg.InvalidAuthorizationSpecificationError
    ):
        return StorageError(
            where,
            f"PostgreSQL refused the login ({error})",
            "check the user and password in DATABASE_URL",
        )
    if isinstance(error, asyncpg.InvalidCatalogNameError):
        return StorageError(
            where,
            f"the database does not exist ({error})",
            "create it (`createdb -O USER NAME`) or correct its name in DATABASE_URL",
        )
    if isinstance(error, asyncpg.DiskFullError):
        return StorageError(
            where,
            "the database server's disk is full",
            "free some disk space there; nothing was written",
        )
    if isinstance(error, OSError | TimeoutError | asyncpg.InterfaceError):
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        return StorageError(
            where,
            f"no PostgreSQL server answers ({reason or type(error).__name__})",
            "start it, or correct the host and port in DATABASE_URL",
        )
    return StorageError(
        where,
        f"the database cannot be used ({error})",
        "check that DATABASE_URL names this bot's database and that its user may create tables",
    )
