"""write_clouds_yaml(): files the openstack CLI and openstacksdk really accept; the password apart."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import conoha_learn as cl
from conoha_learn.sim.seed import ACCOUNTS

DEFAULT = ACCOUNTS[0]


def test_files_content_and_permissions(sim, tmp_path):
    conn = cl.connect(sim=sim)
    clouds, secure = cl.write_clouds_yaml(conn, tmp_path / "clouds.yaml")
    assert (clouds, secure) == (tmp_path / "clouds.yaml", tmp_path / "secure.yaml")
    entry = yaml.safe_load(clouds.read_text())["clouds"]["conoha"]
    assert entry == {"auth": {"auth_url": sim.auth_url, "username": DEFAULT["user_name"],
                              "user_domain_name": "gnc", "project_id": DEFAULT["project_id"]},
                     "interface": "public", "region_name": "c3j1", "identity_api_version": 3}
    assert DEFAULT["password"] not in clouds.read_text()
    assert yaml.safe_load(secure.read_text()) == {"clouds": {"conoha": {"auth": {"password": DEFAULT["password"]}}}}
    assert stat.S_IMODE(secure.stat().st_mode) == 0o600


def test_other_clouds_are_kept_and_ours_replaced(sim, tmp_path):
    path = tmp_path / "clouds.yaml"
    path.write_text("clouds:\n  other:\n    auth: {auth_url: 'https://x/v3'}\n  conoha: {old: true}\n")
    (tmp_path / "secure.yaml").write_text("clouds:\n  other:\n    auth: {password: other-pw}\n")
    os.chmod(tmp_path / "secure.yaml", 0o644)
    cl.write_clouds_yaml(cl.connect(sim=sim), path)
    clouds = yaml.safe_load(path.read_text())["clouds"]
    assert set(clouds) == {"other", "conoha"} and "old" not in clouds["conoha"]
    secure = yaml.safe_load((tmp_path / "secure.yaml").read_text())["clouds"]
    assert secure["other"]["auth"]["password"] == "other-pw"
    assert stat.S_IMODE((tmp_path / "secure.yaml").stat().st_mode) == 0o600  # tightened


def test_user_id_and_v2_entries(sim, tmp_path):
    conn = cl.connect(sim=sim, user_id=DEFAULT["user_id"])
    cl.write_clouds_yaml(conn, tmp_path / "a.yaml", cloud="by-id")
    auth = yaml.safe_load((tmp_path / "a.yaml").read_text())["clouds"]["by-id"]["auth"]
    assert auth["user_id"] == DEFAULT["user_id"] and "username" not in auth
    legacy = cl.connect(sim=sim, identity_api_version="2.0")
    cl.write_clouds_yaml(legacy.credentials, tmp_path / "b.yaml")
    assert yaml.safe_load((tmp_path / "b.yaml").read_text())["clouds"]["conoha"]["identity_api_version"] == "2.0"
    with pytest.raises(cl.ConfigError):
        cl.write_clouds_yaml("not a connection", tmp_path / "c.yaml")


def test_the_round_trip_through_our_own_reader(sim, tmp_path, monkeypatch):
    cl.write_clouds_yaml(cl.connect(sim=sim), tmp_path / "clouds.yaml")
    monkeypatch.chdir(tmp_path)
    for name in ("OS_AUTH_URL", "OS_CLOUD", "OS_CLIENT_CONFIG_FILE", "OS_CLIENT_SECURE_FILE"):
        monkeypatch.delenv(name, raising=False)
    conn = cl.connect("live", cloud="conoha")
    assert conn.token.project["id"] == DEFAULT["project_id"]


@pytest.mark.clients
def test_openstacksdk_accepts_the_files(sim, tmp_path, monkeypatch):
    import openstack

    clouds, secure = cl.write_clouds_yaml(cl.connect(sim=sim), tmp_path / "clouds.yaml")
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds))
    monkeypatch.setenv("OS_CLIENT_SECURE_FILE", str(secure))
    sdk = openstack.connect(cloud="conoha")
    names = {f.name for f in sdk.compute.flavors()}
    assert "g2l-t-c2m1" in names


@pytest.mark.clients
@pytest.mark.slow
def test_openstack_cli_accepts_the_files_from_the_current_directory(sim, tmp_path):
    cli = Path(sys.executable).with_name("openstack")
    if not cli.exists():
        cli = shutil.which("openstack")
    cl.write_clouds_yaml(cl.connect(sim=sim), tmp_path / "clouds.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env["HOME"] = str(tmp_path)
    out = subprocess.run([str(cli), "--os-cloud", "conoha", "flavor", "list", "-f", "value", "-c", "Name"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "g2l-t-c2m1" in out.stdout.split()
