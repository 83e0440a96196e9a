"""Tenant isolation: one project's token can never read, change or delete another's resources.

Project A (the first seeded account) aims every route that names a resource at project B's
server, volumes, key pair, security group and rule, port, metadata and tenant path, with a body
that would be accepted for A's own resource. Each must be refused as a missing resource (404,
so ids of others' resources leak nothing; 400 where the tenant itself is in the path, as Nova
and Cinder do), and nothing stored may change. The routes come from `all_routes()`, so a new
route is covered (or the test says which body it needs).
"""

from __future__ import annotations

import re

import pytest
import requests

from conoha_learn.sim import Simulator
from conoha_learn.sim.routes import all_routes
from conoha_learn.sim.seed import ACCOUNTS

from sim_session import login
from sim_robust import (UBUNTU, check_envelope, create_server, create_volume, make_resources, snapshot,
                        volumes_url)

A, B = ACCOUNTS[0]["project_id"], ACCOUNTS[1]["project_id"]
PLACEHOLDER = re.compile(r"<(?:\w+:)?(\w+)>")
# Resources that belong to a project (shared ones -- flavors, images, networks -- are public).
OWNED_COLLECTIONS = {"ports", "security-groups", "security-group-rules"}
SHARED = {"flavor_id", "type_id", "image_id", "rest"}


def bodies(mine: dict) -> dict:
    """A body each changing route would accept for A's own resources."""
    return {
        "server_action": {"os-stop": None},
        "merge_metadata": {"metadata": {"evil": "1"}},
        "replace_metadata": {"metadata": {"evil": "1"}},
        "set_metadata_item": {"meta": {"role": "evil"}},
        "update_volume": {"volume": {"name": "evil", "metadata": {"evil": "1"}}},
        "volume_action": {"os-volume_upload_image": {"image_name": "evil"}},
        "update_security_group": {"security_group": {"name": "evil"}},
        "create_server": {"server": {"flavorRef": "g2l-t-c2m1",
                                     "block_device_mapping_v2": [{"uuid": mine["boot_volume_id"]}]}},
        "create_keypair": {"keypair": {"name": "key-b"}},
        "create_volume": {"volume": {"size": 200, "name": "evil"}},
        "attach_volume": {"volumeAttachment": {"volumeId": mine["volume_id"]}},
    }


@pytest.fixture(scope="module")
def tenants():
    with Simulator(delay=0, seed=11) as sim, login(sim, 0) as a, login(sim, 1) as b:
        mine = make_resources(a, sim.url, A, "a")
        # An available boot volume of A's own, so that only B's things can be the problem.
        spare = create_volume(a, sim.url, A, size=100, imageRef=UBUNTU).json()["volume"]["id"]
        assert a.get(f"{volumes_url(sim.url, A)}/{spare}", timeout=10).json()["volume"]["status"] == "available"
        mine["spare_boot_volume_id"] = spare
        theirs = make_resources(b, sim.url, B, "b")
        yield sim, a, b, mine, theirs


def _owned(route_path: str, name: str) -> bool:
    """Does this placeholder name something a project owns (rather than a shared thing)?"""
    if name == "id":  # Neutron: the collection before <id> tells
        return route_path.rsplit("/", 2)[-2] in OWNED_COLLECTIONS
    return name not in SHARED


def _b_value(route_path: str, name: str, theirs: dict) -> str:
    if name == "id":
        return {"ports": theirs["port_id"], "security-groups": theirs["security_group_id"],
                "security-group-rules": theirs["rule_id"]}[route_path.rsplit("/", 2)[-2]]
    return {"server_id": theirs["server_id"], "volume_id": theirs["volume_id"],
            "name": theirs["keypair"], "key": theirs["metadata_key"], "network": "ext-198-18-0-0-15",
            "tenant_id": B, "project_id": B}[name]


def _cases():
    """(route, whose tenant goes in the path) for every route that names something B owns."""
    cases = []
    for route in all_routes():
        if route.path.startswith("/object-storage"):
            continue  # Swift refuses another account with 403: tests/test_sim_object_storage.py
        names = PLACEHOLDER.findall(route.path)
        if not names or not all(_owned(route.path, n) for n in names):
            continue
        label = f"{route.method} {route.path}"
        tenant_in_path = {"tenant_id", "project_id"} & set(names)
        if not tenant_in_path:
            cases.append(pytest.param(route, None, id=label))
            continue
        cases.append(pytest.param(route, "B", id=f"{label} [B's tenant]"))  # 400
        if len(names) > 1:
            cases.append(pytest.param(route, "A", id=f"{label} [A's tenant]"))  # 404
    return cases


@pytest.mark.parametrize("route,tenant", _cases())
def test_a_cannot_touch_b_through_any_route(tenants, route, tenant):
    sim, a, _, mine, theirs = tenants
    values = {n: _b_value(route.path, n, theirs) for n in PLACEHOLDER.findall(route.path)}
    if tenant == "A":
        values.update({k: A for k in ("tenant_id", "project_id") if k in values})
    path = PLACEHOLDER.sub(lambda m: values[m.group(1)], route.path)
    body = None
    if route.method in ("POST", "PUT"):
        name = route.handler.__name__
        assert name in bodies(mine), f"add a body {name} accepts to bodies()"
        body = bodies(mine)[name]
    before = snapshot(sim)
    r = a.request(route.method, sim.url + path, json=body, timeout=10)
    assert r.status_code == (400 if tenant == "B" else 404), (r.status_code, r.text)
    check_envelope(r)
    assert snapshot(sim) == before


