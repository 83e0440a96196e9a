"""Untimed set-up calls the benchmarks make against a simulator: accounts, tokens, boot volumes, servers."""

from __future__ import annotations

import requests

from conoha_learn.sim.seed import images

UBUNTU = images()[0]["id"]
PLAN = "g2l-t-c2m1"


def password_body(user: str, password: str, project: str) -> dict:
    """A Keystone v3 password request, scoped to a project, all by name in domain gnc."""
    return {"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": user, "password": password, "domain": {"name": "gnc"}}}},
        "scope": {"project": {"name": project, "domain": {"name": "gnc"}}}}}


def account(url: str, name: str) -> requests.Session:
    """A new account (POST /_sim/accounts), logged in: a session that also carries
    ``project_id`` and ``password_body`` (to log in again)."""
    password = f"Pw-{name}-1"
    r = requests.post(f"{url}/_sim/accounts", timeout=30, json={
        "user_name": name, "password": password, "project_name": f"p-{name}"})
    r.raise_for_status()
    session = requests.Session()
    body = password_body(name, password, f"p-{name}")
    r = session.post(f"{url}/identity/v3/auth/tokens", json=body, timeout=30)
    r.raise_for_status()
    session.headers["X-Auth-Token"] = r.headers["X-Subject-Token"]
    session.project_id = r.json()["token"]["project"]["id"]
    session.password_body = body
    return session


def boot_volumes(session: requests.Session, url: str, n: int) -> list[str]:
    """n available boot volumes of the session's project."""
    volumes = f"{url}/block-storage/v3/{session.project_id}/volumes"
    ids = []
    for _ in range(n):
        r = session.post(volumes, json={"volume": {"size": 100, "imageRef": UBUNTU}}, timeout=30)
        r.raise_for_status()
        ids.append(r.json()["volume"]["id"])
    session.get(f"{volumes}/detail", timeout=60).raise_for_status()  # delay=0: now available
    return ids


def create_server(session: requests.Session, url: str, volume_id: str) -> requests.Response:
    return session.post(f"{url}/compute/v2.1/servers", timeout=30, json={"server": {
        "flavorRef": PLAN, "block_device_mapping_v2": [{"uuid": volume_id}]}})


def servers(session: requests.Session, url: str, n: int) -> None:
    """Give the session's project n servers (each on its own boot volume)."""
    for volume_id in boot_volumes(session, url, n):
        create_server(session, url, volume_id).raise_for_status()
