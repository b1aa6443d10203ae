"""Citizen name keys in byte order, indexed with the other name for ordered search

Bench P4 at 300,000 citizens: a 3-letter prefix (« mar ») matched thousands of rows that the
OR query had to sort before its LIMIT. Keys compared in byte order ("C", as SQLite's default) let
one btree on (key, other key, id) serve both the prefix and the order, so each half of the search
stops after a page. Supersedes 0002's pattern-ops indexes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_citizens_last_key": ["last_name_key", "first_name_key", "id"],
    "ix_citizens_first_key": ["first_name_key", "last_name_key", "id"],
}


def upgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="citizens")
    if op.get_bind().dialect.name == "postgresql":
        for column in ("last_name_key", "first_name_key"):
            op.execute(f'ALTER TABLE citizens ALTER COLUMN {column} TYPE varchar(120) COLLATE "C"')
    for name, columns in INDEXES.items():
        op.create_index(name, "citizens", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="citizens")
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, columns in INDEXES.items():
        column = columns[0]
        if postgresql:
            op.execute(f'ALTER TABLE citizens ALTER COLUMN {column} TYPE varchar(120) COLLATE "default"')
            op.execute(f"CREATE INDEX {name} ON citizens ({column} varchar_pattern_ops)")
        else:
            op.create_index(name, "citizens", [sa.column(column)])
