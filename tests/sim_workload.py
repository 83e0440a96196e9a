"""A mixed workload for the load and crash tests, and the check that nothing was lost.

Each `Worker` is one client with its own `requests.Session`, in a project it may share with other
workers. It creates, lists, acts on and deletes *its own* key pairs, volumes and servers (names
start with the worker's name), and remembers every answer the simulator acknowledged. Since only
its owner touches a resource, a worker knows exactly what the simulator must hold for it; quota
refusals (403/413) are the only answers allowed to depend on the other workers.

`verify` then compares the simulator's listings with what the workers were told. An operation
whose answer never came (the simulator was killed meanwhile) may have happened or not: it is
kept as *uncertain* and either outcome is accepted for it, and only for it.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

from sim_robust import PLAN, UBUNTU, volumes_url

QUOTA_STATUSES = {"create_server": 403, "create_volume": 413, "create_boot_volume": 413,
                  "create_keypair": 403}


class Unexpected(Exception):
    """An answer the workload did not expect: the test fails with it."""


@dataclass
class Worker:
    url: str
    session: requests.Session
    project_id: str
    name: str
    seed: int
    keypairs: set[str] = field(default_factory=set)
    volumes: dict[str, str] = field(default_factory=dict)     # free volumes: name -> id
    servers: dict[str, dict] = field(default_factory=dict)    # name -> {id, status, volume_id}
    uncertain: dict | None = None  # the operation whose answer was lost, if any
    counts: Counter = field(default_factory=Counter)          # (operation, status) -> how many
    errors: list[str] = field(default_factory=list)           # unexpected answers
    cut_off: str | None = None     # why the simulator stopped answering (crash test)
    _serial: int = 0

    # -- the loop -------------------------------------------------------------------------------
    def run(self, stop: threading.Event, deadline: float) -> None:
        rng = random.Random(self.seed)
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                self.step(rng)
            except requests.RequestException as exc:  # the simulator went away (crash test)
                self.cut_off = f"{self.name}: {type(exc).__name__} during {self.uncertain}"
                return
            except Unexpected as exc:
                self.errors.append(f"{self.name}: {exc}")
                self.uncertain = None
                return

    def step(self, rng: random.Random) -> None:
        held = len(self.servers) + len(self.volumes) + len(self.keypairs)
        choices = [("create_keypair", 3 if held < 6 else 1), ("create_volume", 2 if held < 6 else 1),
                   ("create_server", 3 if len(self.servers) < 2 else 1), ("list", 2)]
        if self.keypairs:
            choices.append(("delete_keypair", 2))
        if self.volumes:
            choices.append(("delete_volume", 2))
        if self.servers:
            choices += [("act", 4), ("delete_server", 2)]
        names, weights = zip(*choices)
        operation = rng.choices(names, weights)[0]
        getattr(self, operation)(rng)

    def _call(self, operation: str, method: str, path: str, expected: set[int], *,
              subject: dict, **kw) -> requests.Response:
        """One request; ``subject`` says what it is about, in case its answer never comes."""
        self.uncertain = {"operation": operation, **subject}
        r = self.session.request(method, self.url + path, timeout=30, **kw)
        self.counts[(operation, r.status_code)] += 1
        if r.status_code not in expected:
            raise Unexpected(f"{operation} {method} {path}: {r.status_code} {r.text[:300]}")
        self.uncertain = None
        return r

    def _next(self, kind: str) -> str:
        self._serial += 1
        return f"{self.name}-{kind}{self._serial}"

    # -- operations -----------------------------------------------------------------------------
    def create_keypair(self, rng: random.Random) -> None:
        name = self._next("k")
        r = self._call("create_keypair", "POST", "/compute/v2.1/os-keypairs", {200, 403},
                       subject={"keypair": name}, json={"keypair": {"name": name}})
        if r.status_code == 200:
            self.keypairs.add(name)

    def delete_keypair(self, rng: random.Random) -> None:
        name = rng.choice(sorted(self.keypairs))
        self._call("delete_keypair", "DELETE", f"/compute/v2.1/os-keypairs/{name}", {202},
                   subject={"keypair": name, "deleting": True})
        self.keypairs.discard(name)

    def _volumes_path(self) -> str:
        return volumes_url("", self.project_id)

    def create_volume(self, rng: random.Random, *, boot: bool = False) -> str | None:
        name = self._next("v")
        body = {"size": 100, "imageRef": UBUNTU, "name": name} if boot else {"size": 200, "name": name}
        operation = "create_boot_volume" if boot else "create_volume"
        r = self._call(operation, "POST", self._volumes_path(), {202, 413},
                       subject={"volume": name}, json={"volume": body})
        if r.status_code != 202:
            return None
        self.volumes[name] = r.json()["volume"]["id"]
        return name

    def delete_volume(self, rng: random.Random) -> None:
        name = rng.choice(sorted(self.volumes))
        volume_id = self.volumes[name]
        self._call("delete_volume", "DELETE", f"{self._volumes_path()}/{volume_id}", {202},
                   subject={"volume": name, "deleting": True})
        del self.volumes[name]

    def create_server(self, rng: random.Random) -> None:
        volume = self.create_volume(rng, boot=True)
        if volume is None:
            return
        name = self._next("s")
        body = {"name": name, "flavorRef": PLAN, "block_device_mapping_v2": [
            {"uuid": self.volumes[volume], "boot_index": 0, "delete_on_termination": True}]}
        r = self._call("create_server", "POST", "/compute/v2.1/servers", {202, 403},
                       subject={"server": name, "volume": volume}, json={"server": body})
        if r.status_code == 202:
            volume_id = self.volumes.pop(volume)
            self.servers[name] = {"id": r.json()["server"]["id"], "status": "ACTIVE",
                                  "volume_id": volume_id, "volume": volume}

    def act(self, rng: random.Random) -> None:
        name = rng.choice(sorted(self.servers))
        server = self.servers[name]
        if server["status"] == "ACTIVE":
            action, after = rng.choice([({"os-stop": None}, "SHUTOFF"),
                                        ({"reboot": {"type": "SOFT"}}, "ACTIVE")])
        else:
            action, after = rng.choice([({"os-start": None}, "ACTIVE"),
                                        ({"reboot": {"type": "HARD"}}, "ACTIVE")])
        self._call("act", "POST", f"/compute/v2.1/servers/{server['id']}/action", {202},
                   subject={"server": name, "status": {server["status"], after}}, json=action)
        server["status"] = after

    def delete_server(self, rng: random.Random) -> None:
        name = rng.choice(sorted(self.servers))
        server = self.servers[name]
        self._call("delete_server", "DELETE", f"/compute/v2.1/servers/{server['id']}", {204},
                   subject={"server": name, "volume": server["volume"], "deleting": True})
        del self.servers[name]  # its boot volume goes with it (delete_on_termination)

    def list(self, rng: random.Random) -> None:
        """Mid-run listings must already agree with everything acknowledged so far."""
        listing = fetch(self.session, self.url, self.project_id)
        problems = compare(self, listing)
        if problems:
            raise Unexpected("; ".join(problems))


# --- checking ---------------------------------------------------------------------------------

def fetch(session: requests.Session, url: str, project_id: str) -> dict:
    """The project's servers, volumes, key pairs and ports, as the API lists them."""
    def get(path: str) -> dict:
        r = session.get(url + path, timeout=60)
        if r.status_code != 200:
            raise Unexpected(f"GET {path}: {r.status_code} {r.text[:300]}")
        return r.json()

    return {"servers": get("/compute/v2.1/servers/detail")["servers"],
            "volumes": get(f"{volumes_url('', project_id)}/detail")["volumes"],
            "keypairs": [k["keypair"] for k in get("/compute/v2.1/os-keypairs")["keypairs"]],
            "ports": get("/networking/v2.0/ports")["ports"]}


