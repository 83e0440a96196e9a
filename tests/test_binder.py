"""Binder: what repo2docker builds from binder/, rebuilt here without Docker.

repo2docker reads only binder/ (once that folder exists): binder/environment.yml (Python and conda
packages; the root environment.yml is a symlink to it), then binder/postBuild once at build time,
then binder/start at every launch, which must end with ``exec "$@"``. No Docker engine is
available here, so the slow tests do the same steps by hand: a fresh virtual environment built from
the same environment file, postBuild run in it from a copy of the repository, then start run
with a command that checks what a learner's terminal and notebooks get.

The first run downloads the course's packages (about a minute); pip's cache makes later runs
and CI (after `make test` installed .venv) mostly offline.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml
from ports import free_port, port_open

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
ENV_FILE = BINDER / "environment.yml"
FIRST_NOTEBOOK = Path("notebooks") / "00_start_here.ipynb"
LAUNCH_PATH = "lab/tree/notebooks/00_start_here.ipynb"

# Bounded waits (seconds). Installing is the slow part: ~1 min with a warm pip cache.
VENV_TIMEOUT = 120
INSTALL_TIMEOUT = 1200
START_TIMEOUT = 180
NOTEBOOK_TIMEOUT = 600

# Files repo2docker would read from binder/ (besides ours) and that would compete with, or be
# silently ignored next to, environment.yml.
COMPETING = ["requirements.txt", "runtime.txt", "Pipfile", "Pipfile.lock", "setup.py",
             "pyproject.toml", "Dockerfile", "default.nix", "Project.toml", "install.R"]


def environment() -> dict:
    return yaml.safe_load(ENV_FILE.read_text())


def pinned_python() -> str:
    """"3.11" from ``python=3.11`` (or ``python>=...``)."""
    for dep in environment()["dependencies"]:
        if isinstance(dep, str):
            m = re.fullmatch(r"python\s*[=>]=?\s*(\d+\.\d+)(\.\*)?", dep.strip())
            if m:
                return m.group(1)
    raise AssertionError(f"{ENV_FILE.relative_to(ROOT)} does not pin Python (python=3.x)")


def pip_section() -> list[str]:
    for dep in environment()["dependencies"]:
        if isinstance(dep, dict) and "pip" in dep:
            return list(dep["pip"] or [])
    return []


def version(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split("."))


# --- the configuration itself (fast) ---------------------------------------------------------------

def test_one_environment_file_for_binder_and_conda():
    """The root environment.yml is the same file as binder/environment.yml, not a second list."""
    root = ROOT / "environment.yml"
    assert root.exists(), "environment.yml (root) is missing: it should be a symlink to binder/"
    assert root.resolve() == ENV_FILE.resolve(), (
        "environment.yml and binder/environment.yml must be one file (root is a symlink to binder/: "
        "repo2docker copies binder/environment.yml alone into an early build layer, where a "
        "symlink pointing out of binder/ would dangle)")
    assert not ENV_FILE.is_symlink()


def test_binder_folder_holds_the_whole_configuration():
    assert not (ROOT / ".binder").exists(), "binder/ and .binder/ together are an error for repo2docker"
    assert not (ROOT / "Dockerfile").exists(), "a root Dockerfile would make repo2docker ignore binder/"
    present = [name for name in COMPETING if (BINDER / name).exists()]
    assert not present, f"binder/{present[0]}: the environment is binder/environment.yml alone"


def test_python_pin_meets_the_projects_floor():
    requires = re.search(r'requires-python\s*=\s*">=\s*([\d.]+)"', (ROOT / "pyproject.toml").read_text())
    assert requires, "pyproject.toml has no requires-python >= ..."
    assert version(pinned_python()) >= version(requires.group(1)) >= (3, 11)


def test_pip_section_has_no_local_paths():
    """conda and mamba run the pip section from binder/ (the file's folder), while `conda env create
    -f environment.yml` at the root runs it from the root: a relative path cannot be right for both.
    The course itself is installed by postBuild."""
    local = [line for line in pip_section() if line.startswith(("-e", ".", "/", "file:"))]
    assert not local, f"local path in the pip section: {local}; install it in binder/postBuild"
    assert re.search(r'pip install .*-e "?\.\[course\]"?', (BINDER / "postBuild").read_text())


@pytest.mark.parametrize("script", ["postBuild", "start"])
def test_scripts_are_executable_bash(script):
    path = BINDER / script
    assert os.access(path, os.X_OK), f"binder/{script} must be executable (chmod +x)"
    assert path.read_text().startswith("#!/usr/bin/env bash\n")
    subprocess.run(["bash", "-n", str(path)], check=True, timeout=30)


def test_start_ends_by_running_its_arguments():
    lines = [ln.strip() for ln in (BINDER / "start").read_text().splitlines()]
    code = [ln for ln in lines if ln and not ln.startswith("#")]
    assert code[-1] == 'exec "$@"', "binder/start must end with: exec \"$@\""
    assert "8765}" in (BINDER / "start").read_text(), "start should default to the notebooks' port 8765"


def test_readme_launches_the_first_notebook_in_jupyterlab():
    readme = (ROOT / "README.md").read_text()
    badge = re.search(r"\[!\[Binder\]\(https://mybinder\.org/badge_logo\.svg\)\]\((\S+)\)", readme)
    assert badge, "README: no Binder badge"
    assert badge.group(1).startswith("https://mybinder.org/v2/gh/")
    assert f"urlpath={LAUNCH_PATH}" in badge.group(1)
    top = readme.split("\n## ", 1)[0]
    assert "make lab" in top and "make test" in top  # the first two commands stay on top


# --- the environment, built and launched (slow) ----------------------------------------------------



def base_python() -> str:
    """The pinned Python when this machine has it (python3.11), else the one running the tests."""
    return shutil.which(f"python{pinned_python()}") or getattr(sys, "_base_executable", sys.executable)


def run(cmd, *, timeout, **kwargs) -> subprocess.CompletedProcess:
    """Run a step; on failure show its output (pip's is long: the end matters)."""
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(map(str, cmd))} exited {done.returncode}\n"
                    f"--- stdout (end) ---\n{done.stdout[-4000:]}\n--- stderr (end) ---\n{done.stderr[-4000:]}")
    return done


def copy_repository(dest: Path) -> Path:
    """What repo2docker copies in: the checkout, without local build products and caches."""
    ignore = shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", "build",
                                    ".pytest_cache", ".hypothesis", ".ruff_cache", "test-output",
                                    ".ipynb_checkpoints", "*.sqlite")
    shutil.copytree(ROOT, dest, symlinks=True, ignore=ignore)
    return dest


@pytest.fixture(scope="module")
def binder_env(tmp_path_factory):
    """A fresh venv from binder/environment.yml, with postBuild run in it as repo2docker runs it."""
    tmp = tmp_path_factory.mktemp("binder")
    repo = copy_repository(tmp / "repo")
    venv = tmp / "env"
    python = base_python()
    run([python, "-m", "venv", str(venv)], timeout=VENV_TIMEOUT)
    bin_dir = venv / "bin"
    got = run([bin_dir / "python", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
              timeout=60).stdout.strip()
    assert version(got) >= version(pinned_python()), f"{python} is Python {got}, below the pin"

    # Only what repo2docker's image would have: this venv first on PATH, no user kernels or
    # IPython start-up files, no OS_* or course settings leaking in from the developer's shell.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OS_", "CONOHA_LEARN_", "JUPYTER", "IPYTHON", "VIRTUAL_ENV",
                                "PYTHONPATH", "JPY_"))}
    # HOME is the repository, as in repo2docker's default image (/home/jovyan holds the repo).
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(venv), HOME=str(repo),
               JUPYTER_DATA_DIR=str(tmp / "jupyter-data"), JUPYTER_CONFIG_DIR=str(tmp / "jupyter-config"),
               JUPYTER_RUNTIME_DIR=str(tmp / "jupyter-runtime"), IPYTHONDIR=str(tmp / "ipython"),
               PYTHONDONTWRITEBYTECODE="1")

    # 1. environment.yml: conda provides Python (above) and pip; its pip section, if any, is run
    #    from the file's own folder, as conda and mamba do.
    if pip_section():
        run([bin_dir / "python", "-m", "pip", "install", "--quiet", *pip_section()],
            cwd=repo / "binder", env=env, timeout=INSTALL_TIMEOUT)
    # 2. postBuild, from the repository root.
    done = run(["./binder/postBuild"], cwd=repo, env=env, timeout=INSTALL_TIMEOUT)
    return {"repo": repo, "venv": venv, "bin": bin_dir, "env": env, "tmp": tmp,
            "postbuild_output": done.stdout + done.stderr}


def run_start(binder_env, command: list[str], *, timeout: float, **extra_env) -> tuple[subprocess.CompletedProcess, Path]:
    """binder/start COMMAND in its own process group; the simulator it leaves behind is stopped."""
    port = free_port()  # not 8765: a developer's own simulator may be there
    log = binder_env["tmp"] / f"sim-{port}.log"
    env = dict(binder_env["env"], CONOHA_LEARN_SIM_PORT=str(port), CONOHA_LEARN_SIM_LOG=str(log),
               **extra_env)
    proc = subprocess.Popen(["./binder/start", *command], cwd=binder_env["repo"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"binder/start {' '.join(command)} took over {timeout} s\n{out[-3000:]}\n{err[-3000:]}")
    finally:
        stop_group(proc.pid, port)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), log


def stop_group(pgid: int, port: int) -> None:
    """start backgrounds the simulator in its own process group: stop it like `docker stop` would."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and port_open(port):
            time.sleep(0.1)
        if not port_open(port):
            return


@pytest.mark.slow
def test_postbuild_installs_the_course(binder_env):
    bin_dir = binder_env["bin"]
    for command in ("conoha-learn", "jupyter", "openstack"):
        assert (bin_dir / command).exists(), f"{command} missing after postBuild"
    run([bin_dir / "python", "-m", "pip", "check"], env=binder_env["env"], timeout=120)
    overrides = next(binder_env["venv"].glob("share/jupyter/lab/settings/overrides.json"))
    settings = json.loads(overrides.read_text())
    assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    # The editable install points at the repository copy, as in the image.
    where = run([bin_dir / "python", "-c", "import conoha_learn; print(conoha_learn.__file__)"],
                env=binder_env["env"], cwd="/", timeout=60).stdout.strip()
    assert Path(where).is_relative_to(binder_env["repo"])


# What a learner does in a JupyterLab terminal, run by start as the command it execs.
TERMINAL_CHECK = textwrap.dedent("""
    import json, os, shutil, subprocess, urllib.request
    port = os.environ["CONOHA_LEARN_SIM_PORT"]
    sim = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/_sim", timeout=10))
    curl = None
    if shutil.which("curl"):
        curl = subprocess.run(["curl", "-sf", f"http://127.0.0.1:{port}/_sim"], capture_output=True,
                              text=True, timeout=30).stdout
    images = subprocess.run(["openstack", "image", "list", "-f", "json"], capture_output=True,
                            text=True, timeout=120)
    print(json.dumps({"sim": sim["simulator"], "curl": curl, "images": images.stdout,
                      "openstack_stderr": images.stderr[-2000:],
                      "env": {k: v for k, v in os.environ.items()
                              if k.startswith(("OS_", "CONOHA_LEARN_"))}}))
""")


@pytest.mark.slow
def test_start_runs_the_simulator_for_terminals(binder_env):
    t0 = time.monotonic()
    done, log = run_start(binder_env, ["python", "-c", TERMINAL_CHECK], timeout=START_TIMEOUT)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    port = seen["env"]["CONOHA_LEARN_SIM_PORT"]
    # A learner's simulator: real clock, realistic 3-second status changes.
    assert seen["sim"]["url"] == f"http://127.0.0.1:{port}"
    assert seen["sim"]["seed"] is None and seen["sim"]["delay"] == 3.0
    assert seen["env"]["OS_AUTH_URL"] == f"http://127.0.0.1:{port}/identity/v3"
    assert seen["env"]["CONOHA_LEARN_MODE"] == "sim"
    assert {"OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_ID", "OS_USER_DOMAIN_NAME",
            "OS_REGION_NAME"} <= seen["env"].keys()
    if seen["curl"] is not None:
        assert json.loads(seen["curl"])["simulator"]["url"] == seen["sim"]["url"]
    names = {image["Name"] for image in json.loads(seen["images"] or "[]")}
    assert "vmi-ubuntu-24.04-amd64" in names, seen["openstack_stderr"]
    assert f"ConoHa simulator on http://127.0.0.1:{port}" in done.stderr
    assert "POST /identity/v3/auth/tokens" in log.read_text()  # the log shows what was sent
    print(f"start + terminal checks: {time.monotonic() - t0:.1f} s")


@pytest.mark.slow
def test_start_never_blocks_jupyter(binder_env):
    """If the simulator cannot start (here: its port is taken), start says so and runs Jupyter anyway."""
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        env = dict(binder_env["env"], CONOHA_LEARN_SIM_PORT=str(port),
                   CONOHA_LEARN_SIM_LOG=str(binder_env["tmp"] / "blocked.log"))
        t0 = time.monotonic()
        done = subprocess.run(["./binder/start", "echo", "jupyter would start"], cwd=binder_env["repo"],
                              env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "jupyter would start"
    assert "did not start" in done.stderr
    assert time.monotonic() - t0 < 15


# A hub's learner (Zero to JupyterHub): HOME an empty volume, the course installed outside it.
CONNECT_CHECK = textwrap.dedent("""
    import os, conoha_learn as cl
    conn = cl.connect()
    print("CONNECTED", conn.mode, len(conn.compute.flavor_list()), "plans")
""")


@pytest.mark.slow
def test_start_fills_an_empty_home_and_keeps_the_learners_edits(binder_env):
    home = binder_env["tmp"] / "empty-home"
    home.mkdir()
    done, _ = run_start(binder_env, ["python", "-c", CONNECT_CHECK], timeout=START_TIMEOUT,
                        HOME=str(home))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "CONNECTED sim" in done.stdout
    copy = home / "conoha-learn"
    for notebook in (binder_env["repo"] / "notebooks").rglob("*.ipynb"):
        assert (copy / notebook.relative_to(binder_env["repo"])).is_file(), notebook
    assert (copy / "docs" / "fidelity.md").is_file()   # the notebooks link to ../docs/
    first = copy / FIRST_NOTEBOOK
    assert os.access(first, os.W_OK)

    # The learner edits one notebook and deletes another; the server starts again.
    first.write_text(first.read_text().replace('"cells": [', '"cells": [{"cell_type": "markdown", '
                                                '"metadata": {}, "source": ["my notes"]},', 1))
    edited = first.read_text()
    gone = copy / "notebooks" / "ja" / FIRST_NOTEBOOK.name
    gone.unlink()
    done, _ = run_start(binder_env, ["true"], timeout=START_TIMEOUT, HOME=str(home),
                        CONOHA_LEARN_LANG="ja")
    assert done.returncode == 0, done.stderr[-3000:]
    assert first.read_text() == edited and "my notes" in edited
    assert gone.is_file()                               # a deleted notebook comes back as new
    assert "1 course files copied" in done.stderr
    # A Japanese room: JupyterLab's interface in Japanese, unless the learner chose otherwise.
    setting = home / ".jupyter/lab/user-settings/@jupyterlab/translation-extension/plugin.jupyterlab-settings"
    assert json.loads(setting.read_text()) == {"locale": "ja_JP"}


@pytest.mark.slow
def test_start_copies_nothing_on_binder(binder_env):
    """On Binder $HOME is the repository: no second copy of the course."""
    done, _ = run_start(binder_env, ["true"], timeout=START_TIMEOUT)
    assert done.returncode == 0 and not (binder_env["repo"] / "conoha-learn").exists()
    assert "copied" not in done.stderr


def error_outputs(notebook: dict) -> list[str]:
    """Error outputs, except in cells tagged raises-exception (an error shown on purpose)."""
    found = []
    for index, cell in enumerate(notebook["cells"]):
        if "raises-exception" in cell.get("metadata", {}).get("tags", []):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append(f"cell {index}: {output.get('ename')}: {output.get('evalue')}")
    return found


@pytest.mark.slow
def test_first_notebook_runs_after_start(binder_env):
    notebook = binder_env["repo"] / FIRST_NOTEBOOK
    if not notebook.exists():
        pytest.skip(f"{FIRST_NOTEBOOK} does not exist yet: this test executes it once it does")
    out_dir = binder_env["tmp"] / "executed"
    done, log = run_start(
        binder_env,
        ["jupyter", "nbconvert", "--to", "notebook", "--execute", str(FIRST_NOTEBOOK),
         "--output-dir", str(out_dir), f"--ExecutePreprocessor.timeout={NOTEBOOK_TIMEOUT}"],
        timeout=NOTEBOOK_TIMEOUT + 60)
    assert done.returncode == 0, done.stderr[-4000:]
    executed = json.loads((out_dir / FIRST_NOTEBOOK.name).read_text())
    assert not error_outputs(executed)
    source = "".join("".join(c["source"]) for c in executed["cells"] if c["cell_type"] == "code")
    if "connect(" in source:  # it reached the simulator start launched, not one of its own
        assert "POST /identity/v3/auth/tokens" in log.read_text()
