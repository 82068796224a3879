"""How questions and feedback read: the question in the heading, feedback without echoes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from portal.training import attempts
from portal.training.feedback import question_parts
from portal.training.sync import sync
from tests.factories import make_clerk, make_person, make_policy
from tests.helpers import text_of
from tests.training.helpers import answer_all


def _rewrite(folder: Path, *changes: tuple[str, str]) -> None:
    file = folder / "questions" / "basics.yaml"
    text = file.read_text()
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    file.write_text(text)


@pytest.fixture
def worded(session, bank_folder):
    """The test bank as the real one is written: option texts are whole sentences, and the
    feedback on a right answer begins "Right."."""
    _rewrite(
        bank_folder,
        (
            "stem: When may you check your own social media at your desk?",
            'stem: "Jo works at the front desk.\\n\\nWhen may Jo check her own social media there?"',
        ),
        (
            "{key: a, text: During your break, score: 1, feedback: Right.}",
            "{key: a, text: During your break., score: 1, feedback: Right. Breaks are for that.}",
        ),
        ("{key: a, text: Give it, score: 0,", "{key: a, text: Give them the login name., score: 0,"),
        (
            "{key: b, text: Say you will call back on the known number, score: 1, feedback: Good.,",
            "{key: b, text: Say you will call back., score: 1, feedback: Right. Check first.,",
        ),
        (
            "{key: a, text: Report it, score: 1, feedback: Right., ending: safe}",
            "{key: a, text: Report it., score: 1, feedback: Right., ending: safe}",
        ),
    )
    clerk = make_clerk(session)
    make_policy(session, clerk=clerk)
    sync(session, bank_folder)
    session.commit()
    return clerk


def test_a_stem_splits_into_the_situation_and_what_is_asked():
    two = question_parts("Jade works in the office.\nIt is quiet.\n\nWhich of these is allowed?\n")
    assert (two.situation, two.asked) == (
        "Jade works in the office.\nIt is quiet.",
        "Which of these is allowed?",
    )
    one = question_parts("Ahmed works in finance. Which uses follow the rules? Tick all that apply.")
    assert (one.situation, one.asked) == (
        "Ahmed works in finance.",
        "Which uses follow the rules? Tick all that apply.",
    )
    told = question_parts("Aisha has drafts waiting. Tick every one that she can post.")
    assert (told.situation, told.asked) == ("Aisha has drafts waiting.", "Tick every one that she can post.")
    assert question_parts("When may you check it?") == question_parts("When may you check it?\n")
    assert question_parts("When may you check it?").situation == ""


def test_each_question_page_has_the_question_as_its_one_heading_and_legend(client, session, worded):
    person = make_person(session)
    client.sign_in_as(person)
    response = client.post("/training/quizzes/basics/start")
    [first] = attempts.attempts_of(session, person, attempts.get_quiz(session, "basics"))
    attempt = attempts.get_attempt(session, first.id, person)
    expected = {
        "T-PRIV-1": "When may Jo check her own social media there?",
        "T-PRIV-2": "Access to social media at work is a privilege that can be withdrawn.",
        "T-CONF-1": "Which of these are personal information?",
        "T-CONF-2": "They ask for your password. What do you do?",
    }
    assert response.status_code == 302
    for item in attempt.questions:
        html = client.get(f"/training/attempts/{attempt.id}/questions/{item.position}").get_data(as_text=True)
        headings = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
        assert len(headings) == 1
        assert text_of(headings[0]) == f"Question {item.position} of 4 {expected[item.question.question_key]}"
        legend = re.search(r"<legend[^>]*>(.*?)</legend>", html, re.S).group(1)
        assert "<h1" in legend  # the legend is the page heading
        assert "Choose one answer" not in html and "Choose all that apply" not in html
    pages = [
        client.get(f"/training/attempts/{attempt.id}/questions/{i.position}").get_data(as_text=True)
        for i in attempt.questions
    ]
    # The situation is the fieldset's hint, so it is read with the question.
    assert any('class="govuk-hint"' in page and "Jo works at the front desk." in page for page in pages)


def test_feedback_reads_without_doubled_stops_or_echoes_and_names_the_topics(client, session, worded):
    person = make_person(session)
    quiz = attempts.get_quiz(session, "basics")
    attempt = attempts.start_attempt(session, person, quiz)
    # Private use right, confidentiality wrong but for the scenario's first step.
    for item in attempt.questions:
        question = item.question
        if question.kind == "scenario":
            attempts.save_answer(session, person, attempt, item.position, ["b"])
            attempts.save_answer(session, person, attempt, item.position, ["b"])
        elif question.topic == "private-use":
            keys = [str(o["key"]) for o in question.content["options"] if o["score"] > 0]
            attempts.save_answer(session, person, attempt, item.position, keys[:1])
        else:
            keys = [str(o["key"]) for o in question.content["options"] if o["score"] == 0]
            attempts.save_answer(session, person, attempt, item.position, keys[:1])
    attempts.submit(session, person, attempt)
    session.commit()
    client.sign_in_as(person)
    html = client.get(f"/training/attempts/{attempt.id}/result").get_data(as_text=True)
    words = text_of(html)
    assert ".." not in words
    assert "(right)" not in words and "Right. Right" not in words
    assert "Right answer Right." not in words and "Best choice Right." not in words
    assert "You chose: During your break. Right answer Breaks are for that." in words
    assert "confidentiality" not in words.replace("Confidential and personal information", "")
    assert "Your retake will cover only these topics: Confidential and personal information" in words
    # The scenario's path, step by step: what happened, the choice made, the feedback.
    path = re.search(r'<ol class="govuk-list govuk-list--number govuk-list--spaced">(.*?)</ol>', html, re.S)
    steps = [text_of(step) for step in re.findall(r"<li>(.*?)</li>", path.group(1), re.S)]
    assert steps == [
        "They ask for your password. What do you do? You chose: Say you will call back. Best choice"
        " Check first.",
        "The contractor's real number says nobody called. What now? You chose: Forget it Not the best choice"
        " Report it.",
    ]
    assert "How it ended: Nothing leaked but nobody was warned." in words


def test_a_failed_attempt_names_the_retake_topics_on_the_quiz_page(client, session, worded):
    person = make_person(session)
    attempt = attempts.start_attempt(session, person, attempts.get_quiz(session, "basics"))
    answer_all(session, person, attempt, right=False)
    attempts.submit(session, person, attempt)
    session.commit()
    client.sign_in_as(person)
    words = text_of(client.get("/training/quizzes/basics").get_data(as_text=True))
    assert (
        "did not pass last time: Confidential and personal information Private use of social media" in words
    )
