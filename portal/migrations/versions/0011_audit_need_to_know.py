"""audit need to know

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22
"""

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _audit_reference() -> str:
    # The same shape as portal.audit.need_to_know.new_audit_reference: random, never all
    # digits, so it can never be mistaken for a database id. Migrations do not import the app.
    while True:
        token = secrets.token_hex(8)
        if not token.isdigit():
            return token


def upgrade() -> None:
    # Plain ADD COLUMN rather than batch mode: rebuilding the table on SQLite would trip
    # the foreign keys of the rows that point at it (as in 0008).
    op.add_column("disciplinary_cases", sa.Column("audit_reference", sa.String(length=32), nullable=True))
    bind = op.get_bind()
    cases = sa.table(
        "disciplinary_cases",
        sa.column("id", sa.Integer()),
        sa.column("audit_reference", sa.String()),
        sa.column("legal_hold_reason", sa.Text()),
        sa.column("legal_hold_since", sa.DateTime()),
    )
    existing = bind.execute(sa.select(cases.c.id, cases.c.legal_hold_reason, cases.c.legal_hold_since)).all()
    for case_id, _, _ in existing:
        bind.execute(cases.update().where(cases.c.id == case_id).values(audit_reference=_audit_reference()))
    op.create_index(
        op.f("ix_disciplinary_cases_audit_reference"), "disciplinary_cases", ["audit_reference"], unique=True
    )

    holds = op.create_table(
        "disciplinary_legal_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("placed_at", sa.DateTime(), nullable=False),
        sa.Column("placed_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("lifted_at", sa.DateTime(), nullable=True),
        sa.Column("lifted_by_id", sa.Integer(), nullable=True),
        sa.Column("lift_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["disciplinary_cases.id"],
            name=op.f("fk_disciplinary_legal_holds_case_id_disciplinary_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["lifted_by_id"], ["people.id"], name=op.f("fk_disciplinary_legal_holds_lifted_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["placed_by_id"], ["people.id"], name=op.f("fk_disciplinary_legal_holds_placed_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disciplinary_legal_holds")),
    )
    with op.batch_alter_table("disciplinary_legal_holds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disciplinary_legal_holds_case_id"), ["case_id"], unique=False)
    # A hold placed before this revision had its reason only on the case (and in the
    # audit trail): carry it over, so that lifting it later finds it. Who placed it is
    # in the audit trail, not here.
    held = [
        {
            "case_id": case_id,
            "placed_at": since,
            "placed_by_id": None,
            "reason": reason or "",
            "lifted_at": None,
            "lifted_by_id": None,
            "lift_reason": "",
        }
        for case_id, reason, since in existing
        if since is not None
    ]
    if held:
        bind.execute(holds.insert(), held)

    op.create_table(
        "subject_access_references",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("audit_reference", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_subject_access_references_person_id_people")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_subject_access_references")),
        sa.UniqueConstraint("audit_reference", name=op.f("uq_subject_access_references_audit_reference")),
    )
    # Exports recorded before this revision are filed under the person's id: give each of
    # those people a reference, so that their old events get one too.
    events = sa.table(
        "audit_events",
        sa.column("action", sa.String()),
        sa.column("object_type", sa.String()),
        sa.column("object_id", sa.String()),
    )
    people = sa.table("people", sa.column("id", sa.Integer()))
    exported = {
        int(value)
        for (value,) in bind.execute(
            sa.select(events.c.object_id)
            .where(events.c.action == "privacy.subject_access_exported", events.c.object_type == "person")
            .distinct()
        )
        if value and value.isdigit()
    }
    known = {person_id for (person_id,) in bind.execute(sa.select(people.c.id))} & exported
    if known:
        now = datetime.now(UTC).replace(tzinfo=None)
        references = sa.table(
            "subject_access_references",
            sa.column("person_id", sa.Integer()),
            sa.column("audit_reference", sa.String()),
            sa.column("created_at", sa.DateTime()),
        )
        bind.execute(
            references.insert(),
            [
                {"person_id": p, "audit_reference": _audit_reference(), "created_at": now}
                for p in sorted(known)
            ],
        )


def downgrade() -> None:
    op.drop_table("subject_access_references")

    with op.batch_alter_table("disciplinary_legal_holds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disciplinary_legal_holds_case_id"))
    op.drop_table("disciplinary_legal_holds")

    op.drop_index(op.f("ix_disciplinary_cases_audit_reference"), table_name="disciplinary_cases")
    op.drop_column("disciplinary_cases", "audit_reference")
