from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from contact_centre.app import create_app
from contact_centre.plugins import load_settings
from contact_centre.runtime import Runtime
from contact_centre.settings import Settings
from tests.support.backends import (
    Backend,
    PostgresPool,
    SqliteTemplate,
    flush_redis,
    redis_for_worker,
    unavailable,
)
from tests.support.served import ServedApp, serve

# Shared fixtures live in their support modules, loaded here for every test: a private Dovecot, an SMTP sink.
pytest_plugins = ("tests.support.mail_servers",)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("sqlite-template"))


_pg: list[PostgresPool] = []


def _postgres() -> PostgresPool:
    if not _pg:
        try:
            _pg.append(PostgresPool())
        except Exception as exc:
            unavailable("PostgreSQL", exc)
    return _pg[0]


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(
    request: pytest.FixtureRequest, sqlite_template: SqliteTemplate, tmp_path: Path
) -> Iterator[Backend]:
    if request.param == "sqlite":
        yield Backend("sqlite", sqlite_template.fresh(tmp_path / "db.sqlite3"), "")
        return
    pool = _postgres()
    redis_url = redis_for_worker()
    try:
        flush_redis(redis_url)
    except Exception as exc:
        unavailable("Redis", exc)
    pool.reset()
    yield Backend("postgresql", pool.url, redis_url)


@pytest.fixture
def settings(backend: Backend, tmp_path: Path) -> Settings:
    tag = uuid.uuid4().hex[:8]
    return load_settings(
        {},
        instance_path=tmp_path / "instance",
        database_url=backend.database_url,
        redis_url=backend.redis_url,
        secret_key="test-secret-" + tag,
        attachments_dir=tmp_path / "attachments",
        socketio_channel=f"test-{tag}",
        rq_queue=f"test-{tag}",
        claim_lease_seconds=60,
        sweep_interval_seconds=1,
        testing=True,
    )


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    app = create_app(settings)
    yield app
    app.extensions["espace_citoyen"].database.dispose()


@pytest.fixture
def rt(app: Flask) -> Iterator[Runtime]:
    with app.app_context():
        yield app.extensions["espace_citoyen"]


@pytest.fixture
def served(app: Flask) -> Iterator[ServedApp]:
    server = serve(app)
    yield server
    server.stop()
