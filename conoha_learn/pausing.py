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

_real_sleep = time.sleep  # kept before anyone replaces it
_skipping = False


def pause(seconds: float) -> None:
    """``time.sleep``, except while pauses are skipped (a replay): then it returns at once."""
    if not _skipping:
        _real_sleep(seconds)


def _sleep(seconds: float) -> None:
    """Stands in for ``time.sleep`` while pauses are skipped."""
    if threading.current_thread() is threading.main_thread():
        pause(seconds)
    else:
        _real_sleep(seconds)


def skip_pauses(skip: bool) -> None:
    """Skip (True) or make again (False) every pause of this process's main thread."""
    global _skipping
    _skipping = skip
    if skip:
        time.sleep = _sleep
    elif time.sleep is _sleep:  # put back only our own replacement, not someone else's
        time.sleep = _real_sleep


def skipping() -> bool:
    """Are pauses being skipped (a cassette is replaying in this process)?"""
    return _skipping
