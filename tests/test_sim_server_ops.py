"""Server operations in the simulator, driven with plain requests through their states and
their refusals: plan change (resize / confirmResize / revertResize), image save (createImage and
Glance), additional volumes (/os-volume_attachments)."""

from __future__ import annotations

import pytest

import conoha_learn as cl
from conoha_learn.sim import Simulator
from conoha_learn.sim.seed import ACCOUNTS, PLANS, images

from sim_session import login
from test_sim_compute import act, compute, create_server, server_of, volumes_url

PROJECT = ACCOUNTS[0]["project_id"]
UBUNTU = images()[0]["id"]
PLAN_IDS = {name: id for name, id, *_ in PLANS}
SLOW = 60  # seconds a status change takes in the slow simulators: states can be watched


def slow_server(sim, api) -> str:
    """A server created in a slow simulator, its boot volume waited for by moving the clock."""
    r = api.post(volumes_url(sim), json={"volume": {"size": 100, "imageRef": UBUNTU}})
    assert r.status_code == 202, r.text
    settle(sim)
    body = {"flavorRef": "g2l-t-c2m1", "block_device_mapping_v2": [{"uuid": r.json()["volume"]["id"]}]}
    r = api.post(f"{compute(sim)}/servers", json={"server": body})
    assert r.status_code == 202, r.text
    return r.json()["server"]["id"]


@pytest.fixture
def slow():
    """A simulator whose changes take SLOW seconds (its seeded clock moves 1 s per request), with
    an ACTIVE server in it."""
    with Simulator(delay=SLOW, seed=7) as sim, login(sim) as api:
        server_id = slow_server(sim, api)
        settle(sim)
        assert server_of(api, sim, server_id)["status"] == "ACTIVE"
        yield sim, api, server_id


def settle(sim) -> None:
    sim.state.clock.advance(SLOW * 2)


def flavor_of(server: dict) -> str:
    return server["flavor"]["id"]


# --- plan change ------------------------------------------------------------------------------

def test_resize_then_confirm_keeps_the_new_plan(slow):
    sim, api, sid = slow
    old = flavor_of(server_of(api, sim, sid))
    r = act(api, sim, sid, {"resize": {"flavorRef": PLAN_IDS["g2l-t-c4m4"]}})
    assert r.status_code == 202 and not r.content
    server = server_of(api, sim, sid)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("RESIZE", "resize_prep")
    assert flavor_of(server) == old
    # a second resize while one runs: Nova's 409, naming the task state
    r = act(api, sim, sid, {"resize": {"flavorRef": PLAN_IDS["g2l-t-c6m8"]}})
    assert r.status_code == 409
    assert "task_state resize_prep" in r.json()["conflictingRequest"]["message"]
    settle(sim)
    server = server_of(api, sim, sid)
    assert (server["status"], server["OS-EXT-STS:vm_state"]) == ("VERIFY_RESIZE", "resized")
    assert flavor_of(server) == PLAN_IDS["g2l-t-c4m4"]
    r = act(api, sim, sid, {"confirmResize": None})
    assert r.status_code == 204
    settle(sim)
    server = server_of(api, sim, sid)
    assert server["status"] == "ACTIVE" and flavor_of(server) == PLAN_IDS["g2l-t-c4m4"]
    # confirming again: the server is no longer resized
    r = act(api, sim, sid, {"confirmResize": None})
    assert r.status_code == 409 and "vm_state active" in r.json()["conflictingRequest"]["message"]


def test_revert_resize_goes_back_to_the_old_plan(slow):
    sim, api, sid = slow
    old = flavor_of(server_of(api, sim, sid))
    assert act(api, sim, sid, {"resize": {"flavorRef": "g2l-t-c4m4"}}).status_code == 202
    settle(sim)
    assert act(api, sim, sid, {"revertResize": None}).status_code == 202
    server = server_of(api, sim, sid)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("REVERT_RESIZE", "resize_reverting")
    # confirm while the revert runs: refused
    assert act(api, sim, sid, {"confirmResize": None}).status_code == 409
    settle(sim)
    server = server_of(api, sim, sid)
    assert server["status"] == "ACTIVE" and flavor_of(server) == old


