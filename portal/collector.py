"""Pausing Python's cycle collector around large read-only batches.

The compliance overview of a large council builds hundreds of thousands of small,
short-lived objects (a status for every person and requirement). Reference counting
frees them as usual; the cycle collector, though, is triggered by the number of
allocations and walks the whole growing heap again and again looking for cycles,
which was 40% of a cold overview of 5,000 people (bench/reports.py). Paused for the
batch, it resumes afterwards with nothing lost: cycles made meanwhile are found then.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from threading import Lock

_lock = Lock()
_batches_running = 0
_was_enabled = False


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """The collector is process-wide, so overlapping batches in different threads keep
    it paused until the last of them ends; then it is restored as it was found."""
    global _batches_running, _was_enabled
    with _lock:
        if _batches_running == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _batches_running += 1
    try:
        yield
    finally:
        with _lock:
            _batches_running -= 1
            if _batches_running == 0 and _was_enabled:
                gc.enable()
