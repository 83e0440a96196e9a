"""Nova in the simulator, driven with plain requests: flavors, servers, actions, key pairs."""

from __future__ import annotations

import base64
import hashlib

import pytest
import requests

from conoha_learn.sim import Simulator
from conoha_learn.sim.seed import ACCOUNTS, images

from sim_session import login

PROJECT = ACCOUNTS[0]["project_id"]
OTHER_PROJECT = ACCOUNTS[1]["project_id"]
UBUNTU = images()[0]["id"]
PLAN = "g2l-t-c2m1"


def compute(sim) -> str:
    return f"{sim.url}/compute/v2.1"


def volumes_url(sim, project: str = PROJECT) -> str:
    return f"{sim.url}/block-storage/v3/{project}/volumes"


def boot_volume(api, sim, project: str = PROJECT) -> str:
    """A 100 GB boot volume, waited on until available (delay=0: the next read)."""
    r = api.post(volumes_url(sim, project), json={"volume": {"size": 100, "imageRef": UBUNTU}})
    assert r.status_code == 202, r.text
    volume_id = r.json()["volume"]["id"]
    assert api.get(f"{volumes_url(sim, project)}/{volume_id}").json()["volume"]["status"] == "available"
    return volume_id


def create_server(api, sim, **fields) -> requests.Response:
    body = {"flavorRef": PLAN, "block_device_mapping_v2": [{"uuid": boot_volume(api, sim)}], **fields}
    return api.post(f"{compute(sim)}/servers", json={"server": body})


def server_of(api, sim, server_id: str) -> dict:
    r = api.get(f"{compute(sim)}/servers/{server_id}")
    assert r.status_code == 200, r.text
    return r.json()["server"]


def act(api, sim, server_id: str, body: dict) -> requests.Response:
    return api.post(f"{compute(sim)}/servers/{server_id}/action", json=body)


@pytest.fixture(scope="module")
def refusing():
    """One simulator, session and server shared by the many cases that must be refused: a
    refused request changes nothing, so they need no fresh simulator each (~0.2 s saved per case)."""
    with Simulator(delay=0, seed=42) as sim, login(sim) as api:
        server_id = create_server(api, sim).json()["server"]["id"]
        yield sim, api, server_id


# --- discovery and microversions --------------------------------------------------------------

@pytest.mark.parametrize("path", ["/compute", "/compute/", "/compute/v2.1", "/compute/v2.1/"])
def test_version_documents_pin_microversion_2_1_without_a_token(sim, path):
    r = requests.get(sim.url + path, timeout=5)
    assert r.status_code == 200
    body = r.json()
    entry = body["versions"][-1] if "versions" in body else body["version"]  # v2.0 comes first
    assert (entry["id"], entry["version"], entry["min_version"]) == ("v2.1", "2.1", "2.1")
    assert entry["links"][0]["href"] == f"{sim.url}/compute/v2.1/"
    assert r.headers["OpenStack-API-Version"] == "compute 2.1"


@pytest.mark.parametrize("headers,status", [
    ({"X-OpenStack-Nova-API-Version": "2.1"}, 200),
    ({"OpenStack-API-Version": "compute latest"}, 200),
    ({"OpenStack-API-Version": "volume 3.0"}, 200),           # another service's header
    ({"X-OpenStack-Nova-API-Version": "2.60"}, 406),
    ({"OpenStack-API-Version": "compute 2.47"}, 406),
    ({"X-OpenStack-Nova-API-Version": "two"}, 400),
])
def test_microversion_headers(refusing, headers, status):
    sim, api, _ = refusing
    r = api.get(f"{compute(sim)}/flavors", headers=headers)
    assert r.status_code == status
    if status == 406:
        # 2.2 and 2.3 are served when asked for (compute/versions.py), nothing above.
        assert r.json()["computeFault"]["message"].endswith("Minimum is 2.1 and maximum is 2.3.")
    assert r.headers["X-OpenStack-Nova-API-Version"] == "2.1"


