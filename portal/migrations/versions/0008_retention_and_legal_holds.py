"""retention and legal holds

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "disciplinary_linked_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=False),
        sa.Column("linked_by_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["disciplinary_cases.id"],
            name=op.f("fk_disciplinary_linked_receipts_case_id_disciplinary_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["linked_by_id"], ["people.id"], name=op.f("fk_disciplinary_linked_receipts_linked_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"], ["receipts.id"], name=op.f("fk_disciplinary_linked_receipts_receipt_id_receipts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disciplinary_linked_receipts")),
        sa.UniqueConstraint(
            "case_id", "receipt_id", name=op.f("uq_disciplinary_linked_receipts_case_id_receipt_id")
        ),
    )
    with op.batch_alter_table("disciplinary_linked_receipts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disciplinary_linked_receipts_case_id"), ["case_id"], unique=False
        )

    # Plain ADD COLUMN rather than batch mode: rebuilding the table on SQLite would trip
    # the foreign keys of the rows that point at it.
    op.add_column(
        "disciplinary_cases", sa.Column("legal_hold_reason", sa.Text(), nullable=False, server_default="")
    )
    op.add_column("disciplinary_cases", sa.Column("legal_hold_since", sa.DateTime(), nullable=True))

    if op.get_bind().dialect.name == "postgresql":
        # Evidence and packs stay append-only for the application, but the retention
        # schedule must be able to delete them: only a transaction that has set
        # portal.retention_purge (flask retention run) may, and never update.
        op.execute(
            """
            CREATE FUNCTION refuse_change_except_retention_purge() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' AND current_setting('portal.retention_purge', true) = 'on' THEN
                    RETURN OLD;
                END IF;
                RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP;
            END;
            $$
            """
        )
        for table in ("disciplinary_evidence", "disciplinary_packs"):
            op.execute(f"DROP TRIGGER {table}_no_update_or_delete ON {table}")
            op.execute(
                f"CREATE TRIGGER {table}_no_update_or_delete BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_change_except_retention_purge()"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("disciplinary_evidence", "disciplinary_packs"):
            op.execute(f"DROP TRIGGER {table}_no_update_or_delete ON {table}")
            op.execute(
                f"CREATE TRIGGER {table}_no_update_or_delete BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only_table()"
            )
        op.execute("DROP FUNCTION refuse_change_except_retention_purge()")
    op.drop_column("disciplinary_cases", "legal_hold_since")
    op.drop_column("disciplinary_cases", "legal_hold_reason")

    with op.batch_alter_table("disciplinary_linked_receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disciplinary_linked_receipts_case_id"))

    op.drop_table("disciplinary_linked_receipts")
