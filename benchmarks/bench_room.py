"""A room of N learners at once on one JupyterHub (deploy/jupyterhub_config.py), measured.

    make bench-room            # N=30, as root
    make bench-room N=5

N real Unix users log in together (PAM, through the hub's login form); for each, through the
hub's REST API, their server is started, a kernel opened, and notebook 05's two-step create run in
it (boot volume, then the server on it) against the learner's own private simulator. Then a table:
who reached their first token and their first ACTIVE server, login -> first token p50/p95/max,
memory per learner (PSS of their processes) and the machine's peak, failures and why; then
isolation: from learner A's kernel, B's simulator refuses the documented password and the control
API (401), and B's home and notebooks cannot be read. benchmarks/README.md ("room") has a run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests
import websocket

sys.path.insert(0, str(Path(__file__).resolve().parent))
import room_machine as machine  # noqa: E402

STEP_TIMEOUT = 300          # one cell (a spawn on a crowded machine, the create with its waits)
SERVER_TIMEOUT = 300        # from spawn request to a server that answers

CONNECT = """\
import os, time, conoha_learn as cl
conn = cl.connect()
print("FIRST-TOKEN", conn.mode, conn.simulator.url if conn.simulator else "")
"""
# Notebook 05's "by hand" solution: the boot volume from the image, then the server on it.
CREATE = """\
import requests, time
headers = {"X-Auth-Token": conn.token.id}
volume_url, compute_url = conn.endpoint("volumev3"), conn.endpoint("compute")
image_id = conn.image.find("vmi-ubuntu-24.04-amd64")["id"]
flavor_id = next(f["id"] for f in conn.compute.flavor_list() if f["name"] == "g2l-t-c2m1")
volume = requests.post(volume_url + "/volumes", headers=headers, timeout=30, json={"volume": {
    "size": 100, "volume_type": "c3j1-ds02-boot", "imageRef": image_id, "name": "room-boot"}})
volume_id = volume.json()["volume"]["id"]
conn.block_storage.wait(volume_id, "available", progress=False)
server = requests.post(compute_url + "/servers", headers=headers, timeout=30, json={"server": {
    "flavorRef": flavor_id, "block_device_mapping_v2": [{"uuid": volume_id, "boot_index": 0,
    "source_type": "volume", "destination_type": "volume"}], "metadata": {"instance_name_tag": "room"}}})
assert server.status_code == 202, server.text
print("FIRST-ACTIVE", conn.compute.wait(server.json()["server"]["id"], "ACTIVE", progress=False)["status"])
"""
# Run in A's kernel against B: B's simulator URL and home are filled in.
PRYING = """\
import json, os, requests
from conoha_learn.sim.seed import ACCOUNTS
url, home = {url!r}, {home!r}
a = ACCOUNTS[0]
auth = {{"auth": {{"identity": {{"methods": ["password"], "password": {{"user": {{"name": a["user_name"],
        "domain": {{"name": "gnc"}}, "password": a["password"]}}}}}},
        "scope": {{"project": {{"id": a["project_id"]}}}}}}}}
seen = {{"token": requests.post(url + "/identity/v3/auth/tokens", json=auth, timeout=10).status_code,
        "control": requests.get(url + "/_sim", timeout=10).status_code,
        "reset": requests.post(url + "/_sim/reset", timeout=10).status_code}}
for what, path in (("home", home), ("notebook", home + "/conoha-learn/notebooks/00_start_here.ipynb"),
                   ("secret", home + "/.conoha-learn/simulator.json")):
    try:
        os.listdir(path) if what == "home" else open(path).read()
        seen[what] = "readable"
    except PermissionError:
        seen[what] = "denied"
    except OSError as exc:
        seen[what] = type(exc).__name__
