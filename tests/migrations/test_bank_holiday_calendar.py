"""Migration 0027: the bank-holiday calendar, seeded with the shipped copy for all three
parts of the UK, and gone again on the way down."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import create_engine, inspect, text

from tests.migrations.test_migrations import _config, fresh_database_url  # noqa: F401 (a fixture)


def _rows(connection, sql: str):
    return [tuple(row) for row in connection.execute(text(sql))]


def test_the_calendar_is_seeded_for_every_part_of_the_uk_and_removed_on_downgrade(fresh_database_url):  # noqa: F811
    config = _config(fresh_database_url)
    engine = create_engine(fresh_database_url)
    command.upgrade(config, "0027")
    with engine.connect() as connection:
        divisions = _rows(
            connection, "SELECT division, covers_until, version FROM bank_holiday_divisions ORDER BY division"
        )
        assert [(d, str(until), v) for d, until, v in divisions] == [
            ("england-and-wales", "2028-12-31", 1),
            ("northern-ireland", "2028-12-31", 1),
            ("scotland", "2028-12-31", 1),
        ]
        counts = _rows(
            connection, "SELECT division, COUNT(*) FROM bank_holidays GROUP BY division ORDER BY division"
        )
        assert counts == [("england-and-wales", 140), ("northern-ireland", 174), ("scotland", 157)]
        # St Andrew's Day 2026 in Scotland alone; St Patrick's Day 2026 in Northern Ireland alone.
        for day, division in ((date(2026, 11, 30), "scotland"), (date(2026, 3, 17), "northern-ireland")):
            found = _rows(connection, f"SELECT division FROM bank_holidays WHERE day = '{day.isoformat()}'")
            assert found == [(division,)]
        source = connection.execute(text("SELECT DISTINCT source FROM bank_holiday_divisions")).scalar()
        assert source.startswith("govuk-bank-holidays ")
    command.downgrade(config, "0026")
    tables = set(inspect(engine).get_table_names())
    assert not tables & {"bank_holidays", "bank_holiday_divisions"}
    command.upgrade(config, "0027")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM bank_holidays")).scalar() == 471
    engine.dispose()


def test_a_holiday_belongs_to_a_known_division_and_is_listed_once(fresh_database_url):  # noqa: F811
    config = _config(fresh_database_url)
    engine = create_engine(fresh_database_url)
    command.upgrade(config, "0027")
    for statement in (
        "INSERT INTO bank_holidays (division, day, title, notes) VALUES ('wales', '2026-03-02', 'St David', '')",
        "INSERT INTO bank_holidays (division, day, title, notes) VALUES ('scotland', '2026-11-30', 'Again', '')",
        "INSERT INTO bank_holiday_divisions (division, covers_until, source, loaded_at, version) "
        "VALUES ('wales', '2028-12-31', 'x', '2026-01-01 00:00:00', 1)",
    ):
        try:
            with engine.begin() as connection:
                if engine.dialect.name == "sqlite":
                    connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.execute(text(statement))
        except Exception as error:  # noqa: BLE001 (any integrity error will do)
            assert "constraint" in str(error).lower() or "violates" in str(error).lower(), error
        else:
            raise AssertionError(f"accepted: {statement}")
    engine.dispose()
