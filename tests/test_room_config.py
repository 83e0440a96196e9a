"""The room's configuration files, read as JupyterHub and Helm read them (no hub started).

tests/test_room.py runs deploy/jupyterhub_config.py with real users (as root); this checks, as
any user, what each switch does, and that deploy/z2jh/config.yaml points where binder/start puts
the course.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HUB_CONFIG = ROOT / "deploy" / "jupyterhub_config.py"
Z2JH = ROOT / "deploy" / "z2jh" / "config.yaml"
COPY = "conoha-learn/"          # binder/start copies the course to ~/conoha-learn


def load(monkeypatch, **env):
    loader = pytest.importorskip("traitlets.config.loader")
    pytest.importorskip("jupyterhub")
    for name in [n for n in os.environ if n.startswith("CONOHA_LEARN_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return loader.PyFileConfigLoader(HUB_CONFIG.name, path=str(HUB_CONFIG.parent)).load_config()


def in_course(url: str) -> Path:
    """The file a /lab/tree/conoha-learn/... URL opens, in the repository."""
    tree = url.split("/lab/tree/", 1)[1]
    assert tree.startswith(COPY), url
    return ROOT / tree[len(COPY):]


def test_the_hub_logs_in_unix_users_and_starts_their_course(monkeypatch):
    c = load(monkeypatch)
    assert c.JupyterHub.authenticator_class == "pam"
    assert c.PAMAuthenticator.allowed_groups == {"conoha-learners"}
    start = Path(c.Spawner.cmd[0])
    assert start == ROOT / "binder" / "start" and os.access(start, os.X_OK)
    assert c.Spawner.cmd[1:] == ["jupyterhub-singleuser"]
    assert in_course(c.Spawner.default_url) == ROOT / "notebooks" / "00_start_here.ipynb"
    env = c.Spawner.environment
    assert env["CONOHA_LEARN_PRIVATE_SIM"] == "1" and "CONOHA_LEARN_LANG" not in env
    assert env["PATH"].startswith(str(Path(sys.prefix) / "bin"))
    culler = next(s for s in c.JupyterHub.services if s["name"] == "idle-culler")
    assert "--timeout=3600" in culler["command"]
    role = next(r for r in c.JupyterHub.load_roles if r["name"] == "idle-culler")
    assert "delete:servers" in role["scopes"]
    assert c.Spawner.pre_spawn_hook.__name__ == "home_only_for_its_owner"


def test_a_japanese_room(monkeypatch):
    c = load(monkeypatch, CONOHA_LEARN_ROOM_LANG="ja", CONOHA_LEARN_ROOM_GROUP="seminar",
             CONOHA_LEARN_ROOM_IDLE="1800")
    assert in_course(c.Spawner.default_url) == ROOT / "notebooks" / "ja" / "00_start_here.ipynb"
    assert c.Spawner.environment["CONOHA_LEARN_LANG"] == "ja"
    assert c.PAMAuthenticator.allowed_groups == {"seminar"}
    assert "--timeout=1800" in c.JupyterHub.services[0]["command"]


def test_z2jh_keeps_the_default_storage_and_opens_the_copied_course():
    config = yaml.safe_load(Z2JH.read_text())
    single = config["singleuser"]
    assert single["storage"].get("type", "dynamic") == "dynamic"
    assert "cmd" not in single, "the image's entrypoint (binder/start) must run"
    assert in_course(single["defaultUrl"]) == ROOT / "notebooks" / "00_start_here.ipynb"
    assert single["extraEnv"]["CONOHA_LEARN_PRIVATE_SIM"] == "0"  # a pod has its own loopback
    assert single["image"]["tag"] not in ("latest", "")
    assert single["memory"]["guarantee"] and single["memory"]["limit"] == "1G"
    assert config["hub"]["concurrentSpawnLimit"] >= 30
    assert config["prePuller"]["hook"]["enabled"] and config["prePuller"]["continuous"]["enabled"]
    assert config["scheduling"]["userPlaceholder"]["enabled"]
    assert config["cull"]["enabled"] and config["cull"]["timeout"] > 0