def _mine(worker: Worker, items: list[dict], problems: list[str]) -> dict[str, dict]:
    """The worker's items by name; a name listed twice is a duplicated resource."""
    found: dict[str, dict] = {}
    for item in items:
        name = item.get("name") or ""
        if name.startswith(worker.name + "-"):
            if name in found:
                problems.append(f"{name} is listed twice")
            found[name] = item
    return found


def compare(worker: Worker, listing: dict) -> list[str]:
    """Where the listing disagrees with what this worker was told (allowing its uncertain op)."""
    problems = []
    u = worker.uncertain or {}

    def expect(kind: str, expected: set[str], listed: set[str]) -> None:
        maybe = {u[kind]} if kind in u else set()
        if not (expected - maybe) <= listed or not listed <= (expected | maybe):
            problems.append(f"{worker.name} {kind}s: expected {sorted(expected)} (maybe "
                            f"{sorted(maybe)}), listed {sorted(listed)}")

    servers = _mine(worker, listing["servers"], problems)
    volumes = _mine(worker, listing["volumes"], problems)
    keypairs = _mine(worker, listing["keypairs"], problems)
    expect("keypair", worker.keypairs, set(keypairs))
    expect("server", set(worker.servers), set(servers))
    boot_volumes = {s["volume"] for s in worker.servers.values()}
    expect("volume", set(worker.volumes) | boot_volumes, set(volumes))
    for name, server in worker.servers.items():
        if name not in servers:
            continue
        shown = servers[name]
        allowed = u["status"] if u.get("server") == name and "status" in u else {server["status"]}
        if shown["id"] != server["id"] or shown["status"] not in allowed:
            problems.append(f"{name}: {shown['id']} {shown['status']}, expected {server}")
        volume = volumes.get(server["volume"])
        if volume is None or volume["status"] != "in-use" or volume["attachments"][0]["server_id"] != server["id"]:
            problems.append(f"{name}: boot volume {server['volume']} not in use by it: {volume}")
    for name, volume_id in worker.volumes.items():
        if name in volumes and (volumes[name]["id"] != volume_id or volumes[name]["status"] != "available"):
            if u.get("volume") != name:
                problems.append(f"{name}: expected {volume_id} available, listed {volumes[name]}")
    return problems


