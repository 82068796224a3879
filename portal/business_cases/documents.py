"""The decision letter, the whole case as a PDF, and the risk heat map both share."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from portal.documents.render import render_pdf

from .models import BusinessCase, CaseDecision, CaseReview, CaseSubmission, platform_name
from .risk import BAND_LABELS, BANDS, IMPACT_LABELS, LIKELIHOOD_LABELS, RiskMatrix
from .sections import REVIEW_SECTIONS, TEXT_SECTIONS, TREATMENT_LABELS, basis_label
from .snapshot import readable_parts


@dataclass(frozen=True)
class HeatCell:
    likelihood: int
    impact: int
    score: int
    band: str
    risks: int  # how many risks sit in this cell after controls


@dataclass(frozen=True)
class HeatMap:
    rows: list[list[HeatCell]]  # likelihood 5 (top) down to 1, impact 1 to 5 across
    band_counts: dict[str, int]
    assessed: int

    @property
    def summary(self) -> str:
        """The text alternative: what the picture says, in words."""
        if not self.assessed:
            return "No risk has been assessed yet."
        parts = [
            f"{self.band_counts[b]} {BAND_LABELS[b].lower()}" for b in reversed(BANDS) if self.band_counts[b]
        ]
        return f"{self.assessed} risks assessed. After controls: " + ", ".join(parts) + "."


def heat_map(content: dict[str, Any], matrix: RiskMatrix) -> HeatMap:
    """Residual risks placed on the likelihood × impact grid, coloured by band."""
    counts: dict[tuple[int, int], int] = {}
    band_counts = dict.fromkeys(BANDS, 0)
    for risk in content["risks"]:
        residual = risk["residual"]
        if residual["score"] is None:
            continue
        key = (residual["likelihood"], residual["impact"])
        counts[key] = counts.get(key, 0) + 1
        band_counts[matrix.band(*key)] += 1
    rows = [
        [
            HeatCell(
                likelihood,
                impact,
                matrix.score(likelihood, impact),
                matrix.band(likelihood, impact),
                counts.get((likelihood, impact), 0),
            )
            for impact in range(1, 6)
        ]
        for likelihood in range(5, 0, -1)
    ]
    return HeatMap(rows, band_counts, sum(counts.values()))


def _shared(content: dict[str, Any], matrix: RiskMatrix) -> dict[str, Any]:
    return {
        "content": content,
        "parts": readable_parts(content),
        "heat": heat_map(content, matrix),
        "text_sections": TEXT_SECTIONS,
        "review_sections": REVIEW_SECTIONS,
        "band_labels": BAND_LABELS,
        "likelihood_labels": LIKELIHOOD_LABELS,
        "impact_labels": IMPACT_LABELS,
        "treatment_labels": TREATMENT_LABELS,
        "basis_of": basis_label,
        "platform_name": platform_name,
    }


def render_decision_letter(
    case: BusinessCase, review: CaseReview, decision: CaseDecision, content: dict[str, Any], role_label: str
) -> bytes:
    from .risk import current_matrix

    return render_pdf(
        "documents/business_case_decision.html",
        sealed=True,
        stylesheet="report",
        case=case,
        review=review,
        decision=decision,
        comments=json.loads(decision.section_comments),
        role_label=role_label,
        **_shared(content, current_matrix()),
    )


def render_case_pdf(case: BusinessCase, submission: CaseSubmission, matrix: RiskMatrix) -> bytes:
    return render_pdf(
        "documents/business_case.html",
        stylesheet="report",
        case=case,
        submission=submission,
        **_shared(json.loads(submission.content), matrix),
    )