def test_api_needs_a_token(sim):
    r = requests.get(f"{compute(sim)}/servers", timeout=5)
    # keystonemiddleware answers before Nova does, so the body is Keystone's.
    assert r.status_code == 401 and r.json()["error"]["code"] == 401


# --- flavors ----------------------------------------------------------------------------------

def test_flavors_list_detail_and_show(api, sim):
    names = [f["name"] for f in api.get(f"{compute(sim)}/flavors").json()["flavors"]]
    assert "g2l-t-c1m512" in names and "g2d-t-c1m2d30" in names
    # What the CLI sends for `openstack server list` name lookups.
    detail = api.get(f"{compute(sim)}/flavors/detail", params={"is_public": "None"}).json()["flavors"]
    plan = next(f for f in detail if f["name"] == "g2l-t-c8m16")
    assert plan["id"] == "719b3191-3163-478a-b14c-cb667e0e19b2"
    assert (plan["vcpus"], plan["ram"], plan["disk"], plan["swap"]) == (8, 16384, 0, "")
    assert plan["os-flavor-access:is_public"] is True and plan["OS-FLV-DISABLED:disabled"] is False
    shown = api.get(f"{compute(sim)}/flavors/{plan['id']}").json()["flavor"]
    assert shown == plan
    assert api.get(f"{compute(sim)}/flavors/detail", params={"minDisk": 10}).json()["flavors"][0][
        "name"].startswith("g2d")
    assert api.get(f"{compute(sim)}/flavors", params={"is_public": "false"}).json()["flavors"] == []


def test_flavor_paging_and_errors(api, sim):
    first = api.get(f"{compute(sim)}/flavors", params={"limit": 3}).json()
    assert len(first["flavors"]) == 3 and first["flavors_links"][0]["rel"] == "next"
    rest = requests.get(first["flavors_links"][0]["href"], headers=api.headers, timeout=5).json()
    assert rest["flavors"][0]["id"] not in {f["id"] for f in first["flavors"]}
    r = api.get(f"{compute(sim)}/flavors/no-such-flavor")
    assert r.status_code == 404 and "could not be found" in r.json()["itemNotFound"]["message"]
    assert api.get(f"{compute(sim)}/flavors", params={"minRam": "lots"}).status_code == 400


def test_flavor_extra_specs_are_empty_and_404_for_an_unknown_plan(api, sim):
    plan = api.get(f"{compute(sim)}/flavors").json()["flavors"][0]["id"]
    assert api.get(f"{compute(sim)}/flavors/{plan}/os-extra_specs").json() == {"extra_specs": {}}
    assert api.get(f"{compute(sim)}/flavors/no-such-flavor/os-extra_specs").status_code == 404


# --- key pairs --------------------------------------------------------------------------------

