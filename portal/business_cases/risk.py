"""The 5×5 risk matrix: likelihood × impact, a score per cell, and bands of scores.

Councils score risk in different ways, so both the scores and the bands come from
settings (PORTAL_RISK_SCORES, PORTAL_RISK_BANDS). The default is the common one:
score = likelihood × impact; low 1–4, medium 5–9, high 10–15, very high 16–25.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

BANDS = ("low", "medium", "high", "very_high")
BAND_LABELS = {"low": "Low", "medium": "Medium", "high": "High", "very_high": "Very high"}
LIKELIHOOD_LABELS = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
IMPACT_LABELS = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Severe"}
DEFAULT_BANDS = "medium=5,high=10,very_high=16"


class BadRiskSettings(ValueError):
    """The configured scores or bands do not make a usable matrix."""


@dataclass(frozen=True)
class RiskMatrix:
    scores: tuple[tuple[int, ...], ...]  # scores[likelihood - 1][impact - 1]
    lowest_score_of_band: dict[str, int]  # "medium" -> 5 ...; "low" is everything below

    def score(self, likelihood: int, impact: int) -> int:
        return self.scores[likelihood - 1][impact - 1]

    def band_of_score(self, score: int) -> str:
        found = "low"
        for band in BANDS[1:]:
            if score >= self.lowest_score_of_band[band]:
                found = band
        return found

    def band(self, likelihood: int, impact: int) -> str:
        return self.band_of_score(self.score(likelihood, impact))

    @classmethod
    def parse(cls, scores: str, bands: str) -> RiskMatrix:
        """`scores`: 25 whole numbers, likelihood 1's row first; empty for likelihood × impact.
        `bands`: the lowest score of each band above low, e.g. "medium=5,high=10,very_high=16"."""
        if scores.strip():
            try:
                numbers = [int(part) for part in scores.replace(";", ",").split(",")]
            except ValueError as error:
                raise BadRiskSettings("PORTAL_RISK_SCORES must be 25 whole numbers") from error
            if len(numbers) != 25:
                raise BadRiskSettings(f"PORTAL_RISK_SCORES needs 25 numbers, not {len(numbers)}")
            grid = tuple(tuple(numbers[row * 5 : row * 5 + 5]) for row in range(5))
        else:
            grid = tuple(tuple(likelihood * impact for impact in range(1, 6)) for likelihood in range(1, 6))
        lowest: dict[str, int] = {}
        for part in filter(None, (p.strip() for p in bands.split(","))):
            name, _, value = part.partition("=")
            if name.strip() not in BANDS[1:] or not value.strip().isdigit():
                raise BadRiskSettings(f"PORTAL_RISK_BANDS: cannot read {part!r}")
            lowest[name.strip()] = int(value)
        if set(lowest) != set(BANDS[1:]):
            raise BadRiskSettings("PORTAL_RISK_BANDS must give medium, high and very_high")
        if not lowest["medium"] < lowest["high"] < lowest["very_high"]:
            raise BadRiskSettings("PORTAL_RISK_BANDS must rise: medium < high < very_high")
        return cls(grid, lowest)


def current_matrix() -> RiskMatrix:
    matrix: RiskMatrix = current_app.extensions["risk_matrix"]  # extensions hold Any
    return matrix
