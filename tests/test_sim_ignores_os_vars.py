"""Sim mode leaves a real cloud's OS_* settings aside, and says so once, with how to go live."""

from __future__ import annotations

import warnings

import pytest

import conoha_learn as cl
from conoha_learn import connection
from conoha_learn.config import ignored_in_sim
from conoha_learn.i18n import set_language


def test_a_real_auth_url_or_cloud_is_named_a_local_one_is_not():
    said = ignored_in_sim({"OS_AUTH_URL": "https://identity.c3j1.conoha.io/v3"})
    assert "OS_AUTH_URL=https://identity.c3j1.conoha.io/v3" in said and "CONOHA_LEARN_MODE=live" in said
    assert "OS_CLOUD=conoha" in ignored_in_sim({"OS_CLOUD": "conoha"})
    # what `conoha-learn lab` puts in its terminals (and kernels): the simulator itself
    assert ignored_in_sim({"OS_AUTH_URL": "http://127.0.0.1:8765/identity/v3"}) is None
    assert ignored_in_sim({}) is None


def test_in_japanese():
    set_language("ja")
    try:
        assert "CONOHA_LEARN_MODE=live" in ignored_in_sim({"OS_CLOUD": "conoha"})
        assert "シミュレーター" in ignored_in_sim({"OS_CLOUD": "conoha"})
    finally:
        set_language("en")


def test_connect_in_sim_mode_says_it_once(monkeypatch, sim):
    monkeypatch.setattr(connection, "_said", set())
    monkeypatch.setenv("OS_AUTH_URL", "https://identity.c3j1.conoha.io/v3")
    monkeypatch.setenv("CONOHA_LEARN_SIM_PORT", str(sim.port))
    monkeypatch.delenv("CONOHA_LEARN_MODE", raising=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):
            cl.connect().close()
    said = [str(w.message) for w in caught if "OS_AUTH_URL" in str(w.message)]
    assert len(said) == 1 and "cl.connect('live')" in said[0]
