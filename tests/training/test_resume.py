"""Carrying on with a quiz, and starting it twice at once: one attempt, no error."""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select

from portal.training import attempts
from portal.training.models import Attempt
from tests.factories import make_person
from tests.training.helpers import answer_all


def _attempt_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Attempt))


def test_carry_on_with_the_quiz_resumes_the_attempt(client, session, loaded):
    person = make_person(session)
    client.sign_in_as(person)
    first = client.post("/training/quizzes/basics/start")
    assert first.status_code == 302
    page = client.get("/training/quizzes/basics").get_data(as_text=True)
    assert "Carry on with the quiz" in page
    again = client.post("/training/quizzes/basics/start")
    assert again.status_code == 302, again.status_code
    assert again.headers["Location"] == first.headers["Location"]
    assert _attempt_count(session) == 1


def test_the_attempts_listed_on_the_quiz_page_link_to_them(client, session, loaded):
    person = make_person(session)
    client.sign_in_as(person)
    client.post("/training/quizzes/basics/start")
    attempt = session.scalar(select(Attempt))
    page = client.get("/training/quizzes/basics").get_data(as_text=True)
    assert f'href="/training/attempts/{attempt.id}/review"' in page
    answer_all(session, person, attempts.get_attempt(session, attempt.id, person), right=True)
    assert client.post(f"/training/attempts/{attempt.id}/submit").status_code == 302
    page = client.get("/training/quizzes/basics").get_data(as_text=True)
    assert f'href="/training/attempts/{attempt.id}/result"' in page


def test_two_starts_at_once_give_one_attempt_and_no_error(db, session, loaded):
    person_id = make_person(session).id
    session.commit()
    first = db.session_factory()
    owner = first.get(attempts.Person, person_id)
    first.refresh(owner, attribute_names=["role_grants"])
    started = attempts.start_attempt(first, owner, attempts.get_quiz(first, "basics"))
    outcome: dict[str, object] = {}

    def second_start() -> None:
        try:
            with db.session_scope() as own:
                person = own.get(attempts.Person, person_id)
                own.refresh(person, attribute_names=["role_grants"])
                attempt = attempts.start_attempt(own, person, attempts.get_quiz(own, "basics"))
                outcome["id"] = attempt.id
                outcome["questions"] = len(attempt.questions)  # ready for the question page
        except BaseException as error:  # noqa: BLE001 - reported below
            outcome["error"] = error

    # The second start arrives while the first is still being saved.
    thread = threading.Thread(target=second_start)
    thread.start()
    time.sleep(0.5)
    first.commit()
    first.close()
    thread.join(timeout=30)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["id"] == started.id
    assert outcome["questions"] == len(started.questions)
    assert _attempt_count(session) == 1