def test_generated_keypair_shows_its_private_key_once(api, sim):
    r = api.post(f"{compute(sim)}/os-keypairs", json={"keypair": {"name": "course-key"}})
    assert r.status_code == 200
    created = r.json()["keypair"]
    assert created["private_key"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    assert created["public_key"].startswith("ssh-ed25519 ")
    shown = api.get(f"{compute(sim)}/os-keypairs/course-key").json()["keypair"]
    assert "private_key" not in shown
    assert shown["fingerprint"] == created["fingerprint"] and shown["user_id"] == ACCOUNTS[0]["user_id"]
    listed = api.get(f"{compute(sim)}/os-keypairs").json()["keypairs"]
    assert [k["keypair"]["name"] for k in listed] == ["course-key"]
    assert "private_key" not in listed[0]["keypair"]


def test_imported_keypair_fingerprint_and_delete(api, sim):
    blob = b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + bytes(range(32))
    public_key = "ssh-ed25519 " + base64.b64encode(blob).decode() + " me@laptop"
    r = api.post(f"{compute(sim)}/os-keypairs", json={"keypair": {"name": "laptop", "public_key": public_key}})
    assert r.status_code == 200 and "private_key" not in r.json()["keypair"]
    digest = hashlib.md5(blob).hexdigest()
    assert r.json()["keypair"]["fingerprint"] == ":".join(digest[i:i + 2] for i in range(0, 32, 2))
    again = api.post(f"{compute(sim)}/os-keypairs", json={"keypair": {"name": "laptop"}})
    assert again.status_code == 409 and "already exists" in again.json()["conflictingRequest"]["message"]
    assert api.delete(f"{compute(sim)}/os-keypairs/laptop").status_code == 202
    assert api.get(f"{compute(sim)}/os-keypairs/laptop").status_code == 404


@pytest.mark.parametrize("keypair", [
    {"name": "bad/name"}, {"name": "my.key"}, {"name": "me@laptop"}, {"name": ""}, {"name": " lead"}, {"name": "x" * 256}, {"name": 7},
    {"name": "k", "public_key": "ssh-rsa"}, {"name": "k", "public_key": "ssh-rsa not-base64!"},
    {"name": "k", "public_key": "pgp AAAA"},
    {"name": "k", "public_key": "ssh-rsa " + base64.b64encode(b"\x00\x00\x00\x0bssh-ed25519").decode()},
])
def test_bad_keypairs_are_400(refusing, keypair):
    sim, api, _ = refusing
    r = api.post(f"{compute(sim)}/os-keypairs", json={"keypair": keypair})
    assert r.status_code == 400 and r.json()["badRequest"]["message"]


def test_keypair_names_follow_nova_before_2_92(api, sim):
    # '.' and '@' only from microversion 2.92 (nova/api/validation/parameter_types.py); the
    # simulator serves at most 2.3, where '_', '-' and spaces are the only symbols.
    r = api.post(f"{compute(sim)}/os-keypairs", json={"keypair": {"name": "my.key"}})
    assert r.status_code == 400 and "unsafe characters" in r.json()["badRequest"]["message"]
    r = api.post(f"{compute(sim)}/os-keypairs", json={"keypair": {"name": "my key_1-a"}})
    assert r.status_code == 200


# --- servers: the whole life ------------------------------------------------------------------

def test_server_life_from_boot_volume_to_deletion(api, sim):
    r = create_server(api, sim, metadata={"conoha_learn": "1"}, adminPass="Secret-Pass1")
    assert r.status_code == 202
    created = r.json()["server"]
    assert set(created) == {"id", "links", "OS-DCF:diskConfig", "security_groups", "adminPass"}
    assert created["adminPass"] == "Secret-Pass1"
    assert r.headers["Location"] == f"{compute(sim)}/servers/{created['id']}"
    sid = created["id"]

    server = server_of(api, sim, sid)  # delay=0: already ACTIVE on the next read
    assert (server["status"], server["OS-EXT-STS:power_state"], server["progress"]) == ("ACTIVE", 1, 100)
    assert server["image"] == "" and server["tenant_id"] == PROJECT
    assert server["metadata"] == {"conoha_learn": "1", "instance_name_tag": server["name"]}
    assert server["name"].startswith("vps-") and server["security_groups"] == [{"name": "default"}]
    versions = {a["version"] for addrs in server["addresses"].values() for a in addrs}
    assert versions == {4, 6}
    volume_id = server["os-extended-volumes:volumes_attached"][0]["id"]
    volume = api.get(f"{volumes_url(sim)}/{volume_id}").json()["volume"]
    assert volume["status"] == "in-use" and volume["attachments"][0]["server_id"] == sid

    assert act(api, sim, sid, {"os-stop": None}).status_code == 202
    stopped = server_of(api, sim, sid)
    assert (stopped["status"], stopped["OS-EXT-STS:vm_state"], stopped["OS-EXT-STS:power_state"]) == (
        "SHUTOFF", "stopped", 4)
    again = act(api, sim, sid, {"os-stop": None})
    assert again.status_code == 409
    assert again.json()["conflictingRequest"]["message"] == (
        f"Cannot 'stop' instance {sid} while it is in vm_state stopped")
    assert act(api, sim, sid, {"reboot": {"type": "SOFT"}}).status_code == 409
    assert act(api, sim, sid, {"os-start": None}).status_code == 202
    assert server_of(api, sim, sid)["status"] == "ACTIVE"
    for kind in ("SOFT", "HARD"):
        assert act(api, sim, sid, {"reboot": {"type": kind}}).status_code == 202
        assert server_of(api, sim, sid)["status"] == "ACTIVE"
    assert act(api, sim, sid, {"os-stop": {"force_shutdown": True}}).status_code == 202
    assert server_of(api, sim, sid)["status"] == "SHUTOFF"

    # The volume cannot go while the server holds it.
    busy = api.delete(f"{volumes_url(sim)}/{volume_id}")
    assert busy.status_code == 400 and "attached" in busy.json()["badRequest"]["message"]
    assert api.delete(f"{compute(sim)}/servers/{sid}").status_code == 204
    gone = api.get(f"{compute(sim)}/servers/{sid}")
    assert gone.status_code == 404
    assert gone.json() == {"itemNotFound": {"code": 404, "message": f"Instance {sid} could not be found."}}
    volume = api.get(f"{volumes_url(sim)}/{volume_id}").json()["volume"]
    assert volume["status"] == "available" and volume["attachments"] == []
    assert api.delete(f"{volumes_url(sim)}/{volume_id}").status_code == 202


def test_build_then_active_after_delay():
    with Simulator(delay=2, seed=1) as sim, login(sim) as api:
        r = api.post(volumes_url(sim), json={"volume": {"size": 100, "imageRef": UBUNTU}})
        volume_id = r.json()["volume"]["id"]
        sim.state.clock.advance(10)
        body = {"flavorRef": PLAN, "block_device_mapping_v2": [{"uuid": volume_id}]}
        sid = api.post(f"{compute(sim)}/servers", json={"server": body}).json()["server"]["id"]
        building = server_of(api, sim, sid)
        assert (building["status"], building["progress"], building["OS-EXT-STS:vm_state"]) == (
            "BUILD", 0, "building")
        assert building["OS-EXT-STS:task_state"] in ("scheduling", "block_device_mapping", "spawning")
        sim.state.clock.advance(5)
        active = server_of(api, sim, sid)
        assert (active["status"], active["OS-EXT-STS:task_state"], active["progress"]) == ("ACTIVE", None, 100)


def test_interim_states_while_a_change_is_under_way():
    # A long delay: the seeded clock also moves one second per request.
    with Simulator(delay=60, seed=1) as sim, login(sim) as api:
        r = api.post(volumes_url(sim), json={"volume": {"size": 100, "imageRef": UBUNTU}})
        volume_id = r.json()["volume"]["id"]
        sim.state.clock.advance(100)
        body = {"flavorRef": PLAN, "block_device_mapping_v2": [{"uuid": volume_id}]}
        sid = api.post(f"{compute(sim)}/servers", json={"server": body}).json()["server"]["id"]
        assert act(api, sim, sid, {"os-stop": None}).json()["conflictingRequest"]["message"] == (
            f"Cannot 'stop' instance {sid} while it is in vm_state building")
        sim.state.clock.advance(100)
        assert act(api, sim, sid, {"os-stop": None}).status_code == 202
        stopping = server_of(api, sim, sid)
        assert (stopping["status"], stopping["OS-EXT-STS:task_state"]) == ("ACTIVE", "powering-off")
        again = act(api, sim, sid, {"os-stop": None})
        assert again.json()["conflictingRequest"]["message"] == (
            f"Cannot 'stop' instance {sid} while it is in task_state powering-off")
        sim.state.clock.advance(100)
        assert act(api, sim, sid, {"reboot": {"type": "HARD"}}).status_code == 202  # from SHUTOFF
        assert server_of(api, sim, sid)["status"] == "HARD_REBOOT"
        sim.state.clock.advance(100)
        assert api.delete(f"{compute(sim)}/servers/{sid}").status_code == 204
        assert server_of(api, sim, sid)["OS-EXT-STS:task_state"] == "deleting"
        assert api.get(f"{volumes_url(sim)}/{volume_id}").json()["volume"]["status"] == "detaching"
        sim.state.clock.advance(100)
        assert api.get(f"{compute(sim)}/servers/{sid}").status_code == 404
        assert api.get(f"{volumes_url(sim)}/{volume_id}").json()["volume"]["status"] == "available"


def test_delete_on_termination_deletes_the_volume_too(api, sim):
    volume_id = boot_volume(api, sim)
    mapping = {"uuid": volume_id, "source_type": "volume", "destination_type": "volume",
               "boot_index": 0, "delete_on_termination": True}
    r = api.post(f"{compute(sim)}/servers", json={"server": {
        "name": "web-1", "imageRef": "", "flavorRef": PLAN, "block_device_mapping_v2": [mapping]}})
    assert r.status_code == 202, r.text
    sid = r.json()["server"]["id"]
    # delete_on_termination is shown from microversion 2.3 (test_sim_wire_formats.py)
    shown = api.get(f"{compute(sim)}/servers/{sid}", headers={"X-OpenStack-Nova-API-Version": "2.3"})
    attached = shown.json()["server"]["os-extended-volumes:volumes_attached"]
    assert attached == [{"id": volume_id, "delete_on_termination": True}]
    assert api.delete(f"{compute(sim)}/servers/{sid}").status_code == 204
    assert api.get(f"{volumes_url(sim)}/{volume_id}").status_code == 404


def test_create_options_round_trip(api, sim):
    api.post(f"{compute(sim)}/os-keypairs", json={"keypair": {"name": "k"}})
    script = base64.b64encode(b"#cloud-config\npackages: [nginx]\n").decode()
    r = create_server(api, sim, name="web-1", key_name="k", user_data=script,
                      security_groups=[{"name": "IPv4v6-SSH"}, {"name": "IPv4v6-Web"}],
                      metadata={"instance_name_tag": "my-web"})
    assert r.status_code == 202, r.text
    assert len(r.json()["server"]["adminPass"]) >= 9  # generated, meets the rule
    server = server_of(api, sim, r.json()["server"]["id"])
    assert server["name"] == "web-1" and server["key_name"] == "k"
    assert server["metadata"]["instance_name_tag"] == "my-web"
    assert {g["name"] for g in server["security_groups"]} == {"IPv4v6-SSH", "IPv4v6-Web"}


def test_every_plan_needs_a_boot_volume_and_only_hourly_vps_plans_are_usable(api, sim):
    # doc.conoha.jp/api-vps3/compute-create_vm-v3: a boot volume first, no exception
    for plan in (PLAN, "g2l-t-c1m512"):
        r = api.post(f"{compute(sim)}/servers", json={"server": {"flavorRef": plan, "imageRef": UBUNTU}})
        assert r.status_code == 400 and "boot volume" in r.json()["badRequest"]["message"]
    # g2d = DBaaS plans, -p- = long-term plans: listed, but refused for a server (seed.py)
    for plan, words in (("g2d-t-c1m2d30", "DBaaS"), ("g2l-p-c4m4", "long-term")):
        r = api.post(f"{compute(sim)}/servers", json={"server": {
            "flavorRef": plan, "block_device_mapping_v2": [{"uuid": boot_volume(api, sim)}]}})
        message = r.json()["badRequest"]["message"]
        assert r.status_code == 400 and message.startswith("Flavor ") and "could not be found." in message and words in message
    assert api.get(f"{compute(sim)}/servers").json()["servers"] == []


def test_boot_volume_must_be_available_bootable_and_ours(api, other_api, sim):
    volume_id = boot_volume(api, sim)
    assert create_server(api, sim).status_code == 202  # uses its own new volume
    body = {"flavorRef": PLAN, "block_device_mapping_v2": [{"uuid": volume_id}]}
    assert api.post(f"{compute(sim)}/servers", json={"server": body}).status_code == 202
    reused = api.post(f"{compute(sim)}/servers", json={"server": body})
    assert reused.status_code == 400 and "in-use" in reused.json()["badRequest"]["message"]
    foreign = other_api.post(f"{compute(sim)}/servers", json={"server": body})
    assert foreign.status_code == 400 and "failed to get volume" in foreign.json()["badRequest"]["message"]
    data = api.post(volumes_url(sim), json={"volume": {"size": 200}}).json()["volume"]["id"]
    api.get(f"{volumes_url(sim)}/{data}")
    not_bootable = api.post(f"{compute(sim)}/servers", json={"server": {
        "flavorRef": PLAN, "block_device_mapping_v2": [{"uuid": data}]}})
    assert not_bootable.status_code == 400 and "not bootable" in not_bootable.json()["badRequest"]["message"]


@pytest.mark.parametrize("password,ok", [
    ("Abcdef12!", True), ("Sim-Passw0rd!", True), ("A" * 66 + "b1-x", True),
    ("Abcdefghij!", True), ("Abcdefghij12", True),  # a digit OR a symbol (ConoHa's reference)
    ("Abc1!", False), ("abcdefg12!", False), ("ABCDEFG12!", False), ("Abcdefghijk", False),
    ("Abcdef 12!x", False), ("A" * 68 + "b1-", False), (12345678901, False),
])
def test_admin_pass_rule(api, sim, password, ok):
    r = create_server(api, sim, adminPass=password)
    assert r.status_code == (202 if ok else 400), r.text
    if not ok:
        message = r.json()["badRequest"]["message"]
        assert "9 to 70 characters" in message and str(password) not in message


def test_server_quota_is_403(api, sim):
    sim.state.config.quota_servers = 1
    assert create_server(api, sim).status_code == 202
    r = create_server(api, sim)
    assert r.status_code == 403
    assert r.json()["forbidden"]["message"] == (
        "Quota exceeded for instances: Requested 1, but already used 1 of 1 instances")


def test_keypair_quota_is_403(api, sim):
    sim.state.config.quota_keypairs = 1
    assert api.post(f"{compute(sim)}/os-keypairs", json={"keypair": {"name": "a"}}).status_code == 200
    assert api.post(f"{compute(sim)}/os-keypairs", json={"keypair": {"name": "b"}}).status_code == 403


# --- lists, metadata, addresses ---------------------------------------------------------------

def test_server_paging_with_limit_and_marker(api, sim):
    ids = [create_server(api, sim, name=f"web-{i}").json()["server"]["id"] for i in range(5)]
    seen, url, params = [], f"{compute(sim)}/servers/detail", {"limit": 2}
    while url:
        page = api.get(url, params=params).json()
        seen += [s["id"] for s in page["servers"]]
        url = next((link["href"] for link in page.get("servers_links", []) if link["rel"] == "next"), None)
        params = None  # the next link carries limit and marker
    assert seen == ids
    at_end = api.get(f"{compute(sim)}/servers", params={"limit": 2, "marker": ids[-1]}).json()
    assert at_end == {"servers": []}  # what openstacksdk asks after a full last page
    bad = api.get(f"{compute(sim)}/servers", params={"marker": "nope"})
    assert bad.status_code == 400 and "marker" in bad.json()["badRequest"]["message"]
    summary = api.get(f"{compute(sim)}/servers").json()["servers"][0]
    assert set(summary) == {"id", "name", "links"}


def test_server_filters(api, sim):
    for name in ("web-1", "web-2", "db-1"):
        create_server(api, sim, name=name)
    names = lambda **q: sorted(s["name"] for s in api.get(f"{compute(sim)}/servers", params=q).json()["servers"])
    assert names(name="web") == ["web-1", "web-2"]
    assert names(name="^db") == ["db-1"]
    assert names(name="web-1$") == ["web-1"]
    assert names(status="active") == ["db-1", "web-1", "web-2"]
    assert names(status="SHUTOFF") == []


def test_metadata_round_trip(api, sim):
    sid = create_server(api, sim, name="m").json()["server"]["id"]
    url = f"{compute(sim)}/servers/{sid}/metadata"
    merged = api.post(url, json={"metadata": {"role": "web"}}).json()["metadata"]
    assert merged == {"instance_name_tag": "m", "role": "web"}
    assert api.get(f"{url}/role").json() == {"meta": {"role": "web"}}
    assert api.put(f"{url}/env", json={"meta": {"env": "dev"}}).json() == {"meta": {"env": "dev"}}
    assert api.put(f"{url}/env", json={"meta": {"other": "x"}}).status_code == 400
    assert api.delete(f"{url}/role").status_code == 204
    assert api.get(f"{url}/role").status_code == 404
    assert api.put(url, json={"metadata": {"only": "this"}}).json() == {"metadata": {"only": "this"}}
    assert api.get(url).json() == {"metadata": {"only": "this"}}
    assert api.post(url, json={"metadata": {"k": "v" * 256}}).status_code == 400


def test_ips(api, sim):
    sid = create_server(api, sim).json()["server"]["id"]
    addresses = api.get(f"{compute(sim)}/servers/{sid}/ips").json()["addresses"]
    (network, entries), = addresses.items()
    assert {e["version"] for e in entries} == {4, 6} and set(entries[0]) == {"addr", "version"}
    assert api.get(f"{compute(sim)}/servers/{sid}/ips/{network}").json() == {network: entries}
    assert api.get(f"{compute(sim)}/servers/{sid}/ips/elsewhere").status_code == 404


# --- tenancy and the 2015 path ----------------------------------------------------------------

def test_other_tenants_see_404_never_403(api, other_api, sim):
    sid = create_server(api, sim).json()["server"]["id"]
    api.post(f"{compute(sim)}/os-keypairs", json={"keypair": {"name": "mine"}})
    for method, path in [("GET", f"/servers/{sid}"), ("DELETE", f"/servers/{sid}"),
                         ("GET", f"/servers/{sid}/metadata"), ("GET", "/os-keypairs/mine")]:
        r = other_api.request(method, compute(sim) + path)
        assert r.status_code == 404 and "itemNotFound" in r.json(), (method, path)
    assert act(other_api, sim, sid, {"os-stop": None}).status_code == 404
    assert other_api.get(f"{compute(sim)}/servers").json()["servers"] == []
    assert other_api.get(f"{compute(sim)}/os-keypairs").json()["keypairs"] == []
    assert server_of(api, sim, sid)["status"] == "ACTIVE"  # untouched


def test_legacy_v2_path_with_tenant(api, sim):
    sid = create_server(api, sim).json()["server"]["id"]
    legacy = f"{sim.url}/compute/v2/{PROJECT}"
    server = api.get(f"{legacy}/servers/{sid}").json()["server"]
    assert server["links"][0]["href"] == f"{legacy}/servers/{sid}"
    assert server["links"][1]["href"] == f"{sim.url}/compute/{PROJECT}/servers/{sid}"
    assert api.get(f"{legacy}/flavors").status_code == 200
    assert act(api, sim, sid, {"os-stop": None}).status_code == 202
    assert api.get(f"{legacy}/servers/detail").json()["servers"][0]["status"] == "SHUTOFF"
    r = api.get(f"{sim.url}/compute/v2/{OTHER_PROJECT}/servers")
    assert r.status_code == 400 and "Malformed request URL" in r.json()["badRequest"]["message"]


# --- nothing a client sends gives a 5xx -------------------------------------------------------

BAD_SERVER_BODIES = [
    b"{not json", b"[]", b'"server"', b'{"server": []}', b'{"server": {}}',
    b'{"server": {"flavorRef": null}}', b'{"server": {"flavorRef": ["g2l-t-c2m1"]}}',
    b'{"server": {"flavorRef": "nope"}}',
    b'{"server": {"flavorRef": "g2l-t-c2m1", "name": {"a": 1}}}',
    b'{"server": {"flavorRef": "g2l-t-c2m1", "name": "  padded  "}}',
    b'{"server": {"flavorRef": "g2l-t-c2m1", "metadata": ["a"]}}',
    b'{"server": {"flavorRef": "g2l-t-c2m1", "metadata": {"a": 1}}}',
    b'{"server": {"flavorRef": "g2l-t-c2m1", "block_device_mapping_v2": {"uuid": "x"}}}',
    b'{"server": {"flavorRef": "g2l-t-c2m1", "block_device_mapping_v2": [{"uuid": 5}]}}',
    b'{"server": {"flavorRef": "g2l-t-c2m1", "block_device_mapping_v2": [{"uuid": "x", "boot_index": "a"}]}}',
    b'{"server": {"flavorRef": "g2l-t-c2m1", "block_device_mapping_v2": [{"source_type": "image", "uuid": "x"}]}}',
    b'{"server": {"flavorRef": "g2l-t-c2m1", "block_device_mapping_v2": [{"uuid": "x"}]}}',
    b'{"server": {"flavorRef": "g2l-t-c2m1", "security_groups": "default"}}',
    b'{"server": {"flavorRef": "g2l-t-c2m1", "security_groups": [{"name": "nope"}]}}',
    b'{"server": {"flavorRef": "g2l-t-c2m1", "security_groups": [{"name": 5}]}}',
    b'{"server": {"flavorRef": "g2l-t-c2m1", "key_name": "nope"}}',
    b'{"server": {"flavorRef": "g2l-t-c2m1", "user_data": "!!!"}}',
    b'{"server": {"flavorRef": "g2l-t-c2m1", "user_data": "aGVsbG8="}}',
    b'{"server": {"flavorRef": "g2l-t-c2m1", "imageRef": 5}}',
    b'{"server": {"flavorRef": "g2l-t-c2m1", "max_count": 3}}',
    b'{"server": {"flavorRef": "g2l-t-c2m1", "OS-DCF:diskConfig": "BOTH"}}',
    b'{"server": {"flavorRef": "g2d-t-c1m2d30", "imageRef": "no-such-image"}}',
    b'{"server": {"flavorRef": "' + b"x" * 100_000 + b'"}}',
]


@pytest.mark.parametrize("raw", BAD_SERVER_BODIES)
def test_malformed_server_bodies_are_400(refusing, raw):
    sim, api, _ = refusing
    r = api.post(f"{compute(sim)}/servers", data=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.json()["badRequest"]["code"] == 400 and len(r.json()["badRequest"]["message"]) < 1000


@pytest.mark.parametrize("raw", [
    b"{}", b'{"os-stop": null, "os-start": null}', b'{"fly": null}', b'{"reboot": null}',
    b'{"reboot": {"type": "GENTLE"}}', b'{"reboot": "SOFT"}', b'{"os-stop": "now"}',
    b'{"os-stop": {"force_shutdown": "maybe"}}', b'{"os-start": 1}', b"[1]",
])
def test_malformed_actions_are_400(refusing, raw):
    sim, api, sid = refusing
    r = api.post(f"{compute(sim)}/servers/{sid}/action", data=raw,
                 headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert "badRequest" in r.json()


def test_unsimulated_action_is_501(refusing):
    sim, api, sid = refusing
    r = act(api, sim, sid, {"rebuild": {"imageRef": UBUNTU}})
    assert r.status_code == 501 and "notImplemented" in r.json()


def test_same_seed_gives_byte_identical_answers():
    """Ids, passwords, generated keys and times all come from the seed (what cassettes need)."""
    def run() -> list[bytes]:
        with Simulator(delay=0, seed=7) as sim, login(sim) as api:
            answers = [api.post(f"{compute(sim)}/os-keypairs", json={"keypair": {"name": "k"}}).content,
                       create_server(api, sim).content,
                       api.get(f"{compute(sim)}/servers/detail").content]
            return [a.replace(sim.url.encode(), b"BASE") for a in answers]
    assert run() == run()
