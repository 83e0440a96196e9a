"""Pauses (ours and other libraries' ``time.sleep``) are skipped while a cassette replays, and only then."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from conoha_learn import cassette as cas, pausing
from conoha_learn.pausing import pause, skip_pauses

DEMO_CASSETTE = Path(__file__).parent / "data" / "cassettes" / "cassette_demo.yaml"


def took(call, *args) -> float:
    start = time.monotonic()
    call(*args)
    return time.monotonic() - start


@pytest.fixture
def restored():
    """Whatever a test switches, put back: the pause switch, time.sleep, the OS_* a replay sets."""
    environ, sleep = dict(os.environ), time.sleep
    yield
    cas.deactivate()
    skip_pauses(False)
    time.sleep = sleep
    os.environ.clear()
    os.environ.update(environ)


def test_pause_sleeps_when_nothing_replays(restored):
    assert not pausing.skipping()
    assert took(pause, 0.2) >= 0.2


def test_skipped_pauses_return_at_once_in_the_main_thread_only(restored):
    original = time.sleep
    skip_pauses(True)
    assert took(pause, 30) < 1 and took(time.sleep, 30) < 1  # libraries call time.sleep

    waited = []
    thread = threading.Thread(target=lambda: waited.append(took(time.sleep, 0.2)))
    thread.start()
    thread.join(timeout=10)
    assert waited and waited[0] >= 0.2  # the kernel's background threads keep their pacing

    kept = time.sleep  # as a library imported during the replay might keep it
    skip_pauses(False)
    assert time.sleep is original and took(time.sleep, 0.2) >= 0.2
    assert took(kept, 0.2) >= 0.2


def test_turning_skipping_off_keeps_a_replacement_made_since(restored):
    skip_pauses(True)
    replacement = lambda seconds: None  # noqa: E731 - as a test's monkeypatch would
    time.sleep = replacement
    skip_pauses(False)
    assert time.sleep is replacement


def test_a_replay_skips_pauses_until_it_ends(restored):
    cas.activate("replay", DEMO_CASSETTE)
    assert pausing.skipping() and took(time.sleep, 30) < 1
    cas.deactivate()
    assert not pausing.skipping() and took(pause, 0.2) >= 0.2


def test_recording_does_not_skip_pauses(restored, tmp_path):
    cas.activate("record", tmp_path / "cassettes" / "x.yaml")
    assert not pausing.skipping()


def test_openstacksdk_waiters_do_not_sleep_during_a_replay(restored):
    utils = pytest.importorskip("openstack.utils")
    cas.activate("replay", DEMO_CASSETTE)
    polls = utils.iterate_timeout(120, "waiting", wait=20)  # sleeps 20 s between polls
    assert took(lambda: [next(polls) for _ in range(3)]) < 5


def test_a_replayed_wait_that_never_gets_there_fails_after_the_polls_a_live_wait_makes(restored):
    from conoha_learn.errors import WaitTimeout
    from conoha_learn.waiting import wait_for

    polls = []

    def fetch():  # a cassette whose last answer is still BUILD
        polls.append(1)
        assert len(polls) < 1000, "polled in a busy loop, on the wall clock"
        return {"status": "BUILD"}

    skip_pauses(True)
    start = time.monotonic()
    with pytest.raises(WaitTimeout) as info:
        wait_for(fetch, "ACTIVE", what="server", timeout=600, interval=5, progress=False)
    assert len(polls) == 121  # at 0, 5, ... 600 seconds, as live
    assert time.monotonic() - start < 5
    assert "600 seconds" in str(info.value)
