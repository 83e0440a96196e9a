"""Keystone in the simulator, driven with plain requests: the wire format is the lesson."""

from __future__ import annotations

import pytest
import requests

from conoha_learn.sim import Simulator
from conoha_learn.sim.seed import ACCOUNTS

DEFAULT = ACCOUNTS[0]


def password_body(user: dict, scope: dict | None = None) -> dict:
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": user}}}}
    if scope is not None:
        body["auth"]["scope"] = scope
    return body


def test_versions_document_points_at_v3_on_the_listening_port(sim):
    r = requests.get(f"{sim.url}/identity", timeout=5)
    assert r.status_code == 300
    values = r.json()["versions"]["values"]
    assert values[0]["id"].startswith("v3")
    assert values[0]["links"][0]["href"] == f"{sim.url}/identity/v3/"
    v3 = requests.get(f"{sim.url}/identity/v3/", timeout=5)  # trailing slash is the same resource
    assert v3.status_code == 200 and v3.json()["version"]["status"] == "stable"


@pytest.mark.parametrize("user,scope", [
    ({"id": DEFAULT["user_id"], "password": DEFAULT["password"]}, {"project": {"id": DEFAULT["project_id"]}}),
    ({"name": DEFAULT["user_name"], "password": DEFAULT["password"]}, {"project": {"name": DEFAULT["project_name"]}}),
    ({"name": DEFAULT["user_name"], "password": DEFAULT["password"], "domain": {"name": "gnc"}},
     {"project": {"id": DEFAULT["project_id"]}}),
    ({"name": DEFAULT["user_name"], "password": DEFAULT["password"], "domain": {"id": "default"}},
     {"project": {"name": DEFAULT["project_name"], "domain": {"id": "gnc"}}}),
])
def test_password_token_in_every_documented_form(sim, user, scope):
    r = requests.post(f"{sim.auth_url}/auth/tokens", json=password_body(user, scope), timeout=5)
    assert r.status_code == 201
    assert r.headers["X-Subject-Token"].startswith("gAAAAA")
    token = r.json()["token"]
    assert token["project"]["id"] == DEFAULT["project_id"]
    assert token["user"]["name"] == DEFAULT["user_name"]
    assert {role["name"] for role in token["roles"]} >= {"member"}
    types = {entry["type"] for entry in token["catalog"]}
    assert {"identity", "compute", "volumev3", "image", "network"} <= types
    for entry in token["catalog"]:
        for ep in entry["endpoints"]:
            assert ep["url"].startswith(sim.url) and ep["region_id"] == "c3j1" == ep["region"]


def test_token_lives_24_hours(sim):
    r = requests.post(f"{sim.auth_url}/auth/tokens", json=password_body(
        {"id": DEFAULT["user_id"], "password": DEFAULT["password"]}), timeout=5)
    from datetime import datetime
    t = r.json()["token"]
    issued = datetime.fromisoformat(t["issued_at"].replace("Z", "+00:00"))
    expires = datetime.fromisoformat(t["expires_at"].replace("Z", "+00:00"))
    assert (expires - issued).total_seconds() == 24 * 3600
    assert "catalog" not in t and "project" not in t  # unscoped: no project, no catalog


@pytest.mark.parametrize("user,scope", [
    ({"id": DEFAULT["user_id"], "password": "wrong"}, {"project": {"id": DEFAULT["project_id"]}}),
    ({"name": "gncu00000000", "password": DEFAULT["password"]}, None),
    ({"id": DEFAULT["user_id"], "password": DEFAULT["password"]}, {"project": {"id": "0" * 32}}),
    ({"id": DEFAULT["user_id"], "password": DEFAULT["password"]}, {"project": {"id": ACCOUNTS[1]["project_id"]}}),
])
def test_bad_credentials_are_401_with_keystone_body(sim, user, scope):
    r = requests.post(f"{sim.auth_url}/auth/tokens", json=password_body(user, scope), timeout=5)
    assert r.status_code == 401
    assert r.json() == {"error": {"code": 401, "title": "Unauthorized",
                                  "message": "The request you have made requires authentication."}}
    assert r.headers["WWW-Authenticate"].startswith("Keystone uri=")
    assert "X-Subject-Token" not in r.headers


