"""Cinder in the simulator, driven with plain requests: volume types and (boot) volumes."""

from __future__ import annotations

import pytest
import requests

from conoha_learn.sim import Simulator
from conoha_learn.sim.seed import ACCOUNTS, images

from sim_session import login

PROJECT = ACCOUNTS[0]["project_id"]
OTHER_PROJECT = ACCOUNTS[1]["project_id"]
UBUNTU = images()[0]


def v3(sim, project: str = PROJECT) -> str:
    return f"{sim.url}/block-storage/v3/{project}"


def create(api, sim, **volume) -> requests.Response:
    return api.post(f"{v3(sim)}/volumes", json={"volume": volume})


def status_of(api, sim, volume_id: str) -> str:
    return api.get(f"{v3(sim)}/volumes/{volume_id}").json()["volume"]["status"]


@pytest.fixture(scope="module")
def refusing():
    """One simulator shared by the cases that must be refused (they change nothing)."""
    with Simulator(delay=0, seed=42) as sim, login(sim) as api:
        yield sim, api


# --- discovery and types ----------------------------------------------------------------------

@pytest.mark.parametrize("path,status", [("/block-storage", 300), ("/block-storage/", 300),
                                         ("/block-storage/v3", 200), ("/block-storage/v3/", 200)])
def test_version_documents_without_a_token(sim, path, status):
    # The root answers 300 Multiple Choices, as upstream Cinder's does (api-versions.inc).
    r = requests.get(sim.url + path, timeout=5)
    assert r.status_code == status
    (entry,) = r.json()["versions"]
    assert (entry["id"], entry["version"], entry["min_version"], entry["status"]) == (
        "v3.0", "3.0", "3.0", "CURRENT")
    self_link = next(link["href"] for link in entry["links"] if link["rel"] == "self")
    assert self_link == f"{sim.url}/block-storage/v3/"


def test_volume_types(api, sim):
    types = api.get(f"{v3(sim)}/types").json()["volume_types"]
    assert [t["name"] for t in types] == ["c3j1-ds02-boot", "c3j1-as01-boot", "c3j1-ds02-add"]
    boot = types[0]
    assert boot["id"] == "209f3e4d-2652-409d-b0a6-0ac0fe954d79"
    assert (boot["is_public"], boot["extra_specs"], boot["qos_specs_id"]) == (True, {}, None)
    assert api.get(f"{v3(sim)}/types/{boot['id']}").json() == {"volume_type": boot}
    assert api.get(f"{v3(sim)}/types/c3j1-ds02-boot").json() == {"volume_type": boot}
    missing = api.get(f"{v3(sim)}/types/nope")
    assert missing.status_code == 404 and "itemNotFound" in missing.json()


# --- volumes ----------------------------------------------------------------------------------

def test_boot_volume_is_created_then_available_and_bootable(api, sim):
    r = create(api, sim, size=100, imageRef=UBUNTU["id"], name="boot-1")
    assert r.status_code == 202
    created = r.json()["volume"]
    assert (created["status"], created["bootable"], created["attachments"]) == ("creating", "false", [])
    assert created["volume_type"] == "c3j1-ds02-boot" and created["updated_at"] is None
    assert not created["created_at"].endswith("Z") and "." in created["created_at"]
    volume = api.get(f"{v3(sim)}/volumes/{created['id']}").json()["volume"]
    assert (volume["status"], volume["bootable"], volume["size"]) == ("available", "true", 100)
    assert volume["volume_image_metadata"] == {"image_id": UBUNTU["id"], "image_name": UBUNTU["name"]}
    assert volume["os-vol-tenant-attr:tenant_id"] == PROJECT
    assert volume["user_id"] == ACCOUNTS[0]["user_id"]
    assert volume["links"][0]["href"] == f"{v3(sim)}/volumes/{created['id']}"
    for key in ("snapshot_id", "source_volid", "replication_status", "consistencygroup_id"):
        assert volume[key] is None
    assert (volume["encrypted"], volume["multiattach"], volume["availability_zone"]) == (False, False, "nova")


def test_defaults_by_kind_and_size(api, sim):
    small = create(api, sim, size=30, imageRef=UBUNTU["id"]).json()["volume"]
    assert small["volume_type"] == "c3j1-as01-boot"
    data = create(api, sim, size=200).json()["volume"]
    assert data["volume_type"] == "c3j1-ds02-add" and "volume_image_metadata" not in data
    assert api.get(f"{v3(sim)}/volumes/{data['id']}").json()["volume"]["bootable"] == "false"
    by_id = create(api, sim, size="100", imageRef=UBUNTU["id"],
                   volume_type="209f3e4d-2652-409d-b0a6-0ac0fe954d79").json()["volume"]
    assert by_id["volume_type"] == "c3j1-ds02-boot" and by_id["size"] == 100


def test_image_volume_downloads_before_it_is_available():
    # The seeded clock moves one second per request: with delay=2 the stages land 1 s apart.
    with Simulator(delay=2, seed=1) as sim, login(sim) as api:
        volume_id = create(api, sim, size=100, imageRef=UBUNTU["id"]).json()["volume"]["id"]
        assert status_of(api, sim, volume_id) == "downloading"
        sim.state.clock.advance(5)
        assert status_of(api, sim, volume_id) == "available"
        assert api.delete(f"{v3(sim)}/volumes/{volume_id}").status_code == 202
        assert status_of(api, sim, volume_id) == "deleting"
        sim.state.clock.advance(5)
        assert api.get(f"{v3(sim)}/volumes/{volume_id}").status_code == 404


