"""The build-something exercises of notebooks 06-08, judged on requests really sent to a simulator.

Each checker must accept a right answer made for real and reject the common wrong ones, also
made for real (the wrong request sent, its real response passed), naming the misconception.
"""

from __future__ import annotations

import pytest
import requests
from cassette_helpers import sdk_connect
from exercise_helpers import feedback

import conoha_learn as cl

WRONG_KINDS = (None, "GET /servers/detail", 202)


def _get(conn, url, **kwargs):
    """A plain-requests GET with the connection's token, as a learner would send it."""
    return requests.get(url, headers={"X-Auth-Token": conn.token.id}, timeout=10, **kwargs)


def _server(conn, name):
    server = conn.compute.create_server(name=name, flavor="g2l-t-c2m1",
                                        image="vmi-ubuntu-24.04-amd64", progress=False)
    conn.compute.wait(server, "ACTIVE", progress=False)
    return server


# --- 06.find-by-name: the request behind `openstack server show osc-vm` ---------------------------

@pytest.fixture
def sdk(sim, conn):
    with sdk_connect(sim.credentials()) as client:
        yield client


@pytest.fixture
def osc_vm(sdk):
    """A server whose Nova name is osc-vm, as `openstack server create ... osc-vm` makes it (the
    helper's create_server sets only the name tag, and lets the cloud choose the name)."""
    image = sdk.image.find_image("vmi-ubuntu-24.04-amd64")
    volume = sdk.block_storage.create_volume(size=100, image_id=image.id,
                                             volume_type="c3j1-ds02-boot")
    sdk.block_storage.wait_for_status(volume, "available", interval=0.01, wait=10)
    server = sdk.compute.create_server(
        name="osc-vm", flavor_id=sdk.compute.find_flavor("g2l-t-c2m1").id,
        block_device_mapping=[{"uuid": volume.id, "boot_index": 0, "source_type": "volume",
                               "destination_type": "volume"}])
    return sdk.compute.wait_for_server(server, status="ACTIVE", interval=0.01, wait=10)


def test_06_the_clis_lookup_by_name_is_accepted(conn, osc_vm):
    compute = conn.endpoint("compute")
    ok, message = feedback("06.find-by-name", _get(conn, compute + "/servers/detail",
                                                   params={"name": "osc-vm"}))
    assert ok, message


@pytest.mark.parametrize("path, params, says", [
    ("/servers/osc-vm", None, "by its id"),              # the CLI's own first try, a 404
    ("/servers", {"name": "osc-vm"}, "only ids and names"),
    ("/servers/detail", None, "every server"),
    ("/flavors/detail", None, "not where Nova lists servers"),
])
def test_06_wrong_lookups_are_named(conn, osc_vm, path, params, says):
    answer = _get(conn, conn.endpoint("compute") + path, params=params)
    ok, message = feedback("06.find-by-name", answer)
    assert not ok and says in message


def test_06_no_token_wrong_method_and_wrong_service_are_named(conn, osc_vm):
    url = conn.endpoint("compute") + "/servers/detail"
    no_token = requests.get(url, params={"name": "osc-vm"}, timeout=10)
    assert no_token.status_code == 401
    assert "X-Auth-Token" in feedback("06.find-by-name", no_token)[1]
    posted = requests.post(url, headers={"X-Auth-Token": conn.token.id}, timeout=10)
    assert "not POST" in feedback("06.find-by-name", posted)[1]
    other = _get(conn, conn.endpoint("block-storage") + "/servers/detail")
    assert "compute" in feedback("06.find-by-name", other)[1]


def test_06_a_server_that_is_gone_is_noticed(conn, sdk, osc_vm):
    sdk.compute.delete_server(osc_vm)
    sdk.compute.wait_for_delete(osc_vm, interval=0.01, wait=10)
    answer = _get(conn, conn.endpoint("compute") + "/servers/detail", params={"name": "osc-vm"})
    ok, message = feedback("06.find-by-name", answer)
    assert not ok and "still exist" in message


# --- 07.sdk-volume: an additional volume made with openstacksdk ----------------------------------

def _sdk_volume(sdk, wait=True, **asked):
    asked = {"name": "sdk-data", "size": 200, "volume_type": "c3j1-ds02-add", **asked}
    volume = sdk.block_storage.create_volume(**asked)
    if wait:
        volume = sdk.block_storage.wait_for_status(volume, status="available", interval=0.01,
                                                   wait=10)
    return volume


def test_07_the_volume_as_asked_is_accepted(sdk):
    ok, message = feedback("07.sdk-volume", _sdk_volume(sdk))
    assert ok, message


