"""Citizen name indexes with pattern ops on PostgreSQL

Measured at 300,000 citizens (bench P4): with both a plain and a pattern-ops index, PostgreSQL
walked the plain one in sort order for `LIKE 'x%' OR …  ORDER BY … LIMIT 20` and read the whole
table (~220 ms); with the pattern-ops index alone it combines two prefix scans (~2 ms).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {"ix_citizens_last_key": "last_name_key", "ix_citizens_first_key": "first_name_key"}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, column in COLUMNS.items():
        op.execute(f"DROP INDEX IF EXISTS {name}_pattern")
        op.execute(f"DROP INDEX {name}")
        op.execute(f"CREATE INDEX {name} ON citizens ({column} varchar_pattern_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, column in COLUMNS.items():
        op.execute(f"DROP INDEX {name}")
        op.execute(f"CREATE INDEX {name} ON citizens ({column})")
        op.execute(f"CREATE INDEX {name}_pattern ON citizens ({column} varchar_pattern_ops)")
