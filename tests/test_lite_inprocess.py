"""The library through the in-process transport (conoha_learn/inprocess.py), as a browser tab runs it.

The tests imported below are the socket suite's own, run here a second time with the `sim` fixture
replaced: the simulator answers at the address of a loopback port nothing listens on, so a request
that escaped the in-process adapter would fail with a connection error. Same assertions, both
transports, so the browser edition cannot rot unseen.
"""

from __future__ import annotations

import pytest
import requests
from ports import free_port, port_open

import conoha_learn as cl
from conoha_learn import connection, inprocess, local_sim
from conoha_learn.errors import ConfigError, RequestTimeout
from conoha_learn.sim import Simulator

# The socket suite's tests, collected again in this module (pytest collects imported test_*).
from test_build_exercises_nb00_04 import (  # noqa: F401
    test_v3_login_accepts_a_scoped_login_and_its_header_token,
    test_v3_login_names_what_keystone_refused,
    test_volume_types_accepts_cinders_list,
)
from test_build_exercises_nb05 import (  # noqa: F401
    by_hand,
    test_a_volume_without_imageref_cannot_boot,
    test_the_right_two_requests_pass,
)
from test_lib_cleanup import test_cleanup_deletes_only_what_the_library_created  # noqa: F401
from test_lib_compute import (  # noqa: F401
    test_create_server_the_conoha_v3_way,
    test_keypair_create_saves_private_key_once,
    test_power_actions_by_dict_name_and_id,
    test_volume_create_wait_delete,
)
from test_lib_connect import test_raw_verbs, test_repr_token_and_catalog  # noqa: F401
from test_lib_errors import test_bad_request, test_not_found_with_nova_envelope  # noqa: F401
from test_lib_object_store import test_upload_list_download_and_a_public_url  # noqa: F401


@pytest.fixture
def sim():
    """An in-process simulator (no socket) at the address of a port where nothing listens."""
    port = free_port()
    s = inprocess.start(f"http://127.0.0.1:{port}", delay=0, seed=42)
    yield s
    inprocess.unroute(s.url)
    s.stop()
    assert not port_open(port)  # it never listened


@pytest.fixture
def fresh(monkeypatch):
    """No simulator started by this process before or after the test."""
    local_sim.stop_embedded()
    yield monkeypatch
    inprocess.unroute(f"http://{local_sim.HOST}:8765")
    local_sim.stop_embedded()
    connection._current = None


def test_connect_runs_the_simulator_in_process_when_asked(fresh):
    fresh.setenv(inprocess.VARIABLE, "inprocess")
    fresh.delenv("CONOHA_LEARN_MODE", raising=False)
    conn = cl.connect()
    assert conn.simulator is not None and conn.simulator._server is None  # no socket was opened
    assert conn.credentials.auth_url == "http://127.0.0.1:8765/identity/v3"  # the usual address
    flavors = conn.get("compute", "/flavors")
    assert any(f["name"] == "g2l-t-c2m1" for f in flavors["flavors"])
    assert conn.last_exchange.status == 200
    assert "$OS_TOKEN" in conn.last_exchange.as_curl()
    assert cl.connect().simulator is conn.simulator  # kept between connect()s, as a server is


def test_a_wrong_choice_says_what_the_choices_are(fresh):
    fresh.setenv(inprocess.VARIABLE, "thread")
    with pytest.raises(ConfigError, match="'inprocess'"):
        inprocess.wanted()


def test_server_forces_a_socket_even_in_a_page(fresh):
    fresh.setattr(inprocess.sys, "platform", "emscripten")
    assert inprocess.wanted()
    fresh.setenv(inprocess.VARIABLE, "server")
    assert not inprocess.wanted()


def test_the_transcript_is_the_same_over_both_transports():
    """What the course shows (last_exchange, as_curl) does not depend on the transport."""
    shown = []
    for make in (lambda: Simulator(delay=0, seed=42).start(),
                 lambda: inprocess.start(f"http://127.0.0.1:{free_port()}", delay=0, seed=42)):
        sim = make()
        try:
            conn = cl.connect(sim=sim)
            conn.get("compute", "/flavors")
            exchange = conn.last_exchange
            shown.append((exchange.text().replace(sim.url, "SIM"),
                          exchange.as_curl().replace(sim.url, "SIM")))
        finally:
            inprocess.unroute(sim.url)
            sim.stop()
            connection._current = None
    assert shown[0] == shown[1]


def test_head_has_headers_and_no_body(sim):
    conn = cl.connect(sim=sim)
    account = conn.endpoint("object-store")
    answer = requests.head(account, headers={"X-Auth-Token": conn.token.id}, timeout=10)
    assert answer.status_code == 204 and answer.content == b""
    assert answer.headers["X-Account-Container-Count"] == "0"


def test_a_slow_answer_is_a_read_timeout(sim):
    conn = cl.connect(sim=sim, timeout=(1, 0.2))
    requests.post(f"{sim.url}/_sim/faults", timeout=5,
                  json={"service": "compute", "latency": 0.5, "count": 1})
    with pytest.raises(RequestTimeout, match="0.2 s"):
        conn.get("compute", "/flavors")


def test_unroute_gives_the_address_back_to_the_network():
    port = free_port()
    sim = inprocess.start(f"http://127.0.0.1:{port}", delay=0)
    assert requests.get(f"{sim.url}/_sim", timeout=5).ok
    inprocess.unroute(sim.url)
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"{sim.url}/_sim", timeout=5)
    sim.stop()


def test_recording_a_cassette_uses_a_socket_even_when_inprocess_is_asked(fresh):
    """vcrpy records what crosses a socket; in-process requests would leave the cassette empty."""
    from pathlib import Path

    from conoha_learn.cassette import activation
    fresh.setenv(inprocess.VARIABLE, "inprocess")
    fresh.setattr(activation, "_ACTIVE", {"mode": "record", "path": Path("unused.yaml")})
    fresh.setenv(local_sim.PORT_VARIABLE, str(free_port()))
    url, sim = inprocess.find_or_start()
    assert sim is not None and sim._server is not None and port_open(sim.port)
