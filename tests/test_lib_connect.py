"""connect(): modes, where credentials come from, finding or starting the simulator, the catalog."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from lib_helpers import json_response, scripted, tiny_server, token_requests

import conoha_learn as cl
from conoha_learn import config, local_sim
from conoha_learn.config import Credentials
from conoha_learn.sim.seed import ACCOUNTS
from ports import free_port

DEFAULT = ACCOUNTS[0]
OS_VARIABLES = [v for v in config.ENV_VARIABLES] + ["OS_CLOUD", "OS_CLIENT_CONFIG_FILE",
                                                    "OS_CLIENT_SECURE_FILE", "CONOHA_LEARN_MODE",
                                                    "CONOHA_LEARN_SIM_PORT"]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No OS_* from the machine running the tests, no clouds.yaml from its home directory."""
    for name in OS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)


# --- import cost ------------------------------------------------------------------------------

def test_import_is_light():
    code = textwrap.dedent("""
        import sys, json, conoha_learn as cl
        heavy = ["pandas", "requests", "yaml", "tqdm", "ipywidgets", "numpy", "openstack", "werkzeug"]
        print(json.dumps([m for m in heavy if m in sys.modules]))
        cl.ConohaLearnError, cl.NotFound  # errors are plain attributes
        print(json.dumps([m for m in heavy if m in sys.modules]))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    before, after = (json.loads(line) for line in out.stdout.splitlines())
    assert before == [] and after == []


def test_pandas_loads_with_the_first_table_not_before(sim, monkeypatch):
    """A lesson that shows no table (00) never waits for pandas (a fifth of a second, longer
    in a browser tab); the first table loads it."""
    monkeypatch.setenv("CONOHA_LEARN_SIM_PORT", str(sim.port))  # cl.connect() finds it
    code = textwrap.dedent("""
        import sys, conoha_learn as cl
        conn = cl.connect()
        images = conn.get("image", "/v2/images")          # a plain request: no table
        print(cl.check("00.first-call", images).ok)      # nor to judge it
        print("pandas" in sys.modules)
        flavors = conn.compute.flavors()                 # a table
        print("pandas" in sys.modules, type(flavors).__name__, "g2l-t-c2m1" in str(flavors))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["True", "False", "True Table True"]


def test_loading_the_exercises_loads_neither_pandas_nor_the_simulator():
    code = textwrap.dedent("""
        import sys, json
        from conoha_learn import exercises
        assert len(exercises.names()) > 20           # every notebook's exercises, loaded
        print(json.dumps([m for m in ("pandas", "werkzeug", "conoha_learn.sim") if m in sys.modules]))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []


def test_public_names_load_on_first_use():
    for name in cl.__all__:
        assert getattr(cl, name) is not None
    assert cl.connect.__module__ == "conoha_learn.connection"
    assert "connect" in dir(cl)
    with pytest.raises(AttributeError):
        cl.no_such_thing


# --- modes ----------------------------------------------------------------------------------------

def test_unknown_mode_lists_the_four(monkeypatch):
    with pytest.raises(cl.ConfigError) as info:
        cl.connect("simulator")
    assert all(m in str(info.value) for m in ("sim", "replay", "live", "record"))
    monkeypatch.setenv("CONOHA_LEARN_MODE", "nope")
    with pytest.raises(cl.ConfigError, match="CONOHA_LEARN_MODE"):
        cl.connect()


def test_mode_from_environment(monkeypatch):
    monkeypatch.setenv("CONOHA_LEARN_MODE", "LIVE")
    assert config.resolve_mode() == "live"
    assert config.resolve_mode("sim") == "sim"


@pytest.mark.parametrize("mode", ["replay", "record"])
def test_cassette_modes_need_a_cassette(mode, monkeypatch):
    # Wired in conoha_learn/cassette.py; tests/test_cassette_connect.py covers them fully.
    monkeypatch.delenv("CONOHA_LEARN_CASSETTE", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    with pytest.raises(cl.ConfigError, match="CONOHA_LEARN_CASSETTE"):
        cl.connect(mode)


def test_cloud_argument_in_sim_mode_is_a_mistake():
    with pytest.raises(cl.ConfigError, match="connect\\('live', cloud"):
        cl.connect(cloud="conoha")


def test_live_without_credentials_says_where_to_put_them():
    with pytest.raises(cl.ConfigError) as info:
        cl.connect("live")
    text = str(info.value)
    assert "OS_AUTH_URL" in text and "clouds.yaml" in text and "login_form" in text


def test_live_with_partial_credentials_names_what_is_missing(monkeypatch):
    monkeypatch.setenv("OS_AUTH_URL", "https://identity.c3j1.conoha.io/v3")
    monkeypatch.setenv("OS_USERNAME", "gncu1")
    with pytest.raises(cl.ConfigError) as info:
        cl.connect("live")
    assert "OS_PASSWORD" in str(info.value) and "OS_PROJECT_ID" in str(info.value)


# --- credentials ------------------------------------------------------------------------------------

def test_live_mode_with_os_variables(sim, monkeypatch):
    for name, value in sim.credentials().items():
        monkeypatch.setenv(name, value)
    conn = cl.connect("live")
    assert conn.mode == "live" and conn.credentials.source == "OS_* environment variables"
    assert conn.token.project["id"] == DEFAULT["project_id"]


def test_os_tenant_variables_of_2015(sim, monkeypatch):
    monkeypatch.setenv("OS_AUTH_URL", f"{sim.url}/identity/v2.0")
    monkeypatch.setenv("OS_USERNAME", DEFAULT["user_name"])
    monkeypatch.setenv("OS_PASSWORD", DEFAULT["password"])
    monkeypatch.setenv("OS_TENANT_NAME", DEFAULT["project_name"])
    conn = cl.connect("live")
    assert conn.token.auth_version == "2.0" and conn.token.project["name"] == DEFAULT["project_name"]


def test_clouds_yaml_and_secure_yaml_in_the_current_directory(sim, tmp_path, monkeypatch):
    (tmp_path / "clouds.yaml").write_text(textwrap.dedent(f"""
        clouds:
          other: {{auth: {{auth_url: http://nowhere.invalid/v3}}}}
          mine:
            auth:
              auth_url: {sim.auth_url}
              username: {DEFAULT['user_name']}
              user_domain_name: gnc
              project_id: {DEFAULT['project_id']}
            region_name: c3j1
            identity_api_version: 3
    """))
    (tmp_path / "secure.yaml").write_text(f"clouds:\n  mine:\n    auth:\n      password: '{DEFAULT['password']}'\n")
    monkeypatch.setenv("OS_CLOUD", "mine")
    conn = cl.connect("live")
    assert "clouds.yaml cloud 'mine'" in conn.credentials.source
    assert conn.credentials.region == "c3j1" and conn.token.user["name"] == DEFAULT["user_name"]
    conn2 = cl.connect("live", cloud="mine")
    assert conn2.token.user["name"] == DEFAULT["user_name"]
    with pytest.raises(cl.ConfigError, match="Clouds there: other, mine"):
        cl.connect("live", cloud="missing")


def test_clouds_yaml_in_home_config(sim, tmp_path, monkeypatch):
    home = tmp_path / "home" / ".config" / "openstack"
    home.mkdir(parents=True)
    creds = Credentials(auth_url=sim.auth_url, username=DEFAULT["user_name"],
                        password=DEFAULT["password"], project_id=DEFAULT["project_id"])
    cl.write_clouds_yaml(creds, home / "clouds.yaml", cloud="only")
    conn = cl.connect("live")  # the only cloud there, as openstacksdk does
    assert conn.token.project["id"] == DEFAULT["project_id"]


def test_credentials_repr_never_shows_the_password():
    c = Credentials(auth_url="https://x/v3", username="u", password="Very-Secret-123")
    assert "Very-Secret-123" not in repr(c) and "password='***'" in repr(c)
    assert "Very-Secret-123" not in str(c)
    with pytest.raises(cl.ConfigError, match="Known:"):
        c.merged(passwd="x")


def test_keyword_arguments_override(sim):
    with pytest.raises(cl.AuthenticationError):
        cl.connect(sim=sim, password="wrong-password")
    other = ACCOUNTS[1]
    conn = cl.connect(sim=sim, username=other["user_name"], password=other["password"],
                      project_id=other["project_id"])
    assert conn.token.project["id"] == other["project_id"]


def test_explicit_auth_url_in_sim_mode_uses_the_default_account(sim):
    conn = cl.connect("sim", auth_url=sim.auth_url)
    assert conn.token.user["name"] == DEFAULT["user_name"]


# --- sim mode: find or start ----------------------------------------------------------------------

def test_sim_mode_starts_a_simulator_and_then_reuses_it(monkeypatch):
    port = free_port()
    monkeypatch.setenv("CONOHA_LEARN_SIM_PORT", str(port))
    try:
        conn = cl.connect()
        assert conn.simulator is not None and conn.simulator.port == port
        assert conn.credentials.auth_url == f"http://127.0.0.1:{port}/identity/v3"
        again = cl.connect()
        assert again.simulator is conn.simulator
    finally:
        local_sim.stop_embedded()


def test_sim_mode_finds_a_running_simulator(sim, monkeypatch):
    monkeypatch.setenv("CONOHA_LEARN_SIM_PORT", str(sim.port))
    conn = cl.connect()
    assert conn.simulator is None  # found, not started
    assert conn.credentials.auth_url == sim.auth_url and token_requests(sim) == 1


def test_something_else_on_the_chosen_port_is_a_clear_error(monkeypatch):
    handler, _ = scripted(json_response({"hello": "world"}))
    with tiny_server(handler) as url:
        monkeypatch.setenv("CONOHA_LEARN_SIM_PORT", url.rsplit(":", 1)[1])
        with pytest.raises(cl.ConfigError, match="not the conoha-learn simulator"):
            cl.connect()


def test_something_else_on_the_default_port_means_a_free_port(monkeypatch):
    handler, _ = scripted(json_response({"hello": "world"}))
    with tiny_server(handler) as url:
        monkeypatch.setattr(local_sim, "configured_port", lambda: (int(url.rsplit(":", 1)[1]), False))
        try:
            with pytest.warns(UserWarning, match="free port"):
                conn = cl.connect()
            assert conn.simulator.port != int(url.rsplit(":", 1)[1])
        finally:
            local_sim.stop_embedded()


def test_bad_port_variable(monkeypatch):
    monkeypatch.setenv("CONOHA_LEARN_SIM_PORT", "eighty")
    with pytest.raises(cl.ConfigError, match="not a port"):
        cl.connect()


def test_nothing_listening_is_a_clear_connection_error():
    with tiny_server(lambda r: None) as url:
        pass
    with pytest.raises(cl.CannotConnect) as info:
        cl.connect("live", auth_url=f"{url}/identity/v3", username="u", password="p", project_id="x")
    assert url in str(info.value) and "mode" in str(info.value)


# --- the connection's face ------------------------------------------------------------------------

def test_current_is_the_last_connection(sim):
    from conoha_learn import connection
    first = cl.connect(sim=sim)
    assert connection.current() is first
    with pytest.raises(cl.AuthenticationError):
        cl.connect(sim=sim, password="wrong-password")
    assert connection.current() is first  # a failed login does not replace it
    second = cl.connect(sim=sim)
    assert connection.current() is second


def test_repr_token_and_catalog(sim):
    conn = cl.connect(sim=sim)
    assert repr(conn).startswith("<Connection mode=sim user=gncu12345678 project=gnct12345678 region=c3j1")
    t = conn.token
    assert t.auth_version == "3" and t.expires_at.year >= 2026 and t.issued_at < t.expires_at
    assert t.user == {"id": DEFAULT["user_id"], "name": DEFAULT["user_name"]}
    assert "member" in t.roles and t.lifetime == 24 * 3600
    assert t.id not in repr(t) and t.id not in repr(conn)
    df = conn.catalog
    assert list(df.columns) == ["type", "name", "region", "interface", "url"]
    assert {"identity", "compute", "volumev3", "image", "network"} <= set(df["type"])


def test_endpoint_lookup_with_aliases_and_errors(sim):
    conn = cl.connect(sim=sim)
    assert conn.endpoint("compute") == f"{sim.url}/compute/v2.1"
    cinder = f"{sim.url}/block-storage/v3/{DEFAULT['project_id']}"
    assert conn.endpoint("block-storage") == conn.endpoint("volume") == conn.endpoint("volumev3") == cinder
    assert conn.endpoint("image", region="c3j1") == f"{sim.url}/image-service"
    with pytest.raises(cl.NotFoundLocally) as info:
        conn.endpoint("baremetal")
    assert "compute" in str(info.value) and "volumev3" in str(info.value)
    with pytest.raises(cl.NotFoundLocally, match="Regions: c3j1"):
        conn.endpoint("compute", region="tyo1")
    with pytest.raises(cl.NotFoundLocally, match="Interfaces: public"):
        conn.endpoint("compute", interface="internal")


def test_v2_catalog_several_regions():
    from conoha_learn import catalog
    cat = [{"type": "identity", "name": "Identity Service", "endpoints": [
        {"region": "sjc1", "publicURL": "https://identity.sjc1.conoha.io/v2.0"},
        {"region": "tyo1", "publicURL": "https://identity.tyo1.conoha.io/v2.0"}]}]
    assert catalog.find(cat, "identity", region="tyo1") == "https://identity.tyo1.conoha.io/v2.0"
    with pytest.raises(cl.NotFoundLocally, match="sjc1, tyo1"):
        catalog.find(cat, "identity")
    assert catalog.rows(cat)[0]["interface"] == "public"


def test_raw_verbs(sim):
    conn = cl.connect(sim=sim)
    flavors = conn.get("compute", "/flavors")
    assert {"g2l-t-c2m1", "g2l-t-c1m512"} <= {f["name"] for f in flavors["flavors"]}
    assert conn.last_exchange.url == f"{sim.url}/compute/v2.1/flavors"
    response = conn.get("compute", "flavors", raw=True)  # leading slash optional
    assert response.status_code == 200
    images = conn.get("image", "/v2/images", params={"limit": 2})
    assert len(images["images"]) == 2 and conn.last_exchange.url.endswith("?limit=2")
    full = conn.get("image", conn.endpoint("image") + images["next"])  # full URL on a catalog host
    assert full["images"]
    with pytest.raises(cl.NotFound, match="check the path"):
        conn.get("image", sim.url + images["next"])  # Glance's next is relative to its endpoint
    with pytest.raises(cl.ConfigError, match="refusing to send your token"):
        conn.get("image", "https://example.com/v2/images")
    sg = conn.post("network", "/v2.0/security-groups", json={"security_group": {"name": "web"}})
    sg_id = sg["security_group"]["id"]
    conn.put("network", f"/v2.0/security-groups/{sg_id}", json={"security_group": {"description": "d"}})
    assert conn.delete("network", f"/v2.0/security-groups/{sg_id}") is None
    assert len(conn.history) == len(conn.transport.history) and conn.history[-1] is conn.last_exchange


def test_history_is_bounded(sim):
    conn = cl.connect(sim=sim)
    for _ in range(120):
        conn.get("compute", "/flavors")
    assert len(conn.history) == 100
