"""Polling until a resource reaches a status, with a progress bar, failing fast on ERROR.

Creating a server returns at once with status BUILD; the cloud finishes the work in the
background. The client's job is to ask again every few seconds (`GET /servers/{id}`) until the
status is ACTIVE, to stop at once if it becomes ERROR, and to give up after a bounded time.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from .errors import ResourceFailed, WaitTimeout
from .i18n import _
from .pausing import pause, skipping

DELETED = "DELETED"  # target status meaning "until the API answers 404"
FAILURE_STATUSES = ("ERROR", "ERROR_DELETING", "ERROR_RESTORING", "ERROR_EXTENDING")
PROGRESS_VARIABLE = "CONOHA_LEARN_PROGRESS"  # "0": no progress bars anywhere (tests, recordings)


class _Progress:
    """A tqdm bar (tqdm.auto: a widget in Jupyter, text in a terminal) showing status and %."""

    def __init__(self, what: str, enabled: bool):
        self.bar = None
        self.what = what
        if enabled and os.environ.get(PROGRESS_VARIABLE, "1") != "0":
            from tqdm.auto import tqdm  # imported only when something is waited for

            self.bar = tqdm(total=100, desc=what, leave=True,
                            bar_format="{desc} {percentage:3.0f}%|{bar}| [{elapsed}]")

    def show(self, status: str, percent: Any = None, done: bool = False) -> None:
        if self.bar is None:
            return
        self.bar.set_description_str(f"{self.what}: {status}", refresh=False)
        if done:
            target = 100
        elif isinstance(percent, (int, float)):  # Nova's "progress" while building
            target = min(100, percent)
        else:
            target = self.bar.n
        self.bar.update(max(0, target - self.bar.n))  # a bar only moves forward

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def status_of(resource: dict | None) -> str:
    return DELETED if resource is None else str(resource.get("status", "UNKNOWN"))


class _ReplayClock:
    """A clock that moves only by the pauses a replay skips: ``now`` reads it, ``sleep`` moves it.

    A replay answers at once, so on the wall clock a cassette that never reaches the status
    would be polled thousands of times a second until the timeout. Counted this way, it fails
    after as many polls as the live wait would have made, and at once.
    """

    def __init__(self) -> None:
        self.seconds = 0.0

    def now(self) -> float:
        return self.seconds

    def sleep(self, seconds: float) -> None:
        self.seconds += seconds


def wait_for(fetch: Callable[[], dict | None], target: str, *, what: str, timeout: float,
             interval: float, progress: bool = True,
             clock: Callable[[], float] = time.monotonic,
             sleep: Callable[[float], None] | None = None) -> dict | None:
    """Call ``fetch()`` every ``interval`` seconds until the resource's status is ``target``.

    ``fetch`` returns the resource (a dict with "status") or None once it no longer exists;
    ``target="DELETED"`` waits for exactly that. Raises `ResourceFailed` on an ERROR status (or
    if the resource vanishes while we wait for something else) and `WaitTimeout` after
    ``timeout`` seconds.
    """
    if timeout <= 0 or interval <= 0:
        raise ValueError(_("timeout and interval must be positive numbers of seconds"))
    if sleep is None and clock is time.monotonic and skipping():
        replayed = _ReplayClock()
        clock, sleep = replayed.now, replayed.sleep
    sleep = pause if sleep is None else sleep  # no sleeping while replaying a cassette
    deadline = clock() + timeout
    bar = _Progress(what, progress)
    try:
        while True:
            resource = fetch()
            status = status_of(resource)
            if status.upper() == target.upper():
                bar.show(status, done=True)
                return resource
            bar.show(status, (resource or {}).get("progress"))
            if resource is None:
                raise ResourceFailed(_("{what} was deleted while waiting for {target}.").format(
                    what=what, target=target))
            if status.upper() in FAILURE_STATUSES:
                fault = (resource.get("fault") or {}).get("message")
                went = _("{what} went to {status} while waiting for {target}: {fault}") if fault \
                    else _("{what} went to {status} while waiting for {target}.")
                raise ResourceFailed(went.format(what=what, status=status, target=target, fault=fault),
                                     hint=_("It will not recover by waiting. Delete it and try "
                                            "again (conn.cleanup() removes what you created)."))
            remaining = deadline - clock()
            if remaining <= 0:
                raise WaitTimeout(_("{what} is still {status} after {timeout:g} seconds "
                                    "(waiting for {target}).").format(
                                        what=what, status=status, timeout=timeout, target=target),
                                  hint=_("It may just be slow: wait again with a longer timeout=, "
                                         "or look at it with conn.compute.get_server(...)."))
            sleep(min(interval, remaining))
    finally:
        bar.close()
