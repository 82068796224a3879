"""The 5×5 matrix: scores and bands come from settings, and bad settings stop start-up."""

from __future__ import annotations

import pytest

from portal import create_app
from portal.business_cases.risk import DEFAULT_BANDS, BadRiskSettings, RiskMatrix
from tests.conftest import settings_for


def test_the_default_is_likelihood_times_impact_with_the_usual_bands():
    matrix = RiskMatrix.parse("", DEFAULT_BANDS)
    assert matrix.score(3, 4) == 12
    assert [matrix.band_of_score(s) for s in (1, 4, 5, 9, 10, 15, 16, 25)] == [
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
        "very_high",
        "very_high",
    ]


def test_a_council_can_set_its_own_scores_and_bands():
    # A matrix that weighs impact more heavily: each row counts up by the impact squared.
    scores = ",".join(
        str(likelihood + impact * impact) for likelihood in range(1, 6) for impact in range(1, 6)
    )
    matrix = RiskMatrix.parse(scores, "medium=8,high=15,very_high=25")
    assert matrix.score(1, 5) == 26 and matrix.band(1, 5) == "very_high"
    assert matrix.score(5, 1) == 6 and matrix.band(5, 1) == "low"


@pytest.mark.parametrize(
    ("scores", "bands", "message"),
    [
        ("1,2,3", DEFAULT_BANDS, "needs 25 numbers"),
        ("a" * 5, DEFAULT_BANDS, "25 whole numbers"),
        ("", "medium=5,high=10", "must give medium, high and very_high"),
        ("", "medium=10,high=5,very_high=16", "must rise"),
        ("", "medium=5,high=ten,very_high=16", "cannot read"),
    ],
)
def test_bad_settings_are_refused_with_a_reason(scores, bands, message):
    with pytest.raises(BadRiskSettings, match=message):
        RiskMatrix.parse(scores, bands)


def test_the_portal_does_not_start_with_a_bad_matrix():
    with pytest.raises(BadRiskSettings):
        create_app(settings_for("sqlite://", risk_bands="medium=5"))
