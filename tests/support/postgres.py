"""A real PostgreSQL server for the tests: Debian's package, a throwaway cluster under /tmp,
listening on 127.0.0.1 only. It starts in about a second; the test session stops it."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    user: str

    @property
    def url(self) -> str:
        return self.database_url("postgres")

    def database_url(self, database: str) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"

    def create_database(self, database: str) -> str:
        """Make a new, empty database on the server; its URL."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{database}"')
        return self.database_url(database)


def find_binaries() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    found = shutil.which("pg_ctl")
    return Path(found).resolve().parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_server() -> Iterator[Server]:
    bindir = find_binaries()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    as_root = os.geteuid() == 0
    user = "postgres" if as_root else os.environ.get("USER", "postgres")
    data = Path(tempfile.mkdtemp(prefix="crimeplan-pg-", dir="/tmp"))
    prefix: list[str] = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        shutil.chown(data, "postgres", "postgres")
    port = _free_port()

    def run(*args: str) -> None:
        subprocess.run([*prefix, *args], check=True, capture_output=True, text=True)

    run(
        str(bindir / "initdb"),
        "-D",
        str(data / "db"),
        "-U",
        user,
        "--auth=trust",
        "--no-sync",
        "-E",
        "UTF8",
        "--locale=C",
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off"
    run(
        str(bindir / "pg_ctl"),
        "-D",
        str(data / "db"),
        "-o",
        options,
        "-l",
        str(data / "log"),
        "-w",
        "start",
    )
    try:
        yield Server("127.0.0.1", port, user)
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data / "db"), "-m", "fast", "-w", "stop"],
            capture_output=True,
        )
        shutil.rmtree(data, ignore_errors=True)
