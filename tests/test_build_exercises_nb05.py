"""Notebook 05's build exercise: ConoHa's two-step create sent by hand, judged from what was sent.

Every answer here is made for real: the requests go to a simulator with plain ``requests`` and
their responses are what the checker gets, as in the notebook.
"""

from __future__ import annotations

import copy

import pytest
import requests
from exercise_helpers import feedback

import conoha_learn as cl
from conoha_learn import connection
from conoha_learn.sim import Simulator

NAME = "05.create-by-hand"
PLAN = "g2l-t-c2m1"  # 1 GB: a 100 GB boot volume of type c3j1-ds02-boot


class ByHand:
    """The learner's side: a token, two endpoints, and the ids the bodies need."""

    def __init__(self, conn):
        self.headers = {"X-Auth-Token": conn.token.id}
        self.volume_url = conn.endpoint("volumev3") + "/volumes"
        self.server_url = conn.endpoint("compute") + "/servers"
        self.image_id = conn.image.find("vmi-ubuntu-24.04-amd64")["id"]
        self.flavor_id = next(f["id"] for f in conn.compute.flavor_list() if f["name"] == PLAN)

    def volume_body(self, **changes) -> dict:
        volume = {"size": 100, "volume_type": "c3j1-ds02-boot", "imageRef": self.image_id}
        volume.update(changes)
        return {"volume": {k: v for k, v in volume.items() if v is not None}}

    def post_volume(self, body: dict | None = None) -> requests.Response:
        return requests.post(self.volume_url, headers=self.headers,
                             json=body or self.volume_body(), timeout=10)

    def wait_available(self, response: requests.Response) -> None:
        url = f"{self.volume_url}/{response.json()['volume']['id']}"
        for _ in range(50):  # delay=0: available at once; bounded all the same
            if requests.get(url, headers=self.headers, timeout=10).json()["volume"]["status"] \
                    == "available":
                return
        raise AssertionError("the volume never became available")

    def server_body(self, volume_id: str) -> dict:
        return {"server": {
            "flavorRef": self.flavor_id, "security_groups": [{"name": "default"}],
            "block_device_mapping_v2": [{"uuid": volume_id, "boot_index": 0,
                                         "source_type": "volume", "destination_type": "volume"}],
            "metadata": {"instance_name_tag": "by-hand-1"}}}

    def post_server(self, body: dict) -> requests.Response:
        return requests.post(self.server_url, headers=self.headers, json=body, timeout=10)

    def right_pair(self) -> tuple[requests.Response, requests.Response]:
        volume = self.post_volume()
        self.wait_available(volume)
        return volume, self.post_server(self.server_body(volume.json()["volume"]["id"]))


@pytest.fixture
def by_hand(conn):
    return ByHand(conn)


def _with_server_change(by_hand, change) -> tuple[requests.Response, requests.Response]:
    """A ready volume, then a server body spoilt by ``change(body, volume_id)``, really sent."""
    volume = by_hand.post_volume()
    by_hand.wait_available(volume)
    volume_id = volume.json()["volume"]["id"]
    body = copy.deepcopy(by_hand.server_body(volume_id))
    change(body["server"], volume_id)
    return volume, by_hand.post_server(body)


def test_the_right_two_requests_pass(by_hand):
    volume, server = by_hand.right_pair()
    assert (volume.status_code, server.status_code) == (202, 202)
    assert cl.check(NAME, (volume, server))


def test_conohas_minimal_mapping_passes_too(by_hand):
    # ConoHa's reference documents [{"uuid": ...}] alone (compute-create_vm-v3).
    volume, server = _with_server_change(
        by_hand, lambda s, vid: s.update(block_device_mapping_v2=[{"uuid": vid}]))
    assert server.status_code == 202
    assert cl.check(NAME, [volume, server])


def test_the_pair_the_wrong_way_round(by_hand):
    volume, server = by_hand.right_pair()
    ok, message = feedback(NAME, (server, volume))
    assert not ok and "wrong way round" in message


def test_a_poll_passed_instead_of_the_post(by_hand):
    volume, server = by_hand.right_pair()
    poll = requests.get(f"{by_hand.volume_url}/{volume.json()['volume']['id']}",
                        headers=by_hand.headers, timeout=10)
    ok, message = feedback(NAME, (poll, server))
    assert not ok and "polls" in message


