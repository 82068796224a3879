"""Every append-only table refuses TRUNCATE on PostgreSQL (migration 0014).

A TRUNCATE fires no row trigger, so before 0014 one statement could empty the issued
authorisations, the decisions on business cases or the frozen disciplinary evidence.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

APPEND_ONLY = [
    "audit_events",
    "acknowledgements",
    "authorisation_issues",
    "authorisation_declines",
    "authorisation_revocations",
    "case_submissions",
    "case_reviews",
    "case_decisions",
    "disciplinary_evidence",
    "disciplinary_packs",
]


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_an_append_only_table_refuses_truncate(database_url, table):
    if not database_url.startswith("postgresql"):
        pytest.skip("the append-only triggers exist on PostgreSQL only")
    engine = create_engine(database_url)
    try:
        # RESTRICT would stop at the first table that others refer to; the trigger must
        # refuse even when the statement asks for everything that depends on it.
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {table} CASCADE"))
    finally:
        engine.dispose()
