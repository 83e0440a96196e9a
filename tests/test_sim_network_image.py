"""Neutron, Glance and the control API of the simulator, with plain requests."""

from __future__ import annotations

import pytest
import requests

from conoha_learn.sim import Simulator
from conoha_learn.sim.seed import ACCOUNTS, IMAGES, SECURITY_GROUP_PRESETS


def test_network_discovery_without_token(sim):
    r = requests.get(f"{sim.url}/networking", timeout=5)
    assert r.status_code == 200
    assert r.json()["versions"][0]["links"][0]["href"] == f"{sim.url}/networking/v2.0/"


def test_every_tenant_starts_with_conoha_presets(api, other_api, sim):
    mine = api.get(f"{sim.url}/networking/v2.0/security-groups").json()["security_groups"]
    theirs = other_api.get(f"{sim.url}/networking/v2.0/security-groups").json()["security_groups"]
    assert sorted(g["name"] for g in mine) == sorted(SECURITY_GROUP_PRESETS)
    assert {g["id"] for g in mine}.isdisjoint(g["id"] for g in theirs)
    ssh = next(g for g in mine if g["name"] == "IPv4v6-SSH")
    ingress = [r for r in ssh["security_group_rules"] if r["direction"] == "ingress"]
    assert {(r["ethertype"], r["protocol"], r["port_range_min"]) for r in ingress} == {("IPv4", "tcp", 22), ("IPv6", "tcp", 22)}


def test_filter_by_name_and_fields(api, sim):
    r = api.get(f"{sim.url}/networking/v2.0/security-groups", params={"name": "IPv4v6-Web", "fields": ["id", "name"]})
    groups = r.json()["security_groups"]
    assert len(groups) == 1 and set(groups[0]) == {"id", "name"}


def test_security_group_and_rule_lifecycle(api, other_api, sim):
    base = f"{sim.url}/networking/v2.0"
    r = api.post(f"{base}/security-groups", json={"security_group": {"name": "app", "description": "8080"}})
    assert r.status_code == 201
    group = r.json()["security_group"]
    assert {x["direction"] for x in group["security_group_rules"]} == {"egress"}
    rule = api.post(f"{base}/security-group-rules", json={"security_group_rule": {
        "security_group_id": group["id"], "direction": "ingress", "protocol": "tcp",
        "port_range_min": 8080, "port_range_max": 8080, "remote_ip_prefix": "0.0.0.0/0"}})
    assert rule.status_code == 201
    # Another tenant cannot see or delete it.
    assert other_api.get(f"{base}/security-groups/{group['id']}").status_code == 404
    assert other_api.delete(f"{base}/security-groups/{group['id']}").status_code == 404
    assert api.delete(f"{base}/security-group-rules/{rule.json()['security_group_rule']['id']}").status_code == 204
    assert api.delete(f"{base}/security-groups/{group['id']}").status_code == 204
    gone = api.get(f"{base}/security-groups/{group['id']}")
    assert gone.status_code == 404 and gone.json()["NeutronError"]["type"] == "SecurityGroupNotFound"
    # Neutron's words (neutron/extensions/securitygroup.py)
    assert gone.json()["NeutronError"]["message"] == f"Security group {group['id']} does not exist"


@pytest.mark.parametrize("rule", [
    {"direction": "sideways"},
    {"direction": "ingress", "protocol": "smtp"},
    {"direction": "ingress", "protocol": "tcp", "port_range_min": 90, "port_range_max": 80},
    {"direction": "ingress", "protocol": "tcp", "port_range_min": "22", "port_range_max": 22},
    {"direction": "ingress", "remote_ip_prefix": "not-a-cidr"},
    {"direction": "ingress", "ethertype": "IPX"},
])
def test_bad_rules_are_400_in_neutron_envelope(api, sim, rule):
    base = f"{sim.url}/networking/v2.0"
    group = api.get(f"{base}/security-groups", params={"name": "default"}).json()["security_groups"][0]
    r = api.post(f"{base}/security-group-rules", json={"security_group_rule": {"security_group_id": group["id"], **rule}})
    assert r.status_code == 400
    assert set(r.json()["NeutronError"]) == {"type", "message", "detail"}


def test_default_group_cannot_be_deleted(api, sim):
    base = f"{sim.url}/networking/v2.0"
    group = api.get(f"{base}/security-groups", params={"name": "default"}).json()["security_groups"][0]
    assert api.delete(f"{base}/security-groups/{group['id']}").status_code == 409


def test_public_network_is_shared(api, other_api, sim):
    nets = api.get(f"{sim.url}/networking/v2.0/networks").json()["networks"]
    assert [n["name"] for n in nets] == [n["name"] for n in other_api.get(f"{sim.url}/networking/v2.0/networks").json()["networks"]]
    assert nets[0]["shared"] is True and len(nets[0]["subnets"]) == 2


def test_images_list_show_and_page_with_relative_next(api, sim):
    base = f"{sim.url}/image-service"
    assert requests.get(base, timeout=5).status_code == 300  # discovery, like Glance
    everything = api.get(f"{base}/v2/images", params={"limit": 100}).json()
    assert {i["name"] for i in everything["images"]} == {name for name, *_ in IMAGES}
    assert "next" not in everything
    seen, url = [], f"{base}/v2/images?limit=3"
    for _ in range(10):  # bounded
        page = api.get(url).json()
        seen += [i["id"] for i in page["images"]]
        if "next" not in page:
            break
        assert page["next"].startswith("/v2/images?")
        url = base + page["next"]
    assert sorted(seen) == sorted(i["id"] for i in everything["images"])
    one = api.get(f"{base}/v2/images/{seen[0]}").json()
    assert one["id"] == seen[0] and one["status"] == "active"  # no wrapper object in Glance v2
    assert api.get(f"{base}/v2/images", params={"name": "vmi-ubuntu-24.04-amd64"}).json()["images"][0]["name"] == "vmi-ubuntu-24.04-amd64"
    missing = api.get(f"{base}/v2/images/nope")
    assert missing.status_code == 404 and "nope" in missing.json()["message"]


