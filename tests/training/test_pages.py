from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.errors import DomainError
from portal.outbox.models import OutboxMessage
from portal.people.models import EngagementType, Role
from portal.training import attempts, programme
from portal.training.models import Attempt, AttemptQuestion, QuizAssignment
from portal.training.programme import TrainingStatus, statuses_for
from tests.factories import make_department, make_person
from tests.training.helpers import answer_all


def _start(client, key="basics"):
    response = client.post(f"/training/quizzes/{key}/start")
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


def test_taking_a_quiz_in_the_browser_flow(client, session, loaded):
    person = make_person(session)
    client.sign_in_as(person)
    assert "Take the quiz: Basics" in client.get("/").get_data(as_text=True)
    question_url = _start(client)
    attempt = session.scalar(select(Attempt))
    for _ in range(12):
        match = re.search(r"/questions/(\d+)$", question_url)
        if not match:
            break
        position = int(match.group(1))
        page = client.get(question_url).get_data(as_text=True)
        assert f"Question {position} of 4" in page
        item = session.scalar(
            select(AttemptQuestion)
            .options(selectinload(AttemptQuestion.question))
            .where(AttemptQuestion.attempt_id == attempt.id, AttemptQuestion.position == position)
        )
        question = item.question
        if question.kind == "scenario":
            current, _ = attempts.scenario_path(question, item.answer or [])
            choice = max(question.content["steps"][current]["choices"], key=lambda c: c["score"])
            keys = [choice["key"]]
        elif question.kind == "multiple":
            keys = [str(o["key"]) for o in question.content["options"] if o["score"] > 0]
        else:
            keys = [str(next(o["key"] for o in question.content["options"] if o["score"] > 0))]
        response = client.post(question_url, {"answer": keys})
        assert response.status_code == 302
        question_url = response.headers["Location"]
        session.expire_all()
    assert question_url.endswith("/review")
    result = client.post(f"/training/attempts/{attempt.id}/submit")
    html = client.get(result.headers["Location"]).get_data(as_text=True)
    assert "You passed" in html and "Feedback on each question" in html
    assert "Use social media in your breaks only." in html  # the cited clause's own text
    assert "Take the quiz: Basics" not in client.get("/").get_data(as_text=True)


def test_an_option_that_was_not_shown_gets_400_and_nothing_is_saved(client, session, loaded):
    client.sign_in_as(make_person(session))
    question_url = _start(client)
    assert client.post(question_url, {"answer": ["not-an-option"]}).status_code == 400
    assert session.scalar(select(func.count()).where(AttemptQuestion.answer.is_not(None))) == 0
    empty = client.post(question_url, {})
    assert "Choose" in empty.get_data(as_text=True)


def test_answering_after_submission_changes_nothing(client, session, loaded):
    person = make_person(session)
    attempt = attempts.start_attempt(session, person, attempts.get_quiz(session, "basics"))
    answer_all(session, person, attempt, right=False)
    attempts.submit(session, person, attempt)
    session.commit()
    before = [(q.position, q.answer) for q in attempt.questions]
    client.sign_in_as(person)
    item = attempt.questions[0]
    response = client.post(f"/training/attempts/{attempt.id}/questions/1", {"answer": item.option_order[:1]})
    assert response.status_code == 302 and response.headers["Location"].endswith("/result")
    session.expire_all()
    after = [
        (q.position, q.answer)
        for q in session.scalars(
            select(AttemptQuestion)
            .where(AttemptQuestion.attempt_id == attempt.id)
            .order_by(AttemptQuestion.position)
        )
    ]
    assert after == before


def test_a_quiz_that_is_not_yours_is_403(client, session, loaded):
    client.sign_in_as(make_person(session))
    assert client.get("/training/quizzes/members").status_code == 403
    assert client.post("/training/quizzes/members/start").status_code == 403
    assert client.post("/training/quizzes/on-request/start").status_code == 403
    assert client.get("/training/quizzes/no-such-quiz").status_code == 404


def test_due_dates_and_the_programme(session, loaded):
    starter = make_person(session, start_date=date(2026, 12, 24))
    councillor = make_person(session, engagement=EngagementType.COUNCILLOR, start_date=date(2026, 12, 24))
    statuses = statuses_for(session, [starter, councillor], today=date(2026, 12, 24))
    [basics] = statuses[starter.id]
    assert (basics.quiz.quiz_key, basics.status, basics.due) == (
        "basics",
        TrainingStatus.TO_DO,
        date(2027, 1, 12),
    )
    assert [s.quiz.quiz_key for s in statuses[councillor.id]] == ["members"]
    later = statuses_for(session, [starter], today=date(2027, 1, 13))[starter.id][0]
    assert later.status == TrainingStatus.OVERDUE


