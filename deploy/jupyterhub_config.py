"""JupyterHub for a room on one machine: every learner a real Unix user with their own course.

    jupyterhub -f deploy/jupyterhub_config.py        # as root, from the hub's environment

(or a symlink to this file in The Littlest JupyterHub's /opt/tljh/config/jupyterhub_config.d/).
The course must be installed in the environment that runs the hub, and that environment must be
readable and runnable by every learner (under /opt, not under /root): docs/teaching.md.

What each learner gets (tests/test_room.py checks it with three learners, and
benchmarks/bench_room.py measures it with thirty):

* a login with their Unix account and password (PAM), if they are in the group
  CONOHA_LEARN_ROOM_GROUP (default ``conoha-learners``);
* a home only they can open (0700: Debian's useradd makes 0755 homes, readable by everyone);
* on every start, binder/start copies the notebooks of both editions into ~/conoha-learn, only
  those missing, so their edits stay; JupyterLab opens on 00_start_here (or ja/00_start_here and
  a Japanese interface when the hub runs with CONOHA_LEARN_ROOM_LANG=ja);
* private simulator mode (CONOHA_LEARN_PRIVATE_SIM=1): each kernel's ``cl.connect()`` starts the
  learner's own simulator on the learner's own port, with a random password and a secret that
  only they can read (conoha_learn/sim/private.py); other learners get 401;
* servers idle for CONOHA_LEARN_ROOM_IDLE seconds (default 3600) are stopped
  (jupyterhub-idle-culler); their notebooks stay in their home.
"""

import os
import pwd
import signal
import stat
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub provides it)

COURSE = Path(os.environ.get("CONOHA_LEARN_COURSE") or Path(__file__).resolve().parents[1])
LANGUAGE = os.environ.get("CONOHA_LEARN_ROOM_LANG", "en")  # "ja": a Japanese room
GROUP = os.environ.get("CONOHA_LEARN_ROOM_GROUP", "conoha-learners")
IDLE = int(os.environ.get("CONOHA_LEARN_ROOM_IDLE", "3600"))
START = {"en": "conoha-learn/notebooks/00_start_here.ipynb",
         "ja": "conoha-learn/notebooks/ja/00_start_here.ipynb"}[LANGUAGE]
BIN = Path(sys.prefix) / "bin"  # the hub's environment: the learners' Python too
# The Littlest JupyterHub has its own spawner (systemd, with limits), user environment
# (/opt/tljh/user, on the learners' PATH) and culler (`tljh-config set services.cull.timeout`).
TLJH = sys.prefix.startswith("/opt/tljh")

# Who may log in: Unix users of the room's group, checked by PAM (the hub runs as root).
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {GROUP}
c.LocalAuthenticator.create_system_users = False  # accounts are made before the day: docs

# Each learner's server: binder/start (copy the course in, then Jupyter) as that Unix user.
c.Spawner.cmd = [str(COURSE / "binder" / "start"), "jupyterhub-singleuser"]
c.Spawner.default_url = f"/lab/tree/{START}"
c.Spawner.notebook_dir = "~"
# Kernels talk to their server over Unix sockets in the learner's own runtime folder, not TCP ports
# on the shared loopback: thirty kernels started at once picked colliding free ports (jupyter_client
# chooses a port, then the kernel binds it), and a kernel that lost the race never answered
# (bench-room: 1-2 of 30 learners per run). Sockets also keep other learners from even reaching them.
c.Spawner.args = ["--KernelManager.transport=ipc"]
c.Spawner.environment = {
    "CONOHA_LEARN_PRIVATE_SIM": "1",
    "CONOHA_LEARN_MODE": "sim",
    **({"CONOHA_LEARN_LANG": "ja"} if LANGUAGE == "ja" else {}),
}
# Measured (benchmarks/README.md, "room"): about 170 MB PSS per learner with one kernel.
# LocalProcessSpawner does not enforce these; The Littlest JupyterHub's SystemdSpawner does.
c.Spawner.mem_limit = "1G"
c.Spawner.cpu_limit = 1
# Thirty servers starting at once on two cores: give each time (first token p95 in the bench).
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.JupyterHub.concurrent_spawn_limit = 100


def home_only_for_its_owner(spawner) -> None:
    """0700 on the learner's home before their server starts: no one else lists or reads it."""
    user = pwd.getpwnam(spawner.user.name)
    home = Path(user.pw_dir)
    if home.is_dir() and home.stat().st_uid == user.pw_uid:
        if stat.S_IMODE(home.stat().st_mode) & 0o077:
            home.chmod(0o700)


c.Spawner.pre_spawn_hook = home_only_for_its_owner

if not TLJH:
    from jupyterhub.spawner import LocalProcessSpawner

    class TermFirstSpawner(LocalProcessSpawner):
        """LocalProcessSpawner, but a graceful stop starts with SIGTERM instead of SIGINT.

        On SIGINT jupyter-server exits without shutting its kernels down; each kernel then sees
        its parent gone and ends with os._exit, so nothing it would do at exit runs: the
        learner's ~/.conoha-learn/simulator.json stayed behind (found by tests/test_room.py).
        On SIGTERM it shuts the kernels down cleanly. Then SIGTERM again and SIGKILL, as usual.
        """

        async def stop(self, now: bool = False) -> None:
            if not now and await self.poll() is None:
                await self._signal(signal.SIGTERM)
                await self.wait_for_death(self.interrupt_timeout)
            await super().stop(now=True)

    c.JupyterHub.spawner_class = TermFirstSpawner
    c.Spawner.environment["PATH"] = f"{BIN}:/usr/local/bin:/usr/bin:/bin"

# Stop servers nobody used for IDLE seconds (their files stay); the hub's own service.
c.JupyterHub.services = [] if TLJH else [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE}"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
