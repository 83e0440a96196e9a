"""``%openstack``: python-openstackclient in the kernel, in sim and replay modes."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cassette_helpers import no_network, sdk_connect
from lib_helpers import use_sim_mode
from conoha_learn import cassette as cas, magics
from conoha_learn.cassette import RECORDING_TOKEN_LIFETIME, use_cassette
from conoha_learn.errors import ConfigError
from conoha_learn.sim import Simulator

pytest.importorskip("openstackclient")
pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def cloud():
    """A simulator with one ACTIVE server, and the kernel's OS_* pointing at it."""
    with Simulator(delay=0, seed=21, token_lifetime=RECORDING_TOKEN_LIFETIME) as sim:
        creds = sim.credentials()
        conn = sdk_connect(creds)
        image = next(conn.image.images(name="vmi-debian-12.5-amd64"))
        volume = conn.block_storage.create_volume(size=30, image_id=image.id, volume_type="c3j1-as01-boot")
        conn.block_storage.wait_for_status(volume, "available", interval=0.01, wait=10)
        server = conn.compute.create_server(
            name="magic-vm", flavor_id=conn.compute.find_flavor("g2l-t-c1m512").id,
            block_device_mapping=[{"uuid": volume.id, "boot_index": 0, "source_type": "volume",
                                   "destination_type": "volume"}])
        conn.compute.wait_for_server(server, status="ACTIVE", interval=0.01, wait=10)
        conn.close()
        yield sim


@pytest.fixture
def sim_mode(cloud, monkeypatch):
    """Sim mode, with no cl.connect() yet: %openstack finds the simulator as cl.connect() would."""
    use_sim_mode(cloud, monkeypatch)
    return cloud


def test_json_lists_come_back_as_dataframes(sim_mode):
    servers = magics.openstack("server list -f json")
    assert isinstance(servers, pd.DataFrame)
    assert servers[["Name", "Status"]].values.tolist() == [["magic-vm", "ACTIVE"]]
    shown = magics.openstack("server show magic-vm -f json")
    assert isinstance(shown, dict) and shown["name"] == "magic-vm"


def test_the_magic_uses_the_same_account_as_the_last_connect(sim_mode):
    import conoha_learn as cl
    from conoha_learn.sim.seed import ACCOUNTS

    other = ACCOUNTS[1]
    conn = cl.connect(sim=sim_mode, username=other["user_name"], password=other["password"],
                      project_id=other["project_id"])
    try:
        assert magics.openstack("server list -f json").empty  # the other tenant has no server
        assert magics.openstack("token issue -f json")["project_id"] == other["project_id"]
    finally:
        conn.close()


def test_tables_are_printed_whatever_the_terminal_width(sim_mode, capsys, monkeypatch):
    assert magics.openstack("flavor list -c Name -c RAM") is None
    wide = capsys.readouterr().out
    assert "| g2l-t-c2m1 " in wide and wide.startswith("+-")
    monkeypatch.setenv("COLUMNS", "30")
    monkeypatch.setenv("CLIFF_MAX_TERM_WIDTH", "30")
    monkeypatch.setenv("CLIFF_FIT_WIDTH", "1")
    magics.openstack("flavor list -c Name -c RAM")
    assert capsys.readouterr().out == wide


def test_a_failed_command_is_one_short_message(sim_mode):
    with pytest.raises(magics.OpenStackCommandError) as info:
        magics.openstack("server show no-such-server")
    assert "No Server found for no-such-server" in str(info.value)
    assert "Traceback" not in str(info.value)
    rendered = info.value._render_traceback_()
    assert len(rendered) == 1 and rendered[0].startswith("OpenStackCommandError: openstack server show")


