"""`flask calendar update FILE`: a newer GOV.UK copy, checked whole, loaded whole, audited."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.bank_holidays import service
from portal.clock import CalendarExhausted, add_uk_working_days, add_working_days, is_uk_working_day
from portal.clock.models import BankHoliday, BankHolidayDivision
from tests.bank_holidays.files import shipped_document, with_2029, write

EVENT = "calendar.bank_holidays_loaded"


def _update(app, path):
    return app.test_cli_runner().invoke(args=["calendar", "update", str(path)])


def _state(session):
    """Everything a load could change, to show that a refused one changed nothing."""
    divisions = sorted(
        (row.division, row.covers_until, row.source, row.version)
        for row in session.scalars(select(BankHolidayDivision))
    )
    holidays = sorted(session.execute(select(BankHoliday.division, BankHoliday.day, BankHoliday.title)).all())
    events = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == EVENT))
    session.commit()
    return divisions, holidays, events


def test_a_newer_file_extends_every_division_and_is_counted_with_at_once(app, session, tmp_path):
    with app.app_context():  # this process has just looked: it would not look again for a minute
        assert add_working_days(date(2028, 12, 28), 1) == date(2028, 12, 29)
    result = _update(app, write(tmp_path, with_2029()))
    assert result.exit_code == 0, result.output
    assert "version 2" in result.output
    assert "Scotland: 166 bank holidays, up to 31 December 2029" in result.output
    assert "27 bank holiday(s) added, 0 removed" in result.output
    rows = {row.division: row for row in session.scalars(select(BankHolidayDivision))}
    assert {d: (r.covers_until, r.version, r.source) for d, r in rows.items()} == {
        d: (date(2029, 12, 31), 2, "bank-holidays.json")
        for d in ("england-and-wales", "scotland", "northern-ireland")
    }
    session.commit()
    with app.app_context():  # this process sees it at once, without waiting for its next look
        assert add_uk_working_days(date(2029, 11, 29), 1) == date(2029, 12, 3)  # St Andrew's Day on the 30th
        with pytest.raises(CalendarExhausted, match="ends on 31 December 2029"):
            add_working_days(date(2029, 12, 28), 2)
    with app.test_request_context():
        # 2029 counts, with its holidays: 1 January everywhere, 2 January in Scotland.
        assert add_working_days(date(2028, 12, 29), 1) == date(2029, 1, 2)
        assert add_uk_working_days(date(2028, 12, 29), 1) == date(2029, 1, 3)
        assert not is_uk_working_day(date(2029, 3, 19))  # St Patrick's Day, substitute Monday


def test_the_load_is_audited_once_with_counts_and_nothing_personal(app, session, tmp_path):
    assert _update(app, write(tmp_path, with_2029())).exit_code == 0
    (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == EVENT))
    details = json.loads(event.details)
    assert (event.actor_id, event.object_type, event.object_id) == (None, "bank_holiday_calendar", "2")
    assert details["holidays"] == {"england-and-wales": 148, "scotland": 166, "northern-ireland": 184}
    assert details["covers_until"]["northern-ireland"] == "2029-12-31"
    assert (details["added"], details["removed"], details["source"]) == (27, 0, "bank-holidays.json")
    assert len(details["sha256"]) == 64
    assert set(details) == {"source", "sha256", "holidays", "covers_until", "added", "removed"}


def test_a_file_without_the_old_years_keeps_them(app, session, tmp_path):
    """GOV.UK's live file starts a few years back; what it no longer lists is kept."""
    assert _update(app, write(tmp_path, with_2029(since=2024))).exit_code == 0
    kept = session.scalar(
        select(func.count()).where(BankHoliday.division == "scotland", BankHoliday.day < date(2024, 1, 1))
    )
    # Scotland's 2012 to 2023, as shipped: 12 years of 9, and 4 one-off holidays (two
    # jubilees, a state funeral and a coronation).
    assert kept == 112
    assert session.scalar(select(func.count()).where(BankHoliday.division == "scotland")) == 166


def test_a_moved_holiday_replaces_the_one_held(app, session, tmp_path):
    document = with_2029(since=2026)
    for event in document["england-and-wales"]["events"]:
        if event["date"] == "2027-05-31":  # the Spring bank holiday, moved a week as in 2022
            event["date"] = "2027-06-07"
    result = _update(app, write(tmp_path, document))
    assert "28 bank holiday(s) added, 1 removed" in result.output
    with app.app_context():
        assert add_working_days(date(2027, 5, 28), 1) == date(2027, 5, 31)
        assert add_working_days(date(2027, 6, 4), 1) == date(2027, 6, 8)


