"""Wire formats issue 13 asked for, driven with plain requests: each test names the upstream
api-ref sample (or source) its expected shape comes from, so a failure says which side moved."""

from __future__ import annotations

import pytest
import requests

from conoha_learn.sim.seed import ACCOUNTS, images

from sim_session import login
from test_sim_compute import boot_volume, compute, server_of

PROJECT = ACCOUNTS[0]["project_id"]
USER = ACCOUNTS[0]["user_id"]
UBUNTU = images()[0]["id"]
V22 = {"X-OpenStack-Nova-API-Version": "2.2"}
V23 = {"OpenStack-API-Version": "compute 2.3"}


def password_login(sim, user_name: str, password: str, project_name: str) -> requests.Session:
    """A session for an API user given by name (as a learner's second user would log in)."""
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user_name, "password": password, "domain": {"name": "gnc"}}}},
        "scope": {"project": {"name": project_name, "domain": {"name": "gnc"}}}}}
    session = requests.Session()
    r = session.post(f"{sim.auth_url}/auth/tokens", json=body, timeout=10)
    assert r.status_code == 201, r.text
    session.headers["X-Auth-Token"] = r.headers["X-Subject-Token"]
    return session


# --- identity: what a token may read about itself (keystone api-ref samples/admin) ------------

def test_auth_catalog_is_the_tokens_catalog(api, sim):
    r = api.get(f"{sim.auth_url}/auth/catalog")
    assert r.status_code == 200
    body = r.json()  # get-service-catalog-response.json: {"catalog": [...], "links": {...}}
    assert body["catalog"] == api.token_body["catalog"]
    assert body["links"] == {"self": f"{sim.auth_url}/auth/catalog", "previous": None, "next": None}


def test_auth_catalog_needs_a_project_scoped_token(sim):
    a = ACCOUNTS[0]
    unscoped = requests.post(f"{sim.auth_url}/auth/tokens", timeout=5, json={"auth": {"identity": {
        "methods": ["password"], "password": {"user": {"id": a["user_id"], "password": a["password"]}}}}})
    r = requests.get(f"{sim.auth_url}/auth/catalog", timeout=5,
                     headers={"X-Auth-Token": unscoped.headers["X-Subject-Token"]})
    assert r.status_code == 403  # keystone/api/auth.py AuthCatalogResource
    assert r.json()["error"]["message"] == "A project-scoped token is required to produce a service catalog."


def test_auth_projects_domains_and_system(api, sim):
    projects = api.get(f"{sim.auth_url}/auth/projects").json()  # get-available-project-scopes
    assert projects["projects"] == [{
        "domain_id": "gnc", "enabled": True, "id": PROJECT, "name": ACCOUNTS[0]["project_name"],
        "links": {"self": f"{sim.auth_url}/projects/{PROJECT}"}}]
    assert projects["links"]["self"] == f"{sim.auth_url}/auth/projects"
    domains = api.get(f"{sim.auth_url}/auth/domains").json()  # get-available-domain-scopes
    assert domains == {"domains": [], "links": {"self": f"{sim.auth_url}/auth/domains",
                                                "previous": None, "next": None}}
    system = api.get(f"{sim.auth_url}/auth/system").json()  # get-available-system-scopes
    assert system == {"system": [], "links": {"self": f"{sim.auth_url}/auth/system"}}
    assert requests.get(f"{sim.auth_url}/auth/projects", timeout=5).status_code == 401


# --- compute: version documents (nova doc/api_samples/versions) --------------------------------

def test_compute_root_lists_v2_0_then_v2_1(sim):
    r = requests.get(f"{sim.url}/compute", timeout=5)
    assert r.status_code == 200
    v20, v21 = r.json()["versions"]
    assert (v20["id"], v20["status"], v20["version"], v20["min_version"]) == ("v2.0", "SUPPORTED", "", "")
    assert v20["links"] == [{"rel": "self", "href": f"{sim.url}/compute/v2/"}]
    assert (v21["id"], v21["status"], v21["version"], v21["min_version"]) == ("v2.1", "CURRENT", "2.1", "2.1")


