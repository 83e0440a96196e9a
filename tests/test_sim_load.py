"""Load: 50 concurrent clients doing mixed create/list/act/delete against one simulator.

The simulator runs as ``conoha-learn sim`` in its own process (as in a seminar room), so the
clients' threads do not compete with it for this process's interpreter lock. Ten accounts with
five clients each: the default quotas (10 servers, 10 volumes per project) are reached now and
then, so quota checks race for real. Every answer must be one the workload expects (2xx, or the
quota's 403/413), listings taken mid-run must agree with what each client was told, and at the
end the simulator must hold exactly what the acknowledged operations imply.
"""

from __future__ import annotations

import collections
import threading

import pytest
import requests

from sim_robust import PLAN, UBUNTU, SimProcess, login_as, new_account
from sim_workload import QUOTA_STATUSES, Worker, run_workers, verify

pytestmark = pytest.mark.slow

CLIENTS, ACCOUNTS, SECONDS = 50, 10, 12


def test_fifty_clients_lose_and_duplicate_nothing():
    with SimProcess.start("--delay", "0") as sim:
        accounts = [new_account(sim.url, f"load{i}") for i in range(ACCOUNTS)]
        workers = []
        for i in range(CLIENTS):  # each client logs in for itself: its own token
            owner = accounts[i % ACCOUNTS]
            session = login_as(sim.url, *owner.credentials)
            workers.append(Worker(sim.url, session, owner.project_id, f"w{i}", seed=i))

        run_workers(workers, SECONDS)

        errors = [e for w in workers for e in w.errors] + [w.cut_off for w in workers if w.cut_off]
        assert not errors, "\n".join(errors)
        counts = sum((w.counts for w in workers), collections.Counter())
        refusals = {op: n for (op, status), n in counts.items() if QUOTA_STATUSES.get(op) == status}
        done = sum(counts.values())
        assert all(sum(w.counts.values()) >= 5 for w in workers), "some client barely ran"
        assert done >= 500, f"only {done} requests in {SECONDS} s"

        verify(workers, sim.url)
        resources = requests.get(f"{sim.url}/_sim/resources", timeout=30).json()["resources"]
        for i in range(ACCOUNTS):
            mine = [w for w in workers if w.project_id == accounts[i].project_id]
            held = resources[f"p-load{i}"]
            assert held["server"] == held["port"] == sum(len(w.servers) for w in mine)
            assert held["volume"] == sum(len(w.volumes) + len(w.servers) for w in mine)
            assert held["keypair"] == sum(len(w.keypairs) for w in mine)
        print(f"\n{done} requests by {CLIENTS} clients in {SECONDS} s; quota refusals: {refusals}")


def test_quotas_hold_when_clients_race_for_the_last_slots():
    """30 clients of one project ask at the same instant; exactly the quota gets through."""
    with SimProcess.start("--delay", "0") as sim:
        owner = new_account(sim.url, "race")
        sessions = [login_as(sim.url, *owner.credentials) for _ in range(30)]
        volumes = f"{sim.url}/block-storage/v3/{owner.project_id}/volumes"

        def race(requests_: list) -> collections.Counter:
            start = threading.Barrier(len(requests_))
            answers = collections.Counter()

            def one(session, method, url, body):
                start.wait()
                answers[session.request(method, url, json=body, timeout=60).status_code] += 1

            threads = [threading.Thread(target=one, args=r) for r in requests_]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=120)
            return answers

        # 15 boot volumes asked for at once: Cinder's quota of 10 lets exactly 10 through (413)
        made = race([(s, "POST", volumes, {"volume": {"size": 100, "imageRef": UBUNTU}})
                     for s in sessions[:15]])
        assert made == {202: 10, 413: 5}
        boot = [v["id"] for v in owner.get(f"{volumes}/detail", timeout=30).json()["volumes"]]
        assert len(boot) == 10  # all available now (delay 0)
        # 15 servers at once on those 10 volumes (5 asked twice): each volume boots one server
        # only, and the 10 servers fill the server quota exactly; a second request for a volume
        # is refused as a volume in use (400) or, once 10 servers exist, by the quota (403)
        servers = race([(s, "POST", f"{sim.url}/compute/v2.1/servers", {"server": {
            "flavorRef": PLAN, "block_device_mapping_v2": [{"uuid": v}]}})
            for s, v in zip(sessions, boot + boot[:5])])
        assert servers[202] == 10 and servers[400] + servers[403] == 5, servers
        listed = owner.get(f"{sim.url}/compute/v2.1/servers", timeout=30).json()["servers"]
        assert len(listed) == 10
        assert len(owner.get(volumes, timeout=30).json()["volumes"]) == 10
