"""conn.compute, conn.block_storage, conn.image, conn.network against the simulator."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

import conoha_learn as cl
from conoha_learn import image as image_module
from conoha_learn.compute import check_admin_pass, random_admin_pass
from conoha_learn.sim import Simulator
from conoha_learn.sim.seed import ACCOUNTS

IMAGE = "vmi-ubuntu-24.04-amd64"
PROJECT = ACCOUNTS[0]["project_id"]


@pytest.fixture
def conn(sim):
    return cl.connect(sim=sim)


def posts(conn) -> list[str]:
    """The URLs of every POST after the login."""
    return [e.url for e in conn.history if e.method == "POST" and "/tokens" not in e.url]


def make_server(conn, name="web-1", flavor="g2l-t-c2m1", **kw):
    server = conn.compute.create_server(name=name, flavor=flavor, image=IMAGE, progress=False, **kw)
    conn.compute.wait(server, "ACTIVE", interval=0.05, progress=False)
    return server


# --- lists --------------------------------------------------------------------------------------

def test_lists_are_dataframes_with_sensible_columns(conn):
    flavors = conn.compute.flavors()
    assert list(flavors.columns) == ["name", "id", "vcpus", "ram", "disk"]
    row = flavors.set_index("name").loc["g2l-t-c1m512"]
    assert (row.vcpus, row.ram, row.disk) == (1, 512, 0)
    images = conn.image.images()
    assert IMAGE in set(images["name"]) and "min_disk" in images.columns
    groups = conn.network.security_groups()
    assert {"default", "IPv4v6-SSH", "IPv4v6-Web", "IPv4v6-ICMP"} <= set(groups["name"])
    assert list(conn.block_storage.volume_types()["name"]) == ["c3j1-ds02-boot", "c3j1-as01-boot", "c3j1-ds02-add"]
    for empty, columns in ((conn.compute.servers(), "status"), (conn.block_storage.volumes(), "size"),
                           (conn.compute.keypairs(), "fingerprint")):
        assert len(empty) == 0 and columns in empty.columns


def test_images_follow_glance_next_links(conn, monkeypatch):
    monkeypatch.setattr(image_module, "PAGE_SIZE", 3)
    names = [i["name"] for i in conn.image.list()]
    pages = [e.url for e in conn.history if "/v2/images" in e.url]
    assert len(names) == 7 and len(set(names)) == 7
    assert len(pages) == 3 and "marker=" in pages[1]


# --- create_server: checks before any request ---------------------------------------------------

@pytest.mark.parametrize("kwargs,message", [
    ({"flavor": "g2l-t-c2m2"}, "Did you mean 'g2l-t-c2m1', 'g2l-t-c3m2', 'g2l-t-c12m32'?"),
    ({"image": "ubuntu-24.04"}, "vmi-ubuntu-24.04-amd64"),
    ({"key_name": "nokey"}, "No key pair called 'nokey'"),
    ({"security_groups": ["default", "IPv4v6-SHH"]}, "Did you mean 'IPv4v6-SSH'"),
])
def test_unknown_names_fail_before_anything_is_created(conn, kwargs, message):
    args = {"name": "web-1", "flavor": "g2l-t-c2m1", "image": IMAGE, **kwargs}
    with pytest.raises(cl.NotFoundLocally) as info:
        conn.compute.create_server(**args)
    assert message in str(info.value) and "Valid choices" in str(info.value)
    assert posts(conn) == []


@pytest.mark.parametrize("kwargs,message", [
    ({"name": "web 1"}, "letters, digits"),
    ({"admin_pass": "short"}, "9 to 70"),
    ({"admin_pass": "nouppercase1!"}, "upper-case"),
    ({"security_groups": [1]}, "list of names"),
])
def test_bad_arguments_fail_before_any_request(conn, kwargs, message):
    before = len(conn.history)
    args = {"name": "web-1", "flavor": "g2l-t-c2m1", "image": IMAGE, **kwargs}
    with pytest.raises(cl.ConfigError, match=message) as info:
        conn.compute.create_server(**args)
    assert len(conn.history) == before
    if "admin_pass" in kwargs:
        assert kwargs["admin_pass"] not in str(info.value)


@pytest.mark.parametrize("password,ok", [
    ("Abcdefghij12", True), ("Abcdefghij!", True), ("Abcdefghijk", False), ("abcdefgh12!", False)])
def test_admin_pass_needs_a_digit_or_a_symbol(password, ok):
    """ConoHa's reference: upper case, lower case, and a digit or a symbol (not both)."""
    if ok:
        check_admin_pass(password)
    else:
        with pytest.raises(cl.ConfigError, match="a digit or one of"):
            check_admin_pass(password)


def test_random_admin_pass_meets_the_rule():
    for _ in range(50):
        check_admin_pass(random_admin_pass())


# --- create_server, wait, actions -----------------------------------------------------------------

