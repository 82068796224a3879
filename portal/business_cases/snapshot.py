"""Freezing a case at submission, and what changed between two submissions.

A submission is the case as JSON with its SHA-256: reviewers decide on exactly that,
and the hash shows later that nobody changed it (the table is append-only too).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from portal.textdiff import word_diff

from .models import BusinessCase, platform_name
from .risk import BAND_LABELS, RiskMatrix
from .sections import REVIEW_SECTIONS, RISK_CATEGORIES, TEXT_SECTIONS, TREATMENT_LABELS, WEEKDAYS, basis_label


def _scored(matrix: RiskMatrix, likelihood: int | None, impact: int | None) -> dict[str, Any]:
    score = matrix.score(likelihood, impact) if likelihood and impact else None
    return {
        "likelihood": likelihood,
        "impact": impact,
        "score": score,
        "band": matrix.band_of_score(score) if score is not None else None,
    }


def freeze(case: BusinessCase, matrix: RiskMatrix) -> dict[str, Any]:
    """The case as it stands, with names rather than ids so it reads on its own later."""
    slots = {(slot.weekday, slot.duty): slot.person.name for slot in case.moderation}
    return {
        "reference": case.reference,
        "department": case.department.name,
        "platform": case.platform,
        "account_name": case.account_name,
        "web_address": case.web_address,
        "sections": {s.key: getattr(case, s.key) for s in TEXT_SECTIONS},
        "moderation": {
            "removal_target_hours": case.removal_target_hours,
            "bank_holiday_cover": case.bank_holiday_cover,
            "requests_logged_by": case.requests_logger.name if case.requests_logger else None,
            "rota": [
                {"day": day, "moderator": slots.get((i, "moderator")), "cover": slots.get((i, "cover"))}
                for i, day in enumerate(WEEKDAYS)
            ],
        },
        "risks": [
            {
                "category": item.category,
                "label": RISK_CATEGORIES.get(item.category, item.category),
                "description": item.description,
                "inherent": _scored(matrix, item.inherent_likelihood, item.inherent_impact),
                "controls": item.controls,
                "residual": _scored(matrix, item.residual_likelihood, item.residual_impact),
                "treatment": item.treatment,
                "owner": item.owner.name if item.owner else None,
                "acceptance_justification": item.acceptance_justification,
                "actions": [
                    {"description": a.description, "owner": a.owner.name, "due_on": a.due_on.isoformat()}
                    for a in item.actions
                ],
            }
            for item in case.risks
        ],
    }


def sha256_of(content_json: str) -> str:
    return hashlib.sha256(content_json.encode("utf-8")).hexdigest()


def _band(scored: dict[str, Any]) -> str:
    if scored["score"] is None:
        return "not assessed"
    band = BAND_LABELS[scored["band"]]
    return f"likelihood {scored['likelihood']} × impact {scored['impact']} = {scored['score']} ({band})"


def readable_parts(content: dict[str, Any]) -> dict[str, str]:
    """Each reviewable section of a frozen case as plain text, keyed as REVIEW_SECTIONS."""
    moderation = content["moderation"]
    rota = "\n".join(
        f"{row['day']}: {row['moderator'] or 'no moderator'}, cover {row['cover'] or 'none'}"
        for row in moderation["rota"]
    )
    target = moderation["removal_target_hours"]
    risks = []
    for risk in content["risks"]:
        lines = [
            f"{risk['label']}: {risk['description']}",
            # From the category, not the frozen copy: submissions frozen before the
            # basis was shown read the same, so no change is reported between them.
            f"Why it is in the register: {basis_label(risk['category'])}",
            f"Before controls: {_band(risk['inherent'])}",
            f"Controls: {risk['controls'] or 'none'}",
            f"After controls: {_band(risk['residual'])}",
            f"Treatment: {TREATMENT_LABELS.get(risk['treatment'] or '', 'not chosen')}; "
            f"owner: {risk['owner'] or 'none'}",
        ]
        if risk["acceptance_justification"]:
            lines.append(f"Why it is acceptable: {risk['acceptance_justification']}")
        lines += [f"Action: {a['description']} ({a['owner']}, by {a['due_on']})" for a in risk["actions"]]
        risks.append("\n".join(lines))
    return {
        "account": (
            f"{platform_name(content['platform'])}: {content['account_name']}\n{content['web_address']}"
        ),
        **content["sections"],
        "moderation": f"{rota}\nMalicious comments removed within "
        f"{target if target is not None else '?'} hours\nBank holidays: {moderation['bank_holiday_cover']}"
        # Submissions frozen before it was asked for have no such line, so none is reported as changed.
        + (
            f"\nInformation requests logged by: {moderation['requests_logged_by'] or 'nobody'}"
            if "requests_logged_by" in moderation
            else ""
        ),
        "risks": "\n\n".join(risks),
    }


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    diff: Markup


def changes_between(previous: dict[str, Any], current: dict[str, Any]) -> list[Change]:
    """The sections that differ between two submissions, each with its words marked."""
    before, after = readable_parts(previous), readable_parts(current)
    return [
        Change(s.key, s.label, word_diff(before.get(s.key, ""), after.get(s.key, "")))
        for s in REVIEW_SECTIONS
        if before.get(s.key, "") != after.get(s.key, "")
    ]
