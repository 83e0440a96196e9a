"""Private mode: on a machine learners share, a simulator is its owner's alone.

Everyone on one machine reaches everyone's 127.0.0.1. With CONOHA_LEARN_PRIVATE_SIM=1 (set by the
hub's spawner) the learner password is random and /_sim wants a secret; both sit in a file only the
owner can read, from which the owner's cl.connect(), %openstack and cl.use_in_terminal() log in.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import requests

import conoha_learn as cl
from conoha_learn import connection, local_sim
from conoha_learn.magics import cloud_environment
from conoha_learn.sim import Simulator
from conoha_learn.sim.private import SECRET_HEADER
from conoha_learn.sim.seed import ACCOUNTS
from ports import free_port

CONTROL = [("GET", "/_sim"), ("POST", "/_sim/reset"), ("GET", "/_sim/accounts"),
           ("POST", "/_sim/accounts"), ("POST", "/_sim/clock"), ("GET", "/_sim/resources"),
           ("GET", "/_sim/faults"), ("POST", "/_sim/faults"), ("DELETE", "/_sim/faults")]
NOBODY = 65534



@pytest.fixture
def private(monkeypatch, tmp_path):
    """Private mode as the spawner sets it, the owner's file in this test's folder."""
    for name in [n for n in os.environ if n.startswith(("OS_", "CONOHA_LEARN_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("CONOHA_LEARN_PRIVATE_SIM", "1")
    monkeypatch.setenv("CONOHA_LEARN_PRIVATE_FILE", str(tmp_path / "owner" / "simulator.json"))
    monkeypatch.setenv("CONOHA_LEARN_SIM_PORT", str(free_port()))
    yield tmp_path / "owner" / "simulator.json"
    local_sim.stop_embedded()
    connection._current = None


def token_request(url: str, password: str, account: int = 0) -> requests.Response:
    a = ACCOUNTS[account]
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": a["user_name"], "domain": {"name": "gnc"}, "password": password}}},
        "scope": {"project": {"id": a["project_id"]}}}}
    return requests.post(f"{url}/identity/v3/auth/tokens", json=body, timeout=10)


def test_owner_connects_without_typing_anything_and_others_are_refused(private):
    conn = cl.connect()                       # starts the owner's private simulator
    url = conn.simulator.url
    servers_before = conn.get("compute", "/servers")["servers"]
    # the owner's file: 0600, in a folder only the owner can enter, naming this simulator
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE(private.parent.stat().st_mode) & 0o077 == 0
    record = json.loads(private.read_text())
    assert record["url"] == url and record["password"] != ACCOUNTS[0]["password"]
    assert conn.credentials.password == record["password"]

    # another user: the documented passwords no longer open anything
    for account in (0, 1):
        refused = token_request(url, ACCOUNTS[account]["password"], account)
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == 401
    assert requests.get(f"{url}/compute/v2.1/servers", timeout=10).status_code == 401
    # ...nor does the control API, whatever the verb, with no secret or a wrong one
    for method, path in CONTROL:
        for headers in ({}, {SECRET_HEADER: "guess"}, {SECRET_HEADER: record["secret"] + "x"}):
            answer = requests.request(method, url + path, json={}, headers=headers, timeout=10)
            assert answer.status_code == 401, (method, path, headers, answer.text)
            assert answer.json()["error"]["title"] == "Unauthorized"
            assert SECRET_HEADER in answer.json()["error"]["message"]
    assert conn.get("compute", "/servers")["servers"] == servers_before  # no reset went through

    # the owner, with the secret from the file
    ok = requests.get(url + "/_sim", headers=local_sim.control_headers(url), timeout=10)
    assert ok.status_code == 200 and ok.json()["simulator"]["url"] == url
    assert token_request(url, record["password"]).status_code == 201


def test_percent_openstack_and_use_in_terminal_get_the_private_password(private, capsys):
    conn = cl.connect()
    connection._current = None          # as in a fresh kernel: no connection to copy from
    env = cloud_environment("sim")
    assert env["OS_AUTH_URL"] == conn.simulator.auth_url
    assert env["OS_PASSWORD"] == json.loads(private.read_text())["password"]
    terminal = cl.use_in_terminal("sim")
    assert terminal["OS_PASSWORD"] == env["OS_PASSWORD"]
    assert env["OS_PASSWORD"] not in capsys.readouterr().out  # shown hidden, as always


def test_a_second_process_of_the_owner_finds_the_simulator_through_the_file(private, tmp_path):
    """`conoha-learn sim --private` in a terminal; a notebook's cl.connect() uses it."""
    port = free_port()
    env = {**os.environ, "CONOHA_LEARN_PRIVATE_SIM": "0"}   # --private alone must be enough
    proc = subprocess.Popen([sys.executable, "-m", "conoha_learn.cli", "sim", "--private",
                             "--port", str(port)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not private.exists():
            assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read()
            time.sleep(0.1)
        conn = cl.connect()
        assert conn.simulator is None                       # not a simulator of its own
        assert conn.credentials.auth_url == f"http://127.0.0.1:{port}/identity/v3"
        assert conn.get("compute", "/flavors")["flavors"]
    finally:
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=30)[0]
    assert not private.exists(), "the file should go when its simulator stops"
    assert SECRET_HEADER in output and "Private mode" in output


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another local user")
def test_another_local_user_can_neither_read_the_file_nor_log_in(private):
    python = "/usr/bin/python3"  # the system's: nobody may not enter root's own Python folders
    if not os.access(python, os.X_OK):
        pytest.skip("no /usr/bin/python3 to run as another user")
    cl.connect()
    url = json.loads(private.read_text())["url"]
    script = textwrap.dedent(f"""
        import json, urllib.request, urllib.error, sys
        try:
            open({str(private)!r}).read()
            print("read the file")
        except PermissionError:
            print("file refused")
        for path in ("/_sim", "/_sim/resources"):
            try:
                urllib.request.urlopen({url!r} + path, timeout=10)
                print("control open")
            except urllib.error.HTTPError as e:
                print("control", e.code)
    """)
    other = subprocess.run([python, "-c", script], capture_output=True, text=True,
                           timeout=60, preexec_fn=lambda: (os.setgid(NOBODY), os.setuid(NOBODY)),
                           cwd="/", env={"PATH": os.environ.get("PATH", ""), "HOME": "/nonexistent"})
    assert other.stdout.split("\n")[:3] == ["file refused", "control 401", "control 401"], other.stderr


def test_private_simulator_object_and_its_display(private):
    with Simulator(private=True, delay=0) as sim:
        assert sim.secret and sim.credentials()["OS_PASSWORD"] != ACCOUNTS[0]["password"]
        conn = cl.connect(sim=sim)                 # the Simulator object's own password
        assert conn.get("compute", "/flavors")["flavors"]
        # a reset keeps the random passwords: the documented ones must not come back
        requests.post(sim.url + "/_sim/reset", headers={SECRET_HEADER: sim.secret}, timeout=10)
        assert token_request(sim.url, ACCOUNTS[0]["password"]).status_code == 401
        assert token_request(sim.url, sim.credentials()["OS_PASSWORD"]).status_code == 201
        shown = str(sim)
        assert sim.url in shown and "private=yes" in shown and "delay=0s" in shown
        assert sim.secret not in shown + repr(sim)
        assert sim.credentials()["OS_PASSWORD"] not in shown + repr(sim)
    with Simulator(private=False, delay=0) as public:
        assert "private=no" in repr(public) and public.url in repr(public)


def test_unclear_switch_is_a_clear_error(private, monkeypatch):
    monkeypatch.setenv("CONOHA_LEARN_PRIVATE_SIM", "maybe")
    with pytest.raises(cl.ConfigError, match="CONOHA_LEARN_PRIVATE_SIM"):
        cl.connect()


def test_private_mode_refuses_an_old_state_file(tmp_path):
    state = tmp_path / "sim.sqlite"
    Simulator(state_file=str(state), private=False).state.store.close()
    with pytest.raises(ValueError, match="state file"):
        Simulator(state_file=str(state), private=True)
    with Simulator(state_file=str(tmp_path / "new.sqlite"), private=True, delay=0) as sim:
        assert token_request(sim.url, sim.credentials()["OS_PASSWORD"]).status_code == 201


def test_a_stale_file_is_not_used(private):
    private.parent.mkdir(mode=0o700)
    private.write_text(json.dumps({"url": f"http://127.0.0.1:{free_port()}", "secret": "s",
                                   "password": "p"}))
    conn = cl.connect()                 # nothing listens there: start a new one, write it down
    assert json.loads(private.read_text())["url"] == conn.simulator.url


def test_public_mode_is_unchanged(monkeypatch, tmp_path):
    monkeypatch.delenv("CONOHA_LEARN_PRIVATE_SIM", raising=False)
    monkeypatch.setenv("CONOHA_LEARN_PRIVATE_FILE", str(tmp_path / "simulator.json"))
    with Simulator(delay=0) as sim:
        assert sim.secret is None
        assert requests.get(sim.url + "/_sim", timeout=10).status_code == 200
        assert token_request(sim.url, ACCOUNTS[0]["password"]).status_code == 201
    assert not Path(tmp_path / "simulator.json").exists()
