"""How values are written in a subject access export, the same in every section: dates in
ISO 8601, and one wording for what is held but withheld because it is someone else's
personal data (Data Protection Act 2018, Schedule 2, paragraph 16)."""

from __future__ import annotations

from datetime import date, datetime

# An address or browser is the personal data of whoever made the request (it is sealed
# under their key: portal.audit.personal), so it is given only for the person's own acts.
ADDRESS_WITHHELD = "withheld: recorded for a request made by someone else"
# The details of an act on another person's record belong to that person.
DETAILS_WITHHELD = "withheld: another person's personal data (DPA 2018 Sch. 2 para. 16)"


def iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value.isoformat()
