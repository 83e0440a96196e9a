"""conn.cleanup(): what the library created goes, everything else stays."""

from __future__ import annotations

import pytest
from lib_helpers import fault_hits, inject_fault

import conoha_learn as cl
from conoha_learn.sim import Simulator
from conoha_learn.sim.seed import ACCOUNTS

IMAGE = "vmi-ubuntu-24.04-amd64"


def untagged_server(conn) -> str:
    """A server made by hand with raw calls (as the CLI or the control panel would): no tag."""
    image_id = conn.image.find(IMAGE)["id"]
    flavor_id = next(f["id"] for f in conn.compute.flavor_list() if f["name"] == "g2l-t-c2m1")
    vol = conn.post("block-storage", "/volumes", json={"volume": {
        "size": 100, "imageRef": image_id, "volume_type": "c3j1-ds02-boot", "name": "mine-boot"}})["volume"]
    conn.block_storage.wait(vol, "available", interval=0.05, progress=False)
    server = conn.post("compute", "/servers", json={"server": {
        "flavorRef": flavor_id, "block_device_mapping_v2": [{"uuid": vol["id"]}],
        "metadata": {"instance_name_tag": "mine"}}})["server"]
    conn.compute.wait(server, "ACTIVE", interval=0.05, progress=False)
    return server["id"]


def test_cleanup_deletes_only_what_the_library_created(sim):
    conn = cl.connect(sim=sim)
    keep = untagged_server(conn)
    conn.post("compute", "/os-keypairs", json={"keypair": {"name": "hand-made"}})
    conn.compute.create_keypair("lib-key")
    ours = conn.compute.create_server(name="web-1", flavor="g2l-t-c2m1", image=IMAGE,
                                      key_name="lib-key", progress=False)
    conn.compute.wait(ours, "ACTIVE", interval=0.05, progress=False)
    spare = conn.block_storage.create_volume(200, name="spare")  # tagged, never attached
    conn.block_storage.wait(spare, "available", interval=0.05, progress=False)

    report = conn.cleanup(progress=False)

    assert report.servers == [f"web-1 ({ours['id']})"]
    assert sorted(v.split(" ")[0] for v in report.volumes) == ["spare", "web-1-boot"]
    assert report.keypairs == ["lib-key"] and report.failed == []
    assert report.left_alone == [f"mine ({keep})"]
    servers = conn.compute.servers()
    assert list(servers["id"]) == [keep] and list(servers["status"]) == ["ACTIVE"]
    assert [v["name"] for v in conn.block_storage.volume_list()] == ["mine-boot"]
    assert list(conn.compute.keypairs()["name"]) == ["hand-made"]
    text = str(report)
    assert text.startswith("Removed 1 server(s), 2 volume(s), 1 key pair(s).")
    assert "Left alone (not created by conoha_learn): mine" in text
    # Nothing left to do: a second run removes nothing and still leaves the hand-made server.
    again = conn.cleanup(progress=False)
    assert (again.servers, again.volumes, again.keypairs) == ([], [], [])
    assert sim.state.store.count("server", ACCOUNTS[0]["project_id"]) == 1


def test_a_tagged_volume_under_a_kept_server_is_left_alone(sim):
    conn = cl.connect(sim=sim)
    image_id = conn.image.find(IMAGE)["id"]
    vol = conn.block_storage.create_volume(100, name="lib-boot", image=image_id)  # tagged
    conn.block_storage.wait(vol, "available", interval=0.05, progress=False)
    flavor_id = next(f["id"] for f in conn.compute.flavor_list() if f["name"] == "g2l-t-c2m1")
    conn.post("compute", "/servers", json={"server": {                       # not tagged
        "flavorRef": flavor_id, "block_device_mapping_v2": [{"uuid": vol["id"]}]}})
    report = conn.cleanup(progress=False)
    assert report.volumes == [] and report.failed == []
    assert any("lib-boot" in item and "stays" in item for item in report.left_alone)
    assert len(conn.block_storage.volume_list()) == 1


def test_what_cannot_be_removed_is_reported(sim):
    conn = cl.connect(sim=sim)
    conn.block_storage.create_volume(200, name="spare")
    inject_fault(sim, 500, count=1, service="block-storage", path="/volumes/", method="DELETE")
    report = conn.cleanup(progress=False)
    assert fault_hits(conn) == 1 and report.volumes == []
    assert len(report.failed) == 1 and report.failed[0].startswith("volume spare")
    assert "Could NOT remove" in str(report) and "  ! volume spare" in str(report)
    assert conn.cleanup(progress=False).volumes[0].startswith("spare")  # the next run succeeds


