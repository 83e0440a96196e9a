"""The simulator must be a cloud to real clients, not only to our own code.

openstacksdk runs in this process; python-openstackclient runs as a learner runs it, as the
`openstack` command in a subprocess with OS_* variables.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest

from conoha_learn.sim import Simulator

openstack = pytest.importorskip("openstack")

pytestmark = pytest.mark.clients
ADMIN_PASS = "Learn-Conoha-2015"


@pytest.fixture
def sim():
    """Unseeded, so its clock is the real one: keystoneauth compares token expiry with the
    machine's clock, and a seeded simulator's clock starts in the past (2026-01-01)."""
    with Simulator(delay=0) as s:
        yield s


@pytest.fixture
def sdk(sim):
    creds = sim.credentials()
    conn = openstack.connect(
        auth_url=creds["OS_AUTH_URL"], username=creds["OS_USERNAME"], password=creds["OS_PASSWORD"],
        project_id=creds["OS_PROJECT_ID"], user_domain_name="gnc", region_name="c3j1",
        interface="public", identity_api_version="3", load_yaml_config=False, load_envvars=False)
    yield conn
    conn.close()


def test_openstacksdk_full_server_lifecycle(sdk, sim):
    assert sdk.current_project_id == sim.credentials()["OS_PROJECT_ID"]
    flavors = {f.name: f for f in sdk.compute.flavors()}
    assert "g2l-t-c2m1" in flavors and flavors["g2l-t-c2m1"].ram == 1024
    images = {i.name: i for i in sdk.image.images()}
    image = images["vmi-ubuntu-24.04-amd64"]

    volume = sdk.block_storage.create_volume(size=100, image_id=image.id, name="boot-sdk",
                                             volume_type="c3j1-ds02-boot")
    volume = sdk.block_storage.wait_for_status(volume, "available", interval=0.05, wait=10)

    server = sdk.compute.create_server(
        name="sdk-vm", flavor_id=flavors["g2l-t-c2m1"].id, admin_password=ADMIN_PASS,
        block_device_mapping=[{"uuid": volume.id, "source_type": "volume", "destination_type": "volume",
                               "boot_index": 0, "delete_on_termination": False}],
        metadata={"instance_name_tag": "sdk-vm"})
    server = sdk.compute.wait_for_server(server, status="ACTIVE", interval=0.05, wait=10)
    assert server.addresses and server.flavor["id"] == flavors["g2l-t-c2m1"].id
    assert sdk.block_storage.get_volume(volume.id).status == "in-use"

    sdk.compute.stop_server(server)
    sdk.compute.wait_for_server(server, status="SHUTOFF", interval=0.05, wait=10)
    sdk.compute.start_server(server)
    sdk.compute.wait_for_server(server, status="ACTIVE", interval=0.05, wait=10)
    sdk.compute.reboot_server(server, "HARD")
    sdk.compute.wait_for_server(server, status="ACTIVE", interval=0.05, wait=10)
    assert [s.name for s in sdk.compute.servers()] == ["sdk-vm"]
    assert sim.state.tokens.issued == 1, "openstacksdk should reuse one token for the whole session"

    sdk.compute.delete_server(server)
    sdk.compute.wait_for_delete(server, interval=0.05, wait=10)
    assert sdk.block_storage.wait_for_status(volume, "available", interval=0.05, wait=10)
    sdk.block_storage.delete_volume(volume)
    sdk.block_storage.wait_for_delete(volume, interval=0.05, wait=10)


def test_openstacksdk_sees_typed_errors(sdk):
    from openstack import exceptions
    with pytest.raises(exceptions.NotFoundException) as info:
        sdk.compute.get_server("00000000-0000-4000-8000-000000000000")
    assert "could not be found" in str(info.value)


def test_openstacksdk_paginates_servers(sdk, sim):
    image = next(sdk.image.images(name="vmi-debian-12.5-amd64"))
    flavor = sdk.compute.find_flavor("g2l-t-c1m512")
    for i in range(3):
        vol = sdk.block_storage.create_volume(size=30, image_id=image.id, volume_type="c3j1-as01-boot")
        sdk.block_storage.wait_for_status(vol, "available", interval=0.05, wait=10)
        sdk.compute.create_server(name=f"page-{i}", flavor_id=flavor.id,
                                  block_device_mapping=[{"uuid": vol.id, "boot_index": 0}])
    names = [s.name for s in sdk.compute.servers(limit=2)]
    assert sorted(names) == ["page-0", "page-1", "page-2"]


# --- python-openstackclient, as a learner runs it in a terminal ---------------------------------

def _osc_binary() -> str:
    found = shutil.which("openstack", path=os.path.dirname(sys.executable)) or shutil.which("openstack")
    if not found:
        pytest.skip("python-openstackclient is not installed (pip install -e '.[course]')")
    return found


def osc(sim, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env.update(sim.credentials())
    return subprocess.run([_osc_binary(), *args], env=env, capture_output=True, text=True, timeout=120)


def osc_json(sim, *args: str):
    done = osc(sim, *args, "-f", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_openstackclient_reads_the_cloud(sim):
    token = osc_json(sim, "token", "issue")
    assert token["project_id"] == sim.credentials()["OS_PROJECT_ID"] and token["id"].startswith("gAAAAA")
    catalog = {row["Name"]: row for row in osc_json(sim, "catalog", "list")}
    assert catalog["nova"]["Type"] == "compute" and sim.url in json.dumps(catalog["nova"]["Endpoints"])
    assert "g2l-t-c4m4" in {row["Name"] for row in osc_json(sim, "flavor", "list")}
    # `flavor show NAME` also reads the plan's extra specs (none in the simulator)
    shown = osc_json(sim, "flavor", "show", "g2l-t-c4m4")
    assert shown["vcpus"] == 4 and shown["properties"] in ({}, "")
    assert "vmi-rocky-9-amd64" in {row["Name"] for row in osc_json(sim, "image", "list")}
    assert osc_json(sim, "server", "list") == []


def test_openstackclient_server_create_show_delete(sim):
    image_id = next(i["ID"] for i in osc_json(sim, "image", "list") if i["Name"] == "vmi-ubuntu-24.04-amd64")
    volume = osc_json(sim, "volume", "create", "--size", "100", "--image", image_id,
                      "--type", "c3j1-ds02-boot", "boot-osc")
    created = osc_json(sim, "server", "create", "--flavor", "g2l-t-c2m1", "--volume", volume["id"],
                       "--wait", "osc-vm")
    assert created["name"] == "osc-vm" and created["status"] == "ACTIVE"
    shown = osc_json(sim, "server", "show", "osc-vm")
    assert shown["id"] == created["id"] and shown["flavor"].startswith("g2l-t-c2m1")
    listed = osc_json(sim, "server", "list")
    assert [(s["Name"], s["Status"]) for s in listed] == [("osc-vm", "ACTIVE")]
    deleted = osc(sim, "server", "delete", "--wait", "osc-vm")
    assert deleted.returncode == 0, deleted.stderr
    assert osc_json(sim, "server", "list") == []
    assert osc(sim, "server", "show", "osc-vm").returncode != 0


# --- object storage (Swift), with both clients ---------------------------------------------------

def test_openstacksdk_object_store(sdk):
    store = sdk.object_store
    store.create_container(name="sdk-box")
    store.upload_object(container="sdk-box", name="notes/hello.txt", data=b"hello sdk")
    assert [c.name for c in store.containers()] == ["sdk-box"]
    assert [(o.name, o.content_length) for o in store.objects("sdk-box")] == [("notes/hello.txt", 9)]
    assert store.download_object("notes/hello.txt", container="sdk-box") == b"hello sdk"
    assert store.get_object_metadata("notes/hello.txt", container="sdk-box").etag == \
        hashlib.md5(b"hello sdk").hexdigest()
    store.set_object_metadata("notes/hello.txt", container="sdk-box", color="red")
    assert store.get_object_metadata("notes/hello.txt", container="sdk-box").metadata == {"color": "red"}
    account = store.get_account_metadata()
    assert (account.account_container_count, account.account_object_count) == (1, 1)
    with pytest.raises(openstack.exceptions.ConflictException):
        store.delete_container("sdk-box")  # not empty: Swift's 409
    store.delete_object("notes/hello.txt", container="sdk-box")
    store.delete_container("sdk-box")
    assert list(store.containers()) == []


def test_openstackclient_container_and_object_commands(sim, tmp_path):
    source, saved = tmp_path / "notes.txt", tmp_path / "saved.txt"
    source.write_text("osc data\n")
    assert osc(sim, "container", "create", "osc-box").returncode == 0
    created = osc_json(sim, "object", "create", "osc-box", str(source), "--name", "notes.txt")
    assert created[0]["etag"] == hashlib.md5(b"osc data\n").hexdigest()
    assert osc_json(sim, "container", "list") == [{"Name": "osc-box"}]
    assert osc_json(sim, "object", "list", "osc-box") == [{"Name": "notes.txt"}]
    shown = osc_json(sim, "object", "show", "osc-box", "notes.txt")
    assert (shown["content-length"], shown["content-type"]) == ("9", "text/plain")
    assert osc(sim, "object", "save", "osc-box", "notes.txt", "--file", str(saved)).returncode == 0
    assert saved.read_text() == "osc data\n"
    assert osc(sim, "object", "set", "osc-box", "notes.txt", "--property", "kind=memo").returncode == 0
    assert osc_json(sim, "object", "show", "osc-box", "notes.txt")["properties"] == {"Kind": "memo"}
    account = osc_json(sim, "object", "store", "account", "show")
    assert (account["Containers"], account["Objects"], account["Bytes"]) == ("1", "1", "9")
    assert account["properties"]["Quota-Giga-Bytes"] == "100"
    assert osc(sim, "object", "delete", "osc-box", "notes.txt").returncode == 0
    assert osc(sim, "container", "delete", "osc-box").returncode == 0
    assert osc_json(sim, "container", "list") == []


# --- issue 13's wire formats, as real clients read them ------------------------------------------

def _boot_server(sdk, delete_on_termination: bool):
    image = next(sdk.image.images(name="vmi-ubuntu-24.04-amd64"))
    volume = sdk.block_storage.create_volume(size=100, image_id=image.id, volume_type="c3j1-ds02-boot")
    sdk.block_storage.wait_for_status(volume, "available", interval=0.05, wait=10)
    flavor = sdk.compute.find_flavor("g2l-t-c2m1")
    return sdk.compute.create_server(name="mv", flavor_id=flavor.id, block_device_mapping=[
        {"uuid": volume.id, "source_type": "volume", "destination_type": "volume", "boot_index": 0,
         "delete_on_termination": delete_on_termination}])


def test_openstacksdk_keypair_fields_image_403_and_auth_reads(sdk, sim):
    from openstack import exceptions
    sdk.compute.create_keypair(name="sdk-key")
    key = sdk.compute.get_keypair("sdk-key")  # Nova's show: id, user_id, created_at, deleted...
    assert key.user_id == sim.credentials()["OS_USERNAME"] or key.user_id == sdk.current_user_id
    assert key.created_at and key.is_deleted is False and key.id == "sdk-key"  # sdk keys by name
    image = next(sdk.image.images(name="vmi-ubuntu-24.04-amd64"))
    with pytest.raises(exceptions.ForbiddenException) as info:
        sdk.image.delete_image(image)
    assert "not authorized to complete delete_image" in str(info.value)
    catalog = sdk.identity.get("/auth/catalog").json()["catalog"]
    assert {entry["type"] for entry in catalog} >= {"compute", "volumev3", "image", "network"}
    projects = sdk.identity.get("/auth/projects").json()["projects"]
    assert [p["id"] for p in projects] == [sdk.current_project_id]


def test_openstacksdk_stays_at_the_advertised_2_1(sim):
    """The compute root advertises 2.1 (compute/versions.py explains why): openstacksdk
    negotiates 2.1 (no delete_on_termination), and refuses a configured 2.3 before sending it."""
    from openstack import exceptions
    creds = sim.credentials()
    options = dict(auth_url=creds["OS_AUTH_URL"], username=creds["OS_USERNAME"],
                   password=creds["OS_PASSWORD"], project_id=creds["OS_PROJECT_ID"],
                   user_domain_name="gnc", region_name="c3j1", interface="public",
                   identity_api_version="3", load_yaml_config=False, load_envvars=False)
    with openstack.connect(**options) as negotiating:
        server = _boot_server(negotiating, delete_on_termination=True)
        negotiating.compute.wait_for_server(server, status="ACTIVE", interval=0.05, wait=10)
        # openstacksdk fills the fields a response lacks with None
        assert negotiating.compute.get_server(server.id).attached_volumes[0]["delete_on_termination"] is None
    with openstack.connect(compute_api_version="2.3", **options) as explicit:
        with pytest.raises(exceptions.ConfigException, match="maximum of 2.1"):
            explicit.compute.get_server(server.id)


def test_openstackclient_keypair_show_and_image_delete(sim):
    assert osc(sim, "keypair", "create", "--public-key", os.devnull, "x").returncode != 0  # empty key
    made = osc(sim, "keypair", "create", "osc-key")
    assert made.returncode == 0 and "PRIVATE KEY" in made.stdout, made.stderr
    shown = osc_json(sim, "keypair", "show", "osc-key")
    assert shown["name"] == "osc-key" and shown["user_id"] and shown["fingerprint"]
    image_id = next(i["ID"] for i in osc_json(sim, "image", "list") if i["Name"] == "vmi-debian-12.5-amd64")
    refused = osc(sim, "image", "delete", image_id)
    assert refused.returncode != 0 and "403" in refused.stderr + refused.stdout
