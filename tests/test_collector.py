"""The cycle collector pause used around the compliance overview."""

from __future__ import annotations

import gc

import pytest

from portal.collector import cycle_collector_paused


@pytest.fixture(autouse=True)
def collector_enabled():
    gc.enable()
    yield
    gc.enable()


def test_the_collector_is_paused_for_the_batch_and_resumes_after():
    with cycle_collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_overlapping_batches_keep_it_paused_until_the_last_one_ends():
    first, second = cycle_collector_paused(), cycle_collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_it_resumes_after_a_failure():
    with pytest.raises(RuntimeError), cycle_collector_paused():
        raise RuntimeError("the batch failed")
    assert gc.isenabled()


def test_a_collector_that_was_already_off_stays_off():
    gc.disable()
    with cycle_collector_paused():
        pass
    assert not gc.isenabled()
