"""Scanned postal mail: a letter's scan, its pages rendered for the console and their OCR text

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "letter_scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pending", "done", "failed", name="scanstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("references", JSON, nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ocr_finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ocr_seconds", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["attachment_id"],
            ["attachments.id"],
            name="fk_letter_scans_attachment_id_attachments",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name="fk_letter_scans_contact_id_contacts", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_letter_scans"),
        sa.UniqueConstraint("attachment_id", name="uq_letter_scans_attachment_id"),
    )
    op.create_index("ix_letter_scans_contact_id", "letter_scans", ["contact_id"])
    op.create_table(
        "letter_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("image_key", sa.String(length=255), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["scan_id"], ["letter_scans.id"], name="fk_letter_pages_scan_id_letter_scans", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_letter_pages"),
        sa.UniqueConstraint("image_key", name="uq_letter_pages_image_key"),
        sa.UniqueConstraint("scan_id", "number", name="uq_letter_pages_scan_id"),
    )
    op.create_index("ix_letter_pages_scan_id", "letter_pages", ["scan_id"])


def downgrade() -> None:
    op.drop_index("ix_letter_pages_scan_id", table_name="letter_pages")
    op.drop_table("letter_pages")
    op.drop_index("ix_letter_scans_contact_id", table_name="letter_scans")
    op.drop_table("letter_scans")