def test_create_server_the_conoha_v3_way(conn, sim):
    server = conn.compute.create_server(name="web-1", flavor="g2l-t-c2m1", image=IMAGE,
                                        admin_pass="Abcdefg1!x", security_groups=["default", "IPv4v6-SSH"],
                                        progress=False)
    assert server["adminPass"] == "Abcdefg1!x" and "Abcdefg1!x" not in repr(server)
    volume_post, server_post = posts(conn)
    assert volume_post.endswith(f"/block-storage/v3/{PROJECT}/volumes")
    create = next(e for e in conn.history if e.url == server_post)
    body = create.request_body["server"]
    assert body["block_device_mapping_v2"][0]["uuid"]
    assert body["metadata"] == {"instance_name_tag": "web-1", "conoha_learn": "1"}
    assert body["security_groups"] == [{"name": "default"}, {"name": "IPv4v6-SSH"}]
    assert body["adminPass"] == "$ADMIN_PASS" and "name" not in body and "imageRef" not in body
    volume_body = next(e for e in conn.history if e.url == volume_post).request_body["volume"]
    assert (volume_body["size"], volume_body["volume_type"]) == (100, "c3j1-ds02-boot")

    detail = conn.compute.wait(server, "ACTIVE", interval=0.05, progress=False)
    assert detail["status"] == "ACTIVE"
    table = conn.compute.servers()
    row = table.iloc[0]
    assert (row["name"], row["status"], row["flavor"], bool(row["tagged"])) == ("web-1", "ACTIVE", "g2l-t-c2m1", True)
    assert row["ipv4"]
    volumes = conn.block_storage.volumes()
    assert list(volumes["status"]) == ["in-use"] and volumes.iloc[0]["attached_to"] == [server["id"]]


def test_the_512mb_plan_gets_a_30gb_as01_volume(conn):
    make_server(conn, flavor="g2l-t-c1m512")
    v = conn.block_storage.volumes().iloc[0]
    assert (v["size"], v["volume_type"]) == (30, "c3j1-as01-boot")


def test_power_actions_by_dict_name_and_id(conn):
    server = make_server(conn)
    c = conn.compute
    c.stop("web-1")  # by name (ConoHa's instance_name_tag)
    assert c.wait(server, "SHUTOFF", interval=0.05, progress=False)["status"] == "SHUTOFF"
    with pytest.raises(cl.Conflict) as info:
        c.stop(server)
    assert "SHUTOFF" in info.value.hint and "start it first" in info.value.hint
    assert info.value.request_id.startswith("req-")
    c.start(server["id"])  # by id
    c.wait(server, "ACTIVE", interval=0.05, progress=False)
    with pytest.raises(cl.Conflict, match="already ACTIVE"):
        c.start(server)
    c.reboot(server)
    assert conn.last_exchange.request_body == {"reboot": {"type": "SOFT"}}
    c.wait(server, "ACTIVE", interval=0.05, progress=False)
    c.reboot(server, hard=True)
    assert conn.last_exchange.request_body == {"reboot": {"type": "HARD"}}
    c.wait(server, "ACTIVE", interval=0.05, progress=False)
    c.stop(server, force=True)
    assert conn.last_exchange.request_body == {"os-stop": {"force_shutdown": True}}
    c.wait(server, "SHUTOFF", interval=0.05, progress=False)
    c.delete(server)
    assert c.wait(server, "DELETED", interval=0.05, progress=False) is None
    assert list(conn.block_storage.volumes()["status"]) == ["available"]  # the volume stays


def test_busy_server_hint(sim, conn):
    server = make_server(conn)
    sim.state.config.delay = 60  # status changes now take a minute
    conn.compute.stop(server)
    with pytest.raises(cl.Conflict) as info:
        conn.compute.stop(server)  # still powering off
    assert "busy (powering-off)" in info.value.hint


def test_wait_is_bounded(sim, conn):
    server = make_server(conn)
    sim.state.config.delay = 600
    conn.compute.stop(server)
    with pytest.raises(cl.WaitTimeout) as info:
        conn.compute.wait(server, "SHUTOFF", timeout=0.3, interval=0.1, progress=False)
    assert "still ACTIVE" in str(info.value) and isinstance(info.value, TimeoutError)


def test_wait_fails_fast_on_error(sim, conn):
    server = make_server(conn)
    doc = sim.state.store.get("server", server["id"])  # the cloud breaks the server
    doc.update(status="ERROR", vm_state="error", _pending=[])
    sim.state.store.put("server", doc, PROJECT)
    before = len(conn.history)
    with pytest.raises(cl.ResourceFailed, match="went to ERROR"):
        conn.compute.wait(server, "ACTIVE", timeout=60, interval=0.05, progress=False)
    assert len(conn.history) == before + 1  # one look was enough: no more polling


def test_wait_shows_a_progress_bar(conn, capsys):
    server = conn.compute.create_server(name="web-1", flavor="g2l-t-c2m1", image=IMAGE)
    conn.compute.wait(server, "ACTIVE", interval=0.05)
    err = capsys.readouterr().err  # tqdm writes to stderr outside Jupyter
    assert f"volume {conn.block_storage.volume_list()[0]['id'][:8]}: available" in err
    assert f"server {server['id'][:8]}: ACTIVE" in err and "100%" in err


