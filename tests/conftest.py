"""Shared fixtures: a real simulator on a free loopback port, and sessions logged in to it.

Also how `make test` spreads the tests over pytest-xdist workers (`pytest_collection_modifyitems`).
"""

from __future__ import annotations

import pytest
from sim_session import login

from conoha_learn.sim import Simulator


@pytest.fixture
def sim():
    """A fresh simulator per test (it starts in milliseconds): no delays, fixed seed."""
    with Simulator(delay=0, seed=42) as s:
        yield s


@pytest.fixture
def api(sim):
    """A session for the default account (tenant gnct12345678)."""
    with login(sim, 0) as s:
        yield s


@pytest.fixture
def other_api(sim):
    """A session for the second seeded account, to check tenant isolation."""
    with login(sim, 1) as s:
        yield s


@pytest.fixture
def conn(sim):
    """A helper-library connection to the test simulator; cl.check() sees it as the current one."""
    import conoha_learn as cl
    from conoha_learn import connection
    c = cl.connect(sim=sim)
    yield c
    c.close()
    connection._current = None


# --- in parallel (pytest-xdist, `make test`) ---------------------------------------------------------
# `make test` runs with `--dist loadfile`: each file's tests run in one worker, in their order, as
# in a serial run, so a module-scoped set-up (a built site, a Binder environment, one simulator for
# a module) is made once and a module's last test can count what the others did. (Not loadgroup:
# with pytest 9.2 it silently stops grouping, pytest-xdist issue 1386.)

MARKS_OF_SLOW_FILES = ("slow", "clients")  # tests that take seconds each (pyproject's markers)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On a pytest-xdist worker, the files whose tests are marked slow (or drive real clients)
    come first, the larger first, so that no worker is left with a long file at the end while
    the others sit idle. Each file's tests keep their order. A serial run is left as it is."""
    if not hasattr(config, "workerinput"):
        return
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], []).append(item)

    def first_the_slow_and_large(tests: list[pytest.Item]) -> tuple[bool, int]:
        slow = any(item.get_closest_marker(mark) for item in tests for mark in MARKS_OF_SLOW_FILES)
        return (not slow, -len(tests))

    items[:] = [item for tests in sorted(files.values(), key=first_the_slow_and_large)
                for item in tests]
