"""The machine side of a room (benchmarks/bench_room.py, tests/test_room.py): real Unix users, an
environment every learner can run, configurable-http-proxy, and JupyterHub itself on loopback with
the project's deploy/jupyterhub_config.py.

Everything made here is removed again: users (and their homes and processes) on close, at exit,
and, should a run have been killed, at the next start (their names start with PREFIX).
Root only: creating users and PAM logins need it.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "clroom"                       # users and group this harness makes, and only those
GROUP = PREFIX
# Cached between runs: an environment learners can run (built from a Python outside /root) and
# the proxy from npm. A temp folder; CONOHA_LEARN_ROOM_CACHE to put it elsewhere.
CACHE = Path(os.environ.get("CONOHA_LEARN_ROOM_CACHE", "/var/tmp/conoha-learn-room"))
PROXY_VERSION = "4"                     # configurable-http-proxy 4.x (npm)


def why_not() -> str | None:
    """Why a room cannot run here, or None."""
    if os.geteuid() != 0:
        return "needs root: it creates real Unix users and logs them in through PAM"
    for tool in ("useradd", "userdel", "chpasswd", "groupadd", "npm", "runuser"):
        if shutil.which(tool) is None:
            return f"{tool} is missing"
    return None


def run(cmd: list[str], timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {done.returncode}: "
                           f"{(done.stderr or done.stdout)[-2000:]}")
    return done


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- an environment and a course copy that every learner can read and run ----------------------

def learners_can_run(python: Path, course: Path) -> bool:
    """Whether an unprivileged user can run ``python`` with the hub, and read the course."""
    probe = ("import jupyterhub, jupyterhub_idle_culler, conoha_learn, sys; "
             f"open({str(course / 'binder' / 'start')!r}).close()")
    done = subprocess.run(["runuser", "-u", "nobody", "--", str(python), "-c", probe],
                          capture_output=True, timeout=60, cwd="/")
    return done.returncode == 0


def copy_course(dest: Path) -> Path:
    """The checkout's course files (code, notebooks, docs, binder/, deploy/), readable by all."""
    skip = {".git", ".venv", "build", "__pycache__", ".pytest_cache", ".hypothesis"}
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(ROOT, dest, ignore=lambda _, names: [n for n in names if n in skip
                                                          or n.endswith(".egg-info")])
    for path in [dest, *dest.rglob("*")]:
        path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
    return dest


def learner_environment(say=print) -> tuple[Path, Path]:
    """(the environment's bin folder, the course folder) for the hub and its learners.

    The running environment when learners can use it; otherwise a venv built from a system
    Python in CACHE (a Python under /root, mode 0700, makes every spawn fail with "Permission
    denied"), the course installed editable from a copy beside it, renewed at every run.
    """
    here = Path(sys.prefix) / "bin"
    if learners_can_run(here / "python", ROOT):
        return here, ROOT
    CACHE.mkdir(mode=0o755, parents=True, exist_ok=True)
    CACHE.chmod(0o755)
    course = copy_course(CACHE / "course")
    stamp = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:12]
    env = CACHE / f"env-{stamp}"
    if not (env / ".complete").exists():
        base = next((p for p in ("/usr/bin/python3", "/usr/local/bin/python3") if Path(p).exists()),
                    None)
        if base is None:
            raise RuntimeError("no system Python (/usr/bin/python3) to build the learners' env from")
        say(f"room: building the learners' environment in {env} (once; a few minutes)")
        shutil.rmtree(env, ignore_errors=True)
        run([base, "-m", "venv", str(env)])
        run([str(env / "bin" / "python"), "-m", "pip", "install", "--quiet", "-e",
             f"{course}[course,room]"], timeout=1800)
        (env / ".complete").touch()
    for old in CACHE.glob("env-*"):
        if old != env:
            shutil.rmtree(old, ignore_errors=True)
    # Learners cannot write __pycache__ in the copy: compile it now, or every kernel compiles it.
    run([str(env / "bin" / "python"), "-m", "compileall", "-q", str(course / "conoha_learn")])
    if not learners_can_run(env / "bin" / "python", course):
        raise RuntimeError(f"{env}: learners still cannot run it (a folder above it not 0755?)")
    return env / "bin", course


def proxy_command(say=print) -> str:
    """configurable-http-proxy: on PATH, or installed from npm into CACHE once."""
    found = shutil.which("configurable-http-proxy")
    if found:
        return found
    prefix = CACHE / "npm"
    command = prefix / "node_modules" / ".bin" / "configurable-http-proxy"
    if not command.exists():
        say("room: installing configurable-http-proxy from npm (once)")
        prefix.mkdir(parents=True, exist_ok=True)
        run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(prefix),
             f"configurable-http-proxy@{PROXY_VERSION}"], timeout=600)
    return str(command)