@pytest.mark.parametrize("path", ["/compute/v2", "/compute/v2/"])
def test_compute_v2_answers_its_version_document(sim, path):
    r = requests.get(sim.url + path, timeout=5)
    assert r.status_code == 200
    doc = r.json()["version"]  # v2-version-get-resp.json
    assert (doc["id"], doc["version"], doc["min_version"]) == ("v2.0", "", "")
    assert doc["links"][0] == {"rel": "self", "href": f"{sim.url}/compute/v2/"}
    assert doc["media-types"][0]["type"] == "application/vnd.openstack.compute+json;version=2"


# --- compute: key pairs (nova doc/api_samples/os-keypairs, v2.2/) -------------------------------

def test_keypair_show_carries_novas_fields_at_2_1(api, sim):
    created = api.post(f"{compute(sim)}/os-keypairs", json={"keypair": {"name": "k1"}}).json()["keypair"]
    assert set(created) == {"name", "public_key", "fingerprint", "user_id", "private_key"}
    api.post(f"{compute(sim)}/os-keypairs", json={"keypair": {"name": "k2"}})
    shown = api.get(f"{compute(sim)}/os-keypairs/k2").json()["keypair"]  # keypairs-get-resp.json
    assert set(shown) == {"name", "public_key", "fingerprint", "user_id", "deleted", "created_at",
                          "updated_at", "deleted_at", "id"}
    assert (shown["user_id"], shown["deleted"], shown["updated_at"], shown["deleted_at"]) == (
        USER, False, None, None)
    assert shown["id"] == 2 and isinstance(shown["id"], int)  # Nova's row number
    assert "T" in shown["created_at"] and not shown["created_at"].endswith("Z")
    listed = api.get(f"{compute(sim)}/os-keypairs").json()["keypairs"]  # keypairs-list-resp.json
    assert set(listed[0]["keypair"]) == {"name", "public_key", "fingerprint"}


def test_keypair_type_and_delete_status_follow_the_microversion(api, sim):
    url = f"{compute(sim)}/os-keypairs"
    refused = api.post(url, json={"keypair": {"name": "t", "type": "ssh"}})  # 2.1: no "type"
    assert refused.status_code == 400 and "'type' was unexpected" in refused.json()["badRequest"]["message"]
    r = api.post(url, json={"keypair": {"name": "t", "type": "ssh"}}, headers=V22)
    assert r.status_code == 201 and r.json()["keypair"]["type"] == "ssh"  # 2.2: 200 -> 201
    assert r.headers["X-OpenStack-Nova-API-Version"] == "2.2"
    assert r.headers["OpenStack-API-Version"] == "compute 2.2"
    assert api.get(f"{url}/t", headers=V22).json()["keypair"]["type"] == "ssh"
    assert api.get(url, headers=V22).json()["keypairs"][0]["keypair"]["type"] == "ssh"
    assert "type" not in api.get(f"{url}/t").json()["keypair"]
    assert api.delete(f"{url}/t", headers=V22).status_code == 204  # 2.2 fixed 202 -> 204
    api.post(url, json={"keypair": {"name": "u"}})
    assert api.delete(f"{url}/u").status_code == 202


def test_keypairs_belong_to_the_user_not_the_tenant(api, sim):
    requests.post(f"{sim.url}/_sim/accounts", timeout=5, json={
        "user_name": "gncu-second", "password": "Second-Passw0rd",  # pragma: allowlist secret
        "project_name": ACCOUNTS[0]["project_name"]})
    second = password_login(sim, "gncu-second", "Second-Passw0rd", ACCOUNTS[0]["project_name"])
    api.post(f"{compute(sim)}/os-keypairs", json={"keypair": {"name": "mine"}})
    assert second.get(f"{compute(sim)}/os-keypairs").json()["keypairs"] == []
    assert second.get(f"{compute(sim)}/os-keypairs/mine").status_code == 404
    # the same name is free for the other user
    assert second.post(f"{compute(sim)}/os-keypairs", json={"keypair": {"name": "mine"}}).status_code == 200


# --- compute: volumes_attached per microversion (servers/server-get-resp.json, v2.3/) ----------