print("PRYING", json.dumps(seen))
"""


@dataclass
class Learner:
    name: str
    password: str
    login: float | None = None          # seconds from the start of the login
    ready: float | None = None          # the server answers
    token: float | None = None          # cl.connect() returned: the first token
    active: float | None = None         # the server reached ACTIVE
    url: str = ""                       # their simulator
    failure: str = ""
    kernel: tuple[str, str] | None = None
    notes: list[str] = field(default_factory=list)


class Kernel:
    """One kernel on a learner's server, driven over Jupyter's websocket protocol."""

    def __init__(self, hub: machine.Hub, name: str):
        base = f"{hub.url}/user/{name}"
        auth = {"Authorization": f"token {hub.token}"}
        r = requests.post(f"{base}/api/kernels", headers=auth, json={"name": "python3"}, timeout=60)
        r.raise_for_status()
        self.id = r.json()["id"]
        self.ws = websocket.create_connection(
            f"ws://{base.split('://', 1)[1]}/api/kernels/{self.id}/channels",
            header=[f"Authorization: token {hub.token}"], timeout=STEP_TIMEOUT)

    def run(self, code: str) -> str:
        """Execute ``code``; its printed output, or RuntimeError with the error."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "bench",
                       "session": uuid.uuid4().hex, "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": False,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
        out, error, replied, idle = [], None, False, False
        deadline = time.monotonic() + STEP_TIMEOUT
        while not (replied and idle):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no answer from the kernel in {STEP_TIMEOUT} s")
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                out.append(content["text"])
            elif kind == "error":
                error = f"{content['ename']}: {content['evalue']}"
            elif kind == "execute_reply":
                replied = True
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
        if error:
            raise RuntimeError(error + ("\n" + "".join(out)[-500:] if out else ""))
        return "".join(out)

    def close(self) -> None:
        self.ws.close()


def log_in(hub: machine.Hub, learner: Learner) -> None:
    """The hub's login form, as a browser sends it (PAM checks the password)."""
    s = requests.Session()
    s.get(f"{hub.url}/hub/login", timeout=60)
    r = s.post(f"{hub.url}/hub/login?next=", allow_redirects=False, timeout=120,
               data={"username": learner.name, "password": learner.password,
                     "_xsrf": s.cookies.get("_xsrf", "")})
    if r.status_code != 302:
        raise RuntimeError(f"login answered {r.status_code}")


def spawn(hub: machine.Hub, name: str) -> None:
    r = hub.api.post(f"{hub.url}/hub/api/users/{name}/server", timeout=60)
    if r.status_code not in (201, 202):
        raise RuntimeError(f"spawn request answered {r.status_code}: {r.text[:200]}")
    deadline = time.monotonic() + SERVER_TIMEOUT
    while time.monotonic() < deadline:
        user = hub.api.get(f"{hub.url}/hub/api/users/{name}", timeout=60).json()
        server = user.get("servers", {}).get("")
        if server and server.get("ready"):
            routed(hub, name, deadline)
            return
        if not server and not user.get("pending"):
            raise RuntimeError("the server stopped while starting (hub log)")
        time.sleep(1)
    raise TimeoutError(f"server not ready in {SERVER_TIMEOUT} s")


def routed(hub: machine.Hub, name: str, deadline: float) -> None:
    """The hub says "ready" a moment before its proxy has the learner's route (until then the
    proxy answers 404); a browser is only sent on once it is there, so wait for it too."""
    while time.monotonic() < deadline:
        r = requests.get(f"{hub.url}/user/{name}/api/status", timeout=60,
                         headers={"Authorization": f"token {hub.token}"})
        if r.status_code != 404:
            return
        time.sleep(0.5)
    raise TimeoutError(f"no route to {name}'s server in {SERVER_TIMEOUT} s")


