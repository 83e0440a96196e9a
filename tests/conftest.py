"""Shared fixtures: a real simulator on a free loopback port, and sessions logged in to it."""

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

