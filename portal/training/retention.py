"""Quiz attempts and answers in the retention schedule (UK GDPR Art. 5(1)(e)).

A pass is evidence that the person was taught the rules before a breach, so attempts,
answers and passes are kept while the person is with the council and `quiz_attempts`
months (default 72, as for acknowledgements) after they leave, and longer while a case
about them is kept (people.service.leavers_due). The tables are ordinary ones: the
application deletes.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from portal.people.service import leavers_due
from portal.tasks import RetentionKind, add_retention_kind, kept_months

from .models import Attempt, AttemptOverride, AttemptQuestion, Completion, QuizAssignment


def remove_attempts(session: Session, on: date) -> int:
    due = leavers_due(session, "quiz_attempts", on, kept_months("quiz_attempts"))
    if not due:
        return 0
    theirs = select(Attempt.id).where(Attempt.person_id.in_(due))
    count = session.scalar(select(func.count()).select_from(theirs.subquery())) or 0
    session.execute(delete(AttemptQuestion).where(AttemptQuestion.attempt_id.in_(theirs)))
    session.execute(delete(Completion).where(Completion.person_id.in_(due)))
    session.execute(delete(Attempt).where(Attempt.person_id.in_(due)))
    session.execute(delete(AttemptOverride).where(AttemptOverride.person_id.in_(due)))
    session.execute(delete(QuizAssignment).where(QuizAssignment.person_id.in_(due)))
    return count


add_retention_kind(
    RetentionKind(
        name="quiz_attempts",
        title="Quiz attempts, answers, passes, extra attempts allowed and quizzes set",
        period=lambda: f"{kept_months('quiz_attempts')} months after the person leaves",
        basis=(
            "Evidence that the person was taught the rules, kept as long as their acknowledgements "
            "(Limitation Act 1980 s5)"
        ),
        how="Deleted",
        run=remove_attempts,
        order=45,
    )
)
