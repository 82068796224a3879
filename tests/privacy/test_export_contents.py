"""What the subject access export holds beyond the profile and the records they signed: the
audit events they made or that are about them (with their addresses, and nobody else's),
the emails sent to them, every quiz answer, the evidence frozen in the cases about them,
and the whole of a disciplinary hearing and appeal (UK GDPR Art. 15). Other people's data
is withheld or flagged (Data Protection Act 2018, Schedule 2, paragraph 16)."""

from __future__ import annotations

import json
import random
from datetime import date

from sqlalchemy import select

from portal.audit.service import record, set_client_address
from portal.breaches import service as breaches
from portal.breaches.models import BreachEvidence, BreachRecord
from portal.conduct.service import get_case
from portal.outbox.models import OutboxMessage
from portal.outbox.service import Message, queue, queue_to_address
from portal.people.models import EngagementType, Role
from portal.policies.service import get_policy
from portal.privacy.values import ADDRESS_WITHHELD, DETAILS_WITHHELD
from portal.training.attempts import get_quiz, save_answer, start_attempt, submit
from portal.training.sync import sync
from tests.business_cases.helpers import pdf_text
from tests.conduct.helpers import decide, only_case, open_case
from tests.factories import PASSWORD, make_person, make_policy
from tests.helpers import text_of
from tests.training.conftest import TEST_BANK
from tests.training.helpers import answer_all

TODAY = date.today()
THEIR_ADDRESS = "203.0.113.7"
ADMIN_ADDRESS = "198.51.100.9"
STRANGER_ADDRESS = "192.0.2.66"
OFFICER_ADDRESS = "192.0.2.99"


def _export(client, person) -> dict:
    response = client.get(f"/privacy/subject-access/{person.id}.json")
    assert response.status_code == 200
    return json.loads(response.data)


def _mentions(content) -> dict[str, list[str]]:
    return {m["name"]: m["where"] for m in content["third_parties_to_consider_redacting"]}