def test_a_stopped_server_stays_stopped_through_a_resize(slow):
    sim, api, sid = slow
    assert act(api, sim, sid, {"os-stop": None}).status_code == 202
    settle(sim)
    assert act(api, sim, sid, {"resize": {"flavorRef": "g2l-t-c4m4"}}).status_code == 202
    settle(sim)
    assert server_of(api, sim, sid)["status"] == "VERIFY_RESIZE"
    assert act(api, sim, sid, {"confirmResize": None}).status_code == 204
    settle(sim)
    assert server_of(api, sim, sid)["status"] == "SHUTOFF"


def test_confirm_or_revert_without_a_resize_is_409(slow):
    sim, api, sid = slow
    for action in ("confirmResize", "revertResize"):
        r = act(api, sim, sid, {action: None})
        assert r.status_code == 409
        assert f"Cannot '{action}' instance {sid} while it is in vm_state active" in r.text


def test_resize_while_building_is_409():
    with Simulator(delay=SLOW, seed=7) as sim, login(sim) as api:
        sid = slow_server(sim, api)
        r = act(api, sim, sid, {"resize": {"flavorRef": "g2l-t-c4m4"}})
        assert r.status_code == 409 and "vm_state building" in r.text


@pytest.mark.parametrize("argument, words", [
    ({"flavorRef": "g2l-t-c2m1"}, "When resizing, instances must change flavor!"),      # the plan it has
    ({"flavorRef": "no-such-plan"}, "Flavor no-such-plan could not be found."),
    ({"flavorRef": "g2l-p-c4m4"}, "long-term (-p-) plan"),
    ({"flavorRef": "g2d-t-c1m2d30"}, "DBaaS"),
    ({}, "'flavorRef' is a required property"),
    ("g2l-t-c4m4", "Send {\"flavorRef\""),
])
def test_resize_refuses_a_bad_plan_with_400(argument, words):
    with Simulator(delay=0, seed=3) as sim, login(sim) as api:
        sid = create_server(api, sim).json()["server"]["id"]
        server_of(api, sim, sid)
        r = act(api, sim, sid, {"resize": argument})
        assert r.status_code == 400 and words in r.json()["badRequest"]["message"], r.text
        assert server_of(api, sim, sid)["status"] == "ACTIVE"


# --- image save -------------------------------------------------------------------------------

def glance(sim) -> str:
    return f"{sim.url}/image-service/v2/images"


def stopped_server(sim, api, sid) -> None:
    assert act(api, sim, sid, {"os-stop": None}).status_code == 202
    settle(sim)
    assert server_of(api, sim, sid)["status"] == "SHUTOFF"


def test_create_image_saves_a_private_image_that_only_its_tenant_sees(slow):
    sim, api, sid = slow
    stopped_server(sim, api, sid)
    r = act(api, sim, sid, {"createImage": {"name": "web-1-backup", "metadata": {"role": "web"}}})
    assert r.status_code == 202 and not r.content
    image_id = r.headers["Location"].rsplit("/", 1)[-1]
    assert r.headers["Location"] == f"{sim.url}/image-service/images/{image_id}"
    server = server_of(api, sim, sid)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("SHUTOFF", "image_snapshot")
    image = api.get(f"{glance(sim)}/{image_id}").json()
    assert (image["name"], image["status"], image["visibility"]) == ("web-1-backup", "queued", "private")
    assert image["owner"] == PROJECT and image["role"] == "web" and image["instance_uuid"] == sid
    # a second image save while the first runs: 409
    r = act(api, sim, sid, {"createImage": {"name": "again"}})
    assert r.status_code == 409 and "task_state" in r.text
    settle(sim)
    assert api.get(f"{glance(sim)}/{image_id}").json()["status"] == "active"
    assert server_of(api, sim, sid)["OS-EXT-STS:task_state"] is None
    mine = [i["id"] for i in api.get(glance(sim)).json()["images"]]
    assert image_id in mine
    with login(sim, account=1) as other:
        assert image_id not in [i["id"] for i in other.get(glance(sim)).json()["images"]]
        assert other.get(f"{glance(sim)}/{image_id}").status_code == 404
        assert other.delete(f"{glance(sim)}/{image_id}").status_code == 404
    # a boot volume can be made from it, as from a public image
    r = api.post(volumes_url(sim), json={"volume": {"size": 100, "imageRef": image_id}})
    assert r.status_code == 202, r.text
    # its owner deletes it: 204, then gone; public images stay refused
    assert api.delete(f"{glance(sim)}/{image_id}").status_code == 204
    assert api.get(f"{glance(sim)}/{image_id}").status_code == 404
    assert api.delete(f"{glance(sim)}/{UBUNTU}").status_code == 403


