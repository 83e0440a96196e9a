"""Cassettes: recording, replaying with no network, scrubbing, the file format, and selection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
import yaml

from cassette_helpers import NetworkUsed, no_network, sdk_connect
from conoha_learn import cassette as cas
from conoha_learn.cassette import (RECORDING_TOKEN_LIFETIME, NotInCassette, Scrubber, use_cassette)
from conoha_learn.errors import ConfigError
from conoha_learn.sim import Simulator

pytest.importorskip("vcr")


def token_body(creds: dict) -> dict:
    user = {"name": creds["OS_USERNAME"], "password": creds["OS_PASSWORD"],
            "domain": {"name": creds["OS_USER_DOMAIN_NAME"]}}
    return {"auth": {"identity": {"methods": ["password"], "password": {"user": user}},
                     "scope": {"project": {"id": creds["OS_PROJECT_ID"]}}}}


def login(creds: dict) -> requests.Session:
    session = requests.Session()
    r = session.post(creds["OS_AUTH_URL"] + "/auth/tokens", json=token_body(creds), timeout=10)
    assert r.status_code == 201, r.text
    session.headers["X-Auth-Token"] = r.headers["X-Subject-Token"]
    session.catalog = r.json()["token"]["catalog"]
    return session


def endpoint(session: requests.Session, kind: str) -> str:
    return next(s["endpoints"][0]["url"] for s in session.catalog if s["type"] == kind)


# --- record, then replay with the simulator gone and no network ---------------------------------

def browse(creds: dict) -> dict:
    """What a notebook might do: raw requests, then openstacksdk."""
    with login(creds) as s:
        flavors = s.get(endpoint(s, "compute") + "/flavors", timeout=10).json()["flavors"]
        volumes_url = endpoint(s, "volumev3") + "/types"
        types = [t["name"] for t in s.get(volumes_url, timeout=10).json()["volume_types"]]
    conn = sdk_connect(creds)
    try:
        images = sorted(i.name for i in conn.image.images())
        groups = sorted(g.name for g in conn.network.security_groups())
    finally:
        conn.close()
    return {"flavors": [f["name"] for f in flavors], "types": types, "images": images, "groups": groups}


def test_replay_needs_neither_the_simulator_nor_a_network(tmp_path):
    path = tmp_path / "cassettes" / "browse.yaml"
    with Simulator(delay=0, seed=3, token_lifetime=RECORDING_TOKEN_LIFETIME) as sim:
        with use_cassette(path, "record"):
            recorded = browse(sim.credentials())
    assert recorded["images"] and "g2l-t-c2m1" in recorded["flavors"]

    creds = cas.replay_credentials(path)
    assert creds["OS_AUTH_URL"] == cas.CANONICAL_BASE + "/identity/v3"
    with no_network() as tried, use_cassette(path, "replay") as cassette:
        replayed = browse(creds)
    assert replayed == recorded and tried == []
    assert cassette.play_count >= len(cassette) - 1  # everything recorded is used again


def test_without_a_cassette_the_blocked_network_is_noticed(tmp_path):
    """The guard itself works: outside replay, a request does try to connect."""
    with no_network() as tried, pytest.raises(requests.exceptions.ConnectionError):
        try:
            requests.get("http://127.0.0.1:9/", timeout=1)
        except NetworkUsed as exc:  # urllib3 may let our error through unwrapped
            raise requests.exceptions.ConnectionError(str(exc)) from None
    assert tried


def test_polling_replays_in_order_and_repeated_gets_get_the_last_answer(tmp_path):
    """BUILD, BUILD, ACTIVE replays as such (vcrpy's allow_playback_repeats would loop on BUILD)."""
    path = tmp_path / "poll.yaml"

    def create_and_poll(creds: dict, polls_after: int = 0) -> list[str]:
        with login(creds) as s:
            compute = endpoint(s, "compute")
            types = s.get(endpoint(s, "volumev3") + "/types", timeout=10).json()["volume_types"]
            image = s.get(endpoint(s, "image") + "/v2/images?name=vmi-debian-12.5-amd64",
                          timeout=10).json()["images"][0]
            volume = s.post(endpoint(s, "volumev3") + "/volumes", timeout=10, json={"volume": {
                "size": 100, "imageRef": image["id"], "volume_type": types[0]["name"]}}).json()["volume"]
            seen = []
            while not seen or seen[-1] not in ("available", "error"):
                seen.append(s.get(f"{endpoint(s, 'volumev3')}/volumes/{volume['id']}",
                                  timeout=10).json()["volume"]["status"])
            flavor = s.get(compute + "/flavors", timeout=10).json()["flavors"][1]
            server = s.post(compute + "/servers", timeout=10, json={"server": {
                "flavorRef": flavor["id"], "adminPass": "Poll-Test-Pw1!",  # pragma: allowlist secret
                "block_device_mapping_v2": [{"uuid": volume["id"], "boot_index": 0,
                                             "source_type": "volume", "destination_type": "volume"}]}})
            assert server.status_code == 202, server.text
            url = f"{compute}/servers/{server.json()['server']['id']}"
            while seen[-1] != "ACTIVE":
                seen.append(s.get(url, timeout=10).json()["server"]["status"])
            for _ in range(polls_after):  # asked again after the recording stopped asking
                seen.append(s.get(url, timeout=10).json()["server"]["status"])
            return seen

    with Simulator(delay=4, seed=5) as sim:
        with use_cassette(path, "record"):
            recorded = create_and_poll(sim.credentials())
    assert recorded.count("BUILD") >= 2 and recorded[-1] == "ACTIVE"
    with no_network(), use_cassette(path, "replay"):
        assert create_and_poll(cas.replay_credentials(path), polls_after=2) == recorded + ["ACTIVE"] * 2


def test_a_request_not_in_the_cassette_names_itself_and_how_to_re_record(tmp_path):
    notebooks = tmp_path / "notebooks"
    path = cas.cassette_for(notebooks / "03_servers.ipynb")
    with Simulator(delay=0, seed=1) as sim:
        with use_cassette(path, "record"):
            login(sim.credentials())
    with no_network(), use_cassette(path, "replay"):
        creds = cas.replay_credentials(path)
        with login(creds) as s:
            with pytest.raises(NotInCassette) as info:
                s.delete(cas.CANONICAL_BASE + "/compute/v2.1/servers/abc", timeout=10)
            with pytest.raises(NotInCassette):  # a POST is answered once, as recorded
                s.post(creds["OS_AUTH_URL"] + "/auth/tokens", json=token_body(creds), timeout=10)
    message = str(info.value)
    assert "DELETE http://127.0.0.1:8765/compute/v2.1/servers/abc" in message
    assert "conoha-learn record" in message and "03_servers.ipynb" in message


def test_replay_without_a_cassette_says_how_to_record_it(tmp_path):
    with pytest.raises(ConfigError) as info:
        with use_cassette(tmp_path / "cassettes" / "01_rest.yaml", "replay"):
            pass
    assert "No cassette" in str(info.value) and "01_rest.ipynb" in str(info.value)


# --- the same seed gives the same file ------------------------------------------------------------

def test_recording_twice_with_the_same_seed_gives_identical_files(tmp_path):
    texts = []
    for attempt in range(2):
        path = tmp_path / f"take{attempt}.yaml"
        # Different ports every time: the cassette must not show them.
        with Simulator(delay=0, seed=11, token_lifetime=RECORDING_TOKEN_LIFETIME) as sim:
            with use_cassette(path, "record"):
                browse(sim.credentials())
        texts.append(path.read_bytes())
    assert texts[0] == texts[1]
    assert b"127.0.0.1:8765" in texts[0]


def record_a_v2_login(path: Path, seed: int) -> None:
    """A cassette of one Keystone v2.0 password login (the 2015 API), recorded from a simulator."""
    with Simulator(delay=0, seed=seed) as sim:
        creds = sim.credentials()
        with use_cassette(path, "record"):
            r = requests.post(sim.url + "/identity/v2.0/tokens", timeout=10, json={"auth": {
                "passwordCredentials": {"username": creds["OS_USERNAME"], "password": creds["OS_PASSWORD"]},
                "tenantId": creds["OS_PROJECT_ID"]}})
            assert r.status_code == 200


# --- the file format ----------------------------------------------------------------------------

def test_cassettes_are_readable_yaml_and_replay_the_same_bytes(tmp_path):
    path = tmp_path / "c.yaml"
    with Simulator(delay=0, seed=2) as sim:
        with use_cassette(path, "record"):
            live = requests.get(sim.url + "/compute/v2.1", timeout=10)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# HTTP exchanges recorded by conoha-learn")
    assert '      string: |-\n        {\n          "version": {' in text  # pretty JSON, block style
    data = yaml.safe_load(text)
    assert set(data["interactions"][0]) == {"request", "response"}
    headers = data["interactions"][0]["response"]["headers"]
    assert "Date" not in headers and "Server" not in headers and "Content-Length" not in headers
    with no_network(), use_cassette(path, "replay"):
        again = requests.get(cas.CANONICAL_BASE + "/compute/v2.1", timeout=10)
    assert again.content == live.content.replace(sim.url.encode(), cas.CANONICAL_BASE.encode())
    assert again.headers["Content-Length"] == str(len(again.content))


def test_a_replay_and_its_credentials_parse_the_yaml_once_each_with_its_own_copy(tmp_path,
                                                                                monkeypatch):
    from conoha_learn.cassette import credentials, yaml_format

    path = tmp_path / "c.yaml"
    record_a_v2_login(path, seed=3)
    parsed = []
    real = yaml_format._loaded
    monkeypatch.setattr(yaml_format, "_loaded", lambda text: parsed.append(text) or real(text))
    yaml_format._loaded_as_json.cache_clear()
    credentials._token_requests_of.cache_clear()
    with no_network(), use_cassette(path, "replay") as played:  # as a replaying kernel starts
        assert cas.replay_credentials(path)["OS_TENANT_ID"] == "TENANT_ID_1"
        recorded = played.responses[0]["body"]["string"]
    assert len(parsed) == 1
    assert isinstance(recorded, bytes)  # vcrpy turned its copy's body into bytes...
    again = yaml_format.YamlJsonSerializer.deserialize(path.read_text(encoding="utf-8"))
    assert isinstance(again["interactions"][0]["response"]["body"]["string"], str)  # ...not ours
    assert len(parsed) == 1


def test_a_binary_body_is_read_as_bytes():
    from conoha_learn.cassette.yaml_format import YamlJsonSerializer

    text = ("interactions:\n- request: {method: PUT, uri: 'http://x/o', body: null, headers: {}}\n"
            "  response:\n    status: {code: 201, message: Created}\n    headers: {}\n"
            "    body: {string: !!binary AAEC}\nversion: 1\n")
    for _ in range(2):  # JSON cannot hold bytes: parsed each time instead, still right
        data = YamlJsonSerializer.deserialize(text)
        assert data["interactions"][0]["response"]["body"]["string"] == b"\x00\x01\x02"
        assert data["interactions"][0]["response"]["headers"]["Content-Length"] == ["3"]


def test_replayed_headers_keep_the_recorded_order(tmp_path):
    """A notebook that prints response headers must print them the same way in every replay
    (vcrpy on its own hands them out in set order, which changes from process to process)."""
    path = tmp_path / "c.yaml"
    with Simulator(delay=0, seed=2) as sim:
        with use_cassette(path, "record"):
            requests.get(sim.url + "/compute/v2.1/flavors", timeout=10)  # 401: many headers
    recorded = list(yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"][0]
                    ["response"]["headers"])
    with no_network(), use_cassette(path, "replay"):
        again = requests.get(cas.CANONICAL_BASE + "/compute/v2.1/flavors", timeout=10)
    assert len(recorded) >= 5
    assert list(again.headers) == recorded + ["Content-Length"]


# --- scrubbing rules ------------------------------------------------------------------------------

def scrubbed(value, learn=()):
    s = Scrubber()
    for item in learn:
        s.learn_json(item)
    s.learn_json(value)
    return s.json(value), s


def test_keystone_v3_and_v2_bodies_are_scrubbed_with_stable_placeholders():
    request = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "gncu99999999", "password": "pw-is-here", "domain": {"name": "gnc"}}}},  # pragma: allowlist secret
        "scope": {"project": {"id": "ab" * 16}}}}
    answer = {"token": {"user": {"id": "cd" * 16, "name": "gncu99999999", "domain": {"id": "gnc"}},
                        "project": {"id": "ab" * 16, "name": "gnct99999999"},
                        "expires_at": "2026-01-02T00:00:00.000000Z",
                        "catalog": [{"endpoints": [{"url": f"http://127.0.0.1:40123/v3/{'ab' * 16}"}]}]}}
    s = Scrubber()
    s.learn_json(request)
    s.learn_json(answer)
    out_request, out_answer = s.json(request), s.json(answer)
    user = out_request["auth"]["identity"]["password"]["user"]
    assert user == {"name": "USER_NAME_1", "password": "PASSWORD_1", "domain": {"name": "gnc"}}
    assert out_request["auth"]["scope"]["project"]["id"] == "TENANT_ID_1"
    token = out_answer["token"]
    assert token["user"]["id"] == "USER_ID_1" and token["user"]["name"] == "USER_NAME_1"
    assert token["project"] == {"id": "TENANT_ID_1", "name": "TENANT_NAME_1"}
    assert token["expires_at"] == "9999-12-31T23:59:59.000000Z"
    assert token["catalog"][0]["endpoints"][0]["url"] == "http://127.0.0.1:8765/v3/TENANT_ID_1"

    v2 = {"access": {"token": {"id": "f" * 32, "expires": "2015-06-01T00:00:00Z",
                               "tenant": {"id": "12" * 16, "name": "gnct1"}},
                     "user": {"id": "34" * 16, "username": "gncu1", "name": "gncu1"}}}
    out, _ = scrubbed(v2)
    assert out["access"]["token"] == {"id": "TOKEN_1", "expires": "9999-12-31T23:59:59Z",
                                      "tenant": {"id": "TENANT_ID_1", "name": "TENANT_NAME_1"}}
    assert out["access"]["user"] == {"id": "USER_ID_1", "username": "USER_NAME_1", "name": "USER_NAME_1"}