def test_progress_bars_can_be_switched_off_everywhere(conn, capsys, monkeypatch):
    monkeypatch.setenv("CONOHA_LEARN_PROGRESS", "0")
    server = conn.compute.create_server(name="web-1", flavor="g2l-t-c2m1", image=IMAGE)
    conn.compute.wait(server, "ACTIVE", interval=0.05)
    assert capsys.readouterr().err == ""


def test_wait_rejects_nonsense_intervals(conn):
    server = make_server(conn)
    with pytest.raises(ValueError):
        conn.compute.wait(server, "ACTIVE", interval=0)


def test_server_names_ambiguous_or_unknown(conn):
    make_server(conn, name="twin")
    make_server(conn, name="twin")
    with pytest.raises(cl.NotFoundLocally, match="Several servers"):
        conn.compute.get_server("twin")
    with pytest.raises(cl.NotFoundLocally, match="Valid choices: twin"):
        conn.compute.stop("twins-x")
    with pytest.raises(cl.ConfigError):
        conn.compute.start(None)


def test_quota_error_removes_the_fresh_boot_volume():
    with Simulator(delay=0, seed=42, quota_servers=0) as sim:
        conn = cl.connect(sim=sim)
        with pytest.raises(cl.OverLimit) as info:
            conn.compute.create_server(name="web-1", flavor="g2l-t-c2m1", image=IMAGE, progress=False)
        assert info.value.status == 403 and "Quota exceeded" in info.value.message
        assert conn.last_exchange.method == "DELETE" and "/volumes/" in conn.last_exchange.url
        assert conn.block_storage.volume_list() == []


# --- volumes ------------------------------------------------------------------------------------------

def test_volume_create_wait_delete(conn):
    bs = conn.block_storage
    vol = bs.create_volume(200, name="data")
    assert bs.wait(vol, "available", interval=0.05, progress=False)["status"] == "available"
    assert bs.get_volume("data")["size"] == 200  # by name
    assert bool(bs.volumes().iloc[0]["tagged"]) is True
    bs.delete_volume(vol["id"])
    assert bs.wait(vol, "DELETED", interval=0.05, progress=False) is None
    with pytest.raises(ValueError):
        bs.create_volume(0)


# --- key pairs ----------------------------------------------------------------------------------------

def test_keypair_create_saves_private_key_once(conn, tmp_path):
    path = tmp_path / "keys" / "my-key"
    kp = conn.compute.create_keypair("my-key", save_to=path)
    private = kp["private_key"]
    assert private.startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    assert path.read_text() == private and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert private not in repr(kp)
    for e in conn.history:
        assert private not in e.text(None) and private.splitlines()[1] not in e.text(None)
    assert conn.last_exchange.response_body["keypair"]["private_key"] == "***"
    assert list(conn.compute.keypairs()["name"]) == ["my-key"]
    with pytest.raises(cl.ConfigError, match="already exists"):
        conn.compute.create_keypair("again", save_to=path)
    conn.compute.delete_keypair("my-key")
    assert len(conn.compute.keypairs()) == 0


def test_keypair_import_from_text_or_path(conn, tmp_path):
    made = conn.compute.create_keypair("source")  # any valid public key will do
    pub = tmp_path / "id.pub"
    pub.write_text(made["public_key"] + "\n")
    conn.compute.import_keypair("from-path", Path(pub))
    conn.compute.import_keypair("from-text", made["public_key"])
    assert set(conn.compute.keypairs()["name"]) == {"source", "from-path", "from-text"}
    before = len(conn.history)
    with pytest.raises(cl.ConfigError, match="never the private key"):
        conn.compute.import_keypair("bad", made["private_key"])
    assert len(conn.history) == before
    server = make_server(conn, key_name="from-text")
    assert conn.compute.get_server(server)["key_name"] == "from-text"


def test_image_save_from_the_boot_volume_and_wait_for_it(conn):
    # ConoHa VPS 3.0's image save: os-volume_upload_image on the stopped server's boot volume
    server = conn.compute.create_server(name="web-save", flavor="g2l-t-c2m1",
                                        image=conn.image.list()[0]["id"], progress=False)
    conn.compute.wait(server, "ACTIVE", interval=0.05, progress=False)
    conn.compute.stop(server)
    conn.compute.wait(server, "SHUTOFF", interval=0.05, progress=False)
    boot = conn.compute.get_server(server)["os-extended-volumes:volumes_attached"][0]["id"]
    upload = conn.block_storage.save_image(boot, "web-save-image")
    assert conn.last_exchange.status == 202
    assert (upload["status"], upload["image_name"]) == ("uploading", "web-save-image")
    image = conn.image.wait(upload["image_id"], "active", interval=0.05, progress=False)
    assert (image["name"], image["visibility"]) == ("web-save-image", "private")
    conn.image.delete_image(image)
    assert conn.image.wait(image, "DELETED", interval=0.05, progress=False) is None