def _sign_in(client, person, address, password=PASSWORD):
    return client.post(
        "/sign-in", {"email": person.email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


# Audit events ------------------------------------------------------------------------


def test_their_events_carry_their_own_address_and_nobody_elses(app, client, another_client, session, staff):
    client.sign_in_as(staff.hr)
    open_case(client, staff)
    case = only_case(session)
    # They sign in and read their own case (an event encrypted under the case's key).
    assert _sign_in(another_client, staff.subject, THEIR_ADDRESS).status_code == 302
    assert (
        another_client.get(f"/conduct/{case.id}", environ_base={"REMOTE_ADDR": THEIR_ADDRESS}).status_code
        == 200
    )
    # An administrator changes their record, from the administrator's own address.
    with app.app_context():
        set_client_address(ADMIN_ADDRESS)
        record(
            session,
            actor=staff.admin,
            action="people.updated",
            object_type="person",
            object_id=staff.subject.id,
            details={"department": "Events"},
        )
        set_client_address(None)
        session.commit()
    # Someone types a wrong password for their account; the officer signs in.
    stranger = another_client.another_browser()
    assert _sign_in(stranger, staff.subject, STRANGER_ADDRESS, password="not-it").status_code == 200
    assert _sign_in(stranger.another_browser(), staff.officer, OFFICER_ADDRESS).status_code == 302

    content = _export(client, staff.subject)
    events = content["audit_events"]
    by_action = {event["action"]: event for event in events}
    signed_in = by_action["auth.signed_in"]
    assert (signed_in["by"], signed_in["ip_address"]) == ("Sam Subject", THEIR_ADDRESS)
    viewed = by_action["conduct.case_viewed_by_subject"]
    assert (viewed["by"], viewed["ip_address"], viewed["record"]) == (
        "Sam Subject",
        THEIR_ADDRESS,
        "disciplinary_case",
    )
    changed = by_action["people.updated"]
    assert (changed["by"], changed["ip_address"], changed["details"]) == (
        "Ada Admin",
        ADDRESS_WITHHELD,
        {"department": "Events"},
    )
    refused = by_action["auth.sign_in_failed"]
    assert (refused["by"], refused["ip_address"]) == ("nobody signed in", ADDRESS_WITHHELD)
    # What HR did in the case is the case record's, not theirs; nobody else's sign-in is here.
    assert [e["action"] for e in events if e["action"].startswith("conduct.")] == [
        "conduct.case_viewed_by_subject"
    ]
    assert [e["by"] for e in events if e["action"] == "auth.signed_in"] == ["Sam Subject"]
    text = json.dumps(content)
    for address in (ADMIN_ADDRESS, STRANGER_ADDRESS, OFFICER_ADDRESS, "127.0.0.1"):
        assert address not in text
    assert f"audit_events[{events.index(changed)}].by" in _mentions(content)["Ada Admin"]
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)


def test_their_acts_on_someone_elses_case_keep_that_persons_data_back(client, session, staff):
    client.sign_in_as(staff.hr)
    open_case(client, staff, allegation="Shared the Pemberton complaint letter.")
    case = only_case(session)
    _export(client, staff.subject)  # HR's own act on someone else's subject access record
    colleague = make_person(session, name="Hana HR", roles={Role.HR})
    client.sign_in_as(colleague)
    content = _export(client, staff.hr)
    events = content["audit_events"]
    opened = next(e for e in events if e["action"] == "conduct.case_opened")
    assert (opened["by"], opened["ip_address"], opened["details"], opened["record_id"]) == (
        "Harriet HR",
        "127.0.0.1",  # the test client's address: their own request
        DETAILS_WITHHELD,
        None,
    )
    exported = next(e for e in events if e["action"] == "privacy.subject_access_exported")
    assert exported["details"] == DETAILS_WITHHELD
    text = json.dumps(content)
    for theirs in ("Sam Subject", "Pemberton", case.reference, case.audit_reference):
        assert theirs not in text


# Emails ------------------------------------------------------------------------------


def test_the_emails_sent_to_them_are_there_and_nobody_elses(app, client, session, staff):
    with app.app_context():
        queue(
            session, staff.subject, "test", Message("Your training", ["Ivan Investigator runs it on Friday."])
        )
        queue(session, staff.officer, "test", Message("For the officer", ["Only the officer reads this."]))
        queue_to_address(
            session,
            staff.subject.email.upper(),
            "test",
            Message("Welcome", ["Your account is ready."]),
            name="Sam",
        )
        session.commit()
    sent = session.scalar(select(OutboxMessage).where(OutboxMessage.subject == "Your training"))
    sent.status, sent.sent_at = "sent", sent.created_at
    session.commit()
    client.sign_in_as(staff.hr)
    content = _export(client, staff.subject)
    emails = content["emails"]
    assert [(e["subject"], e["status"]) for e in emails] == [("Your training", "sent"), ("Welcome", "queued")]
    assert "Ivan Investigator runs it on Friday." in emails[0]["text"] and emails[0]["sent_at"]
    assert emails[0]["to"] == staff.subject.email and emails[1]["sent_at"] is None
    assert "Only the officer" not in json.dumps(content)
    assert _mentions(content)["Ivan Investigator"] == ["emails[0].text"]


# Quiz answers ------------------------------------------------------------------------

# The test bank's "basics" quiz asks all four of these, in a shuffled order.
CHOSEN = {
    "T-PRIV-1": [["a"]],  # right
    "T-PRIV-2": [["false"]],  # wrong
    "T-CONF-1": [["a", "b"]],  # three of four options judged right
    "T-CONF-2": [["b"], ["a"]],  # a scenario, one choice at a time: the best path
}


def test_every_answer_is_there_with_the_question_and_whether_it_was_right(session, client, staff):
    make_policy(session, clerk=staff.clerk)  # the policy the test bank cites
    sync(session, TEST_BANK)
    session.commit()
    quiz = get_quiz(session, "basics")
    attempt = start_attempt(session, staff.subject, quiz, rng=random.Random(7))
    for item in attempt.questions:
        for keys in CHOSEN[item.question.question_key]:
            save_answer(session, staff.subject, attempt, item.position, keys)
    submit(session, staff.subject, attempt)
    theirs = start_attempt(session, staff.officer, quiz, rng=random.Random(8))
    answer_all(session, staff.officer, theirs, right=False)
    submit(session, staff.officer, theirs)
    session.commit()
    client.sign_in_as(staff.hr)
    content = _export(client, staff.subject)
    (taken,) = content["quiz_attempts"]
    assert (taken["quiz"], taken["attempt"], taken["score_percent"]) == ("Basics", 1, 68.8)
    asked = {q["question"].split(",")[0]: q for q in taken["questions"]}
    assert sorted(q["position"] for q in asked.values()) == [1, 2, 3, 4]
    answers = {key: (q["asked"], q["answers_chosen"], q["result"]) for key, q in asked.items()}
    assert answers["T-PRIV-1"] == (
        "When may you check your own social media at your desk?",
        ["During your break"],
        "right",
    )
    assert answers["T-PRIV-2"][1:] == (["False"], "wrong")
    assert answers["T-CONF-1"][1:] == (["A resident's name", "An IP address"], "partly right (75%)")
    assert answers["T-CONF-2"] == (
        "A caller says they are from the IT contractor.",
        [
            {
                "asked": "They ask for your password. What do you do?",
                "chosen": "Say you will call back on the known number",
            },
            {"asked": "The contractor's real number says nobody called. What now?", "chosen": "Report it"},
        ],
        "right",
    )
    assert asked["T-CONF-2"]["ending"] == "Nothing leaked and the office was warned."
    assert all(q["answered_at"] for q in asked.values())


# Disciplinary and breach records ---------------------------------------------------------


def _appeal_heard(client, staff, case_id):
    assert (
        client.post(f"/conduct/{case_id}/appeal", {"appeal-lodged_on": TODAY.isoformat()}).status_code == 302
    )
    form = {
        "heard_on": TODAY.isoformat(),
        "heard_by": "officer",
        "officer_email": staff.deputy.email,
        "companion_kind": "colleague",
        "companion_name": "Cal Colleague",
        "result": "upheld",
        "outcome": "The warning stands.",
    }
    response = client.post(
        f"/conduct/{case_id}/appeal/hearing", {f"appeal_hearing-{k}": v for k, v in form.items()}
    )
    assert response.status_code == 302


def test_the_case_holds_its_frozen_evidence_the_hearing_companions_and_appeal(
    client, session, staff, sign_as
):
    ack = sign_as(staff.subject, staff.policy)
    client.sign_in_as(staff.hr)
    open_case(client, staff)
    case_id = only_case(session).id
    assert (
        decide(
            client, staff, case_id, "first_written", companion_kind="union_rep", companion_name="Una Union"
        ).status_code
        == 302
    )
    _appeal_heard(client, staff, case_id)
    open_case(client, staff, subject=staff.manager, allegation="Mo's own post about the depot.")
    session.expire_all()
    case = get_case(session, case_id)
    content = _export(client, staff.subject)
    (found,) = content["disciplinary_records"]
    evidence = found["evidence"]
    assert evidence["sha256"] == case.evidence.content_sha256
    assert evidence["content"] == json.loads(case.evidence.content)
    assert evidence["content"]["acknowledgement"]["id"] == ack.id
    assert [
        found[k] for k in ("hearing_on", "hearing_time", "heard_by", "companion_kind", "companion_name")
    ] == [
        TODAY.isoformat(),
        "10:30",
        ["Hugh Hearing"],
        "trade union representative",
        "Una Union",
    ]
    appeal = ("appeal_deadline", "appeal_lodged_on", "appeal_hearing_on", "appeal_heard_by")
    assert [found[k] for k in appeal] == [
        case.appeal_deadline.isoformat(),
        TODAY.isoformat(),
        TODAY.isoformat(),
        ["Dev Deputy"],
    ]
    assert [found[k] for k in ("appeal_companion_kind", "appeal_companion_name", "appeal_result")] == [
        "work colleague",
        "Cal Colleague",
        "The outcome stands",
    ]
    mentions = _mentions(content)
    assert "disciplinary_records[0].heard_by[0]" in mentions["Hugh Hearing"]
    assert "disciplinary_records[0].appeal_heard_by[0]" in mentions["Dev Deputy"]
    assert "depot" not in json.dumps(content)  # the case about someone else


def test_a_breach_record_holds_its_frozen_evidence(app, client, session, staff, sign_as):
    volunteer = make_person(session, name="Val Volunteer", engagement=EngagementType.VOLUNTEER)
    other = make_person(session, name="Vic Volunteer", engagement=EngagementType.VOLUNTEER)
    sign_as(volunteer, staff.policy)
    with app.app_context():
        for subject, words in ((volunteer, "Posted the rota."), (other, "Posted the Larkhill minutes.")):
            breaches.open_record(
                session,
                staff.clerk,
                breaches.Concern(
                    subject=subject,
                    allegation=words,
                    incident_date=TODAY,
                    policy=get_policy(session, staff.policy.slug),
                    sections=["3.2"],
                    handler=staff.hr,
                ),
            )
        session.commit()
    client.sign_in_as(staff.hr)
    content = _export(client, volunteer)
    (found,) = content["breach_records"]
    frozen = session.scalar(
        select(BreachEvidence).join(BreachRecord).where(BreachRecord.subject_id == volunteer.id)
    )
    assert found["evidence"]["sha256"] == frozen.content_sha256
    assert found["evidence"]["content"] == json.loads(frozen.content)
    assert found["evidence"]["content"]["acknowledgement_fact"].startswith("Val Volunteer signed")
    assert "Larkhill" not in json.dumps(content)


# Addresses kept with a signature -------------------------------------------------------


def test_a_signature_recorded_for_them_withholds_the_recorders_address(client, session, staff, sign_as):
    sign_as(staff.subject, staff.policy, ip_address=THEIR_ADDRESS, user_agent="Firefox/140")
    make_policy(session, clerk=staff.clerk, slug="email-rules", title="Email Rules")
    client.sign_in_as(staff.clerk)
    on_behalf = client.post(
        "/policies/email-rules/on-behalf",
        {"person_email": staff.subject.email, "reason": "Signed the printed copy", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": ADMIN_ADDRESS},
    )
    assert on_behalf.status_code == 302
    client.sign_in_as(staff.hr)
    content = _export(client, staff.subject)
    kept = [(a["method"], a["ip_address"], a["browser"]) for a in content["acknowledgements"]]
    assert kept == [("self", THEIR_ADDRESS, "Firefox/140"), ("on_behalf", ADDRESS_WITHHELD, ADDRESS_WITHHELD)]
    assert ADMIN_ADDRESS not in json.dumps(content)


# The page and the PDF --------------------------------------------------------------------


def test_the_page_counts_and_the_pdf_shows_every_new_section(app, client, session, staff, sign_as):
    sign_as(staff.subject, staff.policy)
    make_policy(session, clerk=staff.clerk)
    sync(session, TEST_BANK)
    session.commit()
    attempt = start_attempt(session, staff.subject, get_quiz(session, "basics"), rng=random.Random(7))
    answer_all(session, staff.subject, attempt, right=True)
    submit(session, staff.subject, attempt)
    session.commit()
    with app.app_context():
        queue(session, staff.subject, "test", Message("Your training", ["Hugh Hearing runs it on Friday."]))
        session.commit()
    client.sign_in_as(staff.hr)
    open_case(client, staff)
    decide(
        client,
        staff,
        only_case(session).id,
        "first_written",
        companion_kind="union_rep",
        companion_name="Una Union",
    )
    content = _export(client, staff.subject)
    page = text_of(client.get(f"/privacy/subject-access/{staff.subject.id}").get_data(as_text=True))
    assert "1 quiz attempts, with 4 questions and the answers chosen" in page
    assert "1 frozen evidence sets in those records" in page
    assert f"{len(content['audit_events'])} audit events they made or that are about them" in page
    assert "Your training" in [e["subject"] for e in content["emails"]]
    assert f"{len(content['emails'])} emails sent to them" in page
    response = client.get(f"/privacy/subject-access/{staff.subject.id}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    words = pdf_text(response.data)
    for expected in (
        "Quiz attempts and answers",
        "When may you check your own social media at your desk?",
        "During your break",
        "Emails sent to them",
        "Hugh Hearing runs it on Friday.",
        "Audit events",
        "training.attempt_submitted",
        "Companion name Una Union",
        "Acknowledgement fact Sam Subject signed Social Media Policy",
        "Other people named",
    ):
        assert expected in words, expected


# Queries -----------------------------------------------------------------------------------


def _more_of_everything(app, client, session, staff, n: int) -> None:
    """Another case, email and sign-in for the subject, and a case and events for others."""
    client.sign_in_as(staff.hr)
    open_case(client, staff, allegation=f"Case {n}")
    case_id = only_case(session).id
    client.post(
        f"/conduct/{case_id}/meetings",
        {"meeting-held_on": TODAY.isoformat(), "meeting-title": f"Meeting {n}", "meeting-notes": "Notes."},
    )
    open_case(client, staff, subject=staff.manager, allegation=f"Their case {n}")
    with app.app_context():
        queue(session, staff.subject, "test", Message(f"Message {n}", ["Text."]))
        queue(session, staff.officer, "test", Message(f"Theirs {n}", ["Text."]))
        session.commit()
    _sign_in(client.another_browser(), staff.subject, THEIR_ADDRESS)
    _sign_in(client.another_browser(), staff.officer, OFFICER_ADDRESS)


def test_the_export_costs_the_same_queries_however_much_is_held(
    app, client, session, staff, sign_as, queries
):
    sign_as(staff.subject, staff.policy)
    counts = []
    for n in range(3):
        _more_of_everything(app, client, session, staff, n)
        client.sign_in_as(staff.hr)
        url = f"/privacy/subject-access/{staff.subject.id}.json"
        client.get(url)  # warm up
        queries.reset()
        assert client.get(url).status_code == 200
        counts.append(queries.count)
    assert len(json.loads(client.get(url).data)["disciplinary_records"]) == 3
    assert len(set(counts)) == 1, counts
