"""Shared fixtures: a real simulator on a free loopback port, and sessions logged in to it."""

from __future__ import annotations

import pytest
import requests

from conoha_learn.sim import Simulator
from conoha_learn.sim.seed import ACCOUNTS


@pytest.fixture
def sim():
    """A fresh simulator per test (it starts in milliseconds): no delays, fixed seed."""
    with Simulator(delay=0, seed=42) as s:
        yield s


def login(sim: Simulator, account: int = 0) -> requests.Session:
    """A requests.Session carrying a project-scoped token of a seeded account."""
    a = ACCOUNTS[account]
    body = {"auth": {"identity": {"methods": ["password"],
                                  "password": {"user": {"id": a["user_id"], "password": a["password"]}}},
                     "scope": {"project": {"id": a["project_id"]}}}}
    session = requests.Session()
    r = session.post(f"{sim.auth_url}/auth/tokens", json=body, timeout=10)
    assert r.status_code == 201, r.text
    session.headers["X-Auth-Token"] = r.headers["X-Subject-Token"]
    session.token_body = r.json()["token"]
    return session


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
