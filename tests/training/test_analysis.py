from __future__ import annotations

import math

from portal.training.analysis import MINIMUM_ATTEMPTS, pearson


def test_pearson_matches_the_textbook_formula():
    xs, ys = [1.0, 0.0, 1.0, 1.0, 0.0], [4.0, 1.0, 3.0, 5.0, 2.0]
    mean_x, mean_y = sum(xs) / 5, sum(ys) / 5
    expected = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / math.sqrt(
        sum((x - mean_x) ** 2 for x in xs) * sum((y - mean_y) ** 2 for y in ys)
    )
    assert math.isclose(pearson(xs, ys), expected)
    assert round(100 * pearson(xs, ys), 1) == 86.6


def test_no_variation_means_no_discrimination_index():
    assert pearson([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]) is None
    assert pearson([1.0], [2.0]) is None


def test_moodle_threshold():
    assert MINIMUM_ATTEMPTS == 30


def test_facility_and_discrimination_from_attempts(session, loaded):
    from portal.training import analysis, attempts
    from tests.factories import make_person
    from tests.training.helpers import answer_all

    for number in range(4):
        person = make_person(session)
        attempt = attempts.start_attempt(session, person, attempts.get_quiz(session, "basics"))
        answer_all(session, person, attempt, right=number % 2 == 0)
        attempts.submit(session, person, attempt)
    session.commit()
    items, mastery = analysis.analyse(session)
    single = next(i for i in items if i.question_key == "T-PRIV-1")
    assert single.attempts == 4 and single.facility == 50.0
    # Right answers go with high totals on the rest of the test: a perfect discriminator.
    assert single.discrimination == 100.0
    assert sum(single.choices.values()) == 4 and not single.enough_data
    assert mastery.topics["private-use"] == 50.0
