from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from portal.audit.service import verify_chain
from portal.errors import DomainError
from portal.people.models import EngagementType, Role
from portal.training import attempts
from portal.training.models import Attempt, AttemptOverride, Completion
from tests.factories import make_person
from tests.training.helpers import answer_all


def _quiz(session, key="basics"):
    return attempts.get_quiz(session, key)


def test_questions_are_drawn_per_topic_and_kept_with_the_attempt(session, loaded, rng):
    person = make_person(session)
    attempt = attempts.start_attempt(session, person, _quiz(session), rng=rng)
    session.commit()
    topics = sorted(item.question.topic for item in attempt.questions)
    assert topics == ["confidentiality", "confidentiality", "private-use", "private-use"]
    # Never a question meant for another audience.
    assert "T-CONF-3" not in {item.question.question_key for item in attempt.questions}
    assert all(item.option_order for item in attempt.questions)
    again = attempts.start_attempt(session, person, _quiz(session), rng=rng)
    assert again.id == attempt.id  # an unfinished attempt is resumed, not replaced


def test_passing_scores_on_the_server_and_records_a_completion(session, loaded, rng):
    person = make_person(session)
    attempt = attempts.start_attempt(session, person, _quiz(session), rng=rng)
    answer_all(session, person, attempt, right=True)
    with time_machine.travel(datetime(2026, 11, 21, 12, tzinfo=UTC), tick=False):
        attempts.submit(session, person, attempt)
    session.commit()
    assert (attempt.status, attempt.score_percent, attempt.passed) == ("submitted", 100.0, True)
    completion = session.scalar(select(Completion))
    assert completion.expires_on.isoformat() == "2027-11-21"
    assert verify_chain(session).ok


def test_marks_for_each_kind_of_question(session, loaded):
    by_key = {q.question_key: q for q in session.scalars(select(attempts.QuestionVersion))}
    assert attempts.mark(by_key["T-PRIV-1"], ["a"]) == 1.0
    assert attempts.mark(by_key["T-PRIV-1"], ["b"]) == 0.0
    assert attempts.mark(by_key["T-PRIV-2"], ["true"]) == 1.0
    assert attempts.mark(by_key["T-CONF-1"], ["a", "b", "d"]) == 1.0
    assert attempts.mark(by_key["T-CONF-1"], ["a", "b"]) == 0.75  # d missed: 3 of 4 judged right
    assert attempts.mark(by_key["T-CONF-1"], ["a", "c"]) == 0.25  # only a judged right
    assert attempts.mark(by_key["T-CONF-2"], ["b", "a"]) == 1.0
    assert attempts.mark(by_key["T-CONF-2"], ["b", "b"]) == 0.5
    assert attempts.mark(by_key["T-CONF-2"], ["a"]) == 0.0


