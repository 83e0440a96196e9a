"""Persistence: ``kill -9`` mid-load with a state file, restart, and nothing acknowledged is lost.

Also what a restart must keep besides the resources: tokens issued before it still open the API,
ids go on without colliding with stored ones (the seeded generator is not simply started over),
and the clock does not go back (queued status changes still come due, expired tokens stay
expired).
"""

from __future__ import annotations

import threading
import time

import pytest
import requests

from conoha_learn.sim import Simulator
from conoha_learn.sim.seed import ACCOUNTS

from sim_session import login
from sim_robust import SimProcess, create_volume, login_as, new_account, volumes_url
from sim_workload import Worker, fetch, run_workers, verify

PROJECT = ACCOUNTS[0]["project_id"]


def _volumes(api: requests.Session, url: str) -> list[dict]:
    r = api.get(f"{volumes_url(url, PROJECT)}/detail", timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["volumes"]


# --- restarts in this process ------------------------------------------------------------------

@pytest.mark.parametrize("seed", [None, 7])
def test_restart_keeps_tokens_and_continues_ids_without_collision(tmp_path, seed):
    state = str(tmp_path / "sim.sqlite")
    with Simulator(delay=0, seed=seed, state_file=state, quota_volumes=100, quota_gigabytes=100_000) as sim:
        api = login(sim)
        first = create_volume(api, sim.url, PROJECT, size=200, name="before").json()["volume"]
    with Simulator(delay=0, seed=seed, state_file=state, quota_volumes=100, quota_gigabytes=100_000) as sim:
        # The session keeps its token from before the restart. With the seed, the 41st volume
        # drawn after a plain restart would reuse the first run's id: seeding took 160 words of
        # randomness, the login 36, each volume 4.
        for i in range(45):
            r = create_volume(api, sim.url, PROJECT, size=200, name=f"after-{i}")
            assert r.status_code == 202, r.text
        volumes = _volumes(api, sim.url)
        assert len(volumes) == 46 == len({v["id"] for v in volumes})
        assert next(v for v in volumes if v["id"] == first["id"])["name"] == "before"
        # A second login after the restart must not reproduce any stored token either.
        again = login(sim)
        assert again.headers["X-Auth-Token"] != api.headers["X-Auth-Token"]


def test_restart_keeps_the_seeded_clock_going(tmp_path):
    """Seeded, the clock moves one second per request; restarting it at its start would leave
    queued status changes waiting (here, with delay=5) for as many requests as were made."""
    state = str(tmp_path / "sim.sqlite")
    with Simulator(delay=5, seed=3, state_file=state) as sim:
        api = login(sim)
        volume_id = create_volume(api, sim.url, PROJECT, size=200).json()["volume"]["id"]
        for _ in range(20):  # 20 requests = 20 seeded seconds: the volume is due long before
            requests.get(f"{sim.url}/_sim", timeout=10)
    with Simulator(delay=5, seed=3, state_file=state) as sim:
        shown = api.get(f"{volumes_url(sim.url, PROJECT)}/{volume_id}", timeout=10).json()["volume"]
        assert shown["status"] == "available"


def test_restart_keeps_a_clock_moved_forward(tmp_path):
    """A token expired with /_sim/clock stays expired after a restart."""
    state = str(tmp_path / "sim.sqlite")
    with Simulator(delay=0, state_file=state, token_lifetime=60) as sim:
        api = login(sim)
        assert requests.post(f"{sim.url}/_sim/clock", json={"advance": 120}, timeout=10).status_code == 200
        assert api.get(f"{sim.url}/compute/v2.1/servers", timeout=10).status_code == 401
    with Simulator(delay=0, state_file=state, token_lifetime=60) as sim:
        assert api.get(f"{sim.url}/compute/v2.1/servers", timeout=10).status_code == 401
        assert login(sim).get(f"{sim.url}/compute/v2.1/servers", timeout=10).status_code == 200


# --- kill -9 ------------------------------------------------------------------------------------

def _workers(url: str, prefix: str, accounts: int = 2, per_account: int = 5) -> list[Worker]:
    workers = []
    for a in range(accounts):
        owner = new_account(url, f"{prefix}{a}")
        for n in range(per_account):
            session = login_as(url, *owner.credentials)
            workers.append(Worker(url, session, owner.project_id, f"{prefix}{a}w{n}", seed=a * 10 + n))
    return workers


def _repoint(workers: list[Worker], url: str) -> None:
    """The restarted simulator listens on a new port; the sessions (and tokens) stay."""
    for w in workers:
        w.url = url


@pytest.mark.slow
@pytest.mark.parametrize("seed", [None, 5])
def test_kill_9_mid_load_loses_nothing_acknowledged(tmp_path, seed):
    state = str(tmp_path / "sim.sqlite")
    args = ["--state", state, "--delay", "0"] + (["--seed", str(seed)] if seed is not None else [])
    first = SimProcess.start(*args)
    try:
        workers = _workers(first.url, "crash")
        stop = threading.Event()
        runner = threading.Thread(target=run_workers, args=(workers, 30, stop), daemon=True)
        runner.start()
        time.sleep(2.5)
        first.kill()  # SIGKILL, while the workers have requests in flight
        stop.set()
        runner.join(timeout=60)
        assert not runner.is_alive()
    finally:
        first.kill()
    assert not [e for w in workers for e in w.errors], [e for w in workers for e in w.errors]
    acknowledged = sum(sum(w.counts.values()) for w in workers)
    assert acknowledged > 50, "the load barely started before the kill"
    cut = [w.cut_off for w in workers if w.cut_off]
    assert cut, "no request was in flight at the kill"
    print(f"\n{acknowledged} answers before the kill; {len(cut)} requests cut off")

    with SimProcess.start(*args) as second:
        _repoint(workers, second.url)
        for w in workers:  # tokens issued before the crash still open the API
            assert w.session.get(f"{second.url}/compute/v2.1/servers", timeout=10).status_code == 200
        verify(workers, second.url)

        # Life goes on after the restart: new clients in new projects, old ones untouched
        # (new ids that collided with stored ones would overwrite what verify just saw).
        later = _workers(second.url, "after")
        run_workers(later, 2.0)
        assert not [e for w in later for e in w.errors + ([w.cut_off] if w.cut_off else [])]
        verify(later, second.url)
        verify(workers, second.url)
        listing = fetch(workers[0].session, second.url, workers[0].project_id)
        assert listing["servers"] or listing["volumes"] or listing["keypairs"]