def test_07_the_object_create_volume_returned_is_a_stale_copy(sdk):
    created = _sdk_volume(sdk, wait=False)
    assert created.status == "creating"           # the answer to the POST, kept as it was
    fresh = sdk.block_storage.get_volume(created.id)  # waited on through another object
    sdk.block_storage.wait_for_status(fresh, status="available", interval=0.01, wait=10)
    ok, message = feedback("07.sdk-volume", created)
    assert not ok and "copy of one answer" in message


@pytest.mark.parametrize("asked, says", [
    ({"size": 500}, "200 GB"),
    ({"name": "my-data"}, "sdk-data"),
])
def test_07_wrong_volumes_are_named(sdk, asked, says):
    ok, message = feedback("07.sdk-volume", _sdk_volume(sdk, **asked))
    assert not ok and says in message


def test_07_a_boot_volume_is_not_an_additional_one(sdk):
    image = sdk.image.find_image("vmi-ubuntu-24.04-amd64")
    volume = _sdk_volume(sdk, size=100, volume_type="c3j1-ds02-boot", image_id=image.id)
    ok, message = feedback("07.sdk-volume", volume)
    assert not ok and "boot volume" in message


def test_07_a_deleted_volume_is_noticed(sdk):
    volume = _sdk_volume(sdk)
    sdk.block_storage.delete_volume(volume)
    sdk.block_storage.wait_for_delete(volume, interval=0.01, wait=10)
    ok, message = feedback("07.sdk-volume", volume)
    assert not ok and "deleted" in message


def test_07_a_volume_still_creating_is_noticed(sim, sdk):
    sim.state.config.delay = 60  # a minute to become available: still creating when checked
    ok, message = feedback("07.sdk-volume", _sdk_volume(sdk, wait=False))
    assert not ok and "wait until it is available" in message




# --- 08.fix-conflict: after the 409, the request that fits the state ------------------------------

@pytest.fixture
def trouble(conn):
    return _server(conn, "trouble-1")


def _action(conn, server, body):
    url = conn.endpoint("compute") + f"/servers/{server['id']}/action"
    return requests.post(url, json=body, headers={"X-Auth-Token": conn.token.id}, timeout=10)


def test_08_stop_wait_then_start_is_accepted(conn, trouble):
    assert _action(conn, trouble, {"os-stop": None}).status_code == 202
    conn.compute.wait(trouble, "SHUTOFF", progress=False)
    ok, message = feedback("08.fix-conflict", _action(conn, trouble, {"os-start": None}))
    assert ok, message


def test_08_the_helpers_own_start_is_accepted_too(conn, trouble):
    conn.compute.stop(trouble)
    conn.compute.wait(trouble, "SHUTOFF", progress=False)
    conn.compute.start(trouble)
    ok, message = feedback("08.fix-conflict", conn.last_exchange)
    assert ok, message


def test_08_the_same_request_again_is_named(conn, trouble):
    with pytest.raises(cl.Conflict) as caught:
        conn.compute.start(trouble)
    ok, message = feedback("08.fix-conflict", caught.value)
    assert not ok and "same request again" in message


def test_08_a_wrong_action_name_is_named(conn, trouble):
    answer = _action(conn, trouble, {"start": None})
    assert answer.status_code == 400
    ok, message = feedback("08.fix-conflict", answer)
    assert not ok and "os- prefix" in message


def test_08_only_the_stop_or_a_reboot_is_not_the_task(conn, trouble):
    ok, message = feedback("08.fix-conflict", _action(conn, trouble, {"reboot": {"type": "SOFT"}}))
    assert not ok and "one step" in message
    ok, message = feedback("08.fix-conflict", _action(conn, trouble, {"os-stop": None}))
    assert not ok and "that is the stop" in message


def test_08_not_an_action_is_named(conn, trouble):
    answer = _get(conn, conn.endpoint("compute") + f"/servers/{trouble['id']}")
    ok, message = feedback("08.fix-conflict", answer)
    assert not ok and "/action" in message


def test_08_starting_before_the_stop_is_done_is_named(sim, conn, trouble):
    sim.state.config.delay = 60  # from now on a state change takes a minute: the stop is slow
    assert _action(conn, trouble, {"os-stop": None}).status_code == 202
    answer = _action(conn, trouble, {"os-start": None})  # straight away, without waiting
    assert answer.status_code == 409
    ok, message = feedback("08.fix-conflict", answer)
    assert not ok and "did not wait" in message


# --- every checker: an answer of the wrong kind is refused, saying what to pass ----------------

@pytest.mark.parametrize("name, says", [("06.find-by-name", "requests"),
                                        ("07.sdk-volume", "volume object"),
                                        ("08.fix-conflict", "requests")])
def test_wrong_kinds_are_refused_with_what_to_pass(conn, name, says):
    for wrong in (*WRONG_KINDS, {"id": "x", "status": "available"}):
        ok, message = feedback(name, wrong)
        assert not ok and says in message
