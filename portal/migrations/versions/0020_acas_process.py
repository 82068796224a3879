"""acas process: the hearing, who hears it, the letters, and the appeal hearing

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01

A disciplinary case gains what the ACAS Code of Practice expects between the
investigation and the outcome (portal/conduct/hearings.py, outcomes.py): the hearing's
time and place, the evidence it will consider and the most serious outcome it could
reach; who hears it, recorded apart from the investigating officer (an officer, or the
councillors of a panel, in `disciplinary_hearers`), with the reason when someone involved
before must; a warning's improvement needed and its timescale; who heard the appeal and
who came with the employee. The letters to the employee are kept as issued in
`disciplinary_letters`, sealed and append-only like the evidence packs.

The new columns of `disciplinary_cases` are added with plain ADD COLUMN (no foreign keys
on them): a batch rebuild on SQLite would drop a table that other rows refer to.

On PostgreSQL the letters get the evidence tables' triggers, the runtime role may only
read and add them, and the retention purge (migration 0015's function) now deletes the
letters and who heard a case with the rest of it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

RUNTIME_GROUP = "portal_runtime"
_PURGE_ARGS = "integer, integer, integer, integer"

# The purge of migration 0015, with the tables it empties before the case itself. Children
# first, and letters and packs before the evidence: their triggers judge the case from the
# evidence row while it is still there.
_PURGE = """
CREATE OR REPLACE FUNCTION purge_disciplinary_case(
    p_case_id integer, warning_months integer, no_warning_months integer, dismissal_months integer
) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, {schema}, pg_temp AS $$
BEGIN
    IF NOT coalesce((SELECT r.due FROM disciplinary_case_retention(
            p_case_id, warning_months, no_warning_months, dismissal_months) r), false) THEN
        RETURN false;
    END IF;
    PERFORM set_config('portal.retention_purge_case', p_case_id::text, true);
{deletes}
    DELETE FROM disciplinary_cases WHERE id = p_case_id;
    PERFORM set_config('portal.retention_purge_case', '', true);
    RETURN true;
END;
$$
"""
BEFORE_0020 = (
    "disciplinary_meetings",
    "disciplinary_packs",
    "disciplinary_evidence",
    "disciplinary_linked_receipts",
    "disciplinary_legal_holds",
)
FROM_0020 = (
    "disciplinary_meetings",
    "disciplinary_hearers",
    "disciplinary_letters",
    "disciplinary_packs",
    "disciplinary_evidence",
    "disciplinary_linked_receipts",
    "disciplinary_legal_holds",
)

# Columns of disciplinary_cases: (name, type and constraint as SQL). Free text is Text,
# empty rather than NULL, as in the rest of the table.
COLUMNS = (
    ("hearing_time", "TIME"),
    ("hearing_place", "TEXT DEFAULT '' NOT NULL"),
    ("hearing_evidence", "TEXT DEFAULT '' NOT NULL"),
    (
        "possible_outcome",
        "VARCHAR(20) CONSTRAINT ck_disciplinary_cases_possible_outcome CHECK "
        "(possible_outcome IS NULL OR possible_outcome IN ('first_written', 'final_written', 'dismissal'))",
    ),
    (
        "hearing_by",
        "VARCHAR(10) CONSTRAINT ck_disciplinary_cases_hearing_by CHECK "
        "(hearing_by IS NULL OR hearing_by IN ('officer', 'panel'))",
    ),
    ("hearing_independence_reason", "TEXT DEFAULT '' NOT NULL"),
    ("improvement_needed", "TEXT DEFAULT '' NOT NULL"),
    ("improvement_by", "DATE"),
    (
        "appeal_by",
        "VARCHAR(10) CONSTRAINT ck_disciplinary_cases_appeal_by CHECK "
        "(appeal_by IS NULL OR appeal_by IN ('officer', 'panel'))",
    ),
    ("appeal_independence_reason", "TEXT DEFAULT '' NOT NULL"),
    ("appeal_companion_kind", "VARCHAR(20) DEFAULT '' NOT NULL"),
    ("appeal_companion_name", "TEXT DEFAULT '' NOT NULL"),
)


def _schema() -> str:
    name = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one()
    return '"' + str(name).replace('"', '""') + '"'


def _purge(tables: tuple[str, ...]) -> str:
    # The names are this migration's own constants, never input.
    deletes = "\n".join(f"    DELETE FROM {table} WHERE case_id = p_case_id;" for table in tables)  # noqa: S608
    return _PURGE.format(schema=_schema(), deletes=deletes)


def upgrade() -> None:
    for name, definition in COLUMNS:
        op.execute(f"ALTER TABLE disciplinary_cases ADD COLUMN {name} {definition}")
    op.create_table(
        "disciplinary_hearers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("sitting", sa.String(length=10), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("sitting IN ('hearing', 'appeal')", name=op.f("ck_disciplinary_hearers_sitting")),
        sa.ForeignKeyConstraint(["case_id"], ["disciplinary_cases.id"], name=op.f("fk_disciplinary_hearers_case_id_disciplinary_cases")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_disciplinary_hearers_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disciplinary_hearers")),
        sa.UniqueConstraint("case_id", "sitting", "person_id", name=op.f("uq_disciplinary_hearers_case_id_sitting_person_id")),
    )
    op.create_index(op.f("ix_disciplinary_hearers_case_id"), "disciplinary_hearers", ["case_id"], unique=False)
    op.create_table(
        "disciplinary_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("seal", sa.String(length=64), nullable=True),
        sa.Column("seal_key_id", sa.String(length=40), nullable=True),
        sa.CheckConstraint("kind IN ('invitation', 'outcome', 'appeal_outcome')", name=op.f("ck_disciplinary_letters_kind")),
        sa.ForeignKeyConstraint(["case_id"], ["disciplinary_cases.id"], name=op.f("fk_disciplinary_letters_case_id_disciplinary_cases")),
        sa.ForeignKeyConstraint(["issued_by_id"], ["people.id"], name=op.f("fk_disciplinary_letters_issued_by_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disciplinary_letters")),
    )
    op.create_index(op.f("ix_disciplinary_letters_case_id"), "disciplinary_letters", ["case_id"], unique=False)
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    # As the evidence packs (migrations 0008, 0014, 0015): never changed, deleted only by
    # the owner's purge of a case that is due.
    op.execute(
        "CREATE TRIGGER disciplinary_letters_no_update_or_delete BEFORE UPDATE OR DELETE ON disciplinary_letters "
        "FOR EACH ROW EXECUTE FUNCTION refuse_change_except_retention_purge()"
    )
    op.execute(
        "CREATE TRIGGER disciplinary_letters_no_truncate BEFORE TRUNCATE ON disciplinary_letters "
        "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only_table()"
    )
    op.execute(_purge(FROM_0020))
    if bind.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": RUNTIME_GROUP}).scalar():
        # 0015's default privileges gave the runtime group ordinary DML on both new tables
        # (what who-heard needs: a hearing re-arranged replaces its hearers); an append-only
        # table takes UPDATE and DELETE back (0015's comment).
        op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON disciplinary_letters FROM {RUNTIME_GROUP}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_purge(BEFORE_0020))
    op.drop_index(op.f("ix_disciplinary_letters_case_id"), table_name="disciplinary_letters")
    op.drop_table("disciplinary_letters")
    op.drop_index(op.f("ix_disciplinary_hearers_case_id"), table_name="disciplinary_hearers")
    op.drop_table("disciplinary_hearers")
    for name, _ in reversed(COLUMNS):
        op.drop_column("disciplinary_cases", name)