def test_nova_secrets_and_key_material_are_scrubbed():
    key = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAB3Nza\n-----END OPENSSH PRIVATE KEY-----\n"
    out, _ = scrubbed({"server": {"id": "srv-1", "adminPass": "Root-Pw-123!",  # pragma: allowlist secret
                                  "tenant_id": "t" * 8},
                       "keypair": {"private_key": key, "public_key": "ssh-rsa AAAA x", "user_id": "u" * 8}})
    assert out["server"] == {"id": "srv-1", "adminPass": "ADMIN_PASS_1", "tenant_id": "TENANT_ID_1"}
    assert out["keypair"] == {"private_key": "PRIVATE_KEY_1", "public_key": "PUBLIC_KEY_1",
                              "user_id": "USER_ID_1"}


def test_secrets_are_replaced_everywhere_but_only_as_whole_values():
    s = Scrubber()
    s.add("admin", "USER_NAME")
    s.add("gAAAAAB" + "x" * 40, "TOKEN")
    assert s.text("adminPass admin /users/admin?q=admin") == "adminPass USER_NAME_1 /users/USER_NAME_1?q=USER_NAME_1"
    assert s.text("Bearer gAAAAAB" + "x" * 40) == "Bearer TOKEN_1"
    # A Fernet token nobody announced is still caught by its shape.
    assert s.text("token=gAAAAAC" + "y" * 30) == "token=TOKEN_0"
    assert s.header("X-Auth-Token", "gAAAAAB" + "x" * 40) == "TOKEN_1"


