"""``conoha-learn lab``: JupyterLab with the simulator beside it, on any machine a learner has.

As root (Docker images, VMs) it adds ``--allow-root``; with no display it opens no browser (and
says which link to open); when port 8888 or 8765 is taken it uses free ones and says so. Options
are handed on to ``jupyter lab`` as they are, and the start notebook is opened unless you name
files yourself. Before Jupyter's own lines it prints where the simulator listens, its learner
account, the ``OS_*`` lines for a terminal and where its request log is.

The link Jupyter prints opens the start notebook itself (``/lab/tree/ja/00_start_here.ipynb``
with ``--lang ja``), with or without a browser on this machine, and however often it is run.

The JupyterLab it starts keeps its settings in ``~/.conoha-learn/jupyterlab/user-settings``,
not in your own ``~/.jupyter``: there it turns off the "Jupyter news?" pop-up (as binder/postBuild
does for Binder), picks the interface language (``--lang ja``: Japanese) and leaves the file
browser's width to the notebooks' names (no "Last Modified" column, unless you turn it back on).
Each edition keeps its own workspace (the open tabs and panels), in
``~/.conoha-learn/jupyterlab/workspaces/en`` or ``.../ja``, so the Japanese session never reopens
the English notebooks. The test material beside the lessons (``cassettes/``) is hidden from the
file browser. It also trusts the course's committed notebooks, as ``jupyter trust`` would, so
their widgets and HTML show at once.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .i18n import _, set_language

NOTEBOOKS = Path("notebooks")
START = {"en": NOTEBOOKS / "00_start_here.ipynb", "ja": NOTEBOOKS / "ja" / "00_start_here.ipynb"}
JUPYTER_PORT = 8888   # Jupyter's own default
LOCALES = {"en": "en", "ja": "ja_JP"}  # JupyterLab's names; ja_JP is jupyterlab-language-pack-ja-jp
LOG_VARIABLE = "CONOHA_LEARN_SIM_LOG"  # the same variable binder/start reads
SETTINGS_DIR = Path(".conoha-learn") / "jupyterlab" / "user-settings"  # under the home folder
WORKSPACES_DIR = Path(".conoha-learn") / "jupyterlab" / "workspaces"    # + /en or /ja
# Jupyter Server's own hide_globs, plus the recorded HTTP exchanges the tests replay: test
# material, not a lesson. (The tests and the kernels read them from disk, not through Jupyter.)
HIDDEN = ["__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*~", "cassettes"]
# Flags of `jupyter lab` that take no value: any other --option without "=" takes the next word.
# (JupyterLab 4's LabApp.flags; tests/test_lab.py checks the list against the installed one.)
FLAGS_WITHOUT_VALUE = {"no-browser", "allow-root", "debug", "dev-mode", "core-mode", "watch",
                       "autoreload", "expose-app-in-browser", "y", "generate-config",
                       "collaborative", "skip-dev-build", "extensions-in-dev-mode", "splice-source",
                       "script", "no-script", "custom-css", "show-config", "show-config-json"}


def export_lines(variables: dict[str, str]) -> str:
    """``  export OS_...=...`` lines, values quoted for a shell."""
    return "\n".join(f"  export {k}={shlex.quote(v)}" for k, v in variables.items())


# --- reading the options meant for Jupyter -----------------------------------------------------------

def split_jupyter_args(args: Sequence[str]) -> tuple[list[str], list[str]]:
    """Options for ``jupyter lab``, and the files to open among them. ``--`` is dropped: it
    only separates our options from Jupyter's."""
    options: list[str] = []
    files: list[str] = []
    takes_value = False
    for arg in args:
        if arg == "--":
            continue
        if takes_value:
            options.append(arg)
            takes_value = False
        elif arg.startswith("-"):
            options.append(arg)
            takes_value = "=" not in arg and arg.lstrip("-") not in FLAGS_WITHOUT_VALUE
        else:
            files.append(arg)
    return options, files


def option_given(options: Sequence[str], *names: str) -> bool:
    """Whether any of ``names`` (``--port``, ``--ServerApp.port``...) is among the options."""
    return any(o.split("=", 1)[0] in names for o in options)


# --- what the machine allows -------------------------------------------------------------------------

