"""When an information request must be answered: the statutory clocks.

- Freedom of Information: 20 working days after the day of receipt (FOIA s10(1)), where
  a working day excludes a bank holiday in ANY part of the United Kingdom (s10(6)), not
  only England and Wales. Where the council asks for the clarification it reasonably
  needs, it need not answer until it arrives, and the 20 days run from that day (s1(3)).
- Environmental information: the same 20 working days (EIR reg 5(2)), run again from a
  clarification (reg 9(4)); extended to 40 where the complexity and volume make 20
  impracticable, if the requester is told within the first 20 (reg 7(1), (3)).
- Subject access: one calendar month from receipt, or from when the requester's identity
  is confirmed where it had to be checked; where the next month has no corresponding
  date, its last day (UK GDPR Art. 12(3); the ICO's guidance on the month). Extended by
  two further months for complex or numerous requests, if the requester is told, with
  the reasons, within the first month.
- Complaints and other requests: no statutory clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.clock import CalendarExhausted, add_months, add_uk_working_days, london_date

from .models import InformationRequest

FOI_WORKING_DAYS = 20
EIR_EXTENDED_WORKING_DAYS = 40
SAR_MONTHS = 1
SAR_EXTENDED_MONTHS = 3  # the first month and two more


@dataclass(frozen=True)
class Clock:
    """Where a request's clock stands: its due date, or why none runs (waiting for a
    clarification or an identity check, or no statutory clock)."""

    due: date | None
    paused: str = ""  # why the clock is stopped, in words for the page
    first_due: date | None = None  # the unextended date: an extension must be told by it


def received_on(request: InformationRequest) -> date:
    return london_date(request.received_at)


def clock_of(request: InformationRequest) -> Clock:
    if request.kind in ("foi", "eir"):
        try:
            return _information_clock(request)
        except CalendarExhausted:
            # Never a date counted without bank holidays: the page says why there is none.
            return Clock(
                None, "the bank-holiday calendar ends before the due date: ask the administrator to update it"
            )
    if request.kind == "subject_access":
        return _subject_access_clock(request)
    return Clock(None)


def _information_clock(request: InformationRequest) -> Clock:
    start = received_on(request)
    if request.clarification_asked_on is not None:
        if request.clarification_received_on is None:
            return Clock(None, "waiting for the clarification the council asked for")
        start = request.clarification_received_on
    first = add_uk_working_days(start, FOI_WORKING_DAYS)
    if request.kind == "eir" and request.extended_on is not None:
        return Clock(add_uk_working_days(start, EIR_EXTENDED_WORKING_DAYS), first_due=first)
    return Clock(first, first_due=first)


def _subject_access_clock(request: InformationRequest) -> Clock:
    start = received_on(request)
    if request.identity_requested_on is not None:
        if request.identity_confirmed_on is None:
            return Clock(None, "waiting for the requester's identity to be confirmed")
        start = request.identity_confirmed_on
    first = add_months(start, SAR_MONTHS)
    if request.extended_on is not None:
        return Clock(add_months(start, SAR_EXTENDED_MONTHS), first_due=first)
    return Clock(first, first_due=first)


def can_be_extended(request: InformationRequest) -> bool:
    """Only environmental information (reg 7) and subject access (Art. 12(3)) may be
    extended; an FOI request's public interest extension is not a fixed period and is
    not tracked here."""
    return request.kind in ("eir", "subject_access")
