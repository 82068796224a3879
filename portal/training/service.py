"""The training feature's public operations: what other features, jobs and reports use.

The work is done in the rooms behind it (attempts: starting, answering and scoring a
quiz; programme: which quizzes each person must pass, by when, and how they stand;
sync: loading the quiz bank). Other features import this module and never those.
"""

from __future__ import annotations

from .attempts import get_quiz, valid_completion
from .programme import TrainingStatus, assign, statuses_for

__all__ = ["TrainingStatus", "assign", "get_quiz", "statuses_for", "valid_completion"]