def test_cleanup_removes_saved_images_and_additional_volumes_it_made(sim):
    conn = cl.connect(sim=sim)
    keep = untagged_server(conn)
    conn.compute.stop(keep)
    conn.compute.wait(keep, "SHUTOFF", interval=0.05, progress=False)
    # a hand-made saved image (no tag) and a hand-made additional volume: both stay
    r = conn.post("compute", f"/servers/{keep}/action", json={"createImage": {"name": "mine-img"}},
                  raw=True)
    hand_image = r.headers["Location"].rsplit("/", 1)[-1]
    hand_volume = conn.post("block-storage", "/volumes", json={"volume": {"size": 200,
                                                                          "name": "mine-data"}})["volume"]
    ours = conn.compute.create_server(name="web-1", flavor="g2l-t-c2m1", image=IMAGE, progress=False)
    conn.compute.wait(ours, "ACTIVE", interval=0.05, progress=False)
    data = conn.block_storage.create_volume(200, name="web-1-data")
    conn.block_storage.wait(data, "available", interval=0.05, progress=False)
    assert conn.compute.attach_volume(ours, data)["device"] == "/dev/vdb"
    conn.block_storage.wait(data, "in-use", interval=0.05, progress=False)
    conn.compute.stop(ours)
    conn.compute.wait(ours, "SHUTOFF", interval=0.05, progress=False)
    saved = conn.compute.create_image(ours, "web-1-backup")
    assert conn.image.find(saved)["visibility"] == "private"

    report = conn.cleanup(progress=False)

    assert report.images == [f"web-1-backup ({saved})"] and report.failed == []
    assert sorted(v.split(" ")[0] for v in report.volumes) == ["web-1-boot", "web-1-data"]
    own_images = [i["id"] for i in conn.image.list() if i["visibility"] != "public"]
    assert own_images == [hand_image]
    assert sorted(v["name"] for v in conn.block_storage.volume_list()) == ["mine-boot", "mine-data"]
    assert hand_volume["id"] in [v["id"] for v in conn.block_storage.volume_list()]
    assert "Removed 1 saved image(s)." in str(report)
    assert conn.cleanup(progress=False).images == []



@pytest.mark.slow
def test_notebook_05s_clean_up_leaves_nothing_with_real_delays():
    """Notebook 05's path with the simulator's own delay (3 s a status change, as `make lab`,
    on the real clock): the server deleted by hand, then conn.cleanup(). Everything must be gone
    when it returns, not still `deleting` (replay has no delays, so only a run like this shows it)."""
    with Simulator() as sim:  # the default delay and clock, as learners have them
        assert sim.state.config.delay >= 1
        conn = cl.connect(sim=sim)
        conn.compute.create_keypair("web-key")
        server = conn.compute.create_server(name="web-1", flavor="g2l-t-c2m1", image=IMAGE,
                                            key_name="web-key", progress=False)
        active = conn.compute.wait(server, "ACTIVE", interval=0.5, progress=False)
        (boot,) = active["os-extended-volumes:volumes_attached"]
        nameless = conn.block_storage.create_volume(200)  # no name: "(no name)", never NaN
        conn.compute.delete(server)
        conn.compute.wait(server, "DELETED", interval=0.5, progress=False)

        report = conn.cleanup(progress=False)

        assert conn.compute.server_list() == [] and conn.block_storage.volume_list() == []
        assert report.failed == [] and report.still_there == [] and report.billed == []
        assert sorted(report.volumes) == sorted([f"web-1-boot ({boot['id']})",
                                                 f"(no name) ({nameless['id']})"])
        assert conn.compute.keypairs().empty
        assert str(report).endswith("nothing this course created is billed any more.")


def test_what_is_not_gone_by_the_deadline_is_reported_as_billed():
    with Simulator(delay=0) as sim:
        conn = cl.connect(sim=sim)
        spare = conn.block_storage.create_volume(200, name="spare")
        sim.state.config.delay = 60  # from now on a deletion takes a minute; cleanup waits 1 s
        report = conn.cleanup(progress=False, timeout=1)
    assert report.volumes == [] and len(report.still_there) == 1
    assert report.still_there[0].startswith(f"volume spare ({spare['id']}): ")
    assert "deleting" in report.still_there[0]
    text = str(report)
    assert "still there when the wait ended" in text
    assert "1 resource(s) listed with ! are still billed" in text