def test_services_need_a_token(sim):
    for path in ("/networking/v2.0/security-groups", "/image-service/v2/images"):
        r = requests.get(sim.url + path, headers={"X-Auth-Token": "gAAAAAforged"}, timeout=5)
        assert r.status_code == 401 and r.json()["error"]["code"] == 401


def test_not_simulated_services_say_so(api, sim):
    r = api.get(f"{sim.url}/dns-service/v1/zones")  # object storage is simulated now
    assert r.status_code == 501 and "does not implement" in r.json()["error"]["message"]


def test_control_reset_accounts_and_clock(sim, api):
    base = f"{sim.url}/_sim"
    api.post(f"{sim.url}/networking/v2.0/security-groups", json={"security_group": {"name": "temp"}})
    r = requests.post(f"{base}/accounts", json={"user_name": "gncu00000003", "password": "pw-3", "project_name": "gnct00000003"}, timeout=5)
    assert r.status_code == 201 and "password" not in r.json()["account"]
    assert requests.post(f"{base}/accounts", json={"user_name": "x y"}, timeout=5).status_code == 400
    counts = requests.get(f"{base}/resources", timeout=5).json()["resources"]
    assert counts["gnct12345678"]["security_group"] == 5 and counts["gnct00000003"]["security_group"] == 4
    assert requests.post(f"{base}/clock", json={"advance": 25 * 3600}, timeout=5).status_code == 200
    assert api.get(f"{sim.url}/networking/v2.0/networks").status_code == 401  # token expired
    assert requests.post(f"{base}/reset", timeout=5).status_code == 200
    assert requests.post(f"{base}/reset", json={"seed": "x"}, timeout=5).status_code == 400
    assert requests.post(f"{base}/reset", json={"seed": 9}, timeout=5).json() == {"reset": True, "seed": 9}
    names = [a["user_name"] for a in requests.get(f"{base}/accounts", timeout=5).json()["accounts"]]
    assert names == [a["user_name"] for a in ACCOUNTS]


def test_state_file_survives_restart(tmp_path):
    path = str(tmp_path / "state.sqlite")
    with Simulator(delay=0, state_file=path) as first:
        requests.post(f"{first.url}/_sim/accounts", json={"user_name": "keepme", "password": "pw", "project_name": "keepproj"}, timeout=5)
    with Simulator(delay=0, state_file=path) as second:
        names = [a["user_name"] for a in requests.get(f"{second.url}/_sim/accounts", timeout=5).json()["accounts"]]
    assert "keepme" in names and names.count(ACCOUNTS[0]["user_name"]) == 1


def test_oversized_and_garbage_requests_never_5xx(api, sim):
    big = b"{" + b" " * (2 << 20) + b"}"
    r = api.post(f"{sim.url}/networking/v2.0/security-groups", data=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    for raw in (b"\xff\xfe", b"null", b'{"security_group": []}', b'{"security_group": {"name": 5}}'):
        r = api.post(f"{sim.url}/networking/v2.0/security-groups", data=raw, headers={"Content-Type": "application/json"})
        assert r.status_code == 400, raw


def test_fault_injection_next_n_with_retry_after(api, sim):
    url = f"{sim.url}/image-service/v2/images"
    rule = requests.post(f"{sim.url}/_sim/faults", json={"service": "image-service", "path": "/images$",
                                                         "status": 503, "retry_after": 2, "count": 2}, timeout=5)
    assert rule.status_code == 201
    for _ in range(2):
        r = api.get(url)
        assert r.status_code == 503 and r.headers["Retry-After"] == "2"
        assert r.headers["X-Conoha-Learn-Fault"] == rule.json()["fault"]["id"]
        assert "Injected fault" in r.json()["message"]
    assert api.get(url).status_code == 200  # the rule is used up
    assert requests.get(f"{sim.url}/_sim/faults", timeout=5).json() == {"faults": []}


def test_fault_in_nova_envelope_and_clear(api, sim):
    requests.post(f"{sim.url}/_sim/faults", json={"service": "compute", "status": 429, "retry_after": 1}, timeout=5)
    r = api.get(f"{sim.url}/compute/v2.1/flavors")
    assert r.status_code == 429 and r.json()["overLimit"]["retryAfter"] == "1"
    assert requests.delete(f"{sim.url}/_sim/faults", timeout=5).status_code == 204
    assert api.get(f"{sim.url}/compute/v2.1/flavors").status_code == 200


@pytest.mark.parametrize("rule", [{}, {"status": 200}, {"service": "nova", "status": 503},
                                  {"path": "(", "status": 503}, {"status": 503, "bogus": 1},
                                  {"latency": 99}, {"status": 503, "probability": 2}])
def test_bad_fault_rules_are_400(sim, rule):
    r = requests.post(f"{sim.url}/_sim/faults", json=rule, timeout=5)
    assert r.status_code == 400 and r.json()["error"]["message"]