def test_create_image_of_a_running_server_is_409(slow):
    sim, api, sid = slow
    r = act(api, sim, sid, {"createImage": {"name": "live"}})
    assert r.status_code == 409
    assert f"Cannot 'createImage' instance {sid} while it is in vm_state active" in r.text
    assert all(i["visibility"] == "public" for i in api.get(glance(sim)).json()["images"])


@pytest.mark.parametrize("argument", [{}, {"name": ""}, {"name": 5}, None, {"name": "x", "metadata": [1]}])
def test_create_image_needs_a_name(argument, slow):
    sim, api, sid = slow
    stopped_server(sim, api, sid)
    r = act(api, sim, sid, {"createImage": argument})
    assert r.status_code == 400 and "createImage" in r.json()["badRequest"]["message"], r.text


def test_a_boot_volume_from_an_image_still_saving_is_refused(slow):
    sim, api, sid = slow
    stopped_server(sim, api, sid)
    r = act(api, sim, sid, {"createImage": {"name": "half"}})
    image_id = r.headers["Location"].rsplit("/", 1)[-1]
    r = api.post(volumes_url(sim), json={"volume": {"size": 100, "imageRef": image_id}})
    assert r.status_code == 400 and "is not active" in r.text


# --- additional volumes -----------------------------------------------------------------------

def attachments(sim, sid: str) -> str:
    return f"{compute(sim)}/servers/{sid}/os-volume_attachments"


def extra_volume(sim, api) -> str:
    r = api.post(volumes_url(sim), json={"volume": {"size": 200, "name": "data"}})
    assert r.status_code == 202, r.text
    settle(sim)
    return r.json()["volume"]["id"]


def volume_status(sim, api, volume_id: str) -> str:
    return api.get(f"{volumes_url(sim)}/{volume_id}").json()["volume"]["status"]


def test_attach_list_show_detach(slow):
    sim, api, sid = slow
    vid = extra_volume(sim, api)
    r = api.post(attachments(sim, sid), json={"volumeAttachment": {"volumeId": vid}})
    assert r.status_code == 200, r.text
    assert r.json() == {"volumeAttachment": {"device": "/dev/vdb", "id": vid, "serverId": sid,
                                             "volumeId": vid}}
    assert volume_status(sim, api, vid) == "reserved"
    # detaching before the attach has finished: Cinder refuses
    assert api.delete(f"{attachments(sim, sid)}/{vid}").status_code == 400
    settle(sim)
    volume = api.get(f"{volumes_url(sim)}/{vid}").json()["volume"]
    assert volume["status"] == "in-use" and volume["attachments"][0]["server_id"] == sid
    listed = api.get(attachments(sim, sid)).json()["volumeAttachments"]
    assert [(a["volumeId"], a["device"]) for a in listed][1:] == [(vid, "/dev/vdb")]
    assert listed[0]["device"] == "/dev/vda"  # the boot volume is listed too, as in Nova
    assert api.get(f"{attachments(sim, sid)}/{vid}").json()["volumeAttachment"]["volumeId"] == vid
    server = server_of(api, sim, sid)
    assert vid in [v["id"] for v in server["os-extended-volumes:volumes_attached"]]

    assert api.delete(f"{attachments(sim, sid)}/{vid}").status_code == 202
    assert volume_status(sim, api, vid) == "detaching"
    settle(sim)
    assert volume_status(sim, api, vid) == "available"
    assert [a["volumeId"] for a in api.get(attachments(sim, sid)).json()["volumeAttachments"]] \
        == [listed[0]["volumeId"]]
    assert api.get(f"{attachments(sim, sid)}/{vid}").status_code == 404