def port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def has_display() -> bool:
    """Whether a browser window could open here (Linux without X11 or Wayland: no)."""
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def jupyter_options(options: list[str], say: Callable[[str], None]) -> list[str]:
    """Our additions to the learner's options: --allow-root, a free port, no browser without
    a display. The learner's own options come last, so they win."""
    extra = []
    if os.geteuid() == 0 and "--allow-root" not in options:
        extra.append("--allow-root")  # Jupyter refuses root otherwise; root is how containers run
    if not option_given(options, "--port", "--ServerApp.port") and not port_free(JUPYTER_PORT):
        port = free_port()
        say(_("Port {taken} is taken: JupyterLab will use port {port}.").format(taken=JUPYTER_PORT,
                                                                              port=port))
        extra.append(f"--ServerApp.port={port}")
    browser_chosen = option_given(options, "--no-browser", "--browser", "--ServerApp.browser",
                                  "--ServerApp.open_browser")
    if not has_display() and not browser_chosen:
        # Without this Python's webbrowser may start a text browser (lynx, w3m) in this terminal.
        say(_("No display here, so no browser is opened: open the http://127.0.0.1:... link "
              "that Jupyter prints below in a browser."))
        extra.append("--ServerApp.open_browser=False")
    return extra + options


# --- JupyterLab's settings and trusted notebooks -----------------------------------------------------

def write_settings(folder: Path, language: str) -> None:
    """No news pop-up; the interface in ``language``; the notebooks' names whole in the file
    browser (its date column off, unless the learner turned it back on). Other settings are
    left as they are."""
    wanted = {  # (always these, only where the learner chose nothing)
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
            ({"fetchNews": "false", "checkForUpdates": False}, {}),
        "@jupyterlab/translation-extension/plugin.jupyterlab-settings":
            ({"locale": LOCALES[language]}, {}),
        "@jupyterlab/filebrowser-extension/browser.jupyterlab-settings":
            ({}, {"showLastModifiedColumn": False}),
    }
    for name, (always, defaults) in wanted.items():
        path = folder / name
        try:
            current = json.loads(path.read_text())
        except (OSError, ValueError):  # missing, or JSON5 with comments: start again
            current = {}
        current = current if isinstance(current, dict) else {}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({**defaults, **current, **always}, indent=2) + "\n")


def seed_workspace(folder: Path) -> None:
    """A first workspace for an edition that has none: the file browser open and wide enough
    for the notebooks' names (JupyterLab's default is a fifth of the window, which cuts them).
    Once JupyterLab has saved the learner's own layout there, it is left alone."""
    from jupyterlab_server.workspaces_handler import WORKSPACE_EXTENSION, slugify

    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.glob("*" + WORKSPACE_EXTENSION)):
        return
    layout = {"left": {"collapsed": False, "visible": True, "current": "filebrowser",
                       "widgets": ["filebrowser", "running-sessions", "@jupyterlab/toc:plugin"]},
              "relativeSizes": [0.28, 0.72, 0]}   # left panel, notebooks, right panel
    workspace = {"data": {"layout-restorer:data": layout}, "metadata": {"id": "default"}}
    (folder / (slugify("default") + WORKSPACE_EXTENSION)).write_text(json.dumps(workspace, indent=2))


