"""The two backends every integration test runs on: embedded (SQLite, in-process jobs)
and real servers (PostgreSQL + Redis), each isolated per pytest-xdist worker."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from contact_centre.migrate import upgrade

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() == "true"


# Two test runs on one machine (two people, or a person and an agent) set different TEST_SLOT values
# so that their databases and Redis numbers do not meet.
SLOT = int(os.environ.get("TEST_SLOT", "0"))


def worker_id() -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return f"s{SLOT}{worker}" if SLOT else worker


def worker_number() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int("".join(ch for ch in worker if ch.isdigit()) or 0)


def unavailable(what: str, exc: Exception) -> None:
    # On CI both servers run: their absence is a failure, not a skip.
    if IN_CI:
        pytest.fail(f"{what} unreachable on CI: {exc}")
    pytest.skip(f"{what} unreachable: {exc}")


@dataclass(frozen=True)
class Backend:
    name: str
    database_url: str
    redis_url: str

    @property
    def uses_real_servers(self) -> bool:
        return self.name == "postgresql"


class PostgresPool:
    """One database per xdist worker, migrated once, truncated after each test."""

    def __init__(self) -> None:
        base = make_url(PG_URL)
        self.url = base.set(database=f"espace_test_{worker_id()}").render_as_string(hide_password=False)
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "espace_test_{worker_id()}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "espace_test_{worker_id()}"'))
        finally:
            admin.dispose()
        upgrade(self.url)
        self.engine = create_engine(self.url)
        with self.engine.connect() as conn:
            self.tables = [
                row[0]
                for row in conn.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename <> 'alembic_version'"
                    )
                )
            ]

    def reset(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(self.tables)} RESTART IDENTITY CASCADE"))


class SqliteTemplate:
    """Migrating once and copying the file is much faster than migrating per test."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "template.sqlite3"
        upgrade(f"sqlite:///{self.path}")

    def fresh(self, target: Path) -> str:
        shutil.copy(self.path, target)
        return f"sqlite:///{target}"


def redis_for_worker() -> str:
    """Databases 1-14, one per worker; 0 and 15 are left to people and benchmarks."""
    parts = urlsplit(REDIS_URL)
    return urlunsplit((parts.scheme, parts.netloc, f"/{1 + (SLOT * 2 + worker_number()) % 14}", "", ""))


def flush_redis(url: str) -> None:
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()