def test_delete_on_termination_only_from_2_3(api, sim):
    body = {"flavorRef": "g2l-t-c2m1", "block_device_mapping_v2": [
        {"uuid": boot_volume(api, sim), "delete_on_termination": True}]}
    sid = api.post(f"{compute(sim)}/servers", json={"server": body}).json()["server"]["id"]
    at_21 = server_of(api, sim, sid)["os-extended-volumes:volumes_attached"]
    assert len(at_21) == 1 and set(at_21[0]) == {"id"}
    r = api.get(f"{compute(sim)}/servers/{sid}", headers=V23)
    assert r.headers["X-OpenStack-Nova-API-Version"] == "2.3"
    at_23 = r.json()["server"]["os-extended-volumes:volumes_attached"]
    assert at_23 == [{"id": at_21[0]["id"], "delete_on_termination": True}]
    detail = api.get(f"{compute(sim)}/servers/detail", headers=V23).json()["servers"]
    assert detail[0]["os-extended-volumes:volumes_attached"] == at_23
    r = api.get(f"{compute(sim)}/servers/{sid}", headers={"X-OpenStack-Nova-API-Version": "2.4"})
    assert r.status_code == 406 and r.json()["computeFault"]["message"].endswith("maximum is 2.3.")
    # "latest" is the advertised maximum, 2.1: what negotiating clients get
    r = api.get(f"{compute(sim)}/servers/{sid}", headers={"OpenStack-API-Version": "compute latest"})
    assert r.headers["OpenStack-API-Version"] == "compute 2.1"
    assert set(r.json()["server"]["os-extended-volumes:volumes_attached"][0]) == {"id"}


# --- image: writes refused as Glance refuses them ----------------------------------------------

def glance_error(r: requests.Response, status: int, title: str) -> str:
    """WebOb's JSON error, as Glance sends it: {"message", "code": "<status line>", "title"}."""
    body = r.json()
    assert r.status_code == status and set(body) == {"message", "code", "title"}, body
    assert body["code"] == f"{status} {title}" and body["title"] == title
    assert body["message"].endswith("<br /><br />\n\n\n")
    return body["message"]


def test_deleting_a_public_image_is_403(api, sim):
    url = f"{sim.url}/image-service/v2/images"
    message = glance_error(api.delete(f"{url}/{UBUNTU}"), 403, "Forbidden")
    assert message.startswith("You are not authorized to complete delete_image action.")
    assert api.get(f"{url}/{UBUNTU}").status_code == 200  # still there
    glance_error(api.delete(f"{url}/00000000-0000-4000-8000-000000000000"), 404, "Not Found")
    patched = api.patch(f"{url}/{UBUNTU}", json=[{"op": "replace", "path": "/name", "value": "x"}],
                        headers={"Content-Type": "application/openstack-images-v2.1-json-patch"})
    assert "modify_image" in glance_error(patched, 403, "Forbidden")
    assert "upload_image" in glance_error(api.put(f"{url}/{UBUNTU}/file", data=b"x"), 403, "Forbidden")
    # ConoHa's POST /v2/images makes ISO images only (image-create_iso_image-v3)
    assert "ISO images only" in glance_error(api.post(url, json={"name": "mine"}), 400, "Bad Request")
    assert glance_error(api.get(f"{url}/nope"), 404, "Not Found").startswith("No image found with ID nope")


# --- block storage root (cinder api-ref/source/v3/api-versions.inc) ---------------------------

def test_block_storage_root_is_300_multiple_choices(sim):
    r = requests.get(f"{sim.url}/block-storage", timeout=5)
    assert r.status_code == 300 and r.reason == "Multiple Choices"
    assert [v["id"] for v in r.json()["versions"]] == ["v3.0"]  # versions-response.json


# --- tenancy: several API users in one tenant ---------------------------------------------------