@pytest.mark.parametrize("raw", [b"{not json", b"[]", b'{"auth": 1}', b'{"auth": {}}',
                                 b'{"auth": {"identity": {"methods": "password"}}}',
                                 b'{"auth": {"identity": {"methods": ["password"], "password": {"user": {"id": "x"}}}}}',
                                 b'{"auth": {"identity": {"methods": ["password"], "password": {"user": {"id": 5, "password": "p"}}}}}'])
def test_malformed_token_requests_are_400(sim, raw):
    r = requests.post(f"{sim.auth_url}/auth/tokens", data=raw,
                      headers={"Content-Type": "application/json"}, timeout=5)
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == 400 and error["message"]


def test_validate_head_and_revoke(api, sim):
    token = api.headers["X-Auth-Token"]
    url = f"{sim.auth_url}/auth/tokens"
    got = api.get(url, headers={"X-Subject-Token": token})
    assert got.status_code == 200 and got.json()["token"]["project"]["id"] == DEFAULT["project_id"]
    assert api.head(url, headers={"X-Subject-Token": token}).status_code == 200
    assert api.get(url, headers={"X-Subject-Token": "gAAAAAnope"}).status_code == 404
    assert api.delete(url, headers={"X-Subject-Token": token}).status_code == 204
    # The revoked token no longer opens anything.
    after = requests.get(url, headers={"X-Auth-Token": token, "X-Subject-Token": token}, timeout=5)
    assert after.status_code == 401


def test_v2_token_has_the_2015_shape(sim):
    body = {"auth": {"passwordCredentials": {"username": DEFAULT["user_name"], "password": DEFAULT["password"]},
                     "tenantId": DEFAULT["project_id"]}}
    r = requests.post(f"{sim.url}/identity/v2.0/tokens", json=body, timeout=5)
    assert r.status_code == 200
    access = r.json()["access"]
    assert access["token"]["tenant"]["name"] == DEFAULT["project_name"]
    assert access["token"]["expires"].endswith("Z") and not access["token"]["issued_at"].endswith("Z")
    compute = next(s for s in access["serviceCatalog"] if s["type"] == "compute")
    assert compute["endpoints"][0]["region"] == "tyo1"
    assert compute["endpoints"][0]["publicURL"] == f"{sim.url}/compute/v2/{DEFAULT['project_id']}"
    # A v2 token is a token: it works against the v3 validation API too.
    tid = access["token"]["id"]
    check = requests.get(f"{sim.auth_url}/auth/tokens", headers={"X-Auth-Token": tid, "X-Subject-Token": tid}, timeout=5)
    assert check.status_code == 200


def test_same_seed_gives_byte_identical_answers():
    def run() -> list[bytes]:
        out = []
        with Simulator(delay=0, seed=7) as s:
            r = requests.post(f"{s.auth_url}/auth/tokens", json=password_body(
                {"id": DEFAULT["user_id"], "password": DEFAULT["password"]},
                {"project": {"id": DEFAULT["project_id"]}}), timeout=5)
            out.append(r.headers["X-Subject-Token"].encode())
            out.append(r.content.replace(s.url.encode(), b"BASE"))
        return out
    assert run() == run()


def test_expired_token_is_refused(sim):
    short = Simulator(delay=0, token_lifetime=5)
    with short:
        r = requests.post(f"{short.auth_url}/auth/tokens", json=password_body(
            {"id": DEFAULT["user_id"], "password": DEFAULT["password"]},
            {"project": {"id": DEFAULT["project_id"]}}), timeout=5)
        token = r.headers["X-Subject-Token"]
        headers = {"X-Auth-Token": token, "X-Subject-Token": token}
        assert requests.get(f"{short.auth_url}/auth/tokens", headers=headers, timeout=5).status_code == 200
        short.state.clock.advance(10)
        assert requests.get(f"{short.auth_url}/auth/tokens", headers=headers, timeout=5).status_code == 401


def test_no_route_and_wrong_method_use_the_envelope(sim):
    r = requests.get(f"{sim.url}/identity/v3/nothing-here", timeout=5)
    assert r.status_code == 404 and r.json()["error"]["code"] == 404
    r = requests.put(f"{sim.auth_url}/auth/tokens", timeout=5)
    assert r.status_code == 405 and r.json()["error"]["code"] == 405