def test_refreshers_fall_due_before_a_pass_expires(session, loaded):
    person = make_person(session)
    attempt = attempts.start_attempt(session, person, attempts.get_quiz(session, "basics"))
    answer_all(session, person, attempt, right=True)
    attempts.submit(session, person, attempt)
    session.commit()
    expires = attempt.submitted_at.date().replace(year=attempt.submitted_at.year + 1)
    assert statuses_for(session, [person])[person.id][0].status == TrainingStatus.PASSED
    soon = statuses_for(session, [person], today=expires.replace(day=1) if expires.day > 20 else expires)[
        person.id
    ][0]
    assert soon.status == TrainingStatus.REFRESHER_DUE
    gone = statuses_for(session, [person], today=expires)[person.id][0]
    assert gone.status == TrainingStatus.OVERDUE


def test_assigning_an_on_request_quiz_and_the_managers_view(client, session, loaded):
    manager = make_person(session, name="Mo Manager", roles={Role.MANAGER})
    member = make_person(session, name="Team Member", manager=manager)
    outsider = make_person(session, name="Not In Team")
    client.sign_in_as(manager)
    refused = client.post(
        "/training/assign", {"person_email": outsider.email, "quiz": "on-request", "reason": "x"}
    )
    assert "only assign training to people in your team" in refused.get_data(as_text=True)
    done = client.post(
        "/training/assign", {"person_email": member.email, "quiz": "on-request", "reason": "Will post"}
    )
    assert done.status_code == 302
    assert session.scalar(select(QuizAssignment.reason)) == "Will post"
    team = client.get("/training/progress").get_data(as_text=True)
    assert "Team Member" in team and "Not In Team" not in team and "Only when asked" in team


def test_the_clerk_overrides_the_limit_from_the_progress_page(client, session, loaded):
    clerk = loaded
    person = make_person(session, email="stuck@council.example")
    quiz = attempts.get_quiz(session, "on-request")
    from portal.training.programme import assign

    assign(session, clerk, person, quiz, "Will post")
    attempt = attempts.start_attempt(session, person, quiz)
    answer_all(session, person, attempt, right=False)
    attempts.submit(session, person, attempt)
    session.commit()
    client.sign_in_as(clerk)
    progress = client.get("/training/progress").get_data(as_text=True)
    assert "Needs the Clerk" in progress and "Allow another attempt" in progress
    response = client.post(
        "/training/overrides",
        {"person_email": person.email, "quiz": "on-request", "reason": "Interrupted by a fire drill"},
    )
    assert response.status_code == 302
    assert attempts.standing(session, person, quiz).allowed == 2


def test_item_analysis_page_and_csv(client, session, loaded):
    department = make_department(session, name="Parks")
    session.commit()
    for number in range(3):
        person = make_person(session, department=department)
        attempt = attempts.start_attempt(session, person, attempts.get_quiz(session, "basics"))
        answer_all(session, person, attempt, right=number != 0)
        attempts.submit(session, person, attempt)
    session.commit()
    client.sign_in_as(loaded)
    html = client.get("/training/analysis").get_data(as_text=True)
    assert "Insufficient data" in html and "Parks" in html and "Mastery by topic" in html
    csv = client.get("/training/analysis.csv")
    assert csv.mimetype == "text/csv"
    text = csv.get_data(as_text=True)
    assert text.startswith("\ufeffquestion,revision,topic")
    assert "T-PRIV-1,1,private-use,single,3," in text


def test_assigning_on_request_keeps_managers_to_their_team_and_emails_the_person(app, session, loaded):
    manager = make_person(session, roles={Role.MANAGER})
    member = make_person(session, email="member@council.example", manager=manager)
    other = make_person(session, email="other@council.example")
    with app.test_request_context():  # the email's link is built from the request
        with pytest.raises(DomainError, match="only assign training to people in your team"):
            programme.assign_on_request(session, manager, other, "on-request", "Will post")
        assignment = programme.assign_on_request(session, manager, member, "on-request", "Will post")
    assert assignment.person_id == member.id
    sent = session.scalars(select(OutboxMessage.to_address).where(OutboxMessage.kind == "quiz_assigned"))
    assert list(sent) == ["member@council.example"]