def test_a_volume_in_use_or_unknown_is_refused(slow):
    sim, api, sid = slow
    vid = extra_volume(sim, api)
    assert api.post(attachments(sim, sid), json={"volumeAttachment": {"volumeId": vid}}).status_code == 200
    settle(sim)
    r = api.post(attachments(sim, sid), json={"volumeAttachment": {"volumeId": vid}})
    assert r.status_code == 400 and "already attached" in r.text
    boot = api.get(attachments(sim, sid)).json()["volumeAttachments"][0]["volumeId"]
    r = api.post(attachments(sim, sid), json={"volumeAttachment": {"volumeId": boot}})
    assert r.status_code == 400 and "already attached" in r.text
    spare_boot = api.post(volumes_url(sim), json={"volume": {"size": 100, "imageRef": UBUNTU}})
    settle(sim)
    r = api.post(attachments(sim, sid), json={"volumeAttachment": {"volumeId": spare_boot.json()["volume"]["id"]}})
    assert r.status_code == 400 and "is a boot volume" in r.text
    r = api.post(attachments(sim, sid), json={"volumeAttachment": {"volumeId": "no-such-volume"}})
    assert r.status_code == 404 and "could not be found" in r.json()["itemNotFound"]["message"]
    r = api.post(attachments(sim, sid), json={"volumeAttachment": {}})
    assert r.status_code == 400 and "volumeId" in r.text
    # a volume in use by another server
    other = slow_server(sim, api)
    settle(sim)
    r = api.post(attachments(sim, other), json={"volumeAttachment": {"volumeId": vid}})
    assert r.status_code == 400 and "current status is in-use" in r.text
    # the boot volume cannot be detached; an unattached one is not found
    r = api.delete(f"{attachments(sim, sid)}/{boot}")
    assert r.status_code == 400 and "Cannot detach a root device volume" in r.text
    assert api.delete(f"{attachments(sim, other)}/{vid}").status_code == 404


def test_attach_while_the_server_is_busy_is_409(slow):
    sim, api, sid = slow
    vid = extra_volume(sim, api)
    assert act(api, sim, sid, {"os-stop": None}).status_code == 202
    r = api.post(attachments(sim, sid), json={"volumeAttachment": {"volumeId": vid}})
    assert r.status_code == 409
    assert f"Cannot 'attach_volume' instance {sid} while it is in task_state powering-off" in r.text
    assert volume_status(sim, api, vid) == "available"
    settle(sim)  # stopped servers take volumes, as in Nova
    assert api.post(attachments(sim, sid), json={"volumeAttachment": {"volumeId": vid}}).status_code == 200
    settle(sim)
    assert act(api, sim, sid, {"os-start": None}).status_code == 202
    r = api.delete(f"{attachments(sim, sid)}/{vid}")
    assert r.status_code == 409 and "detach_volume" in r.text


def test_deleting_the_server_frees_its_additional_volume(slow):
    sim, api, sid = slow
    vid = extra_volume(sim, api)
    api.post(attachments(sim, sid), json={"volumeAttachment": {"volumeId": vid}})
    settle(sim)
    assert api.delete(f"{compute(sim)}/servers/{sid}").status_code == 204
    settle(sim)
    assert volume_status(sim, api, vid) == "available"


