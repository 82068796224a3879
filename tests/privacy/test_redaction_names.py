"""Third parties named in a subject access export are found by whole name, in one pass
over the export however many people the council has."""

from __future__ import annotations

from portal.privacy.redaction import third_party_mentions
from tests.factories import make_person


def test_whole_names_are_found_in_any_case_and_parts_of_words_are_not(session):
    subject = make_person(session, name="Sam Subject")
    for name in ("Ann Lee", "Bob", "O'Brien Kelly", "Zed"):
        make_person(session, name=name)
    content = {
        "profile": {"note": "Bob"},  # their own details are theirs, not a third party's
        "cases": [
            {"allegation": "ANN LEE said that Bobby and Anna Lee were there."},
            {"notes": "Bob agreed; Ann Lee and Bob again."},
            {"outcome": "Seen by o'brien kelly."},
        ],
    }
    mentions = {m.name: m.where for m in third_party_mentions(session, subject, content)}
    assert mentions == {
        "Ann Lee": ["cases[0].allegation", "cases[1].notes"],
        "Bob": ["cases[1].notes"],
        "O'Brien Kelly": ["cases[2].outcome"],
    }
