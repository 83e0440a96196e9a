"""Tokens carry themselves (sim/tokens.py): none is forgotten, a revoked one stays revoked, and
memory does not grow with the number issued."""

from __future__ import annotations

import gc
import re
import tracemalloc

import pytest
import requests

from conoha_learn.audit import scan_text
from conoha_learn.sim import accounts
from conoha_learn.sim.identity import issue_token, lookup_token
from conoha_learn.sim.populate import ConohaSeeding
from conoha_learn.sim.seed import ACCOUNTS
from conoha_learn.sim.state import SimConfig, SimState

DEFAULT = ACCOUNTS[0]


@pytest.fixture
def state():
    sim = SimState(SimConfig(seed=3, delay=0), ConohaSeeding())
    yield sim
    sim.store.close()


def _issue(sim: SimState, user_id: str = DEFAULT["user_id"]) -> str:
    user = sim.store.get("user", user_id)
    return issue_token(sim, user, sim.store.get("project", user["project_id"]), ["password"])[0]


def test_a_token_says_who_and_what_and_looks_like_keystones(state):
    token = _issue(state)
    assert re.fullmatch(r"gAAAAAB[A-Za-z0-9_-]{150,250}", token), token  # Fernet's length class
    doc = lookup_token(state, token)
    assert doc["user_id"] == DEFAULT["user_id"] and doc["project_id"] == DEFAULT["project_id"]
    assert doc["methods"] == ["password"] and doc["expires_at"] - doc["issued_at"] == 24 * 3600
    assert DEFAULT["user_id"] not in token and DEFAULT["project_id"] not in token  # opaque
    assert scan_text(f"token = {token}\n", "notes.txt"), "the audit must still recognise a token"


def test_a_changed_or_foreign_token_is_refused(state):
    token = _issue(state)
    flipped = token[:40] + ("A" if token[40] != "A" else "B") + token[41:]
    assert lookup_token(state, flipped) is None
    assert lookup_token(state, token + "!") is None and lookup_token(state, token[:-1]) is None
    other = SimState(SimConfig(seed=4, delay=0), ConohaSeeding())  # another simulator, another key
    try:
        assert lookup_token(other, token) is None
    finally:
        other.store.close()


def test_thousands_of_tokens_later_the_first_still_works_and_memory_stays_flat(state):
    first = _issue(state)
    for _ in range(2000):
        _issue(state)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(5000):
            _issue(state)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert lookup_token(state, first) is not None
    assert grown < 64 * 1024, f"{grown} bytes kept for 5000 tokens"
    assert state.store.count("token") == 0 and state.store.count("revocation") == 0


def test_revoked_stays_revoked_and_the_list_forgets_expired_events(state):
    tokens = [_issue(state) for _ in range(3)]
    state.tokens.revoke(lookup_token(state, tokens[0]), state.now())
    assert lookup_token(state, tokens[0]) is None and lookup_token(state, tokens[1]) is not None
    state.clock.advance(24 * 3600 + 1)  # every token so far has expired: its event is not needed
    state.tokens.revoke(lookup_token(state, _issue(state)), state.now())
    assert list(state.tokens.revoked.audits) == [lookup_audit(state)]
    assert state.store.count("revocation") == 1


def lookup_audit(state: SimState) -> str:
    return state.store.list("revocation")[0]["audit_id"]


def test_password_change_and_user_deletion_revoke_the_users_tokens(state):
    mine, theirs = _issue(state), _issue(state, ACCOUNTS[1]["user_id"])
    accounts.set_password(state, DEFAULT["user_id"], "New-pass-1")
    assert lookup_token(state, mine) is None and lookup_token(state, theirs) is not None
    state.clock.tick()  # revocation events are per second, as Keystone's
    assert lookup_token(state, _issue(state)) is not None  # a login after the change works
    accounts.delete_user(state, ACCOUNTS[1]["user_id"])
    assert lookup_token(state, theirs) is None


def test_revocations_and_key_survive_a_restart_and_a_reset_ends_old_tokens(tmp_path):
    config = SimConfig(seed=5, delay=0, state_file=str(tmp_path / "sim.db"))
    sim = SimState(config, ConohaSeeding())
    kept, revoked = _issue(sim), _issue(sim)
    sim.tokens.revoke(lookup_token(sim, revoked), sim.now())
    sim.store.close()
    again = SimState(config, ConohaSeeding())
    try:
        assert lookup_token(again, kept) is not None and lookup_token(again, revoked) is None
        again.reset()
        assert lookup_token(again, kept) is None
    finally:
        again.store.close()


def test_over_http_a_busy_client_keeps_its_first_token(sim):
    """The 401 that stopped `make bench`: the old store forgot all but a project's last 1,000."""
    body = {"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"id": DEFAULT["user_id"], "password": DEFAULT["password"]}}},
        "scope": {"project": {"id": DEFAULT["project_id"]}}}}
    url = f"{sim.auth_url}/auth/tokens"
    with requests.Session() as s:
        issued = [s.post(url, json=body, timeout=10).headers["X-Subject-Token"] for _ in range(1100)]
        first = {"X-Auth-Token": issued[0]}
        assert s.get(f"{sim.url}/compute/v2.1/servers", headers=first, timeout=10).status_code == 200
        assert s.delete(url, headers={**first, "X-Subject-Token": issued[1]}, timeout=10).status_code == 204
        refused = s.get(f"{sim.url}/compute/v2.1/servers", headers={"X-Auth-Token": issued[1]}, timeout=10)
        assert refused.status_code == 401
