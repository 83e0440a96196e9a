"""The canary: a session full of known secrets is recorded, and none of them is written.

A fresh simulator account with a password we chose, its token, tenant and user ids and names, a
server's root password and a generated private key: all are looked for in every file the
recording wrote. The cassette must still replay, with the simulator stopped and no network.
Secrets are made up at run time, so this file holds none (the audit checks it too).
"""

from __future__ import annotations

import secrets

import pytest
import requests

from cassette_helpers import no_network, sdk_connect
from conoha_learn import audit, cassette as cas
from conoha_learn.cassette import RECORDING_TOKEN_LIFETIME, use_cassette
from conoha_learn.sim import Simulator

pytest.importorskip("openstack")


def made_up() -> dict[str, str]:
    tag = secrets.token_hex(4)
    return {"user_name": f"canary-u-{tag}", "project_name": f"canary-t-{tag}",
            "password": f"Canary-{secrets.token_urlsafe(12)}-9x",
            "admin_pass": f"Root-{secrets.token_urlsafe(10)}-7Y!"}


def session(creds: dict, made: dict, known: dict) -> dict:
    """Raw requests and openstacksdk, as a notebook would; returns what a learner would look at."""
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": creds["OS_USERNAME"], "password": creds["OS_PASSWORD"], "domain": {"name": "gnc"}}}},
        "scope": {"project": {"name": creds["OS_PROJECT_NAME"], "domain": {"name": "gnc"}}}}}
    r = requests.post(creds["OS_AUTH_URL"] + "/auth/tokens", json=body, timeout=10)
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    known.update(token=r.headers["X-Subject-Token"], user_id=token["user"]["id"],
                 project_id=token["project"]["id"])
    compute = next(s["endpoints"][0]["url"] for s in token["catalog"] if s["type"] == "compute")
    listed = requests.get(compute + "/servers", headers={"X-Auth-Token": r.headers["X-Subject-Token"]},
                          timeout=10).json()

    conn = sdk_connect(creds)
    try:
        known["sdk_token"] = conn.auth_token
        keypair = conn.compute.create_keypair(name="canary-key")
        known["private_key"] = keypair.private_key
        image = next(conn.image.images(name="vmi-ubuntu-24.04-amd64"))
        volume = conn.block_storage.create_volume(size=100, image_id=image.id,
                                                  volume_type="c3j1-ds02-boot", name="canary-boot")
        conn.block_storage.wait_for_status(volume, "available", interval=0.01, wait=30)
        server = conn.compute.create_server(
            name="canary-vm", flavor_id=conn.compute.find_flavor("g2l-t-c2m1").id,
            admin_password=creds.get("ADMIN_PASS", made["admin_pass"]), key_name="canary-key",
            block_device_mapping=[{"uuid": volume.id, "boot_index": 0, "source_type": "volume",
                                   "destination_type": "volume"}])
        server = conn.compute.wait_for_server(server, status="ACTIVE", interval=0.01, wait=30)
        return {"servers_before": listed, "keypair": (keypair.name, keypair.fingerprint),
                "server": (server.id, server.name, server.status, server.flavor["original_name"]),
                "listed": sorted(s.name for s in conn.compute.servers())}
    finally:
        conn.close()


def test_no_known_secret_reaches_any_written_file_and_the_cassette_still_replays(tmp_path):
    made = made_up()
    folder = tmp_path / "notebooks" / "cassettes"
    path = folder / "canary.yaml"
    known: dict[str, str] = {"password": made["password"], "admin_pass": made["admin_pass"],
                             "user_name": made["user_name"], "project_name": made["project_name"]}
    with Simulator(delay=2, seed=9, token_lifetime=RECORDING_TOKEN_LIFETIME) as sim:
        r = requests.post(sim.url + "/_sim/accounts", timeout=10, json={
            "user_name": made["user_name"], "password": made["password"],
            "project_name": made["project_name"]})
        assert r.status_code == 201, r.text
        creds = {"OS_AUTH_URL": sim.auth_url, "OS_USERNAME": made["user_name"],
                 "OS_PASSWORD": made["password"], "OS_PROJECT_NAME": made["project_name"],
                 "OS_USER_DOMAIN_NAME": "gnc"}
        with use_cassette(path, "record"):
            recorded = session(creds, made, known)
    assert known["private_key"].startswith("-----BEGIN") and known["token"].startswith("gAAAAA")

    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written == [path]
    text = path.read_text(encoding="utf-8")
    key_lines = [line for line in known["private_key"].splitlines() if "-----" not in line]
    for name, value in known.items():
        assert value not in text, f"the {name} was written to the cassette"
    for line in key_lines:
        assert line not in text, "a line of the private key was written to the cassette"
    assert "ADMIN_PASS_1" in text and "PRIVATE_KEY_1" in text and "TOKEN_1" in text
    assert audit.scan_file(path) == []

    with no_network() as tried, use_cassette(path, "replay"):
        replay_creds = cas.replay_credentials(path)
        replay_creds["ADMIN_PASS"] = "ADMIN_PASS_1"
        replayed = session(replay_creds, made, {})
    assert tried == []
    assert replayed == recorded
