"""A room on one machine: deploy/jupyterhub_config.py with three real learners at once.

The same path as `make bench-room` (benchmarks/bench_room.py), with N=3: real Unix users log in
through PAM, their servers start, each kernel runs notebook 05's two-step create against the
learner's own private simulator; homes are 0700, the course (both editions) is copied in, and one
learner cannot use another's simulator or read their notebooks. Everything it creates (users,
homes, processes) is removed afterwards, also when it fails.

Root only (it creates users); CI runs as root, so there it runs. The first run on a machine builds
the learners' environment (a few minutes, then cached in /var/tmp/conoha-learn-room).
"""

from __future__ import annotations

import os
import pwd
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import bench_room  # noqa: E402
import room_machine  # noqa: E402

pytestmark = pytest.mark.slow

if os.geteuid() != 0:
    pytest.skip("a room needs root: it creates real Unix users and logs them in through PAM "
                "(CI runs as root; run `sudo make test` or `make bench-room N=3` to try it)",
                allow_module_level=True)


def prefixed_users() -> list[str]:
    return [u.pw_name for u in pwd.getpwall() if u.pw_name.startswith(room_machine.PREFIX)]


@pytest.fixture(scope="module")
def room():
    reason = room_machine.why_not()
    assert reason is None, reason       # as root, a missing tool is a failure, not a skip
    result = bench_room.run_room(3, say=print)
    print(bench_room.report(result))
    return result


def test_three_learners_reach_an_active_server_with_no_failure(room):
    failures = {lr.name: lr.failure for lr in room["learners"] if lr.failure}
    assert not failures
    for learner in room["learners"]:
        assert learner.login <= learner.ready <= learner.token <= learner.active
        # each learner's own private simulator, on their own port (20000 + uid % 10000)
        assert learner.url.startswith("http://127.0.0.1:2")
    assert len({lr.url for lr in room["learners"]}) == 3
    for name, pss in room["memory"].items():
        assert pss > 50, f"{name}: {pss:.0f} MB PSS: are their server and kernel theirs?"


def test_each_home_is_closed_and_holds_both_editions(room):
    for name, home in room["homes"].items():
        assert home == {"mode": "0o700", "en": True, "ja": True, "owner": True}, name
    assert room["start_url"].split("?")[0].endswith("/lab/tree/conoha-learn/notebooks/00_start_here.ipynb")


def test_a_learner_cannot_use_anothers_simulator_or_read_their_notebooks(room):
    seen = room["isolation"]
    assert seen is not None
    assert (seen["token"], seen["control"], seen["reset"]) == (401, 401, 401)
    assert (seen["home"], seen["notebook"], seen["secret"]) == ("denied", "denied", "denied")


def test_a_stopped_server_leaves_no_simulator_file_behind(room):
    """Culling stops servers: each kernel's simulator goes, and with it the owner's file."""
    assert room["stopped"] == 3
    assert room["secret_files_left"] == []


def test_nothing_is_left_on_the_machine(room):
    assert prefixed_users() == []
    assert not any(g.startswith(room_machine.GROUP) for g in
                   (line.split(":", 1)[0] for line in Path("/etc/group").read_text().splitlines()))


def test_users_of_a_killed_run_are_removed_by_the_next(monkeypatch):
    monkeypatch.setattr(room_machine.atexit, "register", lambda *a: None)  # as if killed
    users = room_machine.Users(1)
    home = users.home(f"{room_machine.PREFIX}001")
    assert home.is_dir() and prefixed_users() == [f"{room_machine.PREFIX}001"]
    assert room_machine.remove_leftovers() == [f"{room_machine.PREFIX}001"]
    assert prefixed_users() == [] and not home.exists()
