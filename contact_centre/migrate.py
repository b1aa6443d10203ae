"""Running Alembic from the app (init-db, tests) without a separate alembic command.

The migrations are package data (`contact_centre/migrations/`), so an installed wheel can apply them;
the configuration is built here rather than read from an `alembic.ini`. The root `alembic.ini` only
serves developers' `alembic revision --autogenerate` (see the README)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)
