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
def test_citizen_name_keys_are_in_byte_order_on_postgresql_and_migrations_go_both_ways(backend):
    config = alembic_config(backend.database_url)
    command.downgrade(config, "0001")
    command.upgrade(config, "0002")
    command.downgrade(config, "0002")
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
            collations = dict(
                conn.execute(
                    text(
                        "SELECT column_name, collation_name FROM information_schema.columns"
                        " WHERE table_name = 'citizens' AND column_name LIKE '%_name_key'"
                    )
                ).all()
            )
    finally:
        engine.dispose()
    assert set(rows) == {"ix_citizens_last_key", "ix_citizens_first_key"}
    assert "(last_name_key, first_name_key, id)" in rows["ix_citizens_last_key"]
    assert collations == {"last_name_key": "C", "first_name_key": "C"}