def test_a_second_api_user_joins_a_tenant_and_sees_its_resources(api, sim):
    url = f"{sim.url}/_sim/accounts"
    by_id = requests.post(url, timeout=5, json={"user_name": "gncu-by-id", "password": "Pw-by-id-1",  # pragma: allowlist secret
                                                "project_id": PROJECT})
    assert by_id.status_code == 201, by_id.text
    assert by_id.json()["account"]["project_name"] == ACCOUNTS[0]["project_name"]
    by_name = requests.post(url, timeout=5, json={"user_name": "gncu-by-name", "password": "Pw-by-name-1",  # pragma: allowlist secret
                                                  "project_name": ACCOUNTS[0]["project_name"]})
    assert by_name.status_code == 201 and by_name.json()["account"]["project_id"] == PROJECT
    listed = [a for a in requests.get(url, timeout=5).json()["accounts"] if a["project_id"] == PROJECT]
    assert {a["user_name"] for a in listed} == {ACCOUNTS[0]["user_name"], "gncu-by-id", "gncu-by-name"}

    second = password_login(sim, "gncu-by-id", "Pw-by-id-1", ACCOUNTS[0]["project_name"])
    volume = boot_volume(api, sim)  # made by the first user
    volumes = second.get(f"{sim.url}/block-storage/v3/{PROJECT}/volumes").json()["volumes"]
    assert [v["id"] for v in volumes] == [volume]
    sid = second.post(f"{compute(sim)}/servers", json={"server": {
        "flavorRef": "g2l-t-c2m1", "block_device_mapping_v2": [{"uuid": volume}]}}).json()["server"]["id"]
    assert server_of(api, sim, sid)["user_id"] != USER  # made by the second, seen by the first
    # the tenant's security groups are shared, not seeded again for the new user
    groups = [g["name"] for g in second.get(f"{sim.url}/networking/v2.0/security-groups").json()["security_groups"]]
    assert groups.count("default") == 1


@pytest.mark.parametrize("body,status,words", [
    ({"project_id": "0" * 32}, 404, "No tenant with id"),
    ({"project_id": PROJECT, "project_name": "gnct-other"}, 409, "is named"),
    ({}, 400, "'project_name' is required"),
])
def test_joining_a_tenant_that_is_not_there_is_refused(sim, body, status, words):
    r = requests.post(f"{sim.url}/_sim/accounts", timeout=5,
                      json={"user_name": "gncu-x", "password": "Pw-x-1", **body})
    assert r.status_code == status and words in r.json()["error"]["message"], r.text
    assert "gncu-x" not in {a["user_name"] for a in requests.get(f"{sim.url}/_sim/accounts", timeout=5).json()["accounts"]}


def test_seeded_second_tenant_stays_separate(api, other_api, sim):
    assert login(sim, 1).get(f"{sim.auth_url}/auth/projects").json()["projects"][0]["id"] == ACCOUNTS[1]["project_id"]


# --- issue 13 data: plans and the default security group (notes/truth-findings.md) -----------

def test_plan_figures_match_published_flavor_captures(api, sim):
    detail = {f["name"]: f for f in api.get(f"{compute(sim)}/flavors/detail").json()["flavors"]}
    # (vcpus, ram, disk, id) as the third-party captures of real ConoHa show them
    assert (detail["g2d-t-c1m2d30"]["vcpus"], detail["g2d-t-c1m2d30"]["ram"], detail["g2d-t-c1m2d30"]["disk"],
            detail["g2d-t-c1m2d30"]["id"]) == (1, 2048, 40, "1488a6c7-6c8f-4e39-a522-ccab7d3acc84")
    assert (detail["g2d-t-c6m16d240"]["disk"], detail["g2d-t-c6m16d240"]["ram"]) == (250, 16384)
    assert detail["g2l-t-c2m1"]["id"] == "f2a77529-1815-43a2-bc14-1f3f6b09079c"
    assert all(f["disk"] == 0 for name, f in detail.items() if not name.startswith("g2d-"))
    assert "g2l-p-c4m4" in detail


def test_default_group_lets_in_only_its_own_members(api, sim):
    groups = api.get(f"{sim.url}/networking/v2.0/security-groups").json()["security_groups"]
    default = next(g for g in groups if g["name"] == "default")
    assert default["description"] == "Default security group"  # doc.conoha.jp compute-get_server_secgps-v3
    rules = {(r["direction"], r["ethertype"], r["protocol"], r["port_range_min"], r["remote_ip_prefix"],
              r["remote_group_id"]) for r in default["security_group_rules"]}
    assert rules == {("egress", "IPv4", None, None, None, None), ("egress", "IPv6", None, None, None, None),
                     ("ingress", "IPv4", None, None, None, default["id"]),
                     ("ingress", "IPv6", None, None, None, default["id"])}
