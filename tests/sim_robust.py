"""Helpers shared by the simulator's robustness tests (hostile input, isolation, load, crash).

* `make_resources`: one of everything a project can own (server, volumes, key pair, security
  group and rule, port, metadata), made over HTTP like a learner would.
* `snapshot`: every stored row, to prove that a refused request changed nothing.
* `check_envelope`: the error body each service writes (shared/reference §4).
* `SimProcess`: ``conoha-learn sim`` in a child process, which can be killed with SIGKILL.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass

import requests

from conoha_learn.sim import Simulator
from conoha_learn.sim.seed import images

UBUNTU = images()[0]["id"]
PLAN = "g2l-t-c2m1"

# Which envelope an error from each path prefix is written in (401s are always Keystone's).
STYLES = {"compute": "nova", "block-storage": "nova", "networking": "neutron",
          "image-service": "glance"}


# --- making things ----------------------------------------------------------------------------

def login_as(url: str, user_name: str, password: str, project_name: str,
             session: requests.Session | None = None) -> requests.Session:
    """A session carrying a project-scoped token, by user and project *names*."""
    body = {"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": user_name, "password": password, "domain": {"name": "gnc"}}}},
        "scope": {"project": {"name": project_name, "domain": {"name": "gnc"}}}}}
    session = session or requests.Session()
    r = session.post(f"{url}/identity/v3/auth/tokens", json=body, timeout=10)
    assert r.status_code == 201, r.text
    session.headers["X-Auth-Token"] = r.headers["X-Subject-Token"]
    session.project_id = r.json()["token"]["project"]["id"]
    return session


def new_account(url: str, name: str) -> requests.Session:
    """A fresh account (POST /_sim/accounts), logged in; ``.credentials`` logs in again."""
    credentials = (f"u-{name}", f"Pw-{name}-1", f"p-{name}")
    r = requests.post(f"{url}/_sim/accounts", timeout=10, json=dict(
        zip(("user_name", "password", "project_name"), credentials)))
    assert r.status_code == 201, r.text
    session = login_as(url, *credentials)
    session.credentials = credentials
    return session


def volumes_url(url: str, project_id: str) -> str:
    return f"{url}/block-storage/v3/{project_id}/volumes"


def create_volume(api: requests.Session, url: str, project_id: str, **fields) -> requests.Response:
    return api.post(volumes_url(url, project_id), json={"volume": fields}, timeout=10)


def create_server(api: requests.Session, url: str, volume_id: str, **fields) -> requests.Response:
    body = {"flavorRef": PLAN, "block_device_mapping_v2": [{"uuid": volume_id}], **fields}
    return api.post(f"{url}/compute/v2.1/servers", json={"server": body}, timeout=10)


def make_resources(api: requests.Session, url: str, project_id: str, tag: str) -> dict:
    """One of everything a project owns, all settled (the simulator must run with delay=0)."""
    def ok(r: requests.Response, status: int) -> dict:
        assert r.status_code == status, r.text
        return r.json() if r.content else {}

    net = f"{url}/networking/v2.0"
    ok(api.post(f"{url}/compute/v2.1/os-keypairs", json={"keypair": {"name": f"key-{tag}"}}), 200)
    group = ok(api.post(f"{net}/security-groups", json={"security_group": {"name": f"sg-{tag}"}}), 201)
    rule = ok(api.post(f"{net}/security-group-rules", json={"security_group_rule": {
        "security_group_id": group["security_group"]["id"], "direction": "ingress",
        "protocol": "tcp", "port_range_min": 8080, "port_range_max": 8080}}), 201)
    boot = ok(create_volume(api, url, project_id, size=100, imageRef=UBUNTU, name=f"boot-{tag}"), 202)
    extra = ok(create_volume(api, url, project_id, size=200, name=f"data-{tag}"), 202)
    ok(api.get(f"{volumes_url(url, project_id)}/detail", timeout=10), 200)  # settles both
    server = ok(create_server(api, url, boot["volume"]["id"], name=f"vm-{tag}",
                              key_name=f"key-{tag}", metadata={"role": tag},
                              security_groups=[{"name": f"sg-{tag}"}]), 202)
    server_id = server["server"]["id"]
    ok(api.get(f"{url}/compute/v2.1/servers/detail", timeout=10), 200)  # settles the server
    ports = ok(api.get(f"{net}/ports", params={"device_id": server_id}, timeout=10), 200)["ports"]
    return {"project_id": project_id, "server_id": server_id, "keypair": f"key-{tag}",
            "boot_volume_id": boot["volume"]["id"], "volume_id": extra["volume"]["id"],
            "security_group_id": group["security_group"]["id"],
            "rule_id": rule["security_group_rule"]["id"], "port_id": ports[0]["id"],
            "metadata_key": "role", "token": api.headers["X-Auth-Token"]}


# --- looking at state -------------------------------------------------------------------------

def snapshot(sim: Simulator) -> tuple[list, list]:
    """Every resource row and every meta row of the simulator's store, in a stable order."""
    store = sim.state.store
    with store.lock:
        rows = store._db.execute("SELECT kind, id, project, body FROM resources ORDER BY seq").fetchall()
        meta = store._db.execute("SELECT key, value FROM meta ORDER BY key").fetchall()
    return rows, meta


