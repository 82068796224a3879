from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from portal.training.sync import sync
from tests.factories import make_clerk, make_policy

TEST_BANK = Path(__file__).parent / "bank"


@pytest.fixture
def bank_folder(tmp_path) -> Path:
    """A copy of the test bank that a test may change."""
    folder = tmp_path / "quizzes"
    shutil.copytree(TEST_BANK, folder)
    return folder


@pytest.fixture
def loaded(session, bank_folder):
    """The test policy published and the test bank loaded; returns the clerk."""
    clerk = make_clerk(session)
    make_policy(session, clerk=clerk)
    sync(session, bank_folder)
    session.commit()
    return clerk


@pytest.fixture
def rng():
    return random.Random(7)