def drive(hub: machine.Hub, learner: Learner) -> None:
    """One learner, from login to an ACTIVE server. Failures are recorded, not raised."""
    t0 = time.monotonic()
    step = "login"
    try:
        log_in(hub, learner)
        learner.login = time.monotonic() - t0
        step = "spawn"
        spawn(hub, learner.name)
        learner.ready = time.monotonic() - t0
        step = "kernel"
        kernel = Kernel(hub, learner.name)
        learner.kernel = (kernel.id, "")
        step = "cl.connect()"
        said = kernel.run(CONNECT)
        learner.token = time.monotonic() - t0
        learner.url = said.split()[-1] if "FIRST-TOKEN" in said else ""
        step = "notebook 05 create"
        said = kernel.run(CREATE)
        if "FIRST-ACTIVE ACTIVE" not in said:
            raise RuntimeError(said[-300:])
        learner.active = time.monotonic() - t0
        kernel.close()
    except Exception as exc:  # noqa: BLE001 (every reason goes in the table)
        learner.failure = f"{step}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def run_room(count: int, say=print) -> dict:
    """The whole measurement; everything it made is gone when it returns (or raises)."""
    reason = machine.why_not()
    if reason:
        raise RuntimeError(f"bench-room {reason}")
    left = machine.remove_leftovers()
    if left:
        say(f"room: removed {len(left)} users left by an earlier run")
    bin_dir, course = machine.learner_environment(say)
    proxy = machine.proxy_command(say)
    users = machine.Users(count)
    hub = None
    try:
        hub = machine.Hub(bin_dir, course, proxy)
        learners = [Learner(n, p) for n, p in users.passwords.items()]
        baseline, peak = machine.used_mb(), [machine.used_mb()]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.5):
                peak.append(machine.used_mb())

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        load_before = os.getloadavg()
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=count) as pool:
            list(pool.map(lambda learner: drive(hub, learner), learners))
        wall = time.monotonic() - started
        memory = {lr.name: machine.pss_mb(users.uid(lr.name)) for lr in learners}
        done.set()
        sampler.join()
        result = {"count": count, "learners": learners, "memory": memory, "wall": wall,
                  "baseline_mb": baseline, "peak_mb": max(peak), "load": (load_before, os.getloadavg()),
                  "homes": {lr.name: home_facts(users, lr.name) for lr in learners},
                  "start_url": start_url(hub, learners)}
        result["isolation"] = isolation(hub, learners, users)
        result["stopped"] = stop_servers(hub, learners)
        result["secret_files_left"] = [lr.name for lr in learners if
                                       (users.home(lr.name) / ".conoha-learn" / "simulator.json").exists()]
        return result
    except Exception:
        if hub is not None:
            say(f"room: hub log (end):\n{hub.tail()}")
        raise
    finally:
        if hub is not None:
            hub.close()
        users.close()


def stop_servers(hub: machine.Hub, learners: list[Learner], timeout: float = 120) -> int:
    """Stop every server as the culler does (the hub's API); how many stopped in time."""
    for lr in learners:
        hub.api.delete(f"{hub.url}/hub/api/users/{lr.name}/server", timeout=60)
    deadline = time.monotonic() + timeout
    running = {lr.name for lr in learners}
    while running and time.monotonic() < deadline:
        running = {n for n in running if hub.api.get(f"{hub.url}/hub/api/users/{n}",
                                                     timeout=60).json().get("servers")}
        time.sleep(1)
    return len(learners) - len(running)


def home_facts(users: machine.Users, name: str) -> dict:
    home = users.home(name)
    copy = home / "conoha-learn" / "notebooks"
    start = copy / "00_start_here.ipynb"
    return {"mode": oct(home.stat().st_mode & 0o777),
            "en": start.exists(), "ja": (copy / "ja" / "00_start_here.ipynb").exists(),
            "owner": start.exists() and start.stat().st_uid == users.uid(name)}


def start_url(hub: machine.Hub, learners: list[Learner]) -> str:
    """Where a learner's server sends them first (the hub's default_url)."""
    for lr in learners:
        if lr.ready is not None:
            r = hub.api.get(f"{hub.url}/user/{lr.name}/", allow_redirects=False, timeout=30)
            return r.headers.get("Location", f"(answered {r.status_code})")
    return ""


