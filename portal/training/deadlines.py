"""A quiz never falls due before the policies it tests.

Why: a quiz tests what the policies say, so a person is asked to read and sign them
first (the onboarding programme: sign, then take the quiz). The quiz's own count, ten
England and Wales working days from the start, or from when the quiz was added for
people already there, gave everyone already there when a policy was published a quiz
due before the policy: they have 20 working days from publication to sign it
(policies/status.py). Someone who started on Monday 16 November 2026, before the
policies and the quiz reached the portal on Friday 27 November, was shown the quiz due
on 11 December and the policies on 29 December. The policies' date follows the
council's signing rule; the quiz's was the wrong one, so the quiz now waits for them.
Deadlines are the council's own: the policies set none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.people.models import Person
from portal.policies.service import SigningPlan, load_policies
from portal.training.models import QuestionVersion, Quiz


@dataclass(frozen=True)
class PolicyDeadlines:
    """For each quiz, the signing plans of the policies its questions cite."""

    plans_by_quiz: dict[int, list[SigningPlan]]

    def not_before_policies(self, quiz: Quiz, person: Person, due: date) -> date:
        """The quiz's due date, moved to the latest due date of the policies it tests
        that bind the person (their Scope: a policy that does not bind them sets none)."""
        dues = [plan.due_date(person) for plan in self.plans_by_quiz.get(quiz.id, []) if plan.binds(person)]
        return max([due, *dues])


def policy_deadlines(session: Session, quizzes: Iterable[Quiz]) -> PolicyDeadlines:
    """Which policies each quiz tests: those cited by the ready questions of the topics it
    draws from (quizzes/README.md), in a fixed number of queries."""
    cited: dict[str, set[str]] = {}
    for topic, content in session.execute(
        select(QuestionVersion.topic, QuestionVersion.content).where(
            QuestionVersion.is_latest.is_(True), QuestionVersion.status == "ready"
        )
    ):
        for citation in content.get("citations") or []:
            cited.setdefault(topic, set()).add(str(citation["policy"]))
    plans = {
        policy.slug: plan for policy in load_policies(session) if (plan := SigningPlan.of(policy)) is not None
    }
    plans_by_quiz: dict[int, list[SigningPlan]] = {}
    for quiz in quizzes:
        slugs = set().union(*(cited.get(str(d["topic"]), set()) for d in quiz.definition["draw"]))
        plans_by_quiz[quiz.id] = [plans[slug] for slug in sorted(slugs) if slug in plans]
    return PolicyDeadlines(plans_by_quiz)