def test_a_volume_without_imageref_cannot_boot(by_hand):
    empty = by_hand.post_volume(by_hand.volume_body(imageRef=None, size=200,
                                                    volume_type="c3j1-ds02-add"))
    assert empty.status_code == 202
    by_hand.wait_available(empty)
    server = by_hand.post_server(by_hand.server_body(empty.json()["volume"]["id"]))
    assert server.status_code == 400  # the sim refuses a non-bootable boot volume
    ok, message = feedback(NAME, (empty, server))
    assert not ok and "imageRef" in message and "empty" in message


def test_the_wrong_boot_volume_size_for_the_plan(by_hand):
    small = by_hand.post_volume(by_hand.volume_body(size=30, volume_type="c3j1-as01-boot"))
    by_hand.wait_available(small)
    server = by_hand.post_server(by_hand.server_body(small.json()["volume"]["id"]))
    ok, message = feedback(NAME, (small, server))
    assert not ok and "100 GB" in message and PLAN in message


def test_an_additional_volume_type_for_a_boot_volume(by_hand):
    wrong = by_hand.post_volume(by_hand.volume_body(volume_type="c3j1-ds02-add"))
    assert wrong.status_code == 400  # really refused by the sim
    server = by_hand.post_server(by_hand.server_body("no-such-volume"))
    ok, message = feedback(NAME, (wrong, server))
    assert not ok and "c3j1-ds02-boot" in message and "volume type" in message


def test_imageref_sent_to_nova_instead_of_a_volume(by_hand):
    volume, server = _with_server_change(
        by_hand, lambda s, vid: (s.pop("block_device_mapping_v2"),
                                 s.update(imageRef=by_hand.image_id)))
    assert server.status_code == 400
    ok, message = feedback(NAME, (volume, server))
    assert not ok and "imageRef to Nova" in message


def test_the_old_v1_mapping(by_hand):
    volume, server = _with_server_change(
        by_hand, lambda s, vid: s.update(block_device_mapping=[{"volume_id": vid,
                                                                  "device_name": "vda"}])
        or s.pop("block_device_mapping_v2"))
    ok, message = feedback(NAME, (volume, server))
    assert not ok and "v1" in message


def test_a_mapping_that_names_another_volume(by_hand):
    other = by_hand.post_volume()
    by_hand.wait_available(other)
    other_id = other.json()["volume"]["id"]
    volume, server = _with_server_change(
        by_hand, lambda s, vid: s["block_device_mapping_v2"][0].update(uuid=other_id))
    assert server.status_code == 202  # Nova is happy: it boots from the other volume
    ok, message = feedback(NAME, (volume, server))
    assert not ok and other_id in message and "not the one" in message


def test_the_volume_id_under_the_wrong_key(by_hand):
    volume, server = _with_server_change(
        by_hand, lambda s, vid: s.update(block_device_mapping_v2=[{"id": vid, "boot_index": 0}]))
    ok, message = feedback(NAME, (volume, server))
    assert not ok and '"uuid"' in message


def test_an_image_as_the_mapping_source(by_hand):
    volume, server = _with_server_change(
        by_hand, lambda s, vid: s["block_device_mapping_v2"][0].update(source_type="image"))
    assert server.status_code == 400
    ok, message = feedback(NAME, (volume, server))
    assert not ok and "source_type" in message


def test_the_name_tag_missing(by_hand):
    volume, server = _with_server_change(by_hand, lambda s, vid: s.pop("metadata"))
    assert server.status_code == 202  # Nova accepts it; the control panel would show no name
    ok, message = feedback(NAME, (volume, server))
    assert not ok and "instance_name_tag" in message


def test_the_plan_missing(by_hand):
    volume, server = _with_server_change(by_hand, lambda s, vid: s.pop("flavorRef"))
    assert server.status_code == 400
    ok, message = feedback(NAME, (volume, server))
    assert not ok and "flavorRef" in message


def test_the_server_sent_before_the_volume_was_available():
    # A simulator with real delays: the volume is still "creating" when the server is asked for.
    with Simulator(delay=30, seed=42) as slow:
        conn = cl.connect(sim=slow)
        try:
            hand = ByHand(conn)
            volume = hand.post_volume()
            server = hand.post_server(hand.server_body(volume.json()["volume"]["id"]))
            assert server.status_code == 400
            ok, message = feedback(NAME, (volume, server))
            assert not ok and "before the volume was ready" in message and "available" in message
        finally:
            conn.close()
            connection._current = None


def test_wrong_kinds_are_refused_with_what_to_pass(by_hand):
    volume, server = by_hand.right_pair()
    for wrong in (None, "POST /volumes", volume, (volume,), (volume, server, server),
                  (volume, "the server")):
        ok, message = feedback(NAME, wrong)
        assert not ok and "volume_response, server_response" in message