def test_list_detail_paging_and_filters(api, sim):
    ids = [create(api, sim, size=200, name=f"data-{i}").json()["volume"]["id"] for i in range(5)]
    seen, url, params = [], f"{v3(sim)}/volumes/detail", {"limit": 2}
    while url:
        page = api.get(url, params=params).json()
        seen += [v["id"] for v in page["volumes"]]
        url = next((link["href"] for link in page.get("volumes_links", [])), None)
        params = None
    assert seen == ids
    summary = api.get(f"{v3(sim)}/volumes").json()["volumes"]
    assert set(summary[0]) == {"id", "name", "links"}
    assert [v["name"] for v in api.get(f"{v3(sim)}/volumes", params={"name": "data-3"}).json()["volumes"]] == ["data-3"]
    assert len(api.get(f"{v3(sim)}/volumes", params={"status": "available"}).json()["volumes"]) == 5
    assert api.get(f"{v3(sim)}/volumes", params={"limit": 2, "marker": ids[-1]}).json() == {"volumes": []}
    assert api.get(f"{v3(sim)}/volumes", params={"marker": "nope"}).status_code == 400


def test_rename_and_delete(api, sim):
    volume_id = create(api, sim, size=200, name="old").json()["volume"]["id"]
    r = api.put(f"{v3(sim)}/volumes/{volume_id}", json={"volume": {"name": "new", "metadata": {"a": "b"}}})
    assert r.status_code == 200
    assert (r.json()["volume"]["name"], r.json()["volume"]["metadata"]) == ("new", {"a": "b"})
    assert r.json()["volume"]["updated_at"] is not None
    assert api.delete(f"{v3(sim)}/volumes/{volume_id}").status_code == 202
    missing = api.get(f"{v3(sim)}/volumes/{volume_id}")
    assert missing.status_code == 404
    assert missing.json() == {"itemNotFound": {"code": 404, "message": f"Volume {volume_id} could not be found."}}


def test_volume_quota_is_413_over_limit(api, sim):
    sim.state.config.quota_volumes = 2
    for _ in range(2):
        assert create(api, sim, size=200).status_code == 202
    r = create(api, sim, size=200)
    assert r.status_code == 413
    assert r.json()["overLimit"]["message"] == (
        "VolumeLimitExceeded: Maximum number of volumes allowed (2) exceeded for quota 'volumes'.")


def test_tenant_isolation(api, other_api, sim):
    volume_id = create(api, sim, size=200).json()["volume"]["id"]
    # Another tenant, in its own path: the volume does not exist for it.
    theirs = f"{v3(sim, OTHER_PROJECT)}/volumes"
    assert other_api.get(f"{theirs}/{volume_id}").status_code == 404
    assert other_api.delete(f"{theirs}/{volume_id}").status_code == 404
    assert other_api.get(theirs).json() == {"volumes": []}
    # Another tenant's id in the path is refused outright.
    r = other_api.get(f"{v3(sim)}/volumes/{volume_id}")
    assert r.status_code == 400 and r.json()["badRequest"]["message"].startswith("Malformed request url")
    assert status_of(api, sim, volume_id) == "available"


# --- refusals ---------------------------------------------------------------------------------

@pytest.mark.parametrize("volume,status,words", [
    ({}, 400, "'size' is a required property"),
    ({"size": 50, "imageRef": UBUNTU["id"]}, 400, "30 GB for the 512 MB plan and 100 GB"),
    ({"size": 100}, 400, "200, 500, 1000, 5000 or 10000"),
    ({"size": 100, "imageRef": "no-such-image"}, 400, "Invalid image identifier"),
    ({"size": 100, "imageRef": UBUNTU["name"]}, 400, "ids, not names"),
    ({"size": 100, "imageRef": UBUNTU["id"], "volume_type": "c3j1-ds02-add"}, 400, "c3j1-ds02-boot"),
    ({"size": 200, "volume_type": "c3j1-ds02-boot"}, 400, "c3j1-ds02-add"),
    ({"size": 200, "volume_type": "gold"}, 404, "Known types"),
    ({"size": 200, "snapshot_id": "x"}, 501, "not simulated"),
])
def test_create_rules_are_explained(refusing, volume, status, words):
    sim, api = refusing
    r = create(api, sim, **volume)
    assert r.status_code == status, r.text
    (fault,) = r.json().values()
    assert fault["code"] == status and words in fault["message"]


@pytest.mark.parametrize("raw", [
    b"{nope", b"[]", b'{"volume": null}', b'{"volume": "big"}', b'{"size": 100}',
    b'{"volume": {"size": true}}', b'{"volume": {"size": 1.5}}', b'{"volume": {"size": [100]}}',
    b'{"volume": {"size": "hundred"}}', b'{"volume": {"size": 200, "name": 5}}',
    b'{"volume": {"size": 200, "name": "' + b"n" * 300 + b'"}}',
    b'{"volume": {"size": 200, "metadata": {"k": {"nested": 1}}}}',
    b'{"volume": {"size": 200, "metadata": "k=v"}}', b'{"volume": {"size": 100, "imageRef": {"id": 1}}}',
    b'{"volume": {"size": 200, "volume_type": ["x"]}}',
])
def test_malformed_volume_bodies_are_400(refusing, raw):
    sim, api = refusing
    r = api.post(f"{v3(sim)}/volumes", data=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.json()["badRequest"]["code"] == 400


def test_malformed_updates_are_400(api, sim):
    volume_id = create(api, sim, size=200).json()["volume"]["id"]
    for raw in (b"[]", b'{"volume": 1}', b'{"volume": {"name": 1}}', b'{"volume": {"metadata": []}}'):
        r = api.put(f"{v3(sim)}/volumes/{volume_id}", data=raw, headers={"Content-Type": "application/json"})
        assert r.status_code == 400, (raw, r.text)
