"""What every bench script shares: its command line, keys, fresh databases, the machine line."""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import socket
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from method import cpu_model
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage import crypto
from storage.db import normalise_url
from storage.migrate import upgrade


def bench_keys() -> dict[str, str]:
    """Sets this process's encryption keys: fresh for a run, inherited by its child processes."""
    os.environ.setdefault("ENCRYPTION_KEYS", crypto.new_key())
    os.environ.setdefault("ENCRYPTION_ADDRESS_KEY", crypto.new_address_key())
    crypto.use_keys([os.environ["ENCRYPTION_KEYS"]])
    crypto.use_address_key(os.environ["ENCRYPTION_ADDRESS_KEY"])
    names = ("ENCRYPTION_KEYS", "ENCRYPTION_ADDRESS_KEY")
    return {name: os.environ[name] for name in names}


KEYS = bench_keys()
"""The encryption keys of this benchmark run (its Suara processes get them too)."""


def parser(doc: str | None, *, runs: int = 3) -> argparse.ArgumentParser:
    """Returns a command line described by the doc's first line, with --postgres and --runs."""
    found = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    found.add_argument("--postgres", default=os.environ.get("SUARA_TEST_POSTGRES_URL"))
    found.add_argument("--runs", type=int, default=runs)
    return found


@contextlib.contextmanager
def postgres_schema(base: str, prefix: str) -> Iterator[str]:
    """Yields the URL of a fresh schema, dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalise_url(base))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@contextlib.contextmanager
def fresh_database(postgres: str | None) -> Iterator[str]:
    """Yields a migrated empty database: a PostgreSQL schema given a URL, else a SQLite file."""
    if postgres:
        with postgres_schema(postgres, "bench") as url:
            upgrade(url)
            yield url
        return
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / f'bench-{uuid.uuid4().hex[:6]}.db'}"
        upgrade(url)
        yield url


def free_port() -> int:
    """Returns a loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def machine(*, system: bool = False) -> str:
    """Returns "N cores, CPU, Python X.Y.Z" (and the operating system), for a results line."""
    found = f"{os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}"
    return f"{found}, {platform.system()}" if system else found