def test_values_already_scrubbed_are_not_scrubbed_again():
    out, s = scrubbed({"password": "PASSWORD_1", "user_id": "USER_ID_3"})
    assert out == {"password": "PASSWORD_1", "user_id": "USER_ID_3"} and s.placeholders == {}


def test_the_recording_processes_own_credentials_are_scrubbed(monkeypatch):
    monkeypatch.setenv("OS_PASSWORD", "env-Password-42")
    s = Scrubber()
    s.learn_environment(__import__("os").environ)
    assert s.text("echo env-Password-42") == "echo PASSWORD_1"


# --- which cassette, and process-wide activation ------------------------------------------------

def test_cassette_selection():
    assert cas.cassette_for("notebooks/02_tokens.ipynb") == Path("notebooks/cassettes/02_tokens.yaml")
    assert cas.notebook_for("notebooks/cassettes/02_tokens.yaml") == Path("notebooks/02_tokens.ipynb")
    assert cas.selected_cassette({"CONOHA_LEARN_CASSETTE": "x/y.yaml"}) == Path("x/y.yaml")
    assert cas.selected_cassette({"JPY_SESSION_NAME": "/w/notebooks/05_cli.ipynb"}) == \
        Path("/w/notebooks/cassettes/05_cli.yaml")
    assert cas.selected_cassette({"JPY_SESSION_NAME": "/w/console-1"}) is None