def test_a_shown_result_hides_the_root_password(sim_mode, monkeypatch):
    # `server create -f json` prints adminPass; displaying the result must not put it in a notebook.
    root_password = "Root-Passw0rd!"  # pragma: allowlist secret
    created = '{"name": "vm", "adminPass": "%s", "status": "BUILD"}' % root_password
    monkeypatch.setattr(magics, "run_openstack",
                        lambda argv, env: magics.OpenStackResult(list(argv), 0, created, ""))
    shown = magics.openstack("server create vm -f json")
    assert shown["adminPass"] == root_password and shown["status"] == "BUILD"
    assert root_password not in repr(shown) and "'adminPass': '***'" in repr(shown)

def test_the_kernel_is_left_as_it_was(sim_mode):
    import warnings

    root = logging.getLogger()
    before = (list(root.handlers), root.level, list(warnings.filters), os.environ.get("OS_AUTH_URL"))
    magics.openstack("server list -f json")
    with pytest.raises(magics.OpenStackCommandError):
        magics.openstack("server show nope")
    assert (list(root.handlers), root.level, list(warnings.filters), os.environ.get("OS_AUTH_URL")) == before


def test_the_magic_is_registered_in_ipython(sim_mode, capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        shell.run_line_magic("load_ext", "conoha_learn")
        shell.user_ns["name"] = "magic-vm"
        result = shell.run_cell("%openstack server show {name} -f json")
        assert result.success and result.result["status"] == "ACTIVE"
        failed = shell.run_cell("%openstack server show nothing-here")
        assert not failed.success
        assert "OpenStackCommandError" in capsys.readouterr().out
    finally:
        InteractiveShell.clear_instance()


def test_replay_serves_the_magic_from_the_cassette(sim_mode, tmp_path, monkeypatch):
    path = tmp_path / "cassettes" / "05_cli.yaml"
    with use_cassette(path, "record"):
        recorded = magics.openstack("server list -f json")
    for name in [n for n in os.environ if n.startswith("OS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("CONOHA_LEARN_MODE", "replay")
    monkeypatch.setenv("CONOHA_LEARN_CASSETTE", str(path))
    try:
        with no_network() as tried:
            replayed = magics.openstack("server list -f json")
    finally:
        cas.deactivate()
    assert tried == []
    pd.testing.assert_frame_equal(replayed, recorded)


def test_importing_the_library_in_a_replaying_kernel_sets_everything_up():
    """`import conoha_learn` in IPython: %openstack exists and the cassette is active at once."""
    demo = Path(__file__).parent / "data" / "cassette_demo.ipynb"
    code = ("from IPython.core.interactiveshell import InteractiveShell\n"
            "shell = InteractiveShell.instance()\n"
            "import conoha_learn, os\n"
            "from conoha_learn import cassette\n"
            "print('openstack' in shell.magics_manager.magics['line'], cassette.active()[0],\n"
            "      os.environ['OS_PROJECT_ID'])\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "CONOHA_LEARN_"))}
    env.update(CONOHA_LEARN_MODE="replay", JPY_SESSION_NAME=str(demo))  # as JupyterLab sets it
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.stdout.split() == ["True", "replay", "TENANT_ID_1"], done.stderr


def test_use_in_terminal_sets_os_variables_without_showing_the_password(sim_mode, capsys, monkeypatch):
    import conoha_learn as cl

    monkeypatch.setenv("OS_CLOUD", "stale")
    env = cl.use_in_terminal()
    out = capsys.readouterr().out
    assert os.environ["OS_AUTH_URL"] == sim_mode.auth_url and "OS_CLOUD" not in os.environ
    assert env["OS_PASSWORD"] == sim_mode.credentials()["OS_PASSWORD"]
    assert sim_mode.credentials()["OS_PASSWORD"] not in out and "OS_PASSWORD=(hidden)" in out
    with pytest.raises(ConfigError, match="%openstack"):
        magics.use_in_terminal("replay")


def test_output_format_parsing():
    assert magics._output_format(["server", "list", "-f", "json"]) == "json"
    assert magics._output_format(["server", "list", "--format=yaml"]) == "yaml"
    assert magics._output_format(["server", "list", "-fjson"]) == "json"
    assert magics._output_format(["server", "list"]) is None