def committed_notebooks(root: Path) -> list[Path]:
    """The course's notebooks as git has them (changed, untracked or ignored ones are not
    vouched for); outside a git checkout, all of them, as shipped."""
    found = sorted(p for folder in (root / NOTEBOOKS, root / NOTEBOOKS / "ja") if folder.is_dir()
                   for p in folder.glob("*.ipynb"))
    try:
        listed = subprocess.run(["git", "ls-files", "--modified", "--others", "--", str(NOTEBOOKS)],
                                cwd=root, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return found
    if listed.returncode != 0:  # not a git checkout
        return found
    changed = {(root / line).resolve() for line in listed.stdout.splitlines()}
    return [p for p in found if p.resolve() not in changed]


def trust(notebooks: Sequence[Path]) -> int:
    """Sign the notebooks in Jupyter's notary (what ``jupyter trust`` does); how many were signed."""
    import nbformat
    from nbformat.sign import NotebookNotary

    notary = NotebookNotary()  # the default database and secret, the ones Jupyter Server reads
    signed = 0
    for path in notebooks:
        try:
            notebook = nbformat.read(path, as_version=4)
        except Exception:  # a broken notebook: Jupyter will say so when it is opened
            continue
        if not notary.check_signature(notebook):
            notary.sign(notebook)
        signed += 1
    return signed


# --- the whole command -------------------------------------------------------------------------------

def start_notebook(language: str, say: Callable[[str], None]) -> Path | None:
    """The start notebook for ``language``; the English one while the Japanese one is missing."""
    if language != "en" and not START[language].exists() and START["en"].exists():
        say(_("{path} is not there yet: opening the English start notebook, {english}, with the "
              "interface in Japanese.").format(path=START[language], english=START["en"]))
        return START["en"]
    if not START[language].exists():
        say(_("No {path} in this folder ({cwd}): run `conoha-learn lab` in the course's folder to "
              "open the course.").format(path=START[language], cwd=Path.cwd()))
        return None
    return START[language]


def start_url(start: Path) -> str:
    """JupyterLab's address for the start notebook, ``/lab/tree/...`` relative to notebooks/:
    Jupyter prints it (with the token) and opens it, so the link opens the lesson, not an
    empty Launcher. (A file given to ``jupyter lab`` only reaches a page Jupyter writes for
    a browser it opens itself.)"""
    return "/lab/tree/" + start.resolve().relative_to(NOTEBOOKS.resolve()).as_posix()


def simulator_banner(url: str, variables: dict[str, str], log: Path | None, ours: bool) -> str:
    """What the learner needs before Jupyter's lines: the simulator, its account, OS_*, the log."""
    lines = [_("ConoHa simulator listening on {url}").format(url=url) if ours else
             _("Using the ConoHa simulator already running on {url}").format(url=url),
             _("  learner account  {user} (tenant id {tenant})").format(
                 user=variables.get("OS_USERNAME"), tenant=variables.get("OS_PROJECT_ID")),
             _("For `openstack` or curl in a terminal (JupyterLab's terminals have these set):"),
             export_lines(variables)]
    if log is not None:
        lines.append(_("Every request it answers is logged to {log} (tail -f {log})").format(log=log))
    return "\n".join(lines)


def log_requests(path: Path) -> None:
    """Send the simulator's access log (one line per request) to ``path``."""
    import logging

    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    access = logging.getLogger("conoha_learn.sim.access")
    access.addHandler(handler)
    access.setLevel(logging.DEBUG)
    access.propagate = False  # the log file, not Jupyter's terminal


def run(jupyter_args: Sequence[str], language: str = "en") -> int:
    """Start the simulator and JupyterLab; return Jupyter's exit code once it stops."""
    from .local_sim import PORT_VARIABLE, find_or_start, stop_embedded
    from .magics import cloud_environment

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if language != "en":
        set_language(language)  # this process's own lines (the banner) too, not only the kernels'
    if importlib.util.find_spec("jupyterlab") is None:
        say(_("JupyterLab is not installed in this Python ({python}). Install the course's "
              "packages: pip install -e '.[course]' (or run `make lab`).").format(python=sys.executable))
        return 2
    set_language(language)  # our own lines too (the banner), not only the kernels'
    options, files = split_jupyter_args(jupyter_args)
    options = jupyter_options(options, say)
    start = None if files else start_notebook(language, say)
    if start is not None:
        if option_given(options, "--ServerApp.root_dir", "--notebook-dir",
                        "--ServerApp.notebook_dir", "--LabApp.default_url", "--ServerApp.default_url"):
            files = [str(start.resolve())]  # the learner's own folder or page: Jupyter finds it
        else:
            # The file browser shows the lessons (both languages), not the whole repository,
            # and the printed link opens the start notebook.
            options[:0] = [f"--ServerApp.root_dir={NOTEBOOKS.resolve()}",
                           f"--LabApp.default_url={start_url(start)}"]

    url, sim = find_or_start(say=say)
    log = None
    if sim is not None:
        log = Path(os.environ.get(LOG_VARIABLE) or Path.home() / ".conoha-learn" / "sim.log")
        log_requests(log)
    env = dict(os.environ)
    env.setdefault("CONOHA_LEARN_MODE", "sim")
    env[PORT_VARIABLE] = url.rsplit(":", 1)[1]  # the kernels' cl.connect() looks there
    if language != "en":
        env["CONOHA_LEARN_LANG"] = language
    # `openstack` and `conoha-learn` in JupyterLab's terminals, without activating .venv
    env["PATH"] = os.pathsep.join(filter(None, [str(Path(sys.executable).parent), env.get("PATH")]))
    variables = cloud_environment("sim")
    if "OS_AUTH_URL" not in os.environ and "OS_CLOUD" not in os.environ:
        env.update(variables)  # for JupyterLab's terminals; a learner's own OS_* settings win
    print(simulator_banner(url, variables, log, ours=sim is not None), flush=True)

    settings = Path.home() / SETTINGS_DIR
    write_settings(settings, language)
    workspaces = Path.home() / WORKSPACES_DIR / language
    seed_workspace(workspaces)
    trust(committed_notebooks(Path.cwd()))
    command = [sys.executable, "-m", "jupyter", "lab", f"--LabApp.user_settings_dir={settings}",
               f"--LabApp.workspaces_dir={workspaces}",
               f"--ContentsManager.hide_globs={json.dumps(HIDDEN)}", *options, *files]
    try:
        return wait_for(subprocess.Popen(command, env=env))
    finally:
        stop_embedded()


def wait_for(jupyter: subprocess.Popen) -> int:
    """Wait for Jupyter to stop. Ctrl+C reaches it too (same terminal), and it asks before it
    stops, so we keep waiting; SIGTERM is passed on, so kernels are shut down cleanly."""
    signal.signal(signal.SIGTERM, lambda *_: jupyter.send_signal(signal.SIGTERM))
    while True:
        try:
            return jupyter.wait()
        except KeyboardInterrupt:
            continue
