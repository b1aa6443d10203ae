"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from contact_centre.domain.models import Base


def test_models_and_migrations_agree(backend):
    engine = create_engine(backend.database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    # PostgreSQL-only pattern indexes for prefix search are added by the migration on purpose.
    diff = [d for d in diff if not (d[0] == "remove_index" and d[1].name.endswith("_pattern"))]
    assert diff == []