def test_another_tenant_cannot_attach_or_list(slow):
    sim, api, sid = slow
    vid = extra_volume(sim, api)
    with login(sim, account=1) as other:
        r = other.post(attachments(sim, sid), json={"volumeAttachment": {"volumeId": vid}})
        assert r.status_code == 404
        assert other.get(attachments(sim, sid)).status_code == 404


# --- the library's methods --------------------------------------------------------------------

def test_library_resize_confirm_and_revert(sim):
    conn = cl.connect(sim=sim)
    server = conn.compute.create_server(name="web-1", flavor="g2l-t-c2m1", image=UBUNTU, progress=False)
    conn.compute.wait(server, "ACTIVE", interval=0.05, progress=False)
    conn.compute.resize(server, "g2l-t-c4m4")
    assert conn.last_exchange.request_body == {"resize": {"flavorRef": PLAN_IDS["g2l-t-c4m4"]}}
    conn.compute.wait(server, "VERIFY_RESIZE", interval=0.05, progress=False)
    conn.compute.confirm_resize(server)
    done = conn.compute.wait(server, "ACTIVE", interval=0.05, progress=False)
    assert done["flavor"]["id"] == PLAN_IDS["g2l-t-c4m4"]
    conn.compute.resize(server, "g2l-t-c2m1")
    conn.compute.wait(server, "VERIFY_RESIZE", interval=0.05, progress=False)
    conn.compute.revert_resize(server)
    done = conn.compute.wait(server, "ACTIVE", interval=0.05, progress=False)
    assert done["flavor"]["id"] == PLAN_IDS["g2l-t-c4m4"]


# --- python-openstackclient, as a learner types it --------------------------------------------

@pytest.mark.clients
def test_openstackclient_resize_add_volume_and_image_create():
    from test_real_clients import osc, osc_json
    # Unseeded: keystoneauth compares token expiry with the machine's clock (test_real_clients).
    with Simulator(delay=0) as sim:
        volume = osc_json(sim, "volume", "create", "--size", "100", "--image", UBUNTU,
                          "--type", "c3j1-ds02-boot", "boot-osc")
        osc_json(sim, "server", "create", "--flavor", "g2l-t-c2m1", "--volume", volume["id"],
                 "--wait", "osc-vm")
        done = osc(sim, "server", "resize", "--flavor", "g2l-t-c4m4", "--wait", "osc-vm")
        assert done.returncode == 0, done.stderr
        assert osc_json(sim, "server", "show", "osc-vm")["status"] == "VERIFY_RESIZE"
        done = osc(sim, "server", "resize", "confirm", "osc-vm")
        assert done.returncode == 0, done.stderr
        shown = osc_json(sim, "server", "show", "osc-vm")
        assert shown["status"] == "ACTIVE" and shown["flavor"].startswith("g2l-t-c4m4")

        osc_json(sim, "volume", "create", "--size", "200", "data-osc")
        done = osc(sim, "server", "add", "volume", "osc-vm", "data-osc")
        assert done.returncode == 0, done.stderr
        assert osc_json(sim, "volume", "show", "data-osc")["status"] == "in-use"

        assert osc(sim, "server", "stop", "osc-vm").returncode == 0
        assert osc_json(sim, "server", "show", "osc-vm")["status"] == "SHUTOFF"
        image = osc_json(sim, "server", "image", "create", "--name", "osc-snap", "--wait", "osc-vm")
        assert image["name"] == "osc-snap"
        assert osc_json(sim, "image", "show", "osc-snap")["visibility"] == "private"
        done = osc(sim, "image", "delete", "osc-snap")
        assert done.returncode == 0, done.stderr
        done = osc(sim, "server", "remove", "volume", "osc-vm", "data-osc")
        assert done.returncode == 0, done.stderr
        assert osc_json(sim, "volume", "show", "data-osc")["status"] == "available"
