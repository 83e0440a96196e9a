"""ConoHa VPS 3.0's own image features in the simulator, with plain requests: ISO images (Glance
create, file upload, list, show, delete, quota) and image save from a boot volume (Cinder's
os-volume_upload_image), plus Cinder's quotas."""

from __future__ import annotations

import hashlib

import pytest

from conoha_learn.sim import Simulator
from conoha_learn.sim.state import SimConfig

from sim_session import login
from test_sim_compute import server_of, volumes_url
from test_sim_server_ops import settle, slow, stopped_server  # noqa: F401 (slow: a fixture)

ISO = {"name": "rescue.iso", "disk_format": "iso", "container_format": "bare",
       "hw_rescue_bus": "ide", "hw_rescue_device": "cdrom"}  # image-create_iso_image-v3's body


def images_url(sim) -> str:
    return f"{sim.url}/image-service/v2/images"


# --- ISO images ---------------------------------------------------------------------------------

def test_iso_image_create_upload_list_show_delete(api, other_api, sim):
    r = api.post(images_url(sim), json=ISO)
    assert r.status_code == 201, r.text
    created = r.json()
    # the fields of ConoHa's sample answer
    assert {k: created[k] for k in ("name", "disk_format", "container_format", "hw_rescue_bus",
                                    "hw_rescue_device", "visibility", "size", "virtual_size",
                                    "status")} == {
        **{k: ISO[k] for k in ("name", "disk_format", "container_format", "hw_rescue_bus",
                               "hw_rescue_device")},
        "visibility": "shared", "size": None, "virtual_size": None, "status": "queued"}
    assert r.headers["Location"].endswith(f"/v2/images/{created['id']}")
    data = b"CD001" + bytes(range(256)) * 8
    r = api.put(f"{images_url(sim)}/{created['id']}/file", data=data,
                headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 204, r.text
    shown = api.get(f"{images_url(sim)}/{created['id']}").json()
    assert (shown["status"], shown["size"]) == ("active", len(data))
    assert shown["checksum"] == hashlib.md5(data).hexdigest()
    assert shown["os_hash_value"] == hashlib.sha512(data).hexdigest()
    mine = api.get(images_url(sim), params={"disk_format": "iso"}).json()["images"]
    assert [i["id"] for i in mine] == [created["id"]]
    # another tenant sees nothing of it
    assert other_api.get(images_url(sim), params={"disk_format": "iso"}).json()["images"] == []
    assert other_api.get(f"{images_url(sim)}/{created['id']}").status_code == 404
    # a file goes in once
    again = api.put(f"{images_url(sim)}/{created['id']}/file", data=b"x",
                    headers={"Content-Type": "application/octet-stream"})
    assert again.status_code == 409
    assert api.delete(f"{images_url(sim)}/{created['id']}").status_code == 204
    assert api.get(f"{images_url(sim)}/{created['id']}").status_code == 404


@pytest.mark.parametrize("body,status,words", [
    ({**ISO, "disk_format": "qcow2"}, 400, 'only (disk_format "iso"'),
    ({"name": "no-format"}, 400, 'only (disk_format "iso"'),
    ({**ISO, "container_format": "tar"}, 400, "container_format"),
    ({**ISO, "visibility": "public"}, 403, "publicize_image"),
    ({**ISO, "status": "active"}, 403, "Attribute 'status' is read-only."),
    ({**ISO, "hw_rescue_bus": 1}, 400, "not of type 'string'"),
])
def test_glance_create_takes_iso_only(api, sim, body, status, words):
    r = api.post(images_url(sim), json=body)
    assert r.status_code == status and words in r.json()["message"], r.text
    assert api.get(images_url(sim), params={"visibility": "shared"}).json()["images"] == []


def test_upload_refusals(api, sim):
    public = api.get(images_url(sim)).json()["images"][0]["id"]
    r = api.put(f"{images_url(sim)}/{public}/file", data=b"x",
                headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 403 and "upload_image" in r.json()["message"]
    created = api.post(images_url(sim), json=ISO).json()
    r = api.put(f"{images_url(sim)}/{created['id']}/file", data=b"x",
                headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    assert api.get(f"{images_url(sim)}/{created['id']}").json()["status"] == "queued"


def test_image_quota_is_conoha_default(api, sim):
    r = api.get(f"{sim.url}/image-service/v2/quota")
    assert r.status_code == 200 and r.json() == {"quota": {"image_size": "50GB"}}


# --- image save from the boot volume ------------------------------------------------------------

def save(api, sim, volume_id: str, **params):
    return api.post(f"{volumes_url(sim)}/{volume_id}/action",
                    json={"os-volume_upload_image": {"image_name": "web-1-saved", **params}})


def test_volume_upload_image_saves_the_stopped_servers_boot_volume(slow):
    sim, api, sid = slow
    volume_id = server_of(api, sim, sid)["os-extended-volumes:volumes_attached"][0]["id"]
    running = save(api, sim, volume_id)
    assert running.status_code == 400 and "Stop the server" in running.json()["badRequest"]["message"]
    stopped_server(sim, api, sid)
    r = save(api, sim, volume_id)
    assert r.status_code == 202, r.text
    upload = r.json()["os-volume_upload_image"]
    assert {k: upload[k] for k in ("id", "status", "size", "image_name", "disk_format",
                                   "container_format", "visibility")} == {
        "id": volume_id, "status": "uploading", "size": 100, "image_name": "web-1-saved",
        "disk_format": "raw", "container_format": "bare", "visibility": "private"}
    assert upload["volume_type"]["name"] == "c3j1-ds02-boot"
    assert api.get(f"{volumes_url(sim)}/{volume_id}").json()["volume"]["status"] == "uploading"
    image = api.get(f"{images_url(sim)}/{upload['image_id']}").json()
    assert (image["status"], image["visibility"]) == ("queued", "private")
    # the image is being filled from the volume: no file upload into it meanwhile
    r = api.put(f"{images_url(sim)}/{upload['image_id']}/file", data=b"x",
                headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 409
    settle(sim)
    image = api.get(f"{images_url(sim)}/{upload['image_id']}").json()
    assert (image["status"], image["name"], image["min_disk"]) == ("active", "web-1-saved", 100)
    assert api.get(f"{volumes_url(sim)}/{volume_id}").json()["volume"]["status"] == "in-use"


def test_volume_upload_image_refusals(api, sim):
    base = volumes_url(sim)
    big = api.post(base, json={"volume": {"size": 1000}}).json()["volume"]["id"]
    r = save(api, sim, big)
    assert r.status_code == 400 and "1 TB" in r.json()["badRequest"]["message"]
    small = api.post(base, json={"volume": {"size": 500}}).json()["volume"]["id"]
    assert save(api, sim, small, disk_format="iso").status_code == 400
    r = api.post(f"{base}/{small}/action", json={"os-volume_upload_image": {}})
    assert r.status_code == 400
    r = api.post(f"{base}/{small}/action", json={"os-extend": {"new_size": 1000}})
    assert r.status_code == 501
    assert save(api, sim, "no-such-volume").status_code == 404
    assert save(api, sim, small).status_code == 202  # an unattached volume: no server to stop


# --- Cinder's quotas ----------------------------------------------------------------------------

def test_cinder_quotas_answer_413_with_retry_after():
    with Simulator(delay=0, seed=3, quota_gigabytes=1000) as sim, login(sim) as api:
        assert SimConfig().quota_gigabytes >= 10 * 10000  # ConoHa sells 10 TB volumes
        for _ in range(5):
            assert api.post(volumes_url(sim), json={"volume": {"size": 200}}).status_code == 202
        r = api.post(volumes_url(sim), json={"volume": {"size": 200}})
        assert r.status_code == 413 and r.headers["Retry-After"] == "0"
        body = r.json()["overLimit"]
        assert body["retryAfter"] == "0"
        assert "quota is 1000G and 1000G has been consumed" in body["message"]
        sim.state.config.quota_gigabytes = 10_000
        for _ in range(5):
            assert api.post(volumes_url(sim), json={"volume": {"size": 200}}).status_code == 202
        r = api.post(volumes_url(sim), json={"volume": {"size": 200}})
        assert r.status_code == 413 and "(10) exceeded for quota 'volumes'" in r.json()["overLimit"]["message"]
        assert r.headers["Retry-After"] == "0"