@pytest.mark.parametrize("kind", ["boot volume", "security group", "key pair", "rule in B's group"])
def test_bodies_naming_b_s_things_are_refused(tenants, kind):
    sim, a, _, mine, theirs = tenants
    before = snapshot(sim)
    if kind == "rule in B's group":
        r = a.post(f"{sim.url}/networking/v2.0/security-group-rules", timeout=10, json={
            "security_group_rule": {"security_group_id": theirs["security_group_id"],
                                    "direction": "ingress", "protocol": "tcp"}})
        assert r.status_code == 404, r.text
    else:
        volume = theirs["boot_volume_id"] if kind == "boot volume" else mine["spare_boot_volume_id"]
        extra = {"security group": {"security_groups": [{"name": theirs["security_group_id"]}]},
                 "key pair": {"key_name": theirs["keypair"]}}.get(kind, {})
        r = create_server(a, sim.url, volume, **extra)
        assert r.status_code == 400, r.text
        if kind == "boot volume":  # not found in A's project, rather than merely busy
            assert "failed to get volume" in r.json()["badRequest"]["message"]
    check_envelope(r)
    assert snapshot(sim) == before


def test_a_cannot_read_or_revoke_b_s_token(tenants):
    sim, a, b, _, theirs = tenants
    url = f"{sim.auth_url}/auth/tokens"
    before = snapshot(sim)
    for method in ("GET", "HEAD", "DELETE"):
        r = a.request(method, url, headers={"X-Subject-Token": theirs["token"]}, timeout=10)
        assert r.status_code == 403, (method, r.status_code)
        if method != "HEAD":
            check_envelope(r)
            assert "identity:" in r.json()["error"]["message"]
    assert snapshot(sim) == before
    assert b.get(url, headers={"X-Subject-Token": theirs["token"]}, timeout=10).status_code == 200


LISTINGS = ["/compute/v2.1/servers", "/compute/v2.1/servers/detail", "/compute/v2.1/os-keypairs",
            "/block-storage/v3/{A}/volumes", "/block-storage/v3/{A}/volumes/detail",
            "/networking/v2.0/security-groups", "/networking/v2.0/security-group-rules",
            "/networking/v2.0/ports", "/compute/v2/{A}/servers/detail"]


@pytest.mark.parametrize("path", LISTINGS)
@pytest.mark.parametrize("query", [{}, {"all_tenants": "1"}, {"project_id": B}, {"tenant_id": B},
                                   {"name": "vm-b"}, {"device_id": "x"}])
def test_a_s_listings_show_nothing_of_b(tenants, path, query):
    sim, a, _, mine, theirs = tenants
    r = a.get(sim.url + path.format(A=A), params=query, timeout=10)
    assert r.status_code == 200, r.text
    for key in ("server_id", "volume_id", "boot_volume_id", "security_group_id", "rule_id", "port_id"):
        assert theirs[key] not in r.text
    assert B not in r.text and '"key-b"' not in r.text


def test_b_s_resources_are_intact_after_everything(tenants):
    sim, _, b, _, theirs = tenants
    server = b.get(f"{sim.url}/compute/v2.1/servers/{theirs['server_id']}", timeout=10).json()["server"]
    assert server["status"] == "ACTIVE"
    assert server["metadata"] == {"role": "b", "instance_name_tag": "vm-b"}
    volume = b.get(f"{sim.url}/block-storage/v3/{B}/volumes/{theirs['volume_id']}", timeout=10).json()["volume"]
    assert volume["name"] == "data-b" and volume["metadata"] == {}
    group = b.get(f"{sim.url}/networking/v2.0/security-groups/{theirs['security_group_id']}", timeout=10)
    assert group.json()["security_group"]["name"] == "sg-b"
    assert b.get(f"{sim.url}/compute/v2.1/os-keypairs/key-b", timeout=10).status_code == 200
    rule = b.get(f"{sim.url}/networking/v2.0/security-group-rules/{theirs['rule_id']}", timeout=10)
    assert rule.status_code == 200
    assert requests.get(f"{sim.url}/_sim/resources", timeout=10).json()["resources"]["gnct87654321"] == {
        "server": 1, "volume": 2, "keypair": 1, "security_group": 5, "port": 1,
        "container": 0, "object": 0}


def test_b_s_volume_cannot_be_attached_to_a_s_server(tenants):
    sim, a, _, mine, theirs = tenants
    before = snapshot(sim)
    r = a.post(f"{sim.url}/compute/v2.1/servers/{mine['server_id']}/os-volume_attachments",
               json={"volumeAttachment": {"volumeId": theirs["volume_id"]}}, timeout=10)
    assert r.status_code == 404 and "could not be found" in r.text, r.text
    check_envelope(r)
    assert snapshot(sim) == before