def verify(workers: list[Worker], url: str, quota_servers: int = 10, quota_volumes: int = 10) -> None:
    """The simulator holds exactly what the workers' acknowledged operations imply."""
    by_project: dict[str, list[Worker]] = {}
    for w in workers:
        by_project.setdefault(w.project_id, []).append(w)
    for project_id, group in by_project.items():
        listing = fetch(group[0].session, url, project_id)
        problems = [p for w in group for p in compare(w, listing)]
        assert not problems, "\n".join(problems)
        ids = [s["id"] for s in listing["servers"]]
        assert len(ids) == len(set(ids)) <= quota_servers, f"servers over quota or twice: {ids}"
        assert len(listing["volumes"]) <= quota_volumes, f"{len(listing['volumes'])} volumes"
        # One port per server, no orphans: a port outlives its server only by a bug.
        devices = sorted(p["device_id"] for p in listing["ports"])
        assert devices == sorted(ids), f"ports of {devices}, servers {sorted(ids)}"
        others = [s for s in listing["servers"] if not any(s["name"].startswith(w.name + "-") for w in group)]
        assert not others, f"servers nobody created: {others}"


def run_workers(workers: list[Worker], seconds: float, stop: threading.Event | None = None) -> None:
    """Run every worker in its own thread for ``seconds`` (or until ``stop``), then join them."""
    stop = stop or threading.Event()
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=w.run, args=(stop, deadline), name=w.name, daemon=True)
               for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
        assert not t.is_alive(), f"worker {t.name} is stuck"