def check_envelope(r: requests.Response) -> None:
    """The response is an error in the envelope its service writes (and says it is JSON)."""
    status = r.status_code
    if requests.utils.urlparse(r.url).path.startswith("/object-storage/"):
        # Swift writes no JSON: a short HTML page, <html><h1>Not Found</h1><p>...</p></html>,
        # or, for its constraint and quota errors, the bare sentence (swift/common/constraints.py).
        content_type = r.headers.get("Content-Type", "")
        assert content_type.startswith(("text/html", "text/plain")), (status, r.text[:300])
        if r.request.method != "HEAD":
            page = re.fullmatch(r"<html><h1>[A-Za-z -]+</h1><p>.+</p></html>", r.text, re.S)
            assert page or (r.text.strip() and "<html>" not in r.text), r.text
            assert not (page and content_type.startswith("text/plain")), r.text
        return
    assert r.headers.get("Content-Type", "").startswith("application/json"), (status, r.text[:300])
    body = r.json()
    service = requests.utils.urlparse(r.url).path.split("/")[1]
    style = "keystone" if status == 401 else STYLES.get(service, "keystone")
    if status == 401:
        assert r.headers.get("WWW-Authenticate", "").startswith("Keystone uri="), r.headers
    if style == "keystone":
        assert set(body) == {"error"}, body
        assert body["error"]["code"] == status and isinstance(body["error"]["title"], str), body
        assert isinstance(body["error"]["message"], str) and body["error"]["message"], body
    elif style == "nova":
        assert len(body) == 1, body
        (fault, inner), = body.items()
        assert isinstance(inner, dict) and inner["code"] == status, body
        assert isinstance(inner["message"], str) and inner["message"], body
    elif style == "neutron":
        assert set(body) == {"NeutronError"}, body
        inner = body["NeutronError"]
        assert isinstance(inner["type"], str) and isinstance(inner["message"], str) and inner["message"], body
        assert inner["detail"] == "", body
    else:  # glance: flat, WebOb's shape ("code" is the status line, "404 Not Found")
        assert body["code"] == f"{status} {body['title']}" and isinstance(body["title"], str), body
        assert isinstance(body["message"], str) and body["message"], body


# --- the simulator as a separate process ------------------------------------------------------

BANNER = re.compile(r"ConoHa simulator listening on (http://127\.0\.0\.1:\d+)")


@dataclass
class SimProcess:
    """``conoha-learn sim --port 0 ...`` running in a child process."""

    process: subprocess.Popen
    url: str

    @classmethod
    def start(cls, *args: str, timeout: float = 20) -> SimProcess:
        command = [sys.executable, "-m", "conoha_learn.cli", "sim", "--port", "0", *args]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        first = _first_line(process, timeout)
        match = BANNER.search(first or "")
        if match is None:
            process.kill()
            process.wait(timeout=10)
            raise AssertionError(f"the simulator did not start: {first!r}")
        # The rest of the banner is not read: drain it so the child never blocks on a full pipe.
        threading.Thread(target=process.stdout.read, daemon=True).start()
        return cls(process, match.group(1))

    def kill(self) -> None:
        """SIGKILL: no clean-up, no chance to flush anything."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> SimProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _first_line(process: subprocess.Popen, timeout: float) -> str | None:
    """The child's first line of output, or None when it says nothing within ``timeout``."""
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return lines[0] if lines else None
