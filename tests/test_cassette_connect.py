"""``cl.connect()`` in record and replay modes: the mode variable is all a notebook needs."""

from __future__ import annotations

import os

import pytest

import conoha_learn as cl
from cassette_helpers import no_network
from conoha_learn import cassette as cas
from conoha_learn.sim import Simulator


@pytest.fixture
def kernel_env(monkeypatch, tmp_path):
    """A clean environment, as a kernel started by `conoha-learn record` or nbval would see."""
    for name in [n for n in os.environ if n.startswith(("OS_", "CONOHA_LEARN_", "JPY_"))]:
        monkeypatch.delenv(name)
    path = tmp_path / "notebooks" / "cassettes" / "02_tokens.yaml"
    monkeypatch.setenv("CONOHA_LEARN_CASSETTE", str(path))
    yield path
    cas.deactivate()


def notebook(conn: cl.Connection) -> dict:
    """A few cells' worth of library calls."""
    flavors = conn.compute.flavors()
    return {"user": conn.token.user["name"], "project": conn.token.project["id"],
            "plans": sorted(flavors["name"])[:3], "images": len(conn.image.images()),
            "catalog": conn.catalog["url"].tolist()}


def test_record_then_replay_through_connect(kernel_env, monkeypatch):
    with Simulator(delay=0, seed=8, token_lifetime=cas.RECORDING_TOKEN_LIFETIME) as sim:
        for name, value in sim.credentials().items():  # what `conoha-learn record` exports
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("CONOHA_LEARN_MODE", "record")
        with cl.connect() as conn:
            recorded = notebook(conn)
        cas.deactivate()  # the recording is written here
    assert kernel_env.is_file() and recorded["plans"]

    for name in [n for n in os.environ if n.startswith("OS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("CONOHA_LEARN_MODE", "replay")
    with no_network() as tried, cl.connect() as conn:
        replayed = notebook(conn)
        assert conn.credentials.source == "the cassette 02_tokens.yaml"
        assert conn.token.expires_at.year == 9999  # never renewed during a replay
    assert tried == []
    assert replayed == {**recorded, "user": "USER_NAME_1", "project": "TENANT_ID_1",
                        "catalog": [url.replace(sim.url, cas.CANONICAL_BASE)
                                    .replace(recorded["project"], "TENANT_ID_1")
                                    for url in recorded["catalog"]]}


def test_record_without_credentials_records_the_simulator(kernel_env, monkeypatch):
    with Simulator(delay=0, seed=8) as sim:
        monkeypatch.setenv("CONOHA_LEARN_SIM_PORT", str(sim.port))
        with cl.connect("record") as conn:
            assert conn.credentials.auth_url == sim.auth_url
        cas.deactivate()
    assert "USER_NAME_1" in kernel_env.read_text()


def test_the_2015_api_replays_too(kernel_env, monkeypatch):
    with Simulator(delay=0, seed=8, token_lifetime=cas.RECORDING_TOKEN_LIFETIME) as sim:
        monkeypatch.setenv("CONOHA_LEARN_SIM_PORT", str(sim.port))
        with cl.connect("record") as v3, cl.connect("record", identity_api_version="2.0") as v2:
            recorded = (v3.token.auth_version, v2.token.auth_version, len(v2.compute.flavors()))
        cas.deactivate()
    with no_network():
        with cl.connect("replay") as v3, cl.connect("replay", identity_api_version="2.0") as v2:
            assert v2.credentials.auth_url == cas.CANONICAL_BASE + "/identity/v2.0"
            assert (v3.token.auth_version, v2.token.auth_version, len(v2.compute.flavors())) == recorded


def test_replay_without_the_cassette_says_how_to_record_it(kernel_env, monkeypatch):
    monkeypatch.setenv("CONOHA_LEARN_MODE", "replay")
    with pytest.raises(cl.ConfigError) as info:
        cl.connect()
    assert "conoha-learn record" in str(info.value) and "02_tokens.ipynb" in str(info.value)
