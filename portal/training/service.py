"""The training feature's public operations: what other features, jobs and reports use.

The work is done in the rooms behind it (standing: where a person stands on a quiz;
attempts: starting, answering and scoring a quiz; programme: which quizzes each person
must pass, by when, and how they stand; bank and bank_files: reading and checking the
quiz bank; sync: loading it; messages: the email). Other features import this module
and never those.
"""

from __future__ import annotations

from .messages import quiz_to_take
from .programme import QuizStatus, TrainingStatus, assign, statuses_for
from .standing import get_quiz, valid_completion

__all__ = [
    "QuizStatus",
    "TrainingStatus",
    "assign",
    "get_quiz",
    "quiz_to_take",
    "statuses_for",
    "valid_completion",
]
