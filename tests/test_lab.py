"""`conoha-learn lab` / `make lab`: the first command of the README, on any machine.

The slow tests start the real command as root would run it (the tests run as root here), with
`--no-browser` and free ports, in a home folder of their own (so nothing of root's ~/.jupyter or
~/.local is touched), check that JupyterLab and the simulator answer, and stop both.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import types
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from conoha_learn import cli, lab
from conoha_learn.sim.seed import ACCOUNTS
from ports import free_port, port_open

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 180  # JupyterLab on a busy 2-core machine
STOP_TIMEOUT = 60




# --- options (fast) -------------------------------------------------------------------------------

def test_double_dash_is_not_a_file_and_values_stay_with_their_options():
    options, files = lab.split_jupyter_args(
        ["--", "--port", "9999", "--no-browser", "05_a_servers_life.ipynb", "--ServerApp.ip=0.0.0.0"])
    assert options == ["--port", "9999", "--no-browser", "--ServerApp.ip=0.0.0.0"]
    assert files == ["05_a_servers_life.ipynb"]


def test_flags_without_value_are_jupyterlabs():
    """A flag taken for an option with a value would swallow the file after it, and the
    other way round; the list must match the installed JupyterLab."""
    from jupyterlab.labapp import LabApp
    flags = set()
    for key in LabApp.flags:
        flags.update(key if isinstance(key, tuple) else (key,))
    assert flags == lab.FLAGS_WITHOUT_VALUE


def test_a_taken_simulator_port_is_replaced_and_said(monkeypatch, tmp_path):
    import conoha_learn.sim
    from conoha_learn import local_sim
    for name in [n for n in os.environ if n.startswith(("OS_", "CONOHA_LEARN_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    said = []
    with socket.socket() as taken:  # not a simulator: answers nothing
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setattr(conoha_learn.sim, "DEFAULT_PORT", port)
        try:
            url, sim = local_sim.find_or_start(say=said.append)
            assert sim is not None and sim.port != port and url == sim.url
            assert said and str(port) in said[0]
        finally:
            local_sim.stop_embedded()


def test_cli_hands_unknown_options_to_jupyter_and_keeps_lang(monkeypatch):
    seen = {}
    monkeypatch.setattr(lab, "run", lambda args, language: seen.update(args=args, lang=language) or 0)
    assert cli.main(["lab", "--port", "9999", "--lang", "ja", "--ServerApp.ip=127.0.0.1"]) == 0
    assert seen == {"args": ["--port", "9999", "--ServerApp.ip=127.0.0.1"], "lang": "ja"}


def test_other_commands_still_refuse_unknown_options(capsys):
    with pytest.raises(SystemExit):
        cli.main(["audit", "--no-such-option"])
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err


def test_allow_root_only_for_root(monkeypatch):
    monkeypatch.setattr(lab.os, "geteuid", lambda: 0)
    assert "--allow-root" in lab.jupyter_options(["--port=1"], print)
    monkeypatch.setattr(lab.os, "geteuid", lambda: 1000)
    assert "--allow-root" not in lab.jupyter_options(["--port=1"], print)


def test_a_taken_jupyter_port_is_replaced_and_said(monkeypatch):
    said = []
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        monkeypatch.setattr(lab, "JUPYTER_PORT", taken.getsockname()[1])
        options = lab.jupyter_options([], said.append)
    port = [o for o in options if o.startswith("--ServerApp.port=")]
    assert port and int(port[0].split("=")[1]) != lab.JUPYTER_PORT
    assert str(lab.JUPYTER_PORT) in said[0] and port[0].split("=")[1] in said[0]
    # a port the learner chose is theirs to choose
    assert not [o for o in lab.jupyter_options(["--port", "9999"], said.append)
                if o.startswith("--ServerApp.port")]


def test_no_display_opens_no_browser_unless_asked(monkeypatch):
    monkeypatch.setattr(lab.sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    said = []
    assert "--ServerApp.open_browser=False" in lab.jupyter_options(["--port=1"], said.append)
    assert said and "browser" in said[0]
    assert "--ServerApp.open_browser=False" not in lab.jupyter_options(["--port=1", "--browser=firefox"], print)
    monkeypatch.setenv("DISPLAY", ":0")
    assert "--ServerApp.open_browser=False" not in lab.jupyter_options(["--port=1"], print)


def test_settings_turn_news_off_and_choose_the_language_keeping_the_rest(tmp_path):
    theme = tmp_path / "@jupyterlab/translation-extension/plugin.jupyterlab-settings"
    theme.parent.mkdir(parents=True)
    theme.write_text(json.dumps({"locale": "en", "other": 1}))
    lab.write_settings(tmp_path, "ja")
    assert json.loads(theme.read_text()) == {"locale": "ja_JP", "other": 1}
    news = json.loads((tmp_path / "@jupyterlab/apputils-extension/notification.jupyterlab-settings")
                      .read_text())
    assert news == {"fetchNews": "false", "checkForUpdates": False}
    lab.write_settings(tmp_path, "en")
    assert json.loads(theme.read_text())["locale"] == "en"
    # the notebooks' names get the file browser's width; a learner's own choice stays
    browser = tmp_path / "@jupyterlab/filebrowser-extension/browser.jupyterlab-settings"
    assert json.loads(browser.read_text()) == {"showLastModifiedColumn": False}
    browser.write_text(json.dumps({"showLastModifiedColumn": True}))
    lab.write_settings(tmp_path, "ja")
    assert json.loads(browser.read_text()) == {"showLastModifiedColumn": True}


def test_missing_japanese_start_notebook_falls_back_to_english_and_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "00_start_here.ipynb").write_text("{}")
    said = []
    assert lab.start_notebook("ja", said.append) == Path("notebooks/00_start_here.ipynb")
    assert "notebooks/ja/00_start_here.ipynb" in said[0]
    (tmp_path / "notebooks" / "ja").mkdir()
    (tmp_path / "notebooks" / "ja" / "00_start_here.ipynb").write_text("{}")
    assert lab.start_notebook("ja", said.append) == Path("notebooks/ja/00_start_here.ipynb")
    monkeypatch.chdir(tmp_path / "notebooks")
    assert lab.start_notebook("en", said.append) is None
    assert "course's folder" in said[-1]


def test_only_unchanged_committed_notebooks_are_trusted(tmp_path):
    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True, timeout=30)
    (tmp_path / "notebooks").mkdir()
    for name in ("a.ipynb", "b.ipynb"):
        (tmp_path / "notebooks" / name).write_text("{}")
    git("init", "-q")
    git("add", "notebooks")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "x")
    (tmp_path / "notebooks" / "b.ipynb").write_text('{"changed": 1}')
    (tmp_path / "notebooks" / "c.ipynb").write_text("{}")  # from somewhere else
    assert [p.name for p in lab.committed_notebooks(tmp_path)] == ["a.ipynb"]


# --- the README's first five minutes, in a plain Python (fast) -------------------------------------

def readme_shell_session() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    top = readme.split("\n## ", 1)[0]
    block = re.search(r"first five minutes.*?```python\n(.*?)```", top, re.S | re.I)
    assert block, "README: no 'first five minutes' python block above the first section"
    return [line[4:] for line in block.group(1).splitlines() if line.startswith(">>> ")]


def test_readme_first_five_minutes_work_in_a_plain_python(tmp_path):
    lines = readme_shell_session()
    names = " ".join(lines)
    for needed in ("cl.connect()", "last_exchange", "as_curl()", "cleanup()", "conn.catalog"):
        assert needed in names, f"the README's first five minutes should show {needed}"
    # as a shell would: each expression's value is printed with repr()
    script = "\n".join(f"_ = {line.split('#')[0].strip()}\nif _ is not None: print(repr(_))"
                       if not line.lstrip().startswith(("import", "print", "conn =")) else line
                       for line in lines)
    env = {**lab_environment(tmp_path, free_port()), "COLUMNS": "80"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "curl" in out.stdout and "HTTP 200" in out.stdout
    # the catalog printed whole in a terminal: the longest URL entire, nothing cut to "..."
    tenant = ACCOUNTS[0]["project_id"]
    assert f"/block-storage/v3/{tenant}" in out.stdout and f"/object-storage/v1/AUTH_{tenant}" in out.stdout
    table_lines = [ln for ln in out.stdout.splitlines() if "g2l-t-" in ln or "c3j1" in ln]
    assert table_lines and not [ln for ln in table_lines if "..." in ln]


def test_tables_keep_pandas_text_in_a_notebook_kernel(monkeypatch):
    from conoha_learn.tables import table
    wide = table([{"url": "http://127.0.0.1:8765/" + "x" * 120}], ["url"])
    assert "x" * 120 in repr(wide) and "..." not in repr(wide)
    assert "x" * 120 in repr(wide[wide.url.str.len() > 0])   # still whole after filtering
    class ZMQInteractiveShell:  # the name of ipykernel's shell, as inside Jupyter
        pass
    fake = types.SimpleNamespace(get_ipython=ZMQInteractiveShell)
    monkeypatch.setitem(sys.modules, "IPython", fake)
    assert repr(wide) == repr(pd.DataFrame(wide)) and "..." in repr(wide)
    assert wide._repr_html_() == pd.DataFrame(wide)._repr_html_()
    # A table a lesson reads in full (the catalog's URLs, notebook 03): no "..." in a notebook either.
    whole = table([{"url": "http://127.0.0.1:8765/" + "x" * 120}], ["url"], whole=True)
    assert "..." not in repr(whole) and "x" * 120 in whole._repr_html_()
    assert "x" * 120 in whole[["url"]]._repr_html_()    # a selection keeps it whole


def test_a_missing_name_shows_empty_never_nan():
    from conoha_learn.tables import table
    volumes = table([{"name": None, "size": 200}, {"name": "web-1-data", "size": 200}],
                    ["name", "size"])
    assert list(volumes["name"]) == ["", "web-1-data"] and "NaN" not in volumes._repr_html_()


# --- the real command (slow) -----------------------------------------------------------------------

def lab_environment(home: Path, sim_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OS_", "CONOHA_LEARN_", "JUPYTER", "JPY_", "IPYTHON", "DISPLAY",
                                "WAYLAND"))}
    env.update(HOME=str(home), CONOHA_LEARN_SIM_PORT=str(sim_port))
    return env


def get(url: str, token: str | None = None) -> tuple[int, dict]:
    headers = {"Authorization": f"token {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, {}
    except OSError:  # not listening (yet)
        return 0, {}


LINK = re.compile(r"http://127\.0\.0\.1:\d+/\S*\?token=(\w+)")


@pytest.fixture
def run_lab(tmp_path):
    """Start `conoha-learn lab ARGS` (in ``cwd``: the course's folder) in its own process group,
    as a learner does (Jupyter makes up the token and prints the link); always stopped at the
    end. Each call in a test shares the same home folder, as one learner's runs would."""
    started = []

    def start(*args: str, cwd: Path = ROOT) -> dict:
        port, sim_port = free_port(), free_port()
        out = open(tmp_path / f"lab{len(started)}.log", "w")
        command = [sys.executable, "-m", "conoha_learn.cli", "lab", *args, "--no-browser",
                   "--port", str(port)]
        proc = subprocess.Popen(command, cwd=cwd, env=lab_environment(tmp_path, sim_port),
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        info = {"proc": proc, "url": f"http://127.0.0.1:{port}", "port": port, "token": None,
                "sim_port": sim_port, "log": tmp_path / out.name, "out": out, "home": tmp_path}
        started.append(info)
        deadline = time.monotonic() + START_TIMEOUT
        while info["token"] is None or get(f"{info['url']}/api/status", info["token"])[0] != 200:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not start:\n{info['log'].read_text()[-4000:]}")
            link = LINK.search(info["log"].read_text())
            info["token"] = link and link.group(1)
            time.sleep(0.5)
        info["output"] = info["log"].read_text()
        return info

    yield start
    for info in started:
        proc = info["proc"]
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # as `kill` would: Jupyter is told, then the simulator
            try:
                proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        info["out"].close()


def stop(info: dict) -> None:
    info["proc"].send_signal(signal.SIGTERM)
    assert info["proc"].wait(timeout=STOP_TIMEOUT) is not None
    deadline = time.monotonic() + 10
    while (port_open(info["port"]) or port_open(info["sim_port"])) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not port_open(info["port"]), "JupyterLab still listens after conoha-learn lab stopped"
    assert not port_open(info["sim_port"]), "the simulator still listens after conoha-learn lab stopped"


def opened(info: dict) -> str:
    """The link `conoha-learn lab` prints for the learner to open (and a browser, where there
    is a display, is sent to)."""
    return LINK.search(info["output"]).group(0)


def server_environment(info: dict) -> dict[str, str]:
    """The Jupyter server's environment, which its kernels and terminals inherit."""
    runtime = info["home"] / ".local/share/jupyter/runtime"
    pid = json.loads(next(runtime.glob("jpserver-[0-9]*.json")).read_text())["pid"]
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


@pytest.mark.slow
def test_lab_as_root_starts_jupyterlab_and_the_simulator_and_stops_both(run_lab):
    assert os.geteuid() == 0 or pytest.skip("the point is root; CI and this machine run as root")
    info = run_lab()
    # the simulator, named before Jupyter's own lines, with the account and OS_* for a terminal
    sim_url = f"http://127.0.0.1:{info['sim_port']}"
    banner, jupyter_lines = info["output"].split("[I ", 1) if "[I " in info["output"] else (info["output"], "")
    assert f"ConoHa simulator listening on {sim_url}" in banner
    assert "gncu12345678" in banner and f"export OS_AUTH_URL={sim_url}/identity/v3" in banner
    shown = "export OS_PASSWORD=" + ACCOUNTS[0]["password"]  # the documented one; pragma: allowlist secret
    assert shown in banner and ".conoha-learn/sim.log" in banner
    assert get(f"{sim_url}/_sim")[1]["simulator"]["url"] == sim_url
    # JupyterLab answers, will open the start notebook, shows the course, trusts it, no news
    assert opened(info).endswith(f"/lab/tree/00_start_here.ipynb?token={info['token']}")
    status, model = get(f"{info['url']}/api/contents/00_start_here.ipynb", info["token"])
    assert status == 200
    code = [c for c in model["content"]["cells"] if c["cell_type"] == "code"]
    # the lessons in the file browser, not the test material beside them
    listing = {item["name"] for item in get(f"{info['url']}/api/contents/", info["token"])[1]["content"]}
    assert {"00_start_here.ipynb", "ja"} <= listing and "cassettes" not in listing, listing
    assert (ROOT / "notebooks/cassettes/00_start_here.yaml").exists()  # still there for the tests
    assert code and all(c["metadata"].get("trusted") for c in code), "the start notebook is not trusted"
    status, news = get(f"{info['url']}/lab/api/settings/@jupyterlab/apputils-extension:notification",
                       info["token"])
    assert news["settings"]["fetchNews"] == "false"
    env = server_environment(info)
    assert env["CONOHA_LEARN_MODE"] == "sim" and env["CONOHA_LEARN_SIM_PORT"] == str(info["sim_port"])
    assert env["OS_AUTH_URL"] == f"{sim_url}/identity/v3" and "CONOHA_LEARN_LANG" not in env
    # the request log is where the banner said
    assert '"GET /_sim' in (info["home"] / ".conoha-learn/sim.log").read_text()
    stop(info)


@pytest.mark.slow
def test_lab_in_japanese(run_lab):
    info = run_lab("--lang", "ja")
    settings = get(f"{info['url']}/lab/api/settings/@jupyterlab/translation-extension:plugin",
                   info["token"])[1]
    assert settings["settings"]["locale"] == "ja_JP"
    packs = get(f"{info['url']}/lab/api/translations/", info["token"])[1]
    assert "ja_JP" in packs["data"], "jupyterlab-language-pack-ja-jp is not installed"
    assert server_environment(info)["CONOHA_LEARN_LANG"] == "ja"
    banner = info["output"].split("[I ", 1)[0]
    assert f"ConoHa シミュレーターは http://127.0.0.1:{info['sim_port']} で待ち受けています" in banner
    assert "listening" not in banner
    if (ROOT / "notebooks/ja/00_start_here.ipynb").exists():
        assert opened(info).endswith(f"/lab/tree/ja/00_start_here.ipynb?token={info['token']}")
    else:
        assert "notebooks/ja/00_start_here.ipynb" in info["output"]
        assert opened(info).endswith(f"/lab/tree/00_start_here.ipynb?token={info['token']}")
    stop(info)


def test_each_edition_gets_a_first_workspace_with_room_for_the_names_and_keeps_its_own(tmp_path):
    lab.seed_workspace(tmp_path / "ja")
    [seeded] = (tmp_path / "ja").iterdir()
    layout = json.loads(seeded.read_text())["data"]["layout-restorer:data"]
    assert layout["left"]["current"] == "filebrowser" and layout["relativeSizes"][0] > 0.25
    seeded.write_text('{"data": {}, "metadata": {"id": "default"}}')  # the learner's own, saved
    lab.seed_workspace(tmp_path / "ja")
    assert json.loads(seeded.read_text())["data"] == {}


def test_the_printed_link_is_the_start_notebooks_page(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lab.start_url(lab.START["ja"]) == "/lab/tree/ja/00_start_here.ipynb"
    assert lab.start_url(lab.START["en"]) == "/lab/tree/00_start_here.ipynb"
