"""Departmental social media business cases (Networking Policy 3.4): the public face.

Managers write the case for their own department (the Clerk and the Deputy for any).
A draft can be saved with gaps so that nothing typed is lost; submission checks the
whole case, freezes it and hands it to the reviewers, who decide on it.

The work is done in rooms behind this module, and other packages import from here:
- cases.py: loading, lists, who may see and edit a case, the audit every change writes;
- drafting.py: starting a draft, its account and sections, its moderation plan;
- register.py: the risk register and its actions;
- submission.py: submitting (with the reviewers' email) and withdrawing;
- review.py: taking a submission into review, and the decision (with its letter and email).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.authorisations.service import MODERATOR_SOURCES
from portal.elections.models import Election
from portal.elections.service import period_on

from .cases import (
    UnknownChoice,
    active_people,
    awaiting_review,
    bank_holidays_ahead,
    cases_for,
    cases_page,
    departments_for,
    display_status,
    eligible_moderators,
    get_case,
    get_decided_review,
    get_submission,
    may_edit,
    may_see,
    moderators_by_channel,
    previous_submission,
    reviews_due,
)
from .drafting import ModerationPlan, save_details, save_moderation, start_case
from .register import InvalidRisk, RiskValues, add_action, delete_action, delete_risk, get_risk, save_risk
from .review import OUTCOME_MESSAGES, DecisionDetails, decide, default_review_date, may_review, start_review
from .submission import CaseHasGaps, submit, withdraw

# A case the reviewers have yet to decide: submitted, or taken into review.
IN_REVIEW = ("submitted", "in_review")


def election_during_review(session: Session) -> Election | None:
    """The election whose pre-election period is on today, if any: a case in review now
    is flagged, because approving a new council channel and launching it before the poll
    would be council publicity in a period when the Code of Recommended Practice on Local
    Authority Publicity (2011) asks for particular care (LGA 1986 ss2 and 4). Networking
    Policy 3.4 leaves the decision to the Clerk or the Deputy Clerk; the flag informs it."""
    return period_on(session)


def flagged_for_election(status: str, election: Election | None) -> bool:
    return election is not None and status in IN_REVIEW


__all__ = [
    "IN_REVIEW",
    "OUTCOME_MESSAGES",
    "CaseHasGaps",
    "DecisionDetails",
    "InvalidRisk",
    "ModerationPlan",
    "RiskValues",
    "UnknownChoice",
    "active_people",
    "add_action",
    "awaiting_review",
    "bank_holidays_ahead",
    "cases_for",
    "cases_page",
    "decide",
    "default_review_date",
    "delete_action",
    "delete_risk",
    "departments_for",
    "display_status",
    "election_during_review",
    "eligible_moderators",
    "flagged_for_election",
    "get_case",
    "get_decided_review",
    "get_risk",
    "get_submission",
    "may_edit",
    "may_review",
    "may_see",
    "moderators_by_channel",
    "previous_submission",
    "reviews_due",
    "save_details",
    "save_moderation",
    "save_risk",
    "start_case",
    "start_review",
    "submit",
    "withdraw",
]

# The channels register shows each channel's moderation rota from its approved case; it
# asks through its own registry, so that authorisations need not import business cases.
MODERATOR_SOURCES.append(moderators_by_channel)
