"""A room of learners on one machine: their first cl.connect() calls do not trip over each other.

Found with 20 real users on a hub: kernels that probe the same free port within milliseconds all
try to bind it, and Werkzeug ends the losers with SystemExit(1). Now the port is taken by binding,
the loser uses the winner's simulator (when it may) or a free port; in private mode each user has
a port of their own; and the owner's file goes when the simulator's process ends.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from conoha_learn import local_sim
from conoha_learn.sim import Simulator
from ports import free_port


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in [n for n in os.environ if n.startswith(("OS_", "CONOHA_LEARN_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("CONOHA_LEARN_PRIVATE_FILE", str(tmp_path / "owner" / "simulator.json"))
    yield tmp_path / "owner" / "simulator.json"
    local_sim.stop_embedded()


def test_losing_the_race_for_a_public_port_uses_the_winners_simulator(clean_env, monkeypatch):
    port = free_port()
    monkeypatch.setenv("CONOHA_LEARN_SIM_PORT", str(port))
    with Simulator(port=port, delay=0) as winner:     # bound after our probe said "free"
        answers = iter(["free"])
        real_probe = local_sim.probe
        monkeypatch.setattr(local_sim, "probe", lambda p: next(answers, None) or real_probe(p))
        url, started = local_sim.find_or_start(say=pytest.fail)
        assert (url, started) == (winner.url, None)


def test_losing_the_race_in_private_mode_falls_back_to_a_free_port(clean_env, monkeypatch):
    port = free_port()
    monkeypatch.setenv("CONOHA_LEARN_PRIVATE_SIM", "1")
    monkeypatch.setenv("CONOHA_LEARN_SIM_PORT", str(port))
    said = []
    with Simulator(port=port, delay=0, private=True):  # somebody else's, bound after our probe
        monkeypatch.setattr(local_sim, "probe", lambda p: "free")
        monkeypatch.setattr(local_sim, "_winner", lambda p, private: None)  # no 2 s wait
        url, started = local_sim.find_or_start(say=said.append)
    assert started is not None and started.port != port and url == started.url
    assert said and str(port) in said[0]
    assert clean_env.exists()                         # published for its owner


def test_private_mode_defaults_to_the_users_own_port(clean_env, monkeypatch):
    assert local_sim.user_port(1001) == 21001
    assert local_sim.user_port(11001) == 21001          # 10000 apart: the same (then a fallback)
    assert all(20000 <= local_sim.user_port(uid) < 30000 for uid in (0, 999, 65533, 4294967294))
    assert local_sim.configured_port() == (8765, False)  # one learner, one laptop: as before
    monkeypatch.setenv("CONOHA_LEARN_PRIVATE_SIM", "1")
    assert local_sim.configured_port() == (local_sim.user_port(os.getuid()), False)
    monkeypatch.setenv("CONOHA_LEARN_SIM_PORT", "9999")
    assert local_sim.configured_port() == (9999, True)


def test_the_owners_file_goes_when_the_kernel_exits(clean_env, tmp_path):
    script = textwrap.dedent(f"""
        import os, conoha_learn as cl
        conn = cl.connect()
        assert os.path.exists({str(clean_env)!r})
        print("connected", conn.simulator.url)
    """)
    env = {**os.environ, "CONOHA_LEARN_PRIVATE_SIM": "1", "CONOHA_LEARN_SIM_PORT": str(free_port()),
           "CONOHA_LEARN_PRIVATE_FILE": str(clean_env), "CONOHA_LEARN_MODE": "sim"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "connected" in done.stdout
    assert not clean_env.exists()
