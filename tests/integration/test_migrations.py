"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from contact_centre.domain.models import Base
from contact_centre.migrate import alembic_config


def test_models_and_migrations_agree(backend):
    engine = create_engine(backend.database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_citizen_name_indexes_use_pattern_ops_on_postgresql_and_migrations_go_both_ways(backend):
    config = alembic_config(backend.database_url)
    command.downgrade(config, "0001")
    command.upgrade(config, "head")
    engine = create_engine(backend.database_url)
    try:
        with engine.connect() as conn:
            rows = dict(
                conn.execute(
                    text(
                        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'citizens' AND indexname LIKE 'ix_%'"
                    )
                ).all()
            )
    finally:
        engine.dispose()
    assert set(rows) == {"ix_citizens_last_key", "ix_citizens_first_key"}
    assert all("varchar_pattern_ops" in d for d in rows.values())
