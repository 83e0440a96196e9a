"""Logging in to a test simulator with plain requests (used by conftest.py and several tests)."""

from __future__ import annotations

import requests

from conoha_learn.sim import Simulator
from conoha_learn.sim.seed import ACCOUNTS


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
