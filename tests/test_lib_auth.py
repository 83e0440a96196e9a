"""Tokens: one per connection, renewed before expiry, re-requested once after a 401."""

from __future__ import annotations

import pytest
import requests
from lib_helpers import inject_fault, token_requests

import conoha_learn as cl
from conoha_learn.auth import token_url
from conoha_learn.config import Credentials
from conoha_learn.sim import Simulator
from conoha_learn.sim.seed import ACCOUNTS

DEFAULT = ACCOUNTS[0]


class FakeClock:
    """Our side's clock, moved by hand."""

    def __init__(self, start: float = 1_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now


def token_posts(conn) -> int:
    return sum(1 for e in conn.history if e.method == "POST" and "/tokens" in e.url)


def test_a_typical_flow_makes_exactly_one_token_request(sim):
    conn = cl.connect(sim=sim)
    conn.compute.flavors()
    conn.image.images()
    conn.network.security_groups()
    conn.block_storage.volume_types()
    conn.compute.servers()
    conn.catalog, conn.endpoint("compute"), conn.token
    assert token_requests(sim) == 1 and token_posts(conn) == 1


def test_token_is_renewed_shortly_before_it_expires():
    with Simulator(delay=0, seed=42, token_lifetime=3600) as sim:
        clock = FakeClock()
        conn = cl.connect(sim=sim)
        conn.clock = clock
        conn.authenticate()
        first = conn.token
        clock.now += 3600 - 301  # 301 s left: more than the 300 s margin
        conn.compute.flavors()
        assert conn.token is first and token_requests(sim) == 2  # connect + authenticate above
        clock.now += 2  # 299 s left
        conn.compute.flavors()
        assert conn.token is not first and token_requests(sim) == 3
        assert conn.history[-2].url.endswith("/auth/tokens")  # renewed before the call, no 401


def test_refresh_margin_is_configurable_and_short_tokens_renew_at_half_life():
    with Simulator(delay=0, seed=42, token_lifetime=60) as sim:
        clock = FakeClock()
        conn = cl.connect(sim=sim, refresh_margin=10)
        conn.clock = clock
        conn.authenticate()
        first = conn.token
        clock.now += 49  # 11 s left; the margin is min(10 s, half of 60 s) = 10 s
        assert conn.token is first
        clock.now += 2  # 9 s left
        assert conn.token is not first
    with Simulator(delay=0, seed=42, token_lifetime=60) as sim:
        clock = FakeClock()
        conn = cl.connect(sim=sim)  # default margin 300 s is longer than the token's life
        conn.clock = clock
        conn.authenticate()
        first = conn.token
        clock.now += 29  # 31 s left: still above half-life
        assert conn.token is first
        clock.now += 2  # 29 s left
        assert conn.token is not first


def test_clock_skew_does_not_cause_a_login_per_call(sim):
    """The seeded simulator lives on 2026-01-01; our clock says otherwise. The token's lifetime,
    not a comparison of two clocks, decides."""
    conn = cl.connect(sim=sim)
    for _ in range(5):
        conn.compute.flavors()
    assert token_requests(sim) == 1


def test_a_revoked_token_means_one_new_login_and_one_retry(sim):
    conn = cl.connect(sim=sim)
    old = conn.token.id
    r = requests.delete(f"{sim.auth_url}/auth/tokens",
                        headers={"X-Auth-Token": old, "X-Subject-Token": old}, timeout=5)
    assert r.status_code == 204
    flavors = conn.compute.flavors()
    assert len(flavors) > 0
    assert [e.status for e in conn.history[-3:]] == [401, 201, 200]
    assert token_posts(conn) == 2 and conn.token.id != old


def test_server_side_expiry_is_handled_by_the_401_retry(sim):
    conn = cl.connect(sim=sim)
    sim.state.clock.advance(25 * 3600)  # the simulator's tokens have all expired; ours looks fine
    conn.get("compute", "/flavors")
    assert [e.status for e in conn.history[-3:]] == [401, 201, 200]


def test_a_second_401_is_raised_not_retried_again(sim):
    conn = cl.connect(sim=sim)
    inject_fault(sim, 401, service="compute")  # the token is refused, however fresh
    with pytest.raises(cl.AuthenticationError) as info:
        conn.get("compute", "/flavors")
    assert info.value.status == 401 and "refused even after logging in again" in str(info.value)
    statuses = [e.status for e in conn.history[-3:]]
    assert statuses == [401, 201, 401]


@pytest.mark.parametrize("override", [
    {"password": "wrong-password"},
    {"project_id": "0" * 32},
    {"username": "gncu00000000"},
])
def test_refused_login_has_the_checklist_hint(sim, override):
    with pytest.raises(cl.AuthenticationError) as info:
        cl.connect(sim=sim, **override)
    e = info.value
    assert e.status == 401 and e.request_id.startswith("req-")
    assert "requires authentication" in e.message
    for word in ("password", "API user", "tenant", "auth_url"):
        assert word in e.hint
    assert "wrong-password" not in str(e) and "wrong-password" not in str(e.exchange)


def test_wrong_auth_url_path_hint(sim):
    with pytest.raises(cl.NotFound, match="check auth_url"):
        cl.connect(sim=sim, auth_url=f"{sim.url}/keystone/v3")


def test_login_by_ids_and_names(sim):
    by_id = cl.connect(sim=sim, user_id=DEFAULT["user_id"])
    assert by_id.history[0].request_body["auth"]["identity"]["password"]["user"]["id"] == DEFAULT["user_id"]
    creds = Credentials(auth_url=sim.auth_url, username=DEFAULT["user_name"], password=DEFAULT["password"],
                        project_name=DEFAULT["project_name"])
    by_name = cl.connect(sim=sim, credentials=creds)
    scope = by_name.history[0].request_body["auth"]["scope"]
    assert scope == {"project": {"name": DEFAULT["project_name"]}}  # ConoHa's NAME form: no domain
    assert by_name.token.project["id"] == DEFAULT["project_id"]


def test_identity_v2_the_2015_api(sim):
    conn = cl.connect(sim=sim, identity_api_version="2.0")
    t = conn.token
    assert t.auth_version == "2.0" and t.project["id"] == DEFAULT["project_id"]
    assert t.user["name"] == DEFAULT["user_name"] and t.lifetime == 24 * 3600
    assert conn.history[0].url == f"{sim.url}/identity/v2.0/tokens"
    body = conn.history[0].request_body
    assert body["auth"]["passwordCredentials"]["password"] == "$OS_PASSWORD"
    assert body["auth"]["tenantId"] == DEFAULT["project_id"]
    assert conn.history[0].response_body["access"]["token"]["id"] == "$OS_TOKEN"
    assert conn.endpoint("compute") == f"{sim.url}/compute/v2/{DEFAULT['project_id']}"
    assert conn.endpoint("compute", region="tyo1")
    assert len(conn.compute.flavors()) > 0  # the 2015 compute path works with the same code
    assert conn.last_exchange.request_headers["X-Auth-Token"] == "$OS_TOKEN"


def test_token_url_forms():
    def url(auth_url, version=None):
        return token_url(Credentials(auth_url=auth_url, identity_api_version=version))

    assert url("https://identity.c3j1.conoha.io/v3") == ("https://identity.c3j1.conoha.io/v3/auth/tokens", "3")
    assert url("https://identity.c3j1.conoha.io/v3/") == ("https://identity.c3j1.conoha.io/v3/auth/tokens", "3")
    assert url("https://identity.c3j1.conoha.io") == ("https://identity.c3j1.conoha.io/v3/auth/tokens", "3")
    assert url("https://identity.tyo1.conoha.io/v2.0") == ("https://identity.tyo1.conoha.io/v2.0/tokens", "2.0")
    assert url("https://identity.tyo1.conoha.io", "2") == ("https://identity.tyo1.conoha.io/v2.0/tokens", "2.0")
    with pytest.raises(cl.ConfigError, match="agree"):
        url("https://identity.tyo1.conoha.io/v2.0", "3")
    with pytest.raises(cl.ConfigError, match="Use 3"):
        url("https://x", "4")


def test_v2_needs_a_user_name(sim):
    with pytest.raises(cl.ConfigError, match="user name"):
        cl.connect(sim=sim, credentials=Credentials(auth_url=f"{sim.url}/identity/v2.0", user_id="abc",
                                                    password="x", project_id="y"))
