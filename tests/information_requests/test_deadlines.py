"""The statutory clocks, on real dates that include bank holidays of only one part of the
UK: FOIA s10(6) counts a bank holiday anywhere in the UK out of the 20 working days."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from portal.clock import LONDON
from portal.information_requests.deadlines import clock_of
from portal.information_requests.models import InformationRequest


def _request(kind: str, received: date, **fields) -> InformationRequest:
    return InformationRequest(
        kind=kind, received_at=datetime.combine(received, time(9, 30), tzinfo=LONDON), **fields
    )


@pytest.mark.parametrize("kind", ["foi", "eir"])
def test_twenty_working_days_skip_a_northern_ireland_only_bank_holiday(kind):
    """Received Wednesday 10 March 2027: St Patrick's Day (Wednesday 17 March, Northern
    Ireland only) does not count, nor do Good Friday and Easter Monday: due Monday 12 April,
    where England and Wales days alone would give Friday 9 April."""
    assert clock_of(_request(kind, date(2027, 3, 10))).due == date(2027, 4, 12)


def test_twenty_working_days_skip_a_scotland_only_bank_holiday():
    """Received Monday 23 November 2026: St Andrew's Day (Monday 30 November, Scotland
    only) does not count: due Tuesday 22 December, not Monday 21."""
    assert clock_of(_request("foi", date(2026, 11, 23))).due == date(2026, 12, 22)


def test_a_received_time_late_in_the_evening_is_that_london_day():
    late = InformationRequest(kind="foi", received_at=datetime(2026, 11, 23, 23, 30, tzinfo=LONDON))
    assert clock_of(late).due == date(2026, 12, 22)


def test_a_clarification_stops_the_clock_and_the_days_run_again_from_its_arrival():
    waiting = _request("foi", date(2027, 3, 10), clarification_asked_on=date(2027, 3, 12))
    assert clock_of(waiting).due is None and "clarification" in clock_of(waiting).paused
    arrived = _request(
        "foi",
        date(2027, 3, 10),
        clarification_asked_on=date(2027, 3, 12),
        clarification_received_on=date(2027, 4, 1),
    )
    assert clock_of(arrived).due == date(2027, 4, 29)


def test_environmental_information_may_run_to_forty_working_days():
    extended = _request("eir", date(2027, 3, 10), extended_on=date(2027, 3, 20))
    clock = clock_of(extended)
    assert clock.first_due == date(2027, 4, 12) and clock.due == date(2027, 5, 11)


@pytest.mark.parametrize(
    ("received", "due", "extended"),
    [
        (date(2027, 1, 31), date(2027, 2, 28), date(2027, 4, 30)),  # no 31 February: its last day
        (date(2028, 1, 31), date(2028, 2, 29), date(2028, 4, 30)),  # a leap year
        (date(2026, 11, 30), date(2026, 12, 30), date(2027, 2, 28)),  # holidays do not matter
    ],
)
def test_subject_access_is_one_calendar_month_or_three_when_extended(received, due, extended):
    assert clock_of(_request("subject_access", received)).due == due
    assert clock_of(_request("subject_access", received, extended_on=received)).due == extended


def test_subject_access_runs_from_the_identity_check_where_one_was_needed():
    asked = _request("subject_access", date(2027, 1, 4), identity_requested_on=date(2027, 1, 5))
    assert clock_of(asked).due is None and "identity" in clock_of(asked).paused
    confirmed = _request(
        "subject_access",
        date(2027, 1, 4),
        identity_requested_on=date(2027, 1, 5),
        identity_confirmed_on=date(2027, 1, 15),
    )
    assert clock_of(confirmed).due == date(2027, 2, 15)


@pytest.mark.parametrize("kind", ["complaint", "other"])
def test_complaints_and_other_requests_have_no_statutory_clock(kind):
    assert clock_of(_request(kind, date(2027, 1, 4))).due is None


def test_a_due_date_past_the_end_of_the_bank_holiday_calendar_is_never_guessed():
    """The calendar shipped ends with 2028: a request received on 20 December 2028 has no
    due date until the calendar is updated, and the page says so."""
    clock = clock_of(_request("foi", date(2028, 12, 20)))
    assert clock.due is None and "bank-holiday calendar ends" in clock.paused
