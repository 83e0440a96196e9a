"""The curl command of `as_curl()`, pasted into a real shell as README and notebook 00 say, answers.

`as_curl()` keeps the token out of the command (it sends ``$OS_TOKEN``), so the learner sets
``OS_TOKEN`` first: with the line ``conn.export_token()`` gives, or with
``openstack token issue`` in a terminal that has the ``OS_*`` settings (JupyterLab's terminals
under `conoha-learn lab` do). Both are run here in bash with the real curl, against a simulator
on 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import conoha_learn as cl

pytestmark = pytest.mark.skipif(not shutil.which("curl") or not shutil.which("bash"),
                                reason="needs bash and curl")


def shell(script: str, env: dict[str, str]) -> str:
    """Run ``script`` as a learner's pasted lines (bash, nothing of ours set but ``env``)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "CONOHA_LEARN_"))}
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120,
                          env={**base, **env})
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def conn(sim):
    connection = cl.connect(mode="sim", sim=sim)
    connection.compute.flavors()
    yield connection
    connection.close()


def test_the_curl_command_answers_200_after_the_export_line(conn):
    curl = conn.last_exchange.as_curl()
    assert "$OS_TOKEN" in curl and conn.token.id not in curl   # the token stays out of the command
    line = conn.export_token()
    assert line.startswith("export OS_TOKEN=")
    status = shell(f"{line}\n{curl}", {}).splitlines()[0]
    assert status.split()[1] == "200", status
    # without it, the same paste is refused: the line is what makes it work
    assert shell(curl, {}).splitlines()[0].split()[1] == "401"


def test_the_curl_command_answers_200_with_openstack_token_issue(conn, sim):
    venv_bin = str(Path(sys.executable).parent)   # what `conoha-learn lab` puts first on PATH
    if not Path(venv_bin, "openstack").exists():
        pytest.skip("python-openstackclient is not installed in this Python")
    env = {**sim.credentials(), "PATH": f"{venv_bin}{os.pathsep}{os.environ['PATH']}"}
    script = "export OS_TOKEN=$(openstack token issue -f value -c id)\n" + conn.last_exchange.as_curl()
    status = shell(script, env).splitlines()[0]
    assert status.split()[1] == "200", status