def test_activation_from_the_environment_replays_and_exports_the_cassettes_credentials(tmp_path, monkeypatch):
    path = tmp_path / "cassettes" / "nb.yaml"
    with Simulator(delay=0, seed=4) as sim:
        with use_cassette(path, "record"):
            login(sim.credentials())
    monkeypatch.setenv("OS_CLOUD", "my-real-cloud")  # would point elsewhere: must go
    monkeypatch.setenv("CONOHA_LEARN_MODE", "replay")
    monkeypatch.setenv("CONOHA_LEARN_CASSETTE", str(path))
    try:
        assert cas.activate_from_environment() == path.resolve()
        assert cas.active() == ("replay", path.resolve())
        assert cas.ensure_active("replay") == path.resolve()  # idempotent
        import os
        assert "OS_CLOUD" not in os.environ and os.environ["OS_PROJECT_ID"] == "TENANT_ID_1"
        with no_network():
            login(dict(os.environ))
    finally:
        cas.deactivate()
    assert cas.active() is None


def test_activation_needs_a_selected_cassette(monkeypatch):
    monkeypatch.delenv("CONOHA_LEARN_CASSETTE", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert cas.activate_from_environment({"CONOHA_LEARN_MODE": "sim"}) is None
    with pytest.raises(ConfigError) as info:
        cas.activate_from_environment({"CONOHA_LEARN_MODE": "replay"})
    assert "CONOHA_LEARN_CASSETTE" in str(info.value)


def test_replay_credentials_of_a_v2_recording(tmp_path):
    path = tmp_path / "v2.yaml"
    record_a_v2_login(path, seed=1)
    assert cas.replay_credentials(path) == {
        "OS_AUTH_URL": "http://127.0.0.1:8765/identity/v2.0", "OS_IDENTITY_API_VERSION": "2.0",
        "OS_USERNAME": "USER_NAME_1", "OS_PASSWORD": "PASSWORD_1", "OS_TENANT_ID": "TENANT_ID_1",
        "OS_REGION_NAME": "tyo1", "OS_INTERFACE": "public"}
    body = json.loads(yaml.safe_load(path.read_text())["interactions"][0]["response"]["body"]["string"])
    assert body["access"]["token"]["id"] == "TOKEN_1"


def test_replay_credentials_read_the_file_again_only_when_it_changes(tmp_path):
    from conoha_learn.cassette import credentials

    path = tmp_path / "v2.yaml"
    record_a_v2_login(path, seed=1)
    credentials._token_requests_of.cache_clear()
    assert cas.replay_credentials(path)["OS_TENANT_ID"] == "TENANT_ID_1"
    assert cas.replay_credentials(path, "2.0")["OS_TENANT_ID"] == "TENANT_ID_1"
    assert credentials._token_requests_of.cache_info().misses == 1  # one parse for both
    path.write_text(path.read_text().replace("TENANT_ID_1", "TENANT_ID_9"))  # re-recorded
    assert cas.replay_credentials(path)["OS_TENANT_ID"] == "TENANT_ID_9"


def test_while_a_cassette_plays_vcrpy_leaves_aiohttp_and_httpx_alone():
    # A fresh interpreter: this one may have imported either already (then vcrpy patches it).
    import subprocess
    import sys

    cassette = Path(__file__).parents[1] / "notebooks" / "cassettes" / "01_openstack_and_conoha.yaml"
    code = f"""if True:
        import sys
        from conoha_learn.cassette import use_cassette
        with use_cassette({str(cassette)!r}, "replay"):
            assert "vcr" in sys.modules
            assert sys.modules.get("aiohttp") is None and sys.modules.get("httpx") is None
        import httpx  # afterwards as usual
        assert "aiohttp" not in sys.modules
        print("ok")
    """
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "ok", done.stderr