def isolation(hub: machine.Hub, learners: list[Learner], users: machine.Users) -> dict | None:
    """From the first learner's kernel, against the second learner's simulator and home."""
    ok = [lr for lr in learners if lr.token is not None and lr.url]
    if len(ok) < 2:
        return None
    a, b = ok[0], ok[1]
    kernel = Kernel(hub, a.name)
    try:
        said = kernel.run(PRYING.format(url=b.url, home=str(users.home(b.name))))
    finally:
        kernel.close()
    return {"from": a.name, "against": b.name, "url": b.url,
            **json.loads(said.split("PRYING", 1)[1])}


def report(result: dict) -> str:
    learners = result["learners"]
    n = result["count"]
    tokens = [lr.token for lr in learners if lr.token is not None]
    ready = [lr.ready for lr in learners if lr.ready is not None]
    active = [lr for lr in learners if lr.active is not None]
    mem = list(result["memory"].values())
    (l1, l5, l15), (a1, a5, a15) = result["load"]
    total_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    lines = [f"room: {n} learners at once, {os.cpu_count()} cores, {total_gb:.0f} GB, "
             f"load average before {l1:.2f} {l5:.2f} {l15:.2f}, after {a1:.2f} {a5:.2f} {a15:.2f}",
             "", "| figure | value |", "| --- | --- |",
             f"| reached their first token | {len(tokens)}/{n} |",
             f"| reached their first ACTIVE server | {len(active)}/{n} |"]
    for label, values in (("login -> server ready", ready), ("login -> first token", tokens),
                          ("login -> first ACTIVE", [lr.active for lr in active])):
        if values:
            lines.append(f"| {label} p50 / p95 / max | {percentile(values, .5):.1f} / "
                         f"{percentile(values, .95):.1f} / {max(values):.1f} s |")
    if mem:
        lines.append(f"| memory per learner (PSS) mean / max | {statistics.mean(mem):.0f} / "
                     f"{max(mem):.0f} MB |")
    lines += [f"| machine: memory in use before / peak | {result['baseline_mb']:.0f} / "
              f"{result['peak_mb']:.0f} MB (+{result['peak_mb'] - result['baseline_mb']:.0f}) |",
              f"| wall time, all learners | {result['wall']:.0f} s |",
              f"| failures | {sum(1 for lr in learners if lr.failure)} |", ""]
    lines += [f"  {lr.name}: {lr.failure}" for lr in learners if lr.failure]
    homes = result["homes"].values()
    lines.append(f"homes 0700: {sum(h['mode'] == '0o700' for h in homes)}/{n}; "
                 f"course copied (en + ja, owned by the learner): "
                 f"{sum(h['en'] and h['ja'] and h['owner'] for h in homes)}/{n}; "
                 f"first page: {result['start_url']}")
    lines.append(f"servers stopped through the API: {result['stopped']}/{n}; private simulator "
                 f"files left after that: {len(result['secret_files_left'])}")
    iso = result["isolation"]
    if iso:
        lines.append(f"isolation, {iso['from']} against {iso['against']}'s simulator: documented "
                     f"password {iso['token']}, /_sim {iso['control']}, /_sim/reset {iso['reset']}; "
                     f"home {iso['home']}, notebook {iso['notebook']}, secret file {iso['secret']}")
    return "\n".join(lines)


def rows(quick: bool = False) -> list[dict]:
    """For `make bench` (benchmarks/run.py), which runs every bench_*.py: a room is not run there."""
    return [{"room": "not run by make bench",
             "why": "it creates Unix users and needs root: run `sudo make bench-room` on its own"}]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--learners", type=int, default=30)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    reason = machine.why_not()
    if reason:
        print(f"bench-room: {reason}", file=sys.stderr)
        return 2
    result = run_room(args.learners)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps({**result, "learners": [lr.__dict__ for lr in result["learners"]]},
                                        indent=2, default=str))
    return 1 if any(lr.failure for lr in result["learners"]) else 0


if __name__ == "__main__":
    sys.exit(main())