def _broken(change):
    document = with_2029()
    change(document)
    return document


def _event(document, division, date_text):
    return next(e for e in document[division]["events"] if e["date"] == date_text)


BAD_FILES = {
    "not JSON": ("{'england-and-wales': ", "it is not JSON"),
    "a list": ("[]", "not a JSON object"),
    "no Scotland": (_broken(lambda d: d.pop("scotland")), "no entry 'scotland'"),
    "no events": (
        _broken(lambda d: d["northern-ireland"].pop("events")),
        "Northern Ireland has no list of events",
    ),
    "empty events": (_broken(lambda d: d["scotland"].update(events=[])), "Scotland lists no bank holidays"),
    "wrong division": (
        _broken(lambda d: d["scotland"].update(division="england-and-wales")),
        "the entry for Scotland names its division 'england-and-wales'",
    ),
    "impossible date": (
        _broken(lambda d: _event(d, "scotland", "2029-11-30").update(date="2029-11-31")),
        "has the date '2029-11-31', not a real date",
    ),
    "date in another format": (
        _broken(lambda d: _event(d, "england-and-wales", "2029-12-26").update(date="26/12/2029")),
        "has the date '26/12/2029'",
    ),
    "no title": (
        _broken(lambda d: _event(d, "northern-ireland", "2029-07-12").pop("title")),
        "Northern Ireland, event 181 has no title",
    ),
    "a date twice": (
        _broken(
            lambda d: d["northern-ireland"]["events"].append(
                dict(_event(d, "northern-ireland", "2029-07-12"))
            )
        ),
        "Northern Ireland lists 12 July 2029 twice",
    ),
    "shorter than held": (
        _broken(
            lambda d: d["scotland"].update(
                events=[e for e in d["scotland"]["events"] if e["date"] < "2028-06-01"]
            )
        ),
        "Scotland would end on 29 May 2028, before the 31 December 2028 already held",
    ),
    "a gap after what is held": (
        _broken(
            lambda d: d["england-and-wales"].update(
                events=[e for e in d["england-and-wales"]["events"] if e["date"] >= "2029-03-01"]
            )
        ),
        "England and Wales starts on 30 March 2029, leaving a gap after the 31 December 2028 already held",
    ),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_a_bad_file_is_refused_with_its_reason_and_changes_nothing(app, session, tmp_path, name):
    document, reason = BAD_FILES[name]
    before = _state(session)
    result = _update(app, write(tmp_path, copy.deepcopy(document)))
    assert result.exit_code == 1, result.output
    assert reason in result.output
    assert "nothing was changed" in result.output
    assert _state(session) == before
    with app.app_context(), pytest.raises(CalendarExhausted):
        add_working_days(date(2028, 12, 29), 1)


def test_one_bad_division_stops_the_good_ones_too(app, session, tmp_path):
    document = with_2029()
    _event(document, "northern-ireland", "2029-12-26")["date"] = "2029-12-32"
    before = _state(session)
    assert _update(app, write(tmp_path, document)).exit_code == 1
    assert _state(session) == before  # England and Wales and Scotland still end in 2028


def test_a_failure_while_writing_undoes_the_whole_load(app, session, tmp_path, monkeypatch):
    def failing_record(*_args, **_kwargs):
        raise RuntimeError("the audit could not be written")

    before = _state(session)
    monkeypatch.setattr(service, "record", failing_record)
    result = _update(app, write(tmp_path, with_2029()))
    assert result.exit_code != 0
    assert _state(session) == before


def test_a_file_that_is_far_too_large_is_not_read(app, session, tmp_path):
    path = write(tmp_path, json.dumps(shipped_document()) + " " * (3 * 1024 * 1024))
    result = _update(app, path)
    assert result.exit_code == 1 and "not a bank-holidays file" in result.output


def test_show_says_how_far_each_part_of_the_uk_goes(app):
    result = app.test_cli_runner().invoke(args=["calendar", "show"])
    assert result.exit_code == 0, result.output
    assert "Scotland: 157 bank holidays, up to 31 December 2028" in result.output
    assert "govuk-bank-holidays" in result.output