def test_a_fail_offers_a_remedial_retake_on_the_failed_topics_after_the_cooldown(session, loaded, rng):
    person = make_person(session)
    start = datetime(2026, 11, 23, 9, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        first = attempts.start_attempt(session, person, _quiz(session), rng=rng)
        for item in first.questions:  # private use right, confidentiality wrong
            right = item.question.topic == "private-use"
            if item.question.kind == "scenario":
                attempts.save_answer(session, person, first, item.position, ["a"])
            else:
                option = next(o for o in item.question.content["options"] if (o["score"] > 0) == right)
                attempts.save_answer(session, person, first, item.position, [str(option["key"])])
        attempts.submit(session, person, first)
        session.commit()
        assert first.passed is False
        with pytest.raises(DomainError, match="You can try again from"):
            attempts.start_attempt(session, person, _quiz(session), rng=rng)
        clock.shift(timedelta(hours=2, minutes=1))
        retake = attempts.start_attempt(session, person, _quiz(session), rng=rng)
    assert retake.remedial_topics == ["confidentiality"]
    assert {item.question.topic for item in retake.questions} == {"confidentiality"}


def test_the_attempt_limit_and_the_clerks_override(session, loaded, rng):
    clerk = loaded
    person = make_person(session)
    with time_machine.travel(datetime(2026, 11, 23, 9, tzinfo=UTC), tick=False) as clock:
        for _ in range(2):
            attempt = attempts.start_attempt(session, person, _quiz(session), rng=rng)
            answer_all(session, person, attempt, right=False)
            attempts.submit(session, person, attempt)
            session.commit()
            clock.shift(timedelta(hours=3))
        with pytest.raises(DomainError, match="You have used all 2 attempts"):
            attempts.start_attempt(session, person, _quiz(session), rng=rng)
        with pytest.raises(DomainError, match="Write the reason"):
            attempts.grant_extra_attempt(session, clerk, person, _quiz(session), "  ")
        attempts.grant_extra_attempt(session, clerk, person, _quiz(session), "Was unwell on the day")
        session.commit()
        third = attempts.start_attempt(session, person, _quiz(session), rng=rng)
    assert third.number == 3
    override = session.scalar(select(AttemptOverride))
    assert (override.reason, override.granted_by_id) == ("Was unwell on the day", clerk.id)


def test_answers_must_be_options_that_were_shown(session, loaded, rng):
    person = make_person(session)
    attempt = attempts.start_attempt(session, person, _quiz(session), rng=rng)
    item = attempt.questions[0]
    with pytest.raises(attempts.InvalidAnswer):
        attempts.save_answer(session, person, attempt, item.position, ["zz"])
    assert item.answer is None


def test_nothing_changes_after_submission_and_a_second_submit_shows_the_same_result(session, loaded, rng):
    person = make_person(session)
    attempt = attempts.start_attempt(session, person, _quiz(session), rng=rng)
    answer_all(session, person, attempt, right=True)
    attempts.submit(session, person, attempt)
    session.commit()
    first = (attempt.score_percent, attempt.submitted_at)
    again = attempts.submit(session, person, attempt)
    assert (again.score_percent, again.submitted_at) == first
    with pytest.raises(DomainError, match="can no longer change"):
        attempts.save_answer(session, person, attempt, 1, list(attempt.questions[0].option_order[:1]))
    assert session.scalar(select(func.count()).select_from(Completion)) == 1


def test_a_quiz_not_open_to_you_cannot_be_started(session, loaded, rng):
    staff = make_person(session)
    councillor = make_person(session, engagement=EngagementType.COUNCILLOR)
    with pytest.raises(attempts.NotOpen):
        attempts.start_attempt(session, staff, _quiz(session, "members"), rng=rng)
    with pytest.raises(attempts.NotOpen):
        attempts.start_attempt(session, councillor, _quiz(session, "basics"), rng=rng)
    with pytest.raises(attempts.NotOpen):
        attempts.start_attempt(session, staff, _quiz(session, "on-request"), rng=rng)
    attempt = attempts.start_attempt(session, councillor, _quiz(session, "members"), rng=rng)
    assert [item.question.question_key for item in attempt.questions] == ["T-CONF-3"]


def test_submissions_at_the_same_time_are_each_recorded_once(db, session, loaded):
    """A small version of the 200-submission benchmark: nothing lost, nothing doubled."""
    people = [make_person(session) for _ in range(6)]
    started = []
    for person in people:
        attempt = attempts.start_attempt(session, person, _quiz(session))
        answer_all(session, person, attempt, right=True)
        started.append((person.id, attempt.id))
    session.commit()
    errors: list[BaseException] = []

    def submit(person_id: int, attempt_id: int) -> None:
        try:
            with db.session_scope() as own:
                person = own.get(attempts.Person, person_id)
                own.refresh(person, attribute_names=["role_grants"])
                attempts.submit(own, person, attempts.get_attempt(own, attempt_id, person))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=submit, args=pair) for pair in started for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Completion)) == len(people)
    assert session.scalar(select(func.count()).where(Attempt.status == "submitted")) == len(people)
    assert verify_chain(session).ok
    assert (
        session.scalar(select(func.count()).where(attempts.AuditEvent.action == "training.attempt_submitted"))
        == 6
    )


def test_a_manager_cannot_take_someone_elses_attempt(client, session, loaded, rng):
    owner = make_person(session)
    attempt = attempts.start_attempt(session, owner, _quiz(session), rng=rng)
    session.commit()
    other = make_person(session, roles={Role.MANAGER})
    client.sign_in_as(other)
    assert client.get(f"/training/attempts/{attempt.id}/questions/1").status_code == 404
    assert client.post(f"/training/attempts/{attempt.id}/submit").status_code == 404