# --- users ---------------------------------------------------------------------------------------

def user_processes(uid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def remove_user(name: str) -> None:
    """Its processes (by pid), the account, its home."""
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in user_processes(uid):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 5
        while user_processes(uid) and time.monotonic() < deadline:
            time.sleep(0.1)
    subprocess.run(["userdel", "--remove", name], capture_output=True, timeout=60)


def remove_leftovers() -> list[str]:
    """Users (and the group) a killed earlier run left behind; their names."""
    names = [u.pw_name for u in pwd.getpwall() if u.pw_name.startswith(PREFIX)]
    for name in names:
        remove_user(name)
    subprocess.run(["groupdel", GROUP], capture_output=True, timeout=60)
    return names


class Users:
    """N real users ``clroom001``... in group ``clroom``, each with a random password."""

    def __init__(self, count: int):
        remove_leftovers()
        self.passwords: dict[str, str] = {}
        atexit.register(self.close)
        run(["groupadd", GROUP])
        for i in range(1, count + 1):
            name = f"{PREFIX}{i:03d}"
            # HOME_MODE as Debian's default (0755): the hub's config must close it (0700).
            run(["useradd", "--create-home", "--shell", "/bin/bash", "--groups", GROUP,
                 "-K", "HOME_MODE=0755", name])
            self.passwords[name] = secrets.token_urlsafe(12)
        run(["chpasswd"], input="".join(f"{n}:{p}\n" for n, p in self.passwords.items()))

    def home(self, name: str) -> Path:
        return Path(pwd.getpwnam(name).pw_dir)

    def uid(self, name: str) -> int:
        return pwd.getpwnam(name).pw_uid

    def close(self) -> None:
        for name in list(self.passwords):
            remove_user(name)
        self.passwords.clear()
        subprocess.run(["groupdel", GROUP], capture_output=True, timeout=60)


# --- the hub -------------------------------------------------------------------------------------

class Hub:
    """JupyterHub on 127.0.0.1 with deploy/jupyterhub_config.py and an admin service token."""

    def __init__(self, bin_dir: Path, course: Path, proxy: str, idle: int = 3600):
        self.dir = Path(tempfile.mkdtemp(prefix="conoha-learn-hub-"))
        self.port, hub_port, proxy_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(32)
        config = self.dir / "bench_config.py"
        config.write_text(f"""\
load_subconfig({str(course / 'deploy' / 'jupyterhub_config.py')!r})
c.JupyterHub.bind_url = "{self.url}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.JupyterHub.db_url = "sqlite:///{self.dir}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{self.dir}/jupyterhub_cookie_secret"
c.JupyterHub.services.append({{"name": "bench", "api_token": {self.token!r}}})
c.JupyterHub.load_roles.append({{"name": "bench", "services": ["bench"], "scopes": [
    "admin:users", "admin:servers", "access:servers", "read:users"]}})
""")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CONOHA_LEARN_", "OS_",
                                                                        "JUPYTER", "VIRTUAL_ENV"))}
        env.update(CONOHA_LEARN_COURSE=str(course), CONOHA_LEARN_ROOM_GROUP=GROUP,
                   CONOHA_LEARN_ROOM_IDLE=str(idle), PATH=f"{bin_dir}:{env.get('PATH', '')}")
        self.log = open(self.dir / "hub.log", "w")
        # start_new_session: the hub, its proxy and its culler are stopped as one group.
        self.proc = subprocess.Popen([str(bin_dir / "jupyterhub"), "-f", str(config)],
                                     cwd=self.dir, env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        atexit.register(self.close)
        self.api = requests.Session()
        self.api.headers["Authorization"] = f"token {self.token}"
        self._wait_up()

    def _wait_up(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited {self.proc.returncode}:\n{self.tail()}")
            try:
                if self.api.get(f"{self.url}/hub/api/", timeout=5).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"jupyterhub did not answer in {timeout} s:\n{self.tail()}")

    def tail(self, lines: int = 30) -> str:
        self.log.flush()
        return "\n".join((self.dir / "hub.log").read_text(errors="replace").splitlines()[-lines:])

    def close(self) -> None:
        if self.proc.poll() is None:
            for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
                try:
                    os.killpg(self.proc.pid, sig)
                    self.proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
                except ProcessLookupError:
                    break
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


# --- memory --------------------------------------------------------------------------------------

def pss_mb(uid: int) -> float:
    """Proportional set size of all of a user's processes, MB (shared pages split fairly)."""
    total = 0
    for pid in user_processes(uid):
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def used_mb() -> float:
    """The machine's memory in use (MemTotal - MemAvailable), MB."""
    info = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    return (int(info["MemTotal"].split()[0]) - int(info["MemAvailable"].split()[0])) / 1024

