"""Pauses between polls and before retries, which a replay skips: one switch for the whole process.

A replayed answer is already there, so waiting before asking again only costs time. Our own
waits (`waiting.wait_for`, the retries in `http.Transport`) call `pause`. Other libraries call
``time.sleep`` themselves (openstacksdk's ``wait_for_server`` / ``iterate_timeout``,
keystoneauth's retries, python-openstackclient's ``--wait``), so while pauses are skipped
``time.sleep`` itself is replaced, for the main thread only: notebook cells run there, while the
kernel's own background threads (and tqdm's) keep their real pacing instead of spinning.

`skip_pauses` is switched on and off by the cassette (cassette/activation.py) when a replay
starts and ends; nothing else needs to know.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

_skipping = False
_sleep_before: Callable[[float], None] = time.sleep  # what time.sleep was before we replaced it


def pause(seconds: float) -> None:
    """``time.sleep``, except while pauses are skipped (a replay): then it returns at once."""
    if not _skipping:
        time.sleep(seconds)


def _sleep(seconds: float) -> None:
    """Stands in for ``time.sleep`` while pauses are skipped: other threads still sleep.

    It checks the switch itself, because a module imported during a replay may have kept a
    reference to it (``sleep=time.sleep`` as a default) and must sleep again after the replay.
    """
    if not (_skipping and threading.current_thread() is threading.main_thread()):
        _sleep_before(seconds)


def skip_pauses(skip: bool) -> None:
    """Skip (True) or make again (False) every pause of this process's main thread."""
    global _skipping, _sleep_before
    if skip and time.sleep is not _sleep:
        _sleep_before = time.sleep
        time.sleep = _sleep
    elif not skip and time.sleep is _sleep:  # put back what was there, if nobody changed it since
        time.sleep = _sleep_before
    _skipping = skip


def skipping() -> bool:
    """Are pauses being skipped (a cassette is replaying in this process)?"""
    return _skipping
